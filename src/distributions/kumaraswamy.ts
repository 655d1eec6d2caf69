import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import * as C from "./constraints.js";
import { broadcastAll, type DistributionOptions } from "./distribution.js";
import { EULER_GAMMA } from "./gumbel.js";
import { TransformedDistribution } from "./transformed-distribution.js";
import { AffineTransform, PowerTransform } from "./transforms/elementwise.js";
import { Uniform } from "./uniform.js";

/** The n-th moment `b B(1 + n/a, b)` of Kumaraswamy(a, b). */
function moment(a: Tensor, b: Tensor, n: number): Tensor {
  const arg = a.reciprocal().mul(n).add(1);
  return b.mul(torch.lgamma(arg).add(torch.lgamma(b)).sub(torch.lgamma(arg.add(b))).exp());
}

/**
 * The Kumaraswamy distribution on (0, 1) with cdf `1 - (1 - x^a)^b`, `a = concentration1`,
 * `b = concentration0`: `(1 - U^(1/b))^(1/a)` for `U ~ Uniform(0, 1)` (PyTorch builds it so);
 * reparameterisable. Close to a Beta(a, b), with a closed-form cdf.
 *
 * @example
 * const d = new torch.distributions.Kumaraswamy(2, 3);
 * d.mean; // 3 B(1.5, 3) = 0.4571…
 */
export class Kumaraswamy extends TransformedDistribution {
  readonly concentration1: Tensor;
  readonly concentration0: Tensor;

  constructor(concentration1: Tensor | number, concentration0: Tensor | number, options: DistributionOptions = {}) {
    const [c1, c0] = broadcastAll(concentration1, concentration0);
    const base = new Uniform(torch.zerosLike(c0!), torch.onesLike(c0!), options);
    super(base, [new PowerTransform(c0!.reciprocal()), new AffineTransform(1, -1), new PowerTransform(c1!.reciprocal())], options);
    this.concentration1 = c1!;
    this.concentration0 = c0!;
    this.validateParams();
  }
  override get argConstraints(): Record<string, C.Constraint> {
    return { concentration1: C.positive, concentration0: C.positive };
  }
  protected override params(): Record<string, Tensor> {
    return { concentration1: this.concentration1, concentration0: this.concentration0 };
  }
  override get support(): C.Constraint {
    return C.unitInterval;
  }
  override expand(batchShape: readonly number[]): this {
    const e = super.expand(batchShape);
    return Object.assign(e, { concentration1: this.concentration1.expand(batchShape), concentration0: this.concentration0.expand(batchShape) });
  }
  override get mean(): Tensor {
    return moment(this.concentration1, this.concentration0, 1);
  }
  /**
   * `((a - 1) / (ab - 1))^(1/a)`, NaN where a < 1 or b < 1 (no interior mode). PyTorch (1.13 and 2.x)
   * marks the same NaNs but its formula gives NaN for every other parameter too (the log of a
   * negative number); torchlet returns the mode.
   */
  override get mode(): Tensor {
    const none = torch.logicalOr(torch.lt(this.concentration1, 1), torch.lt(this.concentration0, 1));
    // (parameters without a mode are replaced by 2 inside the formula, so that they get a zero gradient, as PyTorch's)
    const a = torch.where(none, 2, this.concentration1), b = torch.where(none, 2, this.concentration0);
    const logMode = a.sub(1).log().sub(a.mul(b).sub(1).log()).div(a);
    return torch.where(none, NaN, logMode.exp());
  }
  override get variance(): Tensor {
    return moment(this.concentration1, this.concentration0, 2).sub(this.mean.square());
  }
  /** `(1 - 1/b) + (1 - 1/a) H_b - log(ab)`, `H_b = ψ(b + 1) + γ` the harmonic number. */
  override entropy(): Tensor {
    const a = this.concentration1, b = this.concentration0;
    const t1 = torch.rsub(a.reciprocal(), 1), t0 = torch.rsub(b.reciprocal(), 1);
    const h0 = torch.digamma(b.add(1)).add(EULER_GAMMA);
    return t0.add(t1.mul(h0)).sub(a.log()).sub(b.log());
  }
}
