#!/usr/bin/python3
"""Golden cases for F.fractional_max_pool3d (test/fractional-max-pool3d.test.ts):

    /usr/bin/python3 scripts/gen_fractional_max_pool3d_fixtures.py

Writes test/fixtures/ops/fractional-max-pool3d.json: inputs, kernel sizes,
output sizes or ratios and fixed _random_samples, with PyTorch's values,
indices and input gradients; then the error messages of bad calls.
"""
import json
import os

import torch
import torch.nn.functional as F

from fixture_numbers import error_text, tensor_json

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test", "fixtures", "ops", "fractional-max-pool3d.json")
gen = torch.Generator().manual_seed(12)


def case(name, shape, kernel, dtype=torch.float32, output_size=None, output_ratio=None, ties=False):
    x = torch.randn(shape, generator=gen, dtype=torch.float64)
    if ties:
        x = torch.round(x)
    x = x.to(dtype).requires_grad_()
    batch = 1 if len(shape) == 4 else shape[0]
    samples = torch.rand(batch, shape[-4], 3, generator=gen, dtype=torch.float64).to(dtype)
    y, idx = F.fractional_max_pool3d(x, kernel, output_size=output_size, output_ratio=output_ratio, return_indices=True, _random_samples=samples)
    g = torch.randn(y.shape, generator=gen, dtype=torch.float64).to(dtype)
    y.backward(g)
    return {"name": name, "input": tensor_json(x), "kernel": kernel, "outputSize": output_size, "outputRatio": output_ratio,
            "samples": tensor_json(samples), "values": tensor_json(y), "indices": tensor_json(idx), "grad": tensor_json(g),
            "inputGrad": tensor_json(x.grad)}


def main():
    cases = [
        case("cube kernel 2 to 3", [1, 2, 7, 8, 9], 2, output_size=3),
        case("distinct sizes per dim", [2, 3, 9, 7, 11], [2, 3, 2], output_size=[4, 3, 6]),
        case("ratio", [1, 2, 10, 12, 14], 2, output_ratio=0.5),
        case("ratio per dim, float64", [1, 1, 9, 10, 11], [3, 2, 2], dtype=torch.float64, output_ratio=[0.4, 0.5, 0.6]),
        case("unbatched", [3, 6, 7, 8], 2, output_size=[3, 4, 5]),
        case("ties", [1, 2, 6, 6, 6], 3, output_size=3, ties=True),
        case("output 1", [1, 1, 5, 5, 5], 2, output_size=1),
    ]
    x = torch.randn(1, 2, 7, 8, 9)
    errors = {
        "no size": error_text(lambda: F.fractional_max_pool3d(x, 2)),
        "kernel pair": error_text(lambda: F.fractional_max_pool3d(x, (2, 2), output_size=3)),
        "pool time": error_text(lambda: F.fractional_max_pool3d(x, 2, output_size=(7, 4, 5))),
        "pool width": error_text(lambda: F.fractional_max_pool3d(x, 2, output_size=(3, 4, 8))),
        "int input": error_text(lambda: F.fractional_max_pool3d(x.int(), 2, output_size=3)),
        "layer no size": error_text(lambda: torch.nn.FractionalMaxPool3d(2)),
        "layer ratio": error_text(lambda: torch.nn.FractionalMaxPool3d(2, output_ratio=1.5)),
    }
    node = F.fractional_max_pool3d(x.requires_grad_(), 2, output_size=3).grad_fn
    with open(OUT, "w") as f:
        json.dump({"cases": cases, "errors": errors, "gradFn": type(node).__name__}, f)
        f.write("\n")


main()
