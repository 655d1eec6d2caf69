/**
 * F.interpolate's trilinear and area modes and 5-d nearest / nearest-exact
 * against PyTorch on both backends (fixtures: scripts/gen_vol3d_fixtures.py):
 * values and input gradients, align_corners both ways, sizes and factors
 * (one that leaves a dim's size unchanged, which PyTorch copies),
 * recompute_scale_factor, area on 3-d, 4-d and 5-d input. Also
 * nn.UpsamplingNearest2d / nn.UpsamplingBilinear2d, float64 gradcheck and
 * PyTorch's errors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { InterpolateOptions } from "../src/nn/functional.js";
import { describeOnBackends } from "./backends.js";
import { checkOne, type OneCase, readVol3d } from "./vol3d-fixtures.js";

const F = torch.nn.functional;
const nn = torch.nn;

interface InterpolateCase extends OneCase {
  options: InterpolateOptions;
}

const CASES = readVol3d().interpolate as InterpolateCase[];

describeOnBackends((b) => `F.interpolate trilinear, area and 5-d nearest against PyTorch (${b})`, () => {
  test("values and input gradients", () => {
    assert.ok(CASES.length >= 16);
    for (const c of CASES) checkOne(c, (x) => F.interpolate(x, c.options));
  });

  test("trilinear and area pass float64 gradcheck", () => {
    const x = torch.randn([1, 2, 3, 2, 3], { dtype: "float64", requiresGrad: true });
    assert.ok(torch.autograd.gradcheck((t) => F.interpolate(t, { size: [4, 3, 5], mode: "trilinear" }), [x]));
    assert.ok(torch.autograd.gradcheck((t) => F.interpolate(t, { scaleFactor: [1.5, 2, 0.7], mode: "trilinear", alignCorners: true }), [x]));
    assert.ok(torch.autograd.gradcheck((t) => F.interpolate(t, { size: [2, 3, 2], mode: "area" }), [x]));
  });
});

test("UpsamplingNearest2d and UpsamplingBilinear2d are Upsample with their modes (bilinear with aligned corners)", () => {
  const x = torch.randn([1, 2, 3, 4]);
  const near = new nn.UpsamplingNearest2d({ scaleFactor: 2 });
  assert.ok(near instanceof nn.Upsample);
  assert.equal(String(near), "UpsamplingNearest2d(scale_factor=2.0, mode='nearest')");
  assert.deepEqual(near.forward(x).tolist(), F.interpolate(x, { scaleFactor: 2 }).tolist());
  const bil = new nn.UpsamplingBilinear2d({ size: [5, 7] });
  assert.equal(String(bil), "UpsamplingBilinear2d(size=(5, 7), mode='bilinear')");
  assert.deepEqual(bil.forward(x).tolist(), F.interpolate(x, { size: [5, 7], mode: "bilinear", alignCorners: true }).tolist());
  // the corners stay where they were
  const y = bil.forward(x);
  assert.deepEqual(y.select(2, 4).select(2, 6).tolist(), x.select(2, 2).select(2, 3).tolist());
  assert.equal(String(new nn.Upsample({ scaleFactor: 2, mode: "trilinear" })), "Upsample(scale_factor=2.0, mode='trilinear')");
  assert.equal(String(new nn.Upsample({ size: [2, 3, 4], mode: "area" })), "Upsample(size=(2, 3, 4), mode='area')");
  assert.deepEqual(new nn.Upsample({ scaleFactor: 2, mode: "trilinear" }).forward(torch.randn([1, 1, 2, 3, 4])).shape, [1, 1, 4, 6, 8]);
});

test("F.interpolate's new modes reject what PyTorch rejects", () => {
  const x = torch.randn([1, 2, 3, 4, 5]);
  assert.throws(() => F.interpolate(x, { scaleFactor: 2, mode: "bilinear" }), /^Error: Got 5D input, but bilinear mode needs 4D input$/);
  assert.throws(() => F.interpolate(x, { scaleFactor: 2, mode: "linear" }), /^Error: Got 5D input, but linear mode needs 3D input$/);
  assert.throws(() => F.interpolate(torch.randn([1, 2, 3, 4]), { scaleFactor: 2, mode: "trilinear" }), /^Error: Got 4D input, but trilinear mode needs 5D input$/);
  assert.throws(() => F.interpolate(x, { scaleFactor: 2, mode: "area", alignCorners: true }),
    /^Error: align_corners option can only be set with the interpolating modes: linear \| bilinear \| bicubic \| trilinear$/);
  assert.throws(() => F.interpolate(x, { scaleFactor: 2, mode: "bicubic" }), /^Error: Input Error: Only 3D, 4D and 5D input Tensors supported \(got 5D\) for the modes: .* \(got bicubic\)$/);
  assert.throws(() => F.interpolate(torch.randn([1, 2, 3, 4, 5, 6]), { scaleFactor: 2 }), /Only 3D, 4D and 5D input Tensors supported \(got 6D\)/);
  assert.throws(() => F.interpolate(x, { size: [2, 3] }), /must have the same number of spatial dimensions, but got input with spatial dimensions of \[3, 4, 5\]/);
  assert.throws(() => F.interpolate(x.to("int32"), { scaleFactor: 2, mode: "trilinear" }), /^Error: "compute_indices_weights_linear" not implemented for 'Int'$/);
  assert.throws(() => F.interpolate(x.to("int32"), { size: 3, mode: "area" }), /^Error: "adaptive_avg_pool3d_cpu" not implemented for 'Int'$/);
  assert.throws(() => F.interpolate(torch.randn([1, 2, 5, 5]).to("int32"), { size: 3, mode: "area" }), /^Error: "adaptive_avg_pool2d" not implemented for 'Int'$/);
  // 5-d input of one channel takes PyTorch's channels-last kernel (which picks as the backward does)
  assert.throws(() => F.interpolate(torch.randn([1, 1, 3, 4, 5]).to("int32"), { scaleFactor: 2 }), /^Error: "upsample_nearest3d_channels_last" not implemented for 'Int'$/);
});
