#!/usr/bin/python3
"""Golden strings for torch.set_printoptions (test/printoptions.test.ts):

    /usr/bin/python3 scripts/gen_printoptions_fixtures.py

Writes test/fixtures/ops/printoptions.json: a set of tensors (exact values)
and, for each set of print options, str() of every tensor under them.
"""
import json
import math
import os

import torch

from fixture_numbers import tensor_json

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test", "fixtures", "ops", "printoptions.json")
gen = torch.Generator().manual_seed(11)


def randn(shape, dtype=torch.float32, scale=1.0):
    return (torch.randn(shape, generator=gen, dtype=torch.float64) * scale).to(dtype)


TENSORS = {
    "small": randn([3, 4]),
    "wide-range": torch.tensor([1e-6, 2.5, 3e5, -7.25]),
    "tiny": torch.tensor([1.5e-5, -2e-5, 3.25e-5]),
    "integers": torch.tensor([1.0, -20.0, 300.0]),
    "big-integers": torch.tensor([1.0, 2e9]),
    "double": randn([5], torch.float64, 100.0),
    "int": torch.tensor([[1, -22, 333], [4, 5, 6]], dtype=torch.int32),
    "bool": torch.tensor([True, False, True]),
    "nonfinite": torch.tensor([float("nan"), float("inf"), -1.5, 0.0]),
    "scalar": torch.tensor(3.14159265),
    "long-row": randn([40]),
    "large": randn([2000]),
    "cube": randn([12, 12, 12]),
    "matrix-many": randn([30, 30]),
    "grad": randn([2, 3]).requires_grad_(),
    "int-large": torch.arange(1500, dtype=torch.int32).reshape(30, 50),
}

OPTION_SETS = [
    {},
    {"precision": 2},
    {"precision": 8},
    {"precision": 0},
    {"sci_mode": True},
    {"sci_mode": False},
    {"sci_mode": True, "precision": 1},
    {"threshold": 5},
    {"threshold": 5, "edgeitems": 1},
    {"threshold": 20, "edgeitems": 5},
    {"linewidth": 40},
    {"linewidth": 200},
    {"profile": "short"},
    {"profile": "full"},
    {"profile": "short", "precision": 6},
]


def main():
    defaults = dict(precision=4, threshold=1000, edgeitems=3, linewidth=80, sci_mode=None)
    cases = []
    for opts in OPTION_SETS:
        torch.set_printoptions(**defaults)
        torch.set_printoptions(**opts)
        cases.append({"options": opts, "strings": {name: str(t) for name, t in TENSORS.items()}})
    torch.set_printoptions(**defaults)
    tensors = {}
    for name, t in TENSORS.items():
        j = tensor_json(t) if t.dtype != torch.bool else {"shape": list(t.shape), "dtype": "bool", "data": [int(v) for v in t.flatten().tolist()]}
        j["requiresGrad"] = t.requires_grad
        tensors[name] = j
    with open(OUT, "w") as f:
        json.dump({"tensors": tensors, "cases": cases}, f)
        f.write("\n")


main()
