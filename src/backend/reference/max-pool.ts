/**
 * max_pool2d for the reference backend, as PyTorch's CPU loop: each window
 * is scanned in row-major order from its first real element (padding is
 * skipped, so it never wins); a larger value or a NaN takes over. With
 * indices, each maximum's position h * W + w in its input plane is kept
 * too (the first real element when nothing beats -Infinity), and the
 * backward adds gradients back at those positions.
 */
import type { Conv2dGeometry, Strided } from "../backend.js";

export function maxPool2d(out: Strided, x: Strided, g: Conv2dGeometry, indices: Strided | null = null): void {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [, , oh, ow] = out.shape as [number, number, number, number];
  const [kh, kw] = g.kernel, [sh, sw] = g.stride, [ph, pw] = g.padding, [dh, dw] = g.dilation;
  const [xn, xc, xh, xw] = x.strides as [number, number, number, number];
  const [on, oc, oy, ox] = out.strides as [number, number, number, number];
  const xd = x.data, od = out.data, id = indices?.data;
  const [in_, ic, iy, ix] = (indices?.strides ?? [0, 0, 0, 0]) as [number, number, number, number];
  const io = indices?.offset ?? 0;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const xb = x.offset + n * xn + c * xc;
      for (let y = 0; y < oh; y++) {
        let h0 = y * sh - ph;
        while (h0 < 0) h0 += dh;
        const h1 = Math.min(y * sh - ph + (kh - 1) * dh + 1, H);
        for (let z = 0; z < ow; z++) {
          let w0 = z * sw - pw;
          while (w0 < 0) w0 += dw;
          const w1 = Math.min(z * sw - pw + (kw - 1) * dw + 1, W);
          let m = -Infinity, at = h0 * W + w0;
          for (let h = h0; h < h1; h += dh) {
            for (let w = w0; w < w1; w += dw) {
              const v = xd[xb + h * xh + w * xw]!;
              if (v > m || v !== v) {
                m = v;
                at = h * W + w;
              }
            }
          }
          od[out.offset + n * on + c * oc + y * oy + z * ox] = m;
          if (id) id[io + n * in_ + c * ic + y * iy + z * ix] = at;
        }
      }
    }
  }
}

export function maxPool2dBackward(gradInput: Strided, grad: Strided, indices: Strided): void {
  const [N, C, oh, ow] = grad.shape as [number, number, number, number];
  const plane = gradInput.shape[2]! * gradInput.shape[3]!;
  const [gn, gc, gy, gx] = grad.strides as [number, number, number, number];
  const [in_, ic, iy, ix] = indices.strides as [number, number, number, number];
  const gi = gradInput.data, gd = grad.data, id = indices.data;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const base = gradInput.offset + (n * C + c) * plane;
      for (let y = 0; y < oh; y++) {
        for (let z = 0; z < ow; z++) {
          const at = id[indices.offset + n * in_ + c * ic + y * iy + z * ix]!;
          gi[base + at] = gi[base + at]! + gd[grad.offset + n * gn + c * gc + y * gy + z * gx]!;
        }
      }
    }
  }
}
