/**
 * Reordering, repeating and reshaping elements: movedim / swapaxes, tile,
 * repeatInterleave, roll, unflatten, broadcastTo / broadcastTensors and
 * meshgrid. All are composed of views, cat and indexSelect, so their
 * gradients come from those.
 */
import type { Tensor } from "../tensor/tensor.js";
import { normalizeDim } from "../tensor/tensor.js";
import { broadcastShapes, shapeStr } from "./core.js";
import { fromTypedArray } from "./factories.js";
import { cat, indexSelect } from "./indexing.js";
import { clone, expand, flatten, narrow, permute, repeat, reshape, transpose } from "./views.js";

const list = (d: number | readonly number[]): number[] => (typeof d === "number" ? [d] : [...d]);

/**
 * Moves dims `source` to positions `destination` (numbers or lists); the
 * other dims keep their order. A view.
 *
 * @example
 * torch.movedim(torch.zeros([2, 3, 4]), 0, -1).shape; // [3, 4, 2]
 */
export function movedim(a: Tensor, source: number | readonly number[], destination: number | readonly number[]): Tensor {
  const src = list(source), dst = list(destination), n = a.dim();
  if (src.length !== dst.length) {
    throw new Error(`movedim: Invalid source or destination dims: source ([${src.join(", ")}] dims) should contain the same number of dims as destination ([${dst.join(", ")}] dims)`);
  }
  const s = src.map((d) => normalizeDim(d, n, "movedim", a.shape)), t = dst.map((d) => normalizeDim(d, n, "movedim", a.shape));
  const repeated = (xs: number[]) => xs.find((x, i) => xs.indexOf(x) !== i);
  if (repeated(s) !== undefined) throw new Error(`movedim: repeated dim in \`source\` ([${src.join(", ")}])`);
  if (repeated(t) !== undefined) throw new Error(`movedim: repeated dim in \`destination\` ([${dst.join(", ")}])`);
  const order = new Array<number>(n).fill(-1);
  s.forEach((d, i) => { order[t[i]!] = d; });
  const rest = [...Array(n).keys()].filter((d) => !s.includes(d));
  for (let i = 0, k = 0; i < n; i++) if (order[i] === -1) order[i] = rest[k++]!;
  return permute(a, order);
}

/** `transpose` under NumPy's name. */
export function swapaxes(a: Tensor, axis0: number, axis1: number): Tensor {
  return transpose(a, axis0, axis1);
}

/**
 * Repeats the tensor `dims[i]` times along each dim; a shorter `dims` is
 * padded with leading 1s (unlike `repeat`, which needs one per dim).
 */
export function tile(a: Tensor, dims: readonly number[]): Tensor {
  return repeat(a, [...new Array<number>(Math.max(0, a.dim() - dims.length)).fill(1), ...dims]);
}

/**
 * Repeats each element (each slice along `dim`) `repeats` times in place:
 * `[1, 2]` → `[1, 1, 2, 2]`. Without `dim` the input is flattened first.
 * `repeats` is a number or an int32 tensor with one count per slice.
 */
export function repeatInterleave(a: Tensor, repeats: number | Tensor, dim?: number): Tensor {
  const x = dim === undefined ? flatten(a) : a;
  const d = dim === undefined ? 0 : normalizeDim(dim, a.dim(), "repeat_interleave", a.shape);
  const size = x.dim() === 0 ? 1 : x.shape[d]!;
  let counts: number[];
  if (typeof repeats === "number") {
    counts = new Array<number>(size).fill(repeats);
  } else {
    if (repeats.dtype !== "int32") throw new Error(`repeat_interleave: repeats has to be an integer tensor, got ${repeats.dtype}`);
    if (repeats.dim() > 1) throw new Error(`repeat_interleave: repeats must be 0-dim or 1-dim tensor, got shape ${shapeStr(repeats.shape)}`);
    const given = Array.from(repeats.toArray());
    counts = given.length === 1 ? new Array<number>(size).fill(given[0]!) : given;
    if (counts.length !== size) {
      throw new Error(`repeats must have the same size as input along dim, but got repeats.size(0) = ${counts.length} and input.size(${d}) = ${size}`);
    }
  }
  if (counts.some((c) => !Number.isInteger(c) || c < 0)) throw new Error("repeat_interleave: repeats can not be negative");
  const index = new Int32Array(counts.reduce((s, c) => s + c, 0));
  for (let i = 0, at = 0; i < counts.length; i++) index.fill(i, at, (at += counts[i]!));
  return indexSelect(x.dim() === 0 ? reshape(x, [1]) : x, d, fromTypedArray(index));
}

