import { zerosLike } from "../ops/factories.js";
import type { Tensor } from "../tensor/tensor.js";
import { checkOptions } from "./checks.js";
import { ema_, emaSquare_ } from "./moments.js";
import { decayedGrad, nextStep, Optimizer, type ParamGroup, type Params, type ParamState, stateTensor } from "./optimizer.js";

export interface RAdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  /** Shrink the parameter by `lr·weightDecay` (AdamW-style) instead of adding L2 decay to the gradient. */
  decoupledWeightDecay: boolean;
  maximize: boolean;
}

/** One RAdam update of `p` in place (PyTorch 2.x's `_single_tensor_radam`). */
export function radamUpdate(p: Tensor, grad: Tensor, state: ParamState, o: RAdamOptions): void {
  const g = decayedGrad(p, grad, o, o.decoupledWeightDecay);
  const step = nextStep(state);
  const [beta1, beta2] = o.betas;
  const expAvg = ema_(stateTensor(state, "exp_avg", () => zerosLike(p)), g, beta1);
  const expAvgSq = emaSquare_(stateTensor(state, "exp_avg_sq", () => zerosLike(p)), g, beta2);
  const bc1 = 1 - beta1 ** step;
  const bc2 = 1 - beta2 ** step;
  // the length of the approximated simple moving average: its limit, and its value at this step
  const rhoInf = 2 / (1 - beta2) - 1;
  const rhoT = rhoInf - (2 * step * beta2 ** step) / bc2;
  if (rhoT > 5) {
    // the variance of the adaptive lr is tractable: Adam's step times the rectification term
    const rect = Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
    p.add_(expAvg.div(expAvgSq.sqrt().add(o.eps)), { alpha: (-o.lr * rect * Math.sqrt(bc2)) / bc1 });
  } else {
    // too few steps to estimate that variance: bias-corrected momentum SGD
    p.add_(expAvg, { alpha: -o.lr / bc1 });
  }
}

/**
 * RAdam: Adam whose adaptive lr is rectified by the variance of its estimate,
 * falling back to momentum SGD for the first steps (PyTorch 2.x, including
 * `decoupledWeightDecay` and `maximize`).
 *
 * @example
 * const opt = new optim.RAdam(model.parameters(), { lr: 1e-3 });
 */
export class RAdam extends Optimizer<RAdamOptions> {
  constructor(params: Params<RAdamOptions>, options: Partial<RAdamOptions> = {}) {
    const defaults: RAdamOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, decoupledWeightDecay: false, maximize: false, ...options };
    checkOptions("RAdam", defaults);
    super(params, defaults);
  }

  protected update(p: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<RAdamOptions>): void {
    radamUpdate(p, grad, state, group);
  }
}
