import { noGrad } from "../../autograd/grad-mode-api.js";
import { ones, zeros } from "../../ops/factories.js";
import { squeeze, unsqueeze } from "../../ops/views.js";
import type { DType } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { batchNorm, groupNorm, layerNorm } from "../functional.js";
import { Module, pyFloat, pyTuple } from "../module.js";
import { instanceNorm, rmsNorm } from "../norm-functions.js";
import { localResponseNorm, type LocalResponseNormOptions } from "../local-response-norm.js";
import { Parameter } from "../parameter.js";

export interface BatchNormOptions {
  eps?: number;
  /** Running-average factor; `null` gives a cumulative moving average. */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
  dtype?: DType;
}

/**
 * What batch and instance norm share (PyTorch's `_NormBase`): the per-channel
 * weight and bias when `affine`, the running statistics as buffers under
 * PyTorch's names when `trackRunningStats`, and the repr.
 */
export abstract class NormBase extends Module {
  declare weight: Parameter | null;
  declare bias: Parameter | null;
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;

  constructor(numFeatures: number, options: BatchNormOptions, defaults: { affine: boolean; trackRunningStats: boolean }) {
    super();
    this.numFeatures = numFeatures;
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? defaults.affine;
    this.trackRunningStats = options.trackRunningStats ?? defaults.trackRunningStats;
    const dtype = options.dtype ?? "float32";
    this.registerParameter("weight", this.affine ? new Parameter(ones([numFeatures], { dtype })) : null);
    this.registerParameter("bias", this.affine ? new Parameter(zeros([numFeatures], { dtype })) : null);
    // PyTorch's buffer names, so state dicts load into PyTorch models
    this.registerBuffer("running_mean", this.trackRunningStats ? zeros([numFeatures], { dtype }) : null);
    this.registerBuffer("running_var", this.trackRunningStats ? ones([numFeatures], { dtype }) : null);
    this.registerBuffer("num_batches_tracked", this.trackRunningStats ? zeros([], { dtype: "int32" }) : null);
  }

  /**
   * As PyTorch's norm layers: a checkpoint without num_batches_tracked (an older
   * one, or any without version metadata, such as a safetensors file) loads, and
   * the count stays as it is.
   */
  override _optionalStateKeys(): readonly string[] {
    return ["num_batches_tracked"];
  }

  /** The buffers under their camelCase names. */
  get runningMean(): Tensor | null {
    return this._buffers.get("running_mean") ?? null;
  }

  get runningVar(): Tensor | null {
    return this._buffers.get("running_var") ?? null;
  }

  get numBatchesTracked(): Tensor | null {
    return this._buffers.get("num_batches_tracked") ?? null;
  }

  resetRunningStats(): void {
    noGrad(() => {
      this.runningMean?.zero_();
      this.runningVar?.fill_(1);
      this.numBatchesTracked?.zero_();
    });
  }

