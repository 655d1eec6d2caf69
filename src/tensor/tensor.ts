import { warn } from "../warnings.js";
import type { Strided } from "../backend/backend.js";
import type { DType, TypedArray } from "./dtype.js";
import { isContiguous } from "./layout.js";
import { Storage } from "./storage.js";
import type { Node } from "../autograd/node.js";

/** Per-tensor autograd hooks: run on the gradient w.r.t. this tensor, may return a replacement. */
export type TensorHook = (grad: Tensor) => Tensor | void;

/** Remakes a view's gradFn through its base after an in-place change; installed by ops/inplace.ts. */
let refreshViewGradFn: (view: Tensor) => void = () => {};

/** @internal */
export function setViewGradFnRefresher(refresh: (view: Tensor) => void): void {
  refreshViewGradFn = refresh;
}

/**
 * An n-dimensional array: a strided view (shape, strides, offset) over a
 * Storage shared with its views. Autograd state lives beside the data:
 * `requiresGrad`, `gradFn` (the node that made it, null for leaves), `grad`.
 * Methods (`add`, `sum`, ...) are installed by ops/; the class holds only state.
 */
export class Tensor implements Strided {
  readonly storage: Storage;
  shape: readonly number[];
  strides: readonly number[];
  offset: number;
  /** @internal backing field of grad */
  _grad: Tensor | null = null;
  /** @internal backing field of gradFn */
  _gradFn: Node | null = null;
  /** Which output of `gradFn` this tensor is. */
  outputNr = 0;
  /** @internal leaf flag behind `requiresGrad` */
  _requiresGrad = false;
  /** @internal set for tensors created in inference mode */
  _inference = false;
  /** @internal hooks registered with registerHook */
  _hooks: TensorHook[] | null = null;
  /** @internal true once retainGrad() was called on a non-leaf */
  _retainsGrad = false;
  /** @internal the tensor this one is a view of, if any */
  _base: Tensor | null = null;
  /** @internal AccumulateGrad node of a leaf, created on first use */
  _accumulator: Node | null = null;
  /** @internal a view made while recording from a base that requires grad: the storage version its gradFn is up to date with; -1 otherwise */
  _viewVersion = -1;
  /** @internal how a view was made (PyTorch's CreationMeta, see ops/view-meta.ts): 0 in grad mode, else what forbids changing it in place */
  _creationMeta = 0;

  constructor(storage: Storage, shape: readonly number[], strides: readonly number[], offset = 0) {
    this.storage = storage;
    this.shape = shape;
    this.strides = strides;
    this.offset = offset;
  }

  get data(): TypedArray {
    return this.storage.data;
  }

  get dtype(): DType {
    return this.storage.dtype;
  }

  /**
   * The node that produced this tensor in a recorded op; null for leaves.
   * For a view whose base (or another view of it) was changed in place since,
   * this is first remade to go through the base, as PyTorch does: the view's
   * values now come from the base's new value.
   */
  get gradFn(): Node | null {
    if (this._viewVersion >= 0 && this._viewVersion !== this.storage.version) refreshViewGradFn(this);
    return this._gradFn;
  }

  set gradFn(node: Node | null) {
    this._gradFn = node;
  }

  /** Gradient accumulated by backward (leaves and tensors that `retainGrad()`). Assigning checks size and dtype, as PyTorch. */
  get grad(): Tensor | null {
    if (this._grad === null && this._gradFn !== null && !this._retainsGrad) {
      warn(
        "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be populated during autograd.backward(). " +
          "If you indeed want the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. " +
          "If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. " +
          "See github.com/pytorch/pytorch/pull/30531 for more informations.",
      );
    }
    return this._grad;
  }

  set grad(g: Tensor | null) {
    if (g !== null) {
      if (!(g instanceof Tensor)) {
        const type = g === undefined ? "undefined" : typeof g === "number" ? (Number.isInteger(g) ? "int" : "float") : typeof g;
        throw new TypeError(`assigned grad expected to be a Tensor or None but got grad of type ${type}`);
      }
      if (g.dtype !== this.dtype) throw new Error("assigned grad has data of a different type");
      if (g.shape.length !== this.shape.length || g.shape.some((d, i) => d !== this.shape[i])) throw new Error("assigned grad has data of a different size");
    }
    this._grad = g;
  }

