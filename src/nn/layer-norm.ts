/**
 * F.layerNorm as PyTorch records it: one NativeLayerNormBackward0 node, its
 * forward and backward each one pass over the rows (layer-norm-rows.ts, or
 * the backend's accelerator) instead of a graph of a dozen composed ops (a
 * [32, 128, 256] forward and backward took ~20 ms, PyTorch's 0.6 ms). A
 * backward that builds a graph (createGraph) computes the same formulas
 * with tensor ops of x, so double backward works.
 */
import { isRecording } from "../autograd/grad-mode.js";
import { contiguousFloats, emptyUninitialized, kernels, needsGrad, record } from "../ops/core.js";
import { add, mul, sqrt, sub, div } from "../ops/elementwise.js";
import { mean as meanOp, sum, variance } from "../ops/reduce.js";
import { reshape } from "../ops/views.js";
import type { Tensor } from "../tensor/tensor.js";
import { layerNormBackwardRows, layerNormRows } from "./layer-norm-rows.js";

/**
 * layer_norm over the last `k` dims of `input` (already checked by the
 * caller), or null where it is left to the composed ops: a dtype other than
 * float32 / float64, weight or bias of another dtype, or no elements.
 */
export function layerNormFused(input: Tensor, k: number, weight: Tensor | null, bias: Tensor | null, eps: number): Tensor | null {
  const dtype = input.dtype;
  if ((dtype !== "float32" && dtype !== "float64") || (weight !== null && weight.dtype !== dtype) || (bias !== null && bias.dtype !== dtype)) return null;
  const N = input.shape.slice(input.dim() - k).reduce((a, b) => a * b, 1), total = input.numel();
  if (total === 0 || N === 0) return null;
  const M = total / N;
  const x = contiguousFloats(input), w = weight === null ? null : contiguousFloats(weight), b = bias === null ? null : contiguousFloats(bias);
  const out = emptyUninitialized(input.shape, dtype);
  const mean = new Float64Array(M), rstd = new Float64Array(M);
  const y = contiguousFloats(out);
  if (kernels().layerNorm?.(y, x, w, b, mean, rstd, M, N, eps) !== true) layerNormRows(y, x, w, b, mean, rstd, M, N, eps);
  if (needsGrad(input, weight, bias)) {
    const wantX = input.requiresGrad, wantW = weight?.requiresGrad ?? false, wantB = bias?.requiresGrad ?? false;
    const dims = Array.from({ length: k }, (_, i) => input.dim() - k + i), batchDims = Array.from({ length: input.dim() - k }, (_, i) => i);
    record("NativeLayerNormBackward0", [input, weight, bias], out, ([g], [xs, ws]) => {
      if (isRecording()) return composedBackward(g!, xs!, ws ?? null, dims, batchDims, eps, [wantX, wantW, wantB]);
      const gx = wantX ? emptyUninitialized(xs!.shape, dtype) : null;
      const gw = wantW ? emptyUninitialized(weight!.shape, dtype) : null, gb = wantB ? emptyUninitialized(bias!.shape, dtype) : null;
      const view = (t: Tensor | null) => (t === null ? null : contiguousFloats(t));
      const gf = contiguousFloats(g!), xf = contiguousFloats(xs!), wf = ws == null ? null : contiguousFloats(ws);
      if (kernels().layerNormBackward?.(view(gx), view(gw), view(gb), gf, xf, wf, mean, rstd, M, N) !== true) {
        layerNormBackwardRows(view(gx), view(gw), view(gb), gf, xf, wf, mean, rstd, M, N);
      }
      return [gx, gw, gb];
    }, weight === null ? [input] : [input, weight]);
  }
  return out;
}

/** The same gradients as tensor ops of x (mean and rstd recomputed from it), so that they can be differentiated again. */
function composedBackward(g: Tensor, x: Tensor, w: Tensor | null, dims: number[], batchDims: number[], eps: number, want: boolean[]): (Tensor | null)[] {
  const m = meanOp(x, dims, { keepdim: true });
  const rstd = div(1, sqrt(add(variance(x, dims, { keepdim: true, correction: 0 }), eps)));
  const xhat = mul(sub(x, m), rstd);
  const gw = w === null ? g : mul(g, w);
  const gx = want[0] ? mul(rstd, sub(sub(gw, meanOp(gw, dims, { keepdim: true })), mul(xhat, meanOp(mul(gw, xhat), dims, { keepdim: true })))) : null;
  const perWeight = (t: Tensor) => (batchDims.length === 0 ? t : sum(t, batchDims));
  const gW = want[1] && w !== null ? reshape(perWeight(mul(g, xhat)), w.shape) : null;
  return [gx, gW, want[2] ? perWeight(g) : null];
}
