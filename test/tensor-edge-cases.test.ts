// Tensor behaviour at the edges, each case checked against PyTorch 1.13 (values in the comments and assertions).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

test("clamp takes tensor bounds (broadcast, NaN-propagating) with PyTorch's gradients, and a NaN number bound gives NaN", () => {
  const x = torch.tensor([1, 5, 9, 3, NaN], { requiresGrad: true });
  const lo = torch.tensor([2, 2, 2, 4, 0], { requiresGrad: true }), hi = torch.tensor([8, 4, 8, 3, 1], { requiresGrad: true });
  const y = torch.clamp(x, lo, hi);
  assert.deepEqual(y.tolist(), [2, 4, 8, 3, NaN]);
  assert.equal(y.gradFn!.name, "ClampBackward0");
  y.backward(torch.tensor([1, 2, 3, 4, 5]));
  assert.deepEqual(x.grad!.tolist(), [0, 0, 0, 0, 0]);
  assert.deepEqual(lo.grad!.tolist(), [1, 0, 0, 0, 0]);
  assert.deepEqual(hi.grad!.tolist(), [0, 2, 3, 4, 0]); // min > max: max wins, and takes the gradient
  assert.deepEqual(torch.clamp(torch.tensor([1, 5, 9]), torch.tensor([NaN, 2, 2]), torch.tensor([8, NaN, 8])).tolist(), [NaN, NaN, 8]);
  const x2 = torch.tensor([[1, 5], [9, 3]], { requiresGrad: true }), lo2 = torch.tensor([2, 4], { requiresGrad: true });
  torch.clamp(x2, lo2).sum().backward();
  assert.deepEqual(lo2.grad!.tolist(), [1, 1]);
  assert.deepEqual(x2.grad!.tolist(), [[0, 1], [1, 0]]);
  const c = torch.tensor([1, 5, 9]);
  c.clamp_(torch.tensor([2, 2, 2]), torch.tensor([8, 4, 8]));
  assert.deepEqual(c.tolist(), [2, 4, 8]);

  assert.deepEqual(torch.clamp(torch.tensor([3, 1]), NaN, 2).tolist(), [NaN, NaN]);
  assert.deepEqual(torch.clamp(torch.tensor([3, 1]), 0, NaN).tolist(), [NaN, NaN]);
  const xs = torch.tensor([1, 5], { requiresGrad: true });
  torch.clamp(xs, NaN, 2).sum().backward();
  assert.deepEqual(xs.grad!.tolist(), [0, 0]);
});

test("integer division with a rounding mode is exact for every int32", () => {
  const i = (v: number[]) => torch.tensor(v, { dtype: "int32" });
  assert.deepEqual(torch.div(i([16777217, 2147483647]), 1, { roundingMode: "trunc" }).tolist(), [16777217, 2147483647]);
  assert.deepEqual(torch.div(i([16777217, -2147483647]), i([1, 3]), { roundingMode: "floor" }).tolist(), [16777217, -715827883]);
});

test("arange with an integer dtype steps from the truncated start by the truncated step; bad ranges raise PyTorch's errors", () => {
  assert.deepEqual(torch.arange(0, 5, 1.5, { dtype: "int32" }).tolist(), [0, 1, 2, 3]);
  assert.deepEqual(torch.arange(-0.5, 2, { dtype: "int32" }).tolist(), [0, 1, 2]);
  assert.deepEqual(torch.arange(0.5, 3.7, 1.2, { dtype: "int32" }).tolist(), [0, 1, 2]);
  assert.throws(() => torch.arange(0, 2.5, 0.5, { dtype: "int32" }), /^Error: step must be nonzero$/);
  assert.throws(() => torch.arange(0, NaN), /^Error: unsupported range: 0 -> nan$/);
  assert.throws(() => torch.arange(0, Infinity), /^Error: unsupported range: 0 -> inf$/);
  assert.throws(() => torch.arange(5, 0, 1), /^Error: upper bound and larger bound inconsistent with step sign$/);
  assert.throws(() => torch.arange(3, { dtype: "bool" }), /"arange_cpu" not implemented for 'Bool'/);
});

