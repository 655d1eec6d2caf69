import type { Tensor } from "../../tensor/tensor.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";

/** Modules registered under "0", "1", ... with list-like access: the shared part of Sequential and ModuleList. */
abstract class IndexedModules extends Module {
  /** The i-th module (negative counts from the end). */
  at(index: number): Module {
    const n = this._modules.size;
    const m = this._modules.get(String(index < 0 ? index + n : index));
    if (m === undefined || m === null) throw new Error(`index ${index} is out of range`);
    return m;
  }

  get length(): number {
    return this._modules.size;
  }

  /** Adds a module at the end; returns this. */
  append(module: Module): this {
    this.registerModule(String(this._modules.size), module);
    return this;
  }

  /** Removes and returns the i-th module (negative counts from the end); the ones after it move up. */
  pop(index = -1): Module {
    const m = this.at(index);
    const n = this._modules.size;
    delete (this as unknown as Record<string, unknown>)[String(index < 0 ? index + n : index)];
    return m;
  }

  /** `delete list[i]` as PyTorch's `del list[i]`: the modules after i are renumbered, so none is left out or overwritten later. */
  override _afterDelete(): void {
    const rest = [...this._modules.values()];
    for (const key of [...this._modules.keys()]) {
      this._modules.delete(key);
      Reflect.deleteProperty(this, key);
    }
    rest.forEach((m, i) => this.registerModule(String(i), m));
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.children()[Symbol.iterator]();
  }
}

/**
 * Runs its modules in order, each on the previous one's output. Children are
 * named "0", "1", ... as in PyTorch.
 *
 * @example
 * const mlp = new nn.Sequential(new nn.Linear(64, 128), new nn.ReLU(), new nn.Linear(128, 10));
 */
export class Sequential extends IndexedModules {
  constructor(...modules: Module[]) {
    super();
    for (const m of modules) this.append(m);
  }

  override forward(input: any): any {
    let x = input;
    for (const m of this._modules.values()) if (m !== null) x = m.forward(x);
    return x;
  }
}

/**
 * A list of modules, registered as "0", "1", ... so their parameters are found;
 * it has no forward of its own.
 *
 * @example
 * this.layers = new nn.ModuleList([new nn.Linear(4, 4), new nn.Linear(4, 2)]);
 */
export class ModuleList extends IndexedModules {
  constructor(modules: Iterable<Module> = []) {
    super();
    for (const m of modules) this.append(m);
  }

  /** Appends every module; returns this. */
  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }
}

/**
 * Refuses a key that would hide a property the container already has (a
 * method such as `keys`, or `training`), as PyTorch's "attribute 'keys'
 * already exists": registering defines an own property of that name.
 */
function checkKey(container: Module, key: string, registered: Map<string, unknown>): void {
  if (key in container && !registered.has(key)) throw new Error(`attribute '${key}' already exists`);
}

/** What `update` (and the dict constructors) take: a Map, an array of pairs, or an object. */
export type NamedEntries<T> = ReadonlyMap<string, T> | Iterable<readonly [string, T]> | Readonly<Record<string, T>>;

/** The pairs of `entries` in order; a plain object's keys sorted when `sortObjects` (PyTorch's ParameterDict sorts a plain dict). */
function pairsOf<T>(entries: NamedEntries<T>, sortObjects: boolean): [string, T][] {
  if (entries instanceof Map) return [...(entries as ReadonlyMap<string, T>).entries()];
  if (Symbol.iterator in entries) {
    return [...(entries as Iterable<readonly [string, T]>)].map((pair, j) => {
      if (!Array.isArray(pair) || pair.length !== 2) throw new Error(`update sequence element #${j} should be a [key, value] pair`);
      return [pair[0], pair[1]];
    });
  }
  const pairs = Object.entries(entries);
  return sortObjects ? pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : pairs;
}

/**
 * Modules by name, registered under their keys (so a parameter's state-dict
 * key is `key.weight`), in insertion order. Iterating gives the keys, as in
 * PyTorch; a key that is set again keeps its place. (A plain object lists
 * integer-like keys first, JavaScript's property order: pass a Map or pairs
 * to choose the order.)
 *
 * @example
 * const heads = new nn.ModuleDict({ cls: new nn.Linear(8, 3), box: new nn.Linear(8, 4) });
 * heads.get("cls")!.forward(x);
 */
export class ModuleDict extends Module {
  constructor(modules: NamedEntries<Module> | ModuleDict = {}) {
    super();
    this.update(modules);
  }

  /** The module under `key`, or undefined. */
  get(key: string): Module | undefined {
    return this._modules.get(key) ?? undefined;
  }

  /** Adds or replaces the module under `key`; returns this. */
  set(key: string, module: Module): this {
    checkKey(this, key, this._modules);
    this.registerModule(key, module);
    return this;
  }

  has(key: string): boolean {
    return this._modules.has(key);
  }

  /** Removes `key`; whether it was there. */
  delete(key: string): boolean {
    if (!this._modules.has(key)) return false;
    // through the module's proxy, which drops the registration with the field
    return delete (this as unknown as Record<string, unknown>)[key];
  }

  /** Removes `key` and returns its module (PyTorch's KeyError when absent). */
  pop(key: string): Module {
    const m = this.get(key);
    if (m === undefined) throw new Error(`KeyError: '${key}'`);
    this.delete(key);
    return m;
  }

  clear(): void {
    for (const key of this.keys()) this.delete(key);
  }

  /** Adds every `[key, module]` of a ModuleDict, a Map, an array of pairs or an object, in its order; returns this. */
  update(modules: NamedEntries<Module> | ModuleDict): this {
    for (const [key, m] of modules instanceof ModuleDict ? modules.entries() : pairsOf(modules, false)) this.set(key, m);
    return this;
  }

