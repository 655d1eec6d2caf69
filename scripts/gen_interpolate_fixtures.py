#!/usr/bin/python3
"""Writes test/fixtures/ops/interpolate.json: PyTorch's F.interpolate values and
input gradients (nearest, linear, bilinear; size or scale_factor; align_corners).

Run with the system Python that has PyTorch (1.13 from Debian):

    /usr/bin/python3 scripts/gen_interpolate_fixtures.py

1.13 and 2.x compute these modes the same way (recompute_scale_factor left
at None: a given scale_factor sets the source step as 1 / scale_factor).
"""
import json
import os

import torch
import torch.nn.functional as F

from fixture_numbers import flat

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test", "fixtures", "ops", "interpolate.json")


def case(name, x, seed, **kw):
    x = x.clone().requires_grad_(True)
    y = F.interpolate(x, **kw)
    g = torch.randn(y.shape, generator=torch.Generator().manual_seed(seed))
    y.backward(g)
    options = {"size": kw.get("size"), "scaleFactor": kw.get("scale_factor"), "mode": kw.get("mode", "nearest"),
               "alignCorners": kw.get("align_corners")}
    return {"name": name, "options": options,
            "input": {"shape": list(x.shape), "data": flat(x)},
            "output": {"shape": list(y.shape), "data": flat(y)},
            "gradOutput": flat(g), "inputGrad": flat(x.grad)}


def main():
    gen = torch.Generator().manual_seed(0)
    x4 = torch.randn(2, 2, 3, 4, generator=gen)
    big = torch.randn(1, 3, 5, 7, generator=gen)
    x3 = torch.randn(2, 3, 5, generator=gen)
    cases = [
        case("nearest x2", x4, 1, scale_factor=2),
        case("nearest to 5x7", x4, 2, size=(5, 7)),
        case("nearest down to 2x3", big, 3, size=(2, 3)),
        case("nearest 1-d factor 1.7", x3, 4, scale_factor=1.7),
        case("linear x2", x3, 5, scale_factor=2, mode="linear"),
        case("linear to 7 align corners", x3, 6, size=7, mode="linear", align_corners=True),
        case("bilinear x2", x4, 7, scale_factor=2, mode="bilinear"),
        case("bilinear to 5x3", big, 8, size=(5, 3), mode="bilinear"),
        case("bilinear factors (2, 1.5) align corners", x4, 9, scale_factor=(2, 1.5), mode="bilinear", align_corners=True),
        case("bilinear to 1x6 align corners", x4, 10, size=(1, 6), mode="bilinear", align_corners=True),
    ]
    with open(OUT, "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
