/**
 * Selecting by value: nonzero, maskedSelect, unique and countNonzero (whose
 * result size depends on the values), takeAlongDim, and the binary searches
 * searchsorted / bucketize. Indices are int32, like the library's other
 * indices (PyTorch's are int64).
 */
import type { Tensor } from "../tensor/tensor.js";
import { broadcastShapes, castData, needsGrad, record, shapeStr } from "./core.js";
import { normalizeDim } from "../tensor/tensor.js";
import { ne } from "./elementwise.js";
import { fromTypedArray, zeros } from "./factories.js";
import { nonzeroColumns, nonzeroFlat, nonzeroRows } from "./nonzero-columns.js";
import { gather, indexAdd, indexSelect } from "./indexing.js";
import { sum, type Dims } from "./reduce.js";
import { expand, reshape, sumToShape } from "./views.js";

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
  const ndim = a.dim();
  if (ndim === 0) {
    // a 0-d tensor: one position (of no coordinates) when its value is nonzero
    const count = nonzeroFlat(a).length;
    return options.asTuple ?? false ? [fromTypedArray(new Int32Array(count))] : fromTypedArray(new Int32Array(0), [count, 0]);
  }
  if (options.asTuple ?? false) return nonzeroColumns(a).map((c) => fromTypedArray(c));
  const rows = nonzeroRows(a);
  return fromTypedArray(rows, [rows.length / ndim, ndim]);
}

/**
 * The elements of `a` where the bool `mask` is true (both broadcast), as a
 * 1-d tensor in row-major order. The gradient goes back to those positions.
 */
export function maskedSelect(a: Tensor, mask: Tensor): Tensor {
  if (mask.dtype !== "bool") throw new Error(`masked_select: expected BoolTensor or ByteTensor for mask (got ${mask.dtype}; input ${shapeStr(a.shape)})`);
  const shape = broadcastShapes(a.shape, mask.shape, "masked_select");
  const index = fromTypedArray(nonzeroFlat(expand(mask, shape)));
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

/**
 * `gather` with broadcasting: the values of `a` at `indices` along `dim`,
 * where the other dims of both broadcast; without `dim`, both are flattened.
 *
 * @example
 * torch.takeAlongDim(scores, scores.argsort({ dim: 1 }), 1); // each row sorted
 */
export function takeAlongDim(a: Tensor, indices: Tensor, dim?: number): Tensor {
  if (indices.dtype !== "int32") throw new Error(`torch.take_along_dim(): dtype of indices should be int32 but got ${indices.dtype}`);
  if (dim === undefined) return gather(reshape(a, [a.numel()]), 0, reshape(indices, [indices.numel()]));
  if (a.dim() !== indices.dim()) throw new Error(`torch.take_along_dim(): input and indices should have the same number of dimensions, but got ${a.dim()} dimensions for input, and ${indices.dim()} dimensions for indices`);
  const d = normalizeDim(dim, a.dim(), "take_along_dim", a.shape);
  const shape = broadcastShapes(a.shape.map((s, i) => (i === d ? 1 : s)), indices.shape.map((s, i) => (i === d ? 1 : s)), "take_along_dim");
  return gather(expand(a, shape.map((s, i) => (i === d ? a.shape[d]! : s))), d, expand(indices, shape.map((s, i) => (i === d ? indices.shape[d]! : s))));
}

/** The first position in the sorted `line` (length n, read through `at`) whose value is > v (right) or >= v (left). */
function bisect(at: (i: number) => number, n: number, v: number, right: boolean): number {
  let lo = 0, hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1, m = at(mid);
    // NaN sorts last: nothing is above it
    if (Number.isNaN(v) ? !Number.isNaN(m) : right ? m <= v : m < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Where each of `values` would go in the ascending `sortedSequence` to keep
 * it sorted (the first such place, or the last with `right`). A 1-d sequence
 * serves every value; otherwise each row of the sequence serves the same row
 * of `values`. int32.
 *
 * @example
 * torch.searchsorted(torch.tensor([1, 3, 5]), torch.tensor([3, 6])); // [1, 3]
 */
export function searchsorted(sortedSequence: Tensor, values: Tensor | number, options: { right?: boolean; side?: "left" | "right" } = {}): Tensor {
  // only right: true with side "left" conflicts (PyTorch accepts right: false with side "right")
  if (options.right === true && options.side === "left") {
    throw new Error("torch.searchsorted(): side and right can't be set to opposites, got side of left while right was True");
  }
  const right = (options.right ?? false) || options.side === "right";
  const v = typeof values === "number" ? reshape(fromTypedArray(Float64Array.of(values)), []) : values;
  const seq = castData(sortedSequence, "float64").data, vals = castData(v, "float64").data;
  const n = sortedSequence.shape[sortedSequence.dim() - 1] ?? 1;
  if (sortedSequence.dim() > 1) {
    const leading = (t: Tensor) => t.shape.slice(0, -1).join(",");
    if (v.dim() !== sortedSequence.dim() || leading(v) !== leading(sortedSequence)) {
      throw new Error(`torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor and input value tensor must match, but we got boundaries tensor ${shapeStr(sortedSequence.shape)} and input value tensor ${shapeStr(v.shape)}`);
    }
  }
  const per = v.dim() === 0 ? 1 : v.shape[v.dim() - 1]!;
  const out = new Int32Array(vals.length);
  for (let i = 0; i < vals.length; i++) {
    const row = sortedSequence.dim() > 1 ? Math.floor(i / per) * n : 0;
    out[i] = bisect((k) => seq[row + k]!, n, vals[i]!, right);
  }
  return fromTypedArray(out, v.shape);
}

/**
 * The bucket of each element of `input` between the ascending 1-d
 * `boundaries` (searchsorted with the arguments the other way round). int32.
 */
export function bucketize(input: Tensor | number, boundaries: Tensor, options: { right?: boolean } = {}): Tensor {
  if (boundaries.dim() !== 1) throw new Error(`boundaries tensor must be 1 dimension, but got dim(${boundaries.dim()})`);
  return searchsorted(boundaries, input, { right: options.right ?? false });
}
