/** CTCLoss, MultiLabelMarginLoss and TripletMarginWithDistanceLoss as layers (see their `F.` forms). */
import type { Tensor } from "../../tensor/tensor.js";
import { ctcLoss, type CtcLengths, type CtcLossOptions } from "../ctc-loss.js";
import type { Reduction, ReductionOptions } from "../loss-utils.js";
import { type DistanceFunction, multilabelMarginLoss, tripletMarginWithDistanceLoss } from "../margin-losses-extra.js";
import { Module } from "../module.js";
import { PairwiseDistance } from "./distance.js";

/**
 * The Connectionist Temporal Classification loss (blank 0, reduction "mean"
 * by default); `forward(logProbs, targets, inputLengths, targetLengths)`.
 *
 * @example
 * const ctc = new nn.CTCLoss({ zeroInfinity: true });
 * const loss = ctc.forward(logProbs, targets, inputLengths, targetLengths);
 */
export class CTCLoss extends Module {
  readonly blank: number;
  readonly reduction: Reduction;
  readonly zeroInfinity: boolean;

  constructor(options: CtcLossOptions = {}) {
    super();
    this.blank = options.blank ?? 0;
    this.reduction = options.reduction ?? "mean";
    this.zeroInfinity = options.zeroInfinity ?? false;
  }

  override forward(logProbs: Tensor, targets: Tensor, inputLengths: CtcLengths, targetLengths: CtcLengths): Tensor {
    return ctcLoss(logProbs, targets, inputLengths, targetLengths, { blank: this.blank, reduction: this.reduction, zeroInfinity: this.zeroInfinity });
  }
}

/**
 * Multi-class multi-label hinge loss against -1-terminated int32 class lists.
 *
 * @example
 * const loss = new nn.MultiLabelMarginLoss().forward(scores, torch.tensor([[3, 0, -1, 1]], { dtype: "int32" }));
 */
export class MultiLabelMarginLoss extends Module {
  readonly reduction: Reduction;

  constructor(options: ReductionOptions = {}) {
    super();
    this.reduction = options.reduction ?? "mean";
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return multilabelMarginLoss(input, target, { reduction: this.reduction });
  }
}

export interface TripletMarginWithDistanceLossLayerOptions extends ReductionOptions {
  /** A function or a module of two tensors (default: a `PairwiseDistance` module, registered as `distance_function`). */
  distanceFunction?: DistanceFunction | Module | null;
  /** The margin, which must be positive (default 1). */
  margin?: number;
  /** Uses the positive-negative distance where it is the smaller one (default false). */
  swap?: boolean;
}

/**
 * Triplet loss with any distance: `max(0, margin + d(a, p) - d(a, n))`.
 * Like PyTorch, a distance module (the default `PairwiseDistance` included)
 * is a child module named `distance_function`.
 *
 * @example
 * const l1 = (a: torch.Tensor, b: torch.Tensor) => a.sub(b).abs().sum(-1);
 * const loss = new nn.TripletMarginWithDistanceLoss({ distanceFunction: l1, margin: 0.5 }).forward(anchor, positive, negative);
 */
export class TripletMarginWithDistanceLoss extends Module {
  readonly reduction: Reduction;
  readonly margin: number;
  readonly swap: boolean;
  private readonly distance: DistanceFunction;

  constructor(options: TripletMarginWithDistanceLossLayerOptions = {}) {
    super();
    this.reduction = options.reduction ?? "mean";
    this.margin = options.margin ?? 1;
    this.swap = options.swap ?? false;
    // PyTorch 2.x's check
    if (this.margin <= 0) throw new Error(`TripletMarginWithDistanceLoss: expected margin to be greater than 0, got ${this.margin} instead`);
    const fn = options.distanceFunction ?? new PairwiseDistance();
    if (fn instanceof Module) {
      this.registerModule("distance_function", fn);
      this.distance = (a, b) => fn.forward(a, b) as Tensor;
    } else this.distance = fn;
  }

  /** The distance in use (a function; a module's is its forward). */
  get distanceFunction(): DistanceFunction {
    return this.distance;
  }

  override forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return tripletMarginWithDistanceLoss(anchor, positive, negative, { distanceFunction: this.distance, margin: this.margin, swap: this.swap, reduction: this.reduction });
  }
}
