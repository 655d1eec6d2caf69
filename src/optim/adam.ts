import { adamStep, type FloatArray } from "../backend/native/optim.js";
import { zerosLike } from "../ops/factories.js";
import { Tensor } from "../tensor/tensor.js";
import { bumpVersion, effectiveGrad, fusedData, Optimizer, fusedGrad, type ParamGroup, type Params, type ParamState, stateTensor } from "./optimizer.js";

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
  if (decoupled && o.weightDecay !== 0) p.mul_(1 - o.lr * o.weightDecay);
  const g = effectiveGrad(p, grad, o.maximize, decoupled ? 0 : o.weightDecay);
  const step = ((state.step as number | undefined) ?? 0) + 1;
  state.step = step;
  const expAvg = stateTensor(state, "exp_avg", () => zerosLike(p));
  const expAvgSq = stateTensor(state, "exp_avg_sq", () => zerosLike(p));
  expAvg.mul_(beta1).add_(g, { alpha: 1 - beta1 });
  expAvgSq.mul_(beta2).add_(g.mul(g), { alpha: 1 - beta2 });
  const bc1 = 1 - beta1 ** step;
  const bc2Sqrt = Math.sqrt(1 - beta2 ** step);
  let second = expAvgSq;
  if (o.amsgrad) {
    const maxSq = stateTensor(state, "max_exp_avg_sq", () => zerosLike(p));
    maxSq.copy_(maxSq.maximum(expAvgSq));
    second = maxSq;
  }
  const denom = second.sqrt().div(bc2Sqrt).add(o.eps);
  p.add_(expAvg.div(denom), { alpha: -o.lr / bc1 });
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
  const step = ((state.step as number | undefined) ?? 0) + 1;
  state.step = step;
  adamStep(pd, gd, st[0]!.data!, st[1]!.data!, st[2]?.data ?? null, step, {
    lr: o.lr, beta1: o.betas[0], beta2: o.betas[1], eps: o.eps, weightDecay: o.weightDecay,
    amsgrad: o.amsgrad, maximize: o.maximize, decoupled,
  });
  bumpVersion(p);
  // new state tensors are stored; existing ones were written in place
  st.forEach((s, i) => (s.isNew ? (state[keys[i]!] = s.t) : bumpVersion(s.t)));
  return true;
}

function checkAdam(o: AdamOptions): void {
  if (o.lr < 0) throw new Error(`Invalid learning rate: ${o.lr}`);
  if (o.eps < 0) throw new Error(`Invalid epsilon value: ${o.eps}`);
  if (o.betas[0] < 0 || o.betas[0] >= 1) throw new Error(`Invalid beta parameter at index 0: ${o.betas[0]}`);
  if (o.betas[1] < 0 || o.betas[1] >= 1) throw new Error(`Invalid beta parameter at index 1: ${o.betas[1]}`);
  if (o.weightDecay < 0) throw new Error(`Invalid weight_decay value: ${o.weightDecay}`);
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
    checkAdam(defaults);
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
    checkAdam(defaults);
    super(params, defaults);
  }

  protected update(p: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<AdamOptions>): void {
    adamUpdate(p, grad, state, group, true);
  }
}
