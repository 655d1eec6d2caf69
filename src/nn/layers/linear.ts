import { empty } from "../../ops/factories.js";
import type { DType } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { linear } from "../functional.js";
import * as init from "../init.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";

export interface LayerOptions {
  /** Whether the layer has an additive bias (default true). */
  bias?: boolean;
  dtype?: DType;
}

/** PyTorch's default weight and bias init for Linear and Conv: kaiming_uniform_(a=√5), bias U(±1/√fanIn). */
export function resetLinearLike(weight: Tensor, bias: Tensor | null): void {
  init.kaimingUniform_(weight, { a: Math.sqrt(5) });
  if (bias !== null) {
    const [fanIn] = init.calculateFanInAndFanOut(weight);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    init.uniform_(bias, -bound, bound);
  }
}

/**
 * `y = x Wᵀ + b` with `weight` of shape `[outFeatures, inFeatures]`.
 *
 * @example
 * const fc = new nn.Linear(4, 2);
 * const y = fc.forward(torch.randn([8, 4])); // [8, 2]
 */
export class Linear extends Module {
  declare weight: Parameter;
  declare bias: Parameter | null;
  readonly inFeatures: number;
  readonly outFeatures: number;

  constructor(inFeatures: number, outFeatures: number, options: LayerOptions = {}) {
    super();
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const dtype = options.dtype ?? "float32";
    this.weight = new Parameter(empty([outFeatures, inFeatures], { dtype }));
    this.registerParameter("bias", options.bias ?? true ? new Parameter(empty([outFeatures], { dtype })) : null);
    this.resetParameters();
  }

  resetParameters(): void {
    resetLinearLike(this.weight, this.bias);
  }

  override forward(input: Tensor): Tensor {
    return linear(input, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias !== null ? "True" : "False"}`;
  }
}

/**
 * MultiheadAttention's `out_proj` type in PyTorch: a Linear that exists only
 * to keep quantization off, so reprs print its name.
 * @internal
 */
export class NonDynamicallyQuantizableLinear extends Linear {}
