import { scalarTypeName } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { normalizeDim } from "../tensor/tensor.js";
import { anyNeedsGrad, castData, empty, emptyUninitialized, kernels, makeView, needsGrad, record, shapeStr } from "./core.js";
import { asStridedScatter, clone, narrow, select, unsqueeze } from "./views.js";
import { contiguousStrides } from "../tensor/layout.js";
import { runInMode, withGrad } from "../autograd/grad-mode.js";
import { fromTypedArray } from "./factories.js";
import { splitViews, unbindViews } from "./multi-view.js";

function checkIndexTensor(index: Tensor, op: string): void {
  if (index.dtype !== "int32") throw new Error(`${op}(): Expected dtype int32 for index, got ${index.dtype}`);
}

/** Every index value must lie in [0, size); negative values are refused, as PyTorch does for these ops. */
function checkIndexValues(index: Tensor, input: Tensor, dim: number, op: string): void {
  const d = index.data;
  const size = input.shape[dim] ?? 1;
  const refuse = (v: number) => {
    const lead = op === "index_select" ? "index out of range in self: " : "";
    throw new Error(`${lead}index ${v} is out of bounds for dimension ${dim} with size ${size} (${op}: input ${shapeStr(input.shape)}, index ${shapeStr(index.shape)})`);
  };
  if (index.isContiguous()) {
    // the common case in one straight loop (the strided walk below costs a call per element)
    for (let o = index.offset, end = index.offset + index.numel(); o < end; o++) {
      const v = d[o]!;
      if (v < 0 || v >= size) refuse(v);
    }
    return;
  }
  kernelsForEach(index, (o) => {
    const v = d[o]!;
    if (v < 0 || v >= size) refuse(v);
  });
}

function kernelsForEach(t: Tensor, visit: (offset: number) => void): void {
  const n = t.numel();
  const pos = new Array<number>(t.shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    let o = t.offset;
    for (let k = 0; k < pos.length; k++) o += pos[k]! * t.strides[k]!;
    visit(o);
    for (let k = pos.length - 1; k >= 0; k--) {
      if (++pos[k]! < t.shape[k]!) break;
      pos[k] = 0;
    }
  }
}

/** `out[i][j] = a[index[i][j]][j]` (for dim 0); index has out's shape. */
export function gather(a: Tensor, dim: number, index: Tensor): Tensor {
  checkIndexTensor(index, "gather");
  const d = normalizeDim(dim, a.shape.length, "gather", a.shape);
  if (index.shape.length !== a.shape.length && !(a.shape.length === 0 && index.shape.length <= 1)) {
    throw new Error(`gather(): Index tensor must have the same number of dimensions as input tensor (index ${shapeStr(index.shape)}, input ${shapeStr(a.shape)})`);
  }
  // (no arrow functions that mention `a` here: V8 would keep `a` alive in the backward closure's context)
  for (let i = 0; i < index.shape.length; i++) {
    if (i !== d && index.shape[i]! > a.shape[i]!) {
      throw new Error(`gather(): Size does not match at dimension ${i} expected index ${shapeStr(index.shape)} to be smaller than self ${shapeStr(a.shape)} apart from dimension ${d}`);
    }
  }
  checkIndexValues(index, a, d, "gather");
  const out = emptyUninitialized(index.shape, a.dtype);
  kernels().gather(out, a, d, index);
  if (needsGrad(a)) {
    // backward closures capture shapes and flags, never tensors: a node holds only what it saves
    const shape = a.shape;
    record("GatherBackward0", [a], out, ([g], [ix]) => [scatterAdd(empty(shape, g!.dtype), d, ix!, g!)], [index]);
  }
  return out;
}

