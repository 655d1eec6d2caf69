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

/** The sum of m copies of 1 / classes added one at a time: the table's entry, continued past its end where m is larger. */
function repeated(steps: Float64Array, m: number, classes: number): number {
  if (m < steps.length) return steps[m]!;
  let v = steps[steps.length - 1]!;
  for (let r = steps.length - 1; r < m; r++) v += 1 / classes;
  return v;
}

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
  const xd = x.data as Float32Array | Float64Array;
  const out = empty([frames], input.dtype);
  const grad = needsGrad(input);
  const coef = grad ? new Float64Array(frames * classes) : null;
  // per row: its values, the unlisted classes' values in class order (the inner loop's), and how often each hinge fires
  const isTarget = new Uint8Array(classes), others = new Float64Array(classes), otherClass = new Int32Array(classes);
  const fired = new Int32Array(classes), firedAsTarget = new Int32Array(classes);
  // the sum of m copies of 1 / classes added one at a time (the old per-hinge updates, whose result depends only on m)
  const steps = new Float64Array(classes + 1);
  for (let m = 1; m <= classes; m++) steps[m] = steps[m - 1]! + 1 / classes;
  for (let n = 0; n < frames; n++) {
    const row = x.offset + n * classes, base = n * classes;
    isTarget.fill(0);
    for (let k = 0; k < classes && labels[base + k]! >= 0; k++) isTarget[labels[base + k]!] = 1;
    let count = 0;
    for (let i = 0; i < classes; i++) {
      if (isTarget[i]) continue;
      others[count] = xd[row + i]!;
      otherClass[count++] = i;
    }
    let sum = 0;
    if (coef !== null) {
      fired.fill(0, 0, count);
      firedAsTarget.fill(0);
    }
    for (let k = 0; k < classes; k++) {
      const j = labels[base + k]!;
      if (j < 0) break;
      // z = 1 - x[j] + x[i] as before: (1 - x[j]) first, in double
      const a = 1 - xd[row + j]!;
      if (coef === null) {
        // (adding 0 where the hinge is off leaves the sum as it was, and a select keeps the branch predictor out of it)
        for (let q = 0; q < count; q++) {
          const z = a + others[q]!;
          sum += z > 0 ? z : 0;
        }
        continue;
      }
      let hits = 0;
      for (let q = 0; q < count; q++) {
        const z = a + others[q]!;
        if (z > 0) {
          sum += z;
          fired[q]!++;
          hits++;
        }
      }
      firedAsTarget[j]! += hits;
    }
    out.data[n] = sum / classes;
    if (coef !== null) {
      // each class's coefficient: +1/classes per hinge it was the unlisted side of, -1/classes per hinge as the listed side
      for (let q = 0; q < count; q++) coef[base + otherClass[q]!] = repeated(steps, fired[q]!, classes);
      for (let j = 0; j < classes; j++) if (firedAsTarget[j]! > 0) coef[base + j] = -repeated(steps, firedAsTarget[j]!, classes);
    }
  }
  if (coef !== null) {
    const c = empty([frames, classes], input.dtype);
    c.data.set(coef);
    const shape = input.shape;
    record("MultilabelMarginLossBackward0", [input], out, ([g], [k]) => [reshape(mul(k!, unsqueeze(g!, 1)), shape)], [c]);
  }
  return out;
}
