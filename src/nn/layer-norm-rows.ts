/**
 * Layer normalisation over the rows of a contiguous [M, N] array, forward
 * and backward, in double precision whatever the dtype: the core loops of
 * F.layerNorm (the reference backend runs these; the native backend runs
 * native/layer-norm.c, the same operations in the same order, so the same
 * bits).
 *
 * Sums over a row are in eight-sums.ts's order, which C vectorizes.
 */
import type { TypedArray } from "../tensor/dtype.js";
import { sum8 } from "../ops/eight-sums.js";

type Floats = Float32Array | Float64Array;

/**
 * out[r, i] = (x[r, i] - mean[r]) · rstd[r] · w[i] + b[i] (w, b optional),
 * mean[r] the row's mean, rstd[r] = 1 / sqrt(its biased variance + eps).
 */
export function layerNormRows(out: TypedArray, x: Floats, w: Floats | null, b: Floats | null, mean: Float64Array, rstd: Float64Array, M: number, N: number, eps: number): void {
  for (let r = 0; r < M; r++) {
    const at = r * N;
    const m = sum8(N, (i) => x[at + i]!) / N;
    const v = sum8(N, (i) => {
      const d = x[at + i]! - m;
      return d * d;
    }) / N;
    const s = 1 / Math.sqrt(v + eps);
    for (let i = 0; i < N; i++) {
      let y = (x[at + i]! - m) * s;
      if (w !== null) y = y * w[i]!;
      if (b !== null) y = y + b[i]!;
      out[at + i] = y;
    }
    mean[r] = m;
    rstd[r] = s;
  }
}

/**
 * The gradients of layerNormRows from g (the output's, [M, N]): gx (per row,
 * rstd · (gw - mean(gw) - xhat · mean(gw · xhat)) with gw = g · w and xhat =
 * (x - mean) · rstd), gw (Σ over rows of g · xhat) and gb (Σ over rows of
 * g); each may be null when not wanted.
 */
export function layerNormBackwardRows(
  gx: TypedArray | null, gw: TypedArray | null, gb: TypedArray | null,
  g: Floats, x: Floats, w: Floats | null, mean: Float64Array, rstd: Float64Array, M: number, N: number,
): void {
  const sw = gw === null ? null : new Float64Array(N), sb = gb === null ? null : new Float64Array(N);
  for (let r = 0; r < M; r++) {
    const at = r * N, m = mean[r]!, s = rstd[r]!;
    const xhat = (i: number) => (x[at + i]! - m) * s;
    const gwi = (i: number) => (w === null ? g[at + i]! : g[at + i]! * w[i]!);
    if (gx !== null) {
      const a = sum8(N, gwi) / N, c = sum8(N, (i) => gwi(i) * xhat(i)) / N;
      for (let i = 0; i < N; i++) gx[at + i] = s * ((gwi(i) - a) - xhat(i) * c);
    }
    for (let i = 0; i < N; i++) {
      if (sw !== null) sw[i] = sw[i]! + g[at + i]! * xhat(i);
      if (sb !== null) sb[i] = sb[i]! + g[at + i]!;
    }
  }
  if (gw !== null) gw.set(sw!);
  if (gb !== null) gb.set(sb!);
}
