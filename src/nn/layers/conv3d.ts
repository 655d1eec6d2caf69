/** The 3-d convolution layers (see `F.conv3d`, `F.convTranspose3d`). */
import type { ConvPadding } from "../../ops/conv.js";
import { conv3d, type Triple, triple } from "../../ops/conv3d.js";
import { convTranspose3d } from "../../ops/conv-transpose3d.js";
import type { Tensor } from "../../tensor/tensor.js";
import { pyTuple } from "../module.js";
import { ConvBase } from "./conv.js";
import type { ConvPaddingMode } from "./conv-padding-mode.js";
import type { LayerOptions } from "./linear.js";

export interface Conv3dLayerOptions extends LayerOptions {
  stride?: Triple;
  /** Sizes, or "valid" (none) or "same" (the output keeps the input's size; stride 1 only). */
  padding?: ConvPadding<Triple>;
  dilation?: Triple;
  groups?: number;
  /** How the input is padded: "zeros" (the default), "reflect", "replicate" or "circular" (as `F.pad`). */
  paddingMode?: ConvPaddingMode;
}

/** Conv3d's and ConvTranspose3d's geometry from their options. */
function geometry3d(kernelSize: Triple, options: Conv3dLayerOptions) {
  const padding = options.padding ?? 0;
  return { kernelSize: triple(kernelSize), stride: triple(options.stride ?? 1), padding: typeof padding === "string" ? padding : triple(padding), dilation: triple(options.dilation ?? 1) };
}

/**
 * 3-d convolution over `[N, C, D, H, W]` (or `[C, D, H, W]`) input; weight `[out, in / groups, kd, kh, kw]`.
 *
 * @example
 * const conv = new nn.Conv3d(1, 8, 3, { padding: 1 }); // [N, 1, D, H, W] -> [N, 8, D, H, W]
 */
export class Conv3d extends ConvBase<[number, number, number]> {
  constructor(inChannels: number, outChannels: number, kernelSize: Triple, options: Conv3dLayerOptions = {}) {
    super(inChannels, outChannels, geometry3d(kernelSize, options), options, false);
  }

  override forward(input: Tensor): Tensor {
    return this.withPaddingMode(input, (x, padding) => conv3d(x, this.weight, this.bias, { stride: this.stride, padding, dilation: this.dilation, groups: this.groups }));
  }
}

export interface ConvTranspose3dLayerOptions extends Omit<Conv3dLayerOptions, "padding"> {
  padding?: Triple;
  /** Extra positions at the back / bottom / right of the output (smaller than the stride or the dilation). */
  outputPadding?: Triple;
}

/**
 * Transposed 3-d convolution (the gradient of a Conv3d with respect to its
 * input), upsampling by `stride`; weight `[in, out / groups, kd, kh, kw]`.
 *
 * @example
 * const up = new nn.ConvTranspose3d(16, 8, 2, { stride: 2 }); // doubles D, H and W
 */
export class ConvTranspose3d extends ConvBase<[number, number, number]> {
  declare readonly padding: [number, number, number];
  readonly outputPadding: [number, number, number];

  constructor(inChannels: number, outChannels: number, kernelSize: Triple, options: ConvTranspose3dLayerOptions = {}) {
    super(inChannels, outChannels, geometry3d(kernelSize, options), options, true);
    this.outputPadding = triple(options.outputPadding ?? 0);
  }

  override forward(input: Tensor): Tensor {
    return convTranspose3d(input, this.weight, this.bias, {
      stride: this.stride, padding: this.padding, outputPadding: this.outputPadding, groups: this.groups, dilation: this.dilation,
    });
  }

  protected override reprAfterDilation(): string {
    return this.outputPadding.some((v) => v !== 0) ? `, output_padding=${pyTuple(this.outputPadding)}` : "";
  }
}
