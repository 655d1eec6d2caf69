import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import { binaryProbsLogits, givenParam, type ProbsOrLogits } from "./binary-params.js";
import * as C from "./constraints.js";
import { broadcastAll, Distribution, type DistributionOptions, type SampleOptions, pyTuple } from "./distribution.js";
import { tinyOf } from "./standard-gamma.js";

/** Exactly one of `probs` (the success probability of each trial, in (0, 1]) or `logits` (its log-odds). */
export type GeometricParams = ProbsOrLogits;

/**
 * The geometric distribution: the number of failures before the first success in
 * Bernoulli(`probs`) trials, `P(k) = (1 - p)^k p` for k = 0, 1, …; samples are floats.
 *
 * @example
 * const d = new torch.distributions.Geometric({ probs: torch.tensor([0.5, 0.1]) });
 * d.mean; // [1, 9]
 */
export class Geometric extends Distribution {
  readonly probs: Tensor;
  readonly logits: Tensor;
  private readonly given: "probs" | "logits";

  constructor(params: GeometricParams, options: DistributionOptions = {}) {
    const given = givenParam(params);
    const [p] = broadcastAll((params.probs ?? params.logits));
    super(p!.shape, [], options);
    this.given = given;
    ({ probs: this.probs, logits: this.logits } = binaryProbsLogits(given, p!));
    this.validateParams();
    // beyond unit_interval: p = 0 would never succeed (PyTorch's extra check, with its ValueError text)
    if (this.validateArgs && given === "probs" && !torch.all(torch.gt(this.probs, 0)).item()) {
      const bad = torch.maskedSelect(this.probs.detach(), torch.logicalNot(torch.gt(this.probs, 0)));
      throw new Error(`Expected parameter probs (Tensor of shape ${pyTuple(this.probs.shape)}) of distribution ${this.toString()} to be positive but found invalid values:\n${bad.toString()}`);
    }
  }
  override get argConstraints(): Record<string, C.Constraint> {
    return { probs: C.unitInterval, logits: C.real };
  }
  protected override params(): Record<string, Tensor> {
    return this.given === "probs" ? { probs: this.probs } : { logits: this.logits };
  }
  get support(): C.Constraint {
    return C.nonnegativeInteger;
  }
  get mean(): Tensor {
    return this.probs.reciprocal().sub(1);
  }
  override get mode(): Tensor {
    return torch.zerosLike(this.probs);
  }
  get variance(): Tensor {
    return this.probs.reciprocal().sub(1).div(this.probs);
  }
  override expand(batchShape: readonly number[]): this {
    return this.withBatchShape(batchShape, { probs: this.probs.expand(batchShape), logits: this.logits.expand(batchShape) });
  }
  override sample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    return torch.noGrad(() => {
      // inversion: floor(log u / log(1 - p)), u kept off 0
      const u = torch.rand(this.extendedShape(sampleShape), { dtype: this.probs.dtype, ...options }).clamp(tinyOf(this.probs));
      return u.log().div(torch.log1p(torch.neg(this.probs))).floor();
    });
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    // p = 1 at k = 0 is certain: 0 · log(0) counts as 0, as PyTorch zeroes p there
    const [v, p] = torch.broadcastTensors(value, this.probs);
    const safe = torch.where(torch.logicalAnd(torch.eq(p!, 1), torch.eq(v!, 0)), 0, p!);
    return v!.mul(torch.log1p(torch.neg(safe))).add(this.probs.log());
  }
  entropy(): Tensor {
    return torch.nn.functional.binaryCrossEntropyWithLogits(this.logits, this.probs, { reduction: "none" }).div(this.probs);
  }
}
