#!/usr/bin/python3
"""Writes test/fixtures/ops/special-more.json and test/fixtures/ops/linalg-more.json:
values and input gradients (for a random upstream gradient) of torch.special's
functions and of the torch.linalg functions added after solve / inv / det /
qr / eigh / svd (see test/linalg-more*.test.ts), in float64 and float32.

Run with the system Python that has PyTorch (1.13 from Debian):

    /usr/bin/python3 scripts/gen_linalg_more_fixtures.py

1.13 already has every function used here, with the values and gradients of
2.x; where the two differ the test says so and checks 2.x's behaviour. Two
exceptions are computed another way here: 1.13's linalg.cond backward fails
for the norms through the inverse (the cases differentiate ‖A‖·‖A⁻¹‖, which
equals cond's value, as asserted), and its bessel_j1 / bessel_y1 are off by
up to ~5e-8 (those cases get a looser tolerance, and mpmath, where installed,
gives exact reference values), and its matrix_exp gradient at a large norm
is off by ~3e-7 (mpmath gives that case's exact gradient).
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


def well(*shape):
    return randn(*shape) + 3 * torch.eye(shape[-1], dtype=D)


def spd(*shape):
    m = randn(*shape)
    return m @ m.transpose(-2, -1) + shape[-1] * torch.eye(shape[-1], dtype=D)


def lower(*shape):
    return torch.tril(randn(*shape)) + 3 * torch.eye(shape[-1], dtype=D)


L = torch.linalg
INF = float("inf")


def linalg_cases():
    cs = []

    def c(name, fn, fun, inputs, dtype=D, grad=None, **options):
        cs.append(record(name, fn, fun, inputs, dtype, grad, **options))

    norm = lambda a, ord=None, dim=None, keepdim=False: L.norm(a, ord, dim, keepdim)
    c("norm of all elements (3-d)", "norm", norm, [randn(2, 3, 4)])
    c("norm 2-d, no ord", "norm", norm, [randn(3, 4)])
    c("norm nuc", "norm", norm, [randn(3, 4)], ord="nuc")
    c("norm matrix 1 (2-d input)", "norm", norm, [randn(3, 4)], ord=1)
    c("norm vector 3 over dim 1", "norm", norm, [randn(2, 5)], ord=3, dim=[1])
    c("norm matrix inf over (0, 2) keepdim float32", "norm", norm, [randn(3, 2, 4)], F, ord=INF, dim=[0, 2], keepdim=True)
    c("norm vector -inf 1-d", "norm", norm, [randn(5)], ord=-INF)
    c("vecdot broadcast", "vecdot", lambda x, y, dim=-1: L.vecdot(x, y, dim=dim), [randn(2, 3), randn(3)])
    c("vecdot dim 0 float32", "vecdot", lambda x, y, dim=-1: L.vecdot(x, y, dim=dim), [randn(4, 2), randn(4, 2)], F, dim=0)
    c("multiDot 4 matrices", "multiDot", lambda *ts: L.multi_dot(ts), [randn(2, 5), randn(5, 3), randn(3, 6), randn(6, 2)])
    c("multiDot vectors at both ends", "multiDot", lambda *ts: L.multi_dot(ts), [randn(4), randn(4, 3), randn(3)])
    c("multiDot two, float32", "multiDot", lambda *ts: L.multi_dot(ts), [randn(3, 2), randn(2)], F)
    mp = lambda a, n: L.matrix_power(a, n)
    c("matrixPower 3", "matrixPower", mp, [randn(3, 3)], n=3)
    c("matrixPower -2 batched", "matrixPower", mp, [well(2, 3, 3)], n=-2)
    c("matrixExp 3x3", "matrixExp", L.matrix_exp, [randn(3, 3)])
    c("matrixExp large norm", "matrixExp", L.matrix_exp, [3 * randn(4, 4)])
    try:
        # 1.13's matrix_exp backward is off by ~3e-7 relative at this norm: the exact gradient, the upper right
        # block of exp([[Aᵀ, G], [0, Aᵀ]]), from mpmath where it is installed
        import mpmath
        mpmath.mp.dps = 40
        case = cs[-1]
        A = torch.tensor(case["inputs"][0]["data"], dtype=D).reshape(4, 4)
        G = torch.tensor(case["gradOutputs"][0], dtype=D).reshape(4, 4)
        B = torch.zeros(8, 8, dtype=D)
        B[:4, :4] = A.T
        B[4:, 4:] = A.T
        B[:4, 4:] = G
        E = mpmath.expm(mpmath.matrix(B.tolist()))
        case["inputGrads"][0] = [float("%.17g" % float(E[i, 4 + j])) for i in range(4) for j in range(4)]
        case["name"] += " (gradient from mpmath)"
    except ImportError:
        cs[-1]["tol"] = 1e-6
    c("matrixExp batched float32", "matrixExp", L.matrix_exp, [randn(2, 3, 3)], F)
    c("matrixExp 1x1", "matrixExp", L.matrix_exp, [randn(1, 1)])
    cond = lambda a, p=None: L.cond(a, p)
    c("cond default", "cond", cond, [well(3, 3)])
    c("cond tall (2-norm)", "cond", cond, [randn(5, 3)])
    # 1.13's cond backward fails for the norms through the inverse (an in-place op on inv_ex's output);
    # 2.x differentiates ‖A‖·‖A⁻¹‖, which is what these cases compute (the values equal cond's)
    cond_by_inverse = lambda a, p: L.matrix_norm(a, p) * L.matrix_norm(L.inv(a), p)
    for p in [1, -1, "fro", "nuc", INF, -INF, 2, -2]:
        c(f"cond p={p}", "cond", cond if p in (2, -2) else cond_by_inverse, [well(2, 3, 3)], p=p)
        if p not in (2, -2):
            with torch.no_grad():
                a = torch.tensor(cs[-1]["inputs"][0]["data"], dtype=D).reshape(2, 3, 3)
                assert torch.allclose(L.cond(a, p), cond_by_inverse(a, p))
    c("cond float32 1", "cond", cond_by_inverse, [well(4, 4)], F, p=1)
    c("cond singular 1 is inf", "cond", cond, [t([[1.0, 2.0], [2.0, 4.0]])], grad=False, p=1)
    c("diagonal offset 1 dims (0, 2)", "diagonal", lambda a, offset=0, dim1=-2, dim2=-1: L.diagonal(a, offset=offset, dim1=dim1, dim2=dim2), [randn(3, 2, 4)], offset=1, dim1=0, dim2=2)
    c("diagonal default", "diagonal", lambda a: L.diagonal(a), [randn(2, 3, 3)])
    c("tensorinv ind 2", "tensorinv", lambda a, ind=2: L.tensorinv(a, ind=ind), [well(6, 6).reshape(2, 3, 6)], ind=2)
    c("tensorinv ind 1", "tensorinv", lambda a, ind=2: L.tensorinv(a, ind=ind), [well(6, 6).reshape(6, 2, 3)], ind=1)
    c("tensorsolve", "tensorsolve", lambda a, b: L.tensorsolve(a, b), [well(6, 6).reshape(2, 3, 6), randn(2, 3)])
    c("tensorsolve dims", "tensorsolve", lambda a, b, dims=None: L.tensorsolve(a, b, dims=dims), [well(6, 6).reshape(6, 2, 3).permute(1, 0, 2).contiguous(), randn(2, 3)], dims=[1])
    ex = lambda a, upper=False: tuple(L.cholesky_ex(a, upper=upper))
    c("choleskyEx", "choleskyEx", ex, [spd(2, 3, 3)])
    c("choleskyEx upper float32", "choleskyEx", ex, [spd(4, 4)], F, upper=True)
    c("choleskyEx not positive-definite", "choleskyEx", ex, [t([[4.0, 2.0, 1.0], [2.0, -5.0, 0.0], [1.0, 0.0, 3.0]])], grad=False)
    c("invEx batched", "invEx", lambda a: tuple(L.inv_ex(a)), [well(2, 3, 3)])
    c("solveEx", "solveEx", lambda a, b, left=True: tuple(L.solve_ex(a, b, left=left)), [well(3, 3), randn(3, 2)])
    c("solveEx left=False", "solveEx", lambda a, b, left=True: tuple(L.solve_ex(a, b, left=left)), [well(2, 3, 3), randn(2, 4, 3)], left=False)
    c("solve left=False", "solve", lambda a, b, left=True: L.solve(a, b, left=left), [well(3, 3), randn(2, 3)], left=False)
    lu = lambda a: tuple(L.lu(a))
    c("lu square", "lu", lu, [randn(4, 4)])
    c("lu wide", "lu", lu, [randn(3, 5)])
    c("lu tall batched", "lu", lu, [randn(2, 5, 3)])
    c("lu float32", "lu", lu, [randn(3, 3)], F)
    luf = lambda a: tuple(L.lu_factor(a))
    c("luFactor square batched", "luFactor", luf, [randn(2, 4, 4)])
    c("luFactor wide", "luFactor", luf, [randn(2, 4)])
    c("luFactor tall", "luFactor", luf, [randn(4, 2)])
    c("luFactorEx singular", "luFactorEx", lambda a: tuple(L.lu_factor_ex(a)), [t([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])], grad=False)
    lus = lambda lu_, piv, b, left=True, adjoint=False: L.lu_solve(lu_, piv, b, left=left, adjoint=adjoint)
    for opts, bshape in [({}, (3, 2)), ({"adjoint": True}, (3, 2)), ({"left": False}, (2, 3)), ({"left": False, "adjoint": True}, (4, 3))]:
        LU, piv = L.lu_factor(well(3, 3))
        c(f"luSolve {opts}", "luSolve", lus, [LU, piv, randn(*bshape)], grad=[True, False, True], **opts)
    LU, piv = L.lu_factor(well(2, 3, 3))
    c("luSolve batched float32", "luSolve", lus, [LU, piv, randn(2, 3, 1)], F, grad=[True, False, True])
    st = lambda a, b, upper, left=True, unitriangular=False: L.solve_triangular(a, b, upper=upper, left=left, unitriangular=unitriangular)
    c("solveTriangular upper", "solveTriangular", st, [randn(4, 4) + 4 * torch.eye(4, dtype=D), randn(4, 2)], upper=True)
    c("solveTriangular lower broadcast", "solveTriangular", st, [lower(2, 1, 3, 3), randn(3, 3, 2)], upper=False)
    c("solveTriangular right", "solveTriangular", st, [randn(3, 3) + 3 * torch.eye(3, dtype=D), randn(2, 3)], upper=True, left=False)
    c("solveTriangular unitriangular lower right float32", "solveTriangular", st, [randn(3, 3), randn(4, 3)], F, upper=False, left=False, unitriangular=True)
    hh = lambda a, tau: L.householder_product(a, tau)
    c("householderProduct", "householderProduct", hh, [randn(4, 3), randn(2)])
    c("householderProduct batched float32", "householderProduct", hh, [randn(2, 3, 3), randn(2, 3)], F)
    vd = lambda x, N=None: L.vander(x, N=N)
    c("vander", "vander", vd, [randn(3)])
    c("vander batched N=4", "vander", vd, [randn(2, 3)], N=4)
    c("vander int", "vander", vd, [torch.tensor([1, 2, 3], dtype=torch.int32)], grad=False)
    ts = lambda b, a, upper=True, transpose=False, unitriangular=False: tuple(torch.triangular_solve(b, a, upper=upper, transpose=transpose, unitriangular=unitriangular))
    c("triangularSolve", "triangularSolve", ts, [randn(3, 2), randn(3, 3) + 3 * torch.eye(3, dtype=D)])
    c("triangularSolve lower transpose", "triangularSolve", ts, [randn(2, 3, 2), lower(2, 3, 3)], upper=False, transpose=True)
    csv = lambda b, l, upper=False: torch.cholesky_solve(b, l, upper=upper)
    c("choleskySolve", "choleskySolve", csv, [randn(3, 2), torch.linalg.cholesky(spd(3, 3))])
    c("choleskySolve upper broadcast", "choleskySolve", csv, [randn(2, 3, 1), torch.linalg.cholesky(spd(3, 3), upper=True)], upper=True)
    ci = lambda l, upper=False: torch.cholesky_inverse(l, upper=upper)
    c("choleskyInverse", "choleskyInverse", ci, [torch.linalg.cholesky(spd(3, 3))])
    c("choleskyInverse upper batched float32", "choleskyInverse", ci, [torch.linalg.cholesky(spd(2, 3, 3), upper=True)], F, upper=True)
    # LDLᵀ (Bunch–Kaufman): no derivative in PyTorch, values and pivots only
    sym = lambda a: a + a.transpose(-2, -1)
    zero_diag = t([[0.0, 1.0, 2.0, 0.5], [1.0, 0.0, 3.0, -1.0], [2.0, 3.0, 0.0, 1.5], [0.5, -1.0, 1.5, 0.0]])
    ldl = lambda a: tuple(L.ldl_factor(a))
    c("ldlFactor indefinite", "ldlFactor", ldl, [sym(randn(4, 4))], grad=False)
    c("ldlFactor zero diagonal (2x2 blocks)", "ldlFactor", ldl, [zero_diag], grad=False)
    c("ldlFactor batched float32", "ldlFactor", ldl, [sym(randn(2, 5, 5))], F, grad=False)
    c("ldlFactorEx", "ldlFactorEx", lambda a: tuple(L.ldl_factor_ex(a)), [sym(randn(3, 3))], grad=False)
    for name, a in [("indefinite", sym(randn(5, 5))), ("zero diagonal", zero_diag)]:
        LD, piv = L.ldl_factor(a)
        c(f"ldlSolve {name}", "ldlSolve", lambda ld, p, b: L.ldl_solve(ld, p, b), [LD, piv, randn(a.shape[0], 2)], grad=False)
    LD, piv = L.ldl_factor(sym(randn(2, 4, 4)))
    c("ldlSolve batched float32", "ldlSolve", lambda ld, p, b: L.ldl_solve(ld, p, b), [LD, piv, randn(2, 4, 3)], F, grad=False)
    return cs


def write(name, cases):
    with open(os.path.join(ROOT, "test", "fixtures", "ops", name), "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))


def main():
    write("special-more.json", special_cases())
    write("linalg-more.json", linalg_cases())


if __name__ == "__main__":
    main()
