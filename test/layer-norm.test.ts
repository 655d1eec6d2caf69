// F.layerNorm as one NativeLayerNormBackward0 node: the native kernels give
// the reference loops' bits (forward, and every gradient, with and without
// weight and bias, rows whose length is not a multiple of 8, NaN and infinite
// rows, float32 and float64); the gradients pass gradcheck, second order
// too; and the values agree with the composed definition
// (x - mean) / sqrt(var + eps) * w + b. Bad kernel arguments are refused.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { backendSkip } from "./backends.js";
import { sameValues as sameBits, valuesOf as values } from "./native-agree.js";
import { nativeAddon } from "../src/backend/native/load.js";
import { rejects } from "./native-rejects.js";

const F = torch.nn.functional;

/** out, and the gradients of (out * r).sum() for a fixed r, on one backend. */
function run(backend: "native" | "reference", shape: number[], k: number, affine: boolean, dtype: "float32" | "float64"): number[][] {
  torch.setBackend(backend);
  try {
    torch.manualSeed(3);
    const x = torch.randn(shape, { dtype }).mul(3).add(1);
    if (shape[0]! > 2) {
      x.data[0] = NaN; // a NaN row
      x.data[x.numel() - 1] = Infinity; // an infinite row
    }
    x.requiresGrad_(true);
    const tail = shape.slice(shape.length - k);
    const w = affine ? torch.randn(tail, { dtype, requiresGrad: true }) : null, b = affine ? torch.randn(tail, { dtype, requiresGrad: true }) : null;
    const out = F.layerNorm(x, tail, { weight: w, bias: b });
    assert.equal(out.gradFn?.name, "NativeLayerNormBackward0");
    out.mul(torch.randn(shape, { dtype })).sum().backward();
    return [values(out), values(x.grad), values(w?.grad ?? null), values(b?.grad ?? null)];
  } finally {
    torch.setBackend("native");
  }
}

test("layerNorm: the native kernels give the reference loops' bits, forward and backward", { skip: backendSkip("native") }, () => {
  for (const dtype of ["float32", "float64"] as const) {
    for (const [shape, k] of [[[37, 100], 1], [[4, 3, 257], 1], [[6, 5, 40], 2], [[300, 8], 1]] as const) {
      for (const affine of [true, false]) {
        const native = run("native", [...shape], k, affine, dtype), reference = run("reference", [...shape], k, affine, dtype);
        ["out", "x.grad", "weight.grad", "bias.grad"].forEach((what, i) => sameBits(native[i]!, reference[i]!, `${dtype} ${shape.join("x")} k=${k} affine=${affine} ${what}`));
      }
    }
  }
});

test("layerNorm: values match (x - mean) / sqrt(var + eps) * w + b; gradients pass gradcheck, second order too", () => {
  torch.manualSeed(4);
  const x = torch.randn([5, 3, 6], { dtype: "float64", requiresGrad: true });
  const w = torch.randn([3, 6], { dtype: "float64", requiresGrad: true }), b = torch.randn([3, 6], { dtype: "float64", requiresGrad: true });
  const out = F.layerNorm(x, [3, 6], { weight: w, bias: b, eps: 1e-3 });
  const m = x.mean([1, 2], { keepdim: true }), v = x.var([1, 2], { keepdim: true, correction: 0 });
  const expected = x.sub(m).div(v.add(1e-3).sqrt()).mul(w).add(b);
  values(out).forEach((y, i) => assert.ok(Math.abs(y - values(expected)[i]!) < 1e-12, `value ${i}`));
  const fn = (a: Tensor, ww: Tensor, bb: Tensor) => F.layerNorm(a, [3, 6], { weight: ww, bias: bb });
  assert.ok(torch.autograd.gradcheck(fn, [x, w, b]));
  assert.ok(torch.autograd.gradgradcheck(fn, [x, w, b]));
  assert.ok(torch.autograd.gradgradcheck((a: Tensor) => F.layerNorm(a, [6]), [x]));
});

test("layerNorm's kernels refuse wrong arrays and sizes before writing", { skip: backendSkip("native") }, () => {
  const c = nativeAddon()! as unknown as Record<string, (...args: unknown[]) => void>;
  const f32 = (n: number) => new Float32Array(n).fill(7), stats = (n: number) => new Float64Array(n);
  const out = f32(12);
  const refuses = (kernel: string, what: RegExp, call: () => void) => {
    rejects(kernel, what, call);
    assert.ok(out.every((v) => v === 7), "out is untouched");
  };
  const x = Float32Array.from({ length: 12 }, (_, i) => i);
  refuses("layerNorm", /out has 12 elements, fewer than the 15/, () => c.layerNorm!(out, x, null, null, stats(3), stats(3), 3, 5, 1e-5));
  refuses("layerNorm", /x must have the type/, () => c.layerNorm!(out, new Float64Array(12), null, null, stats(3), stats(3), 3, 4, 1e-5));
  refuses("layerNorm", /w has 3 elements, fewer than the 4/, () => c.layerNorm!(out, x, f32(3), null, stats(3), stats(3), 3, 4, 1e-5));
  refuses("layerNorm", /mean must be a Float64Array/, () => c.layerNorm!(out, x, null, null, f32(3), stats(3), 3, 4, 1e-5));
  refuses("layerNorm", /rstd has 2 elements, fewer than the 3/, () => c.layerNorm!(out, x, null, null, stats(3), stats(2), 3, 4, 1e-5));
  refuses("layerNorm", /out must be a Float32Array or Float64Array/, () => c.layerNorm!(new Int32Array(12), x, null, null, stats(3), stats(3), 3, 4, 1e-5));
  refuses("layerNorm", /b must be a typed array or null/, () => c.layerNorm!(out, x, null, [1, 2, 3, 4], stats(3), stats(3), 3, 4, 1e-5));
  refuses("layerNorm", /M/, () => c.layerNorm!(out, x, null, null, stats(3), stats(3), -1, 4, 1e-5));
  refuses("layerNorm", /eps must be a number/, () => c.layerNorm!(out, x, null, null, stats(3), stats(3), 3, 4, "1e-5"));
  refuses("layerNorm", /expected \(out, x, w, b, mean, rstd, M, N, eps\), got 8 arguments/, () => c.layerNorm!(out, x, null, null, stats(3), stats(3), 3, 4));
  refuses("layerNormBackward", /gx has 12 elements, fewer than the 16/, () => c.layerNormBackward!(out, null, null, f32(16), f32(16), null, stats(4), stats(4), 4, 4));
  refuses("layerNormBackward", /g has 12 elements, fewer than the 16/, () => c.layerNormBackward!(null, null, null, x, f32(16), null, stats(4), stats(4), 4, 4));
  refuses("layerNormBackward", /gw has 12 elements, fewer than the 13/, () => c.layerNormBackward!(null, out, null, f32(26), f32(26), null, stats(2), stats(2), 2, 13));
  const mean = stats(3), rstd = stats(3);
  c.layerNorm!(out, x, null, null, mean, rstd, 3, 4, 0);
  assert.deepEqual(Array.from(mean), [1.5, 5.5, 9.5]);
  assert.ok(Math.abs(out[0]! + 1.3416407) < 1e-6, "the first row normalised");
});
