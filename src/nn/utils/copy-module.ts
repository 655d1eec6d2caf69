/**
 * A deep copy of a module (what PyTorch's `copy.deepcopy(module)` gives the
 * fusion utils): the same class and fields, with its own copies of the
 * parameters, buffers and submodules, in the same registration order.
 */
import { Tensor } from "../../tensor/tensor.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";

/** The registries and hook tables, which the copy gets its own of rather than as fields. */
const SKIP = new Set(["_parameters", "_buffers", "_modules", "_nonPersistent", "_forwardPreHooks", "_forwardHooks", "_backwardHooks", "_backwardPreHooks"]);

const copyTensor = (t: Tensor): Tensor => t.detach().clone().requiresGrad_(t.requiresGrad && t.isLeaf);

/**
 * A copy of `module` sharing nothing mutable with it: parameters (new
 * Parameter objects), buffers and submodules copied, hooks kept.
 *
 * @example
 * const twin = copyModule(conv); // twin.weight !== conv.weight, same values
 */
export function copyModule<M extends Module>(module: M): M {
  // only Module's constructor runs: the fields come from the original
  const twin = Reflect.construct(Module, [], module.constructor) as M;
  for (const [k, p] of module._parameters) twin.registerParameter(k, p === null ? null : new Parameter(p.detach().clone(), p.requiresGrad));
  for (const [k, b] of module._buffers) twin.registerBuffer(k, b === null ? null : b.detach().clone(), { persistent: !module._nonPersistent.has(k) });
  for (const [k, m] of module._modules) twin.registerModule(k, m === null ? null : copyModule(m));
  for (const [from, to] of [[module._forwardPreHooks, twin._forwardPreHooks], [module._forwardHooks, twin._forwardHooks],
    [module._backwardHooks, twin._backwardHooks], [module._backwardPreHooks, twin._backwardPreHooks]] as [Map<number, unknown>, Map<number, unknown>][]) {
    for (const [id, hook] of from) to.set(id, hook);
  }
  for (const key of Reflect.ownKeys(module)) {
    if (typeof key === "string" && (SKIP.has(key) || module._parameters.has(key) || module._buffers.has(key) || module._modules.has(key))) continue;
    const d = Object.getOwnPropertyDescriptor(module, key)!;
    if ("value" in d) {
      const v: unknown = d.value;
      if (v instanceof Tensor) d.value = copyTensor(v);
      else if (Array.isArray(v)) d.value = [...(v as unknown[])];
    }
    Object.defineProperty(twin, key, d);
  }
  return twin;
}
