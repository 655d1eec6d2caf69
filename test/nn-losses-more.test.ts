/**
 * The losses after losses.json against PyTorch on both backends (fixtures:
 * scripts/gen_loss2_fixtures.py): KL divergence (batchmean, logTarget),
 * margin ranking, hinge embedding, soft margin, cosine embedding, triplet,
 * multi-label soft margin, multi-margin, Poisson and Gaussian NLL, every
 * reduction, with margins hit exactly, zero targets and variances, and the
 * gradient of every input PyTorch differentiates (targets and variances
 * included). Also the modules, PyTorch's errors and float64 gradchecks.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { BACKENDS, backendSkip } from "./backends.js";
import { checkFunctionCase, type FunctionCase, readCases } from "./golden-cases.js";
import { values } from "./nn-helpers.js";

const { nn } = torch;
const F = nn.functional;

const CASES = readCases<FunctionCase>("losses_more.json");
const FNS = [...new Set(CASES.map((c) => c.fn))];

for (const backend of BACKENDS) {
  for (const fn of FNS) {
    test(`${fn} matches PyTorch, values and gradients (${backend})`, { skip: backendSkip(backend) }, () => {
      const previous = torch.getBackend();
      torch.setBackend(backend);
      try {
        for (const c of CASES.filter((k) => k.fn === fn)) checkFunctionCase(c);
      } finally {
        torch.setBackend(previous);
      }
    });
  }
}

test("the fixtures cover every new loss and reduction", () => {
  assert.deepEqual(FNS.sort(), ["cosineEmbeddingLoss", "gaussianNllLoss", "hingeEmbeddingLoss", "klDiv", "marginRankingLoss", "multiMarginLoss", "multilabelSoftMarginLoss", "poissonNllLoss", "softMarginLoss", "tripletMarginLoss"]);
  for (const fn of FNS) {
    const reductions = new Set(CASES.filter((c) => c.fn === fn).map((c) => (c.options.reduction as string | undefined) ?? "mean"));
    assert.ok(["mean", "sum", "none"].every((r) => reductions.has(r)), `${fn}: ${[...reductions].join(", ")}`);
  }
});

test("klDiv batchmean divides the sum by the batch size only; mean by every element", () => {
  const logp = torch.tensor([[-1, -2, -0.5], [-0.3, -1, -2]]);
  const q = torch.tensor([[0.2, 0.3, 0.5], [0.6, 0.4, 0]]);
  const total = F.klDiv(logp, q, { reduction: "sum" }).item();
  assert.ok(Math.abs(F.klDiv(logp, q, { reduction: "batchmean" }).item() - total / 2) < 1e-6);
  assert.ok(Math.abs(F.klDiv(logp, q).item() - total / 6) < 1e-6);
  // a 0-d input: batchmean is the sum
  assert.equal(F.klDiv(torch.tensor(-1), torch.tensor(0.5), { reduction: "batchmean" }).item(), F.klDiv(torch.tensor(-1), torch.tensor(0.5), { reduction: "sum" }).item());
});

test("the loss modules forward to the functions, keep PyTorch's attributes, buffers and reprs", () => {
  const x = torch.randn([4, 3]), y = torch.randn([4, 3]), z = torch.randn([4, 3]);
  const sign = torch.tensor([1, -1, 1, -1]);
  const logp = x.logSoftmax(1), probs = y.softmax(1);
  const same = (a: torch.Tensor, b: torch.Tensor) => assert.deepEqual(values(a), values(b));
  same(new nn.KLDivLoss({ reduction: "batchmean", logTarget: true }).forward(logp, logp), F.klDiv(logp, logp, { reduction: "batchmean", logTarget: true }));
  same(new nn.KLDivLoss().forward(logp, probs), F.klDiv(logp, probs));
  same(new nn.MarginRankingLoss({ margin: 0.3 }).forward(x.select(1, 0), y.select(1, 0), sign), F.marginRankingLoss(x.select(1, 0), y.select(1, 0), sign, { margin: 0.3 }));
  same(new nn.HingeEmbeddingLoss({ reduction: "sum" }).forward(x.select(1, 0), sign), F.hingeEmbeddingLoss(x.select(1, 0), sign, { margin: 1, reduction: "sum" }));
  same(new nn.SoftMarginLoss({ reduction: "none" }).forward(x.select(1, 0), sign), F.softMarginLoss(x.select(1, 0), sign, { reduction: "none" }));
  same(new nn.CosineEmbeddingLoss({ margin: 0.1 }).forward(x, y, sign), F.cosineEmbeddingLoss(x, y, sign, { margin: 0.1 }));
  same(new nn.TripletMarginLoss({ swap: true, p: 1 }).forward(x, y, z), F.tripletMarginLoss(x, y, z, { swap: true, p: 1 }));
  const w = torch.tensor([1, 2, 0.5]);
  const labels = torch.tensor([[1, 0, 1], [0, 0, 1], [1, 1, 0], [0, 1, 0]]);
  const mlsm = new nn.MultiLabelSoftMarginLoss({ weight: w });
  same(mlsm.forward(x, labels), F.multilabelSoftMarginLoss(x, labels, { weight: w }));
  assert.deepEqual(Object.keys(mlsm.stateDict()), ["weight"]);
  const classes = torch.tensor([0, 2, 1, 2], { dtype: "int32" });
  const mm = new nn.MultiMarginLoss({ p: 2, margin: 0.5, weight: w });
  same(mm.forward(x, classes), F.multiMarginLoss(x, classes, { p: 2, margin: 0.5, weight: w }));
  assert.deepEqual(Object.keys(mm.stateDict()), ["weight"]);
  const counts = torch.tensor([[0, 1, 2], [3, 1, 0], [4, 2, 2], [1, 1, 5]]);
  same(new nn.PoissonNLLLoss({ full: true }).forward(x, counts), F.poissonNllLoss(x, counts, { full: true }));
  const variance = y.abs();
  same(new nn.GaussianNLLLoss({ full: true }).forward(x, z, variance), F.gaussianNllLoss(x, z, variance, { full: true }));
  same(new nn.GaussianNLLLoss().forward(x, z, 0.5), F.gaussianNllLoss(x, z, 0.5));
  const triplet = new nn.TripletMarginLoss();
  assert.deepEqual([triplet.margin, triplet.p, triplet.eps, triplet.swap, triplet.reduction], [1, 2, 1e-6, false, "mean"]);
  const poisson = new nn.PoissonNLLLoss();
  assert.deepEqual([poisson.logInput, poisson.full, poisson.eps], [true, false, 1e-8]);
  assert.equal(new nn.HingeEmbeddingLoss().margin, 1);
  assert.equal(new nn.CosineEmbeddingLoss().margin, 0);
  assert.equal(new nn.GaussianNLLLoss().eps, 1e-6);
  assert.equal(String(new nn.KLDivLoss()), "KLDivLoss()");
  assert.equal(String(mm), "MultiMarginLoss()");
  assert.throws(() => new nn.MultiMarginLoss({ p: 3 }), /only p == 1 and p == 2 supported/);
});

test("margins hit exactly: clamp_min passes the gradient (ranking, hinge, triplet), the multi-margin kernel does not", () => {
  const a = torch.tensor([0.5], { requiresGrad: true }), b = torch.tensor([0.25], { requiresGrad: true });
  F.marginRankingLoss(a, b, torch.tensor([1]), { margin: 0.25, reduction: "sum" }).backward();
  assert.deepEqual([values(a.grad!), values(b.grad!)], [[-1], [1]]);
  const h = torch.tensor([0.5], { requiresGrad: true });
  F.hingeEmbeddingLoss(h, torch.tensor([-1]), { margin: 0.5 }).backward();
  assert.deepEqual(values(h.grad!), [-1]);
  const m = torch.tensor([[1, 0]], { requiresGrad: true });
  const loss = F.multiMarginLoss(m, torch.tensor([0], { dtype: "int32" }));
  assert.equal(loss.item(), 0);
  loss.backward();
  assert.deepEqual(values(m.grad!), [0, 0]);
});

test("float64 gradchecks: every differentiable input of the composed losses", () => {
  const f64 = (data: number[][] | number[]) => torch.tensor(data, { dtype: "float64", requiresGrad: true });
  const x = f64([[0.3, -1.2, 0.5], [2, 0.1, -0.4]]), y = f64([[1.1, 0.2, -0.7], [0.4, -0.9, 0.6]]), z = f64([[-0.5, 0.8, 1.3], [0.2, 0.7, -1.1]]);
  const q = f64([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]]);
  const sign = torch.tensor([1, -1], { dtype: "float64" });
  const check = (fn: (...xs: torch.Tensor[]) => torch.Tensor, inputs: torch.Tensor[]) => assert.ok(torch.autograd.gradcheck(fn, inputs));
  check((a, b) => F.klDiv(a, b, { reduction: "batchmean" }), [x, q]);
  check((a, b) => F.klDiv(a, b, { logTarget: true }), [x, y]);
  check((a, b) => F.marginRankingLoss(a, b, sign, { margin: 0.1 }), [f64([0.3, 2]), f64([1.1, 0.4])]);
  check((a, b) => F.cosineEmbeddingLoss(a, b, sign, { margin: -0.9 }), [x, y]);
  check((a, b, c) => F.tripletMarginLoss(a, b, c, { margin: 3, swap: true }), [x, y, z]);
  check((a, b) => F.multilabelSoftMarginLoss(a, b), [x, q]);
  check((a) => F.multiMarginLoss(a, torch.tensor([2, 0], { dtype: "int32" }), { p: 2, margin: 3 }), [x]);
  check((a, b) => F.poissonNllLoss(a, b, { full: true }), [x, f64([[2, 3, 4], [5, 1.5, 6]])]);
  check((a, b, v) => F.gaussianNllLoss(a, b, v), [x, y, f64([0.5, 2])]);
});

test("losses reject bad input with PyTorch's messages, naming the op and the shapes", () => {
  const x = torch.randn([2, 3]);
  const reduction = { reduction: "avg" as "mean" };
  assert.throws(() => F.klDiv(x, x, reduction), /avg is not a valid value for reduction/);
  assert.throws(() => F.klDiv(x, torch.ones([2, 3], { dtype: "int32" })), /kl_div: Integral inputs not supported/);
  assert.throws(() => F.gaussianNllLoss(x, x, torch.ones([2, 3]), reduction), /^Error: avg is not valid$/);
  assert.throws(() => F.multilabelSoftMarginLoss(x, x, reduction), /^Error: avg is not valid$/);
  assert.throws(() => F.marginRankingLoss(x.select(0, 0), x.select(0, 1), torch.ones([1, 3])),
    /margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: \[3\], input2: \[3\], target: \[1, 3\]/);
  assert.throws(() => F.hingeEmbeddingLoss(x, torch.ones([2, 4])), /The size of tensor a \(3\) must match the size of tensor b \(4\) at non-singleton dimension 1 \(hinge_embedding_loss: shapes \[2, 3\] and \[2, 4\]\)/);
  assert.throws(() => F.softMarginLoss(torch.ones([3]), torch.ones([2, 3])), /output with shape \[3\] doesn't match the broadcast shape \[2, 3\]/);
  assert.throws(() => F.softMarginLoss(x, torch.ones([2, 3], { requiresGrad: true })), /The function 'soft_margin_loss' is not differentiable with respect to argument 'target'/);
  assert.throws(() => F.cosineEmbeddingLoss(torch.ones([3]), torch.ones([3]), torch.ones([3])), /1D target tensor expects 2D input tensors, but found inputs with sizes \[3\] and \[3\]\./);
  assert.throws(() => F.cosineEmbeddingLoss(x, x, torch.ones([2, 2])), /0D or 1D target tensor expected, multi-target not supported/);
  assert.throws(() => F.tripletMarginLoss(x, x, torch.ones([3])), /same number of dimensions, but got: anchor 2D, positive 2D, and negative 1D inputs/);
  assert.throws(() => F.tripletMarginLoss(x, x, x, { margin: 0 }), /margin must be greater than 0, got 0/);
  const i32 = { dtype: "int32" } as const;
  assert.throws(() => F.multiMarginLoss(x, torch.tensor([0, 3], i32)), /target out of range/);
  assert.throws(() => F.multiMarginLoss(x, torch.tensor([0, 1, 1], i32)), /inconsistent target size, expected 2 but got \[3\]/);
  assert.throws(() => F.multiMarginLoss(x, torch.tensor([0, 1], i32), { weight: torch.ones([4]) }), /inconsistent weight size, expected 3 but got \[4\]/);
  assert.throws(() => F.multiMarginLoss(x, torch.tensor([0, 1], i32), { p: 3 }), /only p == 1 and p == 2 supported/);
  assert.throws(() => F.multiMarginLoss(torch.ones([2, 3, 4]), torch.tensor([0, 1], i32)), /Expected non-empty vector or matrix with optional 0-dim batch size, but got: \[2, 3, 4\]/);
  assert.throws(() => F.multiMarginLoss(x, torch.tensor([0, 1])), /multi_margin_loss: expected target of dtype int32 \(class indices\), got float32/);
  assert.throws(() => F.multiMarginLoss(x, torch.tensor([0, 1], i32), { weight: torch.ones([3], { requiresGrad: true }) }), /not differentiable with respect to argument 'weight'/);
  assert.throws(() => F.gaussianNllLoss(x, x, torch.ones([3, 3])), /var is of incorrect size/);
  assert.throws(() => F.gaussianNllLoss(x, x, torch.ones([2, 1, 3])), /var is of incorrect size/);
  assert.throws(() => F.gaussianNllLoss(x, x, torch.full([2, 3], -1)), /var has negative entry\/entries/);
  assert.throws(() => F.gaussianNllLoss(x, x, -0.5), /var has negative entry\/entries/);
});
