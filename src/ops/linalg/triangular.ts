/**
 * Triangular solves: linalg.solve_triangular, the deprecated
 * torch.triangular_solve, and the Cholesky-based torch.cholesky_solve and
 * torch.cholesky_inverse, with PyTorch's gradients.
 */
import type { Tensor } from "../../tensor/tensor.js";
import { broadcastShapes, needsGrad, numelOf, record } from "../core.js";
import { add, neg } from "../elementwise.js";
import { eye } from "../factories.js";
import { matmul } from "../linalg.js";
import { tril, triu } from "../masking.js";
import { expand, transpose } from "../views.js";
import { warn } from "../../warnings.js";
import { batchShape, checkFloating, checkMatrix, checkSquare, float64Data, fromFloat64, typeName } from "./batch.js";
import { namedTuple } from "../named-tuple.js";

/** Options of linalg.solveTriangular: `upper` is required, as in PyTorch. */
export interface SolveTriangularOptions {
  /** A is upper triangular (only that triangle is read); false: lower */
  upper: boolean;
  /** solve A X = B (default) or, when false, X A = B */
  left?: boolean;
  /** A's diagonal is taken as all ones (and not read) */
  unitriangular?: boolean;
}

/** Solves T X = B in place (`b` n×k row-major at `ob`) for the triangle of the n×n `a` at `oa`. */
function substitute(a: Float64Array, oa: number, b: Float64Array, ob: number, n: number, k: number, upper: boolean, unit: boolean): void {
  for (let s = 0; s < n; s++) {
    const i = upper ? n - 1 - s : s;
    const from = upper ? i + 1 : 0, to = upper ? n : i;
    for (let r = from; r < to; r++) {
      const t = a[oa + i * n + r]!;
      if (t !== 0) for (let j = 0; j < k; j++) b[ob + i * k + j]! -= t * b[ob + r * k + j]!;
    }
    if (!unit) {
      const d = a[oa + i * n + i]!;
      for (let j = 0; j < k; j++) b[ob + i * k + j]! /= d;
    }
  }
}

/** T X = B for batches of triangular T [..., n, n] and B [..., n, k] (batch dims broadcast), without autograd. */
function solveLeftData(A: Tensor, B: Tensor, upper: boolean, unit: boolean): Tensor {
  const n = A.shape[A.dim() - 1]!, k = B.shape[B.dim() - 1]!;
  const batch = broadcastShapes(batchShape(A), batchShape(B), "linalg.solve_triangular");
  const a = float64Data(expand(A, [...batch, n, n]).detach());
  const x = float64Data(expand(B, [...batch, n, k]).detach());
  for (let i = 0; i < numelOf(batch); i++) substitute(a, i * n * n, x, i * n * k, n, k, upper, unit);
  return fromFloat64(x, [...batch, n, k], A.dtype);
}

/** The triangle of `g` that A's entries live in (without the diagonal when it is taken as ones). */
function triangleOf(g: Tensor, upper: boolean, unit: boolean): Tensor {
  return upper ? triu(g, unit ? 1 : 0) : tril(g, unit ? -1 : 0);
}

/**
 * The solution X of the triangular system `A X = B` (or `X A = B` with
 * `left: false`) for batches of square A `[..., n, n]`, of which only the
 * upper (`upper: true`) or lower triangle is read (and not the diagonal with
 * `unitriangular`). B `[..., n, k]` (`[..., k, n]` when not left); batch dims
 * broadcast. A zero on the diagonal gives Inf/NaN, as in PyTorch.
 * Differentiable in A (a gradient in A's triangle) and B.
 *
 * @example
 * const U = torch.tensor([[2, 1], [0, 4]]);
 * torch.linalg.solveTriangular(U, torch.tensor([[5], [8]]), { upper: true }); // [[1.5], [2]]
 */
export function solveTriangular(A: Tensor, B: Tensor, options: SolveTriangularOptions): Tensor {
  const op = "linalg.solve_triangular";
  const upper = options.upper, left = options.left ?? true, unit = options.unitriangular ?? false;
  checkMatrix(A, op);
  checkMatrix(B, op, "B");
  checkSquare(A, op);
  if (A.dtype !== B.dtype) {
    throw new Error(`${op}: Expected A and B to have the same dtype, but found A of type ${typeName(A.dtype)} and B of type ${typeName(B.dtype)} instead`);
  }
  const n = A.shape[A.dim() - 1]!;
  const rows = B.shape[B.dim() - 2]!, cols = B.shape[B.dim() - 1]!;
  if ((left ? rows : cols) !== n) {
    throw new Error(`${op}: Incompatible shapes of A and B for the equation ${left ? "AX = B" : "XA = B"} (${n}x${n} and ${rows}x${cols})`);
  }
  // X A = B is Aᵀ Xᵀ = Bᵀ, with the other triangle
  const X = left ? solveLeftData(A, B, upper, unit) : transpose(solveLeftData(transpose(A, -2, -1), transpose(B, -2, -1), !upper, unit), -2, -1);
  if (needsGrad(A, B)) {
    record("LinalgSolveTriangularBackward0", [A, B], X, ([g], [As, Xs]) => {
      // PyTorch's linalg_solve_triangular_backward
      const gB = solveTriangular(transpose(As!, -2, -1), g!, { upper: !upper, left, unitriangular: unit });
      const gA = left ? neg(matmul(gB, transpose(Xs!, -2, -1))) : neg(matmul(transpose(Xs!, -2, -1), gB));
      return [triangleOf(gA, upper, unit), gB];
    }, [A, X]);
  }
  return X;
}

