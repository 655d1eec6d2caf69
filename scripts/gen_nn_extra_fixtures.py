#!/usr/bin/python3
"""Writes test/fixtures/nn/nn_extra.json: PyTorch's CTC loss, multi-label
margin loss, triplet loss with a distance function, affine_grid, grid_sample,
fractional max pooling, nll_loss on K-dim input and AdaptiveLogSoftmaxWithLoss,
values and the gradients of every differentiable input (and parameter).

Run with the system Python that has PyTorch (1.13 from Debian):

    /usr/bin/python3 scripts/gen_nn_extra_fixtures.py

Each function case names a function of the tests' table (`fn`), its inputs
(tensors; lists and numbers as {"list"} / {"scalar"}), its options, PyTorch's
outputs, random upstream gradients (one per float output) and the gradient
of each float input (null for the others). float32 numbers carry 9
significant digits, float64 ones 17; non-finite numbers are "nan", "inf"
and "-inf". Where 1.13 and 2.x differ, the cases follow 2.x: its 3-d nearest
grid_sample rounds half-way positions to even (written out below with
1.13's ops and checked against 1.13 away from ties), and 1.13 reads out of
bounds for a CTC input of length 0 (the tests check 2.x's 0 or inf by hand).
"""
import json
import math
import os
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

from fixture_numbers import tensor_json as tj

warnings.simplefilter("ignore")  # align_corners defaults, unit-size affine grids: asked for on purpose

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test", "fixtures", "nn", "nn_extra.json")


def flat(t):
    return tj(t)["data"]


def encode_input(x):
    if isinstance(x, torch.Tensor):
        return tj(x)
    if isinstance(x, (list, tuple)):
        return {"list": list(x)}
    return {"scalar": x}


def encode_option(v):
    return {"tensor": tj(v)} if isinstance(v, torch.Tensor) else v


CASES = []


def case(name, fn, run, inputs, options, seed, backward=True):
    """Runs `run` on copies of the inputs (the float tensors require grad),
    backpropagates random upstream gradients through every float output and
    records the results (the outputs only, without `backward`)."""
    leaves = [x.detach().clone().requires_grad_(x.is_floating_point()) if isinstance(x, torch.Tensor) else x for x in inputs]
    out = run(*leaves)
    outs = list(out) if isinstance(out, tuple) else [out]
    gen = torch.Generator().manual_seed(seed)
    grad_outs = [torch.randn(o.shape, generator=gen, dtype=o.dtype) if o.is_floating_point() and backward else None for o in outs]
    diff = [x for x in leaves if isinstance(x, torch.Tensor) and x.requires_grad]
    terms = [(o * g).sum() for o, g in zip(outs, grad_outs) if g is not None and o.requires_grad]
    grads = torch.autograd.grad(sum(terms), diff, allow_unused=True) if terms and diff else [None] * len(diff)
    by_leaf = dict(zip(map(id, diff), grads))
    CASES.append({
        "name": name, "fn": fn, "options": {k: encode_option(v) for k, v in options.items()},
        "inputs": [encode_input(x) for x in inputs],
        "outputs": [tj(o) for o in outs],
        "gradOutputs": [None if g is None else flat(g) for g in grad_outs],
        "grads": [None if not (isinstance(x, torch.Tensor) and x.requires_grad) or by_leaf[id(x)] is None else flat(by_leaf[id(x)]) for x in leaves],
    })


