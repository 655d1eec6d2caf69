"""PyTorch's side of bench/checkpoint-io.ts: writes DIR/pytorch.pt (a ~100 MB
state dict: ResNet-like float32 weights plus int64 counters) and times
torch.save / torch.load on it and on the file torchlet wrote (DIR/torchlet.pt,
when present). Run it, then the node bench, then it again for torchlet.pt."""
import os
import statistics
import sys
import time
from collections import OrderedDict

import torch

d = sys.argv[1] if len(sys.argv) > 1 else "/tmp/torchlet-ckpt-bench"
os.makedirs(d, exist_ok=True)
torch.manual_seed(0)
sd = OrderedDict()
for i in range(24):
    sd[f"layer{i}.weight"] = torch.randn(1024, 1024)
    sd[f"layer{i}.bias"] = torch.randn(1024)
    sd[f"layer{i}.num_batches_tracked"] = torch.tensor(i)
path = os.path.join(d, "pytorch.pt")
if not os.path.exists(path):
    torch.save(sd, path)


def timed(f):
    xs = []
    for _ in range(5):
        t0 = time.perf_counter()
        f()
        xs.append((time.perf_counter() - t0) * 1000)
    return statistics.median(xs)


print(f"PyTorch {torch.__version__}, medians of 5 (ms):")
print(f"  torch.save pytorch.pt                  {timed(lambda: torch.save(sd, os.path.join(d, 'py_again.pt'))):.1f}")
print(f"  torch.load pytorch.pt (weights_only)   {timed(lambda: torch.load(path, weights_only=True)):.1f}")
tl = os.path.join(d, "torchlet.pt")
if os.path.exists(tl):
    print(f"  torch.load torchlet.pt (weights_only)  {timed(lambda: torch.load(tl, weights_only=True)):.1f}")
