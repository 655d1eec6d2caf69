import { isInferenceModeEnabled, isRecording } from "../autograd/grad-mode.js";
import { nextNodeSequenceNr } from "../autograd/node.js";
import type { Strided } from "../backend/backend.js";
import { type DType, isFloating, scalarTypeName } from "../tensor/dtype.js";
import { hasRepeatedElements, sameShape } from "../tensor/layout.js";
import { setViewGradFnRefresher, type Tensor } from "../tensor/tensor.js";
import { broadcastShapes, broadcastView, castData, empty, kernels, moveRetained, record, shapeStr } from "./core.js";
import { emptyLike, onesLike, zerosLike } from "./factories.js";
import { asStrided, asStridedScatter } from "./views.js";
import { checkClampScalarCast } from "./clamp-cast-check.js";
import { checkInplaceGraph, VIEW_DEFAULT, viewRebaseError } from "./view-meta.js";
import { checkNoPartialOverlap } from "./mem-overlap.js";
import { add, clamp, div, mul, relu, scalarStrided, sub, toDtype, type Operand, where } from "./elementwise.js";


/**
 * A view whose base (or a sibling view) was changed in place since its
 * gradFn was made: its gradFn becomes an as_strided view of the base's
 * current value (PyTorch regenerates it the same way). A leaf base is
 * reached the same way by the old gradFn, so that stays.
 */
function refreshViewGradFn(view: Tensor): void {
  const base = view._base!;
  // (PyTorch's grad_fn getter: a view outside any graph, of a base outside any graph, stays as it is)
  if (view._gradFn === null && !base.requiresGrad) return;
  if (view._creationMeta !== VIEW_DEFAULT) throw viewRebaseError(view, true);
  view._viewVersion = view.storage.version;
  if (base.gradFn === null || !base.isContiguous() || hasRepeatedElements(view)) return;
  recordViewOfBase(view, base);
}
setViewGradFnRefresher(refreshViewGradFn);

/** Gives `view` an AsStridedBackward0 node from `base`'s current value, up to date with the storage's version. */
export function recordViewOfBase(view: Tensor, base: Tensor): void {
  // (the arrow mentions copies only: V8 would keep what it mentions alive with the node)
  const shape = [...view.shape], strides = [...view.strides], offset = view.offset - base.offset, baseShape = base.shape;
  record("AsStridedBackward0", [base], view, ([g]) => [asStridedScatter(g!, baseShape, shape, strides, offset)]);
  view._viewVersion = view.storage.version;
}

/**
 * The checks every in-place op makes before writing (API rules 8 and 11).
 * `requiresGrad`: whether self or another input of the op requires grad;
 * `allowOverlap`: the op may write a tensor whose elements share memory (tril_ / triu_ only write zeros).
 */
export function checkInplace(self: Tensor, requiresGrad: boolean, allowOverlap = false): void {
  // (an uninitialized parameter names the op before any in-place rule, as PyTorch's __torch_function__ comes first)
  void self.shape;
  if (self._inference && !isInferenceModeEnabled()) {
    throw new Error(
      "Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone to get a normal tensor before doing inplace update.See https://github.com/pytorch/rfcs/pull/17 for more details.",
    );
  }
  checkInplaceGraph(self, requiresGrad);
  if (!allowOverlap && hasRepeatedElements(self)) {
    throw new Error("unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.");
  }
}

/** Writes `values` into `self` (broadcasting into self's shape), bumping the version counter. */
function writeInto(self: Tensor, values: Tensor, op: string, convert: boolean): void {
  const shape = broadcastShapes(self.shape, values.shape, op);
  if (shape.length !== self.shape.length || shape.some((d, i) => d !== self.shape[i])) {
    throw new Error(`output with shape ${shapeStr(self.shape)} doesn't match the broadcast shape ${shapeStr(shape)} (${op})`);
  }
  // PyTorch's can_cast: no float result into an integer tensor, no number result into a bool tensor
  if (!convert && ((isFloating(values.dtype) && !isFloating(self.dtype)) || (values.dtype !== "bool" && self.dtype === "bool"))) {
    throw new Error(`result type ${scalarTypeName(values.dtype)} can't be cast to the desired output type ${scalarTypeName(self.dtype)} (${op})`);
  }
  kernels().copy(self, broadcastView(values, self.shape));
  self.storage.version++;
}

