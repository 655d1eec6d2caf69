/**
 * Orderings and order statistics: `sort`, `topk`, `argsort`, `kthvalue`,
 * `median` and `quantile`. The order is found on the values in JS (NaN
 * counts as the largest value, as in PyTorch; equal values keep their
 * order), then the values are a `gather` at those indices, so gradients flow
 * back to where each value came from.
 */
import { roundHalfEven } from "../backend/reference/scalar-ops.js";
import type { Tensor } from "../tensor/tensor.js";
import { forEachLine } from "../tensor/layout.js";
import { normalizeDim } from "../tensor/tensor.js";
import { castData, emptyUninitialized, kernels, needsGrad, record } from "./core.js";
import { div, eq, isnan, where } from "./elementwise.js";
import { full } from "./factories.js";
import { gather } from "./indexing.js";
import { lerp } from "./math.js";
import { quantileOutput, quantileValues } from "./quantile-args.js";
import { any, sum, type ValuesIndices } from "./reduce.js";
import { narrow, reshape } from "./views.js";
import { namedTuple } from "./named-tuple.js";

/** NaN above everything, else numeric order. */
function ascending(x: number, y: number): number {
  if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
  if (Number.isNaN(y)) return -1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** int32 indices that order each slice of `a` along `d` (stable), by the comparator above. */
function comparatorOrder(a: Tensor, d: number, descending: boolean): Tensor {
  const src = castData(a, a.dtype), x = src.data;
  const indices = emptyUninitialized(a.shape, "int32"), out = indices.data;
  forEachLine(a.shape, d, (start, step, n) => {
    const at = (k: number) => Number(x[start + k * step]);
    const line = Array.from({ length: n }, (_, k) => k);
    line.sort((p, q) => (descending ? ascending(at(q), at(p)) : ascending(at(p), at(q))));
    for (let k = 0; k < n; k++) out[start + k * step] = line[k]!;
  });
  return indices;
}

/**
 * The first `k` (all by default) of those indices per slice, a fresh
 * contiguous int32 tensor. A backend with its own sort (the native one:
 * radix keys, a partial order when k is small) writes them directly.
 */
function order(a: Tensor, d: number, descending: boolean, k = a.shape[d]!): Tensor {
  const backend = kernels();
  if (backend.sortIndices) {
    const shape = a.shape.slice();
    shape[d] = k;
    const out = emptyUninitialized(shape, "int32");
    if (backend.sortIndices(out, a, d, descending)) return out;
  }
  const all = comparatorOrder(a, d, descending);
  return k === a.shape[d] ? all : castData(narrow(all, d, 0, k), "int32"); // a copy, not a view
}

/**
 * The values along `dim` in order, and where each came from.
 *
 * @example
 * const { values, indices } = torch.sort(torch.tensor([3, 1, 2]), { descending: true }); // [3, 2, 1], [0, 2, 1]
 */
export function sort(a: Tensor, options: { dim?: number; descending?: boolean } = {}): ValuesIndices {
  const d = normalizeDim(options.dim ?? -1, a.shape.length, "sort", a.shape);
  if (a.shape.length === 0) {
    // fresh results, not views (PyTorch's are not: detach_() works on them)
    const indices = full([], 0, { dtype: "int32" });
    return namedTuple({ values: gather(a, 0, indices), indices });
  }
  const indices = order(a, d, options.descending ?? false);
  return namedTuple({ values: gather(a, d, indices), indices });
}

/**
 * The `k` largest (or smallest) values along `dim`, largest first, and their indices.
 *
 * @example
 * const { indices } = torch.topk(logits, 5); // top-5 classes per row
 */
export function topk(a: Tensor, k: number, options: { dim?: number; largest?: boolean } = {}): ValuesIndices {
  const d = normalizeDim(options.dim ?? -1, a.shape.length, "topk", a.shape);
  const n = a.shape.length === 0 ? 1 : a.shape[d]!;
  if (!Number.isInteger(k) || k < 0 || k > n) throw new Error(`selected index k out of range (topk: k=${k}, dim ${d} of size ${n})`);
  if (a.shape.length === 0) return sort(a);
  if (a.dtype === "bool") throw new Error(`"topk_cpu" not implemented for 'Bool'`);
  const indices = order(a, d, options.largest ?? true, k);
  return namedTuple({ values: gather(a, d, indices), indices });
}

/**
 * The indices that sort `a` along `dim` (the last by default); equal values
 * keep their order, so `stable` changes nothing.
 *
 * @example
 * torch.argsort(torch.tensor([3, 1, 2])); // tensor([1, 2, 0], dtype=torch.int32)
 */
export function argsort(a: Tensor, options: { dim?: number; descending?: boolean; stable?: boolean } = {}): Tensor {
  return sort(a, options).indices;
}

/**
 * `{ values, indices }` of the element at sorted position `pos` (0-based)
 * along `d`. With `nanWins`, a line holding a NaN answers its first NaN
 * instead, as PyTorch's median does.
 */
function atSortedPosition(a: Tensor, d: number, pos: number, keepdim: boolean, nanWins: boolean): ValuesIndices {
  const ordered = order(a, d, false);
  const raw = castData(a, a.dtype).data, ix = ordered.data;
  const picked = castData(narrow(ordered, d, pos, 1), "int32"); // a fresh copy: the NaN fix-up below writes into it
  const n = a.shape[d]!;
  // NaNs sort last: a line whose last element is NaN answers NaN, at its first NaN
  if (nanWins) forEachLine(a.shape, d, (start, step) => {
    const last = ix[start + (n - 1) * step]!;
    if (!Number.isNaN(Number(raw[start + last * step]))) return;
    let first = n - 1;
    while (first > 0 && Number.isNaN(Number(raw[start + ix[start + (first - 1) * step]! * step]))) first--;
    picked.data[Math.floor(start / (step * n)) * step + (start % step)] = ix[start + first * step]!;
  });
  const values = gather(a, d, picked);
  return keepdim ? namedTuple({ values, indices: picked }) : namedTuple({ values: values.squeeze(d), indices: picked.squeeze(d) });
}

/**
 * The `k`-th smallest value along `dim` (the last by default; k counts from
 * 1) and its index.
 */
export function kthvalue(a: Tensor, k: number, dim = -1, options: { keepdim?: boolean } = {}): ValuesIndices {
  const x = a.dim() === 0 ? reshape(a, [1]) : a;
  const d = normalizeDim(dim, x.dim(), "kthvalue", x.shape);
  if (!Number.isInteger(k) || k < 1 || k > x.shape[d]!) throw new Error(`kthvalue(): selected number k out of range for dimension ${d} (k = ${k}, size ${x.shape[d]})`);
  // (a 0-d tensor is its own answer, bool too: PyTorch's kernel, which has no bool version, is not reached)
  if (a.dim() !== 0 && a.dtype === "bool") throw new Error(`"kthvalue_cpu" not implemented for 'Bool'`);
  const r = atSortedPosition(x, d, k - 1, options.keepdim ?? false, false);
  return a.dim() === 0 ? namedTuple({ values: reshape(r.values, []), indices: reshape(r.indices, []) }) : r;
}

/**
 * The median: over all elements (a 0-d tensor; equal middle values share
 * the gradient), or `{ values, indices }` along `dim`. With an even count it
 * is the lower of the two middle values, and NaN when there is a NaN, as in
 * PyTorch.
 */
export function median(a: Tensor): Tensor;
export function median(a: Tensor, dim: number, options?: { keepdim?: boolean }): ValuesIndices;
export function median(a: Tensor, dim?: number, options: { keepdim?: boolean } = {}): Tensor | ValuesIndices {
  if (dim === undefined) {
    if (a.numel() === 0) return full([], NaN, { dtype: a.dtype });
    const flat = reshape(a.detach(), [a.numel()]);
    const out = reshape(atSortedPosition(flat, 0, Math.floor((a.numel() - 1) / 2), false, true).values, []);
    if (needsGrad(a)) {
      // every element equal to the median shares the gradient (PyTorch's evenly_distribute_backward)
      record("MedianBackward0", [a], out, ([g], [x, r]) => {
        const mask = Number.isNaN(r!.item()) ? isnan(x!) : eq(x!, r!);
        // the share computed in the input's dtype (a bool mask times a 0-d double would promote to float32)
        return [where(mask, div(g!, sum(mask)), 0)];
      }, [a, out]);
    }
    return out;
  }
  const x = a.dim() === 0 ? reshape(a, [1]) : a;
  const d = normalizeDim(dim, x.dim(), "median", x.shape);
  if (x.shape[d] === 0) throw new Error(`median(): Expected reduction dim ${d} to have non-zero size.`);
  const r = atSortedPosition(x, d, Math.floor((x.shape[d]! - 1) / 2), options.keepdim ?? false, true);
  return a.dim() === 0 ? namedTuple({ values: reshape(r.values, []), indices: reshape(r.indices, []) }) : r;
}

/** How `quantile` picks between the two values around a position that falls between them. */
export type QuantileInterpolation = "linear" | "lower" | "higher" | "midpoint" | "nearest";

/**
 * The `q`-quantiles (a number, or a 1-d tensor of them, in [0, 1]) over all
 * elements or along `dim`; a tensor `q` adds a leading dim. A line holding
 * a NaN gives NaN. Differentiable (through the sorted values).
 *
 * @example
 * torch.quantile(x, torch.tensor([0.25, 0.5, 0.75]), 0); // the quartiles of each column
 */
export function quantile(a: Tensor, q: number | Tensor, dim?: number, options: { keepdim?: boolean; interpolation?: QuantileInterpolation } = {}): Tensor {
  const mode = options.interpolation ?? "linear", keepdim = options.keepdim ?? false;
  const qs = quantileValues(a, q, mode);
  const x = dim === undefined ? reshape(a, [a.numel()]) : a.dim() === 0 ? reshape(a, [1]) : a;
  const d = dim === undefined ? 0 : normalizeDim(dim, x.dim(), "quantile", x.shape);
  const n = x.shape[d]!;
  if (n === 0) throw new Error("quantile() input tensor must be non-empty");
  const sorted = sort(x, { dim: d }).values;
  const hasNaN = any(isnan(x), d, { keepdim: true });
  const pick = (i: number) => narrow(sorted, d, i, 1);
  const results = qs.map((v) => {
    const pos = v * (n - 1), lo = Math.floor(pos), hi = Math.ceil(pos);
    let r: Tensor;
    if (mode === "lower") r = pick(lo);
    else if (mode === "higher") r = pick(hi);
    else if (mode === "nearest") r = pick(roundHalfEven(pos));
    // PyTorch interpolates with lerp (from the nearer end), even between a value and itself: equal infinities give NaN
    else r = lerp(pick(lo), pick(hi), mode === "midpoint" ? 0.5 : pos - lo);
    // a line with a NaN answers its last sorted value, the NaN (which also takes the gradient, as in PyTorch)
    return where(hasNaN, pick(n - 1), r);
  });
  return quantileOutput(a, q, dim === undefined ? undefined : d, keepdim, results);
}
