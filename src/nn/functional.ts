/**
 * `nn.functional` (usually imported as `F`): stateless forms of the layers and
 * losses, composed from differentiable ops so their gradients come free.
 */
export { normalize, cosineSimilarity, pairwiseDistance, type NormalizeOptions, type CosineSimilarityOptions, type PairwiseDistanceOptions } from "./distance.js";
export { marginRankingLoss, hingeEmbeddingLoss, softMarginLoss, cosineEmbeddingLoss, tripletMarginLoss, multilabelSoftMarginLoss, multiMarginLoss, type MarginOptions, type TripletMarginLossOptions, type MultilabelSoftMarginLossOptions, type MultiMarginLossOptions } from "./margin-losses.js";
export { instanceNorm, rmsNorm, type InstanceNormOptions, type RmsNormOptions } from "./norm-functions.js";
export { softshrink, hardshrink } from "./shrink-functions.js";
export { localResponseNorm, type LocalResponseNormOptions } from "./local-response-norm.js";
export { cdist, pdist, type CdistOptions } from "./cdist.js";
export { bilinear } from "./bilinear.js";
export { channelShuffle } from "./layers/channel-shuffle.js";
export { rrelu, gumbelSoftmax, type RReLUOptions, type GumbelSoftmaxOptions } from "./random-activations.js";
export { leakyRelu_, elu_, celu_, selu_, hardtanh_, threshold_ } from "./activation-nodes.js";
import { hardsigmoidBackward, hardswishBackward, logSigmoidBackward, mishBackward, softplusBackward } from "./activation-backward.js";
import { asOneNode, eluAct, geluAct, hardtanhAct, leakyReluAct, siluAct, thresholdAct } from "./activation-nodes.js";
import { noGrad } from "../autograd/grad-mode-api.js";
import { empty, shapeStr } from "../ops/core.js";
import { abs, add, clamp, div, exp, ge, gt, isnan, le, log1p, lt, mul, neg, relu as reluOp, sigmoid as sigmoidOp, sqrt, sub, tanh as tanhOp, where } from "../ops/elementwise.js";
import { bernoulli_ } from "../ops/random-fills.js";
import { indexSelect } from "../ops/indexing.js";
import { inplace } from "../ops/inplace.js";
import { matmul } from "../ops/linalg.js";
import { linear2d } from "../ops/linear.js";
import type { Generator } from "../ops/random.js";
import { mean, variance } from "../ops/reduce.js";
import { logSoftmax as logSoftmaxOp, softmax as softmaxOp } from "../ops/softmax.js";
import { narrow, reshape, transpose } from "../ops/views.js";
import { scalarTypeName } from "../tensor/dtype.js";
import { embeddingRenorm_ } from "./embedding-bag.js";
import { checkNormalizedShape } from "./norm-functions.js";
import { fusedActivation } from "./fused-activation.js";
import { layerNormFused } from "./layer-norm.js";
import { batchNormFused } from "./batch-norm.js";
import { normalizeDim, type Tensor } from "../tensor/tensor.js";

export { conv1d, conv2d, type Conv1dOptions, type Conv2dOptions, type ConvPadding } from "../ops/conv.js";
export { convTranspose1d, convTranspose2d, type ConvTranspose1dOptions, type ConvTranspose2dOptions } from "../ops/conv-transpose.js";
export { maxPool2d, avgPool2d, adaptiveAvgPool2d, maxPool1d, avgPool1d, adaptiveMaxPool2d, adaptiveAvgPool1d, adaptiveMaxPool1d } from "../ops/pool.js";
export type { Pool2dOptions, MaxPool2dOptions, AvgPool2dOptions, AdaptiveSize, MaxPool1dOptions, AvgPool1dOptions, AdaptiveMaxPoolOptions } from "../ops/pool.js";
export { pad, type PadMode } from "../ops/pad.js";
export { lpPool1d, lpPool2d, type LpPoolOptions } from "../ops/lp-pool.js";
export { maxUnpool1d, maxUnpool2d, type MaxUnpool1dOptions, type MaxUnpool2dOptions } from "../ops/max-unpool.js";
export { interpolate, type InterpolateMode, type InterpolateOptions } from "../ops/interpolate.js";
export { conv3d, type Conv3dOptions, type Triple } from "../ops/conv3d.js";
export { convTranspose3d, type ConvTranspose3dOptions } from "../ops/conv-transpose3d.js";
export { maxPool3d, avgPool3d, type Pool3dOptions, type MaxPool3dOptions, type AvgPool3dOptions } from "../ops/pool3d.js";
export { adaptiveAvgPool3d, adaptiveMaxPool3d, type AdaptiveSize3d } from "../ops/adaptive-pool3d.js";
export { maxUnpool3d, type MaxUnpool3dOptions } from "../ops/max-unpool3d.js";
export { lpPool3d } from "../ops/lp-pool3d.js";
export { dropout3d } from "./dropout3d.js";
export { scaledDotProductAttention, type ScaledDotProductAttentionOptions } from "./layers/attention.js";
export { pixelShuffle, pixelUnshuffle } from "./layers/pixel-shuffle.js";
export * from "./loss-functions.js";

