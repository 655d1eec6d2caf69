"""Fixtures for test/faithful-*.test.ts, from PyTorch (run with /usr/bin/python3).

Writes test/fixtures/faithful/*.json, one file per behaviour:
- logsumexp.json: values, gradients (an upstream gradient 1..n) and node names of
  logsumexp, the version error after an in-place change of its result, detach_;
- index-version.json: the version error after an index tensor or mask of x[i] changed in place;
- var-std.json: var / std with no degrees of freedom left (1.13 where it agrees with 2.x);
- clamp-messages.json: in-place clamps of int / bool tensors that would promote them;
- custom-function.json, is-leaf.json: custom Functions returning inputs and views, is_leaf raising;
- triangle-recorded.json: tril_ / triu_ of an expanded view while recording;
- rrelu.json: F.rrelu's node (training or not, in place or not), its noise and gradient;
- activation-backward.json: softplus, mish, hardswish, ... in float64: values, gradients and the
  second derivatives (w.r.t. the input and the upstream gradient) of their backward formulas.
Non-finite numbers are written as "nan", "inf", "-inf".
"""
import json, math, os
import torch

from fixture_numbers import error_text as err, flat_exact as enc

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "faithful")
os.makedirs(OUT, exist_ok=True)
torch.manual_seed(0)

def write(name, obj):
    with open(os.path.join(OUT, name), "w") as fh:
        json.dump(obj, fh, indent=1)
        fh.write("\n")

def upstream(shape):
    n = 1
    for s in shape:
        n *= s
    return torch.arange(1.0, n + 1).reshape(shape)

# ---- logsumexp -------------------------------------------------------------------------------
inf = math.inf
lse_inputs = [
    ("rows", torch.randn(3, 4), 0, False),
    ("cols keepdim", torch.randn(3, 4), 1, True),
    ("two dims", torch.randn(2, 3, 2), [0, 2], False),
    ("negative dim", torch.randn(2, 3), -1, False),
    ("large values", torch.tensor([[1000.0, 1001.0], [-1000.0, -1002.0]]), 1, False),
    ("a row of -inf", torch.tensor([[-inf, -inf], [0.0, 1.0]]), 1, False),
    ("an inf", torch.tensor([[inf, 1.0], [0.0, 1.0]]), 1, False),
    ("0-d", torch.tensor(0.5), 0, False),
    ("empty dim", torch.zeros(2, 0), 1, False),
]
lse_cases = []
for name, x, dim, keepdim in lse_inputs:
    x = x.clone().requires_grad_()
    y = torch.logsumexp(x, dim, keepdim=keepdim)
    g = upstream(y.shape)
    y.backward(g)
    lse_cases.append({"name": name, "shape": list(x.shape), "input": enc(x), "dim": dim, "keepdim": keepdim,
                      "outShape": list(y.shape), "output": enc(y), "gradOutput": enc(g), "grad": enc(x.grad),
                      "node": type(y.grad_fn).__name__,
                      "next": [type(f).__name__ if f is not None else None for f, _ in y.grad_fn.next_functions]})
x = torch.randn(3, 4, requires_grad=True)
y = x.logsumexp(0)
y.add_(1)
lse_inplace = err(lambda: y.sum().backward())
x = torch.randn(3, 4, requires_grad=True)
y = x.logsumexp(0)
y.detach_()
lse_detach = {"requiresGrad": y.requires_grad, "gradFn": y.grad_fn is not None}
xi = torch.randn(3, 4, requires_grad=True).clone()
y = xi.logsumexp(1)
xi.mul_(2)
lse_input_inplace = err(lambda: y.sum().backward())
write("logsumexp.json", {"cases": lse_cases, "resultInplaceError": lse_inplace, "inputInplaceError": lse_input_inplace,
                         "detach": lse_detach, "intInput": {"dtype": str(torch.tensor([1, 2], dtype=torch.int32).logsumexp(0).dtype),
                                                            "value": enc(torch.tensor([1, 2], dtype=torch.int32).logsumexp(0))}})

# ---- x[i] saves its indices ------------------------------------------------------------------
# (1.13 takes long indices only: its messages name a torch.LongTensor where torchlet's int32 index is a torch.IntTensor)
def index_then(change):
    x = torch.randn(5, requires_grad=True)
    i = torch.tensor([0, 2, 2], dtype=torch.long)
    y = x[i]
    change(i)
    return err(lambda: y.sum().backward())
