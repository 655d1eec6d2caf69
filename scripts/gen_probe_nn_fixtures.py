#!/usr/bin/python3
"""Writes test/fixtures/nn/probe_nn.json: PyTorch's answers for the
differences a differential probe of the newer nn, distributions and optim
pieces found (F.interpolate's antialias and same-size bicubic gradient,
max_pool3d windows wholly in the padding, Rprop in float64, Gumbel's
cdf / icdf at the ends, the cdf computed without validation: with it
PyTorch refuses values whose probability falls outside its uniform base's
[tiny, 1 - eps], which torchlet does not copy).

Run with the system Python that has PyTorch (1.13 from Debian):

    /usr/bin/python3 scripts/gen_probe_nn_fixtures.py

Tensors are {"shape", "dtype", "data"}; float32 numbers carry 9 significant
digits, float64 ones 17; non-finite numbers are "nan", "inf" and "-inf".
1.13 and 2.x agree on everything written here (the antialias kernels are
the same for floating inputs; 2.x only adds an align_corners shift for
uint8 images). Where PyTorch's max_pool3d sends the gradient of a window
that lies wholly in the padding to an arbitrary element (its index points
past the window, even past the input), the upstream gradient of such
windows is written as 0, so the gradients compared are the meaningful ones.
"""
import json
import math
import os
import warnings

import torch
import torch.distributions as D
import torch.nn.functional as F

from fixture_numbers import tensor_json as tj

warnings.simplefilter("ignore")
OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test", "fixtures", "nn", "probe_nn.json")
gen = torch.Generator().manual_seed(20240611)


def randn(shape, dtype):
    return torch.randn(shape, generator=gen, dtype=torch.float64).to(dtype)


def interp_case(name, shape, dtype, **kw):
    x = randn(shape, dtype).requires_grad_()
    y = F.interpolate(x, **kw)
    g = randn(list(y.shape), dtype)
    y.backward(g)
    return {"name": name, "options": kw, "input": tj(x), "output": tj(y), "gradOutput": tj(g), "grad": tj(x.grad)}


antialias = []
for dtype in (torch.float32, torch.float64):
    for mode in ("bilinear", "bicubic"):
        for ac in (False, True):
            antialias.append(interp_case(f"{mode} down {dtype}", [1, 2, 9, 7], dtype, size=(4, 3), mode=mode, align_corners=ac, antialias=True))
            antialias.append(interp_case(f"{mode} up {dtype}", [2, 1, 3, 4], dtype, size=(5, 9), mode=mode, align_corners=ac, antialias=True))
        antialias.append(interp_case(f"{mode} mixed {dtype}", [1, 2, 8, 3], dtype, size=(3, 7), mode=mode, antialias=True))
        antialias.append(interp_case(f"{mode} factor {dtype}", [1, 1, 10, 11], dtype, scale_factor=(0.3, 0.45), mode=mode, antialias=True))
        antialias.append(interp_case(f"{mode} recomputed {dtype}", [1, 1, 10, 11], dtype, scale_factor=0.3, recompute_scale_factor=True, mode=mode, antialias=True))
        antialias.append(interp_case(f"{mode} one dim {dtype}", [1, 2, 6, 5], dtype, size=(6, 2), mode=mode, antialias=True))
        antialias.append(interp_case(f"{mode} to one {dtype}", [1, 1, 5, 6], dtype, size=(1, 1), mode=mode, antialias=True))

same_size_bicubic = [
    interp_case("factor 1.1 on 4x1", [1, 3, 4, 1], torch.float64, scale_factor=1.1, mode="bicubic"),
    interp_case("factors (1, 1.1) on 4x2", [1, 2, 4, 2], torch.float32, scale_factor=(1, 1.1), mode="bicubic"),
    interp_case("factor 1.2 align_corners", [2, 1, 3, 4], torch.float64, scale_factor=1.2, mode="bicubic", align_corners=True),
]


