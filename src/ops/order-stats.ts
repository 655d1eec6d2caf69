/**
 * More order statistics: `mode` (the most frequent value), `nanmedian` and
 * `nanquantile` (median and quantiles that skip NaN), and `msort`. As in
 * sorting.ts, positions are found on the values in JS and the values are
 * then gathered, so gradients flow back to where each value came from.
 */
import { roundHalfEven } from "../backend/reference/scalar-ops.js";
import type { Tensor } from "../tensor/tensor.js";
import { normalizeDim } from "../tensor/tensor.js";
import { castData, emptyUninitialized, needsGrad, record } from "./core.js";
import { div, eq, isnan, where } from "./elementwise.js";
import { lerp } from "./math.js";
import { quantileOutput, quantileValues } from "./quantile-args.js";
import { full } from "./factories.js";
import { gather } from "./indexing.js";
import { sum, type ValuesIndices } from "./reduce.js";
import { sort } from "./sorting.js";
import { reshape, squeeze } from "./views.js";
import { namedTuple } from "./named-tuple.js";

/**
 * Visits each line along `d` of a contiguous array of `shape`:
 * `visit(start, step, n, line)`, `line` numbering the lines in row-major
 * order of the other dims (the position of the line's result with `d` kept
 * as size 1).
 */
function eachLine(shape: readonly number[], d: number, visit: (start: number, step: number, n: number, line: number) => void): void {
  const n = shape[d]!;
  let step = 1;
  for (let i = d + 1; i < shape.length; i++) step *= shape[i]!;
  let outer = 1;
  for (let i = 0; i < d; i++) outer *= shape[i]!;
  for (let o = 0; o < outer; o++) for (let i = 0; i < step; i++) visit(o * n * step + i, step, n, o * step + i);
}

/** `{ values, indices }` gathered at `indices` (int32, `d` of size 1), with `d` dropped unless keepdim; a 0-d input gives 0-d results. */
function pick(a: Tensor, x: Tensor, d: number, indices: Tensor, keepdim: boolean): ValuesIndices {
  const values = gather(x, d, indices);
  if (a.dim() === 0) return namedTuple({ values: reshape(values, []), indices: reshape(indices, []) });
  return keepdim ? namedTuple({ values, indices }) : namedTuple({ values: squeeze(values, d), indices: squeeze(indices, d) });
}

/** Ascending order with NaN after every number (a consistent comparator: `a - b` is NaN for a NaN). */
function byValueNaNLast(a: number, b: number): number {
  const na = Number.isNaN(a), nb = Number.isNaN(b);
  return na || nb ? Number(na) - Number(nb) : a - b;
}

/**
 * The most frequent value along `dim` (the last by default) and the index of
 * its last occurrence; among equally frequent values the smallest wins, as
 * torch.mode.
 *
 * @example
 * torch.mode(torch.tensor([3, 1, 2, 1, 3])); // values 1, indices 3
 */
export function mode(input: Tensor, dim = -1, options: { keepdim?: boolean } = {}): ValuesIndices {
  const x = input.dim() === 0 ? reshape(input, [1]) : input;
  const d = normalizeDim(dim, x.dim(), "mode", x.shape);
  if (x.shape[d] === 0) throw new Error(`mode(): Expected reduction dim ${d} to have non-zero size.`);
  const v = castData(x, "float64").data;
  const indices = emptyUninitialized(x.shape.map((s, i) => (i === d ? 1 : s)), "int32");
  eachLine(x.shape, d, (start, step, n, line) => {
    // NaNs sort last (as PyTorch's sort of the line); each NaN is a run of its own, as NaN != NaN
    const order = Array.from({ length: n }, (_, k) => k).sort((p, q) => byValueNaNLast(v[start + p * step]!, v[start + q * step]!) || p - q);
    let best = -1, bestCount = 0;
    for (let k = 0; k < n; ) {
      const value = v[start + order[k]! * step]!;
      let end = k + 1;
      while (end < n && v[start + order[end]! * step] === value) end++;
      // the first (smallest) value with the largest count wins; its last occurrence is its index
      if (end - k > bestCount) {
        bestCount = end - k;
        best = order[end - 1]!;
      }
      k = end;
    }
    indices.data[line] = best;
  });
  return pick(input, x, d, indices, options.keepdim ?? false);
}

/** The index of the lower median of the non-NaN values of a line (its first NaN when all are NaN). */
function nanMedianIndex(v: ArrayLike<number>, start: number, step: number, n: number): number {
  const order = Array.from({ length: n }, (_, k) => k).filter((k) => !Number.isNaN(v[start + k * step]!));
  if (order.length === 0) return 0;
  order.sort((p, q) => v[start + p * step]! - v[start + q * step]! || p - q);
  return order[(order.length - 1) >> 1]!;
}

