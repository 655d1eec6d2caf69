/**
 * linalg.qr: Householder QR in float64 loops with LAPACK's conventions
 * (R's diagonal as geqrf leaves it, possibly negative), and its gradient
 * (square, tall and wide).
 */
import type { Tensor } from "../../tensor/tensor.js";
import { needsGrad, numelOf, record } from "../core.js";
import { add, sub } from "../elementwise.js";
import { zeros } from "../factories.js";
import { matmul } from "../linalg.js";
import { tril } from "../masking.js";
import { cat } from "../indexing.js";
import { narrow, transpose } from "../views.js";
import { batchShape, checkFloating, checkMatrix, float64Data, fromFloat64 } from "./batch.js";
import { inverseUnchecked } from "./lu.js";
import { namedTuple } from "../named-tuple.js";

/** Options of linalg.qr. */
export interface QrOptions {
  /** "reduced" (default): Q `[..., m, k]`, R `[..., k, n]` with k = min(m, n); "complete": Q `[..., m, m]`, R `[..., m, n]`; "r": R only (Q is empty) */
  mode?: "reduced" | "complete" | "r";
}

/** What linalg.qr returns: A = Q R with orthonormal columns in Q and upper-triangular R. */
export interface QrResult extends Iterable<Tensor> {
  Q: Tensor;
  R: Tensor;
}

/** Householder QR of the m×n row-major matrix at `offset` of `a`: writes R (rows × n) and Q (m × cols) at the given offsets. */
export function householderQr(a: Float64Array, offset: number, m: number, n: number, q: Float64Array | null, qOffset: number, cols: number, r: Float64Array, rOffset: number, rows: number): void {
  const w = a.slice(offset, offset + m * n);
  const k = Math.min(m, n);
  const vs: Float64Array[] = [], taus: number[] = [];
  for (let j = 0; j < k; j++) {
    const alpha = w[j * n + j]!;
    let xnorm = 0;
    for (let i = j + 1; i < m; i++) xnorm = Math.hypot(xnorm, w[i * n + j]!);
    const v = new Float64Array(m);
    v[j] = 1;
    let tau = 0;
    if (xnorm !== 0) {
      // LAPACK's dlarfg: beta = -sign(alpha) |(alpha, x)|, v = x / (alpha - beta), tau = (beta - alpha) / beta
      const beta = -(alpha >= 0 ? 1 : -1) * Math.hypot(alpha, xnorm);
      tau = (beta - alpha) / beta;
      for (let i = j + 1; i < m; i++) v[i] = w[i * n + j]! / (alpha - beta);
      w[j * n + j] = beta;
      for (let i = j + 1; i < m; i++) w[i * n + j] = 0;
      for (let c = j + 1; c < n; c++) {
        let s = 0;
        for (let i = j; i < m; i++) s += v[i]! * w[i * n + c]!;
        s *= tau;
        for (let i = j; i < m; i++) w[i * n + c]! -= s * v[i]!;
      }
    }
    vs.push(v);
    taus.push(tau);
  }
  for (let i = 0; i < rows; i++) for (let c = i; c < n; c++) r[rOffset + i * n + c] = i < m ? w[i * n + c]! : 0;
  if (q === null) return;
  // Q = H_0 H_1 ... H_{k-1} applied to the first `cols` columns of the identity
  for (let i = 0; i < Math.min(m, cols); i++) q[qOffset + i * cols + i] = 1;
  for (let j = k - 1; j >= 0; j--) {
    const v = vs[j]!, tau = taus[j]!;
    if (tau === 0) continue;
    for (let c = 0; c < cols; c++) {
      let s = 0;
      for (let i = j; i < m; i++) s += v[i]! * q[qOffset + i * cols + c]!;
      s *= tau;
      for (let i = j; i < m; i++) q[qOffset + i * cols + c]! -= s * v[i]!;
    }
  }
}

