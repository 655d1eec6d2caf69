/**
 * linalg.norm (a vector or a matrix norm, chosen by `ord` and `dim` as in
 * PyTorch 2.x) and linalg.cond (the condition number in a norm), composed of
 * differentiable pieces.
 */
import type { Tensor } from "../../tensor/tensor.js";
import { div, mul, where } from "../elementwise.js";
import { full } from "../factories.js";
import { amax, amin, type Dims } from "../reduce.js";
import { checkFloating, checkSquare } from "./batch.js";
import { invEx } from "./ex.js";
import { matrixNorm, type MatrixNormOrd, vectorNorm } from "./norms.js";
import { svdvals } from "./svd.js";

/** Options of linalg.norm. */
export interface LinalgNormOptions {
  /** one dim: a vector norm; two: a matrix norm; none: see linalg.norm */
  dim?: Dims | null;
  keepdim?: boolean;
}

/**
 * A vector or matrix norm, as torch.linalg.norm: with `dim` of length 2, or
 * no `dim` and a 2-d input and an `ord`, a matrix norm of `ord` ("fro",
 * "nuc", ±1, ±2, ±Infinity); otherwise the vector `ord`-norm over `dim` (all
 * elements flattened when `dim` and `ord` are both absent). Without `dim`
 * but with `ord` the input must be 1-d or 2-d. Differentiable.
 *
 * @example
 * torch.linalg.norm(torch.tensor([[1, 2], [3, 4]])); // tensor(5.4772) (the 2-norm of the elements)
 * torch.linalg.norm(torch.tensor([[1, 2], [3, 4]]), 1); // tensor(6.) (the matrix 1-norm)
 */
export function norm(A: Tensor, ord: MatrixNormOrd | null = null, options: LinalgNormOptions = {}): Tensor {
  const op = "linalg.norm";
  const dimOpt = options.dim ?? null;
  const dims = dimOpt === null ? null : typeof dimOpt === "number" ? [dimOpt] : [...dimOpt];
  const keepdim = options.keepdim ?? false;
  if (dims !== null) {
    if (dims.length !== 1 && dims.length !== 2) throw new Error(`${op}: If dim is specified, it must be of length 1 or 2. Got [${dims.join(", ")}]`);
  } else if (ord !== null && A.dim() !== 1 && A.dim() !== 2) {
    throw new Error(`${op}: If dim is not specified but ord is, the input must be 1D or 2D. Got ${A.dim()}D.`);
  }
  checkFloating(A, op);
  if (typeof ord === "string") return matrixNorm(A, ord, { dim: dims ?? [0, 1], keepdim });
  if (ord !== null && ((dims !== null && dims.length === 2) || (dims === null && A.dim() === 2))) {
    return matrixNorm(A, ord, { dim: dims ?? [0, 1], keepdim });
  }
  return vectorNorm(A, ord ?? 2, dims === null ? { keepdim } : { dim: dims, keepdim });
}

/**
 * The condition number of matrices `[..., m, n]` in the norm `p`, as
 * torch.linalg.cond: for null / 2 / -2 the ratio of the largest and smallest
 * singular values (any shape); for "fro", "nuc", ±1 and ±Infinity
 * `‖A‖ · ‖A⁻¹‖` of square A, Infinity where A is singular. Differentiable.
 *
 * @example
 * torch.linalg.cond(torch.tensor([[1, 0], [0, 4]])); // tensor(4.)
 */
export function cond(A: Tensor, p: MatrixNormOrd | null = null): Tensor {
  if (A.dim() < 2) throw new Error("linalg.cond: The input tensor must have at least 2 dimensions.");
  checkFloating(A, "linalg.cond");
  const name = p === Infinity ? "inf" : p === -Infinity ? "-inf" : String(p);
  const valid = p === null || p === "fro" || p === "nuc" || [1, -1, 2, -2, Infinity, -Infinity].includes(p);
  if (!valid) throw new Error(`linalg.cond got an invalid norm type: ${name}`);
  if (p === null || p === 2 || p === -2) {
    const s = svdvals(A);
    const big = amax(s, -1), small = amin(s, -1);
    return p === -2 ? div(small, big) : div(big, small);
  }
  checkSquare(A, `linalg.cond(ord=${name})`);
  const { inverse, info } = invEx(A);
  const value = mul(matrixNorm(A, p), matrixNorm(inverse, p));
  // a singular matrix's condition number is infinite (its "inverse" holds Inf/NaN)
  const singular = info.ne(0);
  return singular.any().item() ? where(singular, full([], Infinity, { dtype: A.dtype }), value) : value;
}

