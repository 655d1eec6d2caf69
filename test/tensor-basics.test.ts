import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

test("views share storage and the version counter", () => {
  const x = torch.arange(6, undefined, 1, { dtype: "float32" });
  const v = x.view(2, 3).t();
  assert.equal(v.storage, x.storage);
  assert.deepEqual(v.shape, [3, 2]);
  assert.deepEqual(v.tolist(), [[0, 3], [1, 4], [2, 5]]);
  const before = x.version;
  v.mul_(2);
  assert.equal(x.version, before + 1);
  assert.deepEqual(Array.from(x.toArray()), [0, 2, 4, 6, 8, 10]);
});

test("type promotion follows PyTorch", () => {
  const i = torch.tensor([1, 2], { dtype: "int32" });
  const f = torch.tensor([0.5, 1.5]);
  const d = torch.tensor([1, 1], { dtype: "float64" });
  assert.equal(i.add(f).dtype, "float32");
  assert.equal(f.add(d).dtype, "float64");
  assert.equal(i.add(2).dtype, "int32");
  assert.equal(i.add(2.5).dtype, "float32");
  assert.equal(f.lt(d).dtype, "bool");
  assert.equal(i.div(2).dtype, "float32");
});

test("repr looks like PyTorch's", () => {
  assert.equal(String(torch.tensor([[1, 2], [3, 4]])), "tensor([[1., 2.],\n        [3., 4.]])");
  assert.equal(String(torch.tensor([1.5, -2], { requiresGrad: true })), "tensor([ 1.5000, -2.0000], requires_grad=True)");
  assert.equal(String(torch.tensor([1, 2], { dtype: "int32" })), "tensor([1, 2], dtype=torch.int32)");
  assert.equal(String(torch.tensor([true, false])), "tensor([ True, False])");
});

test("backward of a small expression matches the hand derivative", () => {
  const x = torch.tensor([1, 2, 3], { requiresGrad: true });
  const y = x.mul(x).add(x.mul(3)).sum();
  y.backward();
  assert.deepEqual(Array.from(x.grad!.toArray()), [5, 7, 9]);
  assert.equal(y.gradFn!.name, "SumBackward0");
});

test("creation edge cases as PyTorch's: add / sub with alpha and a number, linspace with one step, byte arrays, printing many elements", () => {
  assert.deepEqual(torch.tensor([1, 2]).add(1, { alpha: 2 }).tolist(), [3, 4]); // overflowed the stack before
  assert.deepEqual(torch.tensor([1, 2]).sub(1, { alpha: 2 }).tolist(), [-1, 0]);
  assert.throws(() => torch.tensor([1, 2], { dtype: "int32" }).add(torch.tensor([1, 2], { dtype: "int32" }), { alpha: 2.5 }),
    /For integral input tensors, argument alpha must not be a floating point number/);
  assert.deepEqual(torch.linspace(3, 1, 1).tolist(), [3]); // PyTorch: the start
  const bytes = torch.tensor(new Uint8Array([0, 2, 255]));
  assert.deepEqual([bytes.dtype, bytes.sum().item()], ["int32", 257]);
  assert.throws(() => torch.tensor(new BigInt64Array([1n]) as unknown as Int32Array), /unsupported typed array BigInt64Array/);
  // 390625 elements with no dim above 6: printed in full, as PyTorch does (Math.min(...values) overflowed the stack)
  assert.ok(String(torch.ones([5, 5, 5, 5, 5, 5, 5, 5])).startsWith("tensor([[[[[[[[1., 1., 1., 1., 1.],"));
});

test("dtypes as PyTorch's: a 0-d tensor of a higher category keeps its dtype; any nonzero number (NaN too) is true as a bool", () => {
  const ints = torch.tensor([3, -2], { dtype: "int32" });
  assert.equal(torch.add(ints, torch.tensor(1.5, { dtype: "float64" })).dtype, "float64"); // PyTorch 1.13 / 2.x: float64
  assert.equal(torch.add(ints, 1.5).dtype, "float32"); // a number gives the default float
  assert.deepEqual(torch.tensor([2, 0, NaN], { dtype: "bool" }).tolist(), [true, false, true]);
  assert.deepEqual(torch.full([2], NaN, { dtype: "bool" }).tolist(), [true, true]);
  for (const n of [2, 600]) assert.ok(torch.zeros([n], { dtype: "bool" }).fill_(0.5).all().item(), `fill_ on ${n} elements`); // both backends' sizes
  assert.deepEqual(torch.tensor([true]).fill_(256).tolist(), [true]);
  assert.deepEqual(torch.tensor([false, false]).scatter(0, torch.tensor([1], { dtype: "int32" }), 0.5).tolist(), [false, true]);
});
