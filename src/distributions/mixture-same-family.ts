import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import { Categorical } from "./categorical.js";
import type * as C from "./constraints.js";
import { Distribution, type DistributionOptions, pySize, type SampleOptions } from "./distribution.js";

/**
 * A mixture of K distributions of one family (PyTorch's `MixtureSameFamily`): a `Categorical`
 * over the K components (batch shape `[]` or the mixture's batch) picks one, and the component
 * distribution's rightmost batch dim indexes the components. Sampling has no gradient (no
 * `rsample`, as PyTorch).
 *
 * @example
 * const D = torch.distributions;
 * const mix = new D.Categorical({ probs: torch.tensor([0.3, 0.7]) });
 * const comp = new D.Normal(torch.tensor([-1, 2]), torch.tensor([0.5, 1]));
 * const gmm = new D.MixtureSameFamily(mix, comp);
 * gmm.logProb(torch.tensor([0])); // log(0.3 N(0; -1, 0.5) + 0.7 N(0; 2, 1))
 */
export class MixtureSameFamily extends Distribution {
  readonly mixtureDistribution: Categorical;
  readonly componentDistribution: Distribution;
  private readonly numComponent: number;
  private readonly eventNdims: number;

  constructor(mixtureDistribution: Categorical, componentDistribution: Distribution, options: DistributionOptions = {}) {
    // PyTorch 2.x's text (1.13 misspells "distributions")
    if (!(mixtureDistribution instanceof Categorical)) throw new Error(" The Mixture distribution needs to be an  instance of torch.distributions.Categorical");
    if (!(componentDistribution instanceof Distribution)) throw new Error("The Component distribution need to be an instance of torch.distributions.Distribution");
    const mdbs = mixtureDistribution.batchShape, cdbs = componentDistribution.batchShape.slice(0, -1);
    for (let i = 1; i <= Math.min(mdbs.length, cdbs.length); i++) {
      const a = mdbs[mdbs.length - i]!, b = cdbs[cdbs.length - i]!;
      if (a !== 1 && b !== 1 && a !== b)
        throw new Error(`\`mixture_distribution.batch_shape\` (${pySize(mdbs)}) is not compatible with \`component_distribution.batch_shape\`(${pySize(cdbs)})`);
    }
    const km = mixtureDistribution.logits.shape[mixtureDistribution.logits.dim() - 1]!;
    const kc = componentDistribution.batchShape[componentDistribution.batchShape.length - 1];
    if (km !== kc) throw new Error(`\`mixture_distribution component\` (${km}) does not equal \`component_distribution.batch_shape[-1]\` (${kc})`);
    super(cdbs, componentDistribution.eventShape, options);
    this.mixtureDistribution = mixtureDistribution;
    this.componentDistribution = componentDistribution;
    this.numComponent = km;
    this.eventNdims = componentDistribution.eventShape.length;
  }
  /** The components' support. */
  get support(): C.Constraint {
    return this.componentDistribution.support;
  }
  /** The mixture's and the components' reprs, as PyTorch prints them. */
  override toString(): string {
    return `MixtureSameFamily(\n  ${this.mixtureDistribution.toString()},\n  ${this.componentDistribution.toString()})`;
  }
  override expand(batchShape: readonly number[]): this {
    return this.withBatchShape(batchShape, {
      componentDistribution: this.componentDistribution.expand([...batchShape, this.numComponent]),
      mixtureDistribution: this.mixtureDistribution.expand(batchShape),
    });
  }
  /** `x` with a component dim before its event dims. */
  private pad(x: Tensor): Tensor {
    return x.unsqueeze(-1 - this.eventNdims);
  }
  /**
   * The mixture probabilities `[..., K]` followed by a 1 per event dim, to broadcast against the
   * components' `[..., K, ...event]` (the batch dims align from the right). PyTorch also inserts
   * `numel(batch) - numel(mixture batch)` ones before K, which is 0 where the mixture's batch is
   * empty or the whole batch, and misaligns the dims otherwise; torchlet inserts none.
   */
  private padMixture(x: Tensor): Tensor {
    return x.reshape([...x.shape, ...new Array<number>(this.eventNdims).fill(1)]);
  }
  /** `Σₖ πₖ μₖ`. */
  get mean(): Tensor {
    const probs = this.padMixture(this.mixtureDistribution.probs);
    return probs.mul(this.componentDistribution.mean).sum(-1 - this.eventNdims);
  }
  /** By the law of total variance: `E[Var(Y|k)] + Var(E[Y|k])`. */
  get variance(): Tensor {
    const probs = this.padMixture(this.mixtureDistribution.probs);
    const meanCondVar = probs.mul(this.componentDistribution.variance).sum(-1 - this.eventNdims);
    const varCondMean = probs.mul(this.componentDistribution.mean.sub(this.pad(this.mean)).square()).sum(-1 - this.eventNdims);
    return meanCondVar.add(varCondMean);
  }
  /** `Σₖ πₖ Fₖ(x)` (univariate components). */
  override cdf(value: Tensor): Tensor {
    const cdfX = this.componentDistribution.cdf(this.pad(value));
    return cdfX.mul(this.mixtureDistribution.probs).sum(-1);
  }
  /** `logsumexp_k(log πₖ + log pₖ(x))`. */
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    const logProbX = this.componentDistribution.logProb(this.pad(value));
    const logMixProb = this.mixtureDistribution.logits.logSoftmax(-1);
    return logProbX.add(logMixProb).logsumexp(-1);
  }
  override sample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    return torch.noGrad(() => {
      const gatherDim = sampleShape.length + this.batchShape.length;
      const es = this.eventShape;
      const mix = this.mixtureDistribution.sample(sampleShape, options); // [n, B]
      const comp = this.componentDistribution.sample(sampleShape, options); // [n, B, k, E]
      // the mixture's batch aligned right within the components' (it may have fewer dims), then one index per event element
      const mb = this.mixtureDistribution.batchShape, b = this.batchShape;
      const aligned = mix.reshape([...sampleShape, ...new Array<number>(b.length - mb.length).fill(1), ...mb, 1, ...es.map(() => 1)]);
      const idx = torch.toDtype(aligned, "int32").expand([...sampleShape, ...b, 1, ...es]).contiguous();
      return comp.gather(gatherDim, idx).squeeze(gatherDim);
    });
  }
  /** PyTorch has none (no closed form). */
  entropy(): Tensor {
    throw new Error("MixtureSameFamily does not implement entropy");
  }
}
