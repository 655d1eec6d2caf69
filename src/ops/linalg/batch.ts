/**
 * Shared plumbing of torch.linalg: PyTorch's argument checks and moving a
 * batch of matrices `[..., m, n]` to and from float64 row-major arrays that
 * the factorizations work on in plain JS loops.
 */
import { type DType, scalarTypeName } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { castData } from "../core.js";
import { fromTypedArray } from "../factories.js";


/** PyTorch's name of a dtype in messages ("Float", "Double", "Int", "Bool"). */
export function typeName(dtype: DType): string {
  return scalarTypeName(dtype);
}

/** PyTorch's checkFloatingOrComplex. */
export function checkFloating(a: Tensor, op: string): void {
  if (a.dtype !== "float32" && a.dtype !== "float64") {
    throw new Error(`${op}: Expected a floating point or complex tensor as input. Got ${typeName(a.dtype)}`);
  }
}

/** PyTorch's checkIsMatrix. */
export function checkMatrix(a: Tensor, op: string, name = "A"): void {
  if (a.dim() < 2) throw new Error(`${op}: The input tensor ${name} must have at least 2 dimensions.`);
}

/** A floating batch of square matrices, as PyTorch's squareCheckInputs (after checkIsMatrix and the dtype check). */
export function checkSquare(a: Tensor, op: string, name = "A"): number {
  checkMatrix(a, op, name);
  checkFloating(a, op);
  const m = a.shape[a.dim() - 2]!, n = a.shape[a.dim() - 1]!;
  if (m !== n) throw new Error(`${op}: ${name} must be batches of square matrices, but they are ${m} by ${n} matrices`);
  return n;
}

/** The batch shape of `[..., m, n]`. */
export function batchShape(a: Tensor): number[] {
  return a.shape.slice(0, -2);
}

/** `a`'s elements as one float64 row-major array (a copy). */
export function float64Data(a: Tensor): Float64Array {
  return castData(a, "float64").data as Float64Array;
}

/** A new tensor of `shape` and `dtype` holding the float64 values `data`. */
export function fromFloat64(data: Float64Array, shape: readonly number[], dtype: DType): Tensor {
  return fromTypedArray(data, shape, { dtype });
}

/** PyTorch's prefix of a batched factorization error: "(Batch element i): " where the input is batched. */
export function batchPrefix(batched: boolean, index: number): string {
  return batched ? `(Batch element ${index}): ` : "";
}
