/**
 * nn.functional fixes from the functional probe, against PyTorch (fixtures:
 * scripts/gen_func_fixtures2.py, PyTorch 1.13 CPU, whose kernels these paths
 * share with 2.x; inline values are from PyTorch 1.13 too unless marked):
 * interpolate's unchanged dims and float32 nearest indices, recomputeScaleFactor,
 * embedding maxNorm, hardtanh / batchNorm argument errors, PyTorch's shape
 * errors of the norms, conv, pools, oneHot and embedding, and the gradients
 * of elu / selu / celu / hardsigmoid at NaN.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { InterpolateOptions } from "../src/nn/functional.js";
import type { Tensor } from "../src/index.js";
import { BACKENDS, backendSkip } from "./backends.js";
import { assertClose, checkGolden, decode, type Encoded, type GoldenCase, values } from "./fixture-values.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const F = torch.nn.functional;
const nn = torch.nn;

interface EmbeddingCase {
  name: string;
  fn: "embedding" | "embedding_bag";
  indices: { shape: number[]; data: number[] };
  maxNorm: number;
  normType: Encoded;
  options: { padding_idx?: number; mode?: "sum" | "mean" | "max" };
  offsets: number[] | null;
  weight: { shape: number[]; data: Encoded[] };
  output: { shape: number[]; data: Encoded[] };
  renormed: Encoded[];
  gradOutput: Encoded[];
  weightGrad: Encoded[];
}

interface Fixture {
  interpolate: (GoldenCase & { options: InterpolateOptions })[];
  nearestSweep: { dtype: "float32" | "float64"; n: number; factor: number; index: number[]; grad: number[] }[];
  embedding: EmbeddingCase[];
}

const FIXTURE = JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "test", "fixtures", "ops", "nn-func2.json"), "utf8")) as Fixture;

const ints = (xs: number[]) => torch.tensor(xs, { dtype: "int32" });

for (const backend of BACKENDS) {
  test(`F.interpolate: unchanged dims copied by linear, float32 nearest indices, recomputeScaleFactor; values and gradients (${backend})`, { skip: backendSkip(backend) }, () => {
    torch.setBackend(backend);
    for (const c of FIXTURE.interpolate) checkGolden(c, (x) => F.interpolate(x, c.options));
    // the layer passes the options through
    const c = FIXTURE.interpolate.find((k) => k.name.startsWith("bilinear factors (1.2, 2)"))!;
    checkGolden(c, (x) => new nn.Upsample(c.options).forward(x));
  });
}

test("F.interpolate nearest picks PyTorch's sources and sends gradients where PyTorch does (lengths 1-25, eight factors, float32 and float64)", () => {
  for (const c of FIXTURE.nearestSweep) {
    const x = torch.arange(c.n).to(c.dtype).reshape([1, 1, c.n]).requiresGrad_(true);
    const y = F.interpolate(x, { scaleFactor: c.factor });
    const what = `n=${c.n} factor=${c.factor} ${c.dtype}`;
    assert.deepEqual(values(y.detach()), c.index, `${what} sources`);
    // PyTorch's backward sends output i's gradient to its own source pick (out == in: i; out == 2 in: i >> 1), which for 1.1 and 2.2 is not the forward's
    y.backward(torch.arange(1, c.index.length + 1).to(c.dtype).reshape(y.shape));
    assert.deepEqual(values(x.grad!), c.grad, `${what} gradient`);
  }
  // the probe's case: float32(1 / 2.6) · 39 rounds to 15 (in double it is 14.99...)
  const y = F.interpolate(torch.arange(16).to("float32").reshape([1, 1, 16]), { scaleFactor: 2.6 });
  assert.equal(values(y)[39], 15);
});

test("F.interpolate: recomputeScaleFactor with a size is PyTorch's error", () => {
  const x = torch.randn([1, 1, 5]);
  assert.throws(() => F.interpolate(x, { size: 7, recomputeScaleFactor: true }), { message: "recompute_scale_factor is not meaningful with an explicit size." });
  // every dim copied: still a new tensor, as PyTorch's
  const same = F.interpolate(x, { scaleFactor: 1.1, mode: "linear" });
  same.add_(1);
  assert.notDeepEqual(same.tolist(), x.tolist());
  // false or null: the given factor sets the source step, as without the option
  assert.deepEqual(F.interpolate(x, { scaleFactor: 1.7, mode: "linear", recomputeScaleFactor: false }).tolist(), F.interpolate(x, { scaleFactor: 1.7, mode: "linear" }).tolist());
});

test("F.embedding / F.embeddingBag with maxNorm renormalise the picked rows of weight in place, as PyTorch", () => {
  for (const c of FIXTURE.embedding) {
    const weight = torch.tensor(c.weight.data.map(decode)).reshape(c.weight.shape).requiresGrad_(true);
    const input = ints(c.indices.data).reshape(c.indices.shape);
    const normType = decode(c.normType);
    const y = c.fn === "embedding"
      ? F.embedding(input, weight, { maxNorm: c.maxNorm, normType, paddingIdx: c.options.padding_idx ?? null })
      : F.embeddingBag(input, weight, { offsets: ints(c.offsets!), mode: c.options.mode!, maxNorm: c.maxNorm, normType });
    assert.deepEqual(y.shape, c.output.shape, c.name);
    assertClose(values(y.detach()), c.output.data, `${c.name} output`);
    assertClose(values(weight.detach()), c.renormed, `${c.name} weight after renorm`);
    y.backward(torch.tensor(c.gradOutput.map(decode)).reshape(c.output.shape));
    assertClose(values(weight.grad!), c.weightGrad, `${c.name} weight grad`);
  }
});

test("nn.Embedding and nn.EmbeddingBag take maxNorm and normType, apply them and print them like PyTorch", () => {
  const c = FIXTURE.embedding[0]!;
  const emb = new nn.Embedding(6, 3, { maxNorm: c.maxNorm });
  torch.noGrad(() => emb.weight.copy_(torch.tensor(c.weight.data.map(decode)).reshape(c.weight.shape)));
  assertClose(values(emb.forward(ints(c.indices.data).reshape(c.indices.shape)).detach()), c.output.data, "nn.Embedding output");
  assertClose(values(emb.weight.detach()), c.renormed, "nn.Embedding weight");
  const b = FIXTURE.embedding[3]!;
  const bag = new nn.EmbeddingBag(6, 3, { maxNorm: b.maxNorm, mode: "sum" });
  torch.noGrad(() => bag.weight.copy_(torch.tensor(b.weight.data.map(decode)).reshape(b.weight.shape)));
  assertClose(values(bag.forward(ints(b.indices.data), ints(b.offsets!)).detach()), b.output.data, "nn.EmbeddingBag output");
  assertClose(values(bag.weight.detach()), b.renormed, "nn.EmbeddingBag weight");
  assert.equal(String(new nn.Embedding(5, 3, { maxNorm: 1 })), "Embedding(5, 3, max_norm=1.0)");
  assert.equal(String(new nn.Embedding(5, 3, { paddingIdx: 1, maxNorm: 2, normType: 1 })), "Embedding(5, 3, padding_idx=1, max_norm=2.0, norm_type=1.0)");
  assert.equal(String(new nn.EmbeddingBag(5, 3, { maxNorm: 1, normType: 3, mode: "sum", paddingIdx: 0 })), "EmbeddingBag(5, 3, max_norm=1.0, norm_type=3.0, mode=sum, padding_idx=0)");
});

test("F.hardtanh with minVal > maxVal raises, as PyTorch 2.x (1.13 returned minVal everywhere)", () => {
  const x = torch.tensor([-2, 0, 2]);
  // PyTorch 2.x: ValueError("min_val cannot be greater than max_val")
  assert.throws(() => F.hardtanh(x, 1, -1), { message: "min_val cannot be greater than max_val" });
  assert.deepEqual(F.hardtanh(x, 0.5, 0.5).tolist(), [0.5, 0.5, 0.5]);
});

test("F.batchNorm refuses momentum null (PyTorch's TypeError); nn.BatchNorm's cumulative average still works", () => {
  const x = torch.randn([4, 2]);
  for (const training of [true, false]) {
    assert.throws(() => F.batchNorm(x, torch.zeros([2]), torch.ones([2]), { training, momentum: null as unknown as number }),
      { name: "TypeError", message: "batch_norm(): argument 'momentum' (position 7) must be float, not NoneType" });
  }
  // PyTorch: running_mean [2, 2.5], running_var [3, 7.5] after these two batches
  const bn = new nn.BatchNorm1d(2, { momentum: null });
  bn.forward(torch.tensor([[1, 2], [3, 6], [5, 1]]));
  bn.forward(torch.tensor([[0, 0], [2, 4]]));
  assert.deepEqual(bn.runningMean!.tolist(), [2, 2.5]);
  assert.deepEqual(bn.runningVar!.tolist(), [3, 7.5]);
});

test("the norms check their affine and running tensors with PyTorch's messages", () => {
  const x = torch.randn([1, 4]);
  assert.throws(() => F.layerNorm(x, [4], { weight: torch.ones([1]) }), { message: "Expected weight to be of same shape as normalized_shape, but got weight of shape [1] and normalized_shape = [4]" });
  assert.throws(() => F.layerNorm(x, [4], { bias: torch.ones([1]) }), { message: "Expected bias to be of same shape as normalized_shape, but got bias of shape [1] and normalized_shape = [4]" });
  assert.throws(() => F.layerNorm(torch.randn([3, 4]), [3, 4], { weight: torch.ones([4]) }), { message: "Expected weight to be of same shape as normalized_shape, but got weight of shape [4] and normalized_shape = [3, 4]" });
  const g = torch.randn([2, 4, 3]);
  assert.throws(() => F.groupNorm(g, 2, { weight: torch.ones([2]) }), { message: "Expected weight to be a vector of size equal to the number of channels in input, but got weight of shape [2] and input of shape [2, 4, 3]" });
  assert.throws(() => F.groupNorm(g, 2, { weight: torch.ones([2, 2]) }), { message: "Expected weight to be a vector of size equal to the number of channels in input, but got weight of shape [2, 2] and input of shape [2, 4, 3]" });
  // (1.13 prints the bias's shape wrongly here, as [0])
  assert.throws(() => F.groupNorm(g, 2, { bias: torch.ones([2]) }), /^Error: Expected bias to be a vector of size equal to the number of channels in input, but got bias of shape \[2\]/);
  const b = torch.randn([4, 2]);
  assert.throws(() => F.batchNorm(b, torch.zeros([3]), torch.ones([2]), { training: true }), { message: "running_mean should contain 2 elements not 3" });
  assert.throws(() => F.batchNorm(b, torch.zeros([2]), torch.ones([3]), { training: true }), { message: "running_var should contain 2 elements not 3" });
  assert.throws(() => F.batchNorm(b, torch.zeros([3]), torch.ones([2])), { message: "running_mean should contain 2 elements not 3" });
  assert.throws(() => F.batchNorm(b, null, null, { training: true, weight: torch.ones([3]) }), { message: "weight should contain 2 elements not 3" });
  assert.throws(() => F.batchNorm(b, null, null, { training: true, bias: torch.ones([3]) }), { message: "bias should contain 2 elements not 3" });
  // a number as normalizedShape: PyTorch's functional forms refuse it (SymInt[] takes no bare int, in 2.x too); the modules wrap it
  assert.throws(() => F.layerNorm(torch.randn([3, 4]), 4 as unknown as number[]), { name: "TypeError", message: "layer_norm(): argument 'normalized_shape' (position 2) must be tuple of ints, not int" });
  assert.throws(() => F.rmsNorm(torch.randn([3, 4]), 4 as unknown as number[]), { name: "TypeError", message: "rms_norm(): argument 'normalized_shape' (position 2) must be tuple of ints, not int" });
  assert.throws(() => F.layerNorm(torch.randn([3, 4]), []), /Expected normalized_shape to be at least 1-dimensional/);
  assert.deepEqual(new nn.LayerNorm(4).forward(torch.randn([3, 4])).shape, [3, 4]);
});

test("conv1d / conv2d: PyTorch's errors for groups not dividing the out channels and for a kernel larger than the padded input", () => {
  assert.throws(() => F.conv2d(torch.randn([1, 4, 5, 5]), torch.randn([5, 2, 3, 3]), null, { groups: 2 }),
    { message: "Given groups=2, expected weight to be divisible by 2 at dimension 0, but got weight of size [[5, 2, 3, 3]] instead" });
  assert.throws(() => F.conv2d(torch.randn([1, 4, 5, 5]), torch.randn([1, 4, 3, 3]), null, { groups: 2 }),
    { message: "Given groups=2, expected weight to be at least 2 at dimension 0, but got weight of size [1, 4, 3, 3] instead" });
  const k3 = torch.randn([1, 1, 3, 3]);
  assert.throws(() => F.conv2d(torch.randn([1, 1, 2, 2]), k3), { message: "Calculated padded input size per channel: (2 x 2). Kernel size: (3 x 3). Kernel size can't be greater than actual input size" });
  assert.throws(() => F.conv2d(torch.randn([1, 1, 2, 2]), k3, null, { padding: [0, 1] }), { message: "Calculated padded input size per channel: (2 x 4). Kernel size: (3 x 3). Kernel size can't be greater than actual input size" });
  assert.throws(() => F.conv2d(torch.randn([1, 1, 4, 4]), k3, null, { dilation: 2 }), { message: "Calculated padded input size per channel: (4 x 4). Kernel size: (5 x 5). Kernel size can't be greater than actual input size" });
  assert.throws(() => F.conv1d(torch.randn([1, 1, 2]), torch.randn([1, 1, 3])), { message: "Calculated padded input size per channel: (2). Kernel size: (3). Kernel size can't be greater than actual input size" });
  // a stride past the input is fine: one window
  assert.deepEqual(F.conv2d(torch.randn([1, 1, 4, 4]), k3, null, { stride: 5 }).shape, [1, 1, 1, 1]);
  assert.deepEqual(F.conv2d(torch.randn([1, 1, 2, 2]), k3, null, { padding: "same" }).shape, [1, 1, 2, 2]);
});

test("pools check stride, kernel, dilation and padding with PyTorch 2.x's messages", () => {
  const x = torch.randn([1, 2, 5, 5]);
  assert.throws(() => F.avgPool2d(x, 2, { stride: 0 }), { message: "stride should not be zero" });
  assert.throws(() => F.maxPool2d(x, 2, { stride: 0 }), { message: "stride should not be zero" });
  // the stride defaults to the kernel, so a kernel of 0 is first a zero stride
  assert.throws(() => F.maxPool2d(x, 0), { message: "stride should not be zero" });
  assert.throws(() => F.avgPool1d(torch.randn([1, 2, 5]), 0), { message: "stride should not be zero" });
  assert.throws(() => F.maxPool2d(x, 0, { stride: 1 }), { message: "kernel size should be greater than zero, but got kH: 0 kW: 0" });
  assert.throws(() => F.avgPool2d(x, 0, { stride: 1 }), { message: "kernel size should be greater than zero, but got kH: 0 kW: 0" });
  assert.throws(() => F.avgPool1d(torch.randn([1, 2, 5]), 0, { stride: 1 }), { message: "kernel size should be greater than zero, but got kH: 1 kW: 0" });
  assert.throws(() => F.maxPool2d(x, 2, { stride: -1 }), { message: "stride should be greater than zero, but got dH: -1 dW: -1" });
  assert.throws(() => F.maxPool2d(x, 2, { dilation: 0 }), { message: "dilation should be greater than zero, but got dilationH: 0 dilationW: 0" });
  assert.throws(() => F.maxPool2d(x, 2, { padding: -1 }), { message: "pad must be non-negative, but got pad: -1" });
  // 2.x's text and bound (half the dilated kernel); 1.13 said "half of kernel size" and ignored the dilation
  assert.throws(() => F.maxPool2d(x, 2, { padding: 2 }), { message: "pad should be at most half of effective kernel size, but got pad=2, kernel_size=2 and dilation=1" });
  assert.throws(() => F.avgPool2d(x, 3, { padding: 2 }), { message: "pad should be at most half of effective kernel size, but got pad=2, kernel_size=3 and dilation=1" });
  // allowed by 2.x's bound (2 <= (3 * (2 - 1) + 1) / 2), refused by 1.13: windows (-2, 1), (0, 3), (2, 5), (4, 7)
  const y = F.maxPool2d(torch.arange(6).to("float32").reshape([1, 1, 1, 6]), [1, 2], { padding: [0, 2], dilation: [1, 3] });
  assert.deepEqual(y.tolist(), [[[[1, 3, 5, 4]]]]);
});

test("oneHot, embedding and embeddingBag reject what PyTorch rejects", () => {
  const idx = ints([0, 1]);
  assert.throws(() => F.oneHot(idx, -2), { message: "Class values must be smaller than num_classes." });
  assert.throws(() => F.oneHot(idx, 0), { message: "Class values must be smaller than num_classes." });
  assert.throws(() => F.oneHot(ints([3, -1]), 2), { message: "Class values must be non-negative." });
  assert.throws(() => F.oneHot(ints([]), 0), { message: "Can not infer total number of classes from empty tensor." });
  assert.deepEqual(F.oneHot(ints([]), 3).shape, [0, 3]);
  assert.deepEqual(F.oneHot(ints([2, 0])).tolist(), [[0, 0, 1], [1, 0, 0]]);
  assert.throws(() => F.embedding(idx, torch.randn([4])), { message: "'weight' must be 2-D" });
  assert.throws(() => F.embedding(idx, torch.randn([4, 2, 2])), { message: "'weight' must be 2-D" });
  assert.throws(() => F.embedding(ints([4]), torch.randn([4, 2]), { maxNorm: 1 }), { message: "index out of range in self" });
  // PyTorch does not check this (1.13's CPU kernel fails an internal check); torchlet says what is wrong
  assert.throws(() => F.embeddingBag(ints([0, 1, 2, 3]), torch.randn([4, 2]), { offsets: ints([0, 3, 1]) }),
    { message: "embedding_bag: offsets must be non-decreasing, but got offsets[2] = 1 after offsets[1] = 3" });
});

test("elu, selu, celu and hardsigmoid: NaN in, NaN out, with PyTorch's gradients there (1, 1.0507, 1 and 0)", () => {
  const cases: [string, (x: Tensor) => Tensor, number[], number[]][] = [
    // [NaN, -1, 0, 1]: values and gradients from PyTorch 1.13, float64
    ["elu", (x) => F.elu(x), [NaN, -0.6321205588285577, 0, 1], [1, 0.36787944117144233, 1, 1]],
    ["elu alpha 2", (x) => F.elu(x, 2), [NaN, -1.2642411176571153, 0, 1], [1, 0.7357588823428847, 2, 1]],
    ["selu", (x) => F.selu(x), [NaN, -1.1113307378125625, 0, 1.0507009873554805], [1.0507009873554805, 0.646768603034814, 1.7580993408473766, 1.0507009873554805]],
    ["celu alpha 2", (x) => F.celu(x, 2), [NaN, -0.7869386805747332, 0, 1], [1, 0.6065306597126334, 1, 1]],
    ["hardsigmoid", (x) => F.hardsigmoid(x), [NaN, 1 / 3, 0.5, 2 / 3], [0, 1 / 6, 1 / 6, 1 / 6]],
  ];
  for (const [name, f, out, grad] of cases) {
    const x = torch.tensor([NaN, -1, 0, 1], { dtype: "float64", requiresGrad: true });
    const y = f(x);
    y.sum().backward();
    assert.deepEqual(values(y.detach()).map((v) => (Number.isNaN(v) ? "nan" : v.toPrecision(12))), out.map((v) => (Number.isNaN(v) ? "nan" : v.toPrecision(12))), `${name} values`);
    assert.deepEqual(values(x.grad!).map((v) => v.toPrecision(12)), grad.map((v) => v.toPrecision(12)), `${name} gradient`);
  }
});
