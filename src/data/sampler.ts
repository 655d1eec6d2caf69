import { randint, randperm, tensor } from "../ops/factories.js";
import { defaultGenerator, Generator } from "../ops/random.js";
import { toDtype } from "../ops/elementwise.js";
import { multinomial } from "../ops/sampling.js";
import type { Tensor } from "../tensor/tensor.js";

/** Anything with a length, such as a map-style Dataset (PyTorch's `Sized`). */
export interface Sized {
  readonly length: number;
}

function genOptions(generator: Generator | undefined): { generator?: Generator } {
  return generator !== undefined ? { generator } : {};
}

function checkPositiveInt(name: string, value: unknown): void {
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
    throw new Error(`${name} should be a positive integer value, but got ${name}=${String(value)}`);
  }
}

function checkBool(name: string, value: unknown): void {
  if (typeof value !== "boolean") throw new TypeError(`${name} should be a boolean value, but got ${name}=${String(value)}`);
}

/**
 * The base of all samplers: an iterable of indices (or, for a BatchSampler,
 * of lists of indices) with a `length`. Each new iteration is a new epoch.
 *
 * @example
 * class EvenSampler extends data.Sampler {
 *   constructor(private n: number) { super(); }
 *   get length() { return Math.ceil(this.n / 2); }
 *   *[Symbol.iterator]() { for (let i = 0; i < this.n; i += 2) yield i; }
 * }
 */
export abstract class Sampler<I = number> implements Iterable<I> {
  abstract [Symbol.iterator](): Iterator<I>;
  abstract get length(): number;

  /** Same as `length` (PyTorch's `len(sampler)`). */
  len(): number {
    return this.length;
  }
}

/**
 * Yields `0, 1, ..., dataSource.length - 1` in order.
 *
 * @example
 * [...new data.SequentialSampler(ds)]; // [0, 1, 2, ...]
 */
export class SequentialSampler extends Sampler<number> {
  constructor(readonly dataSource: Sized) {
    super();
  }

  *[Symbol.iterator](): Iterator<number> {
    const n = this.dataSource.length;
    for (let i = 0; i < n; i++) yield i;
  }

  get length(): number {
    return this.dataSource.length;
  }
}

export interface RandomSamplerOptions {
  /** Draw with replacement (indices may repeat); default false. */
  replacement?: boolean;
  /** How many indices per epoch; default `dataSource.length`. */
  numSamples?: number;
  /** The random stream (default: the global one). */
  generator?: Generator;
}

/**
 * Random indices into `dataSource`: a fresh permutation every epoch, or
 * `numSamples` independent uniform draws with `replacement: true`. Without
 * replacement and `numSamples > length`, whole permutations are chained
 * (PyTorch 2.x).
 *
 * @example
 * const sampler = new data.RandomSampler(ds, { generator: new torch.Generator(0) });
 * const loader = new data.DataLoader(ds, { batchSize: 32, sampler });
 */
export class RandomSampler extends Sampler<number> {
  readonly dataSource: Sized;
  readonly replacement: boolean;
  readonly generator: Generator | undefined;
  private readonly requested: number | undefined;

  constructor(dataSource: Sized, options: RandomSamplerOptions = {}) {
    super();
    this.dataSource = dataSource;
    this.replacement = options.replacement ?? false;
    this.requested = options.numSamples;
    this.generator = options.generator;
    checkBool("replacement", this.replacement);
    checkPositiveInt("num_samples", this.numSamples);
  }

  /** Indices per epoch (the dataset's length unless `numSamples` was given). */
  get numSamples(): number {
    return this.requested ?? this.dataSource.length;
  }

  *[Symbol.iterator](): Iterator<number> {
    const n = this.dataSource.length;
    const total = this.numSamples;
    // without a generator, PyTorch's: a new one seeded from the default generator each epoch
    const opts = { generator: this.generator ?? new Generator(defaultGenerator.drawSeed()) };
    if (this.replacement) {
      // in chunks of 32 draws, as PyTorch does
      for (let done = 0; done < total; done += 32) {
        yield* randint(0, n, [Math.min(32, total - done)], opts).toArray() as Int32Array;
      }
      return;
    }
    if (n === 0) throw new Error("ZeroDivisionError: integer division or modulo by zero (RandomSampler over an empty data source)");
    for (let k = 0; k < Math.floor(total / n); k++) yield* randperm(n, opts).toArray() as Int32Array;
    // a last permutation for the remainder, drawn even when there is none (its draws advance the generator, as in PyTorch)
    yield* (randperm(n, opts).toArray() as Int32Array).subarray(0, total % n);
  }

