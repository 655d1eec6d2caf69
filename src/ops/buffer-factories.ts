/**
 * Factories that wrap memory rather than copy it: `torch.frombuffer` (a
 * tensor over an ArrayBuffer), `torch.asTensor` (a tensor that shares what
 * it is given where the dtype allows) and `torch.emptyStrided` (a tensor
 * with the given strides), with PyTorch's checks and messages.
 */
import { isInferenceModeEnabled } from "../autograd/grad-mode.js";
import { requireCpu } from "../tensor/device.js";
import { allocate, bytesPerElement, type DType, type TypedArray } from "../tensor/dtype.js";
import { Storage } from "../tensor/storage.js";
import { Tensor } from "../tensor/tensor.js";
import { getDefaultDtype } from "./dtype-utils.js";
import { toDtype } from "./elementwise.js";
import { type FactoryOptions, fromTypedArray, type NestedArray, tensor } from "./factories.js";

/** `frombuffer`'s options: how many elements (default: all) and from which byte (default 0). */
export interface FromBufferOptions {
  dtype: DType;
  /** Elements to take; -1 (the default) takes the rest of the buffer. */
  count?: number;
  /** The byte the tensor starts at. */
  offset?: number;
  requiresGrad?: boolean;
}

const VIEWS: Record<DType, new (b: ArrayBufferLike, offset: number, length: number) => TypedArray> = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  bool: Uint8Array,
};

/**
 * A 1-d tensor over the bytes of `buffer` (not copied: writes show on both
 * sides), as `torch.frombuffer`. JavaScript's typed arrays need the offset
 * to be a multiple of the element size, where PyTorch accepts any.
 *
 * @example
 * const bytes = new ArrayBuffer(16);
 * const t = torch.frombuffer(bytes, { dtype: "float32" }); // 4 zeros, sharing `bytes`
 */
export function frombuffer(buffer: ArrayBufferLike | ArrayBufferView, options: FromBufferOptions): Tensor {
  const { dtype, count = -1, offset = 0 } = options;
  const bytes = ArrayBuffer.isView(buffer) ? buffer.buffer : buffer;
  const base = ArrayBuffer.isView(buffer) ? buffer.byteOffset : 0;
  const length = buffer.byteLength;
  const size = bytesPerElement(dtype);
  if (length === 0 || count === 0) throw new Error(`both buffer length (${length}) and count (${count}) must not be 0`);
  if (!(offset >= 0 && offset <= length - 1)) throw new Error(`offset (${offset} bytes) must be non-negative and no greater than buffer length (${length} bytes) minus 1`);
  const rest = length - offset;
  if (count < 0 && rest % size !== 0) throw new Error(`buffer length (${rest} bytes) after offset (${offset} bytes) must be a multiple of element size (${size})`);
  const n = count < 0 ? rest / size : count;
  if (n * size > rest) {
    throw new Error(`requested buffer length (${n} * ${size} bytes) after offset (${offset} bytes) must not be greater than actual buffer length (${length} bytes)`);
  }
  if ((base + offset) % size !== 0) {
    throw new Error(`frombuffer: a shared ${dtype} view needs its start (byte ${base + offset} of the ArrayBuffer) at a multiple of the element size (${size}); copy the bytes first`);
  }
  const data = new VIEWS[dtype](bytes, base + offset, n);
  return fromTypedArray(data, [n], { requiresGrad: options.requiresGrad ?? false });
}

/**
 * `data` as a tensor, as `torch.as_tensor`: a tensor of the requested dtype
 * comes back as it is, a typed array of the requested dtype is shared (not
 * copied), and anything else is converted.
 *
 * @example
 * const data = new Float32Array([1, 2, 3]);
 * const t = torch.asTensor(data); // shares `data`
 */
export function asTensor(data: Tensor | TypedArray | NestedArray, options: { dtype?: DType } = {}): Tensor {
  if (data instanceof Tensor) return options.dtype === undefined || options.dtype === data.dtype ? data : toDtype(data, options.dtype);
  if (ArrayBuffer.isView(data)) {
    const own = data instanceof Float32Array ? "float32" : data instanceof Float64Array ? "float64" : data instanceof Int32Array ? "int32" : null;
    if (own !== null && (options.dtype ?? own) === own) return fromTypedArray(data, [data.length]);
  }
  return tensor(data, options);
}

/**
 * An uninitialized tensor of `size` with the given `stride`s, as
 * `torch.empty_strided`: the storage is as long as the farthest element
 * needs, and overlapping strides are allowed.
 *
 * @example
 * torch.emptyStrided([2, 3], [1, 2]).stride(); // [1, 2]: column-major
 */
export function emptyStrided(size: readonly number[], stride: readonly number[], options: FactoryOptions = {}): Tensor {
  if (size.length !== stride.length) throw new Error(`dimensionality of sizes (${size.length}) must match dimensionality of strides (${stride.length})`);
  for (const s of size) if (!Number.isInteger(s) || s < 0) throw new Error(`Trying to create tensor with negative dimension ${s}: [${size.join(", ")}]`);
  for (const s of stride) if (!Number.isInteger(s) || s < 0) throw new Error(`emptyStrided: strides must be non-negative integers, got [${stride.join(", ")}]`);
  if (options.device !== undefined) requireCpu(options.device);
  const dtype = options.dtype ?? getDefaultDtype();
  const n = size.some((s) => s === 0) ? 0 : 1 + size.reduce((acc, s, i) => acc + (s - 1) * stride[i]!, 0);
  const t = new Tensor(new Storage(allocate(dtype, n)), [...size], [...stride], 0);
  if (isInferenceModeEnabled()) t._inference = true;
  if (options.requiresGrad) t.requiresGrad = true;
  return t;
}
