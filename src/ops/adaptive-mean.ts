/**
 * The means of PyTorch's adaptive windows along one dim, as one typed-array
 * pass: cell i of `out` covers [floor(i n / out), ceil((i + 1) n / out)) of
 * the dim's n. Adaptive average pooling is separable, so the 3-d pool is
 * this op once per dim. The gradient is the adjoint (each window's gradient
 * spread evenly over its elements, adding up where windows overlap), itself
 * an op whose gradient is the mean again, so double backward works.
 */
import type { Tensor } from "../tensor/tensor.js";
import { contiguousData, emptyUninitialized, needsGrad, record } from "./core.js";

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

/** The shape split around `dim`: [outer, n, inner]. */
function around(shape: readonly number[], dim: number): [number, number, number] {
  let outer = 1, inner = 1;
  shape.forEach((s, d) => {
    if (d < dim) outer *= s;
    else if (d > dim) inner *= s;
  });
  return [outer, shape[dim]!, inner];
}

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

/**
 * The adaptive windows' means along `dim` of a float tensor, `out` of them
 * (the caller checks dims and sizes; `out` >= 1).
 */
export function adaptiveMean(x: Tensor, dim: number, out: number): Tensor {
  const [outer, n, inner] = around(x.shape, dim);
  const dense = contiguousData(x);
  const y = emptyUninitialized(x.shape.map((s, d) => (d === dim ? out : s)), x.dtype);
  meanPass(dense.data as Floats, dense.offset, y.data as Floats, outer, n, inner, out);
  if (needsGrad(x)) record("AdaptiveAvgPool3DBackward0", [x], y, ([g]) => [adaptiveMeanBackward(g!, dim, n)]);
  return y;
}

/** adaptiveMean's gradient: `g` (out cells along `dim`) spread back over the dim's `n`. Differentiable. */
function adaptiveMeanBackward(g: Tensor, dim: number, n: number): Tensor {
  const [outer, out, inner] = around(g.shape, dim);
  const dense = contiguousData(g);
  const gx = emptyUninitialized(g.shape.map((s, d) => (d === dim ? n : s)), g.dtype);
  spreadPass(dense.data as Floats, dense.offset, gx.data as Floats, outer, n, inner, out);
  if (needsGrad(g)) record("AdaptiveAvgPool3DBackwardBackward0", [g], gx, ([gg]) => [adaptiveMean(gg!, dim, out)]);
  return gx;
}
