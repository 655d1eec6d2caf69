/** KL divergences between pairs of distributions (PyTorch's `torch.distributions.kl`). */
import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import { broadcastShapes } from "../ops/core.js";
import { Bernoulli } from "./bernoulli.js";
import { Categorical } from "./categorical.js";
import { type Distribution, sumRightmost } from "./distribution.js";
import { Exponential } from "./exponential.js";
import { Independent } from "./independent.js";
import * as X from "./kl-cross.js";
import { Laplace } from "./laplace.js";
import { MultivariateNormal } from "./multivariate-normal.js";
import { Normal } from "./normal.js";
import { Uniform } from "./uniform.js";
import { Beta } from "./beta.js";
import { Binomial } from "./binomial.js";
import { Cauchy } from "./cauchy.js";
import { Dirichlet } from "./dirichlet.js";
import { Gamma } from "./gamma.js";
import { Geometric } from "./geometric.js";
import { EULER_GAMMA, Gumbel } from "./gumbel.js";
import { HalfNormal } from "./half-normal.js";
import { LogNormal } from "./log-normal.js";
import { OneHotCategorical } from "./one-hot-categorical.js";
import { Poisson } from "./poisson.js";
import { ContinuousBernoulli } from "./continuous-bernoulli.js";
import * as M from "./kl-more.js";
import { LowRankMultivariateNormal } from "./lowrank-multivariate-normal.js";
import { Pareto } from "./pareto.js";
import { TransformedDistribution } from "./transformed-distribution.js";

const softplus = (x: Tensor): Tensor => torch.nn.functional.softplus(x);

/** Any constructor of a distribution (each takes other arguments). */
type Ctor<T> = abstract new (...args: any[]) => T;
interface Entry {
  p: Ctor<Distribution>;
  q: Ctor<Distribution>;
  kl: (p: Distribution, q: Distribution) => Tensor;
}
const REGISTRY: Entry[] = [];
/** Registers the closed form of `KL(p ‖ q)` for `p` a `P` and `q` a `Q`. */
function register<P extends Distribution, Q extends Distribution>(p: Ctor<P>, q: Ctor<Q>, kl: (p: P, q: Q) => Tensor): void {
  REGISTRY.push({ p, q, kl: kl as Entry["kl"] });
}

