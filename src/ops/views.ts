import type { Tensor } from "../tensor/tensor.js";
import { normalizeDim } from "../tensor/tensor.js";
import { contiguousStrides, empty, emptyUninitialized, kernels, makeView, needsGrad, numelOf, record, relayout, shapeStr } from "./core.js";
// reduce.ts imports this module too; the cycle is safe because neither calls the other while loading.
import { sum } from "./reduce.js";

/** Resolves a single -1 in a requested shape; PyTorch's messages for impossible shapes. */
export function inferShape(shape: readonly number[], numel: number, op: string): number[] {
  const out = [...shape];
  let infer = -1, known = 1;
  out.forEach((d, i) => {
    if (!Number.isInteger(d)) throw new TypeError(`${op}(): argument 'shape' must be tuple of ints, but found element of type ${typeof d === "number" ? "float" : typeof d} at pos ${i}`);
    if (d === -1) {
      if (infer >= 0) throw new Error("only one dimension can be inferred");
      infer = i;
    } else if (d < 0) {
      throw new Error(`invalid shape dimension ${d}`);
    } else known *= d;
  });
  if (infer >= 0) {
    // with no elements and a zero among the given sizes, any size fits the -1
    if (known === 0 && numel === 0) {
      throw new Error(`cannot reshape tensor of 0 elements into shape ${shapeStr(shape)} because the unspecified dimension size -1 can be any value and is ambiguous`);
    }
    if (known === 0 || numel % known !== 0) throw new Error(`shape '${shapeStr(shape)}' is invalid for input of size ${numel}`);
    out[infer] = numel / known;
  } else if (known !== numel) {
    throw new Error(`shape '${shapeStr(shape)}' is invalid for input of size ${numel}`);
  }
  return out;
}

