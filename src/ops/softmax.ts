import type { Tensor } from "../tensor/tensor.js";
import { normalizeDim } from "../tensor/tensor.js";
import { toFloating } from "../tensor/dtype.js";
import { castData, contiguousData, contiguousFloats, emptyUninitialized, kernels, needsGrad, record, relayout } from "./core.js";
import { exp, mul, sub } from "./elementwise.js";
import { sum } from "./reduce.js";
import { transpose } from "./views.js";
import { isRecording } from "../autograd/grad-mode.js";
import { softmaxBackwardRows } from "./softmax-backward-rows.js";

/** Runs the row kernel along `dim` by moving that dim last (a copy only when needed). */
function softmaxData(a: Tensor, d: number, log: boolean): Tensor {
  const last = a.shape.length - 1;
  const moved = d === last ? a : transpose(a, d, last);
  const src = contiguousData(moved.dtype === toFloating(a.dtype) ? moved : castData(moved, toFloating(a.dtype)));
  const n = src.shape[last] ?? 1;
  const rows = src.numel() / Math.max(n, 1);
  const out = emptyUninitialized(src.shape, src.dtype);
  if (src.numel() > 0) {
    kernels().softmax(
      { data: out.data, shape: [rows, n], strides: [n, 1], offset: 0 },
      { data: src.data, shape: [rows, n], strides: [n, 1], offset: src.offset },
      log,
    );
  }
  if (d === last) return out;
  const swap = <T>(xs: readonly T[]): T[] => xs.map((v, i) => (i === d ? xs[last]! : i === last ? xs[d]! : v));
  // contiguous, as PyTorch's result for a contiguous input: x.softmax(0).view(...) must work
  return contiguousData(relayout(out, swap(out.shape), swap(out.strides), out.offset));
}

/**
 * The gradient as one pass per row (softmax-backward-rows.ts, or the
 * backend's kernel) where the dim is the last and no graph is built, else
 * null (the composed formula, which double backward can differentiate).
 * For log_softmax the exp of the output comes from the exp op first.
 */
function fusedBackward(g: Tensor, y: Tensor, d: number, log: boolean): Tensor | null {
  const last = y.shape.length - 1;
  if (isRecording() || d !== last || y.numel() === 0 || (y.dtype !== "float32" && y.dtype !== "float64") || g.dtype !== y.dtype) return null;
  const n = y.shape[last]!, rows = y.numel() / n;
  const gf = contiguousFloats(g), yf = contiguousFloats(log ? exp(y) : y);
  const gx = emptyUninitialized(y.shape, y.dtype), gxf = contiguousFloats(gx);
  if (kernels().softmaxBackward?.(gxf, gf, yf, rows, n, log) !== true) softmaxBackwardRows(gxf, gf, yf, rows, n, log);
  return gx;
}

/** PyTorch refuses integer and bool input here; so do we, in its words. */
function checkFloating(a: Tensor, op: string): void {
  if (a.dtype === "int32" || a.dtype === "bool") {
    throw new Error(`"${op}_lastdim_kernel_impl" not implemented for '${a.dtype === "int32" ? "Int" : "Bool"}' (${op}: input of dtype ${a.dtype}, shape [${a.shape.join(", ")}])`);
  }
}

/** softmax along `dim`. */
export function softmax(a: Tensor, dim: number): Tensor {
  checkFloating(a, "softmax");
  const d = normalizeDim(dim, a.shape.length, "softmax", a.shape);
  const out = softmaxData(a, d, false);
  if (needsGrad(a)) {
    record("SoftmaxBackward0", [a], out, ([g], [r]) => [fusedBackward(g!, r!, d, false) ?? mul(r!, sub(g!, sum(mul(g!, r!), d, { keepdim: true })))], [out]);
  }
  return out;
}

/** log(softmax) along `dim`, computed stably. */
export function logSoftmax(a: Tensor, dim: number): Tensor {
  checkFloating(a, "log_softmax");
  const d = normalizeDim(dim, a.shape.length, "log_softmax", a.shape);
  const out = softmaxData(a, d, true);
  if (needsGrad(a)) {
    record("LogSoftmaxBackward0", [a], out, ([g], [r]) => [fusedBackward(g!, r!, d, true) ?? sub(g!, mul(exp(r!), sum(g!, d, { keepdim: true })))], [out]);
  }
  return out;
}
