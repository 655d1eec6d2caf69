/**
 * Activations that draw random numbers: `F.rrelu` (a random negative slope
 * per element in training; one node, ops/rrelu.ts) and `F.gumbelSoftmax` (a
 * softmax of logits plus Gumbel noise, composed of differentiable ops with
 * the noise as a constant).
 */
import { add, div, log, log1p, neg, sub } from "../ops/elementwise.js";
import { rand, zerosLike } from "../ops/factories.js";
import { scatter } from "../ops/indexing.js";
import { rreluWithNoise, rreluWithNoise_ } from "../ops/rrelu.js";
import type { Generator } from "../ops/random.js";
import { argmax } from "../ops/reduce.js";
import { softmax } from "../ops/softmax.js";
import type { Tensor } from "../tensor/tensor.js";

export interface RReLUOptions {
  /** Smallest slope (default 1/8). */
  lower?: number;
  /** Largest slope (default 1/3). */
  upper?: number;
  /** Random slopes when true; the fixed slope (lower + upper) / 2 otherwise (default false, as PyTorch's F.rrelu). */
  training?: boolean;
  inplace?: boolean;
  generator?: Generator;
}

/**
 * Randomized leaky ReLU: `x` where positive; elsewhere `a · x`, where in
 * training each element draws its own slope `a` uniformly from
 * `[lower, upper]`, and outside training `a = (lower + upper) / 2`.
 *
 * @example
 * F.rrelu(x, { training: true }); // negative entries scaled by slopes in [1/8, 1/3]
 */
export function rrelu(input: Tensor, options: RReLUOptions = {}): Tensor {
  const o = { lower: options.lower ?? 1 / 8, upper: options.upper ?? 1 / 3, training: options.training ?? false, generator: options.generator };
  return options.inplace ?? false ? rreluWithNoise_(input, o) : rreluWithNoise(input, o);
}

export interface GumbelSoftmaxOptions {
  /** Temperature (default 1): lower is closer to one-hot. */
  tau?: number;
  /** Return one-hot vectors whose gradient is the soft sample's (straight-through). */
  hard?: boolean;
  /** The dim of the categories (default -1). */
  dim?: number;
  generator?: Generator;
}

/**
 * A sample from the Gumbel-softmax distribution over `dim`:
 * `softmax((logits + g) / tau)` with `g = -log(E)`, `E ~ Exponential(1)`.
 * With `hard`, the one-hot of its argmax in the forward, and the soft
 * sample's gradient in the backward (`y_hard - y_soft.detach() + y_soft`).
 *
 * @example
 * const y = F.gumbelSoftmax(logits, { tau: 0.5, hard: true }); // one-hot rows
 */
export function gumbelSoftmax(logits: Tensor, options: GumbelSoftmaxOptions = {}): Tensor {
  const tau = options.tau ?? 1, dim = options.dim ?? -1;
  const u = rand(logits.shape, { dtype: logits.dtype, ...(options.generator !== undefined ? { generator: options.generator } : {}) });
  // E = -log(1 - U) with U in [0, 1) is never infinite; g = -log(E)
  const gumbels = neg(log(neg(log1p(neg(u)))));
  const soft = softmax(div(add(logits, gumbels), tau), dim);
  if (!(options.hard ?? false)) return soft;
  const hard = scatter(zerosLike(soft.detach()), dim, argmax(soft.detach(), dim, { keepdim: true }), 1);
  return add(sub(hard, soft.detach()), soft);
}
