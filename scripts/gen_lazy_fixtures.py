#!/usr/bin/python3
"""Golden cases for the lazy modules (test/nn-lazy.test.ts):

    /usr/bin/python3 scripts/gen_lazy_fixtures.py

Writes test/fixtures/nn/lazy.json: for each lazy layer, its repr and
state-dict keys before the first forward, and after it the repr, class,
parameter and buffer shapes and the output's shape; then the same after
load_state_dict instead of a forward, and the error messages.
"""
import json
import os
import warnings

import torch
import torch.nn as nn

warnings.simplefilter("ignore")  # "Lazy modules are a new feature under heavy development ..."
OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test", "fixtures", "nn", "lazy.json")

# name, constructor (the torchlet test builds the same from the name and args), input shape
CASES = [
    ("LazyLinear", [5], {}, [2, 4]),
    ("LazyLinear", [5], {"bias": False}, [3, 2, 7]),
    ("LazyConv1d", [6, 3], {}, [2, 4, 9]),
    ("LazyConv1d", [6, 3], {}, [4, 9]),
    ("LazyConv2d", [8, 3], {"groups": 2, "stride": 2}, [1, 4, 7, 7]),
    ("LazyConv2d", [8, 3], {"padding": 1, "bias": False}, [3, 6, 6]),
    ("LazyConv3d", [4, 2], {}, [1, 2, 3, 4, 5]),
    ("LazyConvTranspose1d", [3, 2], {}, [2, 4, 5]),
    ("LazyConvTranspose2d", [4, 3], {"groups": 2}, [1, 2, 5, 5]),
    ("LazyConvTranspose3d", [2, 2], {}, [1, 3, 2, 3, 3]),
    ("LazyBatchNorm1d", [], {}, [4, 3]),
    ("LazyBatchNorm2d", [], {}, [2, 3, 4, 4]),
    ("LazyBatchNorm2d", [], {"affine": False}, [2, 5, 3, 3]),
    ("LazyBatchNorm3d", [], {"track_running_stats": False}, [2, 3, 2, 2, 2]),
    ("LazyInstanceNorm1d", [], {}, [2, 3, 5]),
    ("LazyInstanceNorm2d", [], {"affine": False, "track_running_stats": False}, [2, 3, 4, 4]),
    ("LazyInstanceNorm3d", [], {}, [2, 3, 2, 2, 2]),
]


def shapes(m):
    return {k: list(v.shape) for k, v in m.state_dict().items()}


cases = []
for name, args, kw, input_shape in CASES:
    m = getattr(nn, name)(*args, **kw)
    before = {"repr": repr(m), "keys": list(m.state_dict().keys())}
    y = m(torch.randn(input_shape))
    cases.append({"name": name, "args": args, "options": kw, "input": input_shape, "before": before,
                  "after": {"repr": repr(m), "class": type(m).__name__, "shapes": shapes(m), "output": list(y.shape)}})

# load_state_dict into a lazy module: shapes from the checkpoint; the size stays 0 in the repr (PyTorch's behaviour)
loaded = nn.LazyLinear(3)
loaded.load_state_dict(nn.Linear(5, 3).state_dict())
load = {"reprLoaded": repr(loaded), "classLoaded": type(loaded).__name__, "shapes": shapes(loaded)}
loaded(torch.randn(2, 5))
load["reprAfterForward"] = repr(loaded)
load["classAfterForward"] = type(loaded).__name__

errors = {}
for key, f in {
    "groups": lambda: nn.LazyConv2d(8, 3, groups=3)(torch.ones(1, 4, 5, 5)),
    "conv input dims": lambda: nn.LazyConv2d(8, 3)(torch.ones(5, 5)),
    "shape of an uninitialized parameter": lambda: nn.LazyLinear(3).weight.shape,
}.items():
    try:
        f()
        raise SystemExit(f"{key}: no error")
    except (RuntimeError, ValueError) as e:
        errors[key] = str(e)

with open(OUT, "w") as f:
    json.dump({"cases": cases, "load": load, "errors": errors}, f, indent=1)
print(f"{len(cases)} cases -> {OUT}")