# ---------------------------------------------------------------- CTC
def ctc_cases():
    torch.manual_seed(30)
    T, N, C = 7, 3, 5
    lp = torch.randn(T, N, C).log_softmax(2)
    padded = torch.tensor([[1, 1, 2, 3], [4, 2, 0, 0], [3, 0, 0, 0]])  # a repeated label; the last target is empty
    tlen, ilen = [4, 2, 0], [7, 5, 3]
    concat = torch.cat([padded[b, :tlen[b]] for b in range(N)])
    for red in ["mean", "sum", "none"]:
        opts = {"reduction": red}
        case(f"ctcLoss padded {red}", "ctcLoss", lambda a, t, i, l, r=red: F.ctc_loss(a, t, i, l, reduction=r), [lp, padded, ilen, tlen], opts, 1)
        case(f"ctcLoss concatenated {red}", "ctcLoss", lambda a, t, i, l, r=red: F.ctc_loss(a, t, i, l, reduction=r), [lp, concat, ilen, tlen], opts, 2)
    # the lengths as int tensors, a blank that is not 0
    blank_targets = torch.tensor([[0, 0, 1, 3], [2, 1, 0, 0], [3, 3, 3, 0]])
    case("ctcLoss blank 4, tensor lengths", "ctcLoss", lambda a, t, i, l: F.ctc_loss(a, t, i, l, blank=4),
         [lp, blank_targets, torch.tensor(ilen), torch.tensor([4, 2, 3])], {"blank": 4}, 3)
    # too short to align: an infinite loss and NaN gradients, or both zeroed
    short = [2, 5, 3]
    for zero in [False, True]:
        for red in ["none", "mean"]:
            case(f"ctcLoss infinite zeroInfinity={zero} {red}", "ctcLoss", lambda a, t, i, l, r=red, z=zero: F.ctc_loss(a, t, i, l, reduction=r, zero_infinity=z),
                 [lp, padded, short, tlen], {"reduction": red, "zeroInfinity": zero}, 4)
    # unbatched (T, C) with a 1-d target and 0-d lengths
    for red in ["none", "mean", "sum"]:
        case(f"ctcLoss unbatched {red}", "ctcLoss", lambda a, t, i, l, r=red: F.ctc_loss(a, t, i, l, reduction=r),
             [lp[:, 0], padded[0], torch.tensor(7), torch.tensor(4)], {"reduction": red}, 5)
    # a longer problem (the recursions over many steps) and float64
    lp2 = torch.randn(40, 2, 6).log_softmax(2)
    t2 = torch.randint(1, 6, (2, 12))
    case("ctcLoss long", "ctcLoss", lambda a, t, i, l: F.ctc_loss(a, t, i, l, reduction="none"), [lp2, t2, [40, 33], [12, 9]], {"reduction": "none"}, 6)
    case("ctcLoss float64", "ctcLoss", lambda a, t, i, l: F.ctc_loss(a, t, i, l), [lp.double(), padded, ilen, tlen], {}, 7)
    # log-probabilities that are not normalized (any scores work)
    case("ctcLoss unnormalized", "ctcLoss", lambda a, t, i, l: F.ctc_loss(a, t, i, l, reduction="sum"), [torch.randn(T, N, C), padded, ilen, tlen], {"reduction": "sum"}, 8)


