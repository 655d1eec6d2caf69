import { randperm } from "../ops/factories.js";
import type { Generator } from "../ops/random.js";
import type { Tensor } from "../tensor/tensor.js";

/**
 * A map-style dataset: `getItem(i)` for `0 <= i < length`.
 *
 * @example
 * class Squares extends data.Dataset<number> {
 *   get length() { return 10; }
 *   getItem(i: number) { return i * i; }
 * }
 */
export abstract class Dataset<T = unknown> {
  abstract getItem(index: number): T;
  abstract get length(): number;

  /** Same as `length` (PyTorch's `len(ds)`). */
  len(): number {
    return this.length;
  }
}

/** `list[index]` as Python reads it: negative indices count from the end. */
export function listItem<T>(list: readonly T[], index: number): T {
  if (!Number.isInteger(index)) throw new TypeError(`list indices must be integers or slices, not ${typeof index === "number" ? "float" : typeof index}`);
  const i = index < 0 ? index + list.length : index;
  if (i < 0 || i >= list.length) throw new RangeError("IndexError: list index out of range");
  return list[i]!;
}

/** `tensor[index]` along the first dim of length `n`, as PyTorch reads it: the row, counting negatives from the end. */
export function tensorRow(index: number, n: number): number {
  if (!Number.isInteger(index)) {
    throw new TypeError("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices (got float)");
  }
  const i = index < 0 ? index + n : index;
  if (i < 0 || i >= n) throw new RangeError(`IndexError: index ${index} is out of bounds for dimension 0 with size ${n}`);
  return i;
}

/**
 * Samples are the i-th rows of tensors that share their first dimension.
 *
 * @example
 * const ds = new data.TensorDataset(x, y);
 * const [xi, yi] = ds.getItem(0);
 */
export class TensorDataset extends Dataset<Tensor[]> {
  readonly tensors: Tensor[];

  constructor(...tensors: Tensor[]) {
    super();
    if (tensors.length === 0) throw new Error("TensorDataset needs at least one tensor");
    if (tensors.some((t) => t.dim() === 0)) throw new Error("Dimension specified as 0 but tensor has no dimensions");
    const n = tensors[0]!.shape[0];
    if (tensors.some((t) => t.shape[0] !== n)) throw new Error("Size mismatch between tensors");
    this.tensors = tensors;
  }

  getItem(index: number): Tensor[] {
    const row = tensorRow(index, this.length);
    return this.tensors.map((t) => t.select(0, row));
  }

  get length(): number {
    return this.tensors[0]!.shape[0] ?? 0;
  }
}

/**
 * The samples of `dataset` at `indices`.
 *
 * @example
 * const firstTen = new data.Subset(ds, [...Array(10).keys()]);
 */
export class Subset<T> extends Dataset<T> {
  constructor(readonly dataset: Dataset<T>, readonly indices: readonly number[]) {
    super();
  }

  getItem(index: number): T {
    return this.dataset.getItem(listItem(this.indices, index));
  }

  get length(): number {
    return this.indices.length;
  }
}

/**
 * Splits `dataset` at random into non-overlapping subsets of the given lengths
 * (counts, or fractions summing to 1 as in PyTorch).
 *
 * @example
 * const [train, test] = data.randomSplit(ds, [0.8, 0.2], new torch.Generator(0));
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: readonly number[], generator?: Generator): Subset<T>[] {
  const n = dataset.length;
  let sizes = [...lengths];
  const fractional = Math.abs(lengths.reduce((a, b) => a + b, 0) - 1) < 1e-9 && lengths.reduce((a, b) => a + b, 0) <= 1;
  if (fractional) {
    sizes = lengths.map((f) => {
      if (f < 0 || f > 1) throw new Error(`Fraction at index ${lengths.indexOf(f)} is not between 0 and 1`);
      return Math.floor(n * f);
    });
    const remainder = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) sizes[i % sizes.length]! += 1;
  }
  if (sizes.reduce((a, b) => a + b, 0) !== n) {
    throw new Error("Sum of input lengths does not equal the length of the input dataset!");
  }
  const perm = Array.from(randperm(n, generator !== undefined ? { generator } : {}).toArray());
  let at = 0;
  return sizes.map((len) => {
    const sub = new Subset(dataset, perm.slice(at, at + len));
    at += len;
    return sub;
  });
}

/**
 * An iterable-style dataset: samples come from iterating it (a stream, a
 * generator function) rather than by index. A DataLoader over it batches the
 * samples in the order they come; define `length` only if it is known.
 *
 * @example
 * class Counter extends data.IterableDataset<number> {
 *   *[Symbol.iterator]() { for (let i = 0; i < 5; i++) yield i; }
 * }
 * [...new data.DataLoader(new Counter(), { batchSize: 2 })]; // tensors [0, 1], [2, 3], [4]
 */
