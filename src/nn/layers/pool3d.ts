/** The 3-d pooling layers (see `F.maxPool3d`, `F.avgPool3d`, the adaptive pools, `F.maxUnpool3d` and `F.lpPool3d`). */
import { type AdaptiveSize3d, adaptiveAvgPool3d, adaptiveMaxPool3d } from "../../ops/adaptive-pool3d.js";
import { type Triple, triple } from "../../ops/conv3d.js";
import { lpPool3d } from "../../ops/lp-pool3d.js";
import { maxUnpool3d } from "../../ops/max-unpool3d.js";
import type { AdaptiveMaxPoolOptions } from "../../ops/pool.js";
import { type AvgPool3dOptions, avgPool3d, maxPool3d, type MaxPool3dOptions } from "../../ops/pool3d.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Module, pyTuple } from "../module.js";

/** A size argument as PyTorch keeps and prints it: an int as is, a triple as a tuple, null as None. */
const pySize = (v: Triple | AdaptiveSize3d | null) => (v === null ? "None" : typeof v === "number" ? String(v) : pyTuple(v));

/**
 * Max over each `kernelSize` window of `[N, C, D, H, W]` input (stride defaults to the kernel size).
 *
 * @example
 * const pool = new nn.MaxPool3d(2); // halves D, H and W
 */
export class MaxPool3d<ReturnIndices extends boolean = false> extends Module {
  constructor(
    readonly kernelSize: Triple,
    readonly options: MaxPool3dOptions & { returnIndices?: ReturnIndices } = {},
  ) {
    super();
  }

  /** The pooled input, or `[values, indices]` for a layer made with `returnIndices: true`. */
  override forward(input: Tensor): ReturnIndices extends true ? [Tensor, Tensor] : Tensor {
    return maxPool3d(input, this.kernelSize, this.options) as ReturnIndices extends true ? [Tensor, Tensor] : Tensor;
  }

  override extraRepr(): string {
    const o = this.options;
    return `kernel_size=${pySize(this.kernelSize)}, stride=${pySize(o.stride ?? this.kernelSize)}, padding=${pySize(o.padding ?? 0)}, dilation=${pySize(o.dilation ?? 1)}, ceil_mode=${o.ceilMode ? "True" : "False"}`;
  }
}

/**
 * Mean over each `kernelSize` window of `[N, C, D, H, W]` input.
 *
 * @example
 * const pool = new nn.AvgPool3d(2, { countIncludePad: false });
 */
export class AvgPool3d extends Module {
  constructor(
    readonly kernelSize: Triple,
    readonly options: AvgPool3dOptions = {},
  ) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return avgPool3d(input, this.kernelSize, this.options);
  }

  override extraRepr(): string {
    return `kernel_size=${pySize(this.kernelSize)}, stride=${pySize(this.options.stride ?? this.kernelSize)}, padding=${pySize(this.options.padding ?? 0)}`;
  }
}

/**
 * Average pooling to a fixed output size, whatever the input's (`null` keeps that dim's size).
 *
 * @example
 * const gap = new nn.AdaptiveAvgPool3d(1); // [N, C, D, H, W] -> [N, C, 1, 1, 1]
 */
export class AdaptiveAvgPool3d extends Module {
  constructor(readonly outputSize: AdaptiveSize3d) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return adaptiveAvgPool3d(input, this.outputSize);
  }

  override extraRepr(): string {
    return `output_size=${pySize(this.outputSize)}`;
  }
}

/**
 * Max pooling to a fixed output size, whatever the input's (`null` keeps that dim's size).
 *
 * @example
 * const pool = new nn.AdaptiveMaxPool3d([1, 2, 2]); // [N, C, D, H, W] -> [N, C, 1, 2, 2]
 */
export class AdaptiveMaxPool3d<ReturnIndices extends boolean = false> extends Module {
  constructor(
    readonly outputSize: AdaptiveSize3d,
    readonly options: AdaptiveMaxPoolOptions & { returnIndices?: ReturnIndices } = {},
  ) {
    super();
  }

  /** The pooled input, or `[values, indices]` for a layer made with `returnIndices: true`. */
  override forward(input: Tensor): ReturnIndices extends true ? [Tensor, Tensor] : Tensor {
    return adaptiveMaxPool3d(input, this.outputSize, this.options) as ReturnIndices extends true ? [Tensor, Tensor] : Tensor;
  }

  override extraRepr(): string {
    return `output_size=${pySize(this.outputSize)}`;
  }
}

/**
 * Puts the maxima a MaxPool3d (made with `returnIndices: true`) returned back in place, zeros elsewhere.
 *
 * @example
 * const y = new nn.MaxUnpool3d(2).forward(values, indices);
 */
export class MaxUnpool3d extends Module {
  readonly kernelSize: [number, number, number];
  readonly stride: [number, number, number];
  readonly padding: [number, number, number];

  constructor(kernelSize: Triple, options: { stride?: Triple | null; padding?: Triple } = {}) {
    super();
    this.kernelSize = triple(kernelSize);
    this.stride = triple(options.stride ?? kernelSize);
    this.padding = triple(options.padding ?? 0);
  }

  override forward(input: Tensor, indices: Tensor, outputSize: readonly number[] | null = null): Tensor {
    return maxUnpool3d(input, indices, this.kernelSize, { stride: this.stride, padding: this.padding, outputSize });
  }

  override extraRepr(): string {
    return `kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}, padding=${pyTuple(this.padding)}`;
  }
}

/**
 * `(sum of x^p over each window)^(1/p)` over D, H and W (PyTorch 2.x's LPPool3d).
 *
 * @example
 * new nn.LPPool3d(2, 2).forward(torch.rand([1, 4, 4, 4, 4])); // [1, 4, 2, 2, 2]
 */
export class LPPool3d extends Module {
  readonly stride: Triple | null;
  readonly ceilMode: boolean;

  constructor(readonly normType: number, readonly kernelSize: Triple, options: { stride?: Triple | null; ceilMode?: boolean } = {}) {
    super();
    this.stride = options.stride ?? null;
    this.ceilMode = options.ceilMode ?? false;
  }

  override forward(input: Tensor): Tensor {
    return lpPool3d(input, this.normType, this.kernelSize, { stride: this.stride, ceilMode: this.ceilMode });
  }

  override extraRepr(): string {
    return `norm_type=${this.normType}, kernel_size=${pySize(this.kernelSize)}, stride=${pySize(this.stride)}, ceil_mode=${this.ceilMode ? "True" : "False"}`;
  }
}
