/**
 * Anti-aliased resampling along one dim (`F.interpolate(..., { antialias: true })`
 * for bilinear and bicubic), as PyTorch's `_upsample_{bilinear,bicubic}2d_aa`
 * kernels (Pillow's): output j averages the inputs within `support` of its
 * centre `(j + 0.5) · scale`, weighted by the triangle (bilinear) or Keys'
 * cubic with A = -0.5 (bicubic) stretched by `scale` when downsampling, the
 * weights normalised to sum to 1. A weighted sum of index_selects, so the
 * gradient is the transposed weighting (PyTorch's backward kernel).
 */
import type { Tensor } from "../tensor/tensor.js";
import { add, mul } from "./elementwise.js";
import { fromTypedArray } from "./factories.js";
import { indexSelect } from "./indexing.js";
import { reshape } from "./views.js";

/** The triangle filter of bilinear. */
const triangle = (x: number): number => {
  const a = Math.abs(x);
  return a < 1 ? 1 - a : 0;
};

/** Keys' cubic convolution with A = -0.5 (Pillow's, not the -0.75 of plain bicubic). */
const keys = (x: number): number => {
  const A = -0.5, a = Math.abs(x);
  if (a < 1) return ((A + 2) * a - (A + 3)) * a * a + 1;
  if (a < 2) return (((a - 5) * a + 8) * a - 4) * A;
  return 0;
};

/**
 * `x` resampled along `dim` from n to m positions with source step `scale`
 * (PyTorch's area_pixel_compute_scale).
 */
export function antialiased(x: Tensor, dim: number, m: number, scale: number, mode: "bilinear" | "bicubic"): Tensor {
  const n = x.shape[dim]!;
  const filter = mode === "bilinear" ? triangle : keys;
  const half = mode === "bilinear" ? 1 : 2;
  const support = scale >= 1 ? half * scale : half;
  const invScale = scale >= 1 ? 1 / scale : 1;
  const windows = Array.from({ length: m }, (_, j) => {
    const center = scale * (j + 0.5);
    // (C++ casts to int64, truncating toward zero)
    const lo = Math.max(Math.trunc(center - support + 0.5), 0);
    const size = Math.min(Math.trunc(center + support + 0.5), n) - lo;
    const w = Array.from({ length: Math.max(size, 0) }, (_, k) => filter((k + lo - center + 0.5) * invScale));
    const total = w.reduce((a, b) => a + b, 0);
    return { lo, w: total !== 0 ? w.map((v) => v / total) : w };
  });
  const taps = Math.max(1, ...windows.map((win) => win.w.length));
  const trailing = new Array<number>(x.shape.length - dim - 1).fill(1);
  let out: Tensor | null = null;
  for (let k = 0; k < taps; k++) {
    const index = new Int32Array(m), weight = new Float64Array(m);
    windows.forEach((win, j) => {
      // taps past a window's end read its first element with weight 0
      index[j] = k < win.w.length ? win.lo + k : Math.min(win.lo, n - 1);
      weight[j] = k < win.w.length ? win.w[k]! : 0;
    });
    const w = reshape(fromTypedArray(x.dtype === "float64" ? weight : Float32Array.from(weight)), [m, ...trailing]);
    const term = mul(indexSelect(x, dim, fromTypedArray(index)), w);
    out = out === null ? term : add(out, term);
  }
  return out!;
}
