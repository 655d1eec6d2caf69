/**
 * The LU decomposition with partial pivoting of (rectangular) matrices as
 * PyTorch exposes it: linalg.lu_factor / lu_factor_ex (packed LU and
 * LAPACK's 1-based pivots), linalg.lu (P, L, U) and linalg.lu_solve, with
 * PyTorch's gradients (linalg_lu_backward, derived for the square, wide and
 * tall cases).
 */
import type { Tensor } from "../../tensor/tensor.js";
import { needsGrad, numelOf, record } from "../core.js";
import { add, sub } from "../elementwise.js";
import { eye, fromTypedArray, zeros } from "../factories.js";
import { cat } from "../indexing.js";
import { matmul } from "../linalg.js";
import { tril, triu } from "../masking.js";
import { narrow, transpose } from "../views.js";
import { batchPrefix, batchShape, checkFloating, checkMatrix, float64Data, fromFloat64, typeName } from "./batch.js";
import { solveTriangular } from "./triangular.js";
import { namedTuple } from "../named-tuple.js";

/** Options of the LU functions. */
export interface LuOptions {
  /** partial pivoting (PyTorch on the CPU supports only true) */
  pivot?: boolean;
}

/** Options of linalg.luFactorEx. */
export interface LuFactorExOptions extends LuOptions {
  /** throw PyTorch's error when a U has an exact zero on its diagonal */
  checkErrors?: boolean;
}

/** What linalg.luFactor returns. */
export interface LuFactorResult extends Iterable<Tensor> {
  /** L (below the diagonal, its unit diagonal not stored) and U packed in one `[..., m, n]` tensor */
  LU: Tensor;
  /** LAPACK's 1-based row interchanges `[..., min(m, n)]` (int32) */
  pivots: Tensor;
}

/** What linalg.luFactorEx returns: luFactor's and LAPACK's info `[...]` (int32: 0, or the 1-based index of U's first zero diagonal element). */
export interface LuFactorExResult extends LuFactorResult {
  info: Tensor;
}

/** What linalg.lu returns: A = P L U. */
export interface LuResult extends Iterable<Tensor> {
  P: Tensor;
  L: Tensor;
  U: Tensor;
}

/** Packed LU with partial pivoting of each m×n matrix of `a` (in place), its pivots and info. */
function factorAll(a: Float64Array, count: number, m: number, n: number): { pivots: Int32Array; info: Int32Array } {
  const k = Math.min(m, n);
  const pivots = new Int32Array(count * k), info = new Int32Array(count);
  for (let b = 0; b < count; b++) {
    const o = b * m * n;
    for (let j = 0; j < k; j++) {
      let p = j, best = Math.abs(a[o + j * n + j]!);
      for (let i = j + 1; i < m; i++) {
        const v = Math.abs(a[o + i * n + j]!);
        if (v > best) { best = v; p = i; }
      }
      pivots[b * k + j] = p + 1;
      if (p !== j) {
        for (let c = 0; c < n; c++) {
          const t = a[o + j * n + c]!;
          a[o + j * n + c] = a[o + p * n + c]!;
          a[o + p * n + c] = t;
        }
      }
      const pivot = a[o + j * n + j]!;
      if (pivot === 0) {
        if (info[b] === 0) info[b] = j + 1;
        continue;
      }
      for (let i = j + 1; i < m; i++) {
        const f = (a[o + i * n + j]! /= pivot);
        if (f !== 0) for (let c = j + 1; c < n; c++) a[o + i * n + c]! -= f * a[o + j * n + c]!;
      }
    }
  }
  return { pivots, info };
}

/** P `[..., m, m]` of A = P L U from LAPACK's pivots (row j swapped with pivots[j] - 1, in order). */
function permutationFromPivots(pivots: Int32Array, count: number, m: number, k: number, dtype: Tensor["dtype"], batch: number[]): Tensor {
  const out = new Float64Array(count * m * m);
  const perm = new Int32Array(m);
  for (let b = 0; b < count; b++) {
    for (let i = 0; i < m; i++) perm[i] = i;
    for (let j = 0; j < k; j++) {
      const p = pivots[b * k + j]! - 1;
      const t = perm[j]!;
      perm[j] = perm[p]!;
      perm[p] = t;
    }
    // (Pᵀ A)[i] = A[perm[i]], so P[perm[i], i] = 1
    for (let i = 0; i < m; i++) out[b * m * m + perm[i]! * m + i] = 1;
  }
  return fromFloat64(out, [...batch, m, m], dtype);
}

