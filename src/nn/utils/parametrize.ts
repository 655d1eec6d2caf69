/**
 * `nn.utils.parametrize`, as `torch.nn.utils.parametrize`: a parameter or
 * buffer `weight` of a module becomes computed, `module.weight =
 * parametrization(original)`, recomputed on every read (or once inside
 * `cached`). The unconstrained tensor lives at
 * `module.parametrizations.weight.original` (state-dict key
 * `parametrizations.weight.original`); it is the same Parameter object the
 * module had, so an optimizer made before keeps working.
 *
 * Where PyTorch swaps the module's class for a `Parametrized<Class>` with a
 * property, torchlet defines the accessor on the module itself; the class
 * (and its name in the repr) stays.
 */
import { noGrad } from "../../autograd/grad-mode-api.js";
import { Tensor } from "../../tensor/tensor.js";
import { ModuleDict, ModuleList } from "../layers/container.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";

/**
 * What a parametrization's `rightInverse` throws to say it has none for
 * this input (PyTorch's NotImplementedError): registration then keeps the
 * original tensor as it is.
 */
export class NotImplementedError extends Error {
  override name = "NotImplementedError";
}

/**
 * A parametrization: a module whose `forward` maps the original tensor(s)
 * to the value of the parametrized one. The optional `rightInverse` maps a
 * value back to original(s): it initializes the original on registration
 * and makes `module.weight = value` work; returning several tensors makes the
 * originals `original0`, `original1`, ... (and `forward` takes them all).
 */
export interface Parametrization extends Module {
  rightInverse?(value: Tensor): Tensor | Tensor[];
}

/** `t.set_(src)`: `t` takes `src`'s storage, shape and strides (the same tensor object, so optimizers and views of it stay valid). */
function setData_(t: Tensor, src: Tensor): void {
  if (t === src) return;
  (t as { storage: Tensor["storage"] }).storage = src.storage;
  t.shape = src.shape;
  t.strides = src.strides;
  t.offset = src.offset;
  t.storage.version++;
  // the leaf's AccumulateGrad node remembers the old shape: a new one is made on next use
  t._accumulator = null;
}

function registerParameterOrBuffer(module: Module, name: string, t: Tensor): void {
  if (t instanceof Parameter) module.registerParameter(name, t);
  else module.registerBuffer(name, t);
}

function typeName(x: unknown): string {
  if (x === null || x === undefined) return "NoneType";
  if (Array.isArray(x)) return "list";
  return typeof x === "object" ? (x).constructor.name : typeof x;
}

