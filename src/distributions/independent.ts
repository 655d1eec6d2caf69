import type { Tensor } from "../index.js";
import * as C from "./constraints.js";
import { Distribution, type DistributionOptions, type SampleOptions, sumRightmost } from "./distribution.js";

/**
 * Reinterprets the `reinterpretedBatchNdims` rightmost batch dims of `base`
 * as event dims: `logProb` and `entropy` sum over them. A diagonal Gaussian
 * over vectors is `Independent(Normal(loc, scale), 1)`.
 *
 * @example
 * const base = new torch.distributions.Normal(torch.zeros([4, 3]), torch.ones([4, 3]));
 * const d = new torch.distributions.Independent(base, 1);
 * d.batchShape; // [4]
 * d.eventShape; // [3]
 * d.logProb(torch.zeros([4, 3])).shape; // [4]
 */
export class Independent extends Distribution {
  readonly baseDist: Distribution;
  readonly reinterpretedBatchNdims: number;

  constructor(baseDistribution: Distribution, reinterpretedBatchNdims: number, options: DistributionOptions = {}) {
    const n = reinterpretedBatchNdims, bs = baseDistribution.batchShape;
    if (n > bs.length)
      throw new Error(`Expected reinterpreted_batch_ndims <= len(base_distribution.batch_shape), actual ${n} vs ${bs.length}`);
    const cut = bs.length - n;
    super(bs.slice(0, cut), [...bs.slice(cut), ...baseDistribution.eventShape], options);
    this.baseDist = baseDistribution;
    this.reinterpretedBatchNdims = n;
  }
  override get hasRsample(): boolean {
    return this.baseDist.hasRsample;
  }
  get support(): C.Constraint {
    const s = this.baseDist.support;
    return this.reinterpretedBatchNdims === 0 ? s : C.independent(s, this.reinterpretedBatchNdims);
  }
  override toString(): string {
    return `Independent(${this.baseDist.toString()}, ${this.reinterpretedBatchNdims})`;
  }
  get mean(): Tensor {
    return this.baseDist.mean;
  }
  get variance(): Tensor {
    return this.baseDist.variance;
  }
  override get mode(): Tensor {
    return this.baseDist.mode;
  }
  /** The base distribution is expanded to `batchShape` followed by the reinterpreted dims. */
  override expand(batchShape: readonly number[]): this {
    const reinterpreted = this.eventShape.slice(0, this.reinterpretedBatchNdims);
    return this.withBatchShape(batchShape, { baseDist: this.baseDist.expand([...batchShape, ...reinterpreted]) });
  }
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    return this.baseDist.rsample(sampleShape, options);
  }
  override sample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    return this.baseDist.sample(sampleShape, options);
  }
  logProb(value: Tensor): Tensor {
    return sumRightmost(this.baseDist.logProb(value), this.reinterpretedBatchNdims);
  }
  entropy(): Tensor {
    return sumRightmost(this.baseDist.entropy(), this.reinterpretedBatchNdims);
  }
}
