/**
 * `F.localResponseNorm`: each element divided by a power of the mean square
 * over a window of neighbouring channels, as PyTorch's (zero-padded window
 * of `size` channels, `size / 2` of them before, the mean always over `size`).
 * The window sum is a few shifted slices added up: differentiable ops, so
 * gradients come free.
 */
import { add, div, mul, pow } from "../ops/elementwise.js";
import { pad } from "../ops/pad.js";
import { narrow } from "../ops/views.js";
import type { Tensor } from "../tensor/tensor.js";

export interface LocalResponseNormOptions {
  /** Scale of the mean square (default 1e-4). */
  alpha?: number;
  /** Exponent (default 0.75). */
  beta?: number;
  /** Added before the power (default 1). */
  k?: number;
}

/**
 * `x / (k + alpha · mean of x² over `size` neighbouring channels)^beta` for
 * `[N, C, *]` input (at least 3-d).
 *
 * @example
 * F.localResponseNorm(torch.randn([2, 8, 5, 5]), 3);
 */
export function localResponseNorm(input: Tensor, size: number, options: LocalResponseNormOptions = {}): Tensor {
  const { alpha = 1e-4, beta = 0.75, k = 1 } = options;
  // PyTorch 2.x's text (1.13's had a run of spaces in it)
  if (input.dim() < 3) throw new Error(`Expected 3D or higher dimensionality input (got ${input.dim()} dimensions)`);
  if (input.numel() === 0) return input;
  const channels = input.shape[1]!;
  // zero channels around dim 1 (no padding of the dims after it)
  const padding = [...new Array<number>(2 * (input.dim() - 2)).fill(0), Math.floor(size / 2), Math.floor((size - 1) / 2)];
  const squares = pad(mul(input, input), padding);
  let windowSum = narrow(squares, 1, 0, channels);
  for (let i = 1; i < size; i++) windowSum = add(windowSum, narrow(squares, 1, i, channels));
  return div(input, pow(add(mul(windowSum, alpha / size), k), beta));
}
