#!/usr/bin/python3
"""Writes test/fixtures/ops/nn-func2.json: PyTorch's answers for the
nn.functional fixes tested in test/nn-functional-fixes.test.ts.

- "interpolate": F.interpolate values and input gradients where torchlet
  differed: linear/bilinear dims whose size does not change (copied),
  nearest with factors whose float32 source index differs from a double one
  (2.6) or where the backward's special cases (out == in, out == 2 in) send
  gradients elsewhere than the forward read (1.1, 2.2; 4-d input of one
  channel takes the channels-last kernel, which picks as the backward), and
  recompute_scale_factor.
- "nearestSweep": for lengths 1..25 and several factors, the source index of
  each output of nearest (arange input) and the input gradient of sum(out * w)
  with w = 1, 2, 3, ..., float32 and float64.
- "embedding": F.embedding / F.embedding_bag with max_norm: the output, the
  weight after its in-place renormalisation, and the weight's gradient.

Run with the system Python that has PyTorch (1.13 from Debian):

    /usr/bin/python3 scripts/gen_func_fixtures2.py

These paths are the same in 1.13 and 2.x (CPU kernels: the nearest forward
is floor(i * scale) in the input's opmath type rounded to float32, the
backward is nearest_idx; linear copies a dim of unchanged size; embedding
renorm scales by max_norm / (norm + 1e-7)).
"""
import json
import os

import torch
import torch.nn.functional as F

from fixture_numbers import enc, flat

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test", "fixtures", "ops", "nn-func2.json")


def interp_case(name, x, seed, **kw):
    x = x.clone().requires_grad_(True)
    y = F.interpolate(x, **kw)
    g = torch.randn(y.shape, generator=torch.Generator().manual_seed(seed))
    y.backward(g)
    options = {"size": kw.get("size"), "scaleFactor": kw.get("scale_factor"), "mode": kw.get("mode", "nearest"),
               "alignCorners": kw.get("align_corners"), "recomputeScaleFactor": kw.get("recompute_scale_factor")}
    return {"name": name, "options": options,
            "input": {"shape": list(x.shape), "data": flat(x)},
            "output": {"shape": list(y.shape), "data": flat(y)},
            "gradOutput": flat(g), "inputGrad": flat(x.grad)}


def interpolate_cases():
    gen = torch.Generator().manual_seed(0)
    x5 = torch.randn(1, 2, 5, generator=gen)
    x43 = torch.randn(1, 2, 4, 3, generator=gen)
    x7 = torch.randn(2, 1, 7, generator=gen)
    x16 = torch.randn(1, 1, 16, generator=gen)
    x3 = torch.randn(1, 2, 3, generator=gen)
    x45 = torch.randn(1, 1, 4, 5, generator=gen)
    x245 = torch.randn(1, 2, 4, 5, generator=gen)
    return [
        interp_case("linear factor 1.1 on 5 copies", x5, 1, scale_factor=1.1, mode="linear"),
        interp_case("linear factor 1.1 on 5 align corners copies", x5, 2, scale_factor=1.1, mode="linear", align_corners=True),
        interp_case("bilinear factors (1.2, 2) copy H", x43, 3, scale_factor=(1.2, 2), mode="bilinear"),
        interp_case("bilinear factors (2, 1.2) align corners copy W", x43, 4, scale_factor=(2, 1.2), mode="bilinear", align_corners=True),
        interp_case("nearest factor 2.6 on 16 (float32 index)", x16, 5, scale_factor=2.6),
        interp_case("nearest factor 1.1 on 5 (backward copies)", x5, 6, scale_factor=1.1),
        interp_case("nearest factor 2.2 on 3 (backward halves)", x3, 7, scale_factor=2.2),
        # one channel: PyTorch takes its channels-last kernel, which picks as the backward does
        interp_case("nearest factors (1.1, 2.6) on 1x4x5 (channels-last kernel)", x45, 8, scale_factor=(1.1, 2.6)),
        interp_case("nearest factors (1.1, 2.2) on 2x4x5", x245, 13, scale_factor=(1.1, 2.2)),
        interp_case("linear 1.7 recompute_scale_factor", x7, 9, scale_factor=1.7, mode="linear", recompute_scale_factor=True),
        interp_case("nearest 1.7 recompute_scale_factor", x7, 10, scale_factor=1.7, recompute_scale_factor=True),
        interp_case("bilinear (1.5, 0.7) recompute_scale_factor", x45, 11, scale_factor=(1.5, 0.7), mode="bilinear",
                    recompute_scale_factor=True),
        interp_case("nearest 2.6 recompute_scale_factor false", x16, 12, scale_factor=2.6, recompute_scale_factor=False),
    ]


