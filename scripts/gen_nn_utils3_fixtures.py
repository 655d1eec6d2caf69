"""Writes the golden fixtures of nn.utils' reparametrizations, pruning, functional_call and fusion:
test/fixtures/nn/nn_utils3.json.

Run with the system PyTorch: /usr/bin/python3 scripts/gen_nn_utils3_fixtures.py
The tests only read the JSON; CI never runs Python.

PyTorch 1.13 is the oracle. What 2.x changed here, and how the fixtures deal with it:
- parametrizations.weight_norm is 2.1+: its cases come from 1.13's weight_norm
  (the same g, v and weight; 2.x only moves them to original0/original1).
- functional_call: 1.13's stateless.functional_call gives the values for plain
  cases; 2.x's tie_weights / strict / several dicts are checked in the test.
- The random starts (spectral norm's u and v, orthogonal's completion of a
  non-square matrix, random pruning) cannot be reproduced: the cases carry the
  state PyTorch drew, and the test loads it.
"""
import os

import torch
import torch.nn as nn
import torch.nn.utils.parametrize as P
from torch.nn.utils import parametrizations as PZ
from torch.nn.utils import prune

from gen_nn_fixtures import OUT, L, write

torch.manual_seed(0)


def T(t):
    return {"shape": list(t.shape), "data": L(t.flatten())}


def sd(m):
    return {k: T(v) for k, v in m.state_dict().items()}


def grads(m):
    return {k: L(p.grad.flatten()) for k, p in m.named_parameters() if p.grad is not None}


def run(m, x, gy=None):
    """forward, then backward of (y * gy).sum(): the output, gy and the parameters' gradients."""
    m.zero_grad()
    y = m(x)
    gy = torch.randn(y.shape) if gy is None else gy
    (y * gy).sum().backward()
    return {"output": T(y.detach()), "gradOutput": L(gy.flatten()), "grads": grads(m)}


# ---------------------------------------------------------------- weight norm
def weight_norm_cases():
    cases = []
    specs = [
        ("Linear", [4, 3], {}, 0, torch.randn(5, 4)),
        ("Linear", [4, 3], {}, 1, torch.randn(5, 4)),
        ("Linear", [4, 3], {}, None, torch.randn(5, 4)),
        ("Conv2d", [2, 3, 2], {}, 0, torch.randn(2, 2, 4, 4)),
        ("Conv2d", [2, 3, 2], {"bias": False}, 2, torch.randn(1, 2, 3, 3)),
        ("Conv2d", [2, 3, 2], {}, -2, torch.randn(1, 2, 3, 3)),
    ]
    for kind, args, opts, dim, x in specs:
        m = getattr(nn, kind)(*args, **opts)
        before = sd(m)
        nn.utils.weight_norm(m, dim=dim)
        after = sd(m)
        out = run(m, x)
        w = m.weight.detach().clone()
        nn.utils.remove_weight_norm(m)
        cases.append({"ctor": {"type": kind, "args": args, "options": opts}, "dim": dim, "stateDict": before, "stateAfter": after,
                      "input": T(x), "weight": T(w), **out, "keysAfterRemove": list(m.state_dict().keys())})
    return cases


# ---------------------------------------------------------------- spectral norm (hook form and parametrization)
def spectral_cases():
    cases = []
    specs = [
        ("Linear", [5, 4], {}, 1, torch.randn(3, 5)),
        ("Linear", [5, 4], {}, 3, torch.randn(3, 5)),
        ("Conv2d", [2, 3, 3], {}, 1, torch.randn(1, 2, 4, 4)),
        ("ConvTranspose2d", [3, 2, 2], {}, 2, torch.randn(1, 3, 3, 3)),
    ]
    for form in ["hook", "parametrization"]:
        for kind, args, opts, n, x in specs:
            m = getattr(nn, kind)(*args, **opts)
            before = sd(m)
            if form == "hook":
                nn.utils.spectral_norm(m, n_power_iterations=n)
            else:
                PZ.spectral_norm(m, n_power_iterations=n)
            registered = sd(m)
            steps = []
            for train in [True, True, False]:
                m.train(train)
                o = run(m, x)
                steps.append({"train": train, **o, "state": sd(m), "weight": T(m.weight.detach())})
            m.train(True)
            if form == "hook":
                nn.utils.remove_spectral_norm(m)
            else:
                P.remove_parametrizations(m, "weight")
            cases.append({"form": form, "ctor": {"type": kind, "args": args, "options": opts}, "nPowerIterations": n, "stateDict": before,
                          "registered": registered, "input": T(x), "steps": steps,
                          "afterRemove": sd(m)})
    # a vector: just normalized
    m = nn.Linear(3, 4)
    PZ.spectral_norm(m, "bias")
    vector = {"stateDict": sd(m), "bias": T(m.bias.detach())}
    return cases, vector


