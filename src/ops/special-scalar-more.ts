/**
 * Scalar math behind torch.special's functions that have no kernel: the
 * scaled complementary error function, the normal distribution's CDF, its log
 * and inverse, exponentially scaled modified Bessel functions, Bessel
 * functions of the first and second kind, the Hurwitz zeta function, the
 * regularized incomplete gamma functions and the orthogonal polynomials.
 * Double precision throughout; each is written from its defining series,
 * asymptotic expansion or integral.
 */
import { erfc, i0, i1 } from "./special-scalar.js";

const SQRT_PI = Math.sqrt(Math.PI);
const EULER_GAMMA = 0.5772156649015329;

/** exp(x²) erfc(x) without overflow for large x (erfc's continued fraction, with the exponential cancelled). */
export function erfcx(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return 0;
  if (x < 2.5) return x * x > 709 ? Infinity : Math.exp(x * x) * erfc(x);
  if (x > 1e8) return 1 / (SQRT_PI * x);
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (x + f);
  return 1 / SQRT_PI / (x + f);
}

/** The standard normal CDF Φ(x). */
export function ndtr(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** log Φ(x): from erfcx in the lower tail (no underflow), from log1p(-Φ(-x)) in the upper one. */
export function logNdtr(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < -1) return Math.log(erfcx(-x / Math.SQRT2) / 2) - (x * x) / 2;
  return Math.log1p(-0.5 * erfc(x / Math.SQRT2));
}

/** Φ⁻¹(p): a rational first guess (Abramowitz & Stegun 26.2.23) refined by Newton steps on log Φ. */
export function ndtri(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p > 0.5) return -ndtri(1 - p);
  const t = Math.sqrt(-2 * Math.log(p));
  let x = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t));
  const logP = Math.log(p);
  for (let i = 0; i < 50; i++) {
    // d/dx log Φ(x) = φ(x) / Φ(x) = exp(-x²/2 - log Φ(x)) / √(2π)
    const l = logNdtr(x);
    const step = (l - logP) / (Math.exp(-(x * x) / 2 - l) / Math.sqrt(2 * Math.PI));
    x -= step;
    if (Math.abs(step) <= 1e-16 * Math.abs(x)) break;
  }
  return x;
}

/** Σ (-1)^k a_k(ν) / x^k of the large-x expansions, a_k(ν) = Π_{j≤k} (4ν² - (2j-1)²) / (k! 8^k), until the terms stop shrinking; `alternate` flips every other sign. */
function hankelTerms(nu: number, x: number): number[] {
  const mu = 4 * nu * nu;
  const terms = [1];
  let term = 1;
  for (let k = 1; k < 200; k++) {
    const next = (term * (mu - (2 * k - 1) ** 2)) / (k * 8 * x);
    if (Math.abs(next) >= Math.abs(term) || next === 0) {
      if (next === 0) terms.push(0);
      break;
    }
    terms.push(next);
    term = next;
  }
  return terms;
}

/** e^{-|x|} I_ν(|x|) for ν = 0 or 1 (the sign of odd order is the caller's). */
function scaledBesselI(x: number, nu: 0 | 1): number {
  const ax = Math.abs(x);
  if (ax <= 30) return (nu === 0 ? i0(ax) : i1(ax)) * Math.exp(-ax);
  if (ax === Infinity) return 0;
  // e^{-x} I_ν(x) ~ Σ (-1)^k a_k(ν) / x^k / √(2πx)
  const terms = hankelTerms(nu, ax);
  let s = 0;
  terms.forEach((t, k) => { s += k % 2 === 0 ? t : -t; });
  return s / Math.sqrt(2 * Math.PI * ax);
}

/** e^{-|x|} I0(x). */
export function i0e(x: number): number {
  if (Number.isNaN(x)) return NaN;
  return scaledBesselI(x, 0);
}

/** e^{-|x|} I1(x). */
export function i1e(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const v = scaledBesselI(x, 1);
  return x < 0 ? -v : v;
}

