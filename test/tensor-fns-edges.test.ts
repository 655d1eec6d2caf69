/**
 * 0-d, empty and broadcast inputs to the ops added in the tensor-fns
 * branch; each expectation is PyTorch 1.13's answer, written inline.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { warningMessagesDuring } from "./warnings-capture.js";

const int = (v: number | number[]) => torch.tensor(v, { dtype: "int32" });
const same = (t: Tensor, dtype: torch.DType, shape: number[], values: unknown) => {
  assert.equal(t.dtype, dtype);
  assert.deepEqual(t.shape, shape);
  assert.deepEqual(t.tolist(), values);
};

test("pointwise and bitwise ops on 0-d and empty tensors, 0-d operands broadcasting", () => {
  same(torch.tan(torch.zeros([0])), "float32", [0], []);
  same(torch.exp2(int(3)), "float32", [], 8);
  same(torch.sinc(torch.zeros([2, 0])), "float32", [2, 0], [[], []]);
  same(torch.fmax(torch.tensor(1), torch.tensor([NaN, 2])), "float32", [2], [1, 2]);
  same(torch.copysign(torch.tensor(2), torch.tensor([[-1], [1]])), "float32", [2, 1], [[-2], [2]]);
  same(torch.bitwiseAnd(int(5), int([3, 4])), "int32", [2], [1, 4]);
  same(torch.gcd(torch.zeros([0], { dtype: "int32" }), int(4)), "int32", [0], []);
  same(torch.nanToNum(torch.tensor(Infinity)), "float32", [], 3.4028234663852886e38);
  same(torch.frexp(torch.zeros([0])).exponent, "int32", [0], []);
  same(torch.signbit(torch.tensor(-0)), "bool", [], true);
  same(torch.floorDivide(int(7), int([2, -2])), "int32", [2], [3, -4]);
  same(torch.isposinf(torch.tensor(Infinity)), "bool", [], true);
  same(torch.heaviside(torch.tensor(0), torch.tensor([2, 3])), "float32", [2], [2, 3]);
  const l = torch.logaddexp2(torch.tensor(1), torch.tensor([1, 3]));
  assert.ok(Math.abs(l.toArray()[1]! - 3.321928024291992) < 1e-6 && l.toArray()[0] === 2);
});

test("reductions and statistics on 0-d and empty tensors", async () => {
  const m = torch.mode(torch.zeros([2, 0]), 0);
  same(m.values, "float32", [0], []);
  same(m.indices, "int32", [0], []);
  same(torch.mode(torch.zeros([0, 3]), 1).values, "float32", [0], []);
  same(torch.nanmedian(torch.zeros([0, 3]), 1).indices, "int32", [0], []);
  same(torch.nanquantile(torch.tensor(2), 0.5), "float32", [], 2);
  const [s, mean] = torch.stdMean(torch.tensor(2));
  assert.ok(Number.isNaN(s.item()) && mean.item() === 2);
  const { min, max } = torch.aminmax(torch.tensor(2));
  assert.deepEqual([min.item(), max.item(), min.shape], [2, 2, []]);
  const warned = await warningMessagesDuring(() => {
    const c = torch.cov(torch.zeros([2, 0]));
    assert.deepEqual(c.shape, [2, 2]);
    assert.ok(c.toArray().every(Number.isNaN));
  });
  assert.ok(warned.some((w) => w.startsWith("cov(): degrees of freedom is <= 0")));
  same(torch.trapezoid(torch.zeros([2, 0])), "float32", [2], [0, 0]);
  same(torch.cumulativeTrapezoid(torch.zeros([2, 0])), "float32", [2, 0], [[], []]);
  same(torch.msort(torch.zeros([0])), "float32", [0], []);
  same(torch.argwhere(torch.zeros([0, 2])), "int32", [0, 2], []);
  same(torch.bincount(torch.zeros([0], { dtype: "int32" }), null, 3), "int32", [3], [0, 0, 0]);
});

test("linear-algebra helpers and index ops on 0-d and empty tensors", () => {
  same(torch.kron(torch.zeros([0, 2]), torch.ones([2, 2])), "float32", [0, 4], []);
  same(torch.tensordot(torch.tensor(2), torch.tensor(3), 0), "float32", [], 6);
  same(torch.blockDiag(torch.tensor(2)), "float32", [1, 1], [[2]]);
  same(torch.vander(torch.zeros([0])), "float32", [0, 0], []);
  same(torch.matrixPower(torch.zeros([0, 2, 2]), 3), "float32", [0, 2, 2], []);
  same(torch.dist(torch.tensor(1), torch.tensor(4)), "float32", [], 3);
  same(torch.take(torch.zeros([0]), torch.zeros([0], { dtype: "int32" })), "float32", [0], []);
  same(torch.zeros([3]).scatterReduce(0, torch.zeros([0], { dtype: "int32" }), torch.zeros([0]), "prod"), "float32", [3], [0, 0, 0]);
  same(torch.zeros([0, 3]).unfold(1, 2, 1), "float32", [0, 2, 2], []);
  same(torch.zeros([2, 0]).indexFill(1, torch.zeros([0], { dtype: "int32" }), 1), "float32", [2, 0], [[], []]);
  same(torch.ones([0]).maskedScatter(torch.zeros([0], { dtype: "bool" }), torch.ones([2])), "float32", [0], []);
  same(torch.selectScatter(torch.zeros([2]), torch.tensor(5), 0, 1), "float32", [2], [0, 5]);
  same(torch.zeros([3]).sumToSize([]), "float32", [], 0);
});
