/**
 * Allocation-driven minor collections (src/backend/native/young-gc.ts): big
 * tensors dropped right away go back to the pool after every few megabytes,
 * so a loop of fresh results runs on a handful of warm blocks instead of
 * waiting for V8's full collections; a program that keeps what it allocates
 * makes the collections rarer.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as torch from "../src/index.js";
import { loadNativeBackend, nativeAddon } from "../src/backend/native/load.js";
import { youngCollector } from "../src/backend/native/young-gc.js";

const addon = nativeAddon();
const skip = addon === null ? `the native addon is not available (${loadNativeBackend().error})` : false;
const MiB = 1024 * 1024;

test("a loop of dropped 4 MiB results keeps few blocks alive, without full collections", { skip }, () => {
  const a = torch.randn([MiB]), b = torch.randn([MiB]);
  // Warm-up first: a collection that lands while V8's incremental marking of a
  // major GC is under way returns no blocks until that GC ends (seen on a busy
  // host: 28-60 MiB at the start of a loop), so the bound is on the steady state.
  for (let i = 0; i < 30; i++) a.add(b);
  const start = addon!.allocStats();
  let peakLive = 0;
  for (let i = 0; i < 100; i++) {
    a.add(b);
    peakLive = Math.max(peakLive, addon!.allocStats().liveBytes);
  }
  const end = addon!.allocStats();
  // 100 results of 4 MiB: V8 alone would let ~64 MiB pile up before a full collection
  assert.ok(peakLive - start.liveBytes <= 24 * MiB, `peak live growth ${(peakLive - start.liveBytes) / MiB} MiB`);
  assert.ok(end.returns - start.returns >= 90, `blocks returned: ${end.returns - start.returns}`);
  assert.ok(end.misses - start.misses <= 4, `fresh blocks: ${end.misses - start.misses}`);
});

test("collections come every 16 MiB at most, every 1 MiB when a millisecond has passed", () => {
  let clock = 0;
  let reads = 0;
  const frees = () => (reads++ % 2 === 0 ? 16 * MiB : 0); // each collection frees 16 MiB
  const fastFreeing = youngCollector(frees, () => clock); // no time passes: only the 16 MiB rule
  for (let i = 0; i < 112; i++) fastFreeing.note(MiB);
  assert.equal(fastFreeing.collections, 7);
  const slowFreeing = youngCollector(frees, () => clock);
  for (let i = 0; i < 112; i++) {
    clock += 0.3; // 3.3 allocations of 1 MiB per millisecond
    slowFreeing.note(MiB);
  }
  // 1 MiB reached at once, then the millisecond decides: one collection every 4 allocations
  assert.equal(slowFreeing.collections, 28);
});

test("a slow collection spaces out the next ones: at most ~5% of the time goes to them", () => {
  let clock = 0;
  let reads = 0;
  const frees = () => (reads++ % 2 === 0 ? 16 * MiB : 0);
  const slowCollect = () => { clock += 0.5; }; // each collection takes 0.5 ms
  const c = youngCollector(frees, () => clock, slowCollect);
  for (let i = 0; i < 100; i++) {
    clock += 0.3;
    c.note(MiB / 4);
  }
  // the first after 1 MiB (4 allocations), then one per 10 ms (34 allocations): 3 in 100
  assert.equal(c.collections, 3);
});

test("the limits double while collections free nothing, and reset when they do", () => {
  let live = 0;
  const keeping = youngCollector(() => live, () => 0);
  for (let i = 0; i < 112; i++) {
    keeping.note(MiB);
    live += MiB; // nothing is ever freed
  }
  // at 16, then 16 + 32, then 48 + 64 MiB
  assert.equal(keeping.collections, 3);
  let reads = 0, liveNow = 0;
  const mixed = youngCollector(() => (reads++ % 2 === 0 ? liveNow : liveNow - 16 * MiB), () => 0);
  for (let i = 0; i < 48; i++) {
    liveNow += MiB;
    mixed.note(MiB);
  }
  // every collection frees what was allocated: the limit stays at 16 MiB
  assert.equal(mixed.collections, 3);
});
