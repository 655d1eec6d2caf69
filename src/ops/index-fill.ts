/**
 * Writing at indices, out of place (the in-place forms are in
 * inplace-more.ts): `indexCopy` and `indexFill` (whole slices along a dim),
 * `maskedScatter` (a mask's positions, in order, from a source), `take` and
 * `put` (positions in the flattened tensor) and `fillDiagonal` (the main
 * diagonal). Gradients follow PyTorch's derivatives.yaml; indices are int32.
 */
import { runInMode, withGrad } from "../autograd/grad-mode.js";
import { type DType, isFloating, scalarTypeName } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { normalizeDim } from "../tensor/tensor.js";
import { broadcastShapes, castData, kernels, needsGrad, record, shapeStr } from "./core.js";
import { where } from "./elementwise.js";
import { fromTypedArray, zeros } from "./factories.js";
import { cat, indexAdd, indexSelect } from "./indexing.js";
import { sum } from "./reduce.js";
import { expand, reshape, select } from "./views.js";

const untracked = <T>(f: () => T): T => runInMode(withGrad(false), f);

/** The values of an int32 index tensor in row-major order. */
const indexValues = (index: Tensor): Int32Array => castData(index, "int32").data as Int32Array;

/** The slice at `i` along `d` of `t` (all of a 0-d tensor): where index ops read and write. */
const sliceAt = (t: Tensor, d: number, i: number): Tensor => (t.shape.length === 0 ? t : untracked(() => select(t, d, i)));

/**
 * `input` with the slices `source.select(dim, k)` copied to `index[k]` along
 * `dim`, as `Tensor.index_copy`. The gradient of `input` is zero at the
 * overwritten slices; `source` gets the gradient's slices at `index`.
 *
 * @example
 * torch.zeros([3, 2]).indexCopy(0, torch.tensor([2, 0], { dtype: "int32" }), torch.ones([2, 2])); // rows 0 and 2 are ones
 */
export function indexCopy(input: Tensor, dim: number, index: Tensor, source: Tensor): Tensor {
  if (index.dtype !== "int32") throw new Error(`index_copy_(): Expected an int32 tensor for index, but got ${scalarTypeName(index.dtype)}`);
  if (index.dim() > 1) throw new Error(`index_copy_(): Index should have dimension 1 or 0 (got ${index.dim()})`);
  if (source.dtype !== input.dtype) {
    throw new Error(`index_copy_(): self and source expected to have the same dtype, but got (self) ${scalarTypeName(input.dtype)} and (source) ${scalarTypeName(source.dtype)}`);
  }
  const d = normalizeDim(dim, input.dim(), "index_copy_", input.shape);
  const indices = indexValues(index);
  const count = source.dim() === 0 ? 1 : source.shape[d]!;
  if (source.dim() === 0 && indices.length !== 1) throw new Error(`index_copy_(): When source is scalar, index should have one element (got ${indices.length})`);
  if (indices.length !== count) throw new Error(`index_copy_(): Number of indices (${indices.length}) should be equal to source.size(dim) (${count})`);
  const sliceOf = (s: readonly number[]) => s.filter((_, i) => i !== d);
  const want = sliceOf(input.shape), got = sliceOf(source.shape);
  if (input.dim() > 0 && (source.dim() !== input.dim() || want.some((s, i) => s !== got[i]))) {
    const k = Math.max(0, want.findIndex((s, i) => s !== got[i]));
    throw new Error(`index_copy_(): Source/destination tensor must have same slice shapes. Destination slice shape: ${want[k] ?? ""} at dimension ${k} and source slice shape: ${got[k] ?? ""} at dimension ${k}.`);
  }
  const size = input.dim() === 0 ? 1 : input.shape[d]!;
  for (const v of indices) if (v < 0 || v >= size) throw new Error(`index_copy_(): index ${v} is out of bounds for dimension ${d} with size ${size}`);
  const out = castData(input, input.dtype);
  indices.forEach((v, k) => kernels().copy(sliceAt(out, d, v), sliceAt(source, d, k)));
  if (needsGrad(input, source)) {
    const gi = input._requiresGrad, gs = source._requiresGrad;
    record("IndexCopyBackward0", [input, source], out, ([g], [ix]) => [
      gi ? indexFill(g!, d, ix!, 0) : null,
      gs ? (g!.dim() === 0 ? g! : indexSelect(g!, d, ix!)) : null,
    ], [index]);
  }
  return out;
}

/** A fill value as `dtype` stores it; PyTorch refuses one an integer dtype cannot hold. */
function fillValue(v: number, dtype: DType): number {
  if (dtype === "int32" && !(Number.isFinite(v) && v >= -2147483648 && v < 2147483648)) {
    throw new Error("value cannot be converted to type int without overflow");
  }
  return v;
}