/** Out-of-place `a.scatterAdd(dim, index, src)`: adds src's values at the indexed positions. */
export function scatterAdd(a: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  checkIndexTensor(index, "scatter_add");
  if (src.dtype !== a.dtype) throw new Error(`scatter(): Expected self.dtype to be equal to src.dtype (self ${a.dtype}, src ${src.dtype})`);
  const d = normalizeDim(dim, a.shape.length, "scatter_add", a.shape);
  const srcShape = src.shape;
  if (index.shape.some((s, i) => s > (srcShape[i] ?? 0))) {
    throw new Error(`scatter_add(): Expected index ${shapeStr(index.shape)} to be smaller than src ${shapeStr(src.shape)}`);
  }
  checkIndexValues(index, a, d, "scatter_add");
  const out = castData(a, a.dtype);
  const srcView = makeView(src, index.shape, src.strides, src.offset);
  kernels().scatterAdd(out, d, index, src.dtype === a.dtype ? srcView : castData(srcView, a.dtype));
  if (needsGrad(a, src)) {
    const ga = a._requiresGrad, gs = src._requiresGrad;
    // a src larger than its index gets zeros outside the index's corner (as scatter's; PyTorch errors there, issue 27614)
    record("ScatterAddBackward0", [a, src], out, ([g], [ix]) => [ga ? g! : null, gs ? srcGrad(gather(g!, d, ix!), srcShape) : null], [index]);
  }
  return out;
}

/**
 * Out-of-place `a.scatter(dim, index, src)`: a copy of `a` with `src`'s
 * values (or one number) written at the indexed positions along `dim`
 * (`out[index[i][j]][j] = src[i][j]` for dim 0). Where an index repeats, the
 * last write wins. The gradient skips the overwritten positions of `a` and
 * gathers `src`'s.
 */
export function scatter(a: Tensor, dim: number, index: Tensor, src: Tensor | number): Tensor {
  checkIndexTensor(index, "scatter");
  if (typeof src !== "number" && src.dtype !== a.dtype) throw new Error(`scatter(): Expected self.dtype to be equal to src.dtype (self ${a.dtype}, src ${src.dtype})`);
  const d = normalizeDim(dim, a.shape.length, "scatter", a.shape);
  if (index.shape.length !== a.shape.length && !(a.shape.length === 0 && index.shape.length <= 1)) {
    throw new Error(`scatter(): Index tensor must have the same number of dimensions as self tensor (index ${shapeStr(index.shape)}, self ${shapeStr(a.shape)})`);
  }
  for (let i = 0; i < index.shape.length; i++) {
    if (i !== d && index.shape[i]! > a.shape[i]!) {
      throw new Error(`scatter(): Expected index ${shapeStr(index.shape)} to be smaller than self ${shapeStr(a.shape)} apart from dimension ${d}`);
    }
  }
  if (typeof src !== "number" && index.shape.some((s, i) => s > (src.shape[i] ?? 0))) {
    throw new Error(`scatter(): Expected index ${shapeStr(index.shape)} to be smaller than src ${shapeStr(src.shape)} apart from dimension ${d}`);
  }
  checkIndexValues(index, a, d, "scatter");
  const srcShape = typeof src === "number" ? [] : src.shape;
  const out = castData(a, a.dtype);
  const values = typeof src === "number" ? null : castData(makeView(src, index.shape, src.strides, src.offset), a.dtype);
  // a number written into bool storage is true when nonzero (NaN too), as PyTorch's cast
  const number = typeof src !== "number" ? 0 : a.dtype === "bool" ? (src !== 0 ? 1 : 0) : src;
  writeScattered(out, d, index, (k) => (values === null ? number : values.data[k]!));
  if (needsGrad(a, typeof src === "number" ? null : src)) {
    const ga = a._requiresGrad, gs = typeof src !== "number" && src._requiresGrad;
    record(typeof src === "number" ? "ScatterBackward1" : "ScatterBackward0", [a, typeof src === "number" ? null : src], out, ([g], [ix]) => [
      ga ? scatter(g!, d, ix!, 0) : null,
      gs ? srcGrad(gather(g!, d, ix!), srcShape) : null,
    ], [index]);
  }
  return out;
}

/** The gradient of a src larger than its index: the gathered part in its leading corner, zeros elsewhere. */
function srcGrad(gathered: Tensor, srcShape: readonly number[]): Tensor {
  if (gathered.shape.every((s, i) => s === srcShape[i])) return gathered;
  return asStridedScatter(gathered, srcShape, gathered.shape, contiguousStrides(srcShape), 0);
}

