/**
 * Batch normalisation of a contiguous [N, C, S] array (S: the product of the
 * spatial dims, 1 for [N, C]) per channel, forward and backward, in double
 * precision whatever the dtype: the core loops of F.batchNorm (the reference
 * backend runs these; the native backend runs native/batch-norm.c, the same
 * operations in the same order, so the same bits).
 *
 * A channel's N·S elements are taken in order (n, then s) and summed in
 * eight-sums.ts's order.
 */
import type { TypedArray } from "../tensor/dtype.js";
import { sum8 } from "../ops/eight-sums.js";

type Floats = Float32Array | Float64Array;

/** The sum of f(k) over channel c's elements t = n·S + s (k their index in x), in eight-sums.ts's order. */
function channelSum(N: number, C: number, S: number, c: number, f: (k: number) => number): number {
  return sum8(N * S, (t) => f((Math.floor(t / S) * C + c) * S + (t % S)));
}

/**
 * out = (x - mean[c]) · rstd[c] · w[c] + b[c] (w, b optional). In training,
 * mean[c], variance[c] (biased) and rstd[c] = 1 / sqrt(variance + eps) are
 * the channel's and written here; otherwise mean and rstd are given (from
 * the running statistics) and variance is not touched.
 */
export function batchNormChannels(
  out: TypedArray, x: Floats, w: Floats | null, b: Floats | null, mean: Float64Array, rstd: Float64Array, variance: Float64Array,
  N: number, C: number, S: number, eps: number, training: boolean,
): void {
  const count = N * S;
  for (let c = 0; c < C; c++) {
    if (training) {
      const m = channelSum(N, C, S, c, (k) => x[k]!) / count;
      const v = channelSum(N, C, S, c, (k) => {
        const d = x[k]! - m;
        return d * d;
      }) / count;
      mean[c] = m;
      variance[c] = v;
      rstd[c] = 1 / Math.sqrt(v + eps);
    }
    const m = mean[c]!, r = rstd[c]!;
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * S;
      for (let s = 0; s < S; s++) {
        let y = (x[base + s]! - m) * r;
        if (w !== null) y = y * w[c]!;
        if (b !== null) y = y + b[c]!;
        out[base + s] = y;
      }
    }
  }
}

/**
 * The gradients of batchNormChannels from g: gx (training: rstd · (gw -
 * mean(gw) - xhat · mean(gw · xhat)) over the channel, with gw = g · w[c] and
 * xhat = (x - mean) · rstd; in evaluation, where the statistics are
 * constants, gw · rstd), gw[c] = Σ g · xhat and gb[c] = Σ g; each may be null.
 */
export function batchNormBackwardChannels(
  gx: TypedArray | null, gw: TypedArray | null, gb: TypedArray | null,
  g: Floats, x: Floats, w: Floats | null, mean: Float64Array, rstd: Float64Array, N: number, C: number, S: number, training: boolean,
): void {
  const count = N * S;
  for (let c = 0; c < C; c++) {
    const m = mean[c]!, r = rstd[c]!, wc = w === null ? 1 : w[c]!;
    const xhat = (k: number) => (x[k]! - m) * r;
    const gwk = (k: number) => (w === null ? g[k]! : g[k]! * wc);
    if (gw !== null) gw[c] = channelSum(N, C, S, c, (k) => g[k]! * xhat(k));
    if (gb !== null) gb[c] = channelSum(N, C, S, c, (k) => g[k]!);
    if (gx === null) continue;
    const a = training ? channelSum(N, C, S, c, gwk) / count : 0, d = training ? channelSum(N, C, S, c, (k) => gwk(k) * xhat(k)) / count : 0;
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * S;
      for (let s = 0; s < S; s++) {
        const k = base + s;
        gx[k] = training ? r * ((gwk(k) - a) - xhat(k) * d) : gwk(k) * r;
      }
    }
  }
}
