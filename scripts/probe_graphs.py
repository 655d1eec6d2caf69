#!/usr/bin/python3
"""Differential probe of whole autograd programs: writes random small
programs (3-8 ops over tensors of random shapes and dtypes, some inputs
requiring grad) with PyTorch's answers, for test/graph-probe-runner.ts to
replay with torchlet.

    /usr/bin/python3 scripts/probe_graphs.py SEED COUNT OUT.json

A program is a list of steps; each step appends its results to a list of
values, and arguments name earlier values as {"t": i}. After every step the
runner compares the step's results (shape, dtype, values, requires_grad,
is_leaf, grad_fn name); at the end every value again (in-place ops change
earlier values), then the backward phase: one backward (sometimes twice
with retain_graph), or torch.autograd.grad with create_graph and a second
backward, and every leaf's .grad, retained grads and what the hooks saw.
A step that raises ends the program; the runner expects torchlet to raise
there too, with a message that starts with PyTorch's.

Dtypes are torchlet's: float32, float64, int32 and bool. PyTorch's int64
(index tensors, argmax, sum of ints) is written as int32, as torchlet's
integer dtype is int32 (docs/coming-from-pytorch.md). Index tensors are
made int64 here because PyTorch 1.13 takes no other; 2.x also takes int32.
Programs that touch a point where 1.13 and 2.x differ, or where PyTorch's
answer is an accident of its implementation, are not generated (each place
says why): the probe follows 2.x. They are: hooks on leaves with
autograd.grad (2.x runs them), retain_grad next to other hooks (2.x runs it
last), tril/triu below 2-d and mixed-dtype matmul/einsum (1.13's messages),
softmax of empty integer tensors, index_select of a 0-d tensor or with
negative indices (1.13 reads past the tensor), NaN/inf cast to int32, ties
in sort/topk/max/min (which index wins is unspecified), Python-only argument
errors (a number where a Tensor is required, slices in index_put_), views
of int64 index tensors (int32 in torchlet, so to(int32) is a copy in one
and the tensor itself in the other), and multi-output views or no-grad views
modified in place (PyTorch raises on reading them; probed elsewhere). Also
left out: var/std with no degree of freedom over a whole 0-d or one-element
input (1.13's var_backward returns inf or a wrongly shaped gradient, 2.x NaN),
atan2 with a bool operand (its backward negates it: PyTorch raises there),
in-place ops on a view of a tensor that retains grad (2.x moves the retained
grad to the base's new CopySlices node, 1.13 does not), and autograd.grad
through hardsigmoid (no double backward in 1.13). After autograd.grad the
leaves' .grad is put back as it was: 1.13's CopySlices accumulates into it
there, 2.x does not (pytorch#89812).

Besides tensor methods, steps "F.<name>" call torch.nn.functional
activations (softplus, mish, hardswish, ..., rrelu in eval mode) on
floating inputs.
"""
import json
import math
import random
import sys
import warnings

import torch

from fixture_numbers import enc_exact as enc

warnings.simplefilter("ignore")
torch.set_num_threads(1)

DT = {"float32": torch.float32, "float64": torch.float64, "int32": torch.int32, "bool": torch.bool, "index": torch.int64}


def dname(t):
    return {torch.float32: "float32", torch.float64: "float64", torch.int32: "int32", torch.int64: "int32", torch.bool: "bool"}.get(t.dtype, str(t.dtype))


def tdata(t):
    t = t.detach()
    if t._is_zerotensor():  # PyTorch's lazy zeros (some double backwards)
        t = torch.zeros(t.shape, dtype=t.dtype)
    double = t.dtype == torch.float64
    return [enc(v, double) for v in t.flatten().tolist()]


def snap(t):
    if not isinstance(t, torch.Tensor):
        return {"py": repr(t)}
    return {"shape": list(t.shape), "dtype": dname(t), "data": tdata(t), "rg": t.requires_grad, "leaf": t.is_leaf,
            "fn": None if t.grad_fn is None else type(t.grad_fn).__name__}


# ---------------------------------------------------------------- interpreter

UNARY = ["neg", "exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "relu", "sign", "floor", "ceil", "round",
         "reciprocal", "log1p", "expm1", "square", "rsqrt", "erf", "trunc", "frac", "logical_not", "isnan", "clone",
         "contiguous", "t", "float", "double", "int", "bool", "detach"]
BINARY = ["add", "sub", "mul", "div", "pow", "maximum", "minimum", "eq", "ne", "lt", "le", "gt", "ge", "logical_and",
          "logical_or", "atan2", "fmod", "remainder"]
INPLACE_BINARY = ["add_", "sub_", "mul_", "div_"]
INPLACE_UNARY = ["zero_", "exp_", "neg_", "sigmoid_", "tanh_", "relu_", "abs_", "detach_"]
# torch.nn.functional activations, on floating inputs (rrelu in eval mode: deterministic)
ACT = ["softplus", "mish", "hardswish", "hardsigmoid", "logsigmoid", "softshrink", "hardshrink", "silu", "gelu", "elu", "selu",
       "celu", "leaky_relu", "relu6", "hardtanh", "tanhshrink", "softsign", "rrelu"]