# ---------------------------------------------------------------- orthogonal
def orthogonal_cases():
    cases = []
    specs = [
        ([3, 3], None, True), ([3, 3], "cayley", True), ([3, 3], "householder", True),
        ([3, 5], None, True), ([3, 5], "matrix_exp", True), ([3, 5], "cayley", True),
        ([5, 3], None, True), ([5, 3], "householder", False), ([3, 3], "householder", False), ([4, 4], "matrix_exp", False),
    ]
    for (fin, fout), omap, triv in specs:
        m = nn.Linear(fin, fout)
        before = sd(m)
        PZ.orthogonal(m, orthogonal_map=omap, use_trivialization=triv)
        registered = sd(m)
        w0 = m.weight.detach().clone()
        # now from another original (and base): the forward map and its gradient
        with torch.no_grad():
            orig = m.parametrizations.weight.original
            orig.copy_(torch.randn(orig.shape) * 0.5)
        x = torch.randn(2, fin)
        out = run(m, x)
        cases.append({"linear": [fin, fout], "map": omap, "useTrivialization": triv, "stateDict": before, "registered": registered,
                      "weight": T(w0), "loaded": sd(m), "weightLoaded": T(m.weight.detach()), "input": T(x), **out})
    # assigning an orthogonal matrix sets base to it (weight reads it back), a non-orthogonal one is orthogonalized
    m = nn.Linear(3, 3)
    PZ.orthogonal(m)
    q, _ = torch.linalg.qr(torch.randn(3, 3))
    a = torch.randn(3, 3)
    m.weight = q
    wq = m.weight.detach().clone()
    m.weight = a
    assign = {"stateDict": sd(m), "q": T(q), "a": T(a), "weightQ": T(wq), "weightA": T(m.weight.detach())}
    return cases, assign


# ---------------------------------------------------------------- register_parametrization
class Symmetric(nn.Module):
    def forward(self, x):
        return x.triu() + x.triu(1).transpose(-1, -2)


