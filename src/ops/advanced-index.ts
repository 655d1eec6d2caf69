/**
 * Advanced indexing (PyTorch's `aten::index` and `index_put`): one or more
 * dims of a tensor indexed by int32 index tensors or bool masks, which always
 * gives a copy. The rules are PyTorch's: a k-dim mask stands for the k index
 * tensors of its nonzero(); the index tensors broadcast together; when the
 * indexed dims are adjacent the broadcast shape takes their place in the
 * result, otherwise it comes first.
 *
 * The indices are resolved once into an `AdvancedIndex` (plain arrays, no
 * tensors), which applies to any tensor of the indexed shape: the gradient of
 * an index is an index_put into zeros through the same indices, and back.
 */
import type { Strided } from "../backend/backend.js";
import { scalarTypeName, type TypedArray } from "../tensor/dtype.js";
import { contiguousStrides } from "../tensor/layout.js";
import type { Tensor } from "../tensor/tensor.js";
import { broadcastView, castData, contiguousData, empty, emptyUninitialized, kernels, needsGrad, numelOf, record, shapeStr } from "./core.js";
import { nonzeroColumns, nonzeroFlat } from "./nonzero-columns.js";

export interface AdvancedIndex {
  /** The indexed dims, ascending (a mask's dims count one each). */
  readonly dims: readonly number[];
  /** Per indexed dim, its indices (wrapped to >= 0) broadcast to `shape`, row-major (made on first use). */
  readonly indices: readonly Int32Array[];
  /** The shape the index tensors broadcast to. */
  readonly shape: readonly number[];
  /**
   * The storage offsets of the index positions (row-major over `shape`) in a
   * tensor whose strides over `dims` are `strides` (each >= 0, every offset
   * within int32), as fold wants them; the last ones asked for are kept.
   */
  offsets(strides: readonly number[]): Int32Array;
}

/** An index tensor (int32 or bool) at dim `dim` of the indexed tensor. */
export interface IndexAt {
  dim: number;
  index: Tensor;
}

/**
 * An AdvancedIndex whose index arrays come on demand. Besides the general
 * form (every dim's wrapped indices, made eagerly), it keeps the two common
 * forms in the shape the kernels want: one mask alone as its flat true
 * positions (the storage offsets themselves in a row-major tensor, with no
 * per-dim columns), and int32 index tensors as their storage offsets for
 * the strides they were resolved for (computed, checked and wrapped in one
 * native pass).
 */
class Resolved implements AdvancedIndex {
  private wrapped: readonly Int32Array[] | null;
  private cached: { strides: readonly number[]; at: Int32Array } | null = null;

  constructor(
    readonly dims: readonly number[],
    readonly shape: readonly number[],
    /** The indexed dims' sizes. */
    private readonly sizes: readonly number[],
    wrapped: readonly Int32Array[] | null,
    /** One mask alone: its true positions, row-major over its own shape (`sizes`). */
    private readonly maskFlat: Int32Array | null,
    /** int32 indices not yet wrapped (checked already): made into `wrapped` on demand. */
    private readonly pending: { values: Int32Array; shape: readonly number[] }[] | null,
  ) {
    this.wrapped = wrapped;
  }

  get indices(): readonly Int32Array[] {
    if (this.wrapped === null) this.wrapped = this.maskFlat !== null ? this.maskColumns(this.maskFlat) : this.wrapPending();
    return this.wrapped;
  }

  /** The flat positions divided out into one coordinate array per mask dim. */
  private maskColumns(flat: Int32Array): Int32Array[] {
    const nd = this.sizes.length, n = flat.length;
    const columns = Array.from({ length: nd }, () => new Int32Array(n));
    for (let i = 0; i < n; i++) {
      let rest = flat[i]!;
      for (let d = nd - 1; d > 0; d--) {
        const size = this.sizes[d]!;
        columns[d]![i] = rest % size;
        rest = Math.floor(rest / size);
      }
      columns[0]![i] = rest;
    }
    return columns;
  }

  private wrapPending(): Int32Array[] {
    return this.pending!.map(({ values, shape }, k) => {
      const size = this.sizes[k]!;
      const same = shape.length === this.shape.length && shape.every((n, i) => n === this.shape[i]);
      const out = same ? values.slice() : broadcastInts(values, shape, this.shape);
      for (let i = 0; i < out.length; i++) if (out[i]! < 0) out[i]! += size;
      return out;
    });
  }

