import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import * as C from "./constraints.js";
import { broadcastAll, Distribution, type DistributionOptions, type SampleOptions } from "./distribution.js";
import { Gamma } from "./gamma.js";
import { tinyOf } from "./standard-gamma.js";

/**
 * The Fisher–Snedecor F distribution with `df1` and `df2` degrees of freedom: the ratio
 * `(X₁/df1) / (X₂/df2)` of two independent chi-squared draws; reparameterisable (through the
 * implicit gradients of the two Gamma draws). As in PyTorch, the parameters are checked by the
 * Gamma(df/2, df) distributions it builds, whose messages name them, whatever `validateArgs` says.
 *
 * @example
 * const d = new torch.distributions.FisherSnedecor(3, 10);
 * d.mean; // 10/8 = 1.25
 */
export class FisherSnedecor extends Distribution {
  readonly df1: Tensor;
  readonly df2: Tensor;
  private readonly gamma1: Gamma;
  private readonly gamma2: Gamma;

  constructor(df1: Tensor | number, df2: Tensor | number, options: DistributionOptions = {}) {
    const [d1, d2] = broadcastAll(df1, df2);
    const gamma1 = new Gamma(d1!.mul(0.5), d1!), gamma2 = new Gamma(d2!.mul(0.5), d2!);
    super(d1!.shape, [], options);
    this.df1 = d1!;
    this.df2 = d2!;
    this.gamma1 = gamma1;
    this.gamma2 = gamma2;
    this.validateParams();
  }
  override get hasRsample(): boolean {
    return true;
  }
  override get argConstraints(): Record<string, C.Constraint> {
    return { df1: C.positive, df2: C.positive };
  }
  protected override params(): Record<string, Tensor> {
    return { df1: this.df1, df2: this.df2 };
  }
  get support(): C.Constraint {
    return C.positive;
  }
  override expand(batchShape: readonly number[]): this {
    return this.withBatchShape(batchShape, {
      df1: this.df1.expand(batchShape), df2: this.df2.expand(batchShape),
      gamma1: this.gamma1.expand(batchShape), gamma2: this.gamma2.expand(batchShape),
    });
  }
  /** `df2 / (df2 - 2)`, NaN where df2 <= 2. */
  get mean(): Tensor {
    const df2 = torch.where(torch.le(this.df2, 2), NaN, this.df2);
    return df2.div(df2.sub(2));
  }
  /** `(df1 - 2)/df1 · df2/(df2 + 2)`, NaN where df1 <= 2. */
  override get mode(): Tensor {
    const mode = this.df1.sub(2).div(this.df1).mul(this.df2).div(this.df2.add(2));
    return torch.where(torch.le(this.df1, 2), NaN, mode);
  }
  /** `2 df2² (df1 + df2 - 2) / (df1 (df2 - 2)² (df2 - 4))`, NaN where df2 <= 4. */
  get variance(): Tensor {
    const df2 = torch.where(torch.le(this.df2, 4), NaN, this.df2);
    return df2.square().mul(2).mul(this.df1.add(df2).sub(2)).div(this.df1.mul(df2.sub(2).square()).mul(df2.sub(4)));
  }
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    // X₁ ~ Gamma(df1/2, df1), X₂ ~ Gamma(df2/2, df2): X₁/X₂ ~ F(df1, df2)
    const x1 = this.gamma1.rsample(sampleShape, options);
    const x2 = this.gamma2.rsample(sampleShape, options);
    const tiny = tinyOf(x2);
    return x1.div(x2.clamp(tiny)).clamp(tiny);
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    const ct1 = this.df1.mul(0.5), ct2 = this.df2.mul(0.5), ct3 = this.df1.div(this.df2);
    const t1 = torch.lgamma(ct1.add(ct2)).sub(torch.lgamma(ct1)).sub(torch.lgamma(ct2));
    const t2 = ct1.mul(ct3.log()).add(ct1.sub(1).mul(value.log()));
    const t3 = ct1.add(ct2).mul(torch.log1p(ct3.mul(value)));
    return t1.add(t2).sub(t3);
  }
  /** PyTorch has none. */
  entropy(): Tensor {
    throw new Error("FisherSnedecor does not implement entropy");
  }
}
