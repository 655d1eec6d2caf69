/**
 * One LU factorization (partial pivoting, float64) behind linalg.solve,
 * linalg.inv, linalg.det and linalg.slogdet, and their gradients.
 */
import type { Tensor } from "../../tensor/tensor.js";
import { broadcastShapes, needsGrad, numelOf, record, shapeStr } from "../core.js";
import { isRecording } from "../../autograd/grad-mode.js";
import { mul, neg } from "../elementwise.js";
import { productOfOthers } from "../reduce.js";
import { svd } from "./svd.js";
import { eye } from "../factories.js";
import { matmul } from "../linalg.js";
import { expand, squeeze, transpose, unsqueeze } from "../views.js";
import { batchPrefix, batchShape, checkFloating, checkMatrix, checkSquare, float64Data, fromFloat64, typeName } from "./batch.js";
import { namedTuple } from "../named-tuple.js";

/** An LU factorization of one n×n matrix: L (unit, below the diagonal) and U in `lu`, row i swapped with perm[i] at step i. */
export interface LU {
  lu: Float64Array;
  perm: Int32Array;
  /** 1-based index of the first exactly-zero pivot, 0 when none (LAPACK's info). */
  info: number;
  /** (-1)^(number of row swaps). */
  sign: number;
}

/** LU with partial pivoting of the n×n row-major matrix `a` at `offset` (copied). */
export function luFactor(a: Float64Array, offset: number, n: number): LU {
  const lu = a.slice(offset, offset + n * n);
  const perm = new Int32Array(n);
  let info = 0, sign = 1;
  for (let k = 0; k < n; k++) {
    let p = k, best = Math.abs(lu[k * n + k]!);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(lu[i * n + k]!);
      if (v > best) { best = v; p = i; }
    }
    perm[k] = p;
    if (p !== k) {
      sign = -sign;
      for (let j = 0; j < n; j++) {
        const t = lu[k * n + j]!;
        lu[k * n + j] = lu[p * n + j]!;
        lu[p * n + j] = t;
      }
    }
    const pivot = lu[k * n + k]!;
    if (pivot === 0) {
      if (info === 0) info = k + 1;
      continue;
    }
    for (let i = k + 1; i < n; i++) {
      const f = (lu[i * n + k]! /= pivot);
      if (f !== 0) for (let j = k + 1; j < n; j++) lu[i * n + j]! -= f * lu[k * n + j]!;
    }
  }
  return { lu, perm, info, sign };
}

/** Solves LU·X = P·B in place for the n×k row-major `b` at `offset`. */
export function luSolve(f: LU, n: number, b: Float64Array, offset: number, k: number): void {
  const { lu, perm } = f;
  for (let i = 0; i < n; i++) {
    const p = perm[i]!;
    if (p !== i) {
      for (let j = 0; j < k; j++) {
        const t = b[offset + i * k + j]!;
        b[offset + i * k + j] = b[offset + p * k + j]!;
        b[offset + p * k + j] = t;
      }
    }
  }
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < i; r++) {
      const l = lu[i * n + r]!;
      if (l !== 0) for (let j = 0; j < k; j++) b[offset + i * k + j]! -= l * b[offset + r * k + j]!;
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let r = i + 1; r < n; r++) {
      const u = lu[i * n + r]!;
      if (u !== 0) for (let j = 0; j < k; j++) b[offset + i * k + j]! -= u * b[offset + r * k + j]!;
    }
    const d = lu[i * n + i]!;
    for (let j = 0; j < k; j++) b[offset + i * k + j]! /= d;
  }
}

/** Options of linalg.solve. */
export interface SolveOptions {
  /** solve A X = B (default), or X A = B when false */
  left?: boolean;
}

interface SolveMode {
  /** the op named in errors and the graph node */
  op: string;
  node: string;
  /** how a singular matrix is reported; null: not at all (the solution gets Inf/NaN) */
  singular: ((info: number) => string) | null;
  /** replace exactly-zero pivots by the dtype's epsilon (PyTorch's det backward) */
  perturb?: boolean;
  /** the op named in the singular error, when not `op` */
  errorOp?: string;
}

