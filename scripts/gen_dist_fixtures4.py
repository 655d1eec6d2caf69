#!/usr/bin/python3
"""Writes test/fixtures/nn/distributions4.json: kl_divergence for the
cross-family pairs PyTorch registers among torchlet's classes beyond those
of scripts/gen_dist_fixtures2.py and gen_dist_fixtures3.py: Beta, Gamma,
Gumbel, Uniform, Exponential and Normal against one another, Bernoulli
against Poisson, and the infinite pairs where p puts mass outside q's
support (PyTorch's _infinite_like: p's parameter's shape, no gradient).
All in float64; each gradient is of the output's sum with respect to each
parameter (Binomial's totalCount takes none).

Run with the system Python that has PyTorch (1.13 from Debian):

    /usr/bin/python3 scripts/gen_dist_fixtures4.py

These formulas are the same in PyTorch 2.x. PyTorch marks the infinite
entries of Beta-Uniform, Uniform-Beta and Uniform-Gamma by indexing its
result in place with a mask of one side's shape, so the cases here keep that
side of the broadcast shape (torchlet broadcasts the mask).
"""
import json
import os

import torch
import torch.distributions as D

from fixture_numbers import flat

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test", "fixtures", "nn", "distributions4.json")
torch.set_default_dtype(torch.float64)


def t(x):
    return torch.tensor(x, dtype=torch.float64)


def enc(x):
    return {"shape": list(x.shape), "data": flat(x)}


def build(dist, p):
    """The distribution from leaf parameters (names as in torchlet's constructors)."""
    if dist in ("Normal", "Laplace", "Gumbel"):
        return getattr(D, dist)(p["loc"], p["scale"])
    if dist == "Uniform":
        return D.Uniform(p["low"], p["high"])
    if dist in ("Exponential", "Poisson"):
        return getattr(D, dist)(p["rate"])
    if dist == "Gamma":
        return D.Gamma(p["concentration"], p["rate"])
    if dist == "Beta":
        return D.Beta(p["concentration1"], p["concentration0"])
    if dist == "Bernoulli":
        return D.Bernoulli(probs=p.get("probs"), logits=p.get("logits"))
    if dist == "Binomial":
        return D.Binomial(p["totalCount"], probs=p.get("probs"), logits=p.get("logits"))
    raise ValueError(dist)


def leaves_of(params):
    return {k: (v.clone() if k == "totalCount" else v.clone().requires_grad_(True)) for k, v in params.items()}


def grads(out, leaves):
    """None where PyTorch's result carries no gradient (the infinite KLs are constants)."""
    if not out.requires_grad:
        return None
    leaves = {k: v for k, v in leaves.items() if v.requires_grad}
    gs = torch.autograd.grad(out.sum(), list(leaves.values()), allow_unused=True)
    return {k: (flat(g) if g is not None else flat(torch.zeros_like(v))) for (k, v), g in zip(leaves.items(), gs)}


KL = []


def kl(name, pdist, p, qdist, q):
    lp, lq = leaves_of(p), leaves_of(q)
    out = D.kl_divergence(build(pdist, lp), build(qdist, lq))
    g = grads(out, {**{"p." + k: v for k, v in lp.items()}, **{"q." + k: v for k, v in lq.items()}})
    KL.append({"name": name, "p": {"dist": pdist, "params": {k: enc(v) for k, v in p.items()}},
               "q": {"dist": qdist, "params": {k: enc(v) for k, v in q.items()}}, "out": enc(out.detach()), "grads": g})


BETA = {"concentration1": t([0.5, 2.0, 3.0]), "concentration0": t([1.5, 0.7, 3.0])}
GAMMA = {"concentration": t([0.5, 2.0, 3.5]), "rate": t([1.5, 0.7, 2.0])}
NORMAL = {"loc": t([0.0, 1.0, -2.0]), "scale": t([1.0, 0.5, 3.0])}
GUMBEL = {"loc": t([0.5, -1.0, 2.0]), "scale": t([2.0, 0.7, 1.0])}

