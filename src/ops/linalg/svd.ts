/**
 * linalg.svd, linalg.svdvals, linalg.pinv, linalg.matrix_rank and
 * linalg.lstsq: a one-sided (Hestenes) Jacobi SVD in float64 loops, with
 * PyTorch 2.x's svd_backward; the others are composed of differentiable
 * pieces on top of it.
 */
import type { Tensor } from "../../tensor/tensor.js";
import { needsGrad, numelOf, record } from "../core.js";
import { abs, add, div, mul, neg, sub } from "../elementwise.js";
import { eye, fromTypedArray } from "../factories.js";
import { matmul } from "../linalg.js";
import { contiguous, narrow, squeeze, transpose, unsqueeze } from "../views.js";
import { batchPrefix, batchShape, checkFloating, checkMatrix, float64Data, fromFloat64, typeName } from "./batch.js";
import { eigh } from "./eigh.js";
import { rotatePairs } from "./rotate.js";
import { namedTuple } from "../named-tuple.js";

/** Options of linalg.svd. */
export interface SvdOptions {
  /** true (default): U `[..., m, m]` and Vh `[..., n, n]`; false: U `[..., m, k]` and Vh `[..., k, n]` with k = min(m, n) */
  fullMatrices?: boolean;
}

/** What linalg.svd returns: A = U diag(S) Vh, S descending, U and Vhᵀ with orthonormal columns. */
export interface SvdResult extends Iterable<Tensor> {
  U: Tensor;
  S: Tensor;
  Vh: Tensor;
}

/**
 * SVD of the r×c row-major matrix at `offset` of `a` (transposed first when
 * `trans`, so that r ≥ c always): writes the c singular values (descending)
 * to `s`, the left vectors as the first c columns of the r×uCols matrix `u`
 * (completed to an orthonormal basis of uCols columns) and the right vectors
 * as the c columns of the c×c matrix `v`.
 */
function jacobiSvd(a: Float64Array, offset: number, r: number, c: number, trans: boolean, s: Float64Array, sOff: number, u: Float64Array, uOff: number, uCols: number, v: Float64Array, vOff: number): void {
  // G holds the columns of the working matrix, column-major: G[j * r + i]
  const G = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) G[j * r + i] = trans ? a[offset + j * r + i]! : a[offset + i * c + j]!;
  const V = new Float64Array(c * c);
  for (let j = 0; j < c; j++) V[j * c + j] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let rotated = false;
    for (let p = 0; p < c; p++) {
      for (let q = p + 1; q < c; q++) {
        let alpha = 0, beta = 0, gamma = 0;
        for (let i = 0; i < r; i++) {
          const gp = G[p * r + i]!, gq = G[q * r + i]!;
          alpha += gp * gp;
          beta += gq * gq;
          gamma += gp * gq;
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const cs = 1 / Math.sqrt(1 + t * t), sn = cs * t;
        rotatePairs(G, p * r, q * r, 1, r, cs, sn);
        rotatePairs(V, p * c, q * c, 1, c, cs, sn);
      }
    }
    if (!rotated) break;
  }
  const norms = Array.from({ length: c }, (_, j) => {
    let x = 0;
    for (let i = 0; i < r; i++) x = Math.hypot(x, G[j * r + i]!);
    return x;
  });
  const order = Array.from({ length: c }, (_, j) => j).sort((x, y) => norms[y]! - norms[x]!);
  const maxNorm = norms[order[0]!] ?? 0;
  // left vectors as columns (column-major scratch); a zero singular value leaves its column to the completion
  const Ucols: Float64Array[] = [];
  order.forEach((src, dst) => {
    const sv = norms[src]!;
    s[sOff + dst] = sv;
    for (let i = 0; i < c; i++) v[vOff + i * c + dst] = V[src * c + i]!;
    const col = new Float64Array(r);
    if (sv > 1e-300 && sv > maxNorm * 1e-300) for (let i = 0; i < r; i++) col[i] = G[src * r + i]! / sv;
    Ucols.push(col);
  });
  // complete to uCols orthonormal columns by Gram–Schmidt against the unit vectors
  let unit = 0;
  for (let j = 0; j < uCols; j++) {
    if (j < c && Ucols[j]!.some((x) => x !== 0)) continue;
    for (; unit < r; unit++) {
      const x = new Float64Array(r);
      x[unit] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (let k = 0; k < Ucols.length; k++) {
          if (k === j) continue;
          const col = Ucols[k]!;
          let d = 0;
          for (let i = 0; i < r; i++) d += col[i]! * x[i]!;
          for (let i = 0; i < r; i++) x[i]! -= d * col[i]!;
        }
      }
      let nrm = 0;
      for (let i = 0; i < r; i++) nrm = Math.hypot(nrm, x[i]!);
      if (nrm > 1e-8) {
        for (let i = 0; i < r; i++) x[i]! /= nrm;
        if (j < c) Ucols[j] = x;
        else Ucols.push(x);
        unit++;
        break;
      }
    }
  }
  for (let j = 0; j < uCols; j++) for (let i = 0; i < r; i++) u[uOff + i * uCols + j] = Ucols[j]![i]!;
}

