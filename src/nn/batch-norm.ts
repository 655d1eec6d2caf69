/**
 * F.batchNorm as PyTorch records it: one NativeBatchNormBackward0 node, its
 * forward and backward each one pass per channel (batch-norm-channels.ts, or
 * the backend's accelerator) instead of a graph of composed ops (a training
 * BatchNorm2d over [32, 64, 32, 32] took ~10 ms forward, PyTorch's 1.3). A
 * backward that builds a graph (createGraph) computes the same formulas with
 * tensor ops of x, so double backward works.
 */
import { isRecording } from "../autograd/grad-mode.js";
import { noGrad } from "../autograd/grad-mode-api.js";
import { contiguousFloats, emptyUninitialized, kernels, needsGrad, record } from "../ops/core.js";
import { add, div, mul, sqrt, sub } from "../ops/elementwise.js";
import { fromTypedArray } from "../ops/factories.js";
import { mean as meanOp, sum, variance as varianceOp } from "../ops/reduce.js";
import { reshape } from "../ops/views.js";
import type { Tensor } from "../tensor/tensor.js";
import { batchNormBackwardChannels, batchNormChannels } from "./batch-norm-channels.js";

export interface BatchNormArgs {
  runningMean: Tensor | null;
  runningVar: Tensor | null;
  weight: Tensor | null;
  bias: Tensor | null;
  training: boolean;
  momentum: number;
  eps: number;
}

/**
 * batch_norm of `input` ([N, C, ...], checked by the caller), or null where
 * it is left to the composed ops: a dtype other than float32 / float64, a
 * weight, bias or running statistic of another dtype, or no elements.
 * Updates the running statistics in training, as PyTorch does.
 */
export function batchNormFused(input: Tensor, a: BatchNormArgs): Tensor | null {
  const dtype = input.dtype;
  const others = [a.weight, a.bias, a.runningMean, a.runningVar];
  if ((dtype !== "float32" && dtype !== "float64") || others.some((t) => t !== null && t.dtype !== dtype) || input.numel() === 0) return null;
  const N = input.shape[0]!, C = input.shape[1]!, S = input.numel() / (N * C);
  const x = contiguousFloats(input), w = a.weight === null ? null : contiguousFloats(a.weight), b = a.bias === null ? null : contiguousFloats(a.bias);
  const mean = new Float64Array(C), rstd = new Float64Array(C), variance = new Float64Array(C);
  if (!a.training) {
    const rm = contiguousFloats(a.runningMean!), rv = contiguousFloats(a.runningVar!);
    for (let c = 0; c < C; c++) {
      mean[c] = rm[c]!;
      rstd[c] = 1 / Math.sqrt(rv[c]! + a.eps);
    }
  }
  const out = emptyUninitialized(input.shape, dtype);
  const y = contiguousFloats(out);
  if (kernels().batchNorm?.(y, x, w, b, mean, rstd, variance, N, C, S, a.eps, a.training) !== true) {
    batchNormChannels(y, x, w, b, mean, rstd, variance, N, C, S, a.eps, a.training);
  }
  if (a.training && a.runningMean !== null && a.runningVar !== null) {
    const n = N * S, m = fromTypedArray(Float64Array.from(mean), [C], { dtype }), v = fromTypedArray(Float64Array.from(variance), [C], { dtype });
    const rm = a.runningMean, rv = a.runningVar, momentum = a.momentum;
    noGrad(() => {
      rm.mul_(1 - momentum).add_(mul(reshape(m, rm.shape), momentum));
      rv.mul_(1 - momentum).add_(mul(reshape(v, rv.shape), (momentum * n) / (n - 1)));
    });
  }
  if (needsGrad(input, a.weight, a.bias)) {
    const want = [input.requiresGrad, a.weight?.requiresGrad ?? false, a.bias?.requiresGrad ?? false];
    const training = a.training, weight = a.weight, bias = a.bias;
    record("NativeBatchNormBackward0", [input, weight, bias], out, ([g], [xs, ws]) => {
      if (isRecording()) return composedBackward(g!, xs!, ws ?? null, mean, rstd, training, want, a.eps);
      const gx = want[0] ? emptyUninitialized(xs!.shape, dtype) : null;
      const gw = want[1] ? emptyUninitialized(weight!.shape, dtype) : null, gb = want[2] ? emptyUninitialized(bias!.shape, dtype) : null;
      const view = (t: Tensor | null) => (t === null ? null : contiguousFloats(t));
      const gf = contiguousFloats(g!), xf = contiguousFloats(xs!), wf = ws == null ? null : contiguousFloats(ws);
      if (kernels().batchNormBackward?.(view(gx), view(gw), view(gb), gf, xf, wf, mean, rstd, N, C, S, training) !== true) {
        batchNormBackwardChannels(view(gx), view(gw), view(gb), gf, xf, wf, mean, rstd, N, C, S, training);
      }
      return [gx, gw, gb];
    }, weight === null ? [input] : [input, weight]);
  }
  return out;
}

/**
 * The same gradients as tensor ops, so that they can be differentiated
 * again: in training of x through its batch statistics (recomputed from
 * it), in evaluation with the running statistics' constants.
 */
function composedBackward(g: Tensor, x: Tensor, w: Tensor | null, mean: Float64Array, rstd: Float64Array, training: boolean, want: boolean[], eps: number): (Tensor | null)[] {
  const C = x.shape[1]!, dims = [...x.shape.keys()].filter((d) => d !== 1);
  const perChannel = (t: Tensor) => reshape(t, x.shape.map((s, i) => (i === 1 ? C : 1)));
  const constant = (v: Float64Array) => perChannel(fromTypedArray(Float64Array.from(v), [C], { dtype: x.dtype }));
  const m = training ? meanOp(x, dims, { keepdim: true }) : constant(mean);
  const r = training ? div(1, sqrt(add(varianceOp(x, dims, { keepdim: true, correction: 0 }), eps))) : constant(rstd);
  const xhat = mul(sub(x, m), r);
  const gw = w === null ? g : mul(g, perChannel(w));
  let gx: Tensor | null = null;
  if (want[0]) {
    gx = training ? mul(r, sub(sub(gw, meanOp(gw, dims, { keepdim: true })), mul(xhat, meanOp(mul(gw, xhat), dims, { keepdim: true })))) : mul(gw, r);
  }
  const gW = want[1] && w !== null ? reshape(sum(mul(g, xhat), dims), w.shape) : null;
  return [gx, gW, want[2] ? sum(g, dims) : null];
}
