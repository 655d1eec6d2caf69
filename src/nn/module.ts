/**
 * `nn.Module`: the base of layers and models. Fields holding a Parameter,
 * a Module, or a registered buffer are recorded in assignment order, so
 * `stateDict()` keys are PyTorch's (`fc1.weight`, `layers.0.bias`).
 *
 * Registration intercepts property definition: the constructor returns a
 * Proxy whose `defineProperty` trap sees both `this.fc1 = ...` in a
 * constructor (an ordinary [[Set]] ends in [[DefineOwnProperty]] on the
 * receiver) and class fields `fc1 = ...` (which use [[Define]] directly).
 */
import { noGrad } from "../autograd/grad-mode-api.js";
import { castData } from "../ops/core.js";
import { type DType, isDType, isFloating } from "../tensor/dtype.js";
import { Device, type DeviceLike, requireCpu } from "../tensor/device.js";
import { Tensor } from "../tensor/tensor.js";
import { Parameter } from "./parameter.js";
import { isUninitialized } from "./uninitialized.js";
import { BackwardHook, type FullBackwardHook, type FullBackwardPreHook, type BackwardHookGrads } from "./backward-hook.js";

export type { FullBackwardHook, FullBackwardPreHook, BackwardHookGrads };

/** A state dict: names to tensors, in registration order. */
export type StateDict = Record<string, Tensor>;

export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

const INTERNAL = new Set(["_parameters", "_buffers", "_modules", "_nonPersistent", "training", "_forwardPreHooks", "_forwardHooks", "_backwardHooks", "_backwardPreHooks", "forward"]);

/** Runs before `forward`; may return replacement arguments (an array, or one value). */
export type ForwardPreHook = (module: Module, args: unknown[]) => unknown;
/** Runs after `forward`; may return a replacement output. */
export type ForwardHook = (module: Module, args: unknown[], output: unknown) => unknown;

/** What `registerForwardHook` and `registerForwardPreHook` return: `remove()` takes the hook off. */
export class RemovableHandle {
  constructor(private readonly hooks: Map<number, unknown>, readonly id: number) {}

  remove(): void {
    this.hooks.delete(this.id);
  }
}

let nextHookId = 0;

/** `register*Hook`'s options: `prepend` runs the hook before those already registered (PyTorch 2.x). */
export interface HookOptions {
  prepend?: boolean;
}

/**
 * Adds `hook` to `hooks` under a fresh id: last, or first with `prepend`
 * (PyTorch's move_to_end(last=False): a later prepended hook runs before an
 * earlier one). Returns the id.
 */
function addHook<H>(hooks: Map<number, H>, hook: H, prepend: boolean | undefined): number {
  const id = nextHookId++;
  if (prepend === true) {
    const rest = [...hooks];
    hooks.clear();
    hooks.set(id, hook);
    for (const [k, v] of rest) hooks.set(k, v);
  } else hooks.set(id, hook);
  return id;
}
/** Marks the forward that runs a module's hooks, so it is installed once. */
const HOOKED = Symbol("hooked forward");

/**
 * Makes `m.forward` run its hooks. JavaScript cannot call a module, so where
 * PyTorch runs hooks in `__call__`, the first registered hook gives the
 * module an own `forward` that wraps the one it had (a class method or a
 * field).
 */
function hookForward(m: Module): void {
  const inner = m.forward as ((...args: unknown[]) => unknown) & { [HOOKED]?: true };
  if (inner[HOOKED]) return;
  const hooked = function (this: Module, ...args: unknown[]): unknown {
    let a = args;
    for (const hook of [...this._forwardPreHooks.values()]) {
      const r = hook(this, a);
      if (r !== undefined && r !== null) a = Array.isArray(r) ? r : [r];
    }
    // backward hooks as registered now (PyTorch takes them at call time), around the inputs and outputs
    const bw = this._backwardHooks.size > 0 || this._backwardPreHooks.size > 0
      ? new BackwardHook(this, [...this._backwardHooks.values()], [...this._backwardPreHooks.values()])
      : null;
    if (bw !== null) a = bw.setupInputHook(a);
    let out = inner.apply(this, a);
    for (const hook of [...this._forwardHooks.values()]) {
      const r = hook(this, a, out);
      // null (Python's None) or nothing leaves the output as it is
      if (r !== undefined && r !== null) out = r;
    }
    return bw === null ? out : bw.setupOutputHook(out);
  };
  Object.defineProperty(hooked, HOOKED, { value: true });
  Object.defineProperty(m, "forward", { value: hooked, writable: true, configurable: true, enumerable: false });
}

