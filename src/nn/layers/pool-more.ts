/** The power-average pools and the max unpools as layers (see `F.lpPool2d`, `F.maxUnpool2d`). */
import { type Pair, pair } from "../../ops/conv.js";
import { lpPool1d, lpPool2d } from "../../ops/lp-pool.js";
import { maxUnpool1d, maxUnpool2d } from "../../ops/max-unpool.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Module, pyTuple } from "../module.js";

/** A size argument as PyTorch prints it: an int as is, a pair as a tuple, null as None. */
const pySize = (v: Pair | null) => (v === null ? "None" : typeof v === "number" ? String(v) : pyTuple(v));

/** What LPPool1d and LPPool2d share: the norm, the window and the repr. */
abstract class LPPoolBase<S extends Pair> extends Module {
  readonly stride: S | null;
  readonly ceilMode: boolean;

  constructor(readonly normType: number, readonly kernelSize: S, options: { stride?: S | null; ceilMode?: boolean } = {}) {
    super();
    this.stride = options.stride ?? null;
    this.ceilMode = options.ceilMode ?? false;
  }

  override extraRepr(): string {
    return `norm_type=${this.normType}, kernel_size=${pySize(this.kernelSize)}, stride=${pySize(this.stride)}, ceil_mode=${this.ceilMode ? "True" : "False"}`;
  }
}

/** `(sum of x^p over each window)^(1/p)` along the last dim. @example new nn.LPPool1d(2, 3).forward(torch.rand([1, 4, 9])) */
export class LPPool1d extends LPPoolBase<number> {
  override forward(input: Tensor): Tensor {
    return lpPool1d(input, this.normType, this.kernelSize, { stride: this.stride, ceilMode: this.ceilMode });
  }
}

/** `(sum of x^p over each window)^(1/p)` over H and W. @example new nn.LPPool2d(2, [2, 3]).forward(torch.rand([1, 4, 8, 9])) */
export class LPPool2d extends LPPoolBase<Pair> {
  override forward(input: Tensor): Tensor {
    return lpPool2d(input, this.normType, this.kernelSize, { stride: this.stride, ceilMode: this.ceilMode });
  }
}

/**
 * Puts the maxima a MaxPool1d (made with `returnIndices: true`) returned back in place, zeros elsewhere.
 *
 * @example
 * const y = new nn.MaxUnpool1d(2).forward(values, indices);
 */
export class MaxUnpool1d extends Module {
  readonly stride: number;
  readonly padding: number;

  constructor(readonly kernelSize: number, options: { stride?: number | null; padding?: number } = {}) {
    super();
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
  }

  override forward(input: Tensor, indices: Tensor, outputSize: readonly number[] | null = null): Tensor {
    return maxUnpool1d(input, indices, this.kernelSize, { stride: this.stride, padding: this.padding, outputSize });
  }

  override extraRepr(): string {
    return `kernel_size=${pyTuple([this.kernelSize])}, stride=${pyTuple([this.stride])}, padding=${pyTuple([this.padding])}`;
  }
}

/**
 * Puts the maxima a MaxPool2d (made with `returnIndices: true`) returned back in place, zeros elsewhere.
 *
 * @example
 * const y = new nn.MaxUnpool2d(2).forward(values, indices);
 */
export class MaxUnpool2d extends Module {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];

  constructor(kernelSize: Pair, options: { stride?: Pair | null; padding?: Pair } = {}) {
    super();
    this.kernelSize = pair(kernelSize);
    this.stride = pair(options.stride ?? kernelSize);
    this.padding = pair(options.padding ?? 0);
  }

  override forward(input: Tensor, indices: Tensor, outputSize: readonly number[] | null = null): Tensor {
    return maxUnpool2d(input, indices, this.kernelSize, { stride: this.stride, padding: this.padding, outputSize });
  }

  override extraRepr(): string {
    return `kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}, padding=${pyTuple(this.padding)}`;
  }
}
