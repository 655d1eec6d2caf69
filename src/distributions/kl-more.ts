/**
 * Closed forms of `KL(p ‖ q)` for the pairs PyTorch registers with the
 * continuous Bernoulli, Pareto and low-rank multivariate normal.
 */
import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import type { Beta } from "./beta.js";
import type { ContinuousBernoulli } from "./continuous-bernoulli.js";
import type { Exponential } from "./exponential.js";
import type { Gamma } from "./gamma.js";
import { batchMahalanobis, type LowRankMultivariateNormal, lowrankLogdet, lowrankMahalanobis, solveLower, traceXXT } from "./lowrank-multivariate-normal.js";
import type { MultivariateNormal } from "./multivariate-normal.js";
import type { Normal } from "./normal.js";
import type { Pareto } from "./pareto.js";
import type { Uniform } from "./uniform.js";

/** `x log x`, as PyTorch's `_x_log_x` (NaN at 0, as there). */
const xLogX = (x: Tensor): Tensor => x.mul(x.log());

export function continuousBernoulliContinuousBernoulli(p: ContinuousBernoulli, q: ContinuousBernoulli): Tensor {
  const t1 = p.mean.mul(p.logits.sub(q.logits));
  const t2 = p.logNormalizer().add(torch.log1p(p.probs.neg()));
  const t3 = q.logNormalizer().add(torch.log1p(q.probs.neg())).neg();
  return t1.add(t2).add(t3);
}

/** `-H(p) - E_p[log q]` with q's log density `x logits + log1p(-probs) + log C`. */
export function betaContinuousBernoulli(p: Beta, q: ContinuousBernoulli): Tensor {
  return p.entropy().neg().sub(p.mean.mul(q.logits)).sub(torch.log1p(q.probs.neg())).sub(q.logNormalizer());
}

export function continuousBernoulliExponential(p: ContinuousBernoulli, q: Exponential): Tensor {
  return p.entropy().neg().sub(q.rate.log()).add(q.rate.mul(p.mean));
}

export function continuousBernoulliNormal(p: ContinuousBernoulli, q: Normal): Tensor {
  const t2 = q.loc.div(q.scale).square().add(Math.log(2 * Math.PI)).mul(0.5).add(q.scale.log());
  const t3 = p.variance.add(p.mean.square()).sub(q.loc.mul(p.mean).mul(2)).div(q.scale.square().mul(2));
  return p.entropy().neg().add(t2).add(t3);
}

/** Infinite where the interval does not strictly contain [0, 1] (PyTorch marks an end exactly at 0 or 1 infinite too). */
export function continuousBernoulliUniform(p: ContinuousBernoulli, q: Uniform): Tensor {
  const r = p.entropy().neg().add(q.high.sub(q.low).log());
  return torch.where(torch.logicalOr(torch.ge(q.low, 0), torch.le(q.high, 1)), Infinity, r);
}

/** Infinite where the interval reaches 0 or 1 (as PyTorch, ends included). */
export function uniformContinuousBernoulli(p: Uniform, q: ContinuousBernoulli): Tensor {
  const r = p.entropy().neg().sub(p.mean.mul(q.logits)).sub(torch.log1p(q.probs.neg())).sub(q.logNormalizer());
  return torch.where(torch.logicalOr(torch.ge(p.high, 1), torch.le(p.low, 0)), Infinity, r);
}

/** Infinite where p reaches below q's scale. */
export function paretoPareto(p: Pareto, q: Pareto): Tensor {
  const alphaRatio = q.alpha.div(p.alpha);
  const r = q.alpha.mul(p.scale.div(q.scale).log()).sub(alphaRatio.log()).add(alphaRatio).sub(1);
  return torch.where(torch.lt(p.scale, q.scale), Infinity, r);
}

/** Infinite where p has no mean (alpha <= 1). */
export function paretoExponential(p: Pareto, q: Exponential): Tensor {
  const prod = p.scale.mul(q.rate);
  const r = p.alpha.div(prod).log().sub(p.alpha.reciprocal()).add(p.alpha.mul(prod).div(p.alpha.sub(1))).sub(1);
  return torch.where(torch.le(p.alpha, 1), Infinity, r);
}

/** Infinite where p has no mean (alpha <= 1). */
export function paretoGamma(p: Pareto, q: Gamma): Tensor {
  const common = p.scale.log().add(p.alpha.reciprocal());
  const t1 = p.alpha.log().sub(common);
  const t2 = torch.lgamma(q.concentration).sub(q.concentration.mul(q.rate.log()));
  const t3 = torch.rsub(q.concentration, 1).mul(common);
  const t4 = q.rate.mul(p.alpha).mul(p.scale).div(p.alpha.sub(1));
  return torch.where(torch.le(p.alpha, 1), Infinity, t1.add(t2).add(t3).add(t4).sub(1));
}

