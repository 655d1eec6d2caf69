import { INFERENCE, ModeGuard, runInMode, withGrad, wrapInMode, type Mode } from "./grad-mode.js";

type AnyFn = (...args: any[]) => any;

/** A grad-mode switch usable as a callback scope, a `using` guard, a wrapper, or a method decorator. */
export interface GradModeSwitch {
  /** `using _ = torch.noGrad();` switches until the end of the block. */
  (): ModeGuard;
  /** Runs `fn` in the mode and returns its value (awaitable for async `fn`). */
  <R>(fn: () => R): R;
  /** TC39 method decorator: `@torch.noGrad method() {...}`. */
  <F extends AnyFn>(method: F, context: ClassMethodDecoratorContext): F;
  /** Returns `fn` wrapped so that each call runs in the mode. */
  wrap<F extends AnyFn>(fn: F): F;
}

function isDecoratorContext(x: unknown): x is ClassMethodDecoratorContext {
  return typeof x === "object" && x !== null && (x as { kind?: unknown }).kind === "method";
}

function makeSwitch(name: string, mode: () => Mode): GradModeSwitch {
  function modeSwitch(fn?: AnyFn, context?: unknown): unknown {
    if (fn === undefined) return new ModeGuard(mode());
    if (typeof fn !== "function") throw new TypeError(`torch.${name}: expected a function, got ${typeof fn}`);
    if (context !== undefined) {
      if (!isDecoratorContext(context)) throw new TypeError(`torch.${name}: can only decorate methods`);
      return wrapInMode(mode, fn);
    }
    return runInMode(mode(), fn);
  }
  modeSwitch.wrap = <F extends AnyFn>(fn: F): F => wrapInMode(mode, fn);
  return modeSwitch as GradModeSwitch;
}

/**
 * Disables gradient recording: results of ops don't require grad and no graph
 * is built, so nothing is kept for backward. Use it for evaluation, weight
 * initialisation and manual parameter updates. It does not change layer
 * behaviour (that is `model.eval()`).
 *
 * @example
 * const y = torch.noGrad(() => model.forward(x));
 * { using _ = torch.noGrad(); p.sub_(p.grad!.mul(0.1)); }
 */
export const noGrad: GradModeSwitch = makeSwitch("noGrad", () => withGrad(false));

/**
 * Re-enables gradient recording, e.g. inside a `noGrad` scope.
 *
 * @example
 * torch.noGrad(() => torch.enableGrad(() => x.mul(2))).requiresGrad; // true
 */
export const enableGrad: GradModeSwitch = makeSwitch("enableGrad", () => withGrad(true));

const NOT_INFERENCE: Mode = { grad: true, inference: false };

/** `inferenceMode(enabled = true)`: the call forms of `torch.inferenceMode`. */
export interface InferenceModeSwitch extends GradModeSwitch {
  (enabled: boolean): ModeGuard;
  <R>(enabled: boolean, fn: () => R): R;
}

const inferenceOn = makeSwitch("inferenceMode", () => INFERENCE);
const inferenceOff = makeSwitch("inferenceMode", () => NOT_INFERENCE);

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
    if (typeof a === "boolean") return (a ? inferenceOn : inferenceOff)(b as AnyFn);
    return (inferenceOn as (x?: unknown, y?: unknown) => unknown)(a, b);
  },
  { wrap: inferenceOn.wrap },
) as InferenceModeSwitch;

/**
 * Sets whether ops record a graph. `setGradEnabled(mode)` switches at once and
 * returns a guard that restores the previous mode when disposed;
 * `setGradEnabled(mode, fn)` runs `fn` in that mode.
 *
 * @example
 * torch.setGradEnabled(isTraining, () => model.forward(x));
 */
export function setGradEnabled(mode: boolean): ModeGuard;
export function setGradEnabled<R>(mode: boolean, fn: () => R): R;
export function setGradEnabled(mode: boolean, fn?: () => unknown): unknown {
  if (typeof mode !== "boolean") throw new TypeError(`torch.setGradEnabled: mode must be a boolean, got ${typeof mode}`);
  if (fn === undefined) return new ModeGuard(withGrad(mode));
  return runInMode(withGrad(mode), fn);
}

export { isGradEnabled, isInferenceModeEnabled, ModeGuard } from "./grad-mode.js";