/**
 * `y = x Wᵀ + b`, as `torch.nn.functional.linear`.
 *
 * @example
 * const y = F.linear(x, weight, bias);
 */
export function linear(input: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  if (weight.dim() !== 2 && weight.dim() !== 1) throw new Error(`linear: expected a 1-D or 2-D weight, got shape ${shapeStr(weight.shape)}`);
  const last = input.shape[input.shape.length - 1];
  const inF = weight.shape[weight.dim() - 1];
  if (last !== inF) {
    throw new Error(`mat1 and mat2 shapes cannot be multiplied (${input.shape.slice(0, -1).reduce((a, b) => a * b, 1)}x${last} and ${inF}x${weight.dim() === 2 ? weight.shape[0] : 1}) (linear: input ${shapeStr(input.shape)}, weight ${shapeStr(weight.shape)})`);
  }
  if (input.dim() >= 2 && weight.dim() === 2 && (bias === null || bias.dim() <= 1)) {
    // one fused op on the rows (PyTorch's addmm path); leading dims fold into the rows
    if (input.dim() === 2) return linear2d(input, weight, bias);
    // the row count spelled out: with 0 features a -1 would be ambiguous
    const rows = reshape(input, [input.shape.slice(0, -1).reduce((a, b) => a * b, 1), inF!]);
    return reshape(linear2d(rows, weight, bias), [...input.shape.slice(0, -1), weight.shape[0]!]);
  }
  const out = matmul(input, weight.dim() === 2 ? transpose(weight, 0, 1) : weight);
  return bias === null ? out : add(out, bias);
}

/**
 * `[..., numClasses]` with a 1 at each index of `input` (int32 class
 * indices; int32 out, where PyTorch gives int64). `numClasses` -1: the
 * largest index + 1.
 *
 * @example
 * F.oneHot(torch.tensor([0, 2], { dtype: "int32" }), 3); // [[1, 0, 0], [0, 0, 1]]
 */
export function oneHot(input: Tensor, numClasses = -1): Tensor {
  if (input.dtype !== "int32") throw new Error(`one_hot is only applicable to index tensor. (got ${input.dtype})`);
  // typed loops, not JS arrays: a batch of labels is often 10^5 or more
  const indices = input.toArray() as Int32Array;
  if (indices.length === 0 && numClasses <= 0) throw new Error("Can not infer total number of classes from empty tensor.");
  // PyTorch's checks, over all indices before anything is allocated
  let lo = 0, hi = -1;
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    if (i < lo) lo = i;
    if (i > hi) hi = i;
  }
  if (lo < 0) throw new Error("Class values must be non-negative.");
  const classes = numClasses === -1 ? hi + 1 : numClasses;
  if (hi >= classes || classes < 0) throw new Error("Class values must be smaller than num_classes.");
  // zeroed memory from the tensor allocator's pool: a fresh 40 MB array costs its page faults every call
  const result = empty([...input.shape, classes], "int32"), out = result.data;
  for (let k = 0; k < indices.length; k++) out[k * classes + indices[k]!] = 1;
  return result;
}

export function relu(input: Tensor): Tensor {
  return reluOp(input);
}

