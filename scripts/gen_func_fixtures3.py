#!/usr/bin/python3
"""Writes test/fixtures/ops/nn-func3.json: PyTorch's answers for the
nn.functional additions tested in test/nn-functional-more.test.ts.

Each case in "cases" holds its inputs, PyTorch's output, an upstream
gradient and the gradient of every floating input (null where PyTorch gives
none), keyed by name; the test runs torchlet's op on the same inputs.
"stats" holds values the statistical tests compare against.

Run with the system Python that has PyTorch (1.13 from Debian):

    /usr/bin/python3 scripts/gen_func_fixtures3.py

Where 1.13 lacks what 2.x has, the expected values come from 2.x's
definition written out here: channel_shuffle's gradient (1.13 has no
derivative for it; 2.x's native_channel_shuffle is the reshape / transpose
below) and the circular padding layers and ZeroPad1d/3d (2.1+; F.pad's
circular and constant modes are what they call).
"""
import json
import os

import torch
import torch.nn.functional as F

from fixture_numbers import flat

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test", "fixtures", "ops", "nn-func3.json")
CASES = {}


def rnd(*shape, seed, scale=1.0, positive=False):
    t = torch.randn(*shape, generator=torch.Generator().manual_seed(seed)) * scale
    return t.abs() + 0.1 if positive else t


def case(name, fn, inputs, seed, extra=None):
    """Runs fn on copies of inputs (floating ones requiring grad) and records everything."""
    xs = [x.clone().requires_grad_(x.is_floating_point()) for x in inputs]
    y = fn(*xs)
    g = torch.randn(y.shape, generator=torch.Generator().manual_seed(seed + 1000))
    if y.requires_grad:
        y.backward(g)
    CASES[name] = {
        "inputs": [{"shape": list(x.shape), "data": flat(x), "dtype": "float32" if x.is_floating_point() else "int32"} for x in xs],
        "output": {"shape": list(y.shape), "data": flat(y)},
        "gradOutput": flat(g),
        "grads": [None if x.grad is None else flat(x.grad) for x in xs],
        **(extra or {}),
    }


def activations():
    x = torch.tensor([-2.0, -0.5, -0.3, 0.0, 0.2, 0.5, 0.7, 3.0, -1.2, 1.2])
    case("softshrink", lambda a: F.softshrink(a), [x], 1)
    case("softshrink 1.2", lambda a: F.softshrink(a, 1.2), [x], 2)
    case("hardshrink", lambda a: F.hardshrink(a), [x], 3)
    case("hardshrink 1.2", lambda a: F.hardshrink(a, 1.2), [x], 4)
    case("rrelu eval 0.1 0.3", lambda a: F.rrelu(a, 0.1, 0.3, training=False), [x], 5)
    case("softmax2d 4d", lambda a: torch.nn.Softmax2d()(a), [rnd(2, 3, 2, 2, seed=6)], 6)
    case("softmax2d 3d", lambda a: torch.nn.Softmax2d()(a), [rnd(3, 2, 2, seed=7)], 7)


