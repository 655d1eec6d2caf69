#!/usr/bin/python3
"""Writes test/fixtures/ops/special-more.json and test/fixtures/ops/linalg-more.json:
values and input gradients (for a random upstream gradient) of torch.special's
functions and of the torch.linalg functions added after solve / inv / det /
qr / eigh / svd (see test/linalg-more*.test.ts), in float64 and float32.

Run with the system Python that has PyTorch (1.13 from Debian):

    /usr/bin/python3 scripts/gen_linalg_more_fixtures.py

1.13 already has every function used here, with the values and gradients of
2.x; where the two differ the test says so and checks 2.x's behaviour.
"""
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_numbers import flat  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = torch.Generator().manual_seed(0)
D = torch.float64
F = torch.float32


def randn(*shape):
    return torch.randn(*shape, generator=GEN, dtype=D)


def rand(*shape):
    return torch.rand(*shape, generator=GEN, dtype=D)


def t(values):
    return torch.tensor(values, dtype=D)


def record(name, fn, fun, inputs, dtype=D, grad=None, **options):
    """One case: `grad` lists which inputs require grad (default: all floating inputs when grad is not False)."""
    if grad is None:
        grad = [True] * len(inputs)
    elif grad is False:
        grad = [False] * len(inputs)
    xs = []
    for x, g in zip(inputs, grad):
        x = x.to(dtype) if x.is_floating_point() else x
        xs.append(x.clone().requires_grad_(g))
    out = fun(*xs, **options)
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    grads = [torch.randn(o.shape, generator=GEN, dtype=D).to(o.dtype) if o.requires_grad else None for o in outs]
    pairs = [(o, g) for o, g in zip(outs, grads) if g is not None]
    if pairs:
        torch.autograd.backward([o for o, _ in pairs], [g for _, g in pairs])
    enc_opts = {}
    for k, v in options.items():
        if isinstance(v, float) and math.isinf(v):
            v = "inf" if v > 0 else "-inf"
        elif isinstance(v, tuple):
            v = list(v)
        enc_opts[k] = v
    any_grad = any(grad)
    return {
        "name": name, "fn": fn, "options": enc_opts, "dtype": str(dtype).replace("torch.", ""),
        "inputs": [{"shape": list(x.shape), "data": flat(x), **({} if x.is_floating_point() else {"dtype": str(x.dtype).replace("torch.", "")})} for x in xs],
        "outputs": [{"shape": list(o.shape), "data": flat(o), "dtype": str(o.dtype).replace("torch.", "")} for o in outs],
        "gradOutputs": [None if g is None else flat(g) for g in grads],
        "inputGrads": [None if x.grad is None else flat(x.grad) for x in xs] if any_grad else None,
    }


S = torch.special
GRID = t([-30.0, -6.5, -2.0, -0.75, -1e-3, 0.0, 1e-3, 0.4, 1.0, 2.5, 7.0, 13.9, 14.1, 25.0, 120.0])
POS = t([1e-4, 0.01, 0.3, 1.0, 2.0, 5.5, 9.0, 13.9, 14.1, 30.0, 100.0, 700.0])


