import { nonzero } from "./selection.js";
import { clampTensor } from "./clamp-tensor.js";
import { full } from "./factories.js";
import { type BinaryOp, isComparison, type Strided, type UnaryOp } from "../backend/backend.js";
import { allocate, type DType, defaultFloatDtype, isFloating, promoteTypes, promoteWithScalar, scalarTypeName, toFloating } from "../tensor/dtype.js";
import { isContiguous, numel, sameShape } from "../tensor/layout.js";
import type { Tensor } from "../tensor/tensor.js";
import { broadcastShapes, broadcastView, castData, emptyUninitialized, kernels, needsGrad, record } from "./core.js";

/** A tensor or a JS number, as PyTorch's binary ops accept. */
export type Operand = Tensor | number;

const CATEGORY: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 2 };

/** PyTorch's result type: 0-d tensors and numbers only decide the category, not the precision. */
export function resultType(a: Operand, b: Operand): DType {
  if (typeof a === "number") return typeof b === "number" ? (Number.isInteger(a) && Number.isInteger(b) ? "int32" : defaultFloatDtype()) : promoteWithScalar(b.dtype, a);
  if (typeof b === "number") return promoteWithScalar(a.dtype, b);
  const aDim = a.shape.length > 0, bDim = b.shape.length > 0;
  if (aDim !== bDim) {
    const [dimmed, scalar] = aDim ? [a, b] : [b, a];
    if (CATEGORY[scalar.dtype] <= CATEGORY[dimmed.dtype]) return dimmed.dtype;
    // a 0-d tensor of a higher category keeps its own dtype (int32 + 0-d float64 is float64); only numbers give the default float
    return scalar.dtype;
  }
  return promoteTypes(a.dtype, b.dtype);
}

/** A 0-d operand holding `value` as `dtype`. */
export function scalarStrided(value: number, dtype: DType): Strided {
  const data = allocate(dtype, 1);
  data[0] = value;
  return { data, shape: [], strides: [], offset: 0 };
}

function asDtype(t: Tensor, dtype: DType): Strided {
  return t.dtype === dtype ? t : castData(t, dtype);
}

/** Arithmetic on two bools stays bool in PyTorch: add/maximum act as or, mul/minimum as and. */
const BOOL_ARITHMETIC: Partial<Record<BinaryOp, BinaryOp>> = { add: "or", maximum: "or", mul: "and", minimum: "and" };

/** Elements up to which small float arithmetic runs right here (below any backend's cut-over to native code). */
const INLINE_MAX = 64;

/** A number operand, held as the one element of a stride-0 operand (reused: the loops below call nothing). */
const numberA = new Float64Array(1), numberB = new Float64Array(1);

/** An operand as [data, offset, step]: a dense tensor's own, or a number put in `cell` (as float32 when asked) with step 0. */
function operandOf(v: Operand, cell: Float64Array, f32: boolean): [Tensor["data"], number, number] {
  if (typeof v !== "number") return [v.data, v.offset, 1];
  cell[0] = f32 ? Math.fround(v) : v;
  return [cell, 0, 0];
}

/**
 * add/sub/mul/div on small dense float tensors, as a plain loop: two
 * tensors of one shape and dtype, or a tensor and a number. At a few
 * elements, type promotion, broadcasting and backend dispatch cost several
 * times the arithmetic. The values are the kernels': JS doubles stored by
 * the typed array, a number first rounded to the tensor's dtype (a float32
 * 0-d operand). Null where the general path must run.
 */
