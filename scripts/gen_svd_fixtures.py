#!/usr/bin/python3
"""Writes test/fixtures/ops/svd.json: the SVD family of torch.linalg (svd,
svdvals, matrix_norm "nuc" / 2 / -2, pinv, matrix_rank, lstsq): values and
input gradients for a random upstream gradient, on random tall, wide, square
and batched matrices in float64 and float32.

Run with the system Python that has PyTorch (1.13 from Debian):

    /usr/bin/python3 scripts/gen_svd_fixtures.py

Singular vectors are unique only up to sign, so each svd case keeps the
first k = min(m, n) vectors and multiplies every column of U (and the
matching row of Vh) by the sign of that column's sum before the upstream
gradient is applied (the test does the same); the extra vectors of
full_matrices=True, which are not unique at all, are checked in the test by
orthogonality instead. Gradients are taken where the singular values are
distinct and away from zero (random Gaussian matrices).

1.13 and 2.x agree on these values and gradients. lstsq returns only the
solution here (torchlet leaves out residuals, rank and singular_values), and
matrix_rank's int64 result is compared as integers (torchlet gives int32).
"""
import json
import os

import torch

from fixture_numbers import case_record, flat

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test", "fixtures", "ops", "svd.json")
GEN = torch.Generator().manual_seed(0)


def randn(*shape):
    return torch.randn(*shape, generator=GEN, dtype=torch.float64)


def svd_fixed(a, full_matrices=True):
    U, S, Vh = torch.linalg.svd(a, full_matrices=full_matrices)
    k = S.shape[-1]
    U, Vh = U[..., :, :k], Vh[..., :k, :]
    s = torch.sign(U.sum(-2, keepdim=True))
    return U * s, S, Vh * s.transpose(-2, -1)


def sym(a):
    return (a + a.transpose(-2, -1)) / 2


FNS = {
    "svd": svd_fixed,
    "svdvals": lambda a: torch.linalg.svdvals(a),
    "matrixNorm": lambda a, ord="nuc", dim=(-2, -1), keepdim=False: torch.linalg.matrix_norm(a, ord, dim, keepdim),
    "pinv": lambda a, rtol=None, atol=None, hermitian=False: torch.linalg.pinv(a, atol=atol, rtol=rtol, hermitian=hermitian),
    "matrixRank": lambda a, rtol=None, atol=None, hermitian=False: torch.linalg.matrix_rank(a, atol=atol, rtol=rtol, hermitian=hermitian),
    "lstsq": lambda a, b: torch.linalg.lstsq(a, b).solution,
}


def case(name, fn, inputs, dtype=torch.float64, grad=True, **options):
    xs = [x.to(dtype).clone().requires_grad_(grad) for x in inputs]
    out = FNS[fn](*xs, **options)
    outs = list(out) if isinstance(out, tuple) else [out]
    grads = [torch.randn(o.shape, generator=GEN, dtype=torch.float64).to(dtype) if grad else None for o in outs]
    if grad:
        torch.autograd.backward(outs, grads)
    return case_record(name, fn, {k: v for k, v in options.items() if v is not None}, dtype, xs, outs, grads, grad)


