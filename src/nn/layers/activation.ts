import { full } from "../../ops/factories.js";
import { flatten, reshape } from "../../ops/views.js";
import { normalizeDim, type Tensor } from "../../tensor/tensor.js";
import {
  celu, dropout, elu, gelu, glu, hardsigmoid, hardswish, hardtanh, type InplaceOption, leakyRelu, logSoftmax, logsigmoid, mish, prelu,
  relu, rrelu, selu, sigmoid, silu, softmax, softmin, softplus, softsign, tanh, tanhshrink, threshold, softshrink, hardshrink,
} from "../functional.js";
import { Module, pyFloat, pyTuple } from "../module.js";
import { Parameter } from "../parameter.js";

/**
 * An activation whose only option is `inplace`: PyTorch's repr shows
 * `inplace=True` when it is set and nothing otherwise.
 */
abstract class InplaceActivation extends Module {
  readonly inplace: boolean;

  constructor(options: InplaceOption = {}) {
    super();
    this.inplace = options.inplace ?? false;
  }

  override extraRepr(): string {
    return this.inplace ? "inplace=True" : "";
  }
}

/** `max(x, 0)`; with `inplace`, written over the input (`input.relu_()`). @example new nn.ReLU({ inplace: true }).forward(x) */
export class ReLU extends InplaceActivation {
  override forward(input: Tensor): Tensor {
    return this.inplace ? input.relu_() : relu(input);
  }
}

/** `x` where positive, `negativeSlope * x` elsewhere. @example new nn.LeakyReLU(0.2).forward(x) */
export class LeakyReLU extends Module {
  readonly inplace: boolean;

  constructor(readonly negativeSlope = 0.01, options: InplaceOption = {}) {
    super();
    this.inplace = options.inplace ?? false;
  }

  override forward(input: Tensor): Tensor {
    return leakyRelu(input, this.negativeSlope, { inplace: this.inplace });
  }

  override extraRepr(): string {
    return `negative_slope=${this.negativeSlope}${inplaceSuffix(this.inplace)}`;
  }
}

/** `x` where positive, `alpha·(exp(x) - 1)` elsewhere. @example new nn.ELU().forward(x) */
export class ELU extends Module {
  readonly inplace: boolean;

  constructor(readonly alpha = 1, options: InplaceOption = {}) {
    super();
    this.inplace = options.inplace ?? false;
  }

