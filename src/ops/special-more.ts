/**
 * torch.special's functions that torchlet had no op for: erfcx, the normal
 * CDF family (ndtr, logNdtr, ndtri), the exponentially scaled Bessel
 * functions i0e / i1e, entr, xlog1py, the Hurwitz zeta, multigammaln, the
 * regularized incomplete gamma functions, the Bessel and Airy functions and
 * the orthogonal polynomials. Gradients follow PyTorch's derivatives.yaml:
 * the functions it marks non-differentiable (the Bessel and Airy functions,
 * the polynomials) return results outside the graph, and those whose
 * derivative it leaves unimplemented throw its error in backward.
 */
import { isFloating, scalarTypeName, toFloating } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { needsGrad, record } from "./core.js";
import { add, div, eq, exp, le, log, logicalAnd, mul, neg, resultType, sign, square, sub, where, type Operand } from "./elementwise.js";
import { full } from "./factories.js";
import { lgamma } from "./gamma.js";
import { mapBinary, mapUnary } from "./js-map.js";
import { any } from "./reduce.js";
import { sumToShape } from "./views.js";
import * as S from "./special-scalar-more.js";

const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** A float unary op of `f` (integers and bools give the default float); `grad(g, x, result)` when it has a gradient. */
function unary(name: string, f: (x: number) => number, grad: ((g: Tensor, x: Tensor, r: Tensor) => Tensor) | null, save: "input" | "result" | "both" = "input") {
  return (a: Tensor): Tensor => {
    const out = mapUnary(a, toFloating(a.dtype), f);
    if (grad !== null && needsGrad(a)) {
      const saved = save === "input" ? [a] : save === "result" ? [out] : [a, out];
      record(name, [a], out, ([g], s) => {
        const x = save === "result" ? null : s[0]!;
        const r = save === "input" ? null : s[save === "both" ? 1 : 0]!;
        return [grad(g!, x!, r!)];
      }, saved);
    }
    return out;
  };
}

/** The one tensor among two operands (numbers become 0-d tensors of the result's float dtype). */
function operands(a: Operand, b: Operand, op: string): [Tensor, Tensor] {
  if (typeof a === "number" && typeof b === "number") throw new Error(`${op}: expected at least one tensor argument, got two numbers`);
  const dtype = toFloating(resultType(a, b));
  return [typeof a === "number" ? full([], a, { dtype }) : a, typeof b === "number" ? full([], b, { dtype }) : b];
}

/** The broadcast float result of `f` on two operands. */
function binaryValues(a: Tensor, b: Tensor, op: string, f: (x: number, y: number) => number): Tensor {
  const dtype = toFloating(resultType(a, b));
  return mapBinary(a, b, "float64", dtype, op, f);
}

/** Records a binary op's node: `grads` gives each input's gradient (null where it has none) before broadcasting is undone. */
function recordBinary(name: string, a: Tensor, b: Tensor, out: Tensor, grads: (g: Tensor, x: Tensor, y: Tensor) => [Tensor | null, Tensor | null]): void {
  if (!needsGrad(a, b)) return;
  const aShape = a.shape, bShape = b.shape, ga = a._requiresGrad, gb = b._requiresGrad;
  record(name, [a, b], out, ([g], [x, y]) => {
    const [dx, dy] = grads(g!, x!, y!);
    return [ga && dx ? sumToShape(dx, aShape) : null, gb && dy ? sumToShape(dy, bShape) : null];
  }, [a, b]);
}

/** PyTorch's error for a derivative it does not define. */
function notImplemented(what: string): never {
  throw new Error(`the derivative for '${what}' is not implemented.`);
}

/**
 * The scaled complementary error function `exp(x²) · erfc(x)`, finite where
 * erfc underflows. Gradient `2x·erfcx(x) - 2/√π`.
 *
 * @example
 * torch.special.erfcx(torch.tensor([0, 30])); // tensor([1.0000, 0.0188])
 */
