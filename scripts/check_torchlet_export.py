"""Checks a model that torchlet trained and saved, from PyTorch's side (run with
/usr/bin/python3; test/io-pytorch.test.ts runs it when PyTorch is there):

  check_torchlet_export.py MODEL.safetensors REFERENCE.json

REFERENCE.json holds {"arch": "mlp" | "cnn", "input_shape", "input", "output"}:
torchlet's eval-mode outputs for a fixed input. The script
  1. reads the file (with the safetensors package if installed, else numpy),
  2. checks it is byte-for-byte what the reference writer makes of the same tensors,
  3. loads it into the same PyTorch architecture with load_state_dict(strict=True),
  4. runs the input in eval mode and compares with torchlet's outputs.
It prints one JSON line and exits 0 when everything matches.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_numpy  # noqa: E402
from gen_io_fixtures import ARCHS  # noqa: E402


def main(model_path, reference_path):
    with open(model_path, "rb") as f:
        data = f.read()
    with open(reference_path) as f:
        ref = json.load(f)
    try:
        from safetensors.torch import load as st_load
        state = st_load(data)
        _, metadata = safetensors_numpy.deserialize(data)
        reader = "safetensors"
    except ImportError:
        state, metadata = safetensors_numpy.deserialize(data)
        reader = "safetensors_numpy"
    same_bytes = safetensors_numpy.serialize(state, metadata or None) == data

    cls, _ = ARCHS[ref["arch"]]
    model = cls()
    model.load_state_dict(state, strict=True)
    model.eval()
    x = torch.tensor(ref["input"], dtype=torch.float32).reshape(ref["input_shape"])
    with torch.no_grad():
        out = model(x).flatten()
    expected = torch.tensor(ref["output"], dtype=torch.float32)
    max_diff = float((out - expected).abs().max())
    close = out.shape == expected.shape and torch.allclose(out, expected, rtol=1e-4, atol=1e-5)
    result = {"ok": bool(close and same_bytes), "outputs_match": bool(close), "same_bytes": same_bytes,
              "max_abs_diff": max_diff, "reader": reader, "tensors": len(state), "metadata": metadata}
    print(json.dumps(result))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