/** Strides for viewing `t` as `shape` without copying, or null when a copy is needed. */
function viewStrides(t: Tensor, shape: readonly number[]): number[] | null {
  if (t.isContiguous()) return contiguousStrides(shape);
  // Merge/split runs of dims that are contiguous with each other (PyTorch's computeStride).
  const oldShape = t.shape, oldStrides = t.strides;
  const newStrides = new Array<number>(shape.length);
  let viewD = shape.length - 1;
  let chunkBase = oldStrides[oldStrides.length - 1] ?? 1;
  let tensorNumel = 1, viewNumel = 1;
  for (let d = oldShape.length - 1; d >= 0; d--) {
    tensorNumel *= oldShape[d]!;
    if (d === 0 || (oldShape[d - 1] !== 1 && oldStrides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || shape[viewD] === 1)) {
        newStrides[viewD] = viewNumel * chunkBase;
        viewNumel *= shape[viewD]!;
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = oldStrides[d - 1]!;
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return null;
  return newStrides;
}

/** A view with a new shape; throws when the layout can't be viewed (use reshape). */
export function view(a: Tensor, shape: readonly number[]): Tensor {
  const target = inferShape(shape, a.numel(), "view");
  const strides = viewStrides(a, target);
  if (strides === null) {
    throw new Error(
      "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.",
    );
  }
  return viewAs(a, target, strides);
}

function viewAs(a: Tensor, shape: number[], strides: number[]): Tensor {
  const out = makeView(a, shape, strides, a.offset);
  // view closures capture shapes, never tensors: the node must not keep its input's storage alive
  const inShape = a.shape;
  if (needsGrad(a)) record("ViewBackward0", [a], out, ([g]) => [reshape(g!, inShape)]);
  return out;
}

/** Like view, but copies when the layout can't be viewed. */
export function reshape(a: Tensor, shape: readonly number[]): Tensor {
  const target = inferShape(shape, a.numel(), "reshape");
  const strides = viewStrides(a, target);
  if (strides !== null) return viewAs(a, target, strides);
  return view(contiguous(a), target);
}

/**
 * PyTorch's `_unsafe_view`: `a` (an op's fresh contiguous result, seen by no one else) with a new shape,
 * sharing its memory but not a view in autograd's sense (so `detach_()` and in-place ops treat it as
 * the op's own output, as PyTorch's matmul result). `name` is the node's name.
 */
export function unsafeView(a: Tensor, shape: readonly number[], name = "UnsafeViewBackward0"): Tensor {
  if (!a.isContiguous()) return reshape(a, shape);
  const out = relayout(a, shape, contiguousStrides(shape), a.offset);
  const inShape = a.shape;
  if (needsGrad(a)) record(name, [a], out, ([g]) => [reshape(g!, inShape)]);
  return out;
}

/** A contiguous tensor with the same values: `a` itself when already contiguous. */
export function contiguous(a: Tensor): Tensor {
  return a.isContiguous() ? a : clone(a);
}

/** A copy with its own storage; gradients flow through unchanged. */
export function clone(a: Tensor): Tensor {
  const out = emptyUninitialized(a.shape, a.dtype);
  kernels().copy(out, a);
  if (needsGrad(a)) record("CloneBackward0", [a], out, ([g]) => [g!]);
  return out;
}

export function transpose(a: Tensor, dim0: number, dim1: number): Tensor {
  const n = a.shape.length;
  const d0 = normalizeDim(dim0, n, "transpose", a.shape), d1 = normalizeDim(dim1, n, "transpose", a.shape);
  if (n === 0) return viewLike(a);
  const shape = [...a.shape], strides = [...a.strides];
  [shape[d0], shape[d1]] = [shape[d1]!, shape[d0]!];
  [strides[d0], strides[d1]] = [strides[d1]!, strides[d0]!];
  const out = makeView(a, shape, strides, a.offset);
  if (needsGrad(a)) record("TransposeBackward0", [a], out, ([g]) => [transpose(g!, d0, d1)]);
  return out;
}

function viewLike(a: Tensor): Tensor {
  return viewAs(a, [...a.shape], [...a.strides]);
}

/** The 2-d transpose; PyTorch's `t()`. */
export function t(a: Tensor): Tensor {
  if (a.shape.length > 2) throw new Error(`t() expects a tensor with <= 2 dimensions, but self is ${a.shape.length}D`);
  if (a.shape.length < 2) return viewLike(a);
  const out = makeView(a, [a.shape[1]!, a.shape[0]!], [a.strides[1]!, a.strides[0]!], a.offset);
  if (needsGrad(a)) record("TBackward0", [a], out, ([g]) => [t(g!)]);
  return out;
}

export function permute(a: Tensor, dims: readonly number[]): Tensor {
  const n = a.shape.length;
  if (dims.length !== n) {
    throw new Error(`permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${n} is not equal to len(dims) = ${dims.length}`);
  }
  // arrow functions mention shapes, not `a` (V8 would keep `a` alive in the backward closure's context)
  const shape = a.shape, strides = a.strides;
  const norm = dims.map((d) => normalizeDim(d, n, "permute", shape));
  if (new Set(norm).size !== n) throw new Error("permute(): duplicate dims are not allowed.");
  const out = makeView(a, norm.map((d) => shape[d]!), norm.map((d) => strides[d]!), a.offset);
  if (needsGrad(a)) {
    const inverse = new Array<number>(n);
    norm.forEach((d, i) => (inverse[d] = i));
    record("PermuteBackward0", [a], out, ([g]) => [permute(g!, inverse)]);
  }
  return out;
}

export function unsqueeze(a: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, a.shape.length + 1, "unsqueeze", a.shape);
  const shape = [...a.shape], strides = [...a.strides];
  shape.splice(d, 0, 1);
  strides.splice(d, 0, d < a.shape.length ? a.strides[d]! * a.shape[d]! : 1);
  const out = makeView(a, shape, strides, a.offset);
  if (needsGrad(a)) record("UnsqueezeBackward0", [a], out, ([g]) => [squeeze(g!, d)]);
  return out;
}

/**
 * Removes size-1 dims: all of them, the given one, or (as PyTorch 2.x) those
 * of a list of dims that have size 1; the others stay. A view.
 */
export function squeeze(a: Tensor, dim?: number | readonly number[]): Tensor {
  const shape = a.shape, strides = a.strides; // arrow functions below must not mention `a`
  let drop: number[];
  if (dim === undefined) drop = shape.map((_, i) => i);
  else {
    drop = (typeof dim === "number" ? [dim] : dim).map((d) => normalizeDim(d, shape.length, "squeeze", shape));
    const repeated = drop.find((d, i) => drop.indexOf(d) !== i);
    if (repeated !== undefined) throw new Error(`dim ${repeated} appears multiple times in the list of dims`);
  }
  const keep = shape.map((_, i) => i).filter((i) => !drop.includes(i) || shape[i] !== 1);
  const out = makeView(a, keep.map((i) => shape[i]!), keep.map((i) => strides[i]!), a.offset);
  const inShape = a.shape;
  // PyTorch's node per overload: squeeze(), squeeze(dim), squeeze(dims)
  const name = dim === undefined ? "SqueezeBackward0" : typeof dim === "number" ? "SqueezeBackward1" : "SqueezeBackward2";
  if (needsGrad(a)) record(name, [a], out, ([g]) => [reshape(g!, inShape)]);
  return out;
}

export function flatten(a: Tensor, startDim = 0, endDim = -1): Tensor {
  if (a.shape.length === 0) {
    normalizeDim(startDim, 0, "flatten", a.shape);
    normalizeDim(endDim, 0, "flatten", a.shape);
    return reshape(a, [1]);
  }
  const s = normalizeDim(startDim, a.shape.length, "flatten", a.shape), e = normalizeDim(endDim, a.shape.length, "flatten", a.shape);
  if (s > e) throw new Error("flatten() has invalid args: start_dim cannot come after end_dim");
  // nothing to merge: PyTorch returns the input itself (a leaf stays a leaf), not a view of it
  if (s === e) return a;
  const shape = [...a.shape.slice(0, s), numelOf(a.shape.slice(s, e + 1)), ...a.shape.slice(e + 1)];
  return reshape(a, shape);
}

/** Broadcasts size-1 dims to `shape` without copying (-1 keeps a dim). */
export function expand(a: Tensor, shape: readonly number[]): Tensor {
  const nd = shape.length, ad = a.shape.length;
  if (nd < ad) {
    throw new Error(`expand(${shapeStr(a.shape)}, size=${shapeStr(shape)}): the number of sizes provided (${nd}) must be greater or equal to the number of dimensions in the tensor (${ad})`);
  }
  for (const [i, d] of shape.entries()) {
    if (!Number.isInteger(d)) throw new TypeError(`expand(): argument 'size' must be tuple of ints, but found element of type ${typeof d === "number" ? "float" : typeof d} at pos ${i}`);
    if (d < -1) throw new Error(`Trying to create tensor with negative dimension ${d}: ${shapeStr(shape)}`);
  }
  const outShape = new Array<number>(nd), strides = new Array<number>(nd);
  for (let i = 0; i < nd; i++) {
    const j = i - (nd - ad);
    const want = shape[i]!;
    if (j < 0) {
      if (want < 0) throw new Error(`The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension ${i}`);
      outShape[i] = want;
      strides[i] = 0;
      continue;
    }
    const have = a.shape[j]!;
    if (want === -1 || want === have) {
      outShape[i] = have;
      strides[i] = a.strides[j]!;
    } else if (have === 1) {
      outShape[i] = want;
      strides[i] = 0;
    } else {
      throw new Error(
        `The expanded size of the tensor (${want}) must match the existing size (${have}) at non-singleton dimension ${i}.  Target sizes: ${shapeStr(shape)}.  Tensor sizes: ${shapeStr(a.shape)}`,
      );
    }
  }
  const out = makeView(a, outShape, strides, a.offset);
  const inShape = a.shape;
  if (needsGrad(a)) record("ExpandBackward0", [a], out, ([g]) => [sumToShape(g!, inShape)]);
  return out;
}

/** Sums a broadcast gradient back to `shape` (the inverse of broadcasting). Differentiable. */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  const lead = g.shape.length - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.shape.length; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  if (axes.length === 0) return g.shape.length === shape.length ? g : reshape(g, shape);
  return reshape(sum(g, axes, { keepdim: true }), shape);
}

