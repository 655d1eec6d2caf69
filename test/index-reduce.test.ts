/**
 * torch.indexReduce against PyTorch (test/fixtures/ops/index-reduce.json,
 * from scripts/gen_index_reduce_fixtures.py): every reduction with and
 * without self, 0-d to 3-d, float32 / float64 / int32, ties, zeros and NaN;
 * the gradients of self and source; the error messages; and a float64
 * gradcheck of the backward (twice differentiable).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { assertClose, decode, values, readOpsFixture, tensorOf, type TensorJson } from "./fixture-values.js";

interface Case {
  name: string;
  self: TensorJson;
  dim: number;
  index: number[];
  source: TensorJson;
  reduce: torch.IndexReduction;
  includeSelf: boolean;
  out: TensorJson;
  grad?: TensorJson;
  selfGrad?: TensorJson;
  sourceGrad?: TensorJson;
}
const FIX = readOpsFixture<{
  cases: Case[];
  errors: Record<string, string>;
  inplaceGradFn: string;
}>("index-reduce.json");
const int = (v: number[]) => torch.tensor(v, { dtype: "int32" });

for (const c of FIX.cases) {
  test(`indexReduce: ${c.name}`, () => {
    const floating = c.self.dtype !== "int32";
    const self = tensorOf(c.self).requiresGrad_(floating), source = tensorOf(c.source).requiresGrad_(floating);
    const out = torch.indexReduce(self, c.dim, int(c.index), source, c.reduce, { includeSelf: c.includeSelf });
    assert.equal(out.dtype, c.out.dtype);
    assert.deepEqual(out.shape, c.out.shape);
    if (!floating) {
      assert.deepEqual(values(out), c.out.data.map(decode));
      return;
    }
    assertClose(values(out), c.out.data, "output");
    out.backward(tensorOf(c.grad!));
    assertClose(values(self.grad!), c.selfGrad!.data, "self grad");
    assertClose(values(source.grad!), c.sourceGrad!.data, "source grad");
  });
}

test("indexReduce_: in place, recorded as IndexReduceBackward0, the same values as the out-of-place op", () => {
  const a = torch.ones([3], { requiresGrad: true }), src = torch.tensor([2, 3, 4], { requiresGrad: true });
  const y = a.mul(1);
  const r = y.indexReduce_(0, int([0, 0, 1]), src, "amin");
  assert.equal(r, y);
  assert.equal(y.gradFn!.name, FIX.inplaceGradFn);
  assert.deepEqual([...y.data], [...torch.indexReduce(torch.ones([3]), 0, int([0, 0, 1]), torch.tensor([2, 3, 4]), "amin").data]);
  y.sum().backward();
  assert.deepEqual([...a.grad!.data], [1, 1, 1]);
  assert.deepEqual([...src.grad!.data], [0, 0, 0]);
});

test("indexReduce: PyTorch's beta warning, once per process", () => {
  // (a fresh process: this one may have warned already)
  const entry = join(import.meta.dirname, "..", "src", "index.js");
  const script = `
    const torch = await import(${JSON.stringify(entry)});
    const seen = [];
    process.on("warning", (w) => seen.push(w.name + ": " + w.message));
    const i = torch.tensor([1], { dtype: "int32" });
    torch.indexReduce(torch.ones([2]), 0, i, torch.tensor([3]), "prod");
    torch.indexReduce(torch.ones([2]), 0, i, torch.tensor([3]), "mean");
    await new Promise((r) => setImmediate(r));
    console.log(JSON.stringify(seen));
  `;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 30000, env: { ...process.env, TORCHLET_QUIET: "1" } });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout.trim().split("\n").pop()!), ["UserWarning: index_reduce() is in beta and the API may change at any time."]);
});

test("indexReduce: PyTorch's errors, in its order", () => {
  const x = torch.ones([3, 4]), src = torch.arange(8).reshape([2, 4]).float(), idx = int([0, 2]);
  const expect = (f: () => unknown, key: string) => assert.throws(f, (e: Error) => e.message === FIX.errors[key], `${key}: ${FIX.errors[key]}`);
  expect(() => torch.indexReduce(x, 0, idx, src, "sum" as torch.IndexReduction), "reduce sum");
  expect(() => torch.indexReduce(x, 0, idx.float(), src, "prod"), "float index");
  expect(() => torch.indexReduce(x, 0, idx, src.double(), "prod"), "dtype mismatch");
  expect(() => torch.indexReduce(x, 0, idx.reshape([2, 1]), src, "prod"), "2-d index");
  expect(() => torch.indexReduce(x, 0, int([0, 1, 2]), src, "prod"), "index count");
  expect(() => torch.indexReduce(x, 0, int([0, 5]), src, "prod"), "index too large");
  expect(() => torch.indexReduce(x, 0, int([0, -1]), src, "prod"), "negative index");
  expect(() => torch.indexReduce(torch.ones([3], { dtype: "bool" }), 0, int([0]), torch.tensor([true]), "amax"), "bool");
  expect(() => torch.indexReduce(x, 0, idx, torch.ones([2, 3]), "prod"), "slice shapes (v2)");
  expect(() => torch.ones([3], { requiresGrad: true }).indexReduce_(0, int([0]), torch.tensor([2]), "prod"), "in-place on a leaf");
  // PyTorch 1.13: x.index_reduce_(0, idx, src, 'sum') on a leaf that requires grad raises the leaf error first
  expect(() => torch.ones([3], { requiresGrad: true }).indexReduce_(0, int([0]), torch.tensor([2]), "sum" as torch.IndexReduction), "in-place on a leaf");
  assert.throws(() => torch.indexReduce(x, 2, idx, src, "prod"), (e: Error) => e.message.startsWith(FIX.errors["dim out of range"]!));
});

test("indexReduce: float64 gradcheck and gradgradcheck for each reduction", () => {
  const g = new torch.Generator().manualSeed(2);
  for (const reduce of ["prod", "mean", "amax", "amin"] as const) {
    for (const includeSelf of [true, false]) {
      const self = torch.randn([4, 3], { dtype: "float64", generator: g, requiresGrad: true });
      const source = torch.randn([5, 3], { dtype: "float64", generator: g, requiresGrad: true });
      const f = (s: Tensor, src: Tensor) => torch.indexReduce(s, 0, int([0, 2, 0, 3, 2]), src, reduce, { includeSelf });
      assert.ok(torch.autograd.gradcheck(f, [self, source]), `${reduce} gradcheck`);
      if (reduce === "prod" || reduce === "mean") assert.ok(torch.autograd.gradgradcheck(f, [self, source]), `${reduce} gradgradcheck`);
    }
  }
});
