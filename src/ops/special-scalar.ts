/**
 * Scalar special functions for the pointwise ops that have no backend kernel:
 * erfc without cancellation in the tail, the modified Bessel functions I0
 * and I1, sinc, and C's frexp. Double precision throughout.
 */
import { erf } from "../backend/reference/scalar-ops.js";

/** 1 - erf(x), accurate where it is tiny (a continued fraction for x >= 2.5, as erf's tail). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 2.5) return 1 - erf(x);
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (x + f);
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / (x + f);
}

/** Σ (x/2)^(2k + order) / (k! (k + order)!): I0 (order 0) or I1 (order 1), by their power series (every term positive). */
function besselI(x: number, order: 0 | 1): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax === Infinity) return order === 0 || x > 0 ? Infinity : -Infinity;
  const q = (ax / 2) * (ax / 2);
  let term = order === 0 ? 1 : ax / 2, sum = term;
  // the terms grow until k ~ x/2 and then fall: run until they no longer change the sum
  for (let k = 1; k < 2000; k++) {
    term *= q / (k * (k + order));
    sum += term;
    if (term < 1e-17 * sum && k > ax) break;
  }
  return order === 1 && x < 0 ? -sum : sum;
}

/** The modified Bessel function of the first kind of order 0. */
export function i0(x: number): number {
  return besselI(x, 0);
}

/** The modified Bessel function of the first kind of order 1 (i0's derivative). */
export function i1(x: number): number {
  return besselI(x, 1);
}

/** sin(πx) / (πx), 1 at 0 (the normalized sinc). */
export function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

/** C's frexp: [m, e] with x = m · 2^e and 0.5 <= |m| < 1; zero, infinities and NaN give [x, 0]. */
export function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  let e = Math.floor(Math.log2(Math.abs(x))) + 1;
  // scaled in two steps: 2^-e alone overflows for subnormal x
  let m = x * 2 ** -Math.floor(e / 2) * 2 ** -(e - Math.floor(e / 2));
  // log2 can be off by one at powers of two
  while (Math.abs(m) >= 1) {
    m /= 2;
    e++;
  }
  while (Math.abs(m) < 0.5) {
    m *= 2;
    e--;
  }
  return [m, e];
}
