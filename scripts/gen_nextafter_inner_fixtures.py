#!/usr/bin/python3
"""Golden cases for torch.nextafter and torch.inner (test/nextafter-inner.test.ts):

    /usr/bin/python3 scripts/gen_nextafter_inner_fixtures.py

Writes test/fixtures/ops/nextafter-inner.json: nextafter on edge values
(zeros, subnormals, the largest finite, infinities, NaN) in float32,
float64 and mixed; inner on several shapes with gradients; the errors.
"""
import json
import os

import torch

from fixture_numbers import error_text, tensor_json

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test", "fixtures", "ops", "nextafter-inner.json")
gen = torch.Generator().manual_seed(4)
inf, nan = float("inf"), float("nan")
A = [1.0, 0.0, -0.0, 0.0, inf, -inf, 3.4028234663852886e38, nan, 1.0, -1.0, -1.0, 1e-45, -2.5, 1e300, 5e-324]
B = [2.0, -1.0, 1.0, -0.0, 0.0, 0.0, inf, 1.0, 1.0, -2.0, 0.0, 0.0, -inf, inf, 0.0]


def main():
    nextafter = []
    for da, db in [(torch.float32, torch.float32), (torch.float64, torch.float64), (torch.float32, torch.float64)]:
        a, b = torch.tensor(A, dtype=da), torch.tensor(B, dtype=db)
        nextafter.append({"a": tensor_json(a), "b": tensor_json(b), "out": tensor_json(torch.nextafter(a, b))})
    # broadcasting: a column against a row
    a, b = torch.tensor([[1.0], [-3.0]]), torch.tensor([0.0, 5.0, -inf])
    nextafter.append({"a": tensor_json(a), "b": tensor_json(b), "out": tensor_json(torch.nextafter(a, b))})
    inner = []
    for sa, sb in [([3], [3]), ([2, 3], [4, 3]), ([2, 1, 3], [3]), ([3], [2, 5, 3]), ([], [2, 2]), ([2, 2], [])]:
        a = torch.randn(sa, generator=gen, dtype=torch.float64).requires_grad_()
        b = torch.randn(sb, generator=gen, dtype=torch.float64).requires_grad_()
        out = torch.inner(a, b)
        g = torch.randn(out.shape, generator=gen, dtype=torch.float64)
        out.backward(g)
        inner.append({"a": tensor_json(a), "b": tensor_json(b), "out": tensor_json(out), "grad": tensor_json(g),
                      "aGrad": tensor_json(a.grad), "bGrad": tensor_json(b.grad)})
    x = torch.tensor([1.0], requires_grad=True)
    errors = {
        "nextafter int": error_text(lambda: torch.nextafter(torch.tensor([1], dtype=torch.int32), torch.tensor([2], dtype=torch.int32))),
        "nextafter backward": error_text(lambda: torch.nextafter(x, torch.tensor([2.0])).sum().backward()),
        "inner shapes": error_text(lambda: torch.inner(torch.ones(2, 3), torch.ones(4))),
    }
    with open(OUT, "w") as f:
        json.dump({"nextafter": nextafter, "inner": inner, "errors": errors}, f)
        f.write("\n")


main()
