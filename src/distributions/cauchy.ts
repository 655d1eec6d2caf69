import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import type { SampleOptions } from "./distribution.js";
import { LocScaleDistribution } from "./loc-scale.js";

/**
 * The Cauchy (Lorentz) distribution with density `1 / (π scale (1 + ((x - loc)/scale)²))`;
 * reparameterisable. It has no mean or variance: PyTorch gives NaN and inf.
 *
 * @example
 * const d = new torch.distributions.Cauchy(0, 1);
 * d.cdf(torch.tensor([1])); // 0.75
 */
export class Cauchy extends LocScaleDistribution {
  /** Undefined: NaN, as PyTorch. */
  override get mean(): Tensor {
    return torch.fullLike(this.loc, NaN);
  }
  /** Infinite, as PyTorch. */
  get variance(): Tensor {
    return torch.fullLike(this.loc, Infinity);
  }
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    // the inverse cdf of a uniform draw: tan(π (u - ½))
    const u = torch.rand(this.extendedShape(sampleShape), { dtype: this.loc.dtype, ...options });
    return this.loc.add(tan(u.sub(0.5).mul(Math.PI)).mul(this.scale));
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return torch.neg(torch.log1p(value.sub(this.loc).div(this.scale).square())).sub(this.scale.log()).sub(Math.log(Math.PI));
  }
  entropy(): Tensor {
    return this.scale.log().add(Math.log(4 * Math.PI));
  }
  override cdf(value: Tensor): Tensor {
    this.validateSample(value);
    return torch.atan(value.sub(this.loc).div(this.scale)).div(Math.PI).add(0.5);
  }
  override icdf(value: Tensor): Tensor {
    return tan(value.sub(0.5).mul(Math.PI)).mul(this.scale).add(this.loc);
  }
}

/** torchlet has no `tan` op: sin / cos, with the same gradient (1 / cos²). */
const tan = (x: Tensor): Tensor => x.sin().div(x.cos());
