/**
 * The constraints that distributions check their parameters and values
 * against, named as PyTorch's `repr` names them (they appear in the errors).
 * Each one also says which of PyTorch's constraint classes it is (`kind`) and
 * carries that class's fields (bounds, base constraint, parts), which is what
 * `bijectTo` / `transformTo` dispatch on.
 */
import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import { pyFloat, pyFormat } from "./py-format.js";

/** PyTorch's constraint classes, by name without the leading underscore (`_GreaterThan` → `"GreaterThan"`). */
export type ConstraintKind =
  | "Real" | "GreaterThan" | "GreaterThanEq" | "LessThan" | "Interval" | "HalfOpenInterval"
  | "Boolean" | "IntegerInterval" | "IntegerGreaterThan" | "OneHot" | "Simplex" | "Multinomial"
  | "IndependentConstraint" | "LowerTriangular" | "LowerCholesky" | "CorrCholesky" | "Square" | "Symmetric"
  | "PositiveSemidefinite" | "PositiveDefinite" | "Cat" | "Stack";

/** A set of valid values: `check(x)` is a bool tensor, true where `x` is in the set. */
export interface Constraint {
  /** PyTorch's `repr` of the constraint, e.g. `GreaterThan(lower_bound=0.0)`. */
  readonly name: string;
  /** Which of PyTorch's constraint classes this is (what `bijectTo` / `transformTo` look up). */
  readonly kind: ConstraintKind;
  /** How many rightmost dims form one event (the check reduces over them). */
  readonly eventDim: number;
  /** Whether the set is discrete (integers, booleans, one-hot vectors). */
  readonly isDiscrete: boolean;
  /** The lower end of a half line or interval. */
  readonly lowerBound?: Tensor | number;
  /** The upper end of a half line or interval. */
  readonly upperBound?: Tensor | number;
  /** An `IndependentConstraint`'s base constraint. */
  readonly baseConstraint?: Constraint;
  /** An `IndependentConstraint`'s number of reinterpreted dims. */
  readonly reinterpretedBatchNdims?: number;
  /** The parts of a `Cat` or `Stack` constraint. */
  readonly cseq?: readonly Constraint[];
  /** The dim along which a `Cat` or `Stack` constraint is split. */
  readonly dim?: number;
  /** The lengths of a `Cat` constraint's parts along `dim`. */
  readonly lengths?: readonly number[];
  check(value: Tensor): Tensor;
}

type Fields = Omit<Constraint, "name" | "kind" | "eventDim" | "isDiscrete" | "check">;
const make = (name: string, kind: ConstraintKind, eventDim: number, check: (v: Tensor) => Tensor, fields: Fields & { isDiscrete?: boolean } = {}): Constraint =>
  ({ isDiscrete: false, ...fields, name, kind, eventDim, check });

/** A bound as Python formats it: a float for a number, a 0-d tensor as its scalar, any other tensor as its repr. */
const bound = (b: Tensor | number): string => (typeof b === "number" ? pyFloat(b) : pyFormat(b));

/** Finite or infinite reals, not NaN (PyTorch's `constraints.real`). */
export const real = make("Real()", "Real", 0, (v) => torch.eq(v, v));
/** `x > lower`. */
export const greaterThan = (lower: Tensor | number): Constraint =>
  make(`GreaterThan(lower_bound=${bound(lower)})`, "GreaterThan", 0, (v) => torch.gt(v, lower), { lowerBound: lower });
/**
 * `x >= lower` (Pareto's support, with its tensor `scale`). `intBound` prints a number bound as a
 * Python int, as PyTorch's reprs show a bound given as one (NegativeBinomial's `greater_than_eq(0)`).
 */
export const greaterThanEq = (lower: Tensor | number, intBound = false): Constraint =>
  make(`GreaterThanEq(lower_bound=${intBound && typeof lower === "number" ? String(lower) : bound(lower)})`, "GreaterThanEq", 0, (v) => torch.ge(v, lower), { lowerBound: lower });
/** `x < upper`. */
export const lessThan = (upper: Tensor | number): Constraint =>
  make(`LessThan(upper_bound=${bound(upper)})`, "LessThan", 0, (v) => torch.lt(v, upper), { upperBound: upper });
