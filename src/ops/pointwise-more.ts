/**
 * More of PyTorch's pointwise ops: tan, exp2, sinc, erfc, i0, copysign,
 * fmax / fmin, heaviside, floor / true division, nanToNum, signbit,
 * floatPower, logicalXor, the infinity tests, clampMin / clampMax, frexp /
 * ldexp and logaddexp2. Gradients follow PyTorch's derivatives.yaml; where
 * PyTorch has none (heaviside, floor_divide) backward throws its error.
 */
import { type DType, isFloating, scalarTypeName, toFloating } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { runInMode, withGrad } from "../autograd/grad-mode.js";
import { anyNeedsGrad, needsGrad, record } from "./core.js";
import {
  add, clamp, type ClampBounds, cos, div, eq, exp, ge, isnan, logicalOr, mul, ne, neg, pow, resultType, sin, toDtype, where, type Operand,
} from "./elementwise.js";
import { full, zerosLike } from "./factories.js";
import { mapBinary, mapUnary } from "./js-map.js";
import { isfinite, logaddexp } from "./math.js";
import * as S from "./special-scalar.js";
import { namedTuple } from "./named-tuple.js";

const untracked = <T>(f: () => T): T => runInMode(withGrad(false), f);

/** A number operand as a 0-d tensor of `dtype`. */
const asTensor = (x: Operand, dtype: DType): Tensor => (typeof x === "number" ? full([], x, { dtype }) : x);

/**
 * Gives `out` PyTorch's NotImplemented node when an input requires grad: the
 * result takes part in the graph, and backward through it throws.
 */
function notDifferentiable(op: string, inputs: readonly (Tensor | null)[], out: Tensor): Tensor {
  if (anyNeedsGrad(inputs.filter((t): t is Tensor => t !== null))) {
    record("NotImplemented", inputs, out, () => {
      throw new Error(`derivative for aten::${op} is not implemented`);
    });
  }
  return out;
}

/**
 * A float unary op computed by `f`; `grad(g, s)` is its gradient from the
 * saved tensor `s`: the input or the result (only the one PyTorch saves, so
 * an in-place change of the other does not fail backward).
 */
function floatUnary(name: string, f: (x: number) => number, save: "input" | "result", grad: (g: Tensor, s: Tensor) => Tensor) {
  return (a: Tensor): Tensor => {
    const out = mapUnary(a, toFloating(a.dtype), f);
    if (needsGrad(a)) record(name, [a], out, ([g], [s]) => [grad(g!, s!)], [save === "input" ? a : out]);
    return out;
  };
}

/**
 * The tangent (integers and bools give floats).
 *
 * @example
 * torch.tan(torch.tensor([0, Math.PI / 4])); // tensor([0., 1.])
 */
export const tan = floatUnary("TanBackward0", Math.tan, "result", (g, r) => mul(g, add(mul(r, r), 1)));

/**
 * `2 ** x`.
 *
 * @example
 * torch.exp2(torch.tensor([0, 1, 3])); // tensor([1., 2., 8.])
 */
export const exp2 = floatUnary("Exp2Backward0", (x) => 2 ** x, "result", (g, r) => mul(g, mul(r, Math.LN2)));

/**
 * The normalized sinc, `sin(πx) / (πx)`, 1 at 0.
 *
 * @example
 * torch.sinc(torch.tensor([0, 0.5])); // tensor([1.0000, 0.6366])
 */
export const sinc = floatUnary("SincBackward0", S.sinc, "input", (g, x) => {
  // (πx cos(πx) - sin(πx)) / (πx²), 0 at x = 0 (PyTorch's masked_fill)
  const px = mul(x, Math.PI);
  return mul(g, where(eq(x, 0), 0, div(add(mul(px, cos(px)), neg(sin(px))), mul(px, x))));
});

/**
 * The complementary error function `1 - erf(x)`, accurate in the tail.
 *
 * @example
 * torch.erfc(torch.tensor([0, 3])); // tensor([1.0000e+00, 2.2090e-05])
 */
export const erfc = floatUnary("ErfcBackward0", S.erfc, "input", (g, x) => mul(g, mul(exp(neg(mul(x, x))), -2 / Math.sqrt(Math.PI))));

/**
 * The modified Bessel function of the first kind of order 1 (torch.special.i1; i0's derivative); its
 * own gradient is i0(x) - i1(x) / x, 1/2 at 0.
 *
 * @example
 * torch.special.i1(torch.tensor([0, 1])); // tensor([0.0000, 0.5652])
 */