/**
 * The QR decomposition of matrices (batches `[..., m, n]`) by Householder
 * reflections, with LAPACK's (and so PyTorch's) signs: R's diagonal may be
 * negative. Differentiable in modes "reduced" and "complete" (PyTorch's
 * errors for mode "r", and for "complete" with more rows than columns).
 *
 * @example
 * const { Q, R } = torch.linalg.qr(torch.tensor([[3, 1], [4, 2]]));
 * // Q: [[-0.6, -0.8], [-0.8, 0.6]], R: [[-5, -2.2], [0, 0.4]]
 */
export function qr(A: Tensor, options: QrOptions = {}): QrResult {
  const op = "linalg.qr";
  const mode = options.mode ?? "reduced";
  if (mode !== "reduced" && mode !== "complete" && mode !== "r") {
    throw new Error(`qr received unrecognized mode '${String(mode)}' but expected one of 'reduced' (default), 'r', or 'complete'`);
  }
  checkMatrix(A, op);
  checkFloating(A, op);
  const m = A.shape[A.dim() - 2]!, n = A.shape[A.dim() - 1]!, k = Math.min(m, n);
  const batch = batchShape(A), count = numelOf(batch);
  const cols = mode === "complete" ? m : k, rows = mode === "complete" ? m : k;
  const a = float64Data(A.detach());
  const q = mode === "r" ? null : new Float64Array(count * m * cols);
  const r = new Float64Array(count * rows * n);
  for (let b = 0; b < count; b++) householderQr(a, b * m * n, m, n, q, b * m * cols, cols, r, b * rows * n, rows);
  const Q = q === null ? zeros([0], { dtype: A.dtype }) : fromFloat64(q, [...batch, m, cols], A.dtype);
  const R = fromFloat64(r, [...batch, rows, n], A.dtype);
  if (needsGrad(A)) {
    record("LinalgQrBackward0", [A], q === null ? [R] : [Q, R], ([gQ, gR], [Qs, Rs, As]) => {
      if (mode === "r") {
        throw new Error("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please use linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.");
      }
      if (mode === "complete" && m > n) throw new Error("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.");
      if (m >= n) return [qrBackward(gQ ?? null, gR ?? null, Qs!, Rs!)];
      // wide: A = [X | Y] with X m×m gives R = [U | Qᵀ Y], so Y's part of the loss moves to gQ
      const d = As!.dim() - 1;
      const Y = narrow(As!, d, m, n - m), U = narrow(Rs!, d, 0, m);
      const gU = gR ? narrow(gR, d, 0, m) : null, gV = gR ? narrow(gR, d, m, n - m) : null;
      const gQw = gV ? add(gQ ?? zeros(Qs!.shape, { dtype: Qs!.dtype }), matmul(Y, transpose(gV, -2, -1))) : (gQ ?? null);
      const gX = qrBackward(gQw, gU, Qs!, U);
      return [gV ? cat([gX, matmul(Qs!, gV)], d) : cat([gX, zeros(Y.shape, { dtype: Y.dtype })], d)];
    }, mode === "r" ? [] : [Q, R, A]);
  }
  return namedTuple({ Q, R });
}

/**
 * The gradient of A = QR (m ≥ n, Q m×n): with M = Qᵀ gQ − gR Rᵀ and
 * N = tril(M − Mᵀ, −1), gA = Q gR + (gQ − Q Qᵀ gQ + Q N) R⁻ᵀ.
 */
function qrBackward(gQ: Tensor | null, gR: Tensor | null, Q: Tensor, R: Tensor): Tensor {
  const Qt = transpose(Q, -2, -1), Rt = transpose(R, -2, -1);
  const dQ = gQ ?? zeros(Q.shape, { dtype: Q.dtype });
  const dR = gR ?? zeros(R.shape, { dtype: R.dtype });
  const QtgQ = matmul(Qt, dQ);
  const M = sub(QtgQ, matmul(dR, Rt));
  const N = tril(sub(M, transpose(M, -2, -1)), -1);
  const inner = add(sub(dQ, matmul(Q, QtgQ)), matmul(Q, N));
  return add(matmul(Q, dR), matmul(inner, transpose(inverseUnchecked(R, "linalg.qr"), -2, -1)));
}
