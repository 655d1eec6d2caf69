#!/usr/bin/python3
"""PyTorch's answers for the regressions of the second graph-probe run
(test/probe-rerun-fixes.test.ts): messages, dtypes, values and gradients.

    /usr/bin/python3 scripts/gen_probe_rerun_fixtures.py

Writes test/fixtures/probe-rerun/cases.json.
"""
import json
import os

import torch

from fixture_numbers import tensor_json

torch.set_num_threads(1)
out = {}


def err(f):
    try:
        f()
    except Exception as e:  # noqa: BLE001
        return str(e).split("\n")[0]
    return None


# backward / autograd.grad from a view made in no_grad mode of a tensor that requires grad
x = torch.tensor([0.5, -1.0, 2.0, 3.0], dtype=torch.float64, requires_grad=True)
with torch.no_grad():
    v = x.view(2, 2)
    c = x.chunk(2)[1]
out["noGradView"] = {
    "requiresGrad": v.requires_grad, "isLeaf": v.is_leaf,
    "backward": err(lambda: v.backward(torch.ones(2, 2, dtype=torch.float64))),
    "chunkBackward": err(lambda: c.backward(torch.ones(2, dtype=torch.float64))),
    "grad": err(lambda: torch.autograd.grad(v, [x], torch.ones(2, 2, dtype=torch.float64))),
}
# (an op on it is fine: the gradient just does not reach x)
(v * 2).sum().backward()
out["noGradView"]["opGrad"] = x.grad is None

# a NaN gradient where an in-place op on a view overwrote the values: exactly zero there
a = torch.tensor([[-0.55, -2.37, -0.25], [0.28, 1.38, 0.27]], requires_grad=True)
s = a.sum(1, keepdim=True)
s[-1, -1] = -2
y = s.pow(0.76)
y.backward(torch.tensor([[-0.25], [-0.4]]))
out["copySlicesNan"] = {"y": tensor_json(y), "grad": tensor_json(a.grad)}
b = torch.tensor([-1.0, 4.0, -9.0], dtype=torch.float64, requires_grad=True)
m = b * 1
m[0:1] = torch.tensor([-4.0], dtype=torch.float64)
gb, = torch.autograd.grad(m.sqrt().sum(), b, create_graph=True)
out["copySlicesNan"]["sqrtGrad"] = tensor_json(gb)

# add of two bools with an alpha
t, u = torch.tensor([True, False, False]), torch.tensor([True, True, False])
out["boolAlpha"] = {str(al): tensor_json(torch.add(t, u, alpha=al).int()) | {"dtype": str(torch.add(t, u, alpha=al).dtype)}
                    for al in (-1, 2, 0)}
out["boolAlpha"]["intBool"] = tensor_json(torch.add(torch.tensor([1, 2], dtype=torch.int32), torch.tensor([True, False]), alpha=-3))

# bool kernels missing: PyTorch names them before any zero-divisor check
bt, bf = torch.tensor([True, False]), torch.tensor([False, False])
out["boolKernels"] = {
    "fmod": err(lambda: torch.fmod(bt, bf)), "remainder": err(lambda: torch.remainder(bt, bf)),
    "fmodTrue": err(lambda: torch.fmod(bt, torch.tensor([True, True]))),
    "topk": err(lambda: bt.topk(1)), "topkEmpty": err(lambda: torch.zeros(0, dtype=torch.bool).topk(0)),
    "topkRange": err(lambda: bt.topk(5)),
    "kthvalue": err(lambda: bt.kthvalue(1)), "kthvalueRange": err(lambda: bt.kthvalue(3)),
    "topk0d": tensor_json(torch.tensor(True).topk(1).values.int()),
    "kthvalue0d": tensor_json(torch.tensor(True).kthvalue(1).values.int()),
}

# cumprod of at most one element: the gradient is the incoming one, with no graph through the input
cp = {}
for name, shape in (("empty", [0, 2]), ("one", [1]), ("scalar", []), ("oneByOne", [1, 1])):
    xi = torch.full(shape, 0.7, dtype=torch.float64, requires_grad=True)
    yi = xi.cumprod(-1 if shape else 0)
    gi, = torch.autograd.grad(yi, xi, torch.full(shape, 1.5, dtype=torch.float64), create_graph=True)
    cp[name] = {"shape": shape, "grad": tensor_json(gi), "requiresGrad": gi.requires_grad}