/**
 * `input` with every slice at `index` along `dim` set to `value` (a number,
 * a boolean or a 0-d tensor, converted to input's dtype; negative indices
 * count from the end), as `Tensor.index_fill`. A tensor value gets the sum
 * of the gradient over the filled slices, each counted once however often
 * the index repeats it (PyTorch's `index_select(dim, unique(index)).sum()`).
 *
 * @example
 * torch.zeros([3, 2]).indexFill(0, torch.tensor([0, 2], { dtype: "int32" }), 7); // rows 0 and 2 are 7
 */
export function indexFill(input: Tensor, dim: number, index: Tensor, value: number | boolean | Tensor): Tensor {
  if (index.dtype !== "int32") throw new Error("index_fill_(): Expected dtype int32 for index.");
  if (index.dim() > 1) throw new Error("Index has to be a vector/scalar");
  const tv = typeof value === "object" ? value : null;
  if (tv !== null && tv.dim() !== 0) {
    throw new Error(`index_fill_ only supports a 0-dimensional value tensor, but got tensor with ${tv.dim()} dimension(s).`);
  }
  const d = normalizeDim(dim, input.dim(), "index_fill_", input.shape);
  const size = input.dim() === 0 ? 1 : input.shape[d]!;
  const indices = indexValues(index).map((v) => {
    if (v < -size || v >= size) throw new Error(`index ${v} is out of bounds for dimension ${d} with size ${size}`);
    return v < 0 ? v + size : v;
  });
  const out = castData(input, input.dtype);
  const v = fillValue(tv === null ? Number(value) : tv.item(), input.dtype);
  for (const i of indices) kernels().fill(sliceAt(out, d, i), v);
  // an integer or bool result takes no part in the graph, whatever the value tensor
  if (isFloating(out.dtype) && needsGrad(input, tv)) {
    const gi = input._requiresGrad, gv = tv?._requiresGrad ?? false;
    const wrapped = fromTypedArray(indices), distinct = fromTypedArray(Int32Array.from(new Set(indices)));
    record(tv === null ? "IndexFillBackward0" : "IndexFillBackward1", [input, tv], out, ([g], [ix, once]) => [
      gi ? indexFill(g!, d, ix!, 0) : null,
      gv ? sum(indexSelect(g!.dim() === 0 ? reshape(g!, [1]) : g!, d, once!)) : null,
    ], [wrapped, distinct]);
  }
  return out;
}

/** Row-major positions of the true elements of a bool tensor. */
function truePositions(mask: Tensor): Int32Array {
  const m = castData(mask, "bool").data;
  const at: number[] = [];
  for (let i = 0; i < m.length; i++) if (m[i]) at.push(i);
  return Int32Array.from(at);
}

/**
 * `input` with the positions where `mask` is true (broadcast together)
 * taking `source`'s elements in row-major order, as `Tensor.masked_scatter`.
 *
 * @example
 * torch.zeros([2, 2]).maskedScatter(torch.tensor([true, false]), torch.tensor([1, 2, 3, 4])); // [[1, 0], [2, 0]]
 */
export function maskedScatter(input: Tensor, mask: Tensor, source: Tensor): Tensor {
  if (mask.dtype !== "bool") throw new Error(`masked_scatter_ only supports boolean masks, but got mask with dtype ${scalarTypeName(mask.dtype)}`);
  if (source.dtype !== input.dtype) {
    throw new Error(`masked_scatter: expected self and source to have same dtypes but got${scalarTypeName(input.dtype)} and ${scalarTypeName(source.dtype)}`);
  }
  // the mask is broadcast against self (PyTorch names them in that order in its error)
  const shape = broadcastShapes(mask.shape, input.shape, "masked_scatter");
  const expandedMask = untracked(() => expand(mask, shape));
  const positions = truePositions(expandedMask);
  const n = source.numel();
  if (positions.length > n) throw new Error(`Number of elements of source < number of ones in mask (masked_scatter: ${positions.length} ones, source ${shapeStr(source.shape)})`);
  const out = castData(untracked(() => expand(input, shape)), input.dtype);
  const src = castData(source, source.dtype).data, o = out.data;
  positions.forEach((p, k) => (o[p] = src[k]!));
  if (needsGrad(input, source)) {
    const gi = input._requiresGrad, gs = source._requiresGrad, srcShape = source.shape;
    record("MaskedScatterBackward0", [input, source], out, ([g], [m]) => {
      let gSrc: Tensor | null = null;
      if (gs) {
        const picked = indexSelect(reshape(g!, [-1]), 0, fromTypedArray(positions));
        gSrc = reshape(positions.length === n ? picked : cat([picked, zeros([n - positions.length], { dtype: g!.dtype })]), srcShape);
      }
      return [gi ? where(m!, 0, g!) : null, gSrc];
    }, [expandedMask]);
  }
  return out;
}

