import { warn } from "../warnings.js";

/**
 * Anomaly detection, PyTorch's debugging mode for backward: nodes remember
 * where forward created them, a backward that fails reports that place, and
 * (with checkNan) a node returning NaN gradients throws. Global, as in
 * PyTorch (not per grad-mode scope).
 */
let enabled = false;
let checkNan = true;

/** `torch.is_anomaly_enabled()`. */
export function isAnomalyEnabled(): boolean {
  return enabled;
}

/** `torch.is_anomaly_check_nan_enabled()`: whether backward checks gradients for NaN (only while anomaly mode is on). */
export function isAnomalyCheckNanEnabled(): boolean {
  return enabled && checkNan;
}

/** Restores the anomaly mode that was in force before it was made, when disposed (`using`). */
export class AnomalyGuard implements Disposable {
  private readonly prev: readonly [boolean, boolean] = [enabled, checkNan];
  private done = false;

  constructor(mode: boolean, nanCheck: boolean) {
    enabled = mode;
    checkNan = nanCheck;
  }

  [Symbol.dispose](): void {
    if (this.done) return;
    this.done = true;
    [enabled, checkNan] = this.prev;
  }
}

function scoped<R>(guard: AnomalyGuard, fn: () => R): R {
  let result: R;
  try {
    result = fn();
  } catch (e) {
    guard[Symbol.dispose]();
    throw e;
  }
  // an async callback keeps the mode until it settles
  if (result instanceof Promise) return result.finally(() => guard[Symbol.dispose]()) as R;
  guard[Symbol.dispose]();
  return result;
}

export interface AnomalyOptions {
  /** Throw when a backward node returns NaN gradients (default true). */
  checkNan?: boolean;
}

/**
 * Turns anomaly detection on: `detectAnomaly(fn)` runs `fn` with it (and
 * returns its value); `using _ = detectAnomaly()` keeps it on until the end
 * of the block. Warns, as PyTorch, that it slows everything down.
 *
 * @example
 * torch.autograd.detectAnomaly(() => loss.backward()); // throws "Function 'DivBackward0' returned nan values in its 1th output." on NaN
 */
export function detectAnomaly(options?: AnomalyOptions): AnomalyGuard;
export function detectAnomaly<R>(fn: () => R, options?: AnomalyOptions): R;
export function detectAnomaly(a?: (() => unknown) | AnomalyOptions, b?: AnomalyOptions): unknown {
  const fn = typeof a === "function" ? a : undefined;
  const options = (typeof a === "function" ? b : a) ?? {};
  warn("Anomaly Detection has been enabled. This mode will increase the runtime and should only be enabled for debugging.");
  const guard = new AnomalyGuard(true, options.checkNan ?? true);
  return fn === undefined ? guard : scoped(guard, fn);
}

/**
 * `torch.autograd.set_detect_anomaly(mode)`: switches at once (the returned
 * guard restores the previous setting when disposed); with `fn`, only while
 * `fn` runs.
 *
 * @example
 * torch.autograd.setDetectAnomaly(true);
 * torch.autograd.setDetectAnomaly(false, () => fastPath());
 */
export function setDetectAnomaly(mode: boolean, options?: AnomalyOptions): AnomalyGuard;
export function setDetectAnomaly<R>(mode: boolean, fn: () => R, options?: AnomalyOptions): R;
export function setDetectAnomaly(mode: boolean, a?: (() => unknown) | AnomalyOptions, b?: AnomalyOptions): unknown {
  if (typeof mode !== "boolean") throw new TypeError(`setDetectAnomaly: mode must be a boolean, got ${typeof mode}`);
  const fn = typeof a === "function" ? a : undefined;
  const options = (typeof a === "function" ? b : a) ?? {};
  const guard = new AnomalyGuard(mode, options.checkNan ?? true);
  return fn === undefined ? guard : scoped(guard, fn);
}
