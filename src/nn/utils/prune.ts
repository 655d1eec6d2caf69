/**
 * `nn.utils.prune`, as `torch.nn.utils.prune`: pruning a parameter `weight`
 * moves it to the parameter `weight_orig` (the same object), adds the buffer
 * `weight_mask`, and makes `module.weight = weight_orig · weight_mask`,
 * recomputed by a forward pre-hook. Pruning the same tensor again combines
 * the methods in a `PruningContainer` (each prunes what the others left);
 * `remove` makes it permanent.
 */
import { noGrad } from "../../autograd/grad-mode-api.js";
import { onesLike } from "../../ops/factories.js";
import { cat } from "../../ops/indexing.js";
import { Tensor } from "../../tensor/tensor.js";
import type { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { ownedPreHooks, registerOwnedPreHook, removePreHook } from "./owned-hooks.js";
import {
  BasePruningMethod, CustomFromMask, Identity, L1Unstructured, LnStructured, PruningContainer, RandomStructured, RandomUnstructured,
  type PruningNorm,
} from "./prune-methods.js";

export {
  BasePruningMethod, PruningContainer, Identity, RandomUnstructured, L1Unstructured, RandomStructured, LnStructured, CustomFromMask,
  type PruningType, type PruningNorm,
} from "./prune-methods.js";

const isPruning = (owner: object): owner is BasePruningMethod => owner instanceof BasePruningMethod;

function fieldsOf(module: Module): Record<string, unknown> {
  return module as unknown as Record<string, unknown>;
}

/**
 * `method` (made fresh) applied to `module[name]`, combined with the pruning
 * already there (PyTorch's `BasePruningMethod.apply`). Returns the method in
 * force: `method`, or the container holding it.
 */
export function applyPruning(module: Module, name: string, method: BasePruningMethod, importanceScores?: Tensor | null): BasePruningMethod {
  const old = ownedPreHooks(module, isPruning).filter(([, h]) => h.tensorName === name);
  if (old.length > 1) throw new Error(`Avoid adding multiple pruning hooks to the same tensor ${name} of module ${module.toString()}. Use a PruningContainer.`);
  for (const [id] of old) removePreHook(module, id);
  method.tensorName = name;
  let inForce = method;
  const previous = old[0]?.[1];
  if (previous instanceof PruningContainer) {
    previous.addPruningMethod(method);
    inForce = previous;
  } else if (previous !== undefined) {
    const container = new PruningContainer(previous);
    container.addPruningMethod(method);
    inForce = container;
  }

  const fields = fieldsOf(module);
  const orig = fields[name];
  if (!(orig instanceof Tensor)) throw new Error(`'${module.constructor.name}' object has no attribute '${name}'`);
  const scores = importanceScores ?? orig;
  if (scores.shape.length !== orig.shape.length || scores.shape.some((d, i) => d !== orig.shape[i])) {
    throw new Error(`importance_scores should have the same shape as parameter ${name} of ${module.toString()}`);
  }
  let defaultMask: Tensor;
  const first = !(inForce instanceof PruningContainer);
  if (first) {
    if (!(orig instanceof Parameter)) throw new TypeError(`cannot assign 'torch.FloatTensor' object to parameter '${name}_orig' (torch.nn.Parameter or None required)`);
    module.registerParameter(`${name}_orig`, orig);
    module._parameters.delete(name);
    defaultMask = onesLike(orig);
  } else defaultMask = (fields[`${name}_mask`] as Tensor).detach().clone();
  try {
    const mask = noGrad(() => inForce.computeMask(scores, defaultMask));
    module.registerBuffer(`${name}_mask`, mask);
    fields[name] = inForce.applyMask(module);
    registerOwnedPreHook(module, inForce, (m) => {
      fieldsOf(m)[name] = inForce.applyMask(m);
    });
  } catch (e) {
    // as it was: the parameter back under its name
    if (first) {
      delete fields[`${name}_orig`];
      fields[name] = orig;
    }
    throw e;
  }
  return inForce;
}

/**
 * Applies the pruning machinery without pruning anything (a mask of ones).
 * Returns the module.
 *
 * @example
 * nn.utils.prune.identity(fc, "weight"); // fc.weight_orig, fc.weight_mask (all ones)
 */
export function identity<M extends Module>(module: M, name: string): M {
  applyPruning(module, name, new Identity());
  return module;
}

/**
 * Prunes `amount` entries of `module[name]` at random (a count if an
 * integer, else a fraction). Returns the module.
 *
 * @example
 * nn.utils.prune.randomUnstructured(fc, "weight", 0.3);
 */
export function randomUnstructured<M extends Module>(module: M, name: string, amount: number): M {
  applyPruning(module, name, new RandomUnstructured(amount));
  return module;
}

export interface ImportanceOptions {
  /** Scores to rank the entries by instead of the tensor itself (same shape). */
  importanceScores?: Tensor | null;
}

/**
 * Prunes the `amount` entries of `module[name]` of smallest magnitude (or
 * `importanceScores`). Returns the module.
 *
 * @example
 * nn.utils.prune.l1Unstructured(fc, "weight", 0.5);
 */
export function l1Unstructured<M extends Module>(module: M, name: string, amount: number, options: ImportanceOptions = {}): M {
  applyPruning(module, name, new L1Unstructured(amount), options.importanceScores);
  return module;
}

/**
 * Prunes `amount` whole channels of `module[name]` along `dim`, at random.
 * Returns the module.
 *
 * @example
 * nn.utils.prune.randomStructured(conv, "weight", 0.5, 0); // half the output channels
 */
export function randomStructured<M extends Module>(module: M, name: string, amount: number, dim: number): M {
  applyPruning(module, name, new RandomStructured(amount, dim));
  return module;
}

/**
 * Prunes the `amount` channels of `module[name]` along `dim` with the
 * smallest `n`-norm. Returns the module.
 *
 * @example
 * nn.utils.prune.lnStructured(conv, "weight", 0.5, 2, 0);
 */
export function lnStructured<M extends Module>(module: M, name: string, amount: number, n: PruningNorm, dim: number, options: ImportanceOptions = {}): M {
  applyPruning(module, name, new LnStructured(amount, n, dim), options.importanceScores);
  return module;
}

/**
 * Prunes `module[name]` where `mask` is 0. Returns the module.
 *
 * @example
 * nn.utils.prune.customFromMask(fc, "bias", torch.tensor([0, 1, 1]));
 */
export function customFromMask<M extends Module>(module: M, name: string, mask: Tensor): M {
  applyPruning(module, name, new CustomFromMask(mask));
  return module;
}

/** An unstructured pruning method class, made with the amount (`L1Unstructured`, `RandomUnstructured`, `Identity`). */
export type UnstructuredMethodClass = new (amount: number) => BasePruningMethod;

export interface GlobalUnstructuredOptions {
  /** What the method is made with. */
  amount: number;
  /** Scores instead of the tensors themselves, by module and tensor name. */
  importanceScores?: ReadonlyMap<Module, Readonly<Record<string, Tensor>>>;
}

/**
 * Prunes several tensors together, as if they were one vector: with
 * `L1Unstructured` and `amount: 0.2`, the 20% of all their entries of
 * smallest magnitude. Each tensor then carries its share as a custom mask.
 *
 * @example
 * nn.utils.prune.globalUnstructured([[model.fc1, "weight"], [model.fc2, "weight"]], nn.utils.prune.L1Unstructured, { amount: 0.2 });
 */
export function globalUnstructured(parameters: Iterable<readonly [Module, string]>, pruningMethod: UnstructuredMethodClass, options: GlobalUnstructuredOptions): void {
  if (parameters === null || typeof (parameters as Partial<Iterable<unknown>>)[Symbol.iterator] !== "function") {
    throw new TypeError("global_unstructured(): parameters is not an Iterable");
  }
  const list = [...parameters];
  const scores = options.importanceScores ?? new Map<Module, Record<string, Tensor>>();
  if (!(scores instanceof Map)) throw new TypeError("global_unstructured(): importance_scores must be of type dict");
  const tensorOf = (m: Module, name: string): Tensor => fieldsOf(m)[name] as Tensor;
  const finalMask = noGrad(() => {
    const relevant = cat(list.map(([m, name]) => (scores.get(m)?.[name] ?? tensorOf(m, name)).reshape([-1])));
    const defaultMask = cat(list.map(([m, name]) => ((fieldsOf(m)[`${name}_mask`] as Tensor | undefined) ?? onesLike(tensorOf(m, name))).reshape([-1])));
    const method = new pruningMethod(options.amount);
    method.tensorName = "temp";
    if (method.pruningType !== "unstructured") {
      throw new TypeError(`Only "unstructured" PRUNING_TYPE supported for the \`pruning_method\`. Found method ${pruningMethod.name} of type ${method.pruningType}`);
    }
    const container = new PruningContainer();
    container.tensorName = "temp";
    container.addPruningMethod(method);
    return container.computeMask(relevant, defaultMask);
  });
  let pointer = 0;
  for (const [m, name] of list) {
    const param = tensorOf(m, name);
    const n = param.numel();
    customFromMask(m, name, finalMask.narrow(0, pointer, n).reshape(param.shape));
    pointer += n;
  }
}

/**
 * Makes the pruning of `module[name]` permanent: it becomes a parameter
 * again (the original object) holding the pruned values, and `name_orig`,
 * `name_mask` and the hook go. Returns the module.
 *
 * @example
 * nn.utils.prune.remove(fc, "weight");
 */
export function remove<M extends Module>(module: M, name: string): M {
  const found = ownedPreHooks(module, isPruning).find(([, h]) => h.tensorName === name);
  if (found === undefined) throw new Error(`Parameter '${name}' of module ${module.toString()} has to be pruned before pruning can be removed`);
  found[1].remove(module);
  removePreHook(module, found[0]);
  return module;
}

/**
 * Whether `module` or one of its descendants has a pruning hook.
 *
 * @example
 * nn.utils.prune.isPruned(model); // false before any pruning
 */
export function isPruned(module: Module): boolean {
  return module.modules().some((m) => ownedPreHooks(m, isPruning).length > 0);
}
