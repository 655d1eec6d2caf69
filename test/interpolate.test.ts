/**
 * F.interpolate and nn.Upsample against PyTorch on both backends (fixtures:
 * scripts/gen_interpolate_fixtures.py): nearest, linear and bilinear, by size
 * or scale factor, with and without alignCorners; values and input
 * gradients. Also PyTorch's argument errors and the layer's repr; antialias
 * and the same-size bicubic gradient (probe_nn.json, scripts/gen_probe_nn_fixtures.py).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { InterpolateMode } from "../src/nn/functional.js";
import { BACKENDS, backendSkip } from "./backends.js";
import { checkGolden, type GoldenCase, readOpsCases, values } from "./fixture-values.js";
import { assertMatches, tensorOf } from "./nn-extra-cases.js";
import { camelOptions, PROBE } from "./probe-nn-fixtures.js";

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
  // PyTorch 2.x's texts (F.interpolate(x, size=[2, 3, 4]); F.interpolate(x, scale_factor=[2, 2, 2]); F.interpolate(x, size=3, mode="foo"))
  assert.throws(() => F.interpolate(x, { size: [2, 3, 4] }), {
    message: "Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of [3, 4] and output size of [2, 3, 4]. Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.",
  });
  assert.throws(() => F.interpolate(x, { scaleFactor: [2, 2, 2] }), {
    message: "Input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of [3, 4] and scale_factor of shape [2, 2, 2]. Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.",
  });
  assert.throws(() => F.interpolate(x, { size: 3, mode: "foo" as InterpolateMode }), {
    message: "Input Error: Only 3D, 4D and 5D input Tensors supported (got 4D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got foo)",
  });
  // PyTorch's upsample_2d_common_check (F.interpolate(torch.randn(1, 2, 3, 4), scale_factor=0.1))
  assert.throws(() => F.interpolate(x, { scaleFactor: 0.1 }), { message: "Input and output sizes should be greater than 0, but got input (H: 3, W: 4) output (H: 0, W: 0)" });
  const up = new torch.nn.Upsample({ scaleFactor: 2, mode: "bilinear" });
  assert.deepEqual(up.forward(x).tolist(), F.interpolate(x, { scaleFactor: 2, mode: "bilinear" }).tolist());
  assert.equal(String(up), "Upsample(scale_factor=2.0, mode='bilinear')");
  assert.equal(String(new torch.nn.Upsample({ size: [4, 5] })), "Upsample(size=(4, 5), mode='nearest')");
  assert.equal(String(new torch.nn.Upsample({ scaleFactor: [2, 1.5], mode: "bilinear" })), "Upsample(scale_factor=(2.0, 1.5), mode='bilinear')");
  // nearest copies: an Infinity lands only where its pixel is repeated
  const inf = torch.tensor([[[1, Infinity, 3]]]);
  assert.deepEqual(F.interpolate(inf, { scaleFactor: 2 }).tolist(), [[[1, 1, Infinity, Infinity, 3, 3]]]);
});

for (const backend of BACKENDS) {
  test(`F.interpolate antialias (bilinear, bicubic; down, up, factors, alignCorners) matches PyTorch's _upsample_*_aa: values and gradients (${backend})`, { skip: backendSkip(backend) }, () => {
    torch.setBackend(backend);
    for (const c of PROBE.antialias) {
      const x = tensorOf(c.input, true);
      const y = F.interpolate(x, camelOptions(c.options));
      const f64 = c.input.dtype === "float64";
      assert.deepEqual(y.shape, c.output.shape, c.name);
      assertMatches(values(y.detach()), c.output.data, `${c.name} output`, f64);
      y.backward(tensorOf(c.gradOutput));
      assertMatches(values(x.grad!), c.grad.data, `${c.name} grad`, f64);
    }
  });
}

test("bicubic to the input's own size: the forward resamples by the factor, the gradient is copied, as PyTorch's backward kernel does", () => {
  for (const c of PROBE.sameSizeBicubic) {
    const x = tensorOf(c.input, true);
    const y = F.interpolate(x, camelOptions(c.options));
    const f64 = c.input.dtype === "float64";
    assertMatches(values(y.detach()), c.output.data, `${c.name} output`, f64);
    y.backward(tensorOf(c.gradOutput));
    assertMatches(values(x.grad!), c.grad.data, `${c.name} grad`, f64);
  }
  // double backward goes through the copy: d/dx sum(d/dx sum(y²)) = d/dx sum(2y) = 2 (copied)
  const x = torch.randn([1, 1, 4, 3], { dtype: "float64", requiresGrad: true });
  const [g] = torch.autograd.grad([F.interpolate(x, { scaleFactor: 1.1, mode: "bicubic" }).square().sum()], [x], { createGraph: true });
  g!.sum().backward();
  assert.deepEqual(values(x.grad!), new Array<number>(12).fill(2));
});

test("interpolate: an output size of 0 is PyTorch's error, except for area, which pools to an empty result; antialias only for 4-d bilinear and bicubic", () => {
  // F.interpolate(torch.randn(1, 2, 5, 1), scale_factor=(2.5, 0.6), mode="bilinear")
  assert.throws(() => F.interpolate(torch.randn([1, 3, 5, 1]), { scaleFactor: [2.5, 0.6], mode: "bilinear" }), {
    message: "Input and output sizes should be greater than 0, but got input (H: 5, W: 1) output (H: 12, W: 0)",
  });
  assert.throws(() => F.interpolate(torch.randn([1, 3, 1]), { scaleFactor: 0.6 }), { message: "Input and output sizes should be greater than 0, but got input (W: 1) and output (W: 0)" });
  assert.throws(() => F.interpolate(torch.randn([1, 2, 4, 7, 1]), { scaleFactor: 0.6 }), {
    message: "Input and output sizes should be greater than 0, but got input (D: 4, H: 7, W: 1) output (D: 2, H: 4, W: 0)",
  });
  // F.interpolate(x, scale_factor=0.5, mode="area").shape for x of shape (1, 1, 1, 1, 7): (1, 1, 0, 0, 3)
  assert.deepEqual(F.interpolate(torch.randn([1, 1, 1, 1, 7]), { scaleFactor: 0.5, mode: "area" }).shape, [1, 1, 0, 0, 3]);
  assert.deepEqual(F.interpolate(torch.randn([2, 2, 1]), { scaleFactor: 0.6, mode: "area" }).shape, [2, 2, 0]);
  const refused = "Anti-alias option is restricted to bilinear and bicubic modes and requires a 4-D tensor as input";
  assert.throws(() => F.interpolate(torch.randn([1, 1, 4]), { size: 2, mode: "linear", antialias: true }), { message: refused });
  assert.throws(() => F.interpolate(torch.randn([1, 1, 2, 4, 4]), { size: 2, mode: "bicubic", antialias: true }), { message: refused });
  assert.throws(() => F.interpolate(torch.randn([1, 1, 4, 4]), { size: 2, mode: "nearest", antialias: true }), { message: refused });
});
