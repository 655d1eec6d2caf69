#!/usr/bin/python3
"""Writes test/fixtures/nn/distributions3.json for the distributions added
after the first two fixture sets: LogNormal, HalfNormal, Cauchy, Gumbel,
StudentT, Poisson, Geometric, Binomial, OneHotCategorical, Gamma, Beta and
Dirichlet. For each: log_prob / cdf / icdf / entropy / mean / mode /
variance / stddev with the gradient of the output's sum in each parameter;
kl_divergence between them (and the cross pairs with Exponential / Normal);
and the derivative of a Gamma(alpha, 1) draw in alpha
(torch._standard_gamma_grad) next to a 30-digit mpmath reference. All in
float64.

Run with the system Python that has PyTorch (1.13 from Debian):

    /usr/bin/python3 scripts/gen_dist_fixtures3.py

Gamma.cdf is PyTorch 2.x's (1.13 has none): its values come from
torch.special.gammainc, which is what 2.x's cdf computes.
"""
import json
import math
import os

import mpmath
import torch
import torch.distributions as D

from fixture_numbers import flat

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test", "fixtures", "nn", "distributions3.json")
torch.set_default_dtype(torch.float64)


def t(x):
    return torch.tensor(x, dtype=torch.float64)


def enc(x):
    return {"shape": list(x.shape), "data": flat(x)}


def build(dist, p):
    """The distribution from leaf parameters (names as in torchlet's constructors)."""
    if dist in ("LogNormal", "Cauchy", "Gumbel"):
        return getattr(D, dist)(p["loc"], p["scale"])
    if dist == "HalfNormal":
        return D.HalfNormal(p["scale"])
    if dist == "StudentT":
        return D.StudentT(p["df"], p["loc"], p["scale"])
    if dist == "Poisson":
        return D.Poisson(p["rate"])
    if dist == "Exponential":
        return D.Exponential(p["rate"])
    if dist == "Normal":
        return D.Normal(p["loc"], p["scale"])
    if dist in ("Geometric", "OneHotCategorical", "Categorical"):
        return getattr(D, dist)(probs=p.get("probs"), logits=p.get("logits"))
    if dist == "Binomial":
        return D.Binomial(p["totalCount"], probs=p.get("probs"), logits=p.get("logits"))
    if dist == "Gamma":
        return D.Gamma(p["concentration"], p["rate"])
    if dist == "Beta":
        return D.Beta(p["concentration1"], p["concentration0"])
    if dist == "Dirichlet":
        return D.Dirichlet(p["concentration"])
    raise ValueError(dist)


# parameters that are counts take no gradient
NO_GRAD = {"totalCount"}


def leaves_of(params):
    return {k: v.clone().requires_grad_(k not in NO_GRAD) for k, v in params.items()}


def grads(out, leaves):
    """None where PyTorch's result carries no gradient."""
    ls = {k: v for k, v in leaves.items() if v.requires_grad}
    if not out.requires_grad or not ls:
        return None
    gs = torch.autograd.grad(out.sum(), list(ls.values()), allow_unused=True)
    return {k: (flat(g) if g is not None else flat(torch.zeros_like(v))) for (k, v), g in zip(ls.items(), gs)}


CASES = []


def case(dist, params, fns, value=None, icdf_value=None):
    for fn in fns:
        leaves = leaves_of(params)
        d = build(dist, leaves)
        if fn == "log_prob":
            out = d.log_prob(value)
        elif fn == "cdf":
            out = gamma_cdf(leaves, value) if dist == "Gamma" else d.cdf(value)
        elif fn == "icdf":
            out = d.icdf(icdf_value)
        elif fn == "entropy":
            out = d.entropy()
        else:
            out = getattr(d, fn)
        v = value if fn in ("log_prob", "cdf") else icdf_value if fn == "icdf" else None
        CASES.append({"name": f"{dist} {fn}", "dist": dist, "fn": fn, "params": {k: enc(x) for k, x in params.items()},
                      "value": None if v is None else enc(v), "batchShape": list(d.batch_shape), "eventShape": list(d.event_shape),
                      "out": enc(out.detach()), "grads": grads(out, leaves)})


def gamma_cdf(leaves, value):
    # PyTorch 2.x: gammainc(concentration, rate * value); igamma has no derivative in its first
    # argument, so the concentration is detached here and only rate gets a gradient
    return torch.special.gammainc(leaves["concentration"].detach(), leaves["rate"] * value)