# ---------------------------------------------------------------- margin losses
def margin_cases():
    torch.manual_seed(31)
    x = torch.randn(5, 4)
    # row 4: x[target] - x[other] == 1 exactly, a hinge at 0 (no gradient: the kernel tests z > 0)
    x[4] = torch.tensor([2.0, 1.0, 0.5, -1.0])
    y = torch.tensor([[3, 0, -1, 1], [0, 1, 2, 3], [-1, 2, 1, 0], [2, 2, -1, 3], [0, -1, 0, 0]])
    for red in ["mean", "sum", "none"]:
        case(f"multilabelMarginLoss {red}", "multilabelMarginLoss", lambda a, t, r=red: F.multilabel_margin_loss(a, t, reduction=r), [x, y], {"reduction": red}, 10)
    for red in ["mean", "none"]:
        case(f"multilabelMarginLoss 1d {red}", "multilabelMarginLoss", lambda a, t, r=red: F.multilabel_margin_loss(a, t, reduction=r),
             [torch.randn(6), torch.tensor([5, 1, 1, -1, 2, 3])], {"reduction": red}, 11)
    # a NaN score: the kernel counts only hinges z > 0, so the NaN ones are skipped
    xn = torch.randn(2, 4)
    xn[0, 2], xn[1, 0] = float("nan"), float("nan")
    case("multilabelMarginLoss nan", "multilabelMarginLoss", lambda a, t: F.multilabel_margin_loss(a, t, reduction="none"),
         [xn, torch.tensor([[1, -1, 0, 0], [0, 3, -1, 0]])], {"reduction": "none"}, 19)
    case("multilabelMarginLoss 0d", "multilabelMarginLoss", lambda a, t: F.multilabel_margin_loss(a, t, reduction="none"),
         [torch.tensor(0.3), torch.tensor(0)], {"reduction": "none"}, 12)
    case("multilabelMarginLoss float64", "multilabelMarginLoss", lambda a, t: F.multilabel_margin_loss(a, t), [torch.randn(3, 6, dtype=torch.float64), torch.tensor([[1, 4, -1, 0, 0, 0], [5, 4, 3, 2, 1, -1], [0, -1, 1, 1, 1, 1]])], {}, 13)

    a, p, n = torch.randn(6, 5), torch.randn(6, 5), torch.randn(6, 5)
    distances = {
        "pairwise": None,
        "cosine": lambda u, v: 1 - F.cosine_similarity(u, v),
        "l1": lambda u, v: (u - v).abs().sum(-1),
    }
    for red in ["mean", "sum", "none"]:
        for name, d in distances.items():
            case(f"tripletMarginWithDistanceLoss {name} {red}", "tripletMarginWithDistanceLoss",
                 lambda u, v, w, r=red, f=d: F.triplet_margin_with_distance_loss(u, v, w, distance_function=f, reduction=r), [a, p, n], {"distance": name, "reduction": red}, 14)
    for opts in [{"swap": True}, {"margin": 0.3, "swap": True, "distance": "l1"}, {"margin": 2.5, "distance": "cosine"}]:
        d = distances[opts.get("distance", "pairwise")]
        case(f"tripletMarginWithDistanceLoss {opts}", "tripletMarginWithDistanceLoss",
             lambda u, v, w, o=opts, f=d: F.triplet_margin_with_distance_loss(u, v, w, distance_function=f, margin=o.get("margin", 1.0), swap=o.get("swap", False)),
             [a, p, n], opts, 15)
    case("tripletMarginWithDistanceLoss unbatched", "tripletMarginWithDistanceLoss", lambda u, v, w: F.triplet_margin_with_distance_loss(u, v, w, reduction="none"),
         [torch.randn(5), torch.randn(5), torch.randn(5)], {"reduction": "none"}, 16)

    # nll_loss of K-dim input: [N, C, d1, d2] and [N, C, d1, d2, d3], weights, an ignored class
    logp = torch.randn(2, 4, 3, 2).log_softmax(1)
    target = torch.randint(0, 4, (2, 3, 2))
    target[0, 1, 1] = 2
    w = torch.rand(4) + 0.5
    for red in ["mean", "sum", "none"]:
        case(f"nllLoss 4d weight ignore {red}", "nllLoss", lambda u, t, r=red: F.nll_loss(u, t, weight=w, ignore_index=2, reduction=r), [logp, target],
             {"reduction": red, "weight": w, "ignoreIndex": 2}, 17)
    logp5 = torch.randn(2, 3, 2, 2, 2).log_softmax(1)
    case("nllLoss 5d", "nllLoss", lambda u, t: F.nll_loss(u, t), [logp5, torch.randint(0, 3, (2, 2, 2, 2))], {}, 18)


# ---------------------------------------------------------------- spatial transformers
def grid_sample_3d_nearest_2x(inp, grid, padding_mode, align_corners):
    """PyTorch 2.x's 3-d nearest sampling, written with 1.13's ops: 2.x rounds
    a position half-way between pixels to the even one (std::nearbyint, as
    the 2-d kernel always did); 1.13's 3-d kernel rounds it away from zero."""
    N, C, D, H, W = inp.shape
    pos = []
    for k, size in enumerate([W, H, D]):
        c = grid[..., k]
        x = ((c + 1) / 2) * (size - 1) if align_corners else ((c + 1) * size - 1) / 2
        if padding_mode == "reflection":
            lo, hi = (0, 2 * (size - 1)) if align_corners else (-1, 2 * size - 1)
            if lo == hi:
                x = torch.zeros_like(x)
            else:
                mn, span = lo / 2, (hi - lo) / 2
                a = (x - mn).abs()
                extra = torch.fmod(a, span)
                flips = torch.floor(a / span)
                x = torch.where(flips % 2 == 0, extra + mn, span - extra + mn)
        if padding_mode != "zeros":
            x = x.clamp(0, size - 1)
        pos.append(torch.round(x).long())  # torch.round: half to even
    ix, iy, iz = pos
    inside = (ix >= 0) & (ix < W) & (iy >= 0) & (iy < H) & (iz >= 0) & (iz < D)
    flat = (iz.clamp(0, D - 1) * H + iy.clamp(0, H - 1)) * W + ix.clamp(0, W - 1)
    index = flat.reshape(N, 1, -1).expand(N, C, -1)
    vals = inp.reshape(N, C, -1).gather(2, index) * inside.reshape(N, 1, -1)
    return vals.reshape(N, C, *grid.shape[1:4]) + 0 * grid.sum()


