/**
 * Moments and counts: `stdMean` / `varMean`, `aminmax`, `cov` / `corrcoef`
 * (composed of differentiable ops, as PyTorch's), and the histograms
 * `histc` and `bincount` (counts, so not differentiable).
 */
import { type DType, isFloating, scalarTypeName } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { normalizeDim } from "../tensor/tensor.js";
import { warn } from "../warnings.js";
import { castData, emptyUninitialized, needsGrad, pyNumber, record, shapeStr } from "./core.js";
import { clamp, div, lt, mul, sqrt, sub } from "./elementwise.js";
import { full, zeros } from "./factories.js";
import { mm } from "./linalg.js";
import { amax, amin, type Dims, mean, std, sum, variance, type ReduceOptions } from "./reduce.js";
import { diagonal } from "./diagonal.js";
import { reshape, squeeze, transpose, unsqueeze } from "./views.js";
import { namedTuple } from "./named-tuple.js";

/** Options of `stdMean` / `varMean`: the reduced dims' options and the degrees-of-freedom correction (1, Bessel's, by default). */
export interface MomentOptions extends ReduceOptions {
  correction?: number;
}

/**
 * `[std, mean]` over `dim` (all elements by default), as torch.std_mean.
 *
 * @example
 * const [s, m] = torch.stdMean(torch.tensor([1, 2, 3, 4])); // 1.2910, 2.5
 */
export function stdMean(input: Tensor, dim?: Dims, options: MomentOptions = {}): [Tensor, Tensor] {
  if (!isFloating(input.dtype)) throw new Error(`std_mean only support floating point and complex dtypes (got ${input.dtype})`);
  const keep = options.keepdim === undefined ? {} : { keepdim: options.keepdim };
  return [std(input, dim, options), mean(input, dim, keep)];
}

/**
 * `[var, mean]` over `dim` (all elements by default), as torch.var_mean.
 *
 * @example
 * const [v, m] = torch.varMean(x, 0, { correction: 0 });
 */
export function varMean(input: Tensor, dim?: Dims, options: MomentOptions = {}): [Tensor, Tensor] {
  if (!isFloating(input.dtype)) throw new Error(`var_mean only support floating point and complex dtypes (got ${input.dtype})`);
  const keep = options.keepdim === undefined ? {} : { keepdim: options.keepdim };
  return [variance(input, dim, options), mean(input, dim, keep)];
}

/** `{ min, max }` of `aminmax`. */
export interface MinMax extends Iterable<Tensor> {
  min: Tensor;
  max: Tensor;
}

/**
 * The smallest and largest elements, over all elements or along `dim`, in one
 * call (torch.aminmax). PyTorch 1.13 has no gradient for it; here each part
 * has amin's / amax's (ties share it), as the newest PyTorch defines it.
 *
 * @example
 * const { min, max } = torch.aminmax(torch.tensor([[1, 5], [3, 2]]), { dim: 1 }); // [1, 2], [5, 3]
 */
export function aminmax(input: Tensor, options: { dim?: number; keepdim?: boolean } = {}): MinMax {
  const keepdim = options.keepdim ?? false;
  if (options.dim === undefined) {
    if (input.numel() === 0) throw new Error("aminmax(): cannot compute aminmax over an empty dimension as the operation has no identity.");
    const dims = [...input.shape.keys()];
    return namedTuple({ min: amin(input, dims, { keepdim }), max: amax(input, dims, { keepdim }) });
  }
  const d = normalizeDim(options.dim, input.dim(), "aminmax", input.shape);
  if (input.dim() > 0 && input.shape[d] === 0) throw new Error(`aminmax: Expected reduction dim ${d} to have non-zero size.`);
  return namedTuple({ min: amin(input, d, { keepdim }), max: amax(input, d, { keepdim }) });
}

/** Options of `cov`. */
export interface CovOptions {
  /** Subtracted from the (weighted) number of observations in the normalization; 1 (Bessel's correction) by default. */
  correction?: number;
  /** Integer frequency weights, one per observation. */
  fweights?: Tensor | null;
  /** Float observation weights, one per observation. */
  aweights?: Tensor | null;
}