function inlineArithmetic(op: BinaryOp, a: Operand, b: Operand): Tensor | null {
  if (op !== "add" && op !== "sub" && op !== "mul" && op !== "div") return null;
  const t = typeof a === "number" ? b : a;
  if (typeof t === "number") return null;
  const dtype = t.dtype;
  if (dtype !== "float32" && dtype !== "float64") return null;
  const n = numel(t.shape);
  if (n > INLINE_MAX || !isContiguous(t)) return null;
  if (typeof a !== "number" && typeof b !== "number" && (b.dtype !== dtype || !sameShape(a.shape, b.shape) || !isContiguous(b))) {
    return null;
  }
  const f32 = dtype === "float32";
  const [x, ao, as] = operandOf(a, numberA, f32), [y, bo, bs] = operandOf(b, numberB, f32);
  const out = emptyUninitialized(t.shape, dtype);
  const o = out.data;
  switch (op) {
    case "add": for (let i = 0; i < n; i++) o[i] = x[ao + i * as]! + y[bo + i * bs]!; break;
    case "sub": for (let i = 0; i < n; i++) o[i] = x[ao + i * as]! - y[bo + i * bs]!; break;
    case "mul": for (let i = 0; i < n; i++) o[i] = x[ao + i * as]! * y[bo + i * bs]!; break;
    default: for (let i = 0; i < n; i++) o[i] = x[ao + i * as]! / y[bo + i * bs]!;
  }
  return out;
}

/** Runs a binary kernel with broadcasting and type promotion; no autograd. */
/**
 * A JS boolean operand (plain JS callers: `x.add(true)`) as PyTorch takes a
 * Python bool: a 0-d bool tensor, which promotes like a scalar of the lowest
 * category (float + true is float, bool + true stays bool).
 */
function boolOperand(x: Operand | boolean): Operand {
  return typeof x === "boolean" ? full([], x ? 1 : 0, { dtype: "bool" }) : x;
}

export function binaryData(op: BinaryOp, a: Operand, b: Operand, name: string, computeIn?: DType): Tensor {
  const first = typeof a === "number" ? b : a;
  if (typeof first !== "number" && (computeIn === undefined || computeIn === first.dtype)) {
    const out = inlineArithmetic(op, a, b);
    if (out !== null) return out;
  }
  let dtype = computeIn ?? resultType(a, b);
  if (dtype === "bool" && !isComparison(op)) {
    const logical = BOOL_ARITHMETIC[op];
    if (logical) return binaryData(logical, a, b, name);
    if (op === "sub") {
      throw new Error(`Subtraction, the \`-\` operator, with two bool tensors is not supported. Use the \`^\` or \`logical_xor()\` operator instead. (${name})`);
    }
    dtype = "int32";
  }
  const aShape = typeof a === "number" ? [] : a.shape;
  const bShape = typeof b === "number" ? [] : b.shape;
  const shape = broadcastShapes(aShape, bShape, name);
  const out = emptyUninitialized(shape, isComparison(op) ? "bool" : dtype);
  const sa = typeof a === "number" ? scalarStrided(a, dtype) : asDtype(a, dtype);
  const sb = typeof b === "number" ? scalarStrided(b, dtype) : asDtype(b, dtype);
  kernels().binary(op, out, broadcastView(sa, shape), broadcastView(sb, shape));
  return out;
}

/** Runs a unary kernel, computing in float for float-only ops; no autograd. */
export function unaryData(op: UnaryOp, a: Tensor, keepIntegers = false): Tensor {
  const dtype = keepIntegers ? a.dtype : toFloating(a.dtype);
  const out = emptyUninitialized(a.shape, op === "isnan" || op === "not" ? "bool" : dtype);
  kernels().unary(op, out, asDtype(a, dtype));
  return out;
}

const t = (x: Operand): Tensor | null => (typeof x === "number" ? null : x);

/** `b * alpha` for add / sub's alpha (a number stays a number), with PyTorch's check on integer inputs. */
function scaledByAlpha(a: Operand, b: Operand, alpha: number, op: string): Operand {
  if (!Number.isInteger(alpha) && !isFloating(resultType(a, b))) {
    throw new Error(`For integral input tensors, argument alpha must not be a floating point number. (${op}: alpha ${alpha})`);
  }
  if (typeof b !== "number") return mul(b, alpha);
  // a fractional number makes an integer tensor's result floating even when alpha times it is whole
  // (bool + (-2.5) * 2 is float32 in PyTorch, not int32): the product goes in as a 0-d tensor of that type
  const dtype = resultType(a, b), scaled = b * alpha;
  if (typeof a !== "number" && isFloating(dtype) && !isFloating(a.dtype) && Number.isInteger(scaled)) return full([], scaled, { dtype });
  return scaled;
}