def agree(a, b, what):
    assert torch.allclose(a, b, rtol=1e-6, atol=1e-7, equal_nan=True), f"{what}: {a} != {b}"

def grid_cases():
    torch.manual_seed(32)
    x4 = torch.randn(2, 3, 4, 5)
    g4 = torch.rand(2, 3, 4, 2) * 2.6 - 1.3
    # exact points: the corners and centre, on a pixel edge, far outside (reflected several times)
    g4[0, 0, 0] = torch.tensor([-1.0, -1.0])
    g4[0, 0, 1] = torch.tensor([1.0, 1.0])
    g4[0, 0, 2] = torch.tensor([0.0, 0.0])
    g4[0, 0, 3] = torch.tensor([1.0, -1.0])
    g4[0, 1, 0] = torch.tensor([-3.7, 2.9])
    g4[0, 1, 1] = torch.tensor([5.3, -4.1])
    g4[0, 1, 2] = torch.tensor([0.2, 1.0])
    for mode in ["bilinear", "nearest", "bicubic"]:
        for pad in ["zeros", "border", "reflection"]:
            for ac in [False, True]:
                case(f"gridSample 4d {mode} {pad} alignCorners={ac}", "gridSample",
                     lambda a, g, m=mode, p=pad, c=ac: F.grid_sample(a, g, mode=m, padding_mode=p, align_corners=c), [x4, g4],
                     {"mode": mode, "paddingMode": pad, "alignCorners": ac}, 20)
    x5 = torch.randn(2, 2, 3, 4, 3)
    g5 = torch.rand(2, 2, 3, 2, 3) * 2.6 - 1.3
    g5[0, 0, 0, 0] = torch.tensor([-1.0, 1.0, 0.0])
    g5[0, 0, 0, 1] = torch.tensor([1.0, -1.0, 1.0])
    g5[0, 0, 1, 0] = torch.tensor([-3.7, 2.9, 4.4])
    g5_no_ties = torch.rand(2, 2, 3, 2, 3) * 2.6 - 1.3
    for mode in ["bilinear", "nearest"]:
        for pad in ["zeros", "border", "reflection"]:
            for ac in [False, True]:
                if mode == "nearest":
                    agree(grid_sample_3d_nearest_2x(x5, g5_no_ties, pad, ac), F.grid_sample(x5, g5_no_ties, mode="nearest", padding_mode=pad, align_corners=ac), f"3-d nearest {pad} {ac}")
                    run = lambda a, g, p=pad, c=ac: grid_sample_3d_nearest_2x(a, g, p, c)
                else:
                    run = lambda a, g, p=pad, c=ac: F.grid_sample(a, g, mode="bilinear", padding_mode=p, align_corners=c)
                case(f"gridSample 5d {mode} {pad} alignCorners={ac}", "gridSample", run, [x5, g5], {"mode": mode, "paddingMode": pad, "alignCorners": ac}, 21)
    # a unit height (reflection's span is 0 with alignCorners) and float64
    x1 = torch.randn(1, 2, 1, 4)
    g1 = torch.rand(1, 2, 3, 2) * 2.6 - 1.3
    for pad in ["zeros", "border", "reflection"]:
        for ac in [False, True]:
            case(f"gridSample unit height {pad} alignCorners={ac}", "gridSample",
                 lambda a, g, p=pad, c=ac: F.grid_sample(a, g, padding_mode=p, align_corners=c), [x1, g1], {"paddingMode": pad, "alignCorners": ac}, 22)
    for mode in ["bilinear", "bicubic"]:
        case(f"gridSample 4d float64 {mode} reflection", "gridSample", lambda a, g, m=mode: F.grid_sample(a, g, mode=m, padding_mode="reflection", align_corners=False),
             [x4.double(), g4.double()], {"mode": mode, "paddingMode": "reflection", "alignCorners": False}, 23)
    case("gridSample 5d float64 border", "gridSample", lambda a, g: F.grid_sample(a, g, padding_mode="border", align_corners=True),
         [x5.double(), g5.double()], {"paddingMode": "border", "alignCorners": True}, 24)

    # grid positions that are NaN or infinite: the values of both kernels (NaN clips to 0 in the 2-d one, to
    # size - 1 in the 3-d one, whose backward passes no gradient from a NaN position). 1.13's 2-d bilinear
    # backward crashes on them with border or reflection padding: values only there.
    nan, inf = float("nan"), float("inf")
    xs4 = torch.randn(1, 2, 3, 4)
    gs4 = torch.tensor([[[[nan, 0.3], [0.2, nan], [inf, 0.1], [-inf, 0.5], [0.4, -0.7]]]])
    xs5 = torch.randn(1, 2, 2, 3, 4)
    gs5 = torch.tensor([[[[[nan, 0.3, 0.1], [0.2, nan, 0.1], [inf, 0.1, 0.2], [-inf, 0.5, -0.3], [0.1, 0.2, inf]]]]])
    for mode in ["bilinear", "nearest", "bicubic"]:
        for pad in ["zeros", "border", "reflection"]:
            for ac in [False, True]:
                crash = mode == "bilinear" and pad != "zeros"
                case(f"gridSample 4d non-finite {mode} {pad} alignCorners={ac}", "gridSample",
                     lambda a, g, m=mode, p=pad, c=ac: F.grid_sample(a, g, mode=m, padding_mode=p, align_corners=c), [xs4, gs4],
                     {"mode": mode, "paddingMode": pad, "alignCorners": ac}, 30, backward=not crash)
                if mode == "bicubic":
                    continue
                # (1.13's own 3-d nearest: no position here is half-way between pixels)
                run = lambda a, g, m=mode, p=pad, c=ac: F.grid_sample(a, g, mode=m, padding_mode=p, align_corners=c)
                case(f"gridSample 5d non-finite {mode} {pad} alignCorners={ac}", "gridSample", run, [xs5, gs5],
                     {"mode": mode, "paddingMode": pad, "alignCorners": ac}, 31)

    # affine_grid: 2-d and 3-d, both corner rules, unit sizes, float64
    th2 = torch.randn(2, 2, 3)
    th3 = torch.randn(2, 3, 4)
    for ac in [False, True]:
        case(f"affineGrid 2d alignCorners={ac}", "affineGrid", lambda t, s, c=ac: F.affine_grid(t, s, align_corners=c), [th2, [2, 3, 4, 5]], {"alignCorners": ac}, 25)
        case(f"affineGrid 3d alignCorners={ac}", "affineGrid", lambda t, s, c=ac: F.affine_grid(t, s, align_corners=c), [th3, [2, 1, 3, 4, 5]], {"alignCorners": ac}, 26)
        case(f"affineGrid unit sizes alignCorners={ac}", "affineGrid", lambda t, s, c=ac: F.affine_grid(t, s, align_corners=c), [th2[:1], [1, 2, 1, 3]], {"alignCorners": ac}, 27)
    case("affineGrid 2d float64 large", "affineGrid", lambda t, s: F.affine_grid(t, s, align_corners=False), [th2.double(), [2, 1, 9, 13]], {"alignCorners": False}, 28)
    # the spatial transformer: rotate-scale-shift, then sample (gradients reach θ through the grid)
    angle = 0.3
    th = torch.tensor([[[0.9 * math.cos(angle), -0.9 * math.sin(angle), 0.1], [0.9 * math.sin(angle), 0.9 * math.cos(angle), -0.2]],
                       [[1.2, 0.3, 0.05], [-0.1, 0.8, 0.3]]])
    img = torch.randn(2, 3, 6, 7)
    for mode in ["bilinear", "bicubic"]:
        case(f"spatialTransformer {mode}", "spatialTransformer",
             lambda t, a, m=mode: F.grid_sample(a, F.affine_grid(t, [2, 3, 5, 4], align_corners=False), mode=m, padding_mode="border", align_corners=False),
             [th, img], {"mode": mode}, 29)


