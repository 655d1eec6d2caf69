"""Writes the safetensors fixtures that test/io-*.test.ts read (run with
/usr/bin/python3, which has PyTorch; CI never runs this):

  mlp.safetensors / cnn.safetensors  state dicts of small models trained in PyTorch
  mlp.json / cnn.json                fixed inputs and PyTorch's eval-mode outputs
  dtypes.safetensors / dtypes.json   every dtype torchlet reads, with the values expected
  writable.safetensors / .json       the dtypes torchlet writes, for a byte-for-byte comparison

The files come from `safetensors.torch.save_file` when that package is
installed and from scripts/safetensors_numpy.py (same bytes) otherwise.
"""
import json
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_numpy  # noqa: E402

try:
    from safetensors.torch import save_file
    WRITER = "safetensors"
except ImportError:
    save_file = safetensors_numpy.save_file
    WRITER = "safetensors_numpy"

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "io")


class MLP(nn.Module):
    """8 -> 16 -> 16 -> 4 with ReLU and Tanh (torchlet: examples and tests build the same)."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(8, 16)
        self.fc2 = nn.Linear(16, 16)
        self.fc3 = nn.Linear(16, 4)

    def forward(self, x):
        return self.fc3(torch.tanh(self.fc2(torch.relu(self.fc1(x)))))


class CNN(nn.Module):
    """1x8x8 images -> 3 classes: two conv/BatchNorm/ReLU/max-pool blocks and a linear head."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(4)
        self.conv2 = nn.Conv2d(4, 8, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(8)
        self.fc = nn.Linear(8 * 2 * 2, 3)

    def forward(self, x):
        x = torch.max_pool2d(torch.relu(self.bn1(self.conv1(x))), 2)
        x = torch.max_pool2d(torch.relu(self.bn2(self.conv2(x))), 2)
        return self.fc(torch.flatten(x, 1))


ARCHS = {"mlp": (MLP, [8]), "cnn": (CNN, [1, 8, 8])}


def train(model, in_shape, classes, steps=30):
    """A few Adam steps on random data, so that weights and BatchNorm's running stats move."""
    x = torch.randn([32] + in_shape)
    y = torch.randint(0, classes, [32])
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    model.train()
    for _ in range(steps):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    model.eval()
    return float(loss)


def write_model(name, seed):
    torch.manual_seed(seed)
    cls, in_shape = ARCHS[name]
    model = cls()
    classes = 4 if name == "mlp" else 3
    loss = train(model, in_shape, classes)
    inputs = torch.randn([5] + in_shape)
    with torch.no_grad():
        outputs = model(inputs)
    save_file(model.state_dict(), os.path.join(OUT, f"{name}.safetensors"), metadata={"format": "pt", "arch": name})
    ref = {
        "arch": name,
        "input_shape": list(inputs.shape),
        "input": inputs.flatten().tolist(),
        "output_shape": list(outputs.shape),
        "output": outputs.flatten().tolist(),
        "final_train_loss": loss,
        "state_dict": {k: {"shape": list(v.shape), "dtype": str(v.dtype)} for k, v in model.state_dict().items()},
    }
    with open(os.path.join(OUT, f"{name}.json"), "w") as f:
        json.dump(ref, f)


def write_dtypes():
    """One tensor per readable dtype; the JSON holds the values torchlet must read back."""
    f = torch.tensor([[0.5, -1.25, 3.0e-5], [65504.0, -0.0, 1.0 / 3.0]])
    tensors = {
        "f64": torch.tensor([1.0 / 3.0, -2.5e-300, 1e300], dtype=torch.float64),
        "f32": f.clone(),
        "f16": f.to(torch.float16),
        "bf16": f.to(torch.bfloat16),
        "i64": torch.tensor([[0, -1], [2147483647, -2147483648]], dtype=torch.int64),
        "i32": torch.tensor([7, -7, 123456], dtype=torch.int32),
        "i16": torch.tensor([-32768, 32767], dtype=torch.int16),
        "i8": torch.tensor([-128, 127], dtype=torch.int8),
        "u8": torch.tensor([0, 255], dtype=torch.uint8),
        "bool": torch.tensor([[True, False, True]]),
        "scalar": torch.tensor(2.5),
        "empty": torch.zeros([0, 3]),
    }
    metadata = {"format": "pt", "note": "dtypes fixture: ünïcode ok"}
    save_file(tensors, os.path.join(OUT, "dtypes.safetensors"), metadata=metadata)
    expected = {
        name: {"shape": list(t.shape), "values": t.to(torch.float64).flatten().tolist() if t.dtype != torch.bool else t.flatten().tolist()}
        for name, t in tensors.items()
    }
    # Reduced-precision values as float32 sees them, so the test compares exactly.
    for name in ("f16", "bf16"):
        expected[name]["values"] = tensors[name].to(torch.float32).flatten().tolist()
    with open(os.path.join(OUT, "dtypes.json"), "w") as fh:
        json.dump({"metadata": metadata, "tensors": expected}, fh)


def write_writable():
    """Only the dtypes torchlet writes: torchlet re-encoding this must give the same bytes."""
    tensors = {
        "b.weight": torch.arange(6, dtype=torch.float32).reshape(2, 3) / 7,
        "a.bias": torch.tensor([1.5, -2.0], dtype=torch.float32),
        "0": torch.tensor([1e-10], dtype=torch.float64),
        "count": torch.tensor(3, dtype=torch.int32),
        "mask": torch.tensor([True, False]),
        "z": torch.zeros([2, 0]),
    }
    metadata = {"format": "pt", "who": "gen_io_fixtures"}
    save_file(tensors, os.path.join(OUT, "writable.safetensors"), metadata=metadata)


def main():
    os.makedirs(OUT, exist_ok=True)
    write_model("mlp", 1)
    write_model("cnn", 2)
    write_dtypes()
    write_writable()
    print(f"wrote fixtures to {os.path.normpath(OUT)} with {WRITER}")


if __name__ == "__main__":
    main()