class Scale(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(torch.tensor([1.5]))
        self.register_buffer("offset", torch.tensor([0.25]))

    def forward(self, x):
        return x * self.scale + self.offset

    def right_inverse(self, x):
        return (x - self.offset) / self.scale


class RankOne(nn.Module):
    def forward(self, x, y):
        return x.unsqueeze(-1) @ y.unsqueeze(-2)

    def right_inverse(self, z):
        return z[:, 0], z[0, :] / z[0, 0]


def parametrize_cases():
    out = {}
    m = nn.Linear(3, 3)
    base = sd(m)
    P.register_parametrization(m, "weight", Symmetric())
    P.register_parametrization(m, "weight", Scale())
    x = torch.randn(4, 3)
    r = run(m, x)
    out["chained"] = {"stateDict": base, "state": sd(m), "keys": list(m.state_dict().keys()), "weight": T(m.weight.detach()), "input": T(x), **r,
                      "namedParameters": [k for k, _ in m.named_parameters()]}
    # assignment through right_inverse of both (Symmetric has none: an error), removal keeping the value
    P.remove_parametrizations(m, "weight")
    out["chained"]["afterRemove"] = sd(m)
    out["chained"]["keysAfterRemove"] = list(m.state_dict().keys())

    m = nn.Linear(3, 4)
    base = sd(m)
    P.register_parametrization(m, "weight", RankOne())
    x = torch.randn(2, 3)
    r = run(m, x)
    out["rankOne"] = {"stateDict": base, "state": sd(m), "weight": T(m.weight.detach()), "input": T(x), **r}
    # a buffer, and removal back to the original
    bn = nn.BatchNorm1d(3)
    with torch.no_grad():
        bn.running_mean.copy_(torch.tensor([0.5, -1.0, 2.0]))
    P.register_parametrization(bn, "running_mean", Scale())
    out["buffer"] = {"keys": list(bn.state_dict().keys()), "state": sd(bn), "value": T(bn.running_mean.detach())}
    P.remove_parametrizations(bn, "running_mean", leave_parametrized=False)
    out["buffer"]["after"] = sd(bn)

    errors = {}
    for name, fn in [
        ("shape", lambda: P.register_parametrization(nn.Linear(3, 3), "weight", type("Flat", (nn.Module,), {"forward": lambda self, x: x.flatten()})())),
        ("missing", lambda: P.register_parametrization(nn.Linear(3, 3), "foo", Symmetric())),
        ("remove", lambda: P.remove_parametrizations(nn.Linear(2, 2), "weight")),
        ("dtype", lambda: P.register_parametrization(nn.Linear(3, 3), "weight", type("Dbl", (nn.Module,), {"forward": lambda self, x: x.double()})())),
    ]:
        try:
            fn()
        except (ValueError, RuntimeError) as e:
            errors[name] = str(e)
    out["errors"] = errors
    return out


# ---------------------------------------------------------------- prune
def prune_cases():
    cases = []

    def linear(seed_w):
        m = nn.Linear(4, 3)
        with torch.no_grad():
            m.weight.copy_(seed_w)
        return m

    w = torch.tensor([[0.5, -0.1, 2.0, -1.5], [0.05, 0.8, -0.3, 1.2], [-0.7, 0.25, 0.9, -0.02]])
    conv_w = torch.randn(4, 2, 2, 2)
    x = torch.randn(2, 4)
    xc = torch.randn(1, 2, 3, 3)
    steps_specs = [
        ("l1 0.5", "linear", [("l1_unstructured", {"amount": 0.5})]),
        ("l1 then l1 (container, of what is left)", "linear", [("l1_unstructured", {"amount": 0.5}), ("l1_unstructured", {"amount": 2})]),
        ("l1 with importance scores", "linear", [("l1_unstructured", {"amount": 4, "importance_scores": "scores"})]),
        ("ln structured rows", "linear", [("ln_structured", {"amount": 1, "n": 2, "dim": 0})]),
        ("ln structured columns inf", "linear", [("ln_structured", {"amount": 0.5, "n": float("inf"), "dim": 1})]),
        ("ln structured -1 fro", "linear", [("ln_structured", {"amount": 0.25, "n": "fro", "dim": -1})]),
        ("l1 then ln structured", "linear", [("l1_unstructured", {"amount": 3}), ("ln_structured", {"amount": 1, "n": 1, "dim": 0})]),
        ("ln structured then l1", "linear", [("ln_structured", {"amount": 1, "n": 1, "dim": 0}), ("l1_unstructured", {"amount": 0.5})]),
        ("identity", "linear", [("identity", {})]),
        ("custom mask", "linear", [("custom_from_mask", {"mask": [[1, 0, 1, 1], [0, 0, 1, 1], [1, 1, 1, 0]]})]),
        ("conv ln structured", "conv", [("ln_structured", {"amount": 2, "n": 1, "dim": 0})]),
        ("conv l1 then ln structured dim 1", "conv", [("l1_unstructured", {"amount": 0.3}), ("ln_structured", {"amount": 0.5, "n": 2, "dim": 1})]),
    ]
    scores = torch.arange(12.0).reshape(3, 4).flip(1)
    for name, kind, steps in steps_specs:
        m = linear(w) if kind == "linear" else nn.Conv2d(2, 4, 2)
        if kind == "conv":
            with torch.no_grad():
                m.weight.copy_(conv_w)
        before = sd(m)
        ts_steps = []
        for fn, kwargs in steps:
            kw = dict(kwargs)
            if kw.get("importance_scores") == "scores":
                kw["importance_scores"] = scores
            if "mask" in kw:
                kw["mask"] = torch.tensor(kw["mask"], dtype=torch.float32)
            getattr(prune, fn)(m, "weight", **kw)
            ts_steps.append({"fn": fn, "options": {k: (v if k != "n" or v != float("inf") else "inf") for k, v in kwargs.items()},
                             "mask": T(m.weight_mask), "keys": list(m.state_dict().keys())})
        r = run(m, x if kind == "linear" else xc)
        pruned = T(m.weight.detach())
        prune.remove(m, "weight")
        cases.append({"name": name, "kind": kind, "stateDict": before, "steps": ts_steps, "weight": pruned, **r,
                      "input": T(x if kind == "linear" else xc), "afterRemove": sd(m)})
    # global: over two layers, one already pruned
    a, b = linear(w), nn.Linear(3, 2)
    with torch.no_grad():
        b.weight.copy_(torch.tensor([[0.4, -0.01, 1.1], [-0.6, 0.3, 0.15]]))
    prune.l1_unstructured(b, "weight", amount=1)
    before = {"a": sd(a), "b": {k: T(v) for k, v in b.state_dict().items()}}
    prune.global_unstructured([(a, "weight"), (b, "weight")], pruning_method=prune.L1Unstructured, amount=0.4)
    global_case = {"stateDicts": before, "maskA": T(a.weight_mask), "maskB": T(b.weight_mask), "keysB": list(b.state_dict().keys())}
    # and with importance scores for a
    a2, b2 = linear(w), nn.Linear(3, 2)
    with torch.no_grad():
        b2.weight.copy_(torch.tensor([[0.4, -0.01, 1.1], [-0.6, 0.3, 0.15]]))
    prune.global_unstructured([(a2, "weight"), (b2, "weight")], pruning_method=prune.L1Unstructured,
                              importance_scores={(a2, "weight"): scores}, amount=5)
    global_case["scored"] = {"maskA": T(a2.weight_mask), "maskB": T(b2.weight_mask)}

    errors = {}
    for name, fn in [
        ("negative", lambda: prune.l1_unstructured(nn.Linear(2, 2), "weight", amount=-1)),
        ("above one", lambda: prune.l1_unstructured(nn.Linear(2, 2), "weight", amount=1.5)),
        ("too many", lambda: prune.l1_unstructured(nn.Linear(2, 2), "weight", amount=5)),
        ("structured vector", lambda: prune.ln_structured(nn.Linear(2, 2), "bias", amount=1, n=2, dim=0)),
        ("bad dim", lambda: prune.ln_structured(nn.Linear(2, 2), "weight", amount=1, n=2, dim=2)),
        ("remove unpruned", lambda: prune.remove(nn.Linear(2, 2), "weight")),
    ]:
        try:
            fn()
        except (ValueError, IndexError, TypeError) as e:
            errors[name] = str(e)
    return cases, global_case, errors


# ---------------------------------------------------------------- functional_call and fusion
def functional_cases():
    m = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Tanh(), nn.Linear(4, 2))
    state = sd(m)
    params = {k: torch.randn(v.shape, requires_grad=True) if v.dtype.is_floating_point and "running" not in k else v.clone()
              for k, v in m.state_dict().items()}
    params["1.running_mean"] = torch.zeros(4)
    params["1.running_var"] = torch.ones(4)
    x = torch.randn(5, 3)
    given = {k: T(v.detach().clone()) for k, v in params.items()}
    y = torch.nn.utils.stateless.functional_call(m, params, (x,))
    gy = torch.randn(y.shape)
    (y * gy).sum().backward()
    return {"stateDict": state, "params": given, "input": T(x), "output": T(y.detach()),
            "gradOutput": L(gy.flatten()), "grads": {k: L(v.grad.flatten()) for k, v in params.items() if v.grad is not None},
            "runningAfter": {k: T(params[k]) for k in ["1.running_mean", "1.running_var", "1.num_batches_tracked"]},
            "moduleAfter": sd(m)}


