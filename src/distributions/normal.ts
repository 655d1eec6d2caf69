import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import type { SampleOptions } from "./distribution.js";
import { LocScaleDistribution } from "./loc-scale.js";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * The normal distribution `N(loc, scale²)`; reparameterisable.
 *
 * @example
 * const d = new torch.distributions.Normal(torch.tensor([0, 1]), torch.tensor([1, 2]));
 * d.logProb(torch.tensor([0.5, 0.5])); // shape [2]
 * const x = d.rsample([100]); // shape [100, 2], differentiable in loc and scale
 */
export class Normal extends LocScaleDistribution {
  get variance(): Tensor {
    return this.scale.square();
  }
  override get stddev(): Tensor {
    return this.scale;
  }
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const eps = torch.randn(this.extendedShape(sampleShape), { dtype: this.loc.dtype, ...options });
    return this.loc.add(eps.mul(this.scale));
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return torch.neg(value.sub(this.loc).square().div(this.variance.mul(2))).sub(this.scale.log()).sub(HALF_LOG_2PI);
  }
  entropy(): Tensor {
    return this.scale.log().add(0.5 + HALF_LOG_2PI);
  }
  override cdf(value: Tensor): Tensor {
    this.validateSample(value);
    return value.sub(this.loc).div(this.scale.mul(Math.SQRT2)).erf().add(1).mul(0.5);
  }
  override icdf(value: Tensor): Tensor {
    return this.loc.add(this.scale.mul(value.mul(2).sub(1).erfinv()).mul(Math.SQRT2));
  }
}