function checkPivot(options: LuOptions, op: string): void {
  if (options.pivot === false) throw new Error(`${op}: LU without pivoting is not implemented on the CPU`);
}

/** L `[..., m, k]` (unit diagonal) and U `[..., k, n]` from the packed LU. */
function unpack(LU: Tensor): { L: Tensor; U: Tensor } {
  const m = LU.shape[LU.dim() - 2]!, n = LU.shape[LU.dim() - 1]!, k = Math.min(m, n);
  const L = add(tril(narrow(LU, -1, 0, k), -1), eye(m, k, { dtype: LU.dtype }));
  const U = triu(narrow(LU, -2, 0, k));
  return { L, U };
}

/**
 * PyTorch's linalg_lu_backward: A's gradient from those of L and U (either
 * may be null), written with triangular solves so that it is differentiable.
 */
function luBackward(gLIn: Tensor | null, gUIn: Tensor | null, P: Tensor, L: Tensor, U: Tensor): Tensor {
  const m = L.shape[L.dim() - 2]!, n = U.shape[U.dim() - 1]!, k = Math.min(m, n);
  const mT = (t: Tensor) => transpose(t, -2, -1);
  const gL = gLIn === null ? null : tril(gLIn, -1);
  const gU = gUIn === null ? null : triu(gUIn);
  let gA: Tensor;
  if (m === n) {
    // P L⁻ᵀ (tril(Lᵀ gL, -1) + triu(gU Uᵀ)) U⁻ᵀ
    const terms = [gL === null ? null : tril(matmul(mT(L), gL), -1), gU === null ? null : triu(matmul(gU, mT(U)))].filter((t): t is Tensor => t !== null);
    const phi = terms.length === 2 ? add(terms[0]!, terms[1]!) : terms[0]!;
    gA = solveTriangular(mT(U), phi, { upper: false, left: false });
    gA = solveTriangular(mT(L), gA, { upper: true, unitriangular: true });
  } else if (m < n) {
    // wide: R = Lᵀ gL - gU Uᵀ; gN = [tril(R, -1) U1⁻ᵀ + gU1, gU2]; gA = P L⁻ᵀ gN
    const U1 = narrow(U, -1, 0, k);
    let R: Tensor | null = gL === null ? null : matmul(mT(L), gL);
    if (gU !== null) R = R === null ? matmul(gU, mT(U)).neg() : sub(R, matmul(gU, mT(U)));
    let gN = solveTriangular(mT(U1), tril(R!, -1), { upper: false, left: false });
    gN = gU === null ? cat([gN, zeros([...gN.shape.slice(0, -1), n - k], { dtype: U.dtype })], -1)
      : cat([add(gN, narrow(gU, -1, 0, k)), narrow(gU, -1, k, n - k)], -1);
    gA = solveTriangular(mT(L), gN, { upper: true, unitriangular: true });
  } else {
    // tall: R = gU Uᵀ - Lᵀ gL; gN = [L1⁻ᵀ triu(R) + gL1; gL2]; gA = P gN U⁻ᵀ
    const L1 = narrow(L, -2, 0, k);
    let R: Tensor | null = gU === null ? null : matmul(gU, mT(U));
    if (gL !== null) R = R === null ? matmul(mT(L), gL).neg() : sub(R, matmul(mT(L), gL));
    let gN = solveTriangular(mT(L1), triu(R!), { upper: true, unitriangular: true });
    gN = gL === null ? cat([gN, zeros([...gN.shape.slice(0, -2), m - k, k], { dtype: L.dtype })], -2)
      : cat([add(gN, narrow(gL, -2, 0, k)), narrow(gL, -2, k, m - k)], -2);
    gA = solveTriangular(mT(U), gN, { upper: false, left: false });
  }
  return matmul(P, gA);
}

