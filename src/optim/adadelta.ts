import { zerosLike } from "../ops/factories.js";
import type { Tensor } from "../tensor/tensor.js";
import { checkOptions } from "./checks.js";
import { emaSquare_ } from "./moments.js";
import { effectiveGrad, nextStep, Optimizer, type ParamGroup, type Params, type ParamState, stateTensor } from "./optimizer.js";

export interface AdadeltaOptions {
  /** Scales the computed step (1 in the paper). */
  lr: number;
  /** The decay of both running averages. */
  rho: number;
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

/** One Adadelta update of `p` in place (PyTorch's `_single_tensor_adadelta`). */
export function adadeltaUpdate(p: Tensor, grad: Tensor, state: ParamState, o: AdadeltaOptions): void {
  const g = effectiveGrad(p, grad, o.maximize, o.weightDecay);
  nextStep(state);
  const squareAvg = emaSquare_(stateTensor(state, "square_avg", () => zerosLike(p)), g, o.rho);
  const accDelta = stateTensor(state, "acc_delta", () => zerosLike(p));
  // the step has the units of the parameter: RMS of past steps over RMS of gradients, times the gradient
  const delta = accDelta.add(o.eps).sqrt().div(squareAvg.add(o.eps).sqrt()).mul(g);
  emaSquare_(accDelta, delta, o.rho);
  p.add_(delta, { alpha: -o.lr });
}

/**
 * Adadelta: steps scaled by the ratio of running RMS of past steps to that of
 * gradients, so `lr` (default 1) needs little tuning.
 *
 * @example
 * const opt = new optim.Adadelta(model.parameters(), { rho: 0.9 });
 */
export class Adadelta extends Optimizer<AdadeltaOptions> {
  constructor(params: Params<AdadeltaOptions>, options: Partial<AdadeltaOptions> = {}) {
    const defaults: AdadeltaOptions = { lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false, ...options };
    checkOptions("Adadelta", defaults);
    super(params, defaults);
  }

  protected update(p: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<AdadeltaOptions>): void {
    adadeltaUpdate(p, grad, state, group);
  }
}
