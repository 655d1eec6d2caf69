import { stack, indexSelect } from "../ops/indexing.js";
import { fromTypedArray, tensor } from "../ops/factories.js";
import type { Generator } from "../ops/random.js";
import { Tensor } from "../tensor/tensor.js";
import { type Dataset, IterableDataset, Subset, TensorDataset } from "./dataset.js";
import { BatchSampler, RandomSampler, SequentialSampler, type Sized } from "./sampler.js";

export interface DataLoaderOptions<T, B> {
  /**
   * Samples per batch (default 1); `null` turns batching off, so the loader
   * yields single samples (passed through `collateFn` when one is given).
   */
  batchSize?: number | null;
  /** Reshuffle the order every epoch (each new iteration). Not with `sampler`. */
  shuffle?: boolean;
  /** The order of the indices (a Sampler, or any iterable of indices with a length). Not with `shuffle`. */
  sampler?: Iterable<number> & Sized;
  /** Yields whole batches of indices; not with `batchSize`, `shuffle`, `sampler` or `dropLast`. */
  batchSampler?: Iterable<readonly number[]> & Sized;
  /** The random stream for shuffling (default: the global one). */
  generator?: Generator;
  /** Drop the last batch when it is smaller than `batchSize`. */
  dropLast?: boolean;
  /** Builds a batch from a list of samples; the default stacks tensors. */
  collateFn?: (samples: T[]) => B;
}

/**
 * PyTorch's default collate: tensors are stacked, numbers become a tensor
 * (int32 when all are integers, else float32), arrays and plain objects are
 * collated field by field.
 *
 * @example
 * defaultCollate([[x0, y0], [x1, y1]]); // [stack([x0, x1]), stack([y0, y1])]
 */
export function defaultCollate(samples: readonly unknown[]): any {
  const first = samples[0];
  if (first instanceof Tensor) return stack(samples as Tensor[]);
  if (typeof first === "number") {
    const nums = samples as number[];
    if (!nums.every(Number.isInteger)) return tensor(nums, { dtype: "float32" });
    // integers become int32 (torchlet's int64): one that does not fit is an error, not a wrapped value
    const big = nums.find((v) => v > 2147483647 || v < -2147483648);
    if (big !== undefined) throw new Error(`default_collate: the integer ${big} does not fit torchlet's int32; return it as a float or a tensor`);
    return tensor(nums, { dtype: "int32" });
  }
  if (typeof first === "boolean") return tensor(samples as boolean[]);
  if (Array.isArray(first)) {
    if (samples.some((s) => !Array.isArray(s) || s.length !== first.length)) throw new Error("each element in list of batch should be of equal size");
    return first.map((_, i) => defaultCollate(samples.map((s) => (s as unknown[])[i])));
  }
  if (typeof first === "object" && first !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(first)) {
      if (samples.some((s) => typeof s !== "object" || s === null || !(k in s))) throw new Error(`KeyError: '${k}' (default_collate: a sample has no field ${k})`);
      out[k] = defaultCollate(samples.map((s) => (s as Record<string, unknown>)[k]));
    }
    return out;
  }
  if (first === null || first === undefined) {
    throw new Error(`default_collate: batch must contain tensors, numbers, dicts or lists; found ${String(first)}`);
  }
  return samples;
}

function genOptions(generator: Generator | undefined): { generator?: Generator } {
  return generator !== undefined ? { generator } : {};
}

/** The tensors and row indices behind a TensorDataset (or a Subset of one), for the fast path. */
function tensorSource(ds: Dataset<unknown>): { tensors: Tensor[]; map: readonly number[] | null } | null {
  if (ds instanceof TensorDataset) return { tensors: ds.tensors, map: null };
  if (ds instanceof Subset && ds.dataset instanceof TensorDataset) return { tensors: ds.dataset.tensors, map: ds.indices };
  return null;
}

/**
 * Iterates over a dataset in batches, synchronously (`for...of`) or
 * asynchronously (`for await`, yielding to the event loop between batches).
 * The order comes from `sampler` (default: in order, or a RandomSampler with
 * `shuffle: true`), grouped by `batchSize` / `dropLast` or by a
 * `batchSampler`; `batchSize: null` yields single samples. For a
 * TensorDataset each batch is one `indexSelect` per tensor rather than a
 * stack of rows. An IterableDataset is batched in the order it yields.
 *
 * @example
 * const loader = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 64, shuffle: true });
 * for (const [xb, yb] of loader) { ... }
 * const weighted = new data.DataLoader(ds, { batchSize: 64, sampler: new data.WeightedRandomSampler(w, ds.length) });
 */
export class DataLoader<T = unknown, B = any> implements Iterable<B>, AsyncIterable<B> {
  readonly dataset: Dataset<T> | IterableDataset<T>;
  /** Samples per batch; null with a `batchSampler` or when batching is off. */
  readonly batchSize: number | null;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly generator: Generator | undefined;
  /** The index order (null for an IterableDataset). */
  readonly sampler: (Iterable<number> & Sized) | null;
  /** The batches of indices (null when batching is off or for an IterableDataset). */
  readonly batchSampler: (Iterable<readonly number[]> & Sized) | null;
  private readonly collateFn: ((samples: T[]) => B) | undefined;