kl("Beta-Exponential", "Beta", BETA, "Exponential", {"rate": t([2.0, 0.7, 1.0])})
kl("Beta-Exponential broadcast", "Beta", {"concentration1": t([[0.5], [2.0]]), "concentration0": t([[1.5], [0.7]])}, "Exponential", {"rate": t([2.0, 0.7, 1.0])})
kl("Beta-Gamma", "Beta", BETA, "Gamma", GAMMA)
kl("Beta-Gamma broadcast", "Beta", {"concentration1": t(2.0), "concentration0": t(3.0)}, "Gamma", {"concentration": t([[0.5], [2.0]]), "rate": t([1.5, 0.7, 2.0])})
kl("Beta-Normal", "Beta", BETA, "Normal", NORMAL)
kl("Beta-Normal broadcast", "Beta", {"concentration1": t([[0.5], [2.0]]), "concentration0": t([[1.5], [0.7]])}, "Normal", NORMAL)
kl("Beta-Uniform", "Beta", BETA, "Uniform", {"low": t([0.0, -1.0, -0.5]), "high": t([1.0, 3.0, 1.5])})
kl("Beta-Uniform outside", "Beta", BETA, "Uniform", {"low": t([0.1, -1.0, 0.0]), "high": t([1.0, 3.0, 0.9])})
kl("Beta-Uniform broadcast p", "Beta", {"concentration1": t(2.0), "concentration0": t(0.5)}, "Uniform", {"low": t([[0.0, 0.2], [-1.0, 0.0]]), "high": t([[1.0, 1.0], [2.0, 0.5]])})
kl("Exponential-Gumbel", "Exponential", {"rate": t([0.5, 2.0, 1.0])}, "Gumbel", GUMBEL)
kl("Exponential-Gumbel broadcast", "Exponential", {"rate": t([[0.5], [2.0]])}, "Gumbel", GUMBEL)
kl("Gamma-Gumbel", "Gamma", GAMMA, "Gumbel", GUMBEL)
kl("Gamma-Gumbel broadcast", "Gamma", {"concentration": t([[0.5], [2.0]]), "rate": t([[1.5], [0.7]])}, "Gumbel", GUMBEL)
kl("Gamma-Normal", "Gamma", GAMMA, "Normal", NORMAL)
kl("Gamma-Normal broadcast", "Gamma", {"concentration": t(2.5), "rate": t(0.5)}, "Normal", {"loc": t([[0.0], [1.0]]), "scale": t([1.0, 0.5, 3.0])})
kl("Normal-Gumbel", "Normal", NORMAL, "Gumbel", GUMBEL)
kl("Normal-Gumbel broadcast", "Normal", {"loc": t([[0.0], [1.0]]), "scale": t([[1.0], [0.5]])}, "Gumbel", GUMBEL)
kl("Uniform-Beta", "Uniform", {"low": t([0.1, 0.25, 0.5]), "high": t([0.9, 0.5, 0.75])}, "Beta", BETA)
kl("Uniform-Beta outside", "Uniform", {"low": t([-0.5, 0.25, 0.5]), "high": t([0.9, 1.5, 2.0])}, "Beta", BETA)
kl("Uniform-Beta at the ends", "Uniform", {"low": t([0.0, 0.25]), "high": t([0.5, 1.0])}, "Beta", {"concentration1": t([2.0, 0.5]), "concentration0": t([3.0, 1.5])})
kl("Uniform-Beta broadcast q", "Uniform", {"low": t([[0.1, 0.2], [0.3, -0.1]]), "high": t([[0.9, 0.4], [0.6, 0.5]])}, "Beta", {"concentration1": t(2.0), "concentration0": t(0.5)})
kl("Uniform-Gamma", "Uniform", {"low": t([0.1, 0.5, 2.0]), "high": t([0.9, 3.0, 2.5])}, "Gamma", GAMMA)
kl("Uniform-Gamma outside", "Uniform", {"low": t([-0.5, 0.5, -2.0]), "high": t([0.9, 3.0, 2.5])}, "Gamma", GAMMA)
kl("Uniform-Gamma at 0", "Uniform", {"low": t([0.0, 1.0]), "high": t([2.0, 3.0])}, "Gamma", {"concentration": t([2.0, 0.5]), "rate": t([1.0, 3.0])})
kl("Uniform-Gamma broadcast q", "Uniform", {"low": t([[0.1, 0.2], [0.3, -0.1]]), "high": t([[0.9, 0.4], [0.6, 0.5]])}, "Gamma", {"concentration": t(2.0), "rate": t(0.5)})
kl("Uniform-Gumbel", "Uniform", {"low": t([0.0, -1.0, 2.0]), "high": t([1.0, 3.0, 2.5])}, "Gumbel", GUMBEL)
kl("Uniform-Gumbel broadcast", "Uniform", {"low": t([[0.0], [-1.0]]), "high": t([[1.0], [3.0]])}, "Gumbel", GUMBEL)
kl("Bernoulli-Poisson", "Bernoulli", {"probs": t([0.2, 0.5, 0.9])}, "Poisson", {"rate": t([0.5, 2.0, 1.0])})
kl("Bernoulli-Poisson logits broadcast", "Bernoulli", {"logits": t([[-1.0], [2.0]])}, "Poisson", {"rate": t([0.5, 2.0, 1.0])})

