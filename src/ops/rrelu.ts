/**
 * Randomized leaky ReLU as PyTorch's rrelu_with_noise: one node,
 * RreluWithNoiseBackward0 (out of place: saves the input and the noise) or
 * RreluWithNoiseBackward1 (in place: saves the result and the noise). In
 * training the noise holds each element's slope (drawn in [lower, upper]
 * where x <= 0, 1 elsewhere) and the gradient is `grad * noise`; otherwise the
 * slope is (lower + upper) / 2 and the gradient leaky_relu's. The backward is
 * written in tensor ops, so it is differentiable again.
 */
import { runInMode, withGrad } from "../autograd/grad-mode.js";
import type { Tensor } from "../tensor/tensor.js";
import { needsGrad, record } from "./core.js";
import { add, gt, le, mul, where } from "./elementwise.js";
import { rand } from "./factories.js";
import { inplace } from "./inplace.js";
import type { Generator } from "./random.js";

/** What rrelu needs besides the input. */
export interface RreluWithNoiseOptions {
  lower: number;
  upper: number;
  training: boolean;
  generator?: Generator | undefined;
}

const untracked = <T>(f: () => T): T => runInMode(withGrad(false), f);

/** The noise of a training step: a slope in [lower, upper] where x <= 0, 1 elsewhere. */
function drawNoise(x: Tensor, o: RreluWithNoiseOptions): Tensor {
  const u = rand(x.shape, { dtype: x.dtype, ...(o.generator !== undefined ? { generator: o.generator } : {}) });
  return untracked(() => where(le(x, 0), add(mul(u, o.upper - o.lower), o.lower), 1));
}

/** The forward values (no graph) and the node's backward: the gradient from the saved [self or result, noise]. */
function forward(x: Tensor, o: RreluWithNoiseOptions): { out: Tensor; noise: Tensor | null } {
  if (o.training) {
    const noise = drawNoise(x, o);
    return { out: untracked(() => mul(x, noise)), noise };
  }
  const slope = (o.lower + o.upper) / 2;
  return { out: untracked(() => where(gt(x, 0), x, mul(x, slope))), noise: null };
}

/** PyTorch's rrelu_with_noise_backward: `grad * noise` in training, else leaky_relu's gradient (from self or the result: same sign). */
function backward(g: Tensor, selfOrResult: Tensor, noise: Tensor | undefined, slope: number): Tensor {
  return noise !== undefined ? mul(g, noise) : where(gt(selfOrResult, 0), g, mul(g, slope));
}

/** `F.rrelu(input)` out of place: one RreluWithNoiseBackward0 node. */
export function rreluWithNoise(input: Tensor, o: RreluWithNoiseOptions): Tensor {
  if (o.training && !(o.lower <= o.upper)) throw new Error("Lower bound should be less than or equal to the upper bound");
  const { out, noise } = forward(input, o);
  if (needsGrad(input)) {
    const slope = (o.lower + o.upper) / 2;
    record("RreluWithNoiseBackward0", [input], out, ([g], [x, n]) => [backward(g!, x!, n, slope)], noise === null ? [input] : [input, noise]);
  }
  return out;
}

/** `F.rrelu(input, { inplace: true })`: writes the result into `input`; one RreluWithNoiseBackward1 node that saves the result. */
export function rreluWithNoise_(input: Tensor, o: RreluWithNoiseOptions): Tensor {
  if (o.training && !(o.lower <= o.upper)) throw new Error("Lower bound should be less than or equal to the upper bound");
  const slope = (o.lower + o.upper) / 2;
  return inplace(input, "rrelu_", [], (old) => {
    const { out, noise } = forward(old, o);
    // (saving `out`: the in-place machinery then saves `input`, which holds it, as PyTorch saves the result)
    if (needsGrad(old)) record("RreluWithNoiseBackward1", [old], out, ([g], [r, n]) => [backward(g!, r!, n, slope)], noise === null ? [out] : [out, noise]);
    return out;
  });
}
