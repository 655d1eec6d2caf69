"""Fixtures for test/faithful-3-*.test.ts, from PyTorch (run with /usr/bin/python3).

Writes test/fixtures/faithful-3/cases.json: per scenario (the tests build the same
ones), what PyTorch answers: flags, node names, values, gradients, warnings and
error texts. Numbers go through fixture_numbers (non-finite ones as "nan", "inf").
Where PyTorch 1.13 differs from 2.x the test says so and expects 2.x.
"""
import json, os, re, warnings
import torch
import torch.nn.functional as F
from torch.nn.parameter import UninitializedParameter, UninitializedBuffer

from fixture_numbers import error_and_warnings, error_text as err, flat_exact as enc, node_name

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "faithful-3")
os.makedirs(OUT, exist_ok=True)
warnings.simplefilter("always")
out = {}

name = node_name
caught = error_and_warnings

# ---- 1. a view made before its base requires grad ------------------------------------------
def view_case():
    x = torch.zeros(3); v = x[1:]; x.requires_grad_()
    r = {"requiresGrad": v.requires_grad, "isLeaf": v.is_leaf, "gradFn": name(v.grad_fn)}
    y = v * 2
    r["mulNext"] = [name(n) for n, _ in y.grad_fn.next_functions]
    r["backward"] = err(lambda: (v * 2).sum().backward())
    r["baseGrad"] = None if x.grad is None else enc(x.grad)
    r["viewGrad"] = None if v.grad is None else enc(v.grad)
    r["gradToBase"] = err(lambda: torch.autograd.grad((v * 2).sum(), x))
    w = v.view(2)
    r["viewOfView"] = {"requiresGrad": w.requires_grad, "gradFn": name(w.grad_fn), "next": [name(n) for n, _ in w.grad_fn.next_functions]}
    r["inplace"] = err(lambda: v.add_(1))
    x2 = torch.zeros(3); u = x2.unsqueeze(0); x2.requires_grad_()
    r["unsqueeze"] = {"requiresGrad": u.requires_grad, "isLeaf": u.is_leaf}
    x3 = torch.zeros(3); s = x3[1:]; x3.requires_grad_(); x3.requires_grad_(False)
    r["baseDropsGrad"] = s.requires_grad
    return r
out["viewBeforeRequiresGrad"] = view_case()

# ---- 2. index_put_ / masked_fill_ on an expanded tensor ----------------------------------------
E = lambda: torch.zeros(1).expand(3)
MASK = [True, False, True]
def expanded(f, make=E):
    e = make()
    error, ws = caught(lambda: f(e))
    return {"error": error, "warnings": ws, "values": enc(e)}
out["expanded"] = {
    "maskScalar": expanded(lambda e: e.__setitem__(torch.tensor(MASK), 5.0)),
    "maskedFill_": expanded(lambda e: e.masked_fill_(torch.tensor(MASK), 5.0)),
    "maskValues": expanded(lambda e: e.__setitem__(torch.tensor(MASK), torch.tensor([7., 8.]))),
    "indexValues": expanded(lambda e: e.__setitem__(torch.tensor([0, 2]), torch.tensor([7., 8.]))),
    "indexAccumulate": expanded(lambda e: e.index_put_((torch.tensor([0, 2]),), torch.tensor([7., 8.]), accumulate=True)),
    "maskedFill2d": expanded(lambda e: e.masked_fill_(torch.tensor([[True, False, False], [False, False, True]]), -1.0),
                             lambda: torch.arange(3.).expand(2, 3)),
    "maskedScatter_": expanded(lambda e: e.masked_scatter_(torch.tensor(MASK), torch.ones(3))),
    "fill_": expanded(lambda e: e.fill_(2.)),
    "zero_": expanded(lambda e: e.zero_(), lambda: torch.ones(1).expand(3)),
    "sliceNumber": expanded(lambda e: e.__setitem__(slice(1, None), 5.0)),
    "uniform_": expanded(lambda e: e.uniform_()),
    "slice0d": expanded(lambda e: e.__setitem__(slice(1, None), torch.tensor(5.))),
    "slice1d": expanded(lambda e: e.__setitem__(slice(1, None), torch.tensor([5.]))),
}

# ---- 3. x[...] = v on a leaf that requires grad: a view of it, or itself -------------------
# specs: ["slice", start, stop], ["int", i], ["ellipsis"], ["none"], ["index", [...]], ["mask", [...]]
def py_index(spec):
    k = spec[0]
    if k == "slice": return slice(spec[1], spec[2])
    if k == "int": return spec[1]
    if k == "ellipsis": return Ellipsis
    if k == "none": return None
    if k == "index": return torch.tensor(spec[1])
    if k == "mask": return torch.tensor([bool(b) for b in spec[1]])
