/**
 * gridSample's native forward (native/grid-sample.c) against the core's own
 * loops (src/ops/grid-sampler.ts, which the reference backend runs and
 * test/nn-grid-sample.test.ts checks against PyTorch): bit-equal values for
 * every mode, padding rule and corner rule, in float32 and float64, 4-d and
 * 5-d, with grid points far outside, exactly half-way between pixels, NaN
 * and infinite, at sizes that split over threads; gradients still flow.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { loadNativeBackend } from "../src/backend/native/load.js";
import type { Tensor } from "../src/tensor/tensor.js";
import { onBoth } from "./backends.js";

const F = torch.nn.functional;
const loaded = loadNativeBackend();
const skip = loaded.backend === null ? `the native addon is not available (${loaded.error})` : false;

/** Same bits, NaN included (Object.is tells -0 from 0 too). */
function sameBits(a: Tensor, b: Tensor, what: string): void {
  assert.deepEqual(a.shape, b.shape, what);
  const x = a.contiguous().data, y = b.contiguous().data;
  for (let i = 0; i < x.length; i++) {
    if (!Object.is(x[i], y[i])) assert.fail(`${what}: element ${i}: reference ${x[i]}, native ${y[i]}`);
  }
}

/** A grid of `points` points of `dims` coordinates: most in [-1.3, 1.3], some half-way between pixels of an input of `size`, some NaN or infinite. */
function gridOf(n: number, spatial: number[], dims: number, size: number, dtype: "float32" | "float64"): Tensor {
  torch.manualSeed(5);
  const g = torch.rand([n, ...spatial, dims], { dtype }).mul(2.6).sub(1.3);
  const flat = g.reshape([-1]).data;
  for (let i = 0; i < flat.length; i += 17) flat[i] = (2 * Math.floor(i / 17 % size) + 1) / size - 1; // half-way (alignCorners false)
  for (let i = 5; i < flat.length; i += 101) flat[i] = (2 * (i % size)) / (size - 1) - 1 + 1 / (size - 1); // half-way (alignCorners true)
  flat[3] = NaN;
  flat[10] = Infinity;
  flat[23] = -Infinity;
  flat[40] = 1e10;
  flat[41] = -3.5;
  return g;
}

test("native gridSample forward is bit-equal to the core's loops: every mode, padding, corner rule and dtype, 4-d", { skip }, () => {
  for (const dtype of ["float32", "float64"] as const) {
    torch.manualSeed(1);
    const x = torch.randn([3, 5, 9, 12], { dtype });
    const grid = gridOf(3, [17, 23], 2, 9, dtype);
    for (const mode of ["bilinear", "nearest", "bicubic"] as const) {
      for (const paddingMode of ["zeros", "border", "reflection"] as const) {
        for (const alignCorners of [false, true]) {
          const [r, n] = onBoth(() => F.gridSample(x, grid, { mode, paddingMode, alignCorners }));
          sameBits(r, n, `${dtype} ${mode} ${paddingMode} alignCorners=${alignCorners}`);
        }
      }
    }
  }
});

test("native gridSample forward is bit-equal to the core's loops in 5-d (trilinear and nearest)", { skip }, () => {
  for (const dtype of ["float32", "float64"] as const) {
    torch.manualSeed(2);
    const x = torch.randn([2, 3, 6, 7, 8], { dtype });
    const grid = gridOf(2, [5, 9, 11], 3, 7, dtype);
    for (const mode of ["bilinear", "nearest"] as const) {
      for (const paddingMode of ["zeros", "border", "reflection"] as const) {
        for (const alignCorners of [false, true]) {
          const [r, n] = onBoth(() => F.gridSample(x, grid, { mode, paddingMode, alignCorners }));
          sameBits(r, n, `${dtype} 5-d ${mode} ${paddingMode} alignCorners=${alignCorners}`);
        }
      }
    }
  }
});

test("native gridSample reads strided and offset inputs as the core does, and large batches split over threads", { skip }, () => {
  torch.manualSeed(3);
  const x = torch.randn([16, 9, 40, 4]).transpose(2, 3); // [16, 9, 4, 40], not contiguous
  const grid = torch.randn([20, 30, 33, 2]).mul(0.7).narrow(0, 4, 16); // an offset window
  for (const mode of ["bilinear", "nearest", "bicubic"] as const) {
    const [r, n] = onBoth(() => F.gridSample(x, grid, { mode, alignCorners: false }));
    sameBits(r, n, `strided ${mode}`);
  }
});

/** The input's and the grid's gradients of `F.gridSample(x, grid, options)` for the output gradient `g` (only those asked for). */
function gradients(x0: Tensor, grid0: Tensor, g: Tensor, options: Parameters<typeof F.gridSample>[2], want: [boolean, boolean]): (Tensor | null)[] {
  const x = want[0] ? x0.clone().requiresGrad_() : x0, grid = want[1] ? grid0.clone().requiresGrad_() : grid0;
  const leaves = [x, grid].filter((_, i) => want[i]);
  const grads = torch.autograd.grad(F.gridSample(x, grid, options), leaves, { gradOutputs: g });
  let k = 0;
  return want.map((w) => (w ? grads[k++]! : null));
}

test("native gridSample backward is bit-equal to the core's loops: every mode, padding, corner rule, dtype and dims, either gradient alone", { skip }, () => {
  for (const dtype of ["float32", "float64"] as const) {
    for (const dims of [2, 3]) {
      torch.manualSeed(6);
      const x = dims === 2 ? torch.randn([3, 4, 9, 12], { dtype }) : torch.randn([2, 3, 6, 7, 8], { dtype });
      const grid = dims === 2 ? gridOf(3, [17, 23], 2, 9, dtype) : gridOf(2, [5, 9, 11], 3, 7, dtype);
      const g = torch.randn([x.shape[0]!, x.shape[1]!, ...grid.shape.slice(1, -1)], { dtype });
      for (const mode of dims === 2 ? (["bilinear", "nearest", "bicubic"] as const) : (["bilinear", "nearest"] as const)) {
        for (const paddingMode of ["zeros", "border", "reflection"] as const) {
          for (const alignCorners of [false, true]) {
            for (const want of [[true, true], [true, false], [false, true]] as [boolean, boolean][]) {
              const what = `${dtype} ${dims}-d ${mode} ${paddingMode} alignCorners=${alignCorners} wanting ${want.join(",")}`;
              const [r, n] = onBoth(() => gradients(x, grid, g, { mode, paddingMode, alignCorners }, want));
              r.forEach((t, i) => {
                if (t === null) return;
                sameBits(t, n[i]!, `${what}: ${i === 0 ? "input" : "grid"}'s gradient`);
              });
            }
          }
        }
      }
    }
  }
});

test("with the native forward, gradients equal the reference's", { skip }, () => {
  torch.manualSeed(4);
  const x0 = torch.randn([2, 3, 10, 11], { dtype: "float64" }), g0 = torch.rand([2, 12, 13, 2], { dtype: "float64" }).mul(2.2).sub(1.1);
  for (const mode of ["bilinear", "bicubic"] as const) {
    const [r, n] = onBoth((): [Tensor, Tensor] => {
      const x = x0.clone().requiresGrad_(), g = g0.clone().requiresGrad_();
      const y = F.gridSample(x, g, { mode, alignCorners: false });
      const [gx, gg] = torch.autograd.grad(y.mul(y).sum(), [x, g]);
      return [gx!, gg!];
    });
    sameBits(r[0], n[0], `${mode}: input's gradient`);
    sameBits(r[1], n[1], `${mode}: grid's gradient`);
  }
});
