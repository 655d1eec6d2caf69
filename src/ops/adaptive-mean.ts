/**
 * Adaptive average pooling over [N, C, D, H, W]: cell i of a dim of n with
 * `out` cells covers [floor(i n / out), ceil((i + 1) n / out)). The windows
 * are boxes, so the mean is separable: one pass per dim whose size changes,
 * as one op (a backend kernel where there is one). The gradient is the
 * adjoint (each window's gradient spread evenly over its elements, adding
 * up where windows overlap), itself an op whose gradient is the mean again,
 * so double backward works.
 */
import type { Tensor } from "../tensor/tensor.js";
import { contiguousData, emptyUninitialized, kernels, needsGrad, record } from "./core.js";

/** The window bounds of the `out` cells over a dim of size `n`. */
function bounds(n: number, out: number): { start: Int32Array; end: Int32Array } {
  const start = new Int32Array(out), end = new Int32Array(out);
  for (let i = 0; i < out; i++) {
    start[i] = Math.floor((i * n) / out);
    end[i] = Math.ceil(((i + 1) * n) / out);
  }
  return { start, end };
}

type Floats = Float32Array | Float64Array;

/** y[., i, .] = mean of x[., k, .] over window i (sums in double, then divided). */
function meanPass(x: Floats, xo: number, y: Floats, outer: number, n: number, inner: number, out: number): void {
  const { start, end } = bounds(n, out);
  const acc = new Float64Array(inner);
  for (let p = 0; p < outer; p++) {
    const xb = xo + p * n * inner, yb = p * out * inner;
    for (let i = 0; i < out; i++) {
      acc.fill(0);
      const a = start[i]!, b = end[i]!;
      for (let k = a; k < b; k++) {
        const row = xb + k * inner;
        for (let j = 0; j < inner; j++) acc[j]! += x[row + j]!;
      }
      const len = b - a, yr = yb + i * inner;
      for (let j = 0; j < inner; j++) y[yr + j] = acc[j]! / len;
    }
  }
}

/** The adjoint: gx[., k, .] = sum over the windows i holding k (a few consecutive ones) of g[., i, .] / their length. */
function spreadPass(g: Floats, go: number, gx: Floats, outer: number, n: number, inner: number, out: number): void {
  const { start, end } = bounds(n, out);
  // the windows holding element k: first[k] .. last[k] (starts and ends only grow with i)
  const first = new Int32Array(n), last = new Int32Array(n), scale = new Float64Array(out);
  for (let i = 0; i < out; i++) scale[i] = 1 / (end[i]! - start[i]!);
  for (let k = 0, lo = 0; k < n; k++) {
    while (end[lo]! <= k) lo++;
    let hi = lo;
    while (hi + 1 < out && start[hi + 1]! <= k) hi++;
    first[k] = lo;
    last[k] = hi;
  }
  for (let p = 0; p < outer; p++) {
    const gb = go + p * out * inner, xb = p * n * inner;
    for (let k = 0; k < n; k++) {
      const row = xb + k * inner, i0 = first[k]!, i1 = last[k]!;
      const r0 = gb + i0 * inner, s0 = scale[i0]!;
      if (i0 === i1) {
        for (let j = 0; j < inner; j++) gx[row + j] = g[r0 + j]! * s0;
        continue;
      }
      for (let j = 0; j < inner; j++) {
        let v = g[r0 + j]! * s0;
        for (let i = i0 + 1; i <= i1; i++) v += g[gb + i * inner + j]! * scale[i]!;
        gx[row + j] = v;
      }
    }
  }
}

/** A typed array of `x`'s dtype and `n` elements. */
function floatsLike(x: Floats, n: number): Floats {
  return x instanceof Float32Array ? new Float32Array(n) : new Float64Array(n);
}

/**
 * The loops of the 3-d pool over dense [N·C, D, H, W] data: one mean pass
 * per dim whose size changes (depth, height, width), each rounded to the
 * dtype, or (`backward`) the adjoint passes in reverse order. `from` and
 * `to` are the spatial sizes of src and dst. native/adaptive-pool3d.c does
 * the same, step for step.
 */
function separableLoop(src: Floats, srcOffset: number, dst: Floats, planes: number, from: readonly number[], to: readonly number[], backward: boolean): void {
  let cur = src, curOffset = srcOffset;
  const sz = [...from];
  const dims = [0, 1, 2].filter((d) => from[d] !== to[d]);
  if (backward) dims.reverse();
  dims.forEach((d, step) => {
    const outer = planes * (d === 0 ? 1 : d === 1 ? sz[0]! : sz[0]! * sz[1]!), inner = d === 2 ? 1 : d === 1 ? sz[2]! : sz[1]! * sz[2]!;
    const next = step === dims.length - 1 ? dst : floatsLike(src, (outer * to[d]! * inner));
    if (backward) spreadPass(cur, curOffset, next, outer, to[d]!, inner, sz[d]!);
    else meanPass(cur, curOffset, next, outer, sz[d]!, inner, to[d]!);
    sz[d] = to[d]!;
    cur = next;
    curOffset = 0;
  });
}

/**
 * adaptive_avg_pool3d of a float [N, C, D, H, W] tensor to [oD, oH, oW] (at
 * least one of them differing from the input's; the caller checks dims and
 * sizes, all >= 1): one op (a backend kernel where there is one, the
 * separable loops otherwise), recorded as PyTorch's AdaptiveAvgPool3DBackward0.
 */
export function adaptiveMean3d(x: Tensor, outSize: readonly [number, number, number]): Tensor {
  const [N, C, D, H, W] = x.shape as [number, number, number, number, number];
  const y = emptyUninitialized([N, C, ...outSize], x.dtype);
  if (kernels().adaptiveAvgPool3d?.(y, x) !== true) {
    const dense = contiguousData(x);
    separableLoop(dense.data as Floats, dense.offset, y.data as Floats, N * C, [D, H, W], outSize, false);
  }
  if (needsGrad(x)) {
    const inSize = [D, H, W] as const;
    record("AdaptiveAvgPool3DBackward0", [x], y, ([g]) => [adaptiveMean3dBackward(g!, inSize)]);
  }
  return y;
}

/** adaptiveMean3d's gradient: `g` [N, C, oD, oH, oW] spread back over [D, H, W]. Differentiable (its gradient is the mean again). */
function adaptiveMean3dBackward(g: Tensor, inSize: readonly [number, number, number]): Tensor {
  const [N, C, oD, oH, oW] = g.shape as [number, number, number, number, number];
  const gx = emptyUninitialized([N, C, ...inSize], g.dtype);
  if (kernels().adaptiveAvgPool3dBackward?.(gx, g) !== true) {
    const dense = contiguousData(g);
    separableLoop(dense.data as Floats, dense.offset, gx.data as Floats, N * C, [oD, oH, oW], inSize, true);
  }
  if (needsGrad(g)) {
    const outSize = [oD, oH, oW] as const;
    record("AdaptiveAvgPool3DBackwardBackward0", [g], gx, ([gg]) => [adaptiveMean3d(gg!, outSize)]);
  }
  return gx;
}