SETITEM = [
    ([3], [["slice", 0, None]]), ([3], [["slice", None, None]]), ([3], [["slice", 0, 3]]), ([3], [["slice", None, 3]]),
    ([3], [["slice", 1, None]]), ([3], [["slice", 0, 5]]), ([3], [["int", 0]]), ([3], [["ellipsis"]]), ([3], [["none"]]),
    ([3], [["index", [0, 1]]]), ([3], [["mask", [1, 0, 1]]]),
    ([3, 2], [["slice", 0, 3], ["slice", 0, 2]]), ([3, 2], [["ellipsis"], ["slice", 0, 2]]), ([3, 2], [["slice", None, None], ["ellipsis"]]),
]
def setitem_case(shape, spec):
    x = torch.zeros(*shape, requires_grad=True)
    ix = tuple(py_index(s) for s in spec)
    return {"shape": shape, "index": spec, "error": err(lambda: x.__setitem__(ix, 1.0))}
out["setitemLeaf"] = [setitem_case(s, i) for s, i in SETITEM]

# ---- 4. IndexPutBackward0 saves its indices ------------------------------------------------
def put_case(kind):
    a = torch.tensor([1., 2., 3.], requires_grad=True)
    x = a.clone()
    if kind == "maskScalar":
        m = torch.tensor(MASK); x[m] = 5.0; m[0] = False
    elif kind == "indexValues":
        v = torch.tensor([7., 8.], requires_grad=True); i = torch.tensor([0, 2]); x[i] = v; i.add_(0)
    elif kind == "indexAccumulate":
        i = torch.tensor([0, 2]); x.index_put_((i,), torch.tensor(1.), accumulate=True); i.add_(0)
    elif kind == "mask2d":
        a = torch.ones(2, 2, requires_grad=True); x = a.clone(); m = torch.tensor([[True, False], [False, True]]); x[m] = 0.; m.logical_not_()
    elif kind == "unchanged":
        m = torch.tensor(MASK); x[m] = 5.0
    return {"gradFn": name(x.grad_fn), "error": err(lambda: x.sum().backward()), "grad": None if a.grad is None else enc(a.grad)}
out["indexPutSaved"] = {k: put_case(k) for k in ["maskScalar", "indexValues", "indexAccumulate", "mask2d", "unchanged"]}

# ---- 5. hardtanh / relu6 / threshold double backward ---------------------------------------
XS = [-2., -1., 0., 0.5, 1., 3., 6., 7.]
ACTS = {
    "relu6": lambda x: F.relu6(x), "hardtanh": lambda x: F.hardtanh(x, -1., 1.),
    "hardtanh_": lambda x: F.hardtanh(x.clone(), -1., 1., inplace=True), "relu6_": lambda x: F.relu6(x.clone(), inplace=True),
    "threshold": lambda x: F.threshold(x, 0.1, 20.), "relu": lambda x: F.relu(x),
}
def act_case(f):
    x = torch.tensor(XS, dtype=torch.float64, requires_grad=True)
    y = f(x)
    g = torch.linspace(0.5, 2, len(XS), dtype=torch.float64, requires_grad=True)
    gx, = torch.autograd.grad(y, x, g, create_graph=True)
    w = torch.arange(1., len(XS) + 1, dtype=torch.float64)
    ggx, ggg = torch.autograd.grad((gx * w).sum(), (x, g))
    return {"gradFn": name(y.grad_fn), "gradGradFn": name(gx.grad_fn), "next": [name(n) for n, _ in gx.grad_fn.next_functions],
            "y": enc(y), "gx": enc(gx), "ggx": enc(ggx), "ggg": enc(ggg)}
out["doubleBackward"] = {"x": XS, "acts": {k: act_case(f) for k, f in ACTS.items()}}

# ---- 6. hooks and detach_ ------------------------------------------------------------------
def hook_case(kind):
    seen = []
    def hook(g):
        seen.append(enc(g))
        return g * 10 if kind in ("d", "e") else None
    if kind in ("f", "g"):
        a = torch.ones(3, requires_grad=True); x = a * 1
    else:
        a = None; x = torch.ones(3, requires_grad=True)
    x.register_hook(hook)
    if kind in ("b", "d", "f"):
        y = (x * 2).sum(); x.detach_()
        if kind == "d": x.requires_grad_()
    else:
        x.detach_(); x.requires_grad_(); y = (x * 2).sum()
    e = err(lambda: y.backward())
    return {"error": e, "hookSaw": seen, "grad": None if x.grad is None else enc(x.grad),
            "baseGrad": None if a is None or a.grad is None else enc(a.grad), "requiresGrad": x.requires_grad}