  override forward(input: Tensor): Tensor {
    return elu(input, this.alpha, { inplace: this.inplace });
  }

  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}${inplaceSuffix(this.inplace)}`;
  }
}

/** `log(1 + exp(beta·x)) / beta` (linear past `threshold`). @example new nn.Softplus().forward(x) */
export class Softplus extends Module {
  constructor(readonly options: { beta?: number; threshold?: number } = {}) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return softplus(input, this.options);
  }

  override extraRepr(): string {
    return `beta=${pyFloat(this.options.beta ?? 1)}, threshold=${pyFloat(this.options.threshold ?? 20)}`;
  }
}

/** `x * sigmoid(x)`. @example new nn.SiLU().forward(x) */
export class SiLU extends InplaceActivation {
  override forward(input: Tensor): Tensor {
    return silu(input, { inplace: this.inplace });
  }
}

/**
 * GELU, exact (erf) by default or `"tanh"`-approximated.
 *
 * @example
 * const act = new nn.GELU({ approximate: "tanh" });
 */
export class GELU extends Module {
  readonly approximate: "none" | "tanh";

  constructor(options: { approximate?: "none" | "tanh" } = {}) {
    super();
    this.approximate = options.approximate ?? "none";
  }

  override forward(input: Tensor): Tensor {
    return gelu(input, { approximate: this.approximate });
  }

  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/** @example new nn.Tanh().forward(x) */
export class Tanh extends Module {
  override forward(input: Tensor): Tensor {
    return tanh(input);
  }
}

/** @example new nn.Sigmoid().forward(x) */
export class Sigmoid extends Module {
  override forward(input: Tensor): Tensor {
    return sigmoid(input);
  }
}

/** Softmax along `dim`. @example new nn.Softmax(1).forward(logits) */
export class Softmax extends Module {
  constructor(readonly dim: number) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return softmax(input, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** logSoftmax along `dim`. @example new nn.LogSoftmax(1).forward(logits) */
export class LogSoftmax extends Module {
  constructor(readonly dim: number) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return logSoftmax(input, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/**
 * `x` clamped into `[minVal, maxVal]` (gradient 0 at the boundaries, as in PyTorch).
 *
 * @example
 * new nn.Hardtanh(-2, 2).forward(x);
 */
export class Hardtanh extends Module {
  readonly inplace: boolean;

  constructor(readonly minVal = -1, readonly maxVal = 1, options: InplaceOption = {}) {
    super();
    // PyTorch asserts this (without a message)
    if (!(maxVal > minVal)) throw new Error(`Hardtanh: max_val must be greater than min_val, got min_val=${minVal} and max_val=${maxVal}`);
    this.inplace = options.inplace ?? false;
  }

  override forward(input: Tensor): Tensor {
    return hardtanh(input, this.minVal, this.maxVal, { inplace: this.inplace });
  }

  override extraRepr(): string {
    return `min_val=${pyFloat(this.minVal)}, max_val=${pyFloat(this.maxVal)}${inplaceSuffix(this.inplace)}`;
  }
}

/** `, inplace=True` when set: how PyTorch's reprs with other arguments end. */
function inplaceSuffix(inplace: boolean): string {
  return inplace ? ", inplace=True" : "";
}

/**
 * `min(max(x, 0), 6)`: a Hardtanh on [0, 6], as in PyTorch.
 *
 * @example
 * new nn.ReLU6().forward(x);
 */
export class ReLU6 extends Hardtanh {
  constructor(options: InplaceOption = {}) {
    super(0, 6, options);
  }

  override extraRepr(): string {
    return this.inplace ? "inplace=True" : "";
  }
}

/** `x · relu6(x + 3) / 6`. @example new nn.Hardswish().forward(x) */
export class Hardswish extends InplaceActivation {
  override forward(input: Tensor): Tensor {
    return hardswish(input, { inplace: this.inplace });
  }

  /** PyTorch's Hardswish repr shows no options, not even `inplace=True`. */
  override extraRepr(): string {
    return "";
  }
}

/** `relu6(x + 3) / 6`. @example new nn.Hardsigmoid().forward(x) */
export class Hardsigmoid extends InplaceActivation {
  override forward(input: Tensor): Tensor {
    return hardsigmoid(input, { inplace: this.inplace });
  }

  /** PyTorch's Hardsigmoid repr shows no options, not even `inplace=True`. */
  override extraRepr(): string {
    return "";
  }
}

/** `x · tanh(softplus(x))`. @example new nn.Mish().forward(x) */
export class Mish extends InplaceActivation {
  override forward(input: Tensor): Tensor {
    return mish(input, { inplace: this.inplace });
  }
}

/** Self-normalising ELU: `scale · elu(x, alpha)` with fixed constants. @example new nn.SELU().forward(x) */
export class SELU extends InplaceActivation {
  override forward(input: Tensor): Tensor {
    return selu(input, { inplace: this.inplace });
  }
}

/** `x` where positive, `alpha·(exp(x/alpha) - 1)` elsewhere. @example new nn.CELU(2).forward(x) */
export class CELU extends Module {
  readonly inplace: boolean;

  constructor(readonly alpha = 1, options: InplaceOption = {}) {
    super();
    this.inplace = options.inplace ?? false;
  }

  override forward(input: Tensor): Tensor {
    return celu(input, this.alpha, { inplace: this.inplace });
  }

  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}${inplaceSuffix(this.inplace)}`;
  }
}

