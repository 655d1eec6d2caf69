/**
 * Closed forms of `KL(p ‖ q)` between distributions of different families
 * (PyTorch's `torch.distributions.kl` registers the same pairs).
 */
import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import type { Bernoulli } from "./bernoulli.js";
import type { Beta } from "./beta.js";
import type { Dirichlet } from "./dirichlet.js";
import type { Exponential } from "./exponential.js";
import type { Gamma } from "./gamma.js";
import { EULER_GAMMA, type Gumbel } from "./gumbel.js";
import type { Laplace } from "./laplace.js";
import type { Normal } from "./normal.js";
import type { Poisson } from "./poisson.js";
import type { Uniform } from "./uniform.js";

/**
 * Infinite everywhere: `p` puts mass where `q` has none (a density on the
 * reals against one on `[0, ∞)` or an interval). Like PyTorch, of the shape of
 * `p`'s parameter (`q` does not broadcast into it) and without gradient.
 */
export const infinite = (pParam: Tensor): Tensor => torch.fullLike(pParam, Infinity);

/*
 * Against a normal q, KL(p ‖ q) = -H(p) + log(√(2π) σ) + E_p[(x - μ)²] / (2σ²),
 * with E_p[(x - μ)²] = var_p + (mean_p - μ)²: exponentialNormal, laplaceNormal and
 * uniformNormal are that, expanded.
 */

export function exponentialNormal(p: Exponential, q: Normal): Tensor {
  const v = q.scale.square();
  const t1 = p.rate.square().mul(v).mul(2 * Math.PI).log().mul(0.5);
  // E_p[(x - μ)²] / 2 with mean 1/λ and variance 1/λ²: 1/λ² - μ/λ + μ²/2
  const t2 = p.rate.pow(-2).sub(q.loc.div(p.rate)).add(q.loc.square().mul(0.5));
  return t1.sub(1).add(t2.div(v));
}

export function laplaceNormal(p: Laplace, q: Normal): Tensor {
  const v = q.scale.square();
  const r = p.scale.square().div(v);
  const t1 = r.mul(2 / Math.PI).log().mul(0.5);
  return torch.neg(t1).add(r).add(p.loc.sub(q.loc).square().mul(0.5).div(v)).sub(1);
}

/** `E_p|x - m|` for a normal `p` is `σ √(2/π) exp(-z²/2) + d erf(z/√2)`, `d = μ - m`, `z = d/σ`. */
export function normalLaplace(p: Normal, q: Laplace): Tensor {
  const d = p.loc.sub(q.loc);
  const z = d.div(p.scale);
  const absMean = p.scale.mul(Math.sqrt(2 / Math.PI)).mul(torch.exp(z.square().mul(-0.5))).add(d.mul(torch.erf(z.mul(Math.SQRT1_2))));
  return torch.neg(p.scale.div(q.scale).log()).add(absMean.div(q.scale)).sub(0.5 * (1 + Math.log(0.5 * Math.PI)));
}

export function uniformNormal(p: Uniform, q: Normal): Tensor {
  const w = p.high.sub(p.low);
  const t1 = q.scale.mul(Math.sqrt(2 * Math.PI)).div(w).log();
  // E_p[(x - μ)²] = w²/12 + (midpoint - μ)²
  const t2 = w.square().div(12).add(p.high.add(p.low).div(2).sub(q.loc).square());
  return t1.add(t2.mul(0.5).div(q.scale.square()));
}

/** Infinite where the uniform reaches below 0, outside the exponential's support (broadcast, where PyTorch 1.13 and 2.x raise an IndexError unless `p`'s shape is the broadcast one). */
export function uniformExponential(p: Uniform, q: Exponential): Tensor {
  const r = q.rate.mul(p.high.add(p.low)).div(2).sub(p.high.sub(p.low).mul(q.rate).log());
  return torch.where(torch.lt(p.low, 0), Infinity, r);
}

