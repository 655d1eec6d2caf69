"""PyTorch fixtures for F.conv3d at the geometries of the native direct kernel
(native/conv3d-direct.c): at least 4 output channels per group, rows of more
than one vector of outputs, partial weight panels (9 channels), stride along
rows (2 and 3, odd widths, odd and even padding), depth/height strides read
in place, dilation, groups, float64 and unbatched input. Each case holds the
output and the gradients of input, weight and bias for one upstream gradient.

Run with /usr/bin/python3 (PyTorch 1.13; these CPU kernels compute as 2.x's):
writes test/fixtures/ops/conv3d-direct.json, read by test/conv3d-direct.test.ts.
"""
import json
import os

import torch

from gen_vol3d_fixtures import conv3d_case

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test", "fixtures", "ops", "conv3d-direct.json")

GEN = torch.Generator().manual_seed(3)


def randn(*shape, dtype=torch.float32, scale=1.0):
    return (torch.randn(*shape, generator=GEN, dtype=torch.float64) * scale).to(dtype)


def conv3d_cases():
    cases = []

    def c(*args, **kw):
        cases.append(conv3d_case(*args, **kw))

    f64 = torch.float64
    c("9 output channels (a partial panel), rows of 20, padding 1", randn(1, 3, 3, 4, 20), randn(9, 3, 3, 3, 3, scale=0.3),
      randn(9), 1, padding=1)
    c("float64, stride 2 along odd rows, padding (1, 2, 1)", randn(1, 2, 5, 6, 19, dtype=f64), randn(8, 2, 3, 3, 3, dtype=f64),
      randn(8, dtype=f64), 2, stride=2, padding=[1, 2, 1])
    c("groups 2 of 8, stride (1, 2, 3), dilation (2, 1, 2), no bias", randn(1, 4, 6, 5, 17), randn(16, 2, 2, 2, 3, scale=0.3),
      None, 3, stride=[1, 2, 3], dilation=[2, 1, 2], groups=2)
    c("unbatched, depth stride 2 without padding, rows of 33", randn(2, 5, 4, 33), randn(6, 2, 3, 2, 2, scale=0.3), randn(6), 4,
      stride=[2, 1, 1])
    c("stride 2, even padding 2, rows of 32", randn(1, 2, 4, 4, 32), randn(4, 2, 3, 3, 3, scale=0.3), randn(4), 5, stride=2, padding=2)
    c("float64 groups 2 of 5, padding (0, 1, 2), dilation 2", randn(2, 4, 6, 6, 9, dtype=f64), randn(10, 2, 2, 3, 2, dtype=f64),
      randn(10, dtype=f64), 6, padding=[0, 1, 2], dilation=2, groups=2)
    return cases


def main():
    data = {"torch": torch.__version__, "conv3d": conv3d_cases()}
    with open(OUT, "w") as f:
        json.dump(data, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
