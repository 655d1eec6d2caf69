import { zerosLike } from "../ops/factories.js";
import type { Tensor } from "../tensor/tensor.js";
import { checkOptions } from "./checks.js";
import { ema_, emaSquare_ } from "./moments.js";
import { effectiveGrad, nextStep, Optimizer, type ParamGroup, type Params, type ParamState, stateTensor } from "./optimizer.js";

export interface RMSpropOptions {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}

/** One RMSprop update of `p` in place (PyTorch's `_single_tensor_rmsprop`). */
export function rmspropUpdate(p: Tensor, grad: Tensor, state: ParamState, o: RMSpropOptions): void {
  const g = effectiveGrad(p, grad, o.maximize, o.weightDecay);
  nextStep(state);
  const sq = emaSquare_(stateTensor(state, "square_avg", () => zerosLike(p)), g, o.alpha);
  // (the momentum buffer is made before grad_avg, as PyTorch's _init_group: the state's keys come in that order)
  if (o.momentum > 0) stateTensor(state, "momentum_buffer", () => zerosLike(p));
  let avg: Tensor;
  if (o.centered) {
    const ga = ema_(stateTensor(state, "grad_avg", () => zerosLike(p)), g, o.alpha);
    avg = sq.sub(ga.mul(ga)).sqrt();
  } else avg = sq.sqrt();
  avg = avg.add(o.eps);
  if (o.momentum > 0) {
    const buf = stateTensor(state, "momentum_buffer", () => zerosLike(p));
    buf.mul_(o.momentum).add_(g.div(avg));
    p.add_(buf, { alpha: -o.lr });
  } else p.add_(g.div(avg), { alpha: -o.lr });
}

/**
 * RMSprop (optionally centered, with momentum).
 *
 * @example
 * const opt = new optim.RMSprop(model.parameters(), { lr: 0.01 });
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: Params<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    const defaults: RMSpropOptions = { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false, ...options };
    checkOptions("RMSprop", defaults);
    super(params, defaults);
  }

  protected update(p: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<RMSpropOptions>): void {
    rmspropUpdate(p, grad, state, group);
  }
}