/**
 * Shifts elements along `dims` by `shifts` (numbers or matching lists),
 * wrapping around; without `dims` the flattened tensor is rolled and
 * reshaped back.
 *
 * @example
 * torch.roll(torch.tensor([1, 2, 3, 4]), 1); // tensor([4., 1., 2., 3.])
 */
export function roll(a: Tensor, shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
  const sh = list(shifts);
  if (dims === undefined) {
    if (sh.length !== 1) throw new Error(`roll: shifts and dimensions must align. shifts: ${sh.length}, dims:0`);
    return reshape(roll(flatten(a), sh[0]!, 0), a.shape);
  }
  const ds = list(dims);
  if (sh.length !== ds.length) throw new Error(`roll: shifts and dimensions must align. shifts: ${sh.length}, dims:${ds.length}`);
  let out = a;
  ds.forEach((dim, i) => {
    const d = normalizeDim(dim, a.dim(), "roll", a.shape), n = a.shape[d]!;
    const s = n === 0 ? 0 : ((sh[i]! % n) + n) % n;
    if (s !== 0) out = cat([narrow(out, d, n - s, s), narrow(out, d, 0, n - s)], d);
  });
  // PyTorch's roll always returns a new tensor, also when every shift is a whole turn
  return out === a ? clone(a) : out;
}

/** Splits dim `dim` into `sizes` (one may be -1), as torch.unflatten. */
export function unflatten(a: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = normalizeDim(dim, a.dim(), "unflatten", a.shape);
  if (sizes.length === 0) throw new Error("unflatten: sizes must be non-empty");
  const known = sizes.filter((s) => s !== -1).reduce((x, y) => x * y, 1);
  const filled = sizes.map((s) => (s === -1 ? (known === 0 ? 0 : a.shape[d]! / known) : s));
  if (sizes.filter((s) => s === -1).length > 1 || filled.reduce((x, y) => x * y, 1) !== a.shape[d] || filled.some((s) => !Number.isInteger(s))) {
    throw new Error(`unflatten: Provided sizes [${sizes.join(", ")}] don't multiply up to the size of dim ${dim} (${a.shape[d]}) in the input tensor`);
  }
  return reshape(a, [...a.shape.slice(0, d), ...filled, ...a.shape.slice(d + 1)]);
}

/** `a` expanded to `shape` (a view), as torch.broadcast_to. */
export function broadcastTo(a: Tensor, shape: readonly number[]): Tensor {
  return expand(a, shape);
}

/** The tensors expanded to their common broadcast shape (views). */
export function broadcastTensors(...tensors: Tensor[]): Tensor[] {
  const shape = tensors.reduce<readonly number[]>((s, t) => broadcastShapes(s, t.shape, "broadcast_tensors"), []);
  return tensors.map((t) => expand(t, shape));
}

/**
 * Coordinate grids from 1-d tensors: with `indexing: "ij"` (the default, as
 * PyTorch 2.x's) output k varies along dim k; with `"xy"` the first two dims
 * are swapped, as NumPy's.
 *
 * @example
 * const [ys, xs] = torch.meshgrid([torch.arange(3), torch.arange(4)]); // both [3, 4]
 */
export function meshgrid(tensors: readonly Tensor[], options: { indexing?: "ij" | "xy" } = {}): Tensor[] {
  if (tensors.length === 0) throw new Error("torch.meshgrid: Expected at least one tensor");
  for (const t of tensors) {
    if (t.dim() > 1) throw new Error(`torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: ${shapeStr(t.shape)}`);
  }
  const indexing = options.indexing ?? "ij";
  if (indexing !== "ij" && indexing !== "xy") throw new Error(`torch.meshgrid: indexing must be one of "xy" or "ij", but received: ${String(indexing)}`);
  if (tensors.some((t) => t.dtype !== tensors[0]!.dtype)) throw new Error("meshgrid expects all tensors to have the same dtype");
  const xy = indexing === "xy" && tensors.length >= 2;
  const order = xy ? [1, 0, ...tensors.slice(2).map((_, i) => i + 2)] : tensors.map((_, i) => i);
  const sizes = order.map((k) => tensors[k]!.numel());
  return tensors.map((t, k) => {
    const at = order.indexOf(k);
    const shape = sizes.map((_, i) => (i === at ? t.numel() : 1));
    return expand(reshape(t, shape), sizes);
  });
}