export const erfcx: (a: Tensor) => Tensor = unary("SpecialErfcxBackward0", S.erfcx, (g, x, r) => mul(g, sub(mul(mul(x, r), 2), 2 / Math.sqrt(Math.PI))), "both");

/**
 * The standard normal CDF `Φ(x) = (1 + erf(x/√2)) / 2`. Gradient `φ(x)`.
 *
 * @example
 * torch.special.ndtr(torch.tensor([0, 1.96])); // tensor([0.5000, 0.9750])
 */
export const ndtr: (a: Tensor) => Tensor = unary("SpecialNdtrBackward0", S.ndtr, (g, x) => mul(g, div(exp(mul(square(x), -0.5)), SQRT_2PI)));

/**
 * `log Φ(x)`, accurate far in both tails. Gradient `φ(x) / Φ(x)`.
 *
 * @example
 * torch.special.logNdtr(torch.tensor([-40, 0])); // tensor([-804.6084, -0.6931])
 */
export const logNdtr: (a: Tensor) => Tensor = unary("SpecialLogNdtrBackward0", S.logNdtr,
  (g, x, r) => mul(div(g, SQRT_2PI), exp(neg(add(r, div(square(x), 2))))), "both");

/**
 * The inverse of the standard normal CDF (NaN outside [0, 1], ∓inf at 0 and 1). Gradient `√(2π) · exp(result² / 2)`.
 *
 * @example
 * torch.special.ndtri(torch.tensor([0.5, 0.975])); // tensor([0.0000, 1.9600])
 */
export const ndtri: (a: Tensor) => Tensor = unary("SpecialNdtriBackward0", S.ndtri, (g, _x, r) => mul(mul(g, SQRT_2PI), exp(div(square(r), 2))), "result");

/**
 * The exponentially scaled modified Bessel function of order 0, `exp(-|x|) · I0(x)`.
 * Gradient `i1e(x) - sgn(x) · i0e(x)`.
 *
 * @example
 * torch.special.i0e(torch.tensor([0, 1000])); // tensor([1.0000, 0.0126])
 */
export const i0e: (a: Tensor) => Tensor = unary("SpecialI0EBackward0", S.i0e, (g, x, r) => mul(g, sub(i1e(x), mul(sign(x), r))), "both");

/**
 * The exponentially scaled modified Bessel function of order 1, `exp(-|x|) · I1(x)`.
 * Gradient `i0e(x) - i1e(x) · (sgn(x) + 1/x)`, 1/2 at 0.
 *
 * @example
 * torch.special.i1e(torch.tensor([1, 1000])); // tensor([0.2079, 0.0126])
 */
export const i1e: (a: Tensor) => Tensor = unary("SpecialI1EBackward0", S.i1e,
  (g, x, r) => mul(g, where(eq(x, 0), 0.5, sub(i0e(x), mul(r, add(sign(x), div(1, x)))))), "both");

/**
 * The elementwise entropy term `-x · ln x` (0 at 0, -inf for x < 0). Gradient `-(1 + ln x)`.
 *
 * @example
 * torch.special.entr(torch.tensor([0, 0.5, 1])); // tensor([0.0000, 0.3466, 0.0000])
 */
export const entr: (a: Tensor) => Tensor = unary("SpecialEntrBackward0", (x) => (Number.isNaN(x) ? NaN : x > 0 ? -x * Math.log(x) : x === 0 ? 0 : -Infinity),
  (g, x) => mul(g, neg(add(log(x), 1))));

/**
 * `x · log1p(y)`, 0 where x is 0 (unless y is NaN). Either argument may be a number.
 *
 * @example
 * torch.special.xlog1py(torch.tensor([0, 2]), torch.tensor([-1, Math.E - 1])); // tensor([0., 2.])
 */
