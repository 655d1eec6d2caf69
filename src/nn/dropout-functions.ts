/**
 * Channel-wise dropout (`F.dropout1d`, `F.dropout2d`) and alpha dropout
 * (`F.alphaDropout`), as PyTorch's `_dropout_impl`: the identity outside
 * training, for p = 0 and for empty input; zeros for p = 1 (`input * 0`, so
 * NaN stays NaN); otherwise a Bernoulli(1 - p) keep mask (one draw per
 * channel for the feature variants, broadcast over the spatial dims).
 * With `inplace` the result is written over the input, which is returned.
 */
import { add, lt, mul, sub } from "../ops/elementwise.js";
import { rand } from "../ops/factories.js";
import type { Tensor } from "../tensor/tensor.js";
import type { DropoutOptions } from "./functional.js";

export interface DropoutVariantOptions extends DropoutOptions {
  /** Write the result over the input and return it. */
  inplace?: boolean;
}

/** PyTorch's check of the drop probability. */
function checkP(p: number): void {
  if (!(p >= 0 && p <= 1)) throw new Error(`dropout probability has to be between 0 and 1, but got ${p}`);
}

/** 1 where kept (probability 1 - p), 0 where dropped, in `dtype`, of `shape`. */
function keepMask(shape: readonly number[], p: number, options: DropoutOptions, dtype: Tensor["dtype"]): Tensor {
  return lt(rand(shape, options.generator !== undefined ? { generator: options.generator } : {}), 1 - p).to(dtype);
}

/** `input * m`, in place when asked. */
const times = (input: Tensor, m: Tensor | number, inplace: boolean) => (inplace ? input.mul_(m) : mul(input, m));

/** Whole channels dropped: the mask has `input`'s first two sizes and 1 for the rest. */
function featureDropout(input: Tensor, p: number, options: DropoutVariantOptions): Tensor {
  const inplace = options.inplace ?? false;
  if (!(options.training ?? true) || p === 0 || input.numel() === 0) return input;
  if (p === 1) return times(input, 0, inplace);
  const shape = input.shape.map((s, i) => (i < 2 ? s : 1));
  return times(input, mul(keepMask(shape, p, options, input.dtype), 1 / (1 - p)), inplace);
}

/**
 * `F.dropout1d(input, p = 0.5, { training = true, inplace, generator })`:
 * zeroes whole channels of `[N, C, L]` (or unbatched `[C, L]`) input, each
 * with probability `p`, and scales the others by `1 / (1 - p)`.
 *
 * @example
 * const y = F.dropout1d(torch.randn([8, 16, 100]), 0.2, { training: true }); // some y[n, c, :] all zero
 */
export function dropout1d(input: Tensor, p = 0.5, options: DropoutVariantOptions = {}): Tensor {
  checkP(p);
  const d = input.dim();
  if (d !== 2 && d !== 3) {
    throw new Error(`dropout1d: Expected 2D or 3D input, but received a ${d}D input. Note that dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).`);
  }
  if (d === 3) return featureDropout(input, p, options);
  // unbatched: the channels are dim 0, as PyTorch's unsqueeze(0)
  if (!(options.training ?? true) || p === 0 || input.numel() === 0) return input;
  const r = featureDropout(input.unsqueeze(0), p, options).squeeze(0);
  return options.inplace ?? false ? input : r;
}

/**
 * `F.dropout2d(input, p = 0.5, { training = true, inplace, generator })`:
 * zeroes whole channels `input[n, c]` of `[N, C, H, W]` input, each with
 * probability `p`, and scales the others by `1 / (1 - p)`. As in PyTorch 2.x,
 * 3-d input is taken as `[N, C, L]` (channel-wise 1-d dropout, PyTorch warns
 * about it), and any other input of at least 2 dims has its channels in dim 1.
 *
 * @example
 * const y = F.dropout2d(torch.randn([4, 8, 5, 5]), 0.5); // some y[n, c] all zero, the rest doubled
 */
export function dropout2d(input: Tensor, p = 0.5, options: DropoutVariantOptions = {}): Tensor {
  checkP(p);
  if (input.dim() < 2) throw new Error("Feature dropout requires at least 2 dimensions in the input");
  return featureDropout(input, p, options);
}

/** SELU's `scale * alpha`: the value SELU saturates at is its negative. */
const SELU_ALPHA_SCALE = 1.7580993408473766;

/**
 * `F.alphaDropout(input, p = 0.5, { training = true, inplace, generator })`:
 * dropout for SELU networks. Dropped elements are set to SELU's saturation
 * value -1.7581 (not 0), and an affine map `a x + b` then keeps a standard
 * normal input's mean 0 and variance 1: `a = 1 / sqrt((1.7581^2 p + 1)(1 - p))`,
 * `b = 1.7581 a p`, as PyTorch's.
 *
 * @example
 * const y = F.alphaDropout(torch.randn([1000]), 0.2); // mean ~0, std ~1
 */
export function alphaDropout(input: Tensor, p = 0.5, options: DropoutVariantOptions = {}): Tensor {
  checkP(p);
  const inplace = options.inplace ?? false;
  if (!(options.training ?? true) || p === 0 || input.numel() === 0) return input;
  if (p === 1) return times(input, 0, inplace);
  return alphaApply(input, keepMask(input.shape, p, options, input.dtype), p, inplace);
}

/** Alpha dropout's affine map with the keep mask `keep` (of the input's shape, or broadcast over it). */
function alphaApply(input: Tensor, keep: Tensor, p: number, inplace: boolean): Tensor {
  const a = 1 / Math.sqrt((SELU_ALPHA_SCALE * SELU_ALPHA_SCALE * p + 1) * (1 - p));
  // PyTorch's: input * keep * a + ((keep - 1) * alpha * a + alpha * a * p)
  const b = add(mul(sub(keep, 1), SELU_ALPHA_SCALE * a), SELU_ALPHA_SCALE * a * p);
  return inplace ? input.mul_(mul(keep, a)).add_(b) : add(mul(input, mul(keep, a)), b);
}

/**
 * `F.featureAlphaDropout(input, p = 0.5, { training = false, inplace, generator })`:
 * alpha dropout of whole channels (`input[n, c]` of `[N, C, *]` input), each
 * dropped with probability `p` to SELU's saturation value and the result
 * mapped as `alphaDropout`'s. The identity outside training, which is the
 * default here as in PyTorch's `F.feature_alpha_dropout`.
 *
 * @example
 * const y = F.featureAlphaDropout(torch.randn([4, 8, 5, 5]), 0.2, { training: true });
 */
export function featureAlphaDropout(input: Tensor, p = 0.5, options: DropoutVariantOptions = {}): Tensor {
  checkP(p);
  const inplace = options.inplace ?? false;
  if (!(options.training ?? false) || p === 0 || input.numel() === 0) return input;
  if (p === 1) return times(input, 0, inplace);
  if (input.dim() < 2) throw new Error("Feature dropout requires at least 2 dimensions in the input");
  const shape = input.shape.map((s, i) => (i < 2 ? s : 1));
  return alphaApply(input, keepMask(shape, p, options, input.dtype), p, inplace);
}
