#!/usr/bin/python3
"""Writes PyTorch's answers for torch.autograd.functional:

    test/fixtures/autograd/functional.json

Run with the system Python that has PyTorch (1.13 from Debian):

    /usr/bin/python3 scripts/gen_autograd_functional_fixtures.py

Each case names a function that test/autograd-functional.test.ts defines the
same way, the API (jacobian, hessian, vjp, jvp, vhp, hvp), its float64 inputs
(a tensor, or a list for a tuple) and v, and PyTorch's result. A tensor is
{"shape", "data"}; a tuple is a JSON list (nested for tuple-of-tuples).
Numbers are written at full float64 precision. functional.py's code for these
paths is the same in 1.13 and 2.x.
"""
import json
import os

import torch
import torch.autograd.functional as AF

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test", "fixtures", "autograd")

# the functions (same names and definitions in the test)
FNS = {
    "sin_times_x": lambda x: x.sin() * x,
    "exp_sum_dim1": lambda x: x.exp().sum(1),
    "cube_0d": lambda x: x.pow(3),
    "matmul": lambda a, b: a.matmul(b),
    "square_and_sum": lambda x: (x.pow(2), x.sum()),
    "two_by_two": lambda x, y: (x * y.sum(), y.tanh()),
    "adder": lambda x, y: 2 * x + 3 * y,
    "cube_sum": lambda x: x.pow(3).sum(),
    "log_sum_exp": lambda x: x.exp().sum().log(),
    "mixed": lambda x, y: (x.pow(2) * y).sum() + y.sin().sum(),
    "mean_of_matmul": lambda a, b: a.matmul(b).tanh().mean(),
}


def det(shape, seed):
    """Deterministic float64 values in about [-1.2, 1.3], different per seed."""
    n = 1
    for d in shape:
        n *= d
    vals = [((k * 7 + seed * 3) % 11) / 4.4 - 1.2 + 0.05 * seed for k in range(n)]
    return torch.tensor(vals, dtype=torch.float64).reshape(shape)


def enc(x):
    if isinstance(x, torch.Tensor):
        return {"shape": list(x.shape), "data": x.detach().reshape(-1).tolist()}
    return [enc(e) for e in x]


def make(spec, seed):
    """A shape gives one tensor; a list of shapes gives a tuple."""
    if spec and isinstance(spec[0], list):
        return tuple(det(s, seed + i) for i, s in enumerate(spec))
    return det(spec, seed)


CASES = [
    # (api, fn, input shapes, v shapes or None)
    ("jacobian", "sin_times_x", [3], None),
    ("jacobian", "exp_sum_dim1", [2, 3], None),
    ("jacobian", "cube_0d", [], None),
    ("jacobian", "matmul", [[2, 3], [3, 2]], None),
    ("jacobian", "square_and_sum", [2, 2], None),
    ("jacobian", "two_by_two", [[2], [3]], None),
    ("hessian", "cube_sum", [2, 2], None),
    ("hessian", "log_sum_exp", [3], None),
    ("hessian", "mixed", [[2], [2]], None),
    ("hessian", "mean_of_matmul", [[2, 2], [2, 1]], None),
    ("vjp", "exp_sum_dim1", [2, 3], [2]),
    ("vjp", "adder", [[2], [2]], [2]),
    ("vjp", "two_by_two", [[2], [3]], [[2], [3]]),
    ("vjp", "cube_sum", [3], None),
    ("jvp", "exp_sum_dim1", [2, 3], [2, 3]),
    ("jvp", "adder", [[2], [2]], [[2], [2]]),
    ("jvp", "square_and_sum", [2, 2], [2, 2]),
    ("jvp", "cube_0d", [], None),
    ("vhp", "cube_sum", [2, 2], [2, 2]),
    ("vhp", "mixed", [[2], [2]], [[2], [2]]),
    ("hvp", "log_sum_exp", [3], [3]),
    ("hvp", "mixed", [[2], [2]], [[2], [2]]),
]


def main():
    cases = []
    for api, name, in_spec, v_spec in CASES:
        inputs = make(in_spec, 1)
        v = None if v_spec is None else make(v_spec, 5)
        fn = FNS[name]
        if api in ("jacobian", "hessian"):
            result = getattr(AF, api)(fn, inputs)
        else:
            result = getattr(AF, api)(fn, inputs, v)
        cases.append({"api": api, "fn": name, "inputs": enc(inputs), "v": None if v is None else enc(v), "result": enc(result)})
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "functional.json"), "w") as f:
        json.dump({"cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
