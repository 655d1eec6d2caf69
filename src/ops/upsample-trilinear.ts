/**
 * Trilinear interpolation (F.interpolate mode "trilinear") as one op with a
 * backend kernel: each dim whose size changes is resampled in turn (depth,
 * height, width) exactly as interpolate.ts's separable passes do (same
 * source positions, weights rounded to the dtype, each product and sum
 * rounded), so the values are bit-equal to them. Its backward is the
 * adjoint (the passes in reverse, each adding into its two sources), and
 * the adjoint's backward is the forward, so gradients of every order
 * follow. The loops here are the kernels' specification and the fallback
 * where the backend lacks one between a forward and its backward.
 */
import type { Strided } from "../backend/backend.js";
import type { Tensor } from "../tensor/tensor.js";
import { emptyUninitialized, kernels, needsGrad, record } from "./core.js";

type Scales = readonly [number, number, number];

/**
 * Per output index along a dim of n -> m: the two sources and their weights
 * (PyTorch's linear source index; the weights rounded to float32 when `f32`).
 * interpolate.ts's linear modes use it too.
 */
export function linearAxis(n: number, m: number, scale: number, alignCorners: boolean, f32: boolean) {
  const lo = new Int32Array(m), hi = new Int32Array(m), wLo = new Float64Array(m), wHi = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const src = alignCorners ? j * scale : Math.max((j + 0.5) * scale - 0.5, 0);
    lo[j] = Math.min(Math.floor(src), n - 1);
    hi[j] = Math.min(lo[j]! + 1, n - 1);
    wHi[j] = src - lo[j]!;
    wLo[j] = 1 - wHi[j]!;
  }
  return { lo, hi, wLo: f32 ? Float32Array.from(wLo) : wLo, wHi: f32 ? Float32Array.from(wHi) : wHi };
}

/**
 * The volumes of src resampled along each dim whose size differs between
 * the two shapes into dst (contiguous), forward (small -> big order of
 * passes D, H, W) or as the adjoint (W, H, D, adding into the sources).
 */
function trilinearLoop(dst: Strided, src: Strided, scales: Scales, alignCorners: boolean, backward: boolean): void {
  const f32 = src.data instanceof Float32Array;
  const r = f32 ? Math.fround : (v: number) => v;
  const [N, C] = src.shape as [number, number];
  const inShape = backward ? dst.shape : src.shape, outShape = backward ? src.shape : dst.shape;
  // the source as a dense [N*C, d0, d1, d2] array of doubles
  let sz = src.shape.slice(2);
  let cur = new Float64Array(N * C * sz[0]! * sz[1]! * sz[2]!);
  for (let n = 0, o = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let i = 0; i < sz[0]!; i++)
        for (let j = 0; j < sz[1]!; j++)
          for (let k = 0; k < sz[2]!; k++) cur[o++] = src.data[src.offset + n * src.strides[0]! + c * src.strides[1]! + i * src.strides[2]! + j * src.strides[3]! + k * src.strides[4]!] as number;
  for (const d of backward ? [2, 1, 0] : [0, 1, 2]) {
    const n = inShape[2 + d]!, m = outShape[2 + d]!;
    if (n === m) continue;
    const a = linearAxis(n, m, scales[d]!, alignCorners, f32);
    const next = [...sz];
    next[d] = backward ? n : m;
    const outer = N * C * (d === 0 ? 1 : d === 1 ? sz[0]! : sz[0]! * sz[1]!), inner = d === 2 ? 1 : d === 1 ? sz[2]! : sz[1]! * sz[2]!;
    const from = sz[d]!, to = next[d];
    const out = new Float64Array(outer * to * inner);
    for (let p = 0; p < outer; p++)
      for (let q = 0; q < inner; q++) {
        if (backward) {
          for (let j = 0; j < from; j++) {
            const v = cur[(p * from + j) * inner + q]!;
            const lo = (p * to + a.lo[j]!) * inner + q, hi = (p * to + a.hi[j]!) * inner + q;
            out[lo] = r(out[lo]! + r(v * a.wLo[j]!));
            out[hi] = r(out[hi]! + r(v * a.wHi[j]!));
          }
        } else {
          for (let j = 0; j < to; j++) {
            out[(p * to + j) * inner + q] = r(r(cur[(p * from + a.lo[j]!) * inner + q]! * a.wLo[j]!) + r(cur[(p * from + a.hi[j]!) * inner + q]! * a.wHi[j]!));
          }
        }
      }
    cur = out;
    sz = next;
  }
  (dst.data as Float32Array | Float64Array).set(cur, dst.offset);
}

function forward(x: Tensor, sizes: readonly number[], scales: Scales, alignCorners: boolean, useKernel: boolean): Tensor {
  const out = emptyUninitialized([x.shape[0]!, x.shape[1]!, ...sizes], x.dtype);
  if (!useKernel || kernels().upsampleTrilinear?.(out, x, scales, alignCorners) !== true) trilinearLoop(out, x, scales, alignCorners, false);
  if (needsGrad(x)) {
    const shape = x.shape;
    record("UpsampleTrilinear3DBackward0", [x], out, ([g]) => [adjoint(g!, shape, sizes, scales, alignCorners)]);
  }
  return out;
}

function adjoint(g: Tensor, shape: readonly number[], sizes: readonly number[], scales: Scales, alignCorners: boolean): Tensor {
  const gx = emptyUninitialized(shape, g.dtype);
  if (kernels().upsampleTrilinearBackward?.(gx, g, scales, alignCorners) !== true) {
    gx.data.fill(0);
    trilinearLoop(gx, g, scales, alignCorners, true);
  }
  if (needsGrad(g)) record("UpsampleTrilinear3DBackwardBackward0", [g], gx, ([gg]) => [forward(gg!, sizes, scales, alignCorners, true)]);
  return gx;
}

/**
 * x [N, C, D, H, W] (float32 or float64) resampled to `sizes` with source
 * steps `scales` per dim (PyTorch's area_pixel_compute_scale), or null
 * where the backend has no trilinear kernel (interpolate.ts's passes then).
 */
export function trilinearByKernel(x: Tensor, sizes: readonly number[], scales: Scales, alignCorners: boolean): Tensor | null {
  if (kernels().upsampleTrilinear === undefined || (x.dtype !== "float32" && x.dtype !== "float64")) return null;
  return forward(x, sizes, scales, alignCorners, true);
}