export function xlog1py(input: Operand, other: Operand): Tensor {
  const [a, b] = operands(input, other, "special_xlog1py");
  const out = binaryValues(a, b, "special_xlog1py", (x, y) => (Number.isNaN(y) ? NaN : x === 0 ? 0 : x * Math.log1p(y)));
  recordBinary("SpecialXlog1PyBackward0", a, b, out, (g, x, y) => [
    // PyTorch's: xlog1py(g, y), 0 where x is 0 and y <= -1
    where(logicalAnd(eq(x, 0), le(y, -1)), 0, xlog1py(g, y)),
    div(mul(g, x), add(y, 1)),
  ]);
  return out;
}

/**
 * The Hurwitz zeta function `ζ(x, q) = Σ_{k≥0} (k + q)^(-x)` (the Riemann
 * zeta at q = 1). Differentiable in q only (`-x · ζ(x + 1, q)`); PyTorch
 * defines no derivative in x.
 *
 * @example
 * torch.special.zeta(torch.tensor([2]), 1); // tensor([1.6449])
 */
export function zeta(input: Operand, other: Operand): Tensor {
  const [a, b] = operands(input, other, "special_zeta");
  const out = binaryValues(a, b, "special_zeta", S.zeta);
  recordBinary("SpecialZetaBackward0", a, b, out, (g, x, q) => {
    if (a._requiresGrad) notImplemented("zeta");
    return [null, mul(g, mul(neg(x), zeta(add(x, 1), q)))];
  });
  return out;
}

function incompleteGamma(input: Tensor, other: Tensor, upper: boolean): Tensor {
  const op = upper ? "igammac" : "igamma";
  if (!isFloating(input.dtype) || !isFloating(other.dtype)) {
    throw new Error(`"${op}_cpu" not implemented for '${scalarTypeName(isFloating(input.dtype) ? other.dtype : input.dtype)}'`);
  }
  const out = binaryValues(input, other, op, (a, x) => S.gammaIncomplete(a, x, upper));
  recordBinary(upper ? "IgammacBackward0" : "IgammaBackward0", input, other, out, (g, a, x) => {
    if (input._requiresGrad) notImplemented(`${op}: input`);
    // d/dx P(a, x) = x^(a-1) e^(-x) / Γ(a), and Q = 1 - P
    const density = exp(sub(sub(mul(sub(a, 1), log(x)), x), lgamma(a)));
    return [null, mul(g, upper ? neg(density) : density)];
  });
  return out;
}

/**
 * The regularized lower incomplete gamma function `P(a, x) = γ(a, x) / Γ(a)`
 * (torch.special.gammainc, torch.igamma), for float tensors. Differentiable
 * in x; PyTorch defines no derivative in a.
 *
 * @example
 * torch.special.gammainc(torch.tensor([1]), torch.tensor([2])); // tensor([0.8647])
 */
export function gammainc(input: Tensor, other: Tensor): Tensor {
  return incompleteGamma(input, other, false);
}

/**
 * The regularized upper incomplete gamma function `Q(a, x) = 1 - P(a, x)`
 * (torch.special.gammaincc, torch.igammac). Differentiable in x only.
 *
 * @example
 * torch.special.gammaincc(torch.tensor([1]), torch.tensor([2])); // tensor([0.1353])
 */
export function gammaincc(input: Tensor, other: Tensor): Tensor {
  return incompleteGamma(input, other, true);
}

/**
 * The multivariate log-gamma function of dimension `p`:
 * `p(p-1)/4 · ln π + Σ_{i<p} lgamma(x - i/2)` (torch.special.multigammaln,
 * torch.mvlgamma). Every element must exceed (p - 1)/2. Differentiable
 * (a sum of digammas).
 *
 * @example
 * torch.special.multigammaln(torch.tensor([2.5]), 2); // tensor([1.2242])
 */
export function multigammaln(input: Tensor, p: number): Tensor {
  if (!Number.isInteger(p) || p < 1) throw new Error("p has to be greater than or equal to 1");
  if (!isFloating(input.dtype)) throw new Error(`mvlgamma: expected a floating point tensor, got ${scalarTypeName(input.dtype)}`);
  if (any(le(input.detach(), 0.5 * (p - 1))).item()) throw new Error("All elements must be greater than (p-1)/2");
  let out = lgamma(input);
  for (let i = 1; i < p; i++) out = add(out, lgamma(sub(input, i / 2)));
  return add(out, ((p * (p - 1)) / 4) * Math.log(Math.PI));
}

