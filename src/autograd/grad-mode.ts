import type { AsyncLocalStorage as AsyncLocalStorageType } from "node:async_hooks";
import { createRequire } from "node:module";

/**
 * The only home of grad state. A mode is two flags: whether ops record a
 * graph and whether inference mode is on (which implies no recording).
 *
 * Synchronous scopes switch `frame.mode` and restore it afterwards. Async
 * callbacks need the mode to follow their awaits and nothing else, so they run
 * inside their own frame held by an AsyncLocalStorage; that storage is created
 * only on the first async use (on Node 20 it slows every later await).
 */
export interface Mode {
  readonly grad: boolean;
  readonly inference: boolean;
}

interface Frame {
  mode: Mode;
  /** Live `using` guards of this frame, innermost last, to catch out-of-order disposal. */
  guards: object[];
}

const root: Frame = { mode: { grad: true, inference: false }, guards: [] };
let storage: AsyncLocalStorageType<Frame> | null = null;
/** Number of inference-mode scopes alive anywhere; 0 lets ops skip reading the mode. */
let inferenceScopes = 0;

function frame(): Frame {
  return storage === null ? root : (storage.getStore() ?? root);
}

function asyncStorage(): AsyncLocalStorageType<Frame> {
  if (storage === null) {
    // Loaded on demand so that importing torchlet creates no AsyncLocalStorage.
    const require = createRequire(import.meta.url);
    const { AsyncLocalStorage } = require("node:async_hooks") as typeof import("node:async_hooks");
    storage = new AsyncLocalStorage<Frame>();
  }
  return storage;
}

/** True once some async grad-mode scope has created the AsyncLocalStorage. */
export function asyncStorageCreated(): boolean {
  return storage !== null;
}

/** Whether ops record a graph right now (`torch.is_grad_enabled()`). */
export function isGradEnabled(): boolean {
  return frame().mode.grad;
}

/** Whether inference mode is on right now. */
export function isInferenceModeEnabled(): boolean {
  return inferenceScopes > 0 && frame().mode.inference;
}

export function currentMode(): Mode {
  return frame().mode;
}

function isPromiseLike(x: unknown): x is PromiseLike<unknown> {
  return typeof x === "object" && x !== null && typeof (x as { then?: unknown }).then === "function";
}

function isAsyncFunction(fn: (...args: never[]) => unknown): boolean {
  return fn.constructor.name === "AsyncFunction" || fn.constructor.name === "AsyncGeneratorFunction";
}

function countInference(mode: Mode, delta: number): void {
  if (mode.inference) inferenceScopes += delta;
}

/**
 * Runs `fn` with `mode`, restoring the previous mode afterwards, also when it
 * throws. An async `fn` runs in a frame of its own that follows its awaits.
 */
export function runInMode<R>(mode: Mode, fn: () => R): R {
  if (isAsyncFunction(fn)) return runAsync(mode, fn);
  const f = frame();
  const prev = f.mode;
  f.mode = mode;
  countInference(mode, 1);
  try {
    return fn();
  } finally {
    f.mode = prev;
    countInference(mode, -1);
  }
}

function runAsync<R>(mode: Mode, fn: () => R): R {
  countInference(mode, 1);
  const result = asyncStorage().run({ mode, guards: [] }, fn);
  if (isPromiseLike(result)) {
    return Promise.resolve(result).finally(() => countInference(mode, -1)) as R;
  }
  countInference(mode, -1);
  return result;
}

/**
 * A `using` guard: switches the mode now and restores the previous one when
 * disposed. Guards must be disposed innermost first.
 */
export class ModeGuard implements Disposable {
  private readonly frame: Frame;
  private readonly prev: Mode;
  private readonly mode: Mode;
  private disposed = false;

  constructor(mode: Mode) {
    this.frame = frame();
    this.prev = this.frame.mode;
    this.mode = mode;
    this.frame.mode = mode;
    this.frame.guards.push(this);
    countInference(mode, 1);
  }

  [Symbol.dispose](): void {
    if (this.disposed) return;
    const guards = this.frame.guards;
    if (guards[guards.length - 1] !== this) {
      throw new Error(
        "grad-mode guard disposed out of order: guards must be disposed in the reverse order of their creation. " +
          "A `using` guard is a synchronous scope; across `await`, use the callback form, e.g. `await torch.noGrad(async () => { ... })`.",
      );
    }
    guards.pop();
    this.disposed = true;
    this.frame.mode = this.prev;
    countInference(this.mode, -1);
  }
}

/** Wraps `fn` (plain, async, generator or async generator) so that its body runs in `mode`. */
export function wrapInMode<F extends (...args: any[]) => any>(mode: () => Mode, fn: F): F {
  const name = fn.constructor.name;
  if (name === "GeneratorFunction") {
    return function (this: unknown, ...args: unknown[]) {
      const gen = runInMode(mode(), () => fn.apply(this, args) as Generator);
      return wrapGenerator(mode(), gen);
    } as F;
  }
  if (name === "AsyncGeneratorFunction") {
    return function (this: unknown, ...args: unknown[]) {
      const gen = fn.apply(this, args) as AsyncGenerator;
      return wrapAsyncGenerator(mode(), gen);
    } as F;
  }
  return function (this: unknown, ...args: unknown[]) {
    const self = this;
    const m = mode();
    return name === "AsyncFunction"
      ? runAsync(m, () => fn.apply(self, args))
      : runInMode(m, () => fn.apply(self, args));
  } as F;
}

/** Each resumption of the generator runs in `mode`; code between yields sees the caller's mode. */
function wrapGenerator<T, R, N>(mode: Mode, gen: Generator<T, R, N>): Generator<T, R, N> {
  const step = (f: () => IteratorResult<T, R>) => runInMode(mode, f);
  const wrapped: Generator<T, R, N> = {
    next: (...v: [] | [N]) => step(() => gen.next(...v)),
    return: (v: R) => step(() => gen.return(v)),
    throw: (e: unknown) => step(() => gen.throw(e)),
    [Symbol.iterator]() {
      return wrapped;
    },
    [Symbol.dispose]() {
      step(() => gen.return(undefined as R));
    },
  };
  return wrapped;
}

function wrapAsyncGenerator<T, R, N>(mode: Mode, gen: AsyncGenerator<T, R, N>): AsyncGenerator<T, R, N> {
  const step = (f: () => Promise<IteratorResult<T, R>>) => runAsync(mode, async () => f());
  const wrapped = {
    next: (...v: [] | [N]) => step(() => gen.next(...v)),
    return: (v: R) => step(() => gen.return(v)),
    throw: (e: unknown) => step(() => gen.throw(e)),
    [Symbol.asyncIterator]() {
      return wrapped;
    },
  } as AsyncGenerator<T, R, N>;
  return wrapped;
}

export const GRAD: Mode = { grad: true, inference: false };
export const NO_GRAD: Mode = { grad: false, inference: false };
export const INFERENCE: Mode = { grad: false, inference: true };

/** The mode `setGradEnabled(enabled)` switches to: keeps the inference flag. */
export function withGrad(enabled: boolean): Mode {
  const cur = frame().mode;
  if (cur.grad === enabled) return cur;
  return { grad: enabled, inference: cur.inference };
}
