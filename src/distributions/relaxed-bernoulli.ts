import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import { binaryProbsLogits, epsOf, givenParam, type ProbsOrLogits } from "./binary-params.js";
import * as C from "./constraints.js";
import { broadcastAll, Distribution, type DistributionOptions, type SampleOptions } from "./distribution.js";
import { TransformedDistribution } from "./transformed-distribution.js";
import { SigmoidTransform } from "./transforms/elementwise.js";

/** Probabilities kept one epsilon inside (0, 1) (PyTorch's `clamp_probs`). */
export const clampProbs = (p: Tensor): Tensor => p.clamp(epsOf(p), 1 - epsOf(p));

/** The temperature as a tensor of the parameters' dtype. */
export const temperatureOf = (t: Tensor | number, like: Tensor): Tensor => (typeof t === "number" ? torch.tensor(t, { dtype: like.dtype }) : t);

/**
 * The logit of a RelaxedBernoulli: draws are `(logit(u) + logits) / temperature` for `u` uniform
 * (the logistic relaxation of a Bernoulli, Maddison et al. and Jang et al. 2017); real support.
 * As PyTorch's, `hasRsample` is false although `rsample` works (`RelaxedBernoulli` says true).
 *
 * @example
 * const d = new torch.distributions.LogitRelaxedBernoulli(torch.tensor(0.5), { probs: torch.tensor([0.2, 0.9]) });
 * d.rsample([3]).shape; // [3, 2]
 */
export class LogitRelaxedBernoulli extends Distribution {
  readonly temperature: Tensor;
  readonly probs: Tensor;
  readonly logits: Tensor;
  private readonly given: "probs" | "logits";

  constructor(temperature: Tensor | number, params: ProbsOrLogits, options: DistributionOptions = {}) {
    const given = givenParam(params);
    const [p] = broadcastAll(params.probs ?? params.logits);
    super(p!.shape, [], options);
    this.given = given;
    this.temperature = temperatureOf(temperature, p!);
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
    return C.real;
  }
  override expand(batchShape: readonly number[]): this {
    return this.withBatchShape(batchShape, { probs: this.probs.expand(batchShape), logits: this.logits.expand(batchShape) });
  }
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const shape = this.extendedShape(sampleShape);
    const probs = clampProbs(this.probs.expand(shape));
    const u = clampProbs(torch.rand(shape, { dtype: probs.dtype, ...options }));
    return u.log().sub(torch.log1p(u.neg())).add(probs.log()).sub(torch.log1p(probs.neg())).div(this.temperature);
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    const [l, v] = torch.broadcastTensors(this.logits, value);
    const diff = l!.sub(v!.mul(this.temperature));
    return this.temperature.log().add(diff).sub(torch.log1p(diff.exp()).mul(2));
  }
  get mean(): Tensor {
    throw new Error("LogitRelaxedBernoulli does not implement mean");
  }
  get variance(): Tensor {
    throw new Error("LogitRelaxedBernoulli does not implement variance");
  }
  entropy(): Tensor {
    throw new Error("LogitRelaxedBernoulli does not implement entropy");
  }
}

/**
 * The relaxed (concrete, Gumbel-softmax) Bernoulli on (0, 1): the sigmoid of a
 * `LogitRelaxedBernoulli` (PyTorch builds it so; that base checks the parameters, its message
 * naming it, whatever `validateArgs` says here); reparameterisable. Low temperatures approach a
 * Bernoulli.
 *
 * @example
 * const d = new torch.distributions.RelaxedBernoulli(torch.tensor(0.1), { probs: torch.tensor([0.2, 0.9]) });
 * d.rsample(); // values near 0 or 1
 */
export class RelaxedBernoulli extends TransformedDistribution {
  constructor(temperature: Tensor | number, params: ProbsOrLogits, options: DistributionOptions = {}) {
    super(new LogitRelaxedBernoulli(temperature, params), new SigmoidTransform(), options);
  }
  private get logitDist(): LogitRelaxedBernoulli {
    return this.baseDist as LogitRelaxedBernoulli;
  }
  get temperature(): Tensor {
    return this.logitDist.temperature;
  }
  get probs(): Tensor {
    return this.logitDist.probs;
  }
  get logits(): Tensor {
    return this.logitDist.logits;
  }
  override get hasRsample(): boolean {
    return true;
  }
  override get argConstraints(): Record<string, C.Constraint> {
    return { probs: C.unitInterval, logits: C.real };
  }
  override get support(): C.Constraint {
    return C.unitInterval;
  }
  /** As PyTorch's: its parameters live on the base, so the repr lists none. */
  override toString(): string {
    return "RelaxedBernoulli()";
  }
}
