import { Module } from "../module.js";

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