  offsets(strides: readonly number[]): Int32Array {
    const c = this.cached;
    if (c !== null && c.strides.length === strides.length && c.strides.every((s, i) => s === strides[i])) return c.at;
    const at = this.maskFlat !== null && rowMajor(this.sizes, strides) ? scaled(this.maskFlat, this.sizes, strides) : this.foldIndices(strides);
    this.cached = { strides: strides.slice(), at };
    return at;
  }

  /** Keeps offsets computed while resolving (for the strides they were computed for). */
  remember(strides: readonly number[], at: Int32Array): void {
    this.cached = { strides: strides.slice(), at };
  }

  /** The offsets from the wrapped per-dim indices. */
  private foldIndices(strides: readonly number[]): Int32Array {
    const indices = this.indices, n = numelOf(this.shape);
    const sources = indices.map((data): Strided => ({ data, shape: [n], strides: [1], offset: 0 }));
    const at = new Int32Array(n);
    // a dim of size 1 has only index 0: its stride (which fold does not bound) adds nothing
    const steps = strides.map((st, k) => (this.sizes[k]! <= 1 ? 0 : st));
    if (kernels().indexOffsets?.(at, sources, this.sizes, steps) === true) return at;
    at.fill(0);
    strides.forEach((stride, k) => {
      const index = indices[k]!;
      if (stride === 0) return;
      if (stride === 1) for (let i = 0; i < n; i++) at[i]! += index[i]!;
      else for (let i = 0; i < n; i++) at[i]! += index[i]! * stride;
    });
    return at;
  }
}

/** Whether strides over dims of `sizes` step as a row-major layout does (size-1 dims aside): then offset = flat * last stride. */
function rowMajor(sizes: readonly number[], strides: readonly number[]): boolean {
  let expect: number | null = null;
  for (let d = sizes.length - 1; d >= 0; d--) {
    if (sizes[d] === 1) continue;
    if (expect !== null && strides[d] !== expect) return false;
    expect = strides[d]! * sizes[d]!;
  }
  return true;
}

/** flat * the stride of the innermost dim of size above 1 (flat itself when that is 1). */
function scaled(flat: Int32Array, sizes: readonly number[], strides: readonly number[]): Int32Array {
  // with every size 1 there is at most one position, at offset 0 (flat is [0] or empty)
  let d = sizes.length - 1;
  while (d >= 0 && sizes[d] === 1) d--;
  const stride = d >= 0 ? strides[d]! : 0;
  if (stride === 1 || flat.length === 0) return flat;
  const out = new Int32Array(flat.length);
  for (let i = 0; i < flat.length; i++) out[i] = flat[i]! * stride;
  return out;
}

/**
 * Resolves the index tensors for a tensor of `shape`, with PyTorch's checks
 * and messages. `strides` (the tensor's, when known): int32 indices are then
 * checked, wrapped and turned into storage offsets in one native pass.
 */
