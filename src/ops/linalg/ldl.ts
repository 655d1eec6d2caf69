/**
 * linalg.ldl_factor / ldl_factor_ex / ldl_solve: the LDLᵀ factorization of
 * symmetric matrices with Bunch–Kaufman pivoting, packed as LAPACK's sytrf
 * (lower triangle; 1×1 and 2×2 diagonal blocks, negative pivots marking the
 * 2×2 ones), and the solve from it (sytrs). PyTorch defines no derivative
 * for either: backward through them throws its error.
 */
import type { Tensor } from "../../tensor/tensor.js";
import { anyNeedsGrad, broadcastShapes, numelOf, record } from "../core.js";
import { fromTypedArray } from "../factories.js";
import { expand } from "../views.js";
import { batchPrefix, batchShape, checkFloating, checkMatrix, checkSquare, float64Data, fromFloat64, typeName } from "./batch.js";
import { namedTuple } from "../named-tuple.js";

/** Options of the LDL functions. */
export interface LdlOptions {
  /** A is Hermitian (the same as symmetric for real input) */
  hermitian?: boolean;
}

/** Options of linalg.ldlFactorEx. */
export interface LdlFactorExOptions extends LdlOptions {
  checkErrors?: boolean;
}

/** What linalg.ldlFactor returns. */
export interface LdlFactorResult extends Iterable<Tensor> {
  /** L (below the diagonal) and the block diagonal D, packed in the lower triangle `[..., n, n]` */
  LD: Tensor;
  /** LAPACK's 1-based pivots `[..., n]` (int32; a pair of equal negative ones marks a 2×2 block) */
  pivots: Tensor;
}

/** What linalg.ldlFactorEx returns: ldlFactor's and LAPACK's info (0, or the 1-based index of a zero pivot block). */
export interface LdlFactorExResult extends LdlFactorResult {
  info: Tensor;
}

/** The Bunch–Kaufman growth bound (1 + √17) / 8. */
const ALPHA = (1 + Math.sqrt(17)) / 8;

/** LAPACK's dsytf2 on the lower triangle of the n×n row-major `a` at `o`, in place; returns info. */
function sytf2(a: Float64Array, o: number, n: number, ipiv: Int32Array, po: number): number {
  const at = (i: number, j: number) => o + i * n + j;
  let info = 0;
  let k = 0;
  while (k < n) {
    let kstep = 1, kp = k;
    const absakk = Math.abs(a[at(k, k)]!);
    let imax = k, colmax = 0;
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(a[at(i, k)]!);
      if (v > colmax) { colmax = v; imax = i; }
    }
    if (Math.max(absakk, colmax) === 0 || Number.isNaN(absakk)) {
      if (info === 0) info = k + 1;
      kp = k;
    } else {
      if (absakk >= ALPHA * colmax) {
        kp = k;
      } else {
        let rowmax = 0;
        for (let j = k; j < imax; j++) rowmax = Math.max(rowmax, Math.abs(a[at(imax, j)]!));
        for (let i = imax + 1; i < n; i++) rowmax = Math.max(rowmax, Math.abs(a[at(i, imax)]!));
        if (absakk >= ALPHA * colmax * (colmax / rowmax)) kp = k;
        else if (Math.abs(a[at(imax, imax)]!) >= ALPHA * rowmax) kp = imax;
        else {
          kp = imax;
          kstep = 2;
        }
      }
      const kk = k + kstep - 1;
      if (kp !== kk) {
        // swap rows and columns kk and kp of the trailing lower triangle
        for (let i = kp + 1; i < n; i++) [a[at(i, kk)], a[at(i, kp)]] = [a[at(i, kp)]!, a[at(i, kk)]!];
        for (let j = kk + 1; j < kp; j++) [a[at(j, kk)], a[at(kp, j)]] = [a[at(kp, j)]!, a[at(j, kk)]!];
        [a[at(kk, kk)], a[at(kp, kp)]] = [a[at(kp, kp)]!, a[at(kk, kk)]!];
        if (kstep === 2) [a[at(k + 1, k)], a[at(kp, k)]] = [a[at(kp, k)]!, a[at(k + 1, k)]!];
      }
      if (kstep === 1) {
        if (k < n - 1) {
          const d11 = 1 / a[at(k, k)]!;
          for (let j = k + 1; j < n; j++) {
            const xj = a[at(j, k)]!;
            for (let i = j; i < n; i++) a[at(i, j)]! -= d11 * a[at(i, k)]! * xj;
          }
          for (let i = k + 1; i < n; i++) a[at(i, k)]! *= d11;
        }
      } else if (k < n - 2) {
        let d21 = a[at(k + 1, k)]!;
        const d11 = a[at(k + 1, k + 1)]! / d21, d22 = a[at(k, k)]! / d21;
        const t = 1 / (d11 * d22 - 1);
        d21 = t / d21;
        for (let j = k + 2; j < n; j++) {
          const wk = d21 * (d11 * a[at(j, k)]! - a[at(j, k + 1)]!);
          const wkp1 = d21 * (d22 * a[at(j, k + 1)]! - a[at(j, k)]!);
          for (let i = j; i < n; i++) a[at(i, j)]! -= a[at(i, k)]! * wk + a[at(i, k + 1)]! * wkp1;
          a[at(j, k)] = wk;
          a[at(j, k + 1)] = wkp1;
        }
      }
    }
    if (kstep === 1) ipiv[po + k] = kp + 1;
    else {
      ipiv[po + k] = -(kp + 1);
      ipiv[po + k + 1] = -(kp + 1);
    }
    k += kstep;
  }
  return info;
}

