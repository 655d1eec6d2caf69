#!/usr/bin/python3
"""Writes test/fixtures/nn/distributions2.json: kl_divergence between the
pairs of torchlet's distributions that scripts/gen_distribution_fixtures.py
does not cover (Exponential, Laplace and MultivariateNormal pairs, and the
cross-family pairs Exponential/Laplace/Normal/Uniform), with broadcasting
and the infinite cases where p puts mass outside q's support; and
MultivariateNormal given by its precision matrix (log_prob, entropy,
scale_tril, covariance and precision matrices). All in float64; each
gradient is of the output's sum with respect to each parameter.

Run with the system Python that has PyTorch (1.13 from Debian):

    /usr/bin/python3 scripts/gen_dist_fixtures2.py

These formulas are the same in PyTorch 2.x.
"""
import json
import os

import torch
import torch.distributions as D

from fixture_numbers import flat

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test", "fixtures", "nn", "distributions2.json")
torch.set_default_dtype(torch.float64)


def t(x):
    return torch.tensor(x, dtype=torch.float64)


def enc(x):
    return {"shape": list(x.shape), "data": flat(x)}


def build(dist, leaves):
    """The distribution from leaf parameters (names as in torchlet's options)."""
    if dist in ("Normal", "Laplace"):
        return getattr(D, dist)(leaves["loc"], leaves["scale"])
    if dist == "Uniform":
        return D.Uniform(leaves["low"], leaves["high"])
    if dist == "Exponential":
        return D.Exponential(leaves["rate"])
    if dist == "MultivariateNormal":
        key = next(k for k in ("covarianceMatrix", "precisionMatrix", "scaleTril") if k in leaves)
        kw = {"covarianceMatrix": "covariance_matrix", "precisionMatrix": "precision_matrix", "scaleTril": "scale_tril"}[key]
        return D.MultivariateNormal(leaves["loc"], **{kw: leaves[key]})
    raise ValueError(dist)


def leaves_of(params):
    return {k: v.clone().requires_grad_(True) for k, v in params.items()}


def grads(out, leaves):
    """None where PyTorch's result carries no gradient (the infinite KLs are constants)."""
    if not out.requires_grad:
        return None
    gs = torch.autograd.grad(out.sum(), list(leaves.values()), allow_unused=True)
    return {k: (flat(g) if g is not None else flat(torch.zeros_like(v))) for (k, v), g in zip(leaves.items(), gs)}


KL = []


def kl(name, pdist, p, qdist, q):
    lp, lq = leaves_of(p), leaves_of(q)
    out = D.kl_divergence(build(pdist, lp), build(qdist, lq))
    g = grads(out, {**{"p." + k: v for k, v in lp.items()}, **{"q." + k: v for k, v in lq.items()}})
    KL.append({"name": name, "p": {"dist": pdist, "params": {k: enc(v) for k, v in p.items()}},
               "q": {"dist": qdist, "params": {k: enc(v) for k, v in q.items()}}, "out": enc(out.detach()), "grads": g})


