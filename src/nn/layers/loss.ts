import type { Tensor } from "../../tensor/tensor.js";
import * as L from "../loss-functions.js";
import { Module } from "../module.js";

/** A loss that keeps its class weight as a buffer, as PyTorch's `_WeightedLoss` does. */
abstract class WeightedLoss extends Module {
  readonly reduction: L.Reduction;

  constructor(weight: Tensor | null, reduction: L.Reduction) {
    super();
    this.reduction = reduction;
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