/** The decomposition shared by svd and svdvals, without gradients. */
function decompose(A: Tensor, fullMatrices: boolean, op: string): SvdResult {
  checkMatrix(A, op);
  checkFloating(A, op);
  const m = A.shape[A.dim() - 2]!, n = A.shape[A.dim() - 1]!, k = Math.min(m, n);
  const batch = batchShape(A), count = numelOf(batch);
  const trans = m < n, r = trans ? n : m, c = k;
  const uCols = fullMatrices ? r : c;
  const a = float64Data(A.detach());
  const s = new Float64Array(count * k), u = new Float64Array(count * r * uCols), v = new Float64Array(count * c * c);
  for (let b = 0; b < count; b++) {
    for (let i = b * m * n; i < (b + 1) * m * n; i++) {
      if (!Number.isFinite(a[i]!)) {
        throw new Error(`${op}: ${batchPrefix(batch.length > 0, b)}The algorithm failed to converge because the input matrix contained non-finite values.`);
      }
    }
  }
  for (let b = 0; b < count; b++) jacobiSvd(a, b * m * n, r, c, trans, s, b * k, u, b * r * uCols, uCols, v, b * c * c);
  const S = fromFloat64(s, [...batch, k], A.dtype);
  const Ut = fromFloat64(u, [...batch, r, uCols], A.dtype), Vt = fromFloat64(v, [...batch, c, c], A.dtype);
  // m ≥ n: A = Ut S Vtᵀ; m < n: Aᵀ = Ut S Vtᵀ, so A = Vt S Utᵀ
  if (!trans) return namedTuple({ U: Ut, S, Vh: contiguous(transpose(Vt, -2, -1)) });
  return namedTuple({ U: Vt, S, Vh: contiguous(transpose(Ut, -2, -1)) });
}

/**
 * The singular value decomposition A = U diag(S) Vh of matrices (batches
 * `[..., m, n]`), by one-sided Jacobi rotations in float64: S descending,
 * orthonormal columns in U and rows in Vh. Singular vectors are unique only
 * up to sign (a column of U times the matching row of Vh), and the extra
 * columns of `fullMatrices` only up to a basis of their span. Differentiable
 * (PyTorch's svd_backward; the vectors' gradient needs distinct non-zero
 * singular values, and with `fullMatrices` only the first min(m, n) vectors
 * carry a gradient, as in PyTorch).
 *
 * @example
 * const { U, S, Vh } = torch.linalg.svd(torch.tensor([[3, 0], [0, -4]]));
 * // S: tensor([4., 3.]); U.mul(S.unsqueeze(-2)).matmul(Vh) gives A back
 */
