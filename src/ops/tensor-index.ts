/**
 * Python's `x[...]` and `x[...] = v`. JavaScript cannot overload `[]`, so
 * torchlet spells them as PyTorch's own C++ frontend does:
 *
 *     x[1:, 0]          x.index([Slice(1), 0])
 *     x[..., None]      x.index([Ellipsis, None])
 *     x[mask] = 0       x.indexPut_([mask], 0)
 *
 * Integers, slices, None and Ellipsis (basic indexing) give a view made of
 * select / slice / unsqueeze, so autograd and in-place writes go through the
 * existing view machinery. Index tensors and masks (advanced indexing, see
 * advanced-index.ts) then apply to that view and give a copy. The order of the
 * steps, and so the result's dim order, is PyTorch's rather than NumPy's.
 */
import type { Tensor } from "../tensor/tensor.js";
import { makeView, needsGrad, record } from "./core.js";
import { tensor as tensorFromArray } from "./factories.js";
import { add_, checkInplace, copy_, fill_, inplace, writeDirect } from "./inplace.js";
import { type IndexAt, indexGather, indexPut, indexPutInto, resolveIndices } from "./advanced-index.js";
import { maskedFillInto } from "./masked-fill-into.js";
import { checkNoOverlap } from "./mem-overlap.js";
import { toDtype } from "./elementwise.js";
import { expand, reshape, select, slice, unsqueeze } from "./views.js";
import { hasRepeatedElements, sameShape } from "../tensor/layout.js";
import { isRecording } from "../autograd/grad-mode.js";
import { expandedWritable, warnExpanded, writeExpanded } from "./expanded-write.js";

/** A Python slice `start:stop:step`; null (or leaving it out) means the default. */
export interface Slice {
  readonly start: number | null;
  readonly stop: number | null;
  readonly step: number | null;
}

const SLICE = Symbol("torchlet.indexing.Slice");

/** `Slice(1)` is `1:`, `Slice(null, 3)` is `:3`, `Slice(null, null, 2)` is `::2`, `Slice()` is `:`. */
export function Slice(start: number | null = null, stop: number | null = null, step: number | null = null): Slice {
  if ([start, stop, step].some((b) => b !== null && !Number.isInteger(b))) throw new Error("slice indices must be integers or None or have an __index__ method");
  return Object.freeze({ start, stop, step, [SLICE]: true });
}

/**
 * The type of `None` and `Ellipsis`: objects told apart by identity (not
 * symbols, whose `unique symbol` type a destructuring `const { None } =
 * torch.indexing` would widen to `symbol`).
 */
export class IndexMarker {
  /** @internal */
  constructor(readonly name: "None" | "Ellipsis") {
    Object.freeze(this);
  }
}

/** Python's `None` in an index: a new dim of size 1. */
export const None = new IndexMarker("None");
/** Python's `...` in an index: as many full slices as the other indices leave dims (`"..."` works too). */
export const Ellipsis = new IndexMarker("Ellipsis");

/** Nested arrays of integers (an int32 index tensor) or of booleans (a mask). */
export type IndexArray = readonly (number | boolean | IndexArray)[];

/** One element of an index list, as one element of a Python index tuple. */
export type TensorIndex = number | boolean | Slice | IndexMarker | "..." | Tensor | IndexArray;

const isSlice = (e: unknown): e is Slice => typeof e === "object" && e !== null && SLICE in e;

type Parsed =
  | { kind: "int"; value: number }
  | { kind: "slice"; slice: Slice }
  | { kind: "none" }
  | { kind: "ellipsis" }
  | { kind: "bool"; value: boolean }
  | { kind: "tensor"; index: Tensor };

function parse(e: TensorIndex): Parsed {
  if (typeof e === "number") {
    if (!Number.isInteger(e)) throw new Error("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices (got float)");
    return { kind: "int", value: e };
  }
  if (typeof e === "boolean") return { kind: "bool", value: e };
  if (e === None) return { kind: "none" };
  if (e === Ellipsis || e === "...") return { kind: "ellipsis" };
  if (isSlice(e)) return { kind: "slice", slice: e };
  const index = Array.isArray(e) ? arrayIndex(e as IndexArray) : (e as Tensor);
  // 0-d tensors act like the Python number they hold (an int selects: a view)
  if (index.dim() === 0 && index.dtype === "int32") return { kind: "int", value: index.item() };
  if (index.dim() === 0 && index.dtype === "bool") return { kind: "bool", value: index.item() !== 0 };
  if (index.dtype !== "int32" && index.dtype !== "bool") throw new Error("tensors used as indices must be long, int, byte or bool tensors");
  return { kind: "tensor", index };
}

