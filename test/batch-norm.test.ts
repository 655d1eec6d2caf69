// F.batchNorm as one NativeBatchNormBackward0 node: the native kernels give
// the reference loops' bits (forward, running statistics and every gradient,
// training and evaluation, with and without weight and bias, spatial sizes
// that are and are not multiples of 8, [N, C] input, a NaN channel, float32
// and float64); the gradients pass gradcheck, second order too; the values
// agree with the composed definition; bad kernel arguments are refused.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { backendSkip } from "./backends.js";
import { sameValues as sameBits, valuesOf as values } from "./native-agree.js";
import { nativeAddon } from "../src/backend/native/load.js";
import { rejects } from "./native-rejects.js";

const F = torch.nn.functional;

/** out, the running statistics after the call, and the gradients of (out * r).sum(), on one backend. */
function run(backend: "native" | "reference", shape: number[], training: boolean, affine: boolean, dtype: "float32" | "float64"): number[][] {
  torch.setBackend(backend);
  try {
    torch.manualSeed(8);
    const C = shape[1]!;
    const x = torch.randn(shape, { dtype }).mul(2).add(0.5);
    x.data[1] = NaN; // channel 0 gets a NaN (in training its statistics are NaN)
    x.requiresGrad_(true);
    const w = affine ? torch.randn([C], { dtype, requiresGrad: true }) : null, b = affine ? torch.randn([C], { dtype, requiresGrad: true }) : null;
    const rm = torch.randn([C], { dtype }), rv = torch.rand([C], { dtype }).add(0.5);
    const out = F.batchNorm(x, rm, rv, { weight: w, bias: b, training, momentum: 0.2, eps: 1e-3 });
    assert.equal(out.gradFn?.name, "NativeBatchNormBackward0");
    out.mul(torch.randn(shape, { dtype })).sum().backward();
    return [values(out), values(rm), values(rv), values(x.grad), values(w?.grad ?? null), values(b?.grad ?? null)];
  } finally {
    torch.setBackend("native");
  }
}

test("batchNorm: the native kernels give the reference loops' bits, forward, running statistics and backward", { skip: backendSkip("native") }, () => {
  for (const dtype of ["float32", "float64"] as const) {
    for (const shape of [[6, 5, 4, 8], [3, 4, 7, 5], [70, 9], [2, 3, 65]]) {
      for (const training of [true, false]) {
        for (const affine of [true, false]) {
          const native = run("native", shape, training, affine, dtype), reference = run("reference", shape, training, affine, dtype);
          ["out", "running mean", "running var", "x.grad", "weight.grad", "bias.grad"].forEach((what, i) =>
            sameBits(native[i]!, reference[i]!, `${dtype} ${shape.join("x")} training=${training} affine=${affine} ${what}`));
        }
      }
    }
  }
});

test("batchNorm: values match the composed definition; gradients pass gradcheck, second order too, training and evaluation", () => {
  torch.manualSeed(9);
  const x = torch.randn([4, 3, 5], { dtype: "float64", requiresGrad: true });
  const w = torch.randn([3], { dtype: "float64", requiresGrad: true }), b = torch.randn([3], { dtype: "float64", requiresGrad: true });
  const rm = torch.randn([3], { dtype: "float64" }), rv = torch.rand([3], { dtype: "float64" }).add(0.5);
  const out = F.batchNorm(x, null, null, { weight: w, bias: b, training: true, eps: 1e-3 });
  const m = x.mean([0, 2], { keepdim: true }), v = x.var([0, 2], { keepdim: true, correction: 0 });
  const expected = values(x.sub(m).div(v.add(1e-3).sqrt()).mul(w.reshape([3, 1])).add(b.reshape([3, 1])));
  values(out).forEach((y, i) => assert.ok(Math.abs(y - expected[i]!) < 1e-12, `value ${i}`));
  for (const training of [true, false]) {
    const fn = (a: Tensor, ww: Tensor, bb: Tensor) => F.batchNorm(a, rm.clone(), rv.clone(), { weight: ww, bias: bb, training });
    assert.ok(torch.autograd.gradcheck(fn, [x, w, b]), `gradcheck training=${training}`);
    assert.ok(torch.autograd.gradgradcheck(fn, [x, w, b]), `gradgradcheck training=${training}`);
  }
});

test("batchNorm's kernels refuse wrong arrays and sizes before writing", { skip: backendSkip("native") }, () => {
  const c = nativeAddon()! as unknown as Record<string, (...args: unknown[]) => void>;
  const f32 = (n: number) => new Float32Array(n).fill(7), stats = (n: number) => new Float64Array(n);
  const out = f32(24), x = Float32Array.from({ length: 24 }, (_, i) => i);
  const refuses = (kernel: string, what: RegExp, call: () => void) => {
    rejects(kernel, what, call);
    assert.ok(out.every((v) => v === 7), "out is untouched");
  };
  refuses("batchNorm", /out has 24 elements, fewer than the 30/, () => c.batchNorm!(out, x, null, null, stats(3), stats(3), stats(3), 2, 3, 5, 1e-5, true));
  refuses("batchNorm", /w has 2 elements, fewer than the 3/, () => c.batchNorm!(out, x, f32(2), null, stats(3), stats(3), stats(3), 2, 3, 4, 1e-5, true));
  refuses("batchNorm", /variance must be a Float64Array/, () => c.batchNorm!(out, x, null, null, stats(3), stats(3), f32(3), 2, 3, 4, 1e-5, true));
  refuses("batchNorm", /x must have the type of the other float arrays/, () => c.batchNorm!(out, new Float64Array(24), null, null, stats(3), stats(3), stats(3), 2, 3, 4, 1e-5, true));
  refuses("batchNorm", /training must be a boolean/, () => c.batchNorm!(out, x, null, null, stats(3), stats(3), stats(3), 2, 3, 4, 1e-5, 1));
  refuses("batchNorm", /S/, () => c.batchNorm!(out, x, null, null, stats(3), stats(3), stats(3), 2, 3, 1.5, 1e-5, true));
  refuses("batchNorm", /got 11 arguments/, () => c.batchNorm!(out, x, null, null, stats(3), stats(3), stats(3), 2, 3, 4, 1e-5));
  refuses("batchNormBackward", /gx has 24 elements, fewer than the 30/, () => c.batchNormBackward!(out, null, null, f32(30), f32(30), null, stats(3), stats(3), 2, 3, 5, true));
  refuses("batchNormBackward", /mean has 2 elements, fewer than the 3/, () => c.batchNormBackward!(out, null, null, x, x, null, stats(2), stats(3), 2, 3, 4, true));
  const mean = stats(3), rstd = stats(3), variance = stats(3);
  c.batchNorm!(out, x, null, null, mean, rstd, variance, 2, 3, 4, 0, true);
  assert.deepEqual(Array.from(mean), [7.5, 11.5, 15.5]);
  assert.deepEqual(Array.from(variance), [37.25, 37.25, 37.25]);
});