  protected abstract checkInputDim(input: Tensor): void;

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${this.momentum === null ? "None" : pyFloat(this.momentum)}, affine=${this.affine ? "True" : "False"}, track_running_stats=${this.trackRunningStats ? "True" : "False"}`;
  }
}

/**
 * Shared body of BatchNorm1d/2d. In training mode it normalises with the
 * batch statistics and updates the running ones; in eval mode it uses the
 * running ones. Only `train()`/`eval()` choose: the grad mode does not (rule 6).
 */
export abstract class BatchNormBase extends NormBase {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, options, { affine: true, trackRunningStats: true });
  }

  override forward(input: Tensor): Tensor {
    this.checkInputDim(input);
    let factor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats && this.numBatchesTracked !== null) {
      noGrad(() => this.numBatchesTracked!.add_(1));
      factor = this.momentum ?? 1 / this.numBatchesTracked.item();
    }
    const useBatchStats = this.training || this.runningMean === null;
    return batchNorm(input, useBatchStats && !this.training ? null : this.runningMean, useBatchStats && !this.training ? null : this.runningVar, {
      weight: this.weight,
      bias: this.bias,
      training: useBatchStats,
      momentum: factor,
      eps: this.eps,
    });
  }
}

/**
 * Batch normalisation of `[N, C]` or `[N, C, L]` input.
 *
 * @example
 * const bn = new nn.BatchNorm1d(16);
 */
export class BatchNorm1d extends BatchNormBase {
  protected checkInputDim(input: Tensor): void {
    if (input.dim() !== 2 && input.dim() !== 3) throw new Error(`expected 2D or 3D input (got ${input.dim()}D input)`);
  }
}

/**
 * Batch normalisation of `[N, C, H, W]` input.
 *
 * @example
 * const bn = new nn.BatchNorm2d(8);
 */
export class BatchNorm2d extends BatchNormBase {
  protected checkInputDim(input: Tensor): void {
    if (input.dim() !== 4) throw new Error(`expected 4D input (got ${input.dim()}D input)`);
  }
}

export interface LayerNormOptions {
  eps?: number;
  elementwiseAffine?: boolean;
  bias?: boolean;
  dtype?: DType;
}

/**
 * Normalises over the trailing `normalizedShape` dims.
 *
 * @example
 * const ln = new nn.LayerNorm(16); // or new nn.LayerNorm([4, 4])
 */
export class LayerNorm extends Module {
  declare weight: Parameter | null;
  declare bias: Parameter | null;
  readonly normalizedShape: number[];
  readonly eps: number;

  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
    this.eps = options.eps ?? 1e-5;
    const dtype = options.dtype ?? "float32";
    const affine = options.elementwiseAffine ?? true;
    this.registerParameter("weight", affine ? new Parameter(ones(this.normalizedShape, { dtype })) : null);
    this.registerParameter("bias", affine && (options.bias ?? true) ? new Parameter(zeros(this.normalizedShape, { dtype })) : null);
  }

  override forward(input: Tensor): Tensor {
    return layerNorm(input, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${this.weight !== null ? "True" : "False"}`;
  }
}

export interface GroupNormOptions {
  eps?: number;
  /** Learnable per-channel weight (ones) and bias (zeros); default true. */
  affine?: boolean;
  dtype?: DType;
}

/**
 * Group normalisation over `[N, C, *]`: channels in `numGroups` groups, each
 * normalised per sample; independent of the batch, so the same in training
 * and evaluation.
 *
 * @example
 * const gn = new nn.GroupNorm(4, 32);
 */
export class GroupNorm extends Module {
  declare weight: Parameter | null;
  declare bias: Parameter | null;
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;

  constructor(numGroups: number, numChannels: number, options: GroupNormOptions = {}) {
    super();
    if (numChannels % numGroups !== 0) throw new Error("num_channels must be divisible by num_groups");
    this.numGroups = numGroups;
    this.numChannels = numChannels;
    this.eps = options.eps ?? 1e-5;
    const dtype = options.dtype ?? "float32";
    const affine = options.affine ?? true;
    this.registerParameter("weight", affine ? new Parameter(ones([numChannels], { dtype })) : null);
    this.registerParameter("bias", affine ? new Parameter(zeros([numChannels], { dtype })) : null);
  }

  override forward(input: Tensor): Tensor {
    return groupNorm(input, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${this.weight !== null ? "True" : "False"}`;
  }
}

/**
 * Options of InstanceNorm1d/2d: those of batch norm, but `affine` and
 * `trackRunningStats` default to false. `momentum: null` leaves the running
 * statistics as they are (PyTorch 2.x passes it on as 0).
 */
export type InstanceNormLayerOptions = BatchNormOptions;

/**
 * Shared body of InstanceNorm1d/2d (PyTorch's `_InstanceNorm`): each sample's
 * channels are normalised by their own statistics, in training and in eval
 * mode alike, unless `trackRunningStats` is set, when eval mode uses the
 * running statistics instead. Unbatched input (no batch dim) works too.
 */
export abstract class InstanceNormBase extends NormBase {
  /** The number of dims of an unbatched input. */
  protected abstract readonly noBatchDim: number;

  constructor(numFeatures: number, options: InstanceNormLayerOptions = {}) {
    super(numFeatures, options, { affine: false, trackRunningStats: false });
  }

  override forward(input: Tensor): Tensor {
    this.checkInputDim(input);
    const featureDim = input.dim() - this.noBatchDim;
    // (PyTorch only warns about a mismatch without affine: nothing then depends on numFeatures)
    if (this.affine && input.shape[featureDim] !== this.numFeatures) {
      throw new Error(`expected input's size at dim=${featureDim} to match num_features (${this.numFeatures}), but got: ${input.shape[featureDim]}.`);
    }
    if (input.dim() === this.noBatchDim) return squeeze(this.normalize(unsqueeze(input, 0)), 0);
    return this.normalize(input);
  }

