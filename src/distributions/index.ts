/**
 * `torch.distributions`: probability distributions with sampling,
 * reparameterised sampling, log-densities, entropies and KL divergences,
 * following PyTorch's `torch.distributions` (names in camelCase, keyword
 * arguments as options objects).
 */
export { Distribution, type DistributionOptions, type SampleOptions } from "./distribution.js";
export * as constraints from "./constraints.js";
export { Normal } from "./normal.js";
export { Uniform } from "./uniform.js";
export { Bernoulli, type BernoulliParams } from "./bernoulli.js";
export { Categorical, type CategoricalParams } from "./categorical.js";
export { Exponential } from "./exponential.js";
export { Laplace } from "./laplace.js";
export { Independent } from "./independent.js";
export { MultivariateNormal, type MultivariateNormalParams } from "./multivariate-normal.js";
export * as kl from "./kl.js";
export { klDivergence } from "./kl.js";