/** Marks `out` as PyTorch's NotImplemented node when an input requires grad. */
function noDerivative(op: string, inputs: Tensor[], out: Tensor): void {
  if (anyNeedsGrad(inputs)) {
    record("NotImplemented", inputs, out, () => {
      throw new Error(`derivative for aten::${op} is not implemented`);
    });
  }
}

/**
 * The LDLᵀ factorization with Bunch–Kaufman pivoting of batches of symmetric
 * matrices (only the lower triangle is read), packed as LAPACK's sytrf, with
 * `info` (torch.linalg.ldl_factor_ex). Not differentiable (as in PyTorch).
 *
 * @example
 * const { LD, pivots, info } = torch.linalg.ldlFactorEx(A);
 */
export function ldlFactorEx(A: Tensor, options: LdlFactorExOptions = {}): LdlFactorExResult {
  const op = "torch.linalg.ldl_factor_ex";
  const n = checkSquare(A, op);
  const batch = batchShape(A), count = numelOf(batch);
  const a = float64Data(A.detach());
  const ipiv = new Int32Array(count * n), info = new Int32Array(count);
  for (let b = 0; b < count; b++) info[b] = sytf2(a, b * n * n, n, ipiv, b * n);
  // the strict upper triangle is zero, as PyTorch returns it
  for (let b = 0; b < count; b++) for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) a[b * n * n + i * n + j] = 0;
  if (options.checkErrors ?? false) {
    const bad = info.findIndex((i) => i !== 0);
    if (bad >= 0) throw new Error(`${op}: ${batchPrefix(batch.length > 0, bad)}The factorization could not be completed: D[${info[bad]},${info[bad]}] is exactly zero (PyTorch reports "Unknown error code: ${info[bad]}.")`);
  }
  const LD = fromFloat64(a, A.shape, A.dtype);
  noDerivative("linalg_ldl_factor_ex", [A], LD);
  return namedTuple({ LD, pivots: fromTypedArray(ipiv, [...batch, n], { dtype: "int32" }), info: fromTypedArray(info, batch, { dtype: "int32" }) });
}

/**
 * The LDLᵀ factorization with Bunch–Kaufman pivoting (torch.linalg.ldl_factor):
 * ldlFactorEx without `info`. Not differentiable.
 *
 * @example
 * const { LD, pivots } = torch.linalg.ldlFactor(A);
 * torch.linalg.ldlSolve(LD, pivots, B); // A⁻¹ B
 */
export function ldlFactor(A: Tensor, options: LdlOptions = {}): LdlFactorResult {
  const { LD, pivots } = ldlFactorEx(A, options);
  return namedTuple({ LD, pivots });
}

