"""Writes the golden fixtures of the activations, containers, shape layers and
the init functions added with them (test/fixtures/nn/activations.json,
containers.json, shape_layers.json, init_more.json).

Run with the system PyTorch: /usr/bin/python3 scripts/gen_activation_fixtures.py
The tests only read the JSON; CI never runs Python. PyTorch 1.13 is the
oracle; where 2.x differs, the expected value is 2.x's and the "notes" field
of the file says so.
"""
import json
import math
import os
import sys
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from fixture_numbers import enc, flat  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "nn")


def tensor_json(t):
    return {"shape": list(t.shape), "data": flat(t)}


def write(name, obj):
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(obj, f, separators=(",", ":"))


def error_of(fn):
    try:
        fn()
    except Exception as e:  # the message is the fixture
        return str(e).strip("'\"") if isinstance(e, KeyError) else str(e)
    raise AssertionError("expected an error")


def py_args(args):
    """JSON lists stand for Python tuples in constructor arguments (Unflatten's sizes)."""
    return [tuple(a) if isinstance(a, list) else a for a in args]


# ---------------------------------------------------------------- activations
# the points every activation is checked on: its kinks (0, ±3, 6 and near them),
# large magnitudes (where an unused exp branch would overflow) and random values
SPECIAL = [-1e30, -1e4, -100.0, -20.0, -6.0, -3.001, -3.0, -2.999, -1.0, -0.5, 0.0,
           0.5, 1.0, 2.999, 3.0, 3.001, 5.999, 6.0, 6.001, 20.0, 100.0, 1e4, 1e30]


def points(extra, shape):
    vals = SPECIAL + extra
    n = math.prod(shape)
    assert len(vals) <= n
    rand = (torch.randn(n - len(vals)) * 4).tolist()
    x = torch.tensor(vals + rand, dtype=torch.float32)
    return x[torch.randperm(n)].reshape(shape)


def act_case(name, module, args, x, weight=None):
    m = getattr(nn, module)(*py_args(args))
    if weight is not None:
        with torch.no_grad():
            m.weight.copy_(weight)
    x = x.clone().requires_grad_(True)
    y = m(x)
    gy = torch.randn(y.shape)
    y.backward(gy)
    case = {"name": name, "module": module, "args": args, "input": tensor_json(x), "output": tensor_json(y),
            "gradOutput": flat(gy), "inputGrad": flat(x.grad)}
    if module == "PReLU":
        case["stateDict"] = {k: tensor_json(v) for k, v in m.state_dict().items()}
        case["paramGrads"] = {"weight": flat(m.weight.grad)}
    return case


def hardswish_2x(cases):
    """PyTorch 2.x's hardswish_backward (CPU and CUDA kernels, and its decomposition) is 0 for
    x <= -3, grad * (x/3 + 1/2) for -3 < x < 3 and grad for x >= 3. 1.13 gives -0.5 at x = -3 and,
    on its scalar CPU path only, 1.5 at x = 3 (its vectorised path gives 1). The Hardswish case
    takes 2.x's gradient, which differs from 1.13's at exactly -3 and 3."""
    c = next(c for c in cases if c["module"] == "Hardswish")
    x = torch.tensor(c["input"]["data"]).reshape(-1)
    gy = torch.tensor(c["gradOutput"])
    g2 = torch.where(x <= -3, torch.zeros(()), torch.where(x < 3, gy * (x / 3 + 0.5), gy))
    g113 = torch.tensor(c["inputGrad"])
    differs = ~torch.isclose(g2, g113)
    assert set(x[differs].tolist()) <= {-3.0, 3.0}, x[differs]
    c["inputGrad"] = flat(g2)
    return "Hardswish: the input gradient at x = -3 and x = 3 is PyTorch 2.x's (0 and 1), not 1.13's (-0.5 and 1.5 or 1)"


