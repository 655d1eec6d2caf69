/**
 * Activations recorded as PyTorch records them: one node with PyTorch's name
 * (LeakyReluBackward0, EluBackward0, CeluBackward0, HardtanhBackward0,
 * ThresholdBackward0) instead of the composed ops' nodes. The in-place forms
 * record PyTorch's `...Backward1` nodes, and those of leaky_relu_, elu_,
 * celu_ and selu_ save the *result* (tools/autograd/derivatives.yaml), so
 * changing it in place afterwards raises the version error there, as in
 * PyTorch; hardtanh_ and threshold_ save the input as it was.
 * Backward formulas are tensor ops, so double backward works. The forwards of
 * the piecewise-linear ones run in one pass where the backend can
 * (fused-activation.ts), with the composed ops' bits.
 */
import { runInMode, withGrad } from "../autograd/grad-mode.js";
import { needsGrad, record } from "../ops/core.js";
import { clamp, erf, exp, expm1, gt, le, ge, lt, mul, add, sigmoid, sub, tanh, where } from "../ops/elementwise.js";
import { isFloating, scalarTypeName } from "../tensor/dtype.js";
import { inplace } from "../ops/inplace.js";
import { zerosLike } from "../ops/factories.js";
import type { Tensor } from "../tensor/tensor.js";
import { fusedActivation } from "./fused-activation.js";

/**
 * `forward(x)`, recorded (when x requires grad) as one node `name` whose
 * backward is `backward(grad, saved)`, saved being `x` or, with
 * `saveResult`, the output.
 */
function activation(
  name: string,
  x: Tensor,
  forward: (x: Tensor) => Tensor,
  saveResult: boolean,
  backward: (g: Tensor, saved: Tensor) => Tensor,
): Tensor {
  if (!needsGrad(x)) return forward(x);
  const out = runInMode(withGrad(false), () => forward(x));
  record(name, [x], out, ([g], [s]) => [backward(g!, s!)], [saveResult ? out : x]);
  return out;
}

/**
 * `forward(x)` recorded as the one node `name` (PyTorch's) of an activation
 * composed of several ops here, whose gradient is `backward` (PyTorch's
 * formula, see activation-backward.ts) from the saved input.
 */
export function asOneNode(name: string, input: Tensor, forward: (x: Tensor) => Tensor, backward: (g: Tensor, x: Tensor) => Tensor): Tensor {
  return activation(name, input, forward, false, backward);
}

/** PyTorch's missing-kernel error for an activation whose kernel takes only float dtypes. */
function floatKernelOnly(input: Tensor, kernel: string): void {
  if (!isFloating(input.dtype)) throw new Error(`"${kernel}" not implemented for '${scalarTypeName(input.dtype)}'`);
}

/**
 * `x` where `x < 0`, else 0 with no gradient: the elu family's backward reads
 * x through it, so that its own derivative is masked by `x < 0` strictly, as
 * PyTorch's elu_double_backward (the first derivative takes `x <= 0`).
 */
function belowZero(x: Tensor): Tensor {
  return where(lt(x, 0), x, 0);
}

/** `x` where positive, `slope·x` elsewhere; in place (`leaky_relu_`) with `inplace`. */
export function leakyReluAct(input: Tensor, slope: number, inplaceOp: boolean): Tensor {
  floatKernelOnly(input, "leaky_relu_cpu");
  const forward = (x: Tensor) => fusedActivation(x, "leakyRelu", slope) ?? where(gt(x, 0), x, mul(x, slope));
  if (!inplaceOp) return activation("LeakyReluBackward0", input, forward, false, (g, x) => where(gt(x, 0), g, mul(g, slope)));
  return inplace(input, "leaky_relu_", [], (old) => activation("LeakyReluBackward1", old, forward, true, (g, r) => {
    if (slope < 0) {
      throw new Error(
        "In-place leakyReLu backward calculation is triggered with a negative slope which is not supported. This is caused by calling in-place forward function with a negative slope, please call out-of-place version instead. File an issue at https://github.com/pytorch/pytorch if you do require supporting in-place leakRelu backward calculation with negative slope",
      );
    }
    return where(gt(r, 0), g, mul(g, slope));
  }));
}

