import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import * as C from "./constraints.js";
import { Distribution, type DistributionOptions, type SampleOptions } from "./distribution.js";
import { standardGamma } from "./standard-gamma.js";

/**
 * The Dirichlet distribution over the probability simplex, with `concentration` α over
 * the last dim (the others are the batch); reparameterisable: draws are Gamma(αᵢ, 1)
 * draws normalised to sum 1, differentiated through each Gamma draw's implicit gradient.
 * That gradient is exact for each draw but is not the one PyTorch computes per draw (its
 * `_dirichlet_grad` differentiates through each coordinate's Beta marginal instead); both
 * are unbiased, so gradients of expectations agree.
 *
 * @example
 * const d = new torch.distributions.Dirichlet(torch.tensor([1, 2, 3]));
 * d.mean; // [1/6, 1/3, 1/2]
 */
export class Dirichlet extends Distribution {
  readonly concentration: Tensor;
  override get hasRsample(): boolean {
    return true;
  }

  constructor(concentration: Tensor, options: DistributionOptions = {}) {
    if (concentration.dim() < 1) throw new Error("`concentration` parameter must be at least one-dimensional.");
    super(concentration.shape.slice(0, -1), concentration.shape.slice(-1), options);
    this.concentration = concentration;
    this.validateParams();
  }
  override get argConstraints(): Record<string, C.Constraint> {
    return { concentration: C.independent(C.positive, 1) };
  }
  protected override params(): Record<string, Tensor> {
    return { concentration: this.concentration };
  }
  get support(): C.Constraint {
    return C.simplex;
  }
  get mean(): Tensor {
    return this.concentration.div(this.concentration.sum(-1, { keepdim: true }));
  }
  /**
   * (αᵢ - 1)₊ normalised; where every αᵢ < 1 that is 0/0, and PyTorch puts all the mass on
   * the first category (the argmax of a row of NaNs), so this does too.
   */
  override get mode(): Tensor {
    const cm1 = this.concentration.sub(1).clamp(0);
    const mode = cm1.div(cm1.sum(-1, { keepdim: true }));
    const allBelow = torch.all(torch.lt(this.concentration, 1), -1).unsqueeze(-1);
    const first = torch.eq(torch.arange(this.eventShape[0]!), 0);
    return torch.where(allBelow, torch.toDtype(first, mode.dtype), mode);
  }
  get variance(): Tensor {
    const c = this.concentration, total = c.sum(-1, { keepdim: true });
    return c.mul(total.sub(c)).div(total.square().mul(total.add(1)));
  }
  override expand(batchShape: readonly number[]): this {
    return this.withBatchShape(batchShape, { concentration: this.concentration.expand([...batchShape, ...this.eventShape]) });
  }
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const g = standardGamma(this.concentration.expand(this.extendedShape(sampleShape)).contiguous(), options.generator);
    return g.div(g.sum(-1, { keepdim: true }));
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    const c = this.concentration;
    return torch.xlogy(c.sub(1), value).sum(-1).add(torch.lgamma(c.sum(-1))).sub(torch.lgamma(c).sum(-1));
  }
  entropy(): Tensor {
    const c = this.concentration, k = this.eventShape[0]!, a0 = c.sum(-1);
    return torch.lgamma(c).sum(-1).sub(torch.lgamma(a0)).sub(torch.rsub(a0, k).mul(torch.digamma(a0))).sub(c.sub(1).mul(torch.digamma(c)).sum(-1));
  }
}
