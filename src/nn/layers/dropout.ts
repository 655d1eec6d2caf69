import type { Tensor } from "../../tensor/tensor.js";
import { alphaDropout, dropout1d, dropout2d, featureAlphaDropout } from "../dropout-functions.js";
import { Module } from "../module.js";

/** What Dropout1d, Dropout2d and AlphaDropout share: `p`, `inplace`, training-only application and repr. */
export abstract class DropoutVariant extends Module {
  readonly inplace: boolean;

  constructor(
    readonly p: number,
    options: { inplace?: boolean },
  ) {
    super();
    if (!(p >= 0 && p <= 1)) throw new Error(`dropout probability has to be between 0 and 1, but got ${p}`);
    this.inplace = options.inplace ?? false;
  }

  override extraRepr(): string {
    return `p=${this.p}, inplace=${this.inplace ? "True" : "False"}`;
  }
}

/**
 * Zeroes whole channels of `[N, C, L]` (or `[C, L]`) input with probability `p`
 * in training, scaling the rest by `1 / (1 - p)`; the identity in eval mode.
 *
 * @example
 * const drop = new nn.Dropout1d(0.2);
 */
export class Dropout1d extends DropoutVariant {
  constructor(p = 0.5, options: { inplace?: boolean } = {}) {
    super(p, options);
  }

  override forward(input: Tensor): Tensor {
    return dropout1d(input, this.p, { training: this.training, inplace: this.inplace });
  }
}

/**
 * Zeroes whole channels `input[n, c]` of `[N, C, H, W]` input with probability
 * `p` in training, scaling the rest by `1 / (1 - p)`; the identity in eval
 * mode. 3-d input is taken as `[N, C, L]`, as PyTorch 2.x does.
 *
 * @example
 * const drop = new nn.Dropout2d(0.5);
 */
export class Dropout2d extends DropoutVariant {
  constructor(p = 0.5, options: { inplace?: boolean } = {}) {
    super(p, options);
  }

  override forward(input: Tensor): Tensor {
    return dropout2d(input, this.p, { training: this.training, inplace: this.inplace });
  }
}

/**
 * Dropout for SELU networks (see `F.alphaDropout`): keeps zero mean and unit
 * variance of its input in training; the identity in eval mode.
 *
 * @example
 * const net = new nn.Sequential(new nn.Linear(64, 64), new nn.SELU(), new nn.AlphaDropout(0.1));
 */
export class AlphaDropout extends DropoutVariant {
  constructor(p = 0.5, options: { inplace?: boolean } = {}) {
    super(p, options);
  }

  override forward(input: Tensor): Tensor {
    return alphaDropout(input, this.p, { training: this.training, inplace: this.inplace });
  }
}

/**
 * Alpha dropout of whole channels (see `F.featureAlphaDropout`) in training;
 * the identity in eval mode.
 *
 * @example
 * const drop = new nn.FeatureAlphaDropout(0.2);
 */
export class FeatureAlphaDropout extends DropoutVariant {
  constructor(p = 0.5, options: { inplace?: boolean } = {}) {
    super(p, options);
  }

  override forward(input: Tensor): Tensor {
    return featureAlphaDropout(input, this.p, { training: this.training, inplace: this.inplace });
  }
}