export class Module {
  /** Whether the module is in training mode (changes Dropout and BatchNorm only). */
  training = true;
  /** @internal */
  readonly _parameters = new Map<string, Parameter | null>();
  /** @internal */
  readonly _buffers = new Map<string, Tensor | null>();
  /** @internal */
  readonly _modules = new Map<string, Module | null>();
  /** @internal buffer names left out of the state dict */
  readonly _nonPersistent = new Set<string>();
  /** @internal */
  readonly _forwardPreHooks = new Map<number, ForwardPreHook>();
  /** @internal */
  readonly _forwardHooks = new Map<number, ForwardHook>();
  /** @internal */
  readonly _backwardHooks = new Map<number, FullBackwardHook>();
  /** @internal */
  readonly _backwardPreHooks = new Map<number, FullBackwardPreHook>();

  constructor() {
     
    return new Proxy(this, {
      defineProperty(target, prop, desc) {
        if (typeof prop === "string" && "value" in desc && !INTERNAL.has(prop)) register(target, prop, desc.value);
        return Reflect.defineProperty(target, prop, desc);
      },
      deleteProperty(target, prop) {
        if (typeof prop === "string") {
          target._parameters.delete(prop);
          target._buffers.delete(prop);
          target._modules.delete(prop);
        }
        const deleted = Reflect.deleteProperty(target, prop);
        if (typeof prop === "string") target._afterDelete(prop);
        return deleted;
      },
    });
  }

  /** @internal called (on the module itself, not its proxy) after `delete module[name]`; containers renumber here */
  _afterDelete(_name: string): void {}

  /** @internal this module's state-dict entries that a checkpoint may leave out (they keep their value) */
  _optionalStateKeys(): readonly string[] {
    return [];
  }

  /** The computation; subclasses override it. Called as `model.forward(x)`. */
  forward(..._args: any[]): any {
    throw new Error(`Module [${this.constructor.name}] is missing the required "forward" function`);
  }

  /**
   * `hook(module, args)` runs before each `forward`; returning an array (or
   * one value) replaces the arguments.
   *
   * @example
   * const handle = model.registerForwardPreHook((m, [x]) => console.log((x as Tensor).shape));
   * handle.remove();
   * model.registerForwardPreHook(first, { prepend: true }); // runs before the hooks already there
   */
  registerForwardPreHook(hook: ForwardPreHook, options: HookOptions = {}): RemovableHandle {
    const id = addHook(this._forwardPreHooks, hook, options.prepend);
    hookForward(this);
    return new RemovableHandle(this._forwardPreHooks, id);
  }

  /**
   * `hook(module, args, output)` runs after each `forward`; returning a value
   * replaces the output (to read activations, or change them).
   *
   * @example
   * const acts: Tensor[] = [];
   * model.fc1.registerForwardHook((m, args, out) => { acts.push(out as Tensor); });
   */
  registerForwardHook(hook: ForwardHook, options: HookOptions = {}): RemovableHandle {
    const id = addHook(this._forwardHooks, hook, options.prepend);
    hookForward(this);
    return new RemovableHandle(this._forwardHooks, id);
  }

  /**
   * `hook(module, gradInput, gradOutput)` runs in backward once the gradients
   * w.r.t. the module's positional inputs are computed (null for non-tensor
   * arguments; if no input requires grad, all null and the hook runs when the
   * output gradients arrive). Returning an array replaces `gradInput`. The
   * hooks in force at each forward call apply to that call's graph.
   *
   * @example
   * const handle = model.registerFullBackwardHook((m, gradInput, gradOutput) => { console.log(gradOutput[0]?.shape); });
   * handle.remove();
   */
  registerFullBackwardHook(hook: FullBackwardHook, options: HookOptions = {}): RemovableHandle {
    const id = addHook(this._backwardHooks, hook, options.prepend);
    hookForward(this);
    return new RemovableHandle(this._backwardHooks, id);
  }

