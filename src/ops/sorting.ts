/**
 * `sort` and `topk`. The order is found on the values in JS (NaN counts as
 * the largest value, as in PyTorch; equal values keep their order), then the
 * values are a `gather` at those indices, so gradients flow back to where each
 * value came from.
 */
import type { Tensor } from "../tensor/tensor.js";
import { forEachLine } from "../tensor/layout.js";
import { normalizeDim } from "../tensor/tensor.js";
import { castData, emptyUninitialized } from "./core.js";
import { gather } from "./indexing.js";
import type { ValuesIndices } from "./reduce.js";
import { narrow, reshape } from "./views.js";

/** NaN above everything, else numeric order. */
function ascending(x: number, y: number): number {
  if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
  if (Number.isNaN(y)) return -1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** int32 indices that order each slice of `a` along `d` (stable). */
function order(a: Tensor, d: number, descending: boolean): Tensor {
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
 * The values along `dim` in order, and where each came from.
 *
 * @example
 * const { values, indices } = torch.sort(torch.tensor([3, 1, 2]), { descending: true }); // [3, 2, 1], [0, 2, 1]
 */
export function sort(a: Tensor, options: { dim?: number; descending?: boolean } = {}): ValuesIndices {
  const d = normalizeDim(options.dim ?? -1, a.shape.length, "sort", a.shape);
  if (a.shape.length === 0) {
    const r = sort(reshape(a, [1]), options.descending === undefined ? {} : { descending: options.descending });
    return { values: reshape(r.values, []), indices: reshape(r.indices, []) };
  }
  const indices = order(a, d, options.descending ?? false);
  return { values: gather(a, d, indices), indices };
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
  const indices = narrow(order(a, d, options.largest ?? true), d, 0, k).contiguous();
  return { values: gather(a, d, indices), indices };
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