kl("Exponential-Exponential", "Exponential", {"rate": t([0.5, 2.0])}, "Exponential", {"rate": t([1.0, 3.0])})
kl("Exponential-Exponential broadcast", "Exponential", {"rate": t([[0.5], [2.0]])}, "Exponential", {"rate": t([1.0, 3.0, 0.25])})
kl("Laplace-Laplace", "Laplace", {"loc": t([0.0, 1.0]), "scale": t([1.0, 2.0])}, "Laplace", {"loc": t([1.0, -1.0]), "scale": t([2.0, 0.5])})
kl("Laplace-Laplace broadcast", "Laplace", {"loc": t([[0.0], [1.5]]), "scale": t([[1.0], [0.3]])}, "Laplace", {"loc": t([1.0, -1.0, 1.5]), "scale": t([2.0, 0.5, 1.0])})
kl("Exponential-Normal", "Exponential", {"rate": t([0.5, 2.0, 1.0])}, "Normal", {"loc": t([0.0, 1.0, -2.0]), "scale": t([1.0, 0.5, 3.0])})
kl("Exponential-Normal broadcast", "Exponential", {"rate": t([[0.5], [2.0]])}, "Normal", {"loc": t([0.0, 1.0, -2.0]), "scale": t([1.0, 0.5, 3.0])})
kl("Laplace-Normal", "Laplace", {"loc": t([0.0, 1.0, -2.0]), "scale": t([1.0, 0.5, 3.0])}, "Normal", {"loc": t([1.0, -1.0, 0.0]), "scale": t([2.0, 0.7, 1.0])})
kl("Normal-Laplace", "Normal", {"loc": t([0.0, 1.0, -2.0]), "scale": t([1.0, 0.5, 3.0])}, "Laplace", {"loc": t([1.0, -1.0, -2.0]), "scale": t([2.0, 0.7, 1.0])})
kl("Normal-Laplace broadcast", "Normal", {"loc": t(0.5), "scale": t(2.0)}, "Laplace", {"loc": t([[1.0], [-1.0]]), "scale": t([2.0, 0.7, 1.0])})
kl("Uniform-Normal", "Uniform", {"low": t([0.0, -1.0, 2.0]), "high": t([1.0, 3.0, 2.5])}, "Normal", {"loc": t([1.0, -1.0, 0.0]), "scale": t([2.0, 0.7, 1.0])})
kl("Uniform-Exponential", "Uniform", {"low": t([0.0, 0.5, 2.0]), "high": t([1.0, 3.0, 2.5])}, "Exponential", {"rate": t([2.0, 0.7, 1.0])})
# p's low below 0 (the support of an Exponential) in one column: inf there, finite elsewhere, q
# broadcast (PyTorch raises an IndexError where p's shape is not the broadcast shape)
kl("Uniform-Exponential outside", "Uniform", {"low": t([[0.0, -1.0], [0.5, -0.5]]), "high": t([[1.0, 3.0], [1.0, 3.0]])}, "Exponential", {"rate": t([[2.0], [0.5]])})
# these are infinite everywhere: p's support (the reals, or [0, inf)) is not inside q's; the
# result takes p's parameter's shape only, q's does not broadcast into it
kl("Normal-Uniform", "Normal", {"loc": t([0.0, 1.0]), "scale": t([1.0, 0.5])}, "Uniform", {"low": t([-1.0, 0.0]), "high": t([1.0, 2.0])})
kl("Normal-Uniform p shape", "Normal", {"loc": t(0.0), "scale": t(1.0)}, "Uniform", {"low": t([-1.0, 0.0]), "high": t([1.0, 2.0])})
kl("Normal-Exponential", "Normal", {"loc": t([0.0, 1.0]), "scale": t([1.0, 0.5])}, "Exponential", {"rate": t([1.0, 2.0])})
kl("Exponential-Uniform", "Exponential", {"rate": t([1.0, 2.0, 3.0])}, "Uniform", {"low": t(0.0), "high": t(5.0)})
kl("Laplace-Uniform", "Laplace", {"loc": t([0.0]), "scale": t([1.0])}, "Uniform", {"low": t([-1.0, 0.0]), "high": t([1.0, 2.0])})
kl("Laplace-Exponential", "Laplace", {"loc": t([[0.0, 1.0]]), "scale": t([[1.0, 2.0]])}, "Exponential", {"rate": t(1.0)})

MLOC, MCOV = t([1.0, 2.0]), t([[2.0, 1.0], [1.0, 2.0]])
QCOV = t([[1.0, 0.3], [0.3, 0.5]])
kl("MultivariateNormal-MultivariateNormal", "MultivariateNormal", {"loc": MLOC, "covarianceMatrix": MCOV}, "MultivariateNormal", {"loc": t([0.0, 0.0]), "covarianceMatrix": QCOV})
GEN = torch.Generator().manual_seed(0)
A = torch.randn(3, 3, 3, generator=GEN)
BCOV = A @ A.transpose(-1, -2) + 2 * torch.eye(3)
BLOC = torch.randn(4, 1, 3, generator=GEN)
TRIL = torch.linalg.cholesky(BCOV[1]) + 0.1 * torch.tril(torch.ones(3, 3), -1)
# batches [4, 1] (loc) x [3] (covariance) against an unbatched scale_tril and loc of batch [3]
kl("MultivariateNormal-MultivariateNormal broadcast", "MultivariateNormal", {"loc": BLOC, "covarianceMatrix": BCOV}, "MultivariateNormal", {"loc": BLOC[0], "scaleTril": TRIL})
kl("MultivariateNormal precision", "MultivariateNormal", {"loc": BLOC[0, 0], "precisionMatrix": BCOV[0]}, "MultivariateNormal", {"loc": BLOC[1, 0], "precisionMatrix": BCOV})

PREC = []


def prec(name, fn, params, value=None):
    leaves = leaves_of(params)
    d = build("MultivariateNormal", leaves)
    out = d.log_prob(value) if fn == "log_prob" else d.entropy() if fn == "entropy" else getattr(d, fn)
    PREC.append({"name": f"{name} {fn}", "fn": fn, "params": {k: enc(v) for k, v in params.items()},
                 "value": None if value is None else enc(value), "batchShape": list(d.batch_shape),
                 "out": enc(out.detach()), "grads": grads(out, leaves)})


X = torch.randn(2, 4, 3, 3, generator=GEN)
for fn in ("log_prob", "entropy", "scale_tril", "covariance_matrix", "precision_matrix", "variance"):
    prec("MultivariateNormal precision", fn, {"loc": BLOC, "precisionMatrix": BCOV}, X if fn == "log_prob" else None)
for fn in ("precision_matrix", "covariance_matrix"):
    prec("MultivariateNormal cov", fn, {"loc": BLOC[0], "covarianceMatrix": BCOV[0]})
    prec("MultivariateNormal scale_tril", fn, {"loc": BLOC[0], "scaleTril": TRIL})

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"kl": KL, "precision": PREC}, f, indent=None, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(KL)} KL cases and {len(PREC)} precision-matrix cases to {OUT}")
