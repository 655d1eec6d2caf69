/**
 * The nn.functional additions and their layers, against PyTorch (fixtures:
 * scripts/gen_func_fixtures3.py, PyTorch 1.13 CPU; where 2.x differs the
 * script or the test says so): values and the gradient of every floating
 * input, PyTorch's reprs and argument errors, and statistical checks of the
 * random ones (rrelu, gumbelSoftmax, featureAlphaDropout).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { decode, type Encoded } from "./fixture-values.js";
import { assertClose, values } from "./nn-helpers.js";

const F = torch.nn.functional;
const nn = torch.nn;

interface Case {
  inputs: { shape: number[]; data: Encoded[]; dtype: "float32" | "int32" }[];
  output: { shape: number[]; data: Encoded[] };
  gradOutput: Encoded[];
  grads: (Encoded[] | null)[];
}

interface Fixture {
  cases: Record<string, Case & { values?: number[] }>;
  stats: { gumbelLogits: number[]; gumbelProbs: number[] };
}

const FIXTURE = JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "test", "fixtures", "ops", "nn-func3.json"), "utf8")) as Fixture;

/** Runs `fn` on the case's inputs (floating ones requiring grad) and checks its output and every input's gradient against PyTorch's. */
function check(name: string, fn: (...xs: Tensor[]) => Tensor, rtol = 1e-4, atol = 1e-5): void {
  const c = FIXTURE.cases[name];
  assert.ok(c !== undefined, `no fixture case ${name}`);
  const xs = c.inputs.map((i) => {
    const t = torch.tensor(i.data.map(decode), { dtype: i.dtype }).reshape(i.shape);
    return i.dtype === "float32" ? t.requiresGrad_(true) : t;
  });
  const y = fn(...xs);
  assert.deepEqual(y.shape, c.output.shape, `${name}: shape`);
  assertClose(values(y.detach()), c.output.data.map(decode), `${name} output`, rtol, atol);
  if (y.requiresGrad) y.backward(torch.tensor(c.gradOutput.map(decode)).reshape(c.output.shape));
  c.grads.forEach((want, k) => {
    const got = xs[k]!.grad;
    if (want === null) return assert.equal(got, null, `${name}: input ${k} has no gradient in PyTorch`);
    // no gradient at all where PyTorch's is all zeros (a piecewise-constant op)
    if (got === null) return assert.ok(want.every((v) => decode(v) === 0), `${name}: input ${k} got no gradient`);
    assertClose(values(got), want.map(decode), `${name} grad of input ${k}`, rtol, atol);
  });
}

test("F.softshrink / F.hardshrink and their layers: values and gradients (0 on the band's edges), PyTorch's reprs and lambda check", () => {
  check("softshrink", (x) => F.softshrink(x));
  check("softshrink 1.2", (x) => new nn.Softshrink(1.2).forward(x));
  check("hardshrink", (x) => new nn.Hardshrink().forward(x));
  check("hardshrink 1.2", (x) => F.hardshrink(x, 1.2));
  assert.equal(String(new nn.Softshrink()), "Softshrink(0.5)");
  assert.equal(String(new nn.Hardshrink(1.5)), "Hardshrink(1.5)");
  assert.throws(() => F.softshrink(torch.ones([3]), -1), { message: "lambda must be greater or equal to 0, but found to be -1." });
  // a NaN is outside every band: hardshrink keeps it
  assert.ok(Number.isNaN(values(F.hardshrink(torch.tensor([NaN])))[0]!));
});