export abstract class IterableDataset<T = unknown> implements Iterable<T> {
  abstract [Symbol.iterator](): Iterator<T>;
}

/**
 * The samples of several map-style datasets one after the other: index `i`
 * goes to the part whose cumulative size first exceeds it. Negative indices
 * count from the end.
 *
 * @example
 * const both = new data.ConcatDataset([trainA, trainB]);
 * both.cumulativeSizes; // [trainA.length, trainA.length + trainB.length]
 */
export class ConcatDataset<T = unknown> extends Dataset<T> {
  readonly datasets: readonly Dataset<T>[];
  /** The running totals of the parts' lengths. */
  readonly cumulativeSizes: readonly number[];

  constructor(datasets: Iterable<Dataset<T>>) {
    super();
    this.datasets = [...datasets];
    if (this.datasets.length === 0) throw new Error("datasets should not be an empty iterable");
    for (const d of this.datasets) {
      if (d instanceof IterableDataset) throw new Error("ConcatDataset does not support IterableDataset");
    }
    let total = 0;
    this.cumulativeSizes = this.datasets.map((d) => (total += d.length));
  }

  getItem(index: number): T {
    const n = this.length;
    if (index < 0) {
      if (-index > n) throw new Error("absolute value of index should not exceed dataset length");
      index += n;
    }
    if (!Number.isInteger(index) || index >= n) throw new RangeError(`index ${index} is out of range for a ConcatDataset of length ${n}`);
    // binary search for the first part whose cumulative size is > index (bisect_right)
    let lo = 0, hi = this.cumulativeSizes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulativeSizes[mid]! <= index) lo = mid + 1;
      else hi = mid;
    }
    const start = lo === 0 ? 0 : this.cumulativeSizes[lo - 1]!;
    return this.datasets[lo]!.getItem(index - start);
  }

  get length(): number {
    return this.cumulativeSizes[this.cumulativeSizes.length - 1]!;
  }
}

/**
 * Several iterable datasets one after the other, as one stream. Its `length`
 * is the sum of theirs (each must define `length` for it).
 *
 * @example
 * const stream = new data.ChainDataset([monday, tuesday]);
 * for (const sample of stream) { ... }
 */
export class ChainDataset<T = unknown> extends IterableDataset<T> {
  readonly datasets: readonly IterableDataset<T>[];

  constructor(datasets: Iterable<IterableDataset<T>>) {
    super();
    this.datasets = [...datasets];
  }

  *[Symbol.iterator](): Iterator<T> {
    for (const d of this.datasets) {
      if (!(d instanceof IterableDataset)) throw new Error("ChainDataset only supports IterableDataset");
      yield* d;
    }
  }

  get length(): number {
    let total = 0;
    for (const d of this.datasets) {
      if (!(d instanceof IterableDataset)) throw new Error("ChainDataset only supports IterableDataset");
      const n = (d as unknown as { length?: unknown }).length;
      if (typeof n !== "number") throw new TypeError(`object of type '${d.constructor.name}' has no len()`);
      total += n;
    }
    return total;
  }
}

/**
 * Map-style datasets of the same length side by side: sample `i` is the list
 * (or, given an object of datasets, the object) of their `i`-th samples
 * (PyTorch 2.x `StackDataset`).
 *
 * @example
 * const pairs = new data.StackDataset({ image: images, label: labels });
 * pairs.getItem(0); // { image: images.getItem(0), label: labels.getItem(0) }
 */
export class StackDataset<T = unknown> extends Dataset<T> {
  /** The datasets, as given: a list or an object of named ones. */
  readonly datasets: readonly Dataset<unknown>[] | Readonly<Record<string, Dataset<unknown>>>;
  private readonly n: number;

  constructor(...datasets: Dataset<unknown>[]);
  constructor(datasets: Record<string, Dataset<unknown>>);
  constructor(...args: unknown[]) {
    super();
    const named = args.length === 1 && !(args[0] instanceof Dataset) && typeof args[0] === "object" && args[0] !== null;
    const parts = named ? Object.values(args[0] as Record<string, Dataset<unknown>>) : (args as Dataset<unknown>[]);
    if (parts.length === 0) throw new Error("At least one dataset should be passed");
    const n = parts[0]!.length;
    if (parts.some((d) => d.length !== n)) throw new Error("Size mismatch between datasets");
    this.datasets = named ? (args[0] as Record<string, Dataset<unknown>>) : parts;
    this.n = n;
  }

  getItem(index: number): T {
    if (Array.isArray(this.datasets)) return (this.datasets as Dataset<unknown>[]).map((d) => d.getItem(index)) as T;
    const out: Record<string, unknown> = {};
    for (const [k, d] of Object.entries(this.datasets as Record<string, Dataset<unknown>>)) out[k] = d.getItem(index);
    return out as T;
  }

  get length(): number {
    return this.n;
  }
}