export function resolveIndices(shape: readonly number[], at: readonly IndexAt[], strides?: readonly number[]): AdvancedIndex {
  // owned: a fresh array (a mask's columns) that may be wrapped in place
  const dims: number[] = [], values: Int32Array[] = [], shapes: (readonly number[])[] = [], owned: boolean[] = [];
  let maskFlat: Int32Array | null = null;
  for (const { dim, index } of at) {
    if (index.dtype === "bool") {
      // a mask over dims dim..dim+k-1: its true positions, one index tensor per dim
      index.shape.forEach((s, j) => {
        if (s !== shape[dim + j]) {
          throw new Error(`The shape of the mask ${shapeStr(index.shape)} at index ${j} does not match the shape of the indexed tensor ${shapeStr(shape)} at index ${dim + j}`);
        }
      });
      if (at.length === 1 && index.dim() > 0) {
        // one mask alone: its flat positions, which kernels use as they are (columns only on demand)
        maskFlat = nonzeroFlat(index);
        index.shape.forEach((_, j) => dims.push(dim + j));
        const sizes = index.shape.slice();
        return new Resolved(dims, [maskFlat.length], sizes, null, maskFlat, null);
      }
      // a 0-d mask has one position and no columns: it is only reached through a 0-d bool, handled as a new dim
      const columns = nonzeroColumns(index);
      columns.forEach((c, j) => {
        dims.push(dim + j);
        values.push(c);
        shapes.push([c.length]);
        owned.push(true);
      });
    } else if (index.dtype === "int32") {
      dims.push(dim);
      values.push(ownValues(index) as Int32Array);
      shapes.push(index.shape);
      owned.push(false);
    } else {
      throw new Error("tensors used as indices must be long, int, byte or bool tensors");
    }
  }
  const target = broadcastIndexShapes(shapes);
  // no index fits a dim of size 0 (PyTorch checks this before anything else)
  if (numelOf(target) > 0 && dims.some((d) => shape[d] === 0)) throw new Error("index is out of bounds for dimension with size 0");
  // PyTorch checks only the indices it visits: none when the result is empty
  const visited = numelOf(indexedShape(shape, { dims, shape: target })) > 0;
  const sizes = dims.map((d) => shape[d]!);
  if (visited && strides !== undefined && owned.every((o) => !o)) {
    // int32 indices only: checked, wrapped and folded into storage offsets in one native pass when the fold applies
    const over = dims.map((d) => strides[d]!);
    const fast = foldedOffsets(values, shapes, target, sizes, over);
    if (fast !== null) {
      const ix = new Resolved(dims, target, sizes, null, null, values.map((v, k) => ({ values: v, shape: shapes[k]! })));
      ix.remember(over, fast);
      return ix;
    }
  }
  const indices = values.map((v, k) => {
    const size = sizes[k]!;
    const same = shapes[k]!.length === target.length && shapes[k]!.every((n, i) => n === target[i]);
    // a mask's columns are in range and ours; an index tensor's values are copied before negatives are wrapped
    if (same && owned[k]!) return v;
    const out = same ? v.slice() : broadcastInts(v, shapes[k]!, target);
    if (!visited) return out;
    for (let i = 0; i < out.length; i++) {
      const x = out[i]!;
      // k is the index's position among the indexed dims, as PyTorch's message counts
      if (x < -size || x >= size) throw new Error(`index ${x} is out of bounds for dimension ${k} with size ${size}`);
      if (x < 0) out[i] = x + size;
    }
    return out;
  });
  return new Resolved(dims, target, sizes, indices, null, null);
}

/**
 * The storage offsets of int32 indices `values` (of `shapes`, broadcast to
 * `target`) over dims of `sizes` and `strides`, checked and wrapped, from the
 * backend's kernel: null when it does not take them, when a stride is
 * negative or an offset could pass int32, or when an index is out of range
 * (the caller's checks then raise PyTorch's message).
 */
function foldedOffsets(values: Int32Array[], shapes: (readonly number[])[], target: readonly number[], sizes: number[], strides: number[]): Int32Array | null {
  const indexOffsets = kernels().indexOffsets;
  if (indexOffsets === undefined) return null;
  // a dim of size 1 has only index 0 (or -1): its stride, whatever it is, adds nothing
  const steps = strides.map((st, k) => (sizes[k]! <= 1 ? 0 : st));
  let span = 0;
  for (let k = 0; k < sizes.length; k++) {
    if (steps[k]! < 0) return null;
    span += Math.max(0, sizes[k]! - 1) * steps[k]!;
  }
  if (span > 0x7fffffff) return null;
  const n = numelOf(target);
  const sources = values.map((v, k): Strided => {
    const same = shapes[k]!.length === target.length && shapes[k]!.every((m, i) => m === target[i]);
    return { data: same ? v : broadcastInts(v, shapes[k]!, target), shape: [n], strides: [1], offset: 0 };
  });
  const at = new Int32Array(n);
  return indexOffsets.call(kernels(), at, sources, sizes, steps) === true ? at : null;
}

/** `t`'s own values in row-major order (a contiguous tensor may be a window of a longer storage, as topk's indices). */
function ownValues(t: Tensor): TypedArray {
  const c = contiguousData(t);
  return c.data.subarray(c.offset, c.offset + numelOf(c.shape));
}

function broadcastIndexShapes(shapes: readonly (readonly number[])[]): number[] {
  const nd = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(nd).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const j = nd - s.length + i, have = out[j]!, want = s[i]!;
      if (have !== want && have !== 1 && want !== 1) {
        throw new Error(`shape mismatch: indexing tensors could not be broadcast together with shapes ${shapes.map(shapeStr).join(", ")}`);
      }
      if (want !== 1) out[j] = want;
    }
  }
  return out;
}

