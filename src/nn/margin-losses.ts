/**
 * The margin and embedding losses of `nn.functional`, composed from
 * differentiable ops as PyTorch 2.x composes them (its gradients included:
 * `clamp_min` passes the gradient where a margin is hit exactly, the
 * multi-margin kernel does not).
 */
import { needsGrad, shapeStr } from "../ops/core.js";
import { add, clamp, div, eq, exp, log1p, minimum, mul, ne, neg, relu, rsub, sqrt, sub, where } from "../ops/elementwise.js";
import { arange } from "../ops/factories.js";
import { gather, indexSelect } from "../ops/indexing.js";
import { sum } from "../ops/reduce.js";
import { reshape } from "../ops/views.js";
import type { Tensor } from "../tensor/tensor.js";
import { pairwiseDistance } from "./distance.js";
import { broadcastAll, checkReduction, reduce, sameShape, softplusOfNeg, type ReductionOptions } from "./loss-utils.js";

export interface MarginOptions extends ReductionOptions {
  /** The margin; each loss documents its default. */
  margin?: number;
}

/** PyTorch's refusal of a gradient it does not define (its autograd kernel checks before running). */
function checkNoGrad(t: Tensor, argument: string, op: string): void {
  if (needsGrad(t)) throw new Error(`The function '${op}' is not differentiable with respect to argument '${argument}'. This input cannot have requires_grad True.`);
}

/**
 * Ranking loss of two scores against `target` ±1 (which should rank higher):
 * `max(0, -target·(input1 - input2) + margin)`, margin 0 by default.
 *
 * @example
 * const loss = F.marginRankingLoss(scoreA, scoreB, torch.tensor([1, -1]), { margin: 0.5 });
 */
export function marginRankingLoss(input1: Tensor, input2: Tensor, target: Tensor, options: MarginOptions = {}): Tensor {
  const reduction = options.reduction ?? "mean";
  checkReduction(reduction);
  if (input1.dim() !== input2.dim() || input1.dim() !== target.dim()) {
    throw new Error(`margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: ${shapeStr(input1.shape)}, input2: ${shapeStr(input2.shape)}, target: ${shapeStr(target.shape)} `);
  }
  broadcastAll("margin_ranking_loss", input1.shape, input2.shape, target.shape);
  return reduce(clamp(add(mul(neg(target), sub(input1, input2)), options.margin ?? 0), 0), reduction);
}

/**
 * Hinge embedding loss of distances `input` against `target` ±1: `input`
 * where the target is 1, `max(0, margin - input)` where it is -1 (margin 1
 * by default).
 *
 * @example
 * const loss = F.hingeEmbeddingLoss(distances, torch.tensor([1, -1, 1]));
 */
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, options: MarginOptions = {}): Tensor {
  const reduction = options.reduction ?? "mean";
  checkReduction(reduction);
  broadcastAll("hinge_embedding_loss", input.shape, target.shape);
  const marginClamp = clamp(rsub(input, options.margin ?? 1), 0);
  return reduce(add(where(ne(target, 1), marginClamp, 0), where(ne(target, -1), input, 0)), reduction);
}

/**
 * Two-class logistic loss of `input` against `target` ±1: `log(1 + exp(-target·input))`,
 * as PyTorch computes it (an overflowing exp gives an infinite loss).
 *
 * @example
 * const loss = F.softMarginLoss(scores, torch.tensor([1, -1, 1]));
 */
export function softMarginLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  const reduction = options.reduction ?? "mean";
  checkReduction(reduction);
  // PyTorch writes into an output of the input's shape: the target must broadcast to it
  const shape = broadcastAll("soft_margin_loss", input.shape, target.shape);
  if (!sameShape(shape, input.shape)) throw new Error(`output with shape ${shapeStr(input.shape)} doesn't match the broadcast shape ${shapeStr(shape)} (soft_margin_loss)`);
  checkNoGrad(target, "target", "soft_margin_loss");
  return reduce(log1p(exp(mul(neg(input), target))), reduction);
}