/** Infinite where p has no variance (alpha <= 2). */
export function paretoNormal(p: Pareto, q: Normal): Tensor {
  const varNormal = q.scale.square().mul(2);
  const common = p.scale.div(p.alpha.sub(1));
  const t1 = q.scale.mul(p.alpha).div(p.scale).mul(Math.sqrt(2 * Math.PI)).log();
  const t2 = p.alpha.reciprocal();
  const t3 = p.alpha.mul(common.square()).div(p.alpha.sub(2));
  const t4 = p.alpha.mul(common).sub(q.loc).square();
  return torch.where(torch.le(p.alpha, 2), Infinity, t1.sub(t2).add(t3.add(t4).div(varNormal)).sub(1));
}

/** Infinite where the interval reaches below q's scale. */
export function uniformPareto(p: Uniform, q: Pareto): Tensor {
  const w = p.high.sub(p.low);
  const t1 = q.alpha.mul(q.scale.pow(q.alpha)).mul(w).log();
  const t2 = xLogX(p.high).sub(xLogX(p.low)).sub(w).div(w);
  return torch.where(torch.lt(p.low, q.scale), Infinity, t2.mul(q.alpha.add(1)).sub(t1));
}

const eventMismatch = (p: { eventShape: number[] }, q: { eventShape: number[] }, what: string): void => {
  // PyTorch's message has a run of spaces from a line continuation inside its string; one space here
  if (p.eventShape[0] !== q.eventShape[0]) throw new Error(`KL-divergence between two ${what} with different event shapes cannot be computed`);
};

export function lowrankLowrank(p: LowRankMultivariateNormal, q: LowRankMultivariateNormal): Tensor {
  eventMismatch(p, q, "Low Rank Multivariate Normals");
  const pp = p.lowRankParts, qq = q.lowRankParts;
  const term1 = lowrankLogdet(qq.w, qq.d, qq.capTril).sub(lowrankLogdet(pp.w, pp.d, pp.capTril));
  const term3 = lowrankMahalanobis(qq.w, qq.d, q.loc.sub(p.loc), qq.capTril);
  // tr(Σq⁻¹ Σp) with Σq⁻¹ = diag(1/qD) - AᵀA (Woodbury) and Σp = pD + pW pWᵀ
  const a = solveLower(qq.capTril, qq.w.transpose(-2, -1).div(qq.d.unsqueeze(-2)));
  const term21 = pp.d.div(qq.d).sum(-1);
  const term22 = traceXXT(pp.w.mul(qq.d.rsqrt().unsqueeze(-1)));
  const term23 = traceXXT(a.mul(pp.d.sqrt().unsqueeze(-2)));
  const term24 = traceXXT(a.matmul(pp.w));
  const term2 = term21.add(term22).sub(term23).sub(term24);
  return term1.add(term2).add(term3).sub(p.eventShape[0]!).mul(0.5);
}

export function multivariateNormalLowrank(p: MultivariateNormal, q: LowRankMultivariateNormal): Tensor {
  eventMismatch(p, q, "(Low Rank) Multivariate Normals");
  const qq = q.lowRankParts, pl = p.scaleTril;
  const term1 = lowrankLogdet(qq.w, qq.d, qq.capTril).sub(torch.diagonal(pl, 0, -2, -1).log().sum(-1).mul(2));
  const term3 = lowrankMahalanobis(qq.w, qq.d, q.loc.sub(p.loc), qq.capTril);
  const a = solveLower(qq.capTril, qq.w.transpose(-2, -1).div(qq.d.unsqueeze(-2)));
  const term21 = traceXXT(pl.mul(qq.d.rsqrt().unsqueeze(-1)));
  const term22 = traceXXT(a.matmul(pl));
  return term1.add(term21.sub(term22)).add(term3).sub(p.eventShape[0]!).mul(0.5);
}

export function lowrankMultivariateNormal(p: LowRankMultivariateNormal, q: MultivariateNormal): Tensor {
  eventMismatch(p, q, "(Low Rank) Multivariate Normals");
  const pp = p.lowRankParts, ql = q.scaleTril;
  const term1 = torch.diagonal(ql, 0, -2, -1).log().sum(-1).mul(2).sub(lowrankLogdet(pp.w, pp.d, pp.capTril));
  const term3 = batchMahalanobis(ql, q.loc.sub(p.loc));
  const term21 = traceXXT(solveLower(ql, pp.w));
  const term22 = traceXXT(solveLower(ql, torch.diagEmbed(pp.d.sqrt())));
  return term1.add(term21.add(term22)).add(term3).sub(p.eventShape[0]!).mul(0.5);
}