/** PyTorch's checks of cov's weights; `kind` names them in its messages. */
function checkWeights(w: Tensor, kind: "fweights" | "aweights", observations: number): void {
  if (w.dim() > 1) throw new Error(`cov(): expected ${kind} to have one or fewer dimensions but got ${kind} with ${w.dim()} dimensions`);
  if (kind === "fweights" ? isFloating(w.dtype) || w.dtype === "bool" : !isFloating(w.dtype)) {
    throw new Error(`cov(): expected ${kind} to have ${kind === "fweights" ? "integral" : "floating point"} dtype but got ${kind} with ${scalarTypeName(w.dtype)} dtype`);
  }
  if (w.numel() !== observations) {
    throw new Error(`cov(): expected ${kind} to have the same numel as there are observations in the input but got ${w.numel()} != ${observations}`);
  }
  if (castData(lt(w, 0), "bool").data.some((v) => v !== 0)) throw new Error(`cov(): ${kind} cannot be negative`);
}

/**
 * The covariance matrix of the variables in the rows of `input` (a vector
 * is one variable), observations in the columns, as torch.cov; optional
 * frequency and observation weights. Differentiable, in the weights too.
 * Composed as PyTorch composes it, so dtypes promote alike (an int32 input
 * gives the default float dtype, float64 weights give float64) and the
 * weights' sum and the normalization stay in the graph.
 *
 * @example
 * torch.cov(torch.tensor([[1, 2, 4], [0, 1, 1]])); // [[2.3333, 0.6667], [0.6667, 0.3333]]
 */
export function cov(input: Tensor, options: CovOptions = {}): Tensor {
  if (input.dim() > 2) throw new Error(`cov(): expected input to have two or fewer dimensions but got an input with ${input.dim()} dimensions`);
  if (input.dtype === "bool") throw new Error("cov(): bool dtype is not supported for input");
  const correction = options.correction ?? 1;
  const x = input.dim() < 2 ? reshape(input, [1, -1]) : input;
  const n = x.shape[1]!;
  const fw = options.fweights ?? null, aw = options.aweights ?? null;
  if (fw !== null) checkWeights(fw, "fweights", n);
  if (aw !== null) checkWeights(aw, "aweights", n);
  let w: Tensor | null = fw;
  if (aw !== null) w = w === null ? aw : mul(w, aw);
  // the weights' sum (a tensor, so that their gradient flows through it), or the count of observations
  const wSum = w === null ? full([], n, { dtype: "int32" }) : sum(w);
  if (w !== null && wSum.item() === 0) throw new Error("cov(): weights sum to zero, can't be normalized");
  const avg = div(sum(w === null ? x : mul(x, w), 1), wSum);
  let normFactor = w !== null && aw !== null && correction !== 0 ? sub(wSum, div(mul(sum(mul(w, aw)), correction), wSum)) : sub(wSum, correction);
  if (normFactor.item() <= 0) {
    warn("cov(): degrees of freedom is <= 0");
    // PyTorch zeroes it in place: no gradient through it
    normFactor = zeros([], { dtype: normFactor.dtype });
  }
  const centered = sub(x, unsqueeze(avg, 1));
  const product = mm(centered, transpose(w === null ? centered : mul(centered, w), 0, 1));
  return squeeze(div(product, normFactor));
}

/**
 * The Pearson correlation coefficients of the variables in the rows of
 * `input` (observations in the columns), as torch.corrcoef: the covariance
 * scaled by both standard deviations and clipped to [-1, 1]. Differentiable.
 *
 * @example
 * torch.corrcoef(torch.tensor([[1, 2, 4], [0, 1, 1]])); // [[1.0000, 0.7559], [0.7559, 1.0000]]
 */
export function corrcoef(input: Tensor): Tensor {
  if (input.dim() > 2) throw new Error(`corrcoef(): expected input to have two or fewer dimensions but got an input with ${input.dim()} dimensions`);
  const c = cov(input);
  if (c.dim() === 0) return div(c, c);
  const sd = sqrt(diagonal(c));
  return clamp(div(div(c, unsqueeze(sd, 1)), unsqueeze(sd, 0)), -1, 1);
}