/**
 * Cosine embedding loss of pairs `[N, D]` (or one pair `[D]` with a 0-d
 * target): `1 - cos(x1, x2)` where the target is 1, `max(0, cos - margin)`
 * where it is -1 (margin 0 by default). The squared norms get 1e-12 added,
 * as in PyTorch.
 *
 * @example
 * const loss = F.cosineEmbeddingLoss(a, b, torch.tensor([1, -1]), { margin: 0.2 });
 */
export function cosineEmbeddingLoss(input1: Tensor, input2: Tensor, target: Tensor, options: MarginOptions = {}): Tensor {
  const reduction = options.reduction ?? "mean";
  checkReduction(reduction);
  const dim = target.dim();
  if (dim !== 1 && dim !== 0) throw new Error(`0D or 1D target tensor expected, multi-target not supported (cosine_embedding_loss: target ${shapeStr(target.shape)})`);
  if (input1.dim() !== dim + 1 || input2.dim() !== dim + 1) {
    throw new Error(`${dim}D target tensor expects ${dim + 1}D input tensors, but found inputs with sizes ${shapeStr(input1.shape)} and ${shapeStr(input2.shape)}.`);
  }
  broadcastAll("cosine_embedding_loss", input1.shape, input2.shape);
  const EPSILON = 1e-12;
  const magnitude1 = add(sum(mul(input1, input1), dim), EPSILON);
  const magnitude2 = add(sum(mul(input2, input2), dim), EPSILON);
  const cos = div(sum(mul(input1, input2), dim), sqrt(mul(magnitude1, magnitude2)));
  const loss = add(where(eq(target, 1), rsub(cos, 1), 0), where(eq(target, -1), clamp(sub(cos, options.margin ?? 0), 0), 0));
  return reduce(loss, reduction);
}

export interface TripletMarginLossOptions extends MarginOptions {
  /** The norm of the distances (default 2). */
  p?: number;
  /** Added to the differences, as in `pairwiseDistance` (default 1e-6). */
  eps?: number;
  /** Uses the positive-negative distance where it is the smaller one (default false). */
  swap?: boolean;
}

/**
 * Triplet loss: `max(0, margin + d(anchor, positive) - d(anchor, negative))`
 * with `d` = `pairwiseDistance` (margin 1 by default, and it must be
 * positive). With `swap`, the negative distance is the smaller of
 * d(anchor, negative) and d(positive, negative).
 *
 * @example
 * const loss = F.tripletMarginLoss(anchor, positive, negative, { margin: 0.5 });
 */
export function tripletMarginLoss(anchor: Tensor, positive: Tensor, negative: Tensor, options: TripletMarginLossOptions = {}): Tensor {
  const reduction = options.reduction ?? "mean";
  checkReduction(reduction);
  const margin = options.margin ?? 1;
  if (!(margin > 0)) throw new Error(`margin must be greater than 0, got ${margin}`);
  if (anchor.dim() !== positive.dim() || positive.dim() !== negative.dim()) {
    throw new Error(`The anchor, positive, and negative tensors are expected to have the same number of dimensions, but got: anchor ${anchor.dim()}D, positive ${positive.dim()}D, and negative ${negative.dim()}D inputs`);
  }
  const distance = { p: options.p ?? 2, eps: options.eps ?? 1e-6 };
  const positiveDistance = pairwiseDistance(anchor, positive, distance);
  let negativeDistance = pairwiseDistance(anchor, negative, distance);
  if (options.swap ?? false) negativeDistance = minimum(negativeDistance, pairwiseDistance(positive, negative, distance));
  return reduce(clamp(sub(add(positiveDistance, margin), negativeDistance), 0), reduction);
}

export interface MultilabelSoftMarginLossOptions extends ReductionOptions {
  /** Rescales each class's loss (broadcast against the input). */
  weight?: Tensor | null;
}

/**
 * Multi-label one-versus-all logistic loss of logits `[N, C]` (or `[C]`)
 * against 0/1 targets: the mean over the classes of
 * `-(target·log σ(x) + (1 - target)·log σ(-x))`, one loss per sample.
 *
 * @example
 * const loss = F.multilabelSoftMarginLoss(logits, labels01);
 */
