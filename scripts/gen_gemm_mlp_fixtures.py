#!/usr/bin/python3
"""Writes test/fixtures/ops/gemm-mlp.json: PyTorch's values and gradients of
small MLPs, relu(x @ W1 + b1) @ W2 + b2, whose products are shaped like the
bench's layers (a batch of rows times a weight stored [in, out], a few
hundred rows, K across a 256-deep block, edge rows and columns), for
test/gemm-mlp-products.test.ts; and of conv2d layers whose output rows are
17 to 24 wide (float32; 9 to 12 for float64), which the native conv2d
computes two rows at a time, for test/gemm-mlp-conv.test.ts.

Run with the system Python that has PyTorch (1.13 from Debian):

    /usr/bin/python3 scripts/gen_gemm_mlp_fixtures.py

Inputs come from a formula the test evaluates too (value(i, seed) below),
so only outputs and gradients are stored; the two large gradients (x's and
W1's) as their row sums and column sums (computed in float64), which any
wrong element changes; conv2d's input gradient (not this kernel's work) as
its sum over each [image, channel] plane. 1.13 and 2.x agree on
matmul and conv2d.
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
    return {
        "name": name, "dtype": str(dtype).replace("torch.", ""),
        "sizes": {"batch": batch, "input": inp, "hidden": hidden, "output": out},
        "output": flat(y),
        "grads": {"x": sums(x.grad), "w1": sums(w1.grad), "b1": flat(b1.grad), "w2": flat(w2.grad), "b2": flat(b2.grad)},
    }


def sums(t):
    """Row and column sums (in float64) of a 2-d tensor."""
    t = t.detach().double()
    return {"rows": flat(t.sum(1)), "cols": flat(t.sum(0))}


def conv_case(name, n, c, o, h, w, dtype, **options):
    x = tensor([n, c, h, w], 7, 1.0, dtype).requires_grad_(True)
    weight = tensor([o, c, 3, 3], 8, 0.3, dtype).requires_grad_(True)
    bias = tensor([o], 9, 0.3, dtype).requires_grad_(True)
    y = torch.nn.functional.conv2d(x, weight, bias, **options)
    g = tensor(list(y.shape), 10, 1.0, dtype)
    y.backward(g)
    return {
        "name": name, "dtype": str(dtype).replace("torch.", ""), "input": [n, c, h, w], "outChannels": o,
        "options": options, "outputShape": list(y.shape), "output": flat(y),
        "grads": {"inputPlaneSums": flat(x.grad.double().sum((2, 3))), "weight": flat(weight.grad), "bias": flat(bias.grad)},
    }


def main():
    cases = [
        # x @ W1: 100 rows (8 full 12-row panels and 4 rows), K = 270 (a 256 block and 14), N = 72 (2 panels and 8)
        mlp_case("100x270 -> 72 -> 10 float32", 100, 270, 72, 10, torch.float32),
        mlp_case("100x270 -> 72 -> 10 float64", 100, 270, 72, 10, torch.float64),
        # large enough (> 2e6 flops) for the threads: 130 rows, N = 96 (three whole panels)
        mlp_case("130x200 -> 96 -> 10 float32", 130, 200, 96, 10, torch.float32),
    ]
    conv = [
        # conv_case(name, n, c, o, h, w, dtype, **options); 3x3 over 26-wide maps: 24-wide output rows, 7 of them (an odd last row)
        conv_case("[2,3,9,26] 3x3 -> 8 float32", 2, 3, 8, 9, 26, torch.float32),
        conv_case("[2,3,10,19] 3x3 -> 9 float32 (17 wide)", 2, 3, 9, 10, 19, torch.float32),
        conv_case("[2,4,8,24] 3x3 padding 1 -> 6 float32 (phase copy)", 2, 4, 6, 8, 24, torch.float32, padding=1),
        conv_case("[2,3,11,47] 3x3 stride 2 -> 5 float32 (23 wide)", 2, 3, 5, 11, 47, torch.float32, stride=2),
        conv_case("[2,3,8,14] 3x3 -> 7 float64 (12 wide)", 2, 3, 7, 8, 14, torch.float64),
        conv_case("[3,2,7,11] 3x3 -> 9 float64 (9 wide)", 3, 2, 9, 7, 11, torch.float64),
    ]
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"cases": cases, "conv": conv}, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
