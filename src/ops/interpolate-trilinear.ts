/**
 * Trilinear resampling (`F.interpolate(..., { mode: "trilinear" })`) as
 * typed-array kernels: each output mixes the 8 inputs around its source
 * position, with per-dim weights computed as PyTorch's linear modes compute
 * them (and as src/ops/interpolate.ts's one-dim-at-a-time form, which this
 * replaces for 5-d input). The forward and its backward are one autograd
 * node each; the backward is linear in the output gradient with the forward's
 * weights, so its own derivative is the forward again (PyTorch's
 * upsample_trilinear3d_backward differentiates the same way).
 */
import type { Tensor } from "../tensor/tensor.js";
import { contiguousData, empty, emptyUninitialized, needsGrad, record } from "./core.js";

/** One dim's resampling, n -> m: per output position the lower and upper source and their weights. */
export interface LinearTable {
  n: number;
  lo: Int32Array;
  hi: Int32Array;
  wLo: Float64Array;
  wHi: Float64Array;
}

/**
 * The table of one dim from n to m positions with source distance `scale`
 * per output step: output j reads around j·scale (alignCorners) or
 * (j + 0.5)·scale - 0.5 clamped at 0; a dim whose size is unchanged is
 * copied (PyTorch's linear kernels copy it whatever the factor). Weights
 * rounded to float32 for float32 input.
 */
export function linearTable(n: number, m: number, scale: number, alignCorners: boolean, f32: boolean): LinearTable {
  const lo = new Int32Array(m), hi = new Int32Array(m), wLo = new Float64Array(m), wHi = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    if (m === n) {
      lo[j] = hi[j] = j;
      wLo[j] = 1;
      continue;
    }
    const src = alignCorners ? j * scale : Math.max((j + 0.5) * scale - 0.5, 0);
    lo[j] = Math.min(Math.floor(src), n - 1);
    hi[j] = Math.min(lo[j]! + 1, n - 1);
    const up = src - lo[j]!;
    wHi[j] = f32 ? Math.fround(up) : up;
    wLo[j] = f32 ? Math.fround(1 - up) : 1 - up;
  }
  return { n, lo, hi, wLo, wHi };
}

type Floats = Float32Array | Float64Array;

/** One volume's outputs (from `o` on) from its input at `xb`. One call per volume keeps the function small and hot for V8. */
function forwardVolume(x: Floats, xb: number, out: Floats, o: number, d: LinearTable, h: LinearTable, w: LinearTable): void {
  const H = h.n, W = w.n;
  for (let i = 0; i < d.lo.length; i++) {
    const z0 = xb + d.lo[i]! * H * W, z1 = xb + d.hi[i]! * H * W, a0 = d.wLo[i]!, a1 = d.wHi[i]!;
    for (let j = 0; j < h.lo.length; j++) {
      const y0 = h.lo[j]! * W, y1 = h.hi[j]! * W, b0 = h.wLo[j]!, b1 = h.wHi[j]!;
      const r00 = z0 + y0, r01 = z0 + y1, r10 = z1 + y0, r11 = z1 + y1;
      for (let k = 0; k < w.lo.length; k++, o++) {
        const x0 = w.lo[k]!, x1 = w.hi[k]!, c0 = w.wLo[k]!, c1 = w.wHi[k]!;
        out[o] = a0 * (b0 * (c0 * x[r00 + x0]! + c1 * x[r00 + x1]!) + b1 * (c0 * x[r01 + x0]! + c1 * x[r01 + x1]!))
          + a1 * (b0 * (c0 * x[r10 + x0]! + c1 * x[r10 + x1]!) + b1 * (c0 * x[r11 + x0]! + c1 * x[r11 + x1]!));
      }
    }
  }
}

