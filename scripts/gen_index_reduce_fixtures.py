#!/usr/bin/python3
"""Golden cases for torch.index_reduce (test/index-reduce.test.ts):

    /usr/bin/python3 scripts/gen_index_reduce_fixtures.py

Writes test/fixtures/ops/index-reduce.json: for each case self, index,
source, reduce and include_self, PyTorch's result and, for floating
dtypes, the gradients of self and source for a given upstream gradient;
then the error messages of bad calls. One message is PyTorch 2.x's where
1.13 fails later with a broadcasting error (see V2 below).
"""
import json
import os

import torch

from fixture_numbers import error_text, tensor_json

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test", "fixtures", "ops", "index-reduce.json")
gen = torch.Generator().manual_seed(3)


def small_ints(shape, dtype):
    """Values in -3..3 (ties, zeros and negatives for prod / amax / amin), as dtype."""
    return torch.randint(-3, 4, shape, generator=gen).to(dtype)


def randn(shape, dtype):
    return torch.randn(shape, generator=gen, dtype=torch.float64).to(dtype)


def case(name, self, dim, index, source, reduce, include_self):
    c = {"name": name, "self": tensor_json(self), "dim": dim, "index": index, "source": tensor_json(source),
         "reduce": reduce, "includeSelf": include_self}
    floating = self.dtype.is_floating_point
    s = self.clone().requires_grad_(floating)
    src = source.clone().requires_grad_(floating)
    out = s.index_reduce(dim, torch.tensor(index, dtype=torch.long), src, reduce, include_self=include_self)
    c["out"] = tensor_json(out)
    if floating:
        g = randn(out.shape, self.dtype)
        out.backward(g)
        c["grad"] = tensor_json(g)
        c["selfGrad"] = tensor_json(s.grad)
        c["sourceGrad"] = tensor_json(src.grad)
    return c


def main():
    cases = []
    for reduce in ["prod", "mean", "amax", "amin"]:
        for include_self in [True, False]:
            tag = f"{reduce} include_self={include_self}"
            for dtype in [torch.float32, torch.float64]:
                d = str(dtype).replace("torch.", "")
                cases.append(case(f"1-d {tag} {d}", randn([5], dtype), 0, [0, 0, 3, 1, 3, 3], randn([6], dtype), reduce, include_self))
                cases.append(case(f"2-d dim 1 {tag} {d}", randn([3, 4], dtype), 1, [2, 0, 2], randn([3, 3], dtype), reduce, include_self))
                cases.append(case(f"3-d dim -2 {tag} {d}", randn([2, 3, 2], dtype), -2, [1, 1, 1, 0], randn([2, 4, 2], dtype), reduce, include_self))
                cases.append(case(f"ties and zeros {tag} {d}", small_ints([4, 3], dtype), 0, [0, 2, 0, 2, 2], small_ints([5, 3], dtype), reduce, include_self))
            cases.append(case(f"int32 {tag}", small_ints([4, 3], torch.int32), 0, [0, 2, 0, 3], small_ints([4, 3], torch.int32) * 7, reduce, include_self))
            cases.append(case(f"0-d {tag}", torch.tensor(2.5), 0, [0], torch.tensor(-1.5), reduce, include_self))
            cases.append(case(f"empty index {tag}", randn([3, 2], torch.float32), 0, [], randn([0, 2], torch.float32), reduce, include_self))
    # a single zero and repeated zeros in one slot, for prod's gradient
    cases.append(case("prod one zero per slot", torch.tensor([2.0, 3.0, 0.5]), 0, [0, 0, 1, 1], torch.tensor([0.0, 4.0, 5.0, 0.0]), "prod", True))
    cases.append(case("prod zero in self", torch.tensor([0.0, 3.0, 0.5]), 0, [0, 0, 2], torch.tensor([2.0, 4.0, 5.0]), "prod", True))
    cases.append(case("amax NaN", torch.tensor([1.0, 2.0, 3.0]), 0, [0, 0, 1], torch.tensor([float("nan"), 3.0, 4.0]), "amax", True))
    x = torch.ones(3, 4)
    src = torch.arange(8.).reshape(2, 4)
    idx = torch.tensor([0, 2])
    errors = {
        "reduce sum": error_text(lambda: x.index_reduce(0, idx, src, "sum")),
        "float index": error_text(lambda: x.index_reduce(0, idx.float(), src, "prod")),
        "dtype mismatch": error_text(lambda: x.index_reduce(0, idx, src.double(), "prod")),
        "2-d index": error_text(lambda: x.index_reduce(0, idx.reshape(2, 1).int(), src, "prod")),
        "index count": error_text(lambda: x.index_reduce(0, torch.tensor([0, 1, 2]), src, "prod")),
        "index too large": error_text(lambda: x.index_reduce(0, torch.tensor([0, 5]), src, "prod")),
        "negative index": error_text(lambda: x.index_reduce(0, torch.tensor([0, -1]), src, "prod")),
        "dim out of range": error_text(lambda: x.index_reduce(2, idx, src, "prod")),
        "bool": error_text(lambda: torch.ones(3, dtype=torch.bool).index_reduce(0, torch.tensor([0]), torch.tensor([True]), "amax")),
        # PyTorch 2.x's index_func_meta_impl check; 1.13 fails later with a broadcasting error
        "slice shapes (v2)": "source tensor shape must match self tensor shape, excluding the specified dimension. Got self.shape = [3, 4] source.shape = [2, 3]",
    }
    leaf = torch.ones(3, requires_grad=True)
    errors["in-place on a leaf"] = error_text(lambda: leaf.index_reduce_(0, torch.tensor([0]), torch.tensor([2.0]), "prod"))
    node = torch.ones(3, requires_grad=True).clone().index_reduce_(0, torch.tensor([0, 0, 1]), torch.tensor([2.0, 3.0, 4.0]), "amin")
    with open(OUT, "w") as f:
        json.dump({"cases": cases, "errors": errors, "inplaceGradFn": type(node.grad_fn).__name__}, f)
        f.write("\n")


main()
