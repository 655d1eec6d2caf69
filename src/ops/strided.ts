/**
 * Layouts over a tensor's storage: `unfold` (the sliding windows along a
 * dim, as a view), `asStrided` (any sizes and strides over the storage, as
 * PyTorch's as_strided), `ravel` and `sumToSize`.
 */
import type { Tensor } from "../tensor/tensor.js";
import { normalizeDim } from "../tensor/tensor.js";
import { bytesPerElement } from "../tensor/dtype.js";
import { makeView, needsGrad, record, shapeStr } from "./core.js";
import { div } from "./elementwise.js";
import { fromTypedArray, zeros } from "./factories.js";
import { indexAdd, indexSelect } from "./indexing.js";
import { movedim } from "./rearrange.js";
import { sum } from "./reduce.js";
import { reshape, sumToShape } from "./views.js";

/** The number of windows of `size` every `step` along a dim of `length`. */
const windowCount = (length: number, size: number, step: number) => Math.floor((length - size) / step) + 1;

/**
 * The windows of `size` elements every `step` along `dim`, as a view: that
 * dim becomes the window count and a last dim of `size` is added (PyTorch's
 * `Tensor.unfold`; `nn.functional.unfold` is the image op). Overlapping
 * windows share elements, and their gradients add up.
 *
 * @example
 * torch.arange(7).unfold(0, 3, 2); // [[0, 1, 2], [2, 3, 4], [4, 5, 6]]
 */
export function unfold(a: Tensor, dim: number, size: number, step: number): Tensor {
  const nd = a.shape.length;
  const d = normalizeDim(dim, nd, "unfold", a.shape);
  const length = nd === 0 ? 1 : a.shape[d]!;
  if (!Number.isInteger(size) || !Number.isInteger(step)) throw new Error(`unfold(): arguments 'size' and 'step' must be int (got ${size} and ${step})`);
  if (size > length) throw new Error(`maximum size for tensor at dimension ${d} is ${length} but size is ${size}`);
  if (size < 0) throw new Error(`unfold(): size is ${size} but must be >= 0`);
  if (step <= 0) throw new Error(`step is ${step} but must be > 0`);
  const stride = nd === 0 ? 1 : a.strides[d]!;
  const shape = nd === 0 ? [] : [...a.shape], strides = nd === 0 ? [] : [...a.strides];
  if (nd > 0) {
    shape[d] = windowCount(length, size, step);
    strides[d] = stride * step;
  }
  shape.push(size);
  strides.push(stride);
  const out = makeView(a, shape, strides, a.offset);
  if (needsGrad(a)) {
    const inShape = a.shape;
    record("UnfoldBackward0", [a], out, ([g]) => [unfoldBackward(g!, inShape, d, size, step)]);
  }
  return out;
}

/** The gradient of unfold: each window's gradient added back at its elements (an indexAdd, so it is differentiable). */
function unfoldBackward(g: Tensor, inShape: readonly number[], d: number, size: number, step: number): Tensor {
  if (inShape.length === 0) return size === 0 ? zeros([], { dtype: g.dtype }) : reshape(g, []);
  const windows = g.shape[d]!;
  const positions = new Int32Array(windows * size);
  for (let i = 0; i < windows; i++) for (let j = 0; j < size; j++) positions[i * size + j] = i * step + j;
  // [..., windows, ..., size] -> [..., windows * size, ...]
  const merged = reshape(movedim(g, -1, d + 1), inShape.map((s, k) => (k === d ? windows * size : s)));
  return indexAdd(zeros(inShape, { dtype: g.dtype }), d, fromTypedArray(positions), merged);
}

/** The storage position of each element of a layout, in row-major order. */
function positionsOf(shape: readonly number[], strides: readonly number[], offset: number): Int32Array {
  const n = shape.reduce((p, q) => p * q, 1);
  const out = new Int32Array(n);
  const index = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    let at = offset;
    for (let i = 0; i < shape.length; i++) at += index[i]! * strides[i]!;
    out[k] = at;
    for (let i = shape.length - 1; i >= 0; i--) {
      if (++index[i]! < shape[i]!) break;
      index[i] = 0;
    }
  }
  return out;
}