REDUCE = ["sum", "mean", "prod", "amax", "amin", "std", "var", "logsumexp", "norm", "argmax", "argmin", "any", "all"]


class Ctx:
    def __init__(self):
        self.vals = []
        self.modes = []
        self.hooks = {}  # hook id -> list of grads seen


def arg(ctx, a):
    if isinstance(a, dict) and "t" in a:
        return ctx.vals[a["t"]]
    if isinstance(a, list):
        return [arg(ctx, x) for x in a]
    return a


def idx_el(ctx, e):
    if isinstance(e, dict):
        if "slice" in e:
            return slice(*e["slice"])
        if "none" in e:
            return None
        if "ellipsis" in e:
            return Ellipsis
        if "t" in e:
            return ctx.vals[e["t"]]
    return e


def run_step(ctx, s):
    """Runs one step; returns the list of its results."""
    op, a, kw = s["op"], [arg(ctx, x) for x in s.get("args", [])], s.get("kw", {})
    if op == "input":
        # (clone: a reshaped tensor is a view, and in-place errors name views differently)
        t = torch.tensor(kw["data"], dtype=torch.float64).to(DT[kw["dtype"]]).reshape(kw["shape"]).clone()
        if kw.get("rg"):
            t.requires_grad_()
        return [t]
    if op == "nograd" or op == "enablegrad":
        ctx.modes.append(torch.is_grad_enabled())
        torch.set_grad_enabled(op == "enablegrad")
        return []
    if op == "endmode":
        torch.set_grad_enabled(ctx.modes.pop())
        return []
    if op == "retain_grad":
        a[0].retain_grad()
        return []
    if op == "hook":
        hid, scale = kw["id"], kw["scale"]
        ctx.hooks[hid] = []

        def h(g, hid=hid, scale=scale):
            ctx.hooks[hid].append(g.detach().clone())
            return None if scale == 1 else g * scale
        a[0].register_hook(h)
        return []
    if op == "requires_grad_":
        return [a[0].requires_grad_(kw["v"])]
    if op.startswith("F."):
        f = getattr(torch.nn.functional, op[2:])
        if op == "F.rrelu":
            return [f(a[0], training=False)]
        return [f(a[0], approximate=kw["approximate"]) if "approximate" in kw else f(a[0])]
    if op in UNARY or op in INPLACE_UNARY:
        return [getattr(a[0], op)()]
    if op in BINARY or op in INPLACE_BINARY:
        if "alpha" in kw:
            return [getattr(a[0], op)(a[1], alpha=kw["alpha"])]
        return [getattr(a[0], op)(a[1])]
    if op in ("clamp", "clamp_"):
        return [getattr(a[0], op)(kw.get("min"), kw.get("max"))]
    if op in REDUCE:
        x = a[0]
        if "dim" not in kw:
            return [getattr(x, op)()]
        if op == "norm":
            return [x.norm(2, kw["dim"], kw["keepdim"])]
        if op in ("std", "var"):
            return [getattr(x, op)(kw["dim"], correction=kw.get("correction", 1), keepdim=kw["keepdim"])]
        return [getattr(x, op)(kw["dim"], keepdim=kw["keepdim"])]
    if op in ("max", "min"):
        if "dim" not in kw:
            return [getattr(a[0], op)()]
        r = getattr(a[0], op)(kw["dim"], keepdim=kw["keepdim"])
        return [r.values, r.indices]
    if op in ("matmul", "mm", "bmm"):
        return [getattr(a[0], op)(a[1])]
    if op == "einsum":
        return [torch.einsum(kw["eq"], *a)]
    if op in ("view", "reshape", "expand"):
        return [getattr(a[0], op)(kw["shape"])]
    if op == "permute":
        return [a[0].permute(kw["dims"])]
    if op in ("transpose", "movedim"):
        return [getattr(a[0], op)(kw["d0"], kw["d1"])]
    if op == "narrow":
        return [a[0].narrow(kw["dim"], kw["start"], kw["length"])]
    if op == "select":
        return [a[0].select(kw["dim"], kw["index"])]
    if op == "unsqueeze":
        return [a[0].unsqueeze(kw["dim"])]
    if op == "squeeze":
        return [a[0].squeeze(kw["dim"]) if "dim" in kw else a[0].squeeze()]
    if op == "flatten":
        return [a[0].flatten(kw["start"], kw["end"])]
    if op == "index":
        return [a[0][tuple(idx_el(ctx, e) for e in kw["el"])]]
    if op == "index_put_":
        x, v = a[0], a[1]
        el = tuple(idx_el(ctx, e) for e in kw["el"])
        if kw.get("accumulate"):
            return [x.index_put_(el, v if isinstance(v, torch.Tensor) else torch.tensor(v, dtype=x.dtype), accumulate=True)]
        x[el] = v
        return [x]
    if op == "copy_":
        return [a[0].copy_(a[1])]
    if op == "fill_":
        return [a[0].fill_(kw["v"])]
    if op in ("masked_fill", "masked_fill_"):
        return [getattr(a[0], op)(a[1], kw["v"])]
    if op in ("cat", "stack"):
        return [getattr(torch, op)(a[0], kw["dim"])]
    if op in ("split", "chunk"):
        return list(getattr(a[0], op)(kw["n"], kw["dim"]))
    if op == "where":
        return [torch.where(a[0], a[1], a[2])]
    if op in ("softmax", "log_softmax", "cumsum", "cumprod"):
        return [getattr(a[0], op)(kw["dim"])]
    if op in ("gather", "index_select"):
        return [getattr(a[0], op)(kw["dim"], a[1])]
    if op in ("scatter", "scatter_", "scatter_add", "scatter_add_"):
        return [getattr(a[0], op)(kw["dim"], a[1], a[2])]
    if op == "sort":
        r = a[0].sort(dim=kw["dim"], descending=kw["desc"], stable=True)
        return [r.values, r.indices]
    if op == "topk":
        r = a[0].topk(kw["k"], dim=kw["dim"], largest=kw["largest"])
        return [r.values, r.indices]
    if op in ("tril", "triu"):
        return [getattr(a[0], op)(kw["diag"])]
    if op == "to":
        return [a[0].to(DT[kw["dtype"]])]
    raise ValueError("unknown op " + op)


