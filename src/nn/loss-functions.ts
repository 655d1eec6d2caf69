/**
 * Losses of `nn.functional`, following PyTorch 2.x's formulas exactly,
 * including the weighted mean (divide by the summed weights of the counted
 * targets), `ignoreIndex`, and label smoothing with class weights.
 */
import { noGrad } from "../autograd/grad-mode-api.js";
import { needsGrad, record, shapeStr } from "../ops/core.js";
import { abs, add, clamp, div, eq, exp, ge, log, log1p, logicalNot, lt, mul, neg, rsub, sub, where } from "../ops/elementwise.js";
import { gather, indexSelect } from "../ops/indexing.js";
import { mean, sum } from "../ops/reduce.js";
import { nllLoss2d } from "../ops/nll.js";
import { logSoftmax } from "../ops/softmax.js";
import { reshape, unsqueeze, squeeze } from "../ops/views.js";
import type { Tensor } from "../tensor/tensor.js";

export type Reduction = "mean" | "sum" | "none";

export interface ReductionOptions {
  reduction?: Reduction;
}

export interface NllLossOptions extends ReductionOptions {
  /** A weight per class (1-d, C entries). */
  weight?: Tensor | null;
  /** Targets equal to this add nothing and are not counted in the mean. */
  ignoreIndex?: number;
}

export interface CrossEntropyOptions extends NllLossOptions {
  /** Mixes the target with the uniform distribution: `(1 - ε)·target + ε / C`. */
  labelSmoothing?: number;
}

function reduce(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === "none") return loss;
  if (reduction === "sum") return sum(loss);
  if (reduction === "mean") return mean(loss);
  throw new Error(`${String(reduction)} is not a valid value for reduction`);
}

/** `weight` reshaped to broadcast along the class dim (1) of an input of `ndim` dims. */
function classView(weight: Tensor, ndim: number): Tensor {
  return ndim === 1 ? weight : reshape(weight, Array.from({ length: ndim }, (_, i) => (i === 1 ? weight.numel() : 1)));
}

function checkTarget(input: Tensor, target: Tensor, op: string): void {
  if (target.dtype !== "int32") throw new Error(`${op}: expected target of dtype int32 (class indices), got ${target.dtype}`);
  const n = input.dim() === 1 ? [] : [input.shape[0]!, ...input.shape.slice(2)];
  if (target.shape.length !== n.length || target.shape.some((s, i) => s !== n[i])) {
    throw new Error(`${op}: Expected target size ${shapeStr(n)}, got ${shapeStr(target.shape)} (input ${shapeStr(input.shape)})`);
  }
}

/** Per-element pieces shared by nll and cross-entropy: picked log-prob, ignore mask, per-target weight. */
function pick(logp: Tensor, target: Tensor, weight: Tensor | null, ignoreIndex: number) {
  const C = logp.dim() === 1 ? logp.shape[0]! : logp.shape[1]!;
  const ignored = eq(target, ignoreIndex);
  const safe = where(ignored, 0, target);
  const flat = safe.toArray();
  for (const t of flat) if (t < 0 || t >= C) throw new Error(`Target ${t} is out of bounds.`);
  const classDim = logp.dim() === 1 ? 0 : 1;
  const picked = squeeze(gather(logp, classDim, unsqueeze(safe, classDim)), classDim);
  const keep = logicalNot(ignored).to(logp.dtype);
  const w = weight === null ? keep : mul(reshape(indexSelect(weight, 0, reshape(safe, [safe.numel()])), safe.shape), keep);
  return { picked, w, ignored, C };
}

/**
 * Negative log-likelihood of class-index targets given log-probabilities
 * `[N, C]`, `[N, C, d...]` or `[C]`.
 *
 * @example
 * const loss = F.nllLoss(F.logSoftmax(logits, 1), target);
 */
export function nllLoss(input: Tensor, target: Tensor, options: NllLossOptions = {}): Tensor {
  checkTarget(input, target, "nll_loss");
  const reduction = options.reduction ?? "mean";
  const weight = options.weight ?? null;
  // the common [N, C] case as one op (a differentiable weight needs the composed form)
  if (input.dim() === 2 && (reduction === "mean" || reduction === "sum" || reduction === "none") && !(weight?.requiresGrad ?? false) &&
    (input.dtype === "float32" || input.dtype === "float64") && (weight === null || weight.dtype === input.dtype)) {
    return nllLoss2d(input, target, weight, options.ignoreIndex ?? -100, reduction);
  }
  const { picked, w } = pick(input, target, options.weight ?? null, options.ignoreIndex ?? -100);
  const loss = neg(mul(picked, w));
  if (reduction === "mean") return div(sum(loss), sum(w));
  return reduce(loss, reduction);
}