/**
 * The elements of contiguous `t` at `offset + sum(i_k * strides[k])` as a view
 * of `shape` (PyTorch's as_strided, offset relative to `t`). Differentiable.
 */
export function asStrided(t: Tensor, shape: readonly number[], strides: readonly number[], offset: number): Tensor {
  const src = contiguous(t);
  const out = makeView(src, shape, strides, src.offset + offset);
  const srcShape = src.shape;
  if (needsGrad(src)) record("AsStridedBackward0", [src], out, ([g]) => [asStridedScatter(g!, srcShape, shape, strides, offset)]);
  return out;
}

/** Zeros of `baseShape` with `g` written at the strided positions (the backward of asStrided). Differentiable. */
export function asStridedScatter(g: Tensor, baseShape: readonly number[], shape: readonly number[], strides: readonly number[], offset: number): Tensor {
  const out = empty(baseShape, g.dtype);
  kernels().copy(makeView(out, shape, strides, offset), g);
  if (needsGrad(g)) record("AsStridedScatterBackward0", [g], out, ([gg]) => [asStrided(gg!, shape, strides, offset)]);
  return out;
}

/** `length` elements of `dim` from `start`: a view. */
export function narrow(a: Tensor, dim: number, start: number, length: number): Tensor {
  if (a.shape.length === 0) throw new Error("narrow() cannot be applied to a 0-dim tensor.");
  const d = normalizeDim(dim, a.shape.length, "narrow", a.shape);
  const size = a.shape[d]!;
  if (!Number.isInteger(start) || !Number.isInteger(length)) {
    throw new Error(`narrow(): arguments 'start' and 'length' must be int, not float (got ${start} and ${length}; input of shape ${shapeStr(a.shape)})`);
  }
  const s = start < 0 ? start + size : start;
  if (s < 0 || s > size) throw new Error(`start out of range (expected to be in range of [${-size}, ${size}], but got ${start})`);
  if (length < 0 || s + length > size) throw new Error(`start (${s}) + length (${length}) exceeds dimension size (${size}).`);
  const shape = [...a.shape];
  shape[d] = length;
  const out = makeView(a, shape, a.strides, a.offset + s * a.strides[d]!);
  const inShape = a.shape;
  if (needsGrad(a)) record("SliceBackward0", [a], out, ([g]) => [sliceBackward(g!, inShape, d, s)]);
  return out;
}

