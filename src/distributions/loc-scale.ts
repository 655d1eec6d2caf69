/**
 * The shared part of the location-scale families (Normal, Laplace): real
 * `loc` and positive `scale` broadcast together, real support, mean `loc`,
 * and reparameterised sampling.
 */
import type { Tensor } from "../index.js";
import * as C from "./constraints.js";
import { broadcastAll, Distribution, type DistributionOptions } from "./distribution.js";

export abstract class LocScaleDistribution extends Distribution {
  readonly loc: Tensor;
  readonly scale: Tensor;
  override get hasRsample(): boolean {
    return true;
  }

  constructor(loc: Tensor | number, scale: Tensor | number, options: DistributionOptions = {}) {
    const [l, s] = broadcastAll(loc, scale);
    super(l!.shape, [], options);
    this.loc = l!;
    this.scale = s!;
    this.validateParams();
  }
  override get argConstraints(): Record<string, C.Constraint> {
    return { loc: C.real, scale: C.positive };
  }
  protected override params(): Record<string, Tensor> {
    return { loc: this.loc, scale: this.scale };
  }
  get support(): C.Constraint {
    return C.real;
  }
  get mean(): Tensor {
    return this.loc;
  }
  /** Both families are symmetric and unimodal about `loc`. */
  override get mode(): Tensor {
    return this.loc;
  }
  override expand(batchShape: readonly number[]): this {
    return this.withBatchShape(batchShape, { loc: this.loc.expand(batchShape), scale: this.scale.expand(batchShape) });
  }
}
