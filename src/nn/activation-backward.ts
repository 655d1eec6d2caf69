/**
 * The backward formulas of the activations recorded as one node with
 * PyTorch's name (see asOneNode), as tools/autograd/derivatives.yaml writes
 * them (softplus_backward, mish_backward, hardswish_backward, ...): the
 * gradient w.r.t. the input `x` for the incoming gradient `g`, without
 * recomputing the forward. They are tensor ops, so double backward works
 * and gives PyTorch's second derivatives.
 */
import { abs, add, clamp, exp, gt, le, log1p, lt, mul, sigmoid, sub, tanh, where } from "../ops/elementwise.js";
import type { Tensor } from "../tensor/tensor.js";

/** A backward formula: the gradient w.r.t. the saved input `x` for the incoming gradient `g`. */
export type ActivationBackward = (g: Tensor, x: Tensor) => Tensor;

/** softplus_backward: `g` where `beta·x > threshold`, else `g · sigmoid(beta·x)` (PyTorch's `z / (z + 1)`, `z = exp(beta·x)`). */
export const softplusBackward = (beta: number, threshold: number): ActivationBackward => (g, x) => {
  const scaled = mul(x, beta);
  return where(gt(scaled, threshold), g, mul(g, sigmoid(scaled)));
};

/** mish_backward: `g · (t + x · sigmoid(x) · (1 - t²))` with `t = tanh(softplus(x))`. */
export const mishBackward: ActivationBackward = (g, x) => {
  // softplus with PyTorch's default threshold 20 (x itself above it)
  const t = tanh(where(gt(x, 20), x, log1p(exp(clamp(x, null, 20)))));
  return mul(g, add(t, mul(mul(x, sigmoid(x)), sub(1, mul(t, t)))));
};

/** hardswish_backward (2.x): 0 for x <= -3, `g · (x/3 + 1/2)` strictly between -3 and 3, `g` from 3 on (and at NaN). */
export const hardswishBackward: ActivationBackward = (g, x) =>
  where(le(x, -3), 0, where(lt(x, 3), mul(g, add(mul(x, 1 / 3), 0.5)), g));

/** hardsigmoid_backward: `g / 6` strictly between -3 and 3, 0 elsewhere (NaN included). */
export const hardsigmoidBackward: ActivationBackward = (g, x) => where(lt(abs(x), 3), mul(g, 1 / 6), 0);

/** log_sigmoid_backward: `g · sigmoid(-x)` (PyTorch's `1 - z / (1 + z)` below 0 and `z / (1 + z)` from 0 on, `z = exp(-|x|)`). */
export const logSigmoidBackward: ActivationBackward = (g, x) => mul(g, sigmoid(mul(x, -1)));

/** softshrink_backward and hardshrink_backward: 0 where `-lambd <= x <= lambd`, `g` elsewhere (NaN included). */
export const shrinkBackward = (lambd: number): ActivationBackward => (g, x) => where(le(abs(x), lambd), 0, g);
