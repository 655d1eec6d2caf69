/**
 * `torch.distributions.transforms`: invertible maps with log-Jacobians, for
 * `TransformedDistribution` and for optimising constrained parameters
 * (`bijectTo`, `transformTo`).
 */
export { Transform, InverseTransform, type TransformOptions } from "./transform.js";
export {
  ExpTransform, PowerTransform, SigmoidTransform, SoftplusTransform, TanhTransform, AbsTransform, AffineTransform,
  type AffineTransformOptions,
} from "./elementwise.js";
export {
  SoftmaxTransform, StickBreakingTransform, LowerCholeskyTransform, PositiveDefiniteTransform, CorrCholeskyTransform,
  CumulativeDistributionTransform,
} from "./event.js";
export { ComposeTransform, identityTransform, IndependentTransform, ReshapeTransform, CatTransform, StackTransform } from "./structural.js";
