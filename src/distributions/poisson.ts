import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import * as C from "./constraints.js";
import { broadcastAll, Distribution, type DistributionOptions, type SampleOptions } from "./distribution.js";

/**
 * The Poisson distribution with mean `rate`: `P(k) = rate^k e^(-rate) / k!` on the
 * nonnegative integers; samples are floats of the rate's dtype.
 *
 * @example
 * const d = new torch.distributions.Poisson(torch.tensor([1, 4]));
 * d.logProb(torch.tensor([0, 4]));
 */
export class Poisson extends Distribution {
  readonly rate: Tensor;

  constructor(rate: Tensor | number, options: DistributionOptions = {}) {
    const [r] = broadcastAll(rate);
    super(r!.shape, [], options);
    this.rate = r!;
    this.validateParams();
  }
  override get argConstraints(): Record<string, C.Constraint> {
    return { rate: C.nonnegative };
  }
  protected override params(): Record<string, Tensor> {
    return { rate: this.rate };
  }
  get support(): C.Constraint {
    return C.nonnegativeInteger;
  }
  get mean(): Tensor {
    return this.rate;
  }
  override get mode(): Tensor {
    return this.rate.floor();
  }
  get variance(): Tensor {
    return this.rate;
  }
  override expand(batchShape: readonly number[]): this {
    return this.withBatchShape(batchShape, { rate: this.rate.expand(batchShape) });
  }
  /** `torch.poisson` of the rates, as PyTorch's Poisson samples. */
  override sample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    return torch.poisson(this.rate.detach().expand(this.extendedShape(sampleShape)), options);
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return torch.xlogy(value, this.rate).sub(this.rate).sub(torch.lgamma(value.add(1)));
  }
  /** PyTorch has no closed form here either (its exponential-family entropy needs a carrier measure Poisson lacks). */
  entropy(): Tensor {
    throw new Error("Poisson does not implement entropy");
  }
}
