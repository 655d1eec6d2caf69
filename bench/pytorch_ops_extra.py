"""PyTorch side of `npm run bench:ops-extra`: the same cases as bench/ops-extra.ts.

Usage: pytorch_ops_extra.py THREADS [NAME-FILTER ...]. Prints one JSON object
{case: {"forward": ms, "backward": ms}} on stdout, "backward" being forward +
backward (torch.autograd.grad of the inputs with a fixed output gradient).
Run with /usr/bin/python3. Timings are medians with bench/ops-extra.ts's rule:
1 s (and at least 2 runs) of warm-up (V8 needs that long to settle on its optimized code), then as many runs as fit 1.5 s, within
[5, 30].
"""
import json
import statistics
import sys
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
FILTERS = sys.argv[2:]
BUDGET_S, MIN_REPS, MAX_REPS, WARMUP_S = 1.5, 5, 30, 1.0


def seconds(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def adaptive_median(fn):
    warm, first, i = 0.0, float("inf"), 0
    while i < 2 or warm < WARMUP_S:
        t = seconds(fn)
        warm += t
        first = min(first, t)
        i += 1
    reps = max(MIN_REPS, min(MAX_REPS, round(BUDGET_S / first)))
    return statistics.median(seconds(fn) for _ in range(reps))


def lp_pool3d(x, p, k):
    """PyTorch 2.x's F.lp_pool3d (1.13 has none), as 2.x composes it."""
    out = F.avg_pool3d(x.pow(p), k)
    return (torch.sign(out) * F.relu(torch.abs(out))).mul(k * k * k).pow(1.0 / p)


def grid_of(*shape):
    return torch.rand(*shape) * 2.2 - 1.1


def ctc_case():
    targets = torch.randint(1, 30, (16, 30))
    il = [100 - i for i in range(16)]
    tl = [30 - i for i in range(16)]
    return [torch.randn(100, 16, 30).log_softmax(2)], lambda lp: F.ctc_loss(lp, targets, il, tl)


def multilabel_case():
    t = torch.randint(0, 100, (256, 100))
    cut = torch.randint(1, 10, (256, 1))
    target = torch.where(torch.arange(100).unsqueeze(0) < cut, t, torch.full((256, 100), -1, dtype=torch.long))
    return [torch.randn(256, 100)], lambda x: F.multilabel_margin_loss(x, target)


def unpool_case():
    v, i = F.max_pool3d(torch.randn(4, 16, 16, 32, 32), 2, return_indices=True)
    return [v], lambda x: F.max_unpool3d(x, i, 2)


def fractional_case():
    samples = torch.rand(8, 16, 2)
    return [torch.randn(8, 16, 64, 64)], lambda x: F.fractional_max_pool2d(x, 3, output_size=32, _random_samples=samples)


def rows_idx(dtype=torch.int32):
    return torch.randint(0, 100000, (10000,), dtype=dtype)


# PyTorch 1.13's advanced indexing (x[idx], index_put_) takes int64 index tensors only; index_select and embedding take int32
LONG = torch.int64


def index_put_case(accumulate):
    idx, v, x = rows_idx(LONG), torch.randn(10000, 64), torch.randn(100000, 64)
    return [], lambda: x.index_put_((idx,), v, accumulate=accumulate)


def index_put_mask_case():
    mask, x = torch.rand(1000, 1000) > 0.5, torch.randn(1000, 1000)

    def call():
        x[mask] = 0
        return x
    return [], call


def two_index_case():
    idx, i2 = rows_idx(LONG), torch.randint(0, 64, (10000,))
    return [torch.randn(100000, 64)], lambda x: x[idx, i2]


def col_index_case():
    idx = torch.randint(0, 512, (256,))
    return [torch.randn(4096, 512)], lambda x: x[:, idx]


def mask_case(mask, shape):
    return [torch.randn(*shape)], lambda x: x[mask]


def masked_fill_case():
    mask = torch.rand(1000, 1000) > 0.5
    return [torch.randn(1000, 1000)], lambda x: x.masked_fill(mask, 0)


def where_case():
    c = torch.rand(1000, 1000) > 0.5
    return [torch.randn(1000, 1000), torch.randn(1000, 1000)], lambda x, y: torch.where(c, x, y)


def nonzero_case():
    m = torch.rand(1000, 1000) > 0.5
    return [], lambda: torch.nonzero(m)


def masked_select_case():
    mask = torch.rand(1000, 1000) > 0.5
    return [torch.randn(1000, 1000)], lambda x: torch.masked_select(x, mask)


def embedding_case():
    idx = torch.randint(0, 50000, (4096,), dtype=torch.int32)
    return [torch.randn(50000, 128)], lambda w: F.embedding(idx, w)


def one_hot_case():
    # one_hot wants int64 indices in PyTorch
    idx = torch.randint(0, 100, (100000,))
    return [], lambda: F.one_hot(idx, 100)


def index_rows_case():
    idx = rows_idx(LONG)
    return [torch.randn(100000, 64)], lambda x: x[idx]


def index_select_case():
    idx = rows_idx()
    return [torch.randn(100000, 64)], lambda x: x.index_select(0, idx)


CASES = [
    ("gridSample bilinear [8,16,64,64]", lambda: ([torch.randn(8, 16, 64, 64), grid_of(8, 64, 64, 2)], lambda x, g: F.grid_sample(x, g, align_corners=False))),
    ("gridSample nearest [8,16,64,64]", lambda: ([torch.randn(8, 16, 64, 64), grid_of(8, 64, 64, 2)], lambda x, g: F.grid_sample(x, g, mode="nearest", align_corners=False))),
    ("gridSample bicubic [8,16,64,64]", lambda: ([torch.randn(8, 16, 64, 64), grid_of(8, 64, 64, 2)], lambda x, g: F.grid_sample(x, g, mode="bicubic", align_corners=False))),
    ("gridSample bilinear reflection [8,16,64,64]", lambda: ([torch.randn(8, 16, 64, 64), grid_of(8, 64, 64, 2)], lambda x, g: F.grid_sample(x, g, padding_mode="reflection", align_corners=False))),
    ("gridSample trilinear [2,8,16,32,32]", lambda: ([torch.randn(2, 8, 16, 32, 32), grid_of(2, 16, 32, 32, 3)], lambda x, g: F.grid_sample(x, g, align_corners=False))),
    ("affineGrid [8,16,64,64]", lambda: ([torch.randn(8, 2, 3)], lambda t: F.affine_grid(t, [8, 16, 64, 64], align_corners=False))),
    ("conv3d [2,16,16,32,32] -> 32, k3 p1", lambda: ([torch.randn(2, 16, 16, 32, 32), torch.randn(32, 16, 3, 3, 3) * 0.05, torch.randn(32)], lambda x, w, b: F.conv3d(x, w, b, padding=1))),
    ("conv3d [2,16,16,32,32] -> 32, k3 s2", lambda: ([torch.randn(2, 16, 16, 32, 32), torch.randn(32, 16, 3, 3, 3) * 0.05, torch.randn(32)], lambda x, w, b: F.conv3d(x, w, b, stride=2))),
    ("convTranspose3d [2,32,8,16,16] -> 16, k3 s2", lambda: ([torch.randn(2, 32, 8, 16, 16), torch.randn(32, 16, 3, 3, 3) * 0.05, torch.randn(16)],
                                                         lambda x, w, b: F.conv_transpose3d(x, w, b, stride=2, padding=1, output_padding=1))),
    ("maxPool3d k2 [4,16,16,32,32]", lambda: ([torch.randn(4, 16, 16, 32, 32)], lambda x: F.max_pool3d(x, 2))),
    ("maxPool3d k3 s2 p1 [4,16,16,32,32]", lambda: ([torch.randn(4, 16, 16, 32, 32)], lambda x: F.max_pool3d(x, 3, stride=2, padding=1))),
    ("avgPool3d k2 [4,16,16,32,32]", lambda: ([torch.randn(4, 16, 16, 32, 32)], lambda x: F.avg_pool3d(x, 2))),
    ("adaptiveAvgPool3d ->[5,5,5] [4,16,16,32,32]", lambda: ([torch.randn(4, 16, 16, 32, 32)], lambda x: F.adaptive_avg_pool3d(x, 5))),
    ("adaptiveMaxPool3d ->[5,5,5] [4,16,16,32,32]", lambda: ([torch.randn(4, 16, 16, 32, 32)], lambda x: F.adaptive_max_pool3d(x, 5))),
    ("lpPool3d p2 k2 [4,16,16,32,32]", lambda: ([torch.randn(4, 16, 16, 32, 32)], lambda x: lp_pool3d(x, 2, 2))),
    ("maxUnpool3d k2 [4,16,8,16,16]", unpool_case),
    ("fractionalMaxPool2d k3 ->32 [8,16,64,64]", fractional_case),
    ("ctcLoss T100 N16 C30 S30", ctc_case),
    ("multilabelMarginLoss [256,100]", multilabel_case),
    ("interpolate trilinear x2 [2,8,16,32,32]", lambda: ([torch.randn(2, 8, 16, 32, 32)], lambda x: F.interpolate(x, scale_factor=2, mode="trilinear", align_corners=False))),
    ("interpolate area ->[8,16,16] [2,8,16,32,32]", lambda: ([torch.randn(2, 8, 16, 32, 32)], lambda x: F.interpolate(x, size=[8, 16, 16], mode="area"))),
    ("index x[idx] [100000,64] idx 10000", index_rows_case),
    ("indexSelect dim0 [100000,64] idx 10000", index_select_case),
    ("indexPut_ x[idx]=v [100000,64] idx 10000", lambda: index_put_case(False)),
    ("indexPut_ accumulate x[idx]+=v [100000,64] idx 10000", lambda: index_put_case(True)),
    ("index x[idx,i2] [100000,64] idx 10000", two_index_case),
    ("index x[:,idx] [4096,512] idx 256", col_index_case),
    ("index x[rowmask] [100000,64]", lambda: mask_case(torch.rand(100000) > 0.5, (100000, 64))),
    ("index x[mask] full mask [1000,1000]", lambda: mask_case(torch.rand(1000, 1000) > 0.5, (1000, 1000))),
    ("indexPut_ x[mask]=0 full mask [1000,1000]", index_put_mask_case),
    ("maskedFill [1000,1000]", masked_fill_case),
    ("where(c, x, y) [1000,1000]", where_case),
    ("nonzero bool [1000,1000]", nonzero_case),
    ("maskedSelect [1000,1000]", masked_select_case),
    ("embedding [50000,128] idx 4096", embedding_case),
    ("oneHot 100000 idx, 100 classes", one_hot_case),
]

out = {}
for name, setup in CASES:
    if FILTERS and not any(f in name for f in FILTERS):
        continue
    torch.manual_seed(0)
    inputs, call = setup()
    with torch.no_grad():
        probe = call(*inputs)
    with torch.no_grad():
        forward = adaptive_median(lambda: call(*inputs))
    if not inputs:
        # an op without a gradient (in-place writes, index results): forward only
        out[name] = {"forward": forward * 1e3}
        continue
    leaves = [t.detach().requires_grad_() for t in inputs]
    grad_out = torch.randn_like(probe)
    backward = adaptive_median(lambda: torch.autograd.grad(call(*leaves), leaves, grad_out))
    out[name] = {"forward": forward * 1e3, "backward": backward * 1e3}
print(json.dumps(out))