/** Flat positions from an index tensor of positions in a tensor of `n` elements (negative ones count from the end). */
function flatPositions(index: Tensor, n: number, op: string): Int32Array {
  if (index.dtype !== "int32") throw new Error(`${op}(): Expected an int32 tensor for index, but got ${scalarTypeName(index.dtype)}`);
  return indexValues(index).map((v) => {
    if (v < -n || v >= n) throw new Error(`out of range: tried to access index ${v} on a tensor of ${n} elements.`);
    return v < 0 ? v + n : v;
  });
}

/**
 * The elements of `input` at `index`, reading it as flattened (row-major):
 * the result has index's shape, as torch.take. Negative indices count from
 * the end.
 *
 * @example
 * torch.take(torch.tensor([[1, 2], [3, 4]]), torch.tensor([0, -1], { dtype: "int32" })); // tensor([1., 4.])
 */
export function take(input: Tensor, index: Tensor): Tensor {
  const n = input.numel();
  const positions = fromTypedArray(flatPositions(index, n, "take"));
  const out = untracked(() => reshape(indexSelect(reshape(castData(input, input.dtype), [n]), 0, positions), index.shape));
  if (needsGrad(input)) {
    const inShape = input.shape;
    record("TakeBackward0", [input], out, ([g], [ix]) => [reshape(indexAdd(zeros([n], { dtype: g!.dtype }), 0, ix!, reshape(g!, [-1])), inShape)], [positions]);
  }
  return out;
}

/**
 * `input` with `source`'s elements written at the flat positions `index`
 * (added when `accumulate`), as torch.put; the in-place form is `put_`.
 *
 * @example
 * torch.put(torch.zeros([3]), torch.tensor([1], { dtype: "int32" }), torch.tensor([5])); // tensor([0., 5., 0.])
 */
export function put(input: Tensor, index: Tensor, source: Tensor, accumulate = false): Tensor {
  if (source.numel() !== index.numel()) {
    throw new Error(`put_(): Expected source and index to have the same number of elements, but got source.numel() = ${source.numel()}, index.numel() = ${index.numel()}`);
  }
  if (source.dtype !== input.dtype) {
    throw new Error(`put_(): self and source expected to have the same dtype, but got self.dtype = ${scalarTypeName(input.dtype)} and source.dtype = ${scalarTypeName(source.dtype)}`);
  }
  const positions = flatPositions(index, input.numel(), "put_");
  const out = castData(input, input.dtype);
  const o = out.data, src = castData(source, source.dtype).data;
  positions.forEach((p, k) => (o[p] = accumulate ? o[p]! + src[k]! : src[k]!));
  if (needsGrad(input, source)) {
    const gi = input._requiresGrad, gs = source._requiresGrad, srcShape = source.shape;
    const wrapped = fromTypedArray(positions);
    record("PutBackward0", [input, source], out, ([g], [ix]) => [
      gi ? (accumulate ? g! : put(g!, ix!, zeros(srcShape, { dtype: g!.dtype }))) : null,
      gs ? reshape(take(g!, ix!), srcShape) : null,
    ], [wrapped]);
  }
  return out;
}

/** The flat positions of the main diagonal of a contiguous tensor of `shape` (wrapping after the columns of a tall matrix when asked). */
function diagonalPositions(shape: readonly number[], wrap: boolean): number[] {
  if (shape.length < 2) throw new Error("dimensions must larger than 1");
  if (shape.length > 2 && shape.some((s) => s !== shape[0])) throw new Error(`all dimensions of input must be of equal length (fill_diagonal_: input of shape ${shapeStr(shape)})`);
  const numel = shape.reduce((p, q) => p * q, 1);
  let step = 0, acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    step += acc;
    acc *= shape[i]!;
  }
  const [h, w] = shape as [number, number];
  const count = shape.length === 2 && wrap && h > w + 1 ? Math.ceil(numel / step) : Math.min(...shape);
  return Array.from({ length: count }, (_, k) => k * step);
}

/**
 * `input` with `fillValue` on its main diagonal (all dims must have one size
 * beyond 2-d; a tall matrix's diagonal starts over after its columns when
 * `wrap`): the out-of-place form of `fill_diagonal_`.
 */
export function fillDiagonal(input: Tensor, fillValue: number, wrap = false): Tensor {
  const positions = diagonalPositions(input.shape, wrap);
  const out = castData(input, input.dtype);
  for (const p of positions) out.data[p] = fillValue;
  if (needsGrad(input)) record("CopySlices", [input], out, ([g]) => [fillDiagonal(g!, 0, wrap)]);
  return out;
}
