import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import * as C from "./constraints.js";
import { broadcastAll, type DistributionOptions } from "./distribution.js";
import { Exponential } from "./exponential.js";
import { EULER_GAMMA } from "./gumbel.js";
import { TransformedDistribution } from "./transformed-distribution.js";
import { AffineTransform, PowerTransform } from "./transforms/elementwise.js";

/**
 * The two-parameter Weibull distribution, cdf `1 - exp(-(x/scale)^concentration)` on `x > 0`:
 * a unit Exponential raised to `1/concentration` and scaled (PyTorch builds it so, as a
 * `TransformedDistribution`); reparameterisable.
 *
 * @example
 * const d = new torch.distributions.Weibull(1, 2);
 * d.mean; // Γ(1.5) = 0.8862…
 */
export class Weibull extends TransformedDistribution {
  readonly scale: Tensor;
  readonly concentration: Tensor;
  /** `1 / concentration`, the exponent of the power transform. */
  readonly concentrationReciprocal: Tensor;

  constructor(scale: Tensor | number, concentration: Tensor | number, options: DistributionOptions = {}) {
    const [s, c] = broadcastAll(scale, concentration);
    const cr = c!.reciprocal();
    super(new Exponential(torch.onesLike(s!), options), [new PowerTransform(cr), new AffineTransform(0, s!)], options);
    this.scale = s!;
    this.concentration = c!;
    this.concentrationReciprocal = cr;
    this.validateParams();
  }
  override get argConstraints(): Record<string, C.Constraint> {
    return { scale: C.positive, concentration: C.positive };
  }
  protected override params(): Record<string, Tensor> {
    return { scale: this.scale, concentration: this.concentration };
  }
  override get support(): C.Constraint {
    return C.positive;
  }
  /** The parameters, and the transforms holding them, expanded with the base. */
  override expand(batchShape: readonly number[]): this {
    const scale = this.scale.expand(batchShape), concentration = this.concentration.expand(batchShape);
    const cr = concentration.reciprocal();
    return this.withBatchShape(batchShape, {
      baseDist: this.baseDist.expand(batchShape), scale, concentration, concentrationReciprocal: cr,
      transforms: [new PowerTransform(cr), new AffineTransform(0, scale)],
    });
  }
  /** `scale · Γ(1 + 1/concentration)`. */
  override get mean(): Tensor {
    return this.scale.mul(torch.lgamma(this.concentrationReciprocal.add(1)).exp());
  }
  /** `scale · ((k - 1)/k)^(1/k)`; NaN where k < 1 (the density is unbounded at 0 there). */
  override get mode(): Tensor {
    const k = this.concentration;
    return this.scale.mul(k.sub(1).div(k).pow(k.reciprocal()));
  }
  /** `scale² (Γ(1 + 2/k) - Γ(1 + 1/k)²)`. */
  override get variance(): Tensor {
    const cr = this.concentrationReciprocal;
    return this.scale.square().mul(torch.lgamma(cr.mul(2).add(1)).exp().sub(torch.lgamma(cr.add(1)).mul(2).exp()));
  }
  override entropy(): Tensor {
    const cr = this.concentrationReciprocal;
    return torch.rsub(cr, 1).mul(EULER_GAMMA).add(this.scale.mul(cr).log()).add(1);
  }
}
