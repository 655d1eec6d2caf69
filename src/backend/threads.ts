/**
 * `torch.get_num_threads` / `torch.set_num_threads`: the native backend's
 * thread pool (the reference backend runs on the calling thread alone).
 */
import { nativeAddon } from "./native/load.js";
import { kernels } from "./select.js";

/** The native pool's largest size (native/pool.c). */
const MAX_THREADS = 64;

/** Threads the kernels run on: the native pool's size, or 1 on the reference backend. */
export function getNumThreads(): number {
  const addon = nativeAddon();
  return kernels().name === "native" && addon !== null ? addon.numThreads() : 1;
}

/**
 * Sets the native pool's size for every later kernel, as
 * `torch.set_num_threads` (sizes above 64 use 64). The reference backend is
 * single-threaded whatever the setting.
 *
 * @example
 * torch.setNumThreads(1); // one core for the kernels, e.g. beside a worker pool
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n <= 0) throw new Error(`set_num_threads expects a positive integer`);
  nativeAddon()?.numThreads(Math.min(n, MAX_THREADS));
}
