import { stack, indexSelect } from "../ops/indexing.js";
import { fromTypedArray, randperm, tensor } from "../ops/factories.js";
import type { Generator } from "../ops/random.js";
import { Tensor } from "../tensor/tensor.js";
import { type Dataset, Subset, TensorDataset } from "./dataset.js";

export interface DataLoaderOptions<T, B> {
  batchSize?: number;
  /** Reshuffle the order every epoch (each new iteration). */
  shuffle?: boolean;
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
    return tensor(nums, { dtype: nums.every(Number.isInteger) ? "int32" : "float32" });
  }
  if (typeof first === "boolean") return tensor(samples as boolean[]);
  if (Array.isArray(first)) return first.map((_, i) => defaultCollate(samples.map((s) => (s as unknown[])[i])));
  if (typeof first === "object" && first !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(first)) out[k] = defaultCollate(samples.map((s) => (s as Record<string, unknown>)[k]));
    return out;
  }
  return samples;
}

/** The tensors and row indices behind a TensorDataset (or a Subset of one), for the fast path. */
function tensorSource(ds: Dataset<unknown>): { tensors: Tensor[]; map: readonly number[] | null } | null {
  if (ds instanceof TensorDataset) return { tensors: ds.tensors, map: null };
  if (ds instanceof Subset && ds.dataset instanceof TensorDataset) return { tensors: ds.dataset.tensors, map: ds.indices };
  return null;
}

/**
 * Iterates over a dataset in (optionally shuffled) batches, synchronously
 * (`for...of`) or asynchronously (`for await`, yielding to the event loop
 * between batches). For a TensorDataset each batch is one `indexSelect` per
 * tensor rather than a stack of rows.
 *
 * @example
 * const loader = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 64, shuffle: true });
 * for (const [xb, yb] of loader) { ... }
 */
export class DataLoader<T = unknown, B = any> implements Iterable<B>, AsyncIterable<B> {
  readonly dataset: Dataset<T>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly generator: Generator | undefined;
  private readonly collateFn: ((samples: T[]) => B) | undefined;

  constructor(dataset: Dataset<T>, options: DataLoaderOptions<T, B> = {}) {
    this.dataset = dataset;
    this.batchSize = options.batchSize ?? 1;
    if (!Number.isInteger(this.batchSize) || this.batchSize <= 0) {
      throw new Error(`batch_size should be a positive integer value, but got batch_size=${this.batchSize}`);
    }
    this.shuffle = options.shuffle ?? false;
    this.dropLast = options.dropLast ?? false;
    this.generator = options.generator;
    this.collateFn = options.collateFn;
  }

  /** Number of batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  len(): number {
    return this.length;
  }

  private order(): Int32Array {
    const n = this.dataset.length;
    if (this.shuffle) return randperm(n, this.generator !== undefined ? { generator: this.generator } : {}).toArray() as Int32Array;
    return Int32Array.from({ length: n }, (_, i) => i);
  }

  private makeBatch(indices: Int32Array): B {
    const src = this.collateFn === undefined ? tensorSource(this.dataset) : null;
    if (src !== null) {
      const rows = src.map === null ? indices : Int32Array.from(indices, (i) => src.map![i]!);
      const index = fromTypedArray(rows);
      return src.tensors.map((t) => indexSelect(t, 0, index)) as B;
    }
    const samples = Array.from(indices, (i) => this.dataset.getItem(i));
    return (this.collateFn ?? (defaultCollate as (s: T[]) => B))(samples);
  }

  *[Symbol.iterator](): Iterator<B> {
    const order = this.order();
    const n = order.length;
    for (let start = 0; start < n; start += this.batchSize) {
      const end = Math.min(start + this.batchSize, n);
      if (this.dropLast && end - start < this.batchSize) break;
      yield this.makeBatch(order.subarray(start, end));
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    for (const batch of this) {
      yield batch;
      // let other work (a concurrent evaluation, I/O) run between batches
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}
