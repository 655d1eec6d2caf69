/**
 * max_pool3d on a backend with a max_pool3d kernel (the native one): the
 * kernel finds each window's maximum and its position as pool3d.ts's
 * composition does (PyTorch's scan order); the gradient is max_pool2d's
 * backward over each volume seen as one plane of D·H·W elements, so its own
 * gradient (a gather at the indices) comes from there too.
 */
import type { Conv3dGeometry } from "../backend/backend.js";
import type { Tensor } from "../tensor/tensor.js";
import { emptyUninitialized, kernels, needsGrad, record } from "./core.js";
import { maxPool2dBackward } from "./pool.js";
import { reshape } from "./views.js";

/**
 * [values, indices] (indices null when neither asked for nor needed) of x
 * [N, C, D, H, W] pooled to `out` sizes, or null where the backend has no
 * kernel for it. No window may lie wholly in the padding.
 */
export function maxPool3dByKernel(x: Tensor, g: Conv3dGeometry, out: readonly [number, number, number], returnIndices: boolean): [Tensor, Tensor | null] | null {
  const k = kernels();
  if (k.maxPool3d === undefined || (x.dtype !== "float32" && x.dtype !== "float64")) return null;
  const [N, C, D, H, W] = x.shape as [number, number, number, number, number];
  const values = emptyUninitialized([N, C, ...out], x.dtype);
  const grad = needsGrad(x);
  const indices = grad || returnIndices ? emptyUninitialized(values.shape, "int32") : null;
  if (!k.maxPool3d(values, x, g, indices)) return null;
  if (grad) {
    const L = out[0] * out[1] * out[2], inputShape = x.shape;
    record("MaxPool3DWithIndicesBackward0", [x], values, ([gr], [ix]) => [
      reshape(maxPool2dBackward(reshape(gr!, [N, C, 1, L]), reshape(ix!, [N, C, 1, L]), [N, C, 1, D * H * W]), inputShape),
    ], [indices!]);
  }
  return [values, indices];
}
