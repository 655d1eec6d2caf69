#!/usr/bin/python3
"""Golden behaviour of the in-place samplers (test/random-fills.test.ts):

    /usr/bin/python3 scripts/gen_random_fills_fixtures.py

Writes test/fixtures/ops/random-fills.json: for each call (method, self's
dtype, arguments, whether self is a non-leaf in a graph) PyTorch's error
text, or the result's dtype and grad_fn name. Values are random and are
checked statistically by the test instead.

PyTorch 1.13 differs from 2.x in three checks; the cases marked `v2` carry
2.x's text (aten/src/ATen/native/DistributionTemplates.h and the CPU
exponential kernel): exponential_ needs lambda > 0 (1.13: >= 0) and names
a non-floating dtype in its own words, and cauchy_ needs sigma > 0 and a
floating dtype (1.13 accepts any sigma).
"""
import json
import os

import torch

from fixture_numbers import error_text

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test", "fixtures", "ops", "random-fills.json")
DTYPES = {"float32": torch.float32, "float64": torch.float64, "int32": torch.int32, "bool": torch.bool}

# (method, dtype, args, graph): args may hold {"tensor": [values], "dtype": d} for a tensor argument
CALLS = [
    ("random_", "float32", [], True), ("random_", "float32", [5], True), ("random_", "float32", [2, 5], True),
    ("random_", "float32", [-3, None], True), ("random_", "float64", [], False), ("random_", "int32", [], False),
    ("random_", "bool", [], False), ("random_", "int32", [-7, 7], False), ("random_", "float32", [0, 2 ** 25], False), ("random_", "float32", [2 ** 25 - 1, 2 ** 25], False),
    ("random_", "float32", [-2 ** 25, -2 ** 25 + 1], False),
    ("random_", "float32", [5, 5], False), ("random_", "float32", [6, 5], False), ("random_", "int32", [0, 2 ** 31 + 5], False),
    ("random_", "int32", [-2 ** 31 - 1, 5], False), ("random_", "bool", [0, 3], False), ("random_", "bool", [-1, 1], False),
    ("random_", "bool", [0, 2], False), ("random_", "float32", [2 ** 24 + 1, None], False),
    ("bernoulli_", "float32", [], True), ("bernoulli_", "float32", [{"tensor": [0.5, 0.5, 0.5], "dtype": "float32"}], True),
    ("bernoulli_", "float32", [1.5], False), ("bernoulli_", "float32", [-0.1], False), ("bernoulli_", "int32", [0.5], False),
    ("bernoulli_", "bool", [0.5], False), ("bernoulli_", "float32", [{"tensor": [1.5, 0.5, 0.5], "dtype": "float32"}], False),
    ("bernoulli_", "float32", [{"tensor": [0.5, 0.5], "dtype": "float32"}], False),
    ("bernoulli_", "float32", [{"tensor": [0.5], "dtype": "float32"}], False),
    ("bernoulli_", "float32", [{"tensor": [1, 1, 1], "dtype": "int32"}], False),
    ("exponential_", "float32", [], True), ("exponential_", "float64", [2.5], False),     ("exponential_", "float32", [float("inf")], False),
    ("geometric_", "float32", [0.5], True), ("geometric_", "int32", [0.5], False), ("geometric_", "bool", [0.5], False),
    ("geometric_", "float32", [0], False), ("geometric_", "float32", [1], False), ("geometric_", "float32", [1.5], False),
    ("log_normal_", "float32", [], True), ("log_normal_", "float32", [1, 0], False), ("log_normal_", "float32", [1, -1], False),
    ("log_normal_", "int32", [], False),
    ("cauchy_", "float32", [], True), ("cauchy_", "float64", [1, 2], False),
    ("normal_", "float32", [], True), ("normal_", "float32", [0, -1], False), ("normal_", "int32", [], False),
    ("uniform_", "float32", [], True), ("uniform_", "float32", [1, 0], False), ("uniform_", "int32", [], False),
    ("uniform_", "float32", [1, 1], False),
]

# PyTorch 2.x's outcome where 1.13's differs (see the docstring)
V2 = {
    ("exponential_", "float32", (0,)): "exponential_ expects lambda > 0.0, but found lambda=0",
    ("exponential_", "float32", (-1,)): "exponential_ expects lambda > 0.0, but found lambda=-1",
    ("exponential_", "int32", ()): "Exponential distribution is a continuous probability distribution. dtype must be a floating point but you specified Int",
    ("exponential_", "bool", ()): "Exponential distribution is a continuous probability distribution. dtype must be a floating point but you specified Bool",
    ("cauchy_", "float32", (0, 0)): "cauchy_ expects sigma > 0.0, but found sigma=0",
    ("cauchy_", "float32", (0, -1)): "cauchy_ expects sigma > 0.0, but found sigma=-1",
    ("cauchy_", "int32", ()): "Cauchy distribution is a continuous probability distribution. dtype must be a floating point but you specified int",
}


def arg(a):
    return torch.tensor(a["tensor"], dtype=DTYPES[a["dtype"]]) if isinstance(a, dict) else a


def run(method, dtype, args, graph):
    if graph:
        self = torch.zeros(3, requires_grad=True).clone()
    else:
        self = torch.zeros(3, dtype=DTYPES[dtype])
    out = getattr(self, method)(*[arg(a) for a in args])
    return {"dtype": str(out.dtype).replace("torch.", ""), "gradFn": None if out.grad_fn is None else type(out.grad_fn).__name__}


def main():
    cases = []
    for method, dtype, args, graph in CALLS:
        # (JSON has no infinity: "inf" stands for it)
        c = {"method": method, "dtype": dtype, "args": ["inf" if a == float("inf") else a for a in args], "graph": graph}
        err = error_text(lambda: run(method, dtype, args, graph))
        c["error"] = err.split("\n")[0] if err else None
        if err is None:
            c.update(run(method, dtype, args, graph))
        cases.append(c)
    for (method, dtype, args), text in V2.items():
        cases.append({"method": method, "dtype": dtype, "args": list(args), "graph": False, "error": text, "v2": True})
    with open(OUT, "w") as f:
        json.dump({"cases": cases}, f, indent=1)
        f.write("\n")


main()
