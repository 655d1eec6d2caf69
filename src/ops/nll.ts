/**
 * Negative log-likelihood of [N, C] log-probabilities and N class indices as
 * one op (PyTorch's nll_loss for 2-d input): one pass over the targets
 * instead of a dozen elementwise ops, and one graph node whose backward is
 * linear in the incoming gradient, `coef * g` with `coef` zero except
 * `coef[i, target[i]] = -w_i / denominator`, so higher-order gradients come
 * out right (they are zero in the input).
 */
import type { Tensor } from "../tensor/tensor.js";
import { empty, needsGrad, record, shapeStr } from "./core.js";
import { mul } from "./elementwise.js";
import { unsqueeze } from "./views.js";

export type NllReduction = "mean" | "sum" | "none";

/**
 * `nll_loss(input [N, C], target [N] int32)` with optional class `weight` [C]
 * (not differentiated, as in PyTorch) and `ignoreIndex`. Targets out of
 * [0, C) that are not ignored throw PyTorch's "Target t is out of bounds.".
 * The weighted mean divides by the summed weights of the counted targets
 * (NaN when none is counted, as PyTorch).
 *
 * @example
 * const loss = nllLoss2d(logp, target, null, -100, "mean");
 */
export function nllLoss2d(input: Tensor, target: Tensor, weight: Tensor | null, ignoreIndex: number, reduction: NllReduction): Tensor {
  if (input.shape.length !== 2 || target.shape.length !== 1 || target.shape[0] !== input.shape[0] || target.dtype !== "int32") {
    throw new Error(`nll_loss: expected input [N, C] and int32 target [N], got ${shapeStr(input.shape)} and ${shapeStr(target.shape)} ${target.dtype}`);
  }
  if (input.dtype !== "float32" && input.dtype !== "float64") throw new Error(`nll_loss: not implemented for '${input.dtype}'`);
  const [N, C] = input.shape as [number, number];
  if (weight !== null && (weight.shape.length !== 1 || weight.shape[0] !== C)) {
    throw new Error(`weight tensor should be defined either for all ${C} classes or no classes but got weight tensor of shape: ${shapeStr(weight.shape)}`);
  }
  const x = input.data, xo = input.offset, [xs0, xs1] = input.strides as [number, number];
  const td = target.data, to = target.offset, ts = target.strides[0]!;
  const wd = weight?.data, wo = weight?.offset ?? 0, ws = weight?.strides[0] ?? 0;
  // per-row weights (0 for ignored rows) and picked columns, checked before anything is computed
  const rowW = new Float64Array(N), col = new Int32Array(N);
  let wsum = 0;
  for (let i = 0; i < N; i++) {
    const t = td[to + i * ts]!;
    if (t === ignoreIndex) {
      col[i] = -1;
      continue;
    }
    if (t < 0 || t >= C) throw new Error(`Target ${t} is out of bounds.`);
    col[i] = t;
    const w = wd === undefined ? 1 : wd[wo + t * ws]!;
    rowW[i] = w;
    wsum += w;
  }
  const out = empty(reduction === "none" ? [N] : [], input.dtype);
  let total = 0;
  for (let i = 0; i < N; i++) {
    const c = col[i]!;
    const li = c < 0 ? 0 : -rowW[i]! * x[xo + i * xs0 + c * xs1]!;
    if (reduction === "none") out.data[i] = li;
    else total += li;
  }
  const denom = reduction === "mean" ? wsum : 1;
  if (reduction !== "none") out.data[0] = total / denom;
  if (needsGrad(input)) {
    const coef = empty([N, C], input.dtype);
    for (let i = 0; i < N; i++) {
      const c = col[i]!;
      if (c >= 0) coef.data[i * C + c] = -rowW[i]! / denom;
    }
    record("NllLossBackward0", [input], out, ([g], [k]) => [mul(k!, reduction === "none" ? unsqueeze(g!, 1) : g!)], [coef]);
  }
  return out;
}