  /**
   * `hook(module, gradOutput)` runs in backward when the gradients w.r.t. the
   * module's outputs arrive (null for outputs that got none), before the full
   * backward hooks; returning an array replaces `gradOutput`.
   *
   * @example
   * model.registerFullBackwardPreHook((m, gradOutput) => gradOutput.map((g) => g?.clamp(-1, 1) ?? null));
   */
  registerFullBackwardPreHook(hook: FullBackwardPreHook, options: HookOptions = {}): RemovableHandle {
    const id = addHook(this._backwardPreHooks, hook, options.prepend);
    hookForward(this);
    return new RemovableHandle(this._backwardPreHooks, id);
  }

  /** Adds a parameter (or null, a declared but absent one such as a missing bias). */
  registerParameter(name: string, param: Parameter | null): void {
    checkName(this, name, "parameter", this._parameters);
    if (param !== null && !(param instanceof Parameter)) {
      throw new TypeError(`cannot assign '${describe(param)}' object to parameter '${name}' (torch.nn.Parameter or None required)`);
    }
    this._parameters.set(name, param);
    defineField(this, name, param);
  }

  /**
   * Adds a buffer: state that is not a parameter (running statistics). It is in
   * `stateDict()` unless `persistent: false`.
   *
   * @example
   * this.registerBuffer("runningMean", torch.zeros([4]));
   */
  registerBuffer(name: string, tensor: Tensor | null, options: { persistent?: boolean } = {}): void {
    checkName(this, name, "buffer", this._buffers);
    if (tensor !== null && !(tensor instanceof Tensor)) {
      throw new TypeError(`cannot assign '${describe(tensor)}' object to buffer '${name}' (torch Tensor or None required)`);
    }
    this._buffers.set(name, tensor);
    if (options.persistent ?? true) this._nonPersistent.delete(name);
    else this._nonPersistent.add(name);
    defineField(this, name, tensor);
  }

  /** Adds a child module under `name` (what assigning a module field does). */
  registerModule(name: string, module: Module | null): void {
    checkName(this, name, "module", this._modules);
    if (module !== null && !(module instanceof Module)) throw new TypeError(`${typeof module} is not a Module subclass`);
    this._modules.set(name, module);
    defineField(this, name, module);
  }

  /** Alias of `registerModule`, as PyTorch's `add_module`. */
  addModule(name: string, module: Module | null): void {
    this.registerModule(name, module);
  }

  /** `[name, parameter]` pairs of this module and (with `recurse`) its descendants, each parameter once. */
  namedParameters(options: { prefix?: string; recurse?: boolean; removeDuplicate?: boolean } = {}): [string, Parameter][] {
    return this.namedMembers((m) => m._parameters, options);
  }

  /**
   * The parameters, each once, in registration order.
   *
   * @example
   * const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
   */
  parameters(recurse = true): Parameter[] {
    return this.namedParameters({ recurse }).map(([, p]) => p);
  }

  namedBuffers(options: { prefix?: string; recurse?: boolean; removeDuplicate?: boolean } = {}): [string, Tensor][] {
    return this.namedMembers((m) => m._buffers, options);
  }

  buffers(recurse = true): Tensor[] {
    return this.namedBuffers({ recurse }).map(([, b]) => b);
  }

