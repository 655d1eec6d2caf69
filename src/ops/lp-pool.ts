/**
 * Power-average pooling (`F.lpPool1d`, `F.lpPool2d`), as PyTorch composes it:
 * `(sum over each window of x^p)^(1/p)`, the sum being an average pool times
 * the window size. Differentiable ops throughout, so gradients come free
 * (not finite where a window sums to 0, as in PyTorch).
 */
import type { Tensor } from "../tensor/tensor.js";
import { abs, mul, pow, relu, sign } from "./elementwise.js";
import { type Pair, pair } from "./conv.js";
import { avgPool1d, avgPool2d } from "./pool.js";

export interface LpPoolOptions<S> {
  /** Defaults to the kernel size. */
  stride?: S | null;
  ceilMode?: boolean;
}

/** `sum^(1/p)` from the windows' means, as PyTorch writes it: `(sign(m) · relu(|m|) · size)^(1/p)`. */
export function root(means: Tensor, windowSize: number, p: number): Tensor {
  return pow(mul(mul(sign(means), relu(abs(means))), windowSize), 1 / p);
}

/**
 * `F.lpPool2d(input, normType, kernelSize, { stride, ceilMode })` over `[N, C, H, W]` or `[C, H, W]` input.
 *
 * @example
 * F.lpPool2d(torch.rand([1, 3, 8, 8]), 2, 2).shape; // [1, 3, 4, 4]
 */
export function lpPool2d(input: Tensor, normType: number, kernelSize: Pair, options: LpPoolOptions<Pair> = {}): Tensor {
  const [kh, kw] = pair(kernelSize);
  const means = avgPool2d(pow(input, normType), kernelSize, { stride: options.stride ?? kernelSize, padding: 0, ceilMode: options.ceilMode ?? false });
  return root(means, kh * kw, normType);
}

/**
 * `F.lpPool1d(input, normType, kernelSize, { stride, ceilMode })` over the last dim of `[N, C, L]` or `[C, L]` input.
 *
 * @example
 * F.lpPool1d(torch.rand([2, 4, 10]), 2, 3).shape; // [2, 4, 3]
 */
export function lpPool1d(input: Tensor, normType: number, kernelSize: number, options: LpPoolOptions<number> = {}): Tensor {
  const means = avgPool1d(pow(input, normType), kernelSize, { stride: options.stride ?? kernelSize, padding: 0, ceilMode: options.ceilMode ?? false });
  return root(means, kernelSize, normType);
}
