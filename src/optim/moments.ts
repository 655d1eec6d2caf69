/**
 * The running averages the adaptive optimizers keep per parameter, in place.
 * Adam, Adamax, NAdam, RAdam, RMSprop and Adadelta differ in how they combine
 * them, not in how they update them.
 */
import type { Tensor } from "../tensor/tensor.js";

/** `avg ← decay·avg + (1 − decay)·x`: PyTorch's `exp_avg` and `grad_avg`. Returns `avg`. */
export function ema_(avg: Tensor, x: Tensor, decay: number): Tensor {
  return avg.mul_(decay).add_(x, { alpha: 1 - decay });
}

/** `avg ← decay·avg + (1 − decay)·x²`: PyTorch's `exp_avg_sq`, `square_avg` and `acc_delta`. Returns `avg`. */
export function emaSquare_(avg: Tensor, x: Tensor, decay: number): Tensor {
  return avg.mul_(decay).add_(x.mul(x), { alpha: 1 - decay });
}

/**
 * Adam's denominator `sqrt(v̂) + eps` with the bias-corrected second moment
 * `v̂ = v / (1 − β2^step)` (shared by Adam and NAdam).
 */
export function adamDenominator(expAvgSq: Tensor, step: number, beta2: number, eps: number): Tensor {
  return expAvgSq.sqrt().div(Math.sqrt(1 - beta2 ** step)).add(eps);
}