function shapeText(shape: readonly number[]): string {
  return `torch.Size([${shape.join(", ")}])`;
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * The parametrizations of one tensor and its original(s): PyTorch's
 * `ParametrizationList`, the type of `module.parametrizations.weight`. Made
 * by `registerParametrization`, not by users.
 */
export class ParametrizationList extends ModuleList {
  /** Whether the parametrizations may change the dtype and shape (no checks). */
  unsafe: boolean;
  /** Whether the first `rightInverse` gave one tensor (`original`) rather than several (`original0`, ...). */
  readonly isTensor: boolean;
  readonly ntensors: number;

  constructor(modules: readonly Parametrization[], original: Tensor, unsafe = false) {
    if (modules.length === 0) throw new Error("ParametrizationList requires one or more modules.");
    super(modules);
    this.unsafe = unsafe;
    const { shape, dtype } = original;
    let value: Tensor | Tensor[] = original;
    noGrad(() => {
      for (const m of [...this.parametrizations()].reverse()) {
        if (m.rightInverse === undefined) continue;
        try {
          value = m.rightInverse(value as Tensor);
        } catch (e) {
          if (!(e instanceof NotImplementedError)) throw e;
        }
      }
    });
    const init: unknown = value;
    if (!(init instanceof Tensor) && !Array.isArray(init)) {
      throw new Error(`'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). Got ${typeName(init)}`);
    }
    this.isTensor = init instanceof Tensor;
    this.ntensors = init instanceof Tensor ? 1 : init.length;
    if (init instanceof Tensor) {
      if (init.dtype !== original.dtype) {
        throw new Error(`When \`right_inverse\` outputs one tensor, it may not change the dtype.\noriginal.dtype: torch.${original.dtype}\nright_inverse(original).dtype: torch.${init.dtype}`);
      }
      // the original keeps its identity (an optimizer may hold it) and takes the new value
      noGrad(() => setData_(original, init));
      registerParameterOrBuffer(this, "original", original);
    } else {
      (init as unknown[]).forEach((t, i) => {
        if (!(t instanceof Tensor)) {
          throw new Error(`'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). Got element ${i} of the sequence with type ${typeName(t)}.`);
        }
        const own = original instanceof Parameter ? new Parameter(t.detach(), original.requiresGrad) : t.detach().requiresGrad_(original.requiresGrad);
        registerParameterOrBuffer(this, `original${i}`, own);
      });
    }
    if (!unsafe) {
      const z = this.forward() as unknown;
      if (!(z instanceof Tensor)) throw new Error(`A parametrization must return a tensor. Got ${typeName(z)}.`);
      if (z.dtype !== dtype) {
        throw new Error(`Registering a parametrization may not change the dtype of the tensor, unless \`unsafe\` flag is enabled.\nunparametrized dtype: torch.${dtype}\nparametrized dtype: torch.${z.dtype}`);
      }
      if (!sameShape(z.shape, shape)) {
        throw new Error(`Registering a parametrization may not change the shape of the tensor, unless \`unsafe\` flag is enabled.\nunparametrized shape: ${shapeText(shape)}\nparametrized shape: ${shapeText(z.shape)}`);
      }
    }
  }

  /** The parametrizations in order. */
  parametrizations(): Parametrization[] {
    return this.children();
  }

  /** The unconstrained tensor (when `isTensor`). */
  get original(): Tensor {
    return this.originals()[0]!;
  }

  /** `original`, or `original0`, `original1`, ... */
  originals(): Tensor[] {
    const get = (name: string): Tensor => (this._parameters.get(name) ?? this._buffers.get(name))!;
    return this.isTensor ? [get("original")] : Array.from({ length: this.ntensors }, (_, i) => get(`original${i}`));
  }

  /**
   * Sets the original(s) so that the parametrized value is `value`: the
   * `rightInverse` of each parametrization in reverse order (under noGrad).
   */
  rightInverse(value: Tensor): void {
    noGrad(() => {
      let v: Tensor | Tensor[] = value;
      for (const m of [...this.parametrizations()].reverse()) {
        if (m.rightInverse === undefined) throw new Error(`parametrization ${m.constructor.name} does not implement right_inverse.`);
        v = m.rightInverse(v as Tensor);
      }
      const originals = this.originals();
      if (this.isTensor) {
        if (!(v instanceof Tensor)) throw new Error(`\`right_inverse\` should return a tensor. Got ${typeName(v)}`);
        if (v.dtype !== originals[0]!.dtype) throw new Error(`The tensor returned by \`right_inverse\` has dtype torch.${v.dtype} while \`original\` has dtype torch.${originals[0]!.dtype}`);
        setData_(originals[0]!, v);
        return;
      }
      if (!Array.isArray(v)) throw new Error(`'right_inverse' must return a sequence of tensors. Got ${typeName(v)}.`);
      if (v.length !== this.ntensors) throw new Error(`'right_inverse' must return a sequence of tensors of length ${this.ntensors}. Got a sequence of length ${v.length}.`);
      v.forEach((t, i) => {
        if (!(t instanceof Tensor)) throw new Error(`\`right_inverse\` must return a sequence of tensors. Got element ${i} of type ${typeName(t)}`);
        if (t.dtype !== originals[i]!.dtype) throw new Error(`Tensor ${i} returned by \`right_inverse\` has dtype torch.${t.dtype} while \`original${i}\` has dtype torch.${originals[i]!.dtype}`);
        setData_(originals[i]!, t);
      });
    });
  }

  /** The parametrized value: the first parametrization on the original(s), each next one on the result. */
  override forward(): Tensor {
    const [first, ...rest] = this.parametrizations();
    let x = first!.forward(...this.originals()) as Tensor;
    for (const m of rest) x = m.forward(x) as Tensor;
    return x;
  }
}

// ---------------------------------------------------------------- caching
let cacheDepth = 0;
let cache = new WeakMap<Module, Map<string, Tensor>>();

class CacheGuard implements Disposable {
  private done = false;

  constructor() {
    cacheDepth++;
  }

  [Symbol.dispose](): void {
    if (this.done) return;
    this.done = true;
    cacheDepth--;
    if (cacheDepth === 0) cache = new WeakMap();
  }
}

/**
 * Caches parametrized values while it is on: each is computed on its first
 * read and reused (say, a parametrized recurrent weight used at every time
 * step). `cached(fn)` runs `fn` with the cache (until its promise settles,
 * for an async `fn`) and returns its value; `using _ = cached()` keeps it
 * on to the end of the block. Leaving the outermost scope drops the cache.
 *
 * @example
 * const out = nn.utils.parametrize.cached(() => model.forward(x));
 */
export function cached(): Disposable;
export function cached<R>(fn: () => R): R;
export function cached<R>(fn?: () => R): R | Disposable {
  const guard = new CacheGuard();
  if (fn === undefined) return guard;
  let result: R;
  try {
    result = fn();
  } catch (e) {
    guard[Symbol.dispose]();
    throw e;
  }
  if (result instanceof Promise) return result.finally(() => guard[Symbol.dispose]()) as R;
  guard[Symbol.dispose]();
  return result;
}

// ---------------------------------------------------------------- registration
function parametrizationsOf(module: Module): ModuleDict | null {
  const p = module._modules.get("parametrizations");
  return p instanceof ModuleDict ? p : null;
}

/** The value of the parametrized `name` of `module` (from the cache when `cached` is on). */
function parametrizedValue(module: Module, name: string): Tensor {
  const list = parametrizationsOf(module)!.get(name) as ParametrizationList;
  if (cacheDepth === 0) return list.forward();
  let byName = cache.get(module);
  if (byName === undefined) cache.set(module, (byName = new Map()));
  let t = byName.get(name);
  if (t === undefined) byName.set(name, (t = list.forward()));
  return t;
}

/** Puts the accessor `module[name]` (get: the parametrized value; set: through `rightInverse`). */
function injectProperty(module: Module, name: string): void {
  Object.defineProperty(module, name, {
    get(this: Module) {
      return parametrizedValue(this, name);
    },
    set(this: Module, value: Tensor) {
      (parametrizationsOf(this)!.get(name) as ParametrizationList).rightInverse(value);
    },
    enumerable: true,
    configurable: true,
  });
}

export interface RegisterParametrizationOptions {
  /** Skip the checks that the parametrization keeps the dtype and shape (default false). */
  unsafe?: boolean;
}

/**
 * Parametrizes the parameter or buffer `tensorName` of `module`:
 * `module[tensorName]` now reads `parametrization.forward(original)`. A
 * second registration on the same name chains (each on the previous one's
 * output). The parametrization takes the module's training mode. Returns
 * the module.
 *
 * @example
 * class Symmetric extends nn.Module {
 *   forward(x: Tensor) { return x.triu().add(x.triu(1).transpose(0, 1)); }
 * }
 * const m = nn.utils.parametrize.registerParametrization(new nn.Linear(3, 3), "weight", new Symmetric());
 * Object.keys(m.stateDict()); // ["bias", "parametrizations.weight.original"]
 */
export function registerParametrization<M extends Module>(module: M, tensorName: string, parametrization: Parametrization, options: RegisterParametrizationOptions = {}): M {
  const unsafe = options.unsafe ?? false;
  parametrization.train(module.training);
  const fields = module as unknown as Record<string, unknown>;
  if (isParametrized(module, tensorName)) {
    if (!unsafe) {
      const y = fields[tensorName] as Tensor;
      const x = parametrization.forward(y) as unknown;
      if (!(x instanceof Tensor)) throw new Error(`A parametrization must return a tensor. Got ${typeName(x)}.`);
      if (x.dtype !== y.dtype) {
        throw new Error(`Registering a parametrization may not change the dtype of the tensor, unless the \`unsafe\` flag is enabled.\nmodule.${tensorName}.dtype: torch.${y.dtype}\nparametrization(module.${tensorName}).dtype: torch.${x.dtype}`);
      }
      if (!sameShape(x.shape, y.shape)) {
        throw new Error(`Registering a parametrization may not change the shape of the tensor, unless the \`unsafe\` flag is enabled.\nmodule.${tensorName}.shape: ${shapeText(y.shape)}\nparametrization(module.${tensorName}).shape: ${shapeText(x.shape)}`);
      }
      if (parametrization.rightInverse !== undefined) {
        let z: unknown;
        try {
          z = parametrization.rightInverse(x);
        } catch (e) {
          if (!(e instanceof NotImplementedError)) throw e;
          z = undefined;
        }
        if (z !== undefined) {
          if (!(z instanceof Tensor)) throw new Error(`parametrization.right_inverse must return a tensor. Got: ${typeName(z)}`);
          if (z.dtype !== y.dtype) {
            throw new Error(`The tensor returned by parametrization.right_inverse must have the same dtype as module.${tensorName}, unless the \`unsafe\` flag is enabled.\nmodule.${tensorName}.dtype: torch.${y.dtype}\nreturned dtype: torch.${z.dtype}`);
          }
          if (!sameShape(z.shape, y.shape)) {
            throw new Error(`The tensor returned by parametrization.right_inverse must have the same shape as module.${tensorName}, unless the \`unsafe\` flag is enabled.\nmodule.${tensorName}.shape: ${shapeText(y.shape)}\nreturned shape: ${shapeText(z.shape)}`);
          }
        }
      }
    }
    const list = parametrizationsOf(module)!.get(tensorName) as ParametrizationList;
    list.append(parametrization);
    list.unsafe ||= unsafe;
    return module;
  }
  const original = module._parameters.get(tensorName) ?? module._buffers.get(tensorName);
  if (original === undefined || original === null) {
    throw new Error(`Module '${module.toString()}' does not have a parameter, a buffer, or a parametrized element with name '${tensorName}'`);
  }
  const list = new ParametrizationList([parametrization], original, unsafe);
  delete fields[tensorName];
  if (!isParametrized(module)) module.registerModule("parametrizations", new ModuleDict());
  injectProperty(module, tensorName);
  parametrizationsOf(module)!.set(tensorName, list);
  return module;
}

/**
 * Whether `module` has a parametrization (on `tensorName`, when given).
 *
 * @example
 * nn.utils.parametrize.isParametrized(m, "weight"); // true
 */
export function isParametrized(module: Module, tensorName?: string): boolean {
  const p = parametrizationsOf(module);
  if (p === null) return false;
  return tensorName === undefined ? p.length > 0 : p.has(tensorName);
}

/**
 * Removes the parametrizations of `tensorName`: it becomes a parameter (or
 * buffer) again, holding the current parametrized value when
 * `leaveParametrized` (default true) or the original otherwise. The
 * original Parameter object is kept in both cases. Returns the module.
 *
 * @example
 * nn.utils.parametrize.removeParametrizations(m, "weight");
 */
export function removeParametrizations<M extends Module>(module: M, tensorName: string, leaveParametrized = true): M {
  if (!isParametrized(module, tensorName)) throw new Error(`Module ${module.toString()} does not have a parametrization on ${tensorName}`);
  const dict = parametrizationsOf(module)!;
  const list = dict.get(tensorName) as ParametrizationList;
  const fields = module as unknown as Record<string, unknown>;
  let original: Tensor;
  if (list.isTensor) {
    original = list.original;
    if (leaveParametrized) {
      const t = noGrad(() => fields[tensorName] as Tensor);
      noGrad(() => setData_(original, t));
    }
  } else {
    if (!leaveParametrized) throw new Error("Cannot leave unparametrized (`leave_parametrized=False`) a tensor that is parametrized in terms of a sequence of tensors.");
    const t = fields[tensorName] as Tensor;
    original = t.requiresGrad ? new Parameter(t.detach()) : t;
  }
  delete fields[tensorName];
  dict.delete(tensorName);
  registerParameterOrBuffer(module, tensorName, original);
  if (!isParametrized(module)) delete fields.parametrizations;
  return module;
}

/**
 * The class of `module` before parametrizations: torchlet never swaps the
 * class, so this is always `module.constructor` (PyTorch's
 * `type_before_parametrizations`).
 */
export function typeBeforeParametrizations(module: Module): abstract new (...args: never[]) => Module {
  return module.constructor as abstract new (...args: never[]) => Module;
}