  /** Direct children with their names. */
  namedChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    const seen = new Set<Module>();
    for (const [name, m] of this._modules) {
      if (m !== null && !seen.has(m)) {
        seen.add(m);
        out.push([name, m]);
      }
    }
    return out;
  }

  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and all descendants (pre-order), each once; this one's name is `""`. */
  namedModules(options: { prefix?: string; memo?: Set<Module>; removeDuplicate?: boolean } = {}): [string, Module][] {
    const memo = options.memo ?? new Set<Module>();
    const prefix = options.prefix ?? "";
    const removeDuplicate = options.removeDuplicate ?? true;
    if (removeDuplicate && memo.has(this)) return [];
    if (removeDuplicate) memo.add(this);
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, m] of this._modules) {
      if (m === null) continue;
      out.push(...m.namedModules({ prefix: prefix === "" ? name : `${prefix}.${name}`, memo, removeDuplicate }));
    }
    return out;
  }

  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** @internal Python's hasattr/getattr on a module: registered members first, then plain fields and methods. */
  private static attr(m: Module, name: string): { found: boolean; value: unknown } {
    for (const reg of [m._parameters, m._buffers, m._modules] as Map<string, unknown>[]) if (reg.has(name)) return { found: true, value: reg.get(name) };
    if (name in m) return { found: true, value: (m as unknown as Record<string, unknown>)[name] };
    return { found: false, value: undefined };
  }

  /**
   * The submodule at the dotted path `target` (`""` is this module), as
   * PyTorch's `get_submodule`; throws `"<Name> has no attribute \`x\`"`.
   *
   * @example
   * const net = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU());
   * net.getSubmodule("0"); // the Linear
   */
  getSubmodule(target: string): Module {
    if (target === "") return this;
    let mod: Module = this;
    for (const item of target.split(".")) {
      const { found, value } = Module.attr(mod, item);
      if (!found) throw new Error(`${mod.constructor.name} has no attribute \`${item}\``);
      if (!(value instanceof Module)) throw new Error(`\`${item}\` is not an nn.Module`);
      mod = value;
    }
    return mod;
  }

  /** The parameter at the dotted path `target` (`"0.weight"`), as PyTorch's `get_parameter`. */
  getParameter(target: string): Parameter {
    const cut = target.lastIndexOf(".");
    const mod = this.getSubmodule(cut < 0 ? "" : target.slice(0, cut));
    const name = target.slice(cut + 1);
    const { found, value } = Module.attr(mod, name);
    if (!found) throw new Error(`${mod.constructor.name} has no attribute \`${name}\``);
    if (!(value instanceof Parameter)) throw new Error(`\`${name}\` is not an nn.Parameter`);
    return value;
  }

  /** The buffer at the dotted path `target` (`"bn.running_mean"`), as PyTorch's `get_buffer`. */
  getBuffer(target: string): Tensor {
    const cut = target.lastIndexOf(".");
    const mod = this.getSubmodule(cut < 0 ? "" : target.slice(0, cut));
    const name = target.slice(cut + 1);
    const { found, value } = Module.attr(mod, name);
    if (!found) throw new Error(`${mod.constructor.name} has no attribute \`${name}\``);
    if (!mod._buffers.has(name)) throw new Error(`\`${name}\` is not a buffer`);
    return value as Tensor;
  }

  /**
   * Casts every floating-point parameter and buffer (and its gradient) to
   * `dtype`, in place, as PyTorch's `module.to(dtype)`: the Parameter objects
   * stay the same, so make the optimizer afterwards. A device is accepted
   * where PyTorch takes one: the CPU is where everything already is, any
   * other raises PyTorch's CPU-only error. Returns this.
   *
   * @example
   * const model = new nn.Linear(3, 1).double(); // float64 weights, e.g. for gradcheck
   * model.to(torch.cuda.isAvailable() ? "cuda" : "cpu"); // unchanged here
   */
  to(dtype: DType): this;
  to(device: DeviceLike, dtype?: DType): this;
  to(options: { device?: DeviceLike; dtype?: DType }): this;
  to(a: DeviceLike | { device?: DeviceLike; dtype?: DType }, b?: DType): this {
    const { device: dev, dtype } = isDType(a) ? { device: undefined, dtype: a } : typeof a === "string" || a instanceof Device ? { device: a, dtype: b } : a;
    if (dev !== undefined) requireCpu(dev);
    if (dtype === undefined) return this;
    if (!isFloating(dtype)) throw new Error(`nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.${dtype}`);
    noGrad(() => {
      for (const m of this.modules()) {
        for (const t of [...m._parameters.values(), ...m._buffers.values()]) {
          if (t === null || !isFloating(t.dtype) || t.dtype === dtype) continue;
          recast(t, dtype);
          if (t.grad !== null) recast(t.grad, dtype);
        }
      }
    });
    return this;
  }

  /** Where everything already is: returns this (PyTorch's `module.cpu()`). */
  cpu(): this {
    return this;
  }

  /** Raises PyTorch's CPU-only error ("Torch not compiled with CUDA enabled"). */
  cuda(): this {
    requireCpu("cuda");
    return this;
  }

  /** `to("float64")`. */
  double(): this {
    return this.to("float64");
  }

  /** `to("float32")`. */
  float(): this {
    return this.to("float32");
  }

  /**
   * Calls `fn` on every descendant, then on this module (PyTorch's order); returns this.
   *
   * @example
   * model.apply((m) => { if (m instanceof nn.Linear) nn.init.zeros_(m.bias!); });
   */
  apply(fn: (m: Module) => void): this {
    for (const m of this.children()) m.apply(fn);
    fn(this);
    return this;
  }

  /** Sets training mode here and below. It changes Dropout and BatchNorm, never the grad mode (rule 6). */
  train(mode = true): this {
    if (typeof mode !== "boolean") throw new Error("training mode is expected to be boolean");
    this.training = mode;
    for (const m of this.children()) m.train(mode);
    return this;
  }

  /** `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /** Sets `requiresGrad` on every parameter. */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /** Clears parameter gradients: to null by default, or to zeros with `setToNone: false`. */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    zeroGrads(this.parameters(), options.setToNone ?? true);
  }

  /**
   * Parameters and persistent buffers by dotted name, detached (sharing storage)
   * unless `keepVars`.
   *
   * @example
   * Object.keys(new nn.Sequential(new nn.Linear(2, 2)).stateDict()); // ["0.weight", "0.bias"]
   */
  stateDict(options: { prefix?: string; keepVars?: boolean } = {}): StateDict {
    const out: StateDict = {};
    const keep = options.keepVars ?? false;
    // PyTorch's prefix is put in front as it is (it carries its own trailing ".")
    const prefix = options.prefix ?? "";
    for (const [name, m] of this.namedModules({ removeDuplicate: false })) {
      const pre = prefix + (name === "" ? "" : `${name}.`);
      // an uninitialized parameter (of a lazy module) goes in as it is, as PyTorch's
      for (const [k, p] of m._parameters) if (p !== null) out[pre + k] = keep || isUninitialized(p) ? p : p.detach();
      for (const [k, b] of m._buffers) {
        if (b !== null && !m._nonPersistent.has(k)) out[pre + k] = keep || isUninitialized(b) ? b : b.detach();
      }
    }
    return out;
  }

  /**
   * Copies `stateDict`'s tensors into this module's parameters and buffers
   * (under `noGrad`). With `strict` (the default) missing or unexpected keys
   * throw PyTorch's error; shape mismatches always throw.
   *
   * @example
   * fresh.loadStateDict(model.stateDict());
   */
  loadStateDict(stateDict: StateDict | Map<string, Tensor>, options: { strict?: boolean } = {}): LoadStateDictResult {
    const strict = options.strict ?? true;
    const sd = stateDict instanceof Map ? stateDict : new Map(Object.entries(stateDict));
    const own = this.stateDict({ keepVars: true });
    const optional = new Set<string>();
    for (const [name, m] of this.namedModules({ removeDuplicate: false })) {
      for (const k of m._optionalStateKeys()) optional.add(name === "" ? k : `${name}.${k}`);
    }
    const missingKeys: string[] = [];
    const unexpectedKeys = [...sd.keys()].filter((k) => !(k in own));
    const mismatches: string[] = [];
    const copies: [Tensor, Tensor][] = [];
    for (const [key, target] of Object.entries(own)) {
      let src = sd.get(key);
      if (src === undefined) {
        if (!optional.has(key)) missingKeys.push(key);
        continue;
      }
      if (!(src instanceof Tensor)) {
        mismatches.push(`While copying the parameter named "${key}", expected torch.Tensor or Tensor-like object from checkpoint but received ${typeof src}`);
        continue;
      }
      // a lazy module's uninitialized parameter takes the checkpoint's shape (PyTorch's _lazy_load_hook)
      if (isUninitialized(target) && !isUninitialized(src)) target.materialize(src.shape);
      // a one-element [1] tensor loads into a 0-d one (PyTorch's backward-compatibility rule)
      if (target.shape.length === 0 && src.shape.length === 1 && src.shape[0] === 1) src = src.reshape([]);
      if (src.shape.length !== target.shape.length || src.shape.some((d, i) => d !== target.shape[i])) {
        // (shapes as PyTorch prints them there: torch.Size's repr)
        mismatches.push(`size mismatch for ${key}: copying a param with shape ${torchSize(src.shape)} from checkpoint, the shape in current model is ${torchSize(target.shape)}.`);
        continue;
      }
      copies.push([target, src]);
    }
    const errors: string[] = [];
    if (strict && missingKeys.length > 0) errors.push(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(", ")}. `);
    if (strict && unexpectedKeys.length > 0) errors.push(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(", ")}. `);
    errors.push(...mismatches);
    if (errors.length > 0) throw new Error(`Error(s) in loading state_dict for ${this.constructor.name}:\n\t${errors.join("\n\t")}`);
    noGrad(() => {
      for (const [target, src] of copies) target.copy_(src);
    });
    return { missingKeys, unexpectedKeys };
  }

  /** Extra text inside this module's repr, e.g. `in_features=4, out_features=2, bias=True`. */
  extraRepr(): string {
    return "";
  }

  /** PyTorch's module repr, e.g. `Net(\n  (fc): Linear(in_features=4, out_features=2, bias=True)\n)`. */
  toString(): string {
    const lines: string[] = [];
    const extra = this.extraRepr();
    if (extra !== "") lines.push(...extra.split("\n"));
    for (const [name, m] of this._modules) {
      const body = (m === null ? "None" : m.toString()).split("\n").join("\n  ");
      lines.push(`(${name}): ${body}`);
    }
    const head = this.constructor.name;
    if (lines.length === 0) return `${head}()`;
    if (this._modules.size === 0 && lines.length === 1) return `${head}(${lines[0]})`;
    return `${head}(\n  ${lines.join("\n  ")}\n)`;
  }

  /** @internal */
  private namedMembers<T extends Tensor>(
    get: (m: Module) => Map<string, T | null>,
    options: { prefix?: string; recurse?: boolean; removeDuplicate?: boolean },
  ): [string, T][] {
    const removeDuplicate = options.removeDuplicate ?? true;
    const mods: [string, Module][] = options.recurse ?? true
      ? this.namedModules({ prefix: options.prefix ?? "", removeDuplicate })
      : [[options.prefix ?? "", this]];
    const seen = new Set<Tensor>();
    const out: [string, T][] = [];
    for (const [name, m] of mods) {
      for (const [k, v] of get(m)) {
        if (v === null || (removeDuplicate && seen.has(v))) continue;
        seen.add(v);
        out.push([name === "" ? k : `${name}.${k}`, v]);
      }
    }
    return out;
  }
}

