/**
 * `nn.utils`, as `torch.nn.utils`: gradient clipping, flattening parameters
 * to one vector and back, and the namespaces `rnn`, `parametrize`,
 * `parametrizations`, `prune`, `stateless` and `fusion`.
 */
import { noGrad } from "../autograd/grad-mode-api.js";
import { cat } from "../ops/indexing.js";
import { Tensor } from "../tensor/tensor.js";

export * as rnn from "./utils/rnn.js";
export * as parametrize from "./utils/parametrize.js";
export * as parametrizations from "./utils/parametrizations.js";
export * as prune from "./utils/prune.js";
export * as stateless from "./utils/stateless.js";
export * as fusion from "./utils/fusion.js";
export { weightNorm, removeWeightNorm } from "./utils/weight-norm.js";
export { spectralNorm, removeSpectralNorm } from "./utils/spectral-norm.js";
export { fuseConvBnEval, fuseConvBnWeights, fuseLinearBnEval, fuseLinearBnWeights, type FusableBatchNorm, type WeightedLayer } from "./utils/fusion.js";
export { clipGradNorm_, clipGradValue_, getTotalNorm, clipGradsWithNorm_, type ClipGradNormOptions, type GetTotalNormOptions } from "./utils/clip-grad.js";

/**
 * All parameters flattened and concatenated into one 1-D tensor, in order
 * (differentiable, as PyTorch's).
 *
 * @example
 * const flat = nn.utils.parametersToVector(model.parameters());
 */
export function parametersToVector(parameters: Iterable<Tensor>): Tensor {
  return cat([...parameters].map((p) => p.reshape([-1])), 0);
}

/**
 * Copies consecutive slices of the 1-D `vec` into the parameters, in order:
 * the inverse of `parametersToVector`. PyTorch points each `param.data` at a
 * view of `vec`; here the values are copied, under `noGrad`.
 *
 * @example
 * nn.utils.vectorToParameters(flat.mul(0.5), model.parameters());
 */
export function vectorToParameters(vec: Tensor, parameters: Iterable<Tensor>): void {
  if (!(vec instanceof Tensor)) throw new TypeError(`expected torch.Tensor, but got: ${typeof vec}`);
  const total = vec.numel();
  noGrad(() => {
    let pointer = 0;
    for (const p of parameters) {
      const n = p.numel(), available = Math.max(0, Math.min(n, total - pointer));
      if (available < n) throw new Error(`shape '[${p.shape.join(", ")}]' is invalid for input of size ${available}`);
      p.copy_(vec.reshape([-1]).narrow(0, pointer, n).reshape(p.shape));
      pointer += n;
    }
  });
}
