/**
 * The matrix functions `parametrizations.orthogonal` needs, composed of
 * differentiable tensor ops (so backward and double backward come free):
 * the matrix exponential, the product of Householder reflectors, and
 * LAPACK's `geqrf` (no gradient; only `rightInverse` uses it). All act on
 * the last two dims, batches broadcast.
 */
import { noGrad } from "../../autograd/grad-mode-api.js";
import { eye, fromTypedArray } from "../../ops/factories.js";
import { matrixNorm } from "../../ops/linalg/norms.js";
import type { Tensor } from "../../tensor/tensor.js";

/**
 * `exp(A)` of square matrices by scaling and squaring: the Taylor series of
 * `A / 2^s` (with ‖A / 2^s‖₁ ≤ 1/2, to degree 18 by Horner's rule, far below
 * float64 rounding) squared `s` times (PyTorch's `matrix_exp`).
 */
export function matrixExp(A: Tensor): Tensor {
  const n = A.shape[A.dim() - 1]!;
  const norm = noGrad(() => matrixNorm(A, 1).max().item());
  const s = norm > 0.5 ? Math.ceil(Math.log2(norm / 0.5)) : 0;
  const X = s === 0 ? A : A.div(2 ** s);
  const I = eye(n, { dtype: A.dtype });
  // I + X(I + X/2(I + X/3(...)))
  let E = I;
  for (let k = 18; k >= 1; k--) E = I.add(X.matmul(E).div(k));
  for (let i = 0; i < s; i++) E = E.matmul(E);
  return E;
}

/**
 * The first `k` columns of `H_1 ⋯ H_k` with `H_i = I − τ_i v_i v_iᵀ`, where
 * `v_i` is column i of `A` below the diagonal with an implicit 1 on it
 * (PyTorch's `linalg.householder_product(A, tau)` for A `[..., n, k]`,
 * tau `[..., k]`).
 */
export function householderProduct(A: Tensor, tau: Tensor): Tensor {
  const n = A.shape[A.dim() - 2]!, k = A.shape[A.dim() - 1]!;
  const V = A.tril(-1).add(eye(n, k, { dtype: A.dtype }));
  let Q = eye(n, k, { dtype: A.dtype });
  // applied right to left: Q ← H_i Q
  for (let i = k - 1; i >= 0; i--) {
    const v = V.select(-1, i).unsqueeze(-1);
    const t = tau.select(-1, i).unsqueeze(-1).unsqueeze(-1);
    Q = Q.sub(v.mul(t).matmul(v.transpose(-2, -1).matmul(Q)));
  }
  return Q;
}

/**
 * LAPACK's `geqrf` of matrices `[..., m, n]`: R on and above the diagonal,
 * the Householder vectors (without their unit entry) below it, and the
 * `tau` of each reflector, with LAPACK's sign conventions (dlarfg: the new
 * diagonal entry is `−sign(α)·‖x‖`; tau 0 where the column is already
 * reduced). Values only, no gradient.
 */
export function geqrf(A: Tensor): { a: Tensor; tau: Tensor } {
  const m = A.shape[A.dim() - 2]!, n = A.shape[A.dim() - 1]!, k = Math.min(m, n);
  const batch = A.shape.slice(0, -2);
  const count = batch.reduce((x, y) => x * y, 1);
  const a = Float64Array.from(A.detach().contiguous().toArray() as ArrayLike<number>);
  const tau = new Float64Array(count * k);
  for (let b = 0; b < count; b++) {
    const at = (i: number, j: number): number => b * m * n + i * n + j;
    for (let j = 0; j < k; j++) {
      const alpha = a[at(j, j)]!;
      let xnorm = 0;
      for (let i = j + 1; i < m; i++) xnorm = Math.hypot(xnorm, a[at(i, j)]!);
      if (xnorm === 0) continue; // H = I, tau = 0
      const beta = -(alpha >= 0 ? 1 : -1) * Math.hypot(alpha, xnorm);
      const t = (beta - alpha) / beta;
      tau[b * k + j] = t;
      for (let i = j + 1; i < m; i++) a[at(i, j)] = a[at(i, j)]! / (alpha - beta);
      a[at(j, j)] = beta;
      // apply H = I − t v vᵀ (v = [1, a[j+1:, j]]) to the columns on the right
      for (let c = j + 1; c < n; c++) {
        let dot = a[at(j, c)]!;
        for (let i = j + 1; i < m; i++) dot += a[at(i, j)]! * a[at(i, c)]!;
        a[at(j, c)] = a[at(j, c)]! - t * dot;
        for (let i = j + 1; i < m; i++) a[at(i, c)] = a[at(i, c)]! - t * dot * a[at(i, j)]!;
      }
    }
  }
  const cast = (data: Float64Array, shape: number[]): Tensor => {
    const t = fromTypedArray(data, shape);
    return A.dtype === "float64" ? t : t.to(A.dtype);
  };
  return { a: cast(a, [...batch, m, n]), tau: cast(tau, [...batch, k]) };
}