/**
 * The median ignoring NaN (the lower of the two middle values for an even
 * count; NaN only when every element is NaN): over all elements (a 0-d
 * tensor; equal middle values share the gradient), or `{ values, indices }`
 * along `dim`, as torch.nanmedian.
 *
 * @example
 * torch.nanmedian(torch.tensor([NaN, 1, 3, 2])); // tensor(2.)
 */
export function nanmedian(input: Tensor): Tensor;
export function nanmedian(input: Tensor, dim: number, options?: { keepdim?: boolean }): ValuesIndices;
export function nanmedian(input: Tensor, dim?: number, options: { keepdim?: boolean } = {}): Tensor | ValuesIndices {
  if (dim === undefined) {
    const n = input.numel();
    const v = castData(input, "float64").data;
    const out = full([], n === 0 ? NaN : 0, { dtype: input.dtype });
    if (n > 0) out.data[0] = v[nanMedianIndex(v, 0, 1, n)]!;
    if (needsGrad(input)) {
      // the elements equal to the result share the gradient (all NaNs, for a NaN result)
      record("NanmedianBackward0", [input], out, ([g], [x, r]) => {
        const mask = Number.isNaN(r!.item()) ? isnan(x!) : eq(x!, r!);
        return [where(mask, div(g!, sum(mask)), 0)];
      }, [input, out]);
    }
    return out;
  }
  const x = input.dim() === 0 ? reshape(input, [1]) : input;
  const d = normalizeDim(dim, x.dim(), "nanmedian", x.shape);
  if (x.shape[d] === 0) throw new Error(`median(): Expected reduction dim ${d} to have non-zero size.`);
  const v = castData(x, "float64").data;
  const indices = emptyUninitialized(x.shape.map((s, i) => (i === d ? 1 : s)), "int32");
  eachLine(x.shape, d, (start, step, n, line) => (indices.data[line] = nanMedianIndex(v, start, step, n)));
  return pick(input, x, d, indices, options.keepdim ?? false);
}

/** How `nanquantile` picks between the two values around a position that falls between them. */
export type NanQuantileInterpolation = "linear" | "lower" | "higher" | "midpoint" | "nearest";

/**
 * The `q`-quantiles (a number, or a 1-d tensor of them, in [0, 1]) of the
 * non-NaN elements, over all elements or along `dim` (NaN where a line is
 * all NaN), as torch.nanquantile; a tensor `q` adds a leading dim.
 * Differentiable through the sorted values.
 *
 * @example
 * torch.nanquantile(torch.tensor([NaN, 1, 3, 2]), 0.5); // tensor(2.)
 */
export function nanquantile(
  input: Tensor, q: number | Tensor, dim?: number, options: { keepdim?: boolean; interpolation?: NanQuantileInterpolation } = {},
): Tensor {
  const mode = options.interpolation ?? "linear", keepdim = options.keepdim ?? false;
  const qs = quantileValues(input, q, mode);
  const x = dim === undefined ? reshape(input, [input.numel()]) : input.dim() === 0 ? reshape(input, [1]) : input;
  const d = dim === undefined ? 0 : normalizeDim(dim, x.dim(), "quantile", x.shape);
  const sorted = sort(x, { dim: d }).values; // NaNs last
  const raw = castData(x, "float64").data;
  const keptShape = x.shape.map((s, i) => (i === d ? 1 : s));
  // the count of non-NaN elements of each line
  const valid = new Int32Array(keptShape.reduce((p, c) => p * c, 1));
  eachLine(x.shape, d, (start, step, n, line) => {
    let k = 0;
    for (let i = 0; i < n; i++) if (!Number.isNaN(raw[start + i * step]!)) k++;
    valid[line] = k;
  });
  const at = (positions: (k: number) => number): Tensor => {
    const ix = emptyUninitialized(keptShape, "int32");
    valid.forEach((k, line) => (ix.data[line] = k === 0 ? 0 : positions(k)));
    return gather(sorted, d, ix);
  };
  const results = qs.map((qv) => {
    const rank = (k: number) => qv * (k - 1);
    if (mode === "lower") return at((k) => Math.floor(rank(k)));
    if (mode === "higher") return at((k) => Math.ceil(rank(k)));
    if (mode === "nearest") return at((k) => roundHalfEven(rank(k)));
    const below = at((k) => Math.floor(rank(k))), above = at((k) => Math.ceil(rank(k)));
    if (mode === "midpoint") return lerp(below, above, 0.5);
    const weights = full(keptShape, 0, { dtype: input.dtype });
    valid.forEach((k, line) => (weights.data[line] = k === 0 ? 0 : rank(k) - Math.floor(rank(k))));
    return lerp(below, above, weights);
  });
  return quantileOutput(input, q, dim === undefined ? undefined : d, keepdim, results);
}

/**
 * `input` sorted along its first dim (the values of `sort(input, { dim: 0 })`).
 *
 * @example
 * torch.msort(torch.tensor([[3, 1], [2, 4]])); // [[2, 1], [3, 4]]
 */
export function msort(input: Tensor): Tensor {
  return sort(input, { dim: 0 }).values;
}
