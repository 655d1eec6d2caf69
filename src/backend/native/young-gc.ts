/**
 * Allocation-driven minor collections for the caching allocator.
 *
 * Why: PyTorch frees a tensor the moment its last reference goes, so a loop
 * like `for (...) y = a.add(b)` reuses one warm buffer. Here a buffer goes
 * back to the pool only when V8 collects its ArrayBuffer, and V8 reacts to
 * the growing external memory with a full mark-compact every ~64 MB: a 1M-float
 * add then runs on cold memory between multi-millisecond pauses (measured:
 * ~4x slower on average than with this). A minor collection (scavenge) frees
 * young dead tensors too, costs tens to a few hundred microseconds, and
 * returns their blocks while still in cache. We run one once at least
 * MIN_BYTES were allocated and 20 times the last one's duration has passed
 * (so they take at most ~5% of the time; a millisecond at least), or once
 * MAX_BYTES were allocated, whatever the time. Small tensors then
 * cycle through ~1-2 MiB of warm blocks, big ones through a few. When a
 * collection frees little (the program keeps its tensors), both limits
 * double, so a program that holds memory pays almost nothing.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** Pooled bytes below which a minor collection cannot pay off. */
const MIN_BYTES = 1024 * 1024;
/** Pooled bytes past which we collect whatever the time. */
const MAX_BYTES = 16 * 1024 * 1024;
/** Otherwise at most one collection per this many milliseconds ... */
const MIN_INTERVAL_MS = 1;
/** ... or per this many times the last collection's duration, if longer. */
const INTERVAL_PER_COST = 20;
/** How far the limits may grow while collections free little. */
const MAX_SCALE = 64;

type MinorGc = () => void;

/** V8's gc() (from --expose-gc, or a context created after setting the flag), asked for a synchronous scavenge. */
function minorGcFunction(): MinorGc {
  let gc = (globalThis as { gc?: unknown }).gc;
  if (typeof gc !== "function") {
    setFlagsFromString("--expose-gc");
    gc = runInNewContext("gc") as unknown;
  }
  const collect = gc as (options: { type: string; execution: string }) => void;
  return () => collect({ type: "minor", execution: "sync" });
}

/**
 * Wraps an allocator: `note(bytes)` before each pooled allocation runs a
 * minor collection when enough was allocated since the last one.
 * `liveBytes()` reads the pool's bytes still held by ArrayBuffers; `now()`
 * is the clock in milliseconds; `collect()` runs the collection (V8's minor
 * GC unless a test passes its own).
 */
export function youngCollector(
  liveBytes: () => number,
  now: () => number = () => performance.now(),
  collect: MinorGc | null = null,
): { note(bytes: number): void; readonly collections: number } {
  let scale = 1;
  let pending = 0;
  let last = now();
  let interval = MIN_INTERVAL_MS;
  return {
    collections: 0,
    note(bytes: number): void {
      pending += bytes;
      if (pending < MIN_BYTES * scale) return;
      if (pending < MAX_BYTES * scale && now() - last < interval) return;
      collect ??= minorGcFunction();
      (this as { collections: number }).collections++;
      const before = liveBytes(), start = now();
      collect();
      last = now();
      interval = Math.max(MIN_INTERVAL_MS, (last - start) * INTERVAL_PER_COST);
      const freed = before - liveBytes();
      // freed little: what was allocated is still in use, so wait longer next time
      scale = freed * 4 < pending ? Math.min(scale * 2, MAX_SCALE) : 1;
      pending = 0;
    },
  };
}
