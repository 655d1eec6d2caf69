import type { Tensor } from "../index.js";
import * as C from "./constraints.js";
import { broadcastAll, type DistributionOptions } from "./distribution.js";
import { Exponential } from "./exponential.js";
import { TransformedDistribution } from "./transformed-distribution.js";
import { AffineTransform, ExpTransform } from "./transforms/elementwise.js";

/**
 * The Pareto (type I) distribution with minimum `scale` and tail index `alpha`: density
 * `alpha scale^alpha / x^(alpha + 1)` on `x >= scale`; `scale · exp(E)` for `E ~ Exponential(alpha)`
 * (PyTorch builds it so, and the Exponential checks `alpha`, its message naming it);
 * reparameterisable.
 *
 * @example
 * const d = new torch.distributions.Pareto(1, 3);
 * d.mean; // 1.5
 */
export class Pareto extends TransformedDistribution {
  readonly scale: Tensor;
  readonly alpha: Tensor;

  constructor(scale: Tensor | number, alpha: Tensor | number, options: DistributionOptions = {}) {
    const [s, a] = broadcastAll(scale, alpha);
    super(new Exponential(a!, options), [new ExpTransform(), new AffineTransform(0, s!)], options);
    this.scale = s!;
    this.alpha = a!;
    this.validateParams();
  }
  override get argConstraints(): Record<string, C.Constraint> {
    return { alpha: C.positive, scale: C.positive };
  }
  protected override params(): Record<string, Tensor> {
    return { alpha: this.alpha, scale: this.scale };
  }
  /** `x >= scale`. */
  override get support(): C.Constraint {
    return C.greaterThanEq(this.scale);
  }
  override expand(batchShape: readonly number[]): this {
    const e = super.expand(batchShape);
    return Object.assign(e, { scale: this.scale.expand(batchShape), alpha: this.alpha.expand(batchShape) });
  }
  /** `alpha scale / (alpha - 1)`, infinite where alpha <= 1. */
  override get mean(): Tensor {
    const a = this.alpha.clamp(1);
    return a.mul(this.scale).div(a.sub(1));
  }
  override get mode(): Tensor {
    return this.scale;
  }
  /** `scale² alpha / ((alpha - 1)² (alpha - 2))`, infinite where alpha <= 2. */
  override get variance(): Tensor {
    const a = this.alpha.clamp(2);
    return this.scale.square().mul(a).div(a.sub(1).square().mul(a.sub(2)));
  }
  override entropy(): Tensor {
    return this.scale.div(this.alpha).log().add(this.alpha.reciprocal().add(1));
  }
}