/**
 * PyTorch's elu family: `scale·x` where positive, `alpha·scale·(exp(inputScale·x) - 1)`
 * elsewhere (elu: scale 1, inputScale 1; selu: its constants; celu: inputScale 1/alpha).
 * `names`: the out-of-place and in-place node names.
 */
export function eluAct(
  input: Tensor,
  alpha: number,
  scale: number,
  inputScale: number,
  names: readonly [string, string],
  inplaceOp: boolean,
  opName: string,
): Tensor {
  floatKernelOnly(input, "elu_cpu");
  // exp of the clamped input: the unused branch must not overflow (its zero gradient would become 0·∞ = NaN).
  // Tested as x <= 0, as PyTorch's kernel does, so a NaN takes the identity branch.
  const negative = (x: Tensor) => mul(expm1(mul(clamp(x, null, 0), inputScale)), alpha * scale);
  const forward = (x: Tensor) => where(le(x, 0), negative(x), scale === 1 ? x : mul(x, scale));
  if (!inplaceOp) {
    return activation(names[0], input, forward, false, (g, x) =>
      where(le(x, 0), mul(g, mul(exp(mul(belowZero(x), inputScale)), inputScale * alpha * scale)), mul(g, scale)));
  }
  return inplace(input, opName, [], (old) => activation(names[1], old, forward, true, (g, r) => {
    if (alpha < 0) {
      throw new Error(
        "In-place elu backward calculation is triggered with a negative slope which is not supported. This is caused by calling in-place forward function with a negative slope, please call out-of-place version instead.",
      );
    }
    return where(le(r, 0), mul(g, mul(add(belowZero(r), alpha * scale), inputScale)), mul(g, scale));
  }));
}

/** `x` clamped into [minVal, maxVal], gradient 0 on and past the bounds (HardtanhBackward0, also in place). */
export function hardtanhAct(input: Tensor, minVal: number, maxVal: number, inplaceOp: boolean): Tensor {
  if (input.dtype === "bool") throw new Error("Bool inputs not supported for hardtanh");
  const forward = (x: Tensor) => fusedActivation(x, "hardtanh", minVal, maxVal) ?? where(le(x, minVal), minVal, where(ge(x, maxVal), maxVal, x));
  const compute = (x: Tensor) => activation("HardtanhBackward0", x, forward, false, (g, s) =>
    gradWhere("HardtanhBackwardBackward0", g, s, (gg, x) => where(le(x, minVal), 0, where(ge(x, maxVal), 0, gg))));
  return inplaceOp ? inplace(input, "hardtanh_", [], compute) : compute(input);
}

/**
 * An activation's backward that passes `g` where the saved input `s` allows
 * and 0 elsewhere (`pass(g, s)`), recorded as one node `name` of `g` and `s`
 * (PyTorch's HardtanhBackwardBackward0, ThresholdBackwardBackward0). Its
 * gradient w.r.t. `s` is zeros, not none, as derivatives.yaml's
 * `self: zeros_like(grad)`: a double backward reaches the input.
 */
function gradWhere(name: string, g: Tensor, s: Tensor, pass: (g: Tensor, s: Tensor) => Tensor): Tensor {
  if (!needsGrad(g, s)) return pass(g, s);
  const out = runInMode(withGrad(false), () => pass(g, s));
  const inputNeedsGrad = s.requiresGrad;
  record(name, [g, s], out, ([gg], [x]) => [gradWhere(name, gg!, x!, pass), inputNeedsGrad ? zerosLike(gg!) : null], [s]);
  return out;
}

/** `x` where `x > threshold`, `value` elsewhere (ThresholdBackward0; ThresholdBackward1 in place). */
export function thresholdAct(input: Tensor, threshold: number, value: number, inplaceOp: boolean): Tensor {
  if (input.dtype === "bool") throw new Error(`"threshold_cpu" not implemented for 'Bool'`);
  // le, not gt: a NaN input stays NaN, as in PyTorch's kernel
  const forward = (x: Tensor) => fusedActivation(x, "threshold", threshold, value) ?? where(le(x, threshold), value, x);
  const compute = (name: string) => (x: Tensor) => activation(name, x, forward, false, (g, s) =>
    gradWhere("ThresholdBackwardBackward0", g, s, (gg, y) => where(le(y, threshold), 0, gg)));
  return inplaceOp ? inplace(input, "threshold_", [], compute("ThresholdBackward1")) : compute("ThresholdBackward0")(input);
}