/** J_ν and Y_ν (ν = 0, 1) for x >= 14 from Hankel's expansion: √(2/(πx)) (P cos ω - Q sin ω) and (P sin ω + Q cos ω), ω = x - νπ/2 - π/4. */
function besselLarge(nu: 0 | 1, x: number): [number, number] {
  const terms = hankelTerms(nu, x);
  let P = 0, Q = 0;
  terms.forEach((t, k) => {
    // P = a0 - a2/x² + a4/x⁴ ..., Q = a1/x - a3/x³ ... (the powers of x are in the terms)
    const sign = Math.floor(k / 2) % 2 === 0 ? 1 : -1;
    if (k % 2 === 0) P += sign * t;
    else Q += sign * t;
  });
  const w = x - (nu * Math.PI) / 2 - Math.PI / 4;
  const c = Math.sqrt(2 / (Math.PI * x));
  return [c * (P * Math.cos(w) - Q * Math.sin(w)), c * (P * Math.sin(w) + Q * Math.cos(w))];
}

/** J0(x) and J1(x) by their power series (x < 14). */
function besselJSeries(nu: 0 | 1, x: number): number {
  const q = -(x * x) / 4;
  let term = nu === 0 ? 1 : x / 2, sum = term;
  for (let k = 1; k < 200; k++) {
    term *= q / (k * (k + nu));
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum) && k > x) break;
  }
  return sum;
}

/** The Bessel function of the first kind of order 0. */
export function besselJ0(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax === Infinity) return NaN; // PyTorch's value (the limit is 0)
  return ax < 14 ? besselJSeries(0, ax) : besselLarge(0, ax)[0];
}

/** The Bessel function of the first kind of order 1 (odd). */
export function besselJ1(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax === Infinity) return NaN; // PyTorch's value (the limit is 0)
  const v = ax < 14 ? besselJSeries(1, ax) : besselLarge(1, ax)[0];
  return x < 0 ? -v : v;
}

/** The Bessel function of the second kind of order 0: -inf at 0, NaN for x < 0. */
export function besselY0(x: number): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return NaN; // PyTorch's value (the limit is 0)
  if (x >= 14) return besselLarge(0, x)[1];
  // Y0 = (2/π)(ln(x/2) + γ) J0 + (2/π) Σ_{k≥1} (-1)^{k+1} H_k (x²/4)^k / (k!)²
  const q = -(x * x) / 4;
  let term = 1, h = 0, s = 0;
  for (let k = 1; k < 200; k++) {
    term *= q / (k * k);
    h += 1 / k;
    s -= h * term;
    if (Math.abs(term * h) < 1e-17 * Math.abs(s) && k > x) break;
  }
  return (2 / Math.PI) * ((Math.log(x / 2) + EULER_GAMMA) * besselJSeries(0, x) + s);
}

/** The Bessel function of the second kind of order 1: -inf at 0, NaN for x < 0. */
export function besselY1(x: number): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return NaN; // PyTorch's value (the limit is 0)
  if (x >= 14) return besselLarge(1, x)[1];
  // Y1 = -2/(πx) + (2/π) ln(x/2) J1 - (1/π) Σ_{k≥0} (-1)^k (ψ(k+1) + ψ(k+2)) (x/2)^{2k+1} / (k!(k+1)!)
  const q = -(x * x) / 4;
  let term = x / 2, psi1 = -EULER_GAMMA, psi2 = 1 - EULER_GAMMA;
  let s = term * (psi1 + psi2);
  for (let k = 1; k < 200; k++) {
    term *= q / (k * (k + 1));
    psi1 += 1 / k;
    psi2 += 1 / (k + 1);
    const t = term * (psi1 + psi2);
    s += t;
    if (Math.abs(t) < 1e-17 * Math.abs(s) && k > x) break;
  }
  return -2 / (Math.PI * x) + (2 / Math.PI) * Math.log(x / 2) * besselJSeries(1, x) - s / Math.PI;
}

/**
 * e^{x} K_ν(x) for x > 0 (ν = 0 or 1) from K_ν(x) = ∫₀^∞ e^{-x cosh t} cosh(νt) dt: the integrand
 * is analytic and decays double-exponentially, so the trapezoidal rule converges geometrically.
 */
function scaledBesselK(nu: number, x: number): number {
  // for large x the integrand is a peak of width ~1/√x: the step follows it
  const h = Math.min(0.05, 0.25 / Math.sqrt(x));
  let s = 0.5;
  for (let k = 1; k < 100000; k++) {
    const t = k * h;
    const v = Math.exp(-x * (Math.cosh(t) - 1)) * Math.cosh(nu * t);
    s += v;
    if (v < 1e-18 * s) break;
  }
  return s * h;
}

