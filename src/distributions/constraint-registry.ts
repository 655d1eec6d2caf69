/**
 * PyTorch's `biject_to` and `transform_to` registries: from a constraint to a
 * transform that maps unconstrained reals onto it, for optimising constrained
 * parameters in an unconstrained space.
 */
import * as torch from "../index.js";
import type { Constraint, ConstraintKind } from "./constraints.js";
import { ExpTransform, AffineTransform, SigmoidTransform } from "./transforms/elementwise.js";
import { CorrCholeskyTransform, LowerCholeskyTransform, PositiveDefiniteTransform, SoftmaxTransform, StickBreakingTransform } from "./transforms/event.js";
import { CatTransform, ComposeTransform, identityTransform, IndependentTransform, StackTransform } from "./transforms/structural.js";
import type { Transform } from "./transforms/transform.js";

/** Makes the transform for one constraint of a registered kind. */
export type TransformFactory = (constraint: Constraint) => Transform;

/**
 * A registry of transforms by constraint kind, callable on a constraint (PyTorch's
 * `ConstraintRegistry`): `registry(c)` is the transform registered for `c.kind`, made for `c`.
 */
export interface ConstraintRegistry {
  (constraint: Constraint): Transform;
  /** Registers (or replaces) the factory for a constraint's kind, or for a kind by name. */
  register(constraint: Constraint | ConstraintKind, factory: TransformFactory): TransformFactory;
}

function makeRegistry(): ConstraintRegistry {
  const table = new Map<ConstraintKind, TransformFactory>();
  const registry = ((constraint: Constraint): Transform => {
    const factory = table.get(constraint.kind);
    // PyTorch names the constraint's (private) class
    if (factory === undefined) throw new Error(`Cannot transform _${constraint.kind} constraints`);
    return factory(constraint);
  }) as ConstraintRegistry;
  registry.register = (constraint, factory) => {
    table.set(typeof constraint === "string" ? constraint : constraint.kind, factory);
    return factory;
  };
  return registry;
}

/**
 * A bijective transform from unconstrained reals onto the constraint's set (suited to HMC, where
 * the Jacobian matters). The real half line, the intervals and the simplex map through exp,
 * sigmoid and stick breaking.
 *
 * @example
 * const t = torch.distributions.bijectTo(torch.distributions.constraints.positive);
 * t.call(torch.tensor([0])); // [1]
 */
export const bijectTo: ConstraintRegistry = makeRegistry();
/**
 * A transform from unconstrained reals onto the constraint's set, not necessarily bijective
 * (suited to optimisation): as `bijectTo`, but softmax onto the simplex, and also onto lower
 * Cholesky factors and positive-(semi)definite matrices.
 *
 * @example
 * const t = torch.distributions.transformTo(torch.distributions.constraints.simplex);
 * t.call(torch.zeros([3])); // [1/3, 1/3, 1/3]
 */
export const transformTo: ConstraintRegistry = makeRegistry();

const both = (kinds: ConstraintKind[], factory: TransformFactory): void => {
  for (const k of kinds) {
    bijectTo.register(k, factory);
    transformTo.register(k, factory);
  }
};

const bound = (c: Constraint, key: "lowerBound" | "upperBound"): NonNullable<Constraint["lowerBound"]> => c[key]!;

both(["Real"], () => identityTransform);
bijectTo.register("IndependentConstraint", (c) => new IndependentTransform(bijectTo(c.baseConstraint!), c.reinterpretedBatchNdims!));
transformTo.register("IndependentConstraint", (c) => new IndependentTransform(transformTo(c.baseConstraint!), c.reinterpretedBatchNdims!));
// (positive and nonnegative are GreaterThan(0) and GreaterThanEq(0): PyTorch's later registration for
// greater_than replaces its exp-only one for them, so they map through exp then a shift by 0)
both(["GreaterThan", "GreaterThanEq"], (c) => new ComposeTransform([new ExpTransform(), new AffineTransform(bound(c, "lowerBound"), 1)]));
both(["LessThan"], (c) => new ComposeTransform([new ExpTransform(), new AffineTransform(bound(c, "upperBound"), -1)]));
both(["Interval", "HalfOpenInterval"], (c) => {
  const lo = bound(c, "lowerBound"), hi = bound(c, "upperBound");
  if (lo === 0 && hi === 1) return new SigmoidTransform();
  const scale = typeof hi === "number" && typeof lo === "number" ? hi - lo : torch.sub(hi, lo);
  return new ComposeTransform([new SigmoidTransform(), new AffineTransform(lo, scale)]);
});
bijectTo.register("Simplex", () => new StickBreakingTransform());
transformTo.register("Simplex", () => new SoftmaxTransform());
transformTo.register("LowerCholesky", () => new LowerCholeskyTransform());
transformTo.register("PositiveDefinite", () => new PositiveDefiniteTransform());
transformTo.register("PositiveSemidefinite", () => new PositiveDefiniteTransform());
both(["CorrCholesky"], () => new CorrCholeskyTransform());
bijectTo.register("Cat", (c) => new CatTransform(c.cseq!.map((x) => bijectTo(x)), c.dim, c.lengths));
transformTo.register("Cat", (c) => new CatTransform(c.cseq!.map((x) => transformTo(x)), c.dim, c.lengths));
bijectTo.register("Stack", (c) => new StackTransform(c.cseq!.map((x) => bijectTo(x)), c.dim));
transformTo.register("Stack", (c) => new StackTransform(c.cseq!.map((x) => transformTo(x)), c.dim));
