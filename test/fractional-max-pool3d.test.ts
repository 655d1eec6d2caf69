/**
 * F.fractionalMaxPool3d / nn.FractionalMaxPool3d against PyTorch
 * (test/fixtures/ops/fractional-max-pool3d.json, from
 * scripts/gen_fractional_max_pool3d_fixtures.py): values, indices and input
 * gradients for fixed samples, sizes and ratios, ties, float64, unbatched
 * input; the messages of bad calls.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { assertClose, decode, values, readOpsFixture, tensorOf, type TensorJson } from "./fixture-values.js";

type Three = number | [number, number, number];
interface Case {
  name: string;
  input: TensorJson;
  kernel: Three;
  outputSize: Three | null;
  outputRatio: number | [number, number, number] | null;
  samples: TensorJson;
  values: TensorJson;
  indices: TensorJson;
  grad: TensorJson;
  inputGrad: TensorJson;
}
const FIX = readOpsFixture<{
  cases: Case[];
  errors: Record<string, string>;
  gradFn: string;
}>("fractional-max-pool3d.json");
const F = torch.nn.functional;

for (const c of FIX.cases) {
  test(`fractionalMaxPool3d: ${c.name}`, () => {
    const x = tensorOf(c.input).requiresGrad_();
    const [v, i] = F.fractionalMaxPool3d(x, c.kernel, { outputSize: c.outputSize, outputRatio: c.outputRatio, returnIndices: true, _randomSamples: tensorOf(c.samples) });
    assert.deepEqual(v.shape, c.values.shape);
    assert.deepEqual(values(i), c.indices.data.map(decode));
    assertClose(values(v), c.values.data, "values");
    assert.equal(v.gradFn!.name, FIX.gradFn);
    v.backward(tensorOf(c.grad));
    assertClose(values(x.grad!), c.inputGrad.data, "input grad");
  });
}

test("nn.FractionalMaxPool3d: the layer with fixed samples is the functional; fresh samples still pool to the size", () => {
  const c = FIX.cases[1]!;
  const samples = tensorOf(c.samples);
  const layer = new torch.nn.FractionalMaxPool3d(c.kernel, { outputSize: c.outputSize, _randomSamples: samples });
  assert.deepEqual(values(layer.forward(tensorOf(c.input)) as Tensor), values(F.fractionalMaxPool3d(tensorOf(c.input), c.kernel, { outputSize: c.outputSize, _randomSamples: samples })));
  const free = new torch.nn.FractionalMaxPool3d(2, { outputRatio: 0.5, returnIndices: true });
  const [v, i] = free.forward(torch.randn([2, 3, 10, 12, 14])) as [Tensor, Tensor];
  assert.deepEqual(v.shape, [2, 3, 5, 6, 7]);
  assert.equal(i.dtype, "int32");
});

test("fractionalMaxPool3d: PyTorch's errors", () => {
  const x = torch.randn([1, 2, 7, 8, 9]);
  const expect = (f: () => unknown, key: string) => assert.throws(f, (e: Error) => e.message === FIX.errors[key], `${key}: ${FIX.errors[key]}`);
  expect(() => F.fractionalMaxPool3d(x, 2), "no size");
  expect(() => F.fractionalMaxPool3d(x, [2, 2] as unknown as Three, { outputSize: 3 }), "kernel pair");
  expect(() => F.fractionalMaxPool3d(x, 2, { outputSize: [7, 4, 5] }), "pool time");
  expect(() => F.fractionalMaxPool3d(x, 2, { outputSize: [3, 4, 8] }), "pool width");
  expect(() => F.fractionalMaxPool3d(x.int(), 2, { outputSize: 3 }), "int input");
  expect(() => new torch.nn.FractionalMaxPool3d(2), "layer no size");
  expect(() => new torch.nn.FractionalMaxPool3d(2, { outputRatio: 1.5 }), "layer ratio");
  // (PyTorch 1.13 reads past samples of size 2 here: torchlet refuses them with the 2-d op's message)
  assert.throws(() => F.fractionalMaxPool3d(x, 2, { outputSize: 3, _randomSamples: torch.rand([1, 2, 2]) }), /^Error: Expect _random_samples.size\(2\) equals to 3; got 2\.$/);
});
