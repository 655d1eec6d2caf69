import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import { binaryProbsLogits, givenParam, type ProbsOrLogits } from "./binary-params.js";
import * as C from "./constraints.js";
import { broadcastAll, Distribution, type DistributionOptions, type SampleOptions } from "./distribution.js";

/** `totalCount` (default 1) and exactly one of `probs` or `logits`. */
export type BinomialParams = { totalCount?: Tensor | number } & ProbsOrLogits;

/**
 * The binomial distribution: successes in `totalCount` Bernoulli(`probs`) trials. `totalCount`
 * broadcasts with the probabilities; samples are floats.
 *
 * @example
 * const d = new torch.distributions.Binomial({ totalCount: 10, probs: torch.tensor([0.2, 0.5]) });
 * d.mean; // [2, 5]
 */
export class Binomial extends Distribution {
  readonly totalCount: Tensor;
  readonly probs: Tensor;
  readonly logits: Tensor;
  private readonly given: "probs" | "logits";

  constructor(params: BinomialParams, options: DistributionOptions = {}) {
    const given = givenParam(params);
    const [n, p] = broadcastAll(params.totalCount ?? 1, (params.probs ?? params.logits));
    // a number count takes the parameter's dtype (broadcastAll took the first tensor's)
    const count = torch.toDtype(n!, p!.dtype);
    super(p!.shape, [], options);
    this.totalCount = count;
    this.given = given;
    ({ probs: this.probs, logits: this.logits } = binaryProbsLogits(given, p!));
    this.validateParams();
  }
  override get argConstraints(): Record<string, C.Constraint> {
    return { totalCount: C.nonnegativeInteger, probs: C.unitInterval, logits: C.real };
  }
  protected override params(): Record<string, Tensor> {
    return this.given === "probs" ? { totalCount: this.totalCount, probs: this.probs } : { totalCount: this.totalCount, logits: this.logits };
  }
  get support(): C.Constraint {
    return C.tensorIntegerInterval(0, this.totalCount);
  }
  get mean(): Tensor {
    return this.totalCount.mul(this.probs);
  }
  override get mode(): Tensor {
    return this.totalCount.add(1).mul(this.probs).floor().clamp(null, this.totalCount);
  }
  get variance(): Tensor {
    return this.totalCount.mul(this.probs).mul(torch.rsub(this.probs, 1));
  }
  override expand(batchShape: readonly number[]): this {
    const e = (t: Tensor): Tensor => t.expand(batchShape);
    return this.withBatchShape(batchShape, { totalCount: e(this.totalCount), probs: e(this.probs), logits: e(this.logits) });
  }
  override get hasEnumerateSupport(): boolean {
    return true;
  }
  /** `0 … n` in the parameters' dtype; every count must be the same n (PyTorch's NotImplementedError otherwise). */
  override enumerateSupport(options: { expand?: boolean } = {}): Tensor {
    const n = torch.max(this.totalCount).item();
    if ((torch.min(this.totalCount).item()) !== n) throw new Error("Inhomogeneous total count not supported by `enumerate_support`.");
    const values = torch.arange(1 + n, { dtype: this.probs.dtype }).reshape([-1, ...this.batchShape.map(() => 1)]);
    return (options.expand ?? true) ? values.expand([1 + n, ...this.batchShape]) : values;
  }
  /** `torch.binomial` of the counts and probabilities, as PyTorch's Binomial samples. */
  override sample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const shape = this.extendedShape(sampleShape);
    return torch.binomial(this.totalCount.detach().expand(shape).to(this.probs.dtype), this.probs.detach().expand(shape), options);
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    const n = this.totalCount, l = this.logits;
    // n log(1 + e^l) = n (max(l, 0) + log1p(e^-|l|)): stable for logits of either sign; max(l, 0) as
    // PyTorch's (clamp(l, min 0) + l - clamp(l, max 0)) / 2, whose gradient at l = 0 (probs ½) is ½
    const maxZero = l.clamp(0).add(l).sub(l.clamp(null, 0)).div(2);
    const normalize = n.mul(maxZero).add(n.mul(torch.log1p(torch.exp(torch.neg(l.abs()))))).sub(torch.lgamma(n.add(1)));
    return value.mul(l).sub(torch.lgamma(value.add(1))).sub(torch.lgamma(n.sub(value).add(1))).sub(normalize);
  }
  /** By summing over the support, so every count must be the same (PyTorch's NotImplementedError otherwise). */
  entropy(): Tensor {
    const n = torch.max(this.totalCount).item();
    if ((torch.min(this.totalCount).item()) !== n) throw new Error("Inhomogeneous total count not supported by `entropy`.");
    const lp = this.logProb(this.enumerateSupport({ expand: false }));
    return torch.neg(lp.exp().mul(lp).sum(0));
  }
}