/** A JS array index: booleans make a mask, integers an int32 index tensor, as Python lists do. */
function arrayIndex(e: IndexArray): Tensor {
  const leaves = (e as unknown[]).flat(Infinity);
  if (leaves.length > 0 && leaves.every((v) => typeof v === "boolean")) return tensorFromArray(e);
  if (leaves.some((v) => typeof v !== "number" || !Number.isInteger(v))) throw new Error("tensors used as indices must be long, int, byte or bool tensors");
  return tensorFromArray(e, { dtype: "int32" });
}

/** How many of the indexed tensor's dims an element uses up (a mask: one per dim). */
function consumed(p: Parsed): number {
  if (p.kind === "int" || p.kind === "slice") return 1;
  if (p.kind === "tensor") return p.index.dtype === "bool" ? p.index.dim() : 1;
  return 0;
}

/**
 * Applies the basic elements to `a` (a view, or `a` itself when none changes
 * anything; `setitem`: for `a[...] = v`, with Python setitem's rule for a full slice) and lists the index tensors by the dim of that view they index.
 */
function applyBasic(a: Tensor, elements: readonly TensorIndex[], setitem = false): { view: Tensor; advanced: IndexAt[] } {
  const parsed = elements.map(parse);
  if (a.dim() === 0 && parsed.length === 1 && parsed[0]!.kind === "int") {
    // `index([i])` is how the docs spell Python's x[i]: on a 0-d tensor, Python's messages for x[i]
    const i = (parsed[0] as { value: number }).value;
    if (i === 0) throw new Error("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number");
    throw new Error(`index ${i} is out of bounds for dimension 0 with size 0`);
  }
  if (parsed.filter((p) => p.kind === "ellipsis").length > 1) throw new Error("an index can only have a single ellipsis ('...')");
  const used = parsed.reduce((n, p) => n + consumed(p), 0);
  if (used > a.dim()) throw new Error(`too many indices for tensor of dimension ${a.dim()}`);
  let view = a, dim = 0;
  const advanced: IndexAt[] = [];
  parsed.forEach((p, position) => {
    switch (p.kind) {
      case "int": {
        const size = view.shape[dim]!;
        // PyTorch's message names the element's position in the index list
        if (p.value < -size || p.value >= size) throw new Error(`index ${p.value} is out of bounds for dimension ${position} with size ${size}`);
        view = select(view, dim, p.value);
        break;
      }
      case "slice": {
        const { start, stop, step } = p.slice;
        const size = view.shape[dim]!;
        // a full slice leaves the tensor as it is. Python's setitem skips only a slice spelled from 0 to exactly the size
        // (its `x[0:]` and `x[:]` carry stop = sys.maxsize), so `x[:3] = v` writes x itself and `x[:] = v` a view of it
        const full = setitem
          ? (start === null || start === 0) && stop === size && (step ?? 1) === 1
          : (start === null || start <= -size || start === 0) && (stop === null || stop >= size) && (step ?? 1) === 1;
        if (!full) view = slice(view, dim, start, stop, step ?? 1);
        dim++;
        break;
      }
      case "none":
        view = unsqueeze(view, dim++);
        break;
      case "ellipsis":
        dim += a.dim() - used;
        break;
      case "bool":
        // a new dim of size 1, indexed by [0] (true) or [] (false): PyTorch's rule, so the result is a copy
        view = unsqueeze(view, dim);
        advanced.push({ dim: dim++, index: tensorFromArray(p.value ? [0] : [], { dtype: "int32" }) });
        break;
      case "tensor":
        advanced.push({ dim, index: p.index });
        dim += consumed(p);
        break;
    }
  });
  return { view, advanced };
}

/** A view of all of `a` (what `x[...]` or `x[:]` returns): a new tensor, same storage. */
function alias(a: Tensor): Tensor {
  const out = makeView(a, a.shape, a.strides, a.offset);
  if (needsGrad(a)) record("AliasBackward0", [a], out, ([g]) => [g!]);
  return out;
}

/**
 * `a[elements]`, as Python's `x[...]` (PyTorch's C++ `x.index({...})`): a view
 * when every element is a number, Slice, None or Ellipsis; a copy when any is
 * an index tensor, a mask, a nested array or a boolean.
 *
 * @example
 * const x = torch.arange(0, 6).reshape([2, 3]);
 * x.index([Slice(), 1]);    // x[:, 1] → [1, 4] (a view)
 * x.index([[1, 0], [2, 2]]); // x[[1, 0], [2, 2]] → [5, 2] (a copy)
 */
