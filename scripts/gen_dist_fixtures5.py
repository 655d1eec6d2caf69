#!/usr/bin/python3
"""Writes test/fixtures/nn/distributions5.json for torch.distributions.transforms,
the biject_to / transform_to registries, TransformedDistribution and the
families added with them: Weibull, Pareto, Kumaraswamy, LogisticNormal,
(Logit)RelaxedBernoulli, (Exp)RelaxedCategorical / RelaxedOneHotCategorical,
ContinuousBernoulli, Chi2, FisherSnedecor, VonMises, NegativeBinomial,
Multinomial, MixtureSameFamily and LowRankMultivariateNormal. All in float64.

- "cases": log_prob / cdf / icdf / entropy / moments of each family, with the
  gradient of the output's sum in each parameter;
- "rsample": the reparameterised sample from fixed base draws (PyTorch's own
  rsample, with torch.rand / the normal draws / the base distribution's rsample
  replaced by fixed values) and its gradients;
- "transforms": forward, inverse and log_abs_det_jacobian of each transform,
  with gradients in the input and the transform's parameters;
- "registry": biject_to / transform_to of each constraint, applied;
- "kl": kl_divergence for the pairs PyTorch registers with the new classes;
- "errors" and "reprs": PyTorch's messages and reprs.

Run with the system Python that has PyTorch (1.13 from Debian):

    /usr/bin/python3 scripts/gen_dist_fixtures5.py

Where 2.x differs, the fixture follows 2.x and says so: PositiveDefiniteTransform
and transform_to(positive_definite) are 2.x only (their values here are
computed as 2.x defines them: L L^T for L the LowerCholeskyTransform of x), and
Kumaraswamy.mode is left out (PyTorch's formula gives NaN for every parameter).
"""
import json
import math
import os

import torch
import torch.distributions as D
import torch.distributions.transforms as T
from torch.distributions.relaxed_bernoulli import LogitRelaxedBernoulli
from torch.distributions.relaxed_categorical import ExpRelaxedCategorical
from torch.distributions import constraints as C
from torch.distributions import biject_to, transform_to

from fixture_numbers import flat

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test", "fixtures", "nn", "distributions5.json")
torch.set_default_dtype(torch.float64)


def t(x):
    return torch.tensor(x, dtype=torch.float64)


def enc(x):
    return {"shape": list(x.shape), "data": flat(x)}


def pl(p):
    return {"probs": p.get("probs"), "logits": p.get("logits")}


def component(kind, p):
    if kind == "Normal":
        return D.Normal(p["comp.loc"], p["comp.scale"])
    if kind == "IndependentNormal":
        return D.Independent(D.Normal(p["comp.loc"], p["comp.scale"]), 1)
    if kind == "Gamma":
        return D.Gamma(p["comp.concentration"], p["comp.rate"])
    raise ValueError(kind)


def build(dist, p, options=None):
    """The distribution from leaf parameters (names as in torchlet's constructors)."""
    o = options or {}
    if dist == "Weibull":
        return D.Weibull(p["scale"], p["concentration"])
    if dist == "Pareto":
        return D.Pareto(p["scale"], p["alpha"])
    if dist == "Kumaraswamy":
        return D.Kumaraswamy(p["concentration1"], p["concentration0"])
    if dist == "LogisticNormal":
        return D.LogisticNormal(p["loc"], p["scale"])
    if dist in ("RelaxedBernoulli", "RelaxedOneHotCategorical"):
        return getattr(D, dist)(p["temperature"], **pl(p))
    if dist == "LogitRelaxedBernoulli":
        return LogitRelaxedBernoulli(p["temperature"], **pl(p))
    if dist == "ExpRelaxedCategorical":
        return ExpRelaxedCategorical(p["temperature"], **pl(p))
    if dist == "ContinuousBernoulli":
        return D.ContinuousBernoulli(**pl(p))
    if dist == "Chi2":
        return D.Chi2(p["df"])
    if dist == "FisherSnedecor":
        return D.FisherSnedecor(p["df1"], p["df2"])
    if dist == "VonMises":
        return D.VonMises(p["loc"], p["concentration"])
    if dist == "NegativeBinomial":
        return D.NegativeBinomial(p["totalCount"], **pl(p))
    if dist == "Multinomial":
        return D.Multinomial(o["totalCount"], **pl(p))
    if dist == "MixtureSameFamily":
        mix = D.Categorical(probs=p.get("mix.probs"), logits=p.get("mix.logits"))
        return D.MixtureSameFamily(mix, component(o["component"], p))
    if dist == "LowRankMultivariateNormal":
        return D.LowRankMultivariateNormal(p["loc"], p["covFactor"], p["covDiag"])
    if dist == "MultivariateNormal":
        return D.MultivariateNormal(p["loc"], scale_tril=p["scaleTril"])
    if dist == "ExpNormalTD":
        # exp of a normal, shifted and scaled (a decreasing map where the scale is negative)
        return D.TransformedDistribution(D.Normal(p["loc"], p["scale"]), [T.ExpTransform(), T.AffineTransform(p["shift"], p["mult"])])
    if dist == "StickNormalTD":
        return D.TransformedDistribution(D.Normal(p["loc"], p["scale"]), [T.StickBreakingTransform()])
    if dist == "ReshapeNormalTD":
        return D.TransformedDistribution(D.Normal(p["loc"], p["scale"]), [T.ReshapeTransform((2, 3), (6,)), T.ExpTransform()])
    if dist in ("Normal", "Exponential", "Gamma", "Beta", "Uniform", "Laplace", "Gumbel"):
        args = {"Normal": ("loc", "scale"), "Exponential": ("rate",), "Gamma": ("concentration", "rate"), "Beta": ("concentration1", "concentration0"),
                "Uniform": ("low", "high"), "Laplace": ("loc", "scale"), "Gumbel": ("loc", "scale")}[dist]
        return getattr(D, dist)(*[p[a] for a in args])
    raise ValueError(dist)