test("F.rrelu / nn.RReLU: eval is leaky ReLU with slope (lower + upper) / 2; training draws slopes in [lower, upper]", () => {
  check("rrelu eval 0.1 0.3", (x) => F.rrelu(x, { lower: 0.1, upper: 0.3 }));
  const layer = new nn.RReLU(0.1, 0.3);
  layer.eval();
  check("rrelu eval 0.1 0.3", (x) => layer.forward(x));
  layer.train();
  torch.manualSeed(1);
  const x = torch.randn([20000]).requiresGrad_(true);
  const y = layer.forward(x);
  y.sum().backward();
  const xs = values(x.detach()), ys = values(y.detach()), gs = values(x.grad!);
  const slopes: number[] = [];
  xs.forEach((v, i) => {
    if (v > 0) {
      assert.equal(ys[i], v);
      assert.equal(gs[i], 1);
    } else {
      const s = ys[i]! / v;
      assert.ok(s >= 0.1 - 1e-6 && s <= 0.3 + 1e-6, `slope ${s} out of [0.1, 0.3]`);
      // the gradient is the slope drawn
      assert.ok(Math.abs(gs[i]! - s) < 1e-5);
      slopes.push(s);
    }
  });
  const mean = slopes.reduce((a, b) => a + b, 0) / slopes.length;
  const variance = slopes.reduce((a, b) => a + (b - mean) ** 2, 0) / slopes.length;
  // uniform on [0.1, 0.3]: mean 0.2, variance 0.2² / 12
  assert.ok(Math.abs(mean - 0.2) < 0.003, `mean slope ${mean}`);
  assert.ok(Math.abs(variance - 0.04 / 12) < 0.0003, `slope variance ${variance}`);
  // slopes differ between elements (not one slope for all)
  assert.ok(new Set(slopes.map((s) => s.toFixed(4))).size > 100);
  assert.equal(String(new nn.RReLU()), "RReLU(lower=0.125, upper=0.3333333333333333)");
  assert.equal(String(new nn.RReLU(0.1, 0.3, { inplace: true })), "RReLU(lower=0.1, upper=0.3, inplace=True)");
  assert.throws(() => F.rrelu(torch.ones([3]), { lower: 0.5, upper: 0.2, training: true }), { message: "Lower bound should be less than or equal to the upper bound" });
  // inplace writes over the input
  const z = torch.tensor([-2, 1]);
  assert.equal(F.rrelu(z, { inplace: true }), z);
  assertClose(values(z), [-2 * (1 / 8 + 1 / 3) / 2, 1], "rrelu_ eval");
});

test("F.gumbelSoftmax: samples sum to 1, hard ones are one-hot with the soft sample's gradient, argmax frequencies follow softmax(logits)", () => {
  torch.manualSeed(2);
  const logits = torch.tensor(FIXTURE.stats.gumbelLogits);
  const batch = logits.unsqueeze(0).expand([8000, 4]).contiguous();
  const soft = F.gumbelSoftmax(batch, { tau: 0.5 });
  assert.deepEqual(soft.shape, [8000, 4]);
  assertClose(values(soft.sum(1)), new Array<number>(8000).fill(1), "rows sum to 1", 1e-5, 1e-5);
  assert.ok(values(soft).every((v) => v >= 0 && v <= 1));
  // the argmax of logits + Gumbel noise is a sample of Categorical(softmax(logits)) (whatever tau)
  const hard = F.gumbelSoftmax(batch, { hard: true });
  const counts = hard.sum(0).toArray();
  FIXTURE.stats.gumbelProbs.forEach((p, k) => {
    const f = counts[k]! / 8000;
    assert.ok(Math.abs(f - p) < 4 * Math.sqrt((p * (1 - p)) / 8000) + 1e-3, `class ${k}: frequency ${f}, PyTorch's softmax ${p}`);
  });
  assert.ok(values(hard).every((v) => v === 0 || v === 1));
  assertClose(values(hard.sum(1)), new Array<number>(8000).fill(1), "one 1 per row");
  // straight-through: with the same noise, the hard sample's gradient is the soft one's
  const l1 = torch.randn([3, 5]).requiresGrad_(true), l2 = l1.detach().clone().requiresGrad_(true);
  const w = torch.randn([3, 5]);
  const h = F.gumbelSoftmax(l1, { tau: 0.7, hard: true, dim: 1, generator: new torch.Generator(7) });
  const s = F.gumbelSoftmax(l2, { tau: 0.7, dim: 1, generator: new torch.Generator(7) });
  assert.deepEqual(values(h.detach().argmax(1)), values(s.detach().argmax(1)));
  h.mul(w).sum().backward();
  s.mul(w).sum().backward();
  assertClose(values(l1.grad!), values(l2.grad!), "straight-through gradient");
  assert.ok(values(l1.grad!).some((v) => Math.abs(v) > 1e-4));
});

