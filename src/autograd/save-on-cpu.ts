import { castData } from "../ops/core.js";
import type { Tensor } from "../tensor/tensor.js";
import { savedTensorsHooks, type SavedTensorsHooksGuard } from "./saved-tensor-hooks.js";

/** Options of `saveOnCpu` (PyTorch's keyword arguments). */
export interface SaveOnCpuOptions {
  /** Copy each saved tensor at save time, as PyTorch's pinned-memory path does (default false: keep the tensor itself). */
  pinMemory?: boolean;
}

type Packed = readonly ["cpu", Tensor];

/**
 * PyTorch's `torch.autograd.graph.save_on_cpu(pin_memory=False)`: saved
 * tensors are moved to CPU memory while the graph waits for backward and
 * moved back for it. torchlet is CPU-only, so this is what PyTorch does for a
 * graph already on CPU: the tensors stay where they are (no copy), or, with
 * `pinMemory`, are copied at save time (PyTorch then copies into a new CPU
 * tensor). It is a saved-tensor-hooks scope all the same: as in PyTorch,
 * tensors saved in it are not checked for in-place changes at backward, and
 * `disableSavedTensorsHooks` refuses it. Code written for a GPU PyTorch runs
 * unchanged.
 *
 * Forms: `using _ = saveOnCpu()`, `saveOnCpu(fn)`, `saveOnCpu({ pinMemory }, fn)`.
 *
 * @example
 * const y = torch.autograd.graph.saveOnCpu(() => model.forward(x));
 */
export function saveOnCpu(options?: SaveOnCpuOptions): SavedTensorsHooksGuard;
export function saveOnCpu<R>(fn: () => R): R;
export function saveOnCpu<R>(options: SaveOnCpuOptions, fn: () => R): R;
export function saveOnCpu(a?: SaveOnCpuOptions | (() => unknown), b?: () => unknown): unknown {
  const fn = typeof a === "function" ? a : b;
  const options = typeof a === "function" ? {} : (a ?? {});
  const pin = options.pinMemory ?? false;
  const pack = (t: Tensor): Packed => ["cpu", pin ? castData(t, t.dtype) : t];
  const unpack = (packed: Packed): Tensor => packed[1];
  return fn === undefined ? savedTensorsHooks(pack, unpack) : savedTensorsHooks(pack, unpack, fn);
}