# ---------------------------------------------------------------- fractional max pooling
def fractional_cases():
    torch.manual_seed(33)
    x = torch.randn(2, 3, 9, 8)
    s = torch.rand(2, 3, 2)
    s[0, 0] = torch.tensor([0.0, 0.0])
    s[0, 1] = torch.tensor([0.999, 0.5])
    case("fractionalMaxPool2d outputSize", "fractionalMaxPool2d", lambda a: F.fractional_max_pool2d(a, 2, output_size=(4, 5), _random_samples=s),
         [x], {"kernelSize": 2, "outputSize": [4, 5], "_randomSamples": s}, 40)
    case("fractionalMaxPool2d outputRatio indices", "fractionalMaxPool2dIndices",
         lambda a: F.fractional_max_pool2d(a, (3, 2), output_ratio=(0.5, 0.6), return_indices=True, _random_samples=s), [x],
         {"kernelSize": [3, 2], "outputRatio": [0.5, 0.6], "_randomSamples": s}, 41)
    case("fractionalMaxPool2d windows fill the input", "fractionalMaxPool2d", lambda a: F.fractional_max_pool2d(a, 3, output_size=(7, 6), _random_samples=s),
         [x], {"kernelSize": 3, "outputSize": [7, 6], "_randomSamples": s}, 42)
    case("fractionalMaxPool2d output 1", "fractionalMaxPool2d", lambda a: F.fractional_max_pool2d(a, 2, output_size=1, _random_samples=s),
         [x], {"kernelSize": 2, "outputSize": 1, "_randomSamples": s}, 43)
    # unbatched; ties (integers in {-1, 0, 1}: the first maximum wins) and overlapping windows
    xt = torch.randint(-1, 2, (3, 7, 7)).float()
    case("fractionalMaxPool2d unbatched ties", "fractionalMaxPool2dIndices",
         lambda a: F.fractional_max_pool2d(a, 3, output_size=(4, 4), return_indices=True, _random_samples=s[:1]), [xt], {"kernelSize": 3, "outputSize": [4, 4], "_randomSamples": s[:1]}, 44)
    # NaN wins (the last one), a window of -inf keeps its first element
    xn = torch.randn(1, 1, 6, 6)
    xn[0, 0, 0, 1] = float("nan")
    xn[0, 0, 3:, 3:] = float("-inf")
    sn = torch.tensor([[[0.3, 0.8]]])
    case("fractionalMaxPool2d nan and -inf", "fractionalMaxPool2dIndices",
         lambda a: F.fractional_max_pool2d(a, 2, output_size=(3, 3), return_indices=True, _random_samples=sn), [xn],
         {"kernelSize": 2, "outputSize": [3, 3], "_randomSamples": sn}, 45)
    case("fractionalMaxPool2d float64", "fractionalMaxPool2d", lambda a: F.fractional_max_pool2d(a, 2, output_size=(5, 3), _random_samples=s.double()),
         [x.double()], {"kernelSize": 2, "outputSize": [5, 3], "_randomSamples": s.double()}, 46)


