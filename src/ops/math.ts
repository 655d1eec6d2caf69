/**
 * The rest of PyTorch's pointwise math: logarithms in other bases, hyperbolic
 * and inverse trigonometric functions, truncation, the division remainders,
 * atan2 / hypot / logaddexp / xlogy, lerp and the addc* updates, and the
 * finiteness tests. Gradients follow tools/autograd/derivatives.yaml.
 */
import type { UnaryOp } from "../backend/backend.js";
import { isFloating, scalarTypeName, toFloating } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { needsGrad, record } from "./core.js";
import {
  abs, add, binaryData, checkIntegerDivisor, clamp, div, eq, exp, gt, isnan, le, log, logicalAnd, logicalNot, logicalOr, lt, mul, ne, neg, resultType, rsqrt, sign, square, sub, unaryData, where, zeroGrad,
  type Operand,
} from "./elementwise.js";
import { full } from "./factories.js";
import { sumToShape } from "./views.js";

/** A float unary op whose gradient is `g * slope(x)`. */
function unaryMath(op: UnaryOp, name: string, slope: (x: Tensor) => Tensor) {
  return (a: Tensor): Tensor => {
    const out = unaryData(op, a);
    if (needsGrad(a)) record(name, [a], out, ([g], [x]) => [mul(g!, slope(x!))], [a]);
    return out;
  };
}

const oneMinusSquare = (x: Tensor) => add(neg(mul(x, x)), 1);
const squarePlusOne = (x: Tensor) => add(mul(x, x), 1);

export const log2 = unaryMath("log2", "Log2Backward0", (x) => div(1 / Math.LN2, x));
export const log10 = unaryMath("log10", "Log10Backward0", (x) => div(1 / Math.LN10, x));
export const sinh = unaryMath("sinh", "SinhBackward0", (x) => cosh(x));
export const cosh = unaryMath("cosh", "CoshBackward0", (x) => sinh(x));
export const asin = unaryMath("asin", "AsinBackward0", (x) => rsqrt(oneMinusSquare(x)));
export const acos = unaryMath("acos", "AcosBackward0", (x) => neg(rsqrt(oneMinusSquare(x))));
export const atan = unaryMath("atan", "AtanBackward0", (x) => div(1, squarePlusOne(x)));
export const asinh = unaryMath("asinh", "AsinhBackward0", (x) => rsqrt(squarePlusOne(x)));
export const acosh = unaryMath("acosh", "AcoshBackward0", (x) => rsqrt(add(mul(x, x), -1)));
export const atanh = unaryMath("atanh", "AtanhBackward0", (x) => div(1, oneMinusSquare(x)));
/** The inverse error function on (-1, 1). */
export const erfinv = unaryMath("erfinv", "ErfinvBackward0", (x) => mul(exp(square(erfinv(x))), Math.sqrt(Math.PI) / 2));

/** Rounds toward zero (integers stay integers); its gradient is zero. */
export function trunc(a: Tensor): Tensor {
  if (a.dtype === "bool") throw new Error(`"trunc_vml_cpu" not implemented for 'Bool'`);
  const out = unaryData("trunc", a, true);
  if (needsGrad(a)) record("TruncBackward0", [a], out, ([g]) => [zeroGrad(g!)]);
  return out;
}

/** `x - trunc(x)`, with the sign of x; its gradient is 1. */
export function frac(a: Tensor): Tensor {
  if (!isFloating(a.dtype)) throw new Error(`"frac_cpu" not implemented for '${a.dtype === "bool" ? "Bool" : "Int"}' (frac)`);
  const out = binaryData("sub", a, unaryData("trunc", a, true), "frac");
  if (needsGrad(a)) record("FracBackward0", [a], out, ([g]) => [g!]);
  return out;
}

/** Whether each element is ±Infinity; bool (never true for integers). */
export function isinf(a: Tensor): Tensor {
  return isFloating(a.dtype) ? eq(unaryData("abs", a, true), Infinity) : ne(a, a);
}

/** Whether each element is finite (not NaN or ±Infinity); bool. */
export function isfinite(a: Tensor): Tensor {
  return isFloating(a.dtype) ? logicalNot(logicalOr(isnan(a), isinf(a))) : eq(a, a);
}

/**
 * The gradient of a division remainder `a - q(a / b) * b` with respect to b: `-g * q(a / b)`. A number divisor is
 * PyTorch's `.Scalar` overload: node `<Name>Backward0`, nothing saved; a tensor one is `.Tensor`, `<Name>Backward1`.
 */
