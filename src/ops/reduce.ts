import type { ReduceOp } from "../backend/backend.js";
import type { Tensor } from "../tensor/tensor.js";
import { normalizeDim } from "../tensor/tensor.js";
import { toFloating } from "../tensor/dtype.js";
import { castData, empty, kernels, needsGrad, numelOf, record, relayout } from "./core.js";
import { abs, binaryData, div, eq, exp, isnan, logicalOr, mul, ne, pow, sign, sqrt, sub, unaryData, where } from "./elementwise.js";
import { expand, narrow, reshape, unsqueeze } from "./views.js";
import { cat, flip, scatterAdd } from "./indexing.js";
import { onesLike } from "./factories.js";
import { cumprod } from "./scan.js";
import { namedTuple } from "./named-tuple.js";

export type Dims = number | readonly number[];

export interface ReduceOptions {
  keepdim?: boolean;
}

function normalizeDims(dims: Dims | undefined, shape: readonly number[], op: string): number[] {
  const ndim = shape.length;
  const list = typeof dims === "number" ? [dims] : [...(dims ?? [])];
  // no dims, or an empty list (as PyTorch's sum(x, [])), reduces everything
  if (list.length === 0) return [...Array(ndim).keys()];
  const out = list.map((d) => normalizeDim(d, ndim, op, shape));
  const repeated = out.find((d, i) => out.indexOf(d) !== i);
  if (repeated !== undefined) throw new Error(`dim ${repeated} appears multiple times in the list of dims (${op})`);
  // a 0-d tensor accepts dim 0 / -1 but has no axis to reduce
  return ndim === 0 ? [] : out;
}

/** Reduces `axes` with `op`; the result keeps size-1 dims. No autograd. */
function reduceData(op: ReduceOp, a: Tensor, axes: readonly number[]): Tensor {
  const shape = a.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const dtype = op === "sum" || op === "prod" ? (a.dtype === "bool" ? "int32" : a.dtype) : a.dtype;
  const out = empty(shape, dtype);
  kernels().reduce(op, out, dtype === a.dtype ? a : castData(a, dtype), axes);
  return out;
}

function dropDims(t: Tensor, axes: readonly number[]): Tensor {
  const shape = t.shape.filter((_, i) => !axes.includes(i));
  const strides = t.strides.filter((_, i) => !axes.includes(i));
  return relayout(t, shape, strides, t.offset);
}

/** Re-inserts reduced dims into a gradient so it broadcasts against the input. */
function restoreDims(g: Tensor, axes: readonly number[], keepdim: boolean): Tensor {
  if (keepdim) return g;
  let out = g;
  for (const ax of [...axes].sort((x, y) => x - y)) out = unsqueeze(out, ax);
  return out;
}

/** Sum of all elements, or over `dim` (a number or list). */
export function sum(a: Tensor, dim?: Dims, options: ReduceOptions = {}): Tensor {
  const keepdim = options.keepdim ?? false;
  const axes = normalizeDims(dim, a.shape, "sum");
  const kept = reduceData("sum", a, axes);
  const out = keepdim ? kept : dropDims(kept, axes);
  if (needsGrad(a)) {
    // closures capture shapes, never tensors: a node holds only what it saves
    const shape = a.shape;
    record(dim === undefined ? "SumBackward0" : "SumBackward1", [a], out, ([g]) => [expand(restoreDims(g!, axes, keepdim), shape)]);
  }
  return out;
}

export function mean(a: Tensor, dim?: Dims, options: ReduceOptions = {}): Tensor {
  const keepdim = options.keepdim ?? false;
  const axes = normalizeDims(dim, a.shape, "mean");
  if (a.dtype === "int32" || a.dtype === "bool") {
    throw new Error(`mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${a.dtype === "int32" ? "Int" : "Bool"}`);
  }
  const inShape = a.shape; // arrow functions must not mention `a`: V8 would keep it alive for the backward closure
  const n = numelOf(axes.map((ax) => inShape[ax]!));
  const kept = binaryData("div", reduceData("sum", a, axes), n, "mean");
  const out = keepdim ? kept : dropDims(kept, axes);
  if (needsGrad(a)) {
    const shape = a.shape;
    record(dim === undefined ? "MeanBackward0" : "MeanBackward1", [a], out, ([g]) => [div(expand(restoreDims(g!, axes, keepdim), shape), n)]);
  }
  return out;
}

