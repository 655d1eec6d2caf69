#!/usr/bin/python3
"""Golden cases for test/activation-edges.test.ts:

    /usr/bin/python3 scripts/gen_activation_edge_fixtures.py

Writes test/fixtures/nn/activation_edges.json: the errors of the elu family,
leaky_relu, hardtanh/relu6 and threshold on bool and int32 inputs (and the
int32 results of the two that take ints), and the first and second
derivatives of elu, selu and celu, out of place and in place, at 0 and on
either side (PyTorch's double backward masks x < 0 strictly).
"""
import json
import os

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test", "fixtures", "nn", "activation_edges.json")

CALLS = {
    "elu": lambda t, inplace: F.elu(t, 1.5, inplace=inplace),
    "selu": lambda t, inplace: F.selu(t, inplace=inplace),
    "celu": lambda t, inplace: F.celu(t, 2.0, inplace=inplace),
    "leakyRelu": lambda t, inplace: F.leaky_relu(t, 0.1, inplace=inplace),
    "hardtanh": lambda t, inplace: F.hardtanh(t, inplace=inplace),
    "relu6": lambda t, inplace: F.relu6(t, inplace=inplace),
    "threshold": lambda t, inplace: F.threshold(t, 0.5, 5.0, inplace=inplace),
}

dtype_cases = []
for dtype in (torch.bool, torch.int32):
    for name, call in CALLS.items():
        for inplace in (False, True):
            t = torch.tensor([1, 0, 3], dtype=dtype)
            case = {"fn": name, "dtype": str(dtype).replace("torch.", ""), "inplace": inplace}
            try:
                r = call(t, inplace)
                case["result"] = [int(v) for v in r.tolist()]
            except RuntimeError as e:
                case["error"] = str(e)
            dtype_cases.append(case)

derivative_cases = []
for name in ("elu", "selu", "celu"):
    for inplace in (False, True):
        x = torch.tensor([0.0, -0.5, 0.5], dtype=torch.float64, requires_grad=True)
        y = CALLS[name](x * 1 if inplace else x, inplace)
        g, = torch.autograd.grad(y.sum(), x, create_graph=True)
        g2, = torch.autograd.grad(g.sum(), x)
        derivative_cases.append({"fn": name, "inplace": inplace, "x": x.tolist(), "grad": g.tolist(), "grad2": g2.tolist()})

with open(OUT, "w") as f:
    json.dump({"dtypes": dtype_cases, "derivatives": derivative_cases}, f, indent=1)
print(f"{len(dtype_cases)} dtype cases, {len(derivative_cases)} derivative cases -> {OUT}")
