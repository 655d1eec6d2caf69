import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import { binaryProbsLogits, givenParam, type ProbsOrLogits } from "./binary-params.js";
import * as C from "./constraints.js";
import { broadcastAll, Distribution, type DistributionOptions, type SampleOptions } from "./distribution.js";
import { clampProbs } from "./relaxed-bernoulli.js";

/** Options of `ContinuousBernoulli`. */
export interface ContinuousBernoulliOptions extends DistributionOptions {
  /**
   * The interval of `probs` around ½ where the closed forms lose precision and Taylor expansions
   * are used instead (default `[0.499, 0.501]`).
   */
  lims?: [number, number];
}

const LN2 = Math.LN2;

/**
 * The continuous Bernoulli distribution on [0, 1] (Loaiza-Ganem and Cunningham 2019): density
 * `C(λ) λ^x (1 - λ)^(1-x)` with `λ = probs` (or `sigmoid(logits)`), the normalising constant
 * making a Bernoulli's likelihood a density; reparameterisable through its inverse cdf. As in
 * PyTorch, `probs` are kept one epsilon inside (0, 1), and values outside [0, 1] are refused
 * (`The parameter probs has invalid values`) only when `validateArgs` is given explicitly:
 * PyTorch checks them before that clamping only then.
 *
 * @example
 * const d = new torch.distributions.ContinuousBernoulli({ probs: torch.tensor([0.2, 0.8]) });
 * d.mean; // [0.3739…, 0.6261…]
 */
export class ContinuousBernoulli extends Distribution {
  readonly probs: Tensor;
  readonly logits: Tensor;
  /** The interval around ½ where Taylor expansions replace the closed forms. */
  readonly lims: [number, number];
  private readonly given: "probs" | "logits";

  constructor(params: ProbsOrLogits, options: ContinuousBernoulliOptions = {}) {
    const given = givenParam(params);
    const [p] = broadcastAll(params.probs ?? params.logits);
    super(p!.shape, [], options);
    this.given = given;
    this.lims = options.lims ?? [0.499, 0.501];
    if (given === "probs") {
      if (options.validateArgs !== undefined && !torch.all(C.unitInterval.check(p!)).item()) throw new Error("The parameter probs has invalid values");
      this.probs = clampProbs(p!);
      this.logits = binaryProbsLogits("probs", this.probs).logits;
    } else {
      this.logits = p!;
      this.probs = clampProbs(p!.sigmoid());
    }
    this.validateParams();
  }
  override get hasRsample(): boolean {
    return true;
  }
  override get argConstraints(): Record<string, C.Constraint> {
    return { probs: C.unitInterval, logits: C.real };
  }
  protected override params(): Record<string, Tensor> {
    return this.given === "probs" ? { probs: this.probs } : { logits: this.logits };
  }
  get support(): C.Constraint {
    return C.unitInterval;
  }
  override expand(batchShape: readonly number[]): this {
    return this.withBatchShape(batchShape, { probs: this.probs.expand(batchShape), logits: this.logits.expand(batchShape) });
  }
  /** Where the closed forms are used: `probs` outside `(lims[0], lims[1]]`. */
  private outsideUnstableRegion(): Tensor {
    return torch.logicalOr(torch.le(this.probs, this.lims[0]), torch.gt(this.probs, this.lims[1]));
  }
  /** `probs`, moved to `lims[0]` inside the unstable region (whose closed-form values are then discarded). */
  private cutProbs(): Tensor {
    return torch.where(this.outsideUnstableRegion(), this.probs, this.lims[0]);
  }
  /** `log C(λ)`: `log(|log1p(-λ) - log λ| / |1 - 2λ|)`, and `log 2 + (4/3 + 104/45 x) x` with `x = (λ - ½)²` near ½. */
  logNormalizer(): Tensor {
    const cut = this.cutProbs();
    const below = torch.where(torch.le(cut, 0.5), cut, 0), above = torch.where(torch.ge(cut, 0.5), cut, 1);
    const logNorm = torch.log1p(cut.neg()).sub(cut.log()).abs().log()
      .sub(torch.where(torch.le(cut, 0.5), torch.log1p(below.mul(-2)), above.mul(2).sub(1).log()));
    const x = this.probs.sub(0.5).square();
    const taylor = x.mul(104 / 45).add(4 / 3).mul(x).add(LN2);
    return torch.where(this.outsideUnstableRegion(), logNorm, taylor);
  }
  get mean(): Tensor {
    const cut = this.cutProbs();
    const mus = cut.div(cut.mul(2).sub(1)).add(torch.log1p(cut.neg()).sub(cut.log()).reciprocal());
    const x = this.probs.sub(0.5);
    const taylor = x.square().mul(16 / 45).add(1 / 3).mul(x).add(0.5);
    return torch.where(this.outsideUnstableRegion(), mus, taylor);
  }
  get variance(): Tensor {
    const cut = this.cutProbs();
    const vars = cut.mul(cut.sub(1)).div(torch.rsub(cut.mul(2), 1).square()).add(torch.log1p(cut.neg()).sub(cut.log()).square().reciprocal());
    const x = this.probs.sub(0.5).square();
    const taylor = torch.rsub(torch.rsub(x.mul(128 / 945), 1 / 15).mul(x), 1 / 12);
    return torch.where(this.outsideUnstableRegion(), vars, taylor);
  }
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    return this.icdf(torch.rand(this.extendedShape(sampleShape), { dtype: this.probs.dtype, ...options }));
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    const [l, v] = torch.broadcastTensors(this.logits, value);
    return torch.nn.functional.binaryCrossEntropyWithLogits(l!, v!, { reduction: "none" }).neg().add(this.logNormalizer());
  }
  /** `(λ^x (1-λ)^(1-x) + λ - 1) / (2λ - 1)` on [0, 1] (x itself near λ = ½), 0 below and 1 above. */
  override cdf(value: Tensor): Tensor {
    this.validateSample(value);
    const cut = this.cutProbs();
    const cdfs = cut.pow(value).mul(torch.rsub(cut, 1).pow(torch.rsub(value, 1))).add(cut).sub(1).div(cut.mul(2).sub(1));
    const unbounded = torch.where(this.outsideUnstableRegion(), cdfs, value);
    return torch.where(torch.le(value, 0), 0, torch.where(torch.ge(value, 1), 1, unbounded));
  }
  override icdf(value: Tensor): Tensor {
    const cut = this.cutProbs();
    const inv = torch.log1p(cut.neg().add(value.mul(cut.mul(2).sub(1)))).sub(torch.log1p(cut.neg())).div(cut.log().sub(torch.log1p(cut.neg())));
    return torch.where(this.outsideUnstableRegion(), inv, value);
  }
  entropy(): Tensor {
    const lp0 = torch.log1p(this.probs.neg()), lp1 = this.probs.log();
    return this.mean.mul(lp0.sub(lp1)).sub(this.logNormalizer()).sub(lp0);
  }
}
