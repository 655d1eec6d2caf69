/**
 * PyTorch's storage classes (the `torch.FloatStorage` globals that name a
 * storage's dtype in a checkpoint's persistent ids), the element format
 * each holds (as src/io/dtypes.ts names formats) and the storage class that
 * torchlet writes for each of its dtypes.
 */
import type { DType } from "../tensor/dtype.js";

/** A storage class a checkpoint may name, and the format of its elements. */
export interface StorageType {
  /** The class name, e.g. "FloatStorage" (pickled as GLOBAL "torch FloatStorage"). */
  className: string;
  /** PyTorch's dtype name, e.g. "float32". */
  torchDtype: string;
  /** The element format in src/io/dtypes.ts terms, e.g. "F32"; undefined where torchlet cannot read it. */
  format: string | undefined;
  elementSize: number;
}

const TYPES: readonly StorageType[] = [
  { className: "DoubleStorage", torchDtype: "float64", format: "F64", elementSize: 8 },
  { className: "FloatStorage", torchDtype: "float32", format: "F32", elementSize: 4 },
  { className: "HalfStorage", torchDtype: "float16", format: "F16", elementSize: 2 },
  { className: "BFloat16Storage", torchDtype: "bfloat16", format: "BF16", elementSize: 2 },
  { className: "LongStorage", torchDtype: "int64", format: "I64", elementSize: 8 },
  { className: "IntStorage", torchDtype: "int32", format: "I32", elementSize: 4 },
  { className: "ShortStorage", torchDtype: "int16", format: "I16", elementSize: 2 },
  { className: "CharStorage", torchDtype: "int8", format: "I8", elementSize: 1 },
  { className: "ByteStorage", torchDtype: "uint8", format: "U8", elementSize: 1 },
  { className: "BoolStorage", torchDtype: "bool", format: "BOOL", elementSize: 1 },
  // An UntypedStorage in a persistent id holds bytes: PyTorch reads it as uint8.
  { className: "UntypedStorage", torchDtype: "uint8", format: "U8", elementSize: 1 },
  { className: "ComplexDoubleStorage", torchDtype: "complex128", format: undefined, elementSize: 16 },
  { className: "ComplexFloatStorage", torchDtype: "complex64", format: undefined, elementSize: 8 },
  { className: "QUInt8Storage", torchDtype: "quint8", format: undefined, elementSize: 1 },
  { className: "QInt8Storage", torchDtype: "qint8", format: undefined, elementSize: 1 },
  { className: "QInt32Storage", torchDtype: "qint32", format: undefined, elementSize: 4 },
  { className: "QUInt4x2Storage", torchDtype: "quint4x2", format: undefined, elementSize: 1 },
  { className: "QUInt2x4Storage", torchDtype: "quint2x4", format: undefined, elementSize: 1 },
];

const BY_CLASS = new Map(TYPES.map((t) => [t.className, t]));

/**
 * The storage type a GLOBAL names: "torch.FloatStorage" and, for the untyped
 * form, "torch.storage.UntypedStorage" / "torch.UntypedStorage".
 */
export function storageTypeOf(module: string, name: string): StorageType | undefined {
  if (module !== "torch" && module !== "torch.storage") return undefined;
  if (module === "torch.storage" && name !== "UntypedStorage") return undefined;
  return BY_CLASS.get(name);
}

const WRITE_AS: Record<DType, string> = { float64: "DoubleStorage", float32: "FloatStorage", int32: "IntStorage", bool: "BoolStorage" };

/** The storage class torchlet writes for a tensor of `dtype`. */
export function storageClassFor(dtype: DType): string {
  return WRITE_AS[dtype];
}