def activations():
    torch.manual_seed(0)
    s = [5, 8]
    cases = [
        act_case("ReLU6", "ReLU6", [], points([-0.001, 0.001], s)),
        act_case("Hardtanh", "Hardtanh", [], points([-1.001, 0.999, 1.001], s)),
        act_case("Hardtanh(-2, 2)", "Hardtanh", [-2.0, 2.0], points([-2.001, -1.999, 2.0, 1.999, 2.001, -2.0], s)),
        act_case("Hardswish", "Hardswish", [], points([], s)),
        act_case("Hardsigmoid", "Hardsigmoid", [], points([], s)),
        act_case("Mish", "Mish", [], points([], s)),
        act_case("SELU", "SELU", [], points([], s)),
        act_case("CELU", "CELU", [], points([], s)),
        act_case("CELU(2)", "CELU", [2.0], points([], s)),
        act_case("CELU(0.5)", "CELU", [0.5], points([], s)),
        act_case("LogSigmoid", "LogSigmoid", [], points([-1e5, 1e5], s)),
        act_case("Softsign", "Softsign", [], points([], s)),
        act_case("Tanhshrink", "Tanhshrink", [], points([], s)),
        act_case("Threshold(0.1, 20)", "Threshold", [0.1, 20.0], points([0.1, 0.099, 0.101], s)),
        act_case("Threshold(-1, -3)", "Threshold", [-1.0, -3.0], points([-0.999, -1.001], s)),
        # GLU has no kinks; a huge first half would only magnify float32 rounding of sigmoid's gradient
        act_case("GLU", "GLU", [], torch.randn(4, 12) * 3),
        act_case("GLU(0)", "GLU", [0], torch.randn(6, 5) * 3),
        act_case("GLU(1) 3-d", "GLU", [1], torch.randn(2, 4, 3)),
        act_case("Softmin(1)", "Softmin", [1], torch.randn(4, 6) * 3),
        act_case("Softmin(0)", "Softmin", [0], torch.randn(4, 6) * 3),
        act_case("Softmin(-1) 3-d", "Softmin", [-1], torch.randn(2, 3, 4)),
        act_case("PReLU", "PReLU", [], points([], s)),
        act_case("PReLU(3) per channel 3-d", "PReLU", [3], points([], [2, 3, 8]), weight=torch.tensor([0.25, -0.1, 0.6])),
        act_case("PReLU(4) per channel 2-d", "PReLU", [4], torch.randn(5, 4), weight=torch.tensor([0.1, 0.2, 0.3, 2.0])),
        act_case("PReLU(2, 0.1) 4-d", "PReLU", [2, 0.1], torch.randn(2, 2, 3, 3)),
        act_case("PReLU 1-d", "PReLU", [], torch.tensor([-2.0, -0.0, 0.0, 3.0])),
        act_case("PReLU 0-d", "PReLU", [], torch.tensor(-1.5)),
    ]
    notes = [hardswish_2x(cases)]
    reprs = [
        ("ReLU6", [], False), ("ReLU6", [], True), ("Hardtanh", [], False), ("Hardtanh", [-2.0, 2.0], True),
        ("Hardtanh", [-0.5, 1e-5], False), ("Hardswish", [], True), ("Hardsigmoid", [], True), ("Mish", [], False),
        ("Mish", [], True), ("SELU", [], False), ("SELU", [], True), ("CELU", [], False), ("CELU", [2.5], True),
        ("GLU", [], None), ("GLU", [1], None), ("LogSigmoid", [], None), ("Softsign", [], None), ("Softmin", [1], None),
        ("Tanhshrink", [], None), ("Threshold", [0.1, 20.0], False), ("Threshold", [-1.0, 0.5], True),
        ("PReLU", [], None), ("PReLU", [3, 0.1], None),
    ]
    repr_cases = []
    for module, args, inplace in reprs:
        kwargs = {} if inplace is None else {"inplace": inplace}
        repr_cases.append({"module": module, "args": args, "inplace": inplace,
                           "repr": repr(getattr(nn, module)(*py_args(args), **kwargs))})
    seq = nn.Sequential(nn.Linear(4, 4), nn.PReLU(4), nn.Hardtanh(-2.0, 2.0), nn.GLU(), nn.Softmin(1))
    prelu = nn.PReLU(3)
    errors = [
        {"op": "glu", "shape": [3, 5], "args": [-1], "message": error_of(lambda: F.glu(torch.zeros(3, 5)))},
        {"op": "glu", "shape": [3, 4], "args": [0], "message": error_of(lambda: F.glu(torch.zeros(3, 4), 0))},
        {"op": "glu", "shape": [], "args": [-1], "message": error_of(lambda: F.glu(torch.tensor(1.0)))},
        {"op": "prelu", "shape": [2, 3], "args": [[2]], "message": error_of(lambda: F.prelu(torch.zeros(2, 3), torch.ones(2)))},
        {"op": "prelu", "shape": [4], "args": [[4]], "message": error_of(lambda: F.prelu(torch.zeros(4), torch.ones(4)))},
        {"op": "prelu", "shape": [2, 3], "args": [[1, 3]], "message": error_of(lambda: F.prelu(torch.zeros(2, 3), torch.ones(1, 3)))},
        {"op": "celu", "shape": [2], "args": [0.0], "message": error_of(lambda: F.celu(torch.zeros(2), 0.0))},
    ]
    # PyTorch 2.x's prelu (a composite of _prelu_kernel) words two checks differently from 1.13's kernel
    errors[5]["message"] = "prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = 2"
    notes.append("prelu's weight-ndim error is 2.x's wording ('but got: ndim'), 1.13 says 'but got ndim'")
    errors.append({"op": "prelu", "shape": [], "args": [[3]], "message": error_of(lambda: F.prelu(torch.tensor(1.0), torch.ones(3)))})
    write("activations.json", {
        "torch": torch.__version__, "notes": notes, "cases": cases, "reprs": repr_cases,
        "sequentialRepr": repr(seq), "sequentialKeys": list(seq.state_dict().keys()),
        "prelu": {"stateDictKeys": list(prelu.state_dict().keys()), "parameters": [k for k, _ in prelu.named_parameters()]},
        "errors": errors,
    })