def mask_then():
    x = torch.randn(2, 3, requires_grad=True)
    m = torch.tensor([True, False])
    y = x[m]
    m.logical_not_()
    return err(lambda: y.sum().backward())
def two_then():
    x = torch.randn(3, 4, requires_grad=True)
    i = torch.tensor([0, 1], dtype=torch.long)
    j = torch.tensor([[2], [3]], dtype=torch.long)
    y = x[i, j]
    j.zero_()
    return err(lambda: y.sum().backward())
def untouched():
    x = torch.randn(5, requires_grad=True)
    i = torch.tensor([0, 2, 2], dtype=torch.long)
    y = x[i]
    y.backward(torch.tensor([1.0, 2.0, 3.0]))
    return enc(x.grad)
write("index-version.json", {"indexChanged": index_then(lambda i: i.add_(1)), "maskChanged": mask_then(),
                             "secondIndexChanged": two_then(), "untouchedGrad": untouched()})

# ---- var / std with no degrees of freedom left -------------------------------------------------
def moments(f, data, shape, dim, correction):
    x = torch.tensor(data).reshape(shape).requires_grad_()
    kw = {} if correction is None else {"correction": correction}
    y = getattr(x, f)(dim, **kw)
    y.sum().backward()
    return {"f": f, "data": data, "shape": shape, "dim": dim, "correction": correction, "output": enc(y), "grad": enc(x.grad)}
# (1.13 raises "returned an invalid gradient" for a full reduction of one element, and gives var's 0-d
# gradient as inf: those cases are 2.x's in the test, from its var_backward)
var_cases = []
for f in ["var", "std"]:
    var_cases.append(moments(f, [2.0], [1], 0, None))
    var_cases.append(moments(f, [2.0, 3.0], [2, 1], 1, None))
    var_cases.append(moments(f, [2.0, 3.0], [2], 0, 2))
    var_cases.append(moments(f, [2.0, 2.0], [2], 0, 2))
    var_cases.append(moments(f, [1.0, 2.0, 4.0], [3], 0, 3))
write("var-std.json", {"cases": var_cases})

# ---- clamp_ of int / bool tensors that would promote them --------------------------------------
i32 = lambda: torch.tensor([1, 2, 3], dtype=torch.int32)
b = lambda: torch.tensor([True, False])
write("clamp-messages.json", {"cases": [
    {"op": "clamp_", "dtype": "int32", "min": 0.5, "max": None, "error": err(lambda: i32().clamp_(0.5))},
    {"op": "clamp_", "dtype": "int32", "min": 0.5, "max": 2, "error": err(lambda: i32().clamp_(0.5, 2))},
    {"op": "clamp_", "dtype": "int32", "min": None, "max": 2.5, "error": err(lambda: i32().clamp_(max=2.5))},
    {"op": "clamp_", "dtype": "int32", "min": 1, "max": 2, "error": err(lambda: i32().clamp_(1, 2))},
    {"op": "clamp_", "dtype": "bool", "min": 1, "max": None, "error": err(lambda: b().clamp_(1))},
    {"op": "clamp_", "dtype": "bool", "min": 0.5, "max": None, "error": err(lambda: b().clamp_(0.5))},
    {"op": "clampMin_", "dtype": "int32", "min": 0.5, "max": None, "error": err(lambda: i32().clamp_min_(0.5))},
    {"op": "clampMin_", "dtype": "bool", "min": 1, "max": None, "error": err(lambda: b().clamp_min_(1))},
    {"op": "clampMax_", "dtype": "int32", "min": None, "max": 0.5, "error": err(lambda: i32().clamp_max_(0.5))},
    {"op": "clip_", "dtype": "int32", "min": 0.5, "max": None, "error": err(lambda: i32().clip_(0.5))},
], "tensorBound": err(lambda: i32().clamp_(torch.tensor(0.5))),
   "tensorBoundMin": err(lambda: i32().clamp_min_(torch.tensor(0.5)))})