/** X with A X = B for a batch of square A `[..., n, n]` and B `[..., n, k]` (batch dims broadcast), differentiable. */
function solveMatrix(A: Tensor, B: Tensor, mode: SolveMode): Tensor {
  const n = A.shape[A.dim() - 1]!, k = B.shape[B.dim() - 1]!;
  const batch = broadcastShapes(batchShape(A), batchShape(B), mode.op);
  const a = float64Data(expand(A, [...batch, n, n]).detach());
  const x = float64Data(expand(B, [...batch, n, k]).detach());
  const count = numelOf(batch);
  const eps = A.dtype === "float32" ? 2 ** -23 : 2 ** -52;
  for (let i = 0; i < count; i++) {
    const f = luFactor(a, i * n * n, n);
    if (f.info !== 0) {
      if (mode.singular) throw new Error(`${mode.errorOp ?? mode.op}: ${batchPrefix(batch.length > 0, i)}${mode.singular(f.info)}`);
      if (mode.perturb) for (let d = 0; d < n; d++) if (f.lu[d * n + d] === 0) f.lu[d * n + d] = eps;
    }
    luSolve(f, n, x, i * n * k, k);
  }
  const X = fromFloat64(x, [...batch, n, k], A.dtype);
  if (needsGrad(A, B)) {
    const noCheck: SolveMode = { ...mode, singular: null };
    record(mode.node, [A, B], X, ([g], [As, Xs]) => {
      const gB = solveMatrix(transpose(As!, -2, -1), g!, noCheck);
      return [neg(matmul(gB, transpose(Xs!, -2, -1))), gB];
    }, [A, X]);
  }
  return X;
}

/**
 * The solution X of `A X = B` for square, invertible A (batches `[..., n, n]`);
 * B is a batch of matrices `[..., n, k]` or of vectors `[..., n]` (as in
 * PyTorch 2.x: B is a vector when it is 1-d, or when its shape is A's minus
 * the last dim). Batch dims broadcast. LU with partial pivoting in float64;
 * the result has A's dtype. Differentiable in A and B. `left: false` solves
 * X A = B instead (B a batch of matrices).
 *
 * @example
 * const A = torch.tensor([[3, 1], [1, 2]]);
 * torch.linalg.solve(A, torch.tensor([9, 8])); // tensor([2., 3.])
 */
export function solve(A: Tensor, B: Tensor, options: SolveOptions = {}): Tensor {
  const op = "linalg.solve";
  if (options.left === false) {
    // X A = B is Aᵀ Xᵀ = Bᵀ (PyTorch 2.x's left=False)
    if (B.dim() === 1 || (B.dim() === A.dim() - 1 && shapeStr(B.shape) === shapeStr(A.shape.slice(0, -1)))) {
      throw new Error("linalg.solve: Vector broadcasting of the left hand side is not supported for left=False. In this case linalg.solve is equivalent to B / A.squeeze(-1)");
    }
    checkMatrix(A, op);
    return transpose(solve(transpose(A, -2, -1), transpose(B, -2, -1)), -2, -1);
  }
  checkMatrix(A, op);
  checkFloating(A, op);
  if (A.dtype !== B.dtype) {
    throw new Error(`${op}: Expected A and B to have the same dtype, but found A of type ${typeName(A.dtype)} and B of type ${typeName(B.dtype)} instead`);
  }
  const n = checkSquare(A, op);
  if (B.dim() === 0) throw new Error(`${op}: The input tensor B must have at least 1 dimensions. (shapes ${shapeStr(A.shape)} and ${shapeStr(B.shape)})`);
  const vector = B.dim() === 1 || (B.dim() === A.dim() - 1 && shapeStr(B.shape) === shapeStr(A.shape.slice(0, -1)));
  const rows = vector ? B.shape[B.dim() - 1]! : B.shape[B.dim() - 2]!;
  if (rows !== n) {
    throw new Error(`${op}: Incompatible shapes of A and B for the equation AX = B (${n}x${n} and ${rows}x${vector ? 1 : B.shape[B.dim() - 1]})`);
  }
  // PyTorch 2.x names this one error "torch.linalg.solve"
  const mode: SolveMode = { op, node: "LinalgSolveExBackward0", singular: () => "The solver failed because the input matrix is singular.", errorOp: "torch.linalg.solve" };
  return vector ? squeeze(solveMatrix(A, unsqueeze(B, -1), mode), -1) : solveMatrix(A, B, mode);
}

/** A⁻¹ through solveMatrix; `mode` says how singular matrices are treated. */
function inverse(A: Tensor, mode: SolveMode): Tensor {
  const n = A.shape[A.dim() - 1]!;
  return solveMatrix(A, eye(n, n, { dtype: A.dtype }), mode);
}

/** A⁻¹ of square matrices without the singularity check (for backward formulas), differentiable. */
export function inverseUnchecked(A: Tensor, op: string): Tensor {
  return inverse(A, { op, node: "LinalgInvExBackward0", singular: null });
}

/**
 * The inverse of square, invertible matrices (batches `[..., n, n]`), in A's
 * dtype. Differentiable: the gradient is `-A⁻ᵀ g A⁻ᵀ`.
 *
 * @example
 * torch.linalg.inv(torch.tensor([[2, 0], [0, 4]])); // tensor([[0.5, 0], [0, 0.25]])
 */
export function inv(A: Tensor): Tensor {
  checkSquare(A, "linalg.inv");
  return inverse(A, {
    op: "linalg.inv", node: "LinalgInvExBackward0",
    singular: (info) => `The diagonal element ${info} is zero, the inversion could not be completed because the input matrix is singular.`,
  });
}