/**
 * Runs an in-place op as "compute out of place, then write back". When the op
 * must be recorded, it runs on a copy of `self`'s old value that stands in for
 * `self` in the graph (same grad_fn edge, no extra node), so saved tensors keep
 * the value before the write and next_functions read as PyTorch's; `self` then
 * takes over the result's grad_fn. `allowOverlap`: the op may write an
 * expanded `self` (fill_, zero_).
 */
export function inplace(
  self: Tensor,
  op: string,
  others: readonly (Tensor | null)[],
  compute: (old: Tensor) => Tensor,
  convert = false,
  allowOverlap = false,
): Tensor {
  // (copy_ alone asks whether self's dtype is differentiable first, as PyTorch's hand-written copy_: copying into an integer or
  // bool view made in no_grad mode or by split is allowed, where add_ into it is not)
  const requiresGrad = (op !== "copy_" || isFloating(self.dtype)) && (self.requiresGrad || others.some((o) => o !== null && o.requiresGrad));
  checkInplace(self, requiresGrad, allowOverlap);
  // (before the op's shape and dtype errors, as TensorIterator's compute_mem_overlaps)
  // (index_fill_ reads a tensor value as a number first, PyTorch's value.item(), so that one is never an overlap;
  // masked_scatter_ checks none for its source)
  checkNoPartialOverlap(self, op === "index_fill_" || op === "masked_scatter_" ? [] : others);
  // an integer or bool tensor never joins a graph (only floating tensors require grad, as in PyTorch):
  // copy_ of a float that requires grad into an int32 tensor records nothing
  const recording = isFloating(self.dtype) && requiresGrad && isRecording();
  if (!recording) {
    writeInto(self, compute(self), op, convert);
    return self;
  }
  if (self._base !== null) return inplaceOnView(self, self._base, op, compute, convert);
  const firstNode = nextNodeSequenceNr();
  const result = compute(oldValue(self));
  writeInto(self, result, op, convert);
  resaveResult(result, self, firstNode);
  if (self._retainsGrad && result.gradFn !== null) moveRetained(self, result.gradFn, result.outputNr);
  self.gradFn = result.gradFn;
  self.outputNr = result.outputNr;
  self._requiresGrad = result._requiresGrad;
  return self;
}

/**
 * A recorded in-place op on a view: the base's values change too, so the base
 * gets a CopySlices node (as in PyTorch) whose backward passes the base's
 * gradient outside the view to the base's old value, and the part inside it to
 * the op's result, through which it reaches the view's old value and the op's
 * other inputs. The view becomes an as_strided view of the new base.
 */
function inplaceOnView(self: Tensor, base: Tensor, op: string, compute: (old: Tensor) => Tensor, convert: boolean): Tensor {
  const shape = [...self.shape], strides = [...self.strides], offset = self.offset - base.offset;
  // (the arrow mentions copies, not `self`: V8 would keep what it mentions alive for the closures below)
  const overlapping = hasRepeatedElements(self);
  if (!base.isContiguous() || overlapping) {
    throw new Error(`${op}: in-place ops on ${overlapping ? "an expanded view" : "a view of a non-contiguous tensor"} are not supported when recording a graph; use the out-of-place op`);
  }
  const firstNode = nextNodeSequenceNr();
  const result = compute(oldValue(self));
  writeInto(self, result, op, convert);
  resaveResult(result, self, firstNode);
  // where the view sits in the base: 0 inside, 1 outside (a constant)
  const outside = asStridedScatter(onesLike(result), base.shape, shape, strides, offset);
  const keep = outside.data;
  for (let i = 0; i < keep.length; i++) keep[i] = keep[i] ? 0 : 1;
  // (a mask, not a 0/1 factor: the overwritten part's gradient is exactly zero even where the incoming one is NaN or inf, as
  // PyTorch's CopySlices, which writes over it)
  const outsideMask = toDtype(outside, "bool");
  const baseHadGrad = base._requiresGrad;
  record("CopySlices", [base, result], base, ([g]) => [
    baseHadGrad ? where(outsideMask, g!, 0) : null,
    asStrided(g!, shape, strides, offset),
  ]);
  recordViewOfBase(self, base);
  return self;
}