  /** Whether gradients flow to this tensor. */
  get requiresGrad(): boolean {
    if (this._requiresGrad || this._viewVersion < 0) return this._requiresGrad;
    // a view made in no_grad or inference mode (or by split/unbind) requires grad when its base does, as in
    // PyTorch; its gradFn is remade (or refused) only when read
    if (this._creationMeta !== 0) return this._base!.requiresGrad;
    // a view whose base gained a graph through an in-place op requires grad from then on
    if (this._viewVersion !== this.storage.version) refreshViewGradFn(this);
    // a view made before its base required grad requires grad as its base does (PyTorch's
    // DifferentiableViewMeta::requires_grad), though it stays a leaf without an edge until its gradFn is remade
    return this._requiresGrad || this._base!.requiresGrad;
  }

  set requiresGrad(value: boolean) {
    setRequiresGrad(this, value);
  }

  /** True for tensors not produced by a recorded op (user-created, or detached). */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /** The version counter shared by every view of the storage (bumped by in-place ops). */
  get version(): number {
    if (this._inference) throw new Error("Inference tensors do not track version counter.");
    return this.storage.version;
  }

  /** True for tensors made inside `inferenceMode`. */
  isInference(): boolean {
    return this._inference;
  }

  dim(): number {
    return this.shape.length;
  }

  numel(): number {
    let n = 1;
    for (const d of this.shape) n *= d;
    return n;
  }

  size(): number[];
  size(dim: number): number;
  size(dim?: number): number | number[] {
    if (dim === undefined) return [...this.shape];
    return this.shape[dimOfLayout(dim, this.shape.length, "size")]!;
  }

  /** The strides (in elements), or the stride of one dim. */
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number | number[] {
    if (dim === undefined) return [...this.strides];
    return this.strides[dimOfLayout(dim, this.shape.length, "stride")]!;
  }

  isContiguous(): boolean {
    return isContiguous(this);
  }

}

/**
 * Whether inference mode is on. The grad-mode module (above this layer)
 * installs the real probe when it loads.
 */
let inferenceModeProbe: () => boolean = () => false;

export function setInferenceModeProbe(probe: () => boolean): void {
  inferenceModeProbe = probe;
}

function setRequiresGrad(t: Tensor, value: boolean): void {
  if (value && t._inference && !inferenceModeProbe()) {
    throw new Error("Setting requires_grad=True on inference tensor outside InferenceMode is not allowed.");
  }
  if (!t.isLeaf) {
    if (value) {
      t._requiresGrad = true;
      return;
    }
    throw new Error(
      "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().",
    );
  }
  if (value && t.dtype !== "float32" && t.dtype !== "float64") {
    throw new Error(`only Tensors of floating point and complex dtype can require gradients (got ${t.dtype})`);
  }
  t._requiresGrad = value;
}

/**
 * Wraps a dim that may be negative into [0, ndim). Errors start with PyTorch's
 * message and then name the op (and the input's shape when given).
 */
/** A dim of size()/stride(): a 0-d tensor has none (PyTorch raises where most ops would wrap a dim of 0-d input). */
function dimOfLayout(dim: number, ndim: number, op: string): number {
  if (ndim === 0) throw new Error(`Dimension specified as ${dim} but tensor has no dimensions`);
  return normalizeDim(dim, ndim, op);
}

export function normalizeDim(dim: number, ndim: number, op: string, shape?: readonly number[]): number {
  const where = shape ? `${op}: input of shape [${shape.join(", ")}]` : op;
  if (!Number.isInteger(dim)) throw new Error(`${op}(): argument 'dim' must be int, not ${typeof dim === "number" ? "float" : typeof dim} (got ${String(dim)})`);
  const n = Math.max(ndim, 1);
  if (dim < -n || dim >= n) {
    throw new Error(`Dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${dim}) (${where})`);
  }
  return dim < 0 ? dim + n : dim;
}
