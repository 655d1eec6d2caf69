import { zerosLike } from "../ops/factories.js";
import type { Tensor } from "../tensor/tensor.js";
import { checkOptions } from "./checks.js";
import { ema_ } from "./moments.js";
import { effectiveGrad, nextStep, Optimizer, type ParamGroup, type Params, type ParamState, stateTensor } from "./optimizer.js";

export interface AdamaxOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

/** One Adamax update of `p` in place (PyTorch's `_single_tensor_adamax`). */
export function adamaxUpdate(p: Tensor, grad: Tensor, state: ParamState, o: AdamaxOptions): void {
  const g = effectiveGrad(p, grad, o.maximize, o.weightDecay);
  const step = nextStep(state);
  const [beta1, beta2] = o.betas;
  const expAvg = ema_(stateTensor(state, "exp_avg", () => zerosLike(p)), g, beta1);
  // the infinity norm replaces Adam's second moment: a decaying running max of |g| (eps keeps it above 0)
  const expInf = stateTensor(state, "exp_inf", () => zerosLike(p));
  expInf.copy_(expInf.mul(beta2).maximum(g.abs().add(o.eps)));
  p.add_(expAvg.div(expInf), { alpha: -o.lr / (1 - beta1 ** step) });
}

/**
 * Adamax: Adam with the infinity norm of past gradients in place of the
 * second moment.
 *
 * @example
 * const opt = new optim.Adamax(model.parameters(), { lr: 2e-3 });
 */
export class Adamax extends Optimizer<AdamaxOptions> {
  constructor(params: Params<AdamaxOptions>, options: Partial<AdamaxOptions> = {}) {
    const defaults: AdamaxOptions = { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false, ...options };
    checkOptions("Adamax", defaults);
    super(params, defaults);
  }

  protected update(p: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<AdamaxOptions>): void {
    adamaxUpdate(p, grad, state, group);
  }
}