/**
 * Places `g` at `start`, `start + step`, ... along `dim` of zeros of `shape`
 * (the backward of narrow and slice). Differentiable.
 */
export function sliceBackward(g: Tensor, shape: readonly number[], dim: number, start: number, step = 1): Tensor {
  const out = empty(shape, g.dtype);
  const strides = [...out.strides];
  strides[dim]! *= step;
  const region = makeView(out, g.shape, strides, start * out.strides[dim]!);
  kernels().copy(region, g);
  const length = g.shape[dim]!;
  if (needsGrad(g)) {
    record("SliceBackwardBackward0", [g], out, ([gg]) => [step === 1 ? narrow(gg!, dim, start, length) : slice(gg!, dim, start, start + length * step, step)]);
  }
  return out;
}

/**
 * The elements `start`, `start + step`, ... before `stop` along `dim`: a view
 * (PyTorch's `x[start:stop:step]` on one dim). As in Python, a negative bound
 * counts from the end, a bound out of range is clamped, and null means the
 * dim's start or end; the step must be positive, as PyTorch requires.
 */
export function slice(a: Tensor, dim: number, start: number | null, stop: number | null, step = 1): Tensor {
  if (a.shape.length === 0) throw new Error("slice() cannot be applied to a 0-dim tensor.");
  const d = normalizeDim(dim, a.shape.length, "slice", a.shape);
  for (const [v, name] of [[start, "start"], [stop, "stop"], [step, "step"]] as const) {
    if (v !== null && !Number.isInteger(v)) throw new Error(`slice(): argument '${name}' must be int, not float (got ${v})`);
  }
  if (step === 0) throw new Error("slice step cannot be zero");
  if (step < 0) throw new Error("step must be greater than zero");
  const size = a.shape[d]!;
  const bound = (b: number | null, absent: number) => (b === null ? absent : Math.min(Math.max(b < 0 ? b + size : b, 0), size));
  const s = bound(start, 0), e = bound(stop, size);
  const shape = [...a.shape], strides = [...a.strides];
  shape[d] = e > s ? Math.ceil((e - s) / step) : 0;
  strides[d]! *= step;
  const out = makeView(a, shape, strides, a.offset + s * a.strides[d]!);
  const inShape = a.shape;
  if (needsGrad(a)) record("SliceBackward0", [a], out, ([g]) => [sliceBackward(g!, inShape, d, s, step)]);
  return out;
}