/**
 * Where the op's node saved its output `result`, it now saves `self`, which
 * holds the same values (see Node.resaveOutput). Only a node the op made
 * (sequence number from `firstNode` on): a `result` that is one of the op's
 * inputs belongs to another node.
 */
function resaveResult(result: Tensor, self: Tensor, firstNode: number): void {
  const node = result.gradFn;
  if (node !== null && node.sequenceNr >= firstNode && result.dtype === self.dtype && sameShape(result.shape, self.shape)) {
    node.resaveOutput(result, self);
  }
}

/** A copy of `self`'s values that is `self` as far as autograd is concerned. */
function oldValue(self: Tensor): Tensor {
  const old = castData(self, self.dtype);
  old.gradFn = self.gradFn;
  old.outputNr = self.outputNr;
  old._requiresGrad = self._requiresGrad;
  return old;
}

const other = (x: Operand) => (typeof x === "number" ? null : x);

/** Reads and writes the same elements in the same order, so an elementwise kernel may run on it in place. */
function sameLayout(a: Tensor, b: Tensor): boolean {
  return a.offset === b.offset && a.shape.length === b.shape.length &&
    a.shape.every((d, i) => d === b.shape[i] && (d === 1 || a.strides[i] === b.strides[i]));
}

/**
 * `self op= b` straight into self's memory, without the temporary and the copy
 * of the general path (a 1M-float add_ then costs one pass instead of three
 * and allocates nothing). Only where the result is the same: nothing to
 * record, b's dtype and shape fit self as they are, self has no repeated
 * elements, and b either lies elsewhere or is self itself. Returns false
 * where the general path must run (it also raises the errors).
 */
function binaryDirect(self: Tensor, op: "add" | "sub" | "mul" | "div", b: Operand): boolean {
  if (!directTarget(self)) return false;
  let operand: Strided;
  if (typeof b === "number") {
    operand = scalarStrided(b, self.dtype);
  } else {
    if (b.dtype !== self.dtype || (b.requiresGrad && isRecording())) return false;
    if (b.storage === self.storage && !sameLayout(self, b)) return false;
    operand = b;
  }
  const shape = broadcastShapes(self.shape, operand.shape, `${op}_`);
  if (!sameShape(shape, self.shape)) return false;
  return writeDirect(self, () => kernels().binary(op, self, self, broadcastView(operand, shape)));
}

/** Whether an op may write `self` straight into its memory: a float tensor outside any graph, no element repeated. */
function directTarget(self: Tensor): boolean {
  return (self.dtype === "float32" || self.dtype === "float64") && !(self.requiresGrad && isRecording()) && !hasRepeatedElements(self);
}

/** The in-place checks, `write` into self's memory, and the version bump the general path would make. */
export function writeDirect(self: Tensor, write: () => void): true {
  checkInplace(self, self.requiresGrad);
  write();
  self.storage.version++;
  return true;
}

export const add_ = (self: Tensor, b: Operand, options: { alpha?: number } = {}) =>
  ((options.alpha ?? 1) === 1 && binaryDirect(self, "add", b)) ? self : inplace(self, "add_", [other(b)], (s) => add(s, b, options));