test("nn.Softmax2d: softmax over the channels of 3-d and 4-d input; other ranks are 2.x's error", () => {
  check("softmax2d 4d", (x) => new nn.Softmax2d().forward(x));
  check("softmax2d 3d", (x) => new nn.Softmax2d().forward(x));
  assert.equal(String(new nn.Softmax2d()), "Softmax2d()");
  assert.equal(String(new nn.Softmin(1)), "Softmin(dim=1)");
  // PyTorch 2.x's text (1.13: "Softmax2d requires a 3D or 4D tensor as input")
  assert.throws(() => new nn.Softmax2d().forward(torch.ones([3, 3])), { message: "Softmax2d: expected input to be 3D or 4D, got 2D instead" });
});

test("F.cdist (torch.cdist): p = 2, 1, 3, 0.5, inf and 0, batched and broadcast, the matmul path past 25 rows; gradient 0 at a zero distance", () => {
  for (const p of ["2.0", "1.0", "3.0", "0.5", "inf"]) check(`cdist p=${p}`, (a, b) => F.cdist(a, b, { p: Number(p.replace("inf", "Infinity")) }));
  check("cdist p=0", (a, b) => F.cdist(a, b, { p: 0 }));
  check("cdist 2-d", (a, b) => torch.cdist(a, b));
  check("cdist broadcast batch", (a, b) => F.cdist(a, b, { p: 1.5 }));
  check("cdist p=2 mm path", (a, b) => F.cdist(a, b), 1e-4, 1e-4);
  // the exact path there agrees too
  check("cdist p=2 mm path", (a, b) => F.cdist(a, b, { computeMode: "donot_use_mm_for_euclid_dist" }));
  assert.throws(() => F.cdist(torch.ones([3]), torch.ones([2, 3])), { message: "cdist only supports at least 2D tensors, X1 got: 1D" });
  assert.throws(() => F.cdist(torch.ones([2, 3]), torch.ones([2, 4])), { message: "X1 and X2 must have the same number of columns. X1: 3 X2: 4" });
  assert.throws(() => F.cdist(torch.ones([2, 3]), torch.ones([2, 3]), { p: -1 }), { message: "cdist only supports non-negative p values" });
});

test("F.pdist: the upper triangle of row distances, p = 2, 1, 1.5, inf (gradient 0 for equal rows); PyTorch's errors", () => {
  for (const p of ["2.0", "1.0", "1.5", "inf"]) check(`pdist p=${p}`, (x) => F.pdist(x, Number(p.replace("inf", "Infinity"))));
  assert.deepEqual(F.pdist(torch.ones([1, 3])).shape, [0]);
  assert.throws(() => F.pdist(torch.ones([2, 2, 3])), { message: "pdist only supports 2D tensors, got: 3D" });
  assert.throws(() => F.pdist(torch.ones([2, 3]), -1), { message: "pdist only supports non-negative p values" });
});

