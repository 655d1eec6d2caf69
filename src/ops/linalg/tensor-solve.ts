/**
 * linalg.tensorinv and linalg.tensorsolve: inv and solve of a tensor read as
 * a matrix (its leading dims the rows, the rest the columns), composed of
 * differentiable ops.
 */
import type { Tensor } from "../../tensor/tensor.js";
import { numelOf } from "../core.js";
import { movedim } from "../rearrange.js";
import { reshape } from "../views.js";
import { inv, solve } from "./lu.js";

/**
 * The inverse of `A` with respect to tensordot over its first `ind` dims:
 * A read as a `prod(shape[:ind]) × prod(shape[ind:])` square matrix, inverted,
 * returned with shape `shape[ind:] + shape[:ind]` (torch.linalg.tensorinv).
 *
 * @example
 * const Ainv = torch.linalg.tensorinv(A, 2); // A [4, 6, 8, 3] -> Ainv [8, 3, 4, 6]
 */
export function tensorinv(A: Tensor, ind = 2): Tensor {
  if (!Number.isInteger(ind) || ind <= 0) throw new Error(`Expected a strictly positive integer for 'ind', but got ${ind}`);
  const rows = A.shape.slice(0, ind), cols = A.shape.slice(ind);
  const r = numelOf(rows), c = numelOf(cols);
  if (r !== c) throw new Error(`Expected self to satisfy the requirement prod(self.shape[ind:]) == prod(self.shape[:ind]), but got ${c} != ${r}`);
  return reshape(inv(reshape(A, [r, c])), [...cols, ...rows]);
}

/**
 * The X with `tensordot(A, X, X.ndim) = B` (torch.linalg.tensorsolve): A read
 * as a `prod(B.shape) × prod(A.shape[B.ndim:])` square matrix; `dims` are
 * first moved to the end of A. The result has shape `A.shape[B.ndim:]`.
 *
 * @example
 * const X = torch.linalg.tensorsolve(A, B); // A [2, 3, 6], B [2, 3] -> X [6]
 */
export function tensorsolve(A: Tensor, B: Tensor, dims: readonly number[] | null = null): Tensor {
  let a = A;
  if (dims !== null) {
    const nd = A.dim();
    const sources = dims.map((d) => (d < 0 ? d + nd : d));
    a = movedim(A, sources, sources.map((_, i) => nd - sources.length + i));
  }
  const resultShape = a.shape.slice(B.dim());
  const r = numelOf(B.shape), c = numelOf(resultShape);
  if (r !== c) throw new Error(`Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == prod(self.shape[:other.ndim]), but got ${c} != ${r}`);
  return reshape(solve(reshape(a, [r, c]), reshape(B, [r])), resultShape);
}
