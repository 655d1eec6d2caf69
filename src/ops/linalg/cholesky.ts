/**
 * linalg.cholesky: A = L Lᵀ for symmetric positive-definite A, in float64
 * loops, with PyTorch's gradient.
 */
import type { Tensor } from "../../tensor/tensor.js";
import { needsGrad, numelOf, record } from "../core.js";
import { add, mul } from "../elementwise.js";
import { eye } from "../factories.js";
import { matmul } from "../linalg.js";
import { tril } from "../masking.js";
import { contiguous, transpose } from "../views.js";
import { batchPrefix, batchShape, checkSquare, float64Data, fromFloat64 } from "./batch.js";
import { inverseUnchecked } from "./lu.js";

/** Options of linalg.cholesky. */
export interface CholeskyOptions {
  /** return the upper factor U = Lᵀ (A = Uᵀ U) instead of L */
  upper?: boolean;
}

/**
 * The Cholesky factor of symmetric positive-definite matrices (batches
 * `[..., n, n]`; only the lower triangle is read): lower-triangular L with
 * A = L Lᵀ, or U = Lᵀ with `upper`. Throws PyTorch's error naming the first
 * leading minor that is not positive-definite (NaN propagates). Differentiable (PyTorch's
 * formula, a symmetric gradient).
 *
 * @example
 * torch.linalg.cholesky(torch.tensor([[4, 2], [2, 5]])); // tensor([[2, 0], [1, 2]])
 */
export function cholesky(A: Tensor, options: CholeskyOptions = {}): Tensor {
  const op = "linalg.cholesky";
  const n = checkSquare(A, op);
  const batch = batchShape(A);
  const a = float64Data(A.detach());
  const out = new Float64Array(a.length);
  for (let b = 0; b < numelOf(batch); b++) {
    // a NaN pivot is not refused: it propagates into L, as in PyTorch
    const info = choleskyFactorInto(a, out, b * n * n, n, (d) => !(d <= 0));
    if (info > 0) {
      throw new Error(`${op}: ${batchPrefix(batch.length > 0, b)}The factorization could not be completed because the input is not positive-definite (the leading minor of order ${info} is not positive-definite).`);
    }
  }
  return choleskyResult(A, out, options.upper ?? false);
}

/**
 * Factors the n x n matrix at offset o of `a` into the lower triangle of `out`
 * (its upper triangle left as it is), column by column. Returns 0, or j + 1
 * when `accept` refuses the j-th pivot; `out` then holds what LAPACK's potrf
 * leaves: the first j columns of the factor, the refused pivot, A's entries
 * after it.
 */
export function choleskyFactorInto(a: Float64Array, out: Float64Array, o: number, n: number, accept: (pivot: number) => boolean): number {
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) out[o + i * n + j] = a[o + i * n + j]!;
  for (let j = 0; j < n; j++) {
    let d = a[o + j * n + j]!;
    for (let k = 0; k < j; k++) d -= out[o + j * n + k]! ** 2;
    if (!accept(d)) {
      out[o + j * n + j] = d;
      return j + 1;
    }
    const ljj = Math.sqrt(d);
    out[o + j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[o + i * n + j]!;
      for (let k = 0; k < j; k++) s -= out[o + i * n + k]! * out[o + j * n + k]!;
      out[o + i * n + j] = s / ljj;
    }
  }
  return 0;
}

/** The factor of A from the lower factors in `lower` (upper triangles zero): L, or U = Lᵀ, with PyTorch's gradient. */
export function choleskyResult(A: Tensor, lower: Float64Array, upper: boolean): Tensor {
  const n = A.shape[A.shape.length - 1]!;
  const Lower = fromFloat64(lower, A.shape, A.dtype);
  const result = upper ? contiguous(transpose(Lower, -2, -1)) : Lower;
  if (needsGrad(A)) {
    record("LinalgCholeskyExBackward0", [A], result, ([g], [Ls]) => [choleskyBackward(upper ? transpose(g!, -2, -1) : g!, Ls!, n)], [Lower]);
  }
  return result;
}

/** PyTorch's cholesky_backward: gA = sym(L⁻ᵀ Φ(Lᵀ gL) L⁻¹), Φ taking the lower triangle with the diagonal halved. */
function choleskyBackward(gL: Tensor, L: Tensor, n: number): Tensor {
  const M = matmul(transpose(L, -2, -1), gL);
  const phi = add(tril(M, -1), mul(mul(M, eye(n, n, { dtype: M.dtype })), 0.5));
  const Linv = inverseUnchecked(L, "linalg.cholesky");
  const gA = matmul(transpose(Linv, -2, -1), matmul(phi, Linv));
  return mul(add(gA, transpose(gA, -2, -1)), 0.5);
}
