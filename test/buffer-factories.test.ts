/**
 * torch.frombuffer, torch.asTensor and torch.emptyStrided: memory is shared
 * where PyTorch shares it, and PyTorch's messages for bad buffers and
 * strides (PyTorch 1.13's texts, from /usr/bin/python3, inline).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

test("frombuffer: a view of the bytes, both ways, with count and offset", () => {
  const bytes = new ArrayBuffer(16);
  const t = torch.frombuffer(bytes, { dtype: "float32" });
  assert.deepEqual(t.shape, [4]);
  new Float32Array(bytes)[1] = 2.5;
  assert.equal(t.data[1], 2.5);
  t.fill_(7);
  assert.deepEqual([...new Float32Array(bytes)], [7, 7, 7, 7]);
  const part = torch.frombuffer(bytes, { dtype: "float32", count: 2, offset: 4 });
  part.zero_();
  assert.deepEqual([...new Float32Array(bytes)], [7, 0, 0, 7]);
  // a typed array counts from its own start
  const view = new Int32Array(bytes, 8, 2);
  assert.equal(torch.frombuffer(view, { dtype: "int32" }).numel(), 2);
  assert.equal(torch.frombuffer(new Uint8Array([1, 0, 1]), { dtype: "bool" }).sum().item(), 2);
  assert.equal(torch.frombuffer(new ArrayBuffer(16), { dtype: "float64", requiresGrad: true }).requiresGrad, true);
});

test("frombuffer: PyTorch's errors for sizes, counts and offsets", () => {
  const b = new ArrayBuffer(16);
  assert.throws(() => torch.frombuffer(new ArrayBuffer(15), { dtype: "float32" }), /^Error: buffer length \(15 bytes\) after offset \(0 bytes\) must be a multiple of element size \(4\)$/);
  assert.throws(() => torch.frombuffer(b, { dtype: "float32", count: 5 }), /^Error: requested buffer length \(5 \* 4 bytes\) after offset \(0 bytes\) must not be greater than actual buffer length \(16 bytes\)$/);
  assert.throws(() => torch.frombuffer(b, { dtype: "float32", offset: 3 }), /^Error: buffer length \(13 bytes\) after offset \(3 bytes\) must be a multiple of element size \(4\)$/);
  assert.throws(() => torch.frombuffer(b, { dtype: "float32", offset: 20 }), /^Error: offset \(20 bytes\) must be non-negative and no greater than buffer length \(16 bytes\) minus 1$/);
  assert.throws(() => torch.frombuffer(new ArrayBuffer(0), { dtype: "float32" }), /^Error: both buffer length \(0\) and count \(-1\) must not be 0$/);
  // (PyTorch takes this one; a JavaScript typed array cannot start off its element size)
  assert.throws(() => torch.frombuffer(b, { dtype: "float32", count: 3, offset: 2 }), /multiple of the element size \(4\)/);
});

test("asTensor: a tensor of the dtype is returned as is, a typed array of the dtype is shared, the rest converted", () => {
  const x = torch.ones([3]);
  assert.equal(torch.asTensor(x), x);
  const y = torch.asTensor(x, { dtype: "float64" });
  assert.notEqual(y, x);
  assert.equal(y.dtype, "float64");
  const data = new Float32Array([1, 2, 3]);
  const t = torch.asTensor(data);
  data[0] = 9;
  assert.equal(t.data[0], 9);
  const copy = torch.asTensor(data, { dtype: "float64" });
  data[1] = 8;
  assert.equal(copy.data[1], 2);
  assert.deepEqual(torch.asTensor([[1, 2]]).shape, [1, 2]);
  const grad = torch.ones([2], { requiresGrad: true });
  assert.equal(torch.asTensor(grad, { dtype: "float64" }).gradFn!.name, "ToCopyBackward0");
});

test("emptyStrided: the given strides, storage as long as the farthest element, PyTorch's errors", () => {
  const t = torch.emptyStrided([2, 3], [1, 2]);
  assert.deepEqual(t.stride(), [1, 2]);
  assert.equal(t.storage.data.length, 6);
  t.copy_(torch.tensor([[1, 2, 3], [4, 5, 6]]));
  assert.deepEqual([...t.storage.data], [1, 4, 2, 5, 3, 6]);
  assert.equal(torch.emptyStrided([3, 2], [0, 1]).storage.data.length, 2);
  assert.equal(torch.emptyStrided([0, 4], [4, 1], { dtype: "int32" }).dtype, "int32");
  assert.throws(() => torch.emptyStrided([2, 3], [1]), /^Error: dimensionality of sizes \(2\) must match dimensionality of strides \(1\)$/);
});
