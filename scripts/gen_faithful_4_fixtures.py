"""Fixtures for test/faithful-4-writes.test.ts, from PyTorch (run with /usr/bin/python3).

Writes test/fixtures/faithful-4/writes.json: index_put_ / masked_fill_ on an
expanded view while recording (values, nodes, warnings, the backward error),
which indexing writes refuse a source or index that is self's own memory,
the op named by an uninitialized parameter's error, and index_reduce /
scatter_reduce prod's double-backward error. The tests build the same cases.
Where PyTorch 1.13 differs from 2.x the test says so and expects 2.x.
"""
import json, os, re, warnings
import torch
import torch.nn.functional as F
from torch.nn.parameter import UninitializedParameter

from fixture_numbers import error_and_warnings, error_text as err, flat_exact as enc, node_name

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "faithful-4")
os.makedirs(OUT, exist_ok=True)
out = {}

name = node_name
caught = error_and_warnings

# ---- 1. writes into an expanded view while recording ------------------------------------------
I = lambda xs: torch.tensor(xs)
def expanded_case(write, value_grad=False):
    a = torch.tensor([1., 2., 3., 4.], requires_grad=True)
    x = a * 1
    y = x.expand(3, 4)
    v = torch.tensor([10., 20.], requires_grad=True) if value_grad else None
    error, ws = caught(lambda: write(y, v))
    r = {"error": error, "warnings": ws, "view": enc(y.detach()), "base": enc(x.detach()), "viewNode": name(y.grad_fn),
         "viewNext": [name(n) for n, _ in y.grad_fn.next_functions], "baseNode": name(x.grad_fn),
         "baseNext": [name(n) for n, _ in x.grad_fn.next_functions], "version": y._version}
    r["backward"] = err(lambda: (y * torch.arange(12.).reshape(3, 4)).sum().backward())
    return r
out["expanded"] = {
    "indexScalar": expanded_case(lambda y, v: y.__setitem__((I([0, 2]), I([1, 3])), torch.tensor(7.))),
    "indexValues": expanded_case(lambda y, v: y.index_put_((I([0, 2]), I([1, 3])), v), True),
    "indexAccumulate": expanded_case(lambda y, v: y.index_put_((I([0, 2]), I([1, 1])), torch.tensor([5., 6.]), accumulate=True)),
    "maskedFill_": expanded_case(lambda y, v: y.masked_fill_(torch.tensor([True, False, False, True]), 5.)),
    "maskScalar": expanded_case(lambda y, v: y.__setitem__(torch.tensor([[True, False, False, True]] * 2 + [[False] * 4]), 3.)),
}

# ---- 2. a source or index that is self's own memory -------------------------------------------
IX = lambda: torch.tensor([0, 2, 1])
ar = lambda: torch.arange(3.)
def own(f, make):
    x = make()
    e = err(lambda: f(x))
    return {"error": e, "values": enc(x)}
out["overlap"] = {
    "scatter_": own(lambda x: x.scatter_(0, IX(), x), ar),
    "scatter_View": own(lambda x: x.scatter_(0, IX(), x.view(3)), ar),
    "scatter_add_": own(lambda x: x.scatter_add_(0, IX(), x), ar),
    "scatter_reduce_": own(lambda x: x.scatter_reduce_(0, IX(), x, "sum"), ar),
    "index_add_": own(lambda x: x.index_add_(0, IX(), x), ar),
    "index_copy_": own(lambda x: x.index_copy_(0, IX(), x), ar),
    "index_reduce_": own(lambda x: x.index_reduce_(0, IX(), x, "prod"), ar),
    "put_": own(lambda x: x.put_(IX(), x), ar),
    "index_put_": own(lambda x: x.index_put_((IX(),), x), ar),
    "index_put_Accumulate": own(lambda x: x.index_put_((IX(),), x, accumulate=True), ar),
    "scatter_Index": own(lambda x: x.scatter_(0, x, 5), lambda: torch.tensor([0, 2, 1])),
    "index_add_Index": own(lambda x: x.index_add_(0, x, torch.tensor([1, 1, 1])), lambda: torch.tensor([0, 2, 1])),
    "index_fill_Index": own(lambda x: x.index_fill_(0, x, 5), lambda: torch.tensor([0, 2, 1])),
    "put_Index": own(lambda x: x.put_(x, torch.tensor([1, 1, 1])), lambda: torch.tensor([0, 2, 1])),
    "index_put_Index": own(lambda x: x.index_put_((x,), torch.tensor([1, 1, 1])), lambda: torch.tensor([0, 2, 1])),
    # allowed: the value is read as a number (masked_fill_ / index_fill_), a mask is only checked for partial overlap
    "maskValueOwn": own(lambda x: x.__setitem__(torch.tensor([True, False, True]), x[1]), ar),
    "index_fill_Value": own(lambda x: x.index_fill_(0, torch.tensor([0]), x[1]), ar),
    "masked_fill_Mask": own(lambda x: x.masked_fill_(x, True), lambda: torch.tensor([True, False, True])),
    "copy_": own(lambda x: x.copy_(x), ar),
    "add_": own(lambda x: x.add_(x), ar),
}

