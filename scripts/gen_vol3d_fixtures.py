#!/usr/bin/python3
"""Writes test/fixtures/ops/vol3d.json: PyTorch's answers for the 3-d
(volumetric) ops and the convolution layers' padding modes, with gradients.

Run with the system Python that has PyTorch (1.13 from Debian):

    /usr/bin/python3 scripts/gen_vol3d_fixtures.py

Each list holds cases of one op: the inputs (None where absent), the options
as torchlet spells them, the dtype, the output, an upstream gradient and
the inputs' gradients (None where an input is absent). Max pools also keep
PyTorch's int64 indices as plain numbers. Non-finite numbers are written
as "nan", "inf" and "-inf".

- conv3d / convTranspose3d: stride, padding ("same", "valid"), dilation,
  groups, output padding, bias or not, unbatched input; float32 and float64.
- paddingMode: nn.Conv1d/2d/3d with padding_mode reflect, replicate and
  circular (also with padding "same"): the layer's weight and bias, its
  output and the gradients of input, weight and bias.
- maxPool3d / avgPool3d / adaptive pools / maxUnpool3d / lpPool3d: one-input
  cases (ties from inputs in {-1, 0, 1}, NaN, -inf windows, ceil mode,
  padding, dilation, count_include_pad, divisor_override, overlapping
  adaptive windows). lp_pool3d is new in 2.x: its cases are computed with
  2.x's composition (avg_pool3d of x^p, then sign(m)·relu(|m|)·kd·kh·kw,
  to the 1/p) on 1.13's avg_pool3d.
- interpolate: trilinear (align_corners both ways, sizes and factors, a
  factor that leaves a dim's size unchanged), area on 3-d, 4-d and 5-d
  input, nearest and nearest-exact on 5-d input.
- batchNorm3d / instanceNorm3d: the layers in training mode (output, input
  and affine gradients, running statistics after one step).

1.13 and 2.x compute these CPU kernels alike; the error texts that differ
are written out in the tests.
"""
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from fixture_numbers import flat

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test", "fixtures", "ops", "vol3d.json")

GEN = torch.Generator().manual_seed(0)


def randn(*shape, dtype=torch.float32):
    return torch.randn(*shape, generator=GEN, dtype=torch.float64).to(dtype)


def enc_tensor(t):
    return None if t is None else {"shape": list(t.shape), "data": flat(t)}


def dtype_name(dtype):
    return str(dtype).replace("torch.", "")


def multi(name, fn, inputs, options, seed):
    """A case of an op of several tensor inputs (None where one is absent)."""
    xs = [None if t is None else t.clone().requires_grad_(True) for t in inputs]
    y = fn(*xs)
    g = torch.randn(y.shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64).to(y.dtype)
    y.backward(g)
    return {
        "name": name, "options": options, "dtype": dtype_name(y.dtype),
        "inputs": [enc_tensor(t) for t in xs],
        "output": enc_tensor(y), "gradOutput": flat(g),
        "grads": [None if t is None else flat(t.grad) for t in xs],
    }


def golden(name, x, op, seed, **params):
    """A one-input case: input, output, an upstream gradient and the input's gradient (plus indices if op returns them)."""
    x = x.clone().requires_grad_(True)
    r = op(x)
    y, ix = r if isinstance(r, tuple) else (r, None)
    g = torch.randn(y.shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64).to(y.dtype)
    y.backward(g)
    c = {
        "name": name, **params, "dtype": dtype_name(x.dtype),
        "input": enc_tensor(x), "output": enc_tensor(y),
        "gradOutput": flat(g), "inputGrad": flat(x.grad),
    }
    if ix is not None:
        c["indices"] = ix.reshape(-1).tolist()
    return c


def conv_options(stride=1, padding=0, dilation=1, groups=1):
    return {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}


def conv3d_case(name, x, w, b, seed, **kw):
    """A conv3d case (output and gradients) with the given conv options."""
    opts = conv_options(**kw)
    args = {k: tuple(v) if isinstance(v, list) else v for k, v in opts.items()}
    return multi(name, lambda a, k, bb: F.conv3d(a, k, bb, **args), [x, w, b], opts, seed)


