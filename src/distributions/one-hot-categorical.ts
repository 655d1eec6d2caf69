import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import { Categorical, type CategoricalParams } from "./categorical.js";
import * as C from "./constraints.js";
import { Distribution, type DistributionOptions, type SampleOptions } from "./distribution.js";

/**
 * The categorical distribution with samples as one-hot vectors over the last dim
 * (event shape `[K]`); a `Categorical` inside does the work, which also checks the
 * parameters (its message names it). As PyTorch's, the repr lists no parameters.
 *
 * @example
 * const d = new torch.distributions.OneHotCategorical({ probs: torch.tensor([0.2, 0.8]) });
 * d.sample(); // [0, 1] or [1, 0]
 */
export class OneHotCategorical extends Distribution {
  readonly categorical: Categorical;

  constructor(params: CategoricalParams, options: DistributionOptions = {}) {
    const cat = new Categorical(params, options);
    super(cat.batchShape, [cat.numEvents], options);
    this.categorical = cat;
  }
  get probs(): Tensor {
    return this.categorical.probs;
  }
  get logits(): Tensor {
    return this.categorical.logits;
  }
  override get argConstraints(): Record<string, C.Constraint> {
    return { probs: C.simplex, logits: C.independent(C.real, 1) };
  }
  override toString(): string {
    return "OneHotCategorical()";
  }
  get support(): C.Constraint {
    return C.oneHot;
  }
  get mean(): Tensor {
    return this.probs;
  }
  /** The most likely category, one-hot in `probs`' dtype. */
  override get mode(): Tensor {
    return this.oneHot(this.categorical.mode);
  }
  get variance(): Tensor {
    return this.probs.mul(torch.rsub(this.probs, 1));
  }
  override expand(batchShape: readonly number[]): this {
    return this.withBatchShape(batchShape, { categorical: this.categorical.expand(batchShape) });
  }
  private oneHot(indices: Tensor): Tensor {
    return torch.toDtype(torch.nn.functional.oneHot(torch.toDtype(indices, "int32"), this.eventShape[0]), this.probs.dtype);
  }
  override sample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    return torch.noGrad(() => this.oneHot(this.categorical.sample(sampleShape, options)));
  }
  /** The Categorical's log-probability of each vector's largest entry's index. */
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return this.categorical.logProb(torch.argmax(value, -1));
  }
  entropy(): Tensor {
    return this.categorical.entropy();
  }
  override get hasEnumerateSupport(): boolean {
    return true;
  }
  /** The K one-hot vectors, shaped `[K, 1, …, K]` or, with `expand` (the default), `[K, ...batchShape, K]`. */
  override enumerateSupport(options: { expand?: boolean } = {}): Tensor {
    const k = this.eventShape[0]!;
    const values = torch.eye(k, { dtype: this.probs.dtype }).reshape([k, ...this.batchShape.map(() => 1), k]);
    return (options.expand ?? true) ? values.expand([k, ...this.batchShape, k]) : values;
  }
}