export function svd(A: Tensor, options: SvdOptions = {}): SvdResult {
  const full = options.fullMatrices ?? true;
  const out = decompose(A, full, "linalg.svd");
  if (needsGrad(A)) {
    const m = A.shape[A.dim() - 2]!, n = A.shape[A.dim() - 1]!, k = Math.min(m, n);
    record("LinalgSvdBackward0", [A], [out.U, out.S, out.Vh], ([gU, gS, gVh], [Us, Ss, Vhs]) => {
      if (!full) return [svdBackward(gU ?? null, gS ?? null, gVh ?? null, Us!, Ss!, Vhs!, m, n)];
      // PyTorch narrows full matrices to their first k vectors (and their gradients)
      const nU = (x: Tensor) => narrow(x, -1, 0, k), nV = (x: Tensor) => narrow(x, -2, 0, k);
      return [svdBackward(gU ? nU(gU) : null, gS ?? null, gVh ? nV(gVh) : null, nU(Us!), Ss!, nV(Vhs!), m, n)];
    }, [out.U, out.S, out.Vh]);
  }
  return out;
}

/**
 * The singular values (descending) of matrices (batches `[..., m, n]`).
 * Differentiable: the gradient is `U diag(g) Vh`.
 *
 * @example
 * torch.linalg.svdvals(torch.tensor([[3, 0], [0, -4]])); // tensor([4., 3.])
 */
export function svdvals(A: Tensor): Tensor {
  // with a gradient, through svd: its vectors stay differentiable, so second derivatives work
  if (needsGrad(A)) {
    checkMatrix(A, "linalg.svd");
    checkFloating(A, "linalg.svd");
    return svd(A, { fullMatrices: false }).S;
  }
  return decompose(A, false, "linalg.svd").S;
}

/**
 * PyTorch 2.x's svd_backward (real case, reduced U `[m, k]`, Vh `[k, n]`):
 * with skew(X) = X − Xᵀ and E_ij = S_j² − S_i², the inner k×k gradient is
 * (skew(Uᵀ gU) S + S skew(Vh gVhᵀ)) / E + diag(gS); for tall (wide) A the
 * part of gU (gVh) outside U's (V's) span adds (I − U Uᵀ) gU S⁻¹.
 */
function svdBackward(gU: Tensor | null, gS: Tensor | null, gVh: Tensor | null, U: Tensor, S: Tensor, Vh: Tensor, m: number, n: number): Tensor {
  const k = S.shape[S.dim() - 1]!;
  const I = eye(k, k, { dtype: S.dtype });
  const Ut = transpose(U, -2, -1), V = transpose(Vh, -2, -1);
  const diag = (x: Tensor) => mul(unsqueeze(x, -2), I);
  if (gU === null && gVh === null) return matmul(U, matmul(diag(gS!), Vh));
  const skew = (X: Tensor) => sub(X, transpose(X, -2, -1));
  const S2 = mul(S, S);
  const E = add(sub(unsqueeze(S2, -2), unsqueeze(S2, -1)), I);
  const Srow = unsqueeze(S, -2), Scol = unsqueeze(S, -1);
  let inner: Tensor;
  if (gU !== null) {
    const UtgU = skew(matmul(Ut, gU));
    inner = gVh !== null ? div(add(mul(UtgU, Srow), mul(Scol, skew(matmul(Vh, transpose(gVh, -2, -1))))), E) : mul(div(UtgU, E), Srow);
  } else {
    inner = mul(Scol, div(skew(matmul(Vh, transpose(gVh!, -2, -1))), E));
  }
  if (gS !== null) inner = add(inner, diag(gS));
  if (m > n && gU !== null) {
    const gUSinv = div(gU, Srow);
    return matmul(add(sub(matmul(U, inner), matmul(U, matmul(Ut, gUSinv))), gUSinv), Vh);
  }
  if (m < n && gVh !== null) {
    const SinvgVh = div(gVh, Scol);
    return matmul(U, sub(add(matmul(inner, Vh), SinvgVh), matmul(matmul(SinvgVh, V), Vh)));
  }
  return matmul(U, matmul(inner, Vh));
}

/** Options of linalg.pinv and linalg.matrix_rank. */
export interface RankOptions {
  /** relative tolerance: singular values ≤ rtol · σ_max count as zero (default max(m, n) · eps of the dtype when atol is not given or not positive, else 0) */
  rtol?: number;
  /** absolute tolerance (default 0) */
  atol?: number;
  /** A is symmetric: use eigh (only the lower triangle is read) */
  hermitian?: boolean;
}