function remainderOp(op: "fmod" | "remainder", name: string, rounding: "trunc" | "floor") {
  return (a: Tensor, b: Operand): Tensor => {
    // no bool kernel: PyTorch says so before it looks for a zero divisor
    if (resultType(a, b) === "bool") throw new Error(`"${op}_cpu" not implemented for 'Bool'`);
    checkIntegerDivisor(op, a, b);
    const out = binaryData(op, a, b, op);
    const tb = typeof b === "number" ? null : b;
    if (needsGrad(a, tb)) {
      const aShape = a.shape, bShape = tb?.shape ?? [];
      // the operands are saved only for the divisor's gradient (PyTorch saves for the outputs it will compute): an in-place
      // change of a divisor that needs no gradient must not fail the backward
      const ga = a._requiresGrad, gb = tb !== null && tb._requiresGrad;
      record(`${name}${tb === null ? 0 : 1}`, [a, tb], out, ([g], [x, y]) => [
        ga ? sumToShape(g!, aShape) : null,
        gb ? sumToShape(neg(mul(g!, div(x!, y!, { roundingMode: rounding }))), bShape) : null,
      ], gb ? [a, tb] : []);
    }
    return out;
  };
}

/** `a - trunc(a / b) * b`: the remainder with the dividend's sign (C's fmod). */
export const fmod = remainderOp("fmod", "FmodBackward", "trunc");
/** `a - floor(a / b) * b`: the remainder with the divisor's sign (Python's %). */
export const remainder = remainderOp("remainder", "RemainderBackward", "floor");

/**
 * A binary op computed in floating point; `grads(g, x, y, out)` gives both input gradients (before broadcasting is undone).
 * Only hypot's gradient reads the result, so only hypot saves it (as PyTorch: an in-place change of an atan2_ result
 * must not fail its backward). `floatOnly` ops have no integer kernel in PyTorch (hypot, logaddexp) and throw its error.
 */
function binaryMath(op: "atan2" | "hypot" | "logaddexp" | "xlogy", name: string, grads: (g: Tensor, x: Tensor, y: Tensor, r: Tensor | undefined) => [Tensor, Tensor]) {
  const savesResult = op === "hypot", floatOnly = op === "hypot" || op === "logaddexp";
  return (a: Tensor, b: Operand): Tensor => {
    const promoted = resultType(a, b);
    if (floatOnly && !isFloating(promoted)) throw new Error(`"${op}_cpu" not implemented for '${scalarTypeName(promoted)}'`);
    const dtype = toFloating(promoted);
    const other = typeof b === "number" ? full([], b, { dtype }) : b;
    const out = binaryData(op, a, other, op, dtype);
    if (needsGrad(a, other)) {
      const aShape = a.shape, bShape = other.shape;
      record(name, [a, other], out, ([g], [x, y, r]) => {
        const [ga, gb] = grads(g!, x!, y!, r);
        return [a._requiresGrad ? sumToShape(ga, aShape) : null, other._requiresGrad ? sumToShape(gb, bShape) : null];
      }, savesResult ? [a, other, out] : [a, other]);
    }
    return out;
  };
}

const sumOfSquares = (x: Tensor, y: Tensor) => add(mul(x, x), mul(y, y));
/** The angle of the point (x = b, y = a), in [-π, π]. */
export const atan2 = binaryMath("atan2", "Atan2Backward0", (g, y, x) => {
  const scale = div(g, sumOfSquares(x, y));
  return [mul(scale, x), neg(mul(scale, y))];
});
/** `sqrt(a² + b²)` without overflow. */
export const hypot = binaryMath("hypot", "HypotBackward0", (g, x, y, r) => [mul(g, div(x, r!)), mul(g, div(y, r!))]);
/** `log(exp(a) + exp(b))` without overflow. */
export const logaddexp = binaryMath("logaddexp", "LogaddexpBackward0", (g, x, y) => [
  div(g, add(exp(sub(y, x)), 1)), div(g, add(exp(sub(x, y)), 1)),
]);
/**
 * `a * log(b)`, 0 where a is 0 (unless b is NaN): entropy terms without
 * `0 · log 0 = NaN`.
 */
export const xlogy = binaryMath("xlogy", "XlogyBackward0", (g, x, y) => [
  // PyTorch's: xlogy(g, y), but 0 where x is 0 and y <= 0
  where(logicalAnd(eq(x, 0), le(y, 0)), 0, xlogy(g, y)),
  div(mul(g, x), y),
]);

