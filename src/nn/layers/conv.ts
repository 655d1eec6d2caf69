import { type ConvPadding, pair, type Pair } from "../../ops/conv.js";
import { empty } from "../../ops/factories.js";
import type { Tensor } from "../../tensor/tensor.js";
import {
  type AdaptiveSize, adaptiveAvgPool2d, adaptiveAvgPool1d, adaptiveMaxPool1d, adaptiveMaxPool2d, type AdaptiveMaxPoolOptions, type AvgPool1dOptions, avgPool1d, type AvgPool2dOptions, avgPool2d, conv1d, conv2d, convTranspose1d, convTranspose2d,
  type MaxPool1dOptions, maxPool1d, maxPool2d, type MaxPool2dOptions, type Pool2dOptions,
} from "../functional.js";
import { Module, pyTuple } from "../module.js";
import { Parameter } from "../parameter.js";
import { checkPaddingMode, type ConvPaddingMode, padInput } from "./conv-padding-mode.js";
import { type LayerOptions, resetLinearLike } from "./linear.js";

export interface Conv2dLayerOptions extends LayerOptions {
  stride?: Pair;
  /** Sizes, or "valid" (none) or "same" (the output keeps the input's size; stride 1 only). */
  padding?: ConvPadding<Pair>;
  dilation?: Pair;
  groups?: number;
  /** How the input is padded: "zeros" (the default), "reflect", "replicate" or "circular" (as `F.pad`). */
  paddingMode?: ConvPaddingMode;
}

/** Per spatial dim sizes: [n] for Conv1d, [h, w] for the 2-d layers, [d, h, w] for the 3-d ones. */
type Sizes = [number] | [number, number] | [number, number, number];

/** The normalised geometry a convolution layer keeps. */
interface ConvGeometry<S extends Sizes> {
  kernelSize: S;
  stride: S;
  padding: ConvPadding<S>;
  dilation: S;
}

/** What the convolution layers share: their arguments, weight, bias, padding mode, initialisation and repr. */
export abstract class ConvBase<S extends Sizes> extends Module {
  declare weight: Parameter;
  declare bias: Parameter | null;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: S;
  readonly stride: S;
  /** The sizes, or the string as given (PyTorch keeps and prints it so). */
  readonly padding: ConvPadding<S>;
  readonly dilation: S;
  readonly groups: number;
  /** How the input is padded (only "zeros" for the transposed layers). */
  readonly paddingMode: ConvPaddingMode;

  /** `transposed`: the weight is `[in, out / groups, ...kernel]` (ConvTranspose2d), else `[out, in / groups, ...kernel]`. */
  protected constructor(inChannels: number, outChannels: number, geometry: ConvGeometry<S>, options: LayerOptions & { groups?: number; paddingMode?: ConvPaddingMode }, transposed: boolean) {
    super();
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    ({ kernelSize: this.kernelSize, stride: this.stride, padding: this.padding, dilation: this.dilation } = geometry);
    this.groups = options.groups ?? 1;
    // PyTorch's order: the transposed layers' padding mode, then groups, channels, padding strings, padding mode
    if (transposed) checkPaddingMode(options.paddingMode ?? "zeros", transposed, new.target.name);
    if (!(this.groups > 0)) throw new Error("groups must be a positive integer");
    if (inChannels % this.groups !== 0) throw new Error("in_channels must be divisible by groups");
    if (outChannels % this.groups !== 0) throw new Error("out_channels must be divisible by groups");
    if (typeof this.padding === "string") {
      if (this.padding !== "same" && this.padding !== "valid") throw new Error(`Invalid padding string '${String(this.padding)}', should be one of {'same', 'valid'}`);
      if (this.padding === "same" && this.stride.some((v) => v !== 1)) throw new Error("padding='same' is not supported for strided convolutions");
    }
    this.paddingMode = checkPaddingMode(options.paddingMode ?? "zeros", transposed, new.target.name);
    const dtype = options.dtype ?? "float32";
    const [first, second] = transposed ? [inChannels, outChannels] : [outChannels, inChannels];
    this.weight = new Parameter(empty([first, second / this.groups, ...this.kernelSize], { dtype }));
    this.registerParameter("bias", options.bias ?? true ? new Parameter(empty([outChannels], { dtype })) : null);
    this.resetParameters();
  }

  /** PyTorch's: kaiming-uniform weight, bias uniform in ±1/√fanIn (fanIn from the weight's dim 1, transposed or not). */
  resetParameters(): void {
    resetLinearLike(this.weight, this.bias);
  }