const EPS = { float32: 1.1920928955078125e-7, float64: 2.220446049250313e-16 } as const;

/** PyTorch 2.x's tolerance rule: max(atol, rtol · σ_max), rtol defaulting to max(m, n) · eps unless a positive atol is given. */
function tolerance(A: Tensor, options: RankOptions): (smax: number) => number {
  const m = A.shape[A.dim() - 2]!, n = A.shape[A.dim() - 1]!;
  const atol = options.atol ?? 0;
  const rtol = options.rtol ?? (atol > 0 ? 0 : Math.max(m, n) * EPS[A.dtype as "float32" | "float64"]);
  return (smax) => Math.max(atol, rtol * smax);
}

/** The spectrum used by pinv and matrixRank (|eigenvalues| when hermitian), each value's keep/drop mask as a float tensor, and its factors. */
function spectrum(A: Tensor, options: RankOptions): { values: Tensor; keep: Tensor; left: Tensor; right: Tensor } {
  let values: Tensor, left: Tensor, right: Tensor, mags: Float64Array;
  if (options.hermitian === true) {
    const { eigenvalues, eigenvectors } = eigh(A);
    values = eigenvalues;
    left = eigenvectors;
    right = transpose(eigenvectors, -2, -1);
    mags = float64Data(abs(eigenvalues.detach()));
  } else {
    const r = svd(A, { fullMatrices: false });
    values = r.S;
    left = r.U;
    right = r.Vh;
    mags = float64Data(r.S.detach());
  }
  const k = values.shape[values.dim() - 1]!;
  const tol = tolerance(A, options);
  const keep = new Float64Array(mags.length);
  for (let b = 0; b * k < mags.length; b++) {
    let smax = 0;
    for (let i = 0; i < k; i++) smax = Math.max(smax, mags[b * k + i]!);
    const t = tol(smax);
    for (let i = 0; i < k; i++) keep[b * k + i] = mags[b * k + i]! > t ? 1 : 0;
  }
  return { values, keep: fromFloat64(keep, values.shape, A.dtype), left, right };
}

/**
 * The Moore–Penrose pseudo-inverse of matrices (batches `[..., m, n]`, giving
 * `[..., n, m]`) through the SVD (eigh when `hermitian`): singular values at
 * most max(atol, rtol · σ_max) are treated as zero. Differentiable
 * (PyTorch's pinv_backward, which assumes the rank does not change).
 *
 * @example
 * torch.linalg.pinv(torch.tensor([[1, 0], [0, 0]])); // tensor([[1., 0.], [0., 0.]])
 */
export function pinv(A: Tensor, options: RankOptions = {}): Tensor {
  if (A.dim() < 2 || (A.dtype !== "float32" && A.dtype !== "float64")) {
    throw new Error(`linalg.pinv(${typeName(A.dtype)}{[${A.shape.join(", ")}]}): expected a tensor with 2 or more dimensions of float, double, cfloat or cdouble types`);
  }
  const { values, keep, left, right } = spectrum(A.detach(), options);
  // 1/σ where kept, 0 elsewhere: keep / (σ + (1 − keep)) never divides by zero
  const inv = div(keep, add(values, sub(1, keep)));
  const P = matmul(mul(transpose(right, -2, -1), unsqueeze(inv, -2)), transpose(left, -2, -1));
  if (needsGrad(A)) record("LinalgPinvBackward0", [A], P, ([g], [Ps, As]) => [pinvBackward(g!, Ps!, As!)], [P, A]);
  return P;
}

/**
 * PyTorch's pinv_backward (real case), the derivative of A⁺ = P for a
 * constant rank, in the smaller of the two shapes: for m ≤ n with
 * K = gᵀ P, gA = −(P K)ᵀ + K Pᵀ − A P K Pᵀ + Pᵀ P (gᵀ − K A), transposed.
 */
