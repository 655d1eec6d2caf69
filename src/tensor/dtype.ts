import { type AllocatorCounts, isTrackedSize, setAllocatorCounts } from "./memory.js";

/** The element types torchlet supports, named as in PyTorch. */
export type DType = "float32" | "float64" | "int32" | "bool";

/** The typed array that holds each dtype's elements. `bool` is stored as bytes 0/1. */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export const DTYPES: readonly DType[] = ["float32", "float64", "int32", "bool"];

/** Whether `v` names one of torchlet's dtypes (a device string, "float16" or anything else does not). */
export function isDType(v: unknown): v is DType {
  return typeof v === "string" && (DTYPES as readonly string[]).includes(v);
}

export function isFloating(dtype: DType): boolean {
  return dtype === "float32" || dtype === "float64";
}

export function bytesPerElement(dtype: DType): number {
  return dtype === "float64" ? 8 : dtype === "bool" ? 1 : 4;
}

/**
 * Where large storages come from: `(byteLength, zeroFill) => ArrayBuffer`.
 * The native backend installs its caching allocator here when it loads (so
 * tensor/ needs no import of backend/); without one, storages are plain
 * typed arrays.
 */
export type LargeAllocator = (byteLength: number, zeroFill: boolean, tracked: boolean) => ArrayBuffer;

/** The pooled allocator together with its count of the buffers it was asked to track. */
export interface CountingAllocator {
  allocate: LargeAllocator;
  counts: AllocatorCounts;
}

/** Storages of at least this many bytes go to the pooled allocator (fresh pages fault slowly; measured: digits training ~15% faster at 4 KiB than at 64 KiB). */
export const LARGE_ALLOCATION_BYTES = 4 * 1024;

let largeAllocator: LargeAllocator | null = null;

/**
 * Installs (or with null removes) the allocator for large storages. It also
 * takes every storage `memory()` counts and counts them itself, exactly and
 * without a FinalizationRegistry (which keeps what it watches alive until a
 * full garbage collection).
 *
 * @example
 * setLargeAllocator({ allocate: (bytes) => new ArrayBuffer(bytes), counts: () => [0, 0, 0] }); // counts nothing
 */
export function setLargeAllocator(allocator: CountingAllocator | null): void {
  largeAllocator = allocator?.allocate ?? null;
  setAllocatorCounts(allocator?.counts ?? null);
}

/** Whether allocate() gets arrays of this size from the allocator that counts them (so Storage must not count them again). */
export function countedByAllocator(byteLength: number): boolean {
  return largeAllocator !== null && byteLength > 0 && isTrackedSize(byteLength);
}

/**
 * A new array of `n` elements, zero-filled unless `uninitialized` is true;
 * pass true only when the caller writes every element before anyone reads
 * one (the contents are then whatever a freed storage held).
 */
export function allocate(dtype: DType, n: number, uninitialized = false): TypedArray {
  const bytes = n * bytesPerElement(dtype);
  const counted = countedByAllocator(bytes);
  if (largeAllocator !== null && (counted || bytes >= LARGE_ALLOCATION_BYTES)) {
    const buffer = largeAllocator(bytes, !uninitialized, counted);
    switch (dtype) {
      case "float32":
        return new Float32Array(buffer);
      case "float64":
        return new Float64Array(buffer);
      case "int32":
        return new Int32Array(buffer);
      case "bool":
        return new Uint8Array(buffer);
    }
  }
  switch (dtype) {
    case "float32":
      return new Float32Array(n);
    case "float64":
      return new Float64Array(n);
    case "int32":
      return new Int32Array(n);
    case "bool":
      return new Uint8Array(n);
    default:
      throw unsupportedDType(dtype);
  }
}

/** The error for a dtype name torchlet does not have (a JS caller can pass any string). */
export function unsupportedDType(dtype: unknown): Error {
  const hint = dtype === "int64" || dtype === "long" ? " (torchlet's integer dtype is int32, where PyTorch uses int64)" : "";
  return new TypeError(`unsupported dtype ${JSON.stringify(dtype)}: torchlet's dtypes are float32, float64, int32 and bool${hint}`);
}

export function dtypeOfArray(data: TypedArray): DType {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Float64Array) return "float64";
  if (data instanceof Int32Array) return "int32";
  if (data instanceof Uint8Array) return "bool";
  // anything else would be stored as it is and read as bool bytes
  const kind = (data as { constructor?: { name?: string } }).constructor?.name ?? typeof data;
  throw new Error(`unsupported typed array ${kind}: tensor storage is a Float32Array, Float64Array, Int32Array or Uint8Array (bool)`);
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/**
 * PyTorch's type promotion between two tensors of the same category rank:
 * bool < int32 < float32 < float64.
 */
export function promoteTypes(a: DType, b: DType): DType {
  // the common case first, without the table: a keyed load that has seen every dtype goes megamorphic
  if (a === b) return a;
  return RANK[a] >= RANK[b] ? a : b;
}

/** The float dtype of factories and of integer-to-float promotion; `torch.setDefaultDtype` changes it. */
let defaultFloat: "float32" | "float64" = "float32";

/** The default float dtype (float32 unless `setDefaultDtype` changed it). */
export function defaultFloatDtype(): "float32" | "float64" {
  return defaultFloat;
}

/** Sets the default float dtype; the public setDefaultDtype checks its argument first. */
export function setDefaultFloatDtype(dtype: "float32" | "float64"): void {
  defaultFloat = dtype;
}

/**
 * Promotion with a JS number operand. As in PyTorch, a scalar only changes
 * the category: an integer tensor with a fractional scalar becomes the default
 * float dtype (float32 unless changed); a float tensor keeps its own precision.
 */
export function promoteWithScalar(a: DType, scalar: number | boolean): DType {
  if (typeof scalar === "boolean") return a;
  if (isFloating(a)) return a;
  if (!Number.isInteger(scalar)) return defaultFloat;
  return a === "bool" ? "int32" : a;
}

/** The float dtype that an op which needs floats (exp, mean, ...) computes in: integers and bools take the default float dtype. */
export function toFloating(dtype: DType): DType {
  return isFloating(dtype) ? dtype : defaultFloat;
}

const SCALAR_TYPE_NAMES: Record<DType, string> = { float32: "Float", float64: "Double", int32: "Int", bool: "Bool" };

/** PyTorch's scalar type name for a dtype, as its error messages spell it ("Float", "Double", "Int", "Bool"). */
export function scalarTypeName(dtype: DType): string {
  return SCALAR_TYPE_NAMES[dtype];
}

const CPP_TYPE_NAMES: Record<DType, string> = { float32: "float", float64: "double", int32: "int", bool: "bool" };

/**
 * A dtype as its C++ type, the way PyTorch's messages print a TypeMeta or
 * TensorOptions ("float", "double", "int", "bool"), where a ScalarType
 * prints as scalarTypeName's "Float".
 */
export function cppTypeName(dtype: DType): string {
  return CPP_TYPE_NAMES[dtype];
}
