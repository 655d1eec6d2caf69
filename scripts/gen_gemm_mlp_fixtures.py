#!/usr/bin/python3
"""Writes test/fixtures/ops/gemm-mlp.json: PyTorch's values and gradients of
small MLPs, relu(x @ W1 + b1) @ W2 + b2, whose products are shaped like the
bench's layers (a batch of rows times a weight stored [in, out], a few
hundred rows, K across a 256-deep block, edge rows and columns), for
test/gemm-mlp-products.test.ts.

Run with the system Python that has PyTorch (1.13 from Debian):

    /usr/bin/python3 scripts/gen_gemm_mlp_fixtures.py

Inputs come from a formula the test evaluates too (value(i, seed) below),
so only outputs and gradients are stored; the two large gradients (x's and
W1's) as their row sums and column sums (computed in float64), which any
wrong element changes. 1.13 and 2.x agree on matmul.
"""
import json
import math
import os

import torch

from fixture_numbers import flat

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test", "fixtures", "ops", "gemm-mlp.json")


def value(i, seed):
    """Element i of an input: a float32 in [-1, 1], the same in the test (Math.sin on doubles, then rounded)."""
    return math.sin(i * 0.7071 + seed * 1.618) * math.cos(i * 0.1379 + seed)


def tensor(shape, seed, scale, dtype):
    n = math.prod(shape)
    return (torch.tensor([value(i, seed) for i in range(n)], dtype=torch.float64) * scale).to(dtype).reshape(shape)


def mlp_case(name, batch, inp, hidden, out, dtype):
    x = tensor([batch, inp], 1, 1.0, dtype).requires_grad_(True)
    w1 = tensor([inp, hidden], 2, 0.1, dtype).requires_grad_(True)
    b1 = tensor([hidden], 3, 0.1, dtype).requires_grad_(True)
    w2 = tensor([hidden, out], 4, 0.1, dtype).requires_grad_(True)
    b2 = tensor([out], 5, 0.1, dtype).requires_grad_(True)
    y = (x @ w1 + b1).relu() @ w2 + b2
    g = tensor([batch, out], 6, 1.0, dtype)
    y.backward(g)
    def sums(t):
        t = t.detach().double()
        return {"rows": flat(t.sum(1)), "cols": flat(t.sum(0))}

    return {
        "name": name, "dtype": str(dtype).replace("torch.", ""),
        "sizes": {"batch": batch, "input": inp, "hidden": hidden, "output": out},
        "output": flat(y),
        "grads": {"x": sums(x.grad), "w1": sums(w1.grad), "b1": flat(b1.grad), "w2": flat(w2.grad), "b2": flat(b2.grad)},
    }


def main():
    cases = [
        # x @ W1: 100 rows (8 full 12-row panels and 4 rows), K = 270 (a 256 block and 14), N = 72 (2 panels and 8)
        mlp_case("100x270 -> 72 -> 10 float32", 100, 270, 72, 10, torch.float32),
        mlp_case("100x270 -> 72 -> 10 float64", 100, 270, 72, 10, torch.float64),
        # large enough (> 2e6 flops) for the threads: 130 rows, N = 96 (three whole panels)
        mlp_case("130x200 -> 96 -> 10 float32", 130, 200, 96, 10, torch.float32),
    ]
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"cases": cases}, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
