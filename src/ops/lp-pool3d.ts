/**
 * `F.lpPool3d` (PyTorch 2.x): `(sum over each window of x^p)^(1/p)`, the sum
 * being an average pool times the window's volume, as PyTorch composes it.
 * Differentiable ops throughout (not finite where a window sums to 0, as in
 * PyTorch).
 */
import type { Tensor } from "../tensor/tensor.js";
import { type Triple, triple } from "./conv3d.js";
import { pow } from "./elementwise.js";
import { type LpPoolOptions, root } from "./lp-pool.js";
import { avgPool3d } from "./pool3d.js";

/**
 * `F.lpPool3d(input, normType, kernelSize, { stride, ceilMode })` over `[N, C, D, H, W]` or `[C, D, H, W]` input.
 *
 * @example
 * F.lpPool3d(torch.rand([1, 3, 4, 4, 4]), 2, 2).shape; // [1, 3, 2, 2, 2]
 */
export function lpPool3d(input: Tensor, normType: number, kernelSize: Triple, options: LpPoolOptions<Triple> = {}): Tensor {
  const [kd, kh, kw] = triple(kernelSize);
  const means = avgPool3d(pow(input, normType), kernelSize, { stride: options.stride ?? kernelSize, padding: 0, ceilMode: options.ceilMode ?? false });
  return root(means, kd * kh * kw, normType);
}
