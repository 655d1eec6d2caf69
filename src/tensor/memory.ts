/**
 * Live tensor-storage accounting for `torch.memory()`, so that after a
 * garbage collection the numbers say what a graph (or anything else) still
 * holds. Two counters add up:
 * - storages from the native caching allocator are counted by it: it adds
 *   their bytes when it hands a buffer out and takes them away when V8 frees
 *   the buffer;
 * - other storages (no native backend, or arrays the caller wrapped) add
 *   their bytes when created and a FinalizationRegistry takes them away.
 *   Registering costs V8 about a microsecond per object, and it keeps the
 *   object alive until a full collection, so this is the fallback.
 * Only storages of at least `minTrackedBytes` are counted (1 KiB by default);
 * `setMemoryTracking({ minBytes: 0 })` counts all.
 */
let minTrackedBytes = 1024;
let liveBytes = 0;
let liveTensors = 0;
let peakBytes = 0;
/** The counting allocator's `[liveBytes, liveBuffers, peakBytes]` of what it tracks; `resetPeak` restarts the peak first. */
export type AllocatorCounts = (resetPeak?: boolean) => [number, number, number];

let allocatorCounts: AllocatorCounts | null = null;

/** Whether storages of this many bytes are counted by memory(). */
export function isTrackedSize(bytes: number): boolean {
  return bytes >= minTrackedBytes;
}

/** Installed with the counting allocator (tensor/dtype.ts setLargeAllocator). */
export function setAllocatorCounts(counts: AllocatorCounts | null): void {
  allocatorCounts = counts;
}

const registry = new FinalizationRegistry<number>((bytes) => {
  liveBytes -= bytes;
  liveTensors -= 1;
});

/** Counts a storage that the allocator does not count itself. */
export function trackStorage(storage: object, bytes: number): void {
  if (!isTrackedSize(bytes)) return;
  liveBytes += bytes;
  liveTensors += 1;
  if (liveBytes > peakBytes) peakBytes = liveBytes;
  registry.register(storage, bytes);
}

export interface MemoryReport {
  /** Bytes of tensor storage not yet freed by the garbage collector. */
  liveBytes: number;
  /** Number of tensor storages not yet freed. */
  liveTensors: number;
  /** The largest `liveBytes` seen since start or the last `resetPeak` (an upper bound when both counters hold storages). */
  peakBytes: number;
}

/**
 * Reports the tensor storages still alive (those of at least the tracked
 * size, 1 KiB by default: see `setMemoryTracking`). The counts are exact after a
 * garbage collection has run and its finalizers have been delivered, e.g.
 * `node --expose-gc`, then `gc()` and `await torch.settleMemory()`.
 *
 * @example
 * const before = torch.memory().liveBytes;
 */
export function memory(): MemoryReport {
  if (allocatorCounts === null) return { liveBytes, liveTensors, peakBytes };
  const [bytes, count, peak] = allocatorCounts();
  return { liveBytes: liveBytes + bytes, liveTensors: liveTensors + count, peakBytes: peakBytes + peak };
}

/**
 * Chooses which storages `memory()` counts: those of at least `minBytes`
 * (default 1024). Storages created before the change keep their status.
 *
 * @example
 * torch.setMemoryTracking({ minBytes: 0 }); // count every tensor, at a per-op cost
 */
export function setMemoryTracking(options: { minBytes: number }): void {
  if (!(options.minBytes >= 0)) throw new Error(`setMemoryTracking: minBytes must be >= 0, got ${options.minBytes}`);
  minTrackedBytes = options.minBytes;
}

/** Restarts the peak at the current live bytes. */
export function resetPeakMemory(): void {
  peakBytes = liveBytes;
  allocatorCounts?.(true);
}

/**
 * Runs the garbage collector (when node was started with --expose-gc) and
 * waits until the finalizers of what it freed have updated `memory()`.
 */
export async function settleMemory(): Promise<MemoryReport> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return memory();
}