export function add(a: Operand, b: Operand, options: { alpha?: number } = {}): Tensor {
  if (typeof b === "boolean" || typeof a === "boolean") return add(boolOperand(a), boolOperand(b), options);
  const alpha = options.alpha ?? 1;
  // two bools add in bool, alpha cast to bool (any nonzero alpha is true), as PyTorch's add kernel: not scaled into int32
  if (alpha !== 1 && resultType(a, b) === "bool") return add(a, alpha === 0 ? full((b as Tensor).shape, false, { dtype: "bool" }) : b);
  if (alpha !== 1) return add(a, scaledByAlpha(a, b, alpha, "add"));
  const out = binaryData("add", a, b, "add");
  if (needsGrad(typeof a === "number" ? (b as Tensor) : a, t(b))) {
    // a number operand is an input with no edge, like PyTorch's wrapped scalar: next_functions [.., (None, 0)]
    const ins = typeof a === "number" ? [t(b), null] : [a, t(b)];
    record("AddBackward0", ins, out, ([g]) => [g!, g!]);
  }
  return out;
}

/** PyTorch refuses subtraction with one bool tensor operand (two bools get their own message, in binaryData). */
function checkBoolSubtraction(a: Operand, b: Operand, name: string): void {
  const isBool = (x: Operand) => typeof x !== "number" && x.dtype === "bool";
  if (isBool(a) !== isBool(b)) {
    throw new Error(`Subtraction, the \`-\` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the \`~\` or \`logical_not()\` operator instead. (${name})`);
  }
}

export function sub(a: Operand, b: Operand, options: { alpha?: number } = {}): Tensor {
  if (typeof b === "boolean" || typeof a === "boolean") return sub(boolOperand(a), boolOperand(b), options);
  checkBoolSubtraction(a, b, "sub");
  const alpha = options.alpha ?? 1;
  if (alpha !== 1 && typeof a !== "number" && typeof b !== "number" && a.dtype === "bool" && b.dtype === "bool") {
    // the bool rule comes before alpha's (which would scale b into a number tensor first)
    throw new Error("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead. (sub)");
  }
  if (alpha !== 1) return sub(a, scaledByAlpha(a, b, alpha, "sub"));
  if (typeof a === "number") return rsub(b as Tensor, a);
  const out = binaryData("sub", a, b, "sub");
  // closures capture shapes and flags, never tensors: a node must hold only what it saves
  const bIsTensor = typeof b !== "number";
  if (needsGrad(a, t(b))) record("SubBackward0", [a, t(b)], out, ([g]) => [g!, bIsTensor ? neg(g!) : null]);
  return out;
}

/** `other - a` for a number `other` (PyTorch's rsub). */
export function rsub(a: Tensor, other: number): Tensor {
  checkBoolSubtraction(a, other, "rsub");
  const out = binaryData("sub", other, a, "rsub");
  if (needsGrad(a)) record("RsubBackward1", [a], out, ([g]) => [neg(g!)]);
  return out;
}

export function mul(a: Operand, b: Operand): Tensor {
  if (typeof b === "boolean" || typeof a === "boolean") return mul(boolOperand(a), boolOperand(b));
  if (typeof a === "number") return mul(b, a);
  const out = binaryData("mul", a, b, "mul");
  if (typeof b === "number") {
    if (needsGrad(a)) record("MulBackward0", [a, null], out, ([g]) => [mul(g!, b), null]);
  } else if (needsGrad(a, b)) {
    // save b only when a needs a gradient, and a only when b does
    const ga = a._requiresGrad, gb = b._requiresGrad;
    const saved = [ga ? b : null, gb ? a : null];
    record("MulBackward0", [a, b], out, ([g], s) => {
      let k = 0;
      const bs = ga ? s[k++]! : null, as = gb ? s[k++]! : null;
      return [bs ? mul(g!, bs) : null, as ? mul(g!, as) : null];
    }, saved.filter((x): x is Tensor => x !== null));
  }
  return out;
}