def distances():
    a, b = rnd(2, 4, 3, seed=10), rnd(2, 5, 3, seed=11)
    b[0, 1] = a[0, 2]  # a zero distance: its gradient is 0
    for p in (2.0, 1.0, 3.0, 0.5, float("inf")):
        case(f"cdist p={p}", lambda u, v, p=p: torch.cdist(u, v, p=p), [a, b], 12)
    case("cdist p=0", lambda u, v: torch.cdist(u, v, p=0.0), [a, b], 13)
    case("cdist 2-d", lambda u, v: torch.cdist(u, v), [rnd(3, 4, seed=14), rnd(2, 4, seed=15)], 14)
    case("cdist broadcast batch", lambda u, v: torch.cdist(u, v, p=1.5), [rnd(1, 3, 2, seed=16), rnd(2, 4, 2, seed=17)], 16)
    # more than 25 rows: PyTorch's matmul path for p = 2
    case("cdist p=2 mm path", lambda u, v: torch.cdist(u, v), [rnd(30, 3, seed=18), rnd(27, 3, seed=19)], 18)
    x = rnd(5, 3, seed=20)
    x[3] = x[1]
    for p in (2.0, 1.0, 1.5, float("inf")):
        case(f"pdist p={p}", lambda u, p=p: F.pdist(u, p=p), [x], 21)
    case("bilinear", F.bilinear, [rnd(4, 3, seed=22), rnd(4, 2, seed=23), rnd(5, 3, 2, seed=24), rnd(5, seed=25)], 22)
    case("bilinear no bias, leading dims", lambda u, v, w: F.bilinear(u, v, w), [rnd(2, 3, 3, seed=26), rnd(2, 3, 4, seed=27), rnd(2, 3, 4, seed=28)], 26)
    shuffle = lambda t, g: t.reshape(t.shape[0], g, t.shape[1] // g, *t.shape[2:]).transpose(1, 2).reshape(t.shape)
    x6 = rnd(2, 6, 2, seed=29)
    assert torch.equal(F.channel_shuffle(x6, 3), shuffle(x6, 3))
    case("channel shuffle 3", lambda u: shuffle(u, 3), [x6], 29)
    x4 = rnd(1, 4, 2, 2, seed=30)
    assert torch.equal(F.channel_shuffle(x4, 2), shuffle(x4, 2))
    case("channel shuffle 2 4d", lambda u: shuffle(u, 2), [x4], 30)


def norms_and_dropout():
    case("lrn 3d size 3", lambda u: F.local_response_norm(u, 3), [rnd(2, 5, 4, seed=40, scale=3)], 40)
    case("lrn 4d size 2", lambda u: F.local_response_norm(u, 2, alpha=0.1, beta=0.5, k=2.0), [rnd(2, 6, 3, 3, seed=41)], 41)
    case("lrn 5d size 4", lambda u: F.local_response_norm(u, 4, alpha=0.5, beta=0.75, k=1.0), [rnd(1, 5, 2, 2, 2, seed=42)], 42)
    out = F.feature_alpha_dropout(torch.zeros(200, 20, 2), 0.3, training=True)
    CASES["feature alpha dropout 0.3 on zeros"] = {"values": sorted(set(round(v, 6) for v in out.reshape(-1).tolist()))}
    x = torch.ones(100, 10, 3)
    out = F.feature_alpha_dropout(x, 0.3, training=True)
    CASES["feature alpha dropout 0.3 on ones"] = {"values": sorted(set(round(v, 6) for v in out.reshape(-1).tolist()))}


def pools():
    case("lp_pool1d p=2 k=3 s=2", lambda u: F.lp_pool1d(u, 2, 3, stride=2), [rnd(2, 3, 9, seed=50, positive=True)], 50)
    case("lp_pool2d p=1.5 k=2 s=1", lambda u: F.lp_pool2d(u, 1.5, 2, stride=1), [rnd(1, 2, 4, 5, seed=51, positive=True)], 51)
    # an all-zero window: PyTorch's gradient there is 0 (sign's backward is zeros, relu's a mask), not NaN
    case("lp_pool1d p=2 zero window", lambda u: F.lp_pool1d(u, 2, 2), [torch.tensor([[[0.0, 0.0, 1.0, 2.0, 0.0, 3.0]]])], 58)
    case("lp_pool2d p=3 k=(2,3) ceil", lambda u: F.lp_pool2d(u, 3, (2, 3), ceil_mode=True), [rnd(2, 5, 7, seed=52, positive=True)], 52)

    def unpool2d(u, k, stride=None, padding=0, output_size=None):
        v, i = F.max_pool2d(u, k, stride, padding, return_indices=True)
        return F.max_unpool2d(v, i, k, stride, padding, output_size)

    def unpool1d(u, k, stride=None, padding=0, output_size=None):
        v, i = F.max_pool1d(u, k, stride, padding, return_indices=True)
        return F.max_unpool1d(v, i, k, stride, padding, output_size)

    case("max_unpool2d k=2", lambda u: unpool2d(u, 2), [rnd(2, 2, 4, 4, seed=53)], 53)
    case("max_unpool2d k=3 s=2 p=1 output_size", lambda u: unpool2d(u, 3, 2, 1, [6, 7]), [rnd(1, 2, 6, 7, seed=54)], 54)
    case("max_unpool2d unbatched k=2 5x5 output_size", lambda u: unpool2d(u, 2, output_size=[5, 5]), [rnd(2, 5, 5, seed=55)], 55)
    case("max_unpool1d k=2", lambda u: unpool1d(u, 2), [rnd(2, 3, 8, seed=56)], 56)
    case("max_unpool1d k=3 s=2 output_size", lambda u: unpool1d(u, 3, 2, 0, [10]), [rnd(1, 2, 10, seed=57)], 57)


def paddings():
    x3, x5 = rnd(2, 3, 5, seed=60), rnd(1, 2, 3, 4, 4, seed=61)
    nn = torch.nn
    case("ReflectionPad1d (2, 1)", nn.ReflectionPad1d((2, 1)), [x3], 62)
    case("ReplicationPad1d 3", nn.ReplicationPad1d(3), [x3], 63)
    case("ConstantPad1d (1, 2) 1.5", nn.ConstantPad1d((1, 2), 1.5), [x3], 64)
    case("ZeroPad1d (0, 2)", lambda u: F.pad(u, (0, 2)), [x3], 65)
    case("CircularPad1d (2, 3)", lambda u: F.pad(u, (2, 3), mode="circular"), [x3], 66)
    case("CircularPad2d (1, 0, 2, 1)", lambda u: F.pad(u, (1, 0, 2, 1), mode="circular"), [rnd(1, 2, 3, 3, seed=67)], 67)
    case("ReflectionPad3d 1", nn.ReflectionPad3d(1), [x5], 68)
    case("ReplicationPad3d (1, 0, 2, 1, 0, 1)", nn.ReplicationPad3d((1, 0, 2, 1, 0, 1)), [x5], 69)
    case("ConstantPad3d (1, 1, 0, 1, 1, 0) -2", nn.ConstantPad3d((1, 1, 0, 1, 1, 0), -2.0), [x5], 70)
    case("ZeroPad3d 1", lambda u: F.pad(u, (1, 1, 1, 1, 1, 1)), [x5], 71)
    case("CircularPad3d (1, 2, 0, 1, 1, 1)", lambda u: F.pad(u, (1, 2, 0, 1, 1, 1), mode="circular"), [x5], 72)


def conv_transpose():
    x, w, b = rnd(2, 4, 5, seed=80), rnd(4, 3, 3, seed=81), rnd(3, seed=82)
    case("conv_transpose1d", lambda u, v, c: F.conv_transpose1d(u, v, c), [x, w, b], 80)
    case("conv_transpose1d s=2 p=1 op=1", lambda u, v, c: F.conv_transpose1d(u, v, c, stride=2, padding=1, output_padding=1), [x, w, b], 83)
    case("conv_transpose1d groups=2 dilation=2", lambda u, v: F.conv_transpose1d(u, v, None, groups=2, dilation=2, stride=3),
         [x, rnd(4, 2, 3, seed=84)], 84)
    case("conv_transpose1d unbatched", lambda u, v, c: F.conv_transpose1d(u, v, c, stride=2), [rnd(4, 5, seed=85), w, b], 85)


def interpolation():
    x1, x2 = rnd(1, 2, 7, seed=90), rnd(1, 2, 4, 5, seed=91)
    ne = lambda **kw: (lambda u: F.interpolate(u, mode="nearest-exact", **kw))
    case("nearest-exact 1d factor 1.7", ne(scale_factor=1.7), [x1], 90)
    case("nearest-exact 1d size 3", ne(size=3), [x1], 91)
    case("nearest-exact 2d factor (2, 0.6)", ne(scale_factor=(2.0, 0.6)), [x2], 92)
    case("nearest-exact 2d size (7, 3)", ne(size=(7, 3)), [x2], 93)
    bc = lambda **kw: (lambda u: F.interpolate(u, mode="bicubic", **kw))
    case("bicubic factor 2", bc(scale_factor=2), [x2], 94)
    case("bicubic factor 2 align corners", bc(scale_factor=2, align_corners=True), [x2], 95)
    case("bicubic size (3, 8)", bc(size=(3, 8)), [x2], 96)
    case("bicubic size (6, 2) align corners", bc(size=(6, 2), align_corners=True), [x2], 97)
    case("bicubic factor (1.5, 0.7)", bc(scale_factor=(1.5, 0.7)), [rnd(2, 1, 5, 6, seed=98)], 98)


def main():
    activations()
    distances()
    norms_and_dropout()
    pools()
    paddings()
    conv_transpose()
    interpolation()
    logits = torch.tensor([1.0, 2.0, 0.5, -1.0])
    stats = {"gumbelLogits": logits.tolist(), "gumbelProbs": F.softmax(logits, 0).tolist()}
    with open(OUT, "w") as f:
        json.dump({"torch": torch.__version__, "cases": CASES, "stats": stats}, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