function pinvBackward(g: Tensor, P: Tensor, A: Tensor): Tensor {
  const m = A.shape[A.dim() - 2]!, n = A.shape[A.dim() - 1]!;
  const T = (x: Tensor) => transpose(x, -2, -1);
  const Pt = T(P), gt = T(g);
  if (m <= n) {
    const K = matmul(gt, P), KPt = matmul(K, Pt);
    return add(sub(add(neg(T(matmul(P, K))), KPt), matmul(matmul(A, P), KPt)), matmul(matmul(Pt, P), sub(gt, matmul(K, A))));
  }
  const K = matmul(P, gt), PtK = matmul(Pt, K);
  return add(sub(add(neg(T(matmul(K, P))), PtK), matmul(matmul(PtK, P), A)), matmul(matmul(sub(gt, matmul(A, K)), P), Pt));
}

/**
 * The numerical rank of matrices (batches `[..., m, n]`): how many singular
 * values (|eigenvalues| when `hermitian`) exceed max(atol, rtol · σ_max), as
 * an int32 tensor (PyTorch gives int64, which torchlet does not have).
 *
 * @example
 * torch.linalg.matrixRank(torch.tensor([[1, 2], [2, 4]])); // tensor(1, dtype=int32)
 */
export function matrixRank(A: Tensor, options: RankOptions = {}): Tensor {
  checkMatrix(A, "torch.linalg.matrix_rank", "input");
  if (A.dtype !== "float32" && A.dtype !== "float64") throw new Error("This function doesn't handle types other than float and double");
  const { keep } = spectrum(A.detach(), options);
  const k = keep.shape[keep.dim() - 1]!, flags = float64Data(keep);
  const out = new Int32Array(numelOf(keep.shape.slice(0, -1)));
  for (let b = 0; b < out.length; b++) {
    let rank = 0;
    for (let i = 0; i < k; i++) rank += flags[b * k + i]!;
    out[b] = rank;
  }
  return fromTypedArray(out, keep.shape.slice(0, -1), { dtype: "int32" });
}

/** What linalg.lstsq returns (PyTorch also returns residuals, rank and singular_values, which torchlet leaves out). */
export interface LstsqResult {
  solution: Tensor;
}

/**
 * The least-squares solution X minimizing ‖A X − B‖ for matrices A
 * (batches `[..., m, n]`) and right-hand sides B `[..., m, k]` (or vectors
 * `[..., m]` when B has one dim fewer than A), batch dims broadcast: X =
 * pinv(A) B, which for full-rank A is the unique least-squares (tall) or
 * minimum-norm (wide) solution. Differentiable in A and B.
 *
 * @example
 * // fit y = c0 + c1 x through (0, 1), (1, 3), (2, 5)
 * torch.linalg.lstsq(torch.tensor([[1, 0], [1, 1], [1, 2]]), torch.tensor([[1], [3], [5]])).solution;
 * // tensor([[1.], [2.]])
 */
export function lstsq(A: Tensor, B: Tensor): LstsqResult {
  const op = "torch.linalg.lstsq";
  if (A.dim() < 2) throw new Error(`${op}: input must have at least 2 dimensions.`);
  if (B.dim() < 1) throw new Error(`${op}: other must have at least 1 dimension.`);
  if (A.dtype !== "float32" && A.dtype !== "float64") throw new Error("This function doesn't handle types other than float and double");
  if (A.dtype !== B.dtype) {
    throw new Error(`${op}: Expected input and other to have the same dtype, but got input's dtype ${typeName(A.dtype)} and other's dtype ${typeName(B.dtype)}`);
  }
  const vector = B.dim() === A.dim() - 1;
  const Bm = vector ? unsqueeze(B, -1) : B;
  const m = A.shape[A.dim() - 2]!;
  if (Bm.shape[Bm.dim() - 2] !== m) {
    throw new Error(`${op}: input.size(-2) should match other.size(-${vector ? 1 : 2})`);
  }
  const X = matmul(pinv(A), Bm);
  return { solution: vector ? squeeze(X, -1) : X };
}
