#!/usr/bin/python3
"""Writes PyTorch's answers for saved-tensor hooks, node hooks and checkpoint:

    test/fixtures/autograd/hooks.json

Run with the system Python that has PyTorch (1.13 from Debian):

    /usr/bin/python3 scripts/gen_autograd_hooks_fixtures.py

test/autograd-hooks.test.ts and test/checkpoint.test.ts define the same
expressions. A tensor is {"shape", "data"}, numbers at 9 significant digits
(scripts/fixture_numbers.py).

Where 1.13 and 2.x differ, the fixture holds 2.x's answer and says so:
- 1.13 hands a wrapped number (the 3 of `x * 3`, a 0-d tensor that does not
  require grad) to the pack hook; 2.x does not ("Avoid wrapped numbers from
  being leaked to the user", saved_variable.cpp). The pack logs below drop
  those calls, which is 2.x's log.
- Hook order (tensor hooks before node pre-hooks on a leaf's AccumulateGrad,
  retained grads after tensor hooks) changed in 2.0; the test writes 2.x's
  order inline. Values do not depend on it in the cases here.
"""
import json
import os

import torch
import torch.utils.checkpoint as C

from fixture_numbers import enc, flat

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test", "fixtures", "autograd")


def det(shape, seed):
    """Deterministic float32 values in about [-1.2, 1.3], different per seed."""
    n = 1
    for d in shape:
        n *= d
    vals = [((k * 7 + seed * 3) % 11) / 4.4 - 1.2 + 0.05 * seed for k in range(n)]
    return torch.tensor(vals, dtype=torch.float32).reshape(shape)


def T(t):
    return {"shape": list(t.shape), "data": flat(t)}


# ---------------------------------------------------------------------------
# saved-tensor hooks: what pack sees, how often unpack runs, and that backward
# uses what unpack returns (an unpack that adds 1 changes the gradient)

SAVED = {
    "exp": lambda x, w: x.exp(),
    "sigmoid": lambda x, w: x.sigmoid(),
    "tanh": lambda x, w: x.tanh(),
    "pow2": lambda x, w: x.pow(2),
    "sin": lambda x, w: x.sin(),
    "relu": lambda x, w: x.relu(),
    "softmax": lambda x, w: x.softmax(1),
    "mm": lambda x, w: x.mm(w),
    "mul_const": lambda x, w: x * 3,
    "sum": lambda x, w: x.sum(),
    "exp_sin": lambda x, w: x.exp().sin(),
}


def describe(t):
    return [list(t.shape), t.requires_grad, type(t.grad_fn).__name__ if t.grad_fn is not None else None]


def saved_case(name, fn):
    x = det([2, 3], 1).requires_grad_()
    w = det([3, 2], 2).requires_grad_()
    packs, unpacks = [], []

    def pack(t):
        if t.dim() == 0 and not t.requires_grad:
            return t  # a wrapped number: 2.x does not pack it (see above)
        packs.append(describe(t))
        return t

    def unpack(t):
        if not (t.dim() == 0 and not t.requires_grad):
            unpacks.append(1)
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
        y = fn(x, w)
    g = det(list(y.shape), 3)
    y.backward(g)
    plain = {"x": flat(x.grad), "w": flat(w.grad) if w.grad is not None else None}

    x.grad = None
    w.grad = None
    # (a wrapped number goes through unchanged: 2.x does not pack it)
    def shift_pack(t):
        return ("wrapped", t) if t.dim() == 0 and not t.requires_grad else ("saved", t.clone())

    def shift_unpack(p):
        return p[1] if p[0] == "wrapped" else p[1] + 1

    with torch.autograd.graph.saved_tensors_hooks(shift_pack, shift_unpack):
        y2 = fn(x, w)
    y2.backward(g)
    shifted = {"x": flat(x.grad), "w": flat(w.grad) if w.grad is not None else None}
    return {
        "name": name, "x": T(x), "w": T(w), "gradOutput": T(g), "output": T(y),
        "packs": packs, "unpacks": len(unpacks), "grads": plain, "gradsUnpackPlusOne": shifted,
    }


# ---------------------------------------------------------------------------
# node hooks: replacing gradients in pre- and post-hooks, on an AccumulateGrad too

