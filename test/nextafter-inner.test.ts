/**
 * torch.nextafter and torch.inner against PyTorch
 * (test/fixtures/ops/nextafter-inner.json, from
 * scripts/gen_nextafter_inner_fixtures.py), and the Tensor methods and
 * torch.* names this change adds for existing functions.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { assertClose, decode, values, readOpsFixture, tensorOf, type TensorJson } from "./fixture-values.js";

const FIX = readOpsFixture<{
  nextafter: { a: TensorJson; b: TensorJson; out: TensorJson }[];
  inner: { a: TensorJson; b: TensorJson; out: TensorJson; grad: TensorJson; aGrad: TensorJson; bGrad: TensorJson }[];
  errors: Record<string, string>;
}>("nextafter-inner.json");

for (const [i, c] of FIX.nextafter.entries()) {
  test(`nextafter case ${i} (${c.a.dtype}, ${c.b.dtype}): PyTorch's values, bit for bit`, () => {
    const out = torch.nextafter(tensorOf(c.a), tensorOf(c.b));
    assert.equal(out.dtype, c.out.dtype);
    assert.deepEqual(out.shape, c.out.shape);
    const want = c.out.data.map(decode).map((v) => (c.out.dtype === "float32" ? Math.fround(v) : v));
    values(out).forEach((v, k) => assert.ok(Object.is(v, want[k]), `element ${k}: ${v} vs ${want[k]}`));
  });
}

test("nextafter: integer inputs and backward are PyTorch's errors; the method and the in-place form", () => {
  const int = torch.tensor([1], { dtype: "int32" });
  assert.throws(() => torch.nextafter(int, int), (e: Error) => e.message === FIX.errors["nextafter int"]);
  const x = torch.tensor([1], { requiresGrad: true });
  const y = torch.nextafter(x, torch.tensor([2]));
  assert.equal(y.gradFn!.name, "NextafterBackward0");
  assert.throws(() => y.sum().backward(), (e: Error) => e.message === FIX.errors["nextafter backward"]);
  const z = torch.tensor([1, -1]);
  assert.deepEqual([...z.nextafter(torch.tensor([0, 0])).data], [1 - 2 ** -24, -1 + 2 ** -24]);
  assert.equal(z.nextafter_(torch.tensor([2, 2])), z);
  assert.deepEqual([...z.data], [1 + 2 ** -23, -1 + 2 ** -24]);
});

for (const [i, c] of FIX.inner.entries()) {
  test(`inner case ${i} (${JSON.stringify(c.a.shape)} · ${JSON.stringify(c.b.shape)}): values and gradients`, () => {
    const a = tensorOf(c.a).requiresGrad_(), b = tensorOf(c.b).requiresGrad_();
    const out = a.inner(b);
    assert.deepEqual(out.shape, c.out.shape);
    assertClose(values(out), c.out.data, "inner");
    out.backward(tensorOf(c.grad));
    assertClose(values(a.grad!), c.aGrad.data, "a grad");
    assertClose(values(b.grad!), c.bGrad.data, "b grad");
  });
}

test("inner: mismatched last dims are PyTorch's error", () => {
  assert.throws(() => torch.inner(torch.ones([2, 3]), torch.ones([4])), (e: Error) => e.message === FIX.errors["inner shapes"]);
});

test("methods that call existing functions give those functions' results", () => {
  const g = new torch.Generator().manualSeed(8);
  const x = torch.rand([3, 3], { generator: g }).add(0.5), y = torch.rand([3, 3], { generator: g }).add(0.5);
  const same = (a: Tensor, b: Tensor) => assert.deepEqual(values(a), values(b));
  same(x.igamma(y), torch.igamma(x, y));
  same(x.igammac(y), torch.igammac(x, y));
  same(x.mvlgamma(2), torch.mvlgamma(x, 2));
  same(x.matrixExp(), torch.matrixExp(x));
  same(x.sub(1).hardshrink(0.3), torch.nn.functional.hardshrink(x.sub(1), 0.3));
  same(x.sub(1).prelu(torch.tensor([0.25])), torch.nn.functional.prelu(x.sub(1), torch.tensor([0.25])));
  assert.deepEqual(x.splitWithSizes([1, 2], 1).map((t) => t.shape), [[3, 1], [3, 2]]);
});

test("indexPut: a copy with the entries set; the original keeps its values; recorded as IndexPutBackward0", () => {
  const x = torch.zeros([4], { requiresGrad: true });
  const idx = torch.tensor([1, 3], { dtype: "int32" });
  const y = x.indexPut([idx], torch.tensor([5, 6]));
  assert.deepEqual([...y.data], [0, 5, 0, 6]);
  assert.deepEqual([...x.data], [0, 0, 0, 0]);
  assert.equal(y.gradFn!.name, "IndexPutBackward0");
  y.sum().backward();
  assert.deepEqual([...x.grad!.data], [1, 0, 1, 0]);
  assert.deepEqual([...torch.ones([3]).indexPut([torch.tensor([0, 0], { dtype: "int32" })], 2, { accumulate: true }).data], [5, 1, 1]);
});

test("greater_ / greaterEqual_ / less_ / lessEqual_ / notEqual_: in place, keeping the tensor's dtype", () => {
  const base = [1, 2, 3], other = torch.tensor([2, 2, 2]);
  const run = (f: (t: Tensor) => Tensor) => {
    const t = torch.tensor(base);
    assert.equal(f(t), t);
    assert.equal(t.dtype, "float32");
    return [...t.data];
  };
  assert.deepEqual(run((t) => t.greater_(other)), [0, 0, 1]);
  assert.deepEqual(run((t) => t.greaterEqual_(other)), [0, 1, 1]);
  assert.deepEqual(run((t) => t.less_(other)), [1, 0, 0]);
  assert.deepEqual(run((t) => t.lessEqual_(other)), [1, 1, 0]);
  assert.deepEqual(run((t) => t.notEqual_(other)), [1, 0, 1]);
});

test("torch.* names of nn.functional functions are those functions", () => {
  const F = torch.nn.functional;
  for (const name of ["pdist", "cosineSimilarity", "pairwiseDistance", "pixelShuffle", "pixelUnshuffle", "channelShuffle", "prelu", "selu", "celu", "hardshrink", "threshold",
    "conv1d", "conv2d", "conv3d", "convTranspose1d", "convTranspose2d", "convTranspose3d", "bilinear"] as const) {
    assert.equal(torch[name], F[name], name);
  }
});