/** Product of all elements or over one dim. */
export function prod(a: Tensor, dim?: number, options: ReduceOptions = {}): Tensor {
  const keepdim = options.keepdim ?? false;
  const axes = normalizeDims(dim, a.shape, "prod");
  const kept = reduceData("prod", a, axes);
  const out = keepdim ? kept : dropDims(kept, axes);
  if (needsGrad(a)) {
    record(dim === undefined ? "ProdBackward0" : "ProdBackward1", [a], out, ([g], [x, r]) => {
      if (x!.shape.length === 0) return [g!];
      const grad = expand(restoreDims(g!, axes, keepdim), x!.shape);
      // PyTorch's prod_backward: grad * (prod / x) unless a zero would make that 0/0
      if (!eq(x!, 0).toArray().some((v) => v !== 0)) return [mul(grad, div(expand(restoreDims(r!, axes, keepdim), x!.shape), x!))];
      const others = axes.length === 1 ? productOfOthers(x!, axes[0]!) : reshape(productOfOthers(reshape(x!, [-1]), 0), x!.shape);
      return [mul(grad, others)];
    }, [a, out]);
  }
  return out;
}

/**
 * Each element's product of the other elements along `d`, exact with zeros:
 * the running product of the elements before it times that of the elements
 * after it (PyTorch's prod_safe_zeros_backward). Built from differentiable ops.
 */
export function productOfOthers(x: Tensor, d: number): Tensor {
  const n = x.shape[d]!;
  if (n === 0) return x;
  const ones = onesLike(narrow(x, d, 0, 1));
  const before = cumprod(cat([ones, narrow(x, d, 0, n - 1)], d), d);
  const after = flip(cumprod(cat([ones, flip(narrow(x, d, 1, n - 1), [d])], d), d), [d]);
  return mul(before, after);
}

/** `{ values, indices }` of the max or min along one dim. */
export interface ValuesIndices extends Iterable<Tensor> {
  values: Tensor;
  indices: Tensor;
}

function extremeAlong(op: "max" | "min", a: Tensor, dim: number, keepdim: boolean): ValuesIndices {
  const d = normalizeDim(dim, a.shape.length, op, a.shape);
  if (a.shape.length > 0 && a.shape[d] === 0) {
    throw new Error(`${op}(): Expected reduction dim ${d} to have non-zero size.`);
  }
  const shape = a.shape.map((s, i) => (i === d ? 1 : s));
  const values = empty(shape, a.dtype), indices = empty(shape, "int32");
  if (a.shape.length === 0) {
    kernels().copy(values, a);
  } else kernels().argReduce(op, values, indices, a, d);
  const v = keepdim || a.shape.length === 0 ? values : dropDims(values, [d]);
  const idx = keepdim || a.shape.length === 0 ? indices : dropDims(indices, [d]);
  if (needsGrad(a)) {
    const inShape = a.shape, dtype = a.dtype, kept = keepdim || a.shape.length === 0;
    record(op === "max" ? "MaxBackward0" : "MinBackward0", [a], v, ([g], [ix]) => [
      scatterAdd(empty(inShape, dtype), d, restoreDims(ix!, [d], kept), restoreDims(g!, [d], kept)),
    ], [idx]);
  }
  return namedTuple({ values: v, indices: idx });
}

function extremeAll(op: "max" | "min", a: Tensor): Tensor {
  if (a.numel() === 0) {
    throw new Error(`${op}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`);
  }
  const out = dropDims(reduceData(op, a, [...a.shape.keys()]), [...a.shape.keys()]);
  if (needsGrad(a)) {
    // ties share the gradient evenly (PyTorch's evenly_distribute_backward); a NaN result shares it among the NaNs
    record(op === "max" ? "MaxBackward1" : "MinBackward1", [a], out, ([g], [x, r]) => {
      const mask = Number.isNaN(r!.item()) ? isnan(x!) : eq(x!, r!);
      const count = sum(mask);
      return [mul(castData(mask, g!.dtype), div(g!, count))];
    }, [a, out]);
  }
  return out;
}

/** Max of all elements, or `{ values, indices }` along `dim`. */
export function max(a: Tensor): Tensor;
export function max(a: Tensor, dim: number, options?: ReduceOptions): ValuesIndices;
export function max(a: Tensor, dim?: number, options: ReduceOptions = {}): Tensor | ValuesIndices {
  return dim === undefined ? extremeAll("max", a) : extremeAlong("max", a, dim, options.keepdim ?? false);
}

