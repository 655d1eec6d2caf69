#!/usr/bin/python3
"""Golden cases for torch.histogram (test/histogram.test.ts):

    /usr/bin/python3 scripts/gen_histogram_fixtures.py

Writes test/fixtures/ops/histogram.json: for each case the input, bins (a
count or edges), range, weight and density, and PyTorch's hist and
bin_edges; then the error messages of bad calls.
"""
import json
import os

import torch

from fixture_numbers import tensor_json

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test", "fixtures", "ops", "histogram.json")
gen = torch.Generator().manual_seed(7)


def randn(shape, dtype, scale=1.0):
    return (torch.randn(shape, generator=gen, dtype=torch.float64) * scale).to(dtype)


def case(name, x, bins, range=None, weight=None, density=False, counted=None):
    """counted: the elements PyTorch 2.x counts, where 1.13 differs (it counts NaN when a range is given)."""
    kw = {"weight": weight, "density": density}
    if range is not None:
        kw["range"] = range
    hist, edges = torch.histogram(x if counted is None else counted, bins, **kw)
    return {
        "name": name, "input": tensor_json(x),
        "bins": bins if isinstance(bins, int) else tensor_json(bins),
        "range": list(range) if range is not None else None,
        "weight": tensor_json(weight) if weight is not None else None, "density": density,
        "hist": tensor_json(hist), "binEdges": tensor_json(edges),
    }


cases = []
for dtype in (torch.float32, torch.float64):
    d = str(dtype).replace("torch.", "")
    x = randn([200], dtype)
    cases.append(case(f"{d} 10 bins over the data", x, 10))
    cases.append(case(f"{d} 7 bins, range inside the data", x, 7, range=(-1.0, 1.5)))
    cases.append(case(f"{d} 5 bins, weights, density", x, 5, weight=randn([200], dtype).abs(), density=True))
    cases.append(case(f"{d} 2-d input, 4 bins", randn([6, 9], dtype, 3.0), 4))
    cases.append(case(f"{d} given edges", x, torch.tensor([-3.0, -0.5, 0.0, 0.25, 2.0], dtype=dtype)))
    cases.append(case(f"{d} given edges, weights, density", x, torch.tensor([-2.0, -1.0, 1.0, 4.0], dtype=dtype),
                      weight=randn([200], dtype).abs(), density=True))
    cases.append(case(f"{d} elements on the edges", torch.tensor([0.0, 1.0, 2.0, 3.0, 4.0, 4.0, 2.0], dtype=dtype), 4))
    cases.append(case(f"{d} one value (range widened by 0.5)", torch.tensor([2.0, 2.0, 2.0], dtype=dtype), 3))
    cases.append(case(f"{d} empty input", torch.tensor([], dtype=dtype), 3))
    # 2.x's kernel skips NaN ("!(elt >= left && elt <= right)"); 1.13 puts it in the last bin
    cases.append(case(f"{d} NaN with a given range is skipped (2.x)", torch.tensor([0.5, float("nan"), 1.5], dtype=dtype), 2, range=(0.0, 2.0),
                      counted=torch.tensor([0.5, 1.5], dtype=dtype)))

x = torch.tensor([1.0, 2.0, 1.0, 2.5, 4.0])
bad = {
    "min above max": lambda: torch.histogram(x, 3, range=(2.0, 1.0)),
    "zero bins": lambda: torch.histogram(x, 0),
    "2-d edges": lambda: torch.histogram(x, torch.tensor([[0.0, 1.0]])),
    "edges of another dtype": lambda: torch.histogram(x, torch.tensor([0.0, 1.0], dtype=torch.float64)),
    "infinite range": lambda: torch.histogram(x, 3, range=(0.0, float("inf"))),
    "integer input": lambda: torch.histogram(torch.tensor([1, 2], dtype=torch.int32), 3),
    "weight of another size": lambda: torch.histogram(x, 3, weight=torch.ones(4)),
    "empty edges": lambda: torch.histogram(x, torch.tensor([])),
    "NaN in the data": lambda: torch.histogram(torch.tensor([1.0, float("nan")]), 3),
    "weight of another dtype": lambda: torch.histogram(x, 3, weight=torch.ones(5, dtype=torch.float64)),
    "a single edge": lambda: torch.histogram(x, torch.tensor([0.0])),
    "zero bins and min above max": lambda: torch.histogram(x, 0, range=(2.0, 1.0)),
    "weight of another size and min above max": lambda: torch.histogram(x, 3, range=(2.0, 1.0), weight=torch.ones(4)),
    "single edge and weight of another size": lambda: torch.histogram(x, torch.tensor([0.0]), weight=torch.ones(4)),
}
errors = {}
for name, f in bad.items():
    try:
        f()
        raise SystemExit(f"{name}: no error")
    except RuntimeError as e:
        errors[name] = str(e).split("\n")[0]

with open(OUT, "w") as f:
    json.dump({"cases": cases, "errors": errors}, f, allow_nan=False)
print(f"{len(cases)} cases, {len(errors)} errors -> {OUT}")