test("F.bilinear / nn.Bilinear: values and gradients of both inputs, weight and bias; leading dims; PyTorch's init bounds, repr and errors", () => {
  check("bilinear", (a, b, w, bias) => F.bilinear(a, b, w, bias));
  check("bilinear no bias, leading dims", (a, b, w) => F.bilinear(a, b, w));
  const layer = new nn.Bilinear(4, 3, 5);
  assert.deepEqual(layer.weight.shape, [5, 4, 3]);
  assert.deepEqual(layer.bias!.shape, [5]);
  // PyTorch: weight and bias uniform in ±1/sqrt(in1_features) = ±0.5
  for (const t of [layer.weight, layer.bias!]) {
    const v = values(t.detach());
    // (the spread only over the 60 weights: 5 biases all fall inside ±0.3 one time in 13)
    assert.ok(v.every((x) => Math.abs(x) <= 0.5) && (v.length < 60 || v.some((x) => Math.abs(x) > 0.3)), "init within ±1/√in1 and spread over it");
  }
  assert.deepEqual(layer.forward(torch.randn([2, 4]), torch.randn([2, 3])).shape, [2, 5]);
  assert.equal(String(layer), "Bilinear(in1_features=4, in2_features=3, out_features=5, bias=True)");
  assert.equal(String(new nn.Bilinear(2, 3, 4, { bias: false })), "Bilinear(in1_features=2, in2_features=3, out_features=4, bias=False)");
  assert.equal(new nn.Bilinear(2, 3, 4, { bias: false }).bias, null);
  const w = torch.ones([5, 3, 4]);
  assert.throws(() => F.bilinear(torch.ones([2, 3]), torch.ones([2, 4, 1]), w), { message: "bilinear(): input dimensions do not match: got 2 and 3" });
  assert.throws(() => F.bilinear(torch.ones([2, 3]), torch.ones([3, 4]), w), { message: "bilinear(): input batch dimensions do not match at dim 0: got 2 and 3" });
  assert.throws(() => F.bilinear(torch.ones([2, 2]), torch.ones([2, 4]), w), { message: "bilinear(): input1 size does not match weight size: got 2 but expected 3" });
  assert.throws(() => F.bilinear(torch.ones([2, 3]), torch.ones([2, 3]), w), { message: "bilinear(): input2 size does not match weight size: got 3 but expected 4" });
  assert.throws(() => F.bilinear(torch.ones([2, 3]), torch.ones([2, 4]), w, torch.ones([4])), { message: "bilinear(): bias size does not match weight size: got 4 but expected 5" });
});

test("F.channelShuffle / nn.ChannelShuffle: PyTorch's values, the inverse permutation as gradient (2.x; 1.13 has no derivative), errors and repr", () => {
  check("channel shuffle 3", (x) => F.channelShuffle(x, 3));
  check("channel shuffle 2 4d", (x) => new nn.ChannelShuffle(2).forward(x));
  assert.equal(String(new nn.ChannelShuffle(2)), "ChannelShuffle(groups=2)");
  assert.throws(() => F.channelShuffle(torch.ones([1, 5, 2]), 2), { message: "Number of channels must be divisible by groups. Got 5 channels and 2 groups." });
  assert.throws(() => F.channelShuffle(torch.ones([1, 4, 2]), 0), { message: "Number of groups to divide channels in must be positive. Value of groups:0" });
  assert.throws(() => F.channelShuffle(torch.ones([4]), 2), { message: "channel_shuffle expects input with > 2 dims, but got input with sizes [4]" });
});

test("F.localResponseNorm / nn.LocalResponseNorm: 3-d, 4-d and 5-d input, odd and even windows; values, gradients, repr and 2.x's error", () => {
  check("lrn 3d size 3", (x) => F.localResponseNorm(x, 3));
  check("lrn 4d size 2", (x) => new nn.LocalResponseNorm(2, { alpha: 0.1, beta: 0.5, k: 2 }).forward(x));
  check("lrn 5d size 4", (x) => F.localResponseNorm(x, 4, { alpha: 0.5 }));
  assert.equal(String(new nn.LocalResponseNorm(2)), "LocalResponseNorm(2, alpha=0.0001, beta=0.75, k=1.0)");
  // PyTorch 2.x's text (1.13's has a run of spaces after "dimensionality")
  assert.throws(() => F.localResponseNorm(torch.ones([2, 3]), 2), { message: "Expected 3D or higher dimensionality input (got 2 dimensions)" });
});

