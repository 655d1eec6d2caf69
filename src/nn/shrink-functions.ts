/**
 * The shrinkage activations `F.softshrink` and `F.hardshrink`: zero inside
 * `[-lambd, lambd]`, built from `where` so the gradient (1 outside the band,
 * 0 inside and on its edges) comes from the branches taken.
 */
import { abs, add, gt, le, lt, sub, where } from "../ops/elementwise.js";
import type { Tensor } from "../tensor/tensor.js";
import { shrinkBackward } from "./activation-backward.js";
import { asOneNode } from "./activation-nodes.js";

/**
 * `x - lambd` above `lambd`, `x + lambd` below `-lambd`, 0 between.
 *
 * @example
 * F.softshrink(torch.tensor([-1, 0.2, 2])); // [-0.5, 0, 1.5]
 */
export function softshrink(input: Tensor, lambd = 0.5): Tensor {
  if (!(lambd >= 0)) throw new Error(`lambda must be greater or equal to 0, but found to be ${lambd}.`);
  return asOneNode("SoftshrinkBackward0", input, (x) => where(gt(x, lambd), sub(x, lambd), where(lt(x, -lambd), add(x, lambd), 0)), shrinkBackward(lambd));
}

/**
 * `x` where `|x| > lambd`, 0 elsewhere (a NaN stays NaN, as PyTorch's test is `-lambd <= x <= lambd`).
 *
 * @example
 * F.hardshrink(torch.tensor([-1, 0.2, 2])); // [-1, 0, 2]
 */
export function hardshrink(input: Tensor, lambd = 0.5): Tensor {
  return asOneNode("HardshrinkBackward0", input, (x) => where(le(abs(x), lambd), 0, x), shrinkBackward(lambd));
}