# ---------------------------------------------------------------- AdaptiveLogSoftmaxWithLoss
def adaptive_cases():
    torch.manual_seed(34)
    modules = []
    for head_bias, cutoffs, div in [(False, [4, 8], 2.0), (True, [3], 4.0), (True, [2, 5, 9], 1.5)]:
        m = nn.AdaptiveLogSoftmaxWithLoss(8, 12, cutoffs, div_value=div, head_bias=head_bias)
        x = torch.randn(6, 8)
        target = torch.tensor([0, 5, 11, 3, 9, 6])
        xr = x.clone().requires_grad_()
        out, loss = m(xr, target)
        gy = torch.randn(out.shape)
        ((out * gy).sum() + 0.7 * loss).backward()
        logp = m.log_prob(x)
        pred = m.predict(x)
        single_out, single_loss = m(x[2], target[2])
        modules.append({
            "name": f"AdaptiveLogSoftmaxWithLoss cutoffs={cutoffs} div={div} headBias={head_bias}",
            "cutoffs": cutoffs, "divValue": div, "headBias": head_bias,
            "stateDict": {k: tj(v) for k, v in m.state_dict().items()},
            "input": tj(x), "target": tj(target),
            "output": tj(out), "loss": loss.item(), "gradOutput": flat(gy),
            "inputGrad": flat(xr.grad), "paramGrads": {k: flat(p.grad) for k, p in m.named_parameters()},
            "logProb": tj(logp), "predict": [int(v) for v in pred.tolist()],
            "single": {"output": single_out.item(), "loss": single_loss.item()},
        })
    return modules


def main():
    ctc_cases()
    margin_cases()
    grid_cases()
    fractional_cases()
    adaptive = adaptive_cases()
    with open(OUT, "w") as f:
        json.dump({"torch": torch.__version__, "cases": CASES, "adaptive": adaptive}, f, separators=(",", ":"), allow_nan=False)
    print(f"{len(CASES)} function cases, {len(adaptive)} adaptive softmax cases -> {OUT}")


if __name__ == "__main__":
    main()
