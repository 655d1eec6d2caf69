/** KL divergences between pairs of distributions (PyTorch's `torch.distributions.kl`). */
import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import { Bernoulli } from "./bernoulli.js";
import { Categorical } from "./categorical.js";
import { type Distribution, sumRightmost } from "./distribution.js";
import { Independent } from "./independent.js";
import { Normal } from "./normal.js";
import { Uniform } from "./uniform.js";

const softplus = (x: Tensor): Tensor => torch.nn.functional.softplus(x);

/**
 * `KL(p ‖ q) = E_p[log p(x) - log q(x)]`, of the batch shape, for
 * Normal–Normal, Categorical–Categorical, Bernoulli–Bernoulli,
 * Uniform–Uniform (infinite where `p` puts mass outside `q`'s support), and
 * Independent–Independent with the same reinterpreted dims (the sum of the
 * base distributions' KL over them: a VAE's diagonal-Gaussian KL term).
 * Other pairs throw PyTorch's NotImplementedError message.
 *
 * @example
 * const p = new torch.distributions.Normal(0, 1), q = new torch.distributions.Normal(1, 2);
 * torch.distributions.kl.klDivergence(p, q); // 0.4431…
 */
export function klDivergence(p: Distribution, q: Distribution): Tensor {
  if (p instanceof Normal && q instanceof Normal) {
    const varRatio = p.scale.div(q.scale).square();
    const t1 = p.loc.sub(q.loc).div(q.scale).square();
    return varRatio.add(t1).sub(1).sub(varRatio.log()).mul(0.5);
  }
  if (p instanceof Categorical && q instanceof Categorical) {
    let t = p.probs.mul(p.logits.sub(q.logits));
    const [qz, pz] = torch.broadcastTensors(torch.eq(q.probs, 0), torch.eq(p.probs, 0), t);
    t = torch.where(pz!, 0, torch.where(qz!, Infinity, t));
    return t.sum(-1);
  }
  if (p instanceof Bernoulli && q instanceof Bernoulli) {
    let t1 = p.probs.mul(softplus(q.logits.neg()).sub(softplus(p.logits.neg())));
    t1 = torch.where(torch.eq(p.probs, 0), 0, torch.where(torch.eq(q.probs, 0), Infinity, t1));
    let t2 = torch.rsub(p.probs, 1).mul(softplus(q.logits).sub(softplus(p.logits)));
    t2 = torch.where(torch.eq(p.probs, 1), 0, torch.where(torch.eq(q.probs, 1), Infinity, t2));
    return t1.add(t2);
  }
  if (p instanceof Uniform && q instanceof Uniform) {
    const r = q.high.sub(q.low).div(p.high.sub(p.low)).log();
    return torch.where(torch.logicalOr(torch.gt(q.low, p.low), torch.lt(q.high, p.high)), Infinity, r);
  }
  if (p instanceof Independent && q instanceof Independent && p.reinterpretedBatchNdims === q.reinterpretedBatchNdims)
    return sumRightmost(klDivergence(p.baseDist, q.baseDist), p.reinterpretedBatchNdims);
  throw new Error(`No KL(p || q) is implemented for p type ${p.constructor.name} and q type ${q.constructor.name}`);
}