def pool3d_case(name, shape, dtype, **kw):
    x = randn(shape, dtype).requires_grad_()
    y, idx = F.max_pool3d(x, return_indices=True, **kw)
    g = randn(list(y.shape), dtype)
    # windows wholly in the padding (-inf) get no upstream gradient here: PyTorch sends theirs to an arbitrary element
    g = torch.where(torch.isinf(y), torch.zeros_like(g), g)
    y.backward(g)
    return {"name": name, "options": kw, "input": tj(x), "output": tj(y), "indices": tj(idx), "gradOutput": tj(g), "grad": tj(x.grad)}


max_pool3d_padding = [
    pool3d_case("height 1 with dilation 2", [2, 1, 3, 1, 6], torch.float64, kernel_size=2, stride=(2, 1, 2), padding=1, dilation=2),
    pool3d_case("depth windows in the padding", [2, 2, 1, 3, 5], torch.float32, kernel_size=(3, 2, 2), stride=3, padding=(1, 0, 0), dilation=(2, 1, 1), ceil_mode=True),
    pool3d_case("width windows in the padding", [1, 2, 4, 3, 1], torch.float64, kernel_size=(2, 2, 2), stride=1, padding=(0, 1, 1), dilation=(1, 1, 2)),
    pool3d_case("all dims", [1, 1, 1, 1, 1], torch.float32, kernel_size=2, padding=1, dilation=2),
]


def rprop_case(options, dtype, steps=12):
    a = randn([3, 2], dtype)
    p = randn([2, 3], dtype).requires_grad_()
    p0 = p.detach().clone()
    opt = torch.optim.Rprop([p], **options)
    traj = []
    for _ in range(steps):
        opt.zero_grad()
        loss = ((p @ a - 1.0) ** 2).sum() + (torch.sin(3 * p)).sum()
        loss.backward()
        opt.step()
        st = opt.state[p]
        traj.append({"p": tj(p), "prev": tj(st["prev"]), "step_size": tj(st["step_size"])})
    return {"options": options, "a": tj(a), "p0": tj(p0), "trajectory": traj}


rprop = [
    rprop_case({"lr": 0.5, "etas": (0.3, 1.2), "step_sizes": (0.05, 1.0)}, torch.float64),
    rprop_case({"lr": 0.01, "etas": (0.5, 1.1), "step_sizes": (1e-6, 0.2), "maximize": True}, torch.float64),
    rprop_case({"lr": 0.1, "etas": (0.9, 1.3), "step_sizes": (1e-3, 50.0)}, torch.float32),
]


def gumbel_case(dtype):
    loc = torch.tensor([0.5, -1.0, 2.0, 0.0], dtype=dtype, requires_grad=True)
    scale = torch.tensor([1.0, 2.0, 0.5, 3.0], dtype=dtype, requires_grad=True)
    d = D.Gumbel(loc, scale)
    u = torch.tensor([0.0, 1e-7, 0.5, 1.0], dtype=dtype)
    icdf = d.icdf(u)
    gi = torch.autograd.grad(icdf.sum(), [loc, scale])
    x = torch.tensor([-50.0, 0.3, 1.0, 80.0], dtype=dtype)
    # (with validation PyTorch refuses x whose exp(-exp(-z)) falls outside its base's [tiny, 1 - eps]; without, it clamps)
    D.Distribution.set_default_validate_args(False)
    cdf = D.Gumbel(loc, scale).cdf(x)
    D.Distribution.set_default_validate_args(True)
    gc = torch.autograd.grad(cdf.sum(), [loc, scale])
    return {"dtype": str(dtype)[6:], "loc": tj(loc), "scale": tj(scale), "u": tj(u), "icdf": tj(icdf), "icdfGrads": [tj(g) for g in gi],
            "x": tj(x), "cdf": tj(cdf), "cdfGrads": [tj(g) for g in gc]}


gumbel = [gumbel_case(torch.float32), gumbel_case(torch.float64)]

with open(OUT, "w") as f:
    json.dump({"antialias": antialias, "sameSizeBicubic": same_size_bicubic, "maxPool3dPadding": max_pool3d_padding, "rprop": rprop, "gumbel": gumbel}, f, allow_nan=False)
print(f"wrote {OUT}: {len(antialias)} antialias, {len(same_size_bicubic)} same-size bicubic, {len(max_pool3d_padding)} max_pool3d, {len(rprop)} Rprop, {len(gumbel)} Gumbel")