/** The `index`-th slice along `dim`, removing that dim: a view. */
export function select(a: Tensor, dim: number, index: number): Tensor {
  if (a.shape.length === 0) throw new Error("select() cannot be applied to a 0-dim tensor.");
  const d = normalizeDim(dim, a.shape.length, "select", a.shape);
  const size = a.shape[d]!;
  if (!Number.isInteger(index)) throw new Error(`select(): argument 'index' must be int, not float (got ${index}; input of shape ${shapeStr(a.shape)})`);
  if (index < -size || index >= size) {
    throw new Error(`select(): index ${index} out of range for tensor of size ${shapeStr(a.shape)} at dimension ${d}`);
  }
  const i = index < 0 ? index + size : index;
  const shape = [...a.shape], strides = [...a.strides];
  shape.splice(d, 1);
  strides.splice(d, 1);
  const out = makeView(a, shape, strides, a.offset + i * a.strides[d]!);
  const inShape = a.shape;
  if (needsGrad(a)) record("SelectBackward0", [a], out, ([g]) => [sliceBackward(unsqueeze(g!, d), inShape, d, i)]);
  return out;
}

/**
 * `a` tiled `sizes[i]` times along each dim (leading extra sizes add dims),
 * as PyTorch's `Tensor.repeat`: an expand over a new axis before each dim,
 * then a reshape, so the gradient sums the copies.
 *
 * @example
 * torch.tensor([1, 2]).repeat([2, 2]); // [[1, 2, 1, 2], [1, 2, 1, 2]]
 */
export function repeat(a: Tensor, sizes: readonly number[]): Tensor {
  if (sizes.length < a.shape.length) {
    throw new Error(`Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor (repeat: sizes [${sizes.join(", ")}], tensor ${shapeStr(a.shape)})`);
  }
  if (sizes.some((r) => !Number.isInteger(r) || r < 0)) throw new Error(`Trying to create tensor with negative dimension: repeat sizes [${sizes.join(", ")}]`);
  const shape = [...new Array<number>(sizes.length - a.shape.length).fill(1), ...a.shape];
  const expanded = expand(reshape(a, shape.flatMap((s) => [1, s])), shape.flatMap((s, i) => [sizes[i]!, s]));
  // copied first, as PyTorch's repeat always copies: a reshape alone can stay a (stride-0) view of `a`
  return reshape(clone(expanded), shape.map((s, i) => s * sizes[i]!));
}