/**
 * `x` where positive, `negativeSlope * x` elsewhere (the gradient at 0 is the slope, as in PyTorch).
 *
 * @example
 * F.leakyRelu(x, 0.2);
 */
export function leakyRelu(input: Tensor, negativeSlope = 0.01, options: InplaceOption = {}): Tensor {
  return leakyReluAct(input, negativeSlope, options.inplace ?? false);
}

/**
 * ELU: `x` where positive, `alpha·(exp(x) - 1)` elsewhere.
 *
 * @example
 * F.elu(x);
 */
export function elu(input: Tensor, alpha = 1, options: InplaceOption = {}): Tensor {
  return eluAct(input, alpha, 1, 1, ["EluBackward0", "EluBackward1"], options.inplace ?? false, "elu_");
}

/**
 * Softplus: `log(1 + exp(beta·x)) / beta`, and `x` itself where `beta·x > threshold` (for stability).
 *
 * @example
 * F.softplus(x);
 */
export function softplus(input: Tensor, options: { beta?: number; threshold?: number } = {}): Tensor {
  const beta = options.beta ?? 1, threshold = options.threshold ?? 20;
  return asOneNode("SoftplusBackward0", input, (x) => {
    const scaled = mul(x, beta);
    // (clamped for the same reason as elu's)
    return where(gt(scaled, threshold), x, div(log1p(exp(clamp(scaled, null, threshold))), beta));
  }, softplusBackward(beta, threshold));
}

/**
 * SiLU (swish): `x * sigmoid(x)`.
 *
 * @example
 * F.silu(x);
 */
export function silu(input: Tensor, options: InplaceOption = {}): Tensor {
  return maybeInplace(input, options, "silu", siluAct);
}

export function tanh(input: Tensor): Tensor {
  return tanhOp(input);
}

export function sigmoid(input: Tensor): Tensor {
  return sigmoidOp(input);
}

/**
 * GELU: exact `x·Φ(x)` (erf) by default, or the tanh approximation.
 *
 * @example
 * F.gelu(x, { approximate: "tanh" });
 */
export function gelu(input: Tensor, options: { approximate?: "none" | "tanh" } = {}): Tensor {
  return geluAct(input, options.approximate ?? "none");
}

export function softmax(input: Tensor, dim: number): Tensor {
  return softmaxOp(input, dim);
}

export function logSoftmax(input: Tensor, dim: number): Tensor {
  return logSoftmaxOp(input, dim);
}

/** The `inplace` flag of the activations that may write their result over their input. */
export interface InplaceOption {
  /** Write the result into `input` and return it (as PyTorch's `inplace=True`). */
  inplace?: boolean;
}

/** `compute(input)`, or with `inplace` the same result written over `input` (recorded as one in-place op). */
function maybeInplace(input: Tensor, options: InplaceOption, op: string, compute: (x: Tensor) => Tensor): Tensor {
  return options.inplace ?? false ? inplace(input, `${op}_`, [], compute) : compute(input);
}

/**
 * `x` clamped into `[minVal, maxVal]`. As in PyTorch the gradient is 0 at
 * the boundaries themselves, not only outside them (where `clamp` passes it).
 *
 * @example
 * F.hardtanh(x, -2, 2);
 */
export function hardtanh(input: Tensor, minVal = -1, maxVal = 1, options: InplaceOption = {}): Tensor {
  // PyTorch 2.x raises (a ValueError); 1.13 clamped to minVal everywhere
  if (minVal > maxVal) throw new Error("min_val cannot be greater than max_val");
  return hardtanhAct(input, minVal, maxVal, options.inplace ?? false);
}

/**
 * `min(max(x, 0), 6)`: `hardtanh(x, 0, 6)`, so the gradient is 0 at 0 and at 6.
 *
 * @example
 * F.relu6(x);
 */
export function relu6(input: Tensor, options: InplaceOption = {}): Tensor {
  return hardtanh(input, 0, 6, options);
}

/**
 * `x · relu6(x + 3) / 6`. The gradient is PyTorch 2.x's: 0 for x <= -3,
 * `x/3 + 1/2` strictly between -3 and 3, and 1 for x >= 3 (1.13 gave -0.5
 * at -3 and, on one CPU path, 1.5 at 3).
 *
 * @example
 * F.hardswish(x);
 */
