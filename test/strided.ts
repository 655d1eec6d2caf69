import type { Strided } from "../src/backend/backend.js";
import type { TypedArray } from "../src/tensor/dtype.js";
import { contiguousStrides } from "../src/tensor/layout.js";

/** A Strided over `data` (contiguous unless strides are given), for calling kernels directly. */
export function S(data: TypedArray, shape: readonly number[], strides?: readonly number[], offset = 0): Strided {
  return { data, shape, strides: strides ?? contiguousStrides(shape), offset };
}
