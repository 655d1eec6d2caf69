/**
 * `torch.index_reduce` / `Tensor.index_reduce_`: reduce slices of `source`
 * into the slices of `self` that `index` names along `dim`, by product,
 * mean, max or min, with or without `self`'s own values (`includeSelf`).
 * The checks and messages are PyTorch 2.x's (index_func_meta_impl), and the
 * gradient is its index_reduce_backward, written in tensor ops so that it is
 * differentiable again.
 */
import { isFloating, scalarTypeName } from "../tensor/dtype.js";
import { normalizeDim, type Tensor } from "../tensor/tensor.js";
import { castData, needsGrad, record, shapeStr } from "./core.js";
import { isRecording } from "../autograd/grad-mode.js";
import { delayedError } from "./delayed-error.js";
import { any } from "./reduce.js";
import { div, eq, gt, logicalAnd, mul, where } from "./elementwise.js";
import { onesLike, zerosLike } from "./factories.js";
import { indexFill } from "./index-fill.js";
import { indexAdd, indexSelect } from "./indexing.js";
import { inplace } from "./inplace.js";
import { maskedFill } from "./masking.js";
import { checkNoOverlap } from "./mem-overlap.js";
import { warn } from "../warnings.js";

/** How `indexReduce` combines the values that land in one slice. */
export type IndexReduction = "prod" | "mean" | "amax" | "amin";

/** `indexReduce`'s keyword argument. */
export interface IndexReduceOptions {
  /** Whether `self`'s values take part (default true); when false, an indexed slice is reduced from `source` alone. */
  includeSelf?: boolean;
}

const REDUCTIONS: readonly string[] = ["prod", "mean", "amax", "amin"];

/** PyTorch's checks, in its order; returns the wrapped dim. */
function check(self: Tensor, dim: number, index: Tensor, source: Tensor, reduce: string): number {
  if (!REDUCTIONS.includes(reduce)) throw new Error(`index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got ${reduce}.`);
  const d = normalizeDim(dim, self.dim(), "index_reduce", self.shape);
  if (index.dim() > 1) {
    throw new Error(`index_reduce_(): Index is supposed to be a vector, but got dim: ${index.dim()} with type: ${scalarTypeName(index.dtype)} and size: ${shapeStr(index.shape)}`);
  }
  if (index.dtype !== "int32") throw new Error(`index_reduce_(): Expected dtype int32/int64 for index but got: ${scalarTypeName(index.dtype)}`);
  if (self.dtype !== source.dtype) {
    throw new Error(`index_reduce_(): self (${scalarTypeName(self.dtype)}) and source (${scalarTypeName(source.dtype)}) must have the same scalar type`);
  }
  if (!(d === 0 || d < source.dim())) throw new Error(`index_reduce_(): Indexing dim ${d} is out of bounds of the source tensor with dim ${source.dim()}`);
  const sourceSize = source.dim() === 0 ? 1 : source.shape[d]!;
  if (index.numel() !== sourceSize) {
    throw new Error(`index_reduce_(): Number of indices (${index.numel()}) should be equal to source.size(dim): (${sourceSize}), for dim: ${d}`);
  }
  const selfSlice = [...self.shape], sourceSlice = [...source.shape];
  if (self.dim() !== 0 && source.dim() !== 0) {
    selfSlice.splice(d, 1);
    sourceSlice.splice(d, 1);
  }
  if (selfSlice.length !== sourceSlice.length || selfSlice.some((s, i) => s !== sourceSlice[i])) {
    throw new Error(
      `source tensor shape must match self tensor shape, excluding the specified dimension. Got self.shape = ${shapeStr(self.shape)} source.shape = ${shapeStr(source.shape)}`,
    );
  }
  if (self.dtype === "bool") throw new Error(`"index_func_" not implemented for 'Bool'`);
  return d;
}

/** The forward values: a contiguous copy of `self` with the slices reduced in, in index order as PyTorch's CPU loop. */
function reduceInto(self: Tensor, d: number, index: Tensor, source: Tensor, reduce: IndexReduction, includeSelf: boolean): Tensor {
  const out = castData(self, self.dtype), o = out.data;
  const src = castData(source, source.dtype).data;
  const idx = castData(index, "int32").data;
  const size = self.dim() === 0 ? 1 : self.shape[d]!;
  const outer = self.shape.slice(0, d).reduce((a, b) => a * b, 1), inner = self.shape.slice(d + 1).reduce((a, b) => a * b, 1);
  const n = idx.length, integer = !isFloating(self.dtype);
  for (let i = 0; i < n; i++) {
    if (!(idx[i]! >= 0 && idx[i]! < size)) throw new Error("index out of range in self");
  }
  const counts = new Int32Array(size).fill(includeSelf ? 1 : 0);
  if (!includeSelf) {
    const start = reduce === "prod" ? 1 : reduce === "mean" ? 0 : reduce === "amax" ? (integer ? -(2 ** 31) : -Infinity) : integer ? 2 ** 31 - 1 : Infinity;
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < outer; a++) o.fill(start, (a * size + idx[i]!) * inner, (a * size + idx[i]! + 1) * inner);
    }
  }
  for (let i = 0; i < n; i++) {
    const j = idx[i]!;
    counts[j]!++;
    for (let a = 0; a < outer; a++) {
      const to = (a * size + j) * inner, from = (a * n + i) * inner;
      for (let k = 0; k < inner; k++) {
        const cur = o[to + k]!, x = src[from + k]!;
        let v: number;
        if (reduce === "prod") v = integer ? Math.imul(cur, x) : cur * x;
        else if (reduce === "mean") v = integer ? (cur + x) | 0 : cur + x;
        else if (Number.isNaN(cur)) v = cur;
        else v = Number.isNaN(x) || (reduce === "amax" ? x > cur : x < cur) ? x : cur;
        o[to + k] = v;
      }
    }
  }
  if (reduce === "mean") {
    // each indexed slice divided by how many values it took (integers round down, as PyTorch's floor division)
    for (let j = 0; j < size; j++) {
      const c = Math.max(counts[j]!, 1);
      if (c === 1) continue;
      for (let a = 0; a < outer; a++) {
        for (let k = (a * size + j) * inner, end = k + inner; k < end; k++) o[k] = integer ? Math.floor(o[k]! / c) : o[k]! / c;
      }
    }
  }
  return out;
}