/** Writes `value(k)` (k: the row-major position in `index`) into contiguous `out` at index's positions along `d`. */
function writeScattered(out: Tensor, d: number, index: Tensor, value: (k: number) => number): void {
  const o = out.data, ix = index.data, n = index.numel(), nd = index.shape.length;
  const pos = new Array<number>(nd).fill(0);
  for (let k = 0; k < n; k++) {
    let at = 0, from = index.offset;
    for (let i = 0; i < nd; i++) {
      from += pos[i]! * index.strides[i]!;
      if (i !== d) at += pos[i]! * out.strides[i]!;
    }
    at += (nd === 0 ? 0 : ix[from]! * (out.strides[d] ?? 0));
    o[at] = value(k);
    for (let i = nd - 1; i >= 0; i--) {
      if (++pos[i]! < index.shape[i]!) break;
      pos[i] = 0;
    }
  }
}

/** Rows (or slices along `dim`) picked by a 1-d int32 index. */
export function indexSelect(a: Tensor, dim: number, index: Tensor): Tensor {
  checkIndexTensor(index, "index_select");
  if (index.shape.length > 1) throw new Error(`index_select(): Index is supposed to be a vector, got shape ${shapeStr(index.shape)}`);
  const d = normalizeDim(dim, a.shape.length, "index_select", a.shape);
  const idx = index.shape.length === 0 ? unsqueeze(index, 0) : index;
  checkIndexValues(idx, a, d, "index_select");
  const shape = a.shape.length === 0 ? [] : a.shape.map((s, i) => (i === d ? idx.shape[0]! : s));
  // every element is written below
  const out = emptyUninitialized(shape, a.dtype);
  if (a.shape.length === 0) kernels().copy(out, a);
  else kernels().indexSelect(out, a, d, idx);
  if (needsGrad(a)) {
    const inShape = a.shape;
    record("IndexSelectBackward0", [a], out, ([g], [ix]) => [indexAddIntoZeros(inShape, d, ix!, g!)], [idx]);
  }
  return out;
}

/** `zeros(shape).indexAdd(d, index, src)` without copying the zeros first (index checked by indexSelect); differentiable in `src`. */
function indexAddIntoZeros(shape: readonly number[], d: number, index: Tensor, src: Tensor): Tensor {
  if (shape.length === 0) return indexAdd(empty(shape, src.dtype), d, index, src);
  const out = empty(shape, src.dtype);
  kernels().indexAdd(out, d, index, src);
  // the zeros take no gradient: the node has src alone as its input
  if (needsGrad(src)) record("IndexAddBackward0", [null, src], out, ([g], [ix]) => [null, indexSelect(g!, d, ix!)], [index]);
  return out;
}

/** Out-of-place `a.indexAdd(dim, index, src)`. */
export function indexAdd(a: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  checkIndexTensor(index, "index_add");
  if (index.dim() > 1) throw new Error(`index_add_(): Index is supposed to be a vector, but got dim: ${index.dim()} with type: Int and size: ${shapeStr(index.shape)}`);
  if (src.dtype !== a.dtype) throw new Error(`index_add_(): self (${scalarTypeName(a.dtype)}) and source (${scalarTypeName(src.dtype)}) must have the same scalar type`);
  const d = normalizeDim(dim, a.shape.length, "index_add", a.shape);
  checkIndexValues(index, a, d, "index_add");
  const expected = a.shape.map((s, i) => (i === d ? index.numel() : s));
  if (src.shape.length !== expected.length || src.shape.some((s, i) => s !== expected[i])) {
    throw new Error(`index_add(): source ${shapeStr(src.shape)} should have shape ${shapeStr(expected)}`);
  }
  const out = castData(a, a.dtype);
  kernels().indexAdd(out, d, index, src.dtype === a.dtype ? src : castData(src, a.dtype));
  if (needsGrad(a, src)) {
    const ga = a._requiresGrad, gs = src._requiresGrad;
    record("IndexAddBackward0", [a, src], out, ([g], [ix]) => [ga ? g! : null, gs ? indexSelect(g!, d, ix!) : null], [index]);
  }
  return out;
}

