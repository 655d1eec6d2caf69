import type { AsyncLocalStorage as AsyncLocalStorageType } from "node:async_hooks";
import { newAsyncStorage } from "./new-async-storage.js";
import { setInferenceModeProbe } from "../tensor/tensor.js";

/**
 * The only home of grad state (PyTorch's thread-local GradMode and
 * InferenceMode, one "thread" per async scope).
 *
 * Synchronous scopes switch `frame.mode` and put it back afterwards: a plain
 * variable, nothing more. Async callbacks need the mode to follow their awaits
 * and nothing else, so each runs in a frame of its own held by an
 * AsyncLocalStorage; that storage is created only on the first async use,
 * because on Node 20 its promise hooks slow every later await in the process.
 */
export interface Mode {
  /** `torch.isGradEnabled()`. */
  readonly grad: boolean;
  /** `torch.isInferenceModeEnabled()`. */
  readonly inference: boolean;
  /** Whether ops record a graph: grad on and inference off (inference mode excludes autograd even under enableGrad). */
  readonly record: boolean;
}

const MODES: readonly Mode[] = [false, true].flatMap((inference) =>
  [false, true].map((grad) => Object.freeze({ grad, inference, record: grad && !inference })),
);

/** The (shared, frozen) mode with these flags. */
export function modeOf(grad: boolean, inference: boolean): Mode {
  return MODES[(inference ? 2 : 0) + (grad ? 1 : 0)]!;
}

export const GRAD: Mode = modeOf(true, false);
export const NO_GRAD: Mode = modeOf(false, false);
export const INFERENCE: Mode = modeOf(false, true);

/**
 * What a switch does to the mode in force. As in PyTorch, `noGrad` and
 * `enableGrad` touch only the grad flag (so `noGrad` inside `inferenceMode`
 * stays in inference mode); `inferenceMode(b)` sets both flags.
 */
export type Transition = (prev: Mode) => Mode;

interface Frame {
  mode: Mode;
  /** The innermost live `using` guard of this frame; guards link to the one below. */
  top: ModeGuard | null;
}

const root: Frame = { mode: GRAD, top: null };
let storage: AsyncLocalStorageType<Frame> | null = null;
/** Live scopes whose mode has inference on; while 0, `isInferenceModeEnabled()` needn't look up the frame. */
let inferenceScopes = 0;
/** Live scopes whose mode has grad off (inference included); while 0, grad mode is on without a frame look-up. */
let gradOffScopes = 0;

function frame(): Frame {
  return storage === null ? root : (storage.getStore() ?? root);
}

function asyncStorage(): AsyncLocalStorageType<Frame> {
  if (storage === null) {
    storage = newAsyncStorage<Frame>();
  }
  return storage;
}

/** True once some async grad-mode scope has created the AsyncLocalStorage. */
export function asyncStorageCreated(): boolean {
  return storage !== null;
}

/** Whether grad mode is on (`torch.is_grad_enabled()`); inference mode turns it off. */
export function isGradEnabled(): boolean {
  return frame().mode.grad;
}

/**
 * Whether ops must record a graph right now. Ops call this only once they
 * know some input requires grad, so inference on plain tensors never reads it.
 */
export function isRecording(): boolean {
  return frame().mode.record;
}

/** Whether inference mode is on (`torch.is_inference_mode_enabled()`); free while no inference scope is alive. */
setInferenceModeProbe(() => isInferenceModeEnabled());

export function isInferenceModeEnabled(): boolean {
  return inferenceScopes > 0 && frame().mode.inference;
}

/**
 * Grad mode as a view records it at creation (PyTorch's CreationMeta): without
 * a frame look-up while no scope with grad off is alive, so that views of
 * tensors outside any graph still never read the async store.
 */
export function viewGradMode(): boolean {
  return gradOffScopes === 0 || frame().mode.grad;
}

export function currentMode(): Mode {
  return frame().mode;
}

/** The mode `setGradEnabled(enabled)` switches to from the current one: keeps the inference flag. */
export function withGrad(enabled: boolean): Mode {
  return modeOf(enabled, frame().mode.inference);
}

