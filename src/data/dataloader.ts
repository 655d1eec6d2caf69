import { stack, indexSelect } from "../ops/indexing.js";
import { fromTypedArray, tensor } from "../ops/factories.js";
import { defaultGenerator, type Generator } from "../ops/random.js";
import { Tensor } from "../tensor/tensor.js";
import { type Dataset, IterableDataset, listItem, Subset, TensorDataset, tensorRow } from "./dataset.js";
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
  /**
   * Builds a batch from a list of samples; the default stacks tensors. For a
   * dataset whose `getItem` is async it gets the resolved samples.
   */
  collateFn?: (samples: Awaited<T>[]) => B;
  /**
   * Under `for await`, how many batches (samples with `batchSize: null`) load
   * ahead while the loop's body runs: PyTorch's worker processes, as
   * promises. It pays off for a dataset whose `getItem` is async (reading
   * files, fetching): the samples of every batch in flight load concurrently.
   * 0 (the default) loads each batch when the loop asks for it, its samples
   * still concurrently. A plain `for...of` ignores it.
   */
  numWorkers?: number;
}

/**
 * PyTorch's default collate: tensors are stacked, typed arrays become
 * tensors of their dtype and are stacked (as numpy arrays in PyTorch), numbers
 * become a tensor (int32 when all are integers, else float32), arrays, Maps
 * and plain objects are collated field by field.
 *
 * @example
 * defaultCollate([[x0, y0], [x1, y1]]); // [stack([x0, x1]), stack([y0, y1])]
 */
