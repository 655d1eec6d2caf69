/**
 * Pieces shared by the loss and distance functions of `nn.functional`: the
 * reduction, PyTorch's shape checks, a stable `softplus(-x)`, and the
 * "clamp without autograd" PyTorch uses to keep denominators away from zero.
 */
import { noGrad } from "../autograd/grad-mode-api.js";
import { broadcastShapes, shapeStr } from "../ops/core.js";
import { add, exp, ge, log1p, neg, where } from "../ops/elementwise.js";
import { clamp_ } from "../ops/inplace.js";
import { mean, sum } from "../ops/reduce.js";
import { clone } from "../ops/views.js";
import type { Tensor } from "../tensor/tensor.js";
import { warn } from "../warnings.js";

export type Reduction = "mean" | "sum" | "none";

export interface ReductionOptions {
  reduction?: Reduction;
}

/**
 * Throws for an unknown reduction: `_Reduction.get_enum`'s message, or with
 * `short` the one of the losses PyTorch writes out in Python
 * (gaussian_nll_loss, multilabel_soft_margin_loss).
 */
export function checkReduction(reduction: string, short = false): void {
  if (reduction === "none" || reduction === "mean" || reduction === "sum") return;
  throw new Error(short ? `${reduction} is not valid` : `${reduction} is not a valid value for reduction`);
}

/** PyTorch's `apply_loss_reduction`. */
export function reduce(loss: Tensor, reduction: Reduction): Tensor {
  checkReduction(reduction);
  if (reduction === "none") return loss;
  return reduction === "sum" ? sum(loss) : mean(loss);
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/**
 * PyTorch 2.x's pointwise regression losses (mse, l1, smooth L1, huber)
 * accept a target of another shape: they warn, then broadcast, failing with
 * the broadcast error when the shapes don't broadcast.
 */
export function checkTargetBroadcasts(input: Tensor, target: Tensor, op: string): void {
  if (sameShape(input.shape, target.shape)) return;
  warn(
    `Using a target size (${shapeStr(target.shape)}) that is different to the input size (${shapeStr(input.shape)}). ` +
      "This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.",
  );
  broadcastAll(op, input.shape, target.shape);
}

/** The broadcast shape of the operands, or PyTorch's size-mismatch error naming `op` and every shape. */
export function broadcastAll(op: string, ...shapes: (readonly number[])[]): readonly number[] {
  return shapes.reduce((a, b) => broadcastShapes(a, b, op));
}

/**
 * `softplus(-x) = -log(sigmoid(x))`, stable for large |x|: `log1p(exp(-|x|)) + max(-x, 0)`,
 * with -|x| taken by branch so the gradient at x = 0 is PyTorch's -sigmoid(0) = -0.5
 * (abs and relu would give 0 there).
 */
export function softplusOfNeg(x: Tensor): Tensor {
  const nonNeg = ge(x, 0);
  return add(log1p(exp(where(nonNeg, neg(x), x))), where(nonNeg, 0, neg(x)));
}

/**
 * `t` with its values clamped below at `min` while autograd sees `t` itself,
 * as PyTorch's `t.clone()` followed by `clamp_min_` under `no_grad` (cosine
 * similarity's norms, the Gaussian NLL's variance): the gradient flows to `t`
 * unscaled even where the clamp changed the value.
 */
export function clampMinWithoutGrad(t: Tensor, min: number): Tensor {
  const out = clone(t);
  noGrad(() => clamp_(out, min));
  return out;
}
