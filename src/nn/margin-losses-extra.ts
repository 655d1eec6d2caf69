/**
 * The multi-label margin loss (PyTorch's checks around the kernel of
 * src/ops/multilabel-margin.ts) and the triplet loss with a distance of the
 * caller's choosing, composed from differentiable ops as PyTorch 2.x
 * defines it.
 */
import { shapeStr } from "../ops/core.js";
import { add, clamp, minimum, sub } from "../ops/elementwise.js";
import { multilabelMarginLossRows } from "../ops/multilabel-margin.js";
import { mean, sum } from "../ops/reduce.js";
import { reshape } from "../ops/views.js";
import { isFloating } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { pairwiseDistance } from "./distance.js";
import { checkReduction, type Reduction, type ReductionOptions } from "./loss-utils.js";

/**
 * Multi-class multi-label hinge loss of scores `[N, C]` (or `[C]`, or 0-d)
 * against int32 `target` of the same shape that lists each sample's
 * classes and ends the list with -1 (the rest is ignored): per sample,
 * `Σ_{j listed} Σ_{i not listed} max(0, 1 - (x[j] - x[i])) / C`. As
 * PyTorch's kernel, only positive hinges count (one exactly at 0 passes no
 * gradient, a NaN one is skipped). With a 1-d or 0-d target the loss is
 * 0-d even for reduction "none", as PyTorch's.
 *
 * @example
 * const x = torch.tensor([[0.1, 0.2, 0.4, 0.8]]);
 * const y = torch.tensor([[3, 0, -1, 1]], { dtype: "int32" }); // classes 3 and 0
 * F.multilabelMarginLoss(x, y); // 0.85
 */
export function multilabelMarginLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  const reduction = options.reduction ?? "mean";
  checkReduction(reduction);
  const nd = input.dim();
  if (!((nd === 2 && input.shape[1] !== 0) || (nd === 1 && input.shape[0] !== 0) || nd === 0)) {
    throw new Error(`Expected non-empty vector or matrix with optional 0-dim batch size, but got: ${shapeStr(input.shape)}`);
  }
  const frames = nd <= 1 ? 1 : input.shape[0]!, classes = nd === 0 ? 1 : input.shape[nd - 1]!;
  const fits = nd <= 1 ? target.dim() <= 1 && target.numel() === classes : target.dim() === 2 && target.shape[0] === frames && target.shape[1] === classes;
  if (!fits) throw new Error(`inconsistent target size: ${shapeStr(target.shape)} for input of size: ${shapeStr(input.shape)}`);
  if (target.dtype !== "int32") throw new Error(`multilabel_margin_loss: expected target of dtype int32 (class indices), got ${target.dtype}`);
  const labels = Int32Array.from(target.contiguous().toArray());
  let inRange = true;
  for (let k = 0; k < labels.length; k++) inRange &&= labels[k]! >= -1 && labels[k]! < classes;
  if (!inRange) throw new Error(`argument #2 'target' is out of range (multilabel_margin_loss: ${classes} classes)`);
  if (!isFloating(input.dtype)) throw new Error(`"multilabel_margin_loss_forward_out_frame" not implemented for '${input.dtype === "int32" ? "Int" : "Bool"}'`);
  const loss = multilabelMarginLossRows(input, labels, frames, classes);
  if (reduction === "none") return target.dim() <= 1 ? reshape(loss, []) : loss;
  return reduction === "sum" ? sum(loss) : mean(loss);
}

/** A distance between two batches of embeddings (one value per pair), as TripletMarginWithDistanceLoss takes. */
export type DistanceFunction = (x1: Tensor, x2: Tensor) => Tensor;

export interface TripletMarginWithDistanceLossOptions extends ReductionOptions {
  /** The distance (default `F.pairwiseDistance`, the Euclidean one). */
  distanceFunction?: DistanceFunction | null;
  /** The margin (default 1). */
  margin?: number;
  /** Uses the positive-negative distance where it is the smaller one (default false). */
  swap?: boolean;
}

/**
 * Triplet loss with any distance `d`: `max(0, margin + d(anchor, positive) -
 * d(anchor, negative))`; with `swap`, the negative distance is the smaller
 * of d(anchor, negative) and d(positive, negative). PyTorch 2.x's checks
 * (reduction, a positive margin, matching dimensions) come first.
 *
 * @example
 * const cosine = (a: torch.Tensor, b: torch.Tensor) => torch.sub(1, F.cosineSimilarity(a, b));
 * const loss = F.tripletMarginWithDistanceLoss(anchor, positive, negative, { distanceFunction: cosine, margin: 0.5 });
 */
export function tripletMarginWithDistanceLoss(anchor: Tensor, positive: Tensor, negative: Tensor, options: TripletMarginWithDistanceLossOptions = {}): Tensor {
  const reduction: Reduction = options.reduction ?? "mean";
  checkReduction(reduction);
  const margin = options.margin ?? 1;
  if (!(margin > 0)) throw new Error(`margin must be greater than 0, got ${margin}`);
  const [a, p, n] = [anchor.dim(), positive.dim(), negative.dim()];
  if (!(a === p && p === n)) {
    throw new Error(`The anchor, positive, and negative tensors are expected to have the same number of dimensions, but got: anchor ${a}D, positive ${p}D, and negative ${n}D inputs`);
  }
  const distance = options.distanceFunction ?? ((x1: Tensor, x2: Tensor) => pairwiseDistance(x1, x2));
  const positiveDistance = distance(anchor, positive);
  let negativeDistance = distance(anchor, negative);
  if (options.swap ?? false) negativeDistance = minimum(negativeDistance, distance(positive, negative));
  const loss = clamp(sub(add(positiveDistance, margin), negativeDistance), 0);
  if (reduction === "sum") return sum(loss);
  return reduction === "mean" ? mean(loss) : loss;
}
