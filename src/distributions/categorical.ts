import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import { broadcastShapes } from "../ops/core.js";
import { epsOf, givenParam } from "./binary-params.js";
import * as C from "./constraints.js";
import { Distribution, type DistributionOptions, type SampleOptions } from "./distribution.js";

/** Exactly one of `probs` (nonnegative, normalised over the last dim) or `logits` (unnormalised log-probabilities). */
export type CategoricalParams = { probs: Tensor; logits?: undefined } | { logits: Tensor; probs?: undefined };

/**
 * The categorical distribution over `0 … K-1`, `K` the size of the last dim
 * of `probs` / `logits` (the other dims are the batch). Samples are int32
 * category indices.
 *
 * @example
 * const d = new torch.distributions.Categorical({ logits: torch.tensor([[0, 1, 2], [2, 1, 0]]) });
 * d.batchShape; // [2]
 * d.sample([4]).shape; // [4, 2]
 * d.logProb(torch.tensor([2, 0]));
 */
export class Categorical extends Distribution {
  /** Normalised probabilities. */
  readonly probs: Tensor;
  /** Normalised log-probabilities (`logsumexp` over the last dim is 0). */
  readonly logits: Tensor;
  private readonly given: "probs" | "logits";

  constructor(params: CategoricalParams, options: DistributionOptions = {}) {
    givenParam(params);
    const given = params.probs !== undefined ? "probs" : "logits";
    const p = (params.probs ?? params.logits);
    if (p.dim() < 1) throw new Error(`\`${given}\` parameter must be at least one-dimensional.`);
    super(p.shape.slice(0, -1), [], options);
    this.given = given;
    if (given === "probs") {
      this.probs = p.div(p.sum(-1, { keepdim: true }));
      const e = epsOf(p);
      this.logits = this.probs.clamp(e, 1 - e).log();
    } else {
      this.logits = p.sub(p.logsumexp(-1, { keepdim: true }));
      this.probs = this.logits.softmax(-1);
    }
    this.validateParams();
  }
  /** The number of categories `K`. */
  get numEvents(): number {
    return this.probs.shape[this.probs.shape.length - 1]!;
  }
  override get argConstraints(): Record<string, C.Constraint> {
    return { probs: C.simplex, logits: C.independent(C.real, 1) };
  }
  protected override params(): Record<string, Tensor> {
    return this.given === "probs" ? { probs: this.probs } : { logits: this.logits };
  }
  get support(): C.Constraint {
    return C.integerInterval(0, this.numEvents - 1);
  }
  /** Undefined for a categorical: NaN of `batchShape`, as in PyTorch. */
  get mean(): Tensor {
    return torch.full(this.batchShape, NaN, { dtype: this.probs.dtype });
  }
  /** Undefined for a categorical: NaN of `batchShape`, as in PyTorch. */
  get variance(): Tensor {
    return torch.full(this.batchShape, NaN, { dtype: this.probs.dtype });
  }
  /** The most likely category (int32, as samples are; the first on ties). */
  override get mode(): Tensor {
    return torch.argmax(this.probs, -1);
  }
  override expand(batchShape: readonly number[]): this {
    const shape = [...batchShape, this.numEvents];
    return this.withBatchShape(batchShape, { probs: this.probs.expand(shape), logits: this.logits.expand(shape) });
  }
  override get hasEnumerateSupport(): boolean {
    return true;
  }
  /** `0 … K-1` as int32, shaped `[K, 1, …]` or, with `expand` (the default), `[K, ...batchShape]`. */
  override enumerateSupport(options: { expand?: boolean } = {}): Tensor {
    const values = torch.arange(this.numEvents, { dtype: "int32" }).reshape([-1, ...this.batchShape.map(() => 1)]);
    return (options.expand ?? true) ? values.expand([this.numEvents, ...this.batchShape]) : values;
  }
  override sample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    return torch.noGrad(() => {
      const n = sampleShape.reduce((a, b) => a * b, 1);
      const probs2d = this.probs.reshape([-1, this.numEvents]);
      const draws = torch.multinomial(probs2d, n, { replacement: true, ...options }); // [batch, n]
      return draws.t().contiguous().reshape(this.extendedShape(sampleShape));
    });
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    const v = torch.toDtype(value, "int32").unsqueeze(-1);
    const batch = broadcastShapes(v.shape.slice(0, -1), this.logits.shape.slice(0, -1), "gather");
    const logits = this.logits.expand([...batch, this.numEvents]);
    return logits.gather(-1, v.expand([...batch, 1]).contiguous()).squeeze(-1);
  }
  entropy(): Tensor {
    const minReal = this.logits.dtype === "float64" ? -Number.MAX_VALUE : -3.4028234663852886e38;
    return torch.neg(this.logits.clamp(minReal).mul(this.probs).sum(-1));
  }
}
