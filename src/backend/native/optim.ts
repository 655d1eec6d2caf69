import { nativeAddon } from "./load.js";

/**
 * Fused optimizer steps on flat parameter storage, in place, with PyTorch's
 * single-tensor formulas. They run in C when the addon is loaded (and the
 * arrays are large enough to be worth the call), in JS otherwise; both
 * compute each element in double and store it once, so the results agree.
 * Pass `subarray` views for tensors that live inside a larger storage.
 */
export type FloatArray = Float32Array | Float64Array;

export interface SgdOptions {
  readonly lr: number;
  readonly momentum?: number;
  readonly dampening?: number;
  readonly weightDecay?: number;
  readonly nesterov?: boolean;
  readonly maximize?: boolean;
}

export interface AdamOptions {
  readonly lr: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
  readonly weightDecay?: number;
  readonly amsgrad?: boolean;
  readonly maximize?: boolean;
  /** AdamW: decay the parameter by lr * weightDecay instead of adding weightDecay * p to the gradient. */
  readonly decoupled?: boolean;
}

/** Below this many elements the JS loop is as fast as a native call. */
const NATIVE_MIN = 2048;

function check(name: string, p: FloatArray, x: FloatArray | null, what: string): void {
  if (x === null) return;
  if (x.constructor !== p.constructor || x.length !== p.length)
    throw new Error(`${name}: ${what} must be a ${p.constructor.name} of length ${p.length}`);
}

/**
 * One SGD step (torch.optim.SGD, foreach=False), per element:
 *
 *     g = maximize ? -grad : grad
 *     g = g + weightDecay * p
 *     if momentum != 0:
 *       buf = firstStep ? g : momentum * buf + (1 - dampening) * g
 *       g = nesterov ? g + momentum * buf : buf
 *     p = p - lr * g
 *
 * `momentumBuffer` may be null when momentum is 0. Pass `firstStep` true on
 * the step that creates the buffer (PyTorch clones the gradient into it).
 *
 * @example
 * sgdStep(w, gw, buf, step === 1, { lr: 0.1, momentum: 0.9 });
 */
export function sgdStep(
  param: FloatArray, grad: FloatArray, momentumBuffer: FloatArray | null, firstStep: boolean, o: SgdOptions,
): void {
  const momentum = o.momentum ?? 0, dampening = o.dampening ?? 0, wd = o.weightDecay ?? 0;
  // as PyTorch, only the optimizer's defaults are checked for Nesterov: a param group may set momentum 0 (a
  // plain step, Nesterov ignored) or a dampening, and the formula above then runs as it is
  const nesterov = (o.nesterov ?? false) && momentum !== 0, maximize = o.maximize ?? false;
  check("sgdStep", param, grad, "grad");
  check("sgdStep", param, momentumBuffer, "momentumBuffer");
  if (momentum !== 0 && momentumBuffer === null) throw new Error("sgdStep: momentum needs a momentumBuffer");
  const c = param.length >= NATIVE_MIN ? nativeAddon() : null;
  if (c) {
    const flags = (nesterov ? 1 : 0) | (maximize ? 2 : 0) | (firstStep ? 4 : 0);
    c.sgdStep(param, grad, momentumBuffer, o.lr, momentum, dampening, wd, flags);
    return;
  }
  const f32 = param instanceof Float32Array;
  for (let i = 0; i < param.length; i++) {
    const p = param[i]!;
    let g = maximize ? -grad[i]! : grad[i]!;
    if (wd !== 0) g += wd * p;
    if (momentum !== 0) {
      let buf = firstStep ? g : momentum * momentumBuffer![i]! + (1 - dampening) * g;
      if (f32) buf = Math.fround(buf);
      momentumBuffer![i] = buf;
      g = nesterov ? g + momentum * buf : buf;
    }
    param[i] = p - o.lr * g;
  }
}

/**
 * One Adam / AdamW step (torch.optim.Adam and AdamW, foreach=False), per
 * element, with `step` counted from 1:
 *
 *     g = maximize ? -grad : grad
 *     if decoupled: p = p * (1 - lr * weightDecay)   (AdamW)
 *     else:         g = g + weightDecay * p           (Adam)
 *     m = m + (1 - beta1) * (g - m)                   (torch's lerp_)
 *     v = beta2 * v + (1 - beta2) * g * g
 *     if amsgrad: vmax = max(vmax, v); v = vmax
 *     p = p - lr / (1 - beta1^step) * m / (sqrt(v) / sqrt(1 - beta2^step) + eps)
 *
 * Defaults: beta1 0.9, beta2 0.999, eps 1e-8, weightDecay 0.
 *
 * @example
 * adamStep(w, gw, m, v, null, step, { lr: 1e-3 });
 */
export function adamStep(
  param: FloatArray, grad: FloatArray, expAvg: FloatArray, expAvgSq: FloatArray, maxExpAvgSq: FloatArray | null,
  step: number, o: AdamOptions,
): void {
  const beta1 = o.beta1 ?? 0.9, beta2 = o.beta2 ?? 0.999, eps = o.eps ?? 1e-8, wd = o.weightDecay ?? 0;
  const amsgrad = o.amsgrad ?? false, maximize = o.maximize ?? false, decoupled = o.decoupled ?? false;
  check("adamStep", param, grad, "grad");
  check("adamStep", param, expAvg, "expAvg");
  check("adamStep", param, expAvgSq, "expAvgSq");
  check("adamStep", param, maxExpAvgSq, "maxExpAvgSq");
  if (amsgrad && maxExpAvgSq === null) throw new Error("adamStep: amsgrad needs maxExpAvgSq");
  if (!Number.isInteger(step) || step < 1) throw new Error(`adamStep: step must be an integer >= 1, got ${step}`);
  const c = param.length >= NATIVE_MIN ? nativeAddon() : null;
  if (c) {
    const flags = (amsgrad ? 1 : 0) | (maximize ? 2 : 0) | (decoupled ? 4 : 0);
    c.adamStep(param, grad, expAvg, expAvgSq, maxExpAvgSq, o.lr, beta1, beta2, eps, wd, step, flags);
    return;
  }
  const f32 = param instanceof Float32Array;
  const stepSize = o.lr / (1 - Math.pow(beta1, step));
  const bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
  for (let i = 0; i < param.length; i++) {
    let p = param[i]!;
    let g = maximize ? -grad[i]! : grad[i]!;
    if (wd !== 0) {
      if (decoupled) {
        p *= 1 - o.lr * wd;
        if (f32) p = Math.fround(p);
      } else {
        g += wd * p;
      }
    }
    let m = expAvg[i]!, v = expAvgSq[i]!;
    m += (1 - beta1) * (g - m);
    v = beta2 * v + (1 - beta2) * g * g;
    if (f32) {
      m = Math.fround(m);
      v = Math.fround(v);
    }
    expAvg[i] = m;
    expAvgSq[i] = v;
    if (amsgrad) {
      let vm = maxExpAvgSq![i]!;
      if (v > vm || v !== v) vm = v;
      maxExpAvgSq![i] = vm;
      v = vm;
    }
    param[i] = p - (stepSize * m) / (Math.sqrt(v) / bc2Sqrt + eps);
  }
}