def leaves_of(params, no_grad):
    return {k: v.clone().requires_grad_(k not in no_grad) for k, v in params.items()}


def grads(out, leaves):
    """None where PyTorch's result carries no gradient."""
    ls = {k: v for k, v in leaves.items() if v.requires_grad}
    if not out.requires_grad or not ls:
        return None
    gs = torch.autograd.grad(out.sum(), list(ls.values()), allow_unused=True)
    return {k: (flat(g) if g is not None else flat(torch.zeros_like(v))) for (k, v), g in zip(ls.items(), gs)}


CASES = []


def case(dist, params, fns, value=None, icdf_value=None, options=None, no_grad=()):
    for fn in fns:
        leaves = leaves_of(params, no_grad)
        d = build(dist, leaves, options)
        if fn == "log_prob":
            out = d.log_prob(value)
        elif fn == "cdf":
            out = d.cdf(value)
        elif fn == "icdf":
            out = d.icdf(icdf_value)
        elif fn == "entropy":
            out = d.entropy()
        else:
            out = getattr(d, fn)
        v = value if fn in ("log_prob", "cdf") else icdf_value if fn == "icdf" else None
        CASES.append({"name": f"{dist} {fn}", "dist": dist, "fn": fn, "params": {k: enc(x) for k, x in params.items()},
                      "options": options, "noGrad": list(no_grad), "value": None if v is None else enc(v),
                      "batchShape": list(d.batch_shape), "eventShape": list(d.event_shape),
                      "out": enc(out.detach()), "grads": grads(out, leaves)})


CONT = ["log_prob", "entropy", "mean", "mode", "variance", "stddev"]
P = t([0.1, 0.5, 0.9])
case("Weibull", {"scale": t([1.0, 2.0, 0.5]), "concentration": t([2.0, 0.5, 1.5])}, CONT + ["cdf", "icdf"], t([0.5, 3.0, 0.2]), P)
case("Weibull", {"scale": t([[1.0], [2.0]]), "concentration": t([0.8, 3.0])}, ["log_prob", "mean"], t([0.7, 1.3]))
case("Pareto", {"scale": t([1.0, 2.0, 0.5, 1.5]), "alpha": t([3.0, 0.5, 1.5, 2.5])}, CONT + ["cdf", "icdf"], t([1.5, 3.0, 0.7, 1.5]), t([0.1, 0.5, 0.9, 0.3]))
case("Kumaraswamy", {"concentration1": t([2.0, 0.5, 3.0]), "concentration0": t([3.0, 2.0, 0.7])}, ["log_prob", "entropy", "mean", "variance", "stddev", "cdf", "icdf"], t([0.3, 0.7, 0.9]), P)
case("LogisticNormal", {"loc": t([[0.0, 1.0], [-0.5, 0.3]]), "scale": t([[1.0, 0.5], [2.0, 0.7]])}, ["log_prob"], t([[0.2, 0.5, 0.3], [0.6, 0.1, 0.3]]))
case("LogisticNormal", {"loc": t(0.5), "scale": t(2.0)}, ["log_prob"], t([0.3, 0.7]))
case("RelaxedBernoulli", {"temperature": t(0.5), "probs": t([0.2, 0.9, 0.5])}, ["log_prob"], t([0.3, 0.8, 0.01]))
case("RelaxedBernoulli", {"temperature": t([2.0, 0.3]), "logits": t([-1.0, 2.0])}, ["log_prob"], t([0.4, 0.95]))
case("LogitRelaxedBernoulli", {"temperature": t(0.7), "probs": t([0.2, 0.9])}, ["log_prob"], t([-1.5, 3.0]))
case("RelaxedOneHotCategorical", {"temperature": t(0.5), "probs": t([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])}, ["log_prob"], t([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]]))
case("RelaxedOneHotCategorical", {"temperature": t(1.5), "logits": t([0.0, 1.0, -1.0])}, ["log_prob"], t([0.3, 0.6, 0.1]))
case("ExpRelaxedCategorical", {"temperature": t(0.7), "logits": t([0.0, 1.0, -1.0])}, ["log_prob"], t([[-1.0, -0.5, -2.5], [-0.1, -3.0, -2.9]]))
CBP = t([0.1, 0.4999, 0.5, 0.5005, 0.7, 0.95])
CBV = t([0.3, 0.8, 0.1, 0.5, 0.0, 1.0])
case("ContinuousBernoulli", {"probs": CBP}, CONT[:3] + ["variance", "stddev", "cdf", "icdf"], CBV, t([0.1, 0.5, 0.9, 0.3, 0.6, 0.2]))
case("ContinuousBernoulli", {"logits": t([-2.0, 0.0, 0.0015, 3.0])}, ["log_prob", "entropy", "mean", "variance", "cdf", "icdf"], t([0.3, 0.8, 0.5, 0.9]), t([0.1, 0.5, 0.9, 0.3]))
case("Chi2", {"df": t([1.0, 3.0, 7.5])}, CONT, t([0.5, 2.0, 9.0]))
case("FisherSnedecor", {"df1": t([1.0, 3.0, 5.0, 10.0]), "df2": t([2.0, 5.0, 10.0, 4.5])}, ["log_prob", "mean", "mode", "variance"], t([0.5, 2.0, 1.0, 0.3]))
case("VonMises", {"loc": t([0.0, 1.0, -2.0, 3.0]), "concentration": t([0.5, 2.0, 3.75, 10.0])}, ["log_prob", "mean", "mode", "variance", "stddev"], t([0.3, -2.0, 2.0, 7.0]))
case("NegativeBinomial", {"totalCount": t([3.0, 0.5, 10.0]), "probs": t([0.2, 0.7, 0.0])}, ["log_prob", "mean", "mode", "variance"], t([2.0, 5.0, 0.0]))
case("NegativeBinomial", {"totalCount": t([[0.0], [4.0]]), "logits": t([-1.0, 0.5])}, ["log_prob", "mean", "mode", "variance"], t([[0.0, 2.0], [3.0, 0.0]]))
case("Multinomial", {"probs": t([[0.2, 0.3, 0.5], [0.1, 0.0, 0.9]])}, ["log_prob", "entropy", "mean", "variance"], t([[2.0, 3.0, 5.0], [1.0, 0.0, 9.0]]), options={"totalCount": 10})
case("Multinomial", {"logits": t([0.0, 1.0, -1.0])}, ["log_prob", "entropy"], t([[1.0, 2.0, 0.0], [0.0, 0.0, 3.0]]), options={"totalCount": 3})
case("MixtureSameFamily", {"mix.probs": t([0.3, 0.7]), "comp.loc": t([-1.0, 2.0]), "comp.scale": t([0.5, 1.0])},
     ["log_prob", "cdf", "mean", "variance"], t([0.0, 1.5, -3.0]).reshape(3, 1), options={"component": "Normal"})
