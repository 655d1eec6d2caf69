/**
 * `nn.utils.fusion`, as `torch.nn.utils.fusion`: folding an eval-mode
 * BatchNorm into the convolution or linear layer before it, so inference
 * runs one layer instead of two. The fused layer is a copy; the inputs are
 * left alone.
 */
import { noGrad } from "../../autograd/grad-mode-api.js";
import { onesLike, zerosLike } from "../../ops/factories.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { copyModule } from "./copy-module.js";

/** What fusion reads of a BatchNorm layer. */
export interface FusableBatchNorm extends Module {
  readonly eps: number;
  readonly numFeatures: number;
  weight: Tensor | null;
  bias: Tensor | null;
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;
}

/** A layer with a weight and an optional bias (Conv*, ConvTranspose*, Linear). */
export interface WeightedLayer extends Module {
  weight: Tensor;
  bias: Tensor | null;
}

function runningStats(bn: FusableBatchNorm): [Tensor, Tensor] {
  if (bn.runningMean === null || bn.runningVar === null) throw new Error("Fusion needs the BatchNorm's running statistics (track_running_stats=True)");
  return [bn.runningMean, bn.runningVar];
}

/**
 * The weight and bias of a convolution followed by a BatchNorm with these
 * statistics and affine parameters (PyTorch's `fuse_conv_bn_weights`):
 * `w · γ/√(var + eps)` per output channel (dim 1 of a transposed
 * convolution's weight, dim 0 otherwise) and `(b − mean) · γ/√(var + eps) + β`.
 * The dtypes are the convolution's; the parameters require grad as its did.
 *
 * @example
 * const [w, b] = nn.utils.fuseConvBnWeights(conv.weight, conv.bias, bn.runningMean!, bn.runningVar!, bn.eps, bn.weight, bn.bias);
 */
export function fuseConvBnWeights(
  convW: Tensor, convB: Tensor | null, bnRm: Tensor, bnRv: Tensor, bnEps: number, bnW: Tensor | null, bnB: Tensor | null, transpose = false,
): [Parameter, Parameter] {
  return noGrad(() => {
    const biasDtype = convB?.dtype ?? convW.dtype;
    const b = convB ?? zerosLike(bnRm);
    const scale = (bnW ?? onesLike(bnRm)).mul(bnRv.add(bnEps).rsqrt());
    const shape = transpose ? [1, -1, ...convW.shape.slice(2).map(() => 1)] : [-1, 1, ...convW.shape.slice(2).map(() => 1)];
    const w = convW.mul(scale.reshape(shape)).to(convW.dtype);
    const fusedB = b.sub(bnRm).mul(scale).add(bnB ?? zerosLike(bnRm)).to(biasDtype);
    return [new Parameter(w, convW.requiresGrad), new Parameter(fusedB, convB?.requiresGrad ?? false)];
  });
}

/**
 * A copy of the eval-mode convolution `conv` with the eval-mode BatchNorm
 * `bn` that follows it folded in (PyTorch's `fuse_conv_bn_eval`):
 * `fused.forward(x)` equals `bn.forward(conv.forward(x))`. `transpose` for
 * a ConvTranspose layer.
 *
 * @example
 * const fused = nn.utils.fuseConvBnEval(conv.eval(), bn.eval());
 */
export function fuseConvBnEval<M extends WeightedLayer>(conv: M, bn: FusableBatchNorm, transpose = false): M {
  if (conv.training || bn.training) throw new Error("Fusion only for eval!");
  const fused = copyModule(conv);
  const [mean, variance] = runningStats(bn);
  const [w, b] = fuseConvBnWeights(fused.weight, fused.bias, mean, variance, bn.eps, bn.weight, bn.bias, transpose);
  fused.weight = w;
  fused.bias = b;
  return fused;
}

/**
 * The weight and bias of a linear layer followed by a BatchNorm (PyTorch's
 * `fuse_linear_bn_weights`): rows scaled by `γ/√(var + eps)`, bias
 * `(b − mean) · γ/√(var + eps) + β`.
 *
 * @example
 * const [w, b] = nn.utils.fuseLinearBnWeights(fc.weight, fc.bias, bn.runningMean!, bn.runningVar!, bn.eps, bn.weight!, bn.bias!);
 */
export function fuseLinearBnWeights(linearW: Tensor, linearB: Tensor | null, bnRm: Tensor, bnRv: Tensor, bnEps: number, bnW: Tensor, bnB: Tensor): [Parameter, Parameter] {
  return noGrad(() => {
    const biasDtype = linearB?.dtype ?? linearW.dtype;
    const b = linearB ?? zerosLike(bnRm);
    const scale = bnW.mul(bnRv.add(bnEps).rsqrt());
    const w = linearW.mul(scale.unsqueeze(-1).to(linearW.dtype));
    const fusedB = b.sub(bnRm).mul(scale).add(bnB).to(biasDtype);
    return [new Parameter(w, linearW.requiresGrad), new Parameter(fusedB, linearB?.requiresGrad ?? false)];
  });
}

/**
 * A copy of the eval-mode `linear` with the eval-mode BatchNorm1d `bn` that
 * follows it folded in (PyTorch's `fuse_linear_bn_eval`); `bn` has
 * `linear.outFeatures` features, or 1.
 *
 * @example
 * const fused = nn.utils.fuseLinearBnEval(fc.eval(), bn.eval());
 */
export function fuseLinearBnEval<M extends WeightedLayer & { readonly outFeatures: number }>(linear: M, bn: FusableBatchNorm): M {
  if (linear.training || bn.training) throw new Error("Fusion only for eval!");
  if (linear.outFeatures !== bn.numFeatures && bn.numFeatures !== 1) throw new Error("To fuse, linear.out_features == bn.num_features or bn.num_features == 1");
  const fused = copyModule(linear);
  const [mean, variance] = runningStats(bn);
  if (bn.weight === null || bn.bias === null) throw new Error("fuse_linear_bn_eval: the BatchNorm needs its affine weight and bias");
  const [w, b] = fuseLinearBnWeights(fused.weight, fused.bias, mean, variance, bn.eps, bn.weight, bn.bias);
  fused.weight = w;
  fused.bias = b;
  return fused;
}