def node_hooks():
    out = {}
    x = det([4], 1).requires_grad_()
    y = x.exp()
    z = y.sin()
    y.grad_fn.register_prehook(lambda go: (go[0] * 10,))
    y.grad_fn.register_hook(lambda gi, go: (gi[0] + 1,))
    z.sum().backward()
    out["prePost"] = {"x": T(x), "grad": flat(x.grad)}

    x = det([4], 2).requires_grad_()
    y = x.tanh()
    acc = y.grad_fn.next_functions[0][0]
    seen = []
    acc.register_prehook(lambda go: (go[0] * 2,))
    acc.register_hook(lambda gi, go: seen.append([len(gi), flat(go[0])]))
    y.sum().backward()
    out["accumulateGrad"] = {"x": T(x), "grad": flat(x.grad), "postHookSaw": seen}

    # a post hook on a node with an input that does not require grad sees None there
    a = det([3], 3).requires_grad_()
    c = det([3], 4)
    b = a * c
    got = []
    b.grad_fn.register_hook(lambda gi, go: got.append([None if g is None else flat(g) for g in gi]))
    b.sum().backward()
    out["noneInput"] = {"a": T(a), "c": T(c), "gradInputs": got[0]}

    # a node with two outputs, one unused: its gradient arrives as None
    class TwoOut(torch.autograd.Function):
        @staticmethod
        def forward(ctx, t):
            return t * 2, t * 3

        @staticmethod
        def backward(ctx, g1, g2):
            return g1 * 2 + g2 * 3

    a = det([3], 5).requires_grad_()
    first, _second = TwoOut.apply(a)
    got = []
    first.grad_fn.register_prehook(lambda go: got.append([None if g is None else flat(g) for g in go]))
    (first * 2).sum().backward()
    out["unusedOutput"] = {"gradOutputs": got[0], "grad": flat(a.grad)}
    return out


def hook_errors():
    """PyTorch's messages for bad hook results (the same in 1.13 and 2.x)."""
    msgs = {}

    def run(kind, hook):
        a = torch.ones(3, requires_grad=True)
        b = a.exp()
        (b.grad_fn.register_prehook if kind == "pre" else b.grad_fn.register_hook)(hook)
        try:
            b.sum().backward()
            return None
        except Exception as e:  # noqa: BLE001
            return str(e)

    msgs["preNotTuple"] = run("pre", lambda go: go[0])
    msgs["preWrongCount"] = run("pre", lambda go: (go[0], go[0]))
    msgs["preWrongSize"] = run("pre", lambda go: (go[0][:2],))
    msgs["preWrongType"] = run("pre", lambda go: (go[0].double(),))
    msgs["preNotTensor"] = run("pre", lambda go: ("a",))
    msgs["postWrongCount"] = run("post", lambda gi, go: (gi[0], gi[0]))
    a = torch.ones(3, requires_grad=True)
    b = a * torch.ones(3)
    b.grad_fn.register_hook(lambda gi, go: (gi[0], gi[0]))
    try:
        b.sum().backward()
    except Exception as e:  # noqa: BLE001
        msgs["postReplaceNone"] = str(e)

    def bad_pack(t):
        t.add_(1)
        return t

    try:
        with torch.autograd.graph.saved_tensors_hooks(bad_pack, lambda t: t):
            (torch.ones(3, requires_grad=True) * 1).exp()
    except Exception as e:  # noqa: BLE001
        msgs["packInPlace"] = str(e)
    with torch.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: 3):
        y = torch.ones(3, requires_grad=True).exp()
    try:
        y.sum().backward()
    except Exception as e:  # noqa: BLE001
        msgs["unpackNotTensor"] = str(e)
    return msgs


# ---------------------------------------------------------------------------
# checkpoint: an MLP's gradients (checkpointing must not change them)

def mlp():
    torch.manual_seed(0)
    layers = []
    for i in range(4):
        lin = torch.nn.Linear(5, 5)
        with torch.no_grad():
            lin.weight.copy_(det([5, 5], 10 + i) * 0.5)
            lin.bias.copy_(det([5], 20 + i) * 0.1)
        layers += [lin, torch.nn.Tanh()]
    model = torch.nn.Sequential(*layers)
    x = det([3, 5], 30).requires_grad_()
    params = [T(p.detach()) for p in model.parameters()]
    res = {}
    for variant in ["plain", "reentrant", "nonreentrant", "sequential"]:
        model.zero_grad()
        x.grad = None
        if variant == "plain":
            out = model(x)
        elif variant == "sequential":
            out = C.checkpoint_sequential(model, 2, x)  # (1.13 has no use_reentrant here: reentrant)
        else:
            out = C.checkpoint(model, x, use_reentrant=(variant == "reentrant"))
        loss = out.pow(2).sum()
        loss.backward()
        res[variant] = {"loss": enc(loss.item()), "xGrad": flat(x.grad), "paramGrads": [flat(p.grad) for p in model.parameters()]}
    for v in ["reentrant", "nonreentrant", "sequential"]:
        assert res[v] == res["plain"], v
    return {"x": T(x), "params": params, "loss": res["plain"]["loss"], "xGrad": res["plain"]["xGrad"], "paramGrads": res["plain"]["paramGrads"]}


def checkpoint_messages():
    msgs = {}
    import warnings
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        C.checkpoint(lambda t: t * 2, torch.ones(2), use_reentrant=True)
        msgs["noInputRequiresGrad"] = str(w[0].message)
    # (reentrant checkpoint under autograd.grad: 2.x rewrote the message, so the test has 2.x's inline)
    return msgs


def main():
    data = {
        "saved": [saved_case(n, f) for n, f in SAVED.items()],
        "nodeHooks": node_hooks(),
        "hookErrors": hook_errors(),
        "checkpointMlp": mlp(),
        "checkpointMessages": checkpoint_messages(),
    }
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "hooks.json"), "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
