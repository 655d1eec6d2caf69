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
export type { ProbsOrLogits } from "./binary-params.js";
export { Categorical, type CategoricalParams } from "./categorical.js";
export { Exponential } from "./exponential.js";
export { Laplace } from "./laplace.js";
export { Independent } from "./independent.js";
export { MultivariateNormal, type MultivariateNormalParams } from "./multivariate-normal.js";
export * as kl from "./kl.js";
export { klDivergence } from "./kl.js";
export { LogNormal } from "./log-normal.js";
export { HalfNormal } from "./half-normal.js";
export { Cauchy } from "./cauchy.js";
export { Gumbel } from "./gumbel.js";
export { StudentT } from "./student-t.js";
export { Poisson } from "./poisson.js";
export { Geometric, type GeometricParams } from "./geometric.js";
export { Binomial, type BinomialParams } from "./binomial.js";
export { OneHotCategorical } from "./one-hot-categorical.js";
export { Gamma } from "./gamma.js";
export { Beta } from "./beta.js";
export { Dirichlet } from "./dirichlet.js";
export * as transforms from "./transforms/index.js";
export { bijectTo, transformTo, type ConstraintRegistry, type TransformFactory } from "./constraint-registry.js";
export { TransformedDistribution } from "./transformed-distribution.js";
export { Weibull } from "./weibull.js";
export { Pareto } from "./pareto.js";
export { Kumaraswamy } from "./kumaraswamy.js";
export { LogisticNormal } from "./logistic-normal.js";
export { LogitRelaxedBernoulli, RelaxedBernoulli } from "./relaxed-bernoulli.js";
export { ExpRelaxedCategorical, RelaxedOneHotCategorical } from "./relaxed-categorical.js";
export { ContinuousBernoulli, type ContinuousBernoulliOptions } from "./continuous-bernoulli.js";
export { Chi2 } from "./chi2.js";
export { FisherSnedecor } from "./fisher-snedecor.js";
export { VonMises } from "./von-mises.js";
export { NegativeBinomial, type NegativeBinomialParams } from "./negative-binomial.js";
export { Multinomial } from "./multinomial.js";
export { MixtureSameFamily } from "./mixture-same-family.js";
export { LowRankMultivariateNormal } from "./lowrank-multivariate-normal.js";
