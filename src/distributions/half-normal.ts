import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import * as C from "./constraints.js";
import { Distribution, type DistributionOptions, type SampleOptions } from "./distribution.js";
import { Normal } from "./normal.js";

/**
 * The half-normal distribution: `|X|` for `X ~ Normal(0, scale)`; reparameterisable.
 * As PyTorch's (a transformed Normal), its repr lists no parameters: `HalfNormal()`.
 *
 * @example
 * const d = new torch.distributions.HalfNormal(2);
 * d.mean; // 2 √(2/π)
 */
export class HalfNormal extends Distribution {
  readonly baseDist: Normal;
  override get hasRsample(): boolean {
    return true;
  }

  constructor(scale: Tensor | number, options: DistributionOptions = {}) {
    const base = new Normal(0, scale, { validateArgs: false });
    super(base.batchShape, [], options);
    this.baseDist = base;
    this.validateParams();
  }
  get scale(): Tensor {
    return this.baseDist.scale;
  }
  override get argConstraints(): Record<string, C.Constraint> {
    return { scale: C.positive };
  }
  protected override params(): Record<string, Tensor> {
    return { scale: this.scale };
  }
  override toString(): string {
    return "HalfNormal()";
  }
  get support(): C.Constraint {
    return C.nonnegative;
  }
  get mean(): Tensor {
    return this.scale.mul(Math.sqrt(2 / Math.PI));
  }
  override get mode(): Tensor {
    return torch.zerosLike(this.scale);
  }
  get variance(): Tensor {
    return this.scale.square().mul(1 - 2 / Math.PI);
  }
  override expand(batchShape: readonly number[]): this {
    return this.withBatchShape(batchShape, { baseDist: this.baseDist.expand(batchShape) });
  }
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    return this.baseDist.rsample(sampleShape, options).abs();
  }
  /** The Normal's density doubled on `x >= 0`; -inf below (reachable without validation). */
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return torch.where(torch.ge(value, 0), this.baseDist.logProb(value).add(Math.LN2), -Infinity);
  }
  entropy(): Tensor {
    return this.baseDist.entropy().sub(Math.LN2);
  }
  override cdf(value: Tensor): Tensor {
    this.validateSample(value);
    return this.baseDist.cdf(value).mul(2).sub(1);
  }
  override icdf(value: Tensor): Tensor {
    return this.baseDist.icdf(value.add(1).div(2));
  }
}