/** Integer division by zero has no result: PyTorch raises, where floats give NaN. */
export function checkIntegerDivisor(op: string, a: Operand, b: Operand): void {
  const ints = (x: Operand) => (typeof x === "number" ? Number.isInteger(x) : !isFloating(x.dtype));
  if (!ints(a) || !ints(b)) return;
  // PyTorch's kernel checks each element it computes: an empty result divides nothing
  if (numel(broadcastShapes(typeof a === "number" ? [] : a.shape, typeof b === "number" ? [] : b.shape, op)) === 0) return;
  const zero = typeof b === "number" ? b === 0 : eq(b, 0).toArray().some((v) => v !== 0);
  if (zero) throw new Error(`ZeroDivisionError (${op}: integer division by zero)`);
}

export function div(a: Operand, b: Operand, options: { roundingMode?: "trunc" | "floor" } = {}): Tensor {
  if (typeof b === "boolean" || typeof a === "boolean") return div(boolOperand(a), boolOperand(b), options);
  const floatType = (x: Operand) => (typeof x === "number" ? defaultFloatDtype() : toFloating(x.dtype));
  const dtype = resultType(a, b);
  const computeIn = isFloating(dtype) ? dtype : typeof a === "number" ? floatType(b) : floatType(a);
  if (options.roundingMode !== undefined) {
    // PyTorch has no rounding division kernel for bool (true division of bools is float)
    if (dtype === "bool") throw new Error(`"div_${options.roundingMode}_cpu" not implemented for 'Bool'`);
    checkIntegerDivisor("div", a, b);
    // floor: Python's //, from fmod as PyTorch's div_floor (1 // 0.1 is 9, 1 // -inf is -1)
    const floor = options.roundingMode === "floor";
    // an integer quotient is computed in double, where every int32 quotient rounds to the right integer (float32 loses digits past 2^24)
    const q = binaryData(floor ? "div_floor" : "div", a, b, "div", isFloating(dtype) ? computeIn : "float64");
    const r = floor ? q : unaryData("trunc", q, true);
    const out = isFloating(dtype) ? r : castData(r, dtype);
    // a step function: the result takes part in the graph with zero gradients (zeros even for an infinite g, as PyTorch's)
    const ta = t(a), tb = t(b);
    if (ta !== null ? needsGrad(ta, tb) : tb !== null && needsGrad(tb)) {
      const ga = ta !== null, gb = tb !== null; // (the closure must not mention the tensors)
      record("DivBackward2", [ta, tb], out, ([g]) => [ga ? zeroGrad(g!) : null, gb ? zeroGrad(g!) : null]);
    }
    return out;
  }
  // PyTorch differentiates number / tensor as reciprocal(tensor) * number (MulBackward0 <- ReciprocalBackward0)
  if (typeof a === "number" && needsGrad(b as Tensor)) return mul(reciprocal(b as Tensor), a);
  const out = binaryData("div", a, b, "div", computeIn);
  if (typeof a === "number") return out;
  if (typeof b === "number") {
    if (needsGrad(a)) record("DivBackward0", [a, null], out, ([g]) => [div(g!, b), null]);
  } else if (needsGrad(a, b)) {
    // b is always needed; a only for b's gradient
    const ga = a._requiresGrad, gb = b._requiresGrad;
    record("DivBackward0", [a, b], out, ([g], [bs, as]) => [
      ga ? div(g!, bs!) : null,
      gb ? neg(div(mul(g!, as!), mul(bs!, bs!))) : null,
    ], gb ? [b, a] : [b]);
  }
  return out;
}