/** The factorization shared by luFactorEx and lu: packed LU (a tensor of A's dtype), pivots, info and P. */
function factor(A: Tensor, op: string, options: LuOptions): { LU: Tensor; pivots: Tensor; info: Tensor; P: Tensor; infos: Int32Array } {
  checkPivot(options, "linalg.lu_factor");
  if (A.dim() < 2) throw new Error(`torch.lu_factor: Expected tensor with 2 or more dimensions. Got size: [${A.shape.join(", ")}] instead`);
  checkFloating(A, op);
  const m = A.shape[A.dim() - 2]!, n = A.shape[A.dim() - 1]!, k = Math.min(m, n);
  const batch = batchShape(A), count = numelOf(batch);
  const a = float64Data(A.detach());
  const { pivots, info } = factorAll(a, count, m, n);
  return {
    LU: fromFloat64(a, A.shape, A.dtype),
    pivots: fromTypedArray(pivots, [...batch, k], { dtype: "int32" }),
    info: fromTypedArray(info, batch, { dtype: "int32" }),
    P: permutationFromPivots(pivots, count, m, k, A.dtype, batch),
    infos: info,
  };
}

/**
 * The LU factorization with partial pivoting of batches of m×n matrices,
 * packed as LAPACK's getrf (PyTorch's torch.linalg.lu_factor_ex): LU, the
 * 1-based pivots, and `info` instead of an error for an exactly singular
 * U (unless `checkErrors`). LU is differentiable.
 *
 * @example
 * const { LU, pivots, info } = torch.linalg.luFactorEx(A);
 */
export function luFactorEx(A: Tensor, options: LuFactorExOptions = {}): LuFactorExResult {
  return luFactorNamed(A, options, "torch.linalg.lu_factor_ex", options.checkErrors ?? false);
}

function luFactorNamed(A: Tensor, options: LuOptions, op: string, check: boolean): LuFactorExResult {
  const f = factor(A, op.replace("torch.", ""), options);
  if (check) {
    const bad = f.infos.findIndex((i) => i !== 0);
    if (bad >= 0) {
      const i = f.infos[bad]!;
      throw new Error(`${op}: ${batchPrefix(A.dim() > 2, bad)}U[${i},${i}] is zero and using it on lu_solve would result in a division by zero. If you still want to perform the factorization, consider calling linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)`);
    }
  }
  if (needsGrad(A)) {
    const k = Math.min(A.shape[A.dim() - 2]!, A.shape[A.dim() - 1]!);
    record("LinalgLuFactorExBackward0", [A], f.LU, ([g], [LUs, P]) => {
      const { L, U } = unpack(LUs!);
      return [luBackward(narrow(g!, -1, 0, k), narrow(g!, -2, 0, k), P!, L, U)];
    }, [f.LU, f.P]);
  }
  return namedTuple({ LU: f.LU, pivots: f.pivots, info: f.info });
}

/**
 * The LU factorization with partial pivoting, packed (PyTorch's
 * torch.linalg.lu_factor): throws PyTorch's error where a U has an exact
 * zero on its diagonal (luFactorEx reports it instead). Differentiable.
 *
 * @example
 * const { LU, pivots } = torch.linalg.luFactor(A);
 * torch.linalg.luSolve(LU, pivots, B); // A⁻¹ B
 */
export function luFactor(A: Tensor, options: LuOptions = {}): LuFactorResult {
  const { LU, pivots } = luFactorNamed(A, options, "torch.linalg.lu_factor", true);
  return namedTuple({ LU, pivots });
}

/**
 * The LU decomposition with partial pivoting A = P L U of batches of m×n
 * matrices: P `[..., m, m]` a permutation, L `[..., m, k]` unit lower
 * triangular, U `[..., k, n]` upper triangular, k = min(m, n) (PyTorch's
 * torch.linalg.lu). L and U are differentiable (PyTorch's linalg_lu_backward).
 *
 * @example
 * const { P, L, U } = torch.linalg.lu(torch.tensor([[1, 2], [3, 4]]));
 * // P = [[0, 1], [1, 0]], L = [[1, 0], [0.3333, 1]], U = [[3, 4], [0, 0.6667]]
 */
export function lu(A: Tensor, options: LuOptions = {}): LuResult {
  const f = factor(A, "linalg.lu", options);
  const { L: Lt, U: Ut } = unpack(f.LU);
  const L = Lt.contiguous(), U = Ut.contiguous();
  if (needsGrad(A)) {
    const out = cat([L.reshape([...L.shape.slice(0, -2), -1]), U.reshape([...U.shape.slice(0, -2), -1])], -1);
    const m = L.shape[L.dim() - 2]!, k = L.shape[L.dim() - 1]!, n = U.shape[U.dim() - 1]!;
    // one node for both outputs: their values, flattened side by side, split back into L and U below
    const split = (t: Tensor): [Tensor, Tensor] => [narrow(t, -1, 0, m * k).reshape(L.shape), narrow(t, -1, m * k, k * n).reshape(U.shape)];
    // the saved output itself (not the L and U it was made of), so that a second derivative reaches A through it
    record("LinalgLuBackward0", [A], out, ([g], [outs, P]) => {
      const [gL, gU] = split(g!), [Ls, Us] = split(outs!);
      return [luBackward(gL, gU, P!, Ls, Us)];
    }, [out, f.P]);
    // copies, not views into the joint buffer
    const [Lout, Uout] = split(out);
    return namedTuple({ P: f.P, L: Lout.clone(), U: Uout.clone() });
  }
  return namedTuple({ P: f.P, L, U });
}

