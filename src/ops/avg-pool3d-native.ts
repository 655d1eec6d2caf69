/**
 * avg_pool3d on a backend with an avg_pool3d kernel (the native one): one
 * op, PyTorch's AvgPool3DBackward0, whose window sums (in double, divided
 * by each window's divisor) agree with pool3d.ts's composition to rounding.
 * Its gradient is the adjoint kernel (each window's gradient over its
 * divisor, added into the window's input elements), and the adjoint's
 * gradient is the pool again, so gradients of every order follow.
 */
import type { Conv3dGeometry } from "../backend/backend.js";
import type { Tensor } from "../tensor/tensor.js";
import { emptyUninitialized, kernels, needsGrad, record } from "./core.js";

function forward(x: Tensor, g: Conv3dGeometry, out: readonly [number, number, number], divisors: Tensor): Tensor | null {
  const y = emptyUninitialized([x.shape[0]!, x.shape[1]!, ...out], x.dtype);
  if (kernels().avgPool3d?.(y, x, g, divisors) !== true) return null;
  if (needsGrad(x)) {
    const inputShape = x.shape;
    record("AvgPool3DBackward0", [x], y, ([gr]) => [adjoint(gr!, inputShape, g, out, divisors)]);
  }
  return y;
}

function adjoint(gr: Tensor, inputShape: readonly number[], g: Conv3dGeometry, out: readonly [number, number, number], divisors: Tensor): Tensor {
  const gx = emptyUninitialized(inputShape, gr.dtype);
  // (the backend that ran the forward has the adjoint)
  if (kernels().avgPool3dBackward?.(gx, gr, g, divisors) !== true) throw new Error("avg_pool3d: the backend lost its avgPool3dBackward kernel between forward and backward");
  if (needsGrad(gr)) record("AvgPool3DBackwardBackward0", [gr], gx, ([gg]) => [forward(gg!, g, out, divisors)!]);
  return gx;
}

/**
 * x [N, C, D, H, W] (float32 or float64) average-pooled to `out` sizes with
 * one float64 divisor per output position (a tensor of oD·oH·oW), or null
 * where the backend has no avg_pool3d kernel (pool3d.ts's composition then).
 */
export function avgPool3dByKernel(x: Tensor, g: Conv3dGeometry, out: readonly [number, number, number], divisors: Float64Array): Tensor | null {
  const k = kernels();
  if (k.avgPool3d === undefined || k.avgPool3dBackward === undefined || (x.dtype !== "float32" && x.dtype !== "float64")) return null;
  const d = emptyUninitialized([divisors.length], "float64");
  (d.data as Float64Array).set(divisors);
  return forward(x, g, out, d);
}
