"""Fixtures for test/faithful-4-optim-trajectories.test.ts, from PyTorch 1.13 (run with /usr/bin/python3).

Writes test/fixtures/faithful-4/optim-trajectories.json: for option combinations
the older fixtures leave out (SGD nesterov with weight decay, Adam / AdamW with
amsgrad, maximize and weight decay together, RMSprop centered with momentum,
Rprop and ASGD with maximize / weight decay, Adagrad with lr decay, two param
groups with different options), the parameters after each of 5 steps whose
gradients are fixed data (no RNG, nothing depends on a loss). Each case also
records the trajectory when the optimizer is rebuilt from its state_dict after
step 2 (the round trip must not change anything), a param group added after
step 2 (add_param_group), and zero_grad's effect on .grad.
These single-tensor algorithms are the same in 2.x (NAdam and RAdam, which
differ, are covered against a 2.x reference by gen_optim2_fixtures.py).
"""
import json, os
import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "faithful-4")
os.makedirs(OUT, exist_ok=True)

W0 = [0.5, -1.25, 2.0]
B0 = [0.75, -0.3]
C0 = [1.5]
GW = [[0.3, -0.2, 0.1], [-0.4, 0.25, 0.05], [0.2, 0.2, -0.6], [0.0, -0.1, 0.3], [0.5, -0.5, 0.0]]
GB = [[0.1, -0.7], [0.05, 0.2], [-0.3, 0.0], [0.25, 0.4], [-0.1, 0.1]]
GC = [[0.2], [-0.4], [0.3], [0.1], [-0.2]]

CASES = [
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.05}, {"lr": 0.3, "momentum": 0.5}),
    ("SGD", {"lr": 0.1, "momentum": 0.7, "dampening": 0.5, "maximize": True, "weight_decay": 0.1}, {"weight_decay": 0.0}),
    ("Adam", {"lr": 0.05, "amsgrad": True, "maximize": True, "weight_decay": 0.1}, {"lr": 0.2, "betas": (0.5, 0.9)}),
    ("AdamW", {"lr": 0.05, "amsgrad": True, "maximize": True, "weight_decay": 0.2}, {"weight_decay": 0.0, "eps": 1e-3}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.1, "weight_decay": 0.05, "maximize": True}, {"lr": 0.5, "initial_accumulator_value": 0.2}),
    ("Adadelta", {"lr": 1.0, "rho": 0.7, "weight_decay": 0.1, "maximize": True}, {"rho": 0.95}),
    ("Adamax", {"lr": 0.1, "betas": (0.7, 0.8), "weight_decay": 0.1, "maximize": True}, {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "centered": True, "momentum": 0.5, "weight_decay": 0.1}, {"centered": False, "momentum": 0.0}),
    ("RMSprop", {"lr": 0.01, "centered": True, "maximize": True}, {"momentum": 0.9}),
    ("Rprop", {"lr": 0.05, "etas": (0.3, 1.5), "step_sizes": (0.01, 0.2), "maximize": True}, {"lr": 0.1}),
    ("ASGD", {"lr": 0.05, "lambd": 0.01, "alpha": 0.5, "t0": 2, "weight_decay": 0.1, "maximize": True}, {"lr": 0.2}),
]

def camel(k):
    head, *rest = k.split("_")
    return head + "".join(r.capitalize() for r in rest)

def ts(opts):
    return {camel(k): list(v) if isinstance(v, tuple) else v for k, v in opts.items()}

def params():
    return [torch.nn.Parameter(torch.tensor(v)) for v in (W0, B0, C0)]

def values(ps):
    return [p.detach().tolist() for p in ps]

def step(opt, ps, t):
    for p, g in zip(ps, (GW, GB, GC)):
        if p is not None:
            p.grad = torch.tensor(g[t])
    opt.step()

def run(kind, opts, group2):
    cls = getattr(torch.optim, kind)
    w, b, c = params()
    opt = cls([{"params": [w]}, {"params": [b], **group2}], **opts)
    plain = []
    for t in range(5):
        step(opt, [w, b, None], t)
        plain.append(values([w, b]))
    # rebuilt from the state_dict after step 2 (fresh parameters holding the same values)
    w, b, c = params()
    opt = cls([{"params": [w]}, {"params": [b], **group2}], **opts)
    for t in range(2):
        step(opt, [w, b, None], t)
    sd = opt.state_dict()
    w2, b2, _ = params()
    with torch.no_grad():
        w2.copy_(w); b2.copy_(b)
    opt2 = cls([{"params": [w2]}, {"params": [b2], **group2}], **opts)
    opt2.load_state_dict(sd)
    resumed = []
    for t in range(2, 5):
        step(opt2, [w2, b2, None], t)
        resumed.append(values([w2, b2]))
    # a third group added after step 2, with the defaults (not Adagrad: it makes its state in __init__, so a
    # group added later has none and its step raises KeyError: 'sum', in 1.13 and 2.x alike)
    if kind == "Adagrad":
        return {"optimizer": kind, "options": ts(opts), "group2": ts(group2), "trajectory": plain, "resumed": resumed,
                "added": None, "groupsAfterAdd": None}
    w, b, c = params()
    opt = cls([{"params": [w]}, {"params": [b], **group2}], **opts)
    added = []
    for t in range(5):
        if t == 2:
            opt.add_param_group({"params": [c]})
        step(opt, [w, b, c if t >= 2 else None], t)
        added.append(values([w, b, c]))
    groups = [{camel(k): (list(v) if isinstance(v, tuple) else v) for k, v in g.items()
               if k not in ("params", "foreach", "differentiable", "capturable", "fused")} for g in opt.param_groups]
    return {"optimizer": kind, "options": ts(opts), "group2": ts(group2), "trajectory": plain, "resumed": resumed,
            "added": added, "groupsAfterAdd": groups}

def zero_grad():
    out = {}
    for set_to_none in [True, False]:
        w, b, _ = params()
        opt = torch.optim.SGD([w, b], lr=0.1)
        w.grad = torch.tensor(GW[0]); b.grad = None
        opt.zero_grad(set_to_none=set_to_none)
        out[str(set_to_none).lower()] = [None if p.grad is None else p.grad.tolist() for p in (w, b)]
    return out

with open(os.path.join(OUT, "optim-trajectories.json"), "w") as fh:
    json.dump({"w0": W0, "b0": B0, "c0": C0, "gw": GW, "gb": GB, "gc": GC,
               "cases": [run(*c) for c in CASES], "zeroGrad": zero_grad()}, fh, indent=1)
    fh.write("\n")