/**
 * Cross-entropy of logits `[N, C, ...]` against class indices (int32) or class
 * probabilities (float, the input's shape), with PyTorch 2.x's weighting,
 * `ignoreIndex` and `labelSmoothing`.
 *
 * @example
 * const loss = F.crossEntropy(logits, labels, { labelSmoothing: 0.1 });
 */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const reduction = options.reduction ?? "mean";
  const eps = options.labelSmoothing ?? 0;
  if (eps < 0 || eps > 1) throw new Error(`label_smoothing must be between 0.0 and 1.0. Got: ${eps}`);
  const classDim = input.dim() === 1 ? 0 : 1;
  const logp = logSoftmax(input, classDim);
  const weight = options.weight ?? null;
  const C = input.shape[classDim]!;
  if (target.dtype !== "int32") {
    // class probabilities
    if (target.shape.length !== input.shape.length || target.shape.some((s, i) => s !== input.shape[i])) {
      throw new Error(`cross_entropy: expected probability target of shape ${shapeStr(input.shape)}, got ${shapeStr(target.shape)}`);
    }
    const probs = eps > 0 ? add(mul(target, 1 - eps), eps / C) : target;
    let prod = mul(logp, probs);
    if (weight !== null) prod = mul(prod, classView(weight, input.dim()));
    const loss = neg(sum(prod, classDim));
    if (reduction === "mean") return div(sum(loss), input.numel() / C);
    return reduce(loss, reduction);
  }
  const nll = nllLoss(logp, target, options);
  if (eps === 0) return nll;
  const { ignored, w } = pick(logp, target, weight, options.ignoreIndex ?? -100);
  let smooth = neg(sum(weight === null ? logp : mul(logp, classView(weight, input.dim())), classDim));
  smooth = where(ignored, 0, smooth);
  let ret: Tensor;
  if (reduction === "mean") {
    // PyTorch normalises by the weights of the counted targets (or their count)
    ret = div(sum(smooth), sum(w));
  } else ret = reduce(smooth, reduction);
  return add(mul(nll, 1 - eps), mul(ret, eps / C));
}

function checkSameShape(input: Tensor, target: Tensor, op: string): void {
  if (input.shape.length !== target.shape.length || input.shape.some((s, i) => s !== target.shape[i])) {
    throw new Error(`${op}: Using a target size (${shapeStr(target.shape)}) that is different to the input size (${shapeStr(input.shape)}) is not supported`);
  }
}

/**
 * Mean squared error.
 *
 * @example
 * const loss = F.mseLoss(pred, y);
 */
export function mseLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  checkSameShape(input, target, "mse_loss");
  const d = sub(input, target);
  return reduce(mul(d, d), options.reduction ?? "mean");
}

/** Mean absolute error. */
export function l1Loss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  checkSameShape(input, target, "l1_loss");
  return reduce(abs(sub(input, target)), options.reduction ?? "mean");
}

export interface BceWithLogitsOptions extends ReductionOptions {
  /** Rescales each element's loss. */
  weight?: Tensor | null;
  /** Weight of positive examples, broadcast along the last (class) dim. */
  posWeight?: Tensor | null;
}

/**
 * Binary cross-entropy on logits, stable for large |x|:
 * `(1 - y)·x + (1 + (pw - 1)·y)·softplus(-x)`.
 *
 * @example
 * const loss = F.binaryCrossEntropyWithLogits(logits, y);
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, options: BceWithLogitsOptions = {}): Tensor {
  checkSameShape(input, target, "binary_cross_entropy_with_logits");
  // softplus(-x) = log1p(exp(-|x|)) + max(-x, 0), with -|x| taken by branch so the
  // gradient at x = 0 is PyTorch's sigmoid(0) - 1 = -0.5 (abs and relu would give 0 there)
  const nonNeg = ge(input, 0);
  const negAbs = where(nonNeg, neg(input), input);
  const softplusNeg = add(log1p(exp(negAbs)), where(nonNeg, 0, neg(input)));
  const pw = options.posWeight ?? null;
  const logWeight = pw === null ? null : add(mul(sub(pw, 1), target), 1);
  let loss = add(mul(rsub(target, 1), input), logWeight === null ? softplusNeg : mul(logWeight, softplusNeg));
  if (options.weight != null) loss = mul(loss, options.weight);
  return reduce(loss, options.reduction ?? "mean");
}

export interface BceOptions extends ReductionOptions {
  /** Rescales each element's loss. */
  weight?: Tensor | null;
}