/** A non-differentiable float unary op of `f` (PyTorch's `non_differentiable` functions: the result is outside the graph). */
function plain(f: (x: number) => number) {
  return (a: Tensor): Tensor => mapUnary(a, toFloating(a.dtype), f);
}

/**
 * The spherical Bessel function of the first kind of order 0, `sin(x) / x`.
 * Not differentiable (as in PyTorch).
 *
 * @example
 * torch.special.sphericalBesselJ0(torch.tensor([0, Math.PI])); // tensor([1.0000, 0.0000])
 */
export const sphericalBesselJ0: (a: Tensor) => Tensor = plain(S.sphericalBesselJ0);
/** The Bessel function of the first kind of order 0. Not differentiable (as in PyTorch). @example torch.special.besselJ0(torch.tensor([1])); // tensor([0.7652]) */
export const besselJ0: (a: Tensor) => Tensor = plain(S.besselJ0);
/** The Bessel function of the first kind of order 1. Not differentiable. @example torch.special.besselJ1(torch.tensor([1])); // tensor([0.4401]) */
export const besselJ1: (a: Tensor) => Tensor = plain(S.besselJ1);
/** The Bessel function of the second kind of order 0 (-inf at 0, NaN below). Not differentiable. @example torch.special.besselY0(torch.tensor([1])); // tensor([0.0883]) */
export const besselY0: (a: Tensor) => Tensor = plain(S.besselY0);
/** The Bessel function of the second kind of order 1 (-inf at 0, NaN below). Not differentiable. @example torch.special.besselY1(torch.tensor([1])); // tensor([-0.7812]) */
export const besselY1: (a: Tensor) => Tensor = plain(S.besselY1);
/** The modified Bessel function of the first kind of order 0 (torch.i0's values, but not differentiable). @example torch.special.modifiedBesselI0(torch.tensor([1])); // tensor([1.2661]) */
export const modifiedBesselI0: (a: Tensor) => Tensor = plain((x) => (Number.isFinite(x) ? S.i0e(x) * Math.exp(Math.abs(x)) : NaN));
/** The modified Bessel function of the first kind of order 1. Not differentiable. @example torch.special.modifiedBesselI1(torch.tensor([1])); // tensor([0.5652]) */
export const modifiedBesselI1: (a: Tensor) => Tensor = plain((x) => (Number.isFinite(x) ? S.i1e(x) * Math.exp(Math.abs(x)) : NaN));
/** The modified Bessel function of the second kind of order 0 (inf at 0, NaN below). Not differentiable. @example torch.special.modifiedBesselK0(torch.tensor([1])); // tensor([0.4210]) */
export const modifiedBesselK0: (a: Tensor) => Tensor = plain((x) => S.besselK(0, x, false));
/** The modified Bessel function of the second kind of order 1. Not differentiable. @example torch.special.modifiedBesselK1(torch.tensor([1])); // tensor([0.6019]) */
export const modifiedBesselK1: (a: Tensor) => Tensor = plain((x) => S.besselK(1, x, false));
/** `exp(x) · K0(x)`. Not differentiable. @example torch.special.scaledModifiedBesselK0(torch.tensor([1])); // tensor([1.1445]) */
export const scaledModifiedBesselK0: (a: Tensor) => Tensor = plain((x) => S.besselK(0, x, true));
/** `exp(x) · K1(x)`. Not differentiable. @example torch.special.scaledModifiedBesselK1(torch.tensor([1])); // tensor([1.6362]) */
export const scaledModifiedBesselK1: (a: Tensor) => Tensor = plain((x) => S.besselK(1, x, true));
/** The Airy function Ai. Not differentiable. @example torch.special.airyAi(torch.tensor([0])); // tensor([0.3550]) */
export const airyAi: (a: Tensor) => Tensor = plain(S.airyAi);

