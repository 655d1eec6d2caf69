/**
 * `functionalCall`, PyTorch 2.x's `torch.func.functional_call` (also
 * `torch.nn.utils.stateless.functional_call`): runs a module's forward with
 * some of its parameters and buffers replaced by given tensors, then puts
 * the module's own back. Gradients flow to the given tensors, so a module
 * can be used as a function of its weights (meta-learning, ensembles,
 * per-sample gradients).
 */
import { Tensor } from "../../tensor/tensor.js";
import { Module } from "../module.js";

/** Tensors by dotted name (`"0.weight"`, `"bn.running_mean"`), as an object or a Map. */
export type NamedTensors = Readonly<Record<string, Tensor>> | ReadonlyMap<string, Tensor>;

export interface FunctionalCallOptions {
  /**
   * Treat tensors tied in the module (one tensor under several names) as
   * tied: a value given for one name is used for all (default true); two
   * different values for them throw.
   */
  tieWeights?: boolean;
  /** Require exactly the module's parameter and buffer names (default false). */
  strict?: boolean;
}

function entriesOf(d: NamedTensors): [string, Tensor][] {
  return d instanceof Map ? [...(d as ReadonlyMap<string, Tensor>).entries()] : Object.entries(d);
}

/** Python's repr of a list of strings: `['a', 'b']`. */
const pyList = (keys: readonly string[]): string => `[${keys.map((k) => `'${k}'`).join(", ")}]`;

/** One dict from the dict or dicts given (PyTorch's checks for keys repeated across them). */
function mergeDicts(dicts: NamedTensors | readonly NamedTensors[]): Map<string, Tensor> {
  if (!Array.isArray(dicts)) {
    if (dicts === null || typeof dicts !== "object") {
      throw new Error(`Expected parameter_and_buffer_dicts to be a dict, or a list/tuple of dicts, but got ${typeof dicts}`);
    }
    return new Map(entriesOf(dicts as NamedTensors));
  }
  const list = dicts as readonly NamedTensors[];
  if (!list.every((d) => d !== null && typeof d === "object" && !Array.isArray(d))) throw new Error("Expected all elements of parameter_and_buffer_dicts to be dictionaries");
  const counts = new Map<string, number>();
  for (const d of list) for (const [k] of entriesOf(d)) counts.set(k, (counts.get(k) ?? 0) + 1);
  const repeated = [...counts].filter(([, n]) => n > 1).map(([k]) => k);
  if (repeated.length > 0) throw new Error(`${pyList(repeated)} appeared in multiple dictionaries; behavior of functional call is ambiguous`);
  return new Map(list.flatMap(entriesOf));
}

/** Every parameter and buffer name of `module`, tied ones included. */
function allNamedTensors(module: Module): [string, Tensor][] {
  return [...module.namedParameters({ removeDuplicate: false }), ...module.namedBuffers({ removeDuplicate: false })];
}

/** The given tensors with each also under the names of the module tensors tied to it (PyTorch's `_untie_named_tensors_map`). */
function untie(module: Module, given: Map<string, Tensor>): Map<string, Tensor> {
  const namesOf = new Map<Tensor, string[]>();
  for (const [name, t] of allNamedTensors(module)) namesOf.set(t, [...(namesOf.get(t) ?? []), name]);
  const tiedNames = new Map<string, string[]>();
  for (const names of namesOf.values()) if (names.length > 1) for (const n of names) tiedNames.set(n, names);
  const out = new Map(given);
  for (const name of given.keys()) {
    const tied = tiedNames.get(name);
    if (tied === undefined) continue;
    const values = new Set(tied.filter((n) => given.has(n)).map((n) => given.get(n)));
    if (values.size > 1) throw new Error(`functional_call got multiple values for keys ${pyList([...tied].sort())}, which are tied. Consider using tie_weights=False`);
    for (const n of tied) out.set(n, given.get(name)!);
  }
  return out;
}

/** The module that owns the dotted `name`, and the last part of it. */
function owner(module: Module, name: string): [Module, string] {
  const parts = name.split(".");
  let m = module;
  for (const part of parts.slice(0, -1)) {
    const next = m._modules.get(part) ?? (m as unknown as Record<string, unknown>)[part];
    if (!(next instanceof Module)) throw new Error(`'${m.constructor.name}' object has no attribute '${part}'`);
    m = next;
  }
  const leaf = parts.at(-1)!;
  if (leaf === "") throw new Error('KeyError: tensor name can\'t be empty string ""');
  return [m, leaf];
}

