import { fullLike, zerosLike } from "../ops/factories.js";
import { where } from "../ops/elementwise.js";
import type { Tensor } from "../tensor/tensor.js";
import { checkOptions } from "./checks.js";
import { nextStep, Optimizer, type ParamGroup, type Params, type ParamState, stateTensor } from "./optimizer.js";

export interface RpropOptions {
  /** The initial step size of every element. */
  lr: number;
  /** `[etaminus, etaplus]`: how a step size shrinks when its gradient changes sign, and grows when it keeps it. */
  etas: [number, number];
  /** `[min, max]` bounds of the step sizes. */
  stepSizes: [number, number];
  maximize: boolean;
}

/**
 * One Rprop update of `p` in place (PyTorch's `_single_tensor_rprop`): each
 * element moves by its own step size against the sign of its gradient; the
 * step size grows by `etaplus` while the gradient keeps its sign, shrinks by
 * `etaminus` when it flips (and that element then skips the move and forgets
 * its gradient).
 */
export function rpropUpdate(p: Tensor, grad: Tensor, state: ParamState, o: RpropOptions): void {
  const [etaminus, etaplus] = o.etas;
  const [minStep, maxStep] = o.stepSizes;
  const g = o.maximize ? grad.neg() : grad;
  nextStep(state);
  const prev = stateTensor(state, "prev", () => zerosLike(p));
  const stepSize = stateTensor(state, "step_size", () => fullLike(g, o.lr));
  const agreement = g.mul(prev).sign();
  // the factor of each step size: etaplus where the sign held, etaminus where it flipped, 1 where either gradient is 0
  // (built in the parameter's dtype: scalar branches alone would give float32 and round the etas)
  const factor = where(agreement.gt(0), etaplus, where(agreement.lt(0), etaminus, fullLike(g, 1)));
  stepSize.mul_(factor).clamp_(minStep, maxStep);
  const flipped = agreement.lt(0);
  const kept = where(flipped, 0, g);
  p.sub_(kept.sign().mul(stepSize));
  prev.copy_(kept);
}

/**
 * Rprop (resilient backpropagation): per-element step sizes adapted from the
 * signs of successive gradients; the gradient's magnitude is not used. Meant
 * for full-batch training.
 *
 * @example
 * const opt = new optim.Rprop(model.parameters(), { lr: 0.01, etas: [0.5, 1.2] });
 */
export class Rprop extends Optimizer<RpropOptions> {
  constructor(params: Params<RpropOptions>, options: Partial<RpropOptions> = {}) {
    const defaults: RpropOptions = { lr: 1e-2, etas: [0.5, 1.2], stepSizes: [1e-6, 50], maximize: false, ...options };
    checkOptions("Rprop", { lr: defaults.lr });
    const [etaminus, etaplus] = defaults.etas;
    if (!(etaminus > 0 && etaminus < 1 && etaplus > 1)) throw new Error(`Invalid eta values: ${etaminus}, ${etaplus} (Rprop)`);
    super(params, defaults);
  }

  protected update(p: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<RpropOptions>): void {
    rpropUpdate(p, grad, state, group);
  }
}
