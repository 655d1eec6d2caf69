"""Fixtures for test/faithful-4-module-optim.test.ts, from PyTorch (run with /usr/bin/python3).

Writes test/fixtures/faithful-4/module-optim.json: nn.Module's state_dict keys
(prefix, a non-persistent buffer), load_state_dict's strict errors (missing,
unexpected, size mismatch, in PyTorch's order and words), named_modules with
and without remove_duplicate, and each optimizer's state_dict layout after two
steps on fixed gradients of two parameter groups (group options, state keys in
order, which entries are tensors of which shape). Deterministic: no RNG.
PyTorch 1.13; the test names where 2.x differs.
"""
import json, os
import torch
import torch.nn as nn

from fixture_numbers import error_text as err

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "faithful-4")
os.makedirs(OUT, exist_ok=True)
out = {}

def net():
    m = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.BatchNorm1d(3))
    m.register_buffer("extra", torch.zeros(2), persistent=False)
    return m

m = net()
out["keys"] = list(m.state_dict().keys())
out["prefixKeys"] = list(m.state_dict(prefix="p.").keys())
out["buffers"] = [n for n, _ in m.named_buffers()]

def load_error(edit, strict=True):
    sd = dict(net().state_dict())
    edit(sd)
    return err(lambda: net().load_state_dict(sd, strict=strict))
def all_wrong(sd):
    del sd["0.bias"]; sd["foo"] = torch.zeros(1); sd["0.weight"] = torch.zeros(4, 2); sd["2.running_mean"] = torch.zeros(5)
def two_each(sd):
    del sd["0.weight"]; del sd["0.bias"]; sd["x"] = torch.zeros(1); sd["y"] = torch.zeros(1)
out["loadErrors"] = {
    "allWrong": load_error(all_wrong),
    "twoEach": load_error(two_each),
    "mismatchNotStrict": load_error(lambda sd: sd.__setitem__("0.weight", torch.zeros(4, 2)), strict=False),
    "unexpectedNotStrict": load_error(lambda sd: sd.__setitem__("zz", torch.zeros(1)), strict=False),
}
r = net().load_state_dict({**net().state_dict(), "zz": torch.zeros(1)}, strict=False)
out["notStrictResult"] = {"missing": r.missing_keys, "unexpected": r.unexpected_keys}

l = nn.Linear(2, 2)
s = nn.Sequential(l, l, nn.Sequential(l))
out["namedModules"] = [n for n, _ in s.named_modules()]
out["namedModulesAll"] = [n for n, _ in s.named_modules(remove_duplicate=False)]
out["sharedParameters"] = [n for n, _ in s.named_parameters()]
out["sharedStateKeys"] = list(s.state_dict().keys())

def opt_layout(cls, kw):
    w = nn.Parameter(torch.tensor([1., -2.])); b = nn.Parameter(torch.tensor([0.5]))
    o = cls([{"params": [w]}, {"params": [b], "lr": 0.5}], lr=0.1, **kw)
    for g in [[0.1, -0.3], [0.2, 0.4]]:
        w.grad = torch.tensor(g); b.grad = torch.tensor([0.7]); o.step()
    sd = o.state_dict()
    return {
        "groups": [{"lr": g["lr"], "params": g["params"]} for g in sd["param_groups"]],
        "state": {str(k): [[n, list(t.shape) if isinstance(t, torch.Tensor) else None] for n, t in st.items()] for k, st in sd["state"].items()},
    }
out["optimizers"] = {
    name: opt_layout(getattr(torch.optim, cls), kw) for name, cls, kw in [
        ("SGD", "SGD", {"momentum": 0.9}), ("Adam", "Adam", {}), ("AdamW", "AdamW", {"amsgrad": True}), ("Adagrad", "Adagrad", {}),
        ("Adadelta", "Adadelta", {}), ("Adamax", "Adamax", {}), ("NAdam", "NAdam", {}), ("RAdam", "RAdam", {}),
        ("RMSprop", "RMSprop", {"centered": True, "momentum": 0.5}), ("Rprop", "Rprop", {}), ("ASGD", "ASGD", {}),
    ]
}

# hooks' order (1.13 has no full backward pre-hooks and no prepend: the test quotes 2.x for those), apply's order,
# train / eval flags, requires_grad_, zero_grad
log = []
lin = nn.Linear(2, 2)
lin.register_forward_pre_hook(lambda *a: log.append("pre1")); lin.register_forward_pre_hook(lambda *a: log.append("pre2"))
lin.register_forward_hook(lambda *a: log.append("f1")); lin.register_forward_hook(lambda *a: log.append("f2"))
lin.register_full_backward_hook(lambda *a: log.append("b1")); lin.register_full_backward_hook(lambda *a: log.append("b2"))
lin(torch.ones(1, 2, requires_grad=True)).sum().backward()
out["hookOrder"] = log
tree = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.ReLU(), nn.Linear(2, 1)))
visited = []
tree.apply(lambda mod: visited.append(type(mod).__name__))
out["applyOrder"] = visited
tree.eval(); flags = [[x.training for x in tree.modules()]]
tree[1].train(); flags.append([x.training for x in tree.modules()])
out["trainingFlags"] = flags
tree.requires_grad_(False); out["requiresGrad"] = [p.requires_grad for p in tree.parameters()]

with open(os.path.join(OUT, "module-optim.json"), "w") as fh:
    json.dump(out, fh, indent=1)
    fh.write("\n")