export const i1 = floatUnary("SpecialI1Backward0", S.i1, "input", (g, x) => mul(g, where(eq(x, 0), 0.5, add(i0(x), neg(div(i1(x), x))))));

/**
 * The modified Bessel function of the first kind of order 0.
 *
 * @example
 * torch.i0(torch.tensor([0, 1])); // tensor([1.0000, 1.2661])
 */
export const i0 = floatUnary("I0Backward0", S.i0, "input", (g, x) => mul(g, i1(x)));

/**
 * `a`'s magnitude with `b`'s sign (a float result; -0 counts as negative).
 * The gradient goes to `a` only (b's is zero), as in PyTorch.
 *
 * @example
 * torch.copysign(torch.tensor([1, -2]), -1); // tensor([-1., -2.])
 */
export function copysign(a: Tensor, b: Operand): Tensor {
  const dtype = toFloating(resultType(a, b));
  const other = asTensor(b, dtype);
  const out = mapBinary(a, other, "float64", dtype, "copysign", (x, y) => (y < 0 || Object.is(y, -0) ? -Math.abs(x) : Math.abs(x)));
  const tb = typeof b === "number" ? null : b;
  if (needsGrad(a, tb)) {
    const gb = tb?._requiresGrad ?? false;
    // result / self, 0 where self is 0 (PyTorch's copysign_tensor_self_backward)
    record(tb === null ? "CopysignBackward1" : "CopysignBackward0", [a, tb], out, ([g], [x, r]) => [
      mul(g!, where(eq(x!, 0), 0, div(r!, x!))),
      gb ? zerosLike(g!) : null,
    ], [a, out]);
  }
  return out;
}

/** fmax / fmin: the larger (smaller) element, NaN only where both are NaN; ties give self the whole gradient. */
function nanIgnoring(op: "fmax" | "fmin", a: Tensor, b: Tensor): Tensor {
  const dtype = resultType(a, b);
  const pick = op === "fmax" ? (x: number, y: number) => (x >= y ? x : y) : (x: number, y: number) => (x <= y ? x : y);
  const out = mapBinary(a, b, isFloating(dtype) ? "float64" : dtype, dtype, op, (x, y) => (Number.isNaN(x) ? y : Number.isNaN(y) ? x : pick(x, y)));
  if (needsGrad(a, b)) {
    const ga = a._requiresGrad, gb = b._requiresGrad;
    record(op === "fmax" ? "FmaxBackward0" : "FminBackward0", [a, b], out, ([g], [x, y]) => {
      // self wins where self >= other (<= for fmin) or other is NaN
      const selfWins = logicalOr(op === "fmax" ? ge(x!, y!) : ge(y!, x!), isnan(y!));
      return [ga ? where(selfWins, g!, 0) : null, gb ? where(selfWins, 0, g!) : null];
    }, [a, b]);
  }
  return out;
}

/**
 * The elementwise maximum, ignoring NaN (NaN only where both are NaN).
 *
 * @example
 * torch.fmax(torch.tensor([1, NaN]), torch.tensor([NaN, 2])); // tensor([1., 2.])
 */
export function fmax(a: Tensor, b: Tensor): Tensor {
  return nanIgnoring("fmax", a, b);
}

/** The elementwise minimum, ignoring NaN (NaN only where both are NaN). */
export function fmin(a: Tensor, b: Tensor): Tensor {
  return nanIgnoring("fmin", a, b);
}

/**
 * The Heaviside step: 0 where `input < 0`, 1 where `input > 0`, and `values`
 * where `input == 0` (broadcast). Both must have one dtype. Not differentiable
 * in PyTorch: backward through it throws.
 *
 * @example
 * torch.heaviside(torch.tensor([-1, 0, 2]), torch.tensor(0.5)); // tensor([0.0000, 0.5000, 1.0000])
 */
export function heaviside(input: Tensor, values: Tensor): Tensor {
  if (input.dtype !== values.dtype) {
    throw new Error(`heaviside is not yet implemented for tensors with different dtypes. (heaviside: input ${scalarTypeName(input.dtype)}, values ${scalarTypeName(values.dtype)})`);
  }
  const dtype = input.dtype;
  const out = mapBinary(input, values, isFloating(dtype) ? "float64" : dtype, dtype, "heaviside", (x, v) => (x === 0 ? v : x > 0 ? 1 : 0));
  return notDifferentiable("heaviside", [input, values], out);
}

