/**
 * torch.linalg's product helpers: vecdot, multi_dot (in the cheapest
 * order), householder_product, vander and diagonal, composed of
 * differentiable ops (their gradients are those of the pieces, which are
 * PyTorch's).
 */
import type { Tensor } from "../../tensor/tensor.js";
import { mul, sub } from "../elementwise.js";
import { eye, ones } from "../factories.js";
import { diagonal as diagonalOp } from "../diagonal.js";
import { cat } from "../indexing.js";
import { matmul, mm } from "../linalg.js";
import { tril } from "../masking.js";
import { sum } from "../reduce.js";
import { cumprod } from "../scan.js";
import { expand, narrow, select, squeeze, unsqueeze } from "../views.js";
import { typeName } from "./batch.js";
import { add } from "../elementwise.js";

/**
 * The dot product of vectors along `dim` (default the last), batch dims
 * broadcast, as torch.linalg.vecdot (real: no conjugation to do).
 *
 * @example
 * torch.linalg.vecdot(torch.tensor([[1, 2], [3, 4]]), torch.tensor([1, 1])); // tensor([3., 7.])
 */
export function vecdot(x: Tensor, y: Tensor, options: { dim?: number } = {}): Tensor {
  if (x.dtype !== y.dtype) {
    throw new Error(`linalg.vecdot: Expected x and y to have the same dtype, but found x of type ${typeName(x.dtype)} and y of type ${typeName(y.dtype)} instead`);
  }
  return sum(mul(x, y), options.dim ?? -1);
}

/**
 * The product of two or more matrices, multiplied in the order that needs
 * the fewest scalar multiplications (torch.linalg.multi_dot); the first may
 * be a 1-d row vector and the last a 1-d column vector (those dims are
 * dropped from the result).
 *
 * @example
 * torch.linalg.multiDot([a, b, c]); // a @ b @ c
 */
export function multiDot(tensors: readonly Tensor[]): Tensor {
  const count = tensors.length;
  if (count < 2) throw new Error(`multi_dot(): expected at least 2 tensors but got ${count}`);
  const first = tensors[0]!, last = tensors[count - 1]!;
  if (first.dim() !== 1 && first.dim() !== 2) throw new Error(`multi_dot(): the first tensor must be 1D or 2D but got ${first.dim()}D`);
  for (let i = 1; i < count - 1; i++) {
    if (tensors[i]!.dim() !== 2) throw new Error(`multi_dot(): tensor ${i} must be 2D but got ${tensors[i]!.dim()}D`);
  }
  if (last.dim() !== 1 && last.dim() !== 2) throw new Error(`multi_dot(): the last tensor must be 1D or 2D but got ${last.dim()}D`);
  tensors.forEach((t, i) => {
    if (t.dtype !== first.dtype) throw new Error(`multi_dot(): all tensors must have be the same dtype but tensor 0 is ${first.dtype === "float32" ? "float" : first.dtype === "float64" ? "double" : first.dtype} and tensor ${i} ${t.dtype === "float32" ? "float" : t.dtype === "float64" ? "double" : t.dtype}`);
  });
  const mats = tensors.map((t, i) => (t.dim() === 2 ? t : i === 0 ? unsqueeze(t, 0) : unsqueeze(t, 1)));
  for (let i = 0; i + 1 < count; i++) {
    const a = mats[i]!, b = mats[i + 1]!;
    if (a.shape[1] !== b.shape[0]) {
      throw new Error(`multi_dot(): tensors ${i} and ${i + 1} with shapes [${tensors[i]!.shape.join(", ")}] and [${tensors[i + 1]!.shape.join(", ")}] cannot be multiplied`);
    }
  }
  // the matrix-chain order: cost[i][j] the fewest multiplications for mats i..j, split[i][j] where to split
  const dims = [mats[0]!.shape[0]!, ...mats.map((m) => m.shape[1]!)];
  const cost = Array.from({ length: count }, () => new Array<number>(count).fill(0));
  const split = Array.from({ length: count }, () => new Array<number>(count).fill(0));
  for (let len = 1; len < count; len++) {
    for (let i = 0; i + len < count; i++) {
      const j = i + len;
      cost[i]![j] = Infinity;
      for (let k = i; k < j; k++) {
        const c = cost[i]![k]! + cost[k + 1]![j]! + dims[i]! * dims[k + 1]! * dims[j + 1]!;
        if (c < cost[i]![j]!) {
          cost[i]![j] = c;
          split[i]![j] = k;
        }
      }
    }
  }
  const product = (i: number, j: number): Tensor => (i === j ? mats[i]! : mm(product(i, split[i]![j]!), product(split[i]![j]! + 1, j)));
  let out = product(0, count - 1);
  if (last.dim() === 1) out = squeeze(out, 1);
  if (first.dim() === 1) out = squeeze(out, 0);
  return out;
}