test("int32 factories refuse values that don't fit instead of wrapping; unknown dtypes name themselves", () => {
  assert.throws(() => torch.tensor([3e9], { dtype: "int32" }), /^Error: value cannot be converted to type int32 without overflow$/);
  assert.throws(() => torch.tensor([NaN], { dtype: "int32" }), /without overflow/);
  assert.throws(() => torch.full([1], 3e9, { dtype: "int32" }), /without overflow/);
  assert.deepEqual(torch.tensor([2.7, -2.7], { dtype: "int32" }).tolist(), [2, -2]);
  assert.throws(() => torch.zeros([2], { dtype: "int64" as "int32" }), /^TypeError: unsupported dtype "int64": .*int32, where PyTorch uses int64/);
  assert.throws(() => torch.ones([2]).to("float16" as "float32"), /^TypeError: unsupported dtype "float16"/);
});

test("a JS boolean operand acts as PyTorch's Python bool", () => {
  const x = torch.tensor([1.5, 2]), b = torch.tensor([true, false]), i = torch.tensor([1, 2], { dtype: "int32" });
  const t = true as unknown as number, f = false as unknown as number;
  const check = (r: torch.Tensor, dtype: string, v: unknown[]) => {
    assert.equal(r.dtype, dtype);
    assert.deepEqual(r.tolist(), v);
  };
  check(torch.add(x, t), "float32", [2.5, 3]);
  check(torch.mul(x, f), "float32", [0, 0]);
  check(torch.add(b, t), "bool", [true, true]);
  check(torch.add(i, t), "int32", [2, 3]);
  check(torch.where(b, b, f), "bool", [true, false]);
  check(torch.div(i, t), "float32", [1, 2]);
  assert.throws(() => torch.sub(x, t), /Subtraction, the `-` operator, with a bool tensor is not supported/);
});

test("shape and layout queries at the edges: 0-d tensors, empty tensors, expand sizes, meshgrid options", () => {
  assert.throws(() => torch.tensor(1).size(0), /^Error: Dimension specified as 0 but tensor has no dimensions$/);
  assert.throws(() => torch.tensor(1).unbind(), /^Error: Dimension specified as 0 but tensor has no dimensions$/);
  assert.throws(() => torch.tensor(5).flatten(1), /Dimension out of range \(expected to be in range of \[-1, 0\], but got 1\)/);
  assert.deepEqual(torch.tensor(5).flatten(0).shape, [1]);
  const z = torch.zeros([2, 3, 4]);
  assert.equal(z.stride(1), 4);
  assert.equal(z.stride(-1), 1);
  assert.throws(() => z.stride(3), /Dimension out of range \(expected to be in range of \[-3, 2\], but got 3\)/);
  assert.deepEqual(torch.zeros([2, 0, 4]).stride(), [4, 4, 1]);
  assert.equal(torch.zeros([0, 3]).t().isContiguous(), true);
  assert.deepEqual(torch.zeros([0, 3]).t().view([0]).shape, [0]);
  const col = torch.tensor([[1], [2]]);
  assert.throws(() => col.expand([2, -2]), /^Error: Trying to create tensor with negative dimension -2: \[2, -2\]$/);
  assert.throws(() => col.expand([2, 2.5]), /^TypeError: expand\(\): argument 'size' must be tuple of ints, but found element of type float at pos 1$/);
  assert.throws(() => torch.meshgrid([torch.zeros([2]), torch.zeros([3])], { indexing: "foo" as "ij" }), /indexing must be one of "xy" or "ij", but received: foo/);
  assert.throws(() => torch.meshgrid([torch.zeros([2]), torch.zeros([3], { dtype: "float64" })]), /meshgrid expects all tensors to have the same dtype/);
});