/** PyTorch's index_reduce_backward: the gradients to `self` and to `source`. */
function backward(
  g: Tensor, self: Tensor, d: number, index: Tensor, source: Tensor, result: Tensor, reduce: IndexReduction, includeSelf: boolean,
): [Tensor, Tensor] {
  let gradSelf: Tensor, gradSource: Tensor;
  if (reduce === "prod") {
    // zeros of self and source are masked to 1 so each position's gradient is the product of the others
    const maskedSelf = maskedFill(self, eq(self, 0), 1);
    gradSelf = div(mul(g, indexReduce(maskedSelf, d, index, source, reduce, { includeSelf })), maskedSelf);
    const sourceZero = eq(source, 0);
    const zerosPerSlot = indexSelect(indexAdd(zerosLike(self), d, index, castData(sourceZero, self.dtype)), d, index);
    const singleZero = logicalAnd(sourceZero, eq(zerosPerSlot, 1));
    const withoutSingleZero = indexReduce(self, d, index, maskedFill(source, singleZero, 1), reduce, { includeSelf });
    gradSource = where(singleZero, indexSelect(mul(g, withoutSingleZero), d, index), div(indexSelect(mul(g, result), d, index), maskedFill(source, sourceZero, 1)));
    // two or more zeros in one slot: the value (0) is right, its derivative is not, so a double backward raises (PyTorch 2.x's DelayedError)
    if (isRecording() && gradSource.requiresGrad && Boolean(any(gt(zerosPerSlot, 1)).item())) {
      gradSource = delayedError(gradSource, "index_reduce(): Double backward is unsupported for source when >1 zeros in source are scattered to the same position in self");
    }
  } else if (reduce === "mean") {
    const counts = indexAdd(includeSelf ? onesLike(g) : zerosLike(g), d, index, onesLike(source));
    const n = maskedFill(counts, eq(counts, 0), 1);
    gradSelf = div(g, n);
    gradSource = div(indexSelect(g, d, index), indexSelect(n, d, index));
  } else {
    // max and min: the gradient is shared evenly among the values equal to the result
    const value = indexSelect(result, d, index);
    const selfIsResult = castData(eq(self, result), self.dtype), sourceIsResult = castData(eq(source, value), self.dtype);
    const shared = div(g, indexAdd(selfIsResult, d, index, sourceIsResult));
    gradSelf = mul(selfIsResult, shared);
    gradSource = mul(sourceIsResult, indexSelect(shared, d, index));
  }
  if (!includeSelf) gradSelf = indexFill(gradSelf, d, index, 0);
  return [gradSelf, gradSource];
}

/**
 * `self` with the slices of `source` reduced into the slices `index` names
 * along `dim`, as `torch.index_reduce` (`index` int32, one entry per slice of
 * `source`; indices may repeat).
 *
 * @example
 * const x = torch.ones([3]);
 * x.indexReduce(0, torch.tensor([0, 0, 2], { dtype: "int32" }), torch.tensor([2, 3, 4]), "prod"); // [6, 1, 4]
 */
export function indexReduce(self: Tensor, dim: number, index: Tensor, source: Tensor, reduce: IndexReduction, options: IndexReduceOptions = {}): Tensor {
  const includeSelf = options.includeSelf ?? true;
  const d = check(self, dim, index, source, reduce);
  warn("index_reduce() is in beta and the API may change at any time.");
  const out = reduceInto(self, d, index, source, reduce, includeSelf);
  if (needsGrad(self, source)) {
    const gs = self._requiresGrad, gsrc = source._requiresGrad;
    record(
      "IndexReduceBackward0",
      [self, source],
      out,
      ([g], [s, src, ix, res]) => {
        const [a, b] = backward(g!, s!, d, ix!, src!, res!, reduce, includeSelf);
        return [gs ? a : null, gsrc ? b : null];
      },
      [self, source, index, out],
    );
  }
  return out;
}

/**
 * In place: `self` becomes `indexReduce(self, ...)` (the node is
 * IndexReduceBackward0, as PyTorch's). The in-place rules come before the
 * argument checks, as in PyTorch, where autograd checks a leaf first.
 */
export function indexReduce_(self: Tensor, dim: number, index: Tensor, source: Tensor, reduce: IndexReduction, options: IndexReduceOptions = {}): Tensor {
  return inplace(self, "index_reduce_", [source], (old) => (checkNoOverlap(self, [index, source]), indexReduce(old, dim, index, source, reduce, options)));
}