register(Normal, Normal, (p, q) => {
  const varRatio = p.scale.div(q.scale).square();
  const t1 = p.loc.sub(q.loc).div(q.scale).square();
  return varRatio.add(t1).sub(1).sub(varRatio.log()).mul(0.5);
});
register(Categorical, Categorical, (p, q) => {
  let t = p.probs.mul(p.logits.sub(q.logits));
  const [qz, pz] = torch.broadcastTensors(torch.eq(q.probs, 0), torch.eq(p.probs, 0), t);
  t = torch.where(pz!, 0, torch.where(qz!, Infinity, t));
  return t.sum(-1);
});
register(Bernoulli, Bernoulli, (p, q) => {
  let t1 = p.probs.mul(softplus(q.logits.neg()).sub(softplus(p.logits.neg())));
  t1 = torch.where(torch.eq(p.probs, 0), 0, torch.where(torch.eq(q.probs, 0), Infinity, t1));
  let t2 = torch.rsub(p.probs, 1).mul(softplus(q.logits).sub(softplus(p.logits)));
  t2 = torch.where(torch.eq(p.probs, 1), 0, torch.where(torch.eq(q.probs, 1), Infinity, t2));
  return t1.add(t2);
});
register(Uniform, Uniform, (p, q) => {
  const r = q.high.sub(q.low).div(p.high.sub(p.low)).log();
  return torch.where(torch.logicalOr(torch.gt(q.low, p.low), torch.lt(q.high, p.high)), Infinity, r);
});
register(Exponential, Exponential, (p, q) => {
  const r = q.rate.div(p.rate);
  return torch.neg(r.log()).add(r).sub(1);
});
register(Laplace, Laplace, (p, q) => {
  const r = p.scale.div(q.scale);
  const d = p.loc.sub(q.loc).abs();
  return torch.neg(r.log()).add(d.div(q.scale)).add(r.mul(torch.exp(torch.neg(d.div(p.scale))))).sub(1);
});
register(MultivariateNormal, MultivariateNormal, (p, q) => {
  const n = p.eventShape[0]!;
  if (q.eventShape[0] !== n) throw new Error("KL-divergence between two Multivariate Normals with different event shapes cannot be computed");
  const batch = broadcastShapes(p.batchShape, q.batchShape, "kl_divergence");
  // ½ log|Σq| - ½ log|Σp| + ½ (tr(Σq⁻¹ Σp) + Mahalanobis(μq - μp) - n), through Lq⁻¹ (only Lq's lower triangle is read)
  const lq = torch.tril(q.scaleTril).expand([...batch, n, n]);
  const halfLogDet = (l: Tensor): Tensor => torch.diagonal(l, 0, -2, -1).log().sum(-1);
  const trace = torch.linalg.solve(lq, p.scaleTril.expand([...batch, n, n])).square().sum([-2, -1]);
  const diff = q.loc.sub(p.loc).expand([...batch, n]);
  const maha = torch.linalg.solve(lq, diff.unsqueeze(-1)).squeeze(-1).square().sum(-1);
  return halfLogDet(q.scaleTril).sub(halfLogDet(p.scaleTril)).add(trace.add(maha).sub(n).mul(0.5));
});
register(Independent, Independent, (p, q) => sumRightmost(klDivergence(p.baseDist, q.baseDist), p.reinterpretedBatchNdims));
// the transformed families (PyTorch's transformed-vs-transformed rule): the same map of both, so their bases' KL
register(LogNormal, LogNormal, (p, q) => klDivergence(p.baseDist, q.baseDist));
register(HalfNormal, HalfNormal, (p, q) => klDivergence(p.baseDist, q.baseDist));
register(OneHotCategorical, OneHotCategorical, (p, q) => klDivergence(p.categorical, q.categorical));
register(Gumbel, Gumbel, (p, q) => {
  const r = p.scale.div(q.scale), qLoc = q.loc.div(q.scale), pLoc = p.loc.div(q.scale);
  const t3 = torch.exp(qLoc.add(torch.lgamma(r.add(1))).sub(pLoc));
  return torch.neg(r.log()).sub(qLoc).add(pLoc).add(r.mul(EULER_GAMMA)).add(t3).sub(1 + EULER_GAMMA);
});
register(Cauchy, Cauchy, (p, q) => {
  const t1 = p.scale.add(q.scale).square().add(p.loc.sub(q.loc).square()).log();
  return t1.sub(p.scale.mul(q.scale).mul(4).log());
});
register(Poisson, Poisson, (p, q) => p.rate.mul(p.rate.log().sub(q.rate.log())).sub(p.rate.sub(q.rate)));
register(Geometric, Geometric, (p, q) => torch.neg(p.entropy()).sub(torch.log1p(torch.neg(q.probs)).div(p.probs)).sub(q.logits));
register(Binomial, Binomial, (p, q) => {
  // q with more trials than p is finite but has no closed form (PyTorch's NotImplementedError)
  if (torch.any(torch.lt(p.totalCount, q.totalCount)).item())
    throw new Error("KL between Binomials where q.total_count > p.total_count is not implemented");
  const kl = p.totalCount.mul(p.probs.mul(p.logits.sub(q.logits)).add(torch.log1p(torch.neg(p.probs))).sub(torch.log1p(torch.neg(q.probs))));
  // p reaches counts q cannot
  return torch.where(torch.gt(p.totalCount, q.totalCount), Infinity, kl);
});
register(Gamma, Gamma, (p, q) => {
  const t1 = q.concentration.mul(p.rate.div(q.rate).log());
  const t2 = torch.lgamma(q.concentration).sub(torch.lgamma(p.concentration));
  const t3 = p.concentration.sub(q.concentration).mul(torch.digamma(p.concentration));
  const t4 = q.rate.sub(p.rate).mul(p.concentration.div(p.rate));
  return t1.add(t2).add(t3).add(t4);
});
register(Dirichlet, Dirichlet, X.dirichletDirichlet);
register(Beta, Beta, (p, q) => X.dirichletDirichlet(p.dirichlet, q.dirichlet));
register(Exponential, Gamma, X.exponentialGamma);
register(Gamma, Exponential, (p, q) => X.gammaExponential(p, q));
register(Gumbel, Normal, X.gumbelNormal);
register(Exponential, Normal, X.exponentialNormal);
register(Laplace, Normal, X.laplaceNormal);
register(Normal, Laplace, X.normalLaplace);
register(Uniform, Normal, X.uniformNormal);
register(Uniform, Exponential, X.uniformExponential);
register(Exponential, Uniform, (p) => X.infinite(p.rate));
register(Laplace, Exponential, (p) => X.infinite(p.loc));
register(Laplace, Uniform, (p) => X.infinite(p.loc));
register(Normal, Exponential, (p) => X.infinite(p.loc));
register(Normal, Uniform, (p) => X.infinite(p.loc));
register(Bernoulli, Poisson, X.bernoulliPoisson);
register(Beta, Exponential, X.betaExponential);
register(Beta, Gamma, X.betaGamma);
register(Beta, Normal, X.betaNormal);
register(Beta, Uniform, X.betaUniform);
register(Exponential, Gumbel, X.exponentialGumbel);
register(Gamma, Gumbel, X.gammaGumbel);
register(Gamma, Normal, X.gammaNormal);
register(Normal, Gumbel, X.normalGumbel);
register(Uniform, Beta, X.uniformBeta);
register(Uniform, Gamma, X.uniformGamma);
register(Uniform, Gumbel, X.uniformGumbel);
// p puts mass outside q's support
register(Exponential, Beta, (p) => X.infinite(p.rate));
register(Gamma, Beta, (p) => X.infinite(p.concentration));
register(Gamma, Uniform, (p) => X.infinite(p.concentration));
register(Gumbel, Beta, (p) => X.infinite(p.loc));
register(Gumbel, Exponential, (p) => X.infinite(p.loc));
register(Gumbel, Gamma, (p) => X.infinite(p.loc));
register(Gumbel, Uniform, (p) => X.infinite(p.loc));
register(Laplace, Beta, (p) => X.infinite(p.loc));
register(Laplace, Gamma, (p) => X.infinite(p.loc));
register(Normal, Beta, (p) => X.infinite(p.loc));
register(Normal, Gamma, (p) => X.infinite(p.loc));
register(Poisson, Bernoulli, (p) => X.infinite(p.rate));
register(Poisson, Binomial, (p) => X.infinite(p.rate));
// the continuous Bernoulli, Pareto and low-rank normal pairs
register(ContinuousBernoulli, ContinuousBernoulli, M.continuousBernoulliContinuousBernoulli);
register(LowRankMultivariateNormal, LowRankMultivariateNormal, M.lowrankLowrank);
register(MultivariateNormal, LowRankMultivariateNormal, M.multivariateNormalLowrank);
register(LowRankMultivariateNormal, MultivariateNormal, M.lowrankMultivariateNormal);
register(Pareto, Pareto, M.paretoPareto);
register(Beta, ContinuousBernoulli, M.betaContinuousBernoulli);
register(ContinuousBernoulli, Exponential, M.continuousBernoulliExponential);
register(ContinuousBernoulli, Normal, M.continuousBernoulliNormal);
register(ContinuousBernoulli, Uniform, M.continuousBernoulliUniform);
register(Pareto, Exponential, M.paretoExponential);
register(Pareto, Gamma, M.paretoGamma);
register(Pareto, Normal, M.paretoNormal);
register(Uniform, ContinuousBernoulli, M.uniformContinuousBernoulli);
register(Uniform, Pareto, M.uniformPareto);
register(Beta, Pareto, (p) => X.infinite(p.concentration1));
register(ContinuousBernoulli, Pareto, (p) => X.infinite(p.probs));
register(Exponential, ContinuousBernoulli, (p) => X.infinite(p.rate));
register(Exponential, Pareto, (p) => X.infinite(p.rate));
register(Gamma, ContinuousBernoulli, (p) => X.infinite(p.concentration));
register(Gamma, Pareto, (p) => X.infinite(p.concentration));
register(Gumbel, ContinuousBernoulli, (p) => X.infinite(p.loc));
register(Gumbel, Pareto, (p) => X.infinite(p.loc));
register(Laplace, ContinuousBernoulli, (p) => X.infinite(p.loc));
register(Laplace, Pareto, (p) => X.infinite(p.loc));
register(Normal, ContinuousBernoulli, (p) => X.infinite(p.loc));
register(Normal, Pareto, (p) => X.infinite(p.loc));
register(Pareto, Beta, (p) => X.infinite(p.scale));
register(Pareto, ContinuousBernoulli, (p) => X.infinite(p.scale));
register(Pareto, Uniform, (p) => X.infinite(p.scale));
// the same transforms of two bases: their bases' KL (Weibull, Kumaraswamy, LogisticNormal, … of equal
// transform parameters; PyTorch raises a NotImplementedError without a message otherwise)
register(TransformedDistribution, TransformedDistribution, (p, q) => {
  const same = p.transforms.length === q.transforms.length && p.transforms.every((t, i) => t.equals(q.transforms[i]!));
  if (!same || p.eventShape.length !== q.eventShape.length || p.eventShape.some((d, i) => d !== q.eventShape[i]))
    throw new Error(`No KL(p || q) is implemented for p type ${p.constructor.name} and q type ${q.constructor.name} with different transforms or event shapes`);
  return klDivergence(p.baseDist, q.baseDist);
});

