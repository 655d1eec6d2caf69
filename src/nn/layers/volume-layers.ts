/** BatchNorm3d, InstanceNorm3d and Dropout3d: the norm and dropout layers for `[N, C, D, H, W]` input. */
import type { Tensor } from "../../tensor/tensor.js";
import { dropout3d } from "../dropout3d.js";
import { DropoutVariant } from "./dropout.js";
import { BatchNormBase, InstanceNormBase } from "./norm.js";

/**
 * Batch normalisation of `[N, C, D, H, W]` input.
 *
 * @example
 * const bn = new nn.BatchNorm3d(8);
 */
export class BatchNorm3d extends BatchNormBase {
  protected checkInputDim(input: Tensor): void {
    if (input.dim() !== 5) throw new Error(`expected 5D input (got ${input.dim()}D input)`);
  }
}

/**
 * Instance normalisation of `[N, C, D, H, W]` or unbatched `[C, D, H, W]` input.
 *
 * @example
 * const norm = new nn.InstanceNorm3d(8, { affine: true });
 */
export class InstanceNorm3d extends InstanceNormBase {
  protected readonly noBatchDim = 4;

  protected checkInputDim(input: Tensor): void {
    if (input.dim() !== 4 && input.dim() !== 5) throw new Error(`expected 4D or 5D input (got ${input.dim()}D input)`);
  }
}

/**
 * Zeroes whole channels of `[N, C, D, H, W]` (or `[C, D, H, W]`) input with
 * probability `p` in training, scaling the rest by `1 / (1 - p)`; the
 * identity in eval mode.
 *
 * @example
 * const drop = new nn.Dropout3d(0.2);
 */
export class Dropout3d extends DropoutVariant {
  constructor(p = 0.5, options: { inplace?: boolean } = {}) {
    super(p, options);
  }

  override forward(input: Tensor): Tensor {
    return dropout3d(input, this.p, { training: this.training, inplace: this.inplace });
  }
}