  constructor(dataset: Dataset<T> | IterableDataset<T>, options: DataLoaderOptions<T, B> = {}) {
    this.dataset = dataset;
    this.shuffle = options.shuffle ?? false;
    this.generator = options.generator;
    this.collateFn = options.collateFn;
    let batchSize = options.batchSize === undefined ? 1 : options.batchSize;
    let dropLast = options.dropLast ?? false;
    if (dataset instanceof IterableDataset) {
      if (options.shuffle) throw new Error("DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=True");
      if (options.sampler !== undefined) throw new Error("DataLoader with IterableDataset: expected unspecified sampler option, but got sampler=" + options.sampler.constructor.name);
      if (options.batchSampler !== undefined) {
        throw new Error("DataLoader with IterableDataset: expected unspecified batch_sampler option, but got batch_sampler=" + options.batchSampler.constructor.name);
      }
    }
    if (options.sampler !== undefined && this.shuffle) throw new Error("sampler option is mutually exclusive with shuffle");
    let batchSampler: (Iterable<readonly number[]> & Sized) | null = null;
    if (options.batchSampler !== undefined) {
      if (batchSize !== 1 || this.shuffle || options.sampler !== undefined || dropLast) {
        throw new Error("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last");
      }
      batchSize = null;
      dropLast = false;
      batchSampler = options.batchSampler;
    } else if (batchSize === null && dropLast) {
      throw new Error("batch_size=None option disables auto-batching and is mutually exclusive with drop_last");
    }
    if (batchSize !== null && (!Number.isInteger(batchSize) || batchSize <= 0)) {
      throw new Error(`batch_size should be a positive integer value, but got batch_size=${batchSize}`);
    }
    this.batchSize = batchSize;
    this.dropLast = dropLast;
    if (dataset instanceof IterableDataset) {
      this.sampler = null;
      this.batchSampler = null;
      return;
    }
    this.sampler = options.sampler ?? (this.shuffle ? new RandomSampler(dataset, genOptions(this.generator)) : new SequentialSampler(dataset));
    if (batchSampler === null && batchSize !== null) batchSampler = new BatchSampler(this.sampler, batchSize, dropLast);
    this.batchSampler = batchSampler;
  }

  /**
   * Batches per epoch (samples when batching is off), as PyTorch's `len()`.
   * For an IterableDataset this needs the dataset's own `length`.
   */
  get length(): number {
    if (this.dataset instanceof IterableDataset) {
      const n = (this.dataset as unknown as Partial<Sized>).length;
      if (typeof n !== "number") throw new TypeError(`object of type '${this.dataset.constructor.name}' has no len()`);
      if (this.batchSize === null) return n;
      return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
    }
    return (this.batchSampler ?? this.sampler!).length;
  }

  len(): number {
    return this.length;
  }

  private collate(samples: T[]): B {
    return (this.collateFn ?? (defaultCollate as (s: T[]) => B))(samples);
  }

  private makeBatch(indices: readonly number[]): B {
    const ds = this.dataset as Dataset<T>;
    const src = this.collateFn === undefined ? tensorSource(ds) : null;
    if (src !== null) {
      const rows = src.map === null ? Int32Array.from(indices) : Int32Array.from(indices, (i) => src.map![i]!);
      const index = fromTypedArray(rows);
      return src.tensors.map((t) => indexSelect(t, 0, index)) as B;
    }
    return this.collate(indices.map((i) => ds.getItem(i)));
  }

  /** One sample when batching is off: as it is, or through `collateFn` when given (PyTorch's `batch_size=None`). */
  private single(sample: T): B {
    return this.collateFn === undefined ? (sample as unknown as B) : (this.collateFn as unknown as (s: T) => B)(sample);
  }

  *[Symbol.iterator](): Iterator<B> {
    if (this.dataset instanceof IterableDataset) {
      yield* this.iterateStream(this.dataset);
      return;
    }
    if (this.batchSampler !== null) {
      for (const indices of this.batchSampler) yield this.makeBatch(indices);
      return;
    }
    for (const i of this.sampler!) yield this.single(this.dataset.getItem(i));
  }

  private *iterateStream(stream: IterableDataset<T>): IterableIterator<B> {
    if (this.batchSize === null) {
      for (const sample of stream) yield this.single(sample);
      return;
    }
    let batch: T[] = [];
    for (const sample of stream) {
      batch.push(sample);
      if (batch.length === this.batchSize) {
        yield this.collate(batch);
        batch = [];
      }
    }
    if (batch.length > 0 && !this.dropLast) yield this.collate(batch);
  }
  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    for (const batch of this) {
      yield batch;
      // let other work (a concurrent evaluation, I/O) run between batches
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}
