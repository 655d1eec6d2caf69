/** data: TensorDataset, DataLoader (sync and async iteration, shuffle, dropLast, collate), randomSplit, shipped datasets. */
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

test("DataLoader batches a TensorDataset in order, with a short last batch unless dropLast", () => {
  const ds = dataset(10);
  assert.equal(ds.length, 10);
  assert.deepEqual(ds.getItem(3).map(values), [[6, 7], [3]]);
  const loader = new data.DataLoader(ds, { batchSize: 4 });
  assert.equal(loader.length, 3);
  const batches = [...loader] as torch.Tensor[][];
  assert.deepEqual(batches.map(([, y]) => values(y!)), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  assert.deepEqual(batches[2]![0]!.shape, [2, 2]);
  assert.equal(batches[0]![1]!.dtype, "int32");
  const dropped = new data.DataLoader(ds, { batchSize: 4, dropLast: true });
  assert.equal(dropped.length, 2);
  assert.equal([...dropped].length, 2);
});

test("shuffle with a seeded generator is a repeatable permutation, different each epoch", () => {
  const ds = dataset(12);
  const epoch = (loader: torch.data.DataLoader<torch.Tensor[]>) => ([...loader] as torch.Tensor[][]).flatMap(([, y]) => values(y!));
  const a = new data.DataLoader(ds, { batchSize: 5, shuffle: true, generator: new torch.Generator(7) });
  const b = new data.DataLoader(ds, { batchSize: 5, shuffle: true, generator: new torch.Generator(7) });
  const a1 = epoch(a), a2 = epoch(a);
  assert.deepEqual(a1, epoch(b));
  assert.deepEqual([...a1].sort((p, q) => p - q), [...Array(12).keys()]);
  assert.notDeepEqual(a1, a2);
  assert.notDeepEqual(a1, [...Array(12).keys()]);
  // rows stay paired with their labels
  for (const [x, y] of a as Iterable<torch.Tensor[]>) {
    assert.deepEqual(values(x!), values(y!).flatMap((i) => [2 * i, 2 * i + 1]));
  }
});

test("async iteration yields the same batches and lets other work run between them", async () => {
  const ds = dataset(6);
  const loader = new data.DataLoader(ds, { batchSize: 2 });
  let ticks = 0;
  const other = (async () => {
    for (let i = 0; i < 10; i++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      ticks++;
    }
  })();
  const seen: number[][] = [];
  const ticksAt: number[] = [];
  for await (const [, y] of loader as AsyncIterable<torch.Tensor[]>) {
    seen.push(values(y!));
    ticksAt.push(ticks);
  }
  await other;
  assert.deepEqual(seen, [[0, 1], [2, 3], [4, 5]]);
  assert.ok(ticksAt[2]! > ticksAt[0]!, `the other task ran between batches (${ticksAt.join(", ")})`);
});

test("a custom Dataset goes through the default collate (stack, numbers, objects) or a collateFn", () => {
  class Pairs extends data.Dataset<{ x: torch.Tensor; label: number; w: number }> {
    get length() {
      return 5;
    }
    getItem(i: number) {
      return { x: torch.full([3], i), label: i % 2, w: i / 2 };
    }
  }
  const ds = new Pairs();
  assert.equal(ds.len(), 5);
  const [first] = [...new data.DataLoader(ds, { batchSize: 3 })] as { x: torch.Tensor; label: torch.Tensor; w: torch.Tensor }[];
  assert.deepEqual(first!.x.shape, [3, 3]);
  assert.equal(first!.label.dtype, "int32");
  assert.equal(first!.w.dtype, "float32");
  assert.deepEqual(values(first!.w), [0, 0.5, 1]);
  const sums = [...new data.DataLoader(ds, { batchSize: 2, collateFn: (s) => s.reduce((a, b) => a + b.label, 0) })];
  assert.deepEqual(sums, [1, 1, 0]);
  assert.throws(() => new data.DataLoader(ds, { batchSize: 0 }), /batch_size should be a positive integer value/);
});

test("randomSplit makes disjoint subsets of the asked sizes, repeatable from a generator", () => {
  const ds = dataset(10);
  const [a, b] = data.randomSplit(ds, [0.7, 0.3], new torch.Generator(0));
  assert.equal(a!.length, 7);
  assert.equal(b!.length, 3);
  const all = [...a!.indices, ...b!.indices].sort((p, q) => p - q);
  assert.deepEqual(all, [...Array(10).keys()]);
  const [a2] = data.randomSplit(ds, [7, 3], new torch.Generator(0));
  assert.deepEqual(a2!.indices, a!.indices);
  const [c, d, e] = data.randomSplit(dataset(11), [0.5, 0.25, 0.25]);
  assert.deepEqual([c!.length, d!.length, e!.length], [6, 3, 2]);
  assert.throws(() => data.randomSplit(ds, [5, 6]), /Sum of input lengths does not equal the length of the input dataset!/);
  // a Subset of a TensorDataset still batches by indexSelect and keeps the pairing
  const [x, y] = [...new data.DataLoader(b!, { batchSize: 3 })][0] as torch.Tensor[];
  assert.deepEqual(values(y!), b!.indices);
  assert.deepEqual(values(x!), b!.indices.flatMap((i) => [2 * i, 2 * i + 1]));
});

test("the shipped datasets load without a network", () => {
  const { images, labels } = torch.datasets.loadDigits();
  assert.deepEqual(images.shape, [1797, 64]);
  assert.equal(images.dtype, "float32");
  assert.deepEqual(labels.shape, [1797]);
  assert.equal(labels.dtype, "int32");
  assert.equal(images.max().item(), 16);
  assert.equal(labels.max().item(), 9);
  assert.deepEqual(values(labels.narrow(0, 0, 3)), [0, 1, 2]);
  assert.deepEqual(torch.datasets.loadDigits({ asImages: true }).images.shape, [1797, 1, 8, 8]);
  const iris = torch.datasets.loadIris();
  assert.deepEqual(iris.features.shape, [150, 4]);
  assert.deepEqual(values(iris.features.select(0, 0)).map((v) => Math.round(v * 10) / 10), [5.1, 3.5, 1.4, 0.2]);
  assert.deepEqual(iris.targetNames, ["setosa", "versicolor", "virginica"]);
  assert.deepEqual(values(iris.labels.narrow(0, 148, 2)), [2, 2]);
});

test("defaultCollate refuses what PyTorch's refuses, and never wraps an integer", () => {
  assert.throws(() => data.defaultCollate([3e9, 1]), /the integer 3000000000 does not fit torchlet's int32/);
  assert.throws(() => data.defaultCollate([[1, 2], [4, 5, 6]]), /each element in list of batch should be of equal size/);
  assert.throws(() => data.defaultCollate([{ a: 1 }, { b: 2 }]), /KeyError: 'a'/);
  assert.throws(() => data.defaultCollate([null, null]), /default_collate: batch must contain tensors, numbers, dicts or lists; found null/);
  assert.deepEqual(data.defaultCollate([[1, 2.5], [3, 4]]).map((t: torch.Tensor) => t.tolist()), [[1, 3], [2.5, 4]]);
});

// The expectations below are PyTorch 1.13's (torch.utils.data), run on the same inputs.
test("the DataLoader reads samples as getItem does: overridden getItem, negative and bad indices, plain arrays", () => {
  class Scaled extends data.TensorDataset {
    override getItem(i: number): torch.Tensor[] {
      const [a, b] = super.getItem(i);
      return [a!.mul(100), b!];
    }
  }
  const scaled = new Scaled(torch.arange(4).reshape([4, 1]), torch.arange(4));
  assert.deepEqual([...new data.DataLoader(scaled, { batchSize: 2 })][0][0].tolist(), [[0], [100]]);

  const td = new data.TensorDataset(torch.arange(10));
  const sub = new data.Subset(td, [3, 2]);
  assert.deepEqual([...new data.DataLoader(sub, { batchSize: 2, sampler: [-1, 0] })][0][0].tolist(), [2, 3]);
  assert.equal(sub.getItem(-2)[0]!.item(), 3);
  assert.throws(() => [...new data.DataLoader(sub, { batchSize: 2, sampler: [5, 0] })], /list index out of range/);
  assert.throws(() => sub.getItem(1.5), /list indices must be integers or slices, not float/);
  assert.deepEqual([...new data.DataLoader(td, { batchSize: 2, sampler: [-1, 0] })][0][0].tolist(), [9, 0]);
  assert.throws(() => [...new data.DataLoader(td, { batchSize: 2, sampler: [10, 0] })], /index 10 is out of bounds for dimension 0 with size 10/);
  assert.throws(() => [...new data.DataLoader(td, { batchSize: 2, sampler: [1.5, 0] })], /valid indices \(got float\)/);
  assert.throws(() => new data.TensorDataset(torch.tensor(1)), /Dimension specified as 0 but tensor has no dimensions/);

  const fromArray = new data.DataLoader([1, 2, 3], { batchSize: 2 });
  assert.equal(fromArray.length, 2);
  assert.deepEqual([...fromArray].map((b: torch.Tensor) => b.tolist()), [[1, 2], [3]]);
  const unsized = { *[Symbol.iterator]() { yield 0; } } as unknown as Iterable<number> & { length: number };
  assert.throws(() => new data.DataLoader(td, { sampler: unsized }).length, /has no len\(\)/);
});

test("defaultCollate stacks typed arrays as tensors of their dtype, collates Maps by key, and names a stray element", () => {
  const batch = data.defaultCollate([new Float32Array([1, 1]), new Float32Array([0, 0])]) as torch.Tensor;
  assert.equal(batch.dtype, "float32");
  assert.deepEqual(batch.tolist(), [[1, 1], [0, 0]]);
  assert.equal((data.defaultCollate([new Float64Array([1]), new Float64Array([2])]) as torch.Tensor).dtype, "float64");
  const maps = data.defaultCollate([new Map([["a", 1]]), new Map([["a", 2]])]) as Map<string, torch.Tensor>;
  assert.deepEqual([...maps.keys()], ["a"]);
  assert.deepEqual(maps.get("a")!.tolist(), [1, 2]);
  assert.throws(() => data.defaultCollate([torch.ones([2]), 3]), /^TypeError: expected Tensor as element 1 in argument 0, but got int$/);
  assert.throws(() => data.defaultCollate([torch.ones([2]), "a"]), /but got str$/);
});

test("RandomSampler over an empty source raises instead of looping forever", () => {
  assert.throws(() => [...new data.RandomSampler({ length: 0 }, { numSamples: 5 })], /integer division or modulo by zero/);
  assert.throws(() => [...new data.RandomSampler({ length: 0 }, { numSamples: 5, replacement: true })], /random_ expects 'from' to be less than 'to', but got from=0 >= to=0/);
});

/** A dataset whose getItem is async (as one reading files): it logs when each load starts and ends. */
class SlowSquares extends torch.data.Dataset<Promise<torch.Tensor>> {
  readonly log: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  constructor(readonly length: number, readonly failAt = -1) {
    super();
  }
  async getItem(i: number): Promise<torch.Tensor> {
    this.log.push(`start ${i}`);
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.inFlight--;
    if (i === this.failAt) throw new Error(`cannot read sample ${i}`);
    return torch.tensor([i * i]);
  }
}

test("for await over a dataset with an async getItem: a batch's samples load together, numWorkers batches load ahead of the loop's body", async () => {
  for (const numWorkers of [0, 2]) {
    const ds = new SlowSquares(10);
    const loader = new torch.data.DataLoader(ds, { batchSize: 4, numWorkers });
    const batches: number[][] = [];
    for await (const x of loader as AsyncIterable<torch.Tensor>) {
      ds.log.push(`body ${batches.length}`);
      batches.push(x.flatten().tolist() as number[]);
    }
    assert.deepEqual(batches, [[0, 1, 4, 9], [16, 25, 36, 49], [64, 81]]);
    assert.equal(ds.maxInFlight, 4 * Math.max(1, numWorkers));
    const firstBody = ds.log.indexOf("body 0");
    if (numWorkers === 0) {
      // on demand: the second batch starts loading only once the first body has run
      assert.equal(ds.log.indexOf("start 4"), firstBody + 1);
    } else {
      // ahead: the second and third batches are loading before the first body runs
      assert.ok(ds.log.indexOf("start 4") < firstBody && ds.log.indexOf("start 8") < firstBody, ds.log.join(", "));
    }
  }
});

test("a sync for...of over an async dataset says to use for await; a failed load raises at its batch, not as an unhandled rejection", async () => {
  const loader = new torch.data.DataLoader(new SlowSquares(6, 5), { batchSize: 2, numWorkers: 2 });
  assert.throws(() => [...loader], {
    name: "TypeError",
    message: "DataLoader: the dataset's getItem returned a Promise; iterate the loader with `for await (const batch of loader)`",
  });
  const seen: number[][] = [];
  await assert.rejects(async () => {
    for await (const x of loader as AsyncIterable<torch.Tensor>) seen.push(x.flatten().tolist() as number[]);
  }, { message: "cannot read sample 5" });
  assert.deepEqual(seen, [[0, 1], [4, 9]]);
  assert.throws(() => new torch.data.DataLoader(new SlowSquares(2), { numWorkers: -1 }), /^Error: num_workers option should be non-negative; use num_workers=0 to disable multiprocessing/);
  // unbatched: single samples, still awaited
  const singles: number[] = [];
  for await (const x of new torch.data.DataLoader(new SlowSquares(3), { batchSize: null, numWorkers: 1 }) as AsyncIterable<torch.Tensor>) singles.push(x.item());
  assert.deepEqual(singles, [0, 1, 4]);
});

test("torch.utils.data is torch.data, where PyTorch code imports DataLoader from", () => {
  assert.equal(torch.utils.data.DataLoader, torch.data.DataLoader);
  const loader = new torch.utils.data.DataLoader(new torch.utils.data.TensorDataset(torch.arange(0, 6, 1)), { batchSize: 4 });
  assert.deepEqual([...loader].map(([x]) => values(x)), [[0, 1, 2, 3], [4, 5]]);
});
