import { shapeStr } from "../../ops/core.js";
import type { Tensor } from "../../tensor/tensor.js";
import * as L from "../loss-functions.js";
import * as M from "../margin-losses.js";
import { Module } from "../module.js";

/** A loss with PyTorch's `reduction` attribute (its `_Loss`). */
abstract class Loss<R extends string = L.Reduction> extends Module {
  readonly reduction: R;

  constructor(reduction: R) {
    super();
    this.reduction = reduction;
  }
}

/** A loss that keeps its class weight as a buffer, as PyTorch's `_WeightedLoss` does. */
abstract class WeightedLoss extends Loss {
  constructor(weight: Tensor | null, reduction: L.Reduction) {
    super(reduction);
    this.registerBuffer("weight", weight);
  }

  get weight(): Tensor | null {
    return this._buffers.get("weight") ?? null;
  }
}

/**
 * Cross-entropy of logits against class indices or probabilities.
 *
 * @example
 * const lossFn = new nn.CrossEntropyLoss({ labelSmoothing: 0.1 });
 * const loss = lossFn.forward(logits, labels);
 */
export class CrossEntropyLoss extends WeightedLoss {
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;

  constructor(options: { weight?: Tensor | null; ignoreIndex?: number; reduction?: L.Reduction; labelSmoothing?: number } = {}) {
    super(options.weight ?? null, options.reduction ?? "mean");
    this.ignoreIndex = options.ignoreIndex ?? -100;
    this.labelSmoothing = options.labelSmoothing ?? 0;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return L.crossEntropy(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction, labelSmoothing: this.labelSmoothing });
  }
}

/**
 * Negative log-likelihood of log-probabilities.
 *
 * @example
 * const loss = new nn.NLLLoss().forward(F.logSoftmax(logits, 1), labels);
 */
export class NLLLoss extends WeightedLoss {
  readonly ignoreIndex: number;