/** `x > 0`. */
export const positive = greaterThan(0);
/** `x >= 0`. */
export const nonnegative = greaterThanEq(0);
/** `lower <= x <= upper`, against number or tensor bounds (0-d ones print as Python floats). */
export const interval = (lower: Tensor | number, upper: Tensor | number): Constraint =>
  make(`Interval(lower_bound=${bound(lower)}, upper_bound=${bound(upper)})`, "Interval", 0,
    (v) => torch.logicalAnd(torch.ge(v, lower), torch.le(v, upper)), { lowerBound: lower, upperBound: upper });
/** `lower <= x < upper`. */
export const halfOpenInterval = (lower: Tensor | number, upper: Tensor | number): Constraint =>
  make(`HalfOpenInterval(lower_bound=${bound(lower)}, upper_bound=${bound(upper)})`, "HalfOpenInterval", 0,
    (v) => torch.logicalAnd(torch.ge(v, lower), torch.lt(v, upper)), { lowerBound: lower, upperBound: upper });
/** `[0, 1]`. */
export const unitInterval = interval(0, 1);
/** `lower <= x <= upper`, elementwise against tensor bounds (Uniform's support). */
export const tensorInterval = (lower: Tensor, upper: Tensor): Constraint => interval(lower, upper);
/** 0 or 1. */
export const boolean = make("Boolean()", "Boolean", 0, (v) => torch.logicalOr(torch.eq(v, 0), torch.eq(v, 1)), { isDiscrete: true });
/** Integers in `[lower, upper]`; a tensor upper bound (Binomial's `total_count`) prints as Python formats it. */
export const integerInterval = (lower: number, upper: Tensor | number): Constraint =>
  make(`IntegerInterval(lower_bound=${lower}, upper_bound=${typeof upper === "number" ? upper : pyFormat(upper)})`, "IntegerInterval", 0, (v) =>
    torch.logicalAnd(torch.eq(torch.remainder(v, 1), 0), torch.logicalAnd(torch.ge(v, lower), torch.le(v, upper))), { lowerBound: lower, upperBound: upper, isDiscrete: true });
/** Integers `>= lower` (PyTorch's `integer_interval` with no upper end). */
export const integerGreaterThan = (lower: number): Constraint =>
  make(`IntegerGreaterThan(lower_bound=${lower})`, "IntegerGreaterThan", 0, (v) => torch.logicalAnd(torch.eq(torch.remainder(v, 1), 0), torch.ge(v, lower)),
    { lowerBound: lower, isDiscrete: true });
/** The nonnegative integers: the support of counts (Poisson, Geometric). */
export const nonnegativeInteger = integerGreaterThan(0);
/** The positive integers. */
export const positiveInteger = integerGreaterThan(1);
/** Integers in `[lower, upper]`, elementwise against a tensor upper bound (Binomial's support, up to `total_count`). */
export const tensorIntegerInterval = (lower: number, upper: Tensor): Constraint => integerInterval(lower, upper);
/** Vectors of 0s and 1s with exactly one 1 over the last dim. */
export const oneHot = make("OneHot()", "OneHot", 1, (v) =>
  torch.logicalAnd(torch.all(torch.logicalOr(torch.eq(v, 0), torch.eq(v, 1)), -1), torch.eq(v.sum(-1), 1)), { isDiscrete: true });
/** Nonnegative vectors summing to 1 over the last dim. */
export const simplex = make("Simplex()", "Simplex", 1, (v) =>
  torch.logicalAnd(torch.all(torch.ge(v, 0), -1), torch.lt(torch.abs(torch.sub(v.sum(-1), 1)), 1e-6)));
/**
 * Nonnegative vectors summing to at most `upper` over the last dim (Multinomial's support: PyTorch
 * checks this weaker condition, not that the counts sum to exactly `total_count`).
 */
export const multinomial = (upper: number): Constraint =>
  make("Multinomial()", "Multinomial", 1, (v) => torch.logicalAnd(torch.all(torch.ge(v, 0), -1), torch.le(v.sum(-1), upper)),
    { upperBound: upper, isDiscrete: true });
