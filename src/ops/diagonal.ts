/**
 * Diagonals: `diagonal` (a view, as in PyTorch), `diag` (a vector to a
 * matrix, or a matrix's diagonal as a copy), `diagEmbed`, `diagflat` and
 * `trace`.
 */
import { empty, kernels, makeView, needsGrad, record, shapeStr } from "./core.js";
import type { Tensor } from "../tensor/tensor.js";
import { normalizeDim } from "../tensor/tensor.js";
import { clone, reshape } from "./views.js";
import { sum } from "./reduce.js";

interface DiagonalLayout {
  shape: number[];
  strides: number[];
  offset: number;
}

/** The view of the `offset`-th diagonal of dims d1, d2 of a tensor laid out as `shape` / `strides`: those dims go, the diagonal comes last. */
function diagonalLayout(shape: readonly number[], strides: readonly number[], base: number, offset: number, d1: number, d2: number): DiagonalLayout {
  const n1 = shape[d1]!, n2 = shape[d2]!;
  const length = Math.max(0, offset >= 0 ? Math.min(n1, n2 - offset) : Math.min(n1 + offset, n2));
  const start = length === 0 ? 0 : offset >= 0 ? offset * strides[d2]! : -offset * strides[d1]!;
  const keep = shape.map((_, i) => i).filter((i) => i !== d1 && i !== d2);
  return {
    shape: [...keep.map((i) => shape[i]!), length],
    strides: [...keep.map((i) => strides[i]!), strides[d1]! + strides[d2]!],
    offset: base + start,
  };
}

/**
 * The `offset`-th diagonal of dims `dim1` and `dim2` (above the main one for
 * offset > 0): a view whose last dim runs along the diagonal. Writing to it
 * writes the tensor.
 *
 * @example
 * torch.diagonal(torch.eye(3).mul(2)); // tensor([2., 2., 2.])
 */
export function diagonal(a: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  if (!Number.isInteger(offset)) throw new Error(`diagonal(): argument 'offset' must be int, not float (got ${offset})`);
  const d1 = normalizeDim(dim1, a.shape.length, "diagonal", a.shape), d2 = normalizeDim(dim2, a.shape.length, "diagonal", a.shape);
  if (d1 === d2) throw new Error(`diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
  const layout = diagonalLayout(a.shape, a.strides, a.offset, offset, d1, d2);
  const out = makeView(a, layout.shape, layout.strides, layout.offset);
  if (needsGrad(a)) {
    const inShape = a.shape;
    record("DiagonalBackward0", [a], out, ([g]) => [diagonalScatter(g!, inShape, offset, d1, d2)]);
  }
  return out;
}

/** Zeros of `shape` with `g` written on the diagonal (the backward of diagonal, and diag_embed). Differentiable. */
function diagonalScatter(g: Tensor, shape: readonly number[], offset: number, d1: number, d2: number, name = "DiagonalBackwardBackward0"): Tensor {
  const out = empty(shape, g.dtype);
  const layout = diagonalLayout(out.shape, out.strides, out.offset, offset, d1, d2);
  kernels().copy(makeView(out, layout.shape, layout.strides, layout.offset), g);
  if (needsGrad(g)) record(name, [g], out, ([gg]) => [diagonal(gg!, offset, d1, d2)]);
  return out;
}

/**
 * Zeros with the last dim of `a` written on the `offset`-th diagonal of the
 * new dims `dim1` and `dim2` (dims of the result, which has one more), as
 * torch.diag_embed: the inverse of `diagonal(out, offset, dim1, dim2)`.
 *
 * @example
 * torch.diagEmbed(torch.tensor([[1, 2], [3, 4]])).shape; // [2, 2, 2]: two diagonal matrices
 */
export function diagEmbed(a: Tensor, offset = 0, dim1 = -2, dim2 = -1): Tensor {
  if (!Number.isInteger(offset)) throw new Error(`diag_embed(): argument 'offset' must be int, not float (got ${offset})`);
  const n = a.dim() + 1;
  const d1 = normalizeDim(dim1, n, "diag_embed", a.shape), d2 = normalizeDim(dim2, n, "diag_embed", a.shape);
  if (d1 === d2) throw new Error(`diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
  const size = a.shape[n - 2]! + Math.abs(offset);
  // the leading dims of `a` keep their order around the two new square dims
  const lead = a.shape.slice(0, -1);
  let next = 0;
  const shape = Array.from({ length: n }, (_, i) => (i === d1 || i === d2 ? size : lead[next++]!));
  return diagonalScatter(a, shape, offset, d1, d2, "DiagEmbedBackward0");
}

/** `a` flattened onto the `offset`-th diagonal of a square matrix, as torch.diagflat. */
export function diagflat(a: Tensor, offset = 0): Tensor {
  return diag(reshape(a, [-1]), offset);
}

/**
 * A 1-d tensor becomes a square matrix with it on the `offset`-th diagonal;
 * a 2-d tensor gives its `offset`-th diagonal (a copy), as torch.diag.
 */
export function diag(a: Tensor, offset = 0): Tensor {
  if (a.dim() === 1) {
    const n = a.shape[0]! + Math.abs(offset);
    return diagonalScatter(a, [n, n], offset, 0, 1);
  }
  if (a.dim() === 2) return clone(diagonal(a, offset));
  throw new Error(`diag(): Supports 1D or 2D tensors. Got ${a.dim()}D (input of shape ${shapeStr(a.shape)})`);
}

/** The sum of a matrix's main diagonal. */
export function trace(a: Tensor): Tensor {
  if (a.dim() !== 2) throw new Error(`trace: expected a matrix, but got tensor with dim ${a.dim()}`);
  return sum(diagonal(a));
}
