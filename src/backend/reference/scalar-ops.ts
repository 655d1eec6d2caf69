import type { BinaryOp, UnaryOp } from "../backend.js";

/** erf by Abramowitz–Stegun 7.1.26 refined with a series near 0 (|error| < 1e-12 after refinement). */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax < 2.5) {
    // Maclaurin series: converges well for |x| < 2.5 in double precision.
    let sum = x, term = x;
    const x2 = x * x;
    for (let n = 1; n < 120; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  // continued fraction for erfc at larger |x|
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (ax + f);
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
  return x > 0 ? 1 - erfc : erfc - 1;
}

/** The inverse of erf on (-1, 1): Winitzki's closed-form estimate (about 2e-3 off), then three Newton steps on erf, to double precision. */
export function erfinv(y: number): number {
  if (y <= -1) return y === -1 ? -Infinity : NaN;
  if (y >= 1) return y === 1 ? Infinity : NaN;
  if (y === 0 || Number.isNaN(y)) return y;
  const c = 0.147, w = Math.log(1 - y * y), h = 2 / (Math.PI * c) + w / 2;
  let x = Math.sign(y) * Math.sqrt(Math.sqrt(h * h - w / c) - h);
  for (let i = 0; i < 3; i++) x -= (erf(x) - y) / ((2 / Math.sqrt(Math.PI)) * Math.exp(-x * x));
  return x;
}

/** Round half to even, as PyTorch's round does. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export const UNARY: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  abs: Math.abs,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  relu: (x) => (x < 0 ? 0 : x), // NaN and -0 stay, as in PyTorch
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0), // NaN and -0 give 0, as in PyTorch
  erf,
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
  reciprocal: (x) => 1 / x,
  not: (x) => (x !== 0 ? 0 : 1), // NaN is true, as in PyTorch (JS would call it false)
  log1p: Math.log1p,
  expm1: Math.expm1,
  isnan: (x) => (x !== x ? 1 : 0),
  log2: Math.log2,
  log10: Math.log10,
  trunc: Math.trunc,
  sinh: Math.sinh,
  cosh: Math.cosh,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  asinh: Math.asinh,
  acosh: Math.acosh,
  atanh: Math.atanh,
  erfinv,
};

/** log(exp(a) + exp(b)) without overflow; equal infinities give themselves (not inf - inf = NaN). */
function logaddexp(a: number, b: number): number {
  if (a === b && !Number.isFinite(a)) return a;
  const m = a > b ? a : b;
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/** Python's a // b, as PyTorch's div_floor: the exact quotient of a - fmod(a, b), then rounded to the nearest integer. */
function divFloor(a: number, b: number): number {
  if (b === 0) return a / b;
  const mod = a % b;
  let q = (a - mod) / b;
  if (mod !== 0 && b < 0 !== mod < 0) q -= 1;
  if (q === 0) return a / b < 0 || Object.is(a / b, -0) ? -0 : 0; // copysign(0, a / b)
  const f = Math.floor(q);
  return q - f > 0.5 ? f + 1 : f;
}

/** NaN-propagating maximum/minimum, as torch.maximum/minimum. */
const maximum = (a: number, b: number) => (a !== a || b !== b ? NaN : a > b ? a : b);
const minimum = (a: number, b: number) => (a !== a || b !== b ? NaN : a < b ? a : b);

export const BINARY: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  // C's pow, as PyTorch: 1 ** anything and (-1) ** ±inf are 1 (Math.pow gives NaN)
  pow: (a, b) => (a === 1 || (a === -1 && (b === Infinity || b === -Infinity)) ? 1 : Math.pow(a, b)),
  maximum,
  minimum,
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
  and: (a, b) => (a !== 0 && b !== 0 ? 1 : 0),
  or: (a, b) => (a !== 0 || b !== 0 ? 1 : 0),
  // Python's modulo: the result takes the divisor's sign.
  remainder: (a, b) => { const r = a % b; return r !== 0 && (r < 0) !== (b < 0) ? r + b : r; },
  atan2: Math.atan2,
  // C's fmod: the result takes the dividend's sign
  fmod: (a, b) => a % b,
  hypot: Math.hypot,
  logaddexp,
  // 0 where x is 0, unless y is NaN
  xlogy: (x, y) => (y !== y ? NaN : x === 0 ? 0 : x * Math.log(y)),
  threshold_backward: (a, b) => (b <= 0 ? 0 : a),
  div_floor: divFloor,
};

/** Integer division and pow on int32 follow PyTorch: div truncates only when asked, so the core casts first. */
export const INT_BINARY: Partial<Record<BinaryOp, (a: number, b: number) => number>> = {
  add: (a, b) => (a + b) | 0,
  sub: (a, b) => (a - b) | 0,
  mul: (a, b) => Math.imul(a, b),
};