case("MixtureSameFamily", {"mix.logits": t([[0.0, 1.0, -1.0], [2.0, 0.0, 0.0]]), "comp.loc": t([[[0.0, 1.0], [-1.0, 0.5], [2.0, 2.0]], [[1.0, 1.0], [0.0, 0.0], [-2.0, 1.0]]]),
                          "comp.scale": t([[[1.0, 0.5], [2.0, 1.0], [0.7, 0.3]], [[1.0, 1.0], [0.5, 0.5], [1.5, 1.0]]])},
     ["log_prob", "mean", "variance"], t([[0.5, 0.5], [1.0, -1.0]]), options={"component": "IndependentNormal"})
case("MixtureSameFamily", {"mix.probs": t([0.5, 0.5]), "comp.concentration": t([[1.0, 3.0], [2.0, 0.5]]), "comp.rate": t([[1.0, 2.0], [0.5, 1.0]])},
     ["log_prob", "mean", "variance"], t([0.7, 2.0]), options={"component": "Gamma"})
LR = {"loc": t([[0.0, 1.0, 2.0], [1.0, -1.0, 0.5]]), "covFactor": t([[1.0, 0.0], [0.5, 1.0], [0.0, 2.0]]), "covDiag": t([1.0, 2.0, 0.5])}
case("LowRankMultivariateNormal", LR, ["log_prob", "entropy", "mean", "variance", "covariance_matrix", "precision_matrix", "scale_tril"], t([0.5, 0.3, 1.0]))
case("LowRankMultivariateNormal", {"loc": t([0.0, 1.0]), "covFactor": t([[[1.0], [0.5]], [[0.0], [2.0]]]), "covDiag": t([[1.0, 2.0], [0.3, 0.4]])},
     ["log_prob", "entropy", "variance"], t([[0.5, 0.3], [1.0, -1.0]]))
case("ExpNormalTD", {"loc": t([0.0, 1.0, -0.5]), "scale": t([1.0, 0.5, 2.0]), "shift": t([1.0, -2.0, 0.0]), "mult": t([2.0, -1.0, 0.5])},
     ["log_prob", "cdf", "icdf"], t([2.0, -3.0, 0.7]), P)
case("StickNormalTD", {"loc": t([0.0, 1.0]), "scale": t([1.0, 0.5])}, ["log_prob"], t([0.2, 0.5, 0.3]))
case("ReshapeNormalTD", {"loc": t([[0.0, 1.0, -1.0], [0.5, 0.2, 0.0]]), "scale": t([[1.0, 0.5, 2.0], [0.3, 1.0, 1.5]])}, ["log_prob"],
     t([[0.5, 2.0, 1.0, 0.7, 1.5, 3.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0]]))

# rsample from fixed base draws: PyTorch's own rsample with its draws replaced
RSAMPLE = []


def rsample_case(name, dist, params, sample_shape, base=None, uniforms=None, normals=None, options=None):
    leaves = leaves_of(params, ())
    d = build(dist, leaves, options)
    saved_rand = torch.rand
    saved_normal = D.lowrank_multivariate_normal._standard_normal
    try:
        if base is not None:
            d.base_dist.rsample = lambda sample_shape=torch.Size(): base
        if uniforms is not None:
            torch.rand = lambda *a, **k: uniforms.clone()
        if normals is not None:
            queue = [n.clone() for n in normals]
            D.lowrank_multivariate_normal._standard_normal = lambda *a, **k: queue.pop(0)
        out = d.rsample(sample_shape)
    finally:
        torch.rand = saved_rand
        D.lowrank_multivariate_normal._standard_normal = saved_normal
    RSAMPLE.append({"name": name, "dist": dist, "params": {k: enc(x) for k, x in params.items()}, "options": options, "sampleShape": list(sample_shape),
                    "base": None if base is None else enc(base), "uniforms": None if uniforms is None else flat(uniforms),
                    "normals": None if normals is None else [x for n in normals for x in flat(n)], "out": enc(out.detach()), "grads": grads(out, leaves)})