export function min(a: Tensor): Tensor;
export function min(a: Tensor, dim: number, options?: ReduceOptions): ValuesIndices;
export function min(a: Tensor, dim?: number, options: ReduceOptions = {}): Tensor | ValuesIndices {
  return dim === undefined ? extremeAll("min", a) : extremeAlong("min", a, dim, options.keepdim ?? false);
}

function argExtreme(op: "max" | "min", a: Tensor, dim: number | undefined, keepdim: boolean): Tensor {
  // PyTorch has no bool kernel here, but answers a reduction over a dim of size 1 without one
  let trivial = false;
  if (dim !== undefined && a.shape.length > 0) {
    const d = normalizeDim(dim, a.shape.length, `arg${op}`, a.shape);
    if (a.shape[d] === 0) throw new Error(`arg${op}(): Expected reduction dim ${d} to have non-zero size.`);
    trivial = a.shape[d] === 1;
  }
  if (a.dtype === "bool" && !trivial && a.numel() > 0) throw new Error(`"arg${op}_cpu" not implemented for 'Bool'`);
  if (dim === undefined) {
    const flat = reshape(a.isContiguous() ? a : castData(a, a.dtype), [a.numel()]);
    if (flat.numel() === 0) throw new Error(`arg${op}(): Expected reduction dim to be specified for input.numel() == 0.`);
    const idx = extremeAlong(op, flat, 0, false).indices;
    return keepdim ? reshape(idx, a.shape.map(() => 1)) : idx;
  }
  return extremeAlong(op, a, dim, keepdim).indices;
}

/** Index of the max (first one at ties), over all elements or along `dim`. int32. */
export function argmax(a: Tensor, dim?: number, options: ReduceOptions = {}): Tensor {
  return argExtreme("max", a, dim, options.keepdim ?? false);
}

export function argmin(a: Tensor, dim?: number, options: ReduceOptions = {}): Tensor {
  return argExtreme("min", a, dim, options.keepdim ?? false);
}

/**
 * Variance with Bessel's correction by default (`correction: 1`), as torch.var.
 * Computed in float64 (PyTorch accumulates float32 in double too), so squares
 * of large or tiny float32 values neither overflow nor underflow.
 */
export function variance(a: Tensor, dim?: Dims, options: ReduceOptions & { correction?: number } = {}): Tensor {
  const { variance: v, backward } = moments("var", a, dim, options);
  const out = castData(v, a.dtype);
  if (needsGrad(a)) record("VarBackward0", [a], out, ([g], [x]) => [backward(g!, x!)], [a]);
  return out;
}

/** Standard deviation, `sqrt(var)`; its gradient is 0 where it is 0 (PyTorch's std_backward), not 0 / 0. */
export function std(a: Tensor, dim?: Dims, options: ReduceOptions & { correction?: number } = {}): Tensor {
  const { variance: v, backward } = moments("std", a, dim, options);
  const out = castData(sqrt(v), a.dtype);
  if (needsGrad(a)) {
    record("StdBackward0", [a], out, ([g], [x, r]) => [backward(where(eq(r!, 0), 0, div(g!, mul(r!, 2))), x!)], [a, out]);
  }
  return out;
}

/** var / std's shared part: the variance in float64 (no autograd) and PyTorch's var_backward. */
function moments(op: "var" | "std", a: Tensor, dim: Dims | undefined, options: ReduceOptions & { correction?: number }) {
  if (a.dtype === "int32" || a.dtype === "bool") throw new Error(`std and var only support floating point and complex dtypes (${op})`);
  const keepdim = options.keepdim ?? false, correction = options.correction ?? 1;
  const axes = normalizeDims(dim, a.shape, op);
  const n = numelOf(axes.map((ax) => a.shape[ax]!));
  const x64 = castData(a, "float64");
  const centered = sub(x64, mean(x64, axes, { keepdim: true }));
  const variance = div(sum(mul(centered, centered), axes, { keepdim }), Math.max(n - correction, 0));
  // a full reduction with no degrees of freedom left: PyTorch 2.x's inf (NaN where x equals the mean)
  const whole = dim === undefined || a.shape.length === 0;
  return {
    variance,
    backward(g: Tensor, x: Tensor): Tensor {
      const dev = sub(x, mean(x, axes, { keepdim: true }));
      const grad = restoreDims(g, axes, keepdim);
      if (whole && n - correction <= 0) return mul(grad, where(eq(dev, 0), NaN, Infinity));
      return mul(mul(grad, 2 / (n - correction)), dev);
    },
  };
}

