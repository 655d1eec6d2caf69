import type { Tensor } from "../../tensor/tensor.js";
import { interpolate, type InterpolateOptions } from "../functional.js";
import { Module, pyFloat } from "../module.js";

/**
 * `F.interpolate` as a layer: nearest (the default), linear or bilinear
 * resampling to `size` or by `scaleFactor`.
 *
 * @example
 * const up = new nn.Upsample({ scaleFactor: 2, mode: "bilinear" });
 */
export class Upsample extends Module {
  constructor(readonly options: InterpolateOptions) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return interpolate(input, this.options);
  }

  override extraRepr(): string {
    const { size = null, scaleFactor = null, mode = "nearest" } = this.options;
    const tuple = (v: readonly number[], f: (x: number) => string) => `(${v.map(f).join(", ")})`;
    const what = scaleFactor !== null
      ? `scale_factor=${typeof scaleFactor === "number" ? pyFloat(scaleFactor) : tuple(scaleFactor, pyFloat)}`
      : `size=${size === null ? "None" : typeof size === "number" ? size : tuple(size, String)}`;
    return `${what}, mode='${mode}'`;
  }
}
