/**
 * `F.embeddingBag`: sums, means or maxima of bags of embedding rows without
 * building the `[indices, dim]` intermediate per bag. The bag of each index
 * and the rows that count (not `paddingIdx`) are worked out here from the
 * int32 indices and offsets; the rows come from `indexSelect` and are
 * summed into their bags with `indexAdd` (sum, mean), or picked with
 * `gather` at each bag's per-column argmax (max), so gradients reach
 * `weight` (and `perSampleWeights`) through those ops.
 */
import { contiguousData, shapeStr } from "../ops/core.js";
import { mul, where } from "../ops/elementwise.js";
import { fromTypedArray, zeros } from "../ops/factories.js";
import { gather, indexAdd, indexSelect } from "../ops/indexing.js";
import { reshape } from "../ops/views.js";
import { noGrad } from "../autograd/grad-mode-api.js";
import { vectorNorm } from "../ops/linalg/norms.js";
import type { Tensor } from "../tensor/tensor.js";

export interface EmbeddingBagOptions {
  /** Where each bag starts in 1-d `input` (int32); not with 2-d input, whose rows are the bags. */
  offsets?: Tensor | null;
  /** How a bag's rows are reduced (default "mean"). */
  mode?: "sum" | "mean" | "max";
  /** A weight per index (the shape of `input`) multiplying its row; "sum" mode only. */
  perSampleWeights?: Tensor | null;
  /** `offsets` has one more entry, the end of the last bag (the CSR layout). */
  includeLastOffset?: boolean;
  /** Indices equal to this are left out of their bags (and of mean's count). */
  paddingIdx?: number | null;
  /** The rows of `weight` that `input` picks are first rescaled in place to this norm where theirs is larger (as `F.embedding`). */
  maxNorm?: number | null;
  /** The p of the `maxNorm` norm (default 2). */
  normType?: number;
}

/** The int32 values of a tensor, in row-major order. */
const ints = (t: Tensor): Int32Array => {
  const c = contiguousData(t);
  return (c.data as Int32Array).subarray(c.offset, c.offset + c.numel());
};

/**
 * `F.embeddingBag(input, weight, { offsets, mode = "mean", perSampleWeights, includeLastOffset, paddingIdx, maxNorm, normType })`:
 * one row per bag, `[bags, dim]`, reducing the `weight` rows its int32
 * indices pick. Bags are the rows of 2-d `input`, or the runs of 1-d
 * `input` starting at each of `offsets`. Empty bags give zeros; in "max"
 * mode ties go to the bag's first index, as in PyTorch.
 *
 * @example
 * const weight = torch.randn([10, 3]);
 * const input = torch.tensor([1, 2, 4, 5, 4, 3, 2, 9], { dtype: "int32" });
 * const offsets = torch.tensor([0, 4], { dtype: "int32" });
 * F.embeddingBag(input, weight, { offsets, mode: "sum" }).shape; // [2, 3]
 */