test("F.featureAlphaDropout / nn.FeatureAlphaDropout: identity in eval (PyTorch's F default), whole channels take PyTorch's two values, statistics kept", () => {
  torch.manualSeed(3);
  const x = torch.randn([4, 3, 2]);
  assert.equal(F.featureAlphaDropout(x, 0.3), x, "training defaults to false, as PyTorch's F.feature_alpha_dropout");
  const layer = new nn.FeatureAlphaDropout(0.3);
  layer.eval();
  assert.equal(layer.forward(x), x);
  layer.train();
  // PyTorch's outputs for zeros and ones input (p = 0.3): dropped -1.059548, kept 0.454092 (zeros) / 1.315045 (ones)
  const [dropped, keptZero] = FIXTURE.cases["feature alpha dropout 0.3 on zeros"]!.values!;
  const keptOne = FIXTURE.cases["feature alpha dropout 0.3 on ones"]!.values![1]!;
  const ones = torch.ones([400, 20, 3]).requiresGrad_(true);
  const y = layer.forward(ones);
  const ys = values(y.detach());
  let droppedChannels = 0;
  for (let ch = 0; ch < 400 * 20; ch++) {
    const v = ys.slice(3 * ch, 3 * ch + 3);
    // one draw per channel: all its elements alike
    assert.ok(v.every((e) => e === v[0]), `channel ${ch} not uniform`);
    const isDropped = Math.abs(v[0]! - dropped!) < 1e-5;
    assert.ok(isDropped || Math.abs(v[0]! - keptOne) < 1e-5, `channel ${ch}: ${v[0]}`);
    if (isDropped) droppedChannels++;
  }
  const rate = droppedChannels / 8000;
  assert.ok(Math.abs(rate - 0.3) < 4 * Math.sqrt(0.21 / 8000), `dropped fraction ${rate}`);
  // the gradient is the scale a on kept channels (PyTorch's kept(ones) - kept(zeros)), 0 on dropped ones
  y.sum().backward();
  const a = keptOne - keptZero!;
  assert.ok(values(ones.grad!).every((g, i) => Math.abs(g - (Math.abs(ys[i]! - dropped!) < 1e-5 ? 0 : a)) < 1e-5));
  // a standard normal input keeps mean 0 and variance 1
  const z = F.featureAlphaDropout(torch.randn([200, 200, 5]), 0.3, { training: true });
  const zs = values(z);
  const mean = zs.reduce((s, v) => s + v, 0) / zs.length;
  const variance = zs.reduce((s, v) => s + (v - mean) ** 2, 0) / zs.length;
  assert.ok(Math.abs(mean) < 0.03 && Math.abs(variance - 1) < 0.05, `mean ${mean}, variance ${variance}`);
  assert.equal(String(new nn.FeatureAlphaDropout(0.2)), "FeatureAlphaDropout(p=0.2, inplace=False)");
  assert.throws(() => F.featureAlphaDropout(torch.ones([3]), 0.5, { training: true }), { message: "Feature dropout requires at least 2 dimensions in the input" });
  assert.throws(() => F.featureAlphaDropout(torch.ones([3, 3]), 1.5), { message: "dropout probability has to be between 0 and 1, but got 1.5" });
});

test("F.lpPool1d / F.lpPool2d and nn.LPPool1d / LPPool2d: p = 2, 1.5, 3, strides, ceil mode; values, gradients and reprs", () => {
  check("lp_pool1d p=2 k=3 s=2", (x) => F.lpPool1d(x, 2, 3, { stride: 2 }));
  check("lp_pool2d p=1.5 k=2 s=1", (x) => new nn.LPPool2d(1.5, 2, { stride: 1 }).forward(x));
  check("lp_pool2d p=3 k=(2,3) ceil", (x) => F.lpPool2d(x, 3, [2, 3], { ceilMode: true }));
  check("lp_pool1d p=2 k=3 s=2", (x) => new nn.LPPool1d(2, 3, { stride: 2 }).forward(x));
  // an all-zero window: gradient 0 there, as PyTorch's (sign's backward is zeros, not g · 0 = NaN)
  check("lp_pool1d p=2 zero window", (x) => F.lpPool1d(x, 2, 2));
  assert.equal(String(new nn.LPPool1d(2, 3)), "LPPool1d(norm_type=2, kernel_size=3, stride=None, ceil_mode=False)");
  assert.equal(String(new nn.LPPool2d(1.5, 2, { stride: 1 })), "LPPool2d(norm_type=1.5, kernel_size=2, stride=1, ceil_mode=False)");
  assert.equal(String(new nn.LPPool2d(2, [2, 3])), "LPPool2d(norm_type=2, kernel_size=(2, 3), stride=None, ceil_mode=False)");
});

