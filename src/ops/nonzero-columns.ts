/**
 * The nonzero positions of a tensor as typed arrays, shared by `nonzero`,
 * `maskedSelect` and mask indexing (`x[mask]`). Two passes over the values
 * (count, then fill preallocated Int32Arrays) with the coordinates carried
 * along instead of divided out, so a million-element mask costs a few
 * milliseconds rather than a JS array of a million numbers. A backend with
 * its own nonzero kernel (the native one, multi-threaded) does the work
 * instead when it takes the tensor.
 */
import type { TypedArray } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { contiguousData, kernels, numelOf } from "./core.js";

/** `t`'s own values in row-major order (a contiguous tensor may be a window of a longer storage). */
function rowMajorValues(t: Tensor): TypedArray {
  const c = contiguousData(t);
  return c.data.subarray(c.offset, c.offset + numelOf(c.shape));
}

/** How many values are nonzero (NaN counts: it is not 0, though falsy in JS). */
function countNonzero(v: TypedArray): number {
  let count = 0;
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) count++;
  return count;
}

/** The row-major (flat) positions of `t`'s nonzero values, ascending. */
export function nonzeroFlat(t: Tensor): Int32Array {
  const fast = t.shape.length > 0 ? kernels().nonzero?.(t, "flat") : null;
  if (fast) return fast;
  const v = rowMajorValues(t);
  const out = new Int32Array(countNonzero(v));
  let at = 0;
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) out[at++] = i;
  return out;
}

/**
 * The coordinates of `t`'s nonzero values (row-major order) written into one
 * Int32Array: coordinate d of the r-th position at `r * rowStep + d * dimStep`.
 */
function nonzeroCoordinates(t: Tensor, rows: boolean): { out: Int32Array; count: number } {
  const nd = t.shape.length, v = rowMajorValues(t);
  const count = countNonzero(v);
  const out = new Int32Array(count * nd);
  const inner = t.shape[nd - 1] ?? 1;
  if (count === 0 || inner === 0) return { out, count };
  const rowStep = rows ? nd : 1, dimStep = rows ? 1 : count, lastAt = (nd - 1) * dimStep;
  // the coordinates of the current line (all dims but the last), advanced like an odometer
  const pos = new Int32Array(Math.max(0, nd - 1));
  let at = 0;
  for (let start = 0; start < v.length; start += inner) {
    for (let j = 0; j < inner; j++) {
      if (v[start + j] === 0) continue;
      const base = at * rowStep;
      for (let d = 0; d < nd - 1; d++) out[base + d * dimStep] = pos[d]!;
      out[base + lastAt] = j;
      at++;
    }
    for (let d = nd - 2; d >= 0; d--) {
      if (++pos[d]! < t.shape[d]!) break;
      pos[d] = 0;
    }
  }
  return { out, count };
}

/**
 * The coordinates of `t`'s nonzero values in row-major order, one int32
 * column per dim (PyTorch's `nonzero(as_tuple=True)`); a 0-d tensor has no
 * columns.
 */
export function nonzeroColumns(t: Tensor): Int32Array[] {
  const nd = t.shape.length;
  if (nd === 0) return [];
  if (nd === 1) return [nonzeroFlat(t)];
  const fast = kernels().nonzero?.(t, "columns");
  if (fast) {
    const count = fast.length / nd;
    return Array.from({ length: nd }, (_, d) => fast.subarray(d * count, (d + 1) * count));
  }
  const { out, count } = nonzeroCoordinates(t, false);
  return Array.from({ length: nd }, (_, d) => out.subarray(d * count, (d + 1) * count));
}

/** The coordinates of `t`'s nonzero values as rows `[count, ndim]` (row-major), PyTorch's `nonzero()`; t has at least 1 dim. */
export function nonzeroRows(t: Tensor): Int32Array {
  if (t.shape.length === 1) return nonzeroFlat(t);
  return kernels().nonzero?.(t, "rows") ?? nonzeroCoordinates(t, true).out;
}