def fusion_cases():
    cases = []
    specs = [
        ("Conv2d", [2, 3, 3], {"padding": 1}, "BatchNorm2d", torch.randn(2, 2, 4, 4), False),
        ("Conv2d", [2, 3, 2], {"bias": False}, "BatchNorm2d", torch.randn(1, 2, 3, 3), False),
        ("Conv1d", [2, 4, 3], {}, "BatchNorm1d", torch.randn(2, 2, 6), False),
        ("ConvTranspose2d", [3, 2, 2], {"stride": 2}, "BatchNorm2d", torch.randn(1, 3, 2, 2), True),
        ("Linear", [3, 4], {}, "BatchNorm1d", torch.randn(5, 3), None),
        ("Linear", [3, 4], {"bias": False}, "BatchNorm1d", torch.randn(5, 3), None),
    ]
    for kind, args, opts, bn_kind, x, transpose in specs:
        layer = getattr(nn, kind)(*args, **opts)
        c = 4 if kind in ("Linear", "Conv1d") else 2 if kind == "ConvTranspose2d" else 3
        bn = getattr(nn, bn_kind)(c)
        with torch.no_grad():
            bn.running_mean.copy_(torch.randn(c))
            bn.running_var.copy_(torch.rand(c) + 0.5)
            bn.weight.copy_(torch.randn(c))
            bn.bias.copy_(torch.randn(c))
        layer.eval()
        bn.eval()
        if kind == "Linear":
            fused = nn.utils.fusion.fuse_linear_bn_eval(layer, bn)
        else:
            fused = nn.utils.fusion.fuse_conv_bn_eval(layer, bn, transpose=transpose)
        cases.append({"layer": {"type": kind, "args": args, "options": opts}, "bn": {"type": bn_kind, "args": [c]}, "transpose": transpose,
                      "layerState": sd(layer), "bnState": sd(bn), "fused": sd(fused), "input": T(x),
                      "output": T(fused(x).detach()), "reference": T(bn(layer(x)).detach())})
    return cases


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    spectral, vector = spectral_cases()
    orth, assign = orthogonal_cases()
    prunes, global_case, prune_errors = prune_cases()
    write("nn_utils3.json", {
        "torch": torch.__version__,
        "weightNorm": weight_norm_cases(),
        "spectral": spectral, "spectralVector": vector,
        "orthogonal": orth, "orthogonalAssign": assign,
        "parametrize": parametrize_cases(),
        "prune": prunes, "pruneGlobal": global_case, "pruneErrors": prune_errors,
        "functionalCall": functional_cases(),
        "fusion": fusion_cases(),
    })
    print("wrote nn_utils3.json")
