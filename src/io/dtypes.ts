/**
 * The safetensors dtype names and how each one maps onto torchlet's dtypes.
 * Reading widens what torchlet cannot hold (I64 -> int32 with a range check,
 * F16/BF16 -> float32); writing uses the four dtypes torchlet has.
 */
import type { DType, TypedArray } from "../tensor/dtype.js";

/** Every dtype the safetensors format defines, with its element size in bytes. */
const FORMAT_SIZES: Record<string, number> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, F8_E8M0: 1,
  I16: 2, U16: 2, F16: 2, BF16: 2,
  I32: 4, U32: 4, F32: 4,
  F64: 8, I64: 8, U64: 8,
};

/** The dtypes torchlet reads, and the dtype each becomes. */
const READ_AS: Record<string, DType> = {
  F64: "float64", F32: "float32", F16: "float32", BF16: "float32",
  I64: "int32", U64: "int32", I32: "int32", U32: "int32", I16: "int32", U16: "int32", I8: "int32", U8: "int32",
  BOOL: "bool",
};

const WRITE_AS: Record<DType, string> = { float64: "F64", float32: "F32", int32: "I32", bool: "BOOL" };

/**
 * safetensors orders tensors by dtype, largest alignment first (its Rust enum
 * order, descending), so that every tensor's data stays aligned.
 */
const WRITE_RANK: Record<DType, number> = { float64: 0, float32: 1, int32: 2, bool: 3 };

export function formatDtypeOf(dtype: DType): string {
  return WRITE_AS[dtype];
}

export function writeRank(dtype: DType): number {
  return WRITE_RANK[dtype];
}

/** Element size of a safetensors dtype; undefined for a name the format does not define. */
export function formatElementSize(name: string): number | undefined {
  return Object.hasOwn(FORMAT_SIZES, name) ? FORMAT_SIZES[name] : undefined;
}

export function readDtypeOf(name: string): DType | undefined {
  return Object.hasOwn(READ_AS, name) ? READ_AS[name] : undefined;
}

export const READABLE_DTYPES: readonly string[] = Object.keys(READ_AS);

/** True on little-endian hosts (all of Node's usual ones); the format is little-endian. */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverses the bytes of each `size`-byte element in place (only used on big-endian hosts). */
export function swapBytes(bytes: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let i = 0; i + size <= bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}

let halfTable: Float32Array | null = null;

/** IEEE half -> float32, through a 64K-entry table built on first use. */
function halfToFloat32(bits: Uint16Array): Float32Array {
  if (halfTable === null) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) {
      const sign = h & 0x8000 ? -1 : 1;
      const exp = (h >> 10) & 0x1f;
      const frac = h & 0x3ff;
      halfTable[h] = exp === 0 ? sign * frac * 2 ** -24 : exp === 31 ? (frac ? NaN : sign * Infinity) : sign * (1 + frac / 1024) * 2 ** (exp - 15);
    }
  }
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = halfTable[bits[i]!]!;
  return out;
}

/** bfloat16 is the top half of a float32: shift the bits up. */
function bfloat16ToFloat32(bits: Uint16Array): Float32Array {
  const out = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = bits[i]! << 16;
  return new Float32Array(out.buffer);
}

/**
 * 64-bit integers, as (low, high) int32 pairs, narrowed to int32. A value
 * that does not fit throws, naming the tensor, the index and the value.
 */
function int64ToInt32(words: Int32Array, signed: boolean, name: string, format: string): Int32Array {
  const out = new Int32Array(words.length / 2);
  for (let i = 0; i < out.length; i++) {
    const lo = words[2 * i]!;
    const hi = words[2 * i + 1]!;
    // Fits iff the high word is the sign extension of the low one (and, unsigned, the value is not negative).
    if (hi !== lo >> 31 || (!signed && hi !== 0)) {
      const big = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
      const value = signed ? BigInt.asIntN(64, big) : big;
      throw new Error(`tensor "${name}": ${format} value ${value} at index ${i} does not fit in int32 (torchlet's integer dtype)`);
    }
    out[i] = lo;
  }
  return out;
}

function uint32ToInt32(words: Uint32Array, name: string): Int32Array {
  for (let i = 0; i < words.length; i++) {
    if (words[i]! > 0x7fffffff) throw new Error(`tensor "${name}": U32 value ${words[i]} at index ${i} does not fit in int32 (torchlet's integer dtype)`);
  }
  return new Int32Array(words.buffer, words.byteOffset, words.length);
}

/**
 * Converts the little-endian bytes of one tensor (a private, aligned copy the
 * caller owns) into the typed array of the dtype it is read as.
 */
export function decodeElements(format: string, bytes: Uint8Array, name: string): TypedArray {
  const size = FORMAT_SIZES[format]!;
  if (!HOST_IS_LITTLE_ENDIAN) swapBytes(bytes, size);
  const n = bytes.byteLength / size;
  const buf = bytes.buffer;
  const at = bytes.byteOffset;
  switch (format) {
    case "F64": return new Float64Array(buf, at, n);
    case "F32": return new Float32Array(buf, at, n);
    case "I32": return new Int32Array(buf, at, n);
    case "F16": return halfToFloat32(new Uint16Array(buf, at, n));
    case "BF16": return bfloat16ToFloat32(new Uint16Array(buf, at, n));
    case "I64":
    case "U64":
      return HOST_IS_LITTLE_ENDIAN ? int64ToInt32(new Int32Array(buf, at, 2 * n), format === "I64", name, format) : nativeInt64ToInt32(bytes, format, name);
    case "U32": return uint32ToInt32(new Uint32Array(buf, at, n), name);
    case "I16": return Int32Array.from(new Int16Array(buf, at, n));
    case "U16": return Int32Array.from(new Uint16Array(buf, at, n));
    case "I8": return Int32Array.from(new Int8Array(buf, at, n));
    case "U8": return Int32Array.from(bytes);
    case "BOOL": {
      for (let i = 0; i < n; i++) if (bytes[i] !== 0) bytes[i] = 1;
      return bytes;
    }
    default: throw new Error(`tensor "${name}": dtype ${format} is not supported`);
  }
}

/** Big-endian hosts: after swapping, each element is a native 64-bit integer. */
function nativeInt64ToInt32(bytes: Uint8Array, format: string, name: string): Int32Array {
  const n = bytes.byteLength / 8;
  const words = format === "I64" ? new BigInt64Array(bytes.buffer, bytes.byteOffset, n) : new BigUint64Array(bytes.buffer, bytes.byteOffset, n);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = words[i]!;
    if (v > 0x7fffffffn || v < -0x80000000n) throw new Error(`tensor "${name}": ${format} value ${v} at index ${i} does not fit in int32 (torchlet's integer dtype)`);
    out[i] = Number(v);
  }
  return out;
}
