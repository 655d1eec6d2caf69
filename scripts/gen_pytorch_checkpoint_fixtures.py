"""Writes the PyTorch-format checkpoints (torch.save's zip + pickle files)
that test/io-pytorch-*.test.ts read, with a JSON description of what
`torch.load(path, weights_only=True)` returns for each (run with
/usr/bin/python3, which has PyTorch; tests never run Python):

  test/fixtures/io-pytorch/<name>.pt     the checkpoint, as torch.save wrote it
  test/fixtures/io-pytorch/<name>.json   {"value": described object, ...}

Some files are saved to a path (1.13 names the archive's folder after the
file's stem) and some to a buffer (the folder is then "archive/", as in 2.x).
The description encodes Python values so that the test can compare torchlet's
result structurally: dict -> {"dict": [[key, value], ...], "ordered": bool},
list -> {"list": [...]}, tuple -> {"tuple": [...]}, int -> {"int": "digits"},
float -> {"float": number or "nan"/"inf"/"-inf"}, str, bool and None as
themselves, and a tensor -> {"tensor": {dtype, shape, stride, offset,
storage, storage_numel, requires_grad, parameter, values}} where `storage`
numbers the distinct storages of the file (equal numbers share memory) and
`values` are the elements in row-major order (float16/bfloat16 as the float32
they widen to).
"""
import io
import json
import os
import pickle
import sys
from collections import OrderedDict

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_numbers import enc_exact  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "io-pytorch")


class Custom:
    """A class PyTorch's weights-only loader refuses (GLOBAL __main__.Custom)."""

    def __init__(self):
        self.x = 1


class RunsCommand:
    """Pickles as a call to os.system: must never run, and is refused by module."""

    def __reduce__(self):
        return (os.system, ("echo pwned",))


def describe(v, storages):
    if isinstance(v, torch.Tensor):
        key = v.storage().data_ptr()
        if v.storage().size() == 0:
            key = ("empty", len(storages))  # every empty storage has data_ptr 0: count each on its own
        if key not in storages:
            storages[key] = len(storages)
        double = v.dtype == torch.float64
        values = v.detach().reshape(-1)
        if v.dtype in (torch.float16, torch.bfloat16):
            values = values.float()
        return {"tensor": {
            "dtype": str(v.dtype).replace("torch.", ""),
            "shape": list(v.shape),
            "stride": list(v.stride()),
            "offset": v.storage_offset(),
            "storage": storages[key],
            "storage_numel": v.storage().size(),
            "requires_grad": v.requires_grad,
            "parameter": isinstance(v, nn.Parameter),
            "values": [enc_exact(x if isinstance(x, bool) else x, double) for x in values.tolist()],
        }}
    if isinstance(v, dict):
        return {"dict": [[k, describe(x, storages)] for k, x in v.items()], "ordered": isinstance(v, OrderedDict)}
    if isinstance(v, list):
        return {"list": [describe(x, storages) for x in v]}
    if isinstance(v, tuple):
        return {"tuple": [describe(x, storages) for x in v]}
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, (torch.device, torch.dtype)):
        return str(v).replace("torch.", "")  # torchlet loads both as their names
    if isinstance(v, int):
        return {"int": str(v)}
    if isinstance(v, float):
        return {"float": enc_exact(v, True)}
    raise TypeError(f"cannot describe {type(v)}")


def save(name, obj, to_buffer=False, **extra):
    path = os.path.join(OUT, name + ".pt")
    if to_buffer:
        buf = io.BytesIO()
        torch.save(obj, buf)
        with open(path, "wb") as f:
            f.write(buf.getvalue())
    else:
        torch.save(obj, path)
    if extra.get("no_json"):
        return
    try:
        loaded, how = torch.load(path, weights_only=True), "weights_only=True"
    except pickle.UnpicklingError as e:
        # 1.13's weights-only unpickler lacks BINFLOAT (2.x has it): the plain loader reads the same objects.
        if "Unsupported operand 71" not in str(e):
            raise
        loaded, how = torch.load(path), "weights_only=False (1.13 lacks BINFLOAT)"
    description = {"value": describe(loaded, {}), "loaded_with": how}
    description.update({k: v for k, v in extra.items() if k != "no_json"})
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(description, f)
        f.write("\n")


def dtypes():
    g = torch.Generator().manual_seed(1)
    return {
        "float32": torch.randn(2, 3, generator=g),
        "float64": torch.randn(3, generator=g, dtype=torch.float64),
        "float16": torch.tensor([0.5, -2.0, 65504.0, 6.1e-5, float("inf")], dtype=torch.float16),
        "bfloat16": torch.tensor([1.0, -3.5, 1e30, float("-inf")], dtype=torch.bfloat16),
        "int64": torch.tensor([0, -1, 2**31 - 1, -(2**31)], dtype=torch.int64),
        "int32": torch.tensor([[7, -8], [9, 2**31 - 1]], dtype=torch.int32),
        "int16": torch.tensor([-32768, 32767, 5], dtype=torch.int16),
        "int8": torch.tensor([-128, 127, 0], dtype=torch.int8),
        "uint8": torch.tensor([0, 255, 17], dtype=torch.uint8),
        "bool": torch.tensor([True, False, True]),
    }


