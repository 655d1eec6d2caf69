import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import { binaryProbsLogits, givenParam, type ProbsOrLogits } from "./binary-params.js";
import * as C from "./constraints.js";
import { broadcastAll, Distribution, type DistributionOptions, type SampleOptions } from "./distribution.js";

/** Exactly one of `probs` or `logits` (log-odds). */
export type BernoulliParams = ProbsOrLogits;

/**
 * The Bernoulli distribution: 1 with probability `probs`, else 0.
 * Parameterised by `{ probs }` or `{ logits }` (log-odds); samples are 0./1. floats.
 *
 * @example
 * const d = new torch.distributions.Bernoulli({ logits: torch.tensor([0, 2]) });
 * d.probs; // sigmoid(logits)
 * d.logProb(torch.tensor([1, 0]));
 */
export class Bernoulli extends Distribution {
  readonly probs: Tensor;
  readonly logits: Tensor;
  private readonly given: "probs" | "logits";

  constructor(params: BernoulliParams, options: DistributionOptions = {}) {
    const given = givenParam(params);
    const [p] = broadcastAll((params.probs ?? params.logits));
    super(p!.shape, [], options);
    this.given = given;
    ({ probs: this.probs, logits: this.logits } = binaryProbsLogits(given, p!));
    this.validateParams();
  }
  override get argConstraints(): Record<string, C.Constraint> {
    return { probs: C.unitInterval, logits: C.real };
  }
  protected override params(): Record<string, Tensor> {
    return this.given === "probs" ? { probs: this.probs } : { logits: this.logits };
  }
  get support(): C.Constraint {
    return C.boolean;
  }
  get mean(): Tensor {
    return this.probs;
  }
  get variance(): Tensor {
    return this.probs.mul(torch.rsub(this.probs, 1));
  }
  /** 1 where `probs > 0.5`, 0 where below, NaN at exactly 0.5 (both values are modes). */
  override get mode(): Tensor {
    const m = torch.toDtype(torch.ge(this.probs, 0.5), this.probs.dtype);
    return torch.where(torch.eq(this.probs, 0.5), NaN, m);
  }
  override expand(batchShape: readonly number[]): this {
    return this.withBatchShape(batchShape, { probs: this.probs.expand(batchShape), logits: this.logits.expand(batchShape) });
  }
  override get hasEnumerateSupport(): boolean {
    return true;
  }
  /** `[0, 1]` in `probs`' dtype, shaped `[2, 1, …]` or, with `expand` (the default), `[2, ...batchShape]`. */
  override enumerateSupport(options: { expand?: boolean } = {}): Tensor {
    const values = torch.arange(2, { dtype: this.probs.dtype }).reshape([-1, ...this.batchShape.map(() => 1)]);
    return (options.expand ?? true) ? values.expand([2, ...this.batchShape]) : values;
  }
  override sample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    return torch.noGrad(() => torch.bernoulli(this.probs.expand(this.extendedShape(sampleShape)).contiguous(), options));
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    const [l, v] = torch.broadcastTensors(this.logits, torch.toDtype(value, this.logits.dtype));
    return torch.neg(torch.nn.functional.binaryCrossEntropyWithLogits(l!, v!, { reduction: "none" }));
  }
  entropy(): Tensor {
    return torch.nn.functional.binaryCrossEntropyWithLogits(this.logits, this.probs, { reduction: "none" });
  }
}
