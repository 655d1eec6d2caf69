import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import { Binomial } from "./binomial.js";
import { Categorical, type CategoricalParams } from "./categorical.js";
import * as C from "./constraints.js";
import { Distribution, type DistributionOptions, type SampleOptions } from "./distribution.js";

/**
 * The multinomial distribution: counts of each of K categories in `totalCount` Categorical draws
 * (event shape `[K]`; samples are floats). A `Categorical` inside checks the parameters (its
 * message naming it). `totalCount` is one integer for the whole batch (PyTorch's
 * NotImplementedError otherwise); `logProb` uses each value's own total, so it may be left at 1.
 *
 * @example
 * const d = new torch.distributions.Multinomial(10, { probs: torch.tensor([0.2, 0.3, 0.5]) });
 * d.sample(); // e.g. [2, 3, 5]
 * d.logProb(torch.tensor([2, 3, 5]));
 */
export class Multinomial extends Distribution {
  readonly totalCount: number;
  readonly categorical: Categorical;

  constructor(totalCount: number, params: CategoricalParams, options: DistributionOptions = {}) {
    if (typeof totalCount !== "number" || !Number.isInteger(totalCount)) throw new Error("inhomogeneous total_count is not supported");
    const cat = new Categorical(params);
    super(cat.batchShape, [cat.numEvents], options);
    this.totalCount = totalCount;
    this.categorical = cat;
  }
  get probs(): Tensor {
    return this.categorical.probs;
  }
  get logits(): Tensor {
    return this.categorical.logits;
  }
  override get argConstraints(): Record<string, C.Constraint> {
    return { probs: C.simplex, logits: C.realVector };
  }
  /** Nonnegative counts summing to at most `totalCount` (PyTorch's weaker check). */
  get support(): C.Constraint {
    return C.multinomial(this.totalCount);
  }
  /** As PyTorch's: its parameters live on the categorical, so the repr lists none. */
  override toString(): string {
    return "Multinomial()";
  }
  override expand(batchShape: readonly number[]): this {
    return this.withBatchShape(batchShape, { categorical: this.categorical.expand(batchShape) });
  }
  get mean(): Tensor {
    return this.probs.mul(this.totalCount);
  }
  get variance(): Tensor {
    return this.probs.mul(torch.rsub(this.probs, 1)).mul(this.totalCount);
  }
  override sample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    return torch.noGrad(() => {
      const k = this.eventShape[0]!;
      // totalCount category draws per sample, one-hot and summed
      const draws = this.categorical.sample([this.totalCount, ...sampleShape], options);
      const counts = torch.nn.functional.oneHot(draws, k).sum(0);
      return torch.toDtype(counts, this.probs.dtype).reshape(this.extendedShape(sampleShape));
    });
  }
  /** `n H(categorical) - log n! + Σₖ Σᵢ P(xᵢ = k) log k!`, the marginals binomial. */
  entropy(): Tensor {
    const n = this.totalCount;
    const binomial = new Binomial({ totalCount: n, probs: this.probs }, { validateArgs: false });
    const support = binomial.enumerateSupport({ expand: false }).narrow(0, 1, n);
    const weights = torch.lgamma(support.add(1));
    const term2 = binomial.logProb(support).exp().mul(weights).sum([0, -1]);
    return this.categorical.entropy().mul(n).sub(torch.lgamma(torch.tensor(n + 1, { dtype: this.probs.dtype }))).add(term2);
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    const [l, v] = torch.broadcastTensors(this.logits, value);
    const logFactorialN = torch.lgamma(v!.sum(-1).add(1));
    const logFactorialXs = torch.lgamma(v!.add(1)).sum(-1);
    // 0 · log 0 counts as 0
    const logits = torch.where(torch.logicalAnd(torch.eq(v!, 0), torch.eq(l!, -Infinity)), 0, l!);
    return logFactorialN.sub(logFactorialXs).add(logits.mul(v!).sum(-1));
  }
}
