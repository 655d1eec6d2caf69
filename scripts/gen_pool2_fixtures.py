#!/usr/bin/python3
"""Writes test/fixtures/ops/pool2.json: PyTorch's adaptive max/avg pooling
(1-d and 2-d, with indices), unfold/fold and embedding_bag, with gradients.

Run with the system Python that has PyTorch (1.13 from Debian):

    /usr/bin/python3 scripts/gen_pool2_fixtures.py

Adaptive windows of odd sizes overlap (cell i covers [floor(i n / out),
ceil((i + 1) n / out))), so gradients add up there; integer inputs in
{-1, 0, 1} make ties (the first in row-major order wins), and NaNs and
windows of -inf only pin down PyTorch's choice (the last NaN; the window's
first element). 1.13 and 2.x agree on these CPU kernels. Non-finite
numbers are written as "nan", "inf" and "-inf"; indices are PyTorch's
int64 values as plain numbers.
"""
import json
import os

import torch
import torch.nn.functional as F

from fixture_numbers import flat

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test", "fixtures", "ops", "pool2.json")


def golden(name, x, op, seed, **params):
    """A one-input case: input, output, an upstream gradient and the input's gradient (plus indices if op returns them)."""
    x = x.clone().requires_grad_(True)
    r = op(x)
    y, ix = r if isinstance(r, tuple) else (r, None)
    g = torch.randn(y.shape, generator=torch.Generator().manual_seed(seed), dtype=y.dtype)
    y.backward(g)
    c = {
        "name": name, **params,
        "input": {"shape": list(x.shape), "data": flat(x)},
        "output": {"shape": list(y.shape), "data": flat(y)},
        "gradOutput": flat(g),
        "inputGrad": flat(x.grad),
    }
    if ix is not None:
        c["indices"] = ix.reshape(-1).tolist()
    return c


def adaptive_cases(gen):
    nan, inf = float("nan"), float("inf")
    out = {"max2d": [], "max1d": [], "avg1d": []}

    def max2d(name, x, size, seed):
        size_arg = tuple(size) if isinstance(size, list) else size
        out["max2d"].append(golden(name, x, lambda t: F.adaptive_max_pool2d(t, size_arg, return_indices=True), seed, outputSize=size))

    max2d("7x5 to 3x2 (overlapping)", torch.randn(2, 3, 7, 5, generator=gen), [3, 2], 0)
    max2d("ties to 4x4 from 6x7", torch.randint(-1, 2, (1, 2, 6, 7), generator=gen).float(), 4, 1)
    max2d("unbatched 5x5 to 2", torch.randn(3, 5, 5, generator=gen), 2, 2)
    max2d("upsampling 3x2 to 5x4", torch.randn(1, 2, 3, 2, generator=gen), [5, 4], 3)
    max2d("None keeps the height", torch.randn(1, 2, 4, 9, generator=gen), [None, 4], 4)
    specials = torch.randn(1, 1, 6, 6, generator=gen)
    specials[0, 0, 0, 0:2] = nan  # two NaNs in the first window
    specials[0, 0, 1, 1] = nan
    specials[0, 0, 3:6, 0:3] = -inf  # a window of -inf only
    specials[0, 0, 4, 4] = inf
    max2d("nan and infinities", specials, 2, 5)

    def max1d(name, x, size, seed):
        out["max1d"].append(golden(name, x, lambda t: F.adaptive_max_pool1d(t, size, return_indices=True), seed, outputSize=size))

    max1d("10 to 3", torch.randn(2, 3, 10, generator=gen), 3, 6)
    max1d("ties 7 to 4, unbatched", torch.randint(-1, 2, (3, 7), generator=gen).float(), 4, 7)
    row = torch.randn(1, 1, 5, generator=gen)
    row[0, 0, 1] = nan
    row[0, 0, 3] = nan
    max1d("nan", row, 2, 8)

    def avg1d(name, x, size, seed):
        out["avg1d"].append(golden(name, x, lambda t: F.adaptive_avg_pool1d(t, size), seed, outputSize=size))

    avg1d("10 to 3", torch.randn(2, 3, 10, generator=gen), 3, 9)
    avg1d("7 to 4, unbatched", torch.randn(3, 7, generator=gen), 4, 10)
    avg1d("3 to 5 (upsampling)", torch.randn(1, 2, 3, generator=gen), 5, 11)
    return out