# ---------------------------------------------------------------- containers
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.heads = nn.ModuleDict({"cls": nn.Linear(4, 3), "box": nn.Sequential(nn.Linear(4, 4), nn.ReLU())})
        self.heads["act"] = nn.PReLU(2)
        self.scales = nn.ParameterList([nn.Parameter(torch.ones(3)), nn.Parameter(torch.zeros(2, 2))])
        self.scales.append(nn.Parameter(torch.tensor(1.0)))
        # a plain dict: PyTorch's ParameterDict adds it in sorted key order
        self.gains = nn.ParameterDict({"b": nn.Parameter(torch.ones(3)), "a": nn.Parameter(torch.zeros(1))})
        self.gains["c"] = nn.Parameter(torch.ones(2, 3, dtype=torch.float64))
        self.head = nn.Linear(3, 1)


def containers():
    m = Net()
    md = nn.ModuleDict(OrderedDict([("b", nn.ReLU()), ("a", nn.Tanh())]))
    steps = [list(md.keys())]
    md["c"] = nn.Linear(1, 1)
    steps.append(list(md.keys()))
    del md["b"]
    steps.append(list(md.keys()))
    md["b"] = nn.ReLU()
    steps.append(list(md.keys()))
    md["a"] = nn.Sigmoid()  # replacing keeps the place
    steps.append(list(md.keys()))
    md.update([("d", nn.ReLU()), ("a", nn.ReLU())])
    steps.append(list(md.keys()))
    md.pop("c")
    steps.append(list(md.keys()))
    pd = nn.ParameterDict()
    pd.update({"z": nn.Parameter(torch.zeros(1)), "y": nn.Parameter(torch.zeros(1))})
    pd.update([("x", nn.Parameter(torch.zeros(1))), ("w", nn.Parameter(torch.zeros(1)))])
    p = lambda *s: nn.Parameter(torch.zeros(*s))
    write("containers.json", {
        "torch": torch.__version__,
        "net": {
            "repr": repr(m),
            "stateDict": {k: list(v.shape) for k, v in m.state_dict().items()},
            "parameters": [k for k, _ in m.named_parameters()],
            "modules": [k for k, _ in m.named_modules()],
            "gainKeys": list(m.gains.keys()),
        },
        "moduleDictSteps": steps,
        "parameterDictUpdateKeys": list(pd.keys()),
        "reprs": {
            "emptyModuleDict": repr(nn.ModuleDict()),
            "emptyParameterList": repr(nn.ParameterList()),
            "emptyParameterDict": repr(nn.ParameterDict()),
            "oneParameterList": repr(nn.ParameterList([p(2)])),
            "oneParameterDict": repr(nn.ParameterDict({"w": p(2, 3)})),
        },
        "errors": {
            "moduleDictMethodKey": error_of(lambda: nn.ModuleDict({"keys": nn.ReLU()})),
            "moduleDictTrainingKey": error_of(lambda: nn.ModuleDict({"training": nn.ReLU()})),
            "parameterDictMethodKey": error_of(lambda: nn.ParameterDict({"get": p(1)})),
        },
    })