/** LAPACK's dsytrs (lower) for one factorization and one n×k right-hand side, in place. */
function sytrs(a: Float64Array, o: number, n: number, ipiv: Int32Array, po: number, b: Float64Array, bo: number, k: number): void {
  const A = (i: number, j: number) => a[o + i * n + j]!;
  const swap = (r1: number, r2: number) => {
    for (let j = 0; j < k; j++) [b[bo + r1 * k + j], b[bo + r2 * k + j]] = [b[bo + r2 * k + j]!, b[bo + r1 * k + j]!];
  };
  // L D Y = B
  let i = 0;
  while (i < n) {
    if (ipiv[po + i]! > 0) {
      const kp = ipiv[po + i]! - 1;
      if (kp !== i) swap(i, kp);
      for (let r = i + 1; r < n; r++) for (let j = 0; j < k; j++) b[bo + r * k + j]! -= A(r, i) * b[bo + i * k + j]!;
      for (let j = 0; j < k; j++) b[bo + i * k + j]! /= A(i, i);
      i += 1;
    } else {
      const kp = -ipiv[po + i]! - 1;
      if (kp !== i + 1) swap(i + 1, kp);
      for (let r = i + 2; r < n; r++) {
        for (let j = 0; j < k; j++) b[bo + r * k + j]! -= A(r, i) * b[bo + i * k + j]! + A(r, i + 1) * b[bo + (i + 1) * k + j]!;
      }
      const akm1k = A(i + 1, i), akm1 = A(i, i) / akm1k, ak = A(i + 1, i + 1) / akm1k, denom = akm1 * ak - 1;
      for (let j = 0; j < k; j++) {
        const bkm1 = b[bo + i * k + j]! / akm1k, bk = b[bo + (i + 1) * k + j]! / akm1k;
        b[bo + i * k + j] = (ak * bkm1 - bk) / denom;
        b[bo + (i + 1) * k + j] = (akm1 * bk - bkm1) / denom;
      }
      i += 2;
    }
  }
  // Lᵀ X = Y
  i = n - 1;
  while (i >= 0) {
    const back = (row: number) => {
      for (let r = i + 1; r < n; r++) for (let j = 0; j < k; j++) b[bo + row * k + j]! -= A(r, row) * b[bo + r * k + j]!;
    };
    if (ipiv[po + i]! > 0) {
      back(i);
      const kp = ipiv[po + i]! - 1;
      if (kp !== i) swap(i, kp);
      i -= 1;
    } else {
      back(i);
      back(i - 1);
      const kp = -ipiv[po + i]! - 1;
      if (kp !== i) swap(i, kp);
      i -= 2;
    }
  }
}

/**
 * The solution of `A X = B` from ldlFactor's LD and pivots
 * (torch.linalg.ldl_solve); batch dims broadcast. Not differentiable.
 *
 * @example
 * const { LD, pivots } = torch.linalg.ldlFactor(A);
 * torch.linalg.ldlSolve(LD, pivots, B);
 */
export function ldlSolve(LD: Tensor, pivots: Tensor, B: Tensor, options: LdlOptions = {}): Tensor {
  void options;
  const op = "torch.linalg.ldl_solve";
  checkMatrix(LD, op, "LD");
  checkMatrix(B, op, "B");
  checkFloating(LD, op);
  const n = checkSquare(LD, op, "LD");
  if (LD.dtype !== B.dtype) throw new Error(`${op}: Expected LD and B to have the same dtype, but found LD of type ${typeName(LD.dtype)} and B of type ${typeName(B.dtype)} instead`);
  if (pivots.dtype !== "int32") throw new Error(`${op}: Expected pivots to be integers. Got ${typeName(pivots.dtype)}`);
  if (pivots.dim() !== LD.dim() - 1 || pivots.shape[pivots.dim() - 1] !== n) {
    throw new Error(`${op}: Expected LD.shape[:-1] and pivots.shape to be the same, but got pivots with shape [${pivots.shape.join(", ")}] instead`);
  }
  if (B.shape[B.dim() - 2] !== n) throw new Error(`${op}: Incompatible shapes of A and B for the equation AX = B (${n}x${n} and ${B.shape[B.dim() - 2]}x${B.shape[B.dim() - 1]})`);
  const k = B.shape[B.dim() - 1]!;
  const batch = broadcastShapes(batchShape(LD), batchShape(B), op);
  const a = float64Data(expand(LD, [...batch, n, n]).detach());
  const piv = expand(pivots, [...batch, n]).contiguous().data as Int32Array;
  const x = float64Data(expand(B, [...batch, n, k]).detach());
  for (let i = 0; i < numelOf(batch); i++) sytrs(a, i * n * n, n, piv, i * n, x, i * n * k, k);
  const X = fromFloat64(x, [...batch, n, k], B.dtype);
  noDerivative("linalg_ldl_solve", [LD, B], X);
  return X;
}