/** Options of torch.triangularSolve (PyTorch's defaults: upper, not transposed). */
export interface TriangularSolveOptions {
  upper?: boolean;
  /** solve Aᵀ X = b */
  transpose?: boolean;
  unitriangular?: boolean;
}

/** What torch.triangularSolve returns: the solution and a copy of A. */
export interface TriangularSolveResult extends Iterable<Tensor> {
  solution: Tensor;
  clonedCoefficient: Tensor;
}

/**
 * The deprecated torch.triangular_solve: X with `A X = b` (`Aᵀ X = b` with
 * `transpose`) for triangular A (upper by default), and a copy of A. Use
 * torch.linalg.solveTriangular in new code.
 *
 * @example
 * torch.triangularSolve(torch.tensor([[4], [2]]), torch.tensor([[2, 0], [1, 1]]), { upper: false }).solution; // [[2], [0]]
 */
export function triangularSolve(b: Tensor, A: Tensor, options: TriangularSolveOptions = {}): TriangularSolveResult {
  const op = "torch.triangular_solve";
  warn("torch.triangular_solve is deprecated in favor of torch.linalg.solve_triangular and will be removed in a future PyTorch release. torch.linalg.solve_triangular has its arguments reversed and does not return a copy of one of the inputs.");
  if (b.dim() < 2) throw new Error(`${op}: Expected b to have at least 2 dimensions, but it has ${b.dim()} dimensions instead`);
  if (A.dim() < 2) throw new Error(`${op}: Expected A to have at least 2 dimensions, but it has ${A.dim()} dimensions instead`);
  const upper = options.upper ?? true, tr = options.transpose ?? false;
  const solution = solveTriangular(tr ? transpose(A, -2, -1) : A, b, { upper: tr ? !upper : upper, unitriangular: options.unitriangular ?? false });
  return namedTuple({ solution, clonedCoefficient: A.clone() });
}

/** A⁻¹ B for A = L Lᵀ (or Uᵀ U), by two triangular solves, without autograd. */
function choleskySolveData(B: Tensor, L: Tensor, upper: boolean): Tensor {
  const lower = upper ? transpose(L, -2, -1) : L;
  const y = solveLeftData(lower, B, false, false);
  return solveLeftData(transpose(lower, -2, -1), y, true, false);
}

/**
 * The solution of `A X = B` given the Cholesky factor of A: lower L with
 * A = L Lᵀ, or upper U with A = Uᵀ U when `upper` (PyTorch's
 * torch.cholesky_solve, its factor second). Batch dims broadcast.
 * Differentiable in both, with PyTorch's gradient (a full matrix for the
 * factor, as its cholesky_solve_backward).
 *
 * @example
 * const L = torch.linalg.cholesky(A);
 * torch.choleskySolve(B, L); // A⁻¹ B
 */
export function choleskySolve(B: Tensor, L: Tensor, upper = false): Tensor {
  if (B.dim() < 2) throw new Error(`b should have at least 2 dimensions, but has ${B.dim()} dimensions instead`);
  if (L.dim() < 2) throw new Error(`u should have at least 2 dimensions, but has ${L.dim()} dimensions instead`);
  checkFloating(B, "cholesky_solve");
  if (B.dtype !== L.dtype) throw new Error(`Expected b and A to have the same dtype, but found b of type ${typeName(B.dtype)} and A of type ${typeName(L.dtype)} instead.`);
  const n = L.shape[L.dim() - 1]!;
  if (L.shape[L.dim() - 2] !== n || B.shape[B.dim() - 2] !== n) {
    throw new Error(`Incompatible matrix sizes for cholesky_solve: each A matrix is ${L.shape[L.dim() - 2]} by ${n} but each b matrix is ${B.shape[B.dim() - 2]} by ${B.shape[B.dim() - 1]}`);
  }
  const X = choleskySolveData(B, L, upper);
  if (needsGrad(B, L)) {
    record("CholeskySolveBackward0", [B, L], X, ([g], [Ls, Xs]) => {
      // PyTorch's cholesky_solve_backward
      const gB = choleskySolve(g!, Ls!, upper);
      const c = matmul(gB, transpose(Xs!, -2, -1));
      const common = add(c, transpose(c, -2, -1));
      return [gB, neg(upper ? matmul(Ls!, common) : matmul(common, Ls!))];
    }, [L, X]);
  }
  return X;
}

/**
 * The inverse of A = L Lᵀ (or Uᵀ U with `upper`) from its Cholesky factor
 * (batches `[..., n, n]`), as torch.cholesky_inverse. Differentiable, with
 * PyTorch's gradient.
 *
 * @example
 * torch.choleskyInverse(torch.linalg.cholesky(A)); // A⁻¹
 */
export function choleskyInverse(L: Tensor, upper = false): Tensor {
  const n = checkSquare(L, "cholesky_inverse");
  const out = choleskySolveData(eye(n, n, { dtype: L.dtype }), L, upper);
  if (needsGrad(L)) {
    record("CholeskyInverseBackward0", [L], out, ([g], [Ls, inv]) => {
      // PyTorch's cholesky_inverse_backward
      const common = matmul(inv!, matmul(add(g!, transpose(g!, -2, -1)), inv!));
      return [neg(upper ? matmul(Ls!, common) : matmul(common, Ls!))];
    }, [L, out]);
  }
  return out;
}