export function hardswish(input: Tensor, options: InplaceOption = {}): Tensor {
  return maybeInplace(input, options, "hardswish", (input) => asOneNode("HardswishBackward0", input, (x) => {
    // the middle branch squares its input: clamped, so that an infinite x, where that branch is not taken, gives no 0·∞ gradient
    const fused = fusedActivation(x, "hardswish");
    if (fused !== null) return fused;
    const mid = clamp(x, -3, 3);
    return where(le(x, -3), 0, where(lt(x, 3), div(mul(mid, add(mid, 3)), 6), x));
  }, hardswishBackward));
}

/**
 * `relu6(x + 3) / 6`; the gradient is 1/6 strictly inside (-3, 3) and 0
 * elsewhere, NaN included (PyTorch's test is `-3 < x < 3`).
 *
 * @example
 * F.hardsigmoid(x);
 */
export function hardsigmoid(input: Tensor, options: InplaceOption = {}): Tensor {
  // a NaN stays NaN, through a detached branch so that it passes no gradient
  return maybeInplace(input, options, "hardsigmoid", (input) =>
    asOneNode("HardsigmoidBackward0", input, (x) => fusedActivation(x, "hardsigmoid") ?? where(le(x, -3), 0, where(ge(x, 3), 1, where(isnan(x), x.detach(), div(add(x, 3), 6)))), hardsigmoidBackward));
}

/**
 * Mish: `x · tanh(softplus(x))`.
 *
 * @example
 * F.mish(x);
 */
export function mish(input: Tensor, options: InplaceOption = {}): Tensor {
  return maybeInplace(input, options, "mish", (input) => asOneNode("MishBackward0", input, (x) => mul(x, tanhOp(softplus(x))), mishBackward));
}

/** SELU's constants (Klambauer et al.), as doubles. */
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/**
 * SELU: `scale · elu(x, alpha)` with the self-normalising constants.
 *
 * @example
 * F.selu(x);
 */
export function selu(input: Tensor, options: InplaceOption = {}): Tensor {
  return eluAct(input, SELU_ALPHA, SELU_SCALE, 1, ["EluBackward0", "EluBackward1"], options.inplace ?? false, "selu_");
}

/**
 * CELU: `x` where positive, `alpha·(exp(x/alpha) - 1)` elsewhere (`alpha · elu(x / alpha)`).
 *
 * @example
 * F.celu(x, 2);
 */
export function celu(input: Tensor, alpha = 1, options: InplaceOption = {}): Tensor {
  if (alpha === 0) throw new Error("ZeroDivisionError: alpha cannot be 0 for CELU");
  return eluAct(input, alpha, 1, 1 / alpha, ["CeluBackward0", "CeluBackward1"], options.inplace ?? false, "celu_");
}

/**
 * `x` where `x > threshold`, `value` elsewhere (the gradient is 0 at the threshold).
 *
 * @example
 * F.threshold(x, 0.1, 20);
 */
export function threshold(input: Tensor, threshold: number, value: number, options: InplaceOption = {}): Tensor {
  return thresholdAct(input, threshold, value, options.inplace ?? false);
}

/**
 * Gated linear unit: the input halved along `dim` into `a` and `b`, then `a · sigmoid(b)`.
 *
 * @example
 * F.glu(torch.randn([4, 6])).shape; // [4, 3]
 */
export function glu(input: Tensor, dim = -1): Tensor {
  if (input.dim() === 0) throw new Error("glu does not support scalars because halving size must be even");
  const d = normalizeDim(dim, input.dim(), "glu", input.shape);
  const n = input.shape[d]!;
  if (n % 2 !== 0) throw new Error(`Halving dimension must be even, but dimension ${d} is size ${n} (glu: input of shape ${shapeStr(input.shape)})`);
  return mul(narrow(input, d, 0, n / 2), sigmoidOp(narrow(input, d, n / 2, n / 2)));
}

/**
 * `log(sigmoid(x))`, computed as `-softplus(-x)` so neither a large positive
 * nor a large negative `x` overflows or loses the result.
 *
 * @example
 * F.logsigmoid(x);
 */