/** Joins tensors along an existing dim. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new Error("torch.cat(): expected a non-empty list of Tensors");
  // arrow functions here mention shapes, not tensors: V8 keeps what they mention alive in the backward closure
  // PyTorch's legacy rule: 1-d empty tensors (shape [0]) are skipped, whatever the others' rank
  const legacyEmpty = (t: Tensor) => t.shape.length === 1 && t.shape[0] === 0;
  const skipsEmpty = tensors.some((t) => !legacyEmpty(t));
  const parts = skipsEmpty ? tensors.filter((t) => !legacyEmpty(t)) : tensors;
  const firstShape = parts[0]!.shape;
  const zeroDim = tensors.findIndex((t) => t.shape.length === 0);
  if (zeroDim >= 0) throw new Error(`zero-dimensional tensor (at position ${zeroDim}) cannot be concatenated`);
  // (only legacy empty tensors: PyTorch does not wrap the dim at all, any dim joins them into shape [0])
  const d = skipsEmpty ? normalizeDim(dim, firstShape.length, "cat", firstShape) : 0;
  let dtype = tensors[0]!.dtype;
  for (const t of tensors) if (t.dtype === "float64" || (t.dtype === "float32" && dtype !== "float64") || (t.dtype === "int32" && dtype === "bool")) dtype = t.dtype;
  parts.forEach((t, i) => {
    if (t.shape.length !== firstShape.length) {
      throw new Error(`Tensors must have same number of dimensions: got ${firstShape.length} and ${t.shape.length} (cat: shapes ${shapeStr(firstShape)} and ${shapeStr(t.shape)})`);
    }
    t.shape.forEach((s, k) => {
      if (k !== d && s !== firstShape[k]) {
        throw new Error(`Sizes of tensors must match except in dimension ${d}. Expected size ${firstShape[k]} but got size ${s} for tensor number ${i} in the list. (cat: shapes ${shapeStr(firstShape)} and ${shapeStr(t.shape)})`);
      }
    });
  });
  const total = parts.reduce((acc, t) => acc + t.shape[d]!, 0);
  const shape = firstShape.map((s, k) => (k === d ? total : s));
  const out = empty(shape, dtype);
  let at = 0;
  for (const t of parts) {
    const region = makeView(out, t.shape, out.strides, at * out.strides[d]!);
    kernels().copy(region, t);
    at += t.shape[d]!;
  }
  if (anyNeedsGrad(tensors)) {
    // a skipped empty tensor's gradient is empty too (null when not needed)
    const sizes = tensors.map((t) => (skipsEmpty && legacyEmpty(t) ? -1 : t.shape[d]!));
    const needs = tensors.map((t) => t._requiresGrad);
    record("CatBackward0", tensors, out, ([g]) => {
      let start = 0;
      return sizes.map((len, i) => {
        if (len < 0) return needs[i] ? empty([0], g!.dtype) : null;
        const piece = needs[i] ? narrow(g!, d, start, len) : null;
        start += len;
        return piece;
      });
    });
  }
  return out;
}

/** Joins tensors of one shape along a new dim. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new Error("stack expects a non-empty TensorList");
  const firstShape = tensors[0]!.shape;
  const d = normalizeDim(dim, firstShape.length + 1, "stack", firstShape);
  tensors.forEach((t, i) => {
    if (t.shape.length !== firstShape.length || t.shape.some((s, k) => s !== firstShape[k])) {
      throw new Error(`stack expects each tensor to be equal size, but got ${shapeStr(firstShape)} at entry 0 and ${shapeStr(t.shape)} at entry ${i}`);
    }
  });
  const out = stackData(tensors, d);
  if (anyNeedsGrad(tensors)) {
    const needs = tensors.map((t) => t._requiresGrad);
    record("StackBackward0", tensors, out, ([g]) => needs.map((n, i) => (n ? select(g!, d, i) : null)));
  }
  return out;
}

/** stack's values, without recording (stack records itself as one node). */
function stackData(tensors: readonly Tensor[], d: number): Tensor {
  return runInMode(withGrad(false), () => cat(tensors.map((t) => unsqueeze(t, d)), d));
}

