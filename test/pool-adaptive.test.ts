/**
 * Adaptive max pooling (2-d and 1-d, with indices) and adaptive average
 * pooling 1-d against PyTorch on both backends (fixtures:
 * scripts/gen_pool2_fixtures.py): values, PyTorch's flat per-plane indices,
 * and through the input gradients which element each window chose (ties,
 * NaNs, windows of -inf only, overlapping windows of odd sizes). Also
 * unbatched input, the modules' reprs and PyTorch's errors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { describeOnBackends } from "./backends.js";
import { checkGolden, type GoldenCase } from "./fixture-values.js";
import { readPool2 } from "./pool2-fixtures.js";

const F = torch.nn.functional;
const nn = torch.nn;

interface AdaptiveCase extends GoldenCase {
  outputSize: number | [number | null, number | null];
  indices?: number[];
}

const fixtures = readPool2() as { max2d: AdaptiveCase[]; max1d: AdaptiveCase[]; avg1d: AdaptiveCase[] };

const ints = (t: torch.Tensor) => Array.from(t.contiguous().data as Int32Array);

describeOnBackends((b) => `adaptive pooling against PyTorch (${b})`, () => {
  test("adaptive_max_pool2d: values, indices and gradients (ties, NaN, -inf, overlapping windows)", () => {
    assert.ok(fixtures.max2d.length >= 6);
    for (const c of fixtures.max2d) {
      let indices: torch.Tensor | undefined;
      checkGolden(c, (x) => {
        const [v, i] = F.adaptiveMaxPool2d(x, c.outputSize, { returnIndices: true });
        indices = i;
        return v;
      });
      assert.equal(indices!.dtype, "int32");
      assert.deepEqual(indices!.shape, c.output.shape, c.name);
      assert.deepEqual(ints(indices!), c.indices, `${c.name} indices`);
    }
  });

  test("adaptive_max_pool1d: values, indices and gradients", () => {
    for (const c of fixtures.max1d) {
      let indices: torch.Tensor | undefined;
      checkGolden(c, (x) => {
        const [v, i] = F.adaptiveMaxPool1d(x, c.outputSize as number, { returnIndices: true });
        indices = i;
        return v;
      });
      assert.deepEqual(ints(indices!), c.indices, `${c.name} indices`);
    }
  });

  test("adaptive_avg_pool1d: values and gradients", () => {
    for (const c of fixtures.avg1d) checkGolden(c, (x) => F.adaptiveAvgPool1d(x, c.outputSize as number));
  });

  test("the modules give the functions' results; without returnIndices only the values", () => {
    const x = torch.randn([2, 3, 7, 5]);
    const pool = new nn.AdaptiveMaxPool2d([3, 2]);
    assert.deepEqual(Array.from(pool.forward(x).data), Array.from(F.adaptiveMaxPool2d(x, [3, 2]).data));
    const [v, i] = new nn.AdaptiveMaxPool2d(2, { returnIndices: true }).forward(x);
    assert.deepEqual(v.shape, [2, 3, 2, 2]);
    assert.equal(i.dtype, "int32");
    const r = torch.randn([4, 9]);
    assert.deepEqual(new nn.AdaptiveMaxPool1d(4).forward(r).shape, [4, 4]);
    assert.deepEqual(new nn.AdaptiveAvgPool1d([2]).forward(r).shape, [4, 2]);
  });

  test("adaptive max pooling is differentiable twice (gradcheck through the backward)", () => {
    const x = torch.randn([1, 2, 5, 7], { dtype: "float64" });
    const v = torch.randn([1, 2, 5, 7], { dtype: "float64" });
    const up = torch.randn([1, 2, 3, 3], { dtype: "float64", requiresGrad: true });
    assert.ok(torch.autograd.gradcheck((u) => {
      const xl = x.detach().requiresGrad_(true);
      const [gx] = torch.autograd.grad(F.adaptiveMaxPool2d(xl, 3), [xl], { gradOutputs: [u], createGraph: true });
      return gx!.mul(v).sum();
    }, [up]));
  });
});

test("adaptive pool modules print as PyTorch's", () => {
  assert.equal(String(new nn.AdaptiveMaxPool2d([2, 3])), "AdaptiveMaxPool2d(output_size=(2, 3))");
  assert.equal(String(new nn.AdaptiveMaxPool2d(2)), "AdaptiveMaxPool2d(output_size=2)");
  assert.equal(String(new nn.AdaptiveMaxPool2d([null, 4])), "AdaptiveMaxPool2d(output_size=(None, 4))");
  assert.equal(String(new nn.AdaptiveAvgPool1d(5)), "AdaptiveAvgPool1d(output_size=5)");
  assert.equal(String(new nn.AdaptiveMaxPool1d(3)), "AdaptiveMaxPool1d(output_size=3)");
});

test("adaptive pools reject bad input with PyTorch's messages", () => {
  assert.throws(() => F.adaptiveMaxPool2d(torch.randn([2, 2]), 2), { message: "adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: [2, 2]" });
  assert.throws(() => F.adaptiveMaxPool2d(torch.randn([2, 0, 2]), 2), {
    message: "adaptive_max_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes [2, 0, 2] with dimension 1 being empty",
  });
  assert.throws(() => F.adaptiveMaxPool1d(torch.randn([2, 2, 2, 2]), 2), {
    message: "Expected 2 to 3 dimensions, but got 4-dimensional tensor for argument #1 'self' (while checking arguments for adaptive_max_pool1d)",
  });
  assert.throws(() => F.adaptiveAvgPool1d(torch.randn([5]), 2), {
    message: "Expected 2 to 3 dimensions, but got 1-dimensional tensor for argument #1 'self' (while checking arguments for adaptive_avg_pool1d)",
  });
  // an output size of 0 gives empty values and indices (F.adaptive_max_pool2d(torch.randn(1, 4, 4), (2, 0), return_indices=True))
  const [v0, i0] = F.adaptiveMaxPool2d(torch.randn([1, 4, 4]), [2, 0], { returnIndices: true });
  assert.deepEqual([v0.shape, i0.shape], [[1, 2, 0], [1, 2, 0]]);
  assert.throws(() => F.adaptiveMaxPool2d(torch.randn([1, 4, 4]), [2, -1]), /output_size must be non-negative integers/);
});