# ---------------------------------------------------------------- shape layers
def shape_case(name, module, args, x):
    m = getattr(nn, module)(*py_args(args))
    x = x.clone().requires_grad_(True)
    y = m(x)
    gy = torch.randn(y.shape)
    y.backward(gy)
    return {"name": name, "module": module, "args": args, "input": tensor_json(x), "output": tensor_json(y),
            "gradOutput": flat(gy), "inputGrad": flat(x.grad), "repr": repr(m)}


def shape_layers():
    torch.manual_seed(1)
    ar = lambda *s: torch.arange(math.prod(s), dtype=torch.float32).reshape(s)
    cases = [
        shape_case("PixelShuffle(2)", "PixelShuffle", [2], ar(2, 8, 2, 3)),
        shape_case("PixelShuffle(3) unbatched", "PixelShuffle", [3], ar(9, 2, 2)),
        shape_case("PixelShuffle(2) 5-d", "PixelShuffle", [2], ar(2, 1, 4, 2, 2)),
        shape_case("PixelShuffle(1)", "PixelShuffle", [1], ar(1, 2, 2, 2)),
        shape_case("PixelUnshuffle(2)", "PixelUnshuffle", [2], ar(2, 2, 4, 6)),
        shape_case("PixelUnshuffle(3) unbatched", "PixelUnshuffle", [3], ar(1, 6, 3)),
        shape_case("PixelUnshuffle(2) 5-d", "PixelUnshuffle", [2], ar(2, 1, 1, 4, 2)),
        shape_case("Unflatten(1, (3, 4))", "Unflatten", [1, [3, 4]], ar(2, 12)),
        shape_case("Unflatten(-2, (2, -1, 3))", "Unflatten", [-2, [2, -1, 3]], ar(2, 12, 5)),
        shape_case("Unflatten(0, (-1,))", "Unflatten", [0, [-1]], ar(6)),
    ]
    z = torch.zeros
    errors = [
        {"op": "pixelShuffle", "shape": [2, 5, 2, 2], "args": [2], "message": error_of(lambda: F.pixel_shuffle(z(2, 5, 2, 2), 2))},
        {"op": "pixelShuffle", "shape": [5, 2], "args": [2], "message": error_of(lambda: F.pixel_shuffle(z(5, 2), 2))},
        {"op": "pixelShuffle", "shape": [1, 4, 2, 2], "args": [0], "message": error_of(lambda: F.pixel_shuffle(z(1, 4, 2, 2), 0))},
        {"op": "pixelUnshuffle", "shape": [1, 1, 3, 4], "args": [2], "message": error_of(lambda: F.pixel_unshuffle(z(1, 1, 3, 4), 2))},
        {"op": "pixelUnshuffle", "shape": [1, 1, 4, 3], "args": [2], "message": error_of(lambda: F.pixel_unshuffle(z(1, 1, 4, 3), 2))},
        {"op": "pixelUnshuffle", "shape": [4, 3], "args": [2], "message": error_of(lambda: F.pixel_unshuffle(z(4, 3), 2))},
        {"op": "pixelUnshuffle", "shape": [1, 1, 4, 4], "args": [-1], "message": error_of(lambda: F.pixel_unshuffle(z(1, 1, 4, 4), -1))},
        {"op": "unflatten", "shape": [3, 5], "args": [1, [2, 2]], "message": error_of(lambda: nn.Unflatten(1, (2, 2))(z(3, 5)))},
        {"op": "unflatten", "shape": [3, 4], "args": [1, [2, -1, -1]], "message": error_of(lambda: nn.Unflatten(1, (2, -1, -1))(z(3, 4)))},
        {"op": "unflatten", "shape": [3, 5], "args": [1, [2, -1]], "message": error_of(lambda: nn.Unflatten(1, (2, -1))(z(3, 5)))},
        {"op": "unflatten", "shape": [3, 4], "args": [5, [2, -1]], "message": error_of(lambda: nn.Unflatten(5, (2, -1))(z(3, 4)))},
        {"op": "unflatten", "shape": [3, 4], "args": [1, [0, -1]], "message": error_of(lambda: nn.Unflatten(1, (0, -1))(z(3, 4)))},
    ]
    write("shape_layers.json", {"torch": torch.__version__, "cases": cases, "errors": errors})