out["detachHooks"] = {k: hook_case(k) for k in "abdefg"}
out["detachHooks"]["registerAfter"] = err(lambda: torch.ones(3, requires_grad=True).detach_().register_hook(lambda g: g))

# ---- 7. partial overlap of an in-place op's input and target ----------------------------------
def ar(): return torch.arange(5.)
def overlap(f, make=ar):
    x = make()
    e = err(lambda: f(x))
    return {"error": e, "values": enc(x)}
out["overlap"] = {
    "addShiftRight": overlap(lambda x: x[1:].add_(x[:-1])),
    "addShiftLeft": overlap(lambda x: x[:-1].add_(x[1:])),
    "addAlpha": overlap(lambda x: x[1:].add_(x[:-1], alpha=2)),
    "mul": overlap(lambda x: x[1:].mul_(x[:-1])),
    "sub": overlap(lambda x: x[1:].sub_(x[:-1])),
    "copy": overlap(lambda x: x[1:].copy_(x[:-1])),
    "transpose": overlap(lambda x: x.add_(x.t()), lambda: torch.arange(4.).reshape(2, 2)),
    "same": overlap(lambda x: x.add_(x)),
    "sameElementsOtherView": overlap(lambda x: x.add_(x.view(1, 5)[0])),
    "expandedInput": overlap(lambda x: x[2:5].add_(x[:1].expand(3)), lambda: torch.arange(6.)),
    "stridedInput": overlap(lambda x: x[1:4].add_(x[::2]), lambda: torch.arange(6.)),
    "expandedTarget": overlap(lambda x: x.add_(torch.arange(4.)), lambda: torch.zeros(1).expand(4)),
    "expandedTargetOverlapping": overlap(lambda x: x[:1].expand(4).add_(x[1:])),
    "beforeShape": overlap(lambda x: x[1:4].add_(x[:2])),
    "beforeDtype": overlap(lambda x: x[1:].div_(x[:-1]), lambda: torch.arange(5)),
    "leafFirst": overlap(lambda x: x[1:].add_(x[:-1]), lambda: torch.arange(5., requires_grad=True)),
    "recorded": overlap(lambda x: x[1:].add_(x[:-1]), lambda: torch.arange(5., requires_grad=True).clone()),
    "disjoint": overlap(lambda x: x[3:].add_(x[:2])),
}
for k in ("leafFirst", "recorded"):
    out["overlap"][k]["values"] = None

# ---- 8. .grad filled before a later node fails ------------------------------------------------
class Bad(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x): return x * 1
    @staticmethod
    def backward(ctx, g): raise ValueError("bad backward")
def partial_case(kind):
    a = torch.ones(3, requires_grad=True); b = torch.ones(3, requires_grad=True)
    if kind == "versionAfterLeafUse":
        a * 5; z = (b * 1).exp()
        with torch.no_grad(): z.add_(0)
        y = a * 2; loss = y.sum() + z.sum()
    elif kind == "versionFirst":
        y = a * 2; z = (b * 1).exp()
        with torch.no_grad(): z.add_(0)
        loss = z.sum() + y.sum()
    elif kind == "customFunction":
        z = Bad.apply(b); y = a * 3; loss = z.sum() + y.sum()
    e = err(lambda: loss.backward())
    return {"error": e, "a": None if a.grad is None else enc(a.grad), "b": None if b.grad is None else enc(b.grad)}
out["gradBeforeError"] = {k: partial_case(k) for k in ["versionAfterLeafUse", "versionFirst", "customFunction"]}

# ---- 9. ops on an uninitialized parameter ------------------------------------------------------
def lazy_errors():
    w = UninitializedParameter(); x = torch.ones(2, 3)
    cases = {
        "w.add": lambda: w.add(1), "x.mul(w)": lambda: x * w, "w.exp": lambda: w.exp(), "w.sum": lambda: w.sum(),
        "w.view": lambda: w.view(-1), "w.dim": lambda: w.dim(), "w.numel": lambda: w.numel(),
        "torch.add": lambda: torch.add(w, 1), "torch.matmul": lambda: torch.matmul(x, w), "linear": lambda: F.linear(x, w),
        "conv2d": lambda: F.conv2d(torch.ones(1, 1, 3, 3), w), "relu": lambda: torch.relu(w),
        "shape": lambda: w.shape, "buffer.add": lambda: UninitializedBuffer().add(1),
    }
    # (a function's repr holds its address: left out, so the fixture is the same on every run)
    return {k: re.sub(r" at 0x[0-9a-f]+>", ">", err(f)) for k, f in cases.items()}
out["uninitialized"] = lazy_errors()

with open(os.path.join(OUT, "cases.json"), "w") as fh:
    json.dump(out, fh, indent=1)
    fh.write("\n")
print("wrote", os.path.join(OUT, "cases.json"))
