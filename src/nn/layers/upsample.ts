import type { Tensor } from "../../tensor/tensor.js";
import { interpolate, type InterpolateOptions } from "../functional.js";
import { Module, pyFloat, pyTuple } from "../module.js";

/**
 * `F.interpolate` as a layer: nearest (the default), nearest-exact, linear, bilinear or bicubic
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
    const what = scaleFactor !== null
      ? `scale_factor=${typeof scaleFactor === "number" ? pyFloat(scaleFactor) : pyTuple(scaleFactor, pyFloat)}`
      : `size=${size === null ? "None" : typeof size === "number" ? size : pyTuple(size)}`;
    return `${what}, mode='${mode}'`;
  }
}