/** One volume's input gradient (added from `ib` on) from its output gradient at `gb`: each output's gradient back to its 8 sources. */
function backwardVolume(g: Floats, gb: number, gx: Floats, ib: number, d: LinearTable, h: LinearTable, w: LinearTable): void {
  const H = h.n, W = w.n;
  for (let i = 0; i < d.lo.length; i++) {
    const z0 = ib + d.lo[i]! * H * W, z1 = ib + d.hi[i]! * H * W, a0 = d.wLo[i]!, a1 = d.wHi[i]!;
    for (let j = 0; j < h.lo.length; j++) {
      const y0 = h.lo[j]! * W, y1 = h.hi[j]! * W, b0 = h.wLo[j]!, b1 = h.wHi[j]!;
      const r00 = z0 + y0, r01 = z0 + y1, r10 = z1 + y0, r11 = z1 + y1;
      const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
      for (let k = 0; k < w.lo.length; k++, gb++) {
        const x0 = w.lo[k]!, x1 = w.hi[k]!, c0 = w.wLo[k]!, c1 = w.wHi[k]!, v = g[gb]!;
        const v0 = v * c0, v1 = v * c1;
        gx[r00 + x0] = gx[r00 + x0]! + p00 * v0;
        gx[r00 + x1] = gx[r00 + x1]! + p00 * v1;
        gx[r01 + x0] = gx[r01 + x0]! + p01 * v0;
        gx[r01 + x1] = gx[r01 + x1]! + p01 * v1;
        gx[r10 + x0] = gx[r10 + x0]! + p10 * v0;
        gx[r10 + x1] = gx[r10 + x1]! + p10 * v1;
        gx[r11 + x0] = gx[r11 + x0]! + p11 * v0;
        gx[r11 + x1] = gx[r11 + x1]! + p11 * v1;
      }
    }
  }
}

/**
 * `input` [N, C, D, H, W] resampled by the tables of depth, height and
 * width: [N, C, oD, oH, oW]. Differentiable (the backward below), and so
 * twice over.
 *
 * @example
 * const t = [linearTable(4, 8, 0.5, false, true), linearTable(4, 8, 0.5, false, true), linearTable(4, 8, 0.5, false, true)] as const;
 * const y = trilinear(torch.randn([1, 2, 4, 4, 4]), t); // [1, 2, 8, 8, 8]
 */
export function trilinear(input: Tensor, tables: readonly [LinearTable, LinearTable, LinearTable]): Tensor {
  const [d, h, w] = tables;
  const [N, C] = input.shape as [number, number];
  const out = emptyUninitialized([N, C, d.lo.length, h.lo.length, w.lo.length], input.dtype);
  const x = contiguousData(input), xd = x.data as Floats, od = out.data as Floats;
  const inVolume = d.n * h.n * w.n, outVolume = d.lo.length * h.lo.length * w.lo.length;
  for (let p = 0; p < N * C; p++) forwardVolume(xd, x.offset + p * inVolume, od, p * outVolume, d, h, w);
  if (needsGrad(input)) {
    const shape = input.shape;
    record("UpsampleTrilinear3DBackward0", [input], out, ([g]) => [trilinearBackward(g!, tables, shape)]);
  }
  return out;
}

/** The gradient of `trilinear` with respect to its input (of `inputShape`), from the output gradient `grad`; its own gradient is `trilinear` again. */
function trilinearBackward(grad: Tensor, tables: readonly [LinearTable, LinearTable, LinearTable], inputShape: readonly number[]): Tensor {
  const [d, h, w] = tables;
  const [N, C] = inputShape as [number, number];
  const gx = empty(inputShape, grad.dtype);
  const g = contiguousData(grad), gd = g.data as Floats, xd = gx.data as Floats;
  const inVolume = d.n * h.n * w.n, outVolume = d.lo.length * h.lo.length * w.lo.length;
  for (let p = 0; p < N * C; p++) backwardVolume(gd, g.offset + p * outVolume, xd, p * inVolume, d, h, w);
  if (needsGrad(grad)) record("UpsampleTrilinear3DBackwardBackward0", [grad], gx, ([gg]) => [trilinear(gg!, tables)]);
  return gx;
}
