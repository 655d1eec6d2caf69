/**
 * The probs / logits pair of a distribution over a binary event (Bernoulli,
 * Geometric, Binomial): exactly one is given, and the other follows as
 * PyTorch's probs_to_logits(is_binary=True) / logits_to_probs do, with probs
 * clamped one epsilon inside (0, 1) so the logits stay finite.
 */
import * as torch from "../index.js";
import type { Tensor } from "../index.js";

/** Machine epsilon of the dtype (PyTorch clamps probabilities to `[eps, 1 - eps]` before taking logs). */
export const epsOf = (t: Tensor): number => (t.dtype === "float64" ? 2.220446049250313e-16 : 1.1920928955078125e-7);

/** Exactly one of `probs` (the success probability) or `logits` (its log-odds), tensors or numbers. */
export type ProbsOrLogits = { probs: Tensor | number; logits?: undefined } | { logits: Tensor | number; probs?: undefined };

/** Which of probs / logits was given; PyTorch's error unless exactly one. */
export function givenParam(params: { probs?: unknown; logits?: unknown }): "probs" | "logits" {
  if ((params.probs === undefined) === (params.logits === undefined)) throw new Error("Either `probs` or `logits` must be specified, but not both.");
  return params.probs !== undefined ? "probs" : "logits";
}

/** Both parameterisations from the (broadcast) one that was given. */
export function binaryProbsLogits(given: "probs" | "logits", p: Tensor): { probs: Tensor; logits: Tensor } {
  if (given === "logits") return { probs: p.sigmoid(), logits: p };
  const e = epsOf(p), c = p.clamp(e, 1 - e);
  return { probs: p, logits: c.log().sub(torch.log1p(torch.neg(c))) };
}