/**
 * Binary cross-entropy of probabilities in [0, 1]:
 * `-w·(y·log x + (1 - y)·log(1 - x))`, each log clamped at -100 as in
 * PyTorch, whose gradient `w·(x - y) / max(x·(1 - x), 1e-12)` it also keeps
 * (finite at x = 0 or 1, where the clamped formula's own would not be).
 * For logits, `binaryCrossEntropyWithLogits` is the stable choice.
 *
 * @example
 * const loss = F.binaryCrossEntropy(torch.sigmoid(logits), y);
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: BceOptions = {}): Tensor {
  checkSameShape(input, target, "binary_cross_entropy");
  for (const v of input.toArray()) {
    if (!(v >= 0 && v <= 1)) throw new Error("all elements of input should be between 0 and 1");
  }
  const weight = options.weight ?? null;
  const logs = (x: Tensor): [Tensor, Tensor] => [clamp(log(x), -100), clamp(log(rsub(x, 1)), -100)];
  const loss = noGrad(() => {
    const [logX, log1mX] = logs(input);
    const l = neg(add(mul(target, logX), mul(rsub(target, 1), log1mX)));
    return weight === null ? l : mul(l, weight);
  });
  if (needsGrad(input, target, weight)) {
    const gx = input._requiresGrad, gy = target._requiresGrad, gw = weight?._requiresGrad ?? false;
    // saved as PyTorch saves them (an in-place change before backward is an error); the closure holds flags only
    record("BinaryCrossEntropyBackward0", [input, target, weight], loss, ([g], [x, y, w]) => {
      const scaled = (t: Tensor) => (w === undefined ? t : mul(t, w));
      const [logX, log1mX] = gy || gw ? logs(x!) : [null, null];
      return [
        gx ? scaled(div(mul(g!, sub(x!, y!)), clamp(mul(x!, rsub(x!, 1)), 1e-12))) : null,
        gy ? scaled(mul(g!, sub(log1mX!, logX!))) : null,
        gw ? mul(g!, neg(add(mul(y!, logX!), mul(rsub(y!, 1), log1mX!)))) : null,
      ];
    }, weight === null ? [input, target] : [input, target, weight]);
  }
  return reduce(loss, options.reduction ?? "mean");
}

/**
 * Smooth L1: `0.5·d²/β` where |d| < β, `|d| - 0.5·β` elsewhere (L1 when β = 0).
 *
 * @example
 * const loss = F.smoothL1Loss(pred, y, { beta: 0.5 });
 */
export function smoothL1Loss(input: Tensor, target: Tensor, options: ReductionOptions & { beta?: number } = {}): Tensor {
  const beta = options.beta ?? 1;
  if (beta < 0) throw new Error("smooth_l1_loss does not support negative values for beta.");
  if (beta === 0) return l1Loss(input, target, options);
  checkSameShape(input, target, "smooth_l1_loss");
  const d = sub(input, target), a = abs(d);
  return reduce(where(lt(a, beta), div(mul(mul(d, d), 0.5), beta), sub(a, 0.5 * beta)), options.reduction ?? "mean");
}

/**
 * Huber: `0.5·d²` where |d| < δ, `δ·(|d| - 0.5·δ)` elsewhere.
 *
 * @example
 * const loss = F.huberLoss(pred, y, { delta: 2 });
 */
export function huberLoss(input: Tensor, target: Tensor, options: ReductionOptions & { delta?: number } = {}): Tensor {
  const delta = options.delta ?? 1;
  if (!(delta > 0)) throw new Error("huber_loss does not support non-positive values for delta.");
  checkSameShape(input, target, "huber_loss");
  const d = sub(input, target), a = abs(d);
  return reduce(where(lt(a, delta), mul(mul(d, d), 0.5), mul(sub(a, 0.5 * delta), delta)), options.reduction ?? "mean");
}