/** K0 or K1 (`nu`), scaled by e^x when `scaled`: inf at 0, NaN for x < 0. */
export function besselK(nu: 0 | 1, x: number, scaled: boolean): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === 0) return Infinity;
  if (x === Infinity) return 0;
  const v = scaledBesselK(nu, x);
  return scaled ? v : v * Math.exp(-x);
}

/** sin(x) / x, 1 at 0 (by its series near 0). */
export function sphericalBesselJ0(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (!Number.isFinite(x)) return 0;
  if (Math.abs(x) < 0.5) {
    const x2 = x * x;
    let term = 1, s = 1;
    for (let k = 1; k < 12; k++) {
      term *= -x2 / ((2 * k) * (2 * k + 1));
      s += term;
    }
    return s;
  }
  return Math.sin(x) / x;
}

/** B₂ⱼ / (2j)! for j = 1..8, Euler–Maclaurin's tail of the Hurwitz zeta function. */
const ZETA_TAIL = [
  1 / 12, -1 / 720, 1 / 30240, -1 / 1209600, 1 / 47900160, -691 / 1307674368000, 1 / 74724249600, -3617 / 10670622842880000,
];

/**
 * The Hurwitz zeta function ζ(s, q) = Σ_{k≥0} (k + q)^{-s} (Cephes' domain, as PyTorch: inf for s = 1,
 * NaN for s < 1, inf at non-positive integer q, NaN at other negative q unless s is an integer).
 */
export function zeta(s: number, q: number): number {
  if (Number.isNaN(s) || Number.isNaN(q)) return NaN;
  if (s === 1) return Infinity;
  if (s < 1) return NaN;
  if (q <= 0) {
    if (q === Math.floor(q)) return Infinity;
    if (s !== Math.floor(s)) return NaN;
  }
  if (q === Infinity) return 0;
  let sum = 0, y = q;
  const start = Math.max(10, 2 * s);
  for (; y < start; y++) sum += Math.pow(y, -s);
  sum += Math.pow(y, 1 - s) / (s - 1) + 0.5 * Math.pow(y, -s);
  let rising = s, power = Math.pow(y, -s - 1);
  for (let j = 0; j < ZETA_TAIL.length; j++) {
    sum += ZETA_TAIL[j]! * rising * power;
    rising *= (s + 2 * j + 1) * (s + 2 * j + 2);
    power /= y * y;
  }
  return sum;
}

/** log Γ(a) for a > 0 (Stirling's series after shifting a past 10). */
function lgammaPositive(a: number): number {
  let shift = 0;
  for (; a < 10; a++) shift -= Math.log(a);
  const inv = 1 / a, inv2 = inv * inv;
  const series = inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 * (1 / 1680 - inv2 / 1188))));
  return shift + (a - 0.5) * Math.log(a) - a + 0.5 * Math.log(2 * Math.PI) + series;
}

/**
 * The regularized lower (`upper` false) or upper incomplete gamma function of a > 0, x >= 0: the power
 * series of P below x = a + 1, the continued fraction of Q above it (Legendre's, by Lentz's method).
 */
export function gammaIncomplete(a: number, x: number, upper: boolean): number {
  if (Number.isNaN(a) || Number.isNaN(x) || a < 0 || x < 0) return NaN;
  if (a === 0) {
    if (x > 0) return upper ? 0 : 1;
    return NaN;
  }
  if (x === 0) return upper ? 1 : 0;
  if (x === Infinity) return upper ? 0 : 1;
  if (a === Infinity) return upper ? 1 : 0;
  const logPrefix = a * Math.log(x) - x - lgammaPositive(a);
  if (x < a + 1) {
    let term = 1 / a, sum = term;
    for (let n = 1; n < 10000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
    }
    const p = sum * Math.exp(logPrefix);
    return upper ? 1 - p : p;
  }
  const tiny = 1e-300;
  let b = x + 1 - a, c = 1 / tiny, d = 1 / b, f = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const q = Math.exp(logPrefix) * f;
  return upper ? q : 1 - q;
}

