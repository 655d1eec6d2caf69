// The native caching allocator (native/alloc.cc): large storages come from a
// size-bucketed pool; a block goes back to the pool only when V8 frees its
// ArrayBuffer, and is handed out again zeroed unless the caller (a kernel
// that writes every element) asked for uninitialised memory.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import * as torch from "../src/index.js";
import { loadNativeBackend, nativeAddon, type AllocStats } from "../src/backend/native/load.js";
import { allocate, LARGE_ALLOCATION_BYTES } from "../src/tensor/dtype.js";

const addon = nativeAddon();
const skip = addon === null ? `the native addon is not available (${loadNativeBackend().error})` : false;

const gc = (globalThis as { gc?: () => void }).gc;
const noGc = gc === undefined ? "needs node --expose-gc" : false;

function stats(): AllocStats {
  return addon!.allocStats();
}

/** Collects garbage until V8 has handed at least `more` blocks back (its sweeper may run on another thread). */
async function collectUntilReturned(before: AllocStats, more: number): Promise<AllocStats> {
  for (let i = 0; i < 50; i++) {
    gc!();
    const s = stats();
    if (s.returns - before.returns >= more) return s;
    await sleep(10);
  }
  return stats();
}

/** Leaves `count` freed blocks of `bytes` bytes, each filled with `value`, in the pool. */
async function dirtyPool(bytes: number, value: number, count = 3): Promise<void> {
  const before = stats();
  (() => {
    for (let i = 0; i < count; i++) new Uint8Array(addon!.allocate(bytes, false)).fill(value);
  })();
  const after = await collectUntilReturned(before, count);
  assert.ok(after.returns - before.returns >= count, "V8 returned the dropped blocks to the pool");
}

test("allocate: exact byteLength, zeroed when asked, even on a reused dirty block", { skip: skip || noGc }, async () => {
  const bytes = 3 * 65536 + 12;
  await dirtyPool(bytes, 0xab);
  const before = stats();
  const buf = addon!.allocate(bytes, true);
  const after = stats();
  assert.ok(buf instanceof ArrayBuffer);
  assert.equal(buf.byteLength, bytes);
  assert.equal(after.hits, before.hits + 1, "a freed block of the same size class was reused");
  assert.ok(new Uint8Array(buf).every((x) => x === 0), "reused block is zero-filled");
});

test("allocate: a buffer freed by GC is reused, one that is alive never is", { skip: skip || noGc }, async () => {
  const bytes = 1 << 20;
  const kept = new Uint8Array(addon!.allocate(bytes, false)).fill(1);
  await dirtyPool(bytes, 2, 1);
  // the freed block comes back (LIFO) with its old contents when not zeroed
  const reused = new Uint8Array(addon!.allocate(bytes, false));
  // writing into every pooled buffer must never show up in one still alive
  reused.fill(9);
  const again = new Uint8Array(addon!.allocate(bytes, false)).fill(8);
  assert.ok(kept.every((x) => x === 1), "a live buffer is never handed out again");
  assert.ok(reused.every((x) => x === 9));
  assert.ok(again.every((x) => x === 8));
});

test("allocate: bad byteLength or zeroFill throw", { skip }, () => {
  for (const n of [0, -1, 1.5, NaN, Infinity]) {
    assert.throws(() => addon!.allocate(n, true), RangeError, `byteLength ${n}`);
  }
  assert.throws(() => addon!.allocate("64" as unknown as number, true), TypeError);
  assert.throws(() => addon!.allocate(64, 1 as unknown as boolean), TypeError);
  assert.throws(() => (addon!.allocate as (n: number) => ArrayBuffer)(64), TypeError);
});

test("large storages and those memory() counts come from the pool; small ones stay plain typed arrays", { skip }, () => {
  torch.zeros([1]); // loads the backend, which installs the allocator
  const n = LARGE_ALLOCATION_BYTES / 4;
  const taken = () => { const s = stats(); return s.hits + s.misses; };
  const before = taken();
  const big = allocate("float32", n);
  assert.equal(taken(), before + 1, "a large storage went through the pool");
  const counted = allocate("float32", 256); // 1 KiB: memory() counts it, so the pool hands it out
  assert.equal(taken(), before + 2, "a counted storage went through the pool");
  const small = allocate("float32", 255);
  assert.equal(taken(), before + 2, "a small one did not");
  assert.equal(big.length, n);
  assert.equal(big.buffer.byteLength, n * 4);
  assert.equal(counted.buffer.byteLength, 1024);
  assert.equal(small.length, 255);
  assert.ok(big.every((x) => x === 0));
  const bools = allocate("bool", LARGE_ALLOCATION_BYTES + 1);
  assert.ok(bools instanceof Uint8Array && bools.length === LARGE_ALLOCATION_BYTES + 1 && bools.every((x) => x === 0));
  const doubles = allocate("float64", n);
  assert.ok(doubles instanceof Float64Array && doubles.length === n);
});

