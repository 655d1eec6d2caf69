/**
 * Ops whose result size depends on the values: nonzero, maskedSelect,
 * unique and countNonzero. Indices are int32, like the library's other
 * indices (PyTorch's are int64).
 */
import type { Tensor } from "../tensor/tensor.js";
import { broadcastShapes, castData, needsGrad, record, shapeStr } from "./core.js";
import { ne } from "./elementwise.js";
import { fromTypedArray, zeros } from "./factories.js";
import { indexAdd, indexSelect } from "./indexing.js";
import { sum, type Dims } from "./reduce.js";
import { expand, reshape, sumToShape } from "./views.js";

/** Flat (row-major) positions of the nonzero elements of `a`. */
function nonzeroPositions(a: Tensor): number[] {
  const flat = castData(a, a.dtype).data;
  const at: number[] = [];
  for (let i = 0; i < flat.length; i++) if (flat[i]) at.push(i);
  return at;
}

/**
 * The indices of the nonzero elements, one row `[i0, i1, …]` per element in
 * row-major order (an int32 tensor `[count, ndim]`); with `asTuple`, one
 * index vector per dim instead.
 *
 * @example
 * torch.nonzero(torch.tensor([[0, 1], [2, 0]])); // [[0, 1], [1, 0]]
 */
export function nonzero(a: Tensor, options?: { asTuple?: false }): Tensor;
export function nonzero(a: Tensor, options: { asTuple: true }): Tensor[];
export function nonzero(a: Tensor, options?: { asTuple?: boolean }): Tensor | Tensor[];
export function nonzero(a: Tensor, options: { asTuple?: boolean } = {}): Tensor | Tensor[] {
  const positions = nonzeroPositions(a);
  const ndim = a.dim();
  const rows = new Int32Array(positions.length * ndim);
  positions.forEach((p, r) => {
    for (let d = ndim - 1; d >= 0; d--) {
      rows[r * ndim + d] = p % a.shape[d]!;
      p = Math.floor(p / a.shape[d]!);
    }
  });
  const out = fromTypedArray(rows, [positions.length, ndim]);
  if (!(options.asTuple ?? false)) return out;
  if (ndim === 0) return [fromTypedArray(new Int32Array(positions.length))];
  return Array.from({ length: ndim }, (_, d) => reshape(out.narrow(1, d, 1), [positions.length]));
}

/**
 * The elements of `a` where the bool `mask` is true (both broadcast), as a
 * 1-d tensor in row-major order. The gradient goes back to those positions.
 */
export function maskedSelect(a: Tensor, mask: Tensor): Tensor {
  if (mask.dtype !== "bool") throw new Error(`masked_select: expected BoolTensor or ByteTensor for mask (got ${mask.dtype}; input ${shapeStr(a.shape)})`);
  const shape = broadcastShapes(a.shape, mask.shape, "masked_select");
  const index = fromTypedArray(Int32Array.from(nonzeroPositions(expand(mask, shape))));
  // a copy made without recording: the gradient is recorded once, below
  const flat = castData(expand(a, shape), a.dtype);
  const out = indexSelect(reshape(flat, [flat.numel()]), 0, index);
  if (needsGrad(a)) {
    const inShape = a.shape, n = flat.numel();
    record("MaskedSelectBackward0", [a], out, ([g], [ix]) => [
      sumToShape(reshape(indexAdd(zeros([n], { dtype: g!.dtype }), 0, ix!, g!), shape), inShape),
    ], [index]);
  }
  return out;
}

/** Options of `unique`. */
export interface UniqueOptions {
  /** Also return, for each input element, the index of its value in the result. */
  returnInverse?: boolean;
  /** Also return how often each value occurs. */
  returnCounts?: boolean;
}

/**
 * The distinct values of `a` (flattened), sorted ascending, NaNs last and
 * each NaN distinct; with `returnInverse` / `returnCounts`, an array
 * `[values, inverse?, counts?]` in that order, as PyTorch's tuple.
 *
 * @example
 * const [values, counts] = torch.unique(labels, { returnCounts: true });
 */
export function unique(a: Tensor, options?: { returnInverse?: false; returnCounts?: false }): Tensor;
export function unique(a: Tensor, options: UniqueOptions & ({ returnInverse: true } | { returnCounts: true })): Tensor[];
export function unique(a: Tensor, options?: UniqueOptions): Tensor | Tensor[];
export function unique(a: Tensor, options: UniqueOptions = {}): Tensor | Tensor[] {
  const flat = castData(a, a.dtype).data;
  const order = Array.from(flat.keys()).sort((p, q) => {
    const x = Number(flat[p]), y = Number(flat[q]);
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? p - q : 1) : -1;
    return x - y || p - q;
  });
  const values: number[] = [], counts: number[] = [];
  const inverse = new Int32Array(flat.length);
  for (const i of order) {
    const v = Number(flat[i]);
    if (values.length === 0 || !(values[values.length - 1] === v)) {
      values.push(v);
      counts.push(0);
    }
    counts[counts.length - 1]!++;
    inverse[i] = values.length - 1;
  }
  const out = castData(fromTypedArray(Float64Array.from(values)), a.dtype);
  const result = [out];
  if (options.returnInverse ?? false) result.push(fromTypedArray(inverse, a.shape));
  if (options.returnCounts ?? false) result.push(fromTypedArray(Int32Array.from(counts)));
  return result.length === 1 ? out : result;
}

/** The number of nonzero elements, over all or along `dim`; int32. */
export function countNonzero(a: Tensor, dim?: Dims): Tensor {
  return sum(ne(a, 0), dim);
}
