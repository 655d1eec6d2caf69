/**
 * NumPy-style splitting and joining: tensorSplit and hsplit / vsplit / dsplit
 * (views, made by narrow and slice), atleast1d / 2d / 3d (views), and
 * hstack / vstack / dstack / columnStack (a cat of those). Gradients come
 * from the views and cat.
 */
import type { Tensor } from "../tensor/tensor.js";
import { normalizeDim } from "../tensor/tensor.js";
import { scalarTypeName } from "../tensor/dtype.js";
import { cat } from "./indexing.js";
import { narrow, reshape, slice, unsqueeze } from "./views.js";

/**
 * Splits along `dim` into `sections` nearly equal views (the first
 * `size % sections` one longer), or at a list of indices (`[2, 5]` gives
 * `[:2]`, `[2:5]`, `[5:]`; indices wrap and clamp as Python slices, so
 * pieces may be empty), as torch.tensor_split. A 0-d int32 tensor counts as
 * a number of sections, a 1-d one as indices.
 *
 * @example
 * torch.tensorSplit(torch.arange(7), 3).map((t) => t.tolist()); // [[0, 1, 2], [3, 4], [5, 6]]
 */
export function tensorSplit(a: Tensor, sectionsOrIndices: number | readonly number[] | Tensor, dim = 0): Tensor[] {
  if (a.dim() === 0) throw new Error(`tensor_split expected at least a 1-dimensional tensor, but got a tensor with ${a.dim()} dims`);
  let split = sectionsOrIndices;
  if (typeof split === "object" && !Array.isArray(split)) {
    const t = split as Tensor;
    if (t.dtype !== "int32") throw new Error(`tensor_split expected tensor_indices_or_sections to have dtype of long, but got ${scalarTypeName(t.dtype)} (torchlet's integer dtype is int32)`);
    if (t.dim() > 1) throw new Error(`tensor_split expected tensor_indices_or_sections to be a zero-dimensional or one-dimensional tensor, but got a tensor with ${t.dim()} dims`);
    split = t.dim() === 0 ? t.item() : Array.from(t.toArray());
  }
  const d = normalizeDim(dim, a.dim(), "tensor_split", a.shape);
  if (typeof split === "number") {
    if (!Number.isInteger(split) || split <= 0) throw new Error(`number of sections must be larger than 0, got ${split}`);
    const size = a.shape[d]!, base = Math.floor(size / split), longer = size % split;
    let at = 0;
    return Array.from({ length: split }, (_, i) => {
      const length = base + (i < longer ? 1 : 0);
      return narrow(a, d, (at += length) - length, length);
    });
  }
  const bounds = split as readonly number[];
  return [...bounds, null].map((end, i) => slice(a, d, i === 0 ? 0 : bounds[i - 1]!, end));
}

/** tensorSplit along `dim`, where a number of sections must divide the dim (hsplit / vsplit / dsplit). */
function splitAlong(name: string, a: Tensor, minDims: number, dim: number, sectionsOrIndices: number | readonly number[]): Tensor[] {
  if (a.dim() < minDims) throw new Error(`torch.${name} requires a tensor with at least ${minDims} dimension, but got a tensor with ${a.dim()} dimensions!`);
  const size = a.shape[dim]!;
  if (typeof sectionsOrIndices === "number" && (sectionsOrIndices === 0 || size % sectionsOrIndices !== 0)) {
    throw new Error(`torch.${name} attempted to split along dimension ${dim}, but the size of the dimension ${size} is not divisible by the split_size ${sectionsOrIndices}!`);
  }
  return tensorSplit(a, sectionsOrIndices, dim);
}

/** Splits columns (dim 1; dim 0 of a 1-d tensor) into equal sections or at indices, as torch.hsplit. */
export function hsplit(a: Tensor, sectionsOrIndices: number | readonly number[]): Tensor[] {
  return splitAlong("hsplit", a, 1, a.dim() === 1 ? 0 : 1, sectionsOrIndices);
}

/** Splits rows (dim 0) into equal sections or at indices, as torch.vsplit. */
export function vsplit(a: Tensor, sectionsOrIndices: number | readonly number[]): Tensor[] {
  return splitAlong("vsplit", a, 2, 0, sectionsOrIndices);
}