CONT = ["log_prob", "entropy", "mean", "mode", "variance", "stddev"]
P = t([0.1, 0.5, 0.9])
case("LogNormal", {"loc": t([0.0, 1.0, -0.5]), "scale": t([1.0, 0.5, 2.0])}, CONT + ["cdf", "icdf"], t([0.5, 2.0, 3.0]), P)
case("HalfNormal", {"scale": t([1.0, 0.5, 2.0])}, CONT + ["cdf", "icdf"], t([0.5, 0.0, 3.0]), P)
case("Cauchy", {"loc": t([0.0, 1.0, -0.5]), "scale": t([1.0, 0.5, 2.0])}, ["log_prob", "entropy", "mean", "mode", "variance", "cdf", "icdf"], t([0.5, 2.0, -3.0]), P)
case("Gumbel", {"loc": t([0.0, 1.0, -0.5]), "scale": t([1.0, 0.5, 2.0])}, CONT + ["cdf", "icdf"], t([0.5, 2.0, -3.0]), P)
case("StudentT", {"df": t([0.8, 1.5, 3.0, 10.0]), "loc": t([0.0, 1.0, -0.5, 2.0]), "scale": t([1.0, 0.5, 2.0, 1.5])}, CONT, t([0.5, 2.0, -3.0, 2.5]))
case("Poisson", {"rate": t([0.5, 3.0, 12.5])}, ["log_prob", "mean", "mode", "variance"], t([0.0, 2.0, 15.0]))
case("Poisson", {"rate": t([0.0, 2.0])}, ["log_prob"], t([0.0, 0.0]))
case("Geometric", {"probs": t([0.2, 0.5, 1.0])}, ["log_prob", "entropy", "mean", "mode", "variance"], t([3.0, 0.0, 0.0]))
case("Geometric", {"logits": t([-1.0, 0.0, 2.0])}, ["log_prob", "entropy", "mean"], t([3.0, 1.0, 0.0]))
case("Binomial", {"totalCount": t([10.0, 10.0, 10.0]), "probs": t([0.2, 0.5, 0.9])}, ["log_prob", "entropy", "mean", "mode", "variance"], t([3.0, 5.0, 10.0]))
case("Binomial", {"totalCount": t([[5.0], [8.0]]), "logits": t([-1.0, 0.0, 2.0])}, ["log_prob", "mean", "mode", "variance"], t([[0.0, 2.0, 5.0], [8.0, 4.0, 1.0]]))
OH = t([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]])
case("OneHotCategorical", {"probs": OH}, ["log_prob", "entropy", "mean", "mode", "variance"], t([[0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]))
case("OneHotCategorical", {"logits": t([[0.0, 1.0, -1.0], [2.0, 0.5, 0.5]])}, ["log_prob", "entropy", "mean"], t([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]))
case("Gamma", {"concentration": t([0.5, 1.0, 3.0, 7.5]), "rate": t([1.0, 2.0, 0.5, 3.0])}, CONT + ["cdf"], t([0.3, 1.0, 4.0, 2.5]))
case("Beta", {"concentration1": t([0.5, 2.0, 3.0, 1.0]), "concentration0": t([0.5, 5.0, 1.0, 1.0])}, CONT, t([0.3, 0.2, 0.9, 0.5]))
DC = t([[1.0, 2.0, 3.0], [0.5, 0.5, 4.0], [0.3, 0.4, 0.9]])
case("Dirichlet", {"concentration": DC}, CONT, t([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8], [0.3, 0.3, 0.4]]))

KL = []


def kl(name, pdist, p, qdist, q):
    lp, lq = leaves_of(p), leaves_of(q)
    out = D.kl_divergence(build(pdist, lp), build(qdist, lq))
    g = grads(out, {**{"p." + k: v for k, v in lp.items()}, **{"q." + k: v for k, v in lq.items()}})
    KL.append({"name": name, "p": {"dist": pdist, "params": {k: enc(v) for k, v in p.items()}},
               "q": {"dist": qdist, "params": {k: enc(v) for k, v in q.items()}}, "out": enc(out.detach()), "grads": g})


