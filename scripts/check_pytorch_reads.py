"""Checks that Python's PyTorch loads the checkpoints torchlet writes in
PyTorch's format (run by hand with /usr/bin/python3; tests never run Python):

  npx tsc -p tsconfig.json && node dist/test/io-pytorch-cases.js /tmp/torchlet-pt
  /usr/bin/python3 scripts/check_pytorch_reads.py /tmp/torchlet-pt

For every DIR/<name>.pt(h) it loads the file with
torch.load(path, weights_only=True) (PyTorch 1.13's weights-only unpickler
lacks BINFLOAT, which 2.x has: files holding Python floats then load with the
plain loader, and the script says so), describes the result as
gen_pytorch_checkpoint_fixtures.py does and compares it with DIR/<name>.json,
torchlet's description of what it saved: values, dtypes, shapes, strides,
storage offsets, which tensors share a storage, requires_grad and Parameter.
For the model it also loads the state dict into PyTorch's SmallNet and
compares the outputs with torchlet's. Prints one line per file and exits
non-zero on any difference.
"""
import json
import math
import os
import pickle
import sys
import zipfile

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_pytorch_checkpoint_fixtures import SmallNet, describe  # noqa: E402


def close(a, b, dtype):
    a = float("nan") if a == "nan" else float(a.replace("inf", "Infinity")) if isinstance(a, str) else a
    b = float("nan") if b == "nan" else float(b.replace("inf", "Infinity")) if isinstance(b, str) else b
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    if dtype == "float32":
        return torch.tensor(a, dtype=torch.float32).item() == torch.tensor(b, dtype=torch.float32).item()
    return a == b


def compare(got, want, where, problems):
    if isinstance(want, dict) and "tensor" in want:
        g, w = got.get("tensor") if isinstance(got, dict) else None, want["tensor"]
        if g is None:
            problems.append(f"{where}: expected a tensor, got {got}")
            return
        for k in ("dtype", "shape", "stride", "offset", "storage", "storage_numel", "requires_grad", "parameter"):
            if g[k] != w[k]:
                problems.append(f"{where}: {k} is {g[k]}, torchlet saved {w[k]}")
        if len(g["values"]) != len(w["values"]) or not all(close(a, b, w["dtype"]) for a, b in zip(g["values"], w["values"])):
            problems.append(f"{where}: values {g['values'][:8]}... differ from torchlet's {w['values'][:8]}...")
        return
    if isinstance(want, dict) and "dict" in want:
        if not isinstance(got, dict) or "dict" not in got:
            problems.append(f"{where}: expected a dict, got {got}")
            return
        if [k for k, _ in got["dict"]] != [k for k, _ in want["dict"]]:
            problems.append(f"{where}: keys {[k for k, _ in got['dict']]} differ from {[k for k, _ in want['dict']]}")
            return
        for (k, g), (_, w) in zip(got["dict"], want["dict"]):
            compare(g, w, f"{where}[{k!r}]", problems)
        return
    for kind in ("list", "tuple"):
        if isinstance(want, dict) and kind in want:
            if not isinstance(got, dict) or kind not in got or len(got[kind]) != len(want[kind]):
                problems.append(f"{where}: expected a {kind} of {len(want[kind])}, got {str(got)[:80]}")
                return
            for i, (g, w) in enumerate(zip(got[kind], want[kind])):
                compare(g, w, f"{where}[{i}]", problems)
            return
    if isinstance(want, dict) and "float" in want:
        if not (isinstance(got, dict) and "float" in got and close(got["float"], want["float"], "float64")):
            problems.append(f"{where}: {got} differs from {want}")
        return
    if got != want:
        problems.append(f"{where}: {got} differs from {want}")


def load(path):
    try:
        return torch.load(path, weights_only=True), "weights_only=True"
    except pickle.UnpicklingError as e:
        if "Unsupported operand 71" not in str(e):
            raise
        return torch.load(path), "weights_only=False (1.13's weights-only unpickler lacks BINFLOAT)"


def main(directory):
    failed = False
    for name in sorted(os.listdir(directory)):
        if not name.endswith((".pt", ".pth")):
            continue
        path = os.path.join(directory, name)
        want = json.load(open(os.path.join(directory, os.path.splitext(name)[0] + ".json")))
        problems = []
        with zipfile.ZipFile(path) as z:
            bad = z.testzip()  # checks every CRC-32
            if bad is not None:
                problems.append(f"CRC mismatch in {bad}")
            records = z.namelist()
        obj, how = load(path)
        compare(describe(obj, {}), want["value"], "obj", problems)
        if want.get("model") == "SmallNet":
            net = SmallNet()
            net.load_state_dict(obj)  # strict
            net.eval()
            x = torch.tensor(want["input"]).reshape(want["input_shape"])
            with torch.no_grad():
                out = net(x)
            diff = (out.reshape(-1) - torch.tensor(want["output"])).abs().max().item()
            how += f", SmallNet outputs within {diff:.2e} of torchlet's"
            if diff > 1e-5:
                problems.append(f"outputs differ from torchlet's by {diff}")
        failed |= bool(problems)
        print(f"{'FAIL' if problems else 'ok'}  {name}: {how}; records {records}")
        for p in problems:
            print("      ", p)
    print(f"PyTorch {torch.__version__}: {'FAILED' if failed else 'all files load as torchlet saved them'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main(sys.argv[1])