/** Options of linalg.luSolve. */
export interface LuSolveOptions {
  /** solve A X = B (default), or X A = B when false */
  left?: boolean;
  /** solve with Aᵀ instead of A */
  adjoint?: boolean;
}

/** Pᵀ B (rows of B permuted as LAPACK's pivots say), differentiable: P is a constant. */
function applyPivots(pivots: Tensor, B: Tensor, n: number, transposeP: boolean): Tensor {
  const batch = pivots.shape.slice(0, -1);
  const k = pivots.shape[pivots.dim() - 1]!;
  const P = permutationFromPivots(pivots.contiguous().data as Int32Array, numelOf(batch), n, k, B.dtype, batch);
  return matmul(transposeP ? transpose(P, -2, -1) : P, B);
}

/**
 * The solution of `A X = B` from A's packed LU factorization and pivots
 * (linalg.luFactor's), as torch.linalg.lu_solve: `left: false` solves
 * X A = B, `adjoint` uses Aᵀ. Batch dims broadcast. Differentiable in LU and B.
 *
 * @example
 * const { LU, pivots } = torch.linalg.luFactor(A);
 * torch.linalg.luSolve(LU, pivots, B); // A⁻¹ B
 */
export function luSolve(LU: Tensor, pivots: Tensor, B: Tensor, options: LuSolveOptions = {}): Tensor {
  const op = "linalg.lu_solve";
  const left = options.left ?? true, adjoint = options.adjoint ?? false;
  checkMatrix(LU, op, "LU");
  checkMatrix(B, op, "B");
  checkFloating(LU, op);
  if (LU.dtype !== B.dtype) throw new Error(`${op}: Expected LU and B to have the same dtype, but found LU of type ${typeName(LU.dtype)} and B of type ${typeName(B.dtype)} instead`);
  const n = LU.shape[LU.dim() - 1]!;
  if (LU.shape[LU.dim() - 2] !== n) throw new Error(`${op}: LU must be batches of square matrices, but they are ${LU.shape[LU.dim() - 2]} by ${n} matrices`);
  if (pivots.dtype !== "int32") throw new Error(`${op}: pivots should be a Tensor of scalar type int32, got ${typeName(pivots.dtype)}`);
  if (pivots.dim() !== LU.dim() - 1 || pivots.shape[pivots.dim() - 1] !== n) {
    throw new Error(`${op}: Expected pivots of shape [..., ${n}] matching LU's batch, but got [${pivots.shape.join(", ")}]`);
  }
  const rows = B.shape[B.dim() - 2]!, cols = B.shape[B.dim() - 1]!;
  if ((left ? rows : cols) !== n) {
    throw new Error(`${op}: Incompatible shapes of A and B for the equation ${left ? "AX = B" : "XA = B"} (${n}x${n} and ${rows}x${cols})`);
  }
  const { L, U } = unpack(LU);
  const mT = (t: Tensor) => transpose(t, -2, -1);
  if (!left) {
    // X A = B  <=>  Aᵀ Xᵀ = Bᵀ
    return mT(luSolve(LU, pivots, mT(B), { adjoint: !adjoint }));
  }
  if (!adjoint) {
    // A = P L U: X = U⁻¹ L⁻¹ Pᵀ B
    const y = solveTriangular(L, applyPivots(pivots, B, n, true), { upper: false, unitriangular: true });
    return solveTriangular(U, y, { upper: true });
  }
  // Aᵀ = Uᵀ Lᵀ Pᵀ: X = P L⁻ᵀ U⁻ᵀ B
  const y = solveTriangular(mT(U), B, { upper: false });
  return applyPivots(pivots, solveTriangular(mT(L), y, { upper: true, unitriangular: true }), n, false);
}
