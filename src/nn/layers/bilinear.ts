import { empty } from "../../ops/factories.js";
import type { Tensor } from "../../tensor/tensor.js";
import { bilinear } from "../bilinear.js";
import * as init from "../init.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import type { LayerOptions } from "./linear.js";

/**
 * `y = x1ᵀ A x2 + b` per output feature: weight `[out, in1, in2]`, bias
 * `[out]`, both initialised uniform in ±1/√in1 as PyTorch's.
 *
 * @example
 * const bl = new nn.Bilinear(3, 2, 5);
 * bl.forward(torch.randn([8, 3]), torch.randn([8, 2])).shape; // [8, 5]
 */
export class Bilinear extends Module {
  declare weight: Parameter;
  declare bias: Parameter | null;

  constructor(readonly in1Features: number, readonly in2Features: number, readonly outFeatures: number, options: LayerOptions = {}) {
    super();
    const dtype = options.dtype ?? "float32";
    this.weight = new Parameter(empty([outFeatures, in1Features, in2Features], { dtype }));
    this.registerParameter("bias", options.bias ?? true ? new Parameter(empty([outFeatures], { dtype })) : null);
    this.resetParameters();
  }

  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.in1Features);
    init.uniform_(this.weight, -bound, bound);
    if (this.bias !== null) init.uniform_(this.bias, -bound, bound);
  }

  override forward(input1: Tensor, input2: Tensor): Tensor {
    return bilinear(input1, input2, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in1_features=${this.in1Features}, in2_features=${this.in2Features}, out_features=${this.outFeatures}, bias=${this.bias !== null ? "True" : "False"}`;
  }
}
