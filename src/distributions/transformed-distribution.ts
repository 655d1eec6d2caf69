import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import * as C from "./constraints.js";
import { Distribution, type DistributionOptions, pySize, type SampleOptions, sumRightmost } from "./distribution.js";
import { Independent } from "./independent.js";
import { ComposeTransform } from "./transforms/structural.js";
import { Transform } from "./transforms/transform.js";

/** The base distribution reshaped for the transforms, and the batch and event shapes of the result (PyTorch's constructor). */
function transformedShapes(base: Distribution, transforms: readonly Transform[]): { base: Distribution; batchShape: number[]; eventShape: number[] } {
  const baseShape = [...base.batchShape, ...base.eventShape];
  const baseEventDim = base.eventShape.length;
  const t = new ComposeTransform(transforms);
  const domainEventDim = t.domain.eventDim;
  if (baseShape.length < domainEventDim)
    throw new Error(`base_distribution needs to have shape with size at least ${domainEventDim}, but got ${pySize(baseShape)}.`);
  const shape = t.forwardShape(baseShape);
  const expandedBaseShape = t.inverseShape(shape);
  if (expandedBaseShape.length !== baseShape.length || expandedBaseShape.some((d, i) => d !== baseShape[i]))
    base = base.expand(expandedBaseShape.slice(0, expandedBaseShape.length - baseEventDim));
  if (domainEventDim > baseEventDim) base = new Independent(base, domainEventDim - baseEventDim);
  const eventDim = t.codomain.eventDim + Math.max(baseEventDim - domainEventDim, 0);
  const cut = shape.length - eventDim;
  return { base, batchShape: shape.slice(0, cut), eventShape: shape.slice(cut) };
}

/**
 * A base distribution pushed through a sequence of transforms (PyTorch's
 * `TransformedDistribution`): samples are `f(x)` for `x` drawn from the base,
 * and `log p(y) = log p_base(f⁻¹(y)) - log |det J_f(f⁻¹(y))|`. The event shape is
 * the largest of the base's and the transforms'. Reparameterisable where the
 * base is; `cdf` / `icdf` work for monotone univariate transforms.
 *
 * @example
 * const D = torch.distributions, T = D.transforms;
 * // a logistic distribution: logit of a uniform, scaled
 * const d = new D.TransformedDistribution(new D.Uniform(0, 1), [new T.SigmoidTransform().inv, new T.AffineTransform(1, 2)]);
 * d.logProb(torch.tensor([1])); // log(1/8)
 */
export class TransformedDistribution extends Distribution {
  /** The base distribution, expanded and wrapped in `Independent` as the transforms need. */
  readonly baseDist: Distribution;
  readonly transforms: Transform[];

  constructor(baseDistribution: Distribution, transforms: Transform | readonly Transform[], options: DistributionOptions = {}) {
    let ts: Transform[];
    if (transforms instanceof Transform) ts = [transforms];
    else if (Array.isArray(transforms)) {
      if (!transforms.every((t) => t instanceof Transform)) throw new Error("transforms must be a Transform or a list of Transforms");
      ts = [...transforms];
    } else throw new Error(`transforms must be a Transform or list, but was ${String(transforms)}`);
    const { base, batchShape, eventShape } = transformedShapes(baseDistribution, ts);
    super(batchShape, eventShape, options);
    this.baseDist = base;
    this.transforms = ts;
  }
  override get hasRsample(): boolean {
    return this.baseDist.hasRsample;
  }
  /** The last transform's codomain (over the whole event), or the base's support without transforms. */
  get support(): C.Constraint {
    if (this.transforms.length === 0) return this.baseDist.support;
    const s = this.transforms[this.transforms.length - 1]!.codomain;
    return this.eventShape.length > s.eventDim ? C.independent(s, this.eventShape.length - s.eventDim) : s;
  }
  /**
   * The base expanded to the batch shape that the transforms map onto `batchShape`; the transforms
   * are kept (subclasses whose transforms hold parameters expand those too).
   */
  override expand(batchShape: readonly number[]): this {
    let shape = [...batchShape, ...this.eventShape];
    for (const t of [...this.transforms].reverse()) shape = t.inverseShape(shape);
    const baseBatch = shape.slice(0, shape.length - this.baseDist.eventShape.length);
    return this.withBatchShape(batchShape, { baseDist: this.baseDist.expand(baseBatch) });
  }
  override sample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    return torch.noGrad(() => this.transforms.reduce((x, t) => t.call(x), this.baseDist.sample(sampleShape, options)));
  }
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    return this.transforms.reduce((x, t) => t.call(x), this.baseDist.rsample(sampleShape, options));
  }
  /** The base's log-density at the inverted value, less each transform's log-Jacobian, summed over the event. */
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    let eventDim = this.eventShape.length;
    let logProb: Tensor | null = null;
    let y = value;
    for (const t of [...this.transforms].reverse()) {
      const x = t.inv.call(y);
      eventDim += t.domain.eventDim - t.codomain.eventDim;
      const term = sumRightmost(t.logAbsDetJacobian(x, y), eventDim - t.domain.eventDim);
      logProb = logProb === null ? term.neg() : logProb.sub(term);
      y = x;
    }
    const base = sumRightmost(this.baseDist.logProb(y), eventDim - this.baseDist.eventShape.length);
    return logProb === null ? base : logProb.add(base);
  }
  /** Flips `u → 1 - u` where the composed transform is decreasing, so that the cdf increases. */
  private monotonize(value: Tensor): Tensor {
    const sign = this.transforms.reduce<number | Tensor>((s, t) => {
      const ts = t.sign;
      return typeof s === "number" && typeof ts === "number" ? s * ts : torch.mul(ts, s);
    }, 1);
    if (sign === 1) return value;
    return value.sub(0.5).mul(sign).add(0.5);
  }
  /** The base's cdf at the inverted value (flipped for a decreasing transform). */
  override cdf(value: Tensor): Tensor {
    let v = value;
    for (const t of [...this.transforms].reverse()) v = t.inv.call(v);
    if (this.validateArgs) this.baseDist.validateSample(v);
    return this.monotonize(this.baseDist.cdf(v));
  }
  /** The transformed base icdf (of the flipped probability for a decreasing transform). */
  override icdf(value: Tensor): Tensor {
    return this.transforms.reduce((x, t) => t.call(x), this.baseDist.icdf(this.monotonize(value)));
  }
  get mean(): Tensor {
    throw new Error(`${this.constructor.name} does not implement mean`);
  }
  get variance(): Tensor {
    throw new Error(`${this.constructor.name} does not implement variance`);
  }
  entropy(): Tensor {
    throw new Error(`${this.constructor.name} does not implement entropy`);
  }
}
