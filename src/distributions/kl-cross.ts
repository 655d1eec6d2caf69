/**
 * Closed forms of `KL(p ‖ q)` between distributions of different families
 * (PyTorch's `torch.distributions.kl` registers the same pairs).
 */
import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import type { Dirichlet } from "./dirichlet.js";
import type { Exponential } from "./exponential.js";
import type { Gamma } from "./gamma.js";
import { EULER_GAMMA, type Gumbel } from "./gumbel.js";
import type { Laplace } from "./laplace.js";
import type { Normal } from "./normal.js";
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