export function pow(a: Operand, b: Operand): Tensor {
  if (typeof b === "boolean" || typeof a === "boolean") return pow(boolOperand(a), boolOperand(b));
  // bool to a bool power has no kernel in PyTorch; a number exponent promotes to int first
  if (resultType(a, b) === "bool") throw new Error(`"pow" not implemented for 'Bool'`);
  if (typeof a === "number") {
    const bt = b as Tensor;
    const out = binaryData("pow", a, bt, "pow");
    if (needsGrad(bt)) {
      // PyTorch's pow_backward_exponent: a zero base gives 0 where the exponent is >= 0 (not 0 · -inf)
      record("PowBackward2", [bt], out, ([g], [r, bs]) => [
        a === 0 ? mul(g!, where(ge(bs!, 0), 0, mul(r!, -Infinity))) : mul(mul(g!, r!), Math.log(a)),
      ], [out, bt]);
    }
    return out;
  }
  if (typeof b === "number") {
    if (Number.isInteger(b) && b < 0 && !isFloating(resultType(a, b))) {
      throw new Error(`Integers to negative integer powers are not allowed. (pow: ${a.dtype} tensor of shape [${a.shape.join(", ")}] to the power ${b})`);
    }
    // x^2 and x^1 as products (PyTorch's pow special-cases them too): the same values, without a libm pow per element
    // and x^0.5 and x^-0.5 as a square root and its reciprocal, as PyTorch's pow kernel does (so -0 gives -0 and -inf NaN
    // there, as here); the node stays pow's
    const out = (b === 2 || b === 1) && isFloating(a.dtype) ? binaryData("mul", a, b === 2 ? a : 1, "pow")
      : (b === 0.5 || b === -0.5) && isFloating(a.dtype) ? (b > 0 ? unaryData("sqrt", a) : binaryData("div", 1, unaryData("sqrt", a), "pow"))
        : binaryData("pow", a, b, "pow");
    if (needsGrad(a)) {
      record("PowBackward0", [a], out, ([g], [as]) => [b === 0 ? zeroGrad(g!) : mul(mul(g!, b), pow(as!, b - 1))], [a]);
    }
    return out;
  }
  const out = binaryData("pow", a, b, "pow");
  if (needsGrad(a, b)) {
    const needA = a._requiresGrad, needB = b._requiresGrad;
    record("PowBackward1", [a, b], out, ([g], [as, bs, r]) => {
      const ga = needA
        ? where(eq(bs!, 0), 0, mul(mul(g!, bs!), pow(as!, sub(bs!, 1))))
        : null;
      // d/db a^b = a^b log a, taken as 0 where a == 0 and b >= 0 (PyTorch's convention)
      const gb = needB
        ? where(logicalAnd(eq(as!, 0), ge(bs!, 0)), 0, mul(mul(g!, r!), log(as!)))
        : null;
      return [ga, gb];
    }, [a, b, out]);
  }
  return out;
}

/** A float unary op whose backward needs either its input or its output (saved, and passed as `s`). */
function unaryWithGrad(op: UnaryOp, name: string, backward: (g: Tensor, s: Tensor) => Tensor, save: "input" | "output") {
  return (a: Tensor): Tensor => {
    const out = unaryData(op, a);
    if (needsGrad(a)) record(name, [a], out, ([g], [s]) => [backward(g!, s!)], [save === "input" ? a : out]);
    return out;
  };
}

export function neg(a: Tensor): Tensor {
  if (a.dtype === "bool") {
    throw new Error("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.");
  }
  const out = unaryData("neg", a, true);
  if (needsGrad(a)) record("NegBackward0", [a], out, ([g]) => [neg(g!)]);
  return out;
}

export const exp = unaryWithGrad("exp", "ExpBackward0", (g, r) => mul(g, r), "output");
export const log = unaryWithGrad("log", "LogBackward0", (g, x) => div(g, x), "input");
export const sqrt = unaryWithGrad("sqrt", "SqrtBackward0", (g, r) => div(g, mul(r, 2)), "output");
export const sin = unaryWithGrad("sin", "SinBackward0", (g, x) => mul(g, cos(x)), "input");
export const cos = unaryWithGrad("cos", "CosBackward0", (g, x) => neg(mul(g, sin(x))), "input");
export const tanh = unaryWithGrad("tanh", "TanhBackward0", (g, r) => mul(g, rsub(mul(r, r), 1)), "output");
export const sigmoid = unaryWithGrad("sigmoid", "SigmoidBackward0", (g, r) => mul(g, mul(r, rsub(r, 1))), "output");
export const log1p = unaryWithGrad("log1p", "Log1PBackward0", (g, x) => div(g, add(x, 1)), "input");
export const expm1 = unaryWithGrad("expm1", "Expm1Backward0", (g, r) => mul(g, add(r, 1)), "output");
export const erf = unaryWithGrad("erf", "ErfBackward0", (g, x) => mul(g, mul(exp(neg(mul(x, x))), 2 / Math.sqrt(Math.PI))), "input");
export const reciprocal = unaryWithGrad("reciprocal", "ReciprocalBackward0", (g, r) => neg(mul(g, mul(r, r))), "output");

