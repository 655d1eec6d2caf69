/**
 * Reordering, repeating and reshaping elements: movedim / swapaxes, tile,
 * repeatInterleave, roll, rot90, flipud / fliplr, unflatten, broadcastTo /
 * broadcastTensors, meshgrid, cartesianProd and combinations. All but rot90
 * (which records its own node, as PyTorch) are composed of views, cat, stack
 * and indexSelect, so their gradients come from those.
 */
import { runInMode, withGrad } from "../autograd/grad-mode.js";
import { Tensor, normalizeDim } from "../tensor/tensor.js";
import { broadcastShapes, empty, needsGrad, record, shapeStr } from "./core.js";
import { fromTypedArray } from "./factories.js";
import { cat, flip, indexSelect, stack } from "./indexing.js";
import { clone, expand, flatten, inferShape, narrow, permute, repeat, reshape, transpose } from "./views.js";
import { contiguousStrides } from "../tensor/layout.js";

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
  // a 0-d tensor's only dim (0 or -1) moves onto itself
  if (n === 0) return permute(a, []);
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
  const ds = dims === undefined ? undefined : list(dims);
  if (ds === undefined) {
    if (sh.length !== 1) throw new Error(`shifts and dimensions must align. shifts: ${sh.length}, dims:0`);
  } else if (sh.length !== ds.length) {
    throw new Error(`shifts and dimensions must align. shifts: ${sh.length}, dims:${ds.length}`);
  }
  const nd = ds?.map((dim) => normalizeDim(dim, a.dim(), "roll", a.shape));
  // computed untracked, then recorded as one RollBackward0 whose backward rolls the gradient back, as PyTorch's
  const out = runInMode(withGrad(false), () => {
    if (nd !== undefined) return rollDims(a, sh, nd);
    // the flat roll is contiguous: the result takes a's shape as a fresh tensor, not as a view of the temporary
    const r = rollDims(flatten(a), sh, [0]);
    const t = new Tensor(r.storage, [...a.shape], contiguousStrides(a.shape), r.offset);
    t._inference = r._inference;
    return t;
  });
  if (needsGrad(a)) {
    const back = sh.map((s) => -s);
    record("RollBackward0", [a], out, ([g]) => [roll(g!, back, nd)]);
  }
  return out;
}

/** `a` rolled by `shifts` along the (normalized) dims `ds`: a new tensor, also when every shift is a whole turn (as PyTorch's). */
function rollDims(a: Tensor, shifts: readonly number[], ds: readonly number[]): Tensor {
  let out = a;
  ds.forEach((d, i) => {
    const n = a.shape[d]!;
    const s = n === 0 ? 0 : ((shifts[i]! % n) + n) % n;
    if (s !== 0) out = cat([narrow(out, d, n - s, s), narrow(out, d, 0, n - s)], d);
  });
  return out === a ? clone(a) : out;
}

/**
 * Rotates by `k` quarter turns in the plane of `dims` (from the first dim
 * towards the second), as torch.rot90: a copy. The k = 1 and 3 results are
 * transposed layouts of the flipped copy (not contiguous), as PyTorch's.
 *
 * @example
 * torch.rot90(torch.tensor([[1, 2], [3, 4]])); // [[2, 4], [1, 3]]
 */
export function rot90(a: Tensor, k = 1, dims: readonly number[] = [0, 1]): Tensor {
  if (dims.length !== 2) throw new Error(`expected total rotation dims == 2, but got dims = ${dims.length}`);
  const n = a.dim();
  if (n < 2) throw new Error(`expected total dims >= 2, but got total dims = ${n}`);
  // PyTorch compares the dims as given: [0, -2] of a matrix counts as the same dim twice
  if (dims[0] === dims[1] || Math.abs(dims[0]! - dims[1]!) === n) {
    throw new Error(`expected rotation dims to be different, but got dim0 = ${dims[0]} and dim1 = ${dims[1]}`);
  }
  const d0 = normalizeDim(dims[0]!, n, "rot90", a.shape), d1 = normalizeDim(dims[1]!, n, "rot90", a.shape);
  const turns = ((k % 4) + 4) % 4;
  const out = runInMode(withGrad(false), () => {
    if (turns === 0) return clone(a);
    if (turns === 2) return flip(a, [d0, d1]);
    // the flipped copy itself, relabelled: a fresh tensor rather than a view of a temporary (PyTorch transposes it in place)
    const f = flip(a, [turns === 1 ? d1 : d0]), shape = [...f.shape], strides = [...f.strides];
    [shape[d0], shape[d1]] = [shape[d1]!, shape[d0]!];
    [strides[d0], strides[d1]] = [strides[d1]!, strides[d0]!];
    const t = new Tensor(f.storage, shape, strides, f.offset);
    t._inference = f._inference;
    return t;
  });
  if (needsGrad(a)) record("Rot90Backward0", [a], out, ([g]) => [rot90(g!, -k, [d0, d1])]);
  return out;
}

