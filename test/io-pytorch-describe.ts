/**
 * The structural description of a loaded checkpoint that
 * scripts/gen_pytorch_checkpoint_fixtures.py and scripts/check_pytorch_reads.py
 * write from Python's side, and the same description of what torchlet loaded,
 * so that tests compare the two with one deepEqual.
 *
 * Python's description is first mapped onto what torchlet can hold: int and
 * float both become {"number"} (a bigint past 2^53), PyTorch's dtypes become
 * the dtype torchlet reads them as, "ordered" (OrderedDict or dict) is dropped,
 * and float32 values are rounded to float32 (the script prints 9 digits).
 */
import { Tensor, type DType } from "../src/index.js";
import { Parameter } from "../src/nn/parameter.js";
import type { Storage } from "../src/tensor/storage.js";

type Encoded = number | "nan" | "inf" | "-inf";

export interface TensorDescription {
  dtype: string;
  shape: number[];
  stride: number[];
  offset: number;
  storage: number;
  storage_numel: number;
  requires_grad: boolean;
  parameter: boolean;
  values: Encoded[];
}

export type Description =
  | null
  | boolean
  | string
  | { int: string }
  | { float: Encoded }
  | { number: number }
  | { bigint: string }
  | { list: Description[] }
  | { tuple: Description[] }
  | { dict: [string | number, Description][]; ordered?: boolean }
  | { tensor: TensorDescription };

const READ_AS: Record<string, DType> = {
  float64: "float64", float32: "float32", float16: "float32", bfloat16: "float32",
  int64: "int32", int32: "int32", int16: "int32", int8: "int32", uint8: "int32", bool: "bool",
};

const decode = (v: Encoded): number => (typeof v === "number" ? v : Number(v.replace("inf", "Infinity")));

/** Python's description, as torchlet is meant to load it. */
export function expectedFromPython(d: Description): Description {
  if (d === null || typeof d !== "object") return d;
  if ("int" in d) {
    const big = BigInt(d.int);
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? { number: Number(big) } : { bigint: d.int };
  }
  if ("float" in d) return { number: decode(d.float) };
  if ("list" in d) return { list: d.list.map(expectedFromPython) };
  if ("tuple" in d) return { tuple: d.tuple.map(expectedFromPython) };
  if ("dict" in d) return { dict: d.dict.map(([k, v]) => [String(k), expectedFromPython(v)]) };
  if ("tensor" in d) {
    const t = d.tensor;
    const dtype = READ_AS[t.dtype];
    if (dtype === undefined) throw new Error(`no torchlet dtype for ${t.dtype}`);
    const values = t.values.map((v) => (dtype === "float32" ? Math.fround(decode(v)) : decode(v)));
    return { tensor: { ...t, dtype, values } };
  }
  return d;
}

/** What torchlet loaded, described as {@link expectedFromPython} describes Python's side. */
export function describeLoaded(v: unknown, storages = new Map<Storage, number>()): Description {
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "number") return { number: v };
  if (typeof v === "bigint") return { bigint: String(v) };
  if (v instanceof Tensor) {
    if (!storages.has(v.storage)) storages.set(v.storage, storages.size);
    const values = Array.from(v.toArray() as ArrayLike<number>, Number);
    return {
      tensor: {
        dtype: v.dtype, shape: [...v.shape], stride: [...v.strides], offset: v.offset, storage: storages.get(v.storage)!,
        storage_numel: v.storage.data.length, requires_grad: v.requiresGrad, parameter: v instanceof Parameter, values,
      },
    };
  }
  if (Array.isArray(v)) {
    const items = v.map((x) => describeLoaded(x, storages));
    return Object.isFrozen(v) ? { tuple: items } : { list: items };
  }
  if (typeof v === "object") return { dict: Object.entries(v).map(([k, x]) => [k, describeLoaded(x, storages)]) };
  throw new Error(`cannot describe ${typeof v}`);
}

/** The description Python writes for a saved value (what check_pytorch_reads.py compares against). */
export function describeForPython(v: unknown, storages = new Map<Storage, number>()): Description {
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "number") return Number.isSafeInteger(v) && !Object.is(v, -0) ? { int: String(v) } : { float: Number.isNaN(v) ? "nan" : v === Infinity ? "inf" : v === -Infinity ? "-inf" : v };
  if (typeof v === "bigint") return { int: String(v) };
  if (v instanceof Tensor) {
    const d = describeLoaded(v, storages) as { tensor: TensorDescription };
    const values = d.tensor.values.map((x): Encoded => (typeof x !== "number" ? x : Number.isNaN(x) ? "nan" : x === Infinity ? "inf" : x === -Infinity ? "-inf" : x));
    return { tensor: { ...d.tensor, values } };
  }
  if (Array.isArray(v)) {
    const items = v.map((x) => describeForPython(x, storages));
    return Object.isFrozen(v) ? { tuple: items } : { list: items };
  }
  if (v instanceof Map) return { dict: [...(v as Map<string, unknown>).entries()].map(([k, x]) => [k, describeForPython(x, storages)]) };
  if (typeof v === "object") return { dict: Object.entries(v).map(([k, x]) => [k, describeForPython(x, storages)]) };
  throw new Error(`cannot describe ${typeof v}`);
}
