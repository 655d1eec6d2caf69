import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import * as C from "./constraints.js";
import { Distribution, type DistributionOptions, type SampleOptions } from "./distribution.js";
import { Normal } from "./normal.js";

/**
 * The log-normal distribution: `exp(X)` for `X ~ Normal(loc, scale)`; reparameterisable.
 * As PyTorch's (a transformed Normal), its parameters are checked by the Normal, whose
 * message names it, and its repr lists none: `LogNormal()`.
 *
 * @example
 * const d = new torch.distributions.LogNormal(0, 1);
 * d.mean; // exp(0.5)
 */
export class LogNormal extends Distribution {
  readonly baseDist: Normal;
  override get hasRsample(): boolean {
    return true;
  }

  constructor(loc: Tensor | number, scale: Tensor | number, options: DistributionOptions = {}) {
    const base = new Normal(loc, scale, options);
    super(base.batchShape, [], options);
    this.baseDist = base;
  }
  get loc(): Tensor {
    return this.baseDist.loc;
  }
  get scale(): Tensor {
    return this.baseDist.scale;
  }
  override get argConstraints(): Record<string, C.Constraint> {
    return { loc: C.real, scale: C.positive };
  }
  override toString(): string {
    return "LogNormal()";
  }
  get support(): C.Constraint {
    return C.positive;
  }
  get mean(): Tensor {
    return this.loc.add(this.scale.square().div(2)).exp();
  }
  override get mode(): Tensor {
    return this.loc.sub(this.scale.square()).exp();
  }
  get variance(): Tensor {
    const s2 = this.scale.square();
    return torch.expm1(s2).mul(this.loc.mul(2).add(s2).exp());
  }
  override expand(batchShape: readonly number[]): this {
    return this.withBatchShape(batchShape, { baseDist: this.baseDist.expand(batchShape) });
  }
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    return this.baseDist.rsample(sampleShape, options).exp();
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    const y = value.log();
    return this.baseDist.logProb(y).sub(y);
  }
  /** The Normal's entropy plus E[log x] = loc. */
  entropy(): Tensor {
    return this.baseDist.entropy().add(this.loc);
  }
  override cdf(value: Tensor): Tensor {
    this.validateSample(value);
    return this.baseDist.cdf(value.log());
  }
  override icdf(value: Tensor): Tensor {
    return this.baseDist.icdf(value).exp();
  }
}
