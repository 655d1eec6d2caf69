import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import type { SampleOptions } from "./distribution.js";
import { LocScaleDistribution } from "./loc-scale.js";

/**
 * The Laplace distribution with density `exp(-|x - loc| / scale) / (2 · scale)`; reparameterisable.
 *
 * @example
 * const d = new torch.distributions.Laplace(0, 1);
 * d.variance; // 2
 */
export class Laplace extends LocScaleDistribution {
  get variance(): Tensor {
    return this.scale.square().mul(2);
  }
  override get stddev(): Tensor {
    return this.scale.mul(Math.SQRT2);
  }
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    // u uniform on (-1, 1): loc - scale · sign(u) · log(1 - |u|)
    const eps = this.loc.dtype === "float64" ? 2.220446049250313e-16 : 1.1920928955078125e-7;
    const u = torch.rand(this.extendedShape(sampleShape), { dtype: this.loc.dtype, ...options }).mul(2 - eps).add(eps - 1);
    return this.loc.sub(this.scale.mul(u.sign()).mul(torch.log1p(torch.neg(u.abs()))));
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return torch.neg(this.scale.mul(2).log()).sub(value.sub(this.loc).abs().div(this.scale));
  }
  entropy(): Tensor {
    return this.scale.mul(2).log().add(1);
  }
  override cdf(value: Tensor): Tensor {
    this.validateSample(value);
    const d = value.sub(this.loc);
    return torch.rsub(d.sign().mul(torch.expm1(torch.neg(d.abs().div(this.scale)))).mul(0.5), 0.5);
  }
  override icdf(value: Tensor): Tensor {
    const t = value.sub(0.5);
    return this.loc.sub(this.scale.mul(t.sign()).mul(torch.log1p(t.abs().mul(-2))));
  }
}
