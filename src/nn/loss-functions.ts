/**
 * Losses of `nn.functional`, following PyTorch 2.x's formulas exactly,
 * including the weighted mean (divide by the summed weights of the counted
 * targets), `ignoreIndex`, and label smoothing with class weights. The margin
 * and embedding losses live in margin-losses.ts.
 */
import { noGrad } from "../autograd/grad-mode-api.js";
import { needsGrad, record, shapeStr } from "../ops/core.js";
import { abs, add, clamp, div, eq, exp, le, log, logicalNot, lt, mul, neg, rsub, sub, where } from "../ops/elementwise.js";
import { fullLike } from "../ops/factories.js";
import { gather, indexSelect } from "../ops/indexing.js";
import { any, sum } from "../ops/reduce.js";
import { nllLoss2d } from "../ops/nll.js";
import { logSoftmax } from "../ops/softmax.js";
import { reshape, unsqueeze, squeeze } from "../ops/views.js";
import { isFloating } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { broadcastAll, checkReduction, checkTargetBroadcasts, clampMinWithoutGrad, reduce, sameShape, softplusOfNeg, type Reduction, type ReductionOptions } from "./loss-utils.js";

export type { Reduction, ReductionOptions } from "./loss-utils.js";

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
  if (reduction === "mean") return meanOverCounted(loss, w);
  return reduce(loss, reduction);
}

/**
 * PyTorch's mean over the counted targets, `sum(loss) / sum(w)`. With none
 * counted (every target ignored) the loss is NaN, as PyTorch's 0 / 0, but the
 * gradient is zero, as PyTorch's: dividing by the zero sum would give 0 · inf.
 */
function meanOverCounted(loss: Tensor, w: Tensor): Tensor {
  const total = sum(w);
  return total.item() !== 0 ? div(sum(loss), total) : add(mul(sum(loss), 0), NaN);
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
    if ((options.ignoreIndex ?? -100) >= 0) throw new Error("ignore_index is not supported for floating point target (cross_entropy)");
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
    ret = meanOverCounted(smooth, w);
  } else ret = reduce(smooth, reduction);
  return add(mul(nll, 1 - eps), mul(ret, eps / C));
}

/**
 * Mean squared error.
 *
 * @example
 * const loss = F.mseLoss(pred, y);
 */
export function mseLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  checkTargetBroadcasts(input, target, "mse_loss");
  const d = sub(input, target);
  return reduce(mul(d, d), options.reduction ?? "mean");
}

/** Mean absolute error. */
export function l1Loss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  checkTargetBroadcasts(input, target, "l1_loss");
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
  if (!sameShape(input.shape, target.shape)) {
    throw new Error(`Target size (${shapeStr(target.shape)}) must be the same as input size (${shapeStr(input.shape)})`);
  }
  const softplusNeg = softplusOfNeg(input);
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
  if (!sameShape(input.shape, target.shape)) {
    throw new Error(
      `Using a target size (${shapeStr(target.shape)}) that is different to the input size (${shapeStr(input.shape)}) is deprecated. ` +
        "Please ensure they have the same size.",
    );
  }
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
      const [logX, log1mX] = gw ? logs(x!) : [null, null];
      return [
        gx ? scaled(div(mul(g!, sub(x!, y!)), clamp(mul(x!, rsub(x!, 1)), 1e-12))) : null,
        // -logit(x), unclamped as PyTorch's binary_cross_entropy_target_backward: ±inf at x = 0 / 1
        gy ? scaled(mul(g!, sub(log(rsub(x!, 1)), log(x!)))) : null,
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
  checkTargetBroadcasts(input, target, "smooth_l1_loss");
  if (beta < 0) throw new Error("smooth_l1_loss does not support negative values for beta.");
  if (beta === 0) return l1Loss(input, target, options);
  const d = sub(input, target), a = abs(d), q = clampToBand(d, beta);
  return reduce(where(lt(a, beta), div(mul(mul(q, q), 0.5), beta), sub(a, 0.5 * beta)), options.reduction ?? "mean");
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
  checkTargetBroadcasts(input, target, "huber_loss");
  const d = sub(input, target), a = abs(d), q = clampToBand(d, delta);
  return reduce(where(lt(a, delta), mul(mul(q, q), 0.5), mul(sub(a, 0.5 * delta), delta)), options.reduction ?? "mean");
}

/**
 * `d` clamped into [-w, w] for the quadratic branch of smooth L1 / Huber: it
 * equals d wherever that branch is taken, and elsewhere keeps an infinite d
 * from turning the unused branch's zero gradient into 0 · inf = NaN.
 */
function clampToBand(d: Tensor, w: number): Tensor {
  return clamp(d, -w, w);
}

/** `reduction` of `klDiv`: the three of every loss, and `"batchmean"` (the sum divided by the batch size). */
export type KlDivReduction = Reduction | "batchmean";

export interface KlDivOptions {
  reduction?: KlDivReduction;
  /** Whether `target` holds log-probabilities (default false: probabilities). */
  logTarget?: boolean;
}

/** `x·log(y)`, 0 where x is 0 (as torch.xlogy; NaN stays NaN). */
function xlogy(x: Tensor, y: Tensor): Tensor {
  return where(eq(x, 0), 0, mul(x, log(y)));
}