/** SELU's constants (Klambauer et al.), as doubles. */
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/**
 * `F.leaky_relu_`: leaky ReLU written over `input` (LeakyReluBackward1, which saves the result).
 *
 * @example
 * F.leakyRelu_(x, 0.2);
 */
export function leakyRelu_(input: Tensor, negativeSlope = 0.01): Tensor {
  return leakyReluAct(input, negativeSlope, true);
}

/**
 * `F.elu_`: ELU written over `input` (EluBackward1, which saves the result).
 *
 * @example
 * F.elu_(x);
 */
export function elu_(input: Tensor, alpha = 1): Tensor {
  return eluAct(input, alpha, 1, 1, ["EluBackward0", "EluBackward1"], true, "elu_");
}

/**
 * `F.celu_`: CELU written over `input` (CeluBackward1, which saves the result).
 *
 * @example
 * F.celu_(x, 2);
 */
export function celu_(input: Tensor, alpha = 1): Tensor {
  if (alpha === 0) throw new Error("ZeroDivisionError: alpha cannot be 0 for CELU");
  return eluAct(input, alpha, 1, 1 / alpha, ["CeluBackward0", "CeluBackward1"], true, "celu_");
}

/**
 * `F.selu_`: SELU written over `input` (EluBackward1, which saves the result).
 *
 * @example
 * F.selu_(x);
 */
export function selu_(input: Tensor): Tensor {
  return eluAct(input, SELU_ALPHA, SELU_SCALE, 1, ["EluBackward0", "EluBackward1"], true, "selu_");
}

/**
 * `F.hardtanh_`: hardtanh written over `input` (HardtanhBackward0).
 *
 * @example
 * F.hardtanh_(x, -2, 2);
 */
export function hardtanh_(input: Tensor, minVal = -1, maxVal = 1): Tensor {
  if (minVal > maxVal) throw new Error("min_val cannot be greater than max_val");
  return hardtanhAct(input, minVal, maxVal, true);
}

/**
 * `F.threshold_`: threshold written over `input` (ThresholdBackward1).
 *
 * @example
 * F.threshold_(x, 0.1, 20);
 */
export function threshold_(input: Tensor, threshold: number, value: number): Tensor {
  return thresholdAct(input, threshold, value, true);
}

/** SiLU `x·sigmoid(x)` as SiluBackward0 (saves x): gradient `s·(1 + x·(1 - s))`, PyTorch's formula, in tensor ops. */
export function siluAct(input: Tensor): Tensor {
  return activation("SiluBackward0", input, (x) => mul(x, sigmoid(x)), false, (g, x) => {
    const s = sigmoid(x);
    return mul(g, mul(s, add(mul(x, sub(1, s)), 1)));
  });
}

/**
 * GELU as GeluBackward0 (saves x), with PyTorch's gradient formulas in tensor
 * ops: `Φ(x) + x·φ(x)` (exact), or the tanh approximation's derivative.
 */
export function geluAct(input: Tensor, approximate: "none" | "tanh"): Tensor {
  if (approximate === "tanh") {
    const k = Math.sqrt(2 / Math.PI), c = 0.044715;
    const inner = (x: Tensor) => mul(add(x, mul(mul(mul(x, x), x), c)), k);
    return activation("GeluBackward0", input, (x) => mul(mul(x, 0.5), add(tanh(inner(x)), 1)), false, (g, x) => {
      const t = tanh(inner(x));
      const dInner = mul(add(mul(mul(x, x), 3 * c), 1), k);
      return mul(g, add(mul(add(t, 1), 0.5), mul(mul(mul(x, 0.5), sub(1, mul(t, t))), dInner)));
    });
  }
  return activation("GeluBackward0", input, (x) => mul(mul(x, 0.5), add(erf(mul(x, Math.SQRT1_2)), 1)), false, (g, x) => {
    const cdf = mul(add(erf(mul(x, Math.SQRT1_2)), 1), 0.5);
    const pdf = mul(exp(mul(mul(x, x), -0.5)), 1 / Math.sqrt(2 * Math.PI));
    return mul(g, add(cdf, mul(x, pdf)));
  });
}
