"""Fixtures for test/func-api*.test.ts: torch.func transforms (functorch 1.13's
grad/vjp/jvp/jacrev/jacfwd/hessian/vmap, which PyTorch 2.x moved to torch.func
unchanged), Module.get_submodule/get_parameter/get_buffer messages and
torch.optim.swa_utils (AveragedModel, SWALR, update_bn).

Run with PyTorch 1.13: /usr/bin/python3 scripts/gen_func_api_fixtures.py
Writes test/fixtures/func/func-api.json.
"""
import json
import math
import os

import torch
import torch.nn.functional as F
from functorch import grad, grad_and_value, hessian, jacfwd, jacrev, jvp, vjp, vmap

torch.manual_seed(0)
D = torch.float64


def enc(x):
    """A tensor as {shape, data}; tuples/lists as lists; dicts as dicts."""
    if isinstance(x, torch.Tensor):
        return {"shape": list(x.shape), "data": x.detach().reshape(-1).tolist()}
    if isinstance(x, (tuple, list)):
        return [enc(v) for v in x]
    if isinstance(x, dict):
        return {"__dict__": {k: enc(v) for k, v in x.items()}}
    return x


def r(*shape):
    return torch.randn(*shape, dtype=D)


cases = {}

# ---- grad ---------------------------------------------------------------
x4 = r(4)
cases["grad_sin_x"] = {"x": enc(x4), "grad": enc(grad(lambda x: (x.sin() * x).sum())(x4))}

x3, y3 = r(3), r(3)
f_xy = lambda x, y: (x.pow(2) * y).sum() + y.sin().sum()
cases["grad_argnums"] = {
    "x": enc(x3), "y": enc(y3),
    "g01": enc(grad(f_xy, argnums=(0, 1))(x3, y3)),
    "g1": enc(grad(f_xy, argnums=1)(x3, y3)),
    "gneg": enc(grad(f_xy, argnums=-1)(x3, y3)),
}

p = {"w": r(3, 2), "b": r(2)}
xb = r(5, 3)
f_dict = lambda p, x: (x @ p["w"] + p["b"]).tanh().sum()
gp = grad(f_dict)(p, xb)
cases["grad_dict"] = {"w": enc(p["w"]), "b": enc(p["b"]), "x": enc(xb), "gw": enc(gp["w"]), "gb": enc(gp["b"])}

g_aux, aux = grad(lambda x: (x.pow(2).sum(), x.cos()), has_aux=True)(x3)
(gv_g, gv_v) = grad_and_value(lambda x: x.exp().sum())(x3)
cases["grad_aux_value"] = {"x": enc(x3), "g_aux": enc(g_aux), "aux": enc(aux), "gv_g": enc(gv_g), "gv_v": enc(gv_v)}

s = torch.tensor(0.7, dtype=D)
f_s = lambda x: x.sin() * x.pow(2)
cases["grad_of_grad"] = {"x": enc(s), "d1": enc(grad(f_s)(s)), "d2": enc(grad(grad(f_s))(s)), "d3": enc(grad(grad(grad(f_s)))(s))}

# the result joins the outer graph: backprop through grad(f)(x)
xo = x3.clone().requires_grad_()
go = grad(lambda x: (x.pow(3) * x.sin()).sum())(xo)
assert go.requires_grad
go.sum().backward()
# and a tensor the function closes over
w = r(3).requires_grad_()
gw_ = grad(lambda x: (x.pow(2) * w).sum())(x3)
assert gw_.requires_grad
gw_.pow(2).sum().backward()
cases["grad_outer_graph"] = {"x": enc(x3), "g": enc(go), "x_grad": enc(xo.grad), "w": enc(w), "gw": enc(gw_), "w_grad": enc(w.grad)}

# torch.func docs: case 1 (no_grad inside f), case 2 (grad inside no_grad)
def f_case1(x):
    with torch.no_grad():
        c = x.pow(2)
    return (x - c).sum()
with torch.no_grad():
    case2 = grad(lambda x: (x.pow(2)).sum())(xo)
assert not case2.requires_grad
cases["grad_no_grad"] = {"x": enc(x3), "case1": enc(grad(f_case1)(x3)), "case2": enc(case2)}

