"""Golden fixtures for test/native-masks-fixtures.test.ts: PyTorch's results at
sizes past torchlet's native thresholds for the paths the native-masks kernels
take (fractional max pooling with ties, -0, NaN and -inf windows; gridSample
nearest at exact halves; x[mask] = scalar on middle dims; x[i, j] with
negative and broadcast indices). Inputs are written out (exactly) so the test
feeds PyTorch's own. Run with /usr/bin/python3 (PyTorch 1.13):

    /usr/bin/python3 scripts/gen_native_masks_fixtures.py
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from fixture_numbers import flat_exact, tensor_json  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "native-masks", "cases.json")


def lcg_values(n, seed):
    s, out = seed, []
    for i in range(n):
        s = (s * 1103515245 + 12345) % 2147483648
        r = s / 2147483648
        if i % 211 == 7:
            out.append(float("nan"))
        elif i % 173 < 12:
            out.append(float("-inf"))
        elif i % 13 == 4:
            out.append(-0.0)
        elif i % 13 == 5:
            out.append(0.0)
        else:
            out.append(float(int(r * 6) - 3) + 0.5)
    return out


def fractional_cases():
    cases = []
    for dtype in (torch.float32, torch.float64):
        for shape, k, size in (([2, 3, 24, 24], 3, [11, 12]), ([2, 3, 24, 24], [2, 4], [20, 9]), ([3, 40, 17], [5, 2], [9, 16])):
            x = torch.tensor(lcg_values(int(torch.tensor(shape).prod()), 7 + size[0]), dtype=dtype).reshape(shape)
            batch = shape[0] if len(shape) == 4 else 1
            g = torch.Generator().manual_seed(size[1])
            samples = torch.rand(batch, shape[-3], 2, generator=g, dtype=dtype)
            v, i = torch.nn.functional.fractional_max_pool2d(x, k, output_size=size, return_indices=True, _random_samples=samples)
            cases.append({"input": tensor_json(x), "samples": tensor_json(samples), "kernel": k, "outputSize": size,
                          "values": flat_exact(v), "indices": [int(a) for a in i.flatten().tolist()], "shape": list(v.shape)})
    return cases


def grid_cases():
    cases = []
    for dtype in (torch.float32, torch.float64):
        g = torch.Generator().manual_seed(3)
        x = torch.randn(2, 2, 10, 13, generator=g, dtype=dtype)
        grid = (torch.rand(2, 16, 17, 2, generator=g, dtype=dtype) * 2.4 - 1.2).reshape(-1)
        W, H = 13, 10
        for i in range(0, grid.numel(), 7):
            size = W if i % 2 == 0 else H
            grid[i] = (2 * ((i >> 3) % (size + 2)) - 1) / size - 1  # half-way between pixels (align_corners=False)
        for i in range(3, grid.numel(), 11):
            size = W if i % 2 == 0 else H
            grid[i] = (2 * ((i >> 2) % size) + 1) / (size - 1) - 1  # half-way (align_corners=True)
        grid = grid.reshape(2, 16, 17, 2)
        outputs = []
        for padding in ("zeros", "border", "reflection"):
            for align in (False, True):
                y = torch.nn.functional.grid_sample(x, grid, mode="nearest", padding_mode=padding, align_corners=align)
                outputs.append({"padding": padding, "alignCorners": align, "output": flat_exact(y), "shape": list(y.shape)})
        cases.append({"input": tensor_json(x), "grid": tensor_json(grid), "outputs": outputs})
    return cases


def put_cases():
    """x[:, mask] = value on x = arange(3 * 20 * 30) reshaped, every dtype; and x[i, j] gathers."""
    g = torch.Generator().manual_seed(5)
    mask = torch.rand(20, 30, generator=g) > 0.5
    puts = []
    for dtype, value in ((torch.float32, -2.5), (torch.float64, 0.1), (torch.int32, -7), (torch.bool, True)):
        x = torch.arange(3 * 20 * 30).reshape(3, 20, 30)
        x = (x % 2 == 1) if dtype == torch.bool else x.to(dtype)
        x[:, mask] = value
        puts.append({"dtype": str(dtype).replace("torch.", ""), "value": value, "result": flat_exact(x)})
    i = torch.randint(-300, 300, (40, 1), generator=g)
    j = torch.randint(-64, 64, (30,), generator=g)
    x = torch.arange(300 * 64, dtype=torch.float32).reshape(300, 64)
    gathered = x[i, j]
    return {"mask": [int(b) for b in mask.flatten().tolist()], "puts": puts,
            "i": tensor_json(i), "j": tensor_json(j), "gathered": flat_exact(gathered), "gatheredShape": list(gathered.shape)}


def main():
    data = {"fractional": fractional_cases(), "gridNearest": grid_cases(), "indexing": put_cases()}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(data, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
