import type { Pair } from "../../ops/conv.js";
import type { Tensor } from "../../tensor/tensor.js";
import { fold, unfold, type UnfoldOptions } from "../../ops/unfold.js";
import { Module, pyTuple } from "../module.js";

/** A size argument as PyTorch keeps and prints it: an int as is, a pair as a tuple. */
const pySize = (v: Pair) => (typeof v === "number" ? String(v) : pyTuple(v));

/** `kernel_size=..., dilation=..., padding=..., stride=...` as PyTorch's Fold and Unfold print them. */
const foldRepr = (kernelSize: Pair, o: UnfoldOptions) =>
  `kernel_size=${pySize(kernelSize)}, dilation=${pySize(o.dilation ?? 1)}, padding=${pySize(o.padding ?? 0)}, stride=${pySize(o.stride ?? 1)}`;

/**
 * Extracts sliding blocks as columns (im2col): `[N, C, H, W]` to `[N, C * kh * kw, L]`; see `F.unfold`.
 *
 * @example
 * const unfold = new nn.Unfold([2, 3]);
 * unfold.forward(torch.randn([2, 5, 3, 4])).shape; // [2, 30, 4]
 */
export class Unfold extends Module {
  constructor(
    readonly kernelSize: Pair,
    readonly options: UnfoldOptions = {},
  ) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return unfold(input, this.kernelSize, this.options);
  }

  override extraRepr(): string {
    return foldRepr(this.kernelSize, this.options);
  }
}

/**
 * Sums columns of sliding blocks back into an image (col2im), the adjoint of `Unfold`; see `F.fold`.
 *
 * @example
 * const fold = new nn.Fold([4, 5], [2, 2]);
 * fold.forward(torch.randn([1, 3 * 4, 12])).shape; // [1, 3, 4, 5]
 */
export class Fold extends Module {
  constructor(
    readonly outputSize: Pair,
    readonly kernelSize: Pair,
    readonly options: UnfoldOptions = {},
  ) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return fold(input, this.outputSize, this.kernelSize, this.options);
  }

  override extraRepr(): string {
    return `output_size=${pySize(this.outputSize)}, ${foldRepr(this.kernelSize, this.options)}`;
  }
}
