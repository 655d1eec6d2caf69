/**
 * avg_pool3d on a backend with an avg_pool3d kernel (the native one): one
 * op, PyTorch's AvgPool3DBackward0, whose window sums (in double, divided
 * by each window's divisor) agree with pool3d.ts's composition to rounding.
 * Its gradient is the adjoint kernel (each window's gradient over its
 * divisor, added into the window's input elements), and the adjoint's
 * gradient is the pool again, so gradients of every order follow. The
 * loops here do the kernels' work where the backend changed in between.
 */
import type { Conv3dGeometry } from "../backend/backend.js";
import type { Tensor } from "../tensor/tensor.js";
import { contiguousData, emptyUninitialized, kernels, needsGrad, record } from "./core.js";

/** Per dim, each window's [start, end) clipped to the input. */
function clippedWindows(n: number, out: number, k: number, s: number, p: number): [Int32Array, Int32Array] {
  const start = new Int32Array(out), end = new Int32Array(out);
  for (let o = 0; o < out; o++) {
    start[o] = Math.max(o * s - p, 0);
    end[o] = Math.min(o * s - p + k, n);
  }
  return [start, end];
}

/**
 * The kernels' loops (native/avg-pool3d.c), for a backend that ran the
 * forward but lacks them later (the backend switched in between): dense
 * [P, ...inner] volumes `src` to `dst`, window sums over divisors, or
 * (`backward`) each window's share added back over its elements.
 */
function avgPoolLoop(dst: Float32Array | Float64Array, src: Float32Array | Float64Array, srcOffset: number, planes: number, inner: readonly number[],
  g: Conv3dGeometry, out: readonly number[], divisors: Float64Array, backward: boolean): void {
  const [D, H, W] = inner as [number, number, number];
  const [[ds, de], [hs, he], [ws, we]] = [0, 1, 2].map((d) => clippedWindows(inner[d]!, out[d]!, g.kernel[d]!, g.stride[d]!, g.padding[d]!)) as [
    [Int32Array, Int32Array], [Int32Array, Int32Array], [Int32Array, Int32Array]];
  const L = out[0]! * out[1]! * out[2]!, V = D * H * W;
  const acc = backward ? new Float64Array(V) : null;
  for (let p = 0; p < planes; p++) {
    acc?.fill(0);
    for (let i = 0, o = 0; i < out[0]!; i++) {
      for (let y = 0; y < out[1]!; y++) {
        for (let q = 0; q < out[2]!; q++, o++) {
          const share = backward ? src[srcOffset + p * L + o]! / divisors[o]! : 0;
          let sum = 0;
          for (let z = ds[i]!; z < de[i]!; z++) {
            for (let r = hs[y]!; r < he[y]!; r++) {
              for (let w = ws[q]!; w < we[q]!; w++) {
                if (acc !== null) acc[(z * H + r) * W + w]! += share;
                else sum += src[srcOffset + p * V + (z * H + r) * W + w]!;
              }
            }
          }
          if (acc === null) dst[p * L + o] = sum / divisors[o]!;
        }
      }
    }
    if (acc !== null) dst.set(acc, p * V);
  }
}

function forward(x: Tensor, g: Conv3dGeometry, out: readonly [number, number, number], divisors: Tensor): Tensor {
  const y = emptyUninitialized([x.shape[0]!, x.shape[1]!, ...out], x.dtype);
  if (kernels().avgPool3d?.(y, x, g, divisors) !== true) {
    const dense = contiguousData(x);
    avgPoolLoop(y.data as Float32Array | Float64Array, dense.data as Float32Array | Float64Array, dense.offset, x.shape[0]! * x.shape[1]!, x.shape.slice(2), g, out,
      divisors.data as Float64Array, false);
  }
  if (needsGrad(x)) {
    const inputShape = x.shape;
    record("AvgPool3DBackward0", [x], y, ([gr]) => [adjoint(gr!, inputShape, g, out, divisors)]);
  }
  return y;
}

function adjoint(gr: Tensor, inputShape: readonly number[], g: Conv3dGeometry, out: readonly [number, number, number], divisors: Tensor): Tensor {
  const gx = emptyUninitialized(inputShape, gr.dtype);
  if (kernels().avgPool3dBackward?.(gx, gr, g, divisors) !== true) {
    const dense = contiguousData(gr);
    avgPoolLoop(gx.data as Float32Array | Float64Array, dense.data as Float32Array | Float64Array, dense.offset, inputShape[0]! * inputShape[1]!, inputShape.slice(2), g, out,
      divisors.data as Float64Array, true);
  }
  if (needsGrad(gr)) record("AvgPool3DBackwardBackward0", [gr], gx, ([gg]) => [forward(gg!, g, out, divisors)]);
  return gx;
}

/**
 * x [N, C, D, H, W] (float32 or float64) average-pooled to `out` sizes with
 * one float64 divisor per output position (a tensor of oD·oH·oW), or null
 * where the backend has no avg_pool3d kernel (pool3d.ts's composition then).
 */
export function avgPool3dByKernel(x: Tensor, g: Conv3dGeometry, out: readonly [number, number, number], divisors: Float64Array): Tensor | null {
  const k = kernels();
  if (k.avgPool3d === undefined || k.avgPool3dBackward === undefined || (x.dtype !== "float32" && x.dtype !== "float64")) return null;
  const d = emptyUninitialized([divisors.length], "float64");
  (d.data as Float64Array).set(divisors);
  return forward(x, g, out, d);
}
