/**
 * Allocation-driven minor collections for the caching allocator.
 *
 * Why: PyTorch frees a tensor the moment its last reference goes, so a loop
 * like `for (...) y = a.add(b)` reuses one warm buffer. Here a buffer goes
 * back to the pool only when V8 collects its ArrayBuffer, and V8 reacts to
 * the growing external memory with a full mark-compact every ~64 MB: a 1M-float
 * add then runs on cold memory between multi-millisecond pauses (measured:
 * ~4x slower on average than with this). A minor collection (scavenge) frees
 * young dead tensors too, costs tens of microseconds, and returns their blocks
 * while still in cache. So after every `threshold` bytes of pooled
 * allocation we run one; when it frees little (the program keeps its big
 * tensors), the threshold doubles, so a program that holds memory pays
 * almost nothing.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** Bytes of pooled allocation between minor collections when they pay off. */
const BASE_THRESHOLD = 16 * 1024 * 1024;
const MAX_THRESHOLD = 1024 * 1024 * 1024;

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
 * `liveBytes()` reads the pool's bytes still held by ArrayBuffers.
 */
export function youngCollector(liveBytes: () => number): { note(bytes: number): void; readonly collections: number } {
  let collect: MinorGc | null = null;
  let threshold = BASE_THRESHOLD;
  let pending = 0;
  return {
    collections: 0,
    note(bytes: number): void {
      pending += bytes;
      if (pending < threshold) return;
      collect ??= minorGcFunction();
      (this as { collections: number }).collections++;
      const before = liveBytes();
      collect();
      const freed = before - liveBytes();
      // freed little: what was allocated is still in use, so wait longer next time
      threshold = freed * 4 < pending ? Math.min(threshold * 2, MAX_THRESHOLD) : BASE_THRESHOLD;
      pending = 0;
    },
  };
}