/** The order along dim 0 reversed (a copy), as torch.flipud. */
export function flipud(a: Tensor): Tensor {
  if (a.dim() < 1) throw new Error("Input must be >= 1-d.");
  return flip(a, [0]);
}

/** The order along dim 1 reversed (a copy), as torch.fliplr. */
export function fliplr(a: Tensor): Tensor {
  if (a.dim() < 2) throw new Error("Input must be >= 2-d.");
  return flip(a, [1]);
}

/** Splits dim `dim` into `sizes` (one may be -1), as torch.unflatten. */
export function unflatten(a: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = normalizeDim(dim, a.dim(), "unflatten", a.shape);
  if (sizes.length === 0) throw new Error("unflatten: sizes must be non-empty");
  let filled: number[];
  try {
    filled = inferShape(sizes, a.shape[d]!, "unflatten");
  } catch (e) {
    // PyTorch 2.x rewords only the size mismatch (naming the wrapped dim); its other shape errors pass through
    if (!(e instanceof Error && e.message.includes("is invalid for input of size"))) throw e;
    throw new Error(`unflatten: Provided sizes [${sizes.join(", ")}] don't multiply up to the size of dim ${d} (${a.shape[d]}) in the input tensor`);
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
  if (tensors.length === 0) throw new Error("meshgrid expects a non-empty TensorList");
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

/**
 * Every combination of one element from each 1-d tensor, as the rows of a
 * [count, tensors.length] tensor in lexicographic order (torch.cartesian_prod).
 * One tensor is returned as it is, as PyTorch's.
 *
 * @example
 * torch.cartesianProd(torch.tensor([1, 2]), torch.tensor([3, 4])); // [[1, 3], [1, 4], [2, 3], [2, 4]]
 */
export function cartesianProd(...tensors: Tensor[]): Tensor {
  for (const t of tensors) if (t.dim() !== 1) throw new Error(`Expect a 1D vector, but got shape ${shapeStr(t.shape)}`);
  if (tensors.length === 1) return tensors[0]!;
  return stack(meshgrid(tensors, { indexing: "ij" }).map((g) => flatten(g)), 1);
}

/**
 * The length-`r` combinations of a 1-d tensor's elements as the rows of a
 * [count, r] tensor, in lexicographic order of their positions, as
 * torch.combinations; `withReplacement` lets a position repeat. `r = 0`
 * gives an empty 1-d tensor, as PyTorch's.
 *
 * @example
 * torch.combinations(torch.tensor([1, 2, 3])); // [[1, 2], [1, 3], [2, 3]]
 */
export function combinations(a: Tensor, r = 2, options: { withReplacement?: boolean } = {}): Tensor {
  if (a.dim() !== 1) throw new Error(`Expect a 1D vector, but got shape ${shapeStr(a.shape)}`);
  if (!Number.isInteger(r) || r < 0) throw new Error(`Expect a non-negative number, but got ${r}`);
  if (r === 0) return empty([0], a.dtype);
  const n = a.shape[0]!, repeat = options.withReplacement ?? false;
  const positions: number[] = [];
  const walk = (prefix: number[], from: number): void => {
    if (prefix.length === r) positions.push(...prefix);
    else for (let i = from; i < n; i++) walk([...prefix, i], repeat ? i : i + 1);
  };
  walk([], 0);
  // one gather of every row's elements: the gradient sums each element's uses
  return reshape(indexSelect(a, 0, fromTypedArray(Int32Array.from(positions))), [positions.length / r, r]);
}