# ---------------------------------------------------------------- init
def with_draws(method, draws, fn):
    """Runs fn with torch.Tensor.<method> replaced by one that writes the given
    standard draws (normal_: N(0, 1) values; uniform_: U[0, 1) values, scaled
    into [from, to) in double precision), so PyTorch's own init code runs on
    numbers a test can feed torchlet through a Generator."""
    original = getattr(torch.Tensor, method)
    values = torch.tensor(draws, dtype=torch.float64)

    def fake(self, lo=0.0, hi=1.0, **_):
        v = values[: self.numel()].reshape(self.shape)
        self.copy_(v if method == "normal_" else lo + (hi - lo) * v)
        return self

    setattr(torch.Tensor, method, fake)
    try:
        return fn()
    finally:
        setattr(torch.Tensor, method, original)


def init_more():
    torch.manual_seed(2)
    ortho = []
    for shape, gain in [([5, 3], 1.0), ([3, 5], 1.0), ([4, 4], 2.0), ([3, 2, 2], 0.5), ([2, 6], 1.0)]:
        n = math.prod(shape)
        draws = torch.randn(n).tolist()
        w = torch.empty(shape)
        with_draws("normal_", draws, lambda: nn.init.orthogonal_(w, gain))
        ortho.append({"shape": shape, "gain": gain, "normals": [enc(v) for v in torch.tensor(draws).tolist()], "output": flat(w)})
    trunc = []
    for mean, std, a, b in [(0.0, 1.0, -2.0, 2.0), (1.0, 2.0, 0.0, 3.0), (0.0, 0.02, -0.04, 0.04), (-1.0, 0.5, -3.0, -0.9)]:
        draws = torch.rand(40, dtype=torch.float64).tolist()
        w = torch.empty(5, 8)
        with_draws("uniform_", draws, lambda: nn.init.trunc_normal_(w, mean, std, a, b))
        # the truncated normal's mean and variance, for the sampling test
        alpha, beta = (a - mean) / std, (b - mean) / std
        pdf = lambda x: math.exp(-x * x / 2) / math.sqrt(2 * math.pi)
        cdf = lambda x: (1 + math.erf(x / math.sqrt(2))) / 2
        z = cdf(beta) - cdf(alpha)
        tmean = mean + std * (pdf(alpha) - pdf(beta)) / z
        tvar = std ** 2 * (1 + (alpha * pdf(alpha) - beta * pdf(beta)) / z - ((pdf(alpha) - pdf(beta)) / z) ** 2)
        big = nn.init.trunc_normal_(torch.empty(200000), mean, std, a, b)
        trunc.append({"mean": mean, "std": std, "a": a, "b": b, "uniforms": draws, "output": flat(w),
                      "truncatedMean": tmean, "truncatedVar": tvar,
                      "pytorchSampleMean": big.mean().item(), "pytorchSampleVar": big.var().item()})
    eye = [{"shape": s, "output": flat(nn.init.eye_(torch.empty(s)))} for s in ([3, 5], [4, 2], [3, 3])]
    dirac = [{"shape": s, "groups": g, "output": flat(nn.init.dirac_(torch.empty(s), g))}
             for s, g in (([4, 2, 3], 1), ([4, 2, 3], 2), ([6, 3, 3, 3], 1), ([4, 4, 3, 3], 2), ([2, 3, 1, 2, 3], 1), ([6, 2, 3, 4], 3), ([2, 5, 3], 1))]
    errors = [
        {"op": "orthogonal_", "shape": [3], "message": error_of(lambda: nn.init.orthogonal_(torch.empty(3)))},
        {"op": "eye_", "shape": [3, 3, 3], "message": error_of(lambda: nn.init.eye_(torch.empty(3, 3, 3)))},
        {"op": "dirac_", "shape": [3, 3], "groups": 1, "message": error_of(lambda: nn.init.dirac_(torch.empty(3, 3)))},
        {"op": "dirac_", "shape": [5, 3, 3], "groups": 2, "message": error_of(lambda: nn.init.dirac_(torch.empty(5, 3, 3), 2))},
    ]
    write("init_more.json", {"torch": torch.__version__, "orthogonal": ortho, "truncNormal": trunc, "eye": eye, "dirac": dirac,
                             "errors": errors})


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    activations()
    containers()
    shape_layers()
    init_more()
    print("wrote activations.json, containers.json, shape_layers.json, init_more.json")