/**
 * Kullback-Leibler divergence of `target` from the distribution whose
 * log-probabilities are `input`: `target·(log(target) - input)` per element,
 * or `exp(target)·(target - input)` with `logTarget`. PyTorch 2.x's
 * definition (through xlogy: a target of 0 adds 0; its target gradient is
 * NaN there, as in 2.x). `"batchmean"` divides the sum by `input.shape[0]`,
 * which is the mathematical KL divergence; `"mean"` divides by every element
 * (PyTorch warns about that; torchlet does not).
 *
 * @example
 * const loss = F.klDiv(F.logSoftmax(logits, 1), probs, { reduction: "batchmean" });
 */
export function klDiv(input: Tensor, target: Tensor, options: KlDivOptions = {}): Tensor {
  const reduction = options.reduction ?? "mean";
  if (reduction !== "batchmean") checkReduction(reduction);
  if (!isFloating(input.dtype) || !isFloating(target.dtype)) throw new Error(`kl_div: Integral inputs not supported. (input ${input.dtype}, target ${target.dtype})`);
  broadcastAll("kl_div", input.shape, target.shape);
  const loss = (options.logTarget ?? false) ? mul(exp(target), sub(target, input)) : sub(xlogy(target, target), mul(target, input));
  if (reduction !== "batchmean") return reduce(loss, reduction);
  return input.dim() === 0 ? sum(loss) : div(sum(loss), input.shape[0]!);
}

export interface PoissonNllLossOptions extends ReductionOptions {
  /** Whether `input` is the log of the rate (default true) or the rate itself. */
  logInput?: boolean;
  /** Adds Stirling's approximation of `log(target!)` where target > 1 (default false). */
  full?: boolean;
  /** Added to the rate before its log when `logInput` is false (default 1e-8). */
  eps?: number;
}

/**
 * Negative log-likelihood of counts `target` under Poisson rates:
 * `exp(input) - target·input` (log rates, the default) or
 * `input - target·log(input + eps)`; `full` adds
 * `target·log(target) - target + ½·log(2π·target)` where target > 1.
 *
 * @example
 * const loss = F.poissonNllLoss(logRate, counts, { full: true });
 */
export function poissonNllLoss(input: Tensor, target: Tensor, options: PoissonNllLossOptions = {}): Tensor {
  const reduction = options.reduction ?? "mean";
  checkReduction(reduction);
  broadcastAll("poisson_nll_loss", input.shape, target.shape);
  let loss = (options.logInput ?? true) ? sub(exp(input), mul(target, input)) : sub(input, mul(target, log(add(input, options.eps ?? 1e-8))));
  if (options.full ?? false) {
    const stirling = add(sub(mul(target, log(target)), target), mul(log(mul(target, 2 * Math.PI)), 0.5));
    loss = add(loss, where(le(target, 1), 0, stirling));
  }
  return reduce(loss, reduction);
}

export interface GaussianNllLossOptions extends ReductionOptions {
  /** Adds the constant `½·log(2π)` (default false). */
  full?: boolean;
  /** The variance is clamped to at least this (default 1e-6). */
  eps?: number;
}

/**
 * Negative log-likelihood of `target` under Gaussians of mean `input` and
 * variance `variance`: `½·(log(max(var, eps)) + (input - target)² / max(var, eps))`.
 * The variance follows PyTorch 2.x's rules: the input's shape, one dim
 * short of it (a trailing 1 is added), the input's rank with exactly one dim
 * of size 1 where the input's differs, or a number for every element. The
 * clamp to eps is invisible to autograd, as in PyTorch (a clamped variance
 * still gets its gradient).
 *
 * @example
 * const loss = F.gaussianNllLoss(mean, y, variance);
 */
export function gaussianNllLoss(input: Tensor, target: Tensor, variance: Tensor | number, options: GaussianNllLossOptions = {}): Tensor {
  const reduction = options.reduction ?? "mean";
  let v: Tensor;
  if (typeof variance === "number") {
    if (variance < 0) throw new Error("var has negative entry/entries");
    v = fullLike(input, variance);
  } else {
    if (any(lt(variance, 0)).item()) throw new Error("var has negative entry/entries");
    v = variance;
  }
  if (!sameShape(v.shape, input.shape)) {
    if (sameShape(input.shape.slice(0, -1), v.shape)) v = unsqueeze(v, -1);
    else if (v.dim() !== input.dim() || v.shape.reduce((n, s, i) => (s === input.shape[i] ? n : n + s), 0) !== 1) {
      throw new Error(`var is of incorrect size (gaussian_nll_loss: input ${shapeStr(input.shape)}, var ${shapeStr(v.shape)})`);
    }
  }
  checkReduction(reduction, true);
  const clamped = clampMinWithoutGrad(v, options.eps ?? 1e-6);
  const d = sub(input, target);
  let loss = mul(add(log(clamped), div(mul(d, d), clamped)), 0.5);
  if (options.full ?? false) loss = add(loss, 0.5 * Math.log(2 * Math.PI));
  return reduce(loss, reduction);
}