/** A tuple as Python prints it, for module reprs: `(3, 3)`, `(3,)`, null as `None`; `item` formats each number. */
export function pyTuple(values: readonly (number | null)[], item: (x: number) => string = String): string {
  return `(${values.map((v) => (v === null ? "None" : item(v))).join(", ")}${values.length === 1 ? "," : ""})`;
}

/** A number as Python's repr of a float prints it (`1e-05`, `0.1`, `1.0`), for module reprs. */
export function pyFloat(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return `${x}.0`;
  if (x !== 0 && (Math.abs(x) < 1e-4 || Math.abs(x) >= 1e16)) {
    return x.toExponential().replace(/e([+-])(\d)$/, "e$10$2");
  }
  return String(x);
}

/** Sets grads to null, or detaches and zeroes them (PyTorch's `zero_grad`). */
export function zeroGrads(params: Iterable<Tensor>, setToNone: boolean): void {
  for (const p of params) {
    if (p.grad === null) continue;
    if (setToNone) {
      p.grad = null;
      continue;
    }
    const g = p.grad;
    if (g.gradFn !== null) g.detach_();
    else g.requiresGrad_(false);
    noGrad(() => g.zero_());
  }
}

/** Defines an own data field (through the proxy, so it registers); it shadows any accessor of the same name. */
function defineField(m: Module, name: string, value: unknown): void {
  Object.defineProperty(m, name, { value, writable: true, enumerable: true, configurable: true });
}