/** Per batch item of square A: the sign of the permutation and the diagonal of U. */
function factorAll(A: Tensor, n: number): { count: number; factors: LU[] } {
  const a = float64Data(A.detach());
  const count = numelOf(batchShape(A));
  const factors: LU[] = [];
  for (let i = 0; i < count; i++) factors.push(luFactor(a, i * n * n, n));
  return { count, factors };
}

/** `t` `[...]` as `[..., 1, 1]`. */
function asMatrixScale(t: Tensor): Tensor {
  return unsqueeze(unsqueeze(t, -1), -1);
}

/**
 * The determinant of square matrices (batches `[..., n, n]`), from an LU
 * factorization. Differentiable, with PyTorch 2.x's gradient: the cofactor
 * matrix `g·det·A⁻ᵀ` where A is invertible, and through an SVD where it is
 * singular or a second derivative is being built (see detGradBySvd).
 *
 * @example
 * torch.linalg.det(torch.tensor([[1, 2], [3, 4]])); // tensor(-2.)
 */
export function det(A: Tensor): Tensor {
  const n = checkSquare(A, "linalg.det");
  const { count, factors } = factorAll(A, n);
  const out = new Float64Array(count);
  factors.forEach((f, i) => {
    let d = f.sign;
    for (let j = 0; j < n; j++) d *= f.lu[j * n + j]!;
    out[i] = d;
  });
  const D = fromFloat64(out, batchShape(A), A.dtype);
  if (needsGrad(A)) {
    record("LinalgDetBackward0", [A], D, ([g], [As, Ds]) => {
      if (isRecording() || Ds!.toArray().some((d) => d === 0)) return [detGradBySvd(g!, As!)];
      const invA = inverse(As!, { op: "linalg.det", node: "LinalgSolveExBackward0", singular: null, perturb: true });
      return [mul(asMatrixScale(mul(g!, Ds!)), transpose(invA, -2, -1))];
    }, [A, D]);
  }
  return D;
}

/**
 * det's gradient as PyTorch 2.x's linalg_det_backward computes it for singular
 * input and under create_graph: with A = U diag(S) Vh, the cofactor matrix is
 * U diag(α · Π_{j≠i} S_j) Vh, α = det(U)·det(Vh) = ±1. The products of the
 * other singular values stay exact at zeros, and every step is differentiable.
 */
function detGradBySvd(g: Tensor, A: Tensor): Tensor {
  const { U, S, Vh } = svd(A, { fullMatrices: false });
  const alpha = mul(det(U), det(Vh));
  const scaled = mul(productOfOthers(S, S.dim() - 1), unsqueeze(mul(g, alpha), -1));
  return matmul(mul(U, unsqueeze(scaled, -2)), Vh);
}

/** What linalg.slogdet returns: det = sign · exp(logabsdet). */
export interface SlogdetResult extends Iterable<Tensor> {
  sign: Tensor;
  logabsdet: Tensor;
}

/**
 * The sign and the log of the absolute value of the determinant (batches
 * `[..., n, n]`); a singular matrix gives sign 0 and logabsdet -Infinity.
 * logabsdet is differentiable (gradient `g·A⁻ᵀ`); sign, as in PyTorch, is an
 * output of the same node (LinalgSlogdetBackward0) and requires grad, but no
 * gradient flows through it for real input.
 *
 * @example
 * const { sign, logabsdet } = torch.linalg.slogdet(torch.tensor([[1, 2], [3, 4]]));
 * // sign: tensor(-1.), logabsdet: tensor(0.6931)
 */
export function slogdet(A: Tensor): SlogdetResult {
  const n = checkSquare(A, "linalg.slogdet");
  const { count, factors } = factorAll(A, n);
  const sign = new Float64Array(count), logabs = new Float64Array(count);
  factors.forEach((f, i) => {
    let s = f.sign, l = 0;
    for (let j = 0; j < n; j++) {
      const u = f.lu[j * n + j]!;
      s *= Math.sign(u);
      l += Math.log(Math.abs(u));
    }
    sign[i] = s;
    logabs[i] = l;
  });
  const batch = batchShape(A);
  const logabsdet = fromFloat64(logabs, batch, A.dtype), signs = fromFloat64(sign, batch, A.dtype);
  if (needsGrad(A)) {
    // one node for both outputs, as PyTorch's: sign requires grad too, but (real input) passes none
    record("LinalgSlogdetBackward0", [A], [signs, logabsdet], ([, g], [As]) => {
      if (g === null || g === undefined) return [null];
      const invA = inverse(As!, { op: "linalg.slogdet", node: "LinalgSolveExBackward0", singular: null });
      return [mul(asMatrixScale(g), transpose(invA, -2, -1))];
    }, [A]);
  }
  return namedTuple({ sign: signs, logabsdet });
}
