import { fullLike } from "../ops/factories.js";
import type { Tensor } from "../tensor/tensor.js";
import { checkOptions } from "./checks.js";
import { effectiveGrad, nextStep, Optimizer, type ParamGroup, type Params, type ParamState, scalarState, stateTensor } from "./optimizer.js";

export interface AdagradOptions {
  lr: number;
  /** The lr at step t is `lr / (1 + (t − 1)·lrDecay)`. */
  lrDecay: number;
  weightDecay: number;
  /** The starting value of every element's sum of squared gradients. */
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
}

/** One Adagrad update of `p` in place (PyTorch's `_single_tensor_adagrad`). */
export function adagradUpdate(p: Tensor, grad: Tensor, state: ParamState, o: AdagradOptions): void {
  const step = nextStep(state);
  const g = effectiveGrad(p, grad, o.maximize, o.weightDecay);
  const sum = stateTensor(state, "sum", () => fullLike(p, o.initialAccumulatorValue));
  sum.add_(g.mul(g));
  const clr = o.lr / (1 + (step - 1) * o.lrDecay);
  p.add_(g.div(sum.sqrt().add(o.eps)), { alpha: -clr });
}

/**
 * Adagrad: each element's step is the lr over the root of the sum of its
 * squared gradients so far. As in PyTorch, every parameter's state (`step` 0 in a 0-d tensor,
 * `sum` filled with `initialAccumulatorValue`) exists from the moment its
 * group is added, so a state dict taken before the first step has it.
 *
 * @example
 * const opt = new optim.Adagrad(model.parameters(), { lr: 0.01, lrDecay: 1e-4 });
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: Params<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    const defaults: AdagradOptions = { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false, ...options };
    checkOptions("Adagrad", defaults);
    super(params, defaults);
    // the groups given here start from the constructor's value even where a group sets its own, as PyTorch's
    // __init__ (1.13 and 2.x alike) fills every sum with its initial_accumulator_value argument
    for (const g of this.paramGroups) for (const p of g.params) (this.state.get(p)!.sum as Tensor).fill_(defaults.initialAccumulatorValue);
  }

  /**
   * Adds a group and creates its parameters' state. For a group added after
   * the constructor, PyTorch makes no state (its step then fails with
   * KeyError 'sum'); here the sums start from the group's own
   * `initialAccumulatorValue`.
   */
  override addParamGroup(group: Partial<AdagradOptions> & { params: Iterable<Tensor> }): void {
    super.addParamGroup(group);
    const added = this.paramGroups[this.paramGroups.length - 1]!;
    for (const p of added.params) this.state.set(p, { step: scalarState(0), sum: fullLike(p, added.initialAccumulatorValue) });
  }

  protected update(p: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<AdagradOptions>): void {
    adagradUpdate(p, grad, state, group);
  }
}