/** Gives `t` a contiguous `dtype` copy of its values as its own data (PyTorch's `param.data = param.data.to(dtype)`). */
function recast(t: Tensor, dtype: DType): void {
  const copy = castData(t, dtype);
  (t as { storage: Tensor["storage"] }).storage = copy.storage;
  t.strides = copy.strides;
  t.offset = 0;
  // the leaf's AccumulateGrad node remembers the old dtype: a new one is made on next use
  t._accumulator = null;
}

function describe(x: unknown): string {
  return x instanceof Tensor ? "torch.FloatTensor" : x === null ? "None" : typeof x;
}

/** PyTorch's checks of a name to register in `registry`: a string, no ".", not empty, and not some other attribute already. */
function checkName(m: Module, name: string, what: string, registry: Map<string, unknown>): void {
  if (typeof name !== "string") throw new TypeError(`${what} name should be a string. Got ${typeof name}`);
  if (name.includes(".")) throw new Error(`${what} name can't contain "."`);
  if (name === "") throw new Error(`${what} name can't be empty string ""`);
  if (!registry.has(name) && isOtherAttribute(m, name)) throw new Error(`KeyError: attribute '${name}' already exists`);
}

/**
 * Whether `name` is already something else on `m`: another kind of member,
 * a plain field, or a method (PyTorch's hasattr). Accessors on the class are
 * not: torchlet's layers expose their registered members through them.
 */
