#!/usr/bin/python3
"""Writes the PyTorch golden fixtures that test/ops-*.test.ts and test/autograd-*.test.ts read.

Run with the system Python that has PyTorch (1.13 from Debian):

    npm run build && /usr/bin/python3 scripts/gen_op_fixtures.py

The op table itself lives in test/op-table/cases.ts (one entry per case); this
script asks node for it as JSON, draws each case's inputs and upstream gradient
from a generator seeded by the case id, runs the op in PyTorch and writes the
inputs, output and input gradients to test/fixtures/ops/table.json. The
second-order and grad_fn fixtures are written to test/fixtures/ops/autograd.json.

Conventions converted for torchlet: int64 results (indices, argmax, integer
arithmetic) are reported as int32; JS numbers are float32 by default, as the
table's inputs are. Non-finite numbers are written as the strings "nan",
"inf" and "-inf" (JSON has no spelling for them).
"""
import json
import math
import os
import subprocess
import sys
import zlib

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "test", "fixtures", "ops")

DTYPES = {"float32": torch.float32, "float64": torch.float64, "int32": torch.int64, "bool": torch.bool}
NAMES = {torch.float32: "float32", torch.float64: "float64", torch.int64: "int32", torch.int32: "int32", torch.bool: "bool"}


def load_table():
    js = "import('./dist/test/op-table/cases.js').then((m) => process.stdout.write(JSON.stringify(m.OP_TABLE)))"
    out = subprocess.run(["node", "-e", js], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def snake(name):
    return "".join("_" + c.lower() if c.isupper() else c for c in name)


def enc_number(v, dtype):
    if isinstance(v, bool):
        return int(v)
    if dtype in (torch.int64, torch.int32, torch.bool):
        return int(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if dtype == torch.float32:
        # 9 significant digits round-trip a float32 and keep the file small
        return float("%.9g" % v)
    return v


def encode(t):
    """A tensor as {shape, dtype, data}: data flat in row-major order."""
    flat = t.detach().reshape(-1).tolist()
    return {"shape": list(t.shape), "dtype": NAMES[t.dtype], "data": [enc_number(v, t.dtype) for v in flat]}


def dec_values(v):
    if isinstance(v, list):
        return [dec_values(x) for x in v]
    if isinstance(v, str):
        return float(v)
    return v


def draw(spec, gen):
    dtype = DTYPES[spec.get("dtype", "float32")]
    shape = spec["shape"]
    if "values" in spec:
        return torch.tensor(dec_values(spec["values"]), dtype=dtype).reshape(shape)
    kind = spec.get("gen", "randn")
    if kind == "randn":
        x = torch.randn(shape, generator=gen, dtype=torch.float64)
    elif kind == "pos":
        x = torch.rand(shape, generator=gen, dtype=torch.float64) * 1.5 + 0.5
    elif kind == "uniform":
        x = torch.rand(shape, generator=gen, dtype=torch.float64) * 2 - 1
    elif kind == "ties":
        x = torch.randint(-1, 2, shape, generator=gen).double()
    elif kind == "bool":
        x = torch.rand(shape, generator=gen) < 0.5
    elif kind.startswith("int:"):
        _, lo, hi = kind.split(":")
        x = torch.randint(int(lo), int(hi), shape, generator=gen)
    else:
        raise ValueError("unknown gen " + kind)
    return x.to(dtype)


def apply_views(x, steps):
    for step in steps or []:
        kind, rest = step[0], step[1:]
        if kind == "transpose":
            x = x.transpose(rest[0], rest[1])
        elif kind == "permute":
            x = x.permute(*rest[0])
        elif kind == "expand":
            x = x.expand(*rest[0])
        elif kind == "narrow":
            x = x.narrow(rest[0], rest[1], rest[2])
        elif kind == "select":
            x = x.select(rest[0], rest[1])
        elif kind == "clone":
            x = x.clone()
        else:
            raise ValueError("unknown view " + kind)
    return x


def resolve(arg, ts):
    if isinstance(arg, dict):
        return ts[arg["t"]]
    if isinstance(arg, list):
        return [resolve(a, ts) for a in arg]
    return arg


def call(case, ts):
    if "py" in case:
        scope = {"torch": torch}
        scope.update({"a%d" % i: t for i, t in enumerate(ts)})
        return eval(case["py"], scope)
    kwargs = {}
    for k, v in case.get("options", {}).items():
        kwargs[snake(k)] = DTYPES[v] if k == "dtype" else v
    args = [resolve(a, ts) for a in case["args"]]
    if case.get("method"):
        return getattr(args[0], snake(case["op"]))(*args[1:], **kwargs)
    fn = getattr(torch, snake(case["op"]))
    return fn(*args, **kwargs)


def run_case(case):
    gen = torch.Generator().manual_seed(zlib.crc32(case["id"].encode()))
    leaves = []
    for spec in case["inputs"]:
        x = draw(spec, gen)
        wants = spec.get("grad", x.is_floating_point())
        leaves.append(x.clone().requires_grad_(bool(wants)))
    # before the op: in-place cases may write to a leaf (or a view of one)
    inputs = [encode(x) for x in leaves]
    needs = [x for x in leaves if x.requires_grad]
    ts = [apply_views(x, spec.get("view")) for x, spec in zip(leaves, case["inputs"])]
    out = call(case, ts)
    if "out" in case:
        out = getattr(out, case["out"])
    record = {"inputs": inputs, "out": encode(out), "gradOut": None, "grads": [None] * len(leaves)}
    if out.requires_grad and needs:
        g = torch.randn(out.shape, generator=gen, dtype=torch.float64).to(out.dtype)
        grads = torch.autograd.grad(out, needs, g, allow_unused=True)
        record["gradOut"] = encode(g)["data"]
        it = iter(grads)
        record["grads"] = [(lambda gr: None if gr is None else encode(gr)["data"])(next(it)) if any(x is n for n in needs) else None for x in leaves]
    return record


# ---------------------------------------------------------------- autograd fixtures


def second_order():
    gen = torch.Generator().manual_seed(1234)
    out = {}
    for name, fn in (("cube", lambda x: x ** 3), ("tanh", torch.tanh)):
        x = torch.randn(5, generator=gen).requires_grad_()
        v = torch.randn(5, generator=gen)
        (g,) = torch.autograd.grad(fn(x).sum(), x, create_graph=True)
        (gg,) = torch.autograd.grad((g * v).sum(), x)
        out[name] = {"x": encode(x)["data"], "v": encode(v)["data"], "grad": encode(g)["data"], "gradgrad": encode(gg)["data"]}
    for act in ("tanh", "sigmoid"):
        x = torch.randn(4, 3, generator=gen)
        w1 = (torch.randn(3, 5, generator=gen) * 0.5).requires_grad_()
        b1 = (torch.randn(5, generator=gen) * 0.1).requires_grad_()
        w2 = (torch.randn(5, 2, generator=gen) * 0.5).requires_grad_()
        h = getattr(torch, act)(x.matmul(w1) + b1)
        loss = (h.matmul(w2) ** 2).sum()
        params = [w1, b1, w2]
        grads = torch.autograd.grad(loss, params, create_graph=True)
        # gradient penalty: the squared norm of the gradient, differentiated again
        penalty = sum((g ** 2).sum() for g in grads)
        gg = torch.autograd.grad(penalty, params)
        out["mlp_" + act] = {
            "x": encode(x),
            "params": [encode(p) for p in params],
            "loss": loss.item(),
            "grads": [encode(g)["data"] for g in grads],
            "penalty": penalty.item(),
            "gradgrad": [encode(g)["data"] for g in gg],
        }
    return out


def graph(fn, depth=4):
    """grad_fn name and next_functions, as nested {name, next} (null where no gradient flows)."""
    if fn is None:
        return None
    # C++ nodes print without their namespace in PyTorch's repr (grad_fn=<CopyBackwards>)
    node = {"name": fn.name().rsplit("::", 1)[-1]}
    if depth > 0 and node["name"] != "AccumulateGrad":
        node["next"] = [graph(f, depth - 1) for f, _ in fn.next_functions]
    if node["name"] == "ReshapeAliasBackward0":
        # PyTorch 1.13 only; 2.x records a reshape that can view as ViewBackward0
        node["name"] = "ViewBackward0"
    return node


# Each expression also appears, by id, in test/autograd-graph.test.ts.
GRAPH_EXPRS = {
    "add-sum": lambda a, b, c: (a + b).sum(),
    "mm-relu-mean": lambda a, b, c: a.mm(b.t()).relu().mean(),
    "exp-sub-tanh": lambda a, b, c: (a * 2).exp().sub(b.tanh()),
    "div-constant": lambda a, b, c: a.sigmoid().div(c),
    "scalar-ops": lambda a, b, c: (2 - a) / 3 + 2 / b,
    "pow-cat-sum": lambda a, b, c: torch.cat([a, b]).pow(2).sum(0),
    "max-views": lambda a, b, c: a.max(0).values + a.max() + a.t().select(1, 0),
    "softmax-stack": lambda a, b, c: torch.stack([a.softmax(1), b.log_softmax(0)]).clamp(min=0),
    "reshape-expand": lambda a, b, c: a.reshape(6).unsqueeze(0).expand(2, 6).narrow(1, 1, 3),
    "inplace-chain": lambda a, b, c: a.clone().add_(b).mul_(2).clamp_(-1, 1),
    "copy-fill": lambda a, b, c: torch.zeros(2, 3).copy_(a) + b.clone().fill_(1),
    "matvec-dot": lambda a, b, c: a.matmul(b[0]).matmul(b.select(1, 0)) + torch.where(c > 0, a, b).sum(),
}


def _copy_into_row(a, b, c):
    z = torch.zeros(2, 3)
    z.select(0, 1).copy_(a.select(0, 0))
    return z * c


def _mul_slice(a, b, c):
    h = a * 2
    h.narrow(1, 0, 2).mul_(b.narrow(1, 1, 2))
    return h.exp()


def _nested_view(a, b, c):
    h = a.clone()
    h.t().select(0, 2).add_(b.select(1, 0))
    return h * h


def _fill_slice(a, b, c):
    h = a + b
    h.select(1, 1).fill_(0)
    return h.pow(2)


def _view_and_base(a, b, c):
    h = a.clone()
    v = h.narrow(0, 0, 1)
    v.mul_(3)
    return v.sum() + h.sum() * 2 + b.sum()


def _relu_transposed(a, b, c):
    h = a * b
    h.t().relu_()
    return h


# Each also appears, by id, in test/autograd-inplace-views.test.ts.
INPLACE_VIEW_EXPRS = {
    "copy-into-row-of-zeros": _copy_into_row,
    "mul-slice-of-nonleaf": _mul_slice,
    "nested-view": _nested_view,
    "fill-slice": _fill_slice,
    "view-and-base": _view_and_base,
    "relu-transposed": _relu_transposed,
}


def inplace_views():
    out = {}
    for name, fn in INPLACE_VIEW_EXPRS.items():
        gen = torch.Generator().manual_seed(zlib.crc32(name.encode()))
        a = torch.randn(2, 3, generator=gen).requires_grad_()
        b = torch.randn(2, 3, generator=gen).requires_grad_()
        c = torch.randn(2, 3, generator=gen)
        y = fn(a, b, c)
        v = torch.randn(y.shape, generator=gen)
        ga, gb = torch.autograd.grad(y, [a, b], v, allow_unused=True)
        out[name] = {
            "a": encode(a)["data"], "b": encode(b)["data"], "c": encode(c)["data"], "v": encode(v),
            "out": encode(y), "gradA": encode(ga)["data"], "gradB": None if gb is None else encode(gb)["data"],
        }
    # second order through an in-place op on a view
    gen = torch.Generator().manual_seed(5)
    a = torch.randn(2, 3, generator=gen).requires_grad_()
    h = a.clone()
    h.narrow(1, 1, 2).mul_(a.narrow(1, 0, 2))
    (g,) = torch.autograd.grad(h.pow(2).sum(), a, create_graph=True)
    (gg,) = torch.autograd.grad(g.sum(), a)
    out["second-order"] = {"a": encode(a)["data"], "grad": encode(g)["data"], "gradgrad": encode(gg)["data"]}
    return out


def graphs():
    gen = torch.Generator().manual_seed(99)
    a = torch.randn(2, 3, generator=gen).requires_grad_()
    b = torch.randn(2, 3, generator=gen).requires_grad_()
    c = torch.randn(2, 3, generator=gen)
    return {name: graph(fn(a, b, c).grad_fn, depth=5) for name, fn in GRAPH_EXPRS.items()}


def reprs():
    """PyTorch's repr of a few tensors: number styles, widths, wrapping, summarizing, suffixes."""
    gen = torch.Generator().manual_seed(7)
    nan, inf = float("nan"), float("inf")
    f32 = lambda v: torch.tensor(v, dtype=torch.float32)
    cases = {
        "fixed": f32([1.5, -2, 3]),
        "0d": f32(3.25),
        "sci-ratio": f32([0.0001, 1000]),
        "sci-large": f32([1e10, 1]),
        "int-like-ratio": f32([100000, 1]),
        "nan-inf-int": f32([nan, 1, inf]),
        "nan-inf-fixed": f32([nan, 1.5, -inf]),
        "ints": f32([1, 2, 3]),
        "zeros": f32([0, 0]),
        "negative-zero": f32([-0.0, 1]),
        "tiny": f32([1e-5, 2e-5]),
        "empty": f32([]),
        "empty-2d": torch.zeros(2, 0),
        "matrix": f32([[1, 2], [3, 4]]),
        "3d": torch.arange(24, dtype=torch.float32).reshape(2, 3, 4) * 0.5,
        "wrap": torch.randn(3, 30, generator=gen),
        "summarized-1d": torch.arange(2000, dtype=torch.float32),
        "summarized-2d": torch.randn(40, 40, generator=gen),
        "summarized-rows": torch.randn(8, 200, generator=gen),
        "float64": torch.randn(3, generator=gen, dtype=torch.float64),
        "int32": torch.arange(-3, 12, dtype=torch.int32),
        "bool": torch.tensor([True, False, True]),
        "empty-int32": torch.zeros(0, dtype=torch.int32),
        # exact binary ties at the 4th decimal: Python's format rounds them to even
        "ties-to-even": f32([1.03125, -0.15625, 1.09375, 2]),
    }
    out = {}
    for name, t in cases.items():
        out[name] = {"value": encode(t), "repr": repr(t)}
    x = torch.tensor([1.5, -2.0], requires_grad=True)
    out["requires-grad"] = {"value": encode(x), "requiresGrad": True, "repr": repr(x)}
    out["grad-fn"] = {"value": encode(x), "requiresGrad": True, "mul2": True, "repr": repr(x * 2)}
    long = torch.randn(6, generator=gen).requires_grad_()
    out["grad-fn-wrapped"] = {"value": encode(long), "requiresGrad": True, "mul2": True, "repr": repr(long * 2)}
    return out


def main():
    torch.set_num_threads(1)
    table = load_table()
    seen = set()
    cases = {}
    for case in table:
        if case["id"] in seen:
            sys.exit("duplicate case id " + case["id"])
        seen.add(case["id"])
        try:
            cases[case["id"]] = run_case(case)
        except Exception as e:  # a table entry PyTorch refuses is a bug in the entry
            sys.exit("case %s failed in PyTorch: %s" % (case["id"], e))
    os.makedirs(OUT_DIR, exist_ok=True)
    meta = {"torch": torch.__version__, "generator": "scripts/gen_op_fixtures.py"}
    with open(os.path.join(OUT_DIR, "table.json"), "w") as fh:
        json.dump({"meta": meta, "cases": cases}, fh, separators=(",", ":"))
        fh.write("\n")
    with open(os.path.join(OUT_DIR, "autograd.json"), "w") as fh:
        json.dump({"meta": meta, "secondOrder": second_order(), "graphs": graphs(), "inplaceViews": inplace_views()}, fh, separators=(",", ":"))
        fh.write("\n")
    with open(os.path.join(OUT_DIR, "repr.json"), "w") as fh:
        json.dump({"meta": meta, "reprs": reprs()}, fh, separators=(",", ":"))
        fh.write("\n")
    print("wrote %d cases to %s" % (len(cases), OUT_DIR))


if __name__ == "__main__":
    main()