export const sub_ = (self: Tensor, b: Operand, options: { alpha?: number } = {}) =>
  ((options.alpha ?? 1) === 1 && binaryDirect(self, "sub", b)) ? self : inplace(self, "sub_", [other(b)], (s) => sub(s, b, options));
export const mul_ = (self: Tensor, b: Operand) => binaryDirect(self, "mul", b) ? self : inplace(self, "mul_", [other(b)], (s) => mul(s, b));
export const div_ = (self: Tensor, b: Operand) => binaryDirect(self, "div", b) ? self : inplace(self, "div_", [other(b)], (s) => div(s, b));
export const clamp_ = (self: Tensor, min: number | Tensor | null = null, max: number | Tensor | null = null): Tensor => {
  checkClampScalarCast(self, "clamp_", [min, max]);
  return inplace(self, "clamp_", [typeof min === "object" ? min : null, typeof max === "object" ? max : null], (s) => clamp(s, min, max));
};
/** relu_ straight into `self` when nothing is recorded: no temporary. */
function reluDirect(self: Tensor): boolean {
  return directTarget(self) && writeDirect(self, () => kernels().unary("relu", self, self));
}

export const relu_ = (self: Tensor) => {
  if (self.dtype === "bool") throw new Error("Boolean inputs not supported for relu");
  return reluDirect(self) ? self : inplace(self, "relu_", [], (s) => relu(s));
};

/** Copies `src` (broadcast, converted to self's dtype) into `self`; gradients flow to `src`. */
export function copy_(self: Tensor, src: Tensor): Tensor {
  const dtype = self.dtype;
  return inplace(self, "copy_", [src], (old) => copied(old, src, dtype), true);
}

/** PyTorch's CopyBackwards: zeros to the old self, the gradient (in src's dtype) to src. */
function copied(old: Tensor, src: Tensor, dtype: DType): Tensor {
  // src broadcast to self's shape here, not in writeInto: the node's output must have self's shape
  // (a view's CopySlices takes the gradient of exactly that shape)
  const shape = broadcastShapes(old.shape, src.shape, "copy_");
  if (!sameShape(shape, old.shape)) throw new Error(`output with shape ${shapeStr(old.shape)} doesn't match the broadcast shape ${shapeStr(shape)} (copy_)`);
  const out = empty(old.shape, dtype);
  kernels().copy(out, broadcastView(src, old.shape));
  const ga = old._requiresGrad, gs = src._requiresGrad, srcDtype = src.dtype;
  if (ga || gs) record("CopyBackwards", [old, src], out, ([g]) => [ga ? zerosLike(g!) : null, gs ? toDtype(g!, srcDtype) : null]);
  return out;
}

/** Fills with `value`; a zero gradient flows to the old value (PyTorch's FillBackward2). */
export function fill_(self: Tensor, value: number | boolean): Tensor {
  // (an expanded tensor may be filled: every copy of an element gets the same value, so PyTorch's fill_ allows it)
  return overwrite(self, "fill_", "FillBackward2", (t) => kernels().fill(t, Number(value)), true);
}

/** Fills with zeros (ZeroBackward0); an expanded tensor too, as fill_. */
export function zero_(self: Tensor): Tensor {
  return overwrite(self, "zero_", "ZeroBackward0", (t) => kernels().fill(t, 0), true);
}

/**
 * Replaces every value of `self` by what `write` puts into a fresh tensor of
 * its shape. The result no longer depends on the old values, but, as in
 * PyTorch, a tensor in a graph stays in it: a node `name` passes a zero
 * gradient to the old value.
 */
function overwrite(self: Tensor, op: string, name: string, write: (t: Tensor) => void, allowOverlap = false): Tensor {
  return inplace(self, op, [], (old) => {
    const out = emptyLike(old);
    write(out);
    if (old._requiresGrad && isRecording()) record(name, [old], out, ([g]) => [zerosLike(g!)]);
    return out;
  }, true, allowOverlap);
}

