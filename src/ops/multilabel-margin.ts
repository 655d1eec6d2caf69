/**
 * The multi-label margin loss kernel (PyTorch's multilabel_margin_loss
 * CPU kernel): per sample, Σ over the listed classes j and the unlisted
 * classes i of the hinges `1 - x[j] + x[i]` that are positive, over C. One
 * pass in O(N·K·C) time and O(N·C) memory (K the longest label list),
 * where a composed form would build N·K·C tensors. The loss is piecewise
 * linear in x, so its gradient is a fixed coefficient times the incoming
 * gradient: recorded as `coef · g`, whose own derivative (zero in x) comes
 * out right.
 */
import type { Tensor } from "../tensor/tensor.js";
import { contiguousData, empty, needsGrad, record } from "./core.js";
import { mul } from "./elementwise.js";
import { reshape, unsqueeze } from "./views.js";

/**
 * The loss of each of the `frames` rows of `input` (any shape of
 * frames · classes elements, read as [frames, classes]) against `labels`
 * (per row, class indices ending at the first negative one): a [frames]
 * tensor in the input's dtype. As PyTorch's kernel, a hinge counts only
 * where it is positive (so a NaN one is skipped), and its sum is
 * accumulated in double precision.
 *
 * @example
 * const perRow = multilabelMarginLossRows(x, Int32Array.from([3, 0, -1, 1]), 1, 4);
 */
export function multilabelMarginLossRows(input: Tensor, labels: Int32Array, frames: number, classes: number): Tensor {
  const x = contiguousData(input);
  const out = empty([frames], input.dtype);
  const grad = needsGrad(input);
  const coef = grad ? new Float64Array(frames * classes) : null;
  const isTarget = new Uint8Array(classes);
  for (let n = 0; n < frames; n++) {
    const row = x.offset + n * classes, base = n * classes;
    isTarget.fill(0);
    for (let k = 0; k < classes && labels[base + k]! >= 0; k++) isTarget[labels[base + k]!] = 1;
    let sum = 0;
    for (let k = 0; k < classes; k++) {
      const j = labels[base + k]!;
      if (j < 0) break;
      const xj = Number(x.data[row + j]);
      for (let i = 0; i < classes; i++) {
        if (isTarget[i]) continue;
        const z = 1 - xj + Number(x.data[row + i]);
        if (z > 0) {
          sum += z;
          if (coef !== null) {
            coef[base + j] = coef[base + j]! - 1 / classes;
            coef[base + i] = coef[base + i]! + 1 / classes;
          }
        }
      }
    }
    out.data[n] = sum / classes;
  }
  if (coef !== null) {
    const c = empty([frames, classes], input.dtype);
    c.data.set(coef);
    const shape = input.shape;
    record("MultilabelMarginLossBackward0", [input], out, ([g], [k]) => [reshape(mul(k!, unsqueeze(g!, 1)), shape)], [c]);
  }
  return out;
}
