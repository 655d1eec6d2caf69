import type { AsyncLocalStorage as AsyncLocalStorageType } from "node:async_hooks";
import { newAsyncStorage } from "./new-async-storage.js";
import type { Tensor } from "../tensor/tensor.js";
import { isPromiseLike, kindOf } from "./grad-mode.js";

/**
 * PyTorch's default saved-tensor hooks (`torch.autograd.graph.saved_tensors_hooks`):
 * while a pair is installed, every tensor an op saves for backward goes
 * through `pack`, the graph keeps what `pack` returned, and backward (or
 * `node.savedTensors`) gets the tensor back through `unpack`.
 *
 * The state is PyTorch's thread-local hook stack, one "thread" per async
 * scope, kept the way grad-mode.ts keeps the grad mode: synchronous scopes
 * switch a plain field and put it back; async callbacks run in a frame of
 * their own held by an AsyncLocalStorage, created on first async use only.
 */

/** A pack / unpack pair, as installed by `savedTensorsHooks(pack, unpack)`. */
export interface SavedTensorsHookPair {
  /** Called with each tensor an op saves for backward; what it returns is kept instead. */
  readonly pack: (tensor: Tensor) => unknown;
  /** Called with what `pack` returned when backward needs the tensor; returns a tensor with the same content. */
  readonly unpack: (packed: unknown) => Tensor;
}

interface Frame {
  /** The innermost pair (only it applies, as PyTorch's stack top), or null. */
  hooks: SavedTensorsHookPair | null;
  /** The message of `disableSavedTensorsHooks`, while it is in force. */
  disabled: string | null;
  /** The innermost live `using` guard of this frame. */
  top: SavedTensorsHooksGuard | null;
}

const root: Frame = { hooks: null, disabled: null, top: null };
let storage: AsyncLocalStorageType<Frame> | null = null;

/**
 * How many scopes that install hooks are alive, in any async frame. While 0,
 * nothing anywhere sees a pair, so record() tests this one number and does
 * nothing else: recording pays no more when no hooks are used.
 */
export let hookScopes = 0;

function frame(): Frame {
  return storage === null ? root : (storage.getStore() ?? root);
}

function asyncStorage(): AsyncLocalStorageType<Frame> {
  if (storage === null) {
    storage = newAsyncStorage<Frame>();
  }
  return storage;
}

/** The pair that applies to a tensor saved now (the innermost one of this async frame), or null. */
export function currentSavedTensorsHooks(): SavedTensorsHookPair | null {
  return hookScopes === 0 ? null : frame().hooks;
}

/** What a scope changes: a new innermost pair, or the disabled message. */
type Change = { readonly hooks: SavedTensorsHookPair } | { readonly disabled: string };

/** Applies `change` to `f`, refusing what PyTorch refuses (a pair while disabled, disabling while a pair is set). */
function enter(f: Frame, change: Change): void {
  if ("hooks" in change) {
    if (f.disabled !== null) throw new Error(f.disabled);
    f.hooks = change.hooks;
    hookScopes++;
  } else {
    if (f.hooks !== null) throw new Error(change.disabled);
    f.disabled = change.disabled;
  }
}

function runSync<R>(change: Change, fn: () => R): R {
  const f = frame();
  const prevHooks = f.hooks, prevDisabled = f.disabled;
  enter(f, change);
  let result: R;
  try {
    result = fn();
  } finally {
    f.hooks = prevHooks;
    f.disabled = prevDisabled;
    if ("hooks" in change) hookScopes--;
  }
  if (isPromiseLike(result)) {
    result.then(undefined, () => undefined);
    throw new TypeError(
      "saved tensors hooks: the function returned a Promise but is not an async function, so the hooks would not follow its awaits. " +
        "Declare it `async`.",
    );
  }
  return result;
}

function runAsync<R>(change: Change, fn: () => R): R {
  const outer = frame();
  const f: Frame = { hooks: outer.hooks, disabled: outer.disabled, top: null };
  enter(f, change);
  let result: R;
  try {
    result = asyncStorage().run(f, fn);
  } catch (e) {
    if ("hooks" in change) hookScopes--;
    throw e;
  }
  if (!("hooks" in change)) return result;
  return Promise.resolve(result).finally(() => hookScopes--) as R;
}

/** Runs `fn` (plain or async) with `change` in force; an async `fn` keeps it across its awaits and nowhere else. */
function runScoped<R>(change: Change, fn: () => R): R {
  if (typeof fn !== "function") throw new TypeError(`saved tensors hooks: expected a function, got ${typeof fn}`);
  return kindOf(fn) === "async" ? runAsync(change, fn) : runSync(change, fn);
}

/**
 * A `using` guard of a saved-tensor-hooks scope: installs its pair (or
 * disables hooks) now and puts back what was in force when disposed. Like
 * the grad-mode guards it is a synchronous scope; guards of one frame are
 * disposed innermost first.
 */
