/**
 * `F.ctcLoss`: the Connectionist Temporal Classification loss, PyTorch's
 * composite around the `_ctc_loss` kernel (src/ops/ctc.ts): the unbatched
 * form, `zeroInfinity` (a `where` that zeroes infinite losses and so their
 * gradients), and the reductions ("mean" divides each loss by its target
 * length, at least 1, before the batch mean).
 */
import { shapeStr } from "../ops/core.js";
import { ctcLossCore } from "../ops/ctc.js";
import { div, eq, where } from "../ops/elementwise.js";
import { fromTypedArray } from "../ops/factories.js";
import { mean, sum } from "../ops/reduce.js";
import { squeeze, unsqueeze } from "../ops/views.js";
import { Tensor } from "../tensor/tensor.js";
import { checkReduction, type ReductionOptions } from "./loss-utils.js";

export interface CtcLossOptions extends ReductionOptions {
  /** The blank label (default 0). */
  blank?: number;
  /** Zeroes infinite losses (inputs too short for their targets) and their gradients (default false). */
  zeroInfinity?: boolean;
}

/** Lengths as PyTorch takes them: a tensor of integers (any shape, flattened), a list, or one number. */
export type CtcLengths = Tensor | readonly number[] | number;

function lengthsOf(lengths: CtcLengths, name: string): number[] {
  if (typeof lengths === "number") return [lengths];
  if (!(lengths instanceof Tensor)) return lengths.map((v) => Math.trunc(v));
  if (lengths.dtype !== "int32") throw new Error(`${name} must be integral (ctc_loss: ${name} of dtype ${lengths.dtype}, shape ${shapeStr(lengths.shape)})`);
  return Array.from(lengths.toArray());
}

/**
 * The CTC loss of log-probabilities `logProbs` [T, N, C] (or unbatched
 * [T, C]) against targets padded [N, S] or concatenated [Σ targetLengths]
 * (int32 labels; the blank should not occur in them), with each input's
 * and target's length. "mean" (the default) divides each loss by its target
 * length before averaging over the batch, as PyTorch does; "none" gives one
 * loss per batch item. The gradient is PyTorch's formula, which takes
 * `logProbs` to be normalized (its `exp(logProbs)` term is the share of the
 * log-softmax that produced them): followed through `logSoftmax`, it is the
 * exact gradient with respect to the scores. It cannot be differentiated
 * again.
 *
 * @example
 * const logProbs = torch.randn([50, 2, 20]).logSoftmax(2).requiresGrad_();
 * const targets = torch.randint(1, 20, [2, 30], { dtype: "int32" });
 * const loss = F.ctcLoss(logProbs, targets, [50, 45], [30, 25]);
 * loss.backward();
 */
export function ctcLoss(logProbs: Tensor, targets: Tensor, inputLengths: CtcLengths, targetLengths: CtcLengths, options: CtcLossOptions = {}): Tensor {
  const reduction = options.reduction ?? "mean";
  checkReduction(reduction);
  const il = lengthsOf(inputLengths, "input_lengths"), tl = lengthsOf(targetLengths, "target_lengths");
  const batched = logProbs.dim() === 3;
  let res = ctcLossCore(batched ? logProbs : unsqueeze(logProbs, 1), targets, il, tl, options.blank ?? 0, options.zeroInfinity ?? false);
  if (options.zeroInfinity ?? false) res = where(eq(res, Infinity), 0, res);
  if (reduction === "mean") {
    const divisors = tl.map((l) => Math.max(l, 1));
    const t = fromTypedArray(res.dtype === "float64" ? Float64Array.from(divisors) : Float32Array.from(divisors));
    return mean(div(res, t));
  }
  if (reduction === "sum") return sum(res);
  return batched ? res : squeeze(res, 0);
}
