/**
 * The in-place view ops `unsqueeze_`, `squeeze_`, `t_` and `transpose_`:
 * they change the tensor's own shape and strides (no data moves). As in
 * PyTorch they count as in-place ops: they bump the version counter, are
 * refused on a leaf that requires grad (and its views) while recording, and
 * give a tensor in a graph a new grad_fn (UnsqueezeBackward1, ...) whose
 * input is the tensor as it was.
 */
import { isInferenceModeEnabled, isRecording } from "../autograd/grad-mode.js";
import { Tensor, normalizeDim } from "../tensor/tensor.js";
import { record } from "./core.js";
import { checkInplaceGraph } from "./view-meta.js";
import { reshape, squeeze, t, transpose } from "./views.js";

/** PyTorch's checks of an in-place op on `self` that writes no data. */
function checkInplaceView(self: Tensor): void {
  if (self._inference && !isInferenceModeEnabled()) {
    throw new Error(
      "Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone to get a normal tensor before doing inplace update.See https://github.com/pytorch/rfcs/pull/17 for more details.",
    );
  }
  checkInplaceGraph(self, self.requiresGrad);
}

/**
 * Gives `self` the layout `shape` / `strides`; when it is in a graph, records
 * `name` from its old layout with `backward` mapping the new gradient to the
 * old shape.
 */
function relayout(self: Tensor, shape: number[], strides: number[], name: string, backward: (g: Tensor) => Tensor): Tensor {
  const recording = self._requiresGrad && isRecording();
  // the tensor as it was: a stand-in with its old layout and place in the graph
  const old = recording ? new Tensor(self.storage, self.shape, self.strides, self.offset) : null;
  if (old !== null) {
    old._gradFn = self.gradFn;
    old.outputNr = self.outputNr;
    old._requiresGrad = true;
  }
  self.shape = shape;
  self.strides = strides;
  self.storage.version++;
  if (old !== null) {
    record(name, [old], self, ([g]) => [backward(g!)]);
    // the new grad_fn is current: a view must not remake it through its base
    if (self._viewVersion >= 0) self._viewVersion = self.storage.version;
  }
  return self;
}

/**
 * Inserts a size-1 dim at `dim`, in place (`x.unsqueeze_(dim)`).
 *
 * @example
 * const x = torch.zeros([3]);
 * x.unsqueeze_(0); // x.shape is now [1, 3]
 */
export function unsqueeze_(self: Tensor, dim: number): Tensor {
  checkInplaceView(self);
  const d = normalizeDim(dim, self.shape.length + 1, "unsqueeze_", self.shape);
  const shape = [...self.shape], strides = [...self.strides];
  shape.splice(d, 0, 1);
  strides.splice(d, 0, d < self.shape.length ? self.strides[d]! * self.shape[d]! : 1);
  return relayout(self, shape, strides, "UnsqueezeBackward1", (g) => squeeze(g, d));
}

/**
 * Removes size-1 dims in place: all of them, or those of `dim` (a number or
 * a list, as PyTorch 2.x) that have size 1.
 */
export function squeeze_(self: Tensor, dim?: number | readonly number[]): Tensor {
  checkInplaceView(self);
  const inShape = self.shape;
  let drop: number[];
  if (dim === undefined) drop = inShape.map((_, i) => i);
  else {
    drop = (typeof dim === "number" ? [dim] : dim).map((d) => normalizeDim(d, inShape.length, "squeeze_", inShape));
    const repeated = drop.find((d, i) => drop.indexOf(d) !== i);
    if (repeated !== undefined) throw new Error(`dim ${repeated} appears multiple times in the list of dims`);
  }
  const keep = inShape.map((_, i) => i).filter((i) => !drop.includes(i) || inShape[i] !== 1);
  // PyTorch 2.x numbers the in-place overloads after the three out-of-place ones
  const name = dim === undefined ? "SqueezeBackward3" : typeof dim === "number" ? "SqueezeBackward4" : "SqueezeBackward5";
  return relayout(self, keep.map((i) => inShape[i]!), keep.map((i) => self.strides[i]!), name, (g) => reshape(g, inShape));
}

/** The 2-d transpose in place (`x.t_()`); tensors of fewer dims are left as they are. */
export function t_(self: Tensor): Tensor {
  checkInplaceView(self);
  if (self.shape.length > 2) throw new Error(`t_() expects a tensor with <= 2 dimensions, but self is ${self.shape.length}D`);
  return relayout(self, [...self.shape].reverse(), [...self.strides].reverse(), "TBackward1", (g) => t(g));
}

/**
 * Swaps dims `dim0` and `dim1` in place (`x.transpose_(dim0, dim1)`).
 *
 * @example
 * const x = torch.zeros([2, 3]);
 * x.transpose_(0, 1); // x.shape is now [3, 2]
 */
export function transpose_(self: Tensor, dim0: number, dim1: number): Tensor {
  checkInplaceView(self);
  const n = self.shape.length;
  const d0 = normalizeDim(dim0, n, "transpose_", self.shape), d1 = normalizeDim(dim1, n, "transpose_", self.shape);
  const shape = [...self.shape], strides = [...self.strides];
  if (n > 0) {
    [shape[d0], shape[d1]] = [shape[d1]!, shape[d0]!];
    [strides[d0], strides[d1]] = [strides[d1]!, strides[d0]!];
  }
  return relayout(self, shape, strides, "TransposeBackward1", (g) => transpose(g, d0, d1));
}