/** `x` where `x > threshold`, `value` elsewhere. @example new nn.Threshold(0.1, 20).forward(x) */
export class Threshold extends Module {
  readonly inplace: boolean;

  constructor(readonly threshold: number, readonly value: number, options: InplaceOption = {}) {
    super();
    this.inplace = options.inplace ?? false;
  }

  override forward(input: Tensor): Tensor {
    return threshold(input, this.threshold, this.value, { inplace: this.inplace });
  }

  override extraRepr(): string {
    return `threshold=${pyFloat(this.threshold)}, value=${pyFloat(this.value)}${inplaceSuffix(this.inplace)}`;
  }
}

/** Gated linear unit: the input halved along `dim`, `a · sigmoid(b)`. @example new nn.GLU().forward(torch.randn([4, 6])) */
export class GLU extends Module {
  constructor(readonly dim = -1) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return glu(input, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** `log(sigmoid(x))`, stable for large |x|. @example new nn.LogSigmoid().forward(x) */
export class LogSigmoid extends Module {
  override forward(input: Tensor): Tensor {
    return logsigmoid(input);
  }
}

/** `x / (1 + |x|)`. @example new nn.Softsign().forward(x) */
export class Softsign extends Module {
  override forward(input: Tensor): Tensor {
    return softsign(input);
  }
}

/** `x - tanh(x)`. @example new nn.Tanhshrink().forward(x) */
export class Tanhshrink extends Module {
  override forward(input: Tensor): Tensor {
    return tanhshrink(input);
  }
}

/** Softmin (`softmax(-x)`) along `dim`. @example new nn.Softmin(1).forward(logits) */
export class Softmin extends Module {
  constructor(readonly dim: number) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return softmin(input, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/**
 * PReLU: `x` where positive, `weight · x` elsewhere, with a learnable
 * `weight` of `numParameters` slopes (1, shared, or one per input channel),
 * each starting at `init`.
 *
 * @example
 * const act = new nn.PReLU(16); // act.weight: [16], all 0.25
 */
export class PReLU extends Module {
  weight: Parameter;

  constructor(readonly numParameters = 1, readonly init = 0.25) {
    super();
    this.weight = new Parameter(full([numParameters], init));
  }

  override forward(input: Tensor): Tensor {
    return prelu(input, this.weight);
  }

  override extraRepr(): string {
    return `num_parameters=${this.numParameters}`;
  }
}

/** Returns its input. @example new nn.Identity().forward(x) === x */
export class Identity extends Module {
  override forward(input: Tensor): Tensor {
    return input;
  }
}

/**
 * Flattens dims `startDim..endDim` (default 1..-1), keeping the batch dim.
 *
 * @example
 * new nn.Flatten().forward(torch.zeros([2, 1, 8, 8])).shape; // [2, 64]
 */
export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return flatten(input, this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/**
 * Splits dim `dim` into `unflattenedSize` (one entry may be -1, inferred):
 * the inverse of Flatten.
 *
 * @example
 * new nn.Unflatten(1, [2, 3]).forward(torch.zeros([4, 6])).shape; // [4, 2, 3]
 */
export class Unflatten extends Module {
  constructor(readonly dim: number, readonly unflattenedSize: readonly number[]) {
    super();
    unflattenedSize.forEach((s, i) => {
      if (!Number.isInteger(s)) throw new TypeError(`unflattened_size must be tuple of ints, but found element of type float at pos ${i}`);
    });
  }

  override forward(input: Tensor): Tensor {
    const d = normalizeDim(this.dim, input.dim(), "unflatten", input.shape);
    const sizes = unflattenSizes(this.unflattenedSize, d, input.shape[d]!);
    return reshape(input, [...input.shape.slice(0, d), ...sizes, ...input.shape.slice(d + 1)]);
  }

  override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=${pyTuple(this.unflattenedSize)}`;
  }
}

/** `sizes` with its -1 resolved so that they multiply to `size`, the length of dim `dim`; PyTorch's unflatten errors. */
function unflattenSizes(sizes: readonly number[], dim: number, size: number): number[] {
  if (sizes.length === 0) throw new Error("unflatten: sizes must be non-empty");
  const inferred = sizes.filter((s) => s === -1).length;
  if (inferred > 1) throw new Error("unflatten got an unexpected error:\nonly one dimension can be inferred");
  const bad = sizes.find((s) => s < -1);
  if (bad !== undefined) throw new Error(`unflatten got an unexpected error:\ninvalid shape dimension ${bad}`);
  const known = sizes.reduce((p, s) => (s === -1 ? p : p * s), 1);
  if (inferred === 1 ? known === 0 || size % known !== 0 : known !== size) {
    throw new Error(`unflatten: Provided sizes [${sizes.join(", ")}] don't multiply up to the size of dim ${dim} (${size}) in the input tensor`);
  }
  return sizes.map((s) => (s === -1 ? size / known : s));
}

/**
 * Zeroes elements with probability `p` in training mode (scaling the rest by
 * 1/(1-p)); the identity in eval mode. The grad mode plays no part (rule 6).
 *
 * @example
 * const drop = new nn.Dropout(0.2);
 */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    if (p < 0 || p > 1) throw new Error(`dropout probability has to be between 0 and 1, but got ${p}`);
  }

  override forward(input: Tensor): Tensor {
    return dropout(input, this.p, { training: this.training });
  }

  override extraRepr(): string {
    return `p=${this.p}, inplace=False`;
  }
}

/** `x ∓ lambd` outside `[-lambd, lambd]`, 0 inside. @example new nn.Softshrink(0.5).forward(x) */
export class Softshrink extends Module {
  constructor(readonly lambd = 0.5) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return softshrink(input, this.lambd);
  }

  override extraRepr(): string {
    return pyFloat(this.lambd);
  }
}

/** `x` outside `[-lambd, lambd]`, 0 inside. @example new nn.Hardshrink(0.5).forward(x) */
export class Hardshrink extends Module {
  constructor(readonly lambd = 0.5) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return hardshrink(input, this.lambd);
  }