/** Row-major `values` of `shape` broadcast to `target`. */
function broadcastInts(values: Int32Array, shape: readonly number[], target: readonly number[]): Int32Array {
  const out = empty(target, "int32");
  const src = empty(shape, "int32");
  (src.data as Int32Array).set(values);
  kernels().copy(out, broadcastView(src, target));
  return out.data as Int32Array;
}

/** Whether the indexed dims are consecutive, so the result keeps them in place. */
function adjacent(ix: Pick<AdvancedIndex, "dims">): boolean {
  return ix.dims[ix.dims.length - 1]! - ix.dims[0]! === ix.dims.length - 1;
}

/** The shape of `x[indices]` for `x` of `shape`. */
export function indexedShape(shape: readonly number[], ix: Pick<AdvancedIndex, "dims" | "shape">): number[] {
  const rest = shape.filter((_, d) => !ix.dims.includes(d));
  if (!adjacent(ix)) return [...ix.shape, ...rest];
  const first = ix.dims[0]!;
  return [...shape.slice(0, first), ...ix.shape, ...rest.slice(first)];
}

/**
 * The storage offsets (from `t.offset`) of `t[indices]`'s elements, as three
 * lists whose sums in row-major order give them: the dims before the indexed
 * ones (when adjacent), the index positions, and the remaining dims.
 */
function offsets(t: Tensor, ix: AdvancedIndex): [Float64Array, Float64Array, Float64Array] {
  const first = adjacent(ix) ? ix.dims[0]! : 0;
  const before: number[] = [], after: number[] = [];
  t.shape.forEach((_, d) => {
    if (ix.dims.includes(d)) return;
    (d < first ? before : after).push(d);
  });
  const n = numelOf(ix.shape);
  const at = new Float64Array(n);
  ix.dims.forEach((d, k) => {
    const stride = t.strides[d]!, index = ix.indices[k]!;
    for (let i = 0; i < n; i++) at[i]! += index[i]! * stride;
  });
  return [dimOffsets(t, before), at, dimOffsets(t, after)];
}

/** Offsets of every position over `dims` of `t`, row-major. */
function dimOffsets(t: Tensor, dims: readonly number[]): Float64Array {
  let out = new Float64Array([0]);
  for (const d of dims) {
    const size = t.shape[d]!, stride = t.strides[d]!;
    const next = new Float64Array(out.length * size);
    for (let i = 0; i < out.length; i++) for (let j = 0; j < size; j++) next[i * size + j] = out[i]! + j * stride;
    out = next;
  }
  return out;
}

/** Visits `t[indices]`'s elements in row-major order: k counts them, o is the storage position. */
function forEachIndexed(t: Tensor, ix: AdvancedIndex, visit: (k: number, o: number) => void): void {
  forEachIndexedRun(t, ix, Infinity, () => {}, visit);
}

/** Runs shorter than this go element by element: a typed-array copy costs more to set up. */
const MIN_RUN = 16;

/**
 * Like forEachIndexed, but where the dims after the indexed ones are one
 * contiguous block of at least `MIN_RUN` elements (`x[idx]` on rows, the
 * common case), `run(k, o, n)` gets each block whole: elements k..k+n-1 at
 * storage positions o..o+n-1. Elsewhere `visit` gets each element.
 */
function forEachIndexedRun(
  t: Tensor,
  ix: AdvancedIndex,
  minRun: number,
  run: (k: number, o: number, n: number) => void,
  visit: (k: number, o: number) => void,
): void {
  const [before, at, after] = offsets(t, ix);
  const n = after.length;
  const contiguous = n >= minRun && after.every((o, c) => o === c);
  let k = 0;
  for (let a = 0; a < before.length; a++) {
    for (let b = 0; b < at.length; b++) {
      const o = t.offset + before[a]! + at[b]!;
      if (contiguous) {
        run(k, o, n);
        k += n;
      } else {
        for (let c = 0; c < n; c++) visit(k++, o + after[c]!);
      }
    }
  }
}