  constructor(options: { weight?: Tensor | null; ignoreIndex?: number; reduction?: L.Reduction } = {}) {
    super(options.weight ?? null, options.reduction ?? "mean");
    this.ignoreIndex = options.ignoreIndex ?? -100;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return L.nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

/**
 * Binary cross-entropy on logits, optionally with `posWeight`.
 *
 * @example
 * const loss = new nn.BCEWithLogitsLoss({ posWeight: torch.tensor([3]) }).forward(logits, y);
 */
export class BCEWithLogitsLoss extends WeightedLoss {
  constructor(options: { weight?: Tensor | null; posWeight?: Tensor | null; reduction?: L.Reduction } = {}) {
    super(options.weight ?? null, options.reduction ?? "mean");
    this.registerBuffer("pos_weight", options.posWeight ?? null);
  }

  get posWeight(): Tensor | null {
    return this._buffers.get("pos_weight") ?? null;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return L.binaryCrossEntropyWithLogits(input, target, { weight: this.weight, posWeight: this.posWeight, reduction: this.reduction });
  }
}

/** Mean squared error. @example new nn.MSELoss().forward(pred, y) */
export class MSELoss extends Module {
  constructor(readonly options: { reduction?: L.Reduction } = {}) {
    super();
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return L.mseLoss(input, target, this.options);
  }
}

/** Mean absolute error. @example new nn.L1Loss().forward(pred, y) */
export class L1Loss extends Module {
  constructor(readonly options: { reduction?: L.Reduction } = {}) {
    super();
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return L.l1Loss(input, target, this.options);
  }
}

/**
 * Binary cross-entropy of probabilities (after a sigmoid).
 *
 * @example
 * const loss = new nn.BCELoss().forward(torch.sigmoid(logits), y);
 */
export class BCELoss extends WeightedLoss {
  constructor(options: { weight?: Tensor | null; reduction?: L.Reduction } = {}) {
    super(options.weight ?? null, options.reduction ?? "mean");
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return L.binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/** Smooth L1 with threshold `beta`. @example new nn.SmoothL1Loss({ beta: 0.5 }).forward(pred, y) */
export class SmoothL1Loss extends Module {
  constructor(readonly options: { reduction?: L.Reduction; beta?: number } = {}) {
    super();
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return L.smoothL1Loss(input, target, this.options);
  }
}

/** Huber loss with threshold `delta`. @example new nn.HuberLoss({ delta: 2 }).forward(pred, y) */
export class HuberLoss extends Module {
  constructor(readonly options: { reduction?: L.Reduction; delta?: number } = {}) {
    super();
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return L.huberLoss(input, target, this.options);
  }
}

/**
 * Kullback-Leibler divergence of the target from log-probabilities;
 * `reduction: "batchmean"` gives the mathematical KL divergence.
 *
 * @example
 * const loss = new nn.KLDivLoss({ reduction: "batchmean" }).forward(F.logSoftmax(logits, 1), probs);
 */
export class KLDivLoss extends Loss<L.KlDivReduction> {
  readonly logTarget: boolean;

  constructor(options: L.KlDivOptions = {}) {
    super(options.reduction ?? "mean");
    this.logTarget = options.logTarget ?? false;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return L.klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}

/**
 * Ranking loss of two scores against targets ±1 (margin 0 by default).
 *
 * @example
 * const loss = new nn.MarginRankingLoss({ margin: 0.5 }).forward(scoreA, scoreB, y);
 */
export class MarginRankingLoss extends Loss {
  readonly margin: number;

  constructor(options: M.MarginOptions = {}) {
    super(options.reduction ?? "mean");
    this.margin = options.margin ?? 0;
  }

  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return M.marginRankingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
}

/**
 * Hinge embedding loss of distances against targets ±1 (margin 1 by default).
 *
 * @example
 * const loss = new nn.HingeEmbeddingLoss().forward(distances, y);
 */
export class HingeEmbeddingLoss extends Loss {
  readonly margin: number;

  constructor(options: M.MarginOptions = {}) {
    super(options.reduction ?? "mean");
    this.margin = options.margin ?? 1;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return M.hingeEmbeddingLoss(input, target, { margin: this.margin, reduction: this.reduction });
  }
}

/** Two-class logistic loss against targets ±1. @example new nn.SoftMarginLoss().forward(scores, y) */
export class SoftMarginLoss extends Loss {
  constructor(options: L.ReductionOptions = {}) {
    super(options.reduction ?? "mean");
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return M.softMarginLoss(input, target, { reduction: this.reduction });
  }
}

/**
 * Cosine embedding loss of pairs against targets ±1 (margin 0 by default).
 *
 * @example
 * const loss = new nn.CosineEmbeddingLoss({ margin: 0.2 }).forward(a, b, y);
 */
export class CosineEmbeddingLoss extends Loss {
  readonly margin: number;

  constructor(options: M.MarginOptions = {}) {
    super(options.reduction ?? "mean");
    this.margin = options.margin ?? 0;
  }

  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return M.cosineEmbeddingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
}

/**
 * Triplet loss with `pairwiseDistance` (margin 1, p 2, eps 1e-6 by default).
 *
 * @example
 * const loss = new nn.TripletMarginLoss({ margin: 0.3, swap: true }).forward(anchor, positive, negative);
 */
export class TripletMarginLoss extends Loss {
  readonly margin: number;
  readonly p: number;
  readonly eps: number;
  readonly swap: boolean;

  constructor(options: M.TripletMarginLossOptions = {}) {
    super(options.reduction ?? "mean");
    this.margin = options.margin ?? 1;
    this.p = options.p ?? 2;
    this.eps = options.eps ?? 1e-6;
    this.swap = options.swap ?? false;
  }

  override forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return M.tripletMarginLoss(anchor, positive, negative, { margin: this.margin, p: this.p, eps: this.eps, swap: this.swap, reduction: this.reduction });
  }
}

/**
 * Multi-label one-versus-all logistic loss; the class weight is a buffer.
 *
 * @example
 * const loss = new nn.MultiLabelSoftMarginLoss().forward(logits, labels01);
 */
export class MultiLabelSoftMarginLoss extends WeightedLoss {
  constructor(options: M.MultilabelSoftMarginLossOptions = {}) {
    super(options.weight ?? null, options.reduction ?? "mean");
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return M.multilabelSoftMarginLoss(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/**
 * Multi-class hinge loss against class indices (p 1, margin 1 by default);
 * the class weight is a buffer.
 *
 * @example
 * const loss = new nn.MultiMarginLoss({ p: 2 }).forward(scores, labels);
 */
export class MultiMarginLoss extends WeightedLoss {
  readonly p: number;
  readonly margin: number;

  constructor(options: M.MultiMarginLossOptions = {}) {
    super(options.weight ?? null, options.reduction ?? "mean");
    this.p = options.p ?? 1;
    this.margin = options.margin ?? 1;
    if (this.p !== 1 && this.p !== 2) throw new Error("only p == 1 and p == 2 supported");
    if (this.weight !== null && this.weight.dim() !== 1) throw new Error(`weight must be one-dimensional (MultiMarginLoss: weight ${shapeStr(this.weight.shape)})`);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return M.multiMarginLoss(input, target, { p: this.p, margin: this.margin, weight: this.weight, reduction: this.reduction });
  }
}

/**
 * Poisson negative log-likelihood of counts (log rates by default).
 *
 * @example
 * const loss = new nn.PoissonNLLLoss({ full: true }).forward(logRate, counts);
 */
export class PoissonNLLLoss extends Loss {
  readonly logInput: boolean;
  readonly full: boolean;
  readonly eps: number;

  constructor(options: L.PoissonNllLossOptions = {}) {
    super(options.reduction ?? "mean");
    this.logInput = options.logInput ?? true;
    this.full = options.full ?? false;
    this.eps = options.eps ?? 1e-8;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return L.poissonNllLoss(input, target, { logInput: this.logInput, full: this.full, eps: this.eps, reduction: this.reduction });
  }
}

/**
 * Gaussian negative log-likelihood of targets given means and variances;
 * `forward(input, target, variance)`.
 *
 * @example
 * const loss = new nn.GaussianNLLLoss().forward(mean, y, variance);
 */
export class GaussianNLLLoss extends Loss {
  readonly full: boolean;
  readonly eps: number;

  constructor(options: L.GaussianNllLossOptions = {}) {
    super(options.reduction ?? "mean");
    this.full = options.full ?? false;
    this.eps = options.eps ?? 1e-6;
  }

  override forward(input: Tensor, target: Tensor, variance: Tensor | number): Tensor {
    return L.gaussianNllLoss(input, target, variance, { full: this.full, eps: this.eps, reduction: this.reduction });
  }
}