/** Splits along depth (dim 2) into equal sections or at indices, as torch.dsplit. */
export function dsplit(a: Tensor, sectionsOrIndices: number | readonly number[]): Tensor[] {
  return splitAlong("dsplit", a, 3, 2, sectionsOrIndices);
}

/** One tensor gives one result, a list or several tensors a list, as PyTorch's atleast_*d. */
function eachOf(grow: (t: Tensor) => Tensor, first: Tensor | readonly Tensor[], rest: Tensor[]): Tensor | Tensor[] {
  if (Array.isArray(first)) return (first as readonly Tensor[]).map(grow);
  return rest.length === 0 ? grow(first as Tensor) : [first as Tensor, ...rest].map(grow);
}

/** Tensors with at least one dim: a 0-d tensor becomes shape [1] (a view); others are returned as they are. */
export function atleast1d(t: Tensor): Tensor;
export function atleast1d(tensors: readonly Tensor[]): Tensor[];
export function atleast1d(first: Tensor, ...rest: Tensor[]): Tensor[];
export function atleast1d(first: Tensor | readonly Tensor[], ...rest: Tensor[]): Tensor | Tensor[] {
  return eachOf((t) => (t.dim() === 0 ? reshape(t, [1]) : t), first, rest);
}

/** Tensors with at least two dims: 0-d becomes [1, 1], shape [n] becomes [1, n] (views). */
export function atleast2d(t: Tensor): Tensor;
export function atleast2d(tensors: readonly Tensor[]): Tensor[];
export function atleast2d(first: Tensor, ...rest: Tensor[]): Tensor[];
export function atleast2d(first: Tensor | readonly Tensor[], ...rest: Tensor[]): Tensor | Tensor[] {
  return eachOf((t) => (t.dim() === 0 ? reshape(t, [1, 1]) : t.dim() === 1 ? unsqueeze(t, 0) : t), first, rest);
}

/** Tensors with at least three dims: 0-d becomes [1, 1, 1], [n] becomes [1, n, 1], [m, n] becomes [m, n, 1] (views). */
export function atleast3d(t: Tensor): Tensor;
export function atleast3d(tensors: readonly Tensor[]): Tensor[];
export function atleast3d(first: Tensor, ...rest: Tensor[]): Tensor[];
export function atleast3d(first: Tensor | readonly Tensor[], ...rest: Tensor[]): Tensor | Tensor[] {
  const grow = (t: Tensor) => (t.dim() === 0 ? reshape(t, [1, 1, 1]) : t.dim() === 1 ? unsqueeze(unsqueeze(t, 0), -1) : t.dim() === 2 ? unsqueeze(t, -1) : t);
  return eachOf(grow, first, rest);
}

function nonEmpty(tensors: readonly Tensor[], name: string): void {
  if (tensors.length === 0) throw new Error(`${name} expects a non-empty TensorList`);
}

/** Joins along columns: 1-d tensors (0-d as [1]) end to end, others along dim 1, as torch.hstack. */
export function hstack(tensors: readonly Tensor[]): Tensor {
  nonEmpty(tensors, "hstack");
  const parts = atleast1d(tensors);
  return cat(parts, parts[0]!.dim() === 1 ? 0 : 1);
}

/** Joins along rows (dim 0), 0-d and 1-d tensors as rows, as torch.vstack. */
export function vstack(tensors: readonly Tensor[]): Tensor {
  nonEmpty(tensors, "vstack");
  return cat(atleast2d(tensors), 0);
}

/** Joins along depth (dim 2), after atleast3d, as torch.dstack. */
export function dstack(tensors: readonly Tensor[]): Tensor {
  nonEmpty(tensors, "dstack");
  return cat(atleast3d(tensors), 2);
}

/** Joins 0-d and 1-d tensors as columns (and others along dim 1), as torch.column_stack. */
export function columnStack(tensors: readonly Tensor[]): Tensor {
  nonEmpty(tensors, "column_stack");
  return hstack(tensors.map((t) => (t.dim() <= 1 ? reshape(t, [t.numel(), 1]) : t)));
}