/** PyTorch has no bool kernel for abs and the rounding ops: `"<kernel>" not implemented for 'Bool'`. */
function refuseBool(a: Tensor, kernel: string): void {
  if (a.dtype === "bool") throw new Error(`"${kernel}" not implemented for 'Bool'`);
}

export function abs(a: Tensor): Tensor {
  refuseBool(a, "abs_cpu");
  const out = unaryData("abs", a, true);
  // d|x| = sgn(x) with PyTorch's sgn: 0 at 0 and at NaN; a product, as PyTorch's grad · sgn(x), so a NaN gradient stays NaN there
  if (needsGrad(a)) record("AbsBackward0", [a], out, ([g], [x]) => [mul(g!, sign(x!))], [a]);
  return out;
}

/**
 * A step function's gradient: zeros shaped as `g` (PyTorch's zeros_like(grad)),
 * not g · 0, which would turn an infinite or NaN incoming gradient into NaN.
 */
export function zeroGrad(g: Tensor): Tensor {
  return full(g.shape, 0, { dtype: g.dtype });
}

/** sign(x): -1, 0 or 1 (0 for NaN, as PyTorch's CPU kernel); its gradient is zero. */
export function sign(a: Tensor): Tensor {
  const out = unaryData("sign", a, true);
  // zeros, not g · 0 (PyTorch's zeros_like): a NaN or infinite g must not come through as NaN (lp_pool's gradient at an all-zero window)
  if (needsGrad(a)) record("SignBackward0", [a], out, ([g]) => [zeroGrad(g!)]);
  return out;
}

export function relu(a: Tensor): Tensor {
  if (a.dtype === "bool") throw new Error("Boolean inputs not supported for relu");
  const out = unaryData("relu", a, true);
  if (needsGrad(a)) record("ReluBackward0", [a], out, ([g], [r]) => [thresholdBackward(g!, r!)], [out]);
  return out;
}

/**
 * PyTorch's threshold_backward at 0, ReLU's gradient in one kernel: zero where
 * the result `r` is <= 0 (so at 0 too), `g` elsewhere (NaN included). Its own
 * gradient (double backward) goes to `g` by the same rule; `r` gets none.
 */
export function thresholdBackward(g: Tensor, r: Tensor): Tensor {
  const out = binaryData("threshold_backward", g, r, "threshold_backward");
  // (zeros to r, as PyTorch's zeros_like(grad), not nothing: a leaf under it gets a zero .grad from a double backward)
  const rNeedsGrad = r._requiresGrad;
  if (needsGrad(g, r)) record("ThresholdBackwardBackward0", [g, r], out, ([gg], [rs]) => [thresholdBackward(gg!, rs!), rNeedsGrad ? zeroGrad(gg!) : null], [r]);
  return out;
}

function roundingOp(op: UnaryOp, name: string) {
  return (a: Tensor): Tensor => {
    refuseBool(a, `${op}_vml_cpu`);
    const out = unaryData(op, a, true);
    if (needsGrad(a)) record(name, [a], out, ([g]) => [zeroGrad(g!)]);
    return out;
  };
}
export const floor = roundingOp("floor", "FloorBackward0");
export const ceil = roundingOp("ceil", "CeilBackward0");
export const round = roundingOp("round", "RoundBackward0");

/** The bounds of `clamp(x, { min, max })`, PyTorch's `clamp(x, min=..., max=...)`. */
export interface ClampBounds {
  min?: number | Tensor | null;
  max?: number | Tensor | null;
}

/** A bounds object, not a bound: a tensor has a shape, the object does not. */
function isClampBounds(x: number | Tensor | ClampBounds | null): x is ClampBounds {
  return x !== null && typeof x === "object" && !("shape" in x);
}

/** `[min, max]` from either calling form of clamp and its siblings: two bounds, or one object naming them. */
export function clampBounds(min: number | Tensor | ClampBounds | null, max: number | Tensor | null): [number | Tensor | null, number | Tensor | null] {
  return isClampBounds(min) ? [min.min ?? null, min.max ?? null] : [min, max];
}

