#!/usr/bin/python3
"""Golden cases for torch.gradient (test/gradient.test.ts):

    /usr/bin/python3 scripts/gen_gradient_fixtures.py

Writes test/fixtures/ops/gradient.json: the results for unit, scalar, per-dim
and coordinate spacing, edge orders 1 and 2, chosen dims, integer inputs,
and the gradient of a weighted sum of the results with respect to the input
and the coordinates; then the error messages. Where 1.13 differs from 2.x
(2.x checks a per-dim spacing list against self.dim(), and checks sizes
only along the chosen dims) the cases avoid the difference or carry 2.x's
text, marked in V2 below.
"""
import json
import os

import torch

from fixture_numbers import error_text, tensor_json

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test", "fixtures", "ops", "gradient.json")
gen = torch.Generator().manual_seed(6)


def randn(shape, dtype=torch.float64):
    return torch.randn(shape, generator=gen, dtype=torch.float64).to(dtype)


def coords(n, dtype=torch.float64):
    return torch.cumsum(torch.rand(n, generator=gen, dtype=torch.float64) + 0.25, 0).to(dtype)


def case(name, x, spacing=None, dim=None, edge_order=1):
    kw = {"edge_order": edge_order}
    if spacing is not None:
        kw["spacing"] = spacing
    if dim is not None:
        kw["dim"] = dim
    floating = x.dtype.is_floating_point
    xi = x.clone().requires_grad_(floating)
    sp = spacing
    if isinstance(spacing, (list, tuple)) and spacing and isinstance(spacing[0], torch.Tensor):
        sp = [c.clone().requires_grad_(c.dtype.is_floating_point) for c in spacing]
        kw["spacing"] = sp
    outs = torch.gradient(xi, **kw)
    c = {"name": name, "input": tensor_json(x), "edgeOrder": edge_order, "outs": [tensor_json(o) for o in outs]}
    if dim is not None:
        c["dim"] = list(dim) if isinstance(dim, (list, tuple)) else dim
    if spacing is not None:
        c["spacing"] = [tensor_json(s) for s in spacing] if sp is not spacing else (list(spacing) if isinstance(spacing, (list, tuple)) else spacing)
        c["coordinates"] = sp is not spacing
    if floating and outs:
        weights = [randn(o.shape, o.dtype) for o in outs]
        sum((o * w).sum() for o, w in zip(outs, weights)).backward()
        c["weights"] = [tensor_json(w) for w in weights]
        c["inputGrad"] = tensor_json(xi.grad)
        if sp is not spacing:
            c["coordinateGrads"] = [None if s.grad is None else tensor_json(s.grad) for s in sp]
    return c


def main():
    cases = [
        case("1-d unit", torch.tensor([1.0, 2, 4, 8])),
        case("1-d scalar spacing", torch.tensor([1.0, 2, 4, 8]), spacing=2.0),
        case("1-d edge order 2", torch.tensor([1.0, 2, 4, 8]), edge_order=2),
        case("2-d all dims", randn([4, 5])),
        case("2-d per-dim spacing", randn([4, 5]), spacing=[2.0, 0.5]),
        case("2-d dim 1", randn([3, 5]), dim=1),
        case("3-d dims (2, 0) edge order 2", randn([3, 4, 5]), spacing=[0.5, 3.0], dim=[2, 0], edge_order=2),
        case("3-d dim -1 scalar spacing", randn([2, 3, 4]), spacing=0.25, dim=-1),
        case("float32", randn([6, 3], torch.float32), edge_order=2),
        case("int32 input", torch.tensor([[1, 4, 9, 16], [2, 3, 5, 8]], dtype=torch.int32)),
        case("coordinates 1-d", randn([6]), spacing=[coords(6)]),
        case("coordinates 1-d edge order 2", randn([6]), spacing=[coords(6)], edge_order=2),
        case("coordinates 2-d both dims", randn([4, 5]), spacing=[coords(4), coords(5)]),
        case("coordinates dim 1 edge order 2", randn([3, 5]), spacing=[coords(5)], dim=1, edge_order=2),
        case("coordinates float32", randn([5], torch.float32), spacing=[coords(5, torch.float32)]),
        case("int32 coordinates", torch.tensor([1.0, 2, 4, 8]), spacing=[torch.tensor([0, 1, 3, 4], dtype=torch.int32)]),
        case("0-d", torch.tensor(3.0)),
    ]
    t2 = torch.ones(2, 4)
    errors = {
        "edge order 3": error_text(lambda: torch.gradient(torch.ones(4), edge_order=3)),
        "too short": error_text(lambda: torch.gradient(torch.ones(2), edge_order=2)),
        "spacing and dim lengths": error_text(lambda: torch.gradient(t2, spacing=[2.0], dim=(0, 1))),
        "dim out of range": error_text(lambda: torch.gradient(t2, dim=2)),
        "repeated dim": error_text(lambda: torch.gradient(torch.ones(3, 3), spacing=0.1, dim=(1, 1))),
        "2-d coordinates": error_text(lambda: torch.gradient(torch.ones(4), spacing=(torch.ones(1, 4),))),
        # PyTorch 2.x's pre_check_gradient; 1.13 allows a list of length 1 here and then fails an internal assert
        "spacing list length (v2)": "torch.gradient expected spacing to be unspecified, a scalar, or a list of length equal to 'self.dim() = 2', since dim argument was not given, but got a list of length 1",
    }
    with open(OUT, "w") as f:
        json.dump({"cases": cases, "errors": errors}, f)
        f.write("\n")


main()