test("ops whose kernels write every element are right on dirty pooled memory", { skip: skip || noGc }, async () => {
  const m = 256, k = 260, n = 150;
  const a = torch.randn([m, k]), b = torch.randn([k, n]), c = torch.randn([m, k]);
  // NaN bytes in every candidate block: any element a kernel skipped would show
  await dirtyPool(m * k * 4, 0xff, 4);
  await dirtyPool(m * n * 4, 0xff, 4);
  await dirtyPool(m * k, 0xff, 2);
  const ad = a.toArray(), bd = b.toArray(), cd = c.toArray();

  const sum = a.add(c).toArray();
  const gt = a.gt(c).toArray();
  const ex = a.exp().toArray();
  const prod = a.matmul(b).toArray();
  const sm = a.softmax(1).toArray();
  const cast = a.to("float64").toArray();
  assert.ok(gt instanceof Uint8Array && cast instanceof Float64Array);
  for (let i = 0; i < m; i++) {
    let z = 0;
    for (let j = 0; j < k; j++) z += Math.exp(ad[i * k + j]!);
    for (let j = 0; j < k; j++) {
      const x = ad[i * k + j]!, y = cd[i * k + j]!, e = Math.exp(x);
      assert.equal(sum[i * k + j], Math.fround(x + y));
      assert.equal(gt[i * k + j], x > y ? 1 : 0);
      assert.ok(Math.abs(ex[i * k + j]! - e) <= 1e-6 * e);
      assert.ok(Math.abs(sm[i * k + j]! - e / z) < 1e-6);
      assert.equal(cast[i * k + j], x);
    }
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let q = 0; q < k; q++) s += ad[i * k + q]! * bd[q * n + j]!;
      assert.ok(Math.abs(prod[i * n + j]! - s) < 1e-3, `matmul[${i}][${j}]`);
    }
  }
  // zero-filled factories stay zero on the same dirty blocks
  await dirtyPool(m * n * 4, 0xff, 2);
  assert.equal(torch.zeros([m, n]).abs().sum().item(), 0);
});

test("tensors on pooled storage copy out independently", { skip }, () => {
  const t = torch.ones([256, 256]);
  const arr = t.toArray();
  const flat = t.flatten().toArray();
  const clone = t.clone();
  t.mul_(3);
  assert.equal(arr[5 * 256 + 7], 1);
  assert.notEqual(arr.buffer, t.data.buffer);
  assert.equal(flat[1000], 1);
  assert.equal(clone.sum().item(), 65536);
  assert.equal(t.sum().item(), 3 * 65536);
});

test("a tight synchronous a.add(b) loop gets its blocks back: memory stays bounded", { skip: skip || noGc }, () => {
  const n = 1 << 20, iters = 2000;
  const a = torch.randn([n]), b = torch.randn([n]);
  gc!();
  const before = stats();
  const rss0 = process.memoryUsage().rss;
  let last = 0;
  for (let i = 0; i < iters; i++) last += a.add(b).numel();
  const after = stats();
  const grownMiB = (process.memoryUsage().rss - rss0) / 2 ** 20;
  assert.equal(last, n * iters);
  // without reuse this loop would allocate 8 GB
  assert.ok(after.hits - before.hits >= iters * 0.9, `pool hits ${after.hits - before.hits} of ${iters}`);
  assert.ok(after.liveBytes < 1024 * 2 ** 20, `live ${after.liveBytes} bytes`);
  assert.ok(grownMiB < 1024, `rss grew ${grownMiB.toFixed(0)} MiB`);
});

test("a tracked buffer dropped young is back in the pool after a minor GC, and memory() no longer counts it", { skip: skip || noGc }, () => {
  torch.zeros([1]); // loads the backend, which installs the allocator
  const minorGc = () => (gc as unknown as (o: object) => void)({ type: "minor", execution: "sync" });
  gc!();
  minorGc();
  // straight from the addon, as allocate() gets storages that memory() counts (and without
  // torchlet's own minor collections of young-gc.ts, which could fall inside the loop)
  const bytes = 64 * 64 * 4;
  const before = torch.memory(), returnsBefore = stats().returns;
  let held: Float32Array[] | null = [];
  for (let i = 0; i < 8; i++) held.push(new Float32Array(addon!.allocate(bytes, true, true)).fill(1));
  assert.equal(torch.memory().liveBytes, before.liveBytes + 8 * bytes, "counted while alive");
  assert.equal(torch.memory().liveTensors, before.liveTensors + 8);
  held = null;
  // a scavenge frees them: no FinalizationRegistry keeps them alive until a full collection
  minorGc();
  assert.equal(stats().returns - returnsBefore, 8, `every dropped block returned (${stats().returns - returnsBefore})`);
  assert.equal(torch.memory().liveBytes, before.liveBytes, "memory() dropped them");
  assert.equal(torch.memory().liveTensors, before.liveTensors);
});
