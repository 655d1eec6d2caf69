/**
 * vol2col and col2vol, the 3-d im2col and col2im, as differentiable ops:
 * each is the other's adjoint, so each one's backward is the other and
 * conv3d's gradients of every order follow from them and matmul. The
 * backend's kernels run them where it has them; the loops here are their
 * specification and the fallback.
 */
import type { Conv3dGeometry, Strided } from "../backend/backend.js";
import type { Tensor } from "../tensor/tensor.js";
import { contiguousData, emptyUninitialized, kernels, needsGrad, record } from "./core.js";

/** Output sizes of a 3-d window over the input's last three dims (floor mode). */
export function windowOutput3d(shape: readonly number[], g: Conv3dGeometry): [number, number, number] {
  return [0, 1, 2].map((d) => Math.floor((shape[2 + d]! + 2 * g.padding[d]! - g.dilation[d]! * (g.kernel[d]! - 1) - 1) / g.stride[d]!) + 1) as [number, number, number];
}

/** The columns of x [N, C, D, H, W] into out [N, C*kd*kh*kw, L] (contiguous); padding reads 0. */
function vol2colLoop(out: Strided, x: Strided, g: Conv3dGeometry): void {
  const [N, C, D, H, W] = x.shape as [number, number, number, number, number];
  const [oD, oH, oW] = windowOutput3d(x.shape, g);
  const [kd, kh, kw] = g.kernel, xs = x.strides, src = x.data, dst = out.data;
  let o = out.offset;
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let a = 0; a < kd; a++)
        for (let b = 0; b < kh; b++)
          for (let e = 0; e < kw; e++)
            for (let i = 0; i < oD; i++) {
              const z = i * g.stride[0] - g.padding[0] + a * g.dilation[0];
              for (let j = 0; j < oH; j++) {
                const y = j * g.stride[1] - g.padding[1] + b * g.dilation[1];
                for (let k = 0; k < oW; k++, o++) {
                  const w = k * g.stride[2] - g.padding[2] + e * g.dilation[2];
                  dst[o] = z >= 0 && z < D && y >= 0 && y < H && w >= 0 && w < W
                    ? src[x.offset + n * xs[0]! + c * xs[1]! + z * xs[2]! + y * xs[3]! + w * xs[4]!]! : 0;
                }
              }
            }
}

/** vol2col's adjoint: out [N, C, D, H, W] (contiguous, zero-filled) += each column entry at its source. */
function col2volLoop(out: Strided, cols: Strided, g: Conv3dGeometry): void {
  const [N, C, D, H, W] = out.shape as [number, number, number, number, number];
  const [oD, oH, oW] = windowOutput3d(out.shape, g);
  const [kd, kh, kw] = g.kernel, cs = cols.strides, src = cols.data, dst = out.data as Float32Array | Float64Array;
  for (let n = 0; n < N; n++)
    for (let c = 0, r = 0; c < C; c++)
      for (let a = 0; a < kd; a++)
        for (let b = 0; b < kh; b++)
          for (let e = 0; e < kw; e++, r++)
            for (let i = 0, l = 0; i < oD; i++) {
              const z = i * g.stride[0] - g.padding[0] + a * g.dilation[0];
              for (let j = 0; j < oH; j++) {
                const y = j * g.stride[1] - g.padding[1] + b * g.dilation[1];
                for (let k = 0; k < oW; k++, l++) {
                  const w = k * g.stride[2] - g.padding[2] + e * g.dilation[2];
                  if (z >= 0 && z < D && y >= 0 && y < H && w >= 0 && w < W) {
                    const at = out.offset + (((n * C + c) * D + z) * H + y) * W + w;
                    dst[at] = dst[at]! + (src[cols.offset + n * cs[0]! + r * cs[1]! + l * cs[2]!] as number);
                  }
                }
              }
            }
}

/** vol2col with autograd: x [N, C, D, H, W] -> columns [N, C*kd*kh*kw, oD*oH*oW]; padding reads 0. */
export function vol2col(x: Tensor, g: Conv3dGeometry): Tensor {
  const [N, C] = x.shape as [number, number];
  const [oD, oH, oW] = windowOutput3d(x.shape, g);
  const out = emptyUninitialized([N, C * g.kernel[0] * g.kernel[1] * g.kernel[2], oD * oH * oW], x.dtype);
  if (kernels().vol2col?.(out, x, g) !== true) vol2colLoop(out, x, g);
  if (needsGrad(x)) {
    const shape = x.shape;
    record("Vol2ColBackward0", [x], out, ([grad]) => [col2vol(grad!, shape, g)]);
  }
  return out;
}

/** col2vol with autograd: sums columns [N, C*kd*kh*kw, L] back into a tensor of `shape` [N, C, D, H, W]. */
export function col2vol(cols: Tensor, shape: readonly number[], g: Conv3dGeometry): Tensor {
  const out = emptyUninitialized(shape, cols.dtype);
  if (kernels().col2vol?.(out, cols, g) !== true) {
    out.data.fill(0);
    col2volLoop(out, contiguousData(cols), g);
  }
  if (needsGrad(cols)) record("Col2VolBackward0", [cols], out, ([grad]) => [vol2col(grad!, g)]);
  return out;
}