export function logsigmoid(input: Tensor): Tensor {
  return asOneNode("LogSigmoidBackward0", input, (x) => neg(softplus(neg(x))), logSigmoidBackward);
}

/**
 * `x / (1 + |x|)`.
 *
 * @example
 * F.softsign(x);
 */
export function softsign(input: Tensor): Tensor {
  return div(input, add(abs(input), 1));
}

/**
 * `softmax(-x)` along `dim`.
 *
 * @example
 * F.softmin(logits, 1);
 */
export function softmin(input: Tensor, dim: number): Tensor {
  return softmaxOp(neg(input), dim);
}

/**
 * `x - tanh(x)`.
 *
 * @example
 * F.tanhshrink(x);
 */
export function tanhshrink(input: Tensor): Tensor {
  return sub(input, tanhOp(input));
}


/**
 * PReLU: `x` where positive, `weight · x` elsewhere, with one weight shared
 * by all channels or one per channel (dim 1 of the input). The gradient at 0
 * is the weight's, as in PyTorch.
 *
 * @example
 * F.prelu(torch.randn([2, 3, 4]), torch.full([3], 0.25));
 */
export function prelu(input: Tensor, weight: Tensor): Tensor {
  if (input.dtype !== weight.dtype) {
    throw new Error(`prelu: Type promoting not supported. Got ${scalarTypeName(input.dtype)} and ${scalarTypeName(weight.dtype)}`);
  }
  if (weight.numel() !== 1) {
    if (input.dim() === 0) throw new Error("Not allow zero-dim input tensor.");
    const channels = input.dim() > 1 ? input.shape[1]! : 1;
    if (channels !== weight.numel()) {
      throw new Error(`Mismatch of parameter numbers and input channel size. Found parameter numbers = ${weight.numel()} and channel size = ${channels}. (prelu: input of shape ${shapeStr(input.shape)}, weight of shape ${shapeStr(weight.shape)})`);
    }
  }
  if (weight.dim() > 1) throw new Error(`prelu: Expected \`weight\` to be a scalar or 1D tensor, but got: ndim = ${weight.dim()}`);
  // the weight broadcasts along dim 1: [1, C, 1, ...]
  const shape = input.shape.map((_, i) => (i === 1 ? weight.numel() : 1));
  return where(gt(input, 0), input, mul(reshape(weight, shape), input));
}

export interface DropoutOptions {
  /** Drops only when true (pass `this.training`); the grad mode does not matter. */
  training?: boolean;
  generator?: Generator;
}

/**
 * Zeroes each element with probability `p` and scales the rest by `1/(1-p)`,
 * when `training` (default true).
 *
 * @example
 * const h = F.dropout(x, 0.2, { training: this.training });
 */
export function dropout(input: Tensor, p = 0.5, options: DropoutOptions = {}): Tensor {
  if (p < 0 || p > 1) throw new Error(`dropout probability has to be between 0 and 1, but got ${p}`);
  if (!(options.training ?? true) || p === 0) return input;
  if (p === 1) return mul(input, 0);
  // PyTorch's mask: bernoulli_(1 - p) on a tensor like the input, so the same seed drops the same elements
  const noise = bernoulli_(empty(input.shape, input.dtype), 1 - p, options.generator !== undefined ? { generator: options.generator } : {});
  return mul(input, div(noise, 1 - p));
}

export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  training?: boolean;
  /** Running-average factor (default 0.1). Not null: nn.BatchNorm's cumulative average passes 1 / batches. */
  momentum?: number;
  eps?: number;
}

/**
 * Batch normalisation over dim 1 of `[N, C, ...]` input. In training it uses the
 * batch statistics and updates `runningMean`/`runningVar` in place (unbiased
 * variance), otherwise it uses the running statistics.
 *
 * @example
 * const y = F.batchNorm(x, runningMean, runningVar, { training: true });
 */