  private normalize(input: Tensor): Tensor {
    return instanceNorm(input, {
      runningMean: this.runningMean,
      runningVar: this.runningVar,
      weight: this.weight,
      bias: this.bias,
      useInputStats: this.training || !this.trackRunningStats,
      momentum: this.momentum ?? 0,
      eps: this.eps,
    });
  }
}

/**
 * Instance normalisation of `[N, C, L]` or unbatched `[C, L]` input.
 *
 * @example
 * const norm = new nn.InstanceNorm1d(16, { affine: true });
 */
export class InstanceNorm1d extends InstanceNormBase {
  protected readonly noBatchDim = 2;

  protected checkInputDim(input: Tensor): void {
    if (input.dim() !== 2 && input.dim() !== 3) throw new Error(`expected 2D or 3D input (got ${input.dim()}D input)`);
  }
}

/**
 * Instance normalisation of `[N, C, H, W]` or unbatched `[C, H, W]` input.
 *
 * @example
 * const norm = new nn.InstanceNorm2d(8);
 */
export class InstanceNorm2d extends InstanceNormBase {
  protected readonly noBatchDim = 3;

  protected checkInputDim(input: Tensor): void {
    if (input.dim() !== 3 && input.dim() !== 4) throw new Error(`expected 3D or 4D input (got ${input.dim()}D input)`);
  }
}

export interface RMSNormLayerOptions {
  /** Added to the mean square; default (null) the machine epsilon of the input's dtype, as PyTorch 2.x. */
  eps?: number | null;
  /** A learnable elementwise `weight` (ones); default true. */
  elementwiseAffine?: boolean;
  dtype?: DType;
}

/**
 * Root-mean-square normalisation over the trailing `normalizedShape` dims,
 * as PyTorch 2.4's `nn.RMSNorm`: `x / sqrt(mean(x²) + eps) · weight`.
 *
 * @example
 * const norm = new nn.RMSNorm(16); // or new nn.RMSNorm([4, 4], { eps: 1e-6 })
 */
export class RMSNorm extends Module {
  declare weight: Parameter | null;
  readonly normalizedShape: number[];
  readonly eps: number | null;
  readonly elementwiseAffine: boolean;

  constructor(normalizedShape: number | readonly number[], options: RMSNormLayerOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
    this.eps = options.eps ?? null;
    this.elementwiseAffine = options.elementwiseAffine ?? true;
    this.registerParameter("weight", this.elementwiseAffine ? new Parameter(ones(this.normalizedShape, { dtype: options.dtype ?? "float32" })) : null);
  }

  override forward(input: Tensor): Tensor {
    return rmsNorm(input, this.normalizedShape, { weight: this.weight, eps: this.eps });
  }

  override extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${this.eps === null ? "None" : pyFloat(this.eps)}, elementwise_affine=${this.elementwiseAffine ? "True" : "False"}`;
  }
}

/**
 * Local response normalisation over neighbouring channels (see `F.localResponseNorm`).
 *
 * @example
 * const lrn = new nn.LocalResponseNorm(5, { alpha: 1e-4, beta: 0.75, k: 2 });
 */
export class LocalResponseNorm extends Module {
  readonly alpha: number;
  readonly beta: number;
  readonly k: number;

  constructor(readonly size: number, options: LocalResponseNormOptions = {}) {
    super();
    ({ alpha: this.alpha = 1e-4, beta: this.beta = 0.75, k: this.k = 1 } = options);
  }

  override forward(input: Tensor): Tensor {
    return localResponseNorm(input, this.size, { alpha: this.alpha, beta: this.beta, k: this.k });
  }

  override extraRepr(): string {
    return `${this.size}, alpha=${pyFloat(this.alpha)}, beta=${pyFloat(this.beta)}, k=${pyFloat(this.k)}`;
  }
}
