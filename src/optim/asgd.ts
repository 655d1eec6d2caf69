import { zerosLike } from "../ops/factories.js";
import type { Tensor } from "../tensor/tensor.js";
import { checkOptions } from "./checks.js";
import { effectiveGrad, nextStep, Optimizer, type ParamGroup, type Params, type ParamState, scalarState, scalarValue, setScalar } from "./optimizer.js";

export interface ASGDOptions {
  lr: number;
  /** The decay term: the parameter shrinks by `1 − lambd·eta` each step. */
  lambd: number;
  /** The power of the learning-rate decay `eta = lr / (1 + lambd·lr·step)^alpha`. */
  alpha: number;
  /** The step after which averaging starts (`mu = 1 / max(1, step − t0)`). */
  t0: number;
  weightDecay: number;
  maximize: boolean;
}

/**
 * One ASGD update of `p` in place (PyTorch's `_single_tensor_asgd`, the same
 * in 1.13 and 2.x). `step`, `eta` and `mu` are kept as PyTorch keeps them, in
 * 0-d tensors of its scalar dtype (see `scalarState`), so the steps match.
 */
export function asgdUpdate(p: Tensor, grad: Tensor, state: ParamState, o: ASGDOptions): void {
  if (state.step === undefined) Object.assign(state, { step: scalarState(0), eta: scalarState(o.lr), mu: scalarState(1), ax: zerosLike(p) });
  const step = nextStep(state);
  const g = effectiveGrad(p, grad, o.maximize, o.weightDecay);
  const eta = scalarValue(state, "eta", o.lr), mu = scalarValue(state, "mu", 1);
  p.mul_(1 - o.lambd * eta);
  p.add_(g, { alpha: -eta });
  const ax = state.ax as Tensor;
  // the running average of the iterates; before t0 (mu = 1) it is the iterate itself
  if (mu !== 1) ax.add_(p.sub(ax).mul(mu));
  else ax.copy_(p);
  setScalar(state, "eta", o.lr / (1 + o.lambd * o.lr * step) ** o.alpha);
  setScalar(state, "mu", 1 / Math.max(1, step - o.t0));
}

/**
 * Averaged SGD: SGD with a decaying learning rate whose iterates are averaged
 * after step `t0`; the average is `optimizer.state.get(p).ax`.
 *
 * @example
 * const opt = new optim.ASGD(model.parameters(), { lr: 0.01, t0: 100 });
 */
export class ASGD extends Optimizer<ASGDOptions> {
  constructor(params: Params<ASGDOptions>, options: Partial<ASGDOptions> = {}) {
    const defaults: ASGDOptions = { lr: 1e-2, lambd: 1e-4, alpha: 0.75, t0: 1e6, weightDecay: 0, maximize: false, ...options };
    checkOptions("ASGD", { lr: defaults.lr, weightDecay: defaults.weightDecay });
    super(params, defaults);
  }

  protected update(p: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<ASGDOptions>): void {
    asgdUpdate(p, grad, state, group);
  }
}