/** Between Dirichlets (and Betas, the two-coordinate Dirichlets). */
export function dirichletDirichlet(p: Dirichlet, q: Dirichlet): Tensor {
  const a = p.concentration, b = q.concentration, sa = a.sum(-1), sb = b.sum(-1);
  const t1 = torch.lgamma(sa).sub(torch.lgamma(sb));
  const t2 = torch.lgamma(a).sub(torch.lgamma(b)).sum(-1);
  const t4 = torch.digamma(a).sub(torch.digamma(sa).unsqueeze(-1));
  return t1.sub(t2).add(a.sub(b).mul(t4).sum(-1));
}

/** An exponential is a Gamma(1, rate): the Gamma–Gamma formula with p's concentration 1 (ψ(1) = -γ). */
export function exponentialGamma(p: Exponential, q: Gamma): Tensor {
  const ratio = q.rate.div(p.rate);
  const t1 = torch.neg(q.concentration.mul(torch.log(ratio)));
  return t1.add(ratio).add(torch.lgamma(q.concentration)).add(q.concentration.mul(EULER_GAMMA)).sub(1 + EULER_GAMMA);
}

/** Against Exponential(λ) = Gamma(1, λ): -H(p) - log λ + λ E_p[x]. */
export function gammaExponential(p: Gamma, q: Exponential): Tensor {
  return torch.neg(p.entropy()).sub(q.rate.log()).add(q.rate.mul(p.concentration).div(p.rate));
}

/** E_p[x] and E_p[x²] of the Gumbel in closed form, against the normal's quadratic. */
export function gumbelNormal(p: Gumbel, q: Normal): Tensor {
  const scaleRatio = p.scale.div(q.scale);
  const t1 = scaleRatio.div(Math.sqrt(2 * Math.PI)).log();
  const t2 = p.loc.sub(q.loc).div(q.scale);
  const t3 = scaleRatio.square().mul((Math.PI * Math.PI) / 12).add(t2.add(scaleRatio.mul(EULER_GAMMA)).square().mul(0.5));
  return torch.neg(t1).add(t3).sub(1 + EULER_GAMMA);
}

/** `x log x`, as PyTorch's `_x_log_x` (NaN at 0, as there). */
const xLogX = (x: Tensor): Tensor => x.mul(x.log());

/** Against Poisson(λ): -H(p) - (p log λ - λ). */
export function bernoulliPoisson(p: Bernoulli, q: Poisson): Tensor {
  return torch.neg(p.entropy()).sub(p.probs.mul(q.rate.log()).sub(q.rate));
}

/** The Beta's mean α / (α + β). */
const betaMean = (p: Beta): Tensor => p.concentration1.div(p.concentration1.add(p.concentration0));

export function betaExponential(p: Beta, q: Exponential): Tensor {
  return torch.neg(p.entropy()).sub(q.rate.log()).add(q.rate.mul(betaMean(p)));
}

/** `E_p[log x] = ψ(α) - ψ(α + β)` and `E_p[x]` against the Gamma's log density. */
export function betaGamma(p: Beta, q: Gamma): Tensor {
  const a = p.concentration1, b = p.concentration0;
  const t2 = torch.lgamma(q.concentration).sub(q.concentration.mul(q.rate.log()));
  const t3 = q.concentration.sub(1).mul(torch.digamma(a).sub(torch.digamma(a.add(b))));
  const t4 = q.rate.mul(a).div(a.add(b));
  return torch.neg(p.entropy()).add(t2).sub(t3).add(t4);
}

export function betaNormal(p: Beta, q: Normal): Tensor {
  const m = betaMean(p), v = q.scale.square();
  const t2 = v.mul(2 * Math.PI).log().mul(0.5);
  // E_p[x²] / 2 = (var + mean²) / 2
  const t3 = m.mul(torch.rsub(m, 1)).div(p.concentration1.add(p.concentration0).add(1)).add(m.square()).mul(0.5);
  return torch.neg(p.entropy()).add(t2).add(t3.sub(q.loc.mul(m)).add(q.loc.square().mul(0.5)).div(v));
}

/** Infinite where the interval does not hold [0, 1] (broadcast, where PyTorch indexes in place with q's mask). */
export function betaUniform(p: Beta, q: Uniform): Tensor {
  const r = torch.neg(p.entropy()).add(q.high.sub(q.low).log());
  return torch.where(torch.logicalOr(torch.gt(q.low, 0), torch.lt(q.high, 1)), Infinity, r);
}