export function batchNorm(input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, options: BatchNormOptions = {}): Tensor {
  const training = options.training ?? false;
  const eps = options.eps ?? 1e-5;
  // as PyTorch's functional (whose signature takes a float), null is refused rather than read as the default
  if ((options.momentum as number | null | undefined) === null) throw new TypeError("batch_norm(): argument 'momentum' (position 7) must be float, not NoneType");
  const momentum = options.momentum ?? 0.1;
  if (input.dim() < 2) throw new Error(`batch_norm: expected at least 2-D input, got shape ${shapeStr(input.shape)}`);
  const C = input.shape[1]!;
  const perChannel = { running_mean: runningMean, running_var: runningVar, weight: options.weight ?? null, bias: options.bias ?? null };
  for (const [name, t] of Object.entries(perChannel)) {
    if (t !== null && t.numel() !== C) throw new Error(`${name} should contain ${C} elements not ${t.numel()}`);
  }
  if (training && input.numel() / C <= 1) throw new Error(`Expected more than 1 value per channel when training, got input size ${shapeStr(input.shape)}`);
  if (!training && (runningMean === null || runningVar === null)) throw new Error("batch_norm: running_mean and running_var must be defined in evaluation mode");
  const fused = batchNormFused(input, { runningMean, runningVar, weight: options.weight ?? null, bias: options.bias ?? null, training, momentum, eps });
  if (fused !== null) return fused;
  const dims = [...input.shape.keys()].filter((d) => d !== 1);
  const bshape = input.shape.map((s, i) => (i === 1 ? s : 1));
  let m: Tensor, v: Tensor;
  if (training) {
    const n = input.numel() / C;
    m = mean(input, dims);
    v = variance(input, dims, { correction: 0 });
    if (runningMean !== null && runningVar !== null) {
      noGrad(() => {
        runningMean.mul_(1 - momentum).add_(mul(m, momentum));
        runningVar.mul_(1 - momentum).add_(mul(v, (momentum * n) / (n - 1)));
      });
    }
  } else {
    // (both defined: checked above)
    m = runningMean!;
    v = runningVar!;
  }
  let out = div(sub(input, reshape(m, bshape)), sqrt(add(reshape(v, bshape), eps)));
  if (options.weight != null) out = mul(out, reshape(options.weight, bshape));
  if (options.bias != null) out = add(out, reshape(options.bias, bshape));
  return out;
}

export interface LayerNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  eps?: number;
}

/**
 * Normalises over the trailing `normalizedShape` dims (biased variance).
 *
 * @example
 * const y = F.layerNorm(x, [16]);
 */
export function layerNorm(input: Tensor, normalizedShape: readonly number[], options: LayerNormOptions = {}): Tensor {
  checkNormalizedShape("layer_norm", normalizedShape, { weight: options.weight ?? null, bias: options.bias ?? null });
  const k = normalizedShape.length;
  const tail = input.shape.slice(input.dim() - k);
  if (k > input.dim() || tail.some((s, i) => s !== normalizedShape[i])) {
    throw new Error(`Given normalized_shape=${shapeStr(normalizedShape)}, expected input with shape [*, ${normalizedShape.join(", ")}], but got input of size${shapeStr(input.shape)}`);
  }
  const fused = layerNormFused(input, k, options.weight ?? null, options.bias ?? null, options.eps ?? 1e-5);
  if (fused !== null) return fused;
  const dims = Array.from({ length: k }, (_, i) => input.dim() - k + i);
  let out = normalized(input, dims, options.eps ?? 1e-5);
  if (options.weight != null) out = mul(out, options.weight);
  if (options.bias != null) out = add(out, options.bias);
  return out;
}

/**
 * Group normalisation of `[N, C, *]` input: each sample's channels in
 * `numGroups` groups, each group normalised by its own mean and (biased)
 * variance, then scaled and shifted per channel.
 *
 * @example
 * const y = F.groupNorm(torch.randn([2, 8, 4, 4]), 2);
 */