/** Clamps into [min, max]; either bound may be omitted (null), or both given by name. */
export function clamp(a: Tensor, min: number | Tensor | ClampBounds | null = null, max: number | Tensor | null = null): Tensor {
  if (isClampBounds(min)) return clamp(a, ...clampBounds(min, max));
  if (min === null && max === null) throw new Error("torch.clamp: At least one of 'min' or 'max' must not be None");
  if ((min !== null && typeof min === "object") || (max !== null && typeof max === "object")) return clampTensor(a, asBound(min, a), asBound(max, a));
  const lo = min ?? -Infinity, hi = max ?? Infinity;
  // a NaN bound makes every element NaN, as PyTorch's clamp (its gradient is zero: no element lies inside)
  if (Number.isNaN(lo) || Number.isNaN(hi)) return clampTensor(a, asBound(min, a), asBound(max, a));
  // each given bound promotes as a scalar operand: bool with an int becomes int32 (PyTorch: int64), an integer
  // tensor with a fraction or an infinity (Python floats both) becomes float32
  const dtype = [min, max].reduce<DType>((d, v) => (v === null ? d : promoteWithScalar(d, v)), a.dtype);
  const out = emptyUninitialized(a.shape, dtype);
  // min(max(x, lo), hi): with lo > hi every value becomes hi, as in PyTorch (kernels test lo first)
  kernels().clamp(out, asDtype(a, dtype), Math.min(lo, hi), hi);
  if (needsGrad(a)) {
    // gradient passes where min <= x <= max, boundaries included; PyTorch names every scalar clamp ClampBackward1
    record("ClampBackward1", [a], out, ([g], [x]) => [where(logicalAnd(ge(x!, lo), le(x!, hi)), g!, 0)], [a]);
  }
  return out;
}

/** A clamp bound as a tensor: a number becomes a 0-d tensor (float when `a` is, or when it is not an integer). */
function asBound(v: number | Tensor | null, a: Tensor): Tensor | null {
  if (v === null || typeof v === "object") return v;
  return full([], v, { dtype: Number.isInteger(v) || isFloating(a.dtype) ? a.dtype : defaultFloatDtype() });
}

export function maximum(a: Tensor, b: Tensor): Tensor {
  return extremum("maximum", "MaximumBackward0", a, b);
}

export function minimum(a: Tensor, b: Tensor): Tensor {
  return extremum("minimum", "MinimumBackward0", a, b);
}

function extremum(op: "maximum" | "minimum", name: string, a: Tensor, b: Tensor): Tensor {
  const out = binaryData(op, a, b, op);
  if (needsGrad(a, b)) {
    // ties split the gradient in half, as PyTorch 2.x
    const loses = op === "maximum" ? lt : gt;
    const ga = a._requiresGrad, gb = b._requiresGrad;
    record(name, [a, b], out, ([g], [as, bs]) => {
      const half = where(eq(as!, bs!), div(g!, 2), g!);
      return [ga ? where(loses(as!, bs!), 0, half) : null, gb ? where(loses(bs!, as!), 0, half) : null];
    }, [a, b]);
  }
  return out;
}

function comparison(op: BinaryOp) {
  return (a: Tensor, b: Operand): Tensor => binaryData(op, a, boolOperand(b), op);
}
export const eq = comparison("eq");
export const ne = comparison("ne");
export const lt = comparison("lt");
export const le = comparison("le");
export const gt = comparison("gt");
export const ge = comparison("ge");
export const logicalAnd = comparison("and");
export const logicalOr = comparison("or");

export function logicalNot(a: Tensor): Tensor {
  return unaryData("not", a, true);
}

export function isnan(a: Tensor): Tensor {
  return unaryData("isnan", a, true);
}

