import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import * as C from "./constraints.js";
import { broadcastAll, Distribution, type DistributionOptions, type SampleOptions } from "./distribution.js";

/**
 * The exponential distribution with density `rate · exp(-rate · x)` on `x >= 0`; reparameterisable.
 *
 * @example
 * const d = new torch.distributions.Exponential(torch.tensor([0.5, 2]));
 * d.mean; // [2, 0.5]
 */
export class Exponential extends Distribution {
  readonly rate: Tensor;
  override get hasRsample(): boolean {
    return true;
  }

  constructor(rate: Tensor | number, options: DistributionOptions = {}) {
    const [r] = broadcastAll(rate);
    super(r!.shape, [], options);
    this.rate = r!;
    this.validateParams();
  }
  override get argConstraints(): Record<string, C.Constraint> {
    return { rate: C.positive };
  }
  protected override params(): Record<string, Tensor> {
    return { rate: this.rate };
  }
  get support(): C.Constraint {
    return C.nonnegative;
  }
  get mean(): Tensor {
    return this.rate.reciprocal();
  }
  get variance(): Tensor {
    return this.rate.pow(-2);
  }
  /** The density is largest at 0. */
  override get mode(): Tensor {
    return torch.zerosLike(this.rate);
  }
  override expand(batchShape: readonly number[]): this {
    return this.withBatchShape(batchShape, { rate: this.rate.expand(batchShape) });
  }
  override get stddev(): Tensor {
    return this.rate.reciprocal();
  }
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    // inverse cdf of u in [0, 1): -log(1 - u) is finite
    const u = torch.rand(this.extendedShape(sampleShape), { dtype: this.rate.dtype, ...options });
    return torch.neg(torch.log1p(torch.neg(u))).div(this.rate);
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return this.rate.log().sub(this.rate.mul(value));
  }
  entropy(): Tensor {
    return torch.rsub(this.rate.log(), 1);
  }
  override cdf(value: Tensor): Tensor {
    this.validateSample(value);
    return torch.rsub(torch.exp(torch.neg(this.rate.mul(value))), 1);
  }
  override icdf(value: Tensor): Tensor {
    return torch.neg(torch.log1p(torch.neg(value))).div(this.rate);
  }
}
