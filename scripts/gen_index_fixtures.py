#!/usr/bin/python3
"""Writes PyTorch's answers for Python indexing, `x[...]` and `x[...] = v`:

    test/fixtures/ops/indexing.json

Run with the system Python that has PyTorch (1.13 from Debian):

    /usr/bin/python3 scripts/gen_index_fixtures.py

An index is written as JSON that both sides decode the same way: a number is
an int, true/false a Python bool, "None" and "..." themselves,
{"slice": [start, stop, step]} a slice (null for omitted), {"tensor": v,
"dtype": "int" | "bool"} a tensor (int64 here, int32 in torchlet), {"list": v}
a Python list. Inputs are arange-based; the upstream gradient is
1, 2, 3, ... over the result, so each input gradient shows which result
elements came from where (repeated ones add up).

1.13 and 2.x differ in one message here: for a float index tensor 2.x says
"long, int, byte or bool" where 1.13 says "long, byte or bool"; the 2.x text is
written.
"""
import json
import os

import torch

from fixture_numbers import flat

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test", "fixtures", "ops")
DTYPES = {"float32": torch.float32, "float64": torch.float64, "int32": torch.int32, "bool": torch.bool}


def decode(e):
    if isinstance(e, bool) or isinstance(e, int):
        return e
    if e == "None":
        return None
    if e == "...":
        return Ellipsis
    if "slice" in e:
        return slice(*e["slice"])
    if "tensor" in e:
        return torch.tensor(e["tensor"], dtype=torch.bool if e["dtype"] == "bool" else torch.int64)
    if "list" in e:
        return e["list"]
    raise ValueError(e)


def make_input(shape, dtype):
    n = 1
    for s in shape:
        n *= s
    base = torch.arange(n, dtype=torch.float64).reshape(shape)
    if dtype == "bool":
        return (base.remainder(3) == 0).clone()
    if dtype == "int32":
        return (base - 3).to(torch.int32)
    return (base * 0.5 - 1.25).to(DTYPES[dtype])


def ramp(shape, dtype=torch.float64):
    n = 1
    for s in shape:
        n *= s
    return (torch.arange(n, dtype=dtype) + 1).reshape(shape)


def index_case(name, shape, index, dtype="float32"):
    x = make_input(shape, dtype)
    floating = dtype.startswith("float")
    if floating:
        x.requires_grad_(True)
    y = x[tuple(decode(e) for e in index)]
    out = {"name": name, "shape": shape, "dtype": dtype, "index": index,
           "output": {"shape": list(y.shape), "data": flat(y.to(torch.float64))},
           "view": y._base is x, "inputGrad": None}
    if floating:
        y.backward(ramp(y.shape, y.dtype))
        out["inputGrad"] = flat(x.grad)
    return out


def put_case(name, shape, index, value, dtype="float32", accumulate=False):
    """`a[index] = value` on a copy of a leaf (so both may require grad), or
    index_put_ with accumulate for tensor-only indices."""
    floating = dtype.startswith("float")
    x = make_input(shape, dtype)
    if floating:
        x.requires_grad_(True)
    a = x.clone() if floating else x
    if isinstance(value, dict):
        v = torch.tensor(value["data"], dtype=torch.float64).reshape(value["shape"]).to(DTYPES[dtype])
        if floating:
            v.requires_grad_(True)
    else:
        v = value
    elements = tuple(decode(e) for e in index)
    version = a._version
    if accumulate:
        a.index_put_(elements, v if isinstance(v, torch.Tensor) else torch.tensor(v, dtype=a.dtype), accumulate=True)
    else:
        a[elements] = v
    out = {"name": name, "shape": shape, "dtype": dtype, "index": index, "value": value, "accumulate": accumulate,
           "output": flat(a.to(torch.float64)), "versionBump": a._version - version,
           "inputGrad": None, "valueGrad": None}
    if floating:
        (a * ramp(a.shape, a.dtype)).sum().backward()
        out["inputGrad"] = flat(x.grad)
        out["valueGrad"] = flat(v.grad) if isinstance(v, torch.Tensor) else None
    return out


