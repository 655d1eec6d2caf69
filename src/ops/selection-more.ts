/**
 * Selecting by value, continued: `argwhere` (nonzero's indices) and
 * `uniqueConsecutive` (runs of equal values or slices collapsed to one).
 */
import type { Tensor } from "../tensor/tensor.js";
import { normalizeDim } from "../tensor/tensor.js";
import { castData, needsGrad, record } from "./core.js";
import { fromTypedArray, full } from "./factories.js";
import { indexSelect } from "./indexing.js";
import { nonzero } from "./selection.js";
import { movedim } from "./rearrange.js";
import { reshape } from "./views.js";

/**
 * The indices of the nonzero elements, one row per element (int32
 * `[count, ndim]`), as torch.argwhere.
 *
 * @example
 * torch.argwhere(torch.tensor([[0, 1], [2, 0]])); // [[0, 1], [1, 0]]
 */
export function argwhere(input: Tensor): Tensor {
  return nonzero(input);
}

/** Options of `uniqueConsecutive`. */
export interface UniqueConsecutiveOptions {
  /** Also return, for each element (or slice), the index of its run in the result. */
  returnInverse?: boolean;
  /** Also return the length of each run. */
  returnCounts?: boolean;
  /** Compare whole slices along this dim instead of the flattened elements. */
  dim?: number;
}

/**
 * `input` with each run of equal consecutive elements (of the flattened
 * tensor, or of equal slices along `dim`) collapsed to one, as
 * torch.unique_consecutive. With `returnInverse` / `returnCounts`, an array
 * `[values, inverse?, counts?]` as PyTorch's tuple (int32 indices). NaN
 * never equals NaN. Not differentiable.
 *
 * @example
 * torch.uniqueConsecutive(torch.tensor([1, 1, 2, 2, 1])); // tensor([1., 2., 1.])
 */
export function uniqueConsecutive(input: Tensor, options?: { returnInverse?: false; returnCounts?: false; dim?: number }): Tensor;
export function uniqueConsecutive(input: Tensor, options: UniqueConsecutiveOptions & ({ returnInverse: true } | { returnCounts: true })): Tensor[];
export function uniqueConsecutive(input: Tensor, options?: UniqueConsecutiveOptions): Tensor | Tensor[];
export function uniqueConsecutive(input: Tensor, options: UniqueConsecutiveOptions = {}): Tensor | Tensor[] {
  const flat = options.dim === undefined;
  if (!flat && input.dim() === 0) throw new Error(`Dimension specified as ${options.dim} but tensor has no dimensions`);
  const d = flat ? 0 : normalizeDim(options.dim!, input.dim(), "unique_consecutive", input.shape);
  if (!flat) {
    // PyTorch compares whole slices only when no other dim is empty
    const empty = input.shape.filter((s) => s === 0).length;
    if (input.shape[d] === 0 && empty > 1) throw new Error("Number of zero sized dimensions is more than one, so unique cannot be applied");
    if (input.shape[d] !== 0 && empty > 0) throw new Error("There are 0 sized dimensions, and they aren't selected, so unique cannot be applied");
  }
  // the slices along d as rows: [n, rest]
  const rows = flat ? reshape(input, [input.numel()]) : input.dim() === 0 ? reshape(input, [1]) : movedim(input, d, 0);
  const n = rows.shape[0]!, width = n === 0 ? 0 : rows.numel() / n;
  const v = castData(rows, "float64").data;
  const sameRow = (i: number, j: number) => {
    for (let k = 0; k < width; k++) if (v[i * width + k] !== v[j * width + k]) return false;
    return true;
  };
  const firsts: number[] = [], counts: number[] = [];
  const inverse = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (i === 0 || !sameRow(i, i - 1)) {
      firsts.push(i);
      counts.push(0);
    }
    counts[counts.length - 1]!++;
    inverse[i] = firsts.length - 1;
  }
  const picked = indexSelect(castData(rows, rows.dtype), 0, fromTypedArray(Int32Array.from(firsts)));
  const values = flat ? picked : input.dim() === 0 ? picked : movedim(picked, 0, d);
  if (needsGrad(input)) {
    record("UniqueConsecutiveBackward0", [input], values, () => {
      throw new Error("the derivative for 'unique_consecutive' is not implemented.");
    });
  }
  const result = [values];
  if (options.returnInverse ?? false) result.push(fromTypedArray(inverse, flat ? input.shape : [n]));
  if (options.returnCounts ?? false) result.push(fromTypedArray(Int32Array.from(counts)));
  return result.length === 1 ? values : result;
}

/**
 * Whether each element of `elements` occurs in `testElements` (bool, of
 * elements' shape; NaN matches nothing), or does not with `invert`, as
 * torch.isin. Either may be a number.
 *
 * @example
 * torch.isin(torch.tensor([[1, 2], [3, 4]]), torch.tensor([2, 3])); // [[false, true], [true, false]]
 */
export function isin(elements: Tensor | number, testElements: Tensor | number, options: { invert?: boolean } = {}): Tensor {
  const x = typeof elements === "number" ? full([], elements) : elements;
  const pool = new Set(typeof testElements === "number" ? [testElements] : Array.from(castData(testElements, "float64").data));
  const hit = options.invert ?? false ? 0 : 1;
  const v = castData(x, "float64").data;
  const out = new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = pool.has(v[i]!) && !Number.isNaN(v[i]!) ? hit : 1 - hit;
  return fromTypedArray(out, x.shape);
}
