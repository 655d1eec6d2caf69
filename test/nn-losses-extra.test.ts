/**
 * F.multilabelMarginLoss, F.tripletMarginWithDistanceLoss, F.nllLoss on
 * K-dim input and nn.AdaptiveLogSoftmaxWithLoss against PyTorch on both
 * backends (fixtures: scripts/gen_nn_extra_fixtures.py): every reduction,
 * a hinge exactly at 0, duplicate and empty label lists, 1-d and 0-d input,
 * three distances with and without swap, weights and an ignored class, and
 * the adaptive softmax's outputs, loss, log-probabilities, predictions and
 * gradients (input and every parameter). Also the layers, PyTorch's errors
 * and float64 gradchecks.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { describeOnBackends } from "./backends.js";
import { assertMatches, casesOf, checkExtraCase, FIXTURE, tensorOf } from "./nn-extra-cases.js";
import { FUNCTIONS } from "./nn-extra-table.js";
import { values } from "./nn-helpers.js";

const { nn } = torch;
const F = nn.functional;
const i32 = (data: number[] | number[][] | number) => torch.tensor(data, { dtype: "int32" });

describeOnBackends((b) => `losses against PyTorch (${b})`, () => {
  for (const fn of ["multilabelMarginLoss", "tripletMarginWithDistanceLoss", "nllLoss"]) {
    test(`${fn}: values and gradients of every case`, () => {
      const cases = casesOf(fn);
      assert.ok(cases.length >= 4);
      for (const c of cases) checkExtraCase(c, FUNCTIONS[fn]!);
    });
  }

  test("AdaptiveLogSoftmaxWithLoss: output, loss, gradients, logProb, predict and the unbatched form", () => {
    assert.equal(FIXTURE.adaptive.length, 3);
    for (const c of FIXTURE.adaptive) {
      const m = new nn.AdaptiveLogSoftmaxWithLoss(8, 12, c.cutoffs, { divValue: c.divValue, headBias: c.headBias });
      assert.deepEqual(Object.keys(m.stateDict()), Object.keys(c.stateDict), `${c.name}: state-dict keys`);
      m.loadStateDict(Object.fromEntries(Object.entries(c.stateDict).map(([k, v]) => [k, tensorOf(v)])));
      const x = tensorOf(c.input, true), target = tensorOf(c.target);
      const { output, loss } = m.forward(x, target);
      assertMatches(values(output), c.output.data, `${c.name}: output`);
      assertMatches([loss.item()], [c.loss], `${c.name}: loss`);
      output.mul(torch.tensor(c.gradOutput.map(Number))).sum().add(loss.mul(0.7)).backward();
      assertMatches(values(x.grad!), c.inputGrad, `${c.name}: input gradient`);
      for (const [k, p] of m.namedParameters()) assertMatches(values(p.grad!), c.paramGrads[k]!, `${c.name}: gradient of ${k}`);
      assertMatches(values(m.logProb(tensorOf(c.input))), c.logProb.data, `${c.name}: logProb`);
      assert.deepEqual(values(m.predict(tensorOf(c.input))), c.predict, `${c.name}: predict`);
      const one = m.forward(tensorOf(c.input).select(0, 2), target.select(0, 2));
      assert.deepEqual(one.output.shape, []);
      assertMatches([one.output.item(), one.loss.item()], [c.single.output, c.single.loss], `${c.name}: unbatched`);
    }
  });
});

test("multilabelMarginLoss: the list ends at the first -1, a hinge at exactly 0 passes no gradient", () => {
  // classes 3 and 0 listed; then 1 is ignored
  const x = torch.tensor([[0.1, 0.2, 0.4, 0.8]], { requiresGrad: true });
  const loss = F.multilabelMarginLoss(x, i32([[3, 0, -1, 1]]));
  // (1-(0.8-0.2)) + (1-(0.8-0.4)) + (1-(0.1-0.2)) + (1-(0.1-0.4)) over 4 classes
  assert.ok(Math.abs(loss.item() - 0.85) < 1e-6);
  const y = torch.tensor([2, 1], { requiresGrad: true });
  const atZero = F.multilabelMarginLoss(y, i32([0, -1]));
  assert.equal(atZero.item(), 0);
  atZero.backward();
  assert.deepEqual(values(y.grad!), [0, 0]);
  // a 1-d target gives a 0-d loss even without reduction, as PyTorch's kernel
  assert.deepEqual(F.multilabelMarginLoss(torch.randn([4]), i32([1, -1, 0, 0]), { reduction: "none" }).shape, []);
  assert.deepEqual(F.multilabelMarginLoss(torch.randn([3, 4]), i32([[1, -1, 0, 0], [0, 1, 2, 3], [-1, 0, 0, 0]]), { reduction: "none" }).shape, [3]);
});

test("tripletMarginWithDistanceLoss: the default distance is pairwiseDistance; swap takes the smaller negative distance", () => {
  const [a, p, n] = [torch.randn([4, 3]), torch.randn([4, 3]), torch.randn([4, 3])];
  assert.equal(F.tripletMarginWithDistanceLoss(a, p, n).item(), F.tripletMarginLoss(a, p, n).item());
  const l1 = (u: torch.Tensor, v: torch.Tensor) => u.sub(v).abs().sum(-1);
  const swapped = F.tripletMarginWithDistanceLoss(a, p, n, { distanceFunction: l1, swap: true, margin: 0.5, reduction: "none" });
  const want = torch.clamp(l1(a, p).add(0.5).sub(torch.minimum(l1(a, n), l1(p, n))), 0);
  assert.deepEqual(values(swapped), values(want));
});

test("the loss layers keep PyTorch's attributes and reprs and forward to the functions", () => {
  const [a, p, n] = [torch.randn([4, 3]), torch.randn([4, 3]), torch.randn([4, 3])];
  const triplet = new nn.TripletMarginWithDistanceLoss({ margin: 0.3, swap: true, reduction: "sum" });
  assert.deepEqual([triplet.margin, triplet.swap, triplet.reduction], [0.3, true, "sum"]);
  assert.equal(triplet.forward(a, p, n).item(), F.tripletMarginWithDistanceLoss(a, p, n, { margin: 0.3, swap: true, reduction: "sum" }).item());
  // the default distance is a PairwiseDistance child, as in PyTorch
  assert.equal(String(triplet), "TripletMarginWithDistanceLoss(\n  (distance_function): PairwiseDistance()\n)");
  const cosine = (u: torch.Tensor, v: torch.Tensor) => torch.sub(1, F.cosineSimilarity(u, v));
  const custom = new nn.TripletMarginWithDistanceLoss({ distanceFunction: cosine });
  assert.equal(String(custom), "TripletMarginWithDistanceLoss()");
  assert.equal(custom.forward(a, p, n).item(), F.tripletMarginWithDistanceLoss(a, p, n, { distanceFunction: cosine }).item());
  const viaModule = new nn.TripletMarginWithDistanceLoss({ distanceFunction: new nn.PairwiseDistance({ p: 1 }) });
  assert.equal(viaModule.forward(a, p, n).item(), F.tripletMarginWithDistanceLoss(a, p, n, { distanceFunction: (u, v) => F.pairwiseDistance(u, v, { p: 1 }) }).item());
  assert.throws(() => new nn.TripletMarginWithDistanceLoss({ margin: 0 }), /^Error: TripletMarginWithDistanceLoss: expected margin to be greater than 0, got 0 instead/);

  const mlm = new nn.MultiLabelMarginLoss({ reduction: "none" });
  const y = i32([[3, 0, -1, 1], [0, 1, 2, 3], [-1, 0, 0, 0], [2, -1, 0, 0]]);
  assert.deepEqual(values(mlm.forward(a.repeat([1, 2]).narrow(1, 0, 4), y)), values(F.multilabelMarginLoss(a.repeat([1, 2]).narrow(1, 0, 4), y, { reduction: "none" })));
  assert.equal(String(new nn.MultiLabelMarginLoss()), "MultiLabelMarginLoss()");
  assert.equal(new nn.MultiLabelMarginLoss().reduction, "mean");
});

test("AdaptiveLogSoftmaxWithLoss: PyTorch's sizes and repr; predict equals logProb's argmax on every path", () => {
  const m = new nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 6], { headBias: true });
  assert.deepEqual([m.shortlistSize, m.nClusters, m.headSize, [...m.cutoffs]], [3, 2, 5, [3, 6, 10]]);
  // a cluster's hidden size floor(8 / 4^2) = 0, as PyTorch's
  assert.equal(String(m), [
    "AdaptiveLogSoftmaxWithLoss(",
    "  (head): Linear(in_features=8, out_features=5, bias=True)",
    "  (tail): ModuleList(",
    "    (0): Sequential(",
    "      (0): Linear(in_features=8, out_features=2, bias=False)",
    "      (1): Linear(in_features=2, out_features=3, bias=False)",
    "    )",
    "    (1): Sequential(",
    "      (0): Linear(in_features=8, out_features=0, bias=False)",
    "      (1): Linear(in_features=0, out_features=4, bias=False)",
    "    )",
    "  )",
    ")",
  ].join("\n"));
  const asm = new nn.AdaptiveLogSoftmaxWithLoss(6, 12, [4, 8]);
  const x = torch.randn([20, 6]);
  const bias = torch.zeros([6]);
  asm.head.registerParameter("bias", new nn.Parameter(bias));
  // every row in the shortlist, every row in a cluster (the head's cluster entries far ahead), and a mix
  for (const push of [-50, 50, 0.5]) {
    torch.noGrad(() => bias.copy_(torch.tensor([0, 0, 0, 0, push, push])));
    const direct = asm.predict(x), full = asm.logProb(x).argmax(1);
    assert.deepEqual(values(direct), values(full), `head push ${push}`);
  }
  const logp = asm.logProb(x);
  assert.ok(values(logp.exp().sum(1)).every((s) => Math.abs(s - 1) < 1e-5));
});

test("float64 gradchecks: multi-label margin, triplet with a distance function, adaptive softmax", () => {
  const f64 = (shape: number[]) => torch.randn(shape, { dtype: "float64", requiresGrad: true });
  const check = (fn: (...xs: torch.Tensor[]) => torch.Tensor, inputs: torch.Tensor[]) => assert.ok(torch.autograd.gradcheck(fn, inputs));
  check((x) => F.multilabelMarginLoss(x, i32([[1, 4, -1, 0, 0], [4, 3, 2, 1, 0]]), { reduction: "sum" }), [f64([2, 5])]);
  const l1 = (u: torch.Tensor, v: torch.Tensor) => u.sub(v).pow(2).sum(-1).add(1).sqrt();
  check((a, p, n) => F.tripletMarginWithDistanceLoss(a, p, n, { distanceFunction: l1, swap: true, margin: 5 }), [f64([3, 4]), f64([3, 4]), f64([3, 4])]);
  const asm = new nn.AdaptiveLogSoftmaxWithLoss(5, 9, [3, 6], { divValue: 2, dtype: "float64" });
  check((x) => asm.forward(x, i32([0, 4, 8, 2])).loss, [f64([4, 5])]);
  check((x) => asm.logProb(x), [f64([2, 5])]);
});

test("bad input gets PyTorch's messages", () => {
  const x = torch.randn([3, 4]);
  // (PyTorch 2.x's message; 1.13 said "inconsistent size [2, 4] for argument #2 'target'")
  assert.throws(() => F.multilabelMarginLoss(x, i32([[0, 1, 2, 3], [0, 1, 2, 3]])), /^Error: inconsistent target size: \[2, 4\] for input of size: \[3, 4\]/);
  assert.throws(() => F.multilabelMarginLoss(x.unsqueeze(0), torch.zeros([1, 3, 4], { dtype: "int32" })), /^Error: Expected non-empty vector or matrix with optional 0-dim batch size, but got: \[1, 3, 4\]/);
  assert.throws(() => F.multilabelMarginLoss(torch.zeros([3, 0]), i32([[], [], []])), /^Error: Expected non-empty vector or matrix with optional 0-dim batch size, but got: \[3, 0\]/);
  assert.throws(() => F.multilabelMarginLoss(x, i32([[4, 0, -1, 1], [0, 1, 2, 3], [-1, 0, 0, 0]])), /^Error: argument #2 'target' is out of range/);
  assert.throws(() => F.multilabelMarginLoss(x, i32([[-2, 0, -1, 1], [0, 1, 2, 3], [-1, 0, 0, 0]])), /^Error: argument #2 'target' is out of range/);
  assert.throws(() => F.multilabelMarginLoss(torch.tensor(0.5), i32(3), { reduction: "none" }), /^Error: argument #2 'target' is out of range/);
  assert.throws(() => F.multilabelMarginLoss(x, torch.zeros([3, 4])), /multilabel_margin_loss: expected target of dtype int32 \(class indices\), got float32/);
  assert.throws(() => F.multilabelMarginLoss(x.to("int32"), i32([[0, 1, 2, 3], [0, 1, 2, 3], [0, 1, 2, 3]])), /^Error: "multilabel_margin_loss_forward_out_frame" not implemented for 'Int'/);
  assert.throws(() => F.multilabelMarginLoss(x, i32([[0, 1, 2, 3], [0, 1, 2, 3], [0, 1, 2, 3]]), { reduction: "x" as "sum" }), /^Error: x is not a valid value for reduction/);

  // (PyTorch 2.x checks the reduction and the dimensions first; 1.13 did neither)
  assert.throws(() => F.tripletMarginWithDistanceLoss(x, x, torch.randn([4])), /^Error: The anchor, positive, and negative tensors are expected to have the same number of dimensions, but got: anchor 2D, positive 2D, and negative 1D inputs/);
  assert.throws(() => F.tripletMarginWithDistanceLoss(x, x, x, { reduction: "avg" as "sum" }), /^Error: avg is not a valid value for reduction/);

  const cutoffsError = /^Error: cutoffs should be a sequence of unique, positive integers sorted in an increasing order, where each value is between 1 and n_classes-1/;
  for (const cutoffs of [[5, 3], [0, 3], [3, 10], [3, 3], [2.5], []]) assert.throws(() => new nn.AdaptiveLogSoftmaxWithLoss(8, 10, cutoffs), cutoffsError, String(cutoffs));
  const asm = new nn.AdaptiveLogSoftmaxWithLoss(4, 10, [3, 6]);
  assert.throws(() => asm.forward(torch.randn([3, 4]), i32([1, 2])), /^Error: Input and target should have the same size in the batch dimension\./);
  assert.throws(() => asm.forward(torch.randn([2, 2, 4]), i32([1, 2])), /^Error: 1D target tensor expects 2D input tensors, but found inputs with size \[2, 2, 4\]/);
  assert.throws(() => asm.forward(torch.randn([2, 4]), i32(1)), /^Error: 0D target tensor expects 1D input tensors, but found inputs with size \[2, 4\]/);
  assert.throws(() => asm.forward(torch.randn([2, 4]), i32([[1, 2]])), /^Error: 0D or 1D target tensor expected, multi-target not supported/);
  assert.throws(() => asm.forward(torch.randn([2, 4]), i32([1, 10])), /^Error: Target values should be in \[0, 9\], but values in range \[1, 10\] were found\. /);
  assert.throws(() => asm.forward(torch.randn([2, 4]), i32([-1, 3])), /^Error: Target values should be in \[0, 9\], but values in range \[-1, 3\] were found\. /);
});

test("F.tripletMarginWithDistanceLoss refuses a margin <= 0 as PyTorch 2.x's functional form does (the layer already did)", () => {
  const [a, p, n] = [torch.randn([2, 3]), torch.randn([2, 3]), torch.randn([2, 3])];
  // F.triplet_margin_with_distance_loss(a, p, n, margin=0.0) (2.x): ValueError("margin must be greater than 0, got 0.0")
  assert.throws(() => F.tripletMarginWithDistanceLoss(a, p, n, { margin: 0 }), { message: "margin must be greater than 0, got 0" });
  assert.throws(() => F.tripletMarginWithDistanceLoss(a, p, n, { margin: -1 }), { message: "margin must be greater than 0, got -1" });
  // the reduction is checked first, the dimensions after
  assert.throws(() => F.tripletMarginWithDistanceLoss(a, p, n, { margin: 0, reduction: "avg" as "mean" }), /avg is not a valid value for reduction/);
  assert.throws(() => F.tripletMarginWithDistanceLoss(a, p, torch.randn([3]), { margin: -1 }), /margin must be greater than 0/);
});