test("F.maxUnpool1d / F.maxUnpool2d and their layers undo maxPool with its indices: values and gradients through both, outputSize, PyTorch's errors", () => {
  const unpool2d = (k: number, o: { stride?: number; padding?: number; outputSize?: number[] } = {}) => (x: Tensor) => {
    const [v, i] = F.maxPool2d(x, k, { stride: o.stride ?? k, padding: o.padding ?? 0, returnIndices: true });
    return F.maxUnpool2d(v, i, k, o);
  };
  check("max_unpool2d k=2", unpool2d(2));
  check("max_unpool2d k=3 s=2 p=1 output_size", unpool2d(3, { stride: 2, padding: 1, outputSize: [6, 7] }));
  check("max_unpool2d unbatched k=2 5x5 output_size", unpool2d(2, { outputSize: [5, 5] }));
  check("max_unpool1d k=2", (x) => {
    const [v, i] = new nn.MaxPool1d(2, { returnIndices: true }).forward(x);
    return new nn.MaxUnpool1d(2).forward(v, i);
  });
  check("max_unpool1d k=3 s=2 output_size", (x) => {
    const [v, i] = F.maxPool1d(x, 3, { stride: 2, returnIndices: true });
    return F.maxUnpool1d(v, i, 3, { stride: 2, outputSize: [1, 2, 10] });
  });
  check("max_unpool2d k=2", (x) => {
    const [v, i] = new nn.MaxPool2d(2, { returnIndices: true }).forward(x);
    return new nn.MaxUnpool2d(2).forward(v, i);
  });
  assert.equal(String(new nn.MaxUnpool1d(2)), "MaxUnpool1d(kernel_size=(2,), stride=(2,), padding=(0,))");
  assert.equal(String(new nn.MaxUnpool2d(2, { stride: 1, padding: 1 })), "MaxUnpool2d(kernel_size=(2, 2), stride=(1, 1), padding=(1, 1))");
  assert.equal(String(new nn.MaxUnpool2d([2, 3])), "MaxUnpool2d(kernel_size=(2, 3), stride=(2, 3), padding=(0, 0))");
  const ones = torch.ones([1, 1, 2, 2]), ints = (xs: number[], shape: number[]) => torch.tensor(xs, { dtype: "int32" }).reshape(shape);
  // PyTorch's own texts (the unclosed parenthesis included)
  assert.throws(() => F.maxUnpool2d(ones, ints([0, 1, 2, 19], [1, 1, 2, 2]), 2), { message: "Found an invalid max index: 19 (output volumes are of size 4x4" });
  // several invalid: PyTorch reports the last it met (F.max_unpool2d(torch.ones(1, 1, 2, 2), torch.tensor([[[[50, 1], [2, 70]]]]), 2))
  assert.throws(() => F.maxUnpool2d(ones, ints([50, 1, 2, 70], [1, 1, 2, 2]), 2), { message: "Found an invalid max index: 70 (output volumes are of size 4x4" });
  assert.throws(() => F.maxUnpool2d(ones, ints([0, 1], [1, 1, 1, 2]), 2), { message: "Expected shape of indices to be same as that of the input tensor ([1, 1, 2, 2]) but got indices tensor with shape: [1, 1, 1, 2]" });
  assert.throws(() => F.maxUnpool1d(torch.ones([1, 1, 2]), ints([0, 1], [1, 1, 2]), 2, { outputSize: [7] }), { message: 'invalid output_size "[7]" (dim 0 must be between 2 and 6)' });
});

