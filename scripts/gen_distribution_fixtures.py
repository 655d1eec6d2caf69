#!/usr/bin/python3
"""Writes test/fixtures/nn/distributions.json: torch.distributions' values
and gradients for fixed parameters and fixed values, in float64:
log_prob, entropy, mean, variance, stddev, cdf, icdf of Normal, Uniform,
Bernoulli (probs and logits), Categorical (probs and logits), Exponential,
Laplace, Independent(Normal) and MultivariateNormal (covariance_matrix and
scale_tril, batched), and kl_divergence for Normal, Categorical, Bernoulli,
Uniform and Independent(Normal) pairs. Each gradient is of the output's sum with respect to each
parameter. Random draws differ between PyTorch and torchlet, so samples are
not compared here (the tests check their statistics).

Run with the system Python that has PyTorch (1.13 from Debian):

    /usr/bin/python3 scripts/gen_distribution_fixtures.py

The values and gradients here are the same in 1.13 and 2.x.
"""
import json
import os

import torch
import torch.distributions as D

from fixture_numbers import flat

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test", "fixtures", "nn", "distributions.json")
torch.set_default_dtype(torch.float64)
GEN = torch.Generator().manual_seed(0)


def t(x):
    return torch.tensor(x, dtype=torch.float64)


def enc(x):
    return {"shape": list(x.shape), "data": flat(x)}


def build(dist, params):
    """The distribution from leaf parameters (names as in torchlet's options)."""
    leaves = {k: v.clone().requires_grad_(True) for k, v in params.items()}
    if dist == "Normal":
        d = D.Normal(leaves["loc"], leaves["scale"])
    elif dist == "Uniform":
        d = D.Uniform(leaves["low"], leaves["high"])
    elif dist == "Exponential":
        d = D.Exponential(leaves["rate"])
    elif dist == "Laplace":
        d = D.Laplace(leaves["loc"], leaves["scale"])
    elif dist == "Bernoulli":
        d = D.Bernoulli(**leaves)
    elif dist == "Categorical":
        d = D.Categorical(**leaves)
    elif dist == "IndependentNormal":
        d = D.Independent(D.Normal(leaves["loc"], leaves["scale"]), 1)
    elif dist == "MultivariateNormal":
        kw = {"covariance_matrix": leaves["covarianceMatrix"]} if "covarianceMatrix" in leaves else {"scale_tril": leaves["scaleTril"]}
        d = D.MultivariateNormal(leaves["loc"], **kw)
    else:
        raise ValueError(dist)
    return d, leaves


def grads(out, leaves):
    if not out.requires_grad or not torch.isfinite(out).all():
        return None
    gs = torch.autograd.grad(out.sum(), list(leaves.values()), allow_unused=True)
    return {k: (flat(g) if g is not None else flat(torch.zeros_like(v))) for (k, v), g in zip(leaves.items(), gs)}


CASES = []


def case(name, dist, params, fns, value=None):
    for fn in fns:
        d, leaves = build(dist, params)
        if fn in ("log_prob", "cdf", "icdf"):
            out = getattr(d, fn)(value)
        elif fn == "entropy":
            out = d.entropy()
        else:
            out = getattr(d, fn)
        CASES.append({
            "name": f"{name} {fn}", "dist": dist, "fn": fn,
            "params": {k: enc(v) for k, v in params.items()},
            "value": None if value is None or fn not in ("log_prob", "cdf", "icdf") else enc(value),
            "batchShape": list(d.batch_shape), "eventShape": list(d.event_shape),
            "out": enc(out.detach()), "grads": grads(out, leaves),
        })


