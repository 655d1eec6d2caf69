/**
 * linalg.vector_norm and linalg.matrix_norm, composed of differentiable
 * reductions (so their gradients are those of the pieces).
 */
import type { Tensor } from "../../tensor/tensor.js";
import { normalizeDim } from "../../tensor/tensor.js";
import { abs } from "../elementwise.js";
import { amax, amin, type Dims, norm, sum } from "../reduce.js";
import { permute, squeeze, unsqueeze } from "../views.js";
import { svdvals } from "./svd.js";
import { checkFloating, checkMatrix } from "./batch.js";

/** Options of the linalg norms. */
export interface NormOptions {
  /** the dims reduced: all of them by default (vectorNorm), the last two (matrixNorm) */
  dim?: Dims;
  /** keep the reduced dims with size 1 */
  keepdim?: boolean;
}

/**
 * The `ord`-norm of the elements over `dim` (all of them by default):
 * (Σ|x|^ord)^(1/ord), the count of non-zeros for 0, the largest (smallest)
 * magnitude for Infinity (-Infinity). PyTorch's torch.linalg.vector_norm,
 * with its gradient.
 *
 * @example
 * torch.linalg.vectorNorm(torch.tensor([3, 4])); // tensor(5.)
 */
export function vectorNorm(x: Tensor, ord = 2, options: NormOptions = {}): Tensor {
  checkFloating(x, "linalg.vector_norm");
  return norm(x, ord, options.dim, { keepdim: options.keepdim ?? false });
}

/** matrixNorm's `ord`: "fro", "nuc", 1, -1, 2, -2, Infinity or -Infinity. */
export type MatrixNormOrd = "fro" | "nuc" | number;

/**
 * A matrix norm over the two dims `dim` (default the last two): "fro"
 * (Frobenius), 1 / -1 (largest / smallest column sum of magnitudes),
 * Infinity / -Infinity (largest / smallest row sum), "nuc" / 2 / -2 (sum /
 * largest / smallest singular value). PyTorch's torch.linalg.matrix_norm,
 * with its gradient (for 2 and -2 it needs distinct extreme singular
 * values, and "nuc" non-zero ones).
 *
 * @example
 * torch.linalg.matrixNorm(torch.tensor([[1, -2], [3, 4]]), 1); // tensor(6.)
 */
export function matrixNorm(A: Tensor, ord: MatrixNormOrd = "fro", options: NormOptions = {}): Tensor {
  const op = "linalg.matrix_norm";
  checkMatrix(A, op);
  checkFloating(A, op);
  const dims = options.dim ?? [-2, -1];
  const list = typeof dims === "number" ? [dims] : [...dims];
  if (list.length !== 2) throw new Error(`${op}: dim must be a 2-tuple. Got ${list.join(" ")}`);
  const d0 = normalizeDim(list[0]!, A.dim(), op, A.shape), d1 = normalizeDim(list[1]!, A.dim(), op, A.shape);
  if (d0 === d1) throw new Error(`${op}: dims must be different. Got (${list[0]}, ${list[1]})`);
  const keepdim = options.keepdim ?? false;
  if (ord === "fro") return norm(A, 2, [d0, d1], { keepdim });
  if (ord === "nuc" || ord === 2 || ord === -2) {
    // the singular values of the matrices moved to the last two dims: their sum, largest or smallest
    const rest = Array.from({ length: A.dim() }, (_, i) => i).filter((i) => i !== d0 && i !== d1);
    const sv = svdvals(permute(A, [...rest, d0, d1]));
    let out = ord === "nuc" ? sum(sv, -1) : ord === 2 ? amax(sv, -1) : amin(sv, -1);
    if (keepdim) for (const d of [Math.min(d0, d1), Math.max(d0, d1)]) out = unsqueeze(out, d);
    return out;
  }
  if (ord !== 1 && ord !== -1 && ord !== Infinity && ord !== -Infinity) throw new Error(`${op}: Order ${String(ord)} not supported.`);
  // 1-norms sum down the columns (over the rows' dim), ∞-norms along the rows
  const [sumDim, extremeDim] = Math.abs(ord) === 1 ? [d0, d1] : [d1, d0];
  const sums = sum(abs(A), sumDim, { keepdim: true });
  const out = ord > 0 ? amax(sums, extremeDim, { keepdim: true }) : amin(sums, extremeDim, { keepdim: true });
  return keepdim ? out : squeeze(squeeze(out, Math.max(d0, d1)), Math.min(d0, d1));
}