test("1-d and 3-d padding layers (reflect, replicate, constant, zero) and circular ones: values, gradients and reprs", () => {
  check("ReflectionPad1d (2, 1)", (x) => new nn.ReflectionPad1d([2, 1]).forward(x));
  check("ReplicationPad1d 3", (x) => new nn.ReplicationPad1d(3).forward(x));
  check("ConstantPad1d (1, 2) 1.5", (x) => new nn.ConstantPad1d([1, 2], 1.5).forward(x));
  check("ReflectionPad3d 1", (x) => new nn.ReflectionPad3d(1).forward(x));
  check("ReplicationPad3d (1, 0, 2, 1, 0, 1)", (x) => new nn.ReplicationPad3d([1, 0, 2, 1, 0, 1]).forward(x));
  check("ConstantPad3d (1, 1, 0, 1, 1, 0) -2", (x) => new nn.ConstantPad3d([1, 1, 0, 1, 1, 0], -2).forward(x));
  // ZeroPad1d/3d and the circular layers are PyTorch 2.1+ (1.13 lacks them): their F.pad calls give the expected values
  check("ZeroPad1d (0, 2)", (x) => new nn.ZeroPad1d([0, 2]).forward(x));
  check("ZeroPad3d 1", (x) => new nn.ZeroPad3d(1).forward(x));
  check("CircularPad1d (2, 3)", (x) => new nn.CircularPad1d([2, 3]).forward(x));
  check("CircularPad2d (1, 0, 2, 1)", (x) => new nn.CircularPad2d([1, 0, 2, 1]).forward(x));
  check("CircularPad3d (1, 2, 0, 1, 1, 1)", (x) => new nn.CircularPad3d([1, 2, 0, 1, 1, 1]).forward(x));
  assert.equal(String(new nn.ReflectionPad1d(2)), "ReflectionPad1d((2, 2))");
  assert.equal(String(new nn.ReplicationPad1d([1, 2])), "ReplicationPad1d((1, 2))");
  assert.equal(String(new nn.ConstantPad1d(2, 3.5)), "ConstantPad1d(padding=(2, 2), value=3.5)");
  assert.equal(String(new nn.ConstantPad3d(1, 2)), "ConstantPad3d(padding=(1, 1, 1, 1, 1, 1), value=2)");
  assert.equal(String(new nn.ReflectionPad3d(1)), "ReflectionPad3d((1, 1, 1, 1, 1, 1))");
  assert.equal(String(new nn.ReplicationPad3d([1, 2, 0, 1, 1, 0])), "ReplicationPad3d((1, 2, 0, 1, 1, 0))");
  // PyTorch 2.x's reprs of the layers 1.13 lacks
  assert.equal(String(new nn.ZeroPad1d([0, 2])), "ZeroPad1d((0, 2))");
  assert.equal(String(new nn.CircularPad2d(1)), "CircularPad2d((1, 1, 1, 1))");
  assert.equal(String(new nn.ZeroPad2d(1)), "ZeroPad2d((1, 1, 1, 1))");
  assert.throws(() => new nn.ReflectionPad1d([1, 2, 3] as never), /padding must be an int or 2 ints/);
});

