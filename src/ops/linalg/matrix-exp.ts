/**
 * linalg.matrix_exp: the matrix exponential by scaling and squaring (a
 * Taylor series of A / 2^s, then s squarings) in float64, with PyTorch's
 * gradient (the exponential of a 2n×2n block matrix, so it differentiates
 * again).
 */
import type { Tensor } from "../../tensor/tensor.js";
import { needsGrad, numelOf, record } from "../core.js";
import { zerosLike } from "../factories.js";
import { cat } from "../indexing.js";
import { narrow, transpose } from "../views.js";
import { batchShape, checkSquare, float64Data, fromFloat64 } from "./batch.js";

/** C = A B for n×n row-major matrices. */
function product(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k]!;
      if (aik !== 0) for (let j = 0; j < n; j++) c[i * n + j]! += aik * b[k * n + j]!;
    }
  }
  return c;
}

/** exp of the n×n matrix `a` at `offset`. */
function expOne(a: Float64Array, offset: number, n: number): Float64Array {
  let norm = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(a[offset + i * n + j]!);
    norm = Math.max(norm, s);
  }
  if (!Number.isFinite(norm)) return new Float64Array(n * n).fill(NaN);
  // scaled to a 1-norm <= 1/2, where 30 Taylor terms are exact to double precision
  const s = norm > 0.5 ? Math.ceil(Math.log2(norm / 0.5)) : 0;
  const scale = 2 ** -s;
  const b = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) b[i] = a[offset + i]! * scale;
  let result: Float64Array = new Float64Array(n * n);
  let term: Float64Array = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    result[i * n + i] = 1;
    term[i * n + i] = 1;
  }
  for (let k = 1; k <= 30; k++) {
    term = product(term, b, n);
    let size = 0;
    for (let i = 0; i < n * n; i++) {
      term[i]! /= k;
      result[i]! += term[i]!;
      size = Math.max(size, Math.abs(term[i]!));
    }
    if (size < 1e-18) break;
  }
  for (let i = 0; i < s; i++) result = product(result, result, n);
  return result;
}

/**
 * The matrix exponential `Σ Aᵏ / k!` of batches of square matrices, as
 * torch.linalg.matrix_exp. Differentiable (PyTorch's formula: the upper
 * right block of exp([[Aᵀ, g], [0, Aᵀ]])).
 *
 * @example
 * torch.linalg.matrixExp(torch.tensor([[0, 1], [0, 0]])); // [[1, 1], [0, 1]]
 */
export function matrixExp(A: Tensor): Tensor {
  const n = checkSquare(A, "linalg.matrix_exp");
  const a = float64Data(A.detach());
  const out = new Float64Array(a.length);
  for (let b = 0; b < numelOf(batchShape(A)); b++) out.set(expOne(a, b * n * n, n), b * n * n);
  const E = fromFloat64(out, A.shape, A.dtype);
  if (needsGrad(A)) {
    record("LinalgMatrixExpBackward0", [A], E, ([g], [As]) => {
      const At = transpose(As!, -2, -1);
      const block = cat([cat([At, g!], -1), cat([zerosLike(At), At], -1)], -2);
      return [narrow(narrow(matrixExp(block), -2, 0, n), -1, n, n)];
    }, [A]);
  }
  return E;
}