# ---- vjp / jvp ----------------------------------------------------------
f_two = lambda x, y: (x * y, x.sin().sum())
out, vjp_fn = vjp(f_two, x3, y3)
ct = (r(3), torch.tensor(1.5, dtype=D))
cases["vjp"] = {"x": enc(x3), "y": enc(y3), "out": enc(out), "ct": enc(ct), "vjp": enc(vjp_fn(ct))}

f_j = lambda x, y: x * y + y.exp()
tx, ty = r(3), r(3)
jo, jt = jvp(f_j, (x3, y3), (tx, ty))
cases["jvp"] = {"x": enc(x3), "y": enc(y3), "tx": enc(tx), "ty": enc(ty), "out": enc(jo), "tangent": enc(jt)}
# linearize (2.x only): its jvp_fn equals jvp's tangent
lo, lt = jvp(lambda x: x.sin() * x.pow(2), (x3,), (tx,))
cases["linearize"] = {"x": enc(x3), "t": enc(tx), "out": enc(lo), "tangent": enc(lt)}

# ---- jacrev / jacfwd / hessian ---------------------------------------------
f_j1 = lambda x: x.sin() * x.sum()
A, v = r(2, 3), r(3)
f_mm = lambda a, b: a @ b
f_multi = lambda x: (x.pow(2), x.sum().exp())
cases["jac"] = {
    "x": enc(x3), "A": enc(A), "v": enc(v),
    "rev1": enc(jacrev(f_j1)(x3)), "fwd1": enc(jacfwd(f_j1)(x3)),
    "rev_mm01": enc(jacrev(f_mm, argnums=(0, 1))(A, v)), "fwd_mm1": enc(jacfwd(f_mm, argnums=1)(A, v)),
    "rev_multi": enc(jacrev(f_multi)(x3)),
    "rev_dict": enc(jacrev(lambda p: p["a"] * p["b"].sum())({"a": x3, "b": y3})),
}
f_h = lambda x: (x.pow(3) * x.sum()).sum()
f_h2 = lambda x, y: (x.sin() * y.pow(2)).sum()
cases["hessian"] = {"x": enc(x3), "y": enc(y3), "h": enc(hessian(f_h)(x3)), "h01": enc(hessian(f_h2, argnums=(0, 1))(x3, y3))}

# ---- vmap -----------------------------------------------------------------
X, Y = r(5, 3), r(5, 3)
M = r(3, 4)
Wt = r(4, 3)
cases["vmap"] = {
    "X": enc(X), "Y": enc(Y), "M": enc(M), "Wt": enc(Wt),
    "dot": enc(vmap(torch.dot)(X, Y)),
    "in_dims_1_none": enc(vmap(lambda col, w: w @ col, in_dims=(1, None))(M, Wt)),
    "out_dims_1": enc(vmap(lambda x: x * 2 + 1, out_dims=1)(X)),
    "nested": enc(vmap(vmap(lambda a, b: a * b))(X, Y)),
    "tuple_out": enc(vmap(lambda x: (x.sum(), x.pow(2)), out_dims=(0, 1))(X)),
    "dict_in": enc(vmap(lambda d: d["a"] * d["b"], in_dims=({"a": 0, "b": None},))({"a": X, "b": Y[0]})),
}

# per-sample gradients of a small linear model (the main use of vmap(grad))
W, bias = r(2, 3), r(2)
xs, ys = r(6, 3), torch.tensor([0, 1, 1, 0, 1, 0])
def loss_fn(params, x, y):
    logits = x @ params["w"].T + params["b"]
    return F.cross_entropy(logits.unsqueeze(0), y.unsqueeze(0))
psg = vmap(grad(loss_fn), in_dims=(None, 0, 0))({"w": W, "b": bias}, xs, ys)
# the same by a loop of ordinary autograd, as a check
for i in range(6):
    w_, b_ = W.clone().requires_grad_(), bias.clone().requires_grad_()
    l = F.cross_entropy((xs[i:i + 1] @ w_.T + b_), ys[i:i + 1])
    l.backward()
    assert torch.allclose(w_.grad, psg["w"][i]) and torch.allclose(b_.grad, psg["b"][i])