def run_program(p):
    """Runs program p; returns its record (snapshots, error, grads)."""
    ctx = Ctx()
    rec = {"steps": []}
    torch.set_grad_enabled(True)
    try:
        for i, s in enumerate(p["steps"]):
            try:
                outs = run_step(ctx, s)
            except Exception as e:  # noqa: BLE001
                rec["error"] = {"step": i, "msg": str(e).split("\n")[0]}
                return rec
            for o in outs:
                ctx.vals.append(o)
            rec["steps"].append([snap(o) for o in outs])
    finally:
        while ctx.modes:
            torch.set_grad_enabled(ctx.modes.pop())
        torch.set_grad_enabled(True)
    rec["final"] = [snap(v) for v in ctx.vals]
    b = p.get("backward")
    if b is None:
        return rec
    leaves = [i for i, v in enumerate(ctx.vals) if isinstance(v, torch.Tensor) and v.is_leaf and v.requires_grad]
    target = ctx.vals[b["target"]]
    g = None if b.get("grad") is None else torch.tensor(b["grad"], dtype=torch.float64).to(target.dtype).reshape(target.shape)
    try:
        if b["kind"] == "grad2":
            ins = [ctx.vals[i] for i in leaves]
            before = [x.grad for x in ins]
            gs = torch.autograd.grad(target, ins, grad_outputs=g, create_graph=True, allow_unused=True)
            # 1.13's CopySlices (an in-place op on a view) runs its wrapped node's AccumulateGrad even under
            # autograd.grad, which then fills the leaf's .grad; 2.x leaves .grad alone (pytorch#89812)
            for x, b0 in zip(ins, before):
                x.grad = b0
            rec["grads"] = [None if x is None else snap(x) for x in gs]
            second = None
            for x, h in zip(gs, b["h"]):
                if x is not None and x.requires_grad:
                    term = (x * torch.tensor(h, dtype=torch.float64).to(x.dtype).reshape(x.shape)).sum()
                    second = term if second is None else second + term
            if second is not None:
                second.backward()
            rec["second"] = second is not None
        else:
            target.backward(g, retain_graph=b["kind"] == "twice")
            if b["kind"] == "twice":
                target.backward(g)
    except Exception as e:  # noqa: BLE001
        rec["berror"] = str(e).split("\n")[0]
    rec["leafGrads"] = {str(i): None if ctx.vals[i].grad is None else snap(ctx.vals[i].grad) for i in leaves}
    rec["retained"] = {str(i): None if v.grad is None else snap(v.grad) for i, v in enumerate(ctx.vals)
                       if isinstance(v, torch.Tensor) and v.retains_grad}
    rec["hooks"] = {str(k): [snap(x) for x in v] for k, v in ctx.hooks.items()}
    return rec


# ---------------------------------------------------------------- generator

class Gen:
    def __init__(self, rng):
        self.r = rng

    def shape(self, maxrank=3):
        r = self.r
        rank = r.choice([0, 1, 1, 2, 2, 2, 3, 3] + ([4] if maxrank >= 4 else []))
        return [r.choice([0] if r.random() < 0.04 else [1, 2, 2, 3, 3, 4]) for _ in range(rank)]

    def data(self, shape, dtype):
        n = 1
        for d in shape:
            n *= d
        r = self.r
        if dtype == "bool":
            return [r.random() < 0.5 for _ in range(n)]
        if dtype in ("int32", "index"):
            return [r.randint(-3, 5) for _ in range(n)]
        return [round(r.gauss(0, 1.3), 2) for _ in range(n)]

    def input(self, shape=None, dtype=None, rg=None):
        r = self.r
        shape = self.shape() if shape is None else shape
        dtype = dtype or r.choice(["float32"] * 6 + ["float64"] * 3 + ["int32", "bool"])
        if rg is None:
            rg = dtype.startswith("float") and r.random() < 0.7
        return {"op": "input", "kw": {"data": self.data(shape, dtype), "shape": shape, "dtype": dtype, "rg": rg}}

    def index_input(self, shape, hi, allow_neg=True):
        n = 1
        for d in shape:
            n *= d
        lo = -hi if allow_neg else 0
        data = [self.r.randint(lo, hi - 1) for _ in range(n)] if hi > 0 else [0] * n
        return {"op": "input", "kw": {"data": data, "shape": shape, "dtype": "index", "rg": False}}


