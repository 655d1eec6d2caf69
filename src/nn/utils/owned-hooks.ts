/**
 * Forward pre-hooks that stand for an object, as PyTorch's hooks that are
 * instances of `WeightNorm`, `SpectralNorm` or a pruning method: the utils
 * find them again by what they stand for (`isinstance(hook, WeightNorm) and
 * hook.name == name`) to remove or replace them. The module keeps plain
 * functions; the owner of each is remembered here.
 */
import type { ForwardPreHook, Module } from "../module.js";

const OWNERS = new WeakMap<ForwardPreHook, object>();

/** Registers `hook` as a forward pre-hook of `module` that stands for `owner`. */
export function registerOwnedPreHook(module: Module, owner: object, hook: ForwardPreHook): void {
  OWNERS.set(hook, owner);
  module.registerForwardPreHook(hook);
}

/** The pre-hooks of `module` whose owner passes `match`, in registration order: `[hook id, owner]`. */
export function ownedPreHooks<T extends object>(module: Module, match: (owner: object) => owner is T): [number, T][] {
  const out: [number, T][] = [];
  for (const [id, hook] of module._forwardPreHooks) {
    const owner = OWNERS.get(hook);
    if (owner !== undefined && match(owner)) out.push([id, owner]);
  }
  return out;
}

/** Takes the pre-hook `id` off `module`. */
export function removePreHook(module: Module, id: number): void {
  module._forwardPreHooks.delete(id);
}