/**
 * `start + weight * (end - start)`, computed from the nearer end as PyTorch
 * does (exact at weight 0 and 1). `weight` is a number or a tensor.
 *
 * @example
 * ema = torch.lerp(ema, value, 0.1); // an exponential moving average step
 */
export function lerp(start: Tensor, end: Tensor, weight: Operand): Tensor {
  if (start.dtype !== end.dtype) throw new Error(`lerp: expected dtype ${start.dtype} for \`end\` but got dtype ${end.dtype}`);
  const s = start.detach(), e = end.detach(), span = sub(e, s);
  const w = typeof weight === "number" ? null : weight;
  const out = w === null
    ? (Math.abs(weight as number) < 0.5 ? add(s, mul(span, weight)) : sub(e, mul(span, 1 - (weight as number))))
    : where(lt(abs(w), 0.5), add(s, mul(span, w.detach())), sub(e, mul(span, add(neg(w.detach()), 1))));
  if (needsGrad(start, end, w)) {
    // derivatives.yaml: grad * (1 - weight), grad * weight, grad * (end - self); taken whole, so an
    // infinite weight or end gives ±inf rather than the NaN of a where() over both branches
    const sShape = start.shape, eShape = end.shape, wShape = w?.shape ?? [];
    const needW = w?._requiresGrad ?? false, wNumber = typeof weight === "number" ? weight : 0;
    record(w === null ? "LerpBackward0" : "LerpBackward1", [start, end, w], out, ([g], [ss, es, ws]) => {
      const wt: Operand = ws ?? wNumber;
      return [
        sumToShape(mul(g!, typeof wt === "number" ? 1 - wt : add(neg(wt), 1)), sShape),
        sumToShape(mul(g!, wt), eShape),
        needW ? sumToShape(mul(g!, sub(es!, ss!)), wShape) : null,
      ];
    }, w === null ? [start, end] : [start, end, w]);
  }
  return out;
}

/** `input + value * t1 * t2`. */
export function addcmul(input: Tensor, t1: Tensor, t2: Tensor, options: { value?: number } = {}): Tensor {
  const value = options.value ?? 1, product = mul(t1, t2);
  // a float times 1 is itself (NaN, -0 and the infinities too), so with no graph to record that pass over the
  // product is skipped; an integer or bool product keeps it, as it promotes bools to int32
  if (value === 1 && isFloating(product.dtype) && !needsGrad(input, t1, t2)) return add(input, product);
  return add(input, mul(product, value));
}

/** `input + value * t1 / t2`. */
export function addcdiv(input: Tensor, t1: Tensor, t2: Tensor, options: { value?: number } = {}): Tensor {
  if (!isFloating(t1.dtype) && !isFloating(t2.dtype)) {
    throw new Error("Integer division with addcdiv is no longer supported, and in a future release addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), for all dtypes.");
  }
  return add(input, mul(div(t1, t2), options.value ?? 1));
}

/**
 * The log-odds `log(p / (1 - p))`; with `eps`, p is first clamped into
 * [eps, 1 - eps] (the gradient is then 0 outside that range).
 */
export function logit(a: Tensor, eps: number | null = null): Tensor {
  const x = a.detach(), p = eps === null ? x : clamp(x, eps, 1 - eps);
  const out = log(div(p, add(neg(p), 1)));
  if (needsGrad(a)) {
    // PyTorch's logit_backward: g / (x (1 - x)) inside the domain (±inf at its ends), NaN outside it;
    // with eps, 0 where x was clamped
    record("LogitBackward0", [a], out, ([g], [xs]) => {
      const inside = div(g!, mul(xs!, add(neg(xs!), 1)));
      return eps === null
        ? [where(logicalOr(lt(xs!, 0), gt(xs!, 1)), NaN, inside)]
        : [where(logicalOr(lt(xs!, eps), gt(xs!, 1 - eps)), 0, inside)];
    }, [a]);
  }
  return out;
}

/** Degrees to radians. */
export function deg2rad(a: Tensor): Tensor {
  return mul(a, Math.PI / 180);
}

/** Radians to degrees. */
export function rad2deg(a: Tensor): Tensor {
  return mul(a, 180 / Math.PI);
}

/** `sign` (for real tensors `sgn` is the same). */
export const sgn = sign;
