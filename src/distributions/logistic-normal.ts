import type { Tensor } from "../index.js";
import * as C from "./constraints.js";
import type { DistributionOptions } from "./distribution.js";
import { Independent } from "./independent.js";
import { Normal } from "./normal.js";
import { TransformedDistribution } from "./transformed-distribution.js";
import { StickBreakingTransform } from "./transforms/event.js";

/**
 * The logistic-normal distribution over the simplex: a Normal(`loc`, `scale`) vector of size K
 * mapped onto the simplex of size K + 1 by stick breaking (PyTorch builds it so; the Normal
 * checks the parameters, its message naming it; a scalar Normal is taken as a vector of one);
 * reparameterisable.
 *
 * @example
 * const d = new torch.distributions.LogisticNormal(torch.zeros([3]), torch.ones([3]));
 * d.eventShape; // [4]
 * d.sample(); // a point of the simplex
 */
export class LogisticNormal extends TransformedDistribution {
  constructor(loc: Tensor | number, scale: Tensor | number, options: DistributionOptions = {}) {
    let base = new Normal(loc, scale, options);
    if (base.batchShape.length === 0) base = base.expand([1]);
    super(base, new StickBreakingTransform(), options);
  }
  private get normal(): Normal {
    return (this.baseDist as Independent).baseDist as Normal;
  }
  get loc(): Tensor {
    return this.normal.loc;
  }
  get scale(): Tensor {
    return this.normal.scale;
  }
  override get argConstraints(): Record<string, C.Constraint> {
    return { loc: C.real, scale: C.positive };
  }
  override get support(): C.Constraint {
    return C.simplex;
  }
  /** As PyTorch's: its parameters live on the base, so the repr lists none. */
  override toString(): string {
    return "LogisticNormal()";
  }
}
