/**
 * torch.histogram: counts (or weights) of a tensor's elements in bins given
 * by a number of equal bins or by their edges, as numpy.histogram.
 */
import { scalarTypeName, isFloating } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { castData, pyNumber, shapeStr } from "./core.js";
import { linspace, zeros } from "./factories.js";
import { dataRange } from "./statistics.js";
import { namedTuple } from "./named-tuple.js";

export interface HistogramOptions {
  /** The leftmost and rightmost edges when `bins` is a number (default: the data's min and max). */
  range?: readonly [number, number];
  /** Each element adds its weight instead of 1 (the same dtype and number of elements as the input). */
  weight?: Tensor;
  /** Divide by the total and by each bin's width, so that the histogram integrates to 1. */
  density?: boolean;
}

/** PyTorch's return_types.histogram: the counts and the `bins + 1` edges. */
export interface HistogramResult extends Iterable<Tensor> {
  hist: Tensor;
  binEdges: Tensor;
}

/** The edges for `count` equal bins: over `range`, or over the data's min and max (0 to 1 for no data), widened by 0.5 each way if empty. */
function equalBinEdges(x: Float64Array, count: number, range: readonly [number, number] | undefined, input: Tensor): Tensor {
  if (!Number.isInteger(count) || count <= 0) throw new Error(`torch.histogram(): bins must be > 0, but got ${count} for dimension 0`);
  let [lo, hi] = range ?? (x.length > 0 ? dataRange(x) : [0, 1]);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new Error(`torch.histogramdd: dimension 0's range [${pyNumber(lo)}, ${pyNumber(hi)}] is not finite`);
  if (lo > hi) throw new Error(`torch.histogramdd: min should not exceed max, but got min ${lo} max ${hi} for dimension 0`);
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  return linspace(lo, hi, count + 1, { dtype: input.dtype });
}

/** Checks given edges as PyTorch does. */
function checkEdges(input: Tensor, bins: Tensor): void {
  if (bins.dtype !== input.dtype) {
    throw new Error(
      `torch.histogramdd: input tensor and bins tensors should have the same dtype, but got input with dtype ${scalarTypeName(input.dtype).toLowerCase()} and bins for dimension 0 with dtype ${scalarTypeName(bins.dtype).toLowerCase()}`,
    );
  }
  if (bins.dim() !== 1) throw new Error(`torch.histogramdd: bins tensor should have one dimension, but got ${bins.dim()} dimensions in the bins tensor for dimension 0`);
  if (bins.numel() === 0) throw new Error("torch.histogramdd: bins tensor should have at least 1 element, but got 0 elements in the bins tensor for dimension 0");
}

/** Checks the weight as PyTorch does: the input's dtype and number of elements. */
function checkWeight(input: Tensor, weight: Tensor): void {
  if (weight.dtype !== input.dtype) {
    throw new Error(
      `torch.histogramdd: if weight tensor is provided, input tensor and weight tensor should have the same dtype, but got input(${scalarTypeName(input.dtype).toLowerCase()}), and weight(${scalarTypeName(weight.dtype).toLowerCase()})`,
    );
  }
  if (weight.numel() !== input.numel()) {
    throw new Error(
      `torch.histogramdd: if weight tensor is provided it should have the same shape as the input tensor excluding its innermost dimension, but got input with shape ${shapeStr([input.numel(), 1])} and weight with shape ${shapeStr([weight.numel()])}`,
    );
  }
}

/**
 * PyTorch's `torch.histogram(input, bins=100, *, range, weight, density)`:
 * `bins` equal bins (over `range`, default the data's min and max) or the
 * bins between the given increasing edges. Each bin holds its left edge, the
 * last one its right edge too; elements outside the edges (and NaN) are not
 * counted. Float inputs only; the result has the input's dtype. Not
 * differentiable.
 *
 * @example
 * const { hist, binEdges } = torch.histogram(torch.tensor([1, 2, 1]), 2);
 * // hist [2, 1], binEdges [1, 1.5, 2]
 */
export function histogram(input: Tensor, bins: number | Tensor = 100, options: HistogramOptions = {}): HistogramResult {
  if (!isFloating(input.dtype)) throw new Error(`"histogramdd" not implemented for '${scalarTypeName(input.dtype)}'`);
  const x = castData(input, "float64").data as Float64Array;
  const { weight, density = false } = options;
  // PyTorch's order of checks: a count and the range first, given edges before the weight, the bin count after it
  let edgesTensor: Tensor;
  if (typeof bins === "number") edgesTensor = equalBinEdges(x, bins, options.range, input);
  else {
    checkEdges(input, bins);
    edgesTensor = bins.contiguous().clone();
  }
  if (weight !== undefined) checkWeight(input, weight);
  if (edgesTensor.numel() < 2) throw new Error("torch.histogram(): bins must be > 0, but got 0 for dimension 0");
  const edges = castData(edgesTensor, "float64").data as Float64Array;
  const count = edges.length - 1;
  const hist = zeros([count], { dtype: input.dtype });
  const h = hist.data;
  const w = weight === undefined ? null : (castData(weight.contiguous(), "float64").data as Float64Array);
  // PyTorch's arithmetic in the input's precision: equal bins place an element by interpolation, then look at
  // the neighbouring edges (its LINEAR_INTERPOLATION_WITH_LOCAL_SEARCH); given edges by binary search
  const r = input.dtype === "float32" ? Math.fround : (v: number) => v;
  const left = edges[0]!, right = edges[edges.length - 1]!, width = r(right - left);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (!(v >= left && v <= right)) continue;
    let lo = 0, hi = edges.length;
    if (typeof bins === "number") {
      const guess = Math.trunc(r(r(r(v - left) * count) / width));
      lo = Math.max(0, guess - 1);
      hi = Math.min(guess + 2, edges.length);
    }
    // the first edge above v in [lo, hi), minus one
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (edges[mid]! <= v) lo = mid + 1;
      else hi = mid;
    }
    const pos = Math.min(lo - 1, count - 1);
    if (pos < 0) continue;
    h[pos] = r(h[pos]! + (w === null ? 1 : w[i]!));
  }
  if (density) {
    let total = 0;
    for (let k = 0; k < count; k++) total = r(total + h[k]!);
    for (let k = 0; k < count; k++) h[k] = r(r(h[k]! / total) / r(edges[k + 1]! - edges[k]!));
  }
  return namedTuple({ hist, binEdges: edgesTensor });
}
