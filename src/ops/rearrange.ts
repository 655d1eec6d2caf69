/**
 * Reordering and repeating elements: movedim / swapaxes, tile,
 * repeatInterleave and roll. All are composed of views, cat and indexSelect,
 * so their gradients come from those.
 */
import type { Tensor } from "../tensor/tensor.js";
import { normalizeDim } from "../tensor/tensor.js";
import { shapeStr } from "./core.js";
import { fromTypedArray } from "./factories.js";
import { cat, indexSelect } from "./indexing.js";
import { flatten, narrow, permute, repeat, reshape, transpose } from "./views.js";

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
  return out;
}
