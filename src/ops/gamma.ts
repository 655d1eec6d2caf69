/**
 * The log-gamma function and its derivatives: `lgamma`, `digamma` (ψ) and
 * `polygamma(n, x)` (ψ⁽ⁿ⁾), each the gradient of the one before, so every
 * order of derivative works. Computed in double precision in JS.
 */
import { isFloating, toFloating } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { castData, emptyUninitialized, needsGrad, record } from "./core.js";
import { mul } from "./elementwise.js";

/** Lanczos coefficients (g = 7, n = 9): lgamma to about 1e-15 relative. */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

export function lgammaScalar(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (!Number.isFinite(x)) return Infinity; // |Γ| grows without bound at +inf; PyTorch gives +inf at -inf too
  if (x <= 0 && Number.isInteger(x)) return Infinity;
  // reflection: Γ(x) Γ(1 - x) = π / sin(πx)
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgammaScalar(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** B₂ₖ / (2k) for k = 1..7: the asymptotic series of ψ. */
const DIGAMMA_SERIES = [1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12];

function digammaScalar(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === 0) return Object.is(x, -0) ? Infinity : -Infinity;
  if (x < 0 && Number.isInteger(x)) return NaN;
  // reflection: ψ(1 - x) - ψ(x) = π cot(πx)
  if (x < 0) return digammaScalar(1 - x) - Math.PI / Math.tan(Math.PI * x);
  let shift = 0;
  for (; x < 10; x++) shift -= 1 / x;
  const inv2 = 1 / (x * x);
  let series = 0, p = inv2;
  for (const c of DIGAMMA_SERIES) {
    series += c * p;
    p *= inv2;
  }
  return shift + Math.log(x) - 0.5 / x - series;
}

/** B₂ⱼ / (2j)! for j = 1..8: the Euler–Maclaurin tail of the Hurwitz zeta function. */
const ZETA_TAIL = [
  1 / 12, -1 / 720, 1 / 30240, -1 / 1209600, 1 / 47900160, -691 / 1307674368000, 1 / 74724249600, -3617 / 10670622842880000,
];

/** ψ⁽ⁿ⁾(x) = (-1)ⁿ⁺¹ n! ζ(n + 1, x) for n >= 1, the Hurwitz zeta summed directly up to x + N >= 10 and then by Euler–Maclaurin. */
function polygammaScalar(n: number, x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x <= 0 && Number.isInteger(x)) return n % 2 === 1 ? Infinity : -Infinity;
  // PyTorch's values at the infinities (its trigamma, and Cephes' zeta for n >= 2); the loop below would never end at -inf
  if (x === -Infinity) return n === 1 ? NaN : n % 2 === 1 ? Infinity : -Infinity;
  if (x === Infinity) return n === 1 ? 0 : NaN;
  const s = n + 1;
  let factorial = 1;
  for (let k = 2; k <= n; k++) factorial *= k;
  let zeta = 0, y = x;
  for (; y < 10; y++) zeta += Math.pow(y, -s);
  zeta += Math.pow(y, 1 - s) / (s - 1) + 0.5 * Math.pow(y, -s);
  // Σ B₂ⱼ/(2j)! · s(s+1)…(s+2j-2) · y^(-s-2j+1)
  let rising = s, power = Math.pow(y, -s - 1);
  for (let j = 0; j < ZETA_TAIL.length; j++) {
    zeta += ZETA_TAIL[j]! * rising * power;
    rising *= (s + 2 * j + 1) * (s + 2 * j + 2);
    power /= y * y;
  }
  return (n % 2 === 1 ? 1 : -1) * factorial * zeta;
}

/** `f` applied to every element, in the input's floating dtype (integers computed as float32). */
function mapValues(a: Tensor, f: (x: number) => number): Tensor {
  const dtype = isFloating(a.dtype) ? a.dtype : toFloating(a.dtype);
  const src = castData(a, dtype).data;
  const out = emptyUninitialized(a.shape, dtype), o = out.data;
  for (let i = 0; i < src.length; i++) o[i] = f(src[i]!);
  return out;
}

/**
 * `log |Γ(x)|`, elementwise; its gradient is `digamma`.
 *
 * @example
 * torch.lgamma(torch.tensor([0.5, 1, 10])); // [0.5724, 0, 12.8018]
 */
export function lgamma(a: Tensor): Tensor {
  const out = mapValues(a, lgammaScalar);
  if (needsGrad(a)) record("LgammaBackward0", [a], out, ([g], [x]) => [mul(g!, digamma(x!))], [a]);
  return out;
}

/** ψ(x) = d/dx log Γ(x), elementwise; its gradient is `polygamma(1, x)`. */
export function digamma(a: Tensor): Tensor {
  const out = mapValues(a, digammaScalar);
  if (needsGrad(a)) record("DigammaBackward0", [a], out, ([g], [x]) => [mul(g!, polygamma(1, x!))], [a]);
  return out;
}

/** The n-th derivative of ψ (n = 0 is `digamma`), elementwise; its gradient is `polygamma(n + 1, x)`. */
export function polygamma(n: number, a: Tensor): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new Error(`polygamma(n, x) does not support negative n. (got n = ${n})`);
  if (n === 0) return digamma(a);
  const out = mapValues(a, (x) => polygammaScalar(n, x));
  if (needsGrad(a)) record("PolygammaBackward0", [a], out, ([g], [x]) => [mul(g!, polygamma(n + 1, x!))], [a]);
  return out;
}
