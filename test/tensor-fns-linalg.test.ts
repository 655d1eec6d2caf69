/**
 * The linear-algebra helpers added to torch (kron, tensordot, addmv / addr /
 * addbmm / baddbmm, blockDiag, vander, matrixPower, chainMatmul, cross,
 * dist, renorm, inverse / det / logdet / slogdet / pinverse, ger, vdot),
 * against PyTorch (fixtures: scripts/gen_tensor_fns_fixtures.py, PyTorch
 * 1.13): values, dtypes, gradients, gradcheck and PyTorch's errors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { check, checkError, gradcheckCase } from "./tensor-fns-fixtures.js";
import { warningMessagesDuring } from "./warnings-capture.js";

const ones = (...shape: number[]) => torch.ones(shape);

test("kron and tensordot: values, promotion, gradients", () => {
  check("kron", (a, b) => torch.kron(a, b));
  check("kron mixed dims", (a, b) => a.kron(b));
  check("kron int float", (a, b) => torch.kron(a, b));
  check("tensordot 1", (a, b) => torch.tensordot(a, b, 1));
  check("tensordot lists", (a, b) => torch.tensordot(a, b, [[1, 0], [0, 2]]));
  check("tensordot 0", (a, b) => torch.tensordot(a, b, 0));
  gradcheckCase("kron mixed dims", (a, b) => torch.kron(a, b));
  gradcheckCase("tensordot lists", (a, b) => torch.tensordot(a, b, [[1, 0], [0, 2]]));
  const a = ones(2, 3), b = ones(3, 2);
  checkError("tensordot negative", () => torch.tensordot(a, b, -1));
  checkError("tensordot lists", () => torch.tensordot(a, b, [[0], [0, 1]]));
  checkError("tensordot sizes", () => torch.tensordot(a, a, 1));
});

test("addmv, addr, addbmm, baddbmm with beta and alpha (beta 0 ignores NaN in input); their in-place forms", () => {
  check("addmv", (s, m, v) => torch.addmv(s, m, v, { beta: 0.5, alpha: 2 }));
  check("addr", (s, u, v) => s.addr(u, v, { alpha: -1.5 }));
  check("addr beta 0 nan", (s, u, v) => torch.addr(s, u, v, { beta: 0 }));
  check("addbmm", (s, u, v) => torch.addbmm(s, u, v, { beta: 2, alpha: 0.5 }));
  check("baddbmm broadcast", (s, u, v) => s.baddbmm(u, v, { beta: -1 }));
  gradcheckCase("addbmm", (s, u, v) => torch.addbmm(s, u, v, { beta: 2, alpha: 0.5 }));
  const s = torch.zeros([2, 3]);
  assert.equal(s.addr_(torch.tensor([1, 2]), torch.tensor([1, 1, 1])), s);
  assert.deepEqual(s.tolist(), [[1, 1, 1], [2, 2, 2]]);
  const m = torch.ones([2, 2]);
  m.addmm_(torch.eye(2), torch.eye(2), { beta: 2 });
  assert.deepEqual(m.tolist(), [[3, 2], [2, 3]]);
  const v = torch.zeros([2]);
  v.addmv_(torch.ones([2, 3]), torch.ones([3]));
  assert.deepEqual(v.tolist(), [3, 3]);
  const bb = torch.zeros([1, 1, 1]);
  bb.baddbmm_(ones(1, 1, 2), ones(1, 2, 1));
  assert.deepEqual(bb.tolist(), [[[2]]]);
  const ab = torch.zeros([1, 1]);
  ab.addbmm_(ones(3, 1, 2), ones(3, 2, 1));
  assert.deepEqual(ab.tolist(), [[6]]);
  assert.throws(() => torch.addmv(torch.ones([2]), torch.ones([2, 3]), torch.ones([2])), { message: /^size mismatch, got 2, 2x3,2/ });
});

test("blockDiag, vander (gradcheck: PyTorch 1.13's vander backward fails on an in-place bug), matrixPower, chainMatmul", async () => {
  check("block_diag", (...ts) => torch.blockDiag(...ts));
  check("block_diag int float", (a, b) => torch.blockDiag(a, b));
  assert.deepEqual(torch.blockDiag().shape, [1, 0]);
  check("vander", (x) => torch.vander(x));
  check("vander increasing N", (x) => torch.vander(x, 4, { increasing: true }));
  check("vander int", (x) => torch.vander(x, 2));
  gradcheckCase("vander increasing N", (x) => torch.vander(x, 4, { increasing: true }));
  check("matrix_power 3", (a) => torch.matrixPower(a, 3));
  check("matrix_power 5 batch", (a) => a.matrixPower(5));
  check("matrix_power -2", (a) => torch.matrixPower(a, -2), 1e-3, 1e-4);
  check("matrix_power 0", (a) => torch.matrixPower(a, 0));
  gradcheckCase("matrix_power -2", (a) => torch.matrixPower(a, -2));
  const warned = await warningMessagesDuring(() => check("chain_matmul", (a, b, c) => torch.chainMatmul(a, b, c)));
  assert.ok(warned.some((m) => m.startsWith("torch.chain_matmul is deprecated")));
  checkError("block_diag 3-d", () => torch.blockDiag(ones(1, 1, 1)));
  checkError("vander 2-d", () => torch.vander(ones(1, 1)));
  checkError("vander N", () => torch.vander(ones(2), -1));
  checkError("matrix_power 1-d", () => torch.matrixPower(ones(2), 2));
  checkError("matrix_power not square", () => torch.matrixPower(ones(2, 3), 2));
  checkError("matrix_power int inverse", () => torch.matrixPower(torch.tensor([[1, 1], [0, 1]], { dtype: "int32" }), -1));
  checkError("chain_matmul 1-d", () => torch.chainMatmul(ones(2), ones(2)));
});

test("cross (first size-3 dim by default, with PyTorch 2.x's deprecation warning), dist, renorm", async () => {
  const warned = await warningMessagesDuring(() => check("cross default dim", (a, b) => torch.cross(a, b)));
  assert.ok(warned.some((m) => m.startsWith("Using torch.cross without specifying the dim arg is deprecated.")));
  check("cross dim", (a, b) => a.cross(b, 1));
  check("dist", (a, b) => torch.dist(a, b));
  check("dist p=1.5", (a, b) => a.dist(b, 1.5));
  check("dist inf", (a, b) => torch.dist(a, b, Infinity));
  check("renorm", (x) => torch.renorm(x, 2, 0, 1));
  check("renorm p=1 dim 1", (x) => x.renorm(1, 1, 2));
  gradcheckCase("renorm", (x) => torch.renorm(x, 2, 0, 1));
  gradcheckCase("dist p=1.5", (a, b) => torch.dist(a, b, 1.5));
  checkError("cross no size 3", () => torch.cross(ones(2, 2), ones(2, 2)));
  checkError("renorm 1-d", () => torch.renorm(ones(2), 2, 0, 1));
  checkError("renorm p", () => torch.renorm(ones(1, 2), -1, 0, 1));
  checkError("renorm maxnorm", () => torch.renorm(ones(1, 2), 2, 0, -1));
  const r = torch.tensor([[3, 4], [0.3, 0.4]]);
  r.renorm_(2, 0, 1);
  assert.ok(Math.abs(r.toArray()[0]! - 0.6) < 1e-6 && Math.abs(r.toArray()[2]! - 0.3) < 1e-7);
});

test("inverse, det, logdet (NaN for a negative determinant), slogdet, pinverse, ger, vdot", () => {
  check("inverse", (a) => torch.inverse(a), 1e-3, 1e-4);
  check("det", (a) => a.det(), 1e-3, 1e-4);
  check("logdet", (a) => torch.logdet(a), 1e-3, 1e-4);
  check("logdet negative", (a) => a.logdet());
  check("slogdet", (a) => torch.slogdet(a).logabsdet, 1e-3, 1e-4);
  check("slogdet sign", (a) => a.slogdet().sign);
  check("pinverse", (a) => torch.pinverse(a), 1e-3, 1e-4);
  check("ger", (a, b) => torch.ger(a, b));
  check("vdot", (a, b) => a.vdot(b));
  gradcheckCase("logdet", (a) => torch.logdet(a));
});

test("differential-probe regressions: add* on integer tensors keep their dtype (addr refuses fractional scalars), addmv's shape check, cross and dot dtypes", () => {
  const i = (v: number[] | number[][] | number[][][]) => torch.tensor(v, { dtype: "int32" });
  // torch.addmv(ones(2, int32), ones(2, 2, int32), tensor([1, 2], int32), beta=0.5) = [3, 3]; alpha=2.5 gives [7, 7]: the scalars
  // become integers (truncated), the result stays int32
  const ones2 = i([1, 1]), m = i([[1, 1], [1, 1]]), v = i([1, 2]);
  const a = torch.addmv(ones2, m, v, { beta: 0.5 });
  assert.deepEqual([a.dtype, a.tolist()], ["int32", [3, 3]]);
  assert.deepEqual(torch.addmv(ones2, m, v, { alpha: 2.5 }).tolist(), [7, 7]);
  // torch.baddbmm(ones(1, 2, 2, int32), ones(1, 2, 2, int32), ones(1, 2, 2, int32), alpha=-1.5) = [[[-1, -1], [-1, -1]]]
  assert.deepEqual(torch.baddbmm(i([[[1, 1], [1, 1]]]), i([[[1, 1], [1, 1]]]), i([[[1, 1], [1, 1]]]), { alpha: -1.5 }).tolist(), [[[-1, -1], [-1, -1]]]);
  assert.equal(torch.addbmm(m, i([[[1, 1], [1, 1]]]), i([[[1, 1], [1, 1]]]), { beta: 0.5 }).dtype, "int32");
  assert.throws(() => torch.addr(m, v, v, { beta: 0.5 }), { message: /^For integral input tensors, argument beta must not be a floating point number\./ });
  assert.throws(() => torch.addr(m, v, v, { alpha: 0.5 }), { message: /^For integral input tensors, argument alpha must not be a floating point number\./ });
  // addmv: input has one element or one per row (torch.addmv(torch.ones(5), torch.ones(4, 1), torch.ones(1)): "size mismatch, got 5, 4x1,1")
  assert.throws(() => torch.addmv(torch.ones([5]), torch.ones([4, 1]), torch.ones([1])), { message: /^size mismatch, got 5, 4x1,1/ });
  assert.throws(() => torch.addmv(torch.ones([1, 4]), torch.ones([4, 1]), torch.ones([1])), { message: /^vector \+ matrix @ vector expected, got 2, 2, 1/ });
  assert.deepEqual(torch.addmv(torch.ones([1]), torch.ones([4, 1]), torch.ones([1])).shape, [4]);
  // cross runs in one dtype: torch.cross(torch.ones(3), torch.ones(3, dtype=torch.int32), 0) -> "expected scalar type Float but found Int"
  assert.throws(() => torch.cross(torch.ones([3]), i([1, 1, 1]), 0), { message: /^expected scalar type Float but found Int/ });
  assert.throws(() => torch.linalg.cross(torch.tensor([true, true, true]), torch.tensor([true, true, true])), { message: /^"cross" not implemented for 'Bool'/ });
  assert.throws(() => torch.vdot(torch.ones([3]), i([1, 1, 1])), { message: /^dot : expected both vectors to have same dtype, but found Float and Int/ });
});

test("differential-probe regressions: tensordot broadcasts contracted dims of size 1; blockDiag takes PyTorch's result type of the list", () => {
  // torch.tensordot(torch.tensor([1., 2, 3]), torch.tensor([[2.], [5]]).t(), dims=([0], [0])) sums a's dim (b's is 1): tensor([12., 30.]);
  // the gradient of a is [7, 7, 7]
  const a = torch.tensor([1, 2, 3], { requiresGrad: true });
  const r = torch.tensordot(a, torch.tensor([[2], [5]]).t(), [[0], [0]]);
  assert.deepEqual(r.tolist(), [12, 30]);
  r.sum().backward();
  assert.deepEqual(a.grad!.tolist(), [7, 7, 7]);
  // torch.tensordot(torch.zeros(0), torch.tensor([[-1.3]]), dims=([0], [0])) = tensor([0.])
  assert.deepEqual(torch.tensordot(torch.zeros([0]), torch.tensor([[-1.3]]), [[0], [0]]).tolist(), [0]);
  // torch.block_diag(torch.tensor([1., 2]), torch.tensor(1.5, dtype=torch.float64)).dtype == torch.float32: a 0-d tensor only
  // raises the category; beside an int32 vector, or with only 0-d inputs, it gives float64
  assert.equal(torch.blockDiag(torch.tensor([1, 2]), torch.tensor(1.5, { dtype: "float64" })).dtype, "float32");
  assert.equal(torch.blockDiag(torch.tensor([1, 2], { dtype: "int32" }), torch.tensor(1.5, { dtype: "float64" })).dtype, "float64");
  assert.equal(torch.blockDiag(torch.tensor(1, { dtype: "int32" }), torch.tensor(1.5, { dtype: "float64" })).dtype, "float64");
});