rsample_case("Weibull", "Weibull", {"scale": t([1.0, 2.0, 0.5]), "concentration": t([2.0, 0.5, 1.5])}, (2,), base=t([[0.3, 1.2, 2.5], [0.01, 0.7, 1.0]]))
rsample_case("Pareto", "Pareto", {"scale": t([1.0, 2.0]), "alpha": t([3.0, 0.5])}, (), base=t([0.3, 1.2]))
rsample_case("Kumaraswamy", "Kumaraswamy", {"concentration1": t([2.0, 0.5]), "concentration0": t([3.0, 2.0])}, (), base=t([0.3, 0.8]))
rsample_case("LogisticNormal", "LogisticNormal", {"loc": t([0.0, 1.0]), "scale": t([1.0, 0.5])}, (), base=t([0.3, -1.2]))
rsample_case("RelaxedBernoulli", "RelaxedBernoulli", {"temperature": t(0.5), "probs": t([0.2, 0.9])}, (3,), uniforms=t([[0.1, 0.5], [0.9, 0.3], [0.0, 0.7]]))
rsample_case("LogitRelaxedBernoulli", "LogitRelaxedBernoulli", {"temperature": t(0.7), "logits": t([-1.0, 2.0])}, (), uniforms=t([0.25, 0.6]))
rsample_case("RelaxedOneHotCategorical", "RelaxedOneHotCategorical", {"temperature": t(0.5), "probs": t([0.2, 0.3, 0.5])}, (2,), uniforms=t([[0.1, 0.5, 0.9], [0.3, 0.7, 0.2]]))
rsample_case("ExpRelaxedCategorical", "ExpRelaxedCategorical", {"temperature": t(1.5), "logits": t([0.0, 1.0, -1.0])}, (), uniforms=t([0.4, 0.2, 0.8]))
rsample_case("ContinuousBernoulli", "ContinuousBernoulli", {"probs": t([0.2, 0.5, 0.9])}, (2,), uniforms=t([[0.1, 0.5, 0.9], [0.3, 0.7, 0.2]]))
rsample_case("LowRankMultivariateNormal", "LowRankMultivariateNormal", LR, (2,),
             normals=[t([[[0.3, -1.0], [1.2, 0.5]], [[-0.7, 0.1], [0.0, 2.0]]]), t([[[0.5, -0.2, 1.0], [0.3, 0.3, -1.5]], [[1.1, 0.4, -0.6], [-0.9, 0.2, 0.0]]])])

# transforms: forward, inverse and log|det J|, with gradients
TRANSFORMS = []


def make_transform(spec, p):
    k = spec["t"]
    if k in ("Exp", "Sigmoid", "Softplus", "Tanh", "Abs", "Softmax", "StickBreaking", "LowerCholesky", "CorrCholesky"):
        return getattr(T, k + "Transform")()
    if k == "Power":
        return T.PowerTransform(p["exponent"])
    if k == "Affine":
        loc = p.get("loc", spec.get("loc"))
        scale = p.get("scale", spec.get("scale"))
        return T.AffineTransform(loc, scale, event_dim=spec.get("eventDim", 0))
    if k == "CDF":
        return T.CumulativeDistributionTransform(D.Normal(p["loc"], p["scale"]))
    if k == "Compose":
        return T.ComposeTransform([make_transform(s, p) for s in spec["parts"]])
    if k == "Independent":
        return T.IndependentTransform(make_transform(spec["base"], p), spec["n"])
    if k == "Reshape":
        return T.ReshapeTransform(spec["in"], spec["out"])
    if k == "Cat":
        return T.CatTransform([make_transform(s, p) for s in spec["parts"]], spec["dim"], spec["lengths"])
    if k == "Stack":
        return T.StackTransform([make_transform(s, p) for s in spec["parts"]], spec["dim"])
    if k == "Inv":
        return make_transform(spec["base"], p).inv
    raise ValueError(k)


class PositiveDefinite2x:
    """PyTorch 2.x's PositiveDefiniteTransform (1.13 has none): L L^T for L = LowerCholeskyTransform()(x)."""

    def __call__(self, x):
        lower = T.LowerCholeskyTransform()(x)
        return lower @ lower.mT

    @property
    def inv(self):
        return lambda y: T.LowerCholeskyTransform().inv(torch.linalg.cholesky(y))


def transform_case(name, spec, x, y=None, params=None, ladj=True):
    params = params or {}

    def fresh():
        leaves = {k: v.clone().requires_grad_(True) for k, v in params.items()}
        tr = PositiveDefinite2x() if spec["t"] == "PositiveDefinite" else make_transform(spec, leaves)
        return tr, leaves

    rec = {"name": name, "spec": spec, "params": {k: enc(v) for k, v in params.items()}, "x": enc(x)}
    tr, leaves = fresh()
    xl = x.clone().requires_grad_(True)
    out = tr(xl)
    rec["forward"] = enc(out.detach())
    rec["forwardGrads"] = grads(out, {"x": xl, **leaves})
    if y is not None:
        tr, leaves = fresh()
        yl = y.clone().requires_grad_(True)
        inv = tr.inv(yl)
        rec["y"] = enc(y)
        rec["inverse"] = enc(inv.detach())
        rec["inverseGrads"] = grads(inv, {"y": yl, **leaves})
    if ladj:
        tr, leaves = fresh()
        xl = x.clone().requires_grad_(True)
        j = tr.log_abs_det_jacobian(xl, tr(xl))
        rec["ladj"] = enc(j.detach())
        rec["ladjGrads"] = grads(j, {"x": xl, **leaves})
    TRANSFORMS.append(rec)


