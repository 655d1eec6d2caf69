/**
 * torchlet: PyTorch for TypeScript. `import * as torch from "torchlet"`.
 * This file only re-exports; each name lives in the module that owns it.
 */
import "./ops/methods.js";
import "./ops/methods-more.js";
import "./ops/methods-extra.js";
import "./ops/grad-math-impl.js";

export { Tensor, type TensorHook } from "./tensor/tensor.js";
export type { DType, TypedArray } from "./tensor/dtype.js";
export type { GeneratorOption } from "./ops/random-fills.js";
export { setPrintoptions, getPrintoptions, type PrintOptions, type SetPrintOptions } from "./tensor/print-options.js";
export { memory, settleMemory, resetPeakMemory, setMemoryTracking, type MemoryReport } from "./tensor/memory.js";
export { setBackend, getBackend } from "./backend/select.js";
export { getNumThreads, setNumThreads } from "./backend/threads.js";
export { device, Device, cuda, backends, type DeviceLike, type DeviceType } from "./tensor/device.js";
export type { ToOptions } from "./ops/to.js";
export { finfo, iinfo, FInfo, IInfo } from "./ops/type-info.js";
export { hannWindow, hammingWindow, blackmanWindow, bartlettWindow, kaiserWindow, type WindowOptions } from "./ops/windows.js";

export { noGrad, enableGrad, inferenceMode, setGradEnabled, isGradEnabled, isInferenceModeEnabled, ModeGuard } from "./autograd/grad-mode-api.js";
export type { GradModeSwitch, InferenceModeSwitch } from "./autograd/grad-mode-api.js";
export * as autograd from "./autograd/index.js";