def tensors(vals):
    return [i for i, v in enumerate(vals) if isinstance(v, torch.Tensor)]


def pick(r, vals, pred=lambda v: True):
    c = [i for i in tensors(vals) if pred(vals[i])]
    if not c:
        return None
    # prefer recent values
    c.sort()
    return c[-1] if r.random() < 0.45 else r.choice(c)


def is_float(v):
    return v.dtype.is_floating_point


def bshape(r, shape):
    """A shape that broadcasts with `shape` (sometimes one that does not)."""
    if r.random() < 0.04:
        return [d + 1 for d in shape] or [2]
    k = r.randint(0, len(shape))
    s = [1 if r.random() < 0.3 else d for d in shape[len(shape) - k:]]
    if r.random() < 0.15:
        s = [r.choice([1, 2])] + s
    return s


def gen_step(g, vals, nvals, extra):
    """A candidate step (plus helper steps before it) for the current values."""
    r = g.r
    T = lambda i: {"t": i}
    kind = r.choices(
        ["unary", "binary", "inplace", "clamp", "reduce", "maxmin", "matmul", "einsum", "view", "index", "index_put",
         "copy", "cat", "split", "where", "softmax", "gather", "scatter", "scan", "sort", "detach", "mode", "retain",
         "hook", "to", "masked", "tril", "noncontig", "act"],
        [8, 10, 7, 2, 7, 3, 4, 2, 10, 6, 4, 2, 3, 2, 3, 3, 2, 2, 2, 3, 2, 3, 2, 2, 2, 2, 1, 4, 4])[0]
    pre = []
    x = pick(r, vals)
    if x is None:
        return [g.input()]
    xv = vals[x]
    sh = list(xv.shape)
    nd = len(sh)

    def rdim(allow_none=False, n=nd):
        if n == 0:
            return r.choice([0, -1]) if r.random() < 0.8 else 1
        d = r.randrange(n)
        if r.random() < 0.03:
            return n + 1
        return d - n if r.random() < 0.3 else d

    def new_input(shape, dtype=None, rg=None):
        pre.append(g.input(shape, dtype, rg))
        return nvals + len(pre) - 1

    def other(shape_hint, scalar=True):
        o = pick(r, vals, lambda v: v is not xv and r.random() < 0.5)
        if o is not None and r.random() < 0.5:
            return T(o)
        if scalar and r.random() < 0.25:
            return r.choice([2, -1, 0.5, 3, 1.5, -2.5, 0])
        return T(new_input(bshape(r, shape_hint), r.choice(["float32"] * 4 + ["float64", "int32", "bool"]) if r.random() < 0.4 else xv.dtype.__repr__().split(".")[-1].replace("int64", "int32")))

    finite = not is_float(xv) or bool(torch.isfinite(xv.detach()).all())  # NaN/inf to int32 is undefined in C
    if kind == "unary":
        op = r.choice(UNARY)
        # (index tensors are int64 in PyTorch: their int() is a copy, torchlet's int32 one returns itself)
        return [{"op": op if (finite and xv.dtype != torch.int64) or op != "int" else "clone", "args": [T(x)]}]
    if kind == "act":
        if not is_float(xv):  # (integer inputs: each activation's own message, not what this probes)
            return [{"op": "float", "args": [T(x)]}]
        act = r.choice(ACT)
        s = {"op": "F." + act, "args": [T(x)]}
        if act == "gelu" and r.random() < 0.5:
            s["kw"] = {"approximate": "tanh"}
        return [s]
    if kind == "binary":
        op = r.choice(BINARY)
        # Python refuses a number for maximum, minimum, atan2 and the logical ops (an argument parser error)
        s = {"op": op, "args": [T(x), other(sh, op not in ("maximum", "minimum", "atan2", "logical_and", "logical_or"))]}
        if op == "atan2":
            o = s["args"][1]["t"]
            odt = dname(vals[o]) if o < nvals else pre[o - nvals]["kw"]["dtype"]
            if xv.dtype == torch.bool or odt == "bool":
                # atan2's backward negates the operands: PyTorch raises there for a bool one (an accident of its formula)
                s["op"] = "maximum"
        if op in ("add", "sub") and r.random() < 0.2:
            s["kw"] = {"alpha": r.choice([2, -1, 0.5])}
        return pre + [s]
    if kind == "inplace":
        if r.random() < 0.6:
            op = r.choice(INPLACE_BINARY)
            return pre + [{"op": op, "args": [T(x), other(sh)]}]
        return [{"op": r.choice(INPLACE_UNARY), "args": [T(x)]}]
    if kind == "clamp":
        lo = r.choice([None, -0.5, 0, -1])
        hi = r.choice([None, 0.5, 1]) if lo is not None else r.choice([0.5, 1])
        return [{"op": r.choice(["clamp", "clamp_"]), "args": [T(x)], "kw": {"min": lo, "max": hi}}]
    if kind == "reduce":
        op = r.choice(REDUCE)
        if r.random() < 0.25 and op != "logsumexp":
            if op in ("std", "var") and xv.numel() <= 1:
                # no degree of freedom: 1.13's var_backward returns a 0-d gradient (an error for a 1-element input) or
                # inf for a 0-d one; 2.x's is NaN where x equals its mean (always here)
                op = "mean"
            return [{"op": op, "args": [T(x)]}]
        if op in ("prod", "argmax", "argmin", "any", "all") or r.random() < 0.6:
            dim = rdim()
        else:
            dim = sorted(set(rdim() % max(nd, 1) for _ in range(r.randint(1, max(nd, 1)))))
        kw = {"dim": dim, "keepdim": r.random() < 0.4}
        if op in ("std", "var") and r.random() < 0.3:
            kw["correction"] = 0
        if op in ("std", "var") and nd == 0 and xv.numel() - kw.get("correction", 1) <= 0:
            # a 0-d input with no degree of freedom: as above
            kw["correction"] = 0
        return [{"op": op, "args": [T(x)], "kw": kw}]
    if kind == "maxmin":
        op = r.choice(["max", "min"])
        if r.random() < 0.3:
            return [{"op": op, "args": [T(x)]}]
        return [{"op": op, "args": [T(x)], "kw": {"dim": rdim(), "keepdim": r.random() < 0.4}}]
    if kind == "matmul" or kind == "einsum":
        if not is_float(xv):  # mixed-dtype matmul: 1.13's messages and empty-tensor short cuts differ from 2.x
            return [{"op": "float", "args": [T(x)]}]
    if kind == "matmul":
        op = r.choice(["matmul", "matmul", "mm", "bmm"])
        k = sh[-1] if nd >= 1 else 2
        if op == "mm":
            oshape = [k, r.choice([1, 2, 3])]
        elif op == "bmm":
            oshape = [sh[0] if nd == 3 else 2, k, r.choice([1, 2, 3])]
        else:
            oshape = r.choice([[k], [k, 2], [2, k, 3], [1, k, 1]])
        if r.random() < 0.3:  # transpose-made operand
            y = new_input(oshape[:-2] + [oshape[-1], oshape[-2]] if len(oshape) >= 2 else oshape, "float64" if xv.dtype == torch.float64 else "float32")
            pre.append({"op": "transpose", "args": [T(y)], "kw": {"d0": -1, "d1": -2}} if len(oshape) >= 2 else {"op": "clone", "args": [T(y)]})
            return pre + [{"op": op, "args": [T(x), T(nvals + len(pre) - 1)]}]
        y = new_input(oshape, "float64" if xv.dtype == torch.float64 else "float32")
        return pre + [{"op": op, "args": [T(x), T(y)]}]
    if kind == "einsum":
        letters = "ijkl"[:nd]
        if nd == 0:
            return pre + [{"op": "einsum", "args": [T(x)], "kw": {"eq": "->"}}]
        choice = r.random()
        if choice < 0.35:
            out = "".join(r.sample(letters, r.randint(0, nd)))
            return [{"op": "einsum", "args": [T(x)], "kw": {"eq": letters + "->" + out}}]
        m = r.choice([1, 2, 3])
        y = new_input([sh[-1], m], "float64" if xv.dtype == torch.float64 else "float32")
        eq = letters + "," + letters[-1] + "z->" + letters[:-1] + "z"
        if choice < 0.6 and nd >= 2:
            eq = letters + "," + letters[-1] + "z->z"
        return pre + [{"op": "einsum", "args": [T(x), T(y)], "kw": {"eq": eq}}]
    if kind == "view" or kind == "noncontig":
        op = r.choice(["view", "reshape", "permute", "transpose", "narrow", "select", "unsqueeze", "squeeze", "expand",
                       "flatten", "movedim"] + (["expand", "transpose", "narrow", "permute"] if kind == "noncontig" else []))
        n = xv.numel()
        if op in ("view", "reshape"):
            if r.random() < 0.5 and n > 0:
                shape = [n // d for d in [1] if True] if r.random() < 0.3 else [-1]
                if nd >= 2 and r.random() < 0.5:
                    shape = [sh[0], -1]
                elif n > 1 and n % 2 == 0:
                    shape = [2, -1, 1] if r.random() < 0.5 else [-1, 2]
            else:
                shape = list(reversed(sh)) if r.random() < 0.5 else sh[:1] + [1] + sh[1:]
            return [{"op": op, "args": [T(x)], "kw": {"shape": shape}}]
        if op == "permute":
            p = list(range(nd))
            r.shuffle(p)
            return [{"op": op, "args": [T(x)], "kw": {"dims": p}}]
        if op in ("transpose", "movedim"):
            return [{"op": op, "args": [T(x)], "kw": {"d0": rdim(), "d1": rdim()}}]
        if op == "narrow":
            d = rdim()
            size = sh[d] if nd and -nd <= d < nd else 1
            start = r.randint(0, max(size - 1, 0))
            return [{"op": op, "args": [T(x)], "kw": {"dim": d, "start": start, "length": r.randint(0, size - start) if r.random() < 0.95 else size + 1}}]
        if op == "select":
            d = rdim()
            size = sh[d] if nd and -nd <= d < nd else 1
            return [{"op": op, "args": [T(x)], "kw": {"dim": d, "index": r.randint(-size, size - 1) if size > 0 else 0}}]
        if op == "unsqueeze":
            return [{"op": op, "args": [T(x)], "kw": {"dim": r.randint(-nd - 1, nd)}}]
        if op == "squeeze":
            return [{"op": op, "args": [T(x)], "kw": {} if r.random() < 0.4 else {"dim": rdim()}}]
        if op == "expand":
            shape = [(r.choice([2, 3]) if d == 1 and r.random() < 0.7 else (-1 if r.random() < 0.3 else d)) for d in sh]
            if r.random() < 0.4:
                shape = [r.choice([1, 2])] + shape
            return [{"op": op, "args": [T(x)], "kw": {"shape": shape}}]
        if op == "flatten":
            a, b = sorted([rdim(), rdim()], key=lambda d: d % max(nd, 1))
            return [{"op": op, "args": [T(x)], "kw": {"start": a, "end": b}}]
    if kind == "index":
        el = []
        for d in sh[: r.randint(0, nd)]:
            c = r.random()
            if c < 0.3:
                el.append({"slice": [r.choice([None, 0, 1, -1]), r.choice([None, d, -1, 2]), r.choice([None, 1, 2])]})
            elif c < 0.5 and d > 0:
                el.append(r.randint(-d, d - 1))
            elif c < 0.6:
                el.append({"none": 1})
            elif c < 0.8:
                el.append(T(len(pre) + nvals))
                pre.append(g.index_input([r.choice([1, 2, 3])] if r.random() < 0.7 else [2, 2], d))
            else:
                el.append(T(len(pre) + nvals))
                pre.append({"op": "input", "kw": {"data": [r.random() < 0.5 for _ in range(d)], "shape": [d], "dtype": "bool", "rg": False}})
        if r.random() < 0.15:
            el.insert(r.randint(0, len(el)), {"ellipsis": 1})
        if r.random() < 0.1 and nd > 0:
            m = pick(r, vals, lambda v: v.dtype == torch.bool and list(v.shape) == sh)
            if m is not None:
                el = [T(m)]
        return pre + [{"op": "index", "args": [T(x)], "kw": {"el": el}}]
    if kind == "index_put" and xv.dtype == torch.int64:  # an index tensor: int64 in PyTorch, int32 in torchlet
        return [{"op": "clone", "args": [T(x)]}]
    if kind == "index_put":
        el = []
        for d in sh[: r.randint(1, max(nd, 1))] if nd else []:
            c = r.random()
            if c < 0.4:
                el.append({"slice": [r.choice([None, 0, 1]), r.choice([None, d, -1]), r.choice([None, 1, 2])]})
            elif c < 0.7 and d > 0:
                el.append(r.randint(-d, d - 1))
            elif c < 0.85:
                el.append(T(len(pre) + nvals))
                pre.append(g.index_input([r.choice([1, 2])], d))
            else:
                el.append(T(len(pre) + nvals))
                pre.append({"op": "input", "kw": {"data": [r.random() < 0.5 for _ in range(d)], "shape": [d], "dtype": "bool", "rg": False}})
        try:
            tgt = xv.detach()[tuple(idx_el(type("C", (), {"vals": vals + [run_step(Ctx(), p)[0] for p in pre]})(), e) for e in el)]
            vshape = list(tgt.shape)
        except Exception:  # noqa: BLE001
            vshape = [1]
        if r.random() < 0.4:
            v = r.choice([0, 1.5, -2])
        else:
            v = T(new_input(bshape(r, vshape), "float64" if xv.dtype == torch.float64 else ("float32" if xv.is_floating_point() else "int32")))
        kw = {"el": el}
        # (Python's index_put_ takes index tensors only: slices there are a Python-only error)
        if r.random() < 0.2 and el and all(isinstance(e, dict) and "t" in e for e in el):
            kw["accumulate"] = True
        return pre + [{"op": "index_put_", "args": [T(x), v], "kw": kw}]
    if kind == "copy":
        y = T(new_input(bshape(r, sh), r.choice(["float32", "float64", "int32"]), r.random() < 0.5))
        return pre + [{"op": "copy_", "args": [T(x), y]}]
    if kind == "cat":
        op = r.choice(["cat", "stack"])
        d = rdim(n=nd + (op == "stack"))
        others = [x]
        for _ in range(r.randint(1, 2)):
            s2 = list(sh)
            if op == "cat" and nd and -nd <= d < nd and r.random() < 0.7:
                s2[d] = r.choice([0, 1, 2])
            o = pick(r, vals, lambda v: list(v.shape) == s2 and v is not xv) if r.random() < 0.5 else None
            others.append(o if o is not None else new_input(s2, r.choice(["float32", "float64", "int32"]) if r.random() < 0.3 else None))
        return pre + [{"op": op, "args": [[T(i) for i in others]], "kw": {"dim": d}}]
    if kind == "split":
        d = rdim()
        size = sh[d] if nd and -nd <= d < nd else 1
        op = r.choice(["split", "chunk"])
        n = r.choice([1, 2, 3]) if op == "chunk" else (r.choice([1, 2]) if r.random() < 0.6 else [max(size - 1, 0), 1] if size > 0 else [0])
        return [{"op": op, "args": [T(x)], "kw": {"n": n, "dim": d}}]
    if kind == "where":
        c = pick(r, vals, lambda v: v.dtype == torch.bool)
        if c is None or r.random() < 0.5:
            pre.append({"op": "gt", "args": [T(x), r.choice([0, 0.5])]})
            c = nvals + len(pre) - 1
        b = other(sh)
        if not isinstance(b, dict):
            b = r.choice([0, 1.5, -1])
        a2 = T(x) if r.random() < 0.8 else r.choice([2, 0.5])
        return pre + [{"op": "where", "args": [T(c), a2, b]}]
    if kind == "softmax":
        if not is_float(xv):  # 1.13 skips its dtype check on empty int tensors
            return [{"op": "float", "args": [T(x)]}]
        return [{"op": r.choice(["softmax", "log_softmax"]), "args": [T(x)], "kw": {"dim": rdim()}}]
    if kind == "scan":
        return [{"op": r.choice(["cumsum", "cumprod"]), "args": [T(x)], "kw": {"dim": rdim()}}]
    if kind in ("sort", "maxmin") and xv.numel() > 0 and xv.detach().flatten().unique().numel() < xv.numel():
        # ties: which index PyTorch returns is its implementation's choice
        return [{"op": "clone", "args": [T(x)]}]
    if kind == "sort":
        if r.random() < 0.5:
            return [{"op": "sort", "args": [T(x)], "kw": {"dim": rdim(), "desc": r.random() < 0.5}}]
        d = rdim()
        size = sh[d] if nd and -nd <= d < nd else 1
        return [{"op": "topk", "args": [T(x)], "kw": {"k": r.randint(0, size) if r.random() < 0.95 else size + 1, "dim": d, "largest": r.random() < 0.6}}]
    if kind == "gather":
        d = rdim()
        if r.random() < 0.5:
            size = sh[d] if nd and -nd <= d < nd else 1
            ishape = [max(1, s - r.randint(0, 1)) for s in sh] if nd else []
            if nd and -nd <= d < nd:
                ishape[d] = r.choice([1, 2, 3])
            idx = len(pre) + nvals
            pre.append(g.index_input(ishape, size, allow_neg=False))
            return pre + [{"op": "gather", "args": [T(x), T(idx)], "kw": {"dim": d}}]
        size = sh[d] if nd and -nd <= d < nd else 1
        idx = len(pre) + nvals
        # (1.13's index_select reads outside the tensor for negative indices; 2.x raises)
        # (1.13 leaves the result of a 0-d input and an empty index uninitialized)
        pre.append(g.index_input([r.choice([0, 1, 2, 3] if nd else [1])], size, allow_neg=False))
        return pre + [{"op": "index_select", "args": [T(x), T(idx)], "kw": {"dim": d}}]
    if kind == "scatter":
        d = rdim()
        size = sh[d] if nd and -nd <= d < nd else 1
        ishape = [max(1, s - r.randint(0, 1)) if s else 0 for s in sh]
        idx = len(pre) + nvals
        pre.append(g.index_input(ishape, size, allow_neg=False))
        src = new_input(ishape, "float64" if xv.dtype == torch.float64 else "float32", r.random() < 0.6)
        op = r.choice(["scatter", "scatter_", "scatter_add", "scatter_add_"])
        return pre + [{"op": op, "args": [T(x), T(idx), T(src)], "kw": {"dim": d}}]
    if kind == "detach":
        return [{"op": r.choice(["detach", "detach_", "requires_grad_"]), "args": [T(x)], "kw": {"v": r.random() < 0.8}}]
    if kind == "mode":
        return [{"op": r.choice(["nograd", "nograd", "enablegrad", "endmode"])}]
    # 2.x runs retain_grad's hook after the others, whatever the order; 1.13 in registration order
    if kind == "retain" and not xv._backward_hooks:
        return [{"op": "retain_grad", "args": [T(x)]}]
    if kind in ("retain", "hook") and xv.retains_grad:
        return [{"op": "clone", "args": [T(x)]}]
    if kind == "retain":
        return [{"op": "clone", "args": [T(x)]}]
    if kind == "hook":
        extra["hooks"] += 1
        return [{"op": "hook", "args": [T(x)], "kw": {"id": extra["hooks"], "scale": r.choice([1, 1, 2, -1])}}]
    if kind == "to":
        return [{"op": "to", "args": [T(x)], "kw": {"dtype": r.choice(["float32", "float64", "int32" if finite and xv.dtype != torch.int64 else "float32", "bool"])}}]
    if kind == "masked":
        pre.append({"op": "lt", "args": [T(x), 0]})
        return pre + [{"op": r.choice(["masked_fill", "masked_fill_"]), "args": [T(x), T(nvals + len(pre) - 1)], "kw": {"v": r.choice([0, -1.5, 2])}}]
    if kind == "tril":
        if nd < 2:  # 1.13 says "Dimension out of range", 2.x "tril: input tensor must have at least 2 dimensions"
            return [{"op": "clone", "args": [T(x)]}]
        return [{"op": r.choice(["tril", "triu"]), "args": [T(x)], "kw": {"diag": r.choice([0, 1, -1])}}]
    raise AssertionError(kind)


def replay(steps):
    """The values after running steps and the open grad-mode blocks: (None, None) if a step
    raises, ("broken", None) if a value cannot be read (a multi-output view modified in
    place raises on reading grad_fn: left to another probe)."""
    ctx = Ctx()
    torch.set_grad_enabled(True)
    try:
        for s in steps:
            for o in run_step(ctx, s):
                ctx.vals.append(o)
        for v in ctx.vals:
            v.grad_fn
    except Exception as e:  # noqa: BLE001
        return ("broken" if "multiple views" in str(e) or "created in no_grad mode" in str(e) else None), None
    finally:
        modes = list(ctx.modes)
        while ctx.modes:
            torch.set_grad_enabled(ctx.modes.pop())
        torch.set_grad_enabled(True)
    return ctx.vals, modes


def make_program(seed):
    r = random.Random(seed)
    g = Gen(r)
    steps = [g.input() for _ in range(r.randint(1, 3))]
    extra = {"hooks": 0}
    allow_error = r.random() < 0.25
    nops = r.randint(3, 8)
    ops = 0
    tries = 0
    ended_error = False
    while ops < nops and tries < 60:
        tries += 1
        vals, modes = replay(steps)
        if vals is None:
            break
        # "endmode" only closes an open block
        cand = gen_step(g, vals, len(vals), extra)
        if cand[-1]["op"] == "endmode" and not modes:
            continue
        last = cand[-1]
        if last["op"].endswith("_") and last["op"] not in ("requires_grad_", "detach_") and last.get("args"):
            tgt = last["args"][0]
            tv = vals[tgt["t"]] if isinstance(tgt, dict) and "t" in tgt and tgt["t"] < len(vals) else None
            if isinstance(tv, torch.Tensor) and tv._base is not None and tv._base.retains_grad:
                # an in-place op on a view of a tensor that retains grad: 2.x moves the retained-grad hook to the base's
                # new CopySlices node (update_tensor_hooks_on_new_gradfn), 1.13 leaves it on the old node
                continue
        nv, _ = replay(steps + cand)
        if nv == "broken":
            continue
        if nv is None:
            if allow_error and r.random() < 0.3:
                steps += cand
                ended_error = True
                break
            continue
        steps += cand
        ops += 1
    while True:
        vals, modes = replay(steps)
        if vals is None or not modes:
            break
        steps.append({"op": "endmode"})
    prog = {"seed": seed, "steps": steps}
    if not ended_error and vals is not None:
        cands = [i for i, v in enumerate(vals) if isinstance(v, torch.Tensor) and v.requires_grad and v.is_floating_point()]
        if cands:
            t = cands[-1] if r.random() < 0.7 else r.choice(cands)
            tv = vals[t]
            kind = r.choices(["once", "twice", "grad2"], [6, 1, 3])[0]
            hooked = [s["args"][0]["t"] for s in steps if s["op"] == "hook"]
            if kind == "grad2" and any(vals[i].is_leaf for i in hooked):
                # 2.x runs a leaf's hooks on the gradient autograd.grad returns for it, 1.13 does not
                kind = "once"
            if kind == "grad2" and any(s["op"] == "F.hardsigmoid" for s in steps):
                # 1.13 has no double backward for hardsigmoid (2.x has)
                kind = "once"
            b = {"target": t, "kind": kind}
            if tv.numel() != 1 or r.random() < 0.5:
                b["grad"] = g.data(list(tv.shape), "float32")
            leaves = [i for i, v in enumerate(vals) if isinstance(v, torch.Tensor) and v.is_leaf and v.requires_grad]
            if kind == "grad2":
                b["h"] = [g.data(list(vals[i].shape), "float32") for i in leaves]
            prog["backward"] = b
    return prog


def main():
    seed, count, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    progs = []
    for k in range(count):
        p = make_program(seed * 1000003 + k)
        p["result"] = run_program(p)
        progs.append(p)
    with open(out, "w") as f:
        json.dump({"torch": torch.__version__, "programs": progs}, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
