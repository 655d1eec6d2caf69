/**
 * linalg.eigh and linalg.eigvalsh: eigenvalues (ascending) and orthonormal
 * eigenvectors of symmetric matrices by cyclic Jacobi rotations in float64,
 * with PyTorch's gradients.
 */
import type { Tensor } from "../../tensor/tensor.js";
import { needsGrad, numelOf, record } from "../core.js";
import { add, div, mul, sub } from "../elementwise.js";
import { eye } from "../factories.js";
import { matmul } from "../linalg.js";
import { transpose, unsqueeze } from "../views.js";
import { batchShape, checkMatrix, float64Data, fromFloat64, typeName } from "./batch.js";
import { rotatePairs } from "./rotate.js";
import { namedTuple } from "../named-tuple.js";

/** Options of linalg.eigh and linalg.eigvalsh. */
export interface EighOptions {
  /** which triangle of A is read: "L" (default) or "U" */
  UPLO?: "L" | "U";
}

/** What linalg.eigh returns: A = V diag(eigenvalues) Vᵀ, eigenvalues ascending, eigenvectors in V's columns. */
export interface EighResult extends Iterable<Tensor> {
  eigenvalues: Tensor;
  eigenvectors: Tensor;
}

/** Eigen-decomposes the symmetric matrix whose `uplo` triangle is at `offset` of `a`; writes sorted values and vectors (columns). */
function jacobi(a: Float64Array, offset: number, n: number, lower: boolean, w: Float64Array, wOffset: number, v: Float64Array, vOffset: number): void {
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const fromLower = i >= j;
      s[i * n + j] = fromLower === lower || i === j ? a[offset + i * n + j]! : a[offset + j * n + i]!;
    }
  }
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  let total = 0;
  for (let i = 0; i < n * n; i++) total += s[i]! ** 2;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += s[p * n + q]! ** 2;
    if (off <= 1e-34 * total || off === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = s[p * n + q]!;
        if (apq === 0) continue;
        const theta = (s[q * n + q]! - s[p * n + p]!) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), sn = t * c;
        rotatePairs(s, p, q, n, n, c, sn); // columns p, q
        rotatePairs(s, p * n, q * n, 1, n, c, sn); // rows p, q
        rotatePairs(V, p, q, n, n, c, sn);
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => s[x * n + x]! - s[y * n + y]!);
  order.forEach((src, dst) => {
    w[wOffset + dst] = s[src * n + src]!;
    for (let k = 0; k < n; k++) v[vOffset + k * n + dst] = V[k * n + src]!;
  });
}

/** Checks and the decomposition shared by eigh and eigvalsh. */
function decompose(A: Tensor, options: EighOptions): { w: Tensor; V: Tensor } {
  const op = "linalg.eigh";
  const uplo = options.UPLO ?? "L";
  if (uplo !== "L" && uplo !== "U") throw new Error(`Expected UPLO argument to be 'L' or 'U', but got ${String(uplo)}`);
  checkMatrix(A, op);
  const m = A.shape[A.dim() - 2]!, n = A.shape[A.dim() - 1]!;
  if (m !== n) throw new Error(`${op}: A must be batches of square matrices, but they are ${m} by ${n} matrices`);
  // PyTorch 1.13's dispatch error (it has no dtype check of its own here)
  if (A.dtype !== "float32" && A.dtype !== "float64") throw new Error(`"linalg_eigh_cpu" not implemented for '${typeName(A.dtype)}'`);
  const batch = batchShape(A), count = numelOf(batch);
  const a = float64Data(A.detach());
  const w = new Float64Array(count * n), v = new Float64Array(count * n * n);
  for (let b = 0; b < count; b++) jacobi(a, b * n * n, n, uplo === "L", w, b * n, v, b * n * n);
  return { w: fromFloat64(w, [...batch, n], A.dtype), V: fromFloat64(v, A.shape, A.dtype) };
}

/**
 * Eigenvalues (ascending) and orthonormal eigenvectors (columns) of symmetric
 * matrices (batches `[..., n, n]`; only the `UPLO` triangle is read), by
 * Jacobi rotations in float64. Eigenvectors are unique only up to sign.
 * Differentiable (PyTorch's formula; the eigenvectors' gradient needs
 * distinct eigenvalues).
 *
 * @example
 * const { eigenvalues, eigenvectors } = torch.linalg.eigh(torch.tensor([[2, 1], [1, 2]]));
 * // eigenvalues: tensor([1., 3.])
 */
export function eigh(A: Tensor, options: EighOptions = {}): EighResult {
  const { w, V } = decompose(A, options);
  if (needsGrad(A)) {
    record("LinalgEighBackward0", [A], [w, V], ([gw, gV], [ws, Vs]) => [eighBackward(gw ?? null, gV ?? null, ws!, Vs!)], [w, V]);
  }
  return namedTuple({ eigenvalues: w, eigenvectors: V });
}

/**
 * The eigenvalues (ascending) of symmetric matrices (batches `[..., n, n]`;
 * only the `UPLO` triangle is read). Differentiable: the gradient is
 * `V diag(g) Vᵀ`.
 *
 * @example
 * torch.linalg.eigvalsh(torch.tensor([[2, 1], [1, 2]])); // tensor([1., 3.])
 */
export function eigvalsh(A: Tensor, options: EighOptions = {}): Tensor {
  // with a gradient, through eigh: its eigenvectors stay differentiable, so second derivatives work
  if (needsGrad(A)) return eigh(A, options).eigenvalues;
  return decompose(A, options).w;
}

/** PyTorch's linalg_eig_backward for symmetric input: gA = V (skew(Vᵀ gV) / E + diag(gw)) Vᵀ with E_ij = w_j − w_i. */
function eighBackward(gw: Tensor | null, gV: Tensor | null, w: Tensor | null, V: Tensor): Tensor {
  const n = V.shape[V.dim() - 1]!;
  const I = eye(n, n, { dtype: V.dtype });
  const Vt = transpose(V, -2, -1);
  let inner: Tensor | null = null;
  if (gV !== null) {
    const X = matmul(Vt, gV);
    const skew = mul(sub(X, transpose(X, -2, -1)), 0.5);
    const E = add(sub(unsqueeze(w!, -2), unsqueeze(w!, -1)), I);
    inner = div(skew, E);
  }
  if (gw !== null) {
    const d = mul(unsqueeze(gw, -2), I);
    inner = inner === null ? d : add(inner, d);
  }
  return matmul(V, matmul(inner!, Vt));
}
