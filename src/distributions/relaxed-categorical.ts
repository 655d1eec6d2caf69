import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import { Categorical, type CategoricalParams } from "./categorical.js";
import * as C from "./constraints.js";
import { Distribution, type DistributionOptions, type SampleOptions } from "./distribution.js";
import { clampProbs, temperatureOf } from "./relaxed-bernoulli.js";
import { TransformedDistribution } from "./transformed-distribution.js";
import { ExpTransform } from "./transforms/elementwise.js";

/**
 * The log of a RelaxedOneHotCategorical: draws are `log_softmax((logits + g) / temperature)` for
 * Gumbel noise `g` (the concrete distribution of Maddison et al. 2017, in log space); event shape
 * `[K]`, reparameterisable. A `Categorical` inside checks the parameters (its message naming it).
 *
 * @example
 * const d = new torch.distributions.ExpRelaxedCategorical(torch.tensor(0.5), { probs: torch.tensor([0.2, 0.3, 0.5]) });
 * d.rsample().exp().sum(); // 1
 */
export class ExpRelaxedCategorical extends Distribution {
  readonly temperature: Tensor;
  readonly categorical: Categorical;

  constructor(temperature: Tensor | number, params: CategoricalParams, options: DistributionOptions = {}) {
    const cat = new Categorical(params);
    super(cat.batchShape, [cat.numEvents], options);
    this.categorical = cat;
    this.temperature = temperatureOf(temperature, cat.probs);
  }
  override get hasRsample(): boolean {
    return true;
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
  /** Real vectors (the true support is a submanifold of them: their exps sum to 1). */
  get support(): C.Constraint {
    return C.realVector;
  }
  /** As PyTorch's: its parameters live on the categorical, so the repr lists none. */
  override toString(): string {
    return "ExpRelaxedCategorical()";
  }
  override expand(batchShape: readonly number[]): this {
    return this.withBatchShape(batchShape, { categorical: this.categorical.expand(batchShape) });
  }
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const shape = this.extendedShape(sampleShape);
    const u = clampProbs(torch.rand(shape, { dtype: this.logits.dtype, ...options }));
    const gumbels = u.log().neg().log().neg();
    const scores = this.logits.add(gumbels).div(this.temperature);
    return scores.sub(scores.logsumexp(-1, { keepdim: true }));
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    const k = this.eventShape[0]!;
    const [l, v] = torch.broadcastTensors(this.logits, value);
    // log Γ(K) + (K - 1) log τ
    const logScale = torch.fullLike(this.temperature, k).lgamma().add(this.temperature.log().mul(k - 1));
    const score = l!.sub(v!.mul(this.temperature));
    return score.sub(score.logsumexp(-1, { keepdim: true })).sum(-1).add(logScale);
  }
  get mean(): Tensor {
    throw new Error("ExpRelaxedCategorical does not implement mean");
  }
  get variance(): Tensor {
    throw new Error("ExpRelaxedCategorical does not implement variance");
  }
  entropy(): Tensor {
    throw new Error("ExpRelaxedCategorical does not implement entropy");
  }
}

/**
 * The relaxed one-hot categorical (concrete, Gumbel-softmax) distribution over the simplex: the
 * exp of an `ExpRelaxedCategorical` (PyTorch builds it so); reparameterisable. Low temperatures
 * approach a `OneHotCategorical`.
 *
 * @example
 * const d = new torch.distributions.RelaxedOneHotCategorical(torch.tensor(0.1), { logits: torch.tensor([0, 1, 2]) });
 * d.rsample(); // near a one-hot vector
 */
export class RelaxedOneHotCategorical extends TransformedDistribution {
  constructor(temperature: Tensor | number, params: CategoricalParams, options: DistributionOptions = {}) {
    super(new ExpRelaxedCategorical(temperature, params, options), new ExpTransform(), options);
  }
  private get expDist(): ExpRelaxedCategorical {
    return this.baseDist as ExpRelaxedCategorical;
  }
  get temperature(): Tensor {
    return this.expDist.temperature;
  }
  get probs(): Tensor {
    return this.expDist.probs;
  }
  get logits(): Tensor {
    return this.expDist.logits;
  }
  override get argConstraints(): Record<string, C.Constraint> {
    return { probs: C.simplex, logits: C.realVector };
  }
  override get support(): C.Constraint {
    return C.simplex;
  }
  /** As PyTorch's: its parameters live on the base, so the repr lists none. */
  override toString(): string {
    return "RelaxedOneHotCategorical()";
  }
}