type AnyFn = (...args: any[]) => any;
/** What kind of function a callback is: scopes run each kind differently. */
export type FnKind = "sync" | "async" | "generator" | "asyncGenerator";

// The constructors of the four function kinds; identity, not name, so minified or renamed code still works.
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as unknown;
const GeneratorFunction = Object.getPrototypeOf(function* () {}).constructor as unknown;
const AsyncGeneratorFunction = Object.getPrototypeOf(async function* () {}).constructor as unknown;

/** The kind of `fn`, told by its constructor (not its name, so minified code works too). */
export function kindOf(fn: AnyFn): FnKind {
  const ctor = Object.getPrototypeOf(fn)?.constructor as unknown;
  if (ctor === AsyncFunction) return "async";
  if (ctor === GeneratorFunction) return "generator";
  if (ctor === AsyncGeneratorFunction) return "asyncGenerator";
  return "sync";
}

export function isPromiseLike(x: unknown): x is PromiseLike<unknown> {
  return typeof x === "object" && x !== null && typeof (x as { then?: unknown }).then === "function";
}

function enter(mode: Mode): void {
  if (mode.inference) inferenceScopes++;
  if (!mode.grad) gradOffScopes++;
}

function leave(mode: Mode): void {
  if (mode.inference) inferenceScopes--;
  if (!mode.grad) gradOffScopes--;
}

/** Runs a synchronous `fn` with `mode`, restoring the previous mode afterwards, also when it throws. */
function runSync<R>(mode: Mode, fn: () => R): R {
  const f = frame();
  const prev = f.mode;
  f.mode = mode;
  enter(mode);
  let result: R;
  try {
    result = fn();
  } finally {
    f.mode = prev;
    leave(mode);
  }
  if (isPromiseLike(result)) {
    // Its awaits would resume in whatever mode is in force then: refuse rather than silently record (or not).
    result.then(undefined, () => undefined);
    throw new TypeError(
      "grad mode: the function returned a Promise but is not an async function, so the mode would not follow its awaits. " +
        "Declare it `async` (e.g. `await torch.noGrad(async () => { ... })`).",
    );
  }
  return result;
}

/** Runs an async `fn` in a frame of its own, which follows its awaits and nothing else. */
function runAsync<R>(mode: Mode, fn: () => R): R {
  enter(mode);
  let result: R;
  try {
    result = asyncStorage().run({ mode, top: null }, fn);
  } catch (e) {
    leave(mode);
    throw e;
  }
  if (mode.grad && !mode.inference) return result;
  return Promise.resolve(result).finally(() => leave(mode)) as R;
}

/**
 * Runs `fn` (a plain or async function) with `mode` in force and returns its
 * value; an async `fn` keeps the mode across its awaits.
 */
export function runInMode<R>(mode: Mode, fn: () => R): R {
  return kindOf(fn) === "async" ? runAsync(mode, fn) : runSync(mode, fn);
}

/**
 * The callback form of a switch: runs `fn` in `transition(current mode)`.
 * A generator function is called and its generator returned, wrapped so that
 * its body runs in the mode (a plain call would run the body later, outside).
 */
export function runScoped<R>(transition: Transition, fn: () => R): R {
  const kind = kindOf(fn);
  if (kind === "generator" || kind === "asyncGenerator") return wrapInMode(transition, fn)();
  const mode = transition(frame().mode);
  return kind === "async" ? runAsync(mode, fn) : runSync(mode, fn);
}

/**
 * A `using` guard: switches the mode now and restores the previous one when
 * disposed. Like PyTorch's thread-local modes it is a synchronous scope; guards
 * of one frame must be disposed innermost first.
 * A guard made with `stacked` false (the statement form of
 * `setGradEnabled(b)`, which PyTorch users call as a plain function and never
 * dispose) stays out of that order: it switches the mode like an assignment,
 * and an enclosing scope still restores its own mode on exit.
 */