def conv3d_cases():
    cases = []

    def c(*args, **kw):
        cases.append(conv3d_case(*args, **kw))

    f64 = torch.float64
    c("3x3x3 with bias", randn(2, 2, 4, 4, 5), randn(3, 2, 3, 3, 3), randn(3), 1)
    c("float64 kernel (2, 3, 1), stride (2, 1, 2), padding (1, 0, 1)", randn(1, 3, 5, 6, 5, dtype=f64), randn(2, 3, 2, 3, 1, dtype=f64),
      randn(2, dtype=f64), 2, stride=[2, 1, 2], padding=[1, 0, 1])
    c("dilation (2, 1, 2), no bias", randn(1, 2, 7, 5, 6), randn(2, 2, 2, 3, 2), None, 3, dilation=[2, 1, 2])
    c("groups 2, stride 2, padding 1", randn(1, 4, 5, 4, 5), randn(4, 2, 3, 3, 3), randn(4), 4, stride=2, padding=1, groups=2)
    c("float64 groups 3 depthwise", randn(1, 3, 4, 4, 4, dtype=f64), randn(3, 1, 2, 2, 2, dtype=f64), randn(3, dtype=f64), 5, groups=3)
    c("padding same, odd kernel, dilation 2", randn(1, 2, 5, 6, 4), randn(3, 2, 3, 3, 3), randn(3), 6, padding="same", dilation=2)
    c("padding same, even kernel (2, 4, 3)", randn(1, 2, 5, 6, 4), randn(2, 2, 2, 4, 3), None, 7, padding="same")
    c("padding valid", randn(1, 2, 4, 5, 4), randn(2, 2, 3, 2, 2), randn(2), 8, padding="valid")
    c("unbatched", randn(2, 4, 5, 3), randn(3, 2, 2, 3, 2), randn(3), 9, stride=[1, 2, 1], padding=[1, 1, 0])
    c("all options, float64", randn(1, 4, 7, 5, 7, dtype=f64), randn(4, 2, 3, 2, 3, dtype=f64), randn(4, dtype=f64), 10,
      stride=[2, 3, 1], padding=[2, 1, 0], dilation=[1, 2, 3], groups=2)
    return cases


