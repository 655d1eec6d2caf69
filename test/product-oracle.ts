/**
 * The float64 oracle of the matrix-product tests: `a.matmul(b)` checked
 * element by element against the float64 sum of the same values,
 * |out - ref| <= tol * sum |a||b| (tol by dtype).
 */
import assert from "node:assert/strict";
import type { Tensor } from "../src/index.js";

export type Float = "float32" | "float64";
export const PRODUCT_TOL = { float32: 1e-5, float64: 1e-13 } as const;

/**
 * Checks a.matmul(b) (a [batch?, M, K], b [batch?, K, N]; a missing batch dim
 * broadcasts) and returns it: its shape, and each element against the float64
 * product within PRODUCT_TOL.
 */
export function checkProduct(label: string, a: Tensor, b: Tensor): Tensor {
  const out = a.matmul(b);
  const batch = Math.max(a.dim() === 3 ? a.shape[0]! : 1, b.dim() === 3 ? b.shape[0]! : 1);
  const M = a.shape[a.dim() - 2]!, K = a.shape[a.dim() - 1]!, N = b.shape[b.dim() - 1]!;
  assert.deepEqual(out.shape, a.dim() === 3 || b.dim() === 3 ? [batch, M, N] : [M, N], label);
  const av = Array.from(a.expand([batch, M, K]).contiguous().toArray() as Float32Array | Float64Array);
  const bv = Array.from(b.expand([batch, K, N]).contiguous().toArray() as Float32Array | Float64Array);
  const ov = out.contiguous().toArray();
  const tol = PRODUCT_TOL[a.dtype as Float];
  const sum = new Float64Array(N), bound = new Float64Array(N);
  for (let q = 0; q < batch; q++) {
    for (let i = 0; i < M; i++) {
      sum.fill(0);
      bound.fill(0);
      for (let k = 0; k < K; k++) {
        const x = av[(q * M + i) * K + k]!, row = (q * K + k) * N;
        for (let n = 0; n < N; n++) {
          const p = x * bv[row + n]!;
          sum[n] = sum[n]! + p;
          bound[n] = bound[n]! + Math.abs(p);
        }
      }
      for (let n = 0; n < N; n++) {
        const err = Math.abs(ov[(q * M + i) * N + n]! - sum[n]!) / (bound[n]! + 1e-300);
        if (!(err <= tol)) assert.fail(`${label}: out[${q}, ${i}, ${n}] = ${ov[(q * M + i) * N + n]}, expected ${sum[n]} (relative to sum |a||b|: ${err})`);
      }
    }
  }
  return out;
}