def main():
    f32 = torch.float32
    # integer entries, so that the rounded fixture numbers are exactly rank 2
    rank2 = (4 * randn(5, 2)).round() @ (4 * randn(2, 4)).round()
    cases = [
        case("svd square", "svd", [randn(4, 4)], full_matrices=False),
        case("svd tall reduced", "svd", [randn(5, 3)], full_matrices=False),
        case("svd wide reduced", "svd", [randn(3, 5)], full_matrices=False),
        case("svd tall full batched", "svd", [randn(2, 5, 3)]),
        case("svd wide full", "svd", [randn(2, 4)]),
        case("svd batched [2,2] reduced", "svd", [randn(2, 2, 3, 3)], full_matrices=False),
        case("svd float32 tall", "svd", [randn(6, 4)], f32, full_matrices=False),
        case("svd float32 wide full", "svd", [randn(2, 3, 5)], f32),
        case("svd column", "svd", [randn(4, 1)], full_matrices=False),
        case("svdvals tall", "svdvals", [randn(5, 3)]),
        case("svdvals wide batched", "svdvals", [randn(2, 3, 4)]),
        case("svdvals float32", "svdvals", [randn(4, 4)], f32),
        case("svdvals rank 2", "svdvals", [rank2], grad=False),
        case("matrix_norm nuc", "matrixNorm", [randn(4, 3)]),
        case("matrix_norm 2 batched", "matrixNorm", [randn(2, 3, 5)], ord=2),
        case("matrix_norm -2 keepdim", "matrixNorm", [randn(2, 4, 3)], ord=-2, keepdim=True),
        case("matrix_norm nuc dim (0, 2) keepdim", "matrixNorm", [randn(3, 2, 4)], dim=(0, 2), keepdim=True),
        case("matrix_norm 2 dim (2, 0)", "matrixNorm", [randn(3, 2, 4)], ord=2, dim=(2, 0)),
        case("matrix_norm nuc float32", "matrixNorm", [randn(3, 3)], f32),
        case("pinv tall", "pinv", [randn(5, 3)]),
        case("pinv wide batched", "pinv", [randn(2, 3, 4)]),
        case("pinv square float32", "pinv", [randn(4, 4)], f32),
        case("pinv hermitian", "pinv", [sym(randn(4, 4))], hermitian=True),
        case("pinv rank 2", "pinv", [rank2], grad=False),
        case("pinv rtol cuts", "pinv", [torch.diag(torch.tensor([4.0, 1.0, 0.1], dtype=torch.float64))], grad=False, rtol=0.2),
        case("pinv atol cuts", "pinv", [torch.diag(torch.tensor([4.0, 1.0, 0.1], dtype=torch.float64))], grad=False, atol=0.5),
        case("matrix_rank full", "matrixRank", [randn(2, 4, 3)], grad=False),
        case("matrix_rank rank 2", "matrixRank", [rank2], grad=False),
        case("matrix_rank float32 rank 2", "matrixRank", [rank2], f32, grad=False),
        case("matrix_rank rtol", "matrixRank", [torch.diag(torch.tensor([4.0, 1.0, 0.1], dtype=torch.float64))], grad=False, rtol=0.2),
        case("matrix_rank atol", "matrixRank", [torch.diag(torch.tensor([4.0, 1.0, 0.1], dtype=torch.float64))], grad=False, atol=0.05),
        case("matrix_rank atol and rtol", "matrixRank", [torch.diag(torch.tensor([4.0, 1.0, 0.1], dtype=torch.float64))], grad=False, atol=0.05, rtol=0.5),
        # a positive atol alone turns the default rtol (max(m, n) eps) off: 1e-16 counts
        case("matrix_rank atol only", "matrixRank", [torch.diag(torch.tensor([1.0, 1e-16], dtype=torch.float64))], grad=False, atol=1e-17),
        case("matrix_rank default rtol", "matrixRank", [torch.diag(torch.tensor([1.0, 1e-16], dtype=torch.float64))], grad=False),
        case("pinv atol only", "pinv", [torch.diag(torch.tensor([1.0, 1e-16], dtype=torch.float64))], grad=False, atol=1e-17),
        case("matrix_rank hermitian", "matrixRank", [torch.diag(torch.tensor([-4.0, 1.0, 0.0], dtype=torch.float64))], grad=False, hermitian=True),
        case("lstsq tall", "lstsq", [randn(6, 3), randn(6, 2)]),
        # 1.13's lstsq backward fails on a vector right-hand side (a shape error), so that case has values only
        case("lstsq batched vector rhs", "lstsq", [randn(2, 5, 3), randn(2, 5)], grad=False),
        case("lstsq broadcast", "lstsq", [randn(2, 1, 4, 2), randn(1, 3, 4, 1)]),
        case("lstsq float32", "lstsq", [randn(5, 4), randn(5, 3)], f32),
        # wide: gelsy's minimum-norm solution, which is pinv(A) B
        case("lstsq wide", "lstsq", [randn(2, 4), randn(2, 3)]),
        case("lstsq square", "lstsq", [randn(3, 3) + 3 * torch.eye(3, dtype=torch.float64), randn(3, 2)]),
    ]
    for c in cases:
        for k, v in list(c["options"].items()):
            if isinstance(v, tuple):
                c["options"][k] = list(v)
    with open(OUT, "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