# masked_scatter_ checks no overlap with its source: one in self's memory is read as the kernel finds it
M = lambda xs: torch.tensor([bool(v) for v in xs])
out["maskedScatterOwn"] = {
    "self": own(lambda x: x.masked_scatter_(M([0, 1, 1]), x), ar),
    "self5": own(lambda x: x.masked_scatter_(M([0, 1, 1, 0, 1]), x), lambda: torch.arange(5.)),
    "rows": own(lambda x: x.masked_scatter_(M([1, 0, 1]), x), lambda: torch.arange(6.).view(2, 3)),
    "flipped": own(lambda x: x.masked_scatter_(M([0, 1, 1, 1]), x.flip(0)), lambda: torch.arange(4.)),
    "tail": own(lambda x: x.masked_scatter_(M([0, 1, 1, 0, 1]), x[1:]), lambda: torch.arange(5.)),
    "headTail": own(lambda x: x[:4].masked_scatter_(M([1, 1, 0, 1]), x[1:]), lambda: torch.arange(5.)),
    "transposed": own(lambda x: x.t().masked_scatter_(M([1, 0]), x.view(-1)), lambda: torch.arange(6.).view(2, 3)),
    "sourceTransposed": own(lambda x: x.masked_scatter_(M([1, 0, 1]), x.t()), lambda: torch.arange(6.).view(2, 3)),
    "tooFew": own(lambda x: x.masked_scatter_(M([1, 1, 1]), x[2:]), ar),
}

# ---- 3. the op an uninitialized parameter's error names ---------------------------------------
def lazy_errors():
    w = UninitializedParameter()
    cases = {
        "w.exp_": lambda: w.exp_(), "w.add_": lambda: w.add_(1), "w.fill_": lambda: w.fill_(1), "w.zero_": lambda: w.zero_(),
        "w.uniform_": lambda: w.uniform_(), "torch.exp": lambda: torch.exp(w), "torch.sigmoid": lambda: torch.sigmoid(w),
        "torch.cat": lambda: torch.cat([w, w]), "torch.neg": lambda: torch.neg(w), "torch.sum": lambda: torch.sum(w),
        "torch.stack": lambda: torch.stack([w]),
    }
    return {k: re.sub(r" at 0x[0-9a-f]+>", ">", err(f)) for k, f in cases.items()}
out["uninitialized"] = lazy_errors()

# ---- 4. prod's double backward with more than one zero in a slot -----------------------------
def prod_double(op, src_values):
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    src = torch.tensor(src_values, requires_grad=True)
    idx = torch.tensor([0, 0, 2, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = x.index_reduce(0, idx, src, "prod") if op == "index_reduce" else x.scatter_reduce(0, idx, src, "prod")
    g, = torch.autograd.grad(y.sum(), src, create_graph=True)
    r = {"grad": enc(g.detach()), "node": name(g.grad_fn), "next": [name(n) for n, _ in g.grad_fn.next_functions]}
    r["doubleBackward"] = err(lambda: g.sum().backward())
    r["srcGrad"] = None if src.grad is None else enc(src.grad)
    return r
out["prodDouble"] = {f"{op}/{k}": prod_double(op, v) for op in ["index_reduce", "scatter_reduce"]
                     for k, v in {"twoZeros": [0., 0., 5., 2.], "oneZero": [0., 4., 5., 2.]}.items()}

with open(os.path.join(OUT, "writes.json"), "w") as fh:
    json.dump(out, fh, indent=1)
    fh.write("\n")