export function groupNorm(input: Tensor, numGroups: number, options: LayerNormOptions = {}): Tensor {
  const [N, C] = input.shape as [number, number];
  if (input.dim() < 2 || C % numGroups !== 0) {
    throw new Error(`Expected number of channels in input to be divisible by num_groups, but got input of shape ${shapeStr(input.shape)} and num_groups=${numGroups}`);
  }
  for (const [name, t] of Object.entries({ weight: options.weight ?? null, bias: options.bias ?? null })) {
    if (t !== null && (t.dim() !== 1 || t.numel() !== C)) {
      throw new Error(`Expected ${name} to be a vector of size equal to the number of channels in input, but got ${name} of shape ${shapeStr(t.shape)} and input of shape ${shapeStr(input.shape)}`);
    }
  }
  const grouped = normalized(reshape(input, [N, numGroups, -1]), [2], options.eps ?? 1e-5);
  let out = reshape(grouped, input.shape);
  // per channel: [C, 1, ...] against [N, C, *]
  const perChannel = (t: Tensor) => reshape(t, [C, ...new Array<number>(input.dim() - 2).fill(1)]);
  if (options.weight != null) out = mul(out, perChannel(options.weight));
  if (options.bias != null) out = add(out, perChannel(options.bias));
  return out;
}

/** `(x - mean) / sqrt(var + eps)` over `dims` (biased variance), as layer and group norm use it. */
function normalized(input: Tensor, dims: number[], eps: number): Tensor {
  const m = mean(input, dims, { keepdim: true });
  const v = variance(input, dims, { keepdim: true, correction: 0 });
  return div(sub(input, m), sqrt(add(v, eps)));
}

export interface EmbeddingOptions {
  /** No gradient reaches this row (negative counts from the end). */
  paddingIdx?: number | null;
  /** Rows that `input` picks are first rescaled in place to this norm where theirs is larger. */
  maxNorm?: number | null;
  /** The p of the `maxNorm` norm (default 2). */
  normType?: number;
}

/**
 * Rows of `weight` picked by the int32 indices in `input`: shape `[...input.shape, dim]`.
 * No gradient reaches the `paddingIdx` row. With `maxNorm`, as in PyTorch,
 * the picked rows of `weight` itself are renormalised first (see `embeddingRenorm_`).
 *
 * @example
 * const e = F.embedding(torch.tensor([1, 2], { dtype: "int32" }), weight);
 */
export function embedding(input: Tensor, weight: Tensor, options: EmbeddingOptions = {}): Tensor {
  if (input.dtype !== "int32") throw new Error(`Expected tensor for argument #1 'indices' to have scalar type Int; but got ${input.dtype} instead (while checking arguments for embedding)`);
  if (weight.dim() !== 2) throw new Error("'weight' must be 2-D");
  const pad = options.paddingIdx;
  if (pad != null && (pad >= weight.shape[0]! || pad < -weight.shape[0]!)) throw new Error("Padding_idx must be within num_embeddings");
  if (options.maxNorm != null) embeddingRenorm_(weight, input, options.maxNorm, options.normType ?? 2);
  const flat = reshape(input, [input.numel()]);
  let rows = indexSelect(weight, 0, flat);
  if (pad != null && rows.requiresGrad) {
    const idx = pad < 0 ? pad + weight.shape[0]! : pad;
    // same values, but the padding positions take a detached copy so no gradient flows there
    rows = where(reshape(flat.eq(idx), [flat.numel(), 1]), rows.detach(), rows);
  }
  return reshape(rows, [...input.shape, weight.shape[1]!]);
}

export { unfold, fold, type UnfoldOptions } from "../ops/unfold.js";
export { dropout1d, dropout2d, alphaDropout, featureAlphaDropout, type DropoutVariantOptions } from "./dropout-functions.js";
export { embeddingBag, type EmbeddingBagOptions } from "./embedding-bag.js";
export { ctcLoss, type CtcLossOptions, type CtcLengths } from "./ctc-loss.js";
export { multilabelMarginLoss, tripletMarginWithDistanceLoss, type DistanceFunction, type TripletMarginWithDistanceLossOptions } from "./margin-losses-extra.js";
export { gridSample, type GridSampleOptions, type GridSampleMode, type GridSamplePaddingMode } from "./grid-sample.js";
export { affineGrid, type AffineGridOptions } from "./affine-grid.js";
export { fractionalMaxPool2d, type FractionalMaxPool2dOptions } from "../ops/fractional-max-pool.js";
export { fractionalMaxPool3d, type FractionalMaxPool3dOptions } from "../ops/fractional-max-pool3d.js";