/**
 * The kernel form of an index over tensor `t`: the indexed dims folded into
 * one axis of stride 1 over `t`'s storage, whose index is each position's
 * storage offset (the sum of index * stride over the indexed dims). Then
 * `t[indices]` is one indexSelect along that axis, `t[indices] = v` one
 * indexCopy and the accumulating put one indexAdd, with the dims before
 * (when adjacent) and after the indexed ones walked by the kernel. null
 * when an offset would not fit an int32 index or a stride is negative.
 */
interface Folded {
  /** `t` with the indexed dims replaced by the folded axis (which reaches elements of other dims too: read and written one at a time). */
  readonly view: Strided;
  readonly axis: number;
  /** int32 offsets, one per index position (row-major over the index shape). */
  readonly index: Strided;
  /** The result's shape with the index shape flattened into the axis: [...before, positions, ...after]. */
  readonly shape: readonly number[];
}

function fold(t: Tensor, ix: AdvancedIndex): Folded | null {
  const first = adjacent(ix) ? ix.dims[0]! : 0;
  const before: number[] = [], after: number[] = [];
  t.shape.forEach((_, d) => {
    if (!ix.dims.includes(d)) (d < first ? before : after).push(d);
  });
  // the largest offset an index can reach (the indices are already wrapped and checked)
  let span = 0;
  for (const d of ix.dims) {
    const stride = t.strides[d]!;
    if (stride < 0) return null;
    span += Math.max(0, t.shape[d]! - 1) * stride;
  }
  if (span > 0x7fffffff) return null;
  const at = ix.offsets(ix.dims.map((d) => t.strides[d]!));
  const n = at.length;
  const sizes = (ds: number[]) => ds.map((d) => t.shape[d]!), strides = (ds: number[]) => ds.map((d) => t.strides[d]!);
  return {
    view: { data: t.data, shape: [...sizes(before), span + 1, ...sizes(after)], strides: [...strides(before), 1, ...strides(after)], offset: t.offset },
    axis: before.length,
    index: { data: at, shape: [n], strides: [1], offset: 0 },
    shape: [...sizes(before), n, ...sizes(after)],
  };
}

/**
 * `s` (of the indexed result's shape) seen in the folded form's `shape`,
 * the index dims as one: null when their strides don't line up into one.
 */
function foldedValues(s: Strided, f: Folded, indexDims: number): Strided | null {
  const from = f.axis, to = f.axis + indexDims;
  let stride: number | null = null;
  // scanned from the innermost index dim out: each non-trivial dim must step by the product of those inside it
  let expect = 0;
  for (let d = to - 1; d >= from; d--) {
    const size = s.shape[d]!, st = s.strides[d]!;
    if (size === 1) continue;
    if (stride === null) stride = st;
    else if (st !== expect) return null;
    expect = st * size;
  }
  const shape = f.shape, strides = [...s.strides.slice(0, from), stride ?? 0, ...s.strides.slice(to)];
  return { data: s.data, shape, strides, offset: s.offset };
}

/**
 * `a[indices]`: a copy. The gradient puts the upstream gradient back, duplicates adding up.
 * `indexTensors`: the index tensors and masks `ix` was resolved from; the node saves them
 * (as PyTorch's IndexBackward0 saves `indices`), so changing one in place before backward
 * raises PyTorch's version error.
 */
export function indexGather(a: Tensor, ix: AdvancedIndex, indexTensors: readonly Tensor[] = []): Tensor {
  // every element is written below
  const out = emptyUninitialized(indexedShape(a.shape, ix), a.dtype);
  const f = out.numel() === 0 ? null : fold(a, ix);
  if (f !== null) {
    kernels().indexSelect({ data: out.data, shape: f.shape, strides: contiguousStrides(f.shape), offset: out.offset }, f.view, f.axis, f.index);
  } else if (out.numel() > 0) {
    const src = a.data, dst = out.data;
    forEachIndexedRun(a, ix, MIN_RUN, (k, o, n) => dst.set(src.subarray(o, o + n), k), (k, o) => (dst[k] = src[o]!));
  }
  if (needsGrad(a)) {
    const shape = a.shape;
    record("IndexBackward0", [a], out, ([g]) => [indexPutIntoZeros(shape, ix, g!)], indexTensors);
  }
  return out;
}

