import type { Tensor } from "../index.js";
import * as C from "./constraints.js";
import { broadcastAll, type DistributionOptions } from "./distribution.js";
import { Gamma } from "./gamma.js";

/**
 * The chi-squared distribution with `df` degrees of freedom: exactly `Gamma(df/2, 1/2)` (a
 * subclass of it, as in PyTorch); reparameterisable. As PyTorch's, its repr lists no parameters
 * (`df` is derived from the Gamma's concentration): `Chi2()`.
 *
 * @example
 * const d = new torch.distributions.Chi2(torch.tensor([1, 4]));
 * d.mean; // [1, 4]
 */
export class Chi2 extends Gamma {
  constructor(df: Tensor | number, options: DistributionOptions = {}) {
    const [d] = broadcastAll(df);
    super(d!.mul(0.5), 0.5, options);
  }
  /** `2 · concentration`. */
  get df(): Tensor {
    return this.concentration.mul(2);
  }
  override get argConstraints(): Record<string, C.Constraint> {
    return { df: C.positive };
  }
  protected override params(): Record<string, Tensor> {
    return { df: this.df };
  }
  override toString(): string {
    return "Chi2()";
  }
}