/**
 * `log(sum(exp(a)))` over `dim`, computed as `m + log(sum(exp(a - m)))` with
 * `m` the maximum, so large values do not overflow; an infinite maximum is
 * taken as 0 there, as PyTorch does. One LogsumexpBackward0 node that saves
 * the input and the result (PyTorch's logsumexp_backward:
 * `grad * exp(self - result)`), so the result is no view and an in-place
 * change of either raises PyTorch's version error in backward.
 *
 * @example
 * torch.logsumexp(logits, 1); // the log of each row's softmax denominator
 */
export function logsumexp(input: Tensor, dim: Dims, options: ReduceOptions = {}): Tensor {
  const axes = normalizeDims(dim, input.shape, "logsumexp");
  const keepdim = options.keepdim ?? false;
  // integers and bools are taken as float32, as PyTorch does
  const a = input.dtype === "int32" || input.dtype === "bool" ? castData(input, toFloating(input.dtype)) : input;
  // the maximum where it is finite, else 0 (a fresh contiguous tensor: patched in place)
  const m = reduceData("max", a, axes);
  const md = m.data;
  for (let i = 0; i < md.length; i++) if (!Number.isFinite(md[i]!)) md[i] = 0;
  const summed = reduceData("sum", unaryData("exp", binaryData("sub", a, m, "logsumexp")), axes);
  const kept = binaryData("add", unaryData("log", summed), m, "logsumexp");
  const out = keepdim ? kept : dropDims(kept, axes);
  if (needsGrad(input)) {
    record("LogsumexpBackward0", [input], out, ([g], [x, r]) => [
      mul(restoreDims(g!, axes, keepdim), exp(sub(x!, restoreDims(r!, axes, keepdim)))),
    ], [input, out]);
  }
  return out;
}

/**
 * Whether any element (along `dim`) is nonzero (NaN counts); bool.
 *
 * @example
 * torch.any(torch.isnan(loss)); // a 0-d bool tensor
 */
export function any(a: Tensor, dim?: Dims, options: ReduceOptions = {}): Tensor {
  return ne(sum(ne(a, 0), dim, options), 0);
}

/** Whether every element (along `dim`) is nonzero; bool. */
export function all(a: Tensor, dim?: Dims, options: ReduceOptions = {}): Tensor {
  return eq(sum(eq(a, 0), dim, options), 0);
}

function extremeValues(op: "amax" | "amin", a: Tensor, dim: Dims | undefined, keepdim: boolean): Tensor {
  const axes = normalizeDims(dim, a.shape, op);
  if (a.numel() === 0 && (dim === undefined || (Array.isArray(dim) && dim.length === 0))) {
    throw new Error(`${op}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`);
  }
  const empty = axes.find((ax) => a.shape[ax] === 0);
  if (empty !== undefined) throw new Error(`${op}(): Expected reduction dim ${empty} to have non-zero size.`);
  const kept = reduceData(op === "amax" ? "max" : "min", a, axes);
  const out = keepdim ? kept : dropDims(kept, axes);
  if (needsGrad(a)) {
    // every element equal to the result shares its gradient (PyTorch's scale_grad_by_count; a NaN result gives NaN)
    record(op === "amax" ? "AmaxBackward0" : "AminBackward0", [a], out, ([g], [x, r]) => {
      const mask = eq(x!, restoreDims(r!, axes, keepdim));
      const gk = restoreDims(g!, axes, keepdim);
      return [mul(div(gk, sum(mask, axes, { keepdim: true })), mask)];
    }, [a, out]);
  }
  return out;
}

/**
 * The largest element over `dim` (a number or list; all elements by
 * default), without indices. Ties share the gradient evenly.
 *
 * @example
 * torch.amax(images, [2, 3]); // the brightest pixel of each image and channel
 */
export function amax(a: Tensor, dim?: Dims, options: ReduceOptions = {}): Tensor {
  return extremeValues("amax", a, dim, options.keepdim ?? false);
}

/** The smallest element over `dim` (all elements by default); ties share the gradient evenly. */
export function amin(a: Tensor, dim?: Dims, options: ReduceOptions = {}): Tensor {
  return extremeValues("amin", a, dim, options.keepdim ?? false);
}

