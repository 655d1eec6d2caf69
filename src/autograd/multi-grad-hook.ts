import type { Tensor } from "../tensor/tensor.js";
import { currentGraphTaskId, gradientEdge, willEngineExecuteNode } from "./engine.js";
import type { HookHandle } from "./node.js";

/** Options of `registerMultiGradHook`. */
export interface MultiGradHookOptions {
  /** `"all"` (default): once every tensor's gradient that this backward computes is there; `"any"`: at the first one. */
  mode?: "all" | "any";
}

/** The `"all"` hook: the gradients w.r.t. the tensors, in order, null for those this backward does not compute. */
export type MultiGradHookAll = (grads: (Tensor | null)[]) => void;
/** The `"any"` hook: the first gradient this backward computes w.r.t. one of the tensors. */
export type MultiGradHookAny = (grad: Tensor) => void;

function checkRequiresGrad(t: Tensor): void {
  if (!t.requiresGrad) throw new Error("cannot register a hook on a tensor that doesn't require gradient");
}

/**
 * PyTorch's `torch.autograd.graph.register_multi_grad_hook(tensors, fn, mode=...)`.
 *
 * Mode `"all"`: `fn(grads)` runs once per backward (or `autograd.grad`), after
 * the gradients w.r.t. all of `tensors` that this backward computes have been
 * computed; a tensor outside the graph, or not needed for the call's
 * `inputs`, is not waited for and gets null. Mode `"any"`: `fn(grad)` runs
 * once per backward, with the first gradient computed w.r.t. one of them.
 * The hook should not modify its arguments. Returns a handle whose
 * `remove()` unregisters it.
 *
 * @example
 * const handle = torch.autograd.graph.registerMultiGradHook([a, b], (grads) => {
 *   console.log(grads.map((g) => g !== null));
 * });
 */
export function registerMultiGradHook(tensors: readonly Tensor[], fn: MultiGradHookAll, options?: { mode?: "all" }): HookHandle;
export function registerMultiGradHook(tensors: readonly Tensor[], fn: MultiGradHookAny, options: { mode: "any" }): HookHandle;
export function registerMultiGradHook(tensors: readonly Tensor[], fn: MultiGradHookAll | MultiGradHookAny, options: MultiGradHookOptions = {}): HookHandle {
  const mode = options.mode ?? "all";
  if (mode !== "all" && mode !== "any") throw new Error(`Expects mode to be one of ('all', 'any') but got ${String(mode)}`);
  if (typeof fn !== "function") throw new TypeError(`registerMultiGradHook: expected a function, got ${typeof fn}`);
  let handles: HookHandle[];
  if (mode === "all") {
    const all = fn as MultiGradHookAll;
    tensors.forEach(checkRequiresGrad);
    // the node each gradient is computed at (a leaf's accumulator), to ask whether this backward runs it
    const gradFns = tensors.map((t) => gradientEdge(t).node);
    const count = new Map<number, number>();
    const buffers = new Map<number, (Tensor | null)[]>();
    let expected = 0;
    const hookFor = (idx: number) => (grad: Tensor): void => {
      const id = currentGraphTaskId();
      if (id === -1) throw new Error("expected this hook to be called inside a backward call");
      const seen = count.get(id) ?? 0;
      count.set(id, seen + 1);
      // on the first call of this backward: how many of the tensors it will compute
      if (seen === 0) expected = gradFns.filter((n) => willEngineExecuteNode(n)).length;
      let buffer = buffers.get(id);
      if (buffer === undefined) buffers.set(id, (buffer = tensors.map(() => null)));
      buffer[idx] = grad;
      if (seen === expected - 1) {
        count.delete(id);
        buffers.delete(id);
        all(buffer);
      }
    };
    handles = tensors.map((t, i) => t.registerHook(hookFor(i)));
  } else {
    const any = fn as MultiGradHookAny;
    const ran = new Set<number>();
    const once = (grad: Tensor): void => {
      const id = currentGraphTaskId();
      if (id === -1) throw new Error("expected this hook to be called inside a backward call");
      if (ran.has(id)) return;
      ran.add(id);
      any(grad);
    };
    Object.defineProperty(once, "name", { value: any.name });
    handles = tensors.filter((t) => t.requiresGrad).map((t) => t.registerHook(once));
  }
  return {
    remove: () => {
      for (const h of handles) h.remove();
    },
  };
}