# ---- custom Functions returning inputs and views -------------------------------------------
class Id(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x
    @staticmethod
    def backward(ctx, g):
        return g * 2
class ViewIn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x.view(-1)
    @staticmethod
    def backward(ctx, g):
        return g.view(3, 1)
class Two(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x, x.view(-1)
    @staticmethod
    def backward(ctx, g1, g2):
        return g1 + g2.view(3)
class Dirty(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        x.mul_(2)
        ctx.mark_dirty(x)
        return x
    @staticmethod
    def backward(ctx, g):
        return g * 2
def rg():
    return torch.ones(3, requires_grad=True)
def cf_leaf_inplace():
    Id.apply(rg()).add_(1)
def cf_nonleaf_inplace():
    Id.apply(rg().clone()).add_(1)
def cf_view_inplace():
    ViewIn.apply(torch.ones(3, 1, requires_grad=True)).add_(1)
def cf_base_inplace_gradfn():
    h = rg().clone(); y = Id.apply(h); h.add_(1); y.grad_fn
def cf_base_inplace_isleaf():
    h = rg().clone(); y = Id.apply(h); h.add_(1); y.is_leaf
def cf_two_first():
    Two.apply(rg().clone())[0].add_(1)
def cf_two_second():
    Two.apply(rg().clone())[1].mul_(2)
def cf_nograd_inplace_then_gradfn():
    y = Id.apply(rg())
    with torch.no_grad():
        y.add_(1)
    y.grad_fn
def cf_view_of_output():
    Id.apply(rg()).view(3).add_(1)
x = rg(); y = Id.apply(x); y.sum().backward()
leaf = {"isInput": y is x, "isLeaf": y.is_leaf, "node": type(y.grad_fn).__name__, "baseIsInput": y._base is x, "grad": enc(x.grad)}
x = torch.ones(3); v0 = x._version; y = Id.apply(x); y.add_(1)
nograd_input = {"isInput": y is x, "baseIsInput": y._base is x, "requiresGrad": y.requires_grad, "inputAfterAdd": enc(x)}
x = rg()
with torch.no_grad():
    y = Id.apply(x)
in_no_grad = {"isInput": y is x, "requiresGrad": y.requires_grad, "isView": y._base is not None, "isLeaf": y.is_leaf}
x = rg().clone(); v0 = x._version; y = Dirty.apply(x)
dirty = {"isInput": y is x, "versionBump": x._version - v0, "node": type(y.grad_fn).__name__}
x = torch.ones(3); v0 = x._version; Dirty.apply(x)
dirty_unrecorded = {"versionBump": x._version - v0}
write("custom-function.json", {"errors": {
    "leafInplace": err(cf_leaf_inplace), "nonleafInplace": err(cf_nonleaf_inplace), "viewInplace": err(cf_view_inplace),
    "baseInplaceGradFn": err(cf_base_inplace_gradfn), "baseInplaceIsLeaf": err(cf_base_inplace_isleaf),
    "twoFirst": err(cf_two_first), "twoSecond": err(cf_two_second), "nogradInplaceThenGradFn": err(cf_nograd_inplace_then_gradfn),
    "viewOfOutput": err(cf_view_of_output)},
    "leaf": leaf, "nogradInput": nograd_input, "inNoGrad": in_no_grad, "dirty": dirty, "dirtyUnrecorded": dirty_unrecorded})

# ---- is_leaf reads grad_fn: it raises where reading grad_fn does ------------------------------
def split_then_base():
    x = rg().clone(); a, b = x.split([1, 2])
    x.mul_(2)
    return a
def nograd_view_then_base():
    x = rg().clone()
    with torch.no_grad():
        v = x[:2]
    x.mul_(2)
    return v
write("is-leaf.json", {
    "splitGradFn": err(lambda: split_then_base().grad_fn), "splitIsLeaf": err(lambda: split_then_base().is_leaf),
    "splitRequiresGrad": split_then_base().requires_grad,
    "nogradGradFn": err(lambda: nograd_view_then_base().grad_fn), "nogradIsLeaf": err(lambda: nograd_view_then_base().is_leaf)})
# ---- tril_ / triu_ of an expanded view while recording --------------------------------------
tri_cases = []
for op in ["tril_", "triu_"]:
    for d in [0, 1, -1]:
        l = torch.arange(1.0, 4.0).requires_grad_(); x = l.clone(); e = x.expand(3, 3)
        r = getattr(e, op)(d)
        case = {"op": op, "diagonal": d, "returnsSelf": r is e, "view": enc(e), "base": enc(x), "viewNode": e.grad_fn.name(),
                "viewNext": [f.name() for f, _ in e.grad_fn.next_functions], "baseNode": x.grad_fn.name(),
                "baseNext": [f.name() for f, _ in x.grad_fn.next_functions], "versionBump": e._version}
        case["viewBackward"] = err(lambda: (e * torch.arange(1.0, 10.0).view(3, 3)).sum().backward())
        l = torch.arange(1.0, 4.0).requires_grad_(); x = l.clone(); e = x.expand(3, 3)
        getattr(e, op)(d)
        case["baseBackward"] = err(lambda: x.sum().backward())
        tri_cases.append(case)
def tri_nograd_view():
    x = torch.ones(3, requires_grad=True).clone()
    with torch.no_grad():
        e = x.expand(3, 3)
    e.tril_()
write("triangle-recorded.json", {"cases": tri_cases, "leafView": err(lambda: torch.ones(3, requires_grad=True).expand(3, 3).tril_()),
                                 "nogradView": err(tri_nograd_view)})
# ---- rrelu: one RreluWithNoiseBackward node ---------------------------------------------------
import torch.nn.functional as F
xr = torch.tensor([1.5, -0.06, -0.45, 0.57, -0.18, -2.0])
gr = torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
rrelu_cases = []
for training in [True, False]:
    for inplace in [False, True]:
        x = xr.clone().requires_grad_()
        h = x.clone() if inplace else x
        y = F.rrelu(h, lower=0.1, upper=0.3, training=training, inplace=inplace)
        node = y.grad_fn
        noise = node._saved_noise if training else None
        y.backward(gr)
        rrelu_cases.append({"training": training, "inplace": inplace, "node": type(node).__name__,
                            "next": [type(f).__name__ for f, _ in node.next_functions], "returnsInput": y is h,
                            "output": enc(y), "noise": enc(noise) if noise is not None else None, "grad": enc(x.grad)})
def rrelu_result_changed():
    h = xr.clone().requires_grad_().clone()
    y = F.rrelu(h, training=True, inplace=True)
    y.add_(1)
    y.sum().backward()
write("rrelu.json", {"input": enc(xr), "gradOutput": enc(gr), "lower": 0.1, "upper": 0.3, "cases": rrelu_cases,
                     "resultChanged": err(rrelu_result_changed)})
# ---- activations' backward formulas: gradients and second derivatives -----------------------
act_x = [-30.0, -4.0, -3.0, -2.5, -0.5, -0.25, 0.0, 0.25, 0.5, 1.0, 2.5, 3.0, 4.0, 19.0, 21.0, 30.0]
act_fns = {
    "softplus": lambda x: F.softplus(x),
    "softplus beta 2 threshold 3": lambda x: F.softplus(x, beta=2, threshold=3),
    "mish": lambda x: F.mish(x),
    "hardswish": lambda x: F.hardswish(x),
    "hardsigmoid": lambda x: F.hardsigmoid(x),
    "logsigmoid": lambda x: F.logsigmoid(x),
    "softshrink": lambda x: F.softshrink(x, 0.5),
    "hardshrink": lambda x: F.hardshrink(x, 0.5),
}
act_cases = []
for name, f in act_fns.items():
    x = torch.tensor(act_x, dtype=torch.float64, requires_grad=True)
    g = torch.linspace(0.5, 2.0, len(act_x), dtype=torch.float64, requires_grad=True)
    y = f(x)
    (gx,) = torch.autograd.grad(y, x, g, create_graph=True)
    w = torch.linspace(-1.0, 1.0, len(act_x), dtype=torch.float64)
    note = None
    try:
        xx, gg = torch.autograd.grad((gx * w).sum(), [x, g], allow_unused=True)
    except RuntimeError as e:
        # 1.13 has no derivative of hardsigmoid_backward; 2.x's derivatives.yaml: grad_output gets
        # hardsigmoid_backward(grad, self), self gets zeros
        assert name == "hardsigmoid", name
        note = "2.x (1.13: " + str(e) + ")"
        xx = torch.zeros_like(x)
        gg = w * torch.where(x.detach().abs() < 3, 1.0 / 6, 0.0)
    act_cases.append({"name": name, "node": type(y.grad_fn).__name__, "output": enc(y), "gradOutput": enc(g), "grad": enc(gx),
                      "weight": enc(w), "secondX": enc(xx) if xx is not None else None, "secondG": enc(gg), "note": note})
write("activation-backward.json", {"input": act_x, "cases": act_cases})
print("wrote", OUT)
