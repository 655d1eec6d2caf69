/**
 * Instance and RMS normalisation of `nn.functional`. Instance norm is batch
 * norm over each sample's channels separately, computed as PyTorch computes
 * it: batch norm of the input folded to `[1, N·C, ...]`, with the running
 * statistics repeated per sample and averaged back.
 */
import { noGrad } from "../autograd/grad-mode-api.js";
import { shapeStr } from "../ops/core.js";
import { add, mul, rsqrt } from "../ops/elementwise.js";
import { copy_ } from "../ops/inplace.js";
import { mean } from "../ops/reduce.js";
import { repeat, reshape } from "../ops/views.js";
import { isFloating } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { batchNorm } from "./functional.js";
import { sameShape } from "./loss-utils.js";

export interface InstanceNormOptions {
  /** Running mean per channel, updated in place when `useInputStats`; used instead of the input's mean otherwise. */
  runningMean?: Tensor | null;
  /** Running (unbiased) variance per channel, as `runningMean`. */
  runningVar?: Tensor | null;
  /** Per-channel scale. */
  weight?: Tensor | null;
  /** Per-channel shift. */
  bias?: Tensor | null;
  /** Normalise with each instance's own statistics (default true) rather than the running ones. */
  useInputStats?: boolean;
  /** Running-average factor (default 0.1). */
  momentum?: number;
  eps?: number;
}

/**
 * Instance normalisation of `[N, C, *]` input: each sample's channels are
 * normalised by their own mean and (biased) variance over the spatial dims,
 * then scaled and shifted per channel. With running statistics and
 * `useInputStats`, those move towards the batch average of the instance
 * statistics; without `useInputStats` they normalise instead.
 *
 * @example
 * const y = F.instanceNorm(torch.randn([2, 3, 8]));
 */
export function instanceNorm(input: Tensor, options: InstanceNormOptions = {}): Tensor {
  const useInputStats = options.useInputStats ?? true;
  const runningMean = options.runningMean ?? null, runningVar = options.runningVar ?? null;
  if (useInputStats && input.shape.slice(2).reduce((a, b) => a * b, 1) === 1) {
    throw new Error(`Expected more than 1 spatial element when training, got input size ${shapeStr(input.shape)}`);
  }
  if (!useInputStats && (runningMean === null || runningVar === null)) throw new Error("Expected running_mean and running_var to be defined when use_input_stats is false");
  if (input.dim() < 2) throw new Error(`Dimension out of range (expected to be in range of [${-input.dim()}, ${input.dim() - 1}], but got 1) (instance_norm: input ${shapeStr(input.shape)})`);
  const [N, C] = input.shape as [number, number];
  const perChannel = { weight: options.weight ?? null, bias: options.bias ?? null, running_mean: runningMean, running_var: runningVar };
  for (const [name, t] of Object.entries(perChannel)) {
    // (PyTorch checks the repeated tensors, hence the counts times N)
    if (t !== null && t.numel() !== C) throw new Error(`${name} should contain ${N * C} elements not ${N * t.numel()} (instance_norm: input ${shapeStr(input.shape)})`);
  }
  const repeated = (t: Tensor | null) => (t === null ? null : noGrad(() => repeat(t, [N])));
  const meanPerInstance = repeated(runningMean), varPerInstance = repeated(runningVar);
  const folded = reshape(input, [1, N * C, ...input.shape.slice(2)]);
  const normalized = batchNorm(folded, meanPerInstance, varPerInstance, { training: useInputStats, momentum: options.momentum ?? 0.1, eps: options.eps ?? 1e-5 });
  if (useInputStats) {
    noGrad(() => {
      if (runningMean !== null) copy_(runningMean, mean(reshape(meanPerInstance!, [N, C]), 0));
      if (runningVar !== null) copy_(runningVar, mean(reshape(varPerInstance!, [N, C]), 0));
    });
  }
  let out = reshape(normalized, input.shape);
  const channelShape = [C, ...new Array<number>(input.dim() - 2).fill(1)];
  if (perChannel.weight !== null) out = mul(out, reshape(perChannel.weight, channelShape));
  if (perChannel.bias !== null) out = add(out, reshape(perChannel.bias, channelShape));
  return out;
}

export interface RmsNormOptions {
  /** Elementwise scale, of shape `normalizedShape`. */
  weight?: Tensor | null;
  /** Added to the mean square; default (null) the machine epsilon of the input's dtype, as in PyTorch 2.x. */
  eps?: number | null;
}

/** `torch.finfo(dtype).eps`. */
function machineEpsilon(input: Tensor): number {
  return input.dtype === "float64" ? Number.EPSILON : 2 ** -23;
}

/**
 * Root-mean-square normalisation over the trailing `normalizedShape` dims:
 * `x / sqrt(mean(x²) + eps) · weight` (PyTorch 2.4's `rms_norm`; unlike
 * layer norm, no centring and no bias).
 *
 * @example
 * const y = F.rmsNorm(x, [16]);
 */
export function rmsNorm(input: Tensor, normalizedShape: readonly number[], options: RmsNormOptions = {}): Tensor {
  const weight = options.weight ?? null;
  checkNormalizedShape("rms_norm", normalizedShape, { weight });
  const k = normalizedShape.length;
  if (k > input.dim() || !sameShape(input.shape.slice(input.dim() - k), normalizedShape)) {
    throw new Error(`Given normalized_shape=${shapeStr(normalizedShape)}, expected input with shape [*, ${normalizedShape.join(", ")}], but got input of size${shapeStr(input.shape)}`);
  }
  if (!isFloating(input.dtype)) throw new Error(`"rms_norm" not implemented for '${input.dtype === "int32" ? "Int" : "Bool"}'`);
  const dims = Array.from({ length: k }, (_, i) => input.dim() - k + i);
  const inverseRms = rsqrt(add(mean(mul(input, input), dims, { keepdim: true }), options.eps ?? machineEpsilon(input)));
  const out = mul(input, inverseRms);
  return weight === null ? out : mul(out, weight);
}

/**
 * PyTorch's checks of a layer or RMS norm's `normalizedShape` and of its
 * affine tensors (which must have that shape), before the input's. The
 * functional forms take no bare number (the modules wrap one in a list).
 */
export function checkNormalizedShape(op: string, normalizedShape: readonly number[], affine: Record<string, Tensor | null>): void {
  if (!Array.isArray(normalizedShape)) {
    throw new TypeError(`${op}(): argument 'normalized_shape' (position 2) must be tuple of ints, not ${typeof normalizedShape === "number" ? "int" : typeof normalizedShape}`);
  }
  if (normalizedShape.length === 0) {
    throw new Error(`Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, but got normalized_shape = ${shapeStr(normalizedShape)}`);
  }
  for (const [name, t] of Object.entries(affine)) {
    if (t !== null && (t.dim() !== normalizedShape.length || t.shape.some((s, i) => s !== normalizedShape[i]))) {
      throw new Error(`Expected ${name} to be of same shape as normalized_shape, but got ${name} of shape ${shapeStr(t.shape)} and normalized_shape = ${shapeStr(normalizedShape)}`);
    }
  }
}
