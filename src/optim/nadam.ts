import { zerosLike } from "../ops/factories.js";
import type { Tensor } from "../tensor/tensor.js";
import { checkOptions } from "./checks.js";
import { adamDenominator, ema_, emaSquare_ } from "./moments.js";
import { decayedGrad, nextStep, Optimizer, type ParamGroup, type Params, type ParamState, scalarValue, setScalar, stateTensor } from "./optimizer.js";

export interface NAdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  /** ψ in the momentum schedule μ_t = β1·(1 − ½·0.96^(t·ψ)). */
  momentumDecay: number;
  /** Shrink the parameter by `lr·weightDecay` (AdamW-style) instead of adding L2 decay to the gradient. */
  decoupledWeightDecay: boolean;
  maximize: boolean;
}

/** NAdam's momentum coefficient μ_t at `step`. */
function momentumAt(beta1: number, step: number, momentumDecay: number): number {
  return beta1 * (1 - 0.5 * 0.96 ** (step * momentumDecay));
}

/**
 * One NAdam update of `p` in place (PyTorch 2.x's `_single_tensor_nadam`).
 * `state.mu_product` is the product μ_1·…·μ_t that bias-corrects the momentum.
 */
export function nadamUpdate(p: Tensor, grad: Tensor, state: ParamState, o: NAdamOptions): void {
  const g = decayedGrad(p, grad, o, o.decoupledWeightDecay);
  const step = nextStep(state);
  const [beta1, beta2] = o.betas;
  const mu = momentumAt(beta1, step, o.momentumDecay);
  const muNext = momentumAt(beta1, step + 1, o.momentumDecay);
  // (kept in a 0-d tensor, as 2.x: the product is rounded to its scalar dtype at every step)
  const muProduct = setScalar(state, "mu_product", scalarValue(state, "mu_product", 1) * mu);
  const expAvg = ema_(stateTensor(state, "exp_avg", () => zerosLike(p)), g, beta1);
  const expAvgSq = emaSquare_(stateTensor(state, "exp_avg_sq", () => zerosLike(p)), g, beta2);
  const denom = adamDenominator(expAvgSq, step, beta2, o.eps);
  // Nesterov: this step's gradient with μ_t, plus the momentum looked ahead with μ_{t+1}
  p.add_(g.div(denom), { alpha: (-o.lr * (1 - mu)) / (1 - muProduct) });
  p.add_(expAvg.div(denom), { alpha: (-o.lr * muNext) / (1 - muProduct * muNext) });
}

/**
 * NAdam: Adam with Nesterov momentum and a momentum schedule (PyTorch 2.x,
 * including `decoupledWeightDecay` and `maximize`).
 *
 * @example
 * const opt = new optim.NAdam(model.parameters(), { lr: 2e-3, weightDecay: 0.01, decoupledWeightDecay: true });
 */
export class NAdam extends Optimizer<NAdamOptions> {
  constructor(params: Params<NAdamOptions>, options: Partial<NAdamOptions> = {}) {
    const defaults: NAdamOptions = {
      lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3, decoupledWeightDecay: false, maximize: false, ...options,
    };
    checkOptions("NAdam", defaults);
    super(params, defaults);
  }

  protected update(p: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<NAdamOptions>): void {
    nadamUpdate(p, grad, state, group);
  }
}