export function index(a: Tensor, elements: readonly TensorIndex[]): Tensor {
  const { view, advanced } = applyBasic(a, elements);
  if (advanced.length === 0) return view === a ? alias(a) : view;
  return indexGather(view, resolveIndices(view.shape, advanced, view.strides), advanced.map((x) => x.index));
}

/**
 * `a[elements] = value` in place, as Python's (PyTorch's C++
 * `x.index_put_({...}, v)`): `value` is broadcast to the indexed shape and
 * written into `a`'s storage. With `{ accumulate: true }` it is added instead
 * (repeated positions add up, as `index_put_(..., accumulate=True)`).
 * Returns `a`.
 */
export function indexPut_(a: Tensor, elements: readonly TensorIndex[], value: Tensor | number, options: { accumulate?: boolean } = {}): Tensor {
  const accumulate = options.accumulate ?? false;
  const { view, advanced } = applyBasic(a, elements, true);
  // every leading size-1 dim of the value is dropped first, as PyTorch's setitem does, so `x[0] = ones([1, 3])` fits
  let v = typeof value === "number" ? value : dropLeadingOnes(value);
  if (advanced.length === 0) {
    if (accumulate) add_(view, v);
    else if (typeof v === "number") fill_(view, v);
    // Python's setitem fills with a value that is 0-d as given (copy_to): so an expanded target may take it, as fill_'s
    else if (typeof value !== "number" && value.dim() === 0 && view.dim() > 0 && hasRepeatedElements(view) && !needsGrad(view, v)) fill_(view, v.item());
    // expanded first, as PyTorch's setitem: a value that doesn't fit gets expand's error
    else copy_(view, sameShape(v.shape, view.shape) ? v : expand(v, view.shape));
    return a;
  }
  // a number becomes a 0-d tensor of the target's dtype (index_put_ wants matching dtypes)
  if (typeof v === "number") v = reshape(tensorFromArray([v], { dtype: view.dtype }), []);
  // PyTorch's setitem writes a 0-d value through one mask with masked_fill_, which casts it: x[mask] = int tensor
  // works on a bool x (only index_put_ proper insists on equal dtypes)
  else if (!accumulate && advanced.length === 1 && advanced[0]!.index.dtype === "bool" && v.dim() === 0 && v.dtype !== view.dtype) v = toDtype(v, view.dtype);
  // the in-place rules come before the indices' bounds, as in PyTorch
  const requiresGrad = view.requiresGrad || v.requiresGrad;
  // writing an expanded tensor is only deprecated for index_put_ (a warning; each position is written in turn, and
  // recorded as PyTorch does, whose backward then refuses the overlap)
  const recording = requiresGrad && isRecording();
  const overlapping = hasRepeatedElements(view);
  checkInplace(view, requiresGrad, overlapping && expandedWritable(view, recording));
  // one mask and a single value, nothing to record: masked_fill_ straight into the memory (no positions needed;
  // it declines an expanded tensor, which takes the warning path below)
  if (!accumulate && v.dim() === 0 && maskedFillInto(view, advanced, v)) return a;
  const values = v, ix = resolveIndices(view.shape, advanced, view.strides);
  // as PyTorch's _index_put_impl_: the value and the indices may not be self's memory, except a one-element value
  // through one mask, which goes on to masked_fill_ (it reads the value as a number)
  const toMaskedFill = !accumulate && advanced.length === 1 && advanced[0]!.index.dtype === "bool" && values.numel() === 1;
  checkNoOverlap(view, [toMaskedFill ? null : values, ...advanced.map((x) => x.index)]);
  if (overlapping) {
    warnExpanded("index_put_", "tensor[indices] = tensor");
    // (one mask and one value go on to masked_fill_, which warns too)
    if (toMaskedFill) warnExpanded("masked_fill_", "tensor[mask] = scalar");
    writeExpanded(view, [values], recording, () => indexPutInto(view, ix, values, accumulate));
  } else if (needsGrad(view, values)) {
    const indexTensors = advanced.map((x) => x.index);
    inplace(view, "index_put_", [values], (old) => indexPut(old, ix, values, accumulate, indexTensors));
  } else {
    // nothing to record: straight into the tensor's memory, without the out-of-place op's full copy
    writeDirect(view, () => indexPutInto(view, ix, values, accumulate));
  }
  return a;
}

function dropLeadingOnes(v: Tensor): Tensor {
  let lead = 0;
  while (lead < v.dim() && v.shape[lead] === 1) lead++;
  return lead === 0 ? v : reshape(v, v.shape.slice(lead));
}
