/**
 * The `_ex` variants of torch.linalg: inv_ex, solve_ex and cholesky_ex return
 * LAPACK's `info` (0, or where the factorization broke down) next to the
 * result instead of throwing, unless `checkErrors`.
 */
import type { Tensor } from "../../tensor/tensor.js";
import { broadcastShapes, numelOf, shapeStr } from "../core.js";
import { fromTypedArray } from "../factories.js";
import { matmul } from "../linalg.js";
import { squeeze, transpose, unsqueeze, expand } from "../views.js";
import { batchPrefix, batchShape, checkFloating, checkMatrix, checkSquare, float64Data, fromFloat64, typeName } from "./batch.js";
import { choleskyFactorInto, choleskyResult } from "./cholesky.js";
import { inverseUnchecked, luFactor as luFactorSquare, solve } from "./lu.js";
import { namedTuple } from "../named-tuple.js";

/** Options of the `_ex` functions. */
export interface CheckErrorsOptions {
  /** throw PyTorch's error where `info` is not 0 (default false) */
  checkErrors?: boolean;
}

/** What linalg.invEx returns. */
export interface InvExResult extends Iterable<Tensor> {
  inverse: Tensor;
  /** int32 `[...]`: 0, or the 1-based index of the first zero pivot of A's LU factorization */
  info: Tensor;
}

/** LAPACK getrf's info of each square matrix of `A` (broadcast to `batch`). */
function luInfos(A: Tensor, batch: readonly number[]): Int32Array {
  const n = A.shape[A.dim() - 1]!;
  const a = float64Data(expand(A, [...batch, n, n]).detach());
  const info = new Int32Array(numelOf(batch));
  for (let i = 0; i < info.length; i++) info[i] = luFactorSquare(a, i * n * n, n).info;
  return info;
}

function singularError(op: string, infos: Int32Array, batched: boolean, text: (info: number) => string): void {
  const bad = infos.findIndex((i) => i !== 0);
  if (bad >= 0) throw new Error(`${op}: ${batchPrefix(batched, bad)}${text(infos[bad]!)}`);
}

/**
 * The inverse of square matrices with LAPACK's `info` instead of an error for
 * singular ones (whose "inverse" then holds Inf/NaN), as
 * torch.linalg.inv_ex; `checkErrors` throws linalg.inv's error instead.
 * The inverse is differentiable.
 *
 * @example
 * const { inverse, info } = torch.linalg.invEx(A); // info: tensor(0, dtype=int32) when A is invertible
 */
export function invEx(A: Tensor, options: CheckErrorsOptions = {}): InvExResult {
  checkSquare(A, "linalg.inv_ex");
  const batch = batchShape(A);
  const infos = luInfos(A, batch);
  if (options.checkErrors ?? false) {
    singularError("linalg.inv_ex", infos, batch.length > 0, (i) => `The diagonal element ${i} is zero, the inversion could not be completed because the input matrix is singular.`);
  }
  return namedTuple({ inverse: inverseUnchecked(A, "linalg.inv_ex"), info: fromTypedArray(infos, batch, { dtype: "int32" }) });
}

/** Options of linalg.solveEx. */
export interface SolveExOptions extends CheckErrorsOptions {
  /** solve A X = B (default), or X A = B when false */
  left?: boolean;
}

/** What linalg.solveEx returns. */
export interface SolveExResult extends Iterable<Tensor> {
  result: Tensor;
  info: Tensor;
}

/**
 * linalg.solve with LAPACK's `info` instead of an error for singular A (the
 * result then holds Inf/NaN), as torch.linalg.solve_ex; `left: false`
 * solves X A = B. Differentiable.
 *
 * @example
 * const { result, info } = torch.linalg.solveEx(A, B);
 */
export function solveEx(A: Tensor, B: Tensor, options: SolveExOptions = {}): SolveExResult {
  const op = "linalg.solve_ex";
  checkMatrix(A, op);
  checkFloating(A, op);
  checkSquare(A, op);
  if (A.dtype !== B.dtype) {
    throw new Error(`${op}: Expected A and B to have the same dtype, but found A of type ${typeName(A.dtype)} and B of type ${typeName(B.dtype)} instead`);
  }
  const left = options.left ?? true;
  const vector = B.dim() === 1 || (B.dim() === A.dim() - 1 && shapeStr(B.shape) === shapeStr(A.shape.slice(0, -1)));
  if (!left && vector) throw new Error("linalg.solve: Vector broadcasting of the left hand side is not supported for left=False. In this case linalg.solve is equivalent to B / A.squeeze(-1)");
  const Bm = vector ? unsqueeze(B, -1) : B;
  const batch = broadcastShapes(batchShape(A), batchShape(Bm), op);
  const infos = luInfos(A, batchShape(A));
  if (options.checkErrors ?? false) singularError("torch.linalg.solve_ex", infos, batch.length > 0, () => "The solver failed because the input matrix is singular.");
  const info = fromTypedArray(luInfos(A, batch), batch, { dtype: "int32" });
  const mT = (t: Tensor) => transpose(t, -2, -1);
  let result: Tensor;
  if (infos.every((i) => i === 0)) {
    result = left ? solve(A, B) : mT(solve(mT(A), mT(B)));
  } else {
    // singular somewhere: the unchecked inverse, Inf/NaN where A is singular (as LAPACK's solve gives)
    const X = left ? matmul(inverseUnchecked(A, op), Bm) : matmul(Bm, inverseUnchecked(A, op));
    result = vector ? squeeze(X, -1) : X;
  }
  return namedTuple({ result, info });
}

/** Options of linalg.choleskyEx. */
export interface CholeskyExOptions extends CheckErrorsOptions {
  upper?: boolean;
}

/** What linalg.choleskyEx returns. */
export interface CholeskyExResult extends Iterable<Tensor> {
  L: Tensor;
  /** int32 `[...]`: 0, or the order of the first leading minor that is not positive-definite */
  info: Tensor;
}

/**
 * linalg.cholesky with LAPACK's `info` instead of an error, as
 * torch.linalg.cholesky_ex. Where info > 0, L holds what LAPACK's potrf
 * leaves: the factor's first info - 1 columns, the failing pivot's value, A's
 * entries after it. Differentiable where every matrix is positive-definite.
 *
 * @example
 * const { L, info } = torch.linalg.choleskyEx(A);
 */
export function choleskyEx(A: Tensor, options: CholeskyExOptions = {}): CholeskyExResult {
  const op = "linalg.cholesky_ex";
  const n = checkSquare(A, op);
  const upper = options.upper ?? false;
  const batch = batchShape(A);
  const a = float64Data(A.detach());
  const out = new Float64Array(a.length);
  const infos = new Int32Array(numelOf(batch));
  // a NaN pivot stops the factorization here, as potrf's `d > 0` test does
  for (let b = 0; b < infos.length; b++) infos[b] = choleskyFactorInto(a, out, b * n * n, n, (d) => d > 0);
  if (options.checkErrors ?? false) {
    singularError(op, infos, batch.length > 0, (i) => `The factorization could not be completed because the input is not positive-definite (the leading minor of order ${i} is not positive-definite).`);
  }
  const info = fromTypedArray(infos, batch, { dtype: "int32" });
  if (infos.every((i) => i === 0)) return namedTuple({ L: choleskyResult(A, out, upper), info });
  const L = fromFloat64(out, A.shape, A.dtype);
  return namedTuple({ L: upper ? transpose(L, -2, -1).contiguous() : L, info });
}