  get length(): number {
    return this.numSamples;
  }
}

/**
 * The given indices in a random order, freshly shuffled every epoch (for
 * example the training part of a dataset).
 *
 * @example
 * const sampler = new data.SubsetRandomSampler([0, 2, 4, 6], { generator: new torch.Generator(0) });
 * [...sampler].sort(); // [0, 2, 4, 6] in some order
 */
export class SubsetRandomSampler extends Sampler<number> {
  readonly indices: readonly number[];
  readonly generator: Generator | undefined;

  constructor(indices: readonly number[], options: { generator?: Generator } = {}) {
    super();
    this.indices = indices;
    this.generator = options.generator;
  }

  *[Symbol.iterator](): Iterator<number> {
    for (const i of randperm(this.indices.length, genOptions(this.generator)).toArray() as Int32Array) yield this.indices[i]!;
  }

  get length(): number {
    return this.indices.length;
  }
}

/**
 * `numSamples` indices in `[0, weights.length)`, index `i` drawn with
 * probability proportional to `weights[i]` (the weights need not sum to 1).
 * With replacement (the default) indices repeat; without it each index is
 * drawn at most once.
 *
 * @example
 * // oversample the rare class: weight each sample by 1 / (its class count)
 * const sampler = new data.WeightedRandomSampler([0.1, 0.1, 0.9], 100, { generator: new torch.Generator(0) });
 */
export class WeightedRandomSampler extends Sampler<number> {
  readonly weights: Tensor;
  readonly numSamples: number;
  readonly replacement: boolean;
  readonly generator: Generator | undefined;

  constructor(weights: readonly number[] | Tensor, numSamples: number, options: { replacement?: boolean; generator?: Generator } = {}) {
    super();
    checkPositiveInt("num_samples", numSamples);
    this.replacement = options.replacement ?? true;
    checkBool("replacement", this.replacement);
    const w = Array.isArray(weights) ? tensor(weights as number[], { dtype: "float64" }) : toDtype(weights as Tensor, "float64");
    if (w.dim() !== 1) throw new Error(`weights should be a 1d sequence but given weights have shape (${w.shape.join(", ")}${w.dim() === 1 ? "," : ""})`);
    this.weights = w;
    this.numSamples = numSamples;
    this.generator = options.generator;
  }

  *[Symbol.iterator](): Iterator<number> {
    const drawn = multinomial(this.weights, this.numSamples, { replacement: this.replacement, ...genOptions(this.generator) });
    yield* drawn.toArray() as Int32Array;
  }

  get length(): number {
    return this.numSamples;
  }
}

/**
 * Groups the indices of another sampler (or any iterable of indices) into
 * lists of `batchSize`; the last shorter list is dropped when `dropLast`.
 *
 * @example
 * [...new data.BatchSampler(new data.SequentialSampler(ds), 3, false)]; // [[0, 1, 2], [3, 4, 5], ...]
 */
export class BatchSampler extends Sampler<number[]> {
  readonly sampler: Iterable<number> & Sized;
  readonly batchSize: number;
  readonly dropLast: boolean;

  constructor(sampler: Iterable<number> & Sized, batchSize: number, dropLast: boolean) {
    super();
    checkPositiveInt("batch_size", batchSize);
    if (typeof dropLast !== "boolean") throw new Error(`drop_last should be a boolean value, but got drop_last=${String(dropLast)}`);
    this.sampler = sampler;
    this.batchSize = batchSize;
    this.dropLast = dropLast;
  }

  *[Symbol.iterator](): Iterator<number[]> {
    let batch: number[] = [];
    for (const i of this.sampler) {
      batch.push(i);
      if (batch.length === this.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.dropLast) yield batch;
  }

  get length(): number {
    const n = this.sampler.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }
}