def error_case(name, shape, index, value=None):
    """`x[index]`, or `x[index] = value` with value {"data", "dtype"}, raising."""
    x = make_input(shape, "float32")
    elements = tuple(decode(e) for e in index)
    try:
        if value is None:
            x[elements]
        else:
            x[elements] = torch.tensor(value["data"], dtype=DTYPES[value["dtype"]])
    except (IndexError, RuntimeError, ValueError) as e:
        message = str(e).replace("long, byte or bool tensors", "long, int, byte or bool tensors")
        return {"name": name, "shape": shape, "index": index, "put": value, "error": message}
    raise AssertionError(name + " did not fail")


S = lambda start=None, stop=None, step=None: {"slice": [start, stop, step]}  # noqa: E731
T = lambda v, dtype="int": {"tensor": v, "dtype": dtype}  # noqa: E731


def index_cases():
    return [
        # basic: views
        index_case("int", [3, 4], [1]),
        index_case("negative int", [3, 4], [-1, -2]),
        index_case("0-d result", [3, 4], [2, 3]),
        index_case("slice from", [3, 4], [S(1)]),
        index_case("slice, int", [3, 4], [S(1), 0]),
        index_case("negative bounds", [5, 2], [S(-4, -1)]),
        index_case("step", [7, 2], [S(1, None, 3)]),
        index_case("step past the end", [3, 7], [S(), S(None, 100, 2)]),
        index_case("empty slice", [4, 3], [S(3, 1)]),
        index_case("start past the end", [4, 3], [S(), S(5)]),
        index_case("None", [2, 3], ["None", 1, "None"]),
        index_case("ellipsis first", [2, 3, 4], ["...", 1]),
        index_case("ellipsis middle", [2, 3, 4], [0, "...", S(None, None, 2)]),
        index_case("ellipsis alone", [2, 3], ["..."]),
        index_case("full slice", [2, 3], [S()]),
        index_case("empty index list", [2, 3], []),
        index_case("0-d int tensor selects", [3, 2], [T(1)]),
        index_case("float64", [2, 3], [S(None, None, 2), -1], "float64"),
        index_case("int32 slice", [2, 3], [S(), S(1)], "int32"),
        index_case("bool slice", [3, 3], [1], "bool"),
        # advanced: copies
        index_case("index tensor", [4, 2], [T([3, 0, 3])]),
        index_case("list", [4, 2], [{"list": [2, 2, -1]}]),
        index_case("2-d index tensor", [4, 3], [T([[0, 1], [3, 3]])]),
        index_case("two index tensors broadcast", [4, 3], [T([[0], [2]]), T([0, 2, 1])]),
        index_case("adjacent after a slice", [2, 4, 3], [S(), T([1, 1, 0]), T([2, 0, 1])]),
        index_case("separated: result dims first", [2, 4, 3], [T([1, 0]), S(), T([2, 0])]),
        index_case("int then two tensors", [2, 4, 3, 5], [0, S(), T([1, 2]), T([3, 4])]),
        index_case("int splits: PyTorch keeps the index dim in place", [2, 3, 4, 5], [S(), T([0, 2]), 1, S()]),
        index_case("mask", [2, 3], [T([[True, False, True], [False, True, True]], "bool")]),
        index_case("mask on dim 1", [2, 3, 2], [S(), T([False, True, True], "bool")]),
        index_case("all-false mask", [3, 2], [T([False, False, False], "bool")]),
        index_case("bool list", [3, 2], [{"list": [True, False, True]}]),
        index_case("mask and index tensor", [3, 4], [T([True, False, True], "bool"), T([3, 0])]),
        index_case("True", [2, 3], [True]),
        index_case("False", [2, 3], [False]),
        index_case("0-d bool tensor", [2, 3], [1, T(True, "bool")]),
        index_case("empty list", [3, 2], [{"list": []}]),
        index_case("None with a tensor", [3, 2], ["None", T([2, 0])]),
        index_case("ellipsis with a tensor", [2, 3, 4], ["...", T([3, 3])]),
        index_case("repeated rows sum in the gradient", [3, 2], [T([1, 1, 1, 0])], "float64"),
        index_case("int32 gather", [3, 3], [T([2, 0]), T([1, 1])], "int32"),
        index_case("bool gather", [3, 3], [T([True, False, True], "bool")], "bool"),
        index_case("float64 mask", [2, 2], [T([[True, False], [True, True]], "bool")], "float64"),
    ]