cases["per_sample_grads"] = {"W": enc(W), "b": enc(bias), "x": enc(xs), "y": ys.tolist(), "gw": enc(psg["w"]), "gb": enc(psg["b"])}

# ---- Module.get_submodule / get_parameter / get_buffer messages --------------
net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.BatchNorm1d(3))
msgs = {}
for name, call in [
    ("sub_missing", lambda: net.get_submodule("0.nope")),
    ("sub_not_module", lambda: net.get_submodule("0.weight")),
    ("param_missing", lambda: net.get_parameter("1.nope")),
    ("param_not_param", lambda: net.get_parameter("1.running_mean")),
    ("buffer_missing", lambda: net.get_buffer("0.nope")),
    ("buffer_not_buffer", lambda: net.get_buffer("0.weight")),
    ("sub_top_missing", lambda: net.get_submodule("5")),
]:
    try:
        call()
        msgs[name] = None
    except AttributeError as e:
        msgs[name] = str(e)
cases["module_messages"] = msgs

# ---- swa_utils -------------------------------------------------------------
def linear_with(w, b):
    m = torch.nn.Linear(3, 2).double()
    with torch.no_grad():
        m.weight.copy_(w)
        m.bias.copy_(b)
    return m

states = [(r(2, 3), r(2)) for _ in range(3)]
base = linear_with(*states[0])
swa = torch.optim.swa_utils.AveragedModel(base)
decay = 0.9
# 2.x's get_ema_multi_avg_fn(0.9): ema = lerp(ema, current, 1 - decay); the 1.13 avg_fn form gives the same values
ema = torch.optim.swa_utils.AveragedModel(base, avg_fn=lambda e, c, n: decay * e + (1 - decay) * c)
swa_hist, ema_hist = [], []
for w_, b_ in states:
    m = linear_with(w_, b_)
    swa.update_parameters(m)
    ema.update_parameters(m)
    swa_hist.append([enc(swa.module.weight), enc(swa.module.bias)])
    ema_hist.append([enc(ema.module.weight), enc(ema.module.bias)])
cases["averaged_model"] = {"states": [[enc(w_), enc(b_)] for w_, b_ in states], "swa": swa_hist, "ema": ema_hist, "decay": decay, "n_averaged": int(swa.n_averaged)}

def swalr_lrs(swa_lr, anneal_epochs, strategy, lrs=(0.5, 0.1), steps=14):
    params = [torch.nn.Parameter(torch.zeros(1)) for _ in lrs]
    opt = torch.optim.SGD([{"params": [p], "lr": lr} for p, lr in zip(params, lrs)], lr=lrs[0])
    sched = torch.optim.swa_utils.SWALR(opt, swa_lr=swa_lr, anneal_epochs=anneal_epochs, anneal_strategy=strategy)
    out = [[g["lr"] for g in opt.param_groups]]
    for _ in range(steps):
        opt.step()
        sched.step()
        out.append([g["lr"] for g in opt.param_groups])
    return out

cases["swalr"] = {
    "cos5": swalr_lrs(0.05, 5, "cos"),
    "linear3": swalr_lrs([0.05, 0.02], 3, "linear"),
    "zero": swalr_lrs(0.05, 0, "cos"),
}

bn_net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4, momentum=0.3)).double()
loader = [(r(5, 3), torch.zeros(5)) for _ in range(3)]
lin = bn_net[0]
torch.optim.swa_utils.update_bn(loader, bn_net)
cases["update_bn"] = {
    "weight": enc(lin.weight), "bias": enc(lin.bias), "batches": [enc(b[0]) for b in loader],
    "running_mean": enc(bn_net[1].running_mean), "running_var": enc(bn_net[1].running_var),
    "num_batches_tracked": int(bn_net[1].num_batches_tracked), "momentum": bn_net[1].momentum, "training": bn_net.training,
}

out_dir = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "func")
os.makedirs(out_dir, exist_ok=True)
with open(os.path.join(out_dir, "func-api.json"), "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f)
print("wrote", len(cases), "groups")