X = t([-2.0, -0.3, 0.0, 0.8, 25.0])
transform_case("Exp", {"t": "Exp"}, X, t([0.5, 1.0, 3.0]))
transform_case("Power", {"t": "Power"}, t([0.5, 2.0, 3.0]), t([0.25, 1.5, 8.0]), {"exponent": t([2.0, 0.5, 3.0])})
transform_case("Sigmoid", {"t": "Sigmoid"}, t([-40.0, -2.0, 0.0, 0.8, 40.0]), t([0.0, 0.1, 0.5, 0.99, 1.0]))
transform_case("Softplus", {"t": "Softplus"}, t([-5.0, -0.3, 0.0, 0.8, 25.0]), t([0.01, 0.5, 3.0]))
transform_case("Tanh", {"t": "Tanh"}, t([-20.0, -0.3, 0.0, 0.8, 5.0]), t([-0.99, 0.0, 0.5]))
transform_case("Abs", {"t": "Abs"}, t([-2.0, 0.5, 3.0]), t([0.5, 2.0]), ladj=False)
transform_case("Affine", {"t": "Affine"}, t([[1.0, -2.0, 0.5], [0.0, 3.0, 1.0]]), t([2.0, 0.0, -1.0]), {"loc": t([1.0, 0.0, -2.0]), "scale": t([2.0, -0.5, 3.0])})
transform_case("Affine number", {"t": "Affine", "loc": 1.5, "scale": -2.0}, t([1.0, -2.0]), t([2.0, 0.0]))
transform_case("Affine event_dim 1", {"t": "Affine", "eventDim": 1}, t([[1.0, -2.0, 0.5], [0.0, 3.0, 1.0]]), t([2.0, 0.0, -1.0]), {"loc": t([1.0, 0.0, -2.0]), "scale": t([2.0, -0.5, 3.0])})
transform_case("Softmax", {"t": "Softmax"}, t([[0.0, 1.0, -1.0], [2.0, 2.0, 0.5]]), t([0.2, 0.3, 0.5]), ladj=False)
transform_case("StickBreaking", {"t": "StickBreaking"}, t([[0.5, -1.0, 2.0], [0.0, 0.0, 0.0]]), t([[0.2, 0.3, 0.4, 0.1], [0.25, 0.25, 0.25, 0.25]]))
transform_case("LowerCholesky", {"t": "LowerCholesky"}, t([[[1.0, 2.0], [-0.5, 0.3]], [[0.0, 1.0], [2.0, -1.0]]]), t([[2.0, 0.0], [0.5, 0.3]]), ladj=False)
transform_case("PositiveDefinite (2.x)", {"t": "PositiveDefinite"}, t([[1.0, 2.0], [-0.5, 0.3]]), t([[2.0, 0.5], [0.5, 1.0]]), ladj=False)
transform_case("CorrCholesky", {"t": "CorrCholesky"}, t([[0.5, -1.0, 2.0], [0.1, 0.2, -0.3]]), T.CorrCholeskyTransform()(t([0.3, -0.4, 1.1])))
transform_case("CumulativeDistribution", {"t": "CDF"}, t([-1.0, 0.5, 2.0]), t([0.1, 0.5, 0.9]), {"loc": t([0.0, 1.0, -1.0]), "scale": t([1.0, 2.0, 0.5])})
transform_case("Compose", {"t": "Compose", "parts": [{"t": "Exp"}, {"t": "Affine"}]}, t([-1.0, 0.5, 2.0]), t([1.5, 0.5, 3.0]), {"loc": t(1.0), "scale": t([2.0, -1.0, 0.5])})
transform_case("Compose over events", {"t": "Compose", "parts": [{"t": "Affine"}, {"t": "StickBreaking"}, {"t": "Exp", }]},
               t([[0.5, -1.0], [1.0, 0.0]]), t([[1.2, 1.5, 1.1], [1.0, 2.0, 1.3]]), {"loc": t([1.0, 0.0]), "scale": t([2.0, 0.5])})
transform_case("Compose empty", {"t": "Compose", "parts": []}, t([-1.0, 0.5]), t([1.0, 2.0]))
transform_case("Independent", {"t": "Independent", "base": {"t": "Exp"}, "n": 1}, t([[-1.0, 0.5, 2.0], [0.0, 1.0, 3.0]]), t([[1.0, 2.0, 3.0]]))
transform_case("Reshape", {"t": "Reshape", "in": [2, 3], "out": [3, 2]}, t([[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]]), t([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]))
transform_case("Cat events, along the event dim", {"t": "Cat", "parts": [{"t": "Sigmoid"}, {"t": "Independent", "base": {"t": "Exp"}, "n": 1}], "dim": -1, "lengths": [1, 2]},
               t([[0.5, -1.0, 0.2], [1.0, 0.0, 2.0]]), t([[0.2, 0.3, 2.0], [0.5, 0.6, 1.0]]))
transform_case("Cat", {"t": "Cat", "parts": [{"t": "Exp"}, {"t": "Affine", "loc": 1.0, "scale": 2.0}], "dim": 0, "lengths": [1, 2]}, t([0.5, -1.0, 2.0]), t([2.0, 3.0, -1.0]))
transform_case("Cat events", {"t": "Cat", "parts": [{"t": "Affine", "loc": 1.0, "scale": -3.0, "eventDim": 1}, {"t": "Independent", "base": {"t": "Exp"}, "n": 1}], "dim": 0, "lengths": [2, 2]},
               t([[0.5, -1.0], [1.0, 0.0], [0.3, 0.3], [2.0, -2.0]]), t([[0.2, 0.3], [0.5, 0.6], [1.0, 2.0], [3.0, 4.0]]))
transform_case("Stack", {"t": "Stack", "parts": [{"t": "Exp"}, {"t": "Sigmoid"}], "dim": 1}, t([[0.5, -1.0], [2.0, 0.3]]), t([[2.0, 0.25], [0.5, 0.75]]))
transform_case("Inverse", {"t": "Inv", "base": {"t": "Sigmoid"}}, t([0.1, 0.5, 0.99]), t([-1.0, 2.0]))

# biject_to / transform_to
REGISTRY = []
CONSTRAINTS = {
    "real": C.real, "positive": C.positive, "nonnegative": C.nonnegative, "greaterThan(2)": C.greater_than(2.0), "greaterThanEq(-1)": C.greater_than_eq(-1.0),
    "lessThan(3)": C.less_than(3.0), "unitInterval": C.unit_interval, "interval(-1, 2)": C.interval(-1.0, 2.0), "halfOpenInterval(0, 1)": C.half_open_interval(0.0, 1.0),
    "interval(tensor)": C.interval(t([0.0, -1.0]), t([1.0, 3.0])), "simplex": C.simplex, "realVector": C.real_vector,
    "independent(positive, 1)": C.independent(C.positive, 1), "lowerCholesky": C.lower_cholesky, "corrCholesky": C.corr_cholesky,
    "cat": C.cat([C.positive, C.interval(0.0, 2.0)], 0, [1, 2]), "stack": C.stack([C.positive, C.real], 1), "positiveDefinite": C.positive_definite,
}
INPUTS = {"simplex": t([[0.5, -1.0], [0.0, 2.0]]), "lowerCholesky": t([[1.0, 2.0], [-0.5, 0.3]]), "corrCholesky": t([0.3, -0.4, 1.1]), "cat": t([0.5, -1.0, 2.0]),
          "stack": t([[0.5, -1.0], [2.0, 0.3]]), "positiveDefinite": t([[1.0, 2.0], [-0.5, 0.3]]), "interval(tensor)": t([0.3, -2.0]), "realVector": t([0.5, -1.0])}
