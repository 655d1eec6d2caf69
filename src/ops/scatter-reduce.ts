/**
 * `scatterReduce`: PyTorch's `Tensor.scatter_reduce` — `src`'s values
 * reduced into `input` at `index` along `dim` with sum, prod, mean, amax or
 * amin, counting `input`'s own value (`includeSelf`, the default) or not.
 * The gradient is PyTorch's scatter_reduce_backward, composed of
 * differentiable ops.
 */
import { isFloating, scalarTypeName } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { normalizeDim } from "../tensor/tensor.js";
import { castData, needsGrad, record, shapeStr } from "./core.js";
import { isRecording } from "../autograd/grad-mode.js";
import { delayedError } from "./delayed-error.js";
import { any } from "./reduce.js";
import { div, eq, gt, logicalAnd, mul, toDtype, where } from "./elementwise.js";
import { maskedFill } from "./masking.js";
import { ones, onesLike, zerosLike } from "./factories.js";
import { gather, scatter, scatterAdd } from "./indexing.js";
import { asStridedScatter, narrow } from "./views.js";
import { contiguousStrides } from "../tensor/layout.js";

/** The reductions of `scatterReduce`. */
export type ScatterReduction = "sum" | "prod" | "mean" | "amax" | "amin";

const REDUCTIONS: readonly ScatterReduction[] = ["sum", "prod", "mean", "amax", "amin"];

/** PyTorch's checks of scatter's index against self and src. */
function checkArguments(input: Tensor, d: number, index: Tensor, src: Tensor): void {
  if (index.dtype !== "int32") throw new Error(`scatter_reduce(): Expected dtype int32 for index, got ${index.dtype}`);
  if (src.dtype !== input.dtype) {
    throw new Error(`scatter_reduce(): Expected self.dtype to be equal to src.dtype (self ${scalarTypeName(input.dtype)}, src ${scalarTypeName(src.dtype)})`);
  }
  if (index.dim() !== input.dim() && !(input.dim() === 0 && index.dim() <= 1)) {
    throw new Error(`Index tensor must have the same number of dimensions as self tensor (scatter_reduce: index ${shapeStr(index.shape)}, self ${shapeStr(input.shape)})`);
  }
  for (let i = 0; i < index.dim(); i++) {
    if (i !== d && index.shape[i]! > (input.shape[i] ?? 1)) {
      throw new Error(`Expected index ${shapeStr(index.shape)} to be smaller than self ${shapeStr(input.shape)} apart from dimension ${d} (scatter_reduce)`);
    }
    if (index.shape[i]! > (src.shape[i] ?? 1)) throw new Error(`Expected index ${shapeStr(index.shape)} to be smaller than src ${shapeStr(src.shape)} (scatter_reduce)`);
  }
}

/** The reduction itself: a contiguous result, no autograd. */
function reduceInto(input: Tensor, d: number, index: Tensor, src: Tensor, reduce: ScatterReduction, includeSelf: boolean): Tensor {
  const out = castData(input, input.dtype);
  const o = out.data, ix = index.data, s = src.data;
  const nd = index.dim(), n = index.numel();
  const size = input.dim() === 0 ? 1 : input.shape[d]!;
  const touched = new Uint8Array(o.length), counts = reduce === "mean" ? new Float64Array(o.length).fill(includeSelf ? 1 : 0) : null;
  const pos = new Array<number>(nd).fill(0);
  for (let k = 0; k < n; k++) {
    let at = 0, from = index.offset, read = src.offset;
    for (let i = 0; i < nd; i++) {
      from += pos[i]! * index.strides[i]!;
      read += pos[i]! * src.strides[i]!;
      if (i !== d) at += pos[i]! * out.strides[i]!;
    }
    const target = ix[from]!;
    if (target < 0 || target >= size) {
      throw new Error(`index ${target} is out of bounds for dimension ${d} with size ${size} (scatter_reduce: self ${shapeStr(input.shape)}, index ${shapeStr(index.shape)})`);
    }
    at += nd === 0 ? 0 : target * out.strides[d]!;
    const v = s[read]!;
    if (!includeSelf && !touched[at]) {
      o[at] = v;
      touched[at] = 1;
    } else {
      const cur = o[at]!;
      switch (reduce) {
        case "sum": case "mean": o[at] = cur + v; break;
        case "prod": o[at] = cur * v; break;
        // NaN wins, as PyTorch's
        case "amax": o[at] = Number.isNaN(v) || v > cur ? v : cur; break;
        case "amin": o[at] = Number.isNaN(v) || v < cur ? v : cur; break;
      }
    }
    if (counts !== null) counts[at]!++;
    for (let i = nd - 1; i >= 0; i--) {
      if (++pos[i]! < index.shape[i]!) break;
      pos[i] = 0;
    }
  }
  if (counts !== null) {
    const floor = !isFloating(out.dtype);
    for (let i = 0; i < o.length; i++) if (counts[i]! > 1) o[i] = floor ? Math.floor(o[i]! / counts[i]!) : o[i]! / counts[i]!;
  }
  return out;
}

/**
 * `input` with `src`'s values reduced in at `index` along `dim`
 * (`out[index[i][j]][j] op= src[i][j]` for dim 0), as
 * `Tensor.scatter_reduce`: "sum", "prod", "mean", "amax" or "amin". With
 * `includeSelf: false` the positions that receive values start from the
 * first of them instead of `input`'s value. Differentiable in `input` and
 * `src` (ties of amax / amin share the gradient).
 *
 * @example
 * torch.zeros([2]).scatterReduce(0, torch.tensor([0, 0, 1], { dtype: "int32" }), torch.tensor([1, 2, 3]), "amax"); // tensor([2., 3.])
 */