def conv_transpose3d_cases():
    cases = []

    def c(name, x, w, b, seed, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
        opts = {"stride": stride, "padding": padding, "outputPadding": output_padding, "groups": groups, "dilation": dilation}
        t = lambda v: tuple(v) if isinstance(v, list) else v
        cases.append(multi(name, lambda a, k, bb: F.conv_transpose3d(a, k, bb, t(stride), t(padding), t(output_padding), groups, t(dilation)),
                           [x, w, b], opts, seed))

    f64 = torch.float64
    c("3x3x3 with bias", randn(2, 2, 2, 3, 3), randn(2, 3, 3, 3, 3), randn(3), 11)
    c("stride 2, padding 1, output padding 1", randn(1, 3, 3, 2, 3), randn(3, 2, 3, 3, 3), randn(2), 12, stride=2, padding=1, output_padding=1)
    c("float64 stride (2, 1, 3), padding (1, 0, 2), output padding (1, 0, 2), no bias", randn(1, 2, 3, 4, 3, dtype=f64),
      randn(2, 2, 3, 2, 4, dtype=f64), None, 13, stride=[2, 1, 3], padding=[1, 0, 2], output_padding=[1, 0, 2])
    c("groups 2, dilation 2", randn(1, 4, 2, 3, 2), randn(4, 3, 2, 2, 2), randn(6), 14, groups=2, dilation=2)
    c("dilation (2, 1, 3), output padding from dilation", randn(1, 2, 3, 3, 3), randn(2, 2, 2, 2, 2), randn(2), 15,
      dilation=[2, 1, 3], output_padding=[1, 0, 2])
    c("float64 unbatched, stride 2", randn(2, 3, 2, 3, dtype=f64), randn(2, 1, 2, 3, 2, dtype=f64), randn(1, dtype=f64), 16, stride=2)
    c("padding crops more than the kernel adds", randn(1, 1, 3, 3, 3), randn(1, 1, 2, 2, 2), None, 17, stride=3, padding=[1, 2, 0], output_padding=[2, 0, 1])
    return cases


def padding_mode_cases():
    cases = []

    def c(name, layer, x, seed, dims, args, kwargs):
        torch.manual_seed(seed)
        m = layer(*args, **kwargs)
        xs = [x.clone().requires_grad_(True)]
        y = m(xs[0])
        g = torch.randn(y.shape, generator=torch.Generator().manual_seed(seed))
        y.backward(g)
        opts = {k: (list(v) if isinstance(v, tuple) else v) for k, v in kwargs.items()}
        cases.append({
            "name": name, "layer": f"Conv{dims}d", "args": list(args), "options": opts, "dtype": "float32",
            "weight": enc_tensor(m.weight.detach()), "bias": enc_tensor(None if m.bias is None else m.bias.detach()),
            "input": enc_tensor(xs[0]), "output": enc_tensor(y), "gradOutput": flat(g),
            "inputGrad": flat(xs[0].grad), "weightGrad": flat(m.weight.grad),
            "biasGrad": None if m.bias is None else flat(m.bias.grad),
        })

    c("Conv1d reflect", nn.Conv1d, randn(2, 2, 7), 20, 1, [2, 3, 3], {"padding": 2, "padding_mode": "reflect"})
    c("Conv1d circular, stride 2", nn.Conv1d, randn(1, 2, 6), 21, 1, [2, 2, 4], {"padding": 3, "stride": 2, "padding_mode": "circular"})
    c("Conv1d replicate, same, dilation 2", nn.Conv1d, randn(2, 6), 22, 1, [2, 2, 4], {"padding": "same", "dilation": 2, "padding_mode": "replicate"})
    c("Conv2d reflect (1, 2)", nn.Conv2d, randn(2, 2, 5, 6), 23, 2, [2, 3, 3], {"padding": (1, 2), "padding_mode": "reflect"})
    c("Conv2d replicate, groups 2, no bias", nn.Conv2d, randn(1, 4, 4, 5), 24, 2, [4, 2, (3, 2)], {"padding": 2, "groups": 2, "bias": False, "padding_mode": "replicate"})
    c("Conv2d circular same, even kernel", nn.Conv2d, randn(1, 2, 5, 4), 25, 2, [2, 2, (2, 4)], {"padding": "same", "padding_mode": "circular"})
    c("Conv2d reflect, unbatched", nn.Conv2d, randn(2, 4, 4), 26, 2, [2, 3, 3], {"padding": 1, "padding_mode": "reflect"})
    c("Conv3d reflect", nn.Conv3d, randn(1, 2, 4, 5, 4), 27, 3, [2, 3, 3], {"padding": 1, "padding_mode": "reflect"})
    c("Conv3d replicate (1, 0, 2), stride 2", nn.Conv3d, randn(2, 1, 4, 4, 5), 28, 3, [1, 2, (2, 3, 3)], {"padding": (1, 0, 2), "stride": 2, "padding_mode": "replicate"})
    c("Conv3d circular same, dilation 2", nn.Conv3d, randn(1, 2, 5, 4, 6), 29, 3, [2, 2, 2], {"padding": "same", "dilation": 2, "padding_mode": "circular"})
    return cases


def pool_cases():
    nan, inf = float("nan"), float("inf")
    out = {"maxPool3d": [], "avgPool3d": [], "adaptiveAvgPool3d": [], "adaptiveMaxPool3d": [], "maxUnpool3d": [], "lpPool3d": []}
    t = lambda v: tuple(v) if isinstance(v, list) else v

    def mp(name, x, seed, kernelSize, stride=None, padding=0, dilation=1, ceilMode=False):
        out["maxPool3d"].append(golden(name, x, lambda a: F.max_pool3d(a, t(kernelSize), t(stride), t(padding), t(dilation), ceilMode, True), seed,
                                       kernelSize=kernelSize, options={"stride": stride, "padding": padding, "dilation": dilation, "ceilMode": ceilMode}))

    mp("2x2x2", randn(2, 2, 4, 4, 6), 30, 2)
    mp("float64 kernel (3, 2, 2), stride 1, padding (1, 1, 0)", randn(1, 2, 5, 4, 3, dtype=torch.float64), 31, [3, 2, 2], stride=1, padding=[1, 1, 0])
    mp("dilation 2, padding 1", randn(1, 2, 6, 7, 6), 32, 2, stride=2, padding=1, dilation=2)
    mp("ceil mode 3 stride 2 on 6x5x7", randn(2, 1, 6, 5, 7), 33, 3, stride=2, ceilMode=True)
    mp("ceil mode, padding 1, float64", randn(1, 2, 5, 5, 4, dtype=torch.float64), 34, 2, stride=2, padding=1, ceilMode=True)
    mp("ties (inputs in {-1, 0, 1}), overlapping", torch.randint(-1, 2, (1, 2, 5, 5, 5), generator=GEN).float(), 35, 3, stride=1)
    mp("unbatched", randn(2, 4, 5, 6), 36, [2, 3, 2], stride=[2, 2, 1])
    specials = randn(1, 1, 4, 4, 4)
    specials[0, 0, 0, 0, 0:2] = nan
    specials[0, 0, 1, 1, 1] = nan
    specials[0, 0, 2:4, 2:4, 2:4] = -inf
    specials[0, 0, 3, 0, 3] = inf
    mp("nan and infinities", specials, 37, 2)

    def ap(name, x, seed, kernelSize, stride=None, padding=0, ceilMode=False, countIncludePad=True, divisorOverride=None):
        out["avgPool3d"].append(golden(name, x, lambda a: F.avg_pool3d(a, t(kernelSize), t(stride), t(padding), ceilMode, countIncludePad, divisorOverride), seed,
                                       kernelSize=kernelSize, options={"stride": stride, "padding": padding, "ceilMode": ceilMode,
                                                                       "countIncludePad": countIncludePad, "divisorOverride": divisorOverride}))

    ap("2x2x2", randn(2, 2, 4, 4, 6), 40, 2)
    ap("float64 (3, 2, 3), stride 1, padding (1, 1, 0)", randn(1, 2, 5, 4, 4, dtype=torch.float64), 41, [3, 2, 3], stride=1, padding=[1, 1, 0])
    ap("padding 1 without count_include_pad", randn(1, 2, 5, 5, 4), 42, 3, stride=2, padding=1, countIncludePad=False)
    ap("ceil mode 3 stride 2 on 6x5x7", randn(2, 1, 6, 5, 7), 43, 3, stride=2, ceilMode=True)
    ap("ceil mode, padding 1, count_include_pad", randn(1, 2, 5, 5, 4), 44, 2, stride=2, padding=1, ceilMode=True)
    ap("ceil mode, padding 1, without count_include_pad, float64", randn(1, 2, 5, 5, 4, dtype=torch.float64), 45, 2, stride=2, padding=1, ceilMode=True,
       countIncludePad=False)
    ap("divisor_override 5", randn(1, 2, 4, 5, 6), 46, [2, 3, 2], stride=[2, 1, 2], padding=1, divisorOverride=5)
    ap("unbatched", randn(3, 4, 4, 4), 47, 2)

    def aap(name, x, seed, size):
        out["adaptiveAvgPool3d"].append(golden(name, x, lambda a: F.adaptive_avg_pool3d(a, t(size)), seed, outputSize=size))

    aap("7x5x6 to (3, 2, 4)", randn(1, 2, 7, 5, 6), 50, [3, 2, 4])
    aap("float64 to 2", randn(1, 2, 5, 5, 5, dtype=torch.float64), 51, 2)
    aap("None keeps dims", randn(1, 2, 4, 6, 5), 52, [None, 3, None])
    aap("upsampling 2x3x2 to 3x4x5", randn(1, 1, 2, 3, 2), 53, [3, 4, 5])
    aap("unbatched, global", randn(3, 4, 5, 6), 54, 1)

    def amp(name, x, seed, size):
        out["adaptiveMaxPool3d"].append(golden(name, x, lambda a: F.adaptive_max_pool3d(a, t(size), True), seed, outputSize=size))

    amp("7x5x6 to (3, 2, 4)", randn(1, 2, 7, 5, 6), 55, [3, 2, 4])
    amp("ties to 3 from 5x4x5", torch.randint(-1, 2, (1, 2, 5, 4, 5), generator=GEN).float(), 56, 3)
    amp("float64 unbatched, None", randn(2, 4, 5, 3, dtype=torch.float64), 57, [2, None, 2])
    amp("upsampling 2x3x2 to 3x4x3", randn(1, 2, 2, 3, 2), 58, [3, 4, 3])
    specials = randn(1, 1, 4, 4, 4)
    specials[0, 0, 0, 0, 0:2] = nan
    specials[0, 0, 1, 1, 1] = nan
    specials[0, 0, 2:4, 2:4, 2:4] = -inf
    amp("nan and infinities", specials, 59, 2)

    def unpool(name, x, seed, kernelSize, stride=None, padding=0, outputSize=None):
        v, i = F.max_pool3d(x, t(kernelSize), t(stride), t(padding), return_indices=True)
        c = golden(name, v, lambda a: F.max_unpool3d(a, i, t(kernelSize), t(stride), t(padding), outputSize), seed,
                   kernelSize=kernelSize, options={"stride": stride, "padding": padding, "outputSize": outputSize})
        c["indices"] = i.reshape(-1).tolist()
        out["maxUnpool3d"].append(c)

    unpool("2x2x2", randn(1, 2, 4, 4, 6), 60, 2)
    unpool("with output size (odd input)", randn(2, 1, 5, 4, 5), 61, 2, outputSize=[5, 4, 5])
    unpool("stride 1, padding (1, 0, 1), kernel (3, 2, 2)", randn(1, 2, 4, 3, 4), 62, [3, 2, 2], stride=1, padding=[1, 0, 1])
    unpool("unbatched, output size with N and C", randn(2, 4, 4, 4), 63, 2, outputSize=[1, 2, 5, 5, 5])

    def lp(name, x, seed, p, kernelSize, stride=None, ceilMode=False):
        def f(a):
            kd, kh, kw = (kernelSize,) * 3 if isinstance(kernelSize, int) else kernelSize
            m = F.avg_pool3d(a.pow(p), t(kernelSize), t(stride) if stride is not None else None, 0, ceilMode)
            return (torch.sign(m) * F.relu(torch.abs(m))).mul(kd * kw * kh).pow(1.0 / p)
        out["lpPool3d"].append(golden(name, x, f, seed, normType=p, kernelSize=kernelSize, options={"stride": stride, "ceilMode": ceilMode}))

    lp("p 2, kernel 2", torch.rand(1, 2, 4, 4, 6, generator=GEN) + 0.1, 64, 2, 2)
    lp("p 3, kernel (2, 3, 2), stride 1", randn(1, 2, 4, 5, 4), 65, 3, [2, 3, 2], stride=1)
    lp("p 1.5, ceil mode, float64", torch.rand(2, 1, 5, 5, 5, generator=GEN, dtype=torch.float64) + 0.1, 66, 1.5, 2, stride=2, ceilMode=True)
    return out


def interpolate_cases():
    cases = []

    def c(name, x, seed, **kw):
        opts = {"size": kw.get("size"), "scaleFactor": kw.get("scale_factor"), "mode": kw.get("mode", "nearest"),
                "alignCorners": kw.get("align_corners"), "recomputeScaleFactor": kw.get("recompute_scale_factor")}
        args = {k: tuple(v) if isinstance(v, list) else v for k, v in kw.items()}
        cases.append(golden(name, x, lambda a: F.interpolate(a, **args), seed, options=opts))

    x5 = randn(1, 2, 3, 4, 3)
    c("trilinear x2", x5, 70, scale_factor=2, mode="trilinear")
    c("trilinear to (5, 3, 7) align corners", x5, 71, size=[5, 3, 7], mode="trilinear", align_corners=True)
    c("trilinear factors (1.5, 0.5, 2.5) float64", randn(2, 1, 4, 4, 3, dtype=torch.float64), 72, scale_factor=[1.5, 0.5, 2.5], mode="trilinear")
    c("trilinear factor 1.1 leaves D (4) unchanged", randn(1, 2, 4, 3, 3), 73, scale_factor=[1.1, 2, 1.5], mode="trilinear")
    c("trilinear to 1x1x4 align corners", x5, 74, size=[1, 1, 4], mode="trilinear", align_corners=True)
    c("trilinear recompute_scale_factor", x5, 75, scale_factor=[1.7, 1.3, 2.2], mode="trilinear", recompute_scale_factor=True)
    c("area 3-d 10 to 4", randn(2, 3, 10), 76, size=4, mode="area")
    c("area 4-d (7, 5) to (3, 2)", randn(1, 2, 7, 5), 77, size=[3, 2], mode="area")
    c("area 5-d factor 0.5", randn(1, 2, 4, 6, 5), 78, scale_factor=0.5, mode="area")
    c("area 5-d up to (5, 3, 4) float64", randn(1, 1, 3, 3, 2, dtype=torch.float64), 79, size=[5, 3, 4], mode="area")
    c("nearest 5-d x2", x5, 80, scale_factor=2)
    c("nearest 5-d to (2, 7, 5)", randn(1, 2, 3, 4, 3), 81, size=[2, 7, 5])
    c("nearest 5-d factors (1.7, 1.1, 2.2), two channels", randn(1, 2, 4, 5, 3), 82, scale_factor=[1.7, 1.1, 2.2])
    c("nearest 5-d factors (1.7, 1.1, 2.2), one channel", randn(1, 1, 4, 5, 3), 83, scale_factor=[1.7, 1.1, 2.2])
    c("nearest-exact 5-d to (5, 2, 7)", randn(1, 2, 3, 4, 3), 84, size=[5, 2, 7], mode="nearest-exact")
    c("bilinear align corners (UpsamplingBilinear2d)", randn(1, 2, 3, 4), 85, size=[5, 7], mode="bilinear", align_corners=True)
    return cases


def norm_cases():
    cases = []

    def c(name, layer, x, seed):
        torch.manual_seed(seed)
        with torch.no_grad():
            if layer.weight is not None:
                layer.weight.copy_(torch.rand(layer.weight.shape, generator=torch.Generator().manual_seed(seed)) + 0.5)
                layer.bias.copy_(torch.randn(layer.bias.shape, generator=torch.Generator().manual_seed(seed + 1)))
        xi = x.clone().requires_grad_(True)
        y = layer(xi)
        g = torch.randn(y.shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64).to(y.dtype)
        y.backward(g)
        cases.append({
            "name": name, "layer": type(layer).__name__, "numFeatures": layer.num_features, "affine": layer.affine,
            "trackRunningStats": layer.track_running_stats, "dtype": dtype_name(x.dtype),
            "weight": enc_tensor(None if layer.weight is None else layer.weight.detach()),
            "bias": enc_tensor(None if layer.bias is None else layer.bias.detach()),
            "input": enc_tensor(xi), "output": enc_tensor(y), "gradOutput": flat(g), "inputGrad": flat(xi.grad),
            "weightGrad": None if layer.weight is None else flat(layer.weight.grad),
            "biasGrad": None if layer.bias is None else flat(layer.bias.grad),
            "runningMean": enc_tensor(layer.running_mean), "runningVar": enc_tensor(layer.running_var),
        })

    c("BatchNorm3d training", nn.BatchNorm3d(3), randn(2, 3, 3, 4, 2), 90)
    c("BatchNorm3d training float64", nn.BatchNorm3d(2, dtype=torch.float64), randn(3, 2, 2, 3, 2, dtype=torch.float64), 91)
    c("InstanceNorm3d affine", nn.InstanceNorm3d(3, affine=True), randn(2, 3, 3, 2, 4), 92)
    c("InstanceNorm3d unbatched, running stats", nn.InstanceNorm3d(2, track_running_stats=True), randn(2, 3, 4, 2), 93)
    return cases


def main():
    data = {
        "torch": torch.__version__,
        "conv3d": conv3d_cases(),
        "convTranspose3d": conv_transpose3d_cases(),
        "paddingMode": padding_mode_cases(),
        **pool_cases(),
        "interpolate": interpolate_cases(),
        "norms": norm_cases(),
    }
    with open(OUT, "w") as f:
        json.dump(data, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