export * from "./ops/factories.js";
export { Generator, manualSeed, defaultGenerator } from "./ops/random.js";
export { getRngState, setRngState, initialSeed, seed } from "./ops/rng-state.js";
export {
  add, sub, rsub, mul, div, pow, neg, exp, log, sqrt, abs, sin, cos, tanh, sigmoid, relu, sign, erf,
  floor, ceil, round, reciprocal, log1p, expm1, clamp, type ClampBounds, maximum, minimum,
  eq, ne, lt, le, gt, ge, logicalAnd, logicalOr, logicalNot, isnan, where, toDtype, type Operand,
  square, rsqrt, isclose, allclose, equal, type CloseOptions,
} from "./ops/elementwise.js";
export { sum, mean, prod, max, min, argmax, argmin, variance as var, std, logsumexp, any, all, norm, amax, amin, nansum, nanmean, type Dims, type ReduceOptions, type ValuesIndices } from "./ops/reduce.js";
export {
  log2, log10, sinh, cosh, asin, acos, atan, asinh, acosh, atanh, erfinv, trunc, frac, sgn, logit, deg2rad, rad2deg, isinf, isfinite,
  fmod, remainder, atan2, hypot, logaddexp, xlogy, lerp, addcmul, addcdiv,
} from "./ops/math.js";
export { diagonal, diag, diagEmbed, diagflat, trace } from "./ops/diagonal.js";
export { lgamma, digamma, polygamma } from "./ops/gamma.js";
export { triangularSolve, choleskySolve, choleskyInverse, type TriangularSolveOptions, type TriangularSolveResult } from "./ops/linalg/triangular.js";
export { matrixExp } from "./ops/linalg/matrix-exp.js";
export { multigammaln as mvlgamma, gammainc as igamma, gammaincc as igammac } from "./ops/special-more.js";
export { movedim, swapaxes, tile, repeatInterleave, roll, rot90, flipud, fliplr, unflatten, broadcastTo, broadcastTensors, meshgrid, cartesianProd, combinations } from "./ops/rearrange.js";
export { nonzero, maskedSelect, unique, countNonzero, takeAlongDim, searchsorted, bucketize, type UniqueOptions } from "./ops/selection.js";
export { multinomial, bernoulli, normal } from "./ops/sampling.js";
export { einsum } from "./ops/einsum.js";
export { cdist } from "./nn/cdist.js";
export { maskedFill, tril, triu, trilIndices, triuIndices } from "./ops/masking.js";
export { cumsum, cumprod, cummax, cummin, logcumsumexp, diff } from "./ops/scan.js";
export { sort, topk, argsort, kthvalue, median, quantile, type QuantileInterpolation } from "./ops/sorting.js";
export { matmul, mm, bmm, dot, mv, outer, addmm } from "./ops/linalg.js";
export { softmax, logSoftmax } from "./ops/softmax.js";
export { gather, scatter, scatterAdd, indexSelect, indexAdd, cat, stack, split, chunk, unbind, flip } from "./ops/indexing.js";
export { tensorSplit, hsplit, vsplit, dsplit, atleast1d, atleast2d, atleast3d, hstack, vstack, dstack, columnStack } from "./ops/joining.js";
export { view, reshape, contiguous, clone, transpose, t, permute, unsqueeze, squeeze, flatten, expand, narrow, select, repeat } from "./ops/views.js";
export { getDefaultDtype, setDefaultDtype, resultType, promoteTypes, canCast, isTensor, numel, isFloatingPoint, isSigned, isNonzero, isSameSize } from "./ops/dtype-utils.js";
export {
  tan, exp2, sinc, erfc, i0, copysign, fmax, fmin, heaviside, floorDivide, trueDivide, nanToNum, signbit, floatPower, logicalXor,
  isposinf, isneginf, isreal, clampMin, clampMax, clip, frexp, ldexp, logaddexp2, positive, type NanToNumOptions, type FrexpResult,
} from "./ops/pointwise-more.js";
export { bitwiseAnd, bitwiseOr, bitwiseXor, bitwiseNot, bitwiseLeftShift, bitwiseRightShift, gcd, lcm } from "./ops/bitwise.js";
export { stdMean, varMean, aminmax, cov, corrcoef, histc, bincount, type MomentOptions, type MinMax, type CovOptions } from "./ops/statistics.js";
export { histogram, type HistogramOptions, type HistogramResult } from "./ops/histogram.js";
export { indexReduce, type IndexReduction, type IndexReduceOptions } from "./ops/index-reduce.js";
export { nextafter } from "./ops/nextafter.js";
export { gradient, type GradientOptions } from "./ops/gradient.js";
export { poisson, binomial } from "./ops/count-sampling.js";
export { frombuffer, asTensor, emptyStrided, type FromBufferOptions } from "./ops/buffer-factories.js";
export { inner } from "./ops/products.js";
// PyTorch's torch.* names for functions of torch.nn.functional
export {
  pdist, cosineSimilarity, pairwiseDistance, pixelShuffle, pixelUnshuffle, channelShuffle, prelu, selu, celu, hardshrink, threshold,
  conv1d, conv2d, conv3d, convTranspose1d, convTranspose2d, convTranspose3d, bilinear,
} from "./nn/functional.js";
export { mode, nanmedian, nanquantile, msort, type NanQuantileInterpolation } from "./ops/order-stats.js";
export { argwhere, uniqueConsecutive, isin, type UniqueConsecutiveOptions } from "./ops/selection-more.js";
export { scalarTensor, randintLike } from "./ops/tensor-new.js";
export { broadcastShapes } from "./ops/shapes.js";
export { trapezoid, trapezoid as trapz, cumulativeTrapezoid, type TrapezoidOptions } from "./ops/integrate.js";
export {
  addmv, addr, addbmm, baddbmm, kron, tensordot, blockDiag, vander, matrixPower, chainMatmul, cross, dist, renorm, inverse, det, slogdet, logdet,
  pinverse, ger, vdot, type ScaleOptions,
} from "./ops/products.js";
export { indexCopy, indexFill, maskedScatter, take, put } from "./ops/index-fill.js";
export { scatterReduce, type ScatterReduction } from "./ops/scatter-reduce.js";
export { selectScatter, sliceScatter, diagonalScatter } from "./ops/scatter-views.js";
export { asStrided, ravel } from "./ops/strided.js";
export { abs as absolute, neg as negative, mul as multiply, sub as subtract, div as divide, gt as greater, ge as greaterEqual, lt as less, le as lessEqual, ne as notEqual } from "./ops/elementwise.js";
export { asin as arcsin, acos as arccos, atan as arctan, asinh as arcsinh, acosh as arccosh, atanh as arctanh, atan2 as arctan2, trunc as fix } from "./ops/math.js";
export { swapaxes as swapdims, movedim as moveaxis } from "./ops/rearrange.js";
export { cat as concat, cat as concatenate } from "./ops/indexing.js";
export { vstack as rowStack } from "./ops/joining.js";
export { save, load, loadWithMetadata, saveToBytes, loadFromBytes, loadFromBytesWithMetadata, type SaveOptions, type SafetensorsContents, type TensorRecord, type CheckpointFormat, type CheckpointValue, type SaveableValue } from "./io/index.js";
export * as nn from "./nn/index.js";
export * as optim from "./optim/index.js";
export * as data from "./data/index.js";
export * as datasets from "./datasets/index.js";
export * as linalg from "./linalg.js";
export * as special from "./special.js";
export * as indexing from "./indexing.js";
export * as distributions from "./distributions/index.js";
export * as func from "./func/index.js";
export * as utils from "./utils/index.js";
import "./ops/op-names.js";