export function multilabelSoftMarginLoss(input: Tensor, target: Tensor, options: MultilabelSoftMarginLossOptions = {}): Tensor {
  const reduction = options.reduction ?? "mean";
  if (input.dim() === 0) throw new Error("multilabel_soft_margin_loss: dimension specified as -1 but tensor has no dimensions");
  broadcastAll("multilabel_soft_margin_loss", input.shape, target.shape);
  // -log σ(x) = softplus(-x), -log σ(-x) = softplus(x)
  let loss = add(mul(target, softplusOfNeg(input)), mul(rsub(target, 1), softplusOfNeg(neg(input))));
  if (options.weight != null) loss = mul(loss, options.weight);
  const classDim = input.dim() - 1;
  loss = div(sum(loss, classDim), input.shape[classDim]!);
  // PyTorch checks the name only here, after the work, with its own message
  checkReduction(reduction, true);
  return reduce(loss, reduction);
}

export interface MultiMarginLossOptions extends MarginOptions {
  /** 1 (default) or 2: the hinge or its square. */
  p?: number;
  /** A weight per class (1-d, C entries), applied by the target's class. */
  weight?: Tensor | null;
}

/**
 * Multi-class hinge loss of scores `[N, C]` (or `[C]`) against class indices
 * (int32): per sample, the sum over the other classes j of
 * `w[y]·max(0, margin - x[y] + x[j])^p`, divided by C (margin 1 by
 * default). As PyTorch's kernel, a hinge exactly at 0 passes no gradient.
 *
 * @example
 * const loss = F.multiMarginLoss(scores, torch.tensor([2, 0], { dtype: "int32" }));
 */
export function multiMarginLoss(input: Tensor, target: Tensor, options: MultiMarginLossOptions = {}): Tensor {
  const reduction = options.reduction ?? "mean";
  checkReduction(reduction);
  const p = options.p ?? 1;
  const weight = options.weight ?? null;
  if (p !== 1 && p !== 2) throw new Error("only p == 1 and p == 2 supported");
  if (weight !== null && weight.dim() !== 1) throw new Error(`weight must be one-dimensional (multi_margin_loss: weight ${shapeStr(weight.shape)})`);
  const nd = input.dim();
  if (!((nd === 2 && input.shape[1] !== 0) || (nd === 1 && input.shape[0] !== 0) || nd === 0)) {
    throw new Error(`Expected non-empty vector or matrix with optional 0-dim batch size, but got: ${shapeStr(input.shape)}`);
  }
  const frames = nd === 2 ? input.shape[0]! : 1;
  const classes = nd === 0 ? 1 : input.shape[nd - 1]!;
  if (target.dim() > 1 || target.numel() !== frames) throw new Error(`inconsistent target size, expected ${frames} but got ${shapeStr(target.shape)}`);
  if (weight !== null && weight.numel() !== classes) throw new Error(`inconsistent weight size, expected ${classes} but got ${shapeStr(weight.shape)}`);
  if (target.dtype !== "int32") throw new Error(`multi_margin_loss: expected target of dtype int32 (class indices), got ${target.dtype}`);
  if (weight !== null) checkNoGrad(weight, "weight", "multi_margin_loss");
  const y = reshape(target, [frames, 1]);
  for (const t of y.toArray()) if (t < 0 || t >= classes) throw new Error(`target out of range (multi_margin_loss: target ${t}, ${classes} classes)`);
  const x = reshape(input, [frames, classes]);
  // margin - x[y] + x[j] for every j; relu, not clamp: the kernel counts only z > 0
  const z = add(rsub(gather(x, 1, y), options.margin ?? 1), x);
  let hinge = relu(z);
  if (p === 2) hinge = mul(hinge, hinge);
  if (weight !== null) hinge = mul(hinge, reshape(indexSelect(weight, 0, reshape(y, [frames])), [frames, 1]));
  hinge = where(eq(reshape(arange(classes), [1, classes]), y), 0, hinge);
  const loss = div(sum(hinge, 1), classes);
  // one loss per sample, a 0-d one for a 0-d target
  if (reduction === "none") return target.dim() > 0 ? loss : reshape(loss, []);
  return reduce(loss, reduction);
}
