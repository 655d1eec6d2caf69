"""How the golden-fixture scripts write numbers: 9 significant digits (float32
round-trips), and the non-finite values JSON has no literals for as "nan",
"inf" and "-inf" (test/fixture-values.ts reads them back).
"""
import math
import re
import warnings

import torch


def enc(v):
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return float("%.9g" % v)


def enc_exact(v, double):
    """enc() for any element: bools as 0/1, ints as they are, float64 values
    at full precision (repr round-trips) and float32 ones at 9 digits."""
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return v
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return float(repr(v)) if double else float("%.9g" % v)


def flat_exact(t):
    """A tensor's (or list's) elements in row-major order as floats at full
    precision, non-finite ones encoded."""
    return [enc_exact(float(v), True) for v in torch.as_tensor(t).detach().reshape(-1).tolist()]


def error_text(f):
    """What calling f raises (None when it raises nothing)."""
    try:
        f()
    except Exception as e:  # noqa: BLE001 - any error PyTorch raises is the expectation
        return str(e)
    return None


def node_name(fn):
    """A grad_fn's class name, or None for no node."""
    return None if fn is None else type(fn).__name__


def error_and_warnings(f):
    """(error text or None, [warning texts, without the "Triggered internally" suffix]) of calling f."""
    with warnings.catch_warnings(record=True) as ws:
        warnings.simplefilter("always")
        e = error_text(f)
    return e, [re.sub(r" \(Triggered internally at .*\)$", "", str(w.message), flags=re.S) for w in ws]


def tensor_json(t):
    """{shape, dtype, data} of a float or integer tensor; int64 is written as
    torchlet's int32."""
    t = t.detach()
    if t.dtype in (torch.int64, torch.int32):
        return {"shape": list(t.shape), "dtype": "int32", "data": [int(v) for v in t.flatten().tolist()]}
    double = t.dtype == torch.float64
    return {"shape": list(t.shape), "dtype": "float64" if double else "float32",
            "data": [enc_exact(v, double) for v in t.flatten().tolist()]}


def flat(t):
    """A tensor's elements in row-major order, encoded."""
    return [enc(v) for v in t.detach().reshape(-1).tolist()]


def case_record(name, fn, options, dtype, xs, outs, grads, with_grads):
    """One linalg fixture case: encoded inputs, outputs, upstream gradients and
    (after backward) input gradients; None where there are none."""
    return {
        "name": name, "fn": fn, "options": options, "dtype": str(dtype).replace("torch.", ""),
        "inputs": [{"shape": list(x.shape), "data": flat(x)} for x in xs],
        "outputs": [{"shape": list(o.shape), "data": flat(o)} for o in outs],
        "gradOutputs": [None if g is None else flat(g) for g in grads],
        "inputGrads": [None if x.grad is None else flat(x.grad) for x in xs] if with_grads else None,
    }