/** A polynomial family of torch.special: `(x, n)`, either a number, n truncated to an integer, 0 for n < 0; not differentiable. */
function polynomialOp(kind: S.PolynomialKind, op: string) {
  return (input: Operand, n: Operand): Tensor => {
    const [a, b] = operands(input, n, op);
    return binaryValues(a, b, op, (x, k) => S.polynomial(kind, x, k));
  };
}

/** The Chebyshev polynomial of the first kind T_n(x). Not differentiable. @example torch.special.chebyshevPolynomialT(torch.tensor([0.5]), 3); // tensor([-1.]) */
export const chebyshevPolynomialT = polynomialOp("chebyshevT", "chebyshev_polynomial_t");
/** The Chebyshev polynomial of the second kind U_n(x). Not differentiable. @example torch.special.chebyshevPolynomialU(torch.tensor([0.5]), 2); // tensor([0.]) */
export const chebyshevPolynomialU = polynomialOp("chebyshevU", "chebyshev_polynomial_u");
/** The Chebyshev polynomial of the third kind V_n(x). Not differentiable. @example torch.special.chebyshevPolynomialV(torch.tensor([0.5]), 1); // tensor([0.]) */
export const chebyshevPolynomialV = polynomialOp("chebyshevV", "chebyshev_polynomial_v");
/** The Chebyshev polynomial of the fourth kind W_n(x). Not differentiable. @example torch.special.chebyshevPolynomialW(torch.tensor([0.5]), 1); // tensor([2.]) */
export const chebyshevPolynomialW = polynomialOp("chebyshevW", "chebyshev_polynomial_w");
/** T*_n(x) = T_n(2x - 1). Not differentiable. @example torch.special.shiftedChebyshevPolynomialT(torch.tensor([1]), 3); // tensor([1.]) */
export const shiftedChebyshevPolynomialT = polynomialOp("shiftedChebyshevT", "shifted_chebyshev_polynomial_t");
/** U*_n(x) = U_n(2x - 1). Not differentiable. @example torch.special.shiftedChebyshevPolynomialU(torch.tensor([1]), 2); // tensor([3.]) */
export const shiftedChebyshevPolynomialU = polynomialOp("shiftedChebyshevU", "shifted_chebyshev_polynomial_u");
/** V*_n(x) = V_n(2x - 1). Not differentiable. @example torch.special.shiftedChebyshevPolynomialV(torch.tensor([1]), 2); // tensor([1.]) */
export const shiftedChebyshevPolynomialV = polynomialOp("shiftedChebyshevV", "shifted_chebyshev_polynomial_v");
/** W*_n(x) = W_n(2x - 1). Not differentiable. @example torch.special.shiftedChebyshevPolynomialW(torch.tensor([1]), 2); // tensor([5.]) */
export const shiftedChebyshevPolynomialW = polynomialOp("shiftedChebyshevW", "shifted_chebyshev_polynomial_w");
/** The physicists' Hermite polynomial H_n(x). Not differentiable. @example torch.special.hermitePolynomialH(torch.tensor([1]), 2); // tensor([2.]) */
export const hermitePolynomialH = polynomialOp("hermiteH", "hermite_polynomial_h");
/** The probabilists' Hermite polynomial He_n(x). Not differentiable. @example torch.special.hermitePolynomialHe(torch.tensor([2]), 2); // tensor([3.]) */
export const hermitePolynomialHe = polynomialOp("hermiteHe", "hermite_polynomial_he");
/** The Laguerre polynomial L_n(x). Not differentiable. @example torch.special.laguerrePolynomialL(torch.tensor([1]), 2); // tensor([-0.5]) */
export const laguerrePolynomialL = polynomialOp("laguerreL", "laguerre_polynomial_l");
/** The Legendre polynomial P_n(x). Not differentiable. @example torch.special.legendrePolynomialP(torch.tensor([0.5]), 2); // tensor([-0.125]) */
export const legendrePolynomialP = polynomialOp("legendreP", "legendre_polynomial_p");