for cname, c in CONSTRAINTS.items():
    x = INPUTS.get(cname, t([-2.0, 0.0, 0.7]))
    for reg_name, reg in (("bijectTo", biject_to), ("transformTo", transform_to)):
        rec = {"constraint": cname, "registry": reg_name, "x": enc(x)}
        try:
            tr = reg(c)
        except NotImplementedError as e:
            if cname == "positiveDefinite" and reg_name == "transformTo":
                # PyTorch 2.x: PositiveDefiniteTransform (1.13 has no transform for it)
                y = PositiveDefinite2x()(x)
                rec.update({"repr": "PositiveDefiniteTransform()", "y": enc(y), "check": True, "inverse": enc(PositiveDefinite2x().inv(y))})
                REGISTRY.append(rec)
                continue
            rec["error"] = str(e)
            REGISTRY.append(rec)
            continue
        y = tr(x)
        rec.update({"repr": repr(tr), "y": enc(y), "check": bool(c.check(y).all()), "inverse": enc(tr.inv(y))})
        if tr.bijective:
            rec["ladj"] = enc(tr.log_abs_det_jacobian(x, y))
        REGISTRY.append(rec)

# kl_divergence
KL = []


def kl(name, pdist, p, qdist, q):
    lp, lq = leaves_of(p, ()), leaves_of(q, ())
    out = D.kl_divergence(build(pdist, lp), build(qdist, lq))
    g = grads(out, {**{"p." + k: v for k, v in lp.items()}, **{"q." + k: v for k, v in lq.items()}})
    KL.append({"name": name, "p": {"dist": pdist, "params": {k: enc(v) for k, v in p.items()}},
               "q": {"dist": qdist, "params": {k: enc(v) for k, v in q.items()}}, "out": enc(out.detach()), "grads": g})


CB = {"probs": t([0.2, 0.5, 0.9])}
CB2 = {"logits": t([1.0, -0.3, 0.002])}
PAR = {"scale": t([1.0, 2.0, 0.5]), "alpha": t([3.0, 2.5, 4.0])}
kl("ContinuousBernoulli-ContinuousBernoulli", "ContinuousBernoulli", CB, "ContinuousBernoulli", CB2)
kl("ContinuousBernoulli-ContinuousBernoulli broadcast", "ContinuousBernoulli", {"probs": t([[0.3], [0.7]])}, "ContinuousBernoulli", CB)
kl("Beta-ContinuousBernoulli", "Beta", {"concentration1": t([0.5, 2.0, 3.0]), "concentration0": t([1.5, 0.7, 3.0])}, "ContinuousBernoulli", CB)
kl("ContinuousBernoulli-Exponential", "ContinuousBernoulli", CB, "Exponential", {"rate": t([2.0, 0.7, 1.0])})
kl("ContinuousBernoulli-Normal", "ContinuousBernoulli", CB2, "Normal", {"loc": t([0.0, 1.0, -2.0]), "scale": t([1.0, 0.5, 3.0])})
kl("ContinuousBernoulli-Uniform", "ContinuousBernoulli", CB, "Uniform", {"low": t([-0.5, 0.0, -1.0]), "high": t([1.5, 2.0, 0.9])})
kl("Uniform-ContinuousBernoulli", "Uniform", {"low": t([0.1, 0.0, 0.5]), "high": t([0.9, 0.5, 1.0])}, "ContinuousBernoulli", CB)
kl("Pareto-Pareto", "Pareto", PAR, "Pareto", {"scale": t([0.5, 2.5, 0.5]), "alpha": t([1.0, 2.0, 0.5])})
kl("Pareto-Exponential", "Pareto", {"scale": t([1.0, 2.0, 0.5]), "alpha": t([3.0, 0.5, 1.0])}, "Exponential", {"rate": t([2.0, 0.7, 1.0])})
kl("Pareto-Gamma", "Pareto", {"scale": t([1.0, 2.0, 0.5]), "alpha": t([3.0, 0.5, 1.5])}, "Gamma", {"concentration": t([0.5, 2.0, 3.5]), "rate": t([1.5, 0.7, 2.0])})
kl("Pareto-Normal", "Pareto", {"scale": t([1.0, 2.0, 0.5]), "alpha": t([3.0, 1.5, 2.5])}, "Normal", {"loc": t([0.0, 1.0, -2.0]), "scale": t([1.0, 0.5, 3.0])})
kl("Uniform-Pareto", "Uniform", {"low": t([1.0, 1.0, 0.2]), "high": t([2.0, 3.0, 1.0])}, "Pareto", PAR)
kl("Chi2-Chi2", "Chi2", {"df": t([1.0, 3.0])}, "Chi2", {"df": t([2.0, 5.0])})
kl("Chi2-Exponential", "Chi2", {"df": t([1.0, 3.0])}, "Exponential", {"rate": t([2.0, 0.7])})
kl("Weibull-Weibull, the same transforms", "Weibull", {"scale": t([1.0, 2.0]), "concentration": t([2.0, 0.5])}, "Weibull", {"scale": t([1.0, 2.0]), "concentration": t([2.0, 0.5])})
kl("LogisticNormal-LogisticNormal", "LogisticNormal", {"loc": t([0.0, 1.0]), "scale": t([1.0, 0.5])}, "LogisticNormal", {"loc": t([0.5, -1.0]), "scale": t([2.0, 0.7])})
LRP = {"loc": t([0.0, 1.0, 2.0]), "covFactor": t([[1.0, 0.0], [0.5, 1.0], [0.0, 2.0]]), "covDiag": t([1.0, 2.0, 0.5])}
LRQ = {"loc": t([[1.0, 0.0, 0.5], [0.0, 0.0, 0.0]]), "covFactor": t([[0.3], [1.0], [-0.5]]), "covDiag": t([[0.5, 1.0, 2.0], [1.0, 1.0, 1.0]])}
MVN = {"loc": t([0.5, -1.0, 0.0]), "scaleTril": t([[1.0, 0.0, 0.0], [0.5, 2.0, 0.0], [-0.3, 0.2, 0.7]])}
kl("LowRankMultivariateNormal-LowRankMultivariateNormal", "LowRankMultivariateNormal", LRP, "LowRankMultivariateNormal", LRQ)
kl("MultivariateNormal-LowRankMultivariateNormal", "MultivariateNormal", MVN, "LowRankMultivariateNormal", LRQ)
# (a cov_diag with batch dims that cov_factor lacks breaks PyTorch's expand here: the factor carries the batch)
LRB = {"loc": t([[1.0, 0.0, 0.5], [0.0, 0.0, 0.0]]), "covFactor": t([[[0.3], [1.0], [-0.5]], [[1.0], [0.0], [2.0]]]), "covDiag": t([[0.5, 1.0, 2.0], [1.0, 1.0, 1.0]])}
kl("LowRankMultivariateNormal-MultivariateNormal", "LowRankMultivariateNormal", LRB, "MultivariateNormal", MVN)
for pdist, pp in [("Beta", {"concentration1": t([2.0]), "concentration0": t([3.0])}), ("ContinuousBernoulli", {"probs": t([0.3, 0.6])}), ("Exponential", {"rate": t([1.0, 2.0])}),
                  ("Gamma", {"concentration": t([1.0, 2.0]), "rate": t([1.0, 2.0])}), ("Gumbel", {"loc": t([0.5]), "scale": t([1.0])}),
                  ("Laplace", {"loc": t([0.5, 1.0]), "scale": t([1.0, 2.0])}), ("Normal", {"loc": t([0.5, 1.0]), "scale": t([1.0, 2.0])})]:
    for qdist, qp in [("Pareto", {"scale": t(1.0), "alpha": t(2.0)}), ("ContinuousBernoulli", {"probs": t(0.4)})]:
        if pdist == "Beta" and qdist == "ContinuousBernoulli" or pdist == "ContinuousBernoulli" and qdist == "ContinuousBernoulli":
            continue
        kl(f"{pdist}-{qdist}", pdist, pp, qdist, qp)