/** `base` over the `n` rightmost dims: true where every element of the event satisfies it. */
export function independent(base: Constraint, n: number): Constraint {
  return make(`IndependentConstraint(${base.name}, ${n})`, "IndependentConstraint", base.eventDim + n, (v) => {
    let r = base.check(v);
    if (r.dim() < n) throw new Error(`Expected value.dim() >= ${base.eventDim + n} but got ${v.dim()}`);
    for (let i = 0; i < n; i++) r = torch.all(r, -1);
    return r;
  }, { baseConstraint: base, reinterpretedBatchNdims: n, isDiscrete: base.isDiscrete });
}
/** Real vectors: `independent(real, 1)`. */
export const realVector = independent(real, 1);
const isLowerTriangular = (v: Tensor): Tensor => torch.all(torch.all(torch.eq(torch.tril(v), v), -1), -1);
/** Lower-triangular square matrices. */
export const lowerTriangular = make("LowerTriangular()", "LowerTriangular", 2, isLowerTriangular);
/** Lower-triangular matrices with a positive diagonal. */
export const lowerCholesky = make("LowerCholesky()", "LowerCholesky", 2, (v) =>
  torch.logicalAnd(isLowerTriangular(v), torch.all(torch.gt(torch.diagonal(v, 0, -2, -1), 0), -1)));
/** Lower Cholesky factors whose rows have unit norm (Cholesky factors of correlation matrices). */
export const corrCholesky = make("CorrCholesky()", "CorrCholesky", 2, (v) => {
  const tol = (v.dtype === "float64" ? 2.220446049250313e-16 : 1.1920928955078125e-7) * v.shape[v.shape.length - 1]! * 10;
  const rowNorm = v.detach().square().sum(-1).sqrt();
  return torch.logicalAnd(lowerCholesky.check(v), torch.all(torch.le(rowNorm.sub(1).abs(), tol), -1));
});
/** Square matrices. */
export const square = make("Square()", "Square", 2, (v) => torch.full(v.shape.slice(0, -2), v.shape[v.shape.length - 2] === v.shape[v.shape.length - 1]));
const isSymmetric = (v: Tensor): Tensor => {
  const sq = square.check(v);
  if (!torch.all(sq).item()) return sq;
  return torch.all(torch.all(torch.isclose(v, v.transpose(-2, -1), { atol: 1e-6 }), -1), -1);
};
/** Symmetric square matrices (within 1e-6). */
export const symmetric = make("Symmetric()", "Symmetric", 2, isSymmetric);
/**
 * Symmetric matrices with nonnegative eigenvalues. (PyTorch returns only the symmetry check for a whole
 * batch where one matrix is not symmetric; both checks are combined here, matrix by matrix.)
 */
export const positiveSemidefinite = make("PositiveSemidefinite()", "PositiveSemidefinite", 2, (v) => {
  const sym = isSymmetric(v);
  if (!torch.all(square.check(v)).item()) return sym;
  return torch.logicalAnd(sym, torch.all(torch.ge(torch.linalg.eigvalsh(v.detach()), 0), -1));
});
/** Symmetric positive-definite matrices (symmetric, and the Cholesky factorisation succeeds). */
export const positiveDefinite = make("PositiveDefinite()", "PositiveDefinite", 2, (v) => {
  const sym = isSymmetric(v);
  if (!torch.all(square.check(v)).item()) return sym;
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
/**
 * The constraints `cseq` on consecutive slices of `dim`, of sizes `lengths` (each 1 by default), in
 * the way `torch.cat` joins them.
 */
export function cat(cseq: readonly Constraint[], dim = 0, lengths?: readonly number[]): Constraint {
  const lens = lengths ?? cseq.map(() => 1);
  if (lens.length !== cseq.length) throw new Error("cat: expected as many lengths as constraints");
  return make("Cat()", "Cat", Math.max(...cseq.map((c) => c.eventDim)), (v) => {
    let start = 0;
    const checks = cseq.map((c, i) => {
      const r = c.check(v.narrow(dim, start, lens[i]!));
      start += lens[i]!;
      return r;
    });
    return torch.cat(checks, dim);
  }, { cseq: [...cseq], dim, lengths: [...lens], isDiscrete: cseq.some((c) => c.isDiscrete) });
}
/** The constraints `cseq` on the slices of `dim`, one each, in the way `torch.stack` joins them. */
export function stack(cseq: readonly Constraint[], dim = 0): Constraint {
  const maxEvent = Math.max(...cseq.map((c) => c.eventDim));
  return make("Stack()", "Stack", dim + maxEvent < 0 ? maxEvent + 1 : maxEvent, (v) =>
    torch.stack(cseq.map((c, i) => c.check(v.select(dim, i))), dim), { cseq: [...cseq], dim, isDiscrete: cseq.some((c) => c.isDiscrete) });
}