def special_cases():
    cs = []

    def unary(fn, fun, x, differentiable=True):
        name = fn
        cs.append(record(f"{name} float64", fn, fun, [x], D, grad=[differentiable]))
        cs.append(record(f"{name} float32", fn, fun, [x], F, grad=[differentiable]))

    unary("erfcx", S.erfcx, GRID)
    unary("ndtr", S.ndtr, GRID)
    unary("logNdtr", S.log_ndtr, t([-40.0, -12.0, -3.0, -1.0, -0.2, 0.0, 0.5, 2.0, 6.0, 9.0]))
    unary("ndtri", S.ndtri, t([1e-300, 1e-20, 1e-6, 0.01, 0.2, 0.5, 0.7, 0.975, 1 - 1e-9]))
    cs.append(record("ndtri edges", "ndtri", S.ndtri, [t([0.0, 1.0, -0.5, 1.5, float("nan")])], D, grad=False))
    unary("i0e", S.i0e, GRID)
    unary("i1", S.i1, GRID[1:-1])
    unary("i1e", S.i1e, GRID)
    unary("entr", S.entr, t([0.0, 1e-5, 0.3, 1.0, 4.0]))
    cs.append(record("entr negative and zero", "entr", S.entr, [t([-1.0, 0.0, float("nan"), float("inf")])], D, grad=False))
    unary("sphericalBesselJ0", S.spherical_bessel_j0, GRID, False)
    unary("besselJ0", S.bessel_j0, GRID, False)
    unary("besselJ1", S.bessel_j1, GRID, False)
    unary("besselY0", S.bessel_y0, POS, False)
    unary("besselY1", S.bessel_y1, POS, False)
    cs.append(record("besselY0 edges", "besselY0", S.bessel_y0, [t([0.0, -1.0, float("inf")])], D, grad=False))
    unary("modifiedBesselI0", S.modified_bessel_i0, GRID[1:-1], False)
    unary("modifiedBesselI1", S.modified_bessel_i1, GRID[1:-1], False)
    unary("modifiedBesselK0", S.modified_bessel_k0, POS, False)
    unary("modifiedBesselK1", S.modified_bessel_k1, POS, False)
    unary("scaledModifiedBesselK0", S.scaled_modified_bessel_k0, POS, False)
    unary("scaledModifiedBesselK1", S.scaled_modified_bessel_k1, POS, False)
    unary("airyAi", S.airy_ai, t([-20.0, -9.0, -7.9, -3.0, -1.0, 0.0, 0.5, 2.0, 5.0, 20.0]), False)
    # gammaln / psi / multigammaln / expit / logit / xlogy / softmax are torchlet ops under torch.special's names
    unary("gammaln", S.gammaln, t([0.1, 0.5, 1.5, 3.0, 10.0]))
    unary("psi", S.psi, t([0.1, 0.5, 1.5, 3.0, 10.0]))
    unary("expit", S.expit, t([-5.0, 0.0, 0.3, 4.0]))
    unary("logit", S.logit, t([0.1, 0.5, 0.8]))
    cs.append(record("multigammaln p=3", "multigammaln", lambda x, p: S.multigammaln(x, p), [t([[1.5, 2.0], [3.5, 7.0]])], D, p=3))
    cs.append(record("multigammaln p=1 float32", "multigammaln", lambda x, p: S.multigammaln(x, p), [t([0.5, 2.0, 4.0])], F, p=1))
    cs.append(record("polygamma n=2", "polygamma", lambda x, n: S.polygamma(n, x), [t([0.3, 1.0, 4.5])], D, n=2))
    cs.append(record("softmax dim 1", "softmax", lambda x, dim: S.softmax(x, dim), [randn(2, 3)], D, dim=1))
    cs.append(record("logSoftmax dim 0", "logSoftmax", lambda x, dim: S.log_softmax(x, dim), [randn(2, 3)], D, dim=0))
    cs.append(record("sinc", "sinc", S.sinc, [t([-1.5, 0.0, 0.25, 3.0])], D))
    cs.append(record("xlog1py", "xlog1py", S.xlog1py, [t([0.0, 0.0, 1.5, -2.0, 3.0]), t([-1.0, 0.5, 0.25, 2.0, -0.5])], D))
    cs.append(record("xlog1py broadcast float32", "xlog1py", S.xlog1py, [randn(2, 1), rand(3)], F))
    cs.append(record("zeta", "zeta", S.zeta, [t([2.0, 3.5, 1.5, 40.0, 1.0, 0.5]), t([1.0, 0.5, 10.0, 2.0, 1.0, 1.0])], D, grad=[False, True]))
    cs.append(record("zeta negative q", "zeta", S.zeta, [t([2.0, 2.5, 3.0]), t([-1.0, -1.5, -1.5])], D, grad=False))
    cs.append(record("zeta float32 broadcast", "zeta", S.zeta, [t([[2.0], [4.0]]), t([0.5, 3.0])], F, grad=[False, True]))
    cs.append(record("gammainc", "gammainc", S.gammainc, [t([0.5, 1.0, 3.0, 10.0, 100.0, 2.0]), t([0.2, 2.0, 3.0, 4.0, 110.0, 30.0])], D, grad=[False, True]))
    cs.append(record("gammaincc", "gammaincc", S.gammaincc, [t([0.5, 1.0, 3.0, 10.0, 100.0, 2.0]), t([0.2, 2.0, 3.0, 4.0, 110.0, 30.0])], D, grad=[False, True]))
    cs.append(record("gammainc edges", "gammainc", S.gammainc, [t([0.0, 1.0, -1.0, 2.0]), t([1.0, 0.0, 1.0, float("inf")])], D, grad=False))
    for c in cs:
        # PyTorch's own bessel_j1 / bessel_y1 are off by up to ~5e-8 near x = 5..7 (mpmath agrees with torchlet there):
        # these compare at 1e-6, and the mpmath cases below check the exact values
        if c["fn"] in ("besselJ1", "besselY1"):
            c["tol"] = 1e-6
    infs = t([float("inf"), float("-inf"), float("nan"), 0.0])
    for fn, fun in [("besselJ0", S.bessel_j0), ("besselY1", S.bessel_y1), ("modifiedBesselI0", S.modified_bessel_i0),
                    ("modifiedBesselK1", S.modified_bessel_k1), ("airyAi", S.airy_ai), ("sphericalBesselJ0", S.spherical_bessel_j0),
                    ("i0e", S.i0e), ("i1e", S.i1e), ("erfcx", S.erfcx), ("logNdtr", S.log_ndtr)]:
        cs.append(record(f"{fn} at the infinities", fn, fun, [infs], D, grad=False))
    try:
        import mpmath
        mpmath.mp.dps = 30
        pts = t([0.2, 3.0, 5.5, 6.5, 8.0, 12.0, 13.99, 14.01, 20.0, 60.0])
        for fn, f in [("besselJ0", lambda v: mpmath.besselj(0, v)), ("besselJ1", lambda v: mpmath.besselj(1, v)),
                      ("besselY0", lambda v: mpmath.bessely(0, v)), ("besselY1", lambda v: mpmath.bessely(1, v)),
                      ("modifiedBesselK0", lambda v: mpmath.besselk(0, v)), ("modifiedBesselK1", lambda v: mpmath.besselk(1, v)),
                      ("airyAi", lambda v: mpmath.airyai(v))]:
            inp = -pts if fn == "airyAi" else pts
            c = record(f"{fn} against mpmath", fn, lambda x: x, [inp], D, grad=False)
            c["outputs"][0]["data"] = [float("%.17g" % float(f(mpmath.mpf(v)))) for v in inp.tolist()]
            c["tol"] = 1e-10
            cs.append(c)
    except ImportError:
        print("mpmath not found: no exact Bessel cases", file=sys.stderr)
    xs = t([-1.0, -0.6, 0.0, 0.3, 1.0, 1.7])
    ns = t([0.0, 1.0, 2.0, 5.0, 8.0, -1.0])
    for fn, fun in [("chebyshevPolynomialT", S.chebyshev_polynomial_t), ("chebyshevPolynomialU", S.chebyshev_polynomial_u),
                    ("chebyshevPolynomialV", S.chebyshev_polynomial_v), ("chebyshevPolynomialW", S.chebyshev_polynomial_w),
                    ("shiftedChebyshevPolynomialT", S.shifted_chebyshev_polynomial_t), ("shiftedChebyshevPolynomialU", S.shifted_chebyshev_polynomial_u),
                    ("shiftedChebyshevPolynomialV", S.shifted_chebyshev_polynomial_v), ("shiftedChebyshevPolynomialW", S.shifted_chebyshev_polynomial_w),
                    ("hermitePolynomialH", S.hermite_polynomial_h), ("hermitePolynomialHe", S.hermite_polynomial_he),
                    ("laguerrePolynomialL", S.laguerre_polynomial_l), ("legendrePolynomialP", S.legendre_polynomial_p)]:
        cs.append(record(fn, fn, fun, [xs.reshape(6, 1), ns], D, grad=False))
    return cs


def write(name, cases):
    with open(os.path.join(ROOT, "test", "fixtures", "ops", name), "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))


def main():
    write("special-more.json", special_cases())


if __name__ == "__main__":
    main()