  override extraRepr(): string {
    return pyFloat(this.lambd);
  }
}

/**
 * Randomized leaky ReLU: in training a random slope in `[lower, upper]` per
 * negative element, in eval mode the fixed slope `(lower + upper) / 2`.
 *
 * @example
 * const act = new nn.RReLU(0.1, 0.3);
 */
export class RReLU extends Module {
  readonly inplace: boolean;

  constructor(readonly lower = 1 / 8, readonly upper = 1 / 3, options: InplaceOption = {}) {
    super();
    this.inplace = options.inplace ?? false;
  }

  override forward(input: Tensor): Tensor {
    return rrelu(input, { lower: this.lower, upper: this.upper, training: this.training, inplace: this.inplace });
  }

  override extraRepr(): string {
    return `lower=${pyFloat(this.lower)}, upper=${pyFloat(this.upper)}${inplaceSuffix(this.inplace)}`;
  }
}

/**
 * Softmax over the channels (dim -3) of `[N, C, H, W]` or `[C, H, W]` input, at each pixel.
 *
 * @example
 * new nn.Softmax2d().forward(torch.randn([2, 3, 4, 4])); // sums to 1 over dim 1
 */
export class Softmax2d extends Module {
  override forward(input: Tensor): Tensor {
    // PyTorch 2.x's assertion text (1.13: "Softmax2d requires a 3D or 4D tensor as input")
    if (input.dim() !== 3 && input.dim() !== 4) throw new Error(`Softmax2d: expected input to be 3D or 4D, got ${input.dim()}D instead`);
    return softmax(input, -3);
  }
}