/**
 * The first n columns of the product of Householder reflections
 * `H_1 ⋯ H_k`, `H_i = I - tau_i v_i v_iᵀ`, with v_i the i-th column of A
 * below the diagonal and a 1 on it (torch.linalg.householder_product, LAPACK's
 * orgqr): A `[..., m, n]` (m >= n), tau `[..., k]` (k <= n). Differentiable
 * in A and tau.
 *
 * @example
 * const { Q } = torch.linalg.qr(A); // equals householderProduct of geqrf's reflectors
 */
export function householderProduct(A: Tensor, tau: Tensor): Tensor {
  const op = "torch.linalg.householder_product";
  if (A.dim() < 2) throw new Error(`${op}: input must have at least 2 dimensions.`);
  const m = A.shape[A.dim() - 2]!, n = A.shape[A.dim() - 1]!, k = tau.shape[tau.dim() - 1] ?? 0;
  if (m < n) throw new Error(`${op}: input.shape[-2] must be greater than or equal to input.shape[-1]`);
  if (n < k) throw new Error(`${op}: input.shape[-1] must be greater than or equal to tau.shape[-1]`);
  if (tau.dim() !== A.dim() - 1) {
    throw new Error(`${op}: Expected tau to have one dimension less than input, but got tau.ndim equal to ${tau.dim()} and input.ndim is equal to ${A.dim()}`);
  }
  const batch = A.shape.slice(0, -2);
  if (tau.shape.slice(0, -1).join(",") !== batch.join(",")) {
    throw new Error(`${op}: Expected batch dimensions of tau to be equal to input.shape[:-2], but got [${tau.shape.slice(0, -1).join(", ")}]`);
  }
  if (tau.dtype !== A.dtype) throw new Error(`${op}: tau dtype ${typeName(tau.dtype)} does not match input dtype ${typeName(A.dtype)}`);
  if (A.dtype !== "float32" && A.dtype !== "float64") throw new Error(`${op}: Expected a floating point or complex tensor as input. Got ${typeName(A.dtype)}`);
  // the reflectors as columns: below the diagonal of A's first k columns, 1 on it
  const V = add(tril(narrow(A, -1, 0, k), -1), eye(m, k, { dtype: A.dtype }));
  let Q = expand(eye(m, n, { dtype: A.dtype }), [...batch, m, n]);
  // Q = H_1 (H_2 (⋯ (H_k I))): apply the reflectors from the last
  for (let i = k - 1; i >= 0; i--) {
    const v = narrow(V, -1, i, 1); // [..., m, 1]
    const t = unsqueeze(unsqueeze(select(tau, -1, i), -1), -1);
    Q = sub(Q, mul(t, matmul(v, matmul(v.transpose(-2, -1), Q))));
  }
  return Q.contiguous();
}

/**
 * The Vandermonde matrix of the last dim of `x` with increasing powers
 * `x^0, x^1, …, x^(N-1)` (torch.linalg.vander; N defaults to x's last
 * size and must be greater than 1). Batched; differentiable (a cumulative
 * product).
 *
 * @example
 * torch.linalg.vander(torch.tensor([1, 2, 3])); // [[1, 1, 1], [1, 2, 4], [1, 3, 9]]
 */
export function vander(x: Tensor, options: { N?: number } = {}): Tensor {
  const N = options.N ?? (x.dim() === 0 ? 0 : x.shape[x.dim() - 1]!);
  if (x.dim() === 0 || !Number.isInteger(N) || N <= 1) throw new Error("N must be greater than 1.");
  const xs = x.dtype === "bool" ? x.to("int32") : x;
  const columns = cat([ones([...xs.shape, 1], { dtype: xs.dtype }), expand(unsqueeze(xs, -1), [...xs.shape, N - 1])], -1);
  return cumprod(columns, -1);
}

/**
 * The diagonals of matrices, as torch.linalg.diagonal: torch.diagonal with
 * the last two dims as the defaults (a view).
 *
 * @example
 * torch.linalg.diagonal(torch.tensor([[1, 2], [3, 4]])); // tensor([1, 4])
 */
export function diagonal(A: Tensor, options: { offset?: number; dim1?: number; dim2?: number } = {}): Tensor {
  return diagonalOp(A, options.offset ?? 0, options.dim1 ?? -2, options.dim2 ?? -1);
}
