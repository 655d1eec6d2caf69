/** Median timing helpers shared by the benches. */

export function medianOf(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Timed runs per workload size, the same for torchlet and onnxruntime
 * (bench/pytorch_bench.py states the same rule): enough that one stall of
 * the shared host does not decide a median.
 */
export const matmulReps = (n: number): number => (n <= 512 ? 30 : 15);
export const elementwiseReps = (n: number): number => (n < 1 << 24 ? 50 : 10);

/** Warm-up lasts at least this long, so caches (and the tensor allocator's pool) reach their steady state. */
const WARMUP_SECONDS = 0.5;

/** Median of `reps` runs of `run`, which returns its own seconds, after at least `warmup` runs and WARMUP_SECONDS of them. */
export function medianOfSelfTimed(run: () => number, reps: number, warmup = 2): number {
  let warm = 0;
  for (let i = 0; i < warmup || warm < WARMUP_SECONDS; i++) warm += run();
  return medianOf(Array.from({ length: reps }, run));
}

/** Median seconds of `fn` over `reps` runs, with medianOfSelfTimed's warm-up. */
export function medianTime(fn: () => unknown, reps: number, warmup = 2): number {
  return medianOfSelfTimed(() => {
    const t0 = process.hrtime.bigint();
    fn();
    return Number(process.hrtime.bigint() - t0) / 1e9;
  }, reps, warmup);
}

/** medianTime for an async `fn` (onnxruntime's session.run): each run is awaited before the next starts. */
export async function medianTimeAsync(fn: () => Promise<unknown>, reps: number, warmup = 2): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < warmup || Number(process.hrtime.bigint() - start) / 1e9 < WARMUP_SECONDS; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return medianOf(times);
}

/** Median microseconds per call of a tiny `fn`, timed in batches of `inner` calls. */
export function perOpMicros(fn: () => unknown, inner = 20000, reps = 7): number {
  return (medianTime(() => { for (let i = 0; i < inner; i++) fn(); }, reps, 1) / inner) * 1e6;
}
