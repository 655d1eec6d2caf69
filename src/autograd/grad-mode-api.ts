import { currentMode, GRAD, INFERENCE, modeOf, ModeGuard, runScoped, wrapInMode, type Transition } from "./grad-mode.js";

type AnyFn = (...args: any[]) => any;

/**
 * A grad-mode switch, usable in four forms: a callback scope, a `using` guard,
 * a wrapper (`.wrap(fn)`), or a TC39 method decorator. Each works with plain,
 * async, generator and async generator functions.
 */
export interface GradModeSwitch {
  /** TC39 method decorator: `@torch.noGrad method() {...}`. (First: TypeScript would match a decorated method without parameters to the callback form.) */
  <F extends AnyFn>(method: F, context: ClassMethodDecoratorContext): F;
  /** `using _ = torch.noGrad();` switches until the end of the block. */
  (): ModeGuard;
  /** Runs `fn` in the mode and returns its value (a promise for an async `fn`, which keeps the mode across its awaits). */
  <R>(fn: () => R): R;
  /** Returns `fn` wrapped so that each call (each step, for a generator) runs in the mode. */
  wrap<F extends AnyFn>(fn: F): F;
}

function isMethodContext(x: unknown): x is ClassMethodDecoratorContext {
  return typeof x === "object" && x !== null && (x as { kind?: unknown }).kind === "method";
}

function makeSwitch(name: string, transition: Transition): GradModeSwitch {
  function modeSwitch(fn?: unknown, context?: unknown): unknown {
    if (fn === undefined) return new ModeGuard(transition(currentMode()));
    if (typeof fn !== "function") throw new TypeError(`torch.${name}: expected a function, got ${typeof fn}`);
    if (context !== undefined) {
      if (!isMethodContext(context)) {
        throw new TypeError(`torch.${name}: as a decorator it applies to methods only, not to a ${String((context as { kind?: unknown }).kind)}`);
      }
      return wrapInMode(transition, fn as AnyFn);
    }
    return runScoped(transition, fn as () => unknown);
  }
  modeSwitch.wrap = <F extends AnyFn>(fn: F): F => {
    if (typeof fn !== "function") throw new TypeError(`torch.${name}.wrap: expected a function, got ${typeof fn}`);
    return wrapInMode(transition, fn);
  };
  Object.defineProperty(modeSwitch, "name", { value: name });
  return modeSwitch as GradModeSwitch;
}

/**
 * Disables gradient recording: results of ops don't require grad and no graph
 * is built, so nothing is kept for backward. Use it for evaluation, weight
 * initialisation and manual parameter updates. It does not change layer
 * behaviour (that is `model.eval()`), and inside `inferenceMode` it stays there.
 *
 * @example
 * const y = torch.noGrad(() => model.forward(x));
 * { using _ = torch.noGrad(); p.sub_(p.grad!.mul(0.1)); }
 */
export const noGrad: GradModeSwitch = makeSwitch("noGrad", (prev) => modeOf(false, prev.inference));

/**
 * Re-enables gradient recording, e.g. inside a `noGrad` scope.
 *
 * @example
 * torch.noGrad(() => torch.enableGrad(() => x.mul(2))).requiresGrad; // true when x requires grad
 */
export const enableGrad: GradModeSwitch = makeSwitch("enableGrad", (prev) => modeOf(true, prev.inference));

/** `inferenceMode(enabled = true)`: the call forms of `torch.inferenceMode`. */
export interface InferenceModeSwitch extends GradModeSwitch {
  (enabled: boolean): ModeGuard;
  <R>(enabled: boolean, fn: () => R): R;
}

const inferenceOn = makeSwitch("inferenceMode", () => INFERENCE);
// As in PyTorch, leaving inference mode turns grad mode on.
const inferenceOff = makeSwitch("inferenceMode", () => GRAD);

/**
 * The stricter, faster `noGrad`: tensors made inside are inference tensors
 * (no version counter, never usable in a recorded op later).
 * `inferenceMode(false)` switches it off again (and enables grad, as PyTorch).
 *
 * @example
 * const y = torch.inferenceMode(() => model.forward(x));
 * y.isInference(); // true
 */
export const inferenceMode: InferenceModeSwitch = Object.assign(
  function inferenceMode(a?: unknown, b?: unknown): unknown {
    if (typeof a === "boolean") {
      const s = (a ? inferenceOn : inferenceOff) as (fn?: unknown) => unknown;
      return b === undefined ? s() : s(b);
    }
    return (inferenceOn as (fn?: unknown, context?: unknown) => unknown)(a, b);
  },
  { wrap: inferenceOn.wrap },
) as InferenceModeSwitch;

/**
 * Sets whether ops record a graph. `setGradEnabled(mode)` switches at once
 * (like PyTorch's function form) and returns a guard that restores the
 * previous mode when disposed; `setGradEnabled(mode, fn)` runs `fn` in that
 * mode, like the callback form of `noGrad`/`enableGrad`.
 *
 * @example
 * const y = torch.setGradEnabled(isTraining, () => model.forward(x));
 * { using _ = torch.setGradEnabled(false); evaluate(); }
 */
export function setGradEnabled(mode: boolean): ModeGuard;
export function setGradEnabled<R>(mode: boolean, fn: () => R): R;
export function setGradEnabled(mode: boolean, fn?: () => unknown): unknown {
  if (typeof mode !== "boolean") throw new TypeError(`torch.setGradEnabled: mode must be a boolean, got ${typeof mode}`);
  const transition: Transition = (prev) => modeOf(mode, prev.inference);
  // (unstacked: `torch.setGradEnabled(false);` as a statement inside a guarded scope must not break that scope's exit)
  if (fn === undefined) return new ModeGuard(transition(currentMode()), false);
  if (typeof fn !== "function") throw new TypeError(`torch.setGradEnabled: expected a function, got ${typeof fn}`);
  return runScoped(transition, fn);
}

export { isGradEnabled, isInferenceModeEnabled, ModeGuard } from "./grad-mode.js";