  keys(): string[] {
    return [...this._modules.keys()];
  }

  values(): Module[] {
    return [...this._modules.values()].filter((m): m is Module => m !== null);
  }

  entries(): [string, Module][] {
    return this.keys().map((k) => [k, this.get(k)!]);
  }

  get length(): number {
    return this._modules.size;
  }

  [Symbol.iterator](): Iterator<string> {
    return this.keys()[Symbol.iterator]();
  }
}

/** How PyTorch's parameter containers print one entry: `(key): Parameter containing: [torch.float32 of size 2x3]`. */
function parameterLine(key: string, p: Tensor, typeName: string): string {
  return `  (${key}): Parameter containing: [${typeName} of size ${p.shape.join("x")}]`;
}

/** PyTorch's `torch.typename` of a tensor (what ParameterDict prints). */
const TENSOR_TYPE: Record<string, string> = { float32: "FloatTensor", float64: "DoubleTensor", int32: "IntTensor", bool: "BoolTensor" };

/** A tensor as a parameter: Parameters as they are, other tensors wrapped (PyTorch's containers do the same). */
const asParameter = (t: Tensor): Parameter => (t instanceof Parameter ? t : new Parameter(t));

/**
 * A list of parameters, registered as "0", "1", ... so that `parameters()`
 * and `stateDict()` find them. Plain tensors are wrapped in a Parameter.
 *
 * @example
 * this.scales = new nn.ParameterList([torch.ones([4]), torch.ones([8])]);
 */
export class ParameterList extends Module {
  constructor(values: Iterable<Tensor> = []) {
    super();
    this.extend(values);
  }

  /** The i-th parameter (negative counts from the end). */
  at(index: number): Parameter {
    const n = this._parameters.size;
    const p = this._parameters.get(String(index < 0 ? index + n : index));
    if (p === undefined || p === null) throw new Error(`index ${index} is out of range`);
    return p;
  }

  /** Replaces the i-th parameter; returns this. */
  set(index: number, value: Tensor): this {
    this.at(index);
    const n = this._parameters.size;
    this.registerParameter(String(index < 0 ? index + n : index), asParameter(value));
    return this;
  }

  get length(): number {
    return this._parameters.size;
  }

  /** Adds a parameter at the end; returns this. */
  append(value: Tensor): this {
    this.registerParameter(String(this._parameters.size), asParameter(value));
    return this;
  }

  /** Appends every tensor; returns this. */
  extend(values: Iterable<Tensor>): this {
    for (const v of values) this.append(v);
    return this;
  }

  [Symbol.iterator](): Iterator<Parameter> {
    return this.parameters(false)[Symbol.iterator]();
  }

  /** PyTorch's lines, with the dtype as `torch.float32`. */
  override extraRepr(): string {
    return [...this._parameters].map(([k, p]) => parameterLine(k, p!, `torch.${p!.dtype}`)).join("\n");
  }
}

/**
 * Parameters by name, registered under their keys (state-dict key = key), in
 * insertion order; plain tensors are wrapped in a Parameter. As in PyTorch,
 * a plain object passed to the constructor or `update` is added in sorted
 * key order (use a Map or an array of pairs to keep yours), and iterating
 * gives the keys.
 *
 * @example
 * this.gains = new nn.ParameterDict({ a: torch.ones([3]), b: torch.zeros([3]) });
 */
export class ParameterDict extends Module {
  constructor(parameters: NamedEntries<Tensor> | ParameterDict = {}) {
    super();
    this.update(parameters);
  }

  /** The parameter under `key`, or undefined. */
  get(key: string): Parameter | undefined {
    return this._parameters.get(key) ?? undefined;
  }

  /** Adds or replaces the parameter under `key`; returns this. */
  set(key: string, value: Tensor): this {
    checkKey(this, key, this._parameters);
    this.registerParameter(key, asParameter(value));
    return this;
  }

  has(key: string): boolean {
    return this._parameters.has(key);
  }

  /** Removes `key`; whether it was there. */
  delete(key: string): boolean {
    if (!this._parameters.has(key)) return false;
    return delete (this as unknown as Record<string, unknown>)[key];
  }

  /** Removes `key` and returns its parameter (PyTorch's KeyError when absent). */
  pop(key: string): Parameter {
    const p = this.get(key);
    if (p === undefined) throw new Error(`KeyError: '${key}'`);
    this.delete(key);
    return p;
  }

  clear(): void {
    for (const key of this.keys()) this.delete(key);
  }

  /** Adds every `[key, tensor]`: a ParameterDict, Map or array of pairs in its order, an object's keys sorted; returns this. */
  update(parameters: NamedEntries<Tensor> | ParameterDict): this {
    for (const [key, t] of parameters instanceof ParameterDict ? parameters.entries() : pairsOf(parameters, true)) this.set(key, t);
    return this;
  }

  keys(): string[] {
    return [...this._parameters.keys()];
  }

  values(): Parameter[] {
    return this.keys().map((k) => this.get(k)!);
  }

  entries(): [string, Parameter][] {
    return this.keys().map((k) => [k, this.get(k)!]);
  }

  get length(): number {
    return this._parameters.size;
  }

  [Symbol.iterator](): Iterator<string> {
    return this.keys()[Symbol.iterator]();
  }

  /** PyTorch's lines, with the type as `torch.FloatTensor` (ParameterDict prints `torch.typename`, unlike ParameterList). */
  override extraRepr(): string {
    return [...this._parameters].map(([k, p]) => parameterLine(k, p!, `torch.${TENSOR_TYPE[p!.dtype]}`)).join("\n");
  }
}