/** The smallest and largest of `x` (not empty); NaN and NaN when one is NaN (the histograms then refuse the range). */
export function dataRange(x: ArrayLike<number>): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (Number.isNaN(v)) return [NaN, NaN];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/**
 * A histogram of `input`'s elements in `bins` equal bins over [min, max]
 * (the data's own range when min == max, widened by 1 each way if that is
 * one value), as torch.histc: float counts in the input's dtype; elements
 * outside the range are not counted, max falls in the last bin; an element
 * on a bin edge goes where PyTorch's rounding puts it. Not differentiable.
 *
 * @example
 * torch.histc(torch.tensor([1, 2, 1]), 4, 0, 3); // tensor([0., 2., 1., 0.])
 */
export function histc(input: Tensor, bins = 100, min = 0, max = 0): Tensor {
  if (!isFloating(input.dtype)) throw new Error(`"histogram_cpu" not implemented for '${scalarTypeName(input.dtype)}'`);
  if (!Number.isInteger(bins) || bins <= 0) throw new Error(`torch.histogram(): bins must be > 0, but got ${bins} for dimension 0`);
  const x = castData(input, "float64").data;
  let [lo, hi] = min === max && x.length > 0 ? dataRange(x) : [min, max];
  if (lo === hi) {
    lo -= 1;
    hi += 1;
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new Error(`torch.histc: range of [${pyNumber(lo)}, ${pyNumber(hi)}] is not finite`);
  if (!(lo < hi)) throw new Error("torch.histc: max must be larger than min");
  const out = zeros([bins], { dtype: input.dtype });
  const counts = out.data;
  // PyTorch's arithmetic, in the input's precision: the range's ends in that dtype, and each element's bin is
  // trunc((x - left) / (right - left) * bins) without checking the neighbouring edges, so an element that rounds
  // across an edge lands where PyTorch puts it (checked against PyTorch 1.13 on random edge cases)
  const r = input.dtype === "float32" ? Math.fround : (v: number) => v;
  const left = r(lo), right = r(hi), width = r(right - left);
  for (const v of x) {
    if (!(v >= left && v <= right)) continue;
    const pos = Math.trunc(r(r(r(v - left) / width) * bins));
    counts[Math.min(pos, bins - 1)]!++;
  }
  return out;
}

/**
 * How often each value 0, 1, ... occurs in a 1-d tensor of non-negative
 * integers (int32 counts), or the sum of `weights` at each value (in the
 * weights' float dtype; float64 for integer or bool weights; integer zeros
 * for an empty input, as PyTorch's), as torch.bincount. At least
 * `minlength` bins. Not differentiable.
 *
 * @example
 * torch.bincount(torch.tensor([1, 1, 3], { dtype: "int32" })); // tensor([0, 2, 0, 1], dtype=int32)
 */
export function bincount(input: Tensor, weights: Tensor | null = null, minlength = 0): Tensor {
  if (isFloating(input.dtype) || input.dtype === "bool") throw new Error(`"bincount_cpu" not implemented for '${scalarTypeName(input.dtype)}'`);
  if (!Number.isInteger(minlength) || minlength < 0) throw new Error("minlength should be >= 0");
  // an empty 1-d input returns integer zeros at once, whatever the weights (PyTorch's early return)
  if (input.dim() === 1 && input.numel() === 0) return zeros([minlength], { dtype: "int32" });
  const values = castData(input, "int32").data;
  if (input.dim() !== 1 || values.some((v) => v < 0)) throw new Error("bincount only supports 1-d non-negative integral inputs.");
  if (weights !== null && (weights.dim() !== 1 || weights.shape[0] !== input.shape[0])) {
    throw new Error(`weights should be 1-d and have the same length as input (bincount: input ${shapeStr(input.shape)}, weights ${shapeStr(weights.shape)})`);
  }
  let length = minlength;
  for (const v of values) if (v + 1 > length) length = v + 1;
  const dtype: DType = weights === null ? "int32" : isFloating(weights.dtype) ? weights.dtype : "float64";
  const out = emptyUninitialized([length], dtype);
  out.data.fill(0);
  const w = weights === null ? null : castData(weights, "float64").data;
  for (let i = 0; i < values.length; i++) out.data[values[i]!]! += w === null ? 1 : w[i]!;
  if (weights !== null && needsGrad(weights)) {
    record("NotImplemented", [weights], out, () => {
      throw new Error("derivative for aten::bincount is not implemented");
    });
  }
  return out;
}