/** Ai(x): from K_{1/3} for x > 0, the Maclaurin series for -8 <= x <= 0, the oscillating expansion below. */
export function airyAi(x: number): number {
  // PyTorch gives NaN at both infinities (the limits are 0)
  if (!Number.isFinite(x)) return NaN;
  if (x > 0) {
    const z = (2 / 3) * x ** 1.5;
    if (z > 745) return 0;
    return (Math.sqrt(x / 3) / Math.PI) * scaledBesselK(1 / 3, z) * Math.exp(-z);
  }
  if (x >= -8) {
    // Ai(x) = c1 f(x) - c2 g(x), f = Σ 3^k (1/3)_k x^{3k} / (3k)!, g = Σ 3^k (2/3)_k x^{3k+1} / (3k+1)!
    const c1 = 0.3550280538878172, c2 = 0.2588194037928068;
    const x3 = x * x * x;
    let f = 1, g = x, tf = 1, tg = x;
    for (let k = 1; k < 200; k++) {
      tf *= x3 / ((3 * k - 1) * (3 * k));
      tg *= x3 / ((3 * k) * (3 * k + 1));
      f += tf;
      g += tg;
      if (Math.abs(tf) + Math.abs(tg) < 1e-18) break;
    }
    return c1 * f - c2 * g;
  }
  // Ai(-y) ~ y^{-1/4}/√π (sin(ζ + π/4) Σ (-1)^k u_{2k} ζ^{-2k} - cos(ζ + π/4) Σ (-1)^k u_{2k+1} ζ^{-2k-1})
  const y = -x, z = (2 / 3) * y ** 1.5;
  let P = 0, Q = 0, u = 1, prev = Infinity;
  for (let k = 0; k < 200; k++) {
    if (k > 0) u *= ((6 * k - 5) * (6 * k - 3) * (6 * k - 1)) / ((2 * k - 1) * 216 * k) / z;
    if (Math.abs(u) >= prev) break;
    prev = Math.abs(u);
    const sign = Math.floor(k / 2) % 2 === 0 ? 1 : -1;
    if (k % 2 === 0) P += sign * u;
    else Q += sign * u;
  }
  const w = z + Math.PI / 4;
  return (Math.sin(w) * P - Math.cos(w) * Q) / (SQRT_PI * y ** 0.25);
}

/** Which orthogonal polynomial family. */
export type PolynomialKind =
  | "chebyshevT" | "chebyshevU" | "chebyshevV" | "chebyshevW"
  | "shiftedChebyshevT" | "shiftedChebyshevU" | "shiftedChebyshevV" | "shiftedChebyshevW"
  | "hermiteH" | "hermiteHe" | "laguerreL" | "legendreP";

/**
 * The degree-n polynomial of `kind` at x by its three-term recurrence; n is truncated to an integer
 * (PyTorch casts it), and a negative degree gives 0 as in PyTorch.
 */
export function polynomial(kind: PolynomialKind, x: number, nIn: number): number {
  // PyTorch casts n to an integer: NaN becomes the most negative one, a negative degree
  const n = Number.isNaN(nIn) ? -1 : Math.trunc(nIn);
  if (n < 0) return 0;
  let t = x;
  let base: PolynomialKind = kind;
  if (kind.startsWith("shifted")) {
    t = 2 * x - 1;
    base = ("chebyshev" + kind.slice("shiftedChebyshev".length)) as PolynomialKind;
  }
  if (n === 0) return 1;
  let p0 = 1, p1: number;
  switch (base) {
    case "chebyshevT": p1 = t; break;
    case "chebyshevU": p1 = 2 * t; break;
    case "chebyshevV": p1 = 2 * t - 1; break;
    case "chebyshevW": p1 = 2 * t + 1; break;
    case "hermiteH": p1 = 2 * t; break;
    case "hermiteHe": p1 = t; break;
    case "laguerreL": p1 = 1 - t; break;
    default: p1 = t; // legendreP
  }
  for (let k = 1; k < n; k++) {
    let p2: number;
    switch (base) {
      case "hermiteH": p2 = 2 * t * p1 - 2 * k * p0; break;
      case "hermiteHe": p2 = t * p1 - k * p0; break;
      case "laguerreL": p2 = ((2 * k + 1 - t) * p1 - k * p0) / (k + 1); break;
      case "legendreP": p2 = ((2 * k + 1) * t * p1 - k * p0) / (k + 1); break;
      default: p2 = 2 * t * p1 - p0; // the Chebyshev families share one recurrence
    }
    p0 = p1;
    p1 = p2;
  }
  return p1;
}
