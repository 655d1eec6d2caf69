/** data: samplers, DataLoader with sampler / batchSampler / batchSize null, ConcatDataset, IterableDataset. Random orders are tested by their properties. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { values } from "./nn-helpers.js";

const { data } = torch;

function dataset(n: number) {
  const x = torch.arange(0, n * 2, 1, { dtype: "float32" }).reshape([n, 2]);
  const y = torch.arange(0, n, 1, { dtype: "int32" });
  return new data.TensorDataset(x, y);
}

const range = (n: number) => [...Array(n).keys()];
const sorted = (a: Iterable<number>) => [...a].sort((p, q) => p - q);

class Numbers extends data.Dataset<number> {
  constructor(private readonly n: number, private readonly offset = 0) {
    super();
  }
  get length() {
    return this.n;
  }
  getItem(i: number) {
    if (i < 0 || i >= this.n) throw new RangeError(`bad index ${i}`);
    return this.offset + i;
  }
}

test("SequentialSampler yields 0..n-1 and has the dataset's length", () => {
  const s = new data.SequentialSampler(new Numbers(5));
  assert.deepEqual([...s], [0, 1, 2, 3, 4]);
  assert.equal(s.length, 5);
  assert.equal(s.len(), 5);
  assert.deepEqual([...new data.SequentialSampler([])], []);
});

test("RandomSampler without replacement: each index once per epoch, new order each epoch, repeatable from a seed", () => {
  const ds = new Numbers(20);
  const s = new data.RandomSampler(ds, { generator: new torch.Generator(3) });
  assert.equal(s.length, 20);
  assert.equal(s.numSamples, 20);
  const e1 = [...s], e2 = [...s];
  assert.deepEqual(sorted(e1), range(20));
  assert.deepEqual(sorted(e2), range(20));
  assert.notDeepEqual(e1, e2);
  assert.notDeepEqual(e1, range(20));
  const again = new data.RandomSampler(ds, { generator: new torch.Generator(3) });
  assert.deepEqual([...again], e1);
  assert.deepEqual([...again], e2);
  // numSamples beyond the length (2.x): whole permutations chained, then a partial one
  const long = [...new data.RandomSampler(new Numbers(4), { numSamples: 10, generator: new torch.Generator(1) })];
  assert.equal(long.length, 10);
  assert.deepEqual(sorted(long.slice(0, 4)), range(4));
  assert.deepEqual(sorted(long.slice(4, 8)), range(4));
  assert.equal(new Set(long.slice(8)).size, 2);
  const short = [...new data.RandomSampler(new Numbers(10), { numSamples: 3, generator: new torch.Generator(1) })];
  assert.equal(short.length, 3);
  assert.equal(new Set(short).size, 3);
});

test("RandomSampler with replacement: numSamples draws in range, repeats happen", () => {
  const s = new data.RandomSampler(new Numbers(5), { replacement: true, numSamples: 100, generator: new torch.Generator(0) });
  assert.equal(s.length, 100);
  const draws = [...s];
  assert.equal(draws.length, 100);
  assert.ok(draws.every((i) => Number.isInteger(i) && i >= 0 && i < 5));
  assert.deepEqual(sorted(new Set(draws)), range(5)); // 100 draws of 5 values cover them all
  assert.equal([...new data.RandomSampler(new Numbers(50), { replacement: true, generator: new torch.Generator(0) })].length, 50);
  // more than one chunk of 32 and an odd count
  assert.equal([...new data.RandomSampler(new Numbers(3), { replacement: true, numSamples: 65 })].length, 65);
  const a = [...new data.RandomSampler(new Numbers(9), { replacement: true, numSamples: 40, generator: new torch.Generator(5) })];
  const b = [...new data.RandomSampler(new Numbers(9), { replacement: true, numSamples: 40, generator: new torch.Generator(5) })];
  assert.deepEqual(a, b);
});

test("RandomSampler argument errors match PyTorch", () => {
  assert.throws(() => new data.RandomSampler(new Numbers(5), { numSamples: 0 }), /^Error: num_samples should be a positive integer value, but got num_samples=0$/);
  assert.throws(() => new data.RandomSampler(new Numbers(5), { numSamples: 2.5 }), /num_samples=2.5/);
  assert.throws(() => new data.RandomSampler(new Numbers(0)), /but got num_samples=0/);
  assert.throws(() => new data.RandomSampler(new Numbers(5), { replacement: 1 as unknown as boolean }), /^TypeError: replacement should be a boolean value, but got replacement=1$/);
});

test("SubsetRandomSampler permutes exactly the given indices every epoch", () => {
  const idx = [3, 7, 11, 19, 23, 42];
  const s = new data.SubsetRandomSampler(idx, { generator: new torch.Generator(2) });
  assert.equal(s.length, 6);
  const e1 = [...s], e2 = [...s];
  assert.deepEqual(sorted(e1), idx);
  assert.deepEqual(sorted(e2), idx);
  assert.notDeepEqual(e1, e2);
  assert.deepEqual([...new data.SubsetRandomSampler(idx, { generator: new torch.Generator(2) })], e1);
});

test("WeightedRandomSampler: frequencies follow the weights within a few standard errors, zero weights never drawn", () => {
  const weights = [1, 0, 3, 6, 0];
  const n = 20000;
  const s = new data.WeightedRandomSampler(weights, n, { generator: new torch.Generator(11) });
  assert.equal(s.length, n);
  assert.equal(s.replacement, true);
  const counts = new Array<number>(5).fill(0);
  for (const i of s) counts[i]! += 1;
  assert.equal(counts.reduce((a, b) => a + b, 0), n);
  assert.equal(counts[1], 0);
  assert.equal(counts[4], 0);
  for (const [i, w] of weights.entries()) {
    const p = w / 10;
    const se = Math.sqrt((n * p * (1 - p)) || 1);
    assert.ok(Math.abs(counts[i]! - n * p) < 4 * se, `index ${i}: ${counts[i]} draws, expected ${n * p} ± ${4 * se}`);
  }
  // a tensor of weights, and the same seed gives the same draws
  const t = torch.tensor([0.5, 0.5, 0], { dtype: "float32" });
  const a = [...new data.WeightedRandomSampler(t, 50, { generator: new torch.Generator(4) })];
  const b = [...new data.WeightedRandomSampler(t, 50, { generator: new torch.Generator(4) })];
  assert.deepEqual(a, b);
  assert.ok(a.every((i) => i === 0 || i === 1));
  assert.ok(a.includes(0) && a.includes(1));
});

test("WeightedRandomSampler without replacement draws distinct indices; argument errors match PyTorch", () => {
  const s = new data.WeightedRandomSampler([1, 2, 3, 4, 0], 4, { replacement: false, generator: new torch.Generator(0) });
  for (let epoch = 0; epoch < 20; epoch++) assert.deepEqual(sorted(s), [0, 1, 2, 3]);
  assert.throws(() => new data.WeightedRandomSampler([1, 2], 0), /^Error: num_samples should be a positive integer value, but got num_samples=0$/);
  assert.throws(() => new data.WeightedRandomSampler([1, 2], -3), /but got num_samples=-3/);
  assert.throws(() => new data.WeightedRandomSampler([1, 2], 2, { replacement: "yes" as unknown as boolean }), /replacement should be a boolean value, but got replacement=yes/);
  assert.throws(() => new data.WeightedRandomSampler(torch.ones([2, 2]), 2), /weights should be a 1d sequence but given weights have shape \(2, 2\)/);
});

test("BatchSampler groups indices, with dropLast, and has PyTorch's length and errors", () => {
  const seq = new data.SequentialSampler(new Numbers(10));
  const b = new data.BatchSampler(seq, 3, false);
  assert.deepEqual([...b], [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
  assert.equal(b.length, 4);
  const d = new data.BatchSampler(seq, 3, true);
  assert.deepEqual([...d], [[0, 1, 2], [3, 4, 5], [6, 7, 8]]);
  assert.equal(d.length, 3);
  assert.deepEqual([...new data.BatchSampler(seq, 5, true)], [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]);
  // any iterable of indices with a length, e.g. an array
  assert.deepEqual([...new data.BatchSampler([4, 2, 0], 2, false)], [[4, 2], [0]]);
  // over a random sampler: each epoch is a new permutation cut into batches
  const r = new data.BatchSampler(new data.RandomSampler(new Numbers(7), { generator: new torch.Generator(0) }), 2, false);
  const batches = [...r];
  assert.deepEqual(batches.map((x) => x.length), [2, 2, 2, 1]);
  assert.deepEqual(sorted(batches.flat()), range(7));
  assert.throws(() => new data.BatchSampler(seq, 0, false), /^Error: batch_size should be a positive integer value, but got batch_size=0$/);
  assert.throws(() => new data.BatchSampler(seq, 1.5, false), /batch_size=1.5/);
  assert.throws(() => new data.BatchSampler(seq, 2, 0 as unknown as boolean), /drop_last should be a boolean value, but got drop_last=0/);
});

test("a custom Sampler subclass works with len() and the DataLoader", () => {
  class Evens extends data.Sampler {
    constructor(private readonly n: number) {
      super();
    }
    get length() {
      return Math.ceil(this.n / 2);
    }
    *[Symbol.iterator]() {
      for (let i = 0; i < this.n; i += 2) yield i;
    }
  }
  const s = new Evens(7);
  assert.equal(s.len(), 4);
  const loader = new data.DataLoader(new Numbers(7, 100), { batchSize: 3, sampler: s });
  assert.equal(loader.length, 2);
  assert.deepEqual([...loader].map(values), [[100, 102, 104], [106]]);
});

test("DataLoader with a sampler yields batches in the sampler's order (TensorDataset fast path and collate path)", () => {
  const ds = dataset(8);
  const order = [5, 1, 7, 0, 2, 6, 3, 4];
  const loader = new data.DataLoader(ds, { batchSize: 3, sampler: order });
  assert.equal(loader.length, 3);
  const batches = [...loader] as torch.Tensor[][];
  assert.deepEqual(batches.map(([, y]) => values(y!)), [[5, 1, 7], [0, 2, 6], [3, 4]]);
  for (const [x, y] of batches) assert.deepEqual(values(x!), values(y!).flatMap((i) => [2 * i, 2 * i + 1]));
  const dropped = new data.DataLoader(ds, { batchSize: 3, sampler: order, dropLast: true });
  assert.equal(dropped.length, 2);
  assert.equal([...dropped].length, 2);
  // shuffle with a generator is a RandomSampler on it, after the loader drew its base seed from it (as PyTorch's loader does)
  const drawn = new torch.Generator(9);
  drawn.drawSeed();
  const viaSampler = new data.DataLoader(ds, { batchSize: 4, sampler: new data.RandomSampler(ds, { generator: drawn }), generator: new torch.Generator(0) });
  const viaShuffle = new data.DataLoader(ds, { batchSize: 4, shuffle: true, generator: new torch.Generator(9) });
  const ys = (l: Iterable<unknown>) => ([...l] as torch.Tensor[][]).map(([, y]) => values(y!));
  assert.deepEqual(ys(viaSampler), ys(viaShuffle));
  // a weighted sampler through a custom dataset
  const w = new data.DataLoader(new Numbers(4, 10), { batchSize: 50, sampler: new data.WeightedRandomSampler([0, 1, 0, 1], 100, { generator: new torch.Generator(1) }) });
  assert.equal(w.length, 2);
  const all = ([...w] as torch.Tensor[]).flatMap(values);
  assert.equal(all.length, 100);
  assert.deepEqual(sorted(new Set(all)), [11, 13]);
});

test("DataLoader with a batchSampler uses its batches; batchSize is null", () => {
  const ds = dataset(6);
  const batchSampler = [[4, 5], [0], [1, 2, 3]];
  const loader = new data.DataLoader(ds, { batchSampler });
  assert.equal(loader.batchSize, null);
  assert.equal(loader.length, 3);
  assert.deepEqual(([...loader] as torch.Tensor[][]).map(([, y]) => values(y!)), batchSampler);
  const bs = new data.BatchSampler(new data.SequentialSampler(ds), 4, true);
  const l2 = new data.DataLoader(new Numbers(6), { batchSampler: bs, batchSize: 1 });
  assert.equal(l2.length, 1);
  assert.deepEqual([...l2].map(values), [[0, 1, 2, 3]]);
});

test("DataLoader option conflicts throw PyTorch's messages", () => {
  const ds = dataset(4);
  const bs = [[0, 1]];
  assert.throws(() => new data.DataLoader(ds, { sampler: [0, 1], shuffle: true }), /^Error: sampler option is mutually exclusive with shuffle$/);
  const msg = /^Error: batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last$/;
  assert.throws(() => new data.DataLoader(ds, { batchSampler: bs, batchSize: 2 }), msg);
  assert.throws(() => new data.DataLoader(ds, { batchSampler: bs, shuffle: true }), msg);
  assert.throws(() => new data.DataLoader(ds, { batchSampler: bs, sampler: [0] }), msg);
  assert.throws(() => new data.DataLoader(ds, { batchSampler: bs, dropLast: true }), msg);
  assert.throws(() => new data.DataLoader(ds, { batchSize: null, dropLast: true }), /batch_size=None option disables auto-batching and is mutually exclusive with drop_last/);
  assert.throws(() => new data.DataLoader(ds, { batchSize: -1 }), /but got batch_size=-1/);
  // allowed: shuffle false with a sampler
  assert.equal(new data.DataLoader(ds, { sampler: [1, 0], shuffle: false }).length, 2);
});

test("batchSize null yields single samples, through collateFn when given", () => {
  const ds = new Numbers(4, 20);
  const loader = new data.DataLoader(ds, { batchSize: null });
  assert.equal(loader.batchSize, null);
  assert.equal(loader.length, 4);
  assert.deepEqual([...loader], [20, 21, 22, 23]);
  const shuffled = new data.DataLoader(ds, { batchSize: null, shuffle: true, generator: new torch.Generator(0) });
  assert.deepEqual(sorted([...shuffled] as number[]), [20, 21, 22, 23]);
  const doubled = new data.DataLoader(ds, { batchSize: null, sampler: [3, 0], collateFn: (s) => (s as unknown as number) * 2 });
  assert.deepEqual([...doubled], [46, 40]);
  const rows = [...new data.DataLoader(dataset(3), { batchSize: null })] as torch.Tensor[][];
  assert.equal(rows.length, 3);
  assert.deepEqual(rows[2]![0]!.shape, [2]);
  assert.deepEqual(values(rows[2]![1]!), [2]);
});

test("ConcatDataset maps indices across its parts, negative indices from the end", () => {
  const c = new data.ConcatDataset([new Numbers(3, 0), new Numbers(0, 50), new Numbers(2, 100), new Numbers(4, 200)]);
  assert.deepEqual(c.cumulativeSizes, [3, 3, 5, 9]);
  assert.equal(c.length, 9);
  assert.deepEqual(range(9).map((i) => c.getItem(i)), [0, 1, 2, 100, 101, 200, 201, 202, 203]);
  assert.equal(c.getItem(-1), 203);
  assert.equal(c.getItem(-9), 0);
  assert.equal(c.getItem(-5), 101); // -5 is index 4, the second sample of the third part
  assert.throws(() => c.getItem(-10), /^Error: absolute value of index should not exceed dataset length$/);
  assert.throws(() => c.getItem(9), RangeError);
  assert.throws(() => new data.ConcatDataset([]), /datasets should not be an empty iterable/);
  class Stream extends data.IterableDataset<number> {
    *[Symbol.iterator]() {
      yield 1;
    }
  }
  assert.throws(() => new data.ConcatDataset([new Stream() as unknown as torch.data.Dataset<number>]), /ConcatDataset does not support IterableDataset/);
  // through a DataLoader, shuffled, every sample once
  const all = ([...new data.DataLoader(c, { batchSize: 4, shuffle: true, generator: new torch.Generator(0) })] as torch.Tensor[]).flatMap(values);
  assert.deepEqual(sorted(all), [0, 1, 2, 100, 101, 200, 201, 202, 203]);
  // TensorDatasets concatenated keep rows paired with labels
  const t = new data.ConcatDataset([dataset(2), dataset(3)]);
  assert.deepEqual(t.getItem(3).map(values), [[2, 3], [1]]);
});

test("DataLoader over an IterableDataset batches in stream order; its options and length follow PyTorch", () => {
  class Stream extends data.IterableDataset<number> {
    constructor(private readonly n: number) {
      super();
    }
    *[Symbol.iterator]() {
      for (let i = 0; i < this.n; i++) yield i * 10;
    }
  }
  class SizedStream extends Stream {
    get length() {
      return 7;
    }
  }
  const loader = new data.DataLoader(new Stream(7), { batchSize: 3 });
  assert.deepEqual([...loader].map(values), [[0, 10, 20], [30, 40, 50], [60]]);
  assert.deepEqual([...new data.DataLoader(new Stream(7), { batchSize: 3, dropLast: true })].map(values), [[0, 10, 20], [30, 40, 50]]);
  assert.deepEqual([...new data.DataLoader(new Stream(3), { batchSize: null })], [0, 10, 20]);
  assert.deepEqual([...new data.DataLoader(new Stream(5), { batchSize: 2, collateFn: (s) => s.join("+") })], ["0+10", "20+30", "40"]);
  assert.throws(() => loader.length, /^TypeError: object of type 'Stream' has no len\(\)$/);
  assert.equal(new data.DataLoader(new SizedStream(7), { batchSize: 3 }).length, 3);
  assert.equal(new data.DataLoader(new SizedStream(7), { batchSize: 3, dropLast: true }).length, 2);
  assert.equal(new data.DataLoader(new SizedStream(7), { batchSize: null }).length, 7);
  assert.throws(() => new data.DataLoader(new Stream(2), { shuffle: true }), /DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=True/);
  assert.throws(() => new data.DataLoader(new Stream(2), { sampler: [0] }), /DataLoader with IterableDataset: expected unspecified sampler option/);
  assert.throws(() => new data.DataLoader(new Stream(2), { batchSampler: [[0]] }), /DataLoader with IterableDataset: expected unspecified batch_sampler option/);
});

test("async iteration works with a sampler and over an IterableDataset", async () => {
  const seen: number[][] = [];
  for await (const b of new data.DataLoader(new Numbers(5), { batchSize: 2, sampler: [4, 3, 2, 1, 0] })) seen.push(values(b as torch.Tensor));
  assert.deepEqual(seen, [[4, 3], [2, 1], [0]]);
  class Stream extends data.IterableDataset<number> {
    *[Symbol.iterator]() {
      yield* [1, 2, 3];
    }
  }
  const got: number[][] = [];
  for await (const b of new data.DataLoader(new Stream(), { batchSize: 2 })) got.push(values(b as torch.Tensor));
  assert.deepEqual(got, [[1, 2], [3]]);
});

test("ChainDataset streams its parts in turn; its length sums theirs", () => {
  class Stream extends data.IterableDataset<number> {
    constructor(private readonly from: number, private readonly n: number) {
      super();
    }
    *[Symbol.iterator]() {
      for (let i = 0; i < this.n; i++) yield this.from + i;
    }
  }
  class SizedStream extends Stream {
    get length() {
      return 2;
    }
  }
  const chain = new data.ChainDataset([new Stream(0, 2), new Stream(10, 3)]);
  assert.deepEqual([...chain], [0, 1, 10, 11, 12]);
  assert.deepEqual([...new data.DataLoader(chain, { batchSize: 2 })].map(values), [[0, 1], [10, 11], [12]]);
  assert.throws(() => chain.length, /object of type 'Stream' has no len\(\)/);
  assert.equal(new data.ChainDataset([new SizedStream(0, 2), new SizedStream(5, 2)]).length, 4);
  const bad = new data.ChainDataset([new Numbers(2) as unknown as torch.data.IterableDataset<number>]);
  assert.throws(() => [...bad], /ChainDataset only supports IterableDataset/);
});

test("StackDataset pairs same-length datasets as lists or named objects", () => {
  const a = new Numbers(3, 0), b = new Numbers(3, 100);
  const listed = new data.StackDataset(a, b);
  assert.equal(listed.length, 3);
  assert.deepEqual(listed.getItem(2), [2, 102]);
  const named = new data.StackDataset({ x: a, label: b });
  assert.deepEqual(named.getItem(1), { x: 1, label: 101 });
  const [batch] = [...new data.DataLoader(named, { batchSize: 3 })] as { x: torch.Tensor; label: torch.Tensor }[];
  assert.deepEqual(values(batch!.label), [100, 101, 102]);
  assert.throws(() => new data.StackDataset(a, new Numbers(4)), /^Error: Size mismatch between datasets$/);
  assert.throws(() => new data.StackDataset(), /At least one dataset should be passed/);
});

test("randomSplit by fractions distributes the remainder round-robin, also for a one-sample dataset", () => {
  const parts = data.randomSplit(new Numbers(10), [0.33, 0.33, 0.34], new torch.Generator(0));
  assert.deepEqual(parts.map((p) => p.length), [4, 3, 3]); // floor gives 3, 3, 3; the one left over goes to the first
  assert.deepEqual(sorted(parts.flatMap((p) => [...p.indices])), range(10));
  const one = data.randomSplit(new Numbers(1), [0.5, 0.5]);
  assert.deepEqual(one.map((p) => p.length), [1, 0]);
  assert.throws(() => data.randomSplit(new Numbers(4), [1.5, -0.5]), /Fraction at index 0 is not between 0 and 1/);
});
