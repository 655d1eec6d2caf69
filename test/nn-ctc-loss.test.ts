/**
 * F.ctcLoss / nn.CTCLoss against PyTorch on both backends (fixtures:
 * scripts/gen_nn_extra_fixtures.py): padded and concatenated targets, a
 * repeated label, an empty target, a blank other than 0, lengths as lists
 * and tensors, infinite losses with and without zeroInfinity (NaN
 * gradients without), the unbatched form, every reduction, float64.
 * Also PyTorch 2.x's zero-length inputs, the one-node gradient that cannot
 * be differentiated again, a float64 gradcheck and PyTorch's errors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { describeOnBackends } from "./backends.js";
import { casesOf, checkExtraCase } from "./nn-extra-cases.js";
import { FUNCTIONS } from "./nn-extra-table.js";
import { values } from "./nn-helpers.js";

const F = torch.nn.functional;
const i32 = (data: number[] | number[][]) => torch.tensor(data, { dtype: "int32" });

describeOnBackends((b) => `ctcLoss against PyTorch (${b})`, () => {
  test("values and gradients of every case", () => {
    const cases = casesOf("ctcLoss");
    assert.ok(cases.length >= 17, `${cases.length} cases`);
    for (const c of cases) checkExtraCase(c, FUNCTIONS.ctcLoss!);
  });
});

test("the fixtures cover the reductions, both target layouts, zeroInfinity, unbatched input and float64", () => {
  const names = casesOf("ctcLoss").map((c) => c.name).join("\n");
  for (const part of ["padded mean", "padded sum", "padded none", "concatenated", "blank 4", "zeroInfinity=True", "zeroInfinity=False", "unbatched", "float64"]) {
    assert.ok(names.includes(part), part);
  }
});

test("an input of length 0: loss 0 for an empty target, infinite otherwise, and no gradient (PyTorch 2.x)", () => {
  // (1.13 reads log_alpha out of bounds here; 2.x returns early)
  const lp = torch.randn([4, 3, 5]).logSoftmax(2).detach().requiresGrad_();
  const loss = F.ctcLoss(lp, i32([[1, 2], [3, 0], [2, 2]]), [0, 0, 4], [0, 2, 2], { reduction: "none" });
  const [empty, impossible] = values(loss);
  assert.ok(Object.is(empty, -0) || empty === 0);
  assert.equal(impossible, Infinity);
  assert.ok(Number.isFinite(values(loss)[2]!));
  loss.backward(torch.tensor([1, 1, 1]));
  const g = lp.grad!;
  // batch items 0 and 1 get zero gradient, item 2 the usual one
  assert.ok(values(g.select(1, 0)).every((v) => v === 0));
  assert.ok(values(g.select(1, 1)).every((v) => v === 0));
  assert.ok(values(g.select(1, 2)).some((v) => v !== 0));
  // zeroInfinity zeroes the infinite one
  assert.deepEqual(values(F.ctcLoss(lp, i32([[1, 2], [3, 0], [2, 2]]), [0, 0, 4], [0, 2, 2], { reduction: "none", zeroInfinity: true })).slice(0, 2).map(Math.abs), [0, 0]);
});

test("mean divides each loss by its target length (at least 1), then averages over the batch", () => {
  const lp = torch.randn([6, 3, 4]).logSoftmax(2);
  const targets = i32([[1, 2, 3], [2, 0, 0], [1, 1, 0]]);
  const each = values(F.ctcLoss(lp, targets, [6, 6, 6], [3, 0, 2], { reduction: "none" }));
  const mean = F.ctcLoss(lp, targets, [6, 6, 6], [3, 0, 2]).item();
  assert.ok(Math.abs(mean - (each[0]! / 3 + each[1]! / 1 + each[2]! / 2) / 3) < 1e-5);
  assert.ok(Math.abs(F.ctcLoss(lp, targets, [6, 6, 6], [3, 0, 2], { reduction: "sum" }).item() - each.reduce((a, b) => a + b)) < 1e-4);
});

test("the lengths may be lists, int32 tensors of any shape or, unbatched, numbers; float targets are truncated", () => {
  const lp = torch.randn([5, 2, 4]).logSoftmax(2);
  const targets = i32([[1, 2], [3, 0]]);
  const want = F.ctcLoss(lp, targets, [5, 4], [2, 1]).item();
  assert.equal(F.ctcLoss(lp, targets, i32([5, 4]), i32([[2, 1]])).item(), want);
  // targets of another dtype are converted as PyTorch's .to(long) does
  assert.equal(F.ctcLoss(lp, targets.to("float32"), [5, 4], [2, 1]).item(), want);
  const one = F.ctcLoss(lp.select(1, 0), i32([1, 2]), 5, 2, { reduction: "none" });
  assert.deepEqual(one.shape, []);
  assert.equal(one.item(), F.ctcLoss(lp, targets, [5, 4], [2, 1], { reduction: "none" }).toArray()[0]);
});

test("float64 gradcheck of the loss of logSoftmax(scores) (padded and concatenated targets, blank 2)", () => {
  // PyTorch's formula is the gradient with respect to the scores behind normalized log-probabilities
  // (its exp(lp) term is log_softmax's share), so the check goes through logSoftmax, as PyTorch's own test does
  const scores = torch.randn([6, 2, 4], { dtype: "float64", requiresGrad: true });
  assert.ok(torch.autograd.gradcheck((x) => F.ctcLoss(x.logSoftmax(2), i32([[1, 1, 3], [3, 0, 0]]), [6, 5], [3, 1], { reduction: "none" }), [scores]));
  assert.ok(torch.autograd.gradcheck((x) => F.ctcLoss(x.logSoftmax(2), i32([0, 0, 1, 3]), [6, 4], [3, 1], { blank: 2 }), [scores]));
  assert.ok(torch.autograd.gradcheck((x) => F.ctcLoss(x.logSoftmax(1), i32([1, 2]), 4, 2, { reduction: "sum" }), [torch.randn([4, 3], { dtype: "float64", requiresGrad: true })]));
});

test("one CtcLossBackward0 node; differentiating its gradient again throws PyTorch's error", () => {
  const lp = torch.randn([5, 2, 4]).logSoftmax(2).detach().requiresGrad_();
  const targets = i32([[1, 2], [3, 0]]);
  assert.equal(F.ctcLoss(lp, targets, [5, 5], [2, 1], { reduction: "none" }).gradFn!.name, "CtcLossBackward0");
  const loss = F.ctcLoss(lp, targets, [5, 5], [2, 1]);
  assert.equal(loss.gradFn!.name, "MeanBackward0");
  const [g] = torch.autograd.grad([loss], [lp], { createGraph: true });
  assert.equal(g!.gradFn!.name, "NotImplemented");
  assert.throws(() => g!.sum().backward(), /^Error: derivative for aten::_ctc_loss_backward is not implemented/);
  // without createGraph the gradient is a plain tensor
  const [plain] = torch.autograd.grad([F.ctcLoss(lp, targets, [5, 5], [2, 1])], [lp]);
  assert.equal(plain!.gradFn, null);
});

test("nn.CTCLoss keeps blank, reduction and zeroInfinity and forwards to F.ctcLoss", () => {
  const lp = torch.randn([5, 2, 4]).logSoftmax(2);
  const targets = i32([[1, 2], [1, 0]]);
  const ctc = new torch.nn.CTCLoss({ blank: 3, reduction: "sum", zeroInfinity: true });
  assert.deepEqual([ctc.blank, ctc.reduction, ctc.zeroInfinity], [3, "sum", true]);
  assert.equal(ctc.forward(lp, targets, [5, 1], [2, 2]).item(), F.ctcLoss(lp, targets, [5, 1], [2, 2], { blank: 3, reduction: "sum", zeroInfinity: true }).item());
  const plain = new torch.nn.CTCLoss();
  assert.deepEqual([plain.blank, plain.reduction, plain.zeroInfinity], [0, "mean", false]);
  assert.equal(String(plain), "CTCLoss()");
  assert.deepEqual(Object.keys(plain.stateDict()), []);
});

test("bad arguments get PyTorch's messages", () => {
  const lp = torch.randn([5, 2, 4]).logSoftmax(2);
  const t = i32([[1, 2, 2], [1, 0, 0]]);
  const from = "\\(while checking arguments for ctc_loss_cpu\\)";
  assert.throws(() => F.ctcLoss(lp, t, [5, 6], [3, 1]), new RegExp(`^Error: Expected input_lengths to have value at most 5, but got value 6 ${from}`));
  // (negative lengths: PyTorch 2.x's checks; 1.13 accepted them and read out of bounds)
  assert.throws(() => F.ctcLoss(lp, t, [5, -1], [3, 1]), new RegExp(`^Error: Expected input_lengths to have value at least 0, but got value -1 ${from}`));
  assert.throws(() => F.ctcLoss(lp, t, [5, 5], [3, -1]), new RegExp(`^Error: Expected target_lengths to have value at least 0, but got value -1 ${from}`));
  assert.throws(() => F.ctcLoss(lp, t, [5, 5], [4, 1]), new RegExp(`^Error: Expected tensor to have size at least 4 at dimension 1, but got size 3 for argument #2 'targets' ${from}`));
  assert.throws(() => F.ctcLoss(lp, i32([1, 2, 2, 1, 1]), [5, 5], [3, 1]), new RegExp(`^Error: Expected tensor to have size 4 at dimension 0, but got size 5 for argument #2 'targets' ${from}`));
  assert.throws(() => F.ctcLoss(lp, i32([[1, 2]]), [5, 5], [2, 1]), /^Error: Expected tensor to have size 2 at dimension 0, but got size 1 for argument #2 'targets'/);
  assert.throws(() => F.ctcLoss(lp, t, [5], [3, 1]), /^Error: input_lengths must be of size batch_size/);
  assert.throws(() => F.ctcLoss(lp, t, [5, 5], [3]), /^Error: target_lengths must be of size batch_size/);
  assert.throws(() => F.ctcLoss(lp, t, [5, 5], [3, 1], { blank: 4 }), /^Error: blank must be in label range/);
  assert.throws(() => F.ctcLoss(lp, t, [5, 5], [3, 1], { blank: -1 }), /^Error: blank must be in label range/);
  assert.throws(() => F.ctcLoss(lp, t, [5, 5], [3, 1], { reduction: "avg" as "mean" }), /^Error: avg is not a valid value for reduction/);
  assert.throws(() => F.ctcLoss(lp.unsqueeze(0), t, [5, 5], [3, 1]), new RegExp(`^Error: Expected 3-dimensional tensor, but got 5-dimensional tensor for argument #1 'log_probs' ${from}`));
  assert.throws(() => F.ctcLoss(lp, t.unsqueeze(0), [5, 5], [3, 1]), new RegExp(`^Error: Expected 1 to 2 dimensions, but got 3-dimensional tensor for argument #2 'targets' ${from}`));
  assert.throws(() => F.ctcLoss(lp, t, torch.tensor([5, 5]), [3, 1]), /^Error: input_lengths must be integral/);
  assert.throws(() => F.ctcLoss(lp, t, [5, 5], torch.tensor([3, 1])), /^Error: target_lengths must be integral/);
  assert.throws(() => F.ctcLoss(lp.to("int32"), t, [5, 5], [3, 1]), /^Error: "ctc_loss_cpu" not implemented for 'Int'/);
  // PyTorch reads out of bounds for a label outside [0, C): a clear error instead
  assert.throws(() => F.ctcLoss(lp, i32([[1, 5, 2], [1, 0, 0]]), [5, 5], [3, 1]), /ctc_loss: target label 5 of batch item 0 is out of range for 4 labels/);
});