export function defaultCollate(samples: readonly unknown[]): any {
  const first = samples[0];
  if (first instanceof Tensor) {
    const other = samples.findIndex((s) => !(s instanceof Tensor));
    if (other >= 0) throw new TypeError(`expected Tensor as element ${other} in argument 0, but got ${pythonTypeName(samples[other])}`);
    return stack(samples as Tensor[]);
  }
  // typed arrays are JS's numpy arrays: each becomes a tensor of its dtype, then they are stacked
  if (ArrayBuffer.isView(first) && !(first instanceof DataView)) return defaultCollate(samples.map((s) => (ArrayBuffer.isView(s) ? tensor(s as Float32Array) : s)));
  if (first instanceof Map) {
    return new Map([...first.keys()].map((k) => {
      if (samples.some((s) => !(s instanceof Map) || !s.has(k))) throw new Error(`KeyError: ${String(k)} (default_collate: a sample has no key ${String(k)})`);
      return [k, defaultCollate(samples.map((s) => (s as Map<unknown, unknown>).get(k)))];
    }));
  }
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

/** The Python type name PyTorch's messages would show for a JS value. */
function pythonTypeName(v: unknown): string {
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (typeof v === "string") return "str";
  if (typeof v === "boolean") return "bool";
  if (v === null || v === undefined) return "NoneType";
  return (v).constructor?.name ?? typeof v;
}

function genOptions(generator: Generator | undefined): { generator?: Generator } {
  return generator !== undefined ? { generator } : {};
}

/** True for a TensorDataset whose getItem is TensorDataset's own (a subclass may change the samples). */
const plainTensorDataset = (ds: unknown): ds is TensorDataset => ds instanceof TensorDataset && ds.getItem === TensorDataset.prototype.getItem;

/**
 * The tensors behind a plain TensorDataset (or a plain Subset of one) and the
 * rows that `indices` select, read exactly as `getItem` would read them; null
 * when batches must go through `getItem`.
 */
function tensorRows(ds: Dataset<unknown>, indices: readonly number[]): { tensors: Tensor[]; rows: Int32Array } | null {
  if (plainTensorDataset(ds)) return { tensors: ds.tensors, rows: Int32Array.from(indices, (i) => tensorRow(i, ds.length)) };
  if (ds instanceof Subset && ds.getItem === Subset.prototype.getItem && plainTensorDataset(ds.dataset)) {
    const inner = ds.dataset, map = ds.indices;
    return { tensors: inner.tensors, rows: Int32Array.from(indices, (i) => tensorRow(listItem(map, i), inner.length)) };
  }
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
  readonly dataset: Dataset<T> | IterableDataset<T> | readonly T[];
  /** Samples per batch; null with a `batchSampler` or when batching is off. */
  readonly batchSize: number | null;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly generator: Generator | undefined;
  /** The index order (null for an IterableDataset). */
  readonly sampler: (Iterable<number> & Sized) | null;
  /** The batches of indices (null when batching is off or for an IterableDataset). */
  readonly batchSampler: (Iterable<readonly number[]> & Sized) | null;
  private readonly collateFn: ((samples: Awaited<T>[]) => B) | undefined;
  /** Batches loaded ahead under `for await` (see DataLoaderOptions.numWorkers). */
  readonly numWorkers: number;

  /** A map-style dataset, an IterableDataset, or a plain array of samples (PyTorch takes any list). */
  constructor(dataset: Dataset<T> | IterableDataset<T> | readonly T[], options: DataLoaderOptions<T, B> = {}) {
    this.dataset = dataset;
    this.shuffle = options.shuffle ?? false;
    this.generator = options.generator;
    this.collateFn = options.collateFn;
    const workers = options.numWorkers ?? 0;
    if (!Number.isInteger(workers) || workers < 0) {
      throw new Error(`num_workers option should be non-negative; use num_workers=0 to disable multiprocessing. (got ${workers})`);
    }
    this.numWorkers = workers;
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
    // (a BatchSampler's length comes from its sampler's: check the one the user gave)
    for (const s of [this.sampler, this.batchSampler]) {
      if (s !== null && typeof s.length !== "number") throw new TypeError(`object of type '${s.constructor.name}' has no len()`);
    }
    return (this.batchSampler ?? this.sampler!).length;
  }

  len(): number {
    return this.length;
  }

  private collate(samples: Awaited<T>[]): B {
    return (this.collateFn ?? (defaultCollate as (s: Awaited<T>[]) => B))(samples);
  }

  private makeBatch(indices: readonly number[]): B {
    const ds = this.dataset as Dataset<T> | readonly T[];
    const src = this.collateFn === undefined && !Array.isArray(ds) ? tensorRows(ds as Dataset<T>, indices) : null;
    if (src !== null) {
      const index = fromTypedArray(src.rows);
      return src.tensors.map((t) => indexSelect(t, 0, index)) as B;
    }
    return this.collate(indices.map((i) => this.sample(i)));
  }

  /** The sample at index `i` of a map-style dataset or array, which must not be a promise (see `for await`). */
  private sample(i: number): Awaited<T> {
    const s = this.rawSample(i);
    if (isThenable(s)) {
      throw new TypeError("DataLoader: the dataset's getItem returned a Promise; iterate the loader with `for await (const batch of loader)`");
    }
    return s as Awaited<T>;
  }

  private rawSample(i: number): T {
    const ds = this.dataset as Dataset<T> | readonly T[];
    return Array.isArray(ds) ? listItem(ds as readonly T[], i) : (ds as Dataset<T>).getItem(i);
  }

  /** A batch (indices) or a single sample (an index) with async samples awaited, all of the batch's at once. */
  private async load(unit: readonly number[] | number): Promise<B> {
    if (typeof unit === "number") return this.single(await this.rawSample(unit));
    const ds = this.dataset;
    if (this.collateFn === undefined && !Array.isArray(ds) && tensorRows(ds as Dataset<T>, unit) !== null) return this.makeBatch(unit);
    return this.collate(await Promise.all(unit.map((i) => this.rawSample(i))));
  }

  /** One sample when batching is off: as it is, or through `collateFn` when given (PyTorch's `batch_size=None`). */
  private single(sample: Awaited<T>): B {
    return this.collateFn === undefined ? (sample as unknown as B) : (this.collateFn as unknown as (s: T) => B)(sample);
  }

  /** Each pass draws a base seed first, as PyTorch's loader iterator does, so the samplers' draws that follow are PyTorch's. */
  private drawBaseSeed(): void {
    (this.generator ?? defaultGenerator).drawSeed();
  }

  *[Symbol.iterator](): Iterator<B> {
    this.drawBaseSeed();
    if (this.dataset instanceof IterableDataset) {
      yield* this.iterateStream(this.dataset);
      return;
    }
    if (this.batchSampler !== null) {
      for (const indices of this.batchSampler) yield this.makeBatch(indices);
      return;
    }
    for (const i of this.sampler!) yield this.single(this.sample(i));
  }

  private *iterateStream(stream: IterableDataset<T>): IterableIterator<B> {
    // (an IterableDataset yields its samples themselves, not promises of them)
    const samples = stream as Iterable<Awaited<T>>;
    if (this.batchSize === null) {
      for (const sample of samples) yield this.single(sample);
      return;
    }
    let batch: Awaited<T>[] = [];
    for (const sample of samples) {
      batch.push(sample);
      if (batch.length === this.batchSize) {
        yield this.collate(batch);
        batch = [];
      }
    }
    if (batch.length > 0 && !this.dropLast) yield this.collate(batch);
  }

  /**
   * `for await`: batches in the same order as `for...of`, with an async
   * `getItem` awaited (a batch's samples concurrently) and `numWorkers`
   * batches loading ahead. Yields to the event loop between batches.
   */
  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    this.drawBaseSeed();
    if (this.dataset instanceof IterableDataset) {
      for (const batch of this.iterateStream(this.dataset)) {
        yield batch;
        await nextTurn();
      }
      return;
    }
    const units: Iterator<readonly number[] | number> = (this.batchSampler ?? this.sampler!)[Symbol.iterator]();
    const pending: Promise<B>[] = [];
    const fill = (upTo: number) => {
      while (pending.length < upTo) {
        const next = units.next();
        if (next.done === true) return;
        const batch = this.load(next.value);
        // a batch loaded ahead may fail before the loop reaches it: it raises there, not as an unhandled rejection
        batch.catch(() => {});
        pending.push(batch);
      }
    };
    for (fill(Math.max(1, this.numWorkers)); pending.length > 0; ) {
      const batch = await pending.shift()!;
      fill(this.numWorkers);
      yield batch;
      // let other work (a concurrent evaluation, I/O) run between batches
      await nextTurn();
      fill(1);
    }
  }
}

function isThenable(x: unknown): boolean {
  return (typeof x === "object" || typeof x === "function") && x !== null && typeof (x as { then?: unknown }).then === "function";
}

function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}