export function scatterReduce(input: Tensor, dim: number, index: Tensor, src: Tensor, reduce: ScatterReduction, options: { includeSelf?: boolean } = {}): Tensor {
  if (!REDUCTIONS.includes(reduce)) throw new Error(`reduce argument must be either sum, prod, mean, amax or amin. (scatter_reduce: got ${String(reduce)})`);
  const includeSelf = options.includeSelf ?? true;
  const d = normalizeDim(dim, input.dim(), "scatter_reduce", input.shape);
  checkArguments(input, d, index, src);
  const out = reduceInto(input, d, index, src, reduce, includeSelf);
  if (needsGrad(input, src)) {
    const gi = input._requiresGrad, gs = src._requiresGrad, srcShape = src.shape;
    // sum and mean need only the index; the others the values too
    const valued = reduce !== "sum" && reduce !== "mean";
    record("ScatterReduceBackward0", [input, src], out, ([g], saved) => {
      const [ix, x, s, r] = saved;
      const values = valued ? { self: x!, src: cropTo(s!, ix!.shape), result: r! } : null;
      const [gSelf, gSrc] = scatterReduceBackward(g!, d, ix!, values, reduce, includeSelf);
      return [gi ? gSelf : null, gs ? padTo(gSrc, srcShape) : null];
    }, valued ? [index, input, src, out] : [index]);
  }
  return out;
}

/** `t`'s leading corner of `shape` (src may be larger than index along every dim). */
function cropTo(t: Tensor, shape: readonly number[]): Tensor {
  if (t.shape.every((s, i) => s === shape[i])) return t;
  let out = t;
  shape.forEach((s, i) => (out = narrow(out, i, 0, s)));
  return out;
}

/** A gradient of index's shape placed in the leading corner of zeros of src's shape. */
function padTo(g: Tensor, shape: readonly number[]): Tensor {
  if (g.shape.every((s, i) => s === shape[i])) return g;
  return asStridedScatter(g.contiguous(), shape, g.shape, contiguousStrides(shape), 0);
}

/** What the prod / amax / amin gradients read: self, the index-shaped part of src, and the result. */
interface SavedValues {
  self: Tensor;
  src: Tensor;
  result: Tensor;
}

/** PyTorch's scatter_reduce_backward: the gradients of self and of (the index-shaped part of) src. */
function scatterReduceBackward(g: Tensor, d: number, index: Tensor, values: SavedValues | null, reduce: ScatterReduction, includeSelf: boolean): [Tensor, Tensor] {
  let gSelf: Tensor, gSrc: Tensor;
  if (reduce === "sum" || reduce === "mean" || values === null) {
    const share = reduce === "mean" ? div(g, meanCounts(g, d, index, includeSelf)) : g;
    gSelf = share;
    gSrc = gather(share, d, index);
    return [includeSelf ? gSelf : scatter(gSelf, d, index, 0), gSrc];
  }
  const { self, src, result } = values;
  switch (reduce) {
    case "prod": {
      // the product of the others, exact with zeros: zeros in self are masked to 1; a single zero among a
      // position's src values takes the product of the rest, two or more give 0
      const maskedSelf = maskedFill(self, eq(self, 0), 1);
      const maskedSelfResult = scatterReduce(maskedSelf, d, index, src, "prod", { includeSelf });
      gSelf = div(mul(g, maskedSelfResult), maskedSelf);
      const srcZero = eq(src, 0);
      const zerosAt = gather(scatterAdd(zerosLike(self), d, index, toDtype(srcZero, self.dtype)), d, index);
      const singleZero = logicalAnd(srcZero, eq(zerosAt, 1));
      const maskedSrc = maskedFill(src, singleZero, 1);
      const maskedSrcResult = scatterReduce(self, d, index, maskedSrc, "prod", { includeSelf });
      const gr = gather(mul(g, result), d, index);
      gSrc = where(singleZero, gather(mul(g, maskedSrcResult), d, index), div(gr, maskedFill(src, srcZero, 1)));
      // two or more zeros at one position: the value (0) is right, its derivative is not (PyTorch 2.x's DelayedError)
      if (isRecording() && gSrc.requiresGrad && Boolean(any(gt(zerosAt, 1)).item())) {
        gSrc = delayedError(gSrc, "scatter_reduce(): Double backward is unsupported for src when >1 zeros in src are scattered to the same position in self");
      }
      break;
    }
    default: {
      // amax / amin: the elements equal to the result share its gradient
      const value = gather(result, d, index);
      const selfIs = eq(self, result), srcIs = eq(src, value);
      const count = scatterAdd(toDtype(selfIs, self.dtype), d, index, toDtype(srcIs, self.dtype));
      const share = div(g, count);
      // masks times shares, as PyTorch: where nothing equals the result (a NaN self no src reached) 0 · (g / 0) is NaN
      gSelf = mul(toDtype(selfIs, g.dtype), share);
      gSrc = mul(toDtype(srcIs, g.dtype), gather(share, d, index));
    }
  }
  // positions that took src's values without self's: self's gradient is 0 there
  return [includeSelf ? gSelf : scatter(gSelf, d, index, 0), gSrc];
}

/** How many values each position of a mean averaged (at least 1, so untouched positions divide by 1). */
function meanCounts(g: Tensor, d: number, index: Tensor, includeSelf: boolean): Tensor {
  const n = scatterAdd(includeSelf ? onesLike(g) : zerosLike(g), d, index, ones(index.shape, { dtype: g.dtype }));
  return where(eq(n, 0), 1, n);
}