def fold_cases(gen):
    unfold, fold = [], []

    def u(name, x, seed, kernelSize, dilation=1, padding=0, stride=1):
        unfold.append(golden(name, x, lambda t: F.unfold(t, kernelSize, dilation, padding, stride), seed,
                             kernelSize=kernelSize, dilation=dilation, padding=padding, stride=stride))

    u("3x3", torch.randn(2, 3, 5, 6, generator=gen), 20, 3)
    u("all options", torch.randn(1, 2, 7, 8, generator=gen), 21, [2, 3], [2, 1], [1, 2], [2, 3])
    u("1x1 stride 2", torch.randn(1, 3, 4, 5, generator=gen), 22, 1, stride=2)

    def f(name, cols, seed, outputSize, kernelSize, dilation=1, padding=0, stride=1):
        fold.append(golden(name, cols, lambda t: F.fold(t, outputSize, kernelSize, dilation, padding, stride), seed,
                           outputSize=outputSize, kernelSize=kernelSize, dilation=dilation, padding=padding, stride=stride))

    # 3x3 windows with stride 1 over 5x6: 3 * 4 = 12 blocks, overlapping
    f("overlapping 3x3", torch.randn(2, 3 * 9, 12, generator=gen), 23, [5, 6], 3)
    # (7 + 2 - 2*1 - 1) // 2 + 1 = 4 rows, (8 + 4 - 2 - 1) // 3 + 1 = 4 columns
    f("all options", torch.randn(1, 2 * 6, 16, generator=gen), 24, [7, 8], [2, 3], [2, 1], [1, 2], [2, 3])
    f("unbatched", torch.randn(4 * 4, 9, generator=gen), 25, [4, 4], 2, 1, 0, 1)
    return {"unfold": unfold, "fold": fold}


def bag_cases(gen):
    cases = []

    def bag(name, num, dim, indices, offsets, mode, seed, per_sample_weights=None, padding_idx=None, include_last_offset=False, weight=None):
        w = (weight if weight is not None else torch.randn(num, dim, generator=gen)).clone().requires_grad_(True)
        idx = torch.tensor(indices)
        off = torch.tensor(offsets) if offsets is not None else None
        psw = torch.tensor(per_sample_weights, requires_grad=True) if per_sample_weights is not None else None
        y = F.embedding_bag(idx, w, off, mode=mode, per_sample_weights=psw, padding_idx=padding_idx, include_last_offset=include_last_offset)
        g = torch.randn(y.shape, generator=torch.Generator().manual_seed(seed))
        y.backward(g)
        c = {
            "name": name, "mode": mode, "paddingIdx": padding_idx, "includeLastOffset": include_last_offset,
            "weight": {"shape": list(w.shape), "data": flat(w)},
            "indices": {"shape": list(idx.shape), "data": idx.reshape(-1).tolist()},
            "offsets": off.tolist() if off is not None else None,
            "perSampleWeights": per_sample_weights,
            "output": {"shape": list(y.shape), "data": flat(y)},
            "gradOutput": flat(g),
            "weightGrad": flat(w.grad),
        }
        if psw is not None:
            c["perSampleWeightsGrad"] = flat(psw.grad)
        cases.append(c)

    ix = [1, 2, 4, 5, 4, 3, 2, 9]
    for m in ["sum", "mean", "max"]:
        bag(f"{m} with offsets and an empty bag", 10, 3, ix, [0, 4, 4, 6], m, 30)
        bag(f"{m} 2-d input", 10, 3, [[1, 2, 4], [4, 3, 9]], None, m, 31)
        bag(f"{m} padding_idx", 10, 3, [2, 0, 5, 0, 0, 7], [0, 2, 4], m, 32, padding_idx=0)
        bag(f"{m} include_last_offset", 10, 3, ix, [0, 3, 5, 8], m, 33, include_last_offset=True)
    bag("sum per_sample_weights", 10, 3, ix, [0, 4, 4, 6], "sum", 34, per_sample_weights=[0.5, -1.0, 2.0, 0.25, 1.5, -0.5, 3.0, 1.0])
    # ties in max: the same row twice, and equal entries in different rows
    tied = torch.tensor([[1.0, 2.0], [1.0, 3.0], [0.0, 3.0]])
    bag("max ties", 3, 2, [0, 1, 2, 0, 0], [0, 3], "max", 35, weight=tied)
    return cases


def main():
    gen = torch.Generator().manual_seed(0)
    data = {"torch": torch.__version__}
    data.update(adaptive_cases(gen))
    data.update(fold_cases(gen))
    data["embeddingBag"] = bag_cases(gen)
    with open(OUT, "w") as f:
        json.dump(data, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