/**
 * `a // b`, rounding the quotient down (Python's floor division), as
 * `div(a, b, { roundingMode: "floor" })`; like PyTorch, not differentiable.
 *
 * @example
 * torch.floorDivide(torch.tensor([7, -7], { dtype: "int32" }), 2); // tensor([3, -4], dtype=int32)
 */
export function floorDivide(a: Tensor, b: Operand): Tensor {
  const out = untracked(() => div(a, b, { roundingMode: "floor" }));
  return notDifferentiable("floor_divide", [a, typeof b === "number" ? null : b], out);
}

/** `a / b` with true division (integers give floats): `div` under its other name. */
export function trueDivide(a: Tensor, b: Operand): Tensor {
  return div(a, b);
}

/** Options of `nanToNum`: the replacements (by default 0, and the dtype's largest and lowest finite values). */
export interface NanToNumOptions {
  nan?: number;
  posinf?: number | null;
  neginf?: number | null;
}

const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * `input` with NaN, +Infinity and -Infinity replaced (by 0 and the dtype's
 * extreme finite values unless given); integers and bools are returned as a
 * copy. The gradient is zero at the replaced elements.
 *
 * @example
 * torch.nanToNum(torch.tensor([NaN, Infinity, 1]), { posinf: 100 }); // tensor([0., 100., 1.])
 */
export function nanToNum(input: Tensor, options: NanToNumOptions = {}): Tensor {
  const dtype = input.dtype;
  const big = dtype === "float64" ? Number.MAX_VALUE : FLOAT32_MAX;
  const nan = options.nan ?? 0, posinf = options.posinf ?? big, neginf = options.neginf ?? -big;
  const out = isFloating(dtype) ? replaceNonFinite(input.detach(), big, nan, posinf, neginf) : mapUnary(input, dtype, (x) => x);
  if (needsGrad(input)) record("NanToNumBackward0", [input], out, ([g], [x]) => [where(isfinite(x!), g!, 0)], [input]);
  return out;
}

/**
 * nanToNum of a float tensor from whole-tensor kernels (a JS callback per
 * element took ~40x longer): clamping to the dtype's finite range turns the
 * infinities into its extremes and leaves NaN and every finite value; other
 * replacements for the infinities, and NaN's, go in with where(). The
 * replacements round to the dtype on the way in, as stores into the output did.
 */
function replaceNonFinite(x: Tensor, big: number, nan: number, posinf: number, neginf: number): Tensor {
  let out = clamp(x, -big, big);
  if (!Object.is(posinf, big)) out = where(eq(x, Infinity), posinf, out);
  if (!Object.is(neginf, -big)) out = where(eq(x, -Infinity), neginf, out);
  return where(isnan(x), nan, out);
}

/** The sign bit of each IEEE value (bool): true for negatives, -0 and NaNs stored with their sign bit set. */
function signBits(a: Tensor): Tensor {
  if (!isFloating(a.dtype)) return mapUnary(a, "bool", (x) => (x < 0 ? 1 : 0));
  // read the bits: a NaN's sign is invisible to arithmetic
  const data = new Float64Array(1), bits = new Int32Array(data.buffer);
  const high = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
  return mapUnary(a, "bool", (x) => {
    data[0] = x;
    return bits[high]! < 0 ? 1 : 0;
  });
}

/**
 * Whether each element's sign bit is set (bool): true for negatives and -0.
 *
 * @example
 * torch.signbit(torch.tensor([-1, -0, 0, 2])); // tensor([ true,  true, false, false])
 */
export function signbit(a: Tensor): Tensor {
  return signBits(a);
}

/**
 * `a ** b` computed in float64 (the result is float64 whatever the inputs), as
 * torch.float_power; gradients as pow's, back in each input's dtype.
 *
 * @example
 * torch.floatPower(torch.tensor([2], { dtype: "int32" }), 0.5).dtype; // "float64"
 */
export function floatPower(a: Operand, b: Operand): Tensor {
  const to64 = (x: Operand): Operand => (typeof x === "number" ? x : toDtype(x, "float64"));
  if (typeof a === "number" && typeof b === "number") throw new Error("float_power: expected at least one tensor operand (got two numbers)");
  return pow(to64(a), to64(b));
}

/**
 * Whether exactly one of `a`, `b` is nonzero (bool).
 *
 * @example
 * torch.logicalXor(torch.tensor([true, false]), torch.tensor([true, true])); // tensor([false,  true])
 */
