import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import { epsOf } from "./binary-params.js";
import type { SampleOptions } from "./distribution.js";
import { LocScaleDistribution } from "./loc-scale.js";
import { tinyOf } from "./standard-gamma.js";

/** The Euler–Mascheroni constant: the mean of the standard Gumbel. */
export const EULER_GAMMA = 0.5772156649015329;

/**
 * The Gumbel (type-I extreme value) distribution with cdf `exp(-exp(-(x - loc)/scale))`;
 * reparameterisable.
 *
 * @example
 * const d = new torch.distributions.Gumbel(0, 1);
 * d.mean; // 0.5772… (Euler's constant)
 */
export class Gumbel extends LocScaleDistribution {
  override get mean(): Tensor {
    return this.loc.add(this.scale.mul(EULER_GAMMA));
  }
  override get stddev(): Tensor {
    return this.scale.mul(Math.PI / Math.sqrt(6));
  }
  get variance(): Tensor {
    return this.stddev.square();
  }
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    // PyTorch's uniform base on [tiny, 1 - eps): -log(-log u) stays finite
    const u = torch.rand(this.extendedShape(sampleShape), { dtype: this.loc.dtype, ...options }).clamp(tinyOf(this.loc), 1 - epsOf(this.loc));
    return this.loc.sub(this.scale.mul(torch.neg(u.log()).log()));
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    const y = this.loc.sub(value).div(this.scale);
    return y.sub(y.exp()).sub(this.scale.log());
  }
  entropy(): Tensor {
    return this.scale.log().add(1 + EULER_GAMMA);
  }
  /**
   * PyTorch's Gumbel is a transformed Uniform(tiny, 1 - eps): its cdf is that uniform's
   * (clamped to [0, 1]) of `exp(-exp(-(x - loc)/scale))`, passed through the transformed
   * distribution's `sign · (p - 0.5) + 0.5` (the transforms' sign is a tensor of ones), which
   * rounds small probabilities to the dtype's resolution around 0.5, as PyTorch's do.
   */
  override cdf(value: Tensor): Tensor {
    this.validateSample(value);
    const tiny = tinyOf(this.loc), high = 1 - epsOf(this.loc);
    const u = torch.exp(torch.neg(torch.exp(this.loc.sub(value).div(this.scale))));
    return u.sub(tiny).div(high - tiny).clamp(0, 1).sub(0.5).add(0.5);
  }
  /** Through the same `(p - 0.5) + 0.5` and the uniform base, as PyTorch's: `value` 0 and 1 map to tiny and 1 - eps, so the result stays finite. */
  override icdf(value: Tensor): Tensor {
    const tiny = tinyOf(this.loc), high = 1 - epsOf(this.loc);
    const u = value.sub(0.5).add(0.5).mul(high - tiny).add(tiny);
    return this.loc.sub(this.scale.mul(torch.neg(u.log()).log()));
  }
}