export class SavedTensorsHooksGuard implements Disposable {
  readonly #frame: Frame;
  readonly #prevHooks: SavedTensorsHookPair | null;
  readonly #prevDisabled: string | null;
  readonly #below: SavedTensorsHooksGuard | null;
  readonly #installs: boolean;
  #disposed = false;

  /** @internal use `savedTensorsHooks`, `disableSavedTensorsHooks` or `saveOnCpu` */
  constructor(change: Change) {
    const f = frame();
    this.#frame = f;
    this.#prevHooks = f.hooks;
    this.#prevDisabled = f.disabled;
    this.#below = f.top;
    this.#installs = "hooks" in change;
    enter(f, change);
    f.top = this;
  }

  /** Puts back the hooks (and the disabled state) in force when this guard was made. */
  [Symbol.dispose](): void {
    if (this.#disposed) return;
    const f = this.#frame;
    if (f.top !== this) {
      throw new Error(
        "saved tensors hooks guard disposed out of order: guards must be disposed in the reverse order of their creation. " +
          "A `using` guard is a synchronous scope; across `await`, use the callback form, e.g. `await savedTensorsHooks(pack, unpack, async () => { ... })`.",
      );
    }
    this.#disposed = true;
    f.top = this.#below;
    f.hooks = this.#prevHooks;
    f.disabled = this.#prevDisabled;
    if (this.#installs) hookScopes--;
  }
}

function checkHook(what: string, hook: unknown): void {
  if (typeof hook !== "function") throw new TypeError(`savedTensorsHooks: ${what} must be a function, got ${typeof hook}`);
}

/**
 * PyTorch's `torch.autograd.graph.saved_tensors_hooks(pack_hook, unpack_hook)`:
 * in its scope, every tensor an op saves for backward is handed to `pack`
 * (under `noGrad`) and the graph keeps whatever `pack` returns; when backward
 * (or `node.savedTensors`) needs the tensor, `unpack` gets that value back and
 * returns a tensor with the same content. Only the innermost pair applies.
 * `unpack(pack(t))` should equal `t` in value, shape and dtype.
 *
 * As in PyTorch, a tensor saved through hooks is not checked for in-place
 * changes at unpack (the hooks own its value), and `pack` must not change its
 * input in place.
 *
 * Forms: `using _ = savedTensorsHooks(pack, unpack)` until the end of the
 * block, or `savedTensorsHooks(pack, unpack, fn)` for the call of `fn` (an async
 * `fn` keeps the hooks across its awaits and nowhere else).
 *
 * @example
 * const packed: torch.Tensor[] = [];
 * const y = torch.autograd.graph.savedTensorsHooks(
 *   (t) => { packed.push(t); return t.clone(); }, // e.g. a copy, a compressed form, a file name
 *   (p) => p,
 *   () => x.exp(),
 * );
 */
export function savedTensorsHooks<P>(pack: (tensor: Tensor) => P, unpack: (packed: P) => Tensor): SavedTensorsHooksGuard;
export function savedTensorsHooks<P, R>(pack: (tensor: Tensor) => P, unpack: (packed: P) => Tensor, fn: () => R): R;
export function savedTensorsHooks(pack: (tensor: Tensor) => unknown, unpack: (packed: unknown) => Tensor, fn?: () => unknown): unknown {
  checkHook("pack", pack);
  checkHook("unpack", unpack);
  const change: Change = { hooks: { pack, unpack } };
  return fn === undefined ? new SavedTensorsHooksGuard(change) : runScoped(change, fn);
}

/**
 * PyTorch's `torch.autograd.graph.disable_saved_tensors_hooks(error_message)`:
 * in its scope, installing saved-tensor hooks (`savedTensorsHooks`,
 * `saveOnCpu`, a non-reentrant `checkpoint`) throws an Error with
 * `message`; so does disabling while a pair is installed. For features that
 * cannot work with saved-tensor hooks.
 *
 * @example
 * torch.autograd.graph.disableSavedTensorsHooks("my feature does not support saved tensors hooks", () => {
 *   torch.autograd.graph.saveOnCpu(); // throws: my feature does not support saved tensors hooks
 * });
 */
export function disableSavedTensorsHooks(message: string): SavedTensorsHooksGuard;
export function disableSavedTensorsHooks<R>(message: string, fn: () => R): R;
export function disableSavedTensorsHooks(message: string, fn?: () => unknown): unknown {
  if (typeof message !== "string") throw new TypeError(`disableSavedTensorsHooks: the error message must be a string, got ${typeof message}`);
  const change: Change = { disabled: message };
  return fn === undefined ? new SavedTensorsHooksGuard(change) : runScoped(change, fn);
}

/** Whether `disableSavedTensorsHooks` is in force here: its message, or null (`torch._C._autograd._saved_tensors_hooks_get_disabled_error_message`). */
export function savedTensorsHooksDisabledMessage(): string | null {
  return frame().disabled;
}