/**
 * The p-norm over `dim` (all elements by default), as torch.linalg.vector_norm:
 * p = 2 (default), 1, Infinity (the largest magnitude), -Infinity (the
 * smallest), 0 (the number of nonzeros) or any other p, negative included.
 * The gradient is PyTorch's: 0 where the norm is 0, and where an element is 0
 * for p < 1; at the infinity norms, ties share it.
 *
 * @example
 * const n = torch.norm(grad); // Euclidean length of all elements
 */
export function norm(a: Tensor, p = 2, dim?: Dims, options: ReduceOptions = {}): Tensor {
  if (a.dtype === "int32" || a.dtype === "bool") throw new Error(`norm(): input dtype should be either floating point or complex. Got ${a.dtype === "int32" ? "Int" : "Bool"} instead.`);
  if (Number.isNaN(p)) throw new Error("norm: p must be a number, got NaN");
  const axes = normalizeDims(dim, a.shape, "norm");
  const keepdim = options.keepdim ?? false;
  if ((p < 0 || p === Infinity) && axes.some((ax) => a.shape[ax] === 0)) {
    throw new Error(`linalg.vector_norm cannot compute the ${p === Infinity ? "inf" : p === -Infinity ? "-inf" : String(p)} norm on an empty tensor because the operation does not have an identity`);
  }
  const magnitude = unaryData("abs", a);
  let kept: Tensor;
  if (p === 0) kept = castData(reduceData("sum", binaryData("ne", a, 0, "norm"), axes), a.dtype);
  else if (p === Infinity || p === -Infinity) kept = reduceData(p > 0 ? "max" : "min", magnitude, axes);
  else if (p === 1) kept = reduceData("sum", magnitude, axes);
  else if (p === 2) kept = unaryData("sqrt", reduceData("sum", binaryData("mul", a, a, "norm"), axes));
  else kept = binaryData("pow", reduceData("sum", binaryData("pow", magnitude, p, "norm"), axes), 1 / p, "norm");
  const out = keepdim ? kept : dropDims(kept, axes);
  if (needsGrad(a)) {
    const keptShape = kept.shape;
    record("LinalgVectorNormBackward0", [a], out, ([g], [x, r]) => {
      const gk = reshape(g!, keptShape), rk = reshape(r!, keptShape);
      return [normBackward(p, gk, x!, rk, axes)];
    }, [a, out]);
  }
  return out;
}

/** PyTorch's norm_backward: the gradient of the p-norm `r` of `x` (reduced dims kept) for the incoming `g`. */
function normBackward(p: number, g: Tensor, x: Tensor, r: Tensor, axes: readonly number[]): Tensor | null {
  if (p === 0) return null; // piecewise constant: PyTorch returns no gradient
  if (p === 1) return mul(sign(x), g);
  if (p === 2) return mul(x, where(eq(r, 0), 0, div(g, r)));
  const magnitude = abs(x);
  if (p === Infinity || p === -Infinity) {
    // the elements at the extreme (or NaN) share the gradient
    const mask = logicalOr(eq(magnitude, r), isnan(magnitude));
    return mul(sign(x), mul(div(g, sum(mask, axes, { keepdim: true })), mask));
  }
  if (p < 1) return mul(mul(sign(x), where(eq(x, 0), 0, pow(magnitude, p - 1))), mul(g, pow(r, 1 - p)));
  const scale = where(eq(r, 0), 0, div(g, pow(r, p - 1)));
  return mul(p < 2 ? mul(sign(x), pow(magnitude, p - 1)) : mul(x, pow(magnitude, p - 2)), scale);
}

/** `sum` that treats NaN as 0. */
export function nansum(a: Tensor, dim?: Dims, options: ReduceOptions = {}): Tensor {
  return sum(where(isnan(a), 0, a), dim, options);
}

/** `mean` over the elements that are not NaN (NaN where all are). */
export function nanmean(a: Tensor, dim?: Dims, options: ReduceOptions = {}): Tensor {
  if (a.dtype === "int32" || a.dtype === "bool") throw new Error(`nanmean(): expected input to have floating point or complex dtype but got ${a.dtype === "int32" ? "Int" : "Bool"}`);
  // eq(a, a) is false exactly at NaN: the count of the rest
  return div(nansum(a, dim, options), sum(eq(a, a), dim, options));
}
