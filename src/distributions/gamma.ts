import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import * as C from "./constraints.js";
import { broadcastAll, Distribution, type DistributionOptions, type SampleOptions } from "./distribution.js";
import { gammainc } from "../ops/special-more.js";
import { standardGamma } from "./standard-gamma.js";

/**
 * The gamma distribution with shape `concentration` (α) and `rate` (β): density
 * `β^α x^(α-1) e^(-βx) / Γ(α)` on `x >= 0`; reparameterisable (implicitly, through the
 * derivative of a Gamma(α, 1) draw in α, as PyTorch's `_standard_gamma`).
 *
 * @example
 * const d = new torch.distributions.Gamma(torch.tensor([1, 3]), 2);
 * d.mean; // [0.5, 1.5]
 * d.rsample([10]); // differentiable in concentration and rate
 */
export class Gamma extends Distribution {
  readonly concentration: Tensor;
  readonly rate: Tensor;
  override get hasRsample(): boolean {
    return true;
  }

  constructor(concentration: Tensor | number, rate: Tensor | number, options: DistributionOptions = {}) {
    const [c, r] = broadcastAll(concentration, rate);
    super(c!.shape, [], options);
    this.concentration = c!;
    this.rate = r!;
    this.validateParams();
  }
  override get argConstraints(): Record<string, C.Constraint> {
    return { concentration: C.positive, rate: C.positive };
  }
  protected override params(): Record<string, Tensor> {
    return { concentration: this.concentration, rate: this.rate };
  }
  get support(): C.Constraint {
    return C.nonnegative;
  }
  get mean(): Tensor {
    return this.concentration.div(this.rate);
  }
  /** (α - 1) / β, and 0 where α < 1 (the density is largest at 0 there). */
  override get mode(): Tensor {
    return this.concentration.sub(1).div(this.rate).clamp(0);
  }
  get variance(): Tensor {
    return this.concentration.div(this.rate.square());
  }
  override expand(batchShape: readonly number[]): this {
    return this.withBatchShape(batchShape, { concentration: this.concentration.expand(batchShape), rate: this.rate.expand(batchShape) });
  }
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const shape = this.extendedShape(sampleShape);
    return standardGamma(this.concentration.expand(shape).contiguous(), options.generator).div(this.rate.expand(shape));
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    const c = this.concentration, r = this.rate;
    return torch.xlogy(c, r).add(torch.xlogy(c.sub(1), value)).sub(r.mul(value)).sub(torch.lgamma(c));
  }
  entropy(): Tensor {
    const c = this.concentration;
    return c.sub(this.rate.log()).add(torch.lgamma(c)).add(torch.rsub(c, 1).mul(torch.digamma(c)));
  }
  /** P(α, βx), the regularised lower incomplete gamma function (PyTorch 2.x; 1.13 has no Gamma.cdf). */
  override cdf(value: Tensor): Tensor {
    this.validateSample(value);
    return gammainc(this.concentration, this.rate.mul(value));
  }
}