export class ModeGuard implements Disposable {
  readonly #frame: Frame;
  readonly #prev: Mode;
  readonly #mode: Mode;
  readonly #stacked: boolean;
  readonly #below: ModeGuard | null;
  #disposed = false;

  constructor(mode: Mode, stacked = true) {
    this.#frame = frame();
    this.#prev = this.#frame.mode;
    this.#mode = mode;
    this.#stacked = stacked;
    this.#below = this.#frame.top;
    this.#frame.mode = mode;
    if (stacked) this.#frame.top = this;
    enter(mode);
  }

  /** Restores the mode that was in force when this guard was created. */
  [Symbol.dispose](): void {
    if (this.#disposed) return;
    if (!this.#stacked) {
      this.#disposed = true;
      this.#frame.mode = this.#prev;
      leave(this.#mode);
      return;
    }
    if (this.#frame.top !== this) {
      throw new Error(
        "grad-mode guard disposed out of order: guards must be disposed in the reverse order of their creation. " +
          "A `using` guard is a synchronous scope; across `await`, use the callback form, e.g. `await torch.noGrad(async () => { ... })`.",
      );
    }
    this.#disposed = true;
    this.#frame.top = this.#below;
    this.#frame.mode = this.#prev;
    leave(this.#mode);
  }
}

/**
 * Wraps `fn` (plain, async, generator or async generator) so that its body runs
 * in `transition(mode of the caller)`; generators hold the mode during each
 * step only, not between yields (PyTorch's `_wrap_generator`).
 */
export function wrapInMode<F extends AnyFn>(transition: Transition, fn: F): F {
  let wrapped: AnyFn;
  switch (kindOf(fn)) {
    case "generator":
      wrapped = function* (this: unknown, ...args: unknown[]) {
        return yield* driveInMode(transition, fn.apply(this, args) as Generator);
      };
      break;
    case "asyncGenerator":
      wrapped = async function* (this: unknown, ...args: unknown[]) {
        return yield* driveAsyncInMode(transition, fn.apply(this, args) as AsyncGenerator);
      };
      break;
    case "async":
      wrapped = function (this: unknown, ...args: unknown[]) {
        return runAsync(transition(frame().mode), () => fn.apply(this, args));
      };
      break;
    default:
      wrapped = function (this: unknown, ...args: unknown[]) {
        return runSync(transition(frame().mode), () => fn.apply(this, args));
      };
  }
  Object.defineProperty(wrapped, "name", { value: fn.name, configurable: true });
  return wrapped as F;
}

/** Steps `gen`, each resumption (next, throw, return) in the mode; yields in between run in the caller's. */
function* driveInMode<T, R, N>(transition: Transition, gen: Generator<T, R, N>): Generator<T, R, N> {
  const step = (resume: () => IteratorResult<T, R>) => runSync(transition(frame().mode), resume);
  let finished = false;
  try {
    let res = step(() => gen.next(...([] as unknown as [N])));
    while (!res.done) {
      let input: N;
      try {
        input = yield res.value;
      } catch (e) {
        res = step(() => gen.throw(e));
        continue;
      }
      res = step(() => gen.next(input));
    }
    finished = true;
    return res.value;
  } finally {
    // The consumer stopped early (return() or a throw out of a step): close the body in the mode too.
    if (!finished) step(() => gen.return(undefined as R));
  }
}

async function* driveAsyncInMode<T, R, N>(transition: Transition, gen: AsyncGenerator<T, R, N>): AsyncGenerator<T, R, N> {
  const step = (resume: () => Promise<IteratorResult<T, R>>) => runAsync(transition(frame().mode), resume);
  let finished = false;
  try {
    let res = await step(() => gen.next(...([] as unknown as [N])));
    while (!res.done) {
      let input: N;
      try {
        input = yield res.value;
      } catch (e) {
        res = await step(() => gen.throw(e));
        continue;
      }
      res = await step(() => gen.next(input));
    }
    finished = true;
    return res.value;
  } finally {
    if (!finished) await step(() => gen.return(undefined as R));
  }
}
