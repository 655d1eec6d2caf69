#!/usr/bin/python3
"""Writes test/fixtures/ops/max-pool2d.json: PyTorch's max_pool2d values and gradients.

Run with the system Python that has PyTorch (1.13 from Debian):

    /usr/bin/python3 scripts/gen_pool_fixtures.py

The gradient of max pooling lands on each window's chosen maximum, so the
input gradients pin down PyTorch's choice where it is not obvious: ties (the
first in row-major order wins), several NaNs in a window (the last one
wins), windows of -inf only (the first real element), and overlapping
windows (gradients add up). NCHW contiguous input, which takes PyTorch's
plain CPU loop; 1.13 and 2.x agree on it. Non-finite numbers are written as
"nan", "inf" and "-inf".
"""
import json
import os

import torch
import torch.nn.functional as F

from fixture_numbers import flat

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test", "fixtures", "ops", "max-pool2d.json")


def case(name, x, kernel, stride=None, padding=0, dilation=1, seed=0):
    x = x.clone().requires_grad_(True)
    y = F.max_pool2d(x, kernel, stride, padding, dilation)
    g = torch.randn(y.shape, generator=torch.Generator().manual_seed(seed))
    y.backward(g)
    return {
        "name": name,
        "kernel": kernel, "stride": stride, "padding": padding, "dilation": dilation,
        "input": {"shape": list(x.shape), "data": flat(x)},
        "output": {"shape": list(y.shape), "data": flat(y)},
        "gradOutput": flat(g),
        "inputGrad": flat(x.grad),
    }


def main():
    gen = torch.Generator().manual_seed(0)
    nan, inf = float("nan"), float("inf")
    cases = []
    cases.append(case("2x2", torch.randn(2, 3, 6, 7, generator=gen), 2))
    # integers in {-1, 0, 1}: most windows have ties
    cases.append(case("ties overlapping", torch.randint(-1, 2, (1, 2, 7, 7), generator=gen).float(), 3, 1, seed=1))
    cases.append(case("padding dilation", torch.randn(2, 2, 9, 8, generator=gen), [3, 2], [2, 1], [1, 1], [2, 3], seed=2))
    specials = torch.randn(1, 1, 6, 6, generator=gen)
    specials[0, 0, 0, 0:2] = nan  # two NaNs in the first window
    specials[0, 0, 1, 1] = nan
    specials[0, 0, 2:4, 2:4] = -inf  # a window of -inf only
    specials[0, 0, 4, 4] = inf
    cases.append(case("nan and infinities", specials, 2, seed=3))
    minus_inf = torch.full((1, 1, 4, 4), -inf)
    cases.append(case("-inf with padding", minus_inf, 3, 1, 1, seed=4))
    # big enough for the native kernels (their thresholds count elements)
    cases.append(case("native size ties", torch.randint(-2, 3, (2, 4, 16, 16), generator=gen).float(), 3, 2, 1, seed=5))
    with open(OUT, "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
