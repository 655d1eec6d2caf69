"""PyTorch side of `npm run bench:gemm-shapes`: the same cases as bench/gemm-shapes.ts.

Usage: /usr/bin/python3 bench/pytorch_gemm_shapes.py THREADS [--min] NAME...
Prints one JSON object {case name: median seconds} on stdout for the named cases
(with --min, the fastest run's seconds).
"""
import json
import re
import statistics
import sys
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)

BUDGET, MIN_REPS, MAX_REPS, WARMUP = 0.6, 5, 200, 0.2  # as bench/gemm-shapes.ts


def median_seconds(fn, fastest=False):
    start, i = time.perf_counter(), 0
    while i < 2 or time.perf_counter() - start < WARMUP:
        fn()
        i += 1
    times, start = [], time.perf_counter()
    while len(times) < MIN_REPS or (len(times) < MAX_REPS and time.perf_counter() - start < BUDGET):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times) if fastest else statistics.median(times)


def mlp_params(requires_grad):
    p = [torch.randn(784, 1024) * 0.03, torch.zeros(1024), torch.randn(1024, 1024) * 0.03, torch.zeros(1024),
         torch.randn(1024, 10) * 0.03, torch.zeros(10)]
    return [t.requires_grad_(requires_grad) for t in p]


def mlp(x, p):
    h = (x @ p[0] + p[1]).relu()
    h = (h @ p[2] + p[3]).relu()
    return h @ p[4] + p[5]


def cnn_model():
    return torch.nn.Sequential(torch.nn.Conv2d(1, 32, 3), torch.nn.ReLU(), torch.nn.Conv2d(32, 64, 3), torch.nn.ReLU(),
                               torch.nn.MaxPool2d(2), torch.nn.Flatten(), torch.nn.Linear(64 * 12 * 12, 10))


def setup(name):
    m = re.fullmatch(r"(\d+)x(\d+)x(\d+)( f64)?", name)
    if m:
        dtype = torch.float64 if m.group(4) else torch.float32
        a = torch.randn(int(m.group(1)), int(m.group(2)), dtype=dtype)
        b = torch.randn(int(m.group(2)), int(m.group(3)), dtype=dtype)
        return lambda: a @ b
    m = re.fullmatch(r"(?:\((\d+)x(\d+)\)\^T|(\d+)x(\d+)) @ (?:\((\d+)x(\d+)\)\^T|(\d+)x(\d+))", name)
    if m:
        a = torch.randn(int(m.group(1)), int(m.group(2))).t() if m.group(1) else torch.randn(int(m.group(3)), int(m.group(4)))
        b = torch.randn(int(m.group(5)), int(m.group(6))).t() if m.group(5) else torch.randn(int(m.group(7)), int(m.group(8)))
        return lambda: a @ b
    if name == "bmm [16,128,256] @ [256,256] broadcast":
        a, b = torch.randn(16, 128, 256), torch.randn(256, 256)
        return lambda: a @ b
    if name == "bmm [64,4,64] @ [64,64,512]":
        a, b = torch.randn(64, 4, 64), torch.randn(64, 64, 512)
        return lambda: a @ b
    if name == "MLP inference, batch 256":
        x, p = torch.randn(256, 784), mlp_params(False)

        def run():
            with torch.no_grad():
                mlp(x, p)
        return run
    if name == "MLP training step, batch 256":
        x, y, p = torch.randn(256, 784), torch.randint(0, 10, (256,)), mlp_params(True)

        def run():
            for t in p:
                t.grad = None
            F.cross_entropy(mlp(x, p), y).backward()
        return run
    if name == "CNN inference, batch 64":
        model, img = cnn_model(), torch.randn(64, 1, 28, 28)

        def run():
            with torch.no_grad():
                model(img)
        return run
    if name == "CNN training step, batch 64":
        model, img = cnn_model(), torch.randn(64, 1, 28, 28)

        def run():
            model.zero_grad(set_to_none=True)
            model(img).sum().backward()
        return run
    raise ValueError(f"unknown case {name!r}")


fastest = "--min" in sys.argv[2:]
out = {}
for name in sys.argv[2:]:
    if name == "--min":
        continue
    torch.manual_seed(0)
    out[name] = median_seconds(setup(name), fastest)
print(json.dumps(out))
