import type { DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";

/**
 * The few tensor operations the engine itself needs. ops/ sits above
 * autograd/ and provides them at load time, so imports keep pointing down.
 */
export interface GradMath {
  /** Sums a broadcast gradient back to `shape`. */
  sumToShape(g: Tensor, shape: readonly number[]): Tensor;
  add(a: Tensor, b: Tensor): Tensor;
  cast(t: Tensor, dtype: DType): Tensor;
  onesLike(t: Tensor): Tensor;
  zerosLike(t: Tensor): Tensor;
  /** A contiguous copy owned by nobody else (for a first `.grad`). */
  clone(t: Tensor): Tensor;
  /** In-place `a += b` without recording; bumps the version, as an in-place op does. */
  addInPlace(a: Tensor, b: Tensor): void;
  detach(t: Tensor): Tensor;
}

let provided: GradMath | null = null;

export function provideGradMath(m: GradMath): void {
  provided = m;
}

export function gradMath(): GradMath {
  if (provided === null) throw new Error("torchlet: ops were not loaded (import from the package root)");
  return provided;
}