export function logicalXor(a: Tensor, b: Operand): Tensor {
  const other = typeof b === "number" ? full([], b) : b;
  // bools hold 0 or 1, so their xor is a single ne (each ne against 0 first cast them to int32)
  if (a.dtype === "bool" && other.dtype === "bool") return ne(a, other);
  return ne(ne(a, 0), ne(other, 0));
}

/** Whether each element is +Infinity (bool; never for integers). */
export function isposinf(a: Tensor): Tensor {
  return isFloating(a.dtype) ? eq(a, Infinity) : full(a.shape, false);
}

/** Whether each element is -Infinity (bool; never for integers). */
export function isneginf(a: Tensor): Tensor {
  return isFloating(a.dtype) ? eq(a, -Infinity) : full(a.shape, false);
}

/** Whether each element is real: always true here (torchlet has no complex dtypes). */
export function isreal(a: Tensor): Tensor {
  return full(a.shape, true);
}

/**
 * `max(a, min)` elementwise (PyTorch's clamp_min): `clamp(a, min)`.
 *
 * @example
 * torch.clampMin(torch.tensor([-1, 2]), 0); // tensor([0., 2.])
 */
export function clampMin(a: Tensor, min: number | Tensor): Tensor {
  return clamp(a, min, null);
}

/** `min(a, max)` elementwise (PyTorch's clamp_max): `clamp(a, null, max)`. */
export function clampMax(a: Tensor, max: number | Tensor): Tensor {
  return clamp(a, null, max);
}

/** `clamp` under NumPy's name. */
export function clip(a: Tensor, min: number | Tensor | ClampBounds | null = null, max: number | Tensor | null = null): Tensor {
  return clamp(a, min, max);
}

/** `{ mantissa, exponent }` of `frexp`. */
export interface FrexpResult extends Iterable<Tensor> {
  mantissa: Tensor;
  exponent: Tensor;
}

/**
 * Splits each float into `mantissa * 2 ** exponent`, with 0.5 <= |mantissa| < 1
 * (the mantissa in the input's dtype, the exponent int32); the gradient flows
 * through the mantissa.
 *
 * @example
 * torch.frexp(torch.tensor([8, 0.75])); // mantissa [0.5, 0.75], exponent [4, 0]
 */
export function frexp(input: Tensor): FrexpResult {
  if (!isFloating(input.dtype)) throw new Error(`torch.frexp() only supports floating-point dtypes (got ${scalarTypeName(input.dtype)})`);
  const exponent = mapUnary(input, "int32", (x) => S.frexp(x)[1]);
  const mantissa = mapUnary(input, input.dtype, (x) => S.frexp(x)[0]);
  // grad / 2^exponent
  if (needsGrad(input)) record("FrexpBackward0", [input], mantissa, ([g], [e]) => [div(g!, exp2(e!))], [exponent]);
  return namedTuple({ mantissa, exponent });
}

/**
 * `input * 2 ** other` (a float result), as torch.ldexp: composed as PyTorch's,
 * so the gradient is that of the product.
 *
 * @example
 * torch.ldexp(torch.tensor([1]), torch.tensor([3], { dtype: "int32" })); // tensor([8.])
 */
export function ldexp(input: Tensor, other: Tensor): Tensor {
  return mul(input, exp2(other));
}

/**
 * `log2(2 ** a + 2 ** b)` without overflow. Both operands are taken in their
 * promoted dtype first (an int32 tensor beside a float64 one is read as
 * float64); integer and bool results have no kernel in PyTorch, so they
 * throw its error.
 *
 * @example
 * torch.logaddexp2(torch.tensor([1]), torch.tensor([1])); // tensor([2.])
 */
export function logaddexp2(a: Tensor, b: Operand): Tensor {
  const dtype = resultType(a, b);
  if (!isFloating(dtype)) throw new Error(`"logaddexp2_cpu" not implemented for '${scalarTypeName(dtype)}'`);
  const other = typeof b === "number" ? full([], b, { dtype }) : toDtype(b, dtype);
  return div(logaddexp(mul(toDtype(a, dtype), Math.LN2), mul(other, Math.LN2)), Math.LN2);
}

/**
 * `input` itself, as torch.positive (PyTorch refuses bool tensors).
 *
 * @example
 * torch.positive(x) === x; // true
 */
export function positive(input: Tensor): Tensor {
  if (input.dtype === "bool") throw new Error("The `+` operator, on a bool tensor is not supported.");
  return input;
}
