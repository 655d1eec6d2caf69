/**
 * torch.gradient against PyTorch (test/fixtures/ops/gradient.json, from
 * scripts/gen_gradient_fixtures.py): unit, scalar, per-dim and coordinate
 * spacing, both edge orders, chosen dims, integer inputs; the gradients of
 * the results with respect to the input and the coordinates; the errors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { assertClose, values, readOpsFixture, tensorOf, type TensorJson } from "./fixture-values.js";

interface Case {
  name: string;
  input: TensorJson;
  edgeOrder: 1 | 2;
  dim?: number | number[];
  spacing?: number | number[] | TensorJson[];
  coordinates?: boolean;
  outs: TensorJson[];
  weights?: TensorJson[];
  inputGrad?: TensorJson;
  coordinateGrads?: (TensorJson | null)[];
}
const FIX = readOpsFixture<{
  cases: Case[];
  errors: Record<string, string>;
}>("gradient.json");

for (const c of FIX.cases) {
  test(`gradient: ${c.name}`, () => {
    const floating = c.input.dtype !== "int32";
    const x = tensorOf(c.input).requiresGrad_(floating);
    const coords = c.coordinates ? (c.spacing as TensorJson[]).map((s) => tensorOf(s).requiresGrad_(s.dtype !== "int32")) : null;
    const spacing = coords ?? (c.spacing as number | number[] | undefined);
    const outs = torch.gradient(x, { edgeOrder: c.edgeOrder, ...(c.dim === undefined ? {} : { dim: c.dim }), ...(spacing === undefined ? {} : { spacing }) });
    assert.equal(outs.length, c.outs.length);
    outs.forEach((o, i) => {
      assert.equal(o.dtype, c.outs[i]!.dtype);
      assert.deepEqual(o.shape, c.outs[i]!.shape);
      assertClose(values(o), c.outs[i]!.data, `result ${i}`);
    });
    if (!c.weights) return;
    outs.map((o, i) => o.mul(tensorOf(c.weights![i]!)).sum()).reduce((a, b) => a.add(b)).backward();
    assertClose(values(x.grad!), c.inputGrad!.data, "input grad");
    c.coordinateGrads?.forEach((g, i) => {
      if (g !== null) assertClose(values(coords![i]!.grad!), g.data, `coordinate ${i} grad`);
    });
  });
}

test("gradient: PyTorch 2.x's errors", () => {
  const expect = (f: () => unknown, key: string) => assert.throws(f, (e: Error) => e.message.startsWith(FIX.errors[key]!), `${key}: ${FIX.errors[key]}`);
  const t2 = torch.ones([2, 4]);
  expect(() => torch.gradient(torch.ones([4]), { edgeOrder: 3 as 2 }), "edge order 3");
  expect(() => torch.gradient(torch.ones([2]), { edgeOrder: 2 }), "too short");
  expect(() => torch.gradient(t2, { spacing: [2], dim: [0, 1] }), "spacing and dim lengths");
  expect(() => torch.gradient(t2, { dim: 2 }), "dim out of range");
  expect(() => torch.gradient(torch.ones([3, 3]), { spacing: 0.1, dim: [1, 1] }), "repeated dim");
  expect(() => torch.gradient(torch.ones([4]), { spacing: [torch.ones([1, 4])] }), "2-d coordinates");
  expect(() => torch.gradient(t2, { spacing: [2] }), "spacing list length (v2)");
  // 2.x checks sizes along the chosen dims only: a short dim elsewhere is fine
  assert.equal(torch.gradient(torch.ones([1, 4]), { dim: 1 }).length, 1);
});

test("gradient: float64 gradcheck through coordinate spacing, edge order 2", () => {
  const g = new torch.Generator().manualSeed(3);
  const y = torch.randn([5, 3], { dtype: "float64", generator: g, requiresGrad: true });
  const x = torch.rand([5], { dtype: "float64", generator: g }).add(0.2).cumsum(0).requiresGrad_();
  assert.ok(torch.autograd.gradcheck((a: Tensor, b: Tensor) => torch.gradient(a, { spacing: [b], dim: 0, edgeOrder: 2 })[0]!, [y, x]));
});
