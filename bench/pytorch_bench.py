"""PyTorch side of `npm run bench`: the same workloads as bench/bench.ts.

Prints one JSON object {workload: value} on stdout. Run with /usr/bin/python3
(PyTorch 1.13 from Debian). Timings are medians of repeated runs.
"""
import json
import statistics
import sys
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
torch.manual_seed(0)


WARMUP_SECONDS = 0.5  # same steady-state warm-up as bench/timing.ts


def median_time(fn, reps, warmup=2):
    start = time.perf_counter()
    i = 0
    while i < warmup or time.perf_counter() - start < WARMUP_SECONDS:
        fn()
        i += 1
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def per_op_us(fn, inner=20000, reps=7):
    return median_time(lambda: [fn() for _ in range(inner)], reps, warmup=1) / inner * 1e6


out = {}
for n in (128, 256, 512, 1024):
    a, b = torch.randn(n, n), torch.randn(n, n)
    reps = 30 if n <= 512 else 15  # as bench/timing.ts matmulReps: one stall of the shared host must not decide a median
    t = median_time(lambda: torch.mm(a, b), reps)
    out[f"matmul n={n} (GFLOPS)"] = 2 * n**3 / t / 1e9

w1, b1 = torch.randn(1024, 784) * 0.03, torch.zeros(1024)
w2, b2 = torch.randn(1024, 1024) * 0.03, torch.zeros(1024)
w3, b3 = torch.randn(10, 1024) * 0.03, torch.zeros(10)
params = [w1, b1, w2, b2, w3, b3]
x = torch.randn(256, 784)
y = torch.randint(0, 10, (256,))


def mlp(x):
    h = F.relu(F.linear(x, w1, b1))
    h = F.relu(F.linear(h, w2, b2))
    return F.linear(h, w3, b3)


with torch.no_grad():
    out["MLP inference, batch 256 (ms)"] = median_time(lambda: mlp(x), 20) * 1e3

for p in params:
    p.requires_grad_(True)


def train_step():
    for p in params:
        p.grad = None
    loss = F.cross_entropy(mlp(x), y)
    loss.backward()
    with torch.no_grad():
        for p in params:
            p.sub_(p.grad, alpha=0.01)


out["MLP training step, batch 256 (ms)"] = median_time(train_step, 15) * 1e3

c1 = torch.nn.Conv2d(1, 32, 3)
c2 = torch.nn.Conv2d(32, 64, 3)
fc = torch.nn.Linear(64 * 12 * 12, 10)
img = torch.randn(64, 1, 28, 28)


def cnn(x):
    h = F.relu(c1(x))
    h = F.relu(c2(h))
    h = F.max_pool2d(h, 2)
    return fc(h.flatten(1))


with torch.no_grad():
    out["CNN inference, batch 64 (ms)"] = median_time(lambda: cnn(img), 15) * 1e3

for n, label in ((1 << 20, "1M"), (1 << 24, "16M")):
    a, b = torch.randn(n), torch.randn(n)
    reps = 50 if n < 1 << 24 else 10
    t = median_time(lambda: torch.add(a, b), reps)
    out[f"add {label} floats (GB/s)"] = 3 * 4 * n / t / 1e9
    t = median_time(lambda: torch.relu(a), reps)
    out[f"relu {label} floats (GB/s)"] = 2 * 4 * n / t / 1e9

s1, s2 = torch.randn(4), torch.randn(4)
out["4-element add, no grad (us)"] = per_op_us(lambda: s1 + s2)
g1 = torch.randn(4, requires_grad=True)
out["4-element add, with grad (us)"] = per_op_us(lambda: g1 + s2)



def digits_training(path):
    """MLP 64-128-10, Adam lr 1e-2, batch 64, 20 epochs on 80% of digits."""
    import gzip
    import numpy as np

    with gzip.open(path, "rt") as f:
        data = np.loadtxt(f, delimiter=",", dtype=np.float32)
    xs = torch.from_numpy(data[:, :64] / 16.0)
    ys = torch.from_numpy(data[:, 64].astype(np.int64))
    g = torch.Generator().manual_seed(0)
    perm = torch.randperm(len(xs), generator=g)
    n_train = len(xs) - len(xs) // 5
    xtr, ytr = xs[perm[:n_train]], ys[perm[:n_train]]
    model = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    t0 = time.perf_counter()
    for _ in range(20):
        order = torch.randperm(n_train, generator=g)
        for i in range(0, n_train, 64):
            idx = order[i:i + 64]
            opt.zero_grad()
            loss = F.cross_entropy(model(xtr[idx]), ytr[idx])
            loss.backward()
            opt.step()
    return time.perf_counter() - t0


def median_of_self_timed(run, reps, warmup=2):
    """median_time's warm-up rule for a run that returns its own seconds (bench/timing.ts medianOfSelfTimed)."""
    warm, i = 0.0, 0
    while i < warmup or warm < WARMUP_SECONDS:
        warm += run()
        i += 1
    return statistics.median(run() for _ in range(reps))


if len(sys.argv) > 2:
    out["digits MLP, 20 epochs (s)"] = median_of_self_timed(lambda: digits_training(sys.argv[2]), 3)

print(json.dumps(out))
