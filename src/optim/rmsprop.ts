import { zerosLike } from "../ops/factories.js";
import type { Tensor } from "../tensor/tensor.js";
import { effectiveGrad, Optimizer, type ParamGroup, type Params, type ParamState, stateTensor } from "./optimizer.js";

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
  state.step = ((state.step as number | undefined) ?? 0) + 1;
  const sq = stateTensor(state, "square_avg", () => zerosLike(p));
  sq.mul_(o.alpha).add_(g.mul(g), { alpha: 1 - o.alpha });
  let avg: Tensor;
  if (o.centered) {
    const ga = stateTensor(state, "grad_avg", () => zerosLike(p));
    ga.mul_(o.alpha).add_(g, { alpha: 1 - o.alpha });
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
    if (defaults.lr < 0) throw new Error(`Invalid learning rate: ${defaults.lr}`);
    if (defaults.eps < 0) throw new Error(`Invalid epsilon value: ${defaults.eps}`);
    if (defaults.momentum < 0) throw new Error(`Invalid momentum value: ${defaults.momentum}`);
    if (defaults.alpha < 0) throw new Error(`Invalid alpha value: ${defaults.alpha}`);
    super(params, defaults);
  }

  protected update(p: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<RMSpropOptions>): void {
    rmspropUpdate(p, grad, state, group);
  }
}
