import { gradientEdge } from "../autograd/engine.js";
import { isInferenceModeEnabled, isRecording } from "../autograd/grad-mode.js";
import { type BackwardFn, type Edge, type InputMeta, Node } from "../autograd/node.js";
import { currentSavedTensorsHooks, hookScopes } from "../autograd/saved-tensor-hooks.js";
import type { Strided } from "../backend/backend.js";
import { kernels } from "../backend/select.js";
import { allocate, type DType } from "../tensor/dtype.js";
import { Storage } from "../tensor/storage.js";
import { Tensor } from "../tensor/tensor.js";
import { creationMetaOf, VIEW_DEFAULT, VIEW_MULTI_OUTPUT } from "./view-meta.js";

export { kernels };

import { numel as numelOf, contiguousStrides, sameShape } from "../tensor/layout.js";

export { numelOf, contiguousStrides };

/** A number as PyTorch's messages print it (nan, inf, -inf). */
export function pyNumber(v: number): string {
  return Number.isNaN(v) ? "nan" : v === Infinity ? "inf" : v === -Infinity ? "-inf" : String(v);
}

export function shapeStr(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** A new contiguous tensor (zero-filled). Inside inference mode it is an inference tensor. */
export function empty(shape: readonly number[], dtype: DType): Tensor {
  const t = new Tensor(new Storage(allocate(dtype, numelOf(shape)), true), shape, contiguousStrides(shape), 0);
  if (isInferenceModeEnabled()) t._inference = true;
  return t;
}

/**
 * Like empty() but the contents are undefined (a large storage may hold a
 * freed tensor's values). Only for outputs that a kernel writes entirely
 * before anything reads them; every other caller wants empty()'s zeros.
 */
export function emptyUninitialized(shape: readonly number[], dtype: DType): Tensor {
  const t = new Tensor(new Storage(allocate(dtype, numelOf(shape), true), true), shape, contiguousStrides(shape), 0);
  if (isInferenceModeEnabled()) t._inference = true;
  return t;
}

/**
 * A view over `base`'s storage with a new layout. Views keep the base's inference flag.
 * `multiOutput`: one of several views returned by one op (split, chunk, unbind).
 */
export function makeView(base: Tensor, shape: readonly number[], strides: readonly number[], offset: number, multiOutput = false): Tensor {
  const t = new Tensor(base.storage, shape, strides, offset);
  t._inference = base._inference;
  // a leaf that requires grad is the base of its views even when it is itself a view (of a tensor that
  // did not require grad): writing through them must meet the view-of-a-leaf rule, as in PyTorch
  const root = base._base === null || (base._requiresGrad && base._gradFn === null) ? base : base._base;
  t._base = root;
  // Follows the base's in-place changes, as PyTorch's views do: once an in-place op gives the base a graph,
  // the view's gradFn is remade through it and the view requires grad (or, for a view made in no_grad or
  // inference mode or by split/unbind, reading its gradFn raises PyTorch's error).
  t._viewVersion = base.storage.version;
  // (a view of an inference tensor is no autograd view in PyTorch: nothing to forbid)
  if (!base._inference) t._creationMeta = creationMetaOf(base, multiOutput ? VIEW_MULTI_OUTPUT : VIEW_DEFAULT);
  return t;
}

/**
 * A new layout over `t`'s storage that is not a view in autograd's sense: for an op's fresh result
 * reshaped before anyone else sees it (it has no base to follow, so no gradFn to remake later).
 */
export function relayout(t: Tensor, shape: readonly number[], strides: readonly number[], offset: number): Tensor {
  const out = new Tensor(t.storage, shape, strides, offset);
  out._inference = t._inference;
  return out;
}

/**
 * True when an op with these inputs must record a graph. Reads grad state only if an input requires grad.
 * Every input's `requiresGrad` is read (no short cut): reading it remakes the gradFn of a view whose base
 * gained a graph through an in-place op since, so record() then gives that input its edge too.
 */
export function needsGrad(a: Tensor, b?: Tensor | null, c?: Tensor | null): boolean {
  const ga = a.requiresGrad, gb = b != null && b.requiresGrad, gc = c != null && c.requiresGrad;
  return (ga || gb || gc) && isRecording();
}

export function anyNeedsGrad(ts: readonly Tensor[]): boolean {
  let any = false;
  for (const t of ts) if (t.requiresGrad) any = true;
  return any && isRecording();
}

/**
 * Records `outputs` as produced by a node named `name` from `inputs`.
 * `backward` gets the output gradients and the saved tensors (unpacked and
 * version-checked) and returns one gradient per input (null where none);
 * the engine sums them back to each input's shape and dtype.
 */
export function record(
  name: string,
  inputs: readonly (Tensor | null)[],
  outputs: Tensor | readonly Tensor[],
  backward: BackwardFn,
  saved: readonly Tensor[] = [],
): Node {
  for (const s of saved) {
    if (s._inference) {
      throw new Error(
        "Inference tensors cannot be saved for backward. To work around you can make a clone to get a normal tensor and use it in autograd.",
      );
    }
  }
  const outs = Array.isArray(outputs) ? (outputs as readonly Tensor[]) : [outputs as Tensor];
  // plain loops: this runs for every recorded op, and closures cost more than the work here
  const n = inputs.length;
  const edges = new Array<Edge | null>(n), metas = new Array<InputMeta | null>(n);
  for (let i = 0; i < n; i++) {
    const t = inputs[i]!;
    edges[i] = t !== null && t._requiresGrad ? gradientEdge(t) : null;
    // a view made in no_grad mode (...) whose base has changed in place since: reading its gradFn raises, as in PyTorch
    if (t !== null && t._creationMeta !== 0 && edges[i] === null) void t.gradFn;
    metas[i] = t !== null ? { shape: t.shape, dtype: t.dtype } : null;
  }
  const node = new Node(name, edges, metas, backward, saved, outs.length);
  for (let i = 0; i < outs.length; i++) {
    const o = outs[i]!;
    // an in-place op gives a retaining tensor a new gradFn: its .grad must now come from there (as PyTorch moves the hook)
    if (o._retainsGrad) moveRetained(o, node, i);
    o.gradFn = node;
    o.outputNr = i;
    o._requiresGrad = true;
  }
  if (saved.length > 0) {
    // a saved output's in-place error names this node, as PyTorch's
    node.markSavedOutputs(outs);
    // saved-tensor hooks pack once the outputs have their gradFn (no scope alive: this one test is all it costs)
    if (hookScopes !== 0) packSaved(node);
  }
  return node;
}

/** Passes `node`'s saved tensors through the saved-tensor hooks of this scope, if it has any. */
function packSaved(node: Node): void {
  const hooks = currentSavedTensorsHooks();
  if (hooks !== null) node.packSaved(hooks);
}

/** Moves a retainGrad() tensor's .grad source from its current gradFn to output `outputNr` of `to`. */
export function moveRetained(t: Tensor, to: Node, outputNr: number): void {
  t._gradFn?.retained?.delete(t.outputNr);
  to.retained ??= new Map();
  to.retained.set(outputNr, t);
}

/** A Strided descriptor of `t` broadcast (stride 0) to `shape`; the caller has checked compatibility. */
export function broadcastView(t: Strided, shape: readonly number[]): Strided {
  if (sameShape(t.shape, shape)) return t;
  const nd = shape.length, td = t.shape.length;
  const strides = new Array<number>(nd);
  for (let i = 0; i < nd; i++) {
    const j = i - (nd - td);
    strides[i] = j < 0 || t.shape[j] === 1 ? 0 : t.strides[j]!;
  }
  return { data: t.data, shape, strides, offset: t.offset };
}

/** PyTorch's broadcasting of two shapes; throws PyTorch's message naming the op. */
export function broadcastShapes(a: readonly number[], b: readonly number[], op: string): readonly number[] {
  if (sameShape(a, b)) return a;
  const nd = Math.max(a.length, b.length);
  const out = new Array<number>(nd);
  // from the last dim, as PyTorch's infer_size: its error names the last dim that does not match
  for (let i = nd - 1; i >= 0; i--) {
    const da = a[a.length - nd + i] ?? 1, db = b[b.length - nd + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(
        `The size of tensor a (${da}) must match the size of tensor b (${db}) at non-singleton dimension ${i} (${op}: shapes ${shapeStr(a)} and ${shapeStr(b)})`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** A contiguous copy of `t` in `dtype` (no autograd). */
export function castData(t: Tensor, dtype: DType): Tensor {
  const out = emptyUninitialized(t.shape, dtype);
  kernels().copy(out, t);
  return out;
}

/** `t` itself when already contiguous, else a contiguous copy (no autograd). */
export function contiguousData(t: Tensor): Tensor {
  return t.isContiguous() ? t : castData(t, t.dtype);
}

/** A float tensor's elements in row-major order as one typed array: a view of its storage when contiguous, else of a copy. */
export function contiguousFloats(t: Tensor): Float32Array | Float64Array {
  const c = contiguousData(t);
  return (c.data as Float32Array | Float64Array).subarray(c.offset, c.offset + c.numel());
}