/** Elementwise `cond ? a : b` with broadcasting; gradients flow to the chosen side. */
/** With one argument, `nonzero(cond, { asTuple: true })`, as PyTorch's one-argument where. */
export function where(cond: Tensor): Tensor[];
export function where(cond: Tensor, a: Operand, b: Operand): Tensor;
export function where(cond: Tensor, a?: Operand, b?: Operand): Tensor | Tensor[] {
  if (a === undefined && b === undefined) return nonzero(cond, { asTuple: true });
  if (a === undefined || b === undefined) throw new Error("where() takes a condition alone, or a condition and two operands");
  if (typeof a === "boolean" || typeof b === "boolean") return where(cond, boolOperand(a), boolOperand(b));
  if (cond.dtype !== "bool") throw new Error(`where expected condition to be a boolean tensor, but got a tensor with dtype ${scalarTypeName(cond.dtype)}`);
  const dtype = resultType(a, b);
  const aShape = typeof a === "number" ? [] : a.shape, bShape = typeof b === "number" ? [] : b.shape;
  const shape = broadcastShapes(broadcastShapes(cond.shape, aShape, "where"), bShape, "where");
  const out = emptyUninitialized(shape, dtype);
  const sa = typeof a === "number" ? scalarStrided(a, dtype) : asDtype(a, dtype);
  const sb = typeof b === "number" ? scalarStrided(b, dtype) : asDtype(b, dtype);
  kernels().where(out, broadcastView(cond, shape), broadcastView(sa, shape), broadcastView(sb, shape));
  const ta = t(a), tb = t(b);
  if ((ta || tb) && needsGrad(ta ?? tb!, tb)) {
    const ga = ta?._requiresGrad ?? false, gb = tb?._requiresGrad ?? false;
    record("WhereBackward0", [ta, tb], out, ([g], [c]) => [ga ? where(c!, g!, 0) : null, gb ? where(c!, 0, g!) : null], [cond]);
  }
  return out;
}

/** The same values in `dtype` (a copy unless already that dtype, or `copy`); differentiable between float dtypes. */
export function toDtype(a: Tensor, dtype: DType, copy = false): Tensor {
  if (a.dtype === dtype && !copy) return a;
  const out = castData(a, dtype);
  const from = a.dtype;
  if (isFloating(dtype) && needsGrad(a)) record("ToCopyBackward0", [a], out, ([g]) => [toDtype(g!, from)]);
  return out;
}

/** `a ** 2`, as PyTorch's square (its node is PowBackward0; a bool tensor squares as integers). */
export function square(a: Tensor): Tensor {
  return pow(a.dtype === "bool" ? toDtype(a, "int32") : a, 2);
}

/** `1 / sqrt(a)`. */
export function rsqrt(a: Tensor): Tensor {
  return reciprocal(sqrt(a));
}

export interface CloseOptions {
  rtol?: number;
  atol?: number;
  /** Count NaN as equal to NaN. */
  equalNan?: boolean;
}

/**
 * Where `|a - b| <= atol + rtol·|b|` (equal infinities count; NaN only with
 * `equalNan`); bool, broadcast.
 *
 * @example
 * torch.isclose(torch.tensor([1, 2]), torch.tensor([1, 2.1])); // [true, false]
 */
export function isclose(a: Tensor, b: Tensor, options: CloseOptions = {}): Tensor {
  const rtol = options.rtol ?? 1e-5, atol = options.atol ?? 1e-8;
  if (rtol < 0 || atol < 0) throw new Error(`isclose: rtol and atol must be non-negative, got rtol=${rtol} and atol=${atol}`);
  const close = logicalOr(eq(a, b), le(abs(sub(a, b)), add(mul(abs(b), rtol), atol)));
  return options.equalNan ?? false ? logicalOr(close, logicalAnd(isnan(a), isnan(b))) : close;
}

/**
 * Whether every element of `a` is close to `b`'s (see `isclose`).
 *
 * @example
 * torch.allclose(model(x), expected, { atol: 1e-6 }); // true or false
 */
export function allclose(a: Tensor, b: Tensor, options: CloseOptions = {}): boolean {
  return isclose(a, b, options).toArray().every((v) => v !== 0);
}

/** Whether two tensors have the same shape and the same values (NaN is never equal), as torch.equal. */
export function equal(a: Tensor, b: Tensor): boolean {
  return sameShape(a.shape, b.shape) && eq(a, b).toArray().every((v) => v !== 0);
}
