import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import { defaultGenerator } from "../ops/random.js";
import { binaryProbsLogits, givenParam } from "./binary-params.js";
import * as C from "./constraints.js";
import { broadcastAll, Distribution, type DistributionOptions, type SampleOptions } from "./distribution.js";
import { standardGamma } from "./standard-gamma.js";

/** `totalCount` (the number of failures to stop at, any nonnegative real) and exactly one of `probs` (of success, in [0, 1)) or `logits`. */
export type NegativeBinomialParams =
  | { totalCount: Tensor | number; probs: Tensor | number; logits?: undefined }
  | { totalCount: Tensor | number; logits: Tensor | number; probs?: undefined };

/**
 * The negative binomial distribution: the number of successes in Bernoulli(`probs`) trials before
 * `totalCount` failures, `P(k) = Γ(k + r) / (k! Γ(r)) p^k (1 - p)^r`; samples are floats, drawn as
 * a Poisson with a Gamma(r, (1 - p)/p) rate.
 *
 * @example
 * const d = new torch.distributions.NegativeBinomial({ totalCount: 5, probs: 0.5 });
 * d.mean; // 5
 */
export class NegativeBinomial extends Distribution {
  readonly totalCount: Tensor;
  readonly probs: Tensor;
  readonly logits: Tensor;
  private readonly given: "probs" | "logits";

  constructor(params: NegativeBinomialParams, options: DistributionOptions = {}) {
    const given = givenParam(params);
    const [n, p] = broadcastAll(params.totalCount, params.probs ?? params.logits);
    // a number count takes the parameter's dtype (broadcastAll took the first tensor's)
    const count = torch.toDtype(n!, p!.dtype);
    super(p!.shape, [], options);
    this.totalCount = count;
    this.given = given;
    ({ probs: this.probs, logits: this.logits } = binaryProbsLogits(given, p!));
    this.validateParams();
  }
  override get argConstraints(): Record<string, C.Constraint> {
    return { totalCount: C.greaterThanEq(0, true), probs: C.halfOpenInterval(0, 1), logits: C.real };
  }
  protected override params(): Record<string, Tensor> {
    return this.given === "probs" ? { totalCount: this.totalCount, probs: this.probs } : { totalCount: this.totalCount, logits: this.logits };
  }
  get support(): C.Constraint {
    return C.nonnegativeInteger;
  }
  override expand(batchShape: readonly number[]): this {
    const e = (t: Tensor): Tensor => t.expand(batchShape);
    return this.withBatchShape(batchShape, { totalCount: e(this.totalCount), probs: e(this.probs), logits: e(this.logits) });
  }
  /** `r p / (1 - p)`. */
  get mean(): Tensor {
    return this.totalCount.mul(this.logits.exp());
  }
  /** `floor((r - 1) p / (1 - p))`, at least 0. */
  override get mode(): Tensor {
    return this.totalCount.sub(1).mul(this.logits.exp()).floor().clamp(0);
  }
  /** `r p / (1 - p)²`. */
  get variance(): Tensor {
    return this.mean.div(this.logits.neg().sigmoid());
  }
  override sample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    return torch.noGrad(() => {
      const shape = this.extendedShape(sampleShape);
      const g = options.generator ?? defaultGenerator;
      // a Gamma(r, rate e^-logits) rate; a count of 0 gives rate 0 (and so 0)
      const r = this.totalCount.expand(shape).contiguous();
      const gamma = standardGamma(torch.where(torch.gt(r, 0), r, 1), g).mul(this.logits.exp());
      return torch.poisson(torch.where(torch.gt(r, 0), gamma, 0).to(this.probs.dtype), { generator: g });
    });
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    const r = this.totalCount, F = torch.nn.functional;
    const logUnnormalized = r.mul(F.logsigmoid(this.logits.neg())).add(value.mul(F.logsigmoid(this.logits)));
    const logNormalization = torch.lgamma(r.add(value)).neg().add(torch.lgamma(value.add(1))).add(torch.lgamma(r));
    // r + k = 0 (no failures needed, none seen) is certain
    return logUnnormalized.sub(torch.where(torch.eq(r.add(value), 0), 0, logNormalization));
  }
  /** PyTorch has none. */
  entropy(): Tensor {
    throw new Error("NegativeBinomial does not implement entropy");
  }
}
