import { adamStep, type FloatArray } from "../backend/native/optim.js";
import { zerosLike } from "../ops/factories.js";
import { Tensor } from "../tensor/tensor.js";
import { checkOptions } from "./checks.js";
import { adamDenominator, ema_, emaSquare_ } from "./moments.js";
import { bumpVersion, decayedGrad, fusedData, Optimizer, fusedGrad, nextStep, type ParamGroup, type Params, type ParamState, stateTensor } from "./optimizer.js";

export interface AdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

/**
 * One Adam update of `p` in place (PyTorch's `_single_tensor_adam`). With
 * `decoupled` the weight decay shrinks the parameter directly (AdamW).
 */
export function adamUpdate(p: Tensor, grad: Tensor, state: ParamState, o: AdamOptions, decoupled: boolean): void {
  if (fusedAdamUpdate(p, grad, state, o, decoupled)) return;
  const [beta1, beta2] = o.betas;
  const g = decayedGrad(p, grad, o, decoupled);
  const step = nextStep(state);
  const expAvg = ema_(stateTensor(state, "exp_avg", () => zerosLike(p)), g, beta1);
  let second = emaSquare_(stateTensor(state, "exp_avg_sq", () => zerosLike(p)), g, beta2);
  if (o.amsgrad) {
    const maxSq = stateTensor(state, "max_exp_avg_sq", () => zerosLike(p));
    maxSq.copy_(maxSq.maximum(second));
    second = maxSq;
  }
  p.add_(expAvg.div(adamDenominator(second, step, beta2, o.eps)), { alpha: -o.lr / (1 - beta1 ** step) });
}

/** A state tensor (a new zero one when absent) and its flat data for the fused step; null data when it does not qualify. */
function fusedState(state: ParamState, key: string, p: Tensor): { t: Tensor; data: FloatArray | null; isNew: boolean } {
  const have = state[key];
  if (have instanceof Tensor) return { t: have, data: have.numel() === p.numel() ? fusedData(have, p.dtype) : null, isNew: false };
  const t = zerosLike(p);
  return { t, data: fusedData(t, p.dtype), isNew: true };
}

/**
 * The update as one fused pass (native/optim) over contiguous float storage.
 * False, with nothing touched, when some tensor does not qualify.
 */
function fusedAdamUpdate(p: Tensor, grad: Tensor, state: ParamState, o: AdamOptions, decoupled: boolean): boolean {
  const pd = fusedData(p, p.dtype);
  if (pd === null) return false;
  const keys = o.amsgrad ? ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"] : ["exp_avg", "exp_avg_sq"];
  const st = keys.map((k) => fusedState(state, k, p));
  if (st.some((s) => s.data === null)) return false;
  const gd = fusedGrad(grad, p);
  if (gd === null) return false;
  const step = nextStep(state);
  adamStep(pd, gd, st[0]!.data!, st[1]!.data!, st[2]?.data ?? null, step, {
    lr: o.lr, beta1: o.betas[0], beta2: o.betas[1], eps: o.eps, weightDecay: o.weightDecay,
    amsgrad: o.amsgrad, maximize: o.maximize, decoupled,
  });
  bumpVersion(p);
  // new state tensors are stored; existing ones were written in place
  st.forEach((s, i) => (s.isNew ? (state[keys[i]!] = s.t) : bumpVersion(s.t)));
  return true;
}

/**
 * Adam, with L2 weight decay added to the gradient.
 *
 * @example
 * const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
 */
export class Adam extends Optimizer<AdamOptions> {
  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    const defaults: AdamOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, ...options };
    checkOptions("Adam", defaults);
    super(params, defaults);
  }

  protected update(p: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<AdamOptions>): void {
    adamUpdate(p, grad, state, group, false);
  }
}

/**
 * Adam with decoupled weight decay (default 0.01).
 *
 * @example
 * const opt = new optim.AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.05 });
 */
export class AdamW extends Optimizer<AdamOptions> {
  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    const defaults: AdamOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false, ...options };
    checkOptions("AdamW", defaults);
    super(params, defaults);
  }

  protected update(p: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<AdamOptions>): void {
    adamUpdate(p, grad, state, group, true);
  }
}