L3 = t([0.0, 1.0, -0.5])
S3 = t([1.0, 0.5, 2.0])
kl("LogNormal-LogNormal", "LogNormal", {"loc": L3, "scale": S3}, "LogNormal", {"loc": t([1.0, 0.0, 0.5]), "scale": t([2.0, 0.7, 1.0])})
kl("HalfNormal-HalfNormal", "HalfNormal", {"scale": S3}, "HalfNormal", {"scale": t([[2.0], [0.7]])})
kl("Gumbel-Gumbel", "Gumbel", {"loc": L3, "scale": S3}, "Gumbel", {"loc": t([1.0, 0.0, 0.5]), "scale": t([2.0, 0.7, 1.0])})
kl("Poisson-Poisson", "Poisson", {"rate": t([0.5, 3.0, 12.5])}, "Poisson", {"rate": t([1.0, 2.0, 10.0])})
kl("Geometric-Geometric", "Geometric", {"probs": t([0.2, 0.5, 0.9])}, "Geometric", {"probs": t([0.3, 0.1, 0.5])})
kl("Binomial-Binomial", "Binomial", {"totalCount": t([10.0, 10.0, 12.0]), "probs": t([0.2, 0.5, 0.9])}, "Binomial", {"totalCount": t([10.0, 10.0, 10.0]), "probs": t([0.3, 0.1, 0.5])})
kl("OneHotCategorical-OneHotCategorical", "OneHotCategorical", {"probs": OH}, "OneHotCategorical", {"logits": t([[0.0, 1.0, -1.0], [2.0, 0.5, 0.5]])})
kl("Gamma-Gamma", "Gamma", {"concentration": t([0.5, 1.0, 3.0]), "rate": t([1.0, 2.0, 0.5])}, "Gamma", {"concentration": t([[2.0], [0.7]]), "rate": t([1.5, 1.0, 3.0])})
kl("Beta-Beta", "Beta", {"concentration1": t([0.5, 2.0, 3.0]), "concentration0": t([0.5, 5.0, 1.0])}, "Beta", {"concentration1": t([1.0, 1.5, 2.0]), "concentration0": t([2.0, 0.5, 1.0])})
kl("Dirichlet-Dirichlet", "Dirichlet", {"concentration": DC}, "Dirichlet", {"concentration": t([1.0, 1.0, 2.0])})
kl("Cauchy-Cauchy", "Cauchy", {"loc": L3, "scale": S3}, "Cauchy", {"loc": t([[1.0], [0.0]]), "scale": t([2.0, 0.7, 1.0])})
kl("Exponential-Gamma", "Exponential", {"rate": t([0.5, 2.0, 1.0])}, "Gamma", {"concentration": t([0.5, 1.0, 3.0]), "rate": t([1.0, 2.0, 0.5])})
kl("Gamma-Exponential", "Gamma", {"concentration": t([0.5, 1.0, 3.0]), "rate": t([1.0, 2.0, 0.5])}, "Exponential", {"rate": t([0.5, 2.0, 1.0])})
kl("Gumbel-Normal", "Gumbel", {"loc": L3, "scale": S3}, "Normal", {"loc": t([1.0, 0.0, 0.5]), "scale": t([2.0, 0.7, 1.0])})

# d x / d alpha for x ~ Gamma(alpha, 1): PyTorch's approximation (about 1e-4 relative) and the exact
# implicit derivative -(dP/dalpha) / (dP/dx) from mpmath at 30 digits
mpmath.mp.dps = 30
GG = []
for a, x in [(0.3, 0.01), (0.5, 0.2), (1.0, 0.5), (1.0, 2.0), (2.5, 1.0), (2.5, 5.0), (5.0, 3.0), (8.0, 9.0), (20.0, 18.0),
             (50.0, 60.0), (0.1, 1e-5), (3.0, 0.05), (200.0, 190.0), (1.5, 4.0), (0.7, 3.0), (0.05, 1e-12), (1000.0, 1040.0)]:
    torch_grad = torch._standard_gamma_grad(t([a]), t([x])).item()
    dP_da = mpmath.diff(lambda aa: mpmath.gammainc(aa, 0, x, regularized=True), a)
    dP_dx = mpmath.mpf(x) ** (a - 1) * mpmath.exp(-x) / mpmath.gamma(a)
    GG.append({"alpha": a, "x": x, "torch": torch_grad, "exact": float(-dP_da / dP_dx)})

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"cases": CASES, "kl": KL, "gammaGrad": GG}, f, indent=None, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(CASES)} cases, {len(KL)} KL cases and {len(GG)} gamma-gradient cases to {OUT}")