def nearest_sweep():
    cases = []
    for dtype in (torch.float32, torch.float64):
        for factor in (0.3, 0.7, 1.1, 1.3, 1.7, 2.2, 2.6, 3.3):
            for n in range(1, 26):
                if int(n * factor) == 0:
                    continue
                x = torch.arange(n, dtype=dtype).reshape(1, 1, n).requires_grad_(True)
                y = F.interpolate(x, scale_factor=factor)
                w = torch.arange(1, y.shape[-1] + 1, dtype=dtype).reshape(y.shape)
                (y * w).sum().backward()
                cases.append({"dtype": str(dtype).replace("torch.", ""), "n": n, "factor": factor,
                              "index": [int(v) for v in y.detach().reshape(-1).tolist()],
                              "grad": [int(v) for v in x.grad.reshape(-1).tolist()]})
    return cases


def embedding_case(name, fn, indices, seed, max_norm, norm_type=2.0, **kw):
    weight = torch.randn(6, 3, generator=torch.Generator().manual_seed(seed)) * 2
    before = weight.clone()
    w = weight.clone().requires_grad_(True)
    idx = torch.tensor(indices)
    if fn == "embedding":
        y = F.embedding(idx, w, max_norm=max_norm, norm_type=norm_type, **kw)
    else:
        offsets = torch.tensor(kw.pop("offsets"))
        y = F.embedding_bag(idx, w, offsets, max_norm=max_norm, norm_type=norm_type, **kw)
    g = torch.randn(y.shape, generator=torch.Generator().manual_seed(seed + 100))
    y.backward(g)
    return {"name": name, "fn": fn, "indices": {"shape": list(idx.shape), "data": indices if idx.dim() == 1 else sum(indices, [])},
            "maxNorm": max_norm, "normType": enc(norm_type), "options": {k: v for k, v in kw.items()},
            "offsets": None if fn == "embedding" else [int(v) for v in offsets.tolist()],
            "weight": {"shape": list(before.shape), "data": flat(before)},
            "output": {"shape": list(y.shape), "data": flat(y)},
            "renormed": flat(w.detach()), "gradOutput": flat(g), "weightGrad": flat(w.grad)}


def embedding_cases():
    return [
        embedding_case("embedding max_norm 1 (repeated and untouched rows)", "embedding", [[0, 2, 0], [5, 2, 1]], 1, 1.0),
        embedding_case("embedding max_norm 2.5 norm_type 1", "embedding", [3, 4, 3], 2, 2.5, 1.0),
        embedding_case("embedding max_norm 1 norm_type inf, padding_idx", "embedding", [1, 0, 4], 3, 1.0, float("inf"), padding_idx=0),
        embedding_case("embedding_bag sum max_norm 1.5", "embedding_bag", [0, 2, 4, 2, 5], 4, 1.5, offsets=[0, 2], mode="sum"),
        embedding_case("embedding_bag mean max_norm 0.5 norm_type 3", "embedding_bag", [1, 3, 3, 0], 5, 0.5, 3.0, offsets=[0, 1, 3],
                       mode="mean"),
    ]


def main():
    fixture = {"torch": torch.__version__, "interpolate": interpolate_cases(), "nearestSweep": nearest_sweep(),
               "embedding": embedding_cases()}
    with open(OUT, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