/** `zeros(shape).index_put(indices, g, accumulate=True)` without copying the zeros first; differentiable in `g`. */
function indexPutIntoZeros(shape: readonly number[], ix: AdvancedIndex, g: Tensor): Tensor {
  const out = empty(shape, g.dtype);
  indexPutInto(out, ix, g, true);
  // the zeros take no gradient: the node has g alone as its input
  if (needsGrad(g)) record("IndexPutBackward0", [null, g], out, ([gg]) => [null, indexGather(gg!, ix)]);
  return out;
}

/**
 * Out-of-place `a.index_put(indices, values, accumulate)`: a copy of `a`
 * with `values` (broadcast to the indexed shape, `a`'s dtype) written at the
 * indexed positions, or added there with `accumulate`. Without accumulate a
 * repeated position keeps one of its values. The gradient of `values` is the
 * upstream gradient at the positions; `a`'s is the rest (all of it with
 * accumulate), as PyTorch's IndexPutBackward0, which saves the index tensors
 * and masks `ix` was resolved from (`indexTensors`): changing one in place
 * before backward raises PyTorch's version error.
 */
export function indexPut(a: Tensor, ix: AdvancedIndex, values: Tensor, accumulate: boolean, indexTensors: readonly Tensor[] = []): Tensor {
  const out = castData(a, a.dtype);
  indexPutInto(out, ix, values, accumulate);
  if (needsGrad(a, values)) {
    const ga = a._requiresGrad, gv = values._requiresGrad;
    record("IndexPutBackward0", [a, values], out, ([g]) => [
      ga ? (accumulate ? g! : indexPut(g!, ix, empty([], g!.dtype), false)) : null,
      // the engine sums this back to the values' own (broadcast) shape
      gv ? indexGather(g!, ix) : null,
    ], indexTensors);
  }
  return out;
}

/**
 * Writes `values` (broadcast to the indexed shape) at the indexed positions
 * of `out`, in its own memory, or adds them there with `accumulate`; no
 * autograd. `values` may share `out`'s storage: it is read out first.
 */
export function indexPutInto(out: Tensor, ix: AdvancedIndex, values: Tensor, accumulate: boolean): void {
  if (values.dtype !== out.dtype) {
    throw new Error(`Index put requires the source and destination dtypes match, got ${scalarTypeName(out.dtype)} for the destination and ${scalarTypeName(values.dtype)} for the source.`);
  }
  const shape = indexedShape(out.shape, ix);
  const fits = values.shape.length <= shape.length &&
    values.shape.every((s, i) => s === 1 || s === shape[shape.length - values.shape.length + i]);
  if (!fits) throw new Error(`shape mismatch: value tensor of shape ${shapeStr(values.shape)} cannot be broadcast to indexing result of shape ${shapeStr(shape)}`);
  if (numelOf(shape) === 0) return;
  // bool storage holds 0/1: an accumulated true stays 1, which indexAdd would not keep
  const f = accumulate && out.dtype === "bool" ? null : fold(out, ix);
  if (f !== null) {
    // values sharing out's storage are read out first; others are read in place, broadcast
    let src: Strided = broadcastView(values, shape);
    if (values.data === out.data) {
      const copy = emptyUninitialized(shape, out.dtype);
      kernels().copy(copy, src);
      src = copy;
    }
    let folded = foldedValues(src, f, ix.shape.length);
    if (folded === null) {
      const copy = emptyUninitialized(shape, out.dtype);
      kernels().copy(copy, src);
      folded = foldedValues(copy, f, ix.shape.length)!;
    }
    if (accumulate) kernels().indexAdd(f.view, f.axis, f.index, folded);
    else kernels().indexCopy(f.view, f.axis, f.index, folded);
    return;
  }
  const v = emptyUninitialized(shape, out.dtype);
  kernels().copy(v, broadcastView(values, shape));
  const src = v.data, dst = out.data;
  if (!accumulate) forEachIndexedRun(out, ix, MIN_RUN, (k, o, n) => dst.set(src.subarray(k, k + n), o), (k, o) => (dst[o] = src[k]!));
  // bool storage holds 0/1, so an added true stays 1
  else if (out.dtype === "bool") forEachIndexed(out, ix, (k, o) => (dst[o] = dst[o]! || src[k]! ? 1 : 0));
  else forEachIndexed(out, ix, (k, o) => (dst[o] = dst[o]! + src[k]!));
}