function isOtherAttribute(m: Module, name: string): boolean {
  if (m._parameters.has(name) || m._buffers.has(name) || m._modules.has(name)) return true;
  if (Object.prototype.hasOwnProperty.call(m, name)) return true;
  for (let proto = Object.getPrototypeOf(m) as object | null; proto !== null; proto = Object.getPrototypeOf(proto) as object | null) {
    const d = Object.getOwnPropertyDescriptor(proto, name);
    if (d !== undefined) return typeof d.value === "function";
  }
  return false;
}

/** Records a field's value in the right registry when it is a Parameter, a Module or a registered buffer. */
function register(m: Module, name: string, value: unknown): void {
  if (value instanceof Parameter) {
    m._buffers.delete(name);
    m._modules.delete(name);
    m._parameters.set(name, value);
  } else if (value instanceof Module) {
    m._parameters.delete(name);
    m._buffers.delete(name);
    m._modules.set(name, value);
  } else if (m._parameters.has(name)) {
    if (value !== null && value !== undefined) {
      throw new TypeError(`cannot assign '${describe(value)}' as parameter '${name}' (torch.nn.Parameter or None expected)`);
    }
    m._parameters.set(name, null);
  } else if (m._buffers.has(name)) {
    if (value !== null && value !== undefined && !(value instanceof Tensor)) {
      throw new TypeError(`cannot assign '${describe(value)}' as buffer '${name}' (torch.Tensor or None expected)`);
    }
    m._buffers.set(name, (value) ?? null);
  } else if (m._modules.has(name)) {
    if (value !== null && value !== undefined) {
      throw new TypeError(`cannot assign '${describe(value)}' as child module '${name}' (torch.nn.Module or None expected)`);
    }
    m._modules.set(name, null);
  }
}

/** A shape as Python prints a torch.Size: `torch.Size([3, 4])`. */
function torchSize(shape: readonly number[]): string {
  return `torch.Size([${shape.join(", ")}])`;
}