/** Splits into pieces of `size` along dim (the last may be smaller): views. */
export function split(a: Tensor, size: number | readonly number[], dim = 0): Tensor[] {
  if (a.dim() === 0) throw new Error("split expects at least a 1-dimensional tensor");
  const d = normalizeDim(dim, a.shape.length, "split", a.shape);
  const n = a.shape[d]!;
  if (typeof size !== "number") {
    // a list of sizes: the pieces' lengths, which must add up to the dim's size
    if (size.some((s) => !Number.isInteger(s) || s < 0) || size.reduce((x, y) => x + y, 0) !== n) {
      throw new Error(`split_with_sizes expects split_sizes to sum exactly to ${n} (input tensor's size at dimension ${d}), but got split_sizes=[${size.join(", ")}]`);
    }
    return splitViews(a, d, size, "SplitWithSizesBackward0");
  }
  if (!Number.isInteger(size) || size < 0) throw new Error(`split expects split_size be non-negative, but got split_size=${size}`);
  if (size === 0 && n !== 0) throw new Error(`split_size can only be 0 if dimension size is 0, but got dimension size of ${n}`);
  // an empty dim still gives one (empty) piece, as in PyTorch
  if (n === 0) return [narrow(a, d, 0, 0)];
  const sizes: number[] = [];
  for (let s = 0; s < n; s += size) sizes.push(Math.min(size, n - s));
  return splitViews(a, d, sizes, "SplitBackward0");
}

/** Splits into `chunks` nearly equal pieces along dim (an empty dim gives `chunks` empty pieces, as in PyTorch). */
export function chunk(a: Tensor, chunks: number, dim = 0): Tensor[] {
  if (a.dim() === 0) throw new Error("chunk expects at least a 1-dimensional tensor");
  if (!(Number.isInteger(chunks) && chunks > 0)) throw new Error(`chunk expects \`chunks\` to be greater than 0, got: ${chunks}`);
  const d = normalizeDim(dim, a.shape.length, "chunk", a.shape);
  const n = a.shape[d]!;
  if (n === 0) return Array.from({ length: chunks }, () => narrow(a, d, 0, 0));
  return split(a, Math.ceil(n / chunks), d);
}

/** The slices along dim, each without that dim. */
export function unbind(a: Tensor, dim = 0): Tensor[] {
  if (a.shape.length === 0) throw new Error("Dimension specified as 0 but tensor has no dimensions");
  const d = normalizeDim(dim, a.shape.length, "unbind", a.shape);
  return unbindViews(a, d);
}

/**
 * A copy with the order along each of `dims` reversed (an index_select per dim).
 *
 * @example
 * torch.flip(torch.tensor([[1, 2], [3, 4]]), [1]); // [[2, 1], [4, 3]]
 */
export function flip(a: Tensor, dims: readonly number[]): Tensor {
  const ds = dims.map((d) => normalizeDim(d, a.shape.length, "flip", a.shape));
  const repeated = ds.find((d, i) => ds.indexOf(d) !== i);
  if (repeated !== undefined) throw new Error(`dim ${repeated} appears multiple times in the list of dims (flip)`);
  // computed untracked, then recorded as one FlipBackward0 whose backward flips the gradient back, as PyTorch's
  const out = runInMode(withGrad(false), () => {
    let r = a;
    for (const d of ds) {
      const n = a.shape[d]!;
      const index = new Int32Array(n);
      for (let i = 0; i < n; i++) index[i] = n - 1 - i;
      r = indexSelect(r, d, fromTypedArray(index));
    }
    return ds.length === 0 ? clone(a) : r;
  });
  if (needsGrad(a)) record("FlipBackward0", [a], out, ([g]) => [flip(g!, ds)]);
  return out;
}
