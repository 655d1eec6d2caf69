/**
 * Elementwise functions computed by a JS function per element, for the ops
 * whose math has no backend kernel (exp2, sinc, i0, copysign, the bitwise
 * ops, ...). Inputs are read as dense arrays in a compute dtype (float64
 * for float math, so float32 results are one rounding off the exact value),
 * broadcast as PyTorch does; no autograd here.
 */
import type { DType, TypedArray } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { broadcastShapes, broadcastView, emptyUninitialized, kernels } from "./core.js";

/** `t`'s values broadcast to `shape`, as a dense row-major array of `dtype`. */
export function denseValues(t: Tensor, shape: readonly number[], dtype: DType): TypedArray {
  const out = emptyUninitialized(shape, dtype);
  kernels().copy(out, broadcastView(t, shape));
  return out.data;
}

/** A new tensor of `a`'s shape and dtype `outDtype` holding `f` of each element (read as float64). */
export function mapUnary(a: Tensor, outDtype: DType, f: (x: number) => number): Tensor {
  const x = denseValues(a, a.shape, "float64");
  const out = emptyUninitialized(a.shape, outDtype);
  const o = out.data;
  for (let i = 0; i < o.length; i++) o[i] = f(x[i]!);
  return out;
}

/**
 * `f` of each pair of broadcast elements, read in `readAs` (float64 for float
 * math, int32 for bit operations), written as `outDtype`; `op` names the op in
 * broadcasting errors.
 */
export function mapBinary(a: Tensor, b: Tensor, readAs: DType, outDtype: DType, op: string, f: (x: number, y: number) => number): Tensor {
  const shape = broadcastShapes(a.shape, b.shape, op);
  const x = denseValues(a, shape, readAs), y = denseValues(b, shape, readAs);
  const out = emptyUninitialized(shape, outDtype);
  const o = out.data;
  for (let i = 0; i < o.length; i++) o[i] = f(x[i]!, y[i]!);
  return out;
}