/** The classes PyTorch derives from `ExponentialFamily`: its KL between two different ones is refused with its own message. */
const EXPONENTIAL_FAMILIES: Ctor<Distribution>[] = [Bernoulli, ContinuousBernoulli, Exponential, Normal, Gamma, Beta, Dirichlet, Poisson];

/** How far a class is from `Distribution` (its prototype chain's length): deeper is more specific. */
function depth(c: Ctor<Distribution>): number {
  let n = 0;
  for (let p: unknown = c.prototype; p !== null; p = Object.getPrototypeOf(p)) n++;
  return n;
}
const isExponentialFamily = (d: Distribution): boolean => EXPONENTIAL_FAMILIES.some((c) => d instanceof c);

/**
 * `KL(p ‖ q) = E_p[log p(x) - log q(x)]`, of the broadcast batch shape, for
 * each family against itself (Normal, Categorical, Bernoulli, Uniform,
 * Exponential, Laplace, MultivariateNormal, and Independent with the same
 * reinterpreted dims: the sum of the base distributions' KL over them, a
 * VAE's diagonal-Gaussian KL term), and the cross-family pairs PyTorch has:
 * Exponential, Laplace or Uniform against Normal, Normal against Laplace,
 * Uniform against Exponential, and the infinite ones, where `p` puts mass
 * outside `q`'s support (Normal or Laplace against Exponential or Uniform,
 * Exponential against Uniform). Also LogNormal, HalfNormal, Cauchy, Gumbel,
 * Poisson, Geometric, Binomial (q with at most p's trials), OneHotCategorical,
 * Gamma, Beta and Dirichlet against themselves, Exponential against Gamma and
 * back, and Gumbel against Normal; Beta against Exponential, Gamma, Normal
 * and Uniform, Exponential, Gamma, Normal and Uniform against Gumbel, Gamma
 * against Normal, Uniform against Beta and Gamma, Bernoulli against Poisson,
 * and the infinite ones (Exponential, Gamma, Gumbel, Laplace or Normal against
 * a Beta, Gumbel, Laplace or Normal against Gamma, Gumbel against Exponential
 * or Uniform, Gamma against Uniform, Poisson against Bernoulli or Binomial).
 * And ContinuousBernoulli, Pareto and LowRankMultivariateNormal against
 * themselves, the low-rank normal against MultivariateNormal and back, Beta and
 * Uniform against ContinuousBernoulli and back (from ContinuousBernoulli also to
 * Exponential and Normal), Pareto against Exponential, Gamma and Normal, Uniform
 * against Pareto, the infinite pairs with them, and two transformed
 * distributions with equal transforms (their bases' KL). Subclasses take their
 * parents' pairs (Chi2 is a Gamma), the most specific pair winning as in
 * PyTorch. Other pairs throw PyTorch's NotImplementedError message.
 *
 * @example
 * const p = new torch.distributions.Normal(0, 1), q = new torch.distributions.Normal(1, 2);
 * torch.distributions.kl.klDivergence(p, q); // 0.4431…
 */
export function klDivergence(p: Distribution, q: Distribution): Tensor {
  const independentMismatch = p instanceof Independent && q instanceof Independent && p.reinterpretedBatchNdims !== q.reinterpretedBatchNdims;
  // the most specific registered pair, as PyTorch's dispatch: the most derived p class, then q class
  // (Chi2 takes Gamma's pairs; Pareto–Pareto wins over the transformed-distribution rule)
  const matches = independentMismatch ? [] : REGISTRY.filter((e) => p instanceof e.p && q instanceof e.q);
  const entry = matches.sort((a, b) => depth(b.p) - depth(a.p) || depth(b.q) - depth(a.q))[0];
  if (entry !== undefined) return entry.kl(p, q);
  // PyTorch's message has a run of spaces from a line continuation inside its string; one space here
  if (isExponentialFamily(p) && isExponentialFamily(q))
    throw new Error("The cross KL-divergence between different exponential families cannot be computed using Bregman divergences");
  throw new Error(`No KL(p || q) is implemented for p type ${p.constructor.name} and q type ${q.constructor.name}`);
}
