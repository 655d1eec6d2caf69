/**
 * The constraints that distributions check their parameters and values
 * against, named as PyTorch's `repr` names them (they appear in the errors).
 */
import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import { pyFloat, pyFormat } from "./py-format.js";

/** A set of valid values: `check(x)` is a bool tensor, true where `x` is in the set. */
export interface Constraint {
  /** PyTorch's `repr` of the constraint, e.g. `GreaterThan(lower_bound=0.0)`. */
  readonly name: string;
  /** How many rightmost dims form one event (the check reduces over them). */
  readonly eventDim: number;
  check(value: Tensor): Tensor;
}

const make = (name: string, eventDim: number, check: (v: Tensor) => Tensor): Constraint => ({ name, eventDim, check });

/** Finite or infinite reals, not NaN (PyTorch's `constraints.real`). */
export const real = make("Real()", 0, (v) => torch.eq(v, v));
/** `x > lower`. */
export const greaterThan = (lower: number): Constraint => make(`GreaterThan(lower_bound=${pyFloat(lower)})`, 0, (v) => torch.gt(v, lower));
/** `x >= lower`. */
export const greaterThanEq = (lower: number): Constraint => make(`GreaterThanEq(lower_bound=${pyFloat(lower)})`, 0, (v) => torch.ge(v, lower));
/** `x > 0`. */
export const positive = greaterThan(0);
/** `x >= 0`. */
export const nonnegative = greaterThanEq(0);
/** `lower <= x <= upper`. */
export const interval = (lower: number, upper: number): Constraint =>
  make(`Interval(lower_bound=${pyFloat(lower)}, upper_bound=${pyFloat(upper)})`, 0, (v) => torch.logicalAnd(torch.ge(v, lower), torch.le(v, upper)));
/** `[0, 1]`. */
export const unitInterval = interval(0, 1);
/** `lower <= x <= upper`, elementwise against tensor bounds (Uniform's support); 0-d bounds print as Python floats. */
export const tensorInterval = (lower: Tensor, upper: Tensor): Constraint =>
  make(`Interval(lower_bound=${pyFormat(lower)}, upper_bound=${pyFormat(upper)})`, 0, (v) => torch.logicalAnd(torch.ge(v, lower), torch.le(v, upper)));
/** 0 or 1. */
export const boolean = make("Boolean()", 0, (v) => torch.logicalOr(torch.eq(v, 0), torch.eq(v, 1)));
/** Integers in `[lower, upper]`. */
export const integerInterval = (lower: number, upper: number): Constraint =>
  make(`IntegerInterval(lower_bound=${lower}, upper_bound=${upper})`, 0, (v) =>
    torch.logicalAnd(torch.eq(torch.remainder(v, 1), 0), torch.logicalAnd(torch.ge(v, lower), torch.le(v, upper))));
/** Integers `>= lower` (PyTorch's `integer_interval` with no upper end). */
export const integerGreaterThan = (lower: number): Constraint =>
  make(`IntegerGreaterThan(lower_bound=${lower})`, 0, (v) => torch.logicalAnd(torch.eq(torch.remainder(v, 1), 0), torch.ge(v, lower)));
/** The nonnegative integers: the support of counts (Poisson, Geometric). */
export const nonnegativeInteger = integerGreaterThan(0);
/** Integers in `[lower, upper]`, elementwise against a tensor upper bound (Binomial's support, up to `total_count`). */
export const tensorIntegerInterval = (lower: number, upper: Tensor): Constraint =>
  make(`IntegerInterval(lower_bound=${lower}, upper_bound=${pyFormat(upper)})`, 0, (v) =>
    torch.logicalAnd(torch.eq(torch.remainder(v, 1), 0), torch.logicalAnd(torch.ge(v, lower), torch.le(v, upper))));
/** Vectors of 0s and 1s with exactly one 1 over the last dim. */
export const oneHot = make("OneHot()", 1, (v) =>
  torch.logicalAnd(torch.all(torch.logicalOr(torch.eq(v, 0), torch.eq(v, 1)), -1), torch.eq(v.sum(-1), 1)));
/** Nonnegative vectors summing to 1 over the last dim. */
export const simplex = make("Simplex()", 1, (v) =>
  torch.logicalAnd(torch.all(torch.ge(v, 0), -1), torch.lt(torch.abs(torch.sub(v.sum(-1), 1)), 1e-6)));
/** `base` over the `n` rightmost dims: true where every element of the event satisfies it. */
export function independent(base: Constraint, n: number): Constraint {
  return make(`IndependentConstraint(${base.name}, ${n})`, base.eventDim + n, (v) => {
    let r = base.check(v);
    for (let i = 0; i < n; i++) r = torch.all(r, -1);
    return r;
  });
}
/** Lower-triangular matrices with a positive diagonal. */
export const lowerCholesky = make("LowerCholesky()", 2, (v) =>
  torch.logicalAnd(torch.all(torch.all(torch.eq(torch.tril(v), v), -1), -1), torch.all(torch.gt(torch.diagonal(v, 0, -2, -1), 0), -1)));
/** Symmetric positive-definite matrices (symmetric, and the Cholesky factorisation succeeds). */
export const positiveDefinite = make("PositiveDefinite()", 2, (v) => {
  const sym = torch.all(torch.all(torch.isclose(v, v.transpose(-2, -1), { atol: 1e-6 }), -1), -1);
  const batch = v.shape.slice(0, -2), n = v.shape[v.shape.length - 1]!;
  const flat = v.detach().reshape([-1, n, n]);
  const ok = torch.unbind(flat, 0).map((m) => {
    try {
      torch.linalg.cholesky(m);
      return true;
    } catch {
      return false;
    }
  });
  return torch.logicalAnd(sym, torch.tensor(ok).reshape(batch));
});