/**
 * A view of `input`'s storage with the given sizes and strides (in
 * elements), starting at `storageOffset` (by default `input`'s own), as
 * torch.as_strided. The gradient goes to the elements of `input` that the
 * view reads, adding up where it reads one more than once.
 *
 * @example
 * torch.arange(6).asStrided([2, 2], [1, 2], 1); // [[1, 3], [2, 4]]
 */
export function asStrided(input: Tensor, size: readonly number[], stride: readonly number[], storageOffset?: number): Tensor {
  if (size.length !== stride.length) throw new Error(`mismatch in length of strides and shape (as_strided: sizes ${shapeStr(size)}, strides ${shapeStr(stride)})`);
  if (stride.some((s) => s < 0)) throw new Error(`as_strided: Negative strides are not supported at the moment, got strides: ${shapeStr(stride)}`);
  if (size.some((s) => !Number.isInteger(s) || s < 0)) throw new Error(`as_strided: sizes must be non-negative integers, got sizes: ${shapeStr(size)}`);
  const offset = storageOffset ?? input.offset;
  if (!Number.isInteger(offset) || offset < 0) throw new Error(`Tensor: invalid storage offset ${offset}`);
  const numel = size.reduce((p, q) => p * q, 1);
  const needed = numel === 0 ? 0 : offset + size.reduce((acc, s, i) => acc + (s - 1) * stride[i]!, 0) + 1;
  const itemsize = bytesPerElement(input.dtype), available = input.storage.data.length;
  if (needed > available) {
    throw new Error(`setStorage: sizes ${shapeStr(size)}, strides ${shapeStr(stride)}, storage offset ${offset}, and itemsize ${itemsize} requiring a storage size of ${needed * itemsize} are out of bounds for storage of size ${available * itemsize}`);
  }
  const out = makeView(input, [...size], [...stride], offset);
  if (needsGrad(input)) {
    const inPositions = positionsOf(input.shape, input.strides, input.offset), outPositions = positionsOf(size, stride, offset);
    const inShape = input.shape;
    record("AsStridedBackward0", [input], out, ([g]) => [asStridedBackward(g!, inShape, inPositions, outPositions)]);
  }
  return out;
}

/**
 * as_strided's gradient through the storage: the output's gradient added up
 * per storage element, then read back at the input's elements (an element
 * the input itself repeats gets an equal share).
 */
function asStridedBackward(g: Tensor, inShape: readonly number[], inPositions: Int32Array, outPositions: Int32Array): Tensor {
  let length = 1;
  for (const p of inPositions) length = Math.max(length, p + 1);
  for (const p of outPositions) length = Math.max(length, p + 1);
  const storage = indexAdd(zeros([length], { dtype: g.dtype }), 0, fromTypedArray(outPositions), reshape(g, [-1]));
  const inIndex = fromTypedArray(inPositions);
  let grad = reshape(indexSelect(storage, 0, inIndex), inShape);
  const counts = new Int32Array(length);
  for (const p of inPositions) counts[p]!++;
  if (inPositions.some((p) => counts[p]! > 1)) {
    const shares = reshape(indexSelect(fromTypedArray(counts), 0, inIndex), inShape);
    grad = div(grad, shares);
  }
  return grad;
}

/**
 * The elements in row-major order as a 1-d tensor (a view when the layout
 * allows, as torch.ravel).
 *
 * @example
 * torch.ravel(torch.tensor([[1, 2], [3, 4]])); // tensor([1., 2., 3., 4.])
 */
export function ravel(input: Tensor): Tensor {
  return reshape(input, [-1]);
}

/**
 * `input` summed down to `size`, which must broadcast to its shape (the
 * inverse of expanding), as `Tensor.sum_to_size`.
 *
 * @example
 * torch.ones([2, 3]).sumToSize([1, 3]); // tensor([[2., 2., 2.]])
 */
export function sumToSize(input: Tensor, size: readonly number[]): Tensor {
  const lead = input.shape.length - size.length;
  if (lead < 0 || size.some((s, i) => s !== 1 && s !== input.shape[lead + i])) {
    throw new Error(`size {${shapeStr(size)}} is not expandable to size {${shapeStr(input.shape)}}.`);
  }
  // PyTorch's sum_to sums everything into a 0-d size (so a bool tensor gives an integer), even a 0-d input
  return size.length === 0 ? sum(input) : sumToShape(input, size);
}
