/**
 * F.interpolate and nn.Upsample against PyTorch on both backends (fixtures:
 * scripts/gen_interpolate_fixtures.py): nearest, linear and bilinear, by size
 * or scale factor, with and without alignCorners; values and input
 * gradients. Also PyTorch's argument errors and the layer's repr.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { InterpolateMode } from "../src/nn/functional.js";
import { BACKENDS, backendSkip } from "./backends.js";
import { checkGolden, type GoldenCase, readOpsCases } from "./fixture-values.js";

const F = torch.nn.functional;

interface InterpolateCase extends GoldenCase {
  options: { size: number | number[] | null; scaleFactor: number | number[] | null; mode: InterpolateMode; alignCorners: boolean | null };
}

const CASES = readOpsCases<InterpolateCase>("interpolate.json");

for (const backend of BACKENDS) {
  test(`F.interpolate matches PyTorch: nearest, linear, bilinear, values and gradients (${backend})`, { skip: backendSkip(backend) }, () => {
    torch.setBackend(backend);
    for (const c of CASES) checkGolden(c, (x) => F.interpolate(x, c.options));
  });
}

test("F.interpolate rejects what PyTorch rejects; nn.Upsample wraps it and prints like PyTorch 2.x", () => {
  const x = torch.randn([1, 2, 3, 4]);
  assert.throws(() => F.interpolate(x, { size: 5, scaleFactor: 2 }), /only one of size or scale_factor should be defined/);
  assert.throws(() => F.interpolate(x, {}), /either size or scale_factor should be defined/);
  assert.throws(() => F.interpolate(x, { scaleFactor: 2, mode: "linear" }), /Got 4D input, but linear mode needs 3D input/);
  assert.throws(() => F.interpolate(torch.randn([1, 2, 3]), { scaleFactor: 2, mode: "bilinear" }), /Got 3D input, but bilinear mode needs 4D input/);
  assert.throws(() => F.interpolate(x, { scaleFactor: 2, alignCorners: true }), /align_corners option can only be set with the interpolating modes/);
  assert.throws(() => F.interpolate(torch.randn([2, 3]), { scaleFactor: 2 }), /Only 3D, 4D and 5D input Tensors supported \(got 2D\)/);
  assert.throws(() => F.interpolate(x, { size: [2, 3, 4] }), /Input and output size must have the same number of spatial dimensions/);
  assert.throws(() => F.interpolate(x, { scaleFactor: 0.1 }), /output size must be positive integers, got \[0, 0\]/);
  const up = new torch.nn.Upsample({ scaleFactor: 2, mode: "bilinear" });
  assert.deepEqual(up.forward(x).tolist(), F.interpolate(x, { scaleFactor: 2, mode: "bilinear" }).tolist());
  assert.equal(String(up), "Upsample(scale_factor=2.0, mode='bilinear')");
  assert.equal(String(new torch.nn.Upsample({ size: [4, 5] })), "Upsample(size=(4, 5), mode='nearest')");
  assert.equal(String(new torch.nn.Upsample({ scaleFactor: [2, 1.5], mode: "bilinear" })), "Upsample(scale_factor=(2.0, 1.5), mode='bilinear')");
  // nearest copies: an Infinity lands only where its pixel is repeated
  const inf = torch.tensor([[[1, Infinity, 3]]]);
  assert.deepEqual(F.interpolate(inf, { scaleFactor: 2 }).tolist(), [[[1, 1, Infinity, Infinity, 3, 3]]]);
});
