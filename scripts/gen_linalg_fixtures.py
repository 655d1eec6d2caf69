#!/usr/bin/python3
"""Writes test/fixtures/ops/linalg.json: torch.linalg's values and input
gradients (for a random upstream gradient) on well-conditioned random,
batched matrices in float64 and float32: solve (matrix and vector right-hand
sides, broadcast batches), inv, det (also of a singular matrix), slogdet,
cholesky (lower and upper), qr (reduced, complete, r), eigh / eigvalsh,
matrix_norm, vector_norm and cross.

Run with the system Python that has PyTorch (1.13 from Debian):

    /usr/bin/python3 scripts/gen_linalg_fixtures.py

1.13 and 2.x agree on these values and gradients. eigh's eigenvectors are
only defined up to sign, so each case multiplies every eigenvector by the
sign of its column sum before the upstream gradient is applied (the test
does the same).
"""
import json
import os

import torch

from fixture_numbers import case_record, flat

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test", "fixtures", "ops", "linalg.json")
GEN = torch.Generator().manual_seed(0)


def randn(*shape):
    return torch.randn(*shape, generator=GEN, dtype=torch.float64)


def well_conditioned(*shape):
    n = shape[-1]
    return randn(*shape) + 3 * torch.eye(n, dtype=torch.float64)


def spd(*shape):
    m = randn(*shape)
    return m @ m.transpose(-2, -1) + shape[-1] * torch.eye(shape[-1], dtype=torch.float64)


def eigh_fixed(a, **kw):
    w, v = torch.linalg.eigh(a, **kw)
    return w, v * torch.sign(v.sum(-2, keepdim=True))


FNS = {
    "solve": lambda a, b: torch.linalg.solve(a, b),
    "inv": lambda a: torch.linalg.inv(a),
    "det": lambda a: torch.linalg.det(a),
    "slogdet": lambda a: tuple(torch.linalg.slogdet(a)),
    "cholesky": lambda a, upper=False: torch.linalg.cholesky(a, upper=upper),
    "qr": lambda a, mode="reduced": tuple(torch.linalg.qr(a, mode=mode)),
    "eigh": lambda a, UPLO="L": eigh_fixed(a, UPLO=UPLO),
    "eigvalsh": lambda a, UPLO="L": torch.linalg.eigvalsh(a, UPLO=UPLO),
    "matrixNorm": lambda a, ord="fro", dim=(-2, -1), keepdim=False: torch.linalg.matrix_norm(a, ord, dim, keepdim),
    "vectorNorm": lambda a, ord=2, dim=None, keepdim=False: torch.linalg.vector_norm(a, ord, dim, keepdim),
    "cross": lambda a, b, dim=-1: torch.linalg.cross(a, b, dim=dim),
}

# outputs that carry no gradient (slogdet's sign, qr's empty Q in mode "r")
NO_GRAD = {("slogdet", 0), ("qr", 0)}


def case(name, fn, inputs, dtype=torch.float64, grad=True, **options):
    xs = [x.to(dtype).clone().requires_grad_(grad) for x in inputs]
    out = FNS[fn](*xs, **options)
    outs = list(out) if isinstance(out, tuple) else [out]
    grads = []
    for i, o in enumerate(outs):
        if not grad or (fn, i) in NO_GRAD:
            grads.append(None)
        else:
            grads.append(torch.randn(o.shape, generator=GEN, dtype=torch.float64).to(dtype))
    if grad:
        pairs = [(o, g) for o, g in zip(outs, grads) if g is not None]
        torch.autograd.backward([o for o, _ in pairs], [g for _, g in pairs])
    return case_record(name, fn, options, dtype, xs, outs, grads, grad)


def main():
    f32 = torch.float32
    singular = torch.tensor([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]], dtype=torch.float64)
    cases = [
        case("solve 4x4 matrix rhs", "solve", [well_conditioned(4, 4), randn(4, 2)]),
        case("solve vector rhs", "solve", [well_conditioned(3, 3), randn(3)]),
        case("solve batched vector rhs [2,3]", "solve", [well_conditioned(2, 3, 3), randn(2, 3)]),
        case("solve broadcast batch", "solve", [well_conditioned(2, 1, 3, 3), randn(3, 3, 2)]),
        case("solve float32 batched", "solve", [well_conditioned(2, 5, 5), randn(2, 5, 3)], f32),
        case("inv 4x4", "inv", [well_conditioned(4, 4)]),
        case("inv float32 batched", "inv", [well_conditioned(3, 3, 3)], f32),
        case("inv needing pivoting", "inv", [torch.tensor([[0.0, 1.0, 2.0], [1.0, 0.0, 3.0], [4.0, -3.0, 8.0]], dtype=torch.float64)]),
        case("det 4x4", "det", [randn(4, 4)]),
        case("det float32 batched", "det", [randn(2, 3, 3, 3)], f32),
        case("det singular", "det", [singular]),
        case("det 1x1", "det", [randn(1, 1)]),
        case("slogdet batched", "slogdet", [randn(3, 4, 4)]),
        case("slogdet float32", "slogdet", [randn(3, 3)], f32),
        case("cholesky 4x4", "cholesky", [spd(4, 4)]),
        case("cholesky upper batched", "cholesky", [spd(2, 3, 3)], upper=True),
        case("cholesky float32 batched", "cholesky", [spd(2, 5, 5)], f32),
        case("qr square", "qr", [randn(4, 4)]),
        case("qr tall batched", "qr", [randn(2, 5, 3)]),
        case("qr wide reduced", "qr", [randn(3, 5)]),
        case("qr wide complete batched", "qr", [randn(2, 2, 4)], mode="complete"),
        case("qr tall complete", "qr", [randn(5, 3)], grad=False, mode="complete"),
        case("qr square complete", "qr", [randn(3, 3)], mode="complete"),
        case("qr r", "qr", [randn(4, 3)], grad=False, mode="r"),
        case("qr float32 tall", "qr", [randn(6, 4)], f32),
        case("eigh 4x4", "eigh", [spd(4, 4)]),
        case("eigh upper batched", "eigh", [randn(2, 3, 3)], UPLO="U"),
        case("eigh float32 batched", "eigh", [randn(2, 5, 5)], f32),
        case("eigvalsh", "eigvalsh", [randn(4, 4)]),
        case("matrix_norm fro batched", "matrixNorm", [randn(2, 3, 4)]),
        case("matrix_norm 1", "matrixNorm", [randn(3, 4)], ord=1),
        case("matrix_norm -1", "matrixNorm", [randn(3, 4)], ord=-1),
        case("matrix_norm inf keepdim", "matrixNorm", [randn(2, 3, 4)], ord=float("inf"), keepdim=True),
        case("matrix_norm -inf dim (0, 2)", "matrixNorm", [randn(3, 2, 4)], ord=float("-inf"), dim=(0, 2)),
        case("vector_norm 3 dim 1", "vectorNorm", [randn(2, 5)], ord=3, dim=1),
        case("vector_norm all", "vectorNorm", [randn(2, 3)]),
        case("cross", "cross", [randn(4, 3), randn(4, 3)]),
        case("cross dim 0 broadcast", "cross", [randn(3, 2), randn(3, 1)], dim=0),
    ]
    for c in cases:
        for k, v in list(c["options"].items()):
            if v == float("inf") or v == float("-inf"):
                c["options"][k] = "inf" if v > 0 else "-inf"
            elif isinstance(v, tuple):
                c["options"][k] = list(v)
    with open(OUT, "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