  /**
   * `conv(input, padding)` with the layer's padding, or with a padding mode
   * other than "zeros", `conv` of the input padded in that mode and padding 0 (as PyTorch's layers).
   */
  protected withPaddingMode(input: Tensor, conv: (x: Tensor, padding: ConvPadding<S>) => Tensor): Tensor {
    if (this.paddingMode === "zeros") return conv(input, this.padding);
    return conv(padInput(input, this.padding, this.kernelSize, this.dilation, this.paddingMode), this.kernelSize.map(() => 0) as S);
  }

  /** Extra `name=value` parts after dilation (ConvTranspose2d's output_padding). */
  protected reprAfterDilation(): string {
    return "";
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}`;
    if (typeof this.padding === "string") s += `, padding=${this.padding}`;
    else if (this.padding.some((v) => v !== 0)) s += `, padding=${pyTuple(this.padding)}`;
    if (this.dilation.some((v) => v !== 1)) s += `, dilation=${pyTuple(this.dilation)}`;
    s += this.reprAfterDilation();
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ", bias=False";
    if (this.paddingMode !== "zeros") s += `, padding_mode=${this.paddingMode}`;
    return s;
  }
}

/** Conv2d's and ConvTranspose2d's geometry from their options. */
function geometry2d(kernelSize: Pair, options: Conv2dLayerOptions): ConvGeometry<[number, number]> {
  const padding = options.padding ?? 0;
  return { kernelSize: pair(kernelSize), stride: pair(options.stride ?? 1), padding: typeof padding === "string" ? padding : pair(padding), dilation: pair(options.dilation ?? 1) };
}

export interface Conv1dLayerOptions extends LayerOptions {
  stride?: number;
  /** A size, or "valid" (none) or "same" (the output keeps the input's length; stride 1 only). */
  padding?: ConvPadding<number>;
  dilation?: number;
  groups?: number;
  /** How the input is padded: "zeros" (the default), "reflect", "replicate" or "circular" (as `F.pad`). */
  paddingMode?: ConvPaddingMode;
}

/**
 * 1-d convolution over `[N, C, L]` (or `[C, L]`) input; weight `[out, in / groups, k]`.
 *
 * @example
 * const conv = new nn.Conv1d(16, 32, 5, { padding: 2 });
 */
export class Conv1d extends ConvBase<[number]> {
  constructor(inChannels: number, outChannels: number, kernelSize: number, options: Conv1dLayerOptions = {}) {
    super(inChannels, outChannels, {
      kernelSize: [kernelSize], stride: [options.stride ?? 1], dilation: [options.dilation ?? 1],
      padding: typeof options.padding === "string" ? options.padding : [options.padding ?? 0],
    }, options, false);
  }

  override forward(input: Tensor): Tensor {
    return this.withPaddingMode(input, (x, padding) => conv1d(x, this.weight, this.bias, {
      stride: this.stride[0], padding: typeof padding === "string" ? padding : padding[0], dilation: this.dilation[0], groups: this.groups,
    }));
  }
}

/**
 * 2-d convolution over NCHW input; weight `[out, in / groups, kh, kw]`.
 *
 * @example
 * const conv = new nn.Conv2d(1, 8, 3, { padding: 1 });
 */
export class Conv2d extends ConvBase<[number, number]> {
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options: Conv2dLayerOptions = {}) {
    super(inChannels, outChannels, geometry2d(kernelSize, options), options, false);
  }

  override forward(input: Tensor): Tensor {
    return this.withPaddingMode(input, (x, padding) => conv2d(x, this.weight, this.bias, { stride: this.stride, padding, dilation: this.dilation, groups: this.groups }));
  }
}

export interface ConvTranspose2dLayerOptions extends Omit<Conv2dLayerOptions, "padding"> {
  padding?: Pair;
  outputPadding?: Pair;
}

/**
 * Transposed 2-d convolution (the gradient of a Conv2d with respect to its
 * input), upsampling by `stride`; weight `[in, out / groups, kh, kw]`.
 *
 * @example
 * const up = new nn.ConvTranspose2d(16, 8, 2, { stride: 2 }); // doubles H and W
 */
export class ConvTranspose2d extends ConvBase<[number, number]> {
  declare readonly padding: [number, number];
  readonly outputPadding: [number, number];

  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options: ConvTranspose2dLayerOptions = {}) {
    super(inChannels, outChannels, geometry2d(kernelSize, options), options, true);
    this.outputPadding = pair(options.outputPadding ?? 0);
  }

  override forward(input: Tensor): Tensor {
    return convTranspose2d(input, this.weight, this.bias, {
      stride: this.stride, padding: this.padding, outputPadding: this.outputPadding, groups: this.groups, dilation: this.dilation,
    });
  }

  protected override reprAfterDilation(): string {
    return this.outputPadding[0] !== 0 || this.outputPadding[1] !== 0 ? `, output_padding=${pyTuple(this.outputPadding)}` : "";
  }
}

export interface ConvTranspose1dLayerOptions extends LayerOptions {
  stride?: number;
  padding?: number;
  outputPadding?: number;
  dilation?: number;
  groups?: number;
  /** Only "zeros", as in PyTorch. */
  paddingMode?: ConvPaddingMode;
}

/**
 * Transposed 1-d convolution (the gradient of a Conv1d with respect to its
 * input), upsampling by `stride`; weight `[in, out / groups, k]`.
 *
 * @example
 * const up = new nn.ConvTranspose1d(16, 8, 2, { stride: 2 }); // doubles L
 */
export class ConvTranspose1d extends ConvBase<[number]> {
  declare readonly padding: [number];
  readonly outputPadding: [number];

  constructor(inChannels: number, outChannels: number, kernelSize: number, options: ConvTranspose1dLayerOptions = {}) {
    super(inChannels, outChannels, {
      kernelSize: [kernelSize], stride: [options.stride ?? 1], padding: [options.padding ?? 0], dilation: [options.dilation ?? 1],
    }, options, true);
    this.outputPadding = [options.outputPadding ?? 0];
  }

  override forward(input: Tensor): Tensor {
    return convTranspose1d(input, this.weight, this.bias, {
      stride: this.stride[0], padding: this.padding[0], outputPadding: this.outputPadding[0], groups: this.groups, dilation: this.dilation[0],
    });
  }

  protected override reprAfterDilation(): string {
    return this.outputPadding[0] !== 0 ? `, output_padding=${pyTuple(this.outputPadding)}` : "";
  }
}

/** A size argument as PyTorch keeps and prints it: an int as is, a pair as a tuple. */
const pySize = (v: Pair) => (typeof v === "number" ? String(v) : pyTuple(v));

/** MaxPool1d's and MaxPool2d's repr (PyTorch prints the arguments as given). */
function maxPoolRepr(kernelSize: Pair, o: Pool2dOptions): string {
  return `kernel_size=${pySize(kernelSize)}, stride=${pySize(o.stride ?? kernelSize)}, padding=${pySize(o.padding ?? 0)}, dilation=${pySize(o.dilation ?? 1)}, ceil_mode=${o.ceilMode ? "True" : "False"}`;
}

/**
 * Max over each `kernelSize` window (stride defaults to the kernel size).
 *
 * @example
 * const pool = new nn.MaxPool2d(2);
 */
export class MaxPool2d<ReturnIndices extends boolean = false> extends Module {
  constructor(
    readonly kernelSize: Pair,
    readonly options: MaxPool2dOptions & { returnIndices?: ReturnIndices } = {},
  ) {
    super();
  }

  /** The pooled input, or `[values, indices]` for a layer made with `returnIndices: true`. */
  override forward(input: Tensor): ReturnIndices extends true ? [Tensor, Tensor] : Tensor {
    return maxPool2d(input, this.kernelSize, this.options) as ReturnIndices extends true ? [Tensor, Tensor] : Tensor;
  }

  override extraRepr(): string {
    return maxPoolRepr(this.kernelSize, this.options);
  }
}

/**
 * Mean over each `kernelSize` window.
 *
 * @example
 * const pool = new nn.AvgPool2d(2);
 */
export class AvgPool2d extends Module {
  constructor(
    readonly kernelSize: Pair,
    readonly options: AvgPool2dOptions = {},
  ) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return avgPool2d(input, this.kernelSize, this.options);
  }

  override extraRepr(): string {
    return `kernel_size=${pySize(this.kernelSize)}, stride=${pySize(this.options.stride ?? this.kernelSize)}, padding=${pySize(this.options.padding ?? 0)}`;
  }
}

/**
 * Average pooling to a fixed output size, whatever the input's (`null` keeps that dim's size).
 *
 * @example
 * const gap = new nn.AdaptiveAvgPool2d(1); // [N, C, H, W] -> [N, C, 1, 1]
 */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: AdaptiveSize) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return adaptiveAvgPool2d(input, this.outputSize);
  }

  override extraRepr(): string {
    const o = this.outputSize;
    return `output_size=${typeof o === "number" ? o : pyTuple(o)}`;
  }
}

/**
 * Max over each `kernelSize` window along the last dim (stride defaults to the kernel size).
 *
 * @example
 * const pool = new nn.MaxPool1d(2);
 */
export class MaxPool1d<ReturnIndices extends boolean = false> extends Module {
  constructor(
    readonly kernelSize: number,
    readonly options: MaxPool1dOptions & { returnIndices?: ReturnIndices } = {},
  ) {
    super();
  }

  /** The pooled input, or `[values, indices]` for a layer made with `returnIndices: true`. */
  override forward(input: Tensor): ReturnIndices extends true ? [Tensor, Tensor] : Tensor {
    return maxPool1d(input, this.kernelSize, this.options) as ReturnIndices extends true ? [Tensor, Tensor] : Tensor;
  }

  override extraRepr(): string {
    return maxPoolRepr(this.kernelSize, this.options);
  }
}

/**
 * Mean over each `kernelSize` window along the last dim.
 *
 * @example
 * const pool = new nn.AvgPool1d(3, { stride: 2 });
 */
export class AvgPool1d extends Module {
  constructor(
    readonly kernelSize: number,
    readonly options: AvgPool1dOptions = {},
  ) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return avgPool1d(input, this.kernelSize, this.options);
  }

  override extraRepr(): string {
    return `kernel_size=${pyTuple([this.kernelSize])}, stride=${pyTuple([this.options.stride ?? this.kernelSize])}, padding=${pyTuple([this.options.padding ?? 0])}`;
  }
}

/** An adaptive pool's output size as PyTorch prints it: an int as is, a pair as a tuple (None for null). */
const pyOutputSize = (o: AdaptiveSize | readonly [number]) => (typeof o === "number" ? String(o) : pyTuple(o));

/**
 * Max pooling to a fixed output size, whatever the input's (`null` keeps that dim's size).
 *
 * @example
 * const pool = new nn.AdaptiveMaxPool2d([2, 3]); // [N, C, H, W] -> [N, C, 2, 3]
 */
export class AdaptiveMaxPool2d<ReturnIndices extends boolean = false> extends Module {
  constructor(
    readonly outputSize: AdaptiveSize,
    readonly options: AdaptiveMaxPoolOptions & { returnIndices?: ReturnIndices } = {},
  ) {
    super();
  }

  /** The pooled input, or `[values, indices]` for a layer made with `returnIndices: true`. */
  override forward(input: Tensor): ReturnIndices extends true ? [Tensor, Tensor] : Tensor {
    return adaptiveMaxPool2d(input, this.outputSize, this.options) as ReturnIndices extends true ? [Tensor, Tensor] : Tensor;
  }

  override extraRepr(): string {
    return `output_size=${pyOutputSize(this.outputSize)}`;
  }
}

/**
 * Average pooling of the last dim to a fixed size.
 *
 * @example
 * const pool = new nn.AdaptiveAvgPool1d(4); // [N, C, L] -> [N, C, 4]
 */
export class AdaptiveAvgPool1d extends Module {
  constructor(readonly outputSize: number | readonly [number]) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return adaptiveAvgPool1d(input, this.outputSize);
  }

  override extraRepr(): string {
    return `output_size=${pyOutputSize(this.outputSize)}`;
  }
}

/**
 * Max pooling of the last dim to a fixed size.
 *
 * @example
 * const pool = new nn.AdaptiveMaxPool1d(4); // [N, C, L] -> [N, C, 4]
 */
export class AdaptiveMaxPool1d<ReturnIndices extends boolean = false> extends Module {
  constructor(
    readonly outputSize: number | readonly [number],
    readonly options: AdaptiveMaxPoolOptions & { returnIndices?: ReturnIndices } = {},
  ) {
    super();
  }

  /** The pooled input, or `[values, indices]` for a layer made with `returnIndices: true`. */
  override forward(input: Tensor): ReturnIndices extends true ? [Tensor, Tensor] : Tensor {
    return adaptiveMaxPool1d(input, this.outputSize, this.options) as ReturnIndices extends true ? [Tensor, Tensor] : Tensor;
  }

  override extraRepr(): string {
    return `output_size=${pyOutputSize(this.outputSize)}`;
  }
}
