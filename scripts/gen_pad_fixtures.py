#!/usr/bin/python3
"""Writes PyTorch's answers for F.pad and for ceil-mode pooling:

    test/fixtures/ops/pad.json        F.pad values and input gradients, every mode
    test/fixtures/ops/ceil-pool.json  max_pool2d / avg_pool2d with ceil_mode=True

Run with the system Python that has PyTorch (1.13 from Debian):

    /usr/bin/python3 scripts/gen_pad_fixtures.py

Each case backpropagates a random output gradient, so the input gradients
show where every output element came from (repeated sources add up). For
max pooling the indices are written too. 1.13 and 2.x agree on these cases;
where their error messages differ (a pad longer than the input's dims, a crop
past the input) the tests follow 2.x and hold no fixture.
"""
import json
import math
import os

import torch
import torch.nn.functional as F

from fixture_numbers import flat

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test", "fixtures", "ops")


def backprop(x, y, seed):
    g = torch.randn(y.shape, generator=torch.Generator().manual_seed(seed))
    y.backward(g)
    return {"gradOutput": flat(g), "inputGrad": flat(x.grad)}


def pad_case(name, x, pad, mode="constant", value=None, seed=0):
    x = x.clone().requires_grad_(True)
    y = F.pad(x, pad, mode=mode) if value is None else F.pad(x, pad, mode=mode, value=value)
    return {"name": name, "pad": list(pad), "mode": mode, "value": value,
            "input": {"shape": list(x.shape), "data": flat(x)},
            "output": {"shape": list(y.shape), "data": flat(y)}, **backprop(x, y, seed)}


def pool_case(name, op, x, kernel, stride=None, padding=0, seed=0, **extra):
    x = x.clone().requires_grad_(True)
    if op == "max":
        y, ix = F.max_pool2d(x, kernel, stride, padding, extra.get("dilation", 1), ceil_mode=True, return_indices=True)
    else:
        y = F.avg_pool2d(x, kernel, stride, padding, ceil_mode=True, count_include_pad=extra.get("count_include_pad", True),
                         divisor_override=extra.get("divisor_override"))
    out = {"name": name, "op": op, "kernel": kernel, "stride": stride, "padding": padding, **extra,
           "input": {"shape": list(x.shape), "data": flat(x)},
           "output": {"shape": list(y.shape), "data": flat(y)}, **backprop(x, y, seed)}
    if op == "max":
        out["indices"] = ix.reshape(-1).tolist()
    return out


def main():
    gen = torch.Generator().manual_seed(0)
    x3 = torch.randn(2, 3, 5, generator=gen)
    x4 = torch.randn(2, 2, 4, 5, generator=gen)
    x5 = torch.randn(1, 2, 3, 4, 3, generator=gen)
    pads = [
        pad_case("constant last dim", x3, (1, 2)),
        pad_case("constant value, two dims", x4, (2, 0, 1, 3), value=-1.5, seed=1),
        pad_case("constant crop and pad", x4, (-1, 2, 1, -2), seed=2),
        pad_case("constant every dim", x3, (1, 0, 0, 1, 2, 1), value=0.25, seed=3),
        pad_case("reflect 1-d", x3, (2, 3), "reflect", seed=4),
        pad_case("reflect 2-d", x4, (1, 2, 3, 1), "reflect", seed=5),
        pad_case("reflect crop", x3, (-1, 2), "reflect", seed=6),
        pad_case("replicate 2-d", x4, (3, 1, 0, 2), "replicate", seed=7),
        pad_case("replicate 3-d", x5, (1, 1, 2, 0, 1, 2), "replicate", seed=8),
        pad_case("circular 1-d", x3, (4, 5), "circular", seed=9),
        pad_case("circular crop", x3, (-1, 2), "circular", seed=10),
        pad_case("circular 2-d", x4, (2, 1, 1, 3), "circular", seed=11),
        pad_case("reflect unbatched 2-d", torch.randn(3, 4, 4, generator=gen), (3, 3, 2, 1), "reflect", seed=12),
    ]
    x = torch.randn(2, 3, 7, 8, generator=gen)
    ties = torch.randint(-1, 2, (1, 2, 7, 7), generator=gen).float()
    minus_inf = torch.randn(1, 1, 5, 5, generator=gen)
    minus_inf[0, 0, 4, :] = -math.inf
    minus_inf[0, 0, :, 4] = -math.inf
    pools = [
        pool_case("max 2x2", "max", x, 2),
        pool_case("max 3 stride 2 pad 1", "max", x, 3, 2, 1, seed=1),
        pool_case("max rect dilation", "max", x, [2, 3], [3, 2], [1, 0], seed=2, dilation=[2, 1]),
        pool_case("max ties", "max", ties, 2, seed=3),
        pool_case("max -inf border", "max", minus_inf, 2, seed=4),
        pool_case("max unbatched", "max", torch.randn(3, 5, 6, generator=gen), 2, seed=5),
        pool_case("max native size", "max", torch.randn(2, 4, 17, 19, generator=gen), 2, seed=6),
        pool_case("avg 2x2", "avg", x, 2, seed=7),
        pool_case("avg 3 stride 2 pad 1", "avg", x, 3, 2, 1, seed=8),
        pool_case("avg exclude pad", "avg", x, 3, 2, 1, seed=9, count_include_pad=False),
        pool_case("avg rect", "avg", x, [2, 3], [3, 2], [1, 0], seed=10),
        pool_case("avg divisor", "avg", x, 3, 2, seed=11, divisor_override=5),
    ]
    for name, cases in (("pad.json", pads), ("ceil-pool.json", pools)):
        with open(os.path.join(FIXTURES, name), "w") as f:
            json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