export function embeddingBag(input: Tensor, weight: Tensor, options: EmbeddingBagOptions = {}): Tensor {
  const mode = options.mode ?? "mean";
  if (mode !== "sum" && mode !== "mean" && mode !== "max") throw new Error("mode has to be one of sum, mean or max");
  if (input.dtype !== "int32") {
    throw new Error(`Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got ${input.dtype} instead (while checking arguments for embedding_bag)`);
  }
  if (weight.dim() !== 2) throw new Error(`embedding_bag: weight must be 2-D [num_embeddings, embedding_dim], got ${shapeStr(weight.shape)}`);
  const psw = options.perSampleWeights ?? null;
  if (psw !== null && (psw.dim() !== input.dim() || psw.shape.some((s, i) => s !== input.shape[i]))) {
    throw new Error(`embedding_bag: If per_sample_weights (${shapeStr(psw.shape)}) is not None, then it must have the same shape as the input (${shapeStr(input.shape)})`);
  }
  const offsets = options.offsets ?? null;
  let starts: Int32Array;
  if (input.dim() === 2) {
    if (offsets !== null) {
      throw new Error("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences. However, found offsets of type Tensor");
    }
    const [B, L] = input.shape as [number, number];
    starts = Int32Array.from({ length: B }, (_, b) => b * L);
  } else if (input.dim() === 1) {
    if (offsets === null) throw new Error("offsets has to be a 1D Tensor but got None");
    if (offsets.dim() !== 1) throw new Error("offsets has to be a 1D Tensor");
    starts = ints(offsets);
  } else {
    throw new Error(`input has to be 1D or 2D Tensor, but got Tensor of dimension ${input.dim()}`);
  }
  if (psw !== null && mode !== "sum") {
    throw new Error(`embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='${mode}'). Please open a feature request on GitHub.`);
  }
  const [R, D] = weight.shape as [number, number];
  let pad = options.paddingIdx ?? null;
  if (pad !== null) {
    if (pad >= R || pad < -R) throw new Error(`padding_idx must be within the number of embeddings, -${R} through ${R - 1}, but got ${pad}`);
    if (pad < 0) pad += R;
  }
  const index = ints(input), n = index.length;
  if (starts.length > 0 && starts[0] !== 0) {
    throw new Error(`offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from position 0. However, got ${starts[0]}`);
  }
  if (starts.length > 0 && starts[starts.length - 1]! > n) {
    throw new Error(`offsets[-1] can not be greater than input's length ${n} but got offsets[-1] of ${starts[starts.length - 1]}`);
  }
  // (PyTorch does not check this; its CPU kernel fails or reads past the input)
  const down = starts.findIndex((s, b) => b > 0 && s < starts[b - 1]!);
  if (down > 0) throw new Error(`embedding_bag: offsets must be non-decreasing, but got offsets[${down}] = ${starts[down]} after offsets[${down - 1}] = ${starts[down - 1]}`);
  if (options.maxNorm != null) embeddingRenorm_(weight, input, options.maxNorm, options.normType ?? 2);
  // include_last_offset: the last offset only ends the last bag
  const bags = options.includeLastOffset ?? false ? Math.max(starts.length - 1, 0) : starts.length;
  const end = (b: number) => (b + 1 < starts.length ? starts[b + 1]! : n);
  // positions that count: not padding, inside some bag
  const positions: number[] = [], bagOf: number[] = [];
  const count = new Float64Array(bags);
  for (let b = 0; b < bags; b++) {
    for (let k = starts[b]!; k < end(b); k++) {
      if (index[k] === pad) continue;
      positions.push(k);
      bagOf.push(b);
      count[b]!++;
    }
  }
  const pick = fromTypedArray(Int32Array.from(positions, (k) => index[k]!));
  if (mode === "max") return bagMax(weight, index, positions, bagOf, bags);
  let rows = indexSelect(weight, 0, pick);
  if (psw !== null) rows = mul(rows, reshape(indexSelect(reshape(psw, [n]), 0, fromTypedArray(Int32Array.from(positions))), [positions.length, 1]));
  if (mode === "mean") {
    // each row divided by its bag's count, so the sums are means (empty bags stay 0)
    const scale = Float64Array.from(bagOf, (b) => 1 / count[b]!);
    rows = mul(rows, reshape(fromTypedArray(weight.dtype === "float64" ? scale : Float32Array.from(scale)), [positions.length, 1]));
  }
  return indexAdd(zeros([bags, D], { dtype: weight.dtype }), 0, fromTypedArray(Int32Array.from(bagOf)), rows);
}

/** "max" mode: each bag's per-column maximum (the first of equal ones), gathered from `weight`; 0 for empty bags. */
function bagMax(weight: Tensor, index: Int32Array, positions: number[], bagOf: number[], bags: number): Tensor {
  const [R, D] = weight.shape as [number, number];
  const dense = contiguousData(weight);
  const w = dense.data as Float32Array | Float64Array;
  for (const k of positions) {
    if (index[k]! < 0 || index[k]! >= R) throw new Error(`embedding_bag: index ${index[k]} is out of bounds for weight with ${R} rows`);
  }
  // flat weight position of each output's maximum; -1 while a bag has none
  const best = new Int32Array(bags * D).fill(-1);
  positions.forEach((k, i) => {
    const b = bagOf[i]!, row = index[k]!;
    for (let d = 0; d < D; d++) {
      const at = best[b * D + d]!, v = w[dense.offset + row * D + d]!;
      if (at < 0 || v > w[dense.offset + at]!) best[b * D + d] = row * D + d;
    }
  });
  const empty = Uint8Array.from(best, (v) => (v < 0 ? 1 : 0));
  const values = gather(reshape(weight, [R * D]), 0, fromTypedArray(best.map((v) => Math.max(v, 0))));
  return where(reshape(fromTypedArray(empty).to("bool"), [bags, D]), 0, reshape(values, [bags, D]));
}

/**
 * PyTorch's `embedding_renorm_`: each row of `weight` that `indices` pick
 * (once, however often picked) whose `normType`-norm exceeds `maxNorm` is
 * scaled in place by `maxNorm / (norm + 1e-7)`, outside autograd.
 */
export function embeddingRenorm_(weight: Tensor, indices: Tensor, maxNorm: number, normType: number): void {
  const rows = weight.shape[0]!;
  noGrad(() => {
    for (const i of new Set(indices.toArray())) {
      if (i < 0 || i >= rows) throw new Error("index out of range in self");
      const row = weight.select(0, i);
      const norm = vectorNorm(row, normType).item();
      if (norm > maxNorm) row.mul_(maxNorm / (norm + 1e-7));
    }
  });
}
