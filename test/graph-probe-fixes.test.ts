/**
 * Regression tests for the differences from PyTorch that the random-program
 * probe (scripts/probe_graphs.py, test/graph-probe-runner.ts) found. Expected
 * values are PyTorch's (1.13, where 2.x agrees).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as torch from "../src/index.js";
import { describeOnBackends } from "./backends.js";
import { assertClose, values } from "./fixture-values.js";

describeOnBackends((b) => `graph probe regressions (${b})`, () => {
  test("a full reduction's result modified in place keeps a readable gradFn (was a TypeError in the view refresher)", () => {
    const x = torch.tensor([[-1.55, -1.5], [-1.3, 0.91], [0.36, 0.91]], { requiresGrad: true });
    const s = x.sum();
    s.maskedFill_(s.lt(0), -1.5);
    assert.equal(s.item(), -1.5);
    assert.equal(s.requiresGrad, true);
    assert.notEqual(s.gradFn, null);
    assert.equal(s.isLeaf, false);
    torch.minimum(s, torch.tensor(-0.33)).backward();
    assert.deepEqual(values(x.grad!), [0, 0, 0, 0, 0, 0]);
  });

  test("softmax along a dim that is not the last returns a contiguous tensor (view works on it)", () => {
    const x = torch.tensor([[1, 2], [3, 5], [0, -1]], { requiresGrad: true });
    const s = x.softmax(0);
    assert.equal(s.isContiguous(), true);
    const flat = s.view(-1);
    assertClose(values(flat.detach()), [0.114195198, 0.0473141558, 0.843794703, 0.950330257, 0.0420100652, 0.0023556333], "softmax");
    flat.index([torch.tensor([0, 3], { dtype: "int32" })]).sum().backward();
    assertClose(values(x.grad!), [0.101154648, -0.0449640751, -0.0963573009, 0.0472026579, -0.00479734782, -0.00223862962], "grad");
    assertClose(values(x.logSoftmax(0).view(-1).detach()).slice(0, 1), [-2.16984606], "logSoftmax");
  });

  test("copy_ of a tensor that requires grad into an int32 tensor records nothing (ints are not differentiable)", () => {
    const d = torch.tensor([1, 2], { dtype: "int32" });
    const w = torch.tensor([0.5, 1.5], { requiresGrad: true });
    d.copy_(w);
    assert.equal(d.requiresGrad, false);
    assert.equal(d.gradFn, null);
    assert.deepEqual(d.tolist(), [0, 1]);
    // and so for every op recording an integer result in place
    const e = torch.tensor([1, 2], { dtype: "int32" });
    e.indexPut_([torch.tensor([0], { dtype: "int32" })], w.index([torch.tensor([1], { dtype: "int32" })]).to("int32"));
    assert.equal(e.requiresGrad, false);
  });

  test("flatten with start == end returns the input itself, as PyTorch (a leaf stays a leaf)", () => {
    const x = torch.ones([3, 2], { requiresGrad: true });
    assert.equal(x.flatten(1, 1), x);
    assert.equal(x.flatten(-1, 1), x);
    assert.equal(torch.ones([4], { requiresGrad: true }).flatten().isLeaf, true);
  });

  test("add / sub with alpha: a fractional number makes an integer or bool tensor's result float32 even when alpha * it is whole", () => {
    const r = torch.tensor([true, false]).add(-2.5, { alpha: 2 });
    assert.equal(r.dtype, "float32");
    assert.deepEqual(r.tolist(), [-4, -5]);
    const s = torch.tensor([1, 2], { dtype: "int32" }).sub(1.5, { alpha: 2 });
    assert.equal(s.dtype, "float32");
    assert.deepEqual(s.tolist(), [-2, -1]);
    assert.equal(torch.tensor([1, 2], { dtype: "int32" }).add(2, { alpha: 3 }).dtype, "int32");
  });

  test("logical ops count NaN as true (PyTorch's truth of a number, not JavaScript's)", () => {
    const n = torch.tensor([NaN, 0, 1]);
    assert.deepEqual(n.logicalNot().tolist(), [false, true, false]);
    assert.deepEqual(n.logicalAnd(torch.tensor([1, 1, 1])).tolist(), [true, false, true]);
    assert.deepEqual(n.logicalOr(torch.zeros([3])).tolist(), [true, false, true]);
    assert.deepEqual(torch.tensor([NaN], { dtype: "float64" }).logicalNot().tolist(), [false]);
  });

  test("matmul, einsum, sort and topk results are not views: detach_() works on them as in PyTorch", () => {
    const a = torch.tensor([1, 2], { requiresGrad: true });
    const m = torch.arange(0, 12).reshape([2, 2, 3]).float();
    const r = a.matmul(m);
    assert.equal(r.gradFn?.name, "UnsafeViewBackward0");
    r.detach_();
    assert.equal(r.requiresGrad, false);
    assert.deepEqual(r.tolist(), [[6, 9, 12], [24, 27, 30]]);
    const v = torch.tensor([1, 2], { requiresGrad: true }).matmul(torch.tensor([[1, 0], [0, 1]]));
    v.detach_();
    const e = torch.einsum("ij->j", torch.tensor([[1, 2], [3, 4]], { requiresGrad: true }));
    assert.equal(e.gradFn?.name, "SumBackward1");
    e.detach_();
    assert.deepEqual(e.tolist(), [4, 6]);
    const z = torch.tensor(0.22, { requiresGrad: true });
    const s = z.sort();
    s.indices.detach_();
    s.values.detach_();
    const t = torch.tensor([3, 1, 2], { requiresGrad: true }).topk(2);
    t.indices.detach_();
    assert.deepEqual(t.indices.tolist(), [0, 2]);
  });

  test("a 0-d value written through one mask is cast to the target's dtype (PyTorch's masked_fill_ path)", () => {
    const b = torch.tensor([false, true, false]);
    b.indexPut_([torch.tensor([true, false, true])], torch.tensor(1, { dtype: "int32" }));
    assert.deepEqual(b.tolist(), [true, true, true]);
    assert.throws(() => b.indexPut_([torch.tensor([0], { dtype: "int32" })], torch.tensor(1, { dtype: "int32" })), /^Error: Index put requires the source and destination dtypes match/);
  });

  test("error precedence and wording as PyTorch's", () => {
    const x = torch.ones([3], { requiresGrad: true });
    // the view-of-a-leaf rule comes before the overlapping-memory check and the index bounds
    assert.throws(() => x.expand([2, 3]).add_(1), /^Error: a view of a leaf Variable that requires grad is being used in an in-place operation\./);
    assert.throws(() => x.indexPut_([torch.tensor([5], { dtype: "int32" })], 1), /^Error: a leaf Variable that requires grad is being used in an in-place operation\./);
    assert.throws(() => torch.zeros([2], { dtype: "int32" }).scatterAdd(0, torch.tensor([0], { dtype: "int32" }), torch.ones([1])), /^Error: scatter\(\): Expected self\.dtype to be equal to src\.dtype/);
    assert.throws(() => torch.zeros([0, 3]).argmin(0), /^Error: argmin\(\): Expected reduction dim 0 to have non-zero size\./);
    assert.throws(() => torch.tensor([true]).argmax(), /^Error: "argmax_cpu" not implemented for 'Bool'/);
    assert.deepEqual(torch.tensor([[true, false]]).argmax(0).tolist(), [0, 0]);
    assert.throws(() => torch.tensor([true]).sub(torch.tensor([true]), { alpha: 0.5 }), /^Error: Subtraction, the `-` operator, with two bool tensors is not supported\./);
    assert.throws(() => torch.tensor([1, 2], { dtype: "int32" }).frac(), /^Error: "frac_cpu" not implemented for 'Int'/);
  });
});