/**
 * Puts `tensor` in place of `m[name]` (the registry entry, and the attribute
 * forward reads) and returns how to undo it; undoing returns the value the
 * attribute had at the end (the module may have reassigned it).
 */
function swapIn(m: Module, name: string, tensor: Tensor): () => Tensor {
  if (!(tensor instanceof Tensor)) throw new TypeError(`${String(tensor)} is not an instance of torch.Tensor`);
  const fields = m as unknown as Record<string, unknown>;
  const registry = m._parameters.has(name) ? (m._parameters as Map<string, Tensor | null>) : m._buffers.has(name) ? m._buffers : null;
  const before = Object.getOwnPropertyDescriptor(m, name);
  const old = fields[name];
  if (registry === null && name in m && !(old instanceof Tensor) && old !== null) {
    const shown = typeof old === "number" || typeof old === "string" || typeof old === "boolean" ? String(old) : typeof old;
    throw new TypeError(`attribute \`${name}\`: ${shown} is not an instance of torch.Tensor`);
  }
  const registered = registry?.get(name);
  let current = tensor;
  registry?.set(name, tensor);
  // an accessor, so that neither the registration checks nor a parametrization's getter get in the way
  Object.defineProperty(m, name, {
    get: () => current,
    set: (v: Tensor) => {
      current = v;
      registry?.set(name, v);
    },
    enumerable: true,
    configurable: true,
  });
  return () => {
    if (registry !== null) (registry).set(name, registered ?? null);
    if (before !== undefined) Object.defineProperty(m, name, before);
    else delete fields[name];
    return current;
  };
}

/**
 * Calls `module.forward(...args)` with the parameters and buffers named in
 * `parameterAndBufferDicts` (a dict, or several without common keys)
 * replaced by the given tensors; the module is as before afterwards. Names
 * it lacks are set as attributes for the call (an error with `strict`).
 * `args` is the argument list (one non-array value is the only argument).
 * If forward reassigns a replaced tensor, the new value is written back into
 * the dict (when one dict was given), as in PyTorch.
 *
 * @example
 * const params = Object.fromEntries(model.namedParameters().map(([k, p]) => [k, p.detach().requiresGrad_()]));
 * const out = torch.func.functionalCall(model, params, [x]);
 */
export function functionalCall(module: Module, parameterAndBufferDicts: NamedTensors | readonly NamedTensors[], args?: unknown, options: FunctionalCallOptions = {}): any {
  const given = mergeDicts(parameterAndBufferDicts);
  const tensors = options.tieWeights ?? true ? untie(module, given) : given;
  if (options.strict ?? false) {
    const valid = new Set(allNamedTensors(module).map(([k]) => k));
    const missing = [...valid].filter((k) => !tensors.has(k)).sort();
    const unexpected = [...tensors.keys()].filter((k) => !valid.has(k)).sort();
    const errors: string[] = [];
    if (unexpected.length > 0) errors.push(`Unexpected key(s): ${unexpected.map((k) => `'${k}'`).join(", ")}.`);
    if (missing.length > 0) errors.push(`Missing key(s): ${missing.map((k) => `'${k}'`).join(", ")}.`);
    if (errors.length > 0) throw new Error(`Error(s) in reparametrizing for ${module.constructor.name}:\n\t${errors.join("\n\t")}`);
  }
  const argList = args === undefined ? [] : Array.isArray(args) ? args : [args];
  const undo: [string, () => Tensor][] = [];
  try {
    for (const [name, t] of tensors) {
      const [m, leaf] = owner(module, name);
      undo.push([name, swapIn(m, leaf, t)]);
    }
    return module.forward(...argList);
  } finally {
    const finals = new Map(undo.reverse().map(([name, restore]) => [name, restore()]));
    // a single dict sees what forward assigned, as PyTorch's update of the dict it was given
    if (!Array.isArray(parameterAndBufferDicts)) {
      const d = parameterAndBufferDicts as NamedTensors;
      for (const [k] of entriesOf(d)) {
        const v = finals.get(k);
        if (v === undefined || v === (d instanceof Map ? (d as ReadonlyMap<string, Tensor>).get(k) : (d as Record<string, Tensor>)[k])) continue;
        if (d instanceof Map) (d as Map<string, Tensor>).set(k, v);
        else (d as Record<string, Tensor>)[k] = v;
      }
    }
  }
}
