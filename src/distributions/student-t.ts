import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import * as C from "./constraints.js";
import { broadcastAll, Distribution, type DistributionOptions, pyTuple, type SampleOptions } from "./distribution.js";
import { pyFormat } from "./py-format.js";
import { standardGamma } from "./standard-gamma.js";

const HALF_LOG_PI = 0.5 * Math.log(Math.PI);

/**
 * Student's t distribution with `df` degrees of freedom, location `loc` and scale `scale`;
 * reparameterisable (a normal over the square root of a Chi²(df) / df, the Chi² a
 * Gamma(df/2, 1/2) drawn with its implicit gradient).
 *
 * @example
 * const d = new torch.distributions.StudentT(3);
 * d.variance; // 3
 */
export class StudentT extends Distribution {
  readonly df: Tensor;
  readonly loc: Tensor;
  readonly scale: Tensor;
  override get hasRsample(): boolean {
    return true;
  }

  constructor(df: Tensor | number, loc: Tensor | number = 0, scale: Tensor | number = 1, options: DistributionOptions = {}) {
    const [d, l, s] = broadcastAll(df, loc, scale);
    super(d!.shape, [], options);
    this.df = d!;
    this.loc = l!;
    this.scale = s!;
    // PyTorch builds its Chi2(df) first, whose check (and message, naming "Chi2()") comes before the others
    if (this.validateArgs && !torch.all(torch.gt(this.df, 0)).item())
      throw new Error(`Expected parameter df (Tensor of shape ${pyTuple(this.df.shape)}) of distribution Chi2() to satisfy the constraint ${C.positive.name}, but found invalid values:\n${pyFormat(this.df)}`);
    this.validateParams();
  }
  override get argConstraints(): Record<string, C.Constraint> {
    return { df: C.positive, loc: C.real, scale: C.positive };
  }
  protected override params(): Record<string, Tensor> {
    return { df: this.df, loc: this.loc, scale: this.scale };
  }
  get support(): C.Constraint {
    return C.real;
  }
  /** `loc` where df > 1; undefined (NaN) otherwise. */
  get mean(): Tensor {
    return torch.where(torch.gt(this.df, 1), this.loc, NaN);
  }
  override get mode(): Tensor {
    return this.loc;
  }
  /** scale² df / (df - 2) where df > 2, inf where 1 < df <= 2, NaN where df <= 1. */
  get variance(): Tensor {
    const v = this.scale.square().mul(this.df).div(this.df.sub(2));
    return torch.where(torch.gt(this.df, 2), v, torch.where(torch.gt(this.df, 1), Infinity, NaN));
  }
  override expand(batchShape: readonly number[]): this {
    return this.withBatchShape(batchShape, { df: this.df.expand(batchShape), loc: this.loc.expand(batchShape), scale: this.scale.expand(batchShape) });
  }
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const shape = this.extendedShape(sampleShape);
    const x = torch.randn(shape, { dtype: this.df.dtype, ...options });
    // Chi²(df) = 2 · Gamma(df/2, 1)
    const chi2 = standardGamma(this.df.expand(shape).mul(0.5).contiguous(), options.generator).mul(2);
    return this.loc.add(this.scale.mul(x.mul(torch.rsqrt(chi2.div(this.df)))));
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    const df = this.df, y = value.sub(this.loc).div(this.scale);
    const z = this.scale.log().add(df.log().mul(0.5)).add(HALF_LOG_PI).add(torch.lgamma(df.mul(0.5))).sub(torch.lgamma(df.add(1).mul(0.5)));
    return torch.log1p(y.square().div(df)).mul(df.add(1).mul(-0.5)).sub(z);
  }
  entropy(): Tensor {
    const df = this.df, half = df.mul(0.5), halfPlus = df.add(1).mul(0.5);
    const lbeta = torch.lgamma(half).add(HALF_LOG_PI).sub(torch.lgamma(halfPlus));
    return this.scale.log().add(halfPlus.mul(torch.digamma(halfPlus).sub(torch.digamma(half)))).add(df.log().mul(0.5)).add(lbeta);
  }
}