MOMENTS = ["entropy", "mean", "variance", "stddev"]
case("Normal", "Normal", {"loc": t([0.0, 1.0, -2.0]), "scale": t([1.0, 0.5, 3.0])}, ["log_prob", "cdf"] + MOMENTS, t([[0.3, 1.2, -5.0], [2.0, 0.0, 1.0]]))
case("Normal icdf", "Normal", {"loc": t([0.0, 1.0, -2.0]), "scale": t([1.0, 0.5, 3.0])}, ["icdf"], t([0.1, 0.5, 0.97]))
case("Normal broadcast", "Normal", {"loc": t([[0.0], [1.0]]), "scale": t([1.0, 2.0, 0.5])}, ["log_prob"], t(0.7))
case("Uniform", "Uniform", {"low": t([0.0, -1.0, 2.0]), "high": t([1.0, 3.0, 2.5])}, ["log_prob", "cdf", "icdf"] + MOMENTS, t([0.25, 2.0, 2.1]))
case("Uniform outside", "Uniform", {"low": t([0.0, -1.0]), "high": t([1.0, 3.0])}, ["log_prob"], t([1.0, 2.0]))
case("Exponential", "Exponential", {"rate": t([0.5, 1.0, 4.0])}, ["log_prob", "cdf"] + MOMENTS, t([0.0, 1.3, 0.2]))
case("Exponential icdf", "Exponential", {"rate": t([0.5, 1.0, 4.0])}, ["icdf"], t([0.1, 0.5, 0.9]))
case("Laplace", "Laplace", {"loc": t([0.0, 1.0, -2.0]), "scale": t([1.0, 0.5, 3.0])}, ["log_prob", "cdf"] + MOMENTS, t([0.3, 0.2, -5.0]))
case("Laplace icdf", "Laplace", {"loc": t([0.0, 1.0, -2.0]), "scale": t([1.0, 0.5, 3.0])}, ["icdf"], t([0.1, 0.5, 0.8]))
case("Bernoulli probs", "Bernoulli", {"probs": t([0.2, 0.5, 0.9])}, ["log_prob"] + MOMENTS, t([[1.0, 0.0, 1.0], [0.0, 0.0, 0.0]]))
case("Bernoulli logits", "Bernoulli", {"logits": t([-1.5, 0.0, 3.0])}, ["log_prob"] + MOMENTS, t([1.0, 0.0, 0.0]))
case("Categorical probs", "Categorical", {"probs": t([[0.2, 0.3, 0.5], [1.0, 2.0, 1.0]])}, ["log_prob", "entropy"], t([[2.0, 1.0], [0.0, 0.0], [1.0, 2.0]]))
case("Categorical logits", "Categorical", {"logits": t([[0.5, -1.0, 2.0, 0.0], [1.0, 1.0, 1.0, 1.0]])}, ["log_prob", "entropy"], t([3.0, 1.0]))
case("Categorical broadcast", "Categorical", {"logits": t([0.5, -1.0, 2.0])}, ["log_prob"], t([[0.0, 2.0], [1.0, 1.0]]))
case("Independent(Normal)", "IndependentNormal", {"loc": t([[0.0, 1.0, -2.0], [0.5, 0.5, 0.5]]), "scale": t([[1.0, 0.5, 3.0], [2.0, 1.0, 0.2]])}, ["log_prob"] + MOMENTS, t([0.3, 1.2, -5.0]))

A = torch.randn(2, 3, 3, generator=GEN)
COV = A @ A.transpose(-1, -2) + 3 * torch.eye(3)
LOC = torch.randn(2, 3, generator=GEN)
X = torch.randn(4, 2, 3, generator=GEN)
case("MultivariateNormal cov", "MultivariateNormal", {"loc": LOC, "covarianceMatrix": COV}, ["log_prob", "entropy", "mean", "variance"], X)
TRIL = torch.linalg.cholesky(COV[0]) + 0.1 * torch.tril(torch.ones(3, 3), -1)
case("MultivariateNormal scale_tril", "MultivariateNormal", {"loc": LOC, "scaleTril": TRIL}, ["log_prob", "entropy", "variance"], X)

KL = []


def kl(name, dist, p, q):
    dp, lp = build(dist, p)
    dq, lq = build(dist, q)
    out = D.kl_divergence(dp, dq)
    g = grads(out, {**{"p." + k: v for k, v in lp.items()}, **{"q." + k: v for k, v in lq.items()}})
    KL.append({"name": name, "dist": dist, "p": {k: enc(v) for k, v in p.items()}, "q": {k: enc(v) for k, v in q.items()}, "out": enc(out.detach()), "grads": g})


kl("Normal", "Normal", {"loc": t([0.0, 1.0]), "scale": t([1.0, 0.5])}, {"loc": t([1.0, -1.0]), "scale": t([2.0, 0.7])})
kl("Categorical", "Categorical", {"probs": t([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])}, {"logits": t([[0.0, 1.0, -1.0], [2.0, 0.0, 0.5]])})
kl("Categorical zero", "Categorical", {"probs": t([[0.0, 0.5, 0.5], [0.5, 0.5, 0.0]])}, {"probs": t([[0.2, 0.8, 0.0], [0.3, 0.3, 0.4]])})
kl("Bernoulli", "Bernoulli", {"probs": t([0.2, 0.5, 0.9])}, {"logits": t([0.0, -1.0, 2.0])})
kl("Bernoulli edge", "Bernoulli", {"probs": t([0.0, 1.0, 0.3, 0.3])}, {"probs": t([0.5, 0.5, 0.0, 1.0])})
kl("Uniform", "Uniform", {"low": t([0.0, 0.5]), "high": t([1.0, 1.0])}, {"low": t([-1.0, 0.0]), "high": t([2.0, 1.5])})
kl("Independent(Normal)", "IndependentNormal", {"loc": t([[0.0, 1.0, 2.0], [0.5, -0.5, 0.0]]), "scale": t([[1.0, 0.5, 2.0], [1.0, 1.0, 0.3]])}, {"loc": t([[1.0, 1.0, 0.0], [0.0, 0.0, 0.0]]), "scale": t([[2.0, 0.7, 1.0], [1.0, 1.0, 1.0]])})
kl("Uniform outside", "Uniform", {"low": t([0.0, 0.5]), "high": t([1.0, 1.0])}, {"low": t([0.5, 0.0]), "high": t([2.0, 0.9])})

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"cases": CASES, "kl": KL}, f, indent=None, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(CASES)} cases and {len(KL)} KL cases to {OUT}")