def put_cases():
    v = lambda shape, data: {"shape": shape, "data": data}  # noqa: E731
    return [
        put_case("int row = number", [3, 2], [1], 7.5),
        put_case("slice = broadcast row", [3, 2], [S(1)], v([2], [4, 5])),
        put_case("strided column", [3, 4], [S(), S(None, None, 2)], v([3, 1], [1, 2, 3])),
        put_case("0-d element", [2, 3], [1, 2], v([], [9])),
        put_case("full slice", [2, 2], [S()], v([2], [1, 2])),
        put_case("leading ones of the value", [2, 3], [0], v([1, 3], [1, 2, 3])),
        put_case("index tensor = tensor", [4, 2], [T([3, 1])], v([2, 2], [1, 2, 3, 4])),
        put_case("index tensor = broadcast", [4, 2], [T([0, 2])], v([2], [6, 7])),
        put_case("mask = number", [2, 3], [T([[True, False, True], [False, True, False]], "bool")], -1),
        put_case("mask = values", [2, 3], [T([[True, False, True], [False, True, False]], "bool")], v([3], [1, 2, 3])),
        put_case("slice then index tensor", [3, 4], [S(1), T([0, 3])], v([2, 2], [1, 2, 3, 4])),
        put_case("separated tensors", [2, 3, 4], [T([1, 0]), S(), T([3, 3])], v([2, 3], [1, 2, 3, 4, 5, 6])),
        put_case("float64 mask", [3], [T([True, False, True], "bool")], v([1], [2.5]), "float64"),
        put_case("int32", [2, 3], [S(), T([0, 2])], 4, "int32"),
        put_case("int32 number is truncated", [3], [T([1])], 2.7, "int32"),
        put_case("bool", [2, 2], [T([[True, False], [False, False]], "bool")], False, "bool"),
        put_case("accumulate repeats", [3], [T([0, 0, 2])], v([3], [1, 2, 3]), accumulate=True),
        put_case("accumulate 2-d", [2, 3], [T([1, 1]), T([0, 0])], v([2], [5, 6]), "float64", accumulate=True),
        put_case("accumulate int32", [4], [T([3, 3, 3])], 2, "int32", accumulate=True),
    ]


def error_cases():
    return [
        error_case("int out of range", [3, 2], [5]),
        error_case("negative int out of range", [3, 2], [-4]),
        error_case("int after None names its position", [2, 3], ["None", 0, 5]),
        error_case("too many indices", [2, 3], [0, 0, 0]),
        error_case("too many with a mask", [2, 3], [S(), T([[True, False, True]], "bool")]),
        error_case("negative step", [3], [S(None, None, -1)]),
        error_case("zero step", [3], [S(None, None, 0)]),
        error_case("mask shape", [2, 3], [T([True, False, True], "bool")]),
        error_case("mask shape on dim 1", [2, 3], [S(), T([True], "bool")]),
        error_case("index tensor out of range", [3, 2], [T([0, 5])]),
        error_case("second index tensor out of range", [2, 3], [T([[0]]), T([5])]),
        error_case("index tensors do not broadcast", [2, 3], [{"list": [0, 1]}, {"list": [0, 1, 2]}]),
        error_case("value does not broadcast", [3], [T([0, 1])], {"data": [1, 2, 3], "dtype": "float32"}),
        error_case("value dtype", [3], [T([0])], {"data": [1], "dtype": "float64"}),
    ]


def main():
    fixture = {"index": index_cases(), "put": put_cases(), "errors": error_cases()}
    # a float index tensor: the message (2.x text) cannot be encoded as an index spec, so it is built here
    try:
        torch.zeros(3)[torch.tensor([0.0])]
    except IndexError as e:
        fixture["floatIndexError"] = str(e).replace("long, byte or bool tensors", "long, int, byte or bool tensors")
    with open(os.path.join(FIXTURES, "indexing.json"), "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