test("F.convTranspose1d / nn.ConvTranspose1d: stride, padding, outputPadding, groups, dilation, unbatched; gradients of input, weight and bias; repr", () => {
  check("conv_transpose1d", (x, w, b) => F.convTranspose1d(x, w, b));
  check("conv_transpose1d s=2 p=1 op=1", (x, w, b) => F.convTranspose1d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }));
  check("conv_transpose1d groups=2 dilation=2", (x, w) => F.convTranspose1d(x, w, null, { groups: 2, dilation: 2, stride: 3 }));
  check("conv_transpose1d unbatched", (x, w, b) => F.convTranspose1d(x, w, b, { stride: 2 }));
  // the layer with the fixture's weight and bias: output, and gradients of its input and parameters
  const c = FIXTURE.cases["conv_transpose1d s=2 p=1 op=1"]!;
  const tensorOf = (i: Case["inputs"][number]) => torch.tensor(i.data.map(decode)).reshape(i.shape);
  const layer = new nn.ConvTranspose1d(4, 3, 3, { stride: 2, padding: 1, outputPadding: 1 });
  assert.deepEqual(layer.weight.shape, [4, 3, 3]);
  torch.noGrad(() => {
    layer.weight.copy_(tensorOf(c.inputs[1]!));
    layer.bias!.copy_(tensorOf(c.inputs[2]!));
  });
  const x = tensorOf(c.inputs[0]!).requiresGrad_(true);
  const y = layer.forward(x);
  assertClose(values(y.detach()), c.output.data.map(decode), "ConvTranspose1d output");
  y.backward(torch.tensor(c.gradOutput.map(decode)).reshape(c.output.shape));
  [x, layer.weight, layer.bias!].forEach((t, k) => assertClose(values(t.grad!), c.grads[k]!.map(decode), `ConvTranspose1d grad ${k}`));
  assert.equal(String(new nn.ConvTranspose1d(2, 3, 3, { stride: 2, outputPadding: 1 })), "ConvTranspose1d(2, 3, kernel_size=(3,), stride=(2,), output_padding=(1,))");
  assert.equal(String(new nn.ConvTranspose1d(2, 4, 3, { groups: 2, bias: false, dilation: 2, padding: 1 })), "ConvTranspose1d(2, 4, kernel_size=(3,), stride=(1,), padding=(1,), dilation=(2,), groups=2, bias=False)");
  assert.throws(() => F.convTranspose1d(torch.ones([2, 2, 2, 2]), torch.ones([2, 2, 2])), { message: "Expected 2D (unbatched) or 3D (batched) input to conv_transpose1d, but got input of size: [2, 2, 2, 2]" });
});

test("F.interpolate nearest-exact (1-d and 2-d, factors and sizes) and bicubic (alignCorners both ways, up and down, PyTorch's A = -0.75, clamped borders): values and gradients", () => {
  check("nearest-exact 1d factor 1.7", (x) => F.interpolate(x, { scaleFactor: 1.7, mode: "nearest-exact" }));
  check("nearest-exact 1d size 3", (x) => F.interpolate(x, { size: 3, mode: "nearest-exact" }));
  check("nearest-exact 2d factor (2, 0.6)", (x) => F.interpolate(x, { scaleFactor: [2, 0.6], mode: "nearest-exact" }));
  check("nearest-exact 2d size (7, 3)", (x) => new nn.Upsample({ size: [7, 3], mode: "nearest-exact" }).forward(x));
  check("bicubic factor 2", (x) => F.interpolate(x, { scaleFactor: 2, mode: "bicubic" }));
  check("bicubic factor 2 align corners", (x) => F.interpolate(x, { scaleFactor: 2, mode: "bicubic", alignCorners: true }));
  check("bicubic size (3, 8)", (x) => F.interpolate(x, { size: [3, 8], mode: "bicubic" }));
  check("bicubic size (6, 2) align corners", (x) => F.interpolate(x, { size: [6, 2], mode: "bicubic", alignCorners: true }));
  check("bicubic factor (1.5, 0.7)", (x) => F.interpolate(x, { scaleFactor: [1.5, 0.7], mode: "bicubic" }));
  assert.throws(() => F.interpolate(torch.ones([1, 1, 3]), { scaleFactor: 2, mode: "bicubic" }), {
    message: "Input Error: Only 3D, 4D and 5D input Tensors supported (got 3D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got bicubic)",
  });
  assert.throws(() => F.interpolate(torch.ones([1, 1, 3]), { scaleFactor: 2, mode: "nearest-exact", alignCorners: true }), {
    message: "align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear",
  });
});