# the infinite pairs: p's parameter's shape, whatever q's
kl("Exponential-Beta", "Exponential", {"rate": t([1.0, 2.0])}, "Beta", {"concentration1": t(2.0), "concentration0": t(3.0)})
kl("Gamma-Beta", "Gamma", {"concentration": t([[1.0, 2.0]]), "rate": t([[1.0, 2.0]])}, "Beta", {"concentration1": t([2.0, 1.0]), "concentration0": t([3.0, 1.0])})
kl("Gamma-Uniform", "Gamma", {"concentration": t([1.0, 2.0]), "rate": t([1.0, 2.0])}, "Uniform", {"low": t(0.0), "high": t(50.0)})
kl("Gumbel-Beta", "Gumbel", {"loc": t([0.5]), "scale": t([1.0])}, "Beta", {"concentration1": t([2.0, 1.0]), "concentration0": t([3.0, 1.0])})
kl("Gumbel-Exponential", "Gumbel", {"loc": t([0.5, 1.0]), "scale": t([1.0, 2.0])}, "Exponential", {"rate": t(1.0)})
kl("Gumbel-Gamma", "Gumbel", {"loc": t(0.5), "scale": t(1.0)}, "Gamma", {"concentration": t([1.0, 2.0]), "rate": t([1.0, 2.0])})
kl("Gumbel-Uniform", "Gumbel", {"loc": t([0.5, 1.0]), "scale": t([1.0, 2.0])}, "Uniform", {"low": t(-1.0), "high": t(1.0)})
kl("Laplace-Beta", "Laplace", {"loc": t([0.5, 1.0]), "scale": t([1.0, 2.0])}, "Beta", {"concentration1": t(2.0), "concentration0": t(3.0)})
kl("Laplace-Gamma", "Laplace", {"loc": t([0.5, 1.0]), "scale": t([1.0, 2.0])}, "Gamma", {"concentration": t(2.0), "rate": t(3.0)})
kl("Normal-Beta", "Normal", {"loc": t([0.5, 1.0]), "scale": t([1.0, 2.0])}, "Beta", {"concentration1": t(2.0), "concentration0": t(3.0)})
kl("Normal-Gamma", "Normal", {"loc": t([0.5, 1.0]), "scale": t([1.0, 2.0])}, "Gamma", {"concentration": t(2.0), "rate": t(3.0)})
kl("Poisson-Bernoulli", "Poisson", {"rate": t([0.5, 1.0])}, "Bernoulli", {"probs": t(0.5)})
kl("Poisson-Binomial", "Poisson", {"rate": t([0.5, 1.0])}, "Binomial", {"totalCount": t(10.0), "probs": t([0.5, 0.2])})

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"kl": KL}, f, indent=None, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(KL)} KL cases to {OUT}")
