import { type FloatArray, sgdStep } from "../backend/native/optim.js";
import { zerosLike } from "../ops/factories.js";
import type { Tensor } from "../tensor/tensor.js";
import { checkOptions } from "./checks.js";
import { bumpVersion, effectiveGrad, fusedData, fusedGrad, Optimizer, type ParamGroup, type Params, type ParamState } from "./optimizer.js";

export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

/**
 * The update as one fused pass (native/optim) over contiguous float storage.
 * False, with nothing touched, when some tensor does not qualify.
 */
function fusedSgdUpdate(p: Tensor, grad: Tensor, state: ParamState, o: SGDOptions): boolean {
  const pd = fusedData(p, p.dtype);
  if (pd === null) return false;
  let buf = state.momentum_buffer as Tensor | undefined;
  let bd: FloatArray | null = null;
  if (o.momentum !== 0 && buf !== undefined) {
    bd = fusedData(buf, p.dtype);
    if (bd === null || buf.numel() !== p.numel()) return false;
  }
  const gd = fusedGrad(grad, p);
  if (gd === null) return false;
  const firstStep = o.momentum !== 0 && buf === undefined;
  if (firstStep) {
    buf = zerosLike(p);
    bd = fusedData(buf, p.dtype);
    state.momentum_buffer = buf;
  }
  sgdStep(pd, gd, bd, firstStep, o);
  bumpVersion(p);
  if (buf !== undefined && !firstStep) bumpVersion(buf);
  return true;
}

/** One SGD update of `p` in place (PyTorch's `_single_tensor_sgd`). */
export function sgdUpdate(p: Tensor, grad: Tensor, state: ParamState, o: SGDOptions): void {
  if (fusedSgdUpdate(p, grad, state, o)) return;
  let d = effectiveGrad(p, grad, o.maximize, o.weightDecay);
  if (o.momentum !== 0) {
    let buf = state.momentum_buffer as Tensor | undefined;
    if (buf === undefined) {
      buf = d.clone();
      state.momentum_buffer = buf;
    } else {
      buf.mul_(o.momentum).add_(d, { alpha: 1 - o.dampening });
    }
    d = o.nesterov ? d.add(buf, { alpha: o.momentum }) : buf;
  }
  p.add_(d, { alpha: -o.lr });
}

/**
 * Stochastic gradient descent with momentum, dampening, Nesterov, L2 weight decay.
 *
 * @example
 * const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: Params<SGDOptions>, options: Partial<SGDOptions> = {}) {
    const defaults: SGDOptions = { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, ...options };
    checkOptions("SGD", defaults);
    if (defaults.nesterov && (defaults.momentum <= 0 || defaults.dampening !== 0)) {
      throw new Error("Nesterov momentum requires a momentum and zero dampening (SGD)");
    }
    super(params, defaults);
  }

  protected update(p: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<SGDOptions>): void {
    sgdUpdate(p, grad, state, group);
  }
}