def views():
    base = torch.arange(24, dtype=torch.float32)
    grid = base.view(4, 6)
    tied = torch.randn(3, 2, generator=torch.Generator().manual_seed(2))
    return OrderedDict([
        ("base", base),
        ("grid", grid),
        ("row", grid[2]),                      # offset 12
        ("column", grid[:, 3]),                # stride 6, offset 3
        ("transposed", grid.t()),              # strides (1, 6)
        ("strided", grid[1::2, ::3]),          # offset 6, strides (12, 3)
        ("element", grid[3, 5]),               # 0-d view at offset 23
        ("tied_a", tied),
        ("tied_b", tied),                      # the same tensor twice
        ("tied_t", tied.t()),
        ("own", torch.tensor([1.0, 2.0])),
    ])


def shapes():
    g = torch.Generator().manual_seed(3)
    return {
        "scalar": torch.tensor(3.25),
        "scalar_int": torch.tensor(-7),
        "empty": torch.zeros(0),
        "empty_2d": torch.zeros(2, 0, 3),
        "non_contiguous": torch.randn(3, 4, generator=g).t(),
        "expanded": torch.tensor([1.0, 2.0, 3.0]).expand(2, 3),  # stride 0
        "permuted": torch.arange(24.0).reshape(2, 3, 4).permute(2, 0, 1),
    }


def nested():
    return {
        "int": 3,
        "negative": -300,
        "big": 2**40,
        "huge": -(2**70),
        "float": 2.5,
        "nan": float("nan"),
        "text": "héllo ✓",
        "none": None,
        "yes": True,
        "no": False,
        "list": [1, 2.0, [3, "x"], []],
        "tuple": (1, "a", None),
        "pair": (4, 5),
        "triple": (6, 7, 8),
        "one": (9,),
        "empty_tuple": (),
        "dict": {"inner": {"deep": torch.tensor([1, 2])}, "n": 0},
        "tensors": [torch.ones(2), torch.zeros(1, dtype=torch.float64)],
        "ordered": OrderedDict([("z", 1), ("a", 2)]),
        "size": torch.Size([2, 3]),
        "device": torch.device("cpu"),
        "dtype": torch.float16,
    }


class SmallNet(nn.Module):
    """Conv -> BatchNorm -> ReLU -> flatten -> Linear (tests build the same in torchlet)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3)
        self.bn = nn.BatchNorm2d(2)
        self.fc = nn.Linear(2 * 4 * 4, 3)

    def forward(self, x):
        return self.fc(torch.relu(self.bn(self.conv(x))).flatten(1))


def model():
    torch.manual_seed(4)
    net = SmallNet()
    net.train()
    with torch.no_grad():
        for _ in range(3):
            net(torch.randn(4, 1, 6, 6))
    net.eval()
    x = torch.randn(2, 1, 6, 6)
    y = net(x).detach()
    return net.state_dict(), {"input_shape": list(x.shape), "input": x.reshape(-1).tolist(),
                              "output_shape": list(y.shape), "output": y.reshape(-1).tolist()}


def main():
    os.makedirs(OUT, exist_ok=True)
    save("dtypes", dtypes(), to_buffer=True)
    save("views", views(), to_buffer=True)
    save("shapes", shapes())
    save("nested", nested(), to_buffer=True)
    sd, ref = model()
    save("model", sd, **ref)
    p = nn.Parameter(torch.tensor([1.0, -1.0, 0.5]))
    frozen = nn.Parameter(torch.tensor([2.0]), requires_grad=False)
    save("params", {"param": p, "frozen": frozen, "leaf": torch.tensor([3.0, 4.0], requires_grad=True)}, to_buffer=True)
    save("int64_overflow", {"ok": torch.tensor([1]), "too_big": torch.tensor([0, 2**40])}, to_buffer=True, no_json=True)
    save("forbidden_class", {"weights": torch.ones(1), "obj": Custom()}, to_buffer=True, no_json=True)
    save("forbidden_os", {"boom": RunsCommand()}, to_buffer=True, no_json=True)
    torch.save({"a": torch.ones(2)}, os.path.join(OUT, "legacy.pt"), _use_new_zipfile_serialization=False)
    torch.jit.save(torch.jit.script(nn.Linear(2, 1)), os.path.join(OUT, "torchscript.pt"))
    print("wrote", sorted(os.listdir(OUT)))


if __name__ == "__main__":
    main()