export function exponentialGumbel(p: Exponential, q: Gumbel): Tensor {
  const prod = p.rate.mul(q.scale), locRatio = q.loc.div(q.scale);
  const t2 = torch.exp(locRatio).mul(prod).div(prod.add(1));
  return prod.log().sub(1).sub(locRatio).add(t2).add(prod.reciprocal());
}

export function gammaGumbel(p: Gamma, q: Gumbel): Tensor {
  const a = p.concentration, prod = p.rate.mul(q.scale), locRatio = q.loc.div(q.scale);
  const t1 = a.sub(1).mul(torch.digamma(a)).sub(torch.lgamma(a)).sub(a);
  const t2 = prod.log().add(a.div(prod));
  const t3 = torch.exp(locRatio).mul(torch.pow(prod.reciprocal().add(1), torch.neg(a))).sub(locRatio);
  return t1.add(t2).add(t3);
}

export function gammaNormal(p: Gamma, q: Normal): Tensor {
  const a = p.concentration, v = q.scale.square(), b2 = p.rate.square();
  const t1 = b2.mul(v).mul(2 * Math.PI).log().mul(0.5).sub(a).sub(torch.lgamma(a));
  // E_p[x²] / 2 = (α² + α) / (2β²), E_p[x] = α / β
  const t2 = a.square().add(a).mul(0.5).div(b2);
  const t3 = q.loc.mul(a).div(p.rate);
  return t1.add(a.sub(1).mul(torch.digamma(a))).add(t2.sub(t3).add(q.loc.square().mul(0.5)).div(v));
}

export function normalGumbel(p: Normal, q: Gumbel): Tensor {
  const meanRatio = p.loc.div(q.scale), varRatio = p.scale.div(q.scale).square(), locRatio = q.loc.div(q.scale);
  const t3 = torch.exp(torch.neg(meanRatio).add(varRatio.mul(0.5)).add(locRatio));
  return torch.neg(varRatio.log().mul(0.5)).add(meanRatio.sub(locRatio)).add(t3).sub(0.5 * (1 + Math.log(2 * Math.PI)));
}

/** Infinite where the interval leaves [0, 1]; `x log x` is NaN at an end exactly at 0 or 1, as in PyTorch. */
export function uniformBeta(p: Uniform, q: Beta): Tensor {
  const w = p.high.sub(p.low);
  const t2 = q.concentration1.sub(1).mul(xLogX(p.high).sub(xLogX(p.low)).sub(w)).div(w);
  const t3 = q.concentration0.sub(1).mul(xLogX(torch.rsub(p.high, 1)).sub(xLogX(torch.rsub(p.low, 1))).add(w)).div(w);
  const t4 = torch.lgamma(q.concentration1).add(torch.lgamma(q.concentration0)).sub(torch.lgamma(q.concentration1.add(q.concentration0)));
  const r = t3.add(t4).sub(w.log()).sub(t2);
  return torch.where(torch.logicalOr(torch.gt(p.high, 1), torch.lt(p.low, 0)), Infinity, r);
}

/** Infinite where the interval reaches below 0. */
export function uniformGamma(p: Uniform, q: Gamma): Tensor {
  const w = p.high.sub(p.low);
  const t2 = torch.lgamma(q.concentration).sub(q.concentration.mul(q.rate.log()));
  const t3 = torch.rsub(q.concentration, 1).mul(xLogX(p.high).sub(xLogX(p.low)).sub(w)).div(w);
  const t4 = q.rate.mul(p.high.add(p.low)).div(2);
  const r = torch.neg(w.log()).add(t2).add(t3).add(t4);
  return torch.where(torch.lt(p.low, 0), Infinity, r);
}

export function uniformGumbel(p: Uniform, q: Gumbel): Tensor {
  const c = q.scale.div(p.high.sub(p.low));
  const hi = p.high.sub(q.loc).div(q.scale), lo = p.low.sub(q.loc).div(q.scale);
  const t1 = c.log().add(hi.add(lo).mul(0.5));
  return t1.sub(c.mul(torch.exp(torch.neg(hi)).sub(torch.exp(torch.neg(lo)))));
}
