import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import * as C from "./constraints.js";
import { broadcastAll, Distribution, type DistributionOptions, type SampleOptions } from "./distribution.js";

/**
 * The continuous uniform distribution on `[low, high)`; reparameterisable.
 *
 * @example
 * const d = new torch.distributions.Uniform(0, 2);
 * d.sample([3]); // three draws in [0, 2)
 * d.entropy(); // log 2
 */
export class Uniform extends Distribution {
  readonly low: Tensor;
  readonly high: Tensor;
  override get hasRsample(): boolean {
    return true;
  }

  constructor(low: Tensor | number, high: Tensor | number, options: DistributionOptions = {}) {
    const [lo, hi] = broadcastAll(low, high);
    super(lo!.shape, [], options);
    this.low = lo!;
    this.high = hi!;
    if (this.validateArgs && !torch.all(torch.lt(this.low, this.high)).item()) throw new Error("Uniform is not defined when low>= high");
  }
  protected override params(): Record<string, Tensor> {
    return { low: this.low, high: this.high };
  }
  get support(): C.Constraint {
    return C.tensorInterval(this.low, this.high);
  }
  get mean(): Tensor {
    return this.high.add(this.low).div(2);
  }
  get variance(): Tensor {
    return this.high.sub(this.low).square().div(12);
  }
  /** None: every point of the interval is as likely (NaN, carried through `high` as PyTorch does). */
  override get mode(): Tensor {
    return this.high.mul(NaN);
  }
  override expand(batchShape: readonly number[]): this {
    return this.withBatchShape(batchShape, { low: this.low.expand(batchShape), high: this.high.expand(batchShape) });
  }
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const u = torch.rand(this.extendedShape(sampleShape), { dtype: this.low.dtype, ...options });
    return this.low.add(u.mul(this.high.sub(this.low)));
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    const inside = torch.toDtype(torch.logicalAnd(torch.le(this.low, value), torch.gt(this.high, value)), this.low.dtype);
    return inside.log().sub(this.high.sub(this.low).log());
  }
  entropy(): Tensor {
    return this.high.sub(this.low).log();
  }
  override cdf(value: Tensor): Tensor {
    this.validateSample(value);
    return value.sub(this.low).div(this.high.sub(this.low)).clamp(0, 1);
  }
  override icdf(value: Tensor): Tensor {
    return value.mul(this.high.sub(this.low)).add(this.low);
  }
}