xl = torch.tensor([[0.69], [-2.08]], dtype=torch.float64, requires_grad=True)
gl, = torch.autograd.grad(xl.cumprod(-1), xl, torch.tensor([[2.92], [0.5]], dtype=torch.float64), create_graph=True)
cp["linesOfOne"] = {"shape": [2, 1], "grad": tensor_json(gl), "requiresGrad": gl.requires_grad}
out["cumprodSmall"] = cp

# relu of bools; relu's double backward sends zeros (not nothing) to the input
bb = torch.tensor([True, False])
xr = torch.tensor([-1.23, 2.08, -0.5], requires_grad=True)
gr, = torch.autograd.grad(xr.relu(), xr, torch.tensor([-1.42, 0.7, 0.3]), create_graph=True)
(gr * torch.tensor([-1.16, 1.11, 0.4])).sum().backward()
out["relu"] = {"bool": err(lambda: torch.relu(bb)), "boolInplace": err(lambda: bb.clone().relu_()),
               "grad": tensor_json(gr), "gradRequiresGrad": gr.requires_grad, "leafGrad": tensor_json(xr.grad)}

# integer division by zero of an empty tensor divides nothing
ei = torch.zeros(0, 3, dtype=torch.int32)
out["emptyIntDivision"] = {op: err(lambda: getattr(torch, op)(ei, 0)) for op in ("remainder", "fmod")}
out["emptyIntDivision"]["div"] = err(lambda: torch.div(ei, torch.zeros(3, dtype=torch.int32), rounding_mode="trunc"))
out["emptyIntDivision"]["nonEmpty"] = err(lambda: torch.remainder(torch.ones(2, dtype=torch.int32), 0))

# copy_ into an integer or bool view made in no_grad mode or by chunk: no error (copy_ checks the dtype first); add_ does
src = torch.tensor([1.5, -2.5, 3.0], dtype=torch.float64, requires_grad=True)
cv = {}
for dt in (torch.bool, torch.int32):
    base = torch.zeros(2, 3, dtype=dt)
    with torch.no_grad():
        w = base[0]
    w2 = base.chunk(1, 0)[0][1]
    cv[str(dt).replace("torch.", "")] = {
        "noGrad": err(lambda: w.copy_(src)), "chunk": err(lambda: w2.copy_(src)), "base": tensor_json(base.int()),
        "requiresGrad": w.requires_grad,
    }
    with torch.no_grad():
        w3 = base.unbind(0)[0]
    cv[str(dt).replace("torch.", "")]["addUnbind"] = err(lambda: w3.add_(src))
out["copyIntoIntView"] = cv

# fmod / remainder save their operands only for the divisor's gradient
fm = {}
for op in ("fmod", "remainder"):
    p = torch.tensor([[-0.57, 2.06, -0.67], [1.3, -0.2, 0.9]], requires_grad=True)
    q = torch.tensor(-0.49)
    r = getattr(torch, op)(p, q)
    q.fill_(1.5)
    r.backward(torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
    q2 = torch.tensor(-0.49, requires_grad=True)
    r2 = getattr(torch, op)(p.detach(), q2 * 1)
    fm[op] = {"r": tensor_json(r), "grad": tensor_json(p.grad),
              "divisorGrad": tensor_json(torch.autograd.grad(r2.sum(), q2)[0])}
out["remainderSaved"] = fm

# cat of legacy empty tensors only (shape [0]): any dim, shape [0], the promoted dtype, a gradient for each
ea, eb = torch.zeros(0, requires_grad=True), torch.zeros(0, dtype=torch.float64)
rc = torch.cat([ea, eb], dim=2)
rc.sum().backward()
out["catLegacyEmpty"] = {"shape": list(rc.shape), "dtype": str(rc.dtype).replace("torch.", ""), "gradShape": list(ea.grad.shape),
                         "negative": list(torch.cat([ea], dim=-5).shape)}

path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "probe-rerun", "cases.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