for qdist, qp in [("Beta", {"concentration1": t(2.0), "concentration0": t(3.0)}), ("ContinuousBernoulli", {"probs": t(0.4)}), ("Uniform", {"low": t(0.0), "high": t(5.0)})]:
    kl(f"Pareto-{qdist}", "Pareto", {"scale": t([1.0, 2.0]), "alpha": t([3.0, 1.5])}, qdist, qp)

# PyTorch's messages and reprs
ERRORS = {}


def err(key, fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the message is the fixture
        ERRORS[key] = str(e)
        return
    raise AssertionError(f"{key} did not raise")


err("Weibull scale", lambda: D.Weibull(t([1.0, -1.0]), t([1.0, 1.0])))
err("Pareto alpha", lambda: D.Pareto(1.0, -1.0))
err("Pareto scale", lambda: D.Pareto(-1.0, 1.0))
err("Pareto support", lambda: D.Pareto(t([1.0, 2.0]), 1.0).log_prob(t([1.5, 1.5])))
err("Kumaraswamy concentration0", lambda: D.Kumaraswamy(1.0, 0.0))
err("LogisticNormal scale", lambda: D.LogisticNormal(t([0.0, 0.0]), t([1.0, -1.0])))
err("LogisticNormal support", lambda: D.LogisticNormal(t([0.0, 0.0]), t([1.0, 1.0])).log_prob(t([0.5, 0.6, 0.1])))
err("RelaxedBernoulli probs", lambda: D.RelaxedBernoulli(t(0.5), probs=t(1.5)))
err("RelaxedBernoulli both", lambda: D.RelaxedBernoulli(t(0.5), probs=t(0.5), logits=t(0.0)))
err("RelaxedOneHotCategorical probs", lambda: D.RelaxedOneHotCategorical(t(0.5), probs=t([-0.5, 1.5])))
err("ContinuousBernoulli probs validate", lambda: D.ContinuousBernoulli(probs=t([0.5, 1.5]), validate_args=True))
err("ContinuousBernoulli support", lambda: D.ContinuousBernoulli(probs=t(0.5)).log_prob(t(1.5)))
err("Chi2 df", lambda: D.Chi2(t(-1.0)))
err("FisherSnedecor df1", lambda: D.FisherSnedecor(t([1.0, -1.0]), t(2.0)))
err("VonMises concentration", lambda: D.VonMises(0.0, -1.0))
err("NegativeBinomial totalCount", lambda: D.NegativeBinomial(-1.0, probs=t(0.5)))
err("NegativeBinomial probs", lambda: D.NegativeBinomial(2.0, probs=t(1.0)))
err("NegativeBinomial support", lambda: D.NegativeBinomial(2.0, probs=t(0.5)).log_prob(t(1.5)))
err("Multinomial totalCount", lambda: D.Multinomial(t(3.0), probs=t([0.5, 0.5])))
err("Multinomial support", lambda: D.Multinomial(3, probs=t([0.5, 0.5])).log_prob(t([3.0, 2.0])))
err("LowRankMultivariateNormal loc", lambda: D.LowRankMultivariateNormal(t(0.0), t([[1.0]]), t([1.0])))
err("LowRankMultivariateNormal cov_factor dims", lambda: D.LowRankMultivariateNormal(t([0.0, 0.0]), t([1.0, 1.0]), t([1.0, 1.0])))
err("LowRankMultivariateNormal cov_factor shape", lambda: D.LowRankMultivariateNormal(t([0.0, 0.0]), t([[1.0], [1.0], [1.0]]), t([1.0, 1.0])))
err("LowRankMultivariateNormal cov_diag shape", lambda: D.LowRankMultivariateNormal(t([0.0, 0.0]), t([[1.0], [1.0]]), t([1.0, 1.0, 1.0])))
err("LowRankMultivariateNormal batch", lambda: D.LowRankMultivariateNormal(t([[0.0, 0.0], [0.0, 0.0]]), t([[[1.0], [1.0]]] * 3), t([1.0, 1.0])))
err("LowRankMultivariateNormal cov_diag", lambda: D.LowRankMultivariateNormal(t([0.0, 0.0]), t([[1.0], [1.0]]), t([1.0, -0.1])))
err("MixtureSameFamily mixture", lambda: D.MixtureSameFamily(D.Normal(0.0, 1.0), D.Normal(t([0.0, 1.0]), 1.0)))
err("MixtureSameFamily batch", lambda: D.MixtureSameFamily(D.Categorical(probs=torch.ones(3, 2)), D.Normal(torch.zeros(4, 2), 1.0)))
err("MixtureSameFamily components", lambda: D.MixtureSameFamily(D.Categorical(probs=torch.ones(3)), D.Normal(torch.zeros(2), 1.0)))
err("TransformedDistribution shape", lambda: D.TransformedDistribution(D.Normal(0.0, 1.0), [T.StickBreakingTransform()]))
err("ReshapeTransform numel", lambda: T.ReshapeTransform((2, 3), (5,)))
err("ReshapeTransform shape", lambda: T.ReshapeTransform((2, 3), (6,)).forward_shape((4, 3, 2)))
err("Transform cache_size", lambda: T.ExpTransform(cache_size=2))
err("StickBreaking event_dim", lambda: T.ComposeTransform([T.StickBreakingTransform(), T.ReshapeTransform((3,), (3, 1))]).event_dim)
err("biject_to lower_cholesky", lambda: biject_to(C.lower_cholesky))
err("kl LowRank event shapes", lambda: D.kl_divergence(D.LowRankMultivariateNormal(torch.zeros(2), torch.ones(2, 1), torch.ones(2)),
                                                       D.LowRankMultivariateNormal(torch.zeros(3), torch.ones(3, 1), torch.ones(3))))
err("kl ContinuousBernoulli Bernoulli", lambda: D.kl_divergence(D.ContinuousBernoulli(probs=t(0.3)), D.Bernoulli(probs=t(0.3))))

REPRS = {
    "Weibull": repr(D.Weibull(t([1.0, 2.0]), 1.0)), "Pareto": repr(D.Pareto(1.0, 2.0)), "Kumaraswamy": repr(D.Kumaraswamy(1.0, t([2.0, 3.0]))),
    "LogisticNormal": repr(D.LogisticNormal(t([0.0, 0.0]), 1.0)), "RelaxedBernoulli": repr(D.RelaxedBernoulli(t(0.5), probs=t(0.3))),
    "LogitRelaxedBernoulli": repr(LogitRelaxedBernoulli(t(0.5), logits=t(0.3))), "RelaxedOneHotCategorical": repr(D.RelaxedOneHotCategorical(t(0.5), probs=t([0.5, 0.5]))),
    "ContinuousBernoulli": repr(D.ContinuousBernoulli(logits=t([0.5, 0.5]))), "Chi2": repr(D.Chi2(2.0)), "FisherSnedecor": repr(D.FisherSnedecor(2.0, t([3.0, 4.0]))),
    "VonMises": repr(D.VonMises(0.0, 1.0)), "NegativeBinomial": repr(D.NegativeBinomial(2.0, probs=t(0.5))), "Multinomial": repr(D.Multinomial(3, probs=t([0.5, 0.5]))),
    "MixtureSameFamily": repr(D.MixtureSameFamily(D.Categorical(probs=torch.ones(2)), D.Normal(torch.zeros(2), torch.ones(2)))),
    "LowRankMultivariateNormal": repr(D.LowRankMultivariateNormal(torch.zeros(2), torch.ones(2, 1), torch.ones(2))),
    "TransformedDistribution": repr(D.TransformedDistribution(D.Normal(0.0, 1.0), T.ExpTransform())),
    "Pareto support": repr(D.Pareto(t([1.0, 2.0]), 1.0).support), "Multinomial support": repr(D.Multinomial(3, probs=t([0.5, 0.5])).support),
    "NegativeBinomial probs constraint": repr(D.NegativeBinomial.arg_constraints["probs"]),
    "ComposeTransform": repr(T.ComposeTransform([T.ExpTransform(), T.AffineTransform(0.0, 1.0)])), "identity": repr(T.identity_transform),
    "inverse": repr(T.ExpTransform().inv), "IndependentTransform": repr(T.IndependentTransform(T.SigmoidTransform(), 2)),
    "Stack constraint": repr(C.stack([C.real, C.positive], 0)), "Cat constraint": repr(C.cat([C.real, C.positive], 0, [1, 1])),
    "TransformedDistribution support": repr(D.TransformedDistribution(D.Normal(torch.zeros(2, 3), 1.0), [T.ReshapeTransform((2, 3), (6,)), T.ExpTransform()]).support),
}

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"cases": CASES, "rsample": RSAMPLE, "transforms": TRANSFORMS, "registry": REGISTRY, "kl": KL, "errors": ERRORS, "reprs": REPRS},
              f, indent=None, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(CASES)} cases, {len(RSAMPLE)} rsample, {len(TRANSFORMS)} transform, {len(REGISTRY)} registry, {len(KL)} KL cases, "
      f"{len(ERRORS)} errors and {len(REPRS)} reprs to {OUT}")
