/**
 * F.fractionalMaxPool2d / nn.FractionalMaxPool2d against PyTorch on both
 * backends (fixtures: scripts/gen_nn_extra_fixtures.py), with the samples
 * passed explicitly: outputSize and outputRatio, samples at 0 and near 1,
 * windows that fill the input, an output of 1, unbatched input, ties (the
 * first maximum wins), NaN (the last one wins) and windows of -inf, the
 * indices, float64. Also the drawn samples, double backward, a float64
 * gradcheck, the layer and PyTorch's errors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { describeOnBackends } from "./backends.js";
import { casesOf, checkExtraCase } from "./nn-extra-cases.js";
import { FUNCTIONS } from "./nn-extra-table.js";
import { values } from "./nn-helpers.js";

const { nn } = torch;
const F = nn.functional;

describeOnBackends((b) => `fractionalMaxPool2d against PyTorch (${b})`, () => {
  test("values, indices and gradients of every case", () => {
    const cases = casesOf("fractionalMaxPool2d", "fractionalMaxPool2dIndices");
    assert.ok(cases.length >= 7);
    for (const c of cases) checkExtraCase(c, FUNCTIONS[c.fn]!);
  });
});

test("without samples each call draws its own; a seeded generator repeats them", () => {
  const x = torch.randn([2, 3, 12, 12]);
  const draw = (seed: number) => F.fractionalMaxPool2d(x, 2, { outputSize: [5, 5], generator: new torch.Generator().manualSeed(seed) });
  assert.deepEqual(values(draw(7)), values(draw(7)));
  // the global generator, as PyTorch's torch.rand
  torch.manualSeed(3);
  const a = F.fractionalMaxPool2d(x, 2, { outputRatio: 0.5 });
  torch.manualSeed(3);
  assert.deepEqual(values(F.fractionalMaxPool2d(x, 2, { outputRatio: 0.5 })), values(a));
  assert.deepEqual(a.shape, [2, 3, 6, 6]);
  // the samples are [N, C, 2] uniform draws in the input's dtype: the same as passing them
  torch.manualSeed(3);
  const samples = torch.rand([2, 3, 2]);
  assert.deepEqual(values(F.fractionalMaxPool2d(x, 2, { outputRatio: 0.5, _randomSamples: samples })), values(a));
});

test("the gradient goes to each window's maximum and is differentiable again; float64 gradcheck", () => {
  const x = torch.randn([1, 2, 7, 6], { dtype: "float64", requiresGrad: true });
  const samples = torch.tensor([[[0.2, 0.7], [0.9, 0.1]]], { dtype: "float64" });
  const [values_, indices] = F.fractionalMaxPool2d(x, 2, { outputSize: [4, 3], returnIndices: true, _randomSamples: samples });
  assert.equal(indices.dtype, "int32");
  assert.deepEqual(values(values_), values(x.detach().reshape([1, 2, 42]).gather(2, indices.reshape([1, 2, 12])).reshape([1, 2, 4, 3])));
  assert.ok(torch.autograd.gradcheck((t) => F.fractionalMaxPool2d(t, 2, { outputSize: [4, 3], _randomSamples: samples }), [x]));
  // double backward: the gradient of the gradient picks the windows' maxima back out
  const [g] = torch.autograd.grad([F.fractionalMaxPool2d(x, 2, { outputSize: [4, 3], _randomSamples: samples }).pow(2).sum()], [x], { createGraph: true });
  assert.ok(torch.autograd.gradcheck((t) => {
    const [gt] = torch.autograd.grad([F.fractionalMaxPool2d(t, 2, { outputSize: [4, 3], _randomSamples: samples }).pow(2).sum()], [t], { createGraph: true });
    return gt!;
  }, [x]));
  assert.ok(g!.requiresGrad);
  assert.equal(F.fractionalMaxPool2d(x, 2, { outputSize: [4, 3], _randomSamples: samples }).gradFn!.name, "FractionalMaxPool2DBackward0");
});

test("nn.FractionalMaxPool2d: PyTorch's attributes, buffer, repr and checks", () => {
  const samples = torch.rand([1, 3, 2]);
  const pool = new nn.FractionalMaxPool2d(3, { outputSize: 4, returnIndices: true, _randomSamples: samples });
  assert.deepEqual([pool.kernelSize, pool.outputSize, pool.outputRatio, pool.returnIndices], [[3, 3], [4, 4], null, true]);
  assert.deepEqual(Object.keys(pool.stateDict()), ["_random_samples"]);
  assert.equal(String(pool), "FractionalMaxPool2d()");
  const x = torch.randn([1, 3, 9, 9]);
  const [v, i] = pool.forward(x) as [torch.Tensor, torch.Tensor];
  const [fv, fi] = F.fractionalMaxPool2d(x, 3, { outputSize: 4, returnIndices: true, _randomSamples: samples });
  assert.deepEqual([values(v), values(i)], [values(fv), values(fi)]);
  const byRatio = new nn.FractionalMaxPool2d([2, 3], { outputRatio: [0.5, 0.25] });
  assert.deepEqual(Object.keys(byRatio.stateDict()), []);
  assert.deepEqual((byRatio.forward(torch.randn([2, 8, 12])) as torch.Tensor).shape, [2, 4, 3]);
  assert.throws(() => new nn.FractionalMaxPool2d(2), /^Error: FractionalMaxPool2d requires specifying either an output size, or a pooling ratio/);
  assert.throws(() => new nn.FractionalMaxPool2d(2, { outputSize: 3, outputRatio: 0.5 }), /^Error: only one of output_size and output_ratio may be specified/);
  assert.throws(() => new nn.FractionalMaxPool2d(2, { outputRatio: 1.5 }), /^Error: output_ratio must be between 0 and 1 \(got 1\.5\)/);
  assert.throws(() => new nn.FractionalMaxPool2d(2, { outputRatio: [0.5, 0] }), /^Error: output_ratio must be between 0 and 1 \(got \(0\.5, 0\)\)/);
});

test("bad input gets PyTorch's messages", () => {
  const x = torch.randn([2, 3, 7, 8]), s = torch.rand([2, 3, 2]);
  const pool = (input: torch.Tensor, kernel: number | [number, number], options: torch.nn.functional.FractionalMaxPool2dOptions) => F.fractionalMaxPool2d(input, kernel, options);
  assert.throws(() => pool(x, 2, { _randomSamples: s }), /^Error: fractional_max_pool2d requires specifying either an output_size or an output_ratio/);
  assert.throws(() => pool(x, 2, { outputSize: [7, 5], _randomSamples: s }), /^Error: fractional_max_pool2d\(\): pool height 2 too large relative to input height 7/);
  assert.throws(() => pool(x, 2, { outputSize: [4, 8], _randomSamples: s }), /^Error: fractional_max_pool2d\(\): pool width 2 too large relative to input width 8/);
  assert.throws(() => pool(x, [2, 3, 4] as unknown as [number, number], { outputSize: [4, 5], _randomSamples: s }), /^Error: fractional_max_pool2d: kernel_size must either be a single Int or tuple of Ints/);
  assert.throws(() => pool(x, 2, { outputSize: [4, 5, 6] as unknown as [number, number], _randomSamples: s }), /^Error: fractional_max_pool2d: output_size must either be a single Int or tuple of Ints/);
  assert.throws(() => pool(x.select(0, 0).select(0, 0), 2, { outputSize: [4, 5], _randomSamples: s }), /^Error: fractional_max_pool2d\(\): Expected 3D or 4D tensor, but got: \[7, 8\]/);
  assert.throws(() => pool(x.narrow(2, 0, 0), 2, { outputSize: [4, 5], _randomSamples: s }), /^Error: fractional_max_pool2d\(\): Expected input to have non-zero size for non-batch dimensions, but got\[2, 3, 0, 8\] with dimension 2 being empty\./);
  // the checks of the samples are PyTorch 2.x's (1.13 read past samples too small for the input)
  assert.throws(() => pool(x, 2, { outputSize: [4, 5], _randomSamples: s.to("float64") }), /^Error: Expect _random_samples to have the same dtype as input/);
  assert.throws(() => pool(x, 2, { outputSize: [4, 5], _randomSamples: s.select(0, 0) }), /^Error: Expect _random_samples to have 3 dimensions, got 2/);
  assert.throws(() => pool(x, 2, { outputSize: [4, 5], _randomSamples: s.narrow(0, 0, 1) }), /^Error: Expect _random_samples\.size\(0\) no less then input batch size\./);
  assert.throws(() => pool(x, 2, { outputSize: [4, 5], _randomSamples: s.narrow(1, 0, 2) }), /^Error: Expect _random_samples\.size\(1\) equals to input channel size\./);
  assert.throws(() => pool(x, 2, { outputSize: [4, 5], _randomSamples: s.narrow(2, 0, 1) }), /^Error: Expect _random_samples\.size\(2\) equals to 2; got 1\./);
  assert.throws(() => pool(x, 2, { outputSize: [-1, 5], _randomSamples: s }), /^Error: Trying to create tensor with negative dimension -1: \[2, 3, -1, 5\]/);
  assert.throws(() => pool(x.to("int32"), 2, { outputSize: [4, 5], _randomSamples: s.to("int32") }), /^Error: "fractional_max_pool2d_out_frame" not implemented for 'Int'/);
  // (1.13 pools nothing with a kernel of 0 and returns -inf)
  assert.throws(() => pool(x, 0, { outputSize: [4, 5], _randomSamples: s }), /fractional_max_pool2d\(\): kernel_size must be greater than zero/);
  // an empty batch and an output of size 0 are allowed
  assert.deepEqual(pool(x.narrow(0, 0, 0), 2, { outputSize: [4, 5], _randomSamples: s.narrow(0, 0, 0) }).shape, [0, 3, 4, 5]);
  assert.deepEqual(pool(x, 2, { outputSize: [0, 5], _randomSamples: s }).shape, [2, 3, 0, 5]);
});
