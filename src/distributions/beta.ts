import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import * as C from "./constraints.js";
import { broadcastAll, Distribution, type DistributionOptions, type SampleOptions } from "./distribution.js";
import { Dirichlet } from "./dirichlet.js";

/**
 * The beta distribution on [0, 1] with density ∝ `x^(c1-1) (1-x)^(c0-1)`: the first
 * coordinate of a Dirichlet over `[concentration1, concentration0]`, as PyTorch builds it
 * (the Dirichlet checks the parameters, and its message names it; the repr lists none);
 * reparameterisable through that Dirichlet.
 *
 * @example
 * const d = new torch.distributions.Beta(2, 5);
 * d.mean; // 2/7
 */
export class Beta extends Distribution {
  readonly dirichlet: Dirichlet;
  override get hasRsample(): boolean {
    return true;
  }

  constructor(concentration1: Tensor | number, concentration0: Tensor | number, options: DistributionOptions = {}) {
    const [c1, c0] = broadcastAll(concentration1, concentration0);
    const dirichlet = new Dirichlet(torch.stack([c1!, c0!], -1), options);
    super(dirichlet.batchShape, [], options);
    this.dirichlet = dirichlet;
  }
  get concentration1(): Tensor {
    return this.dirichlet.concentration.select(-1, 0);
  }
  get concentration0(): Tensor {
    return this.dirichlet.concentration.select(-1, 1);
  }
  override get argConstraints(): Record<string, C.Constraint> {
    return { concentration1: C.positive, concentration0: C.positive };
  }
  override toString(): string {
    return "Beta()";
  }
  get support(): C.Constraint {
    return C.unitInterval;
  }
  get mean(): Tensor {
    return this.concentration1.div(this.concentration1.add(this.concentration0));
  }
  override get mode(): Tensor {
    return this.dirichlet.mode.select(-1, 0);
  }
  get variance(): Tensor {
    const c1 = this.concentration1, c0 = this.concentration0, total = c1.add(c0);
    return c1.mul(c0).div(total.square().mul(total.add(1)));
  }
  override expand(batchShape: readonly number[]): this {
    return this.withBatchShape(batchShape, { dirichlet: this.dirichlet.expand(batchShape) });
  }
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    return this.dirichlet.rsample(sampleShape, options).select(-1, 0);
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return this.dirichlet.logProb(torch.stack([value, torch.rsub(value, 1)], -1));
  }
  entropy(): Tensor {
    return this.dirichlet.entropy();
  }
}
