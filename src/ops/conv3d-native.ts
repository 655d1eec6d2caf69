/**
 * conv3d on a backend with a conv3d kernel (the native one): the forward is
 * the kernel (native/conv3d-direct.c reads the windows straight from the
 * input; few output channels per group take columns times the weight); the
 * backward is written in differentiable ops, as conv2d's: the input gradient
 * is the weight's transpose times each image's output gradient folded back
 * (col2vol), the weight gradient the output gradient times the columns
 * (vol2col), summed over the batch. So gradients of every order follow.
 * Where no graph of the gradients is recorded (the usual backward), fused
 * kernels compute the same products a few output rows at a time instead,
 * and with unit strides the input gradient is the forward kernel's
 * convolution of the output gradient with the flipped weight.
 * Backends without the kernel take conv3d.ts's composition of 2-d ops.
 */
import type { Conv3dGeometry } from "../backend/backend.js";
import type { Tensor } from "../tensor/tensor.js";
import { contiguousData, emptyUninitialized, kernels, needsGrad } from "./core.js";
import { recordConvolution } from "./conv.js";
import { bmm, matmul } from "./linalg.js";
import { sum } from "./reduce.js";
import { col2vol, vol2col, windowOutput3d } from "./vol2col.js";
import { reshape, transpose } from "./views.js";

/**
 * The convolution of x [N, C, D, H, W] (padding symmetric per dim, in `g`)
 * with weight [O, C / groups, kd, kh, kw], or null where the backend has no
 * kernel for it.
 */
export function conv3dByKernel(x: Tensor, weight: Tensor, bias: Tensor | null, g: Conv3dGeometry, groups: number): Tensor | null {
  const k = kernels();
  if (k.conv3d === undefined || (x.dtype !== "float32" && x.dtype !== "float64")) return null;
  const [N] = x.shape as [number];
  const O = weight.shape[0]!;
  const [oD, oH, oW] = windowOutput3d(x.shape, g);
  const out = emptyUninitialized([N, O, oD, oH, oW], x.dtype);
  if (!k.conv3d(out, x, contiguousData(weight), bias, g, groups)) return null;
  recordConvolution(x, weight, bias, out, (gout, xs, ws, xShape, wShape, needs) => conv3dBackward(gout, xs, ws, xShape, wShape, g, groups, needs));
  return out;
}

function conv3dBackward(gout: Tensor, x: Tensor | null, weight: Tensor | null, xShape: readonly number[], wShape: readonly number[],
  g: Conv3dGeometry, groups: number, needs: readonly boolean[]): (Tensor | null)[] {
  const [N] = xShape as [number];
  const [O, Cg, kd, kh, kw] = wShape as [number, number, number, number, number];
  const Kg = Cg * kd * kh * kw, Og = O / groups;
  const L = gout.shape[2]! * gout.shape[3]! * gout.shape[4]!;
  const go = reshape(gout, [N, groups, Og, L]);
  let gx: Tensor | null = null, gw: Tensor | null = null, gb: Tensor | null = null;
  const k = kernels();
  // no graph of the gradients to record (the usual backward): the fused kernels, without the column matrix
  if (needs[0] && !needsGrad(gout, weight)) gx = inputGradByForward(gout, weight!, xShape, g, groups);
  if (needs[0] && gx === null && !needsGrad(gout, weight) && k.conv3dBackwardInput !== undefined) {
    const out = emptyUninitialized(xShape, gout.dtype);
    if (k.conv3dBackwardInput(out, contiguousData(gout), contiguousData(weight!), g, groups)) gx = out;
  }
  if (needs[1] && !needsGrad(gout, x) && k.conv3dBackwardWeight !== undefined) {
    const out = emptyUninitialized(wShape, gout.dtype);
    if (k.conv3dBackwardWeight(out, contiguousData(gout), x!, g, groups)) gw = out;
  }
  if (needs[0] && gx === null) {
    const wT = transpose(reshape(weight!, [groups, Og, Kg]), 1, 2); // [G, Kg, Og]
    const cols = groups === 1 ? matmul(reshape(wT, [Kg, Og]), reshape(gout, [N, O, L])) : matmul(wT, go);
    gx = col2vol(reshape(cols, [N, groups * Kg, L]), xShape, g);
  }
  if (needs[1] && gw === null) {
    const cols = vol2col(x!, g); // [N, C*k, L]
    const prod = groups === 1
      ? bmm(reshape(gout, [N, O, L]), transpose(cols, 1, 2))
      : matmul(go, transpose(reshape(cols, [N, groups, Kg, L]), 2, 3));
    gw = reshape(sum(prod, 0), wShape);
  }
  if (needs[2]) gb = sum(gout, [0, 2, 3, 4]);
  return [gx, gw, gb];
}

/**
 * With unit strides the input gradient is itself a convolution: gout padded
 * by dilation·(k - 1) - padding per dim, with the weight flipped in space and
 * each group's [Og, Cg] block transposed, and dilation kept. The forward's
 * kernel (which reads gout in place, without columns) then computes it.
 * Null where it does not apply (strides, a padding wider than the window's
 * reach, narrow rows, few channels per group) or the kernel declines.
 */
function inputGradByForward(gout: Tensor, weight: Tensor, xShape: readonly number[], g: Conv3dGeometry, groups: number): Tensor | null {
  const k = kernels();
  // rows of 16 or more and 4 or more channels per group, where the direct kernel measured faster than
  // the fused columns (8-wide rows of 128 channels ran at 0.65x)
  if (k.conv3d === undefined || g.stride.some((s) => s !== 1) || xShape[4]! < 16 || weight.shape[1]! < 4) return null;
  const padding = [0, 1, 2].map((d) => g.dilation[d]! * (g.kernel[d]! - 1) - g.padding[d]!) as [number, number, number];
  if (padding.some((p) => p < 0)) return null;
  const out = emptyUninitialized(xShape, gout.dtype);
  const gt: Conv3dGeometry = { kernel: g.kernel, stride: [1, 1, 1], padding, dilation: g.dilation };
  return k.conv3d(out, contiguousData(gout), flippedTranspose(contiguousData(weight), groups), null, gt, groups) ? out : null;
}

/** weight [O, Cg, kd, kh, kw] (contiguous) flipped along its last three dims, each group's [Og, Cg] transposed: [groups·Cg, Og, kd, kh, kw]. */
function flippedTranspose(w: Tensor, groups: number): Tensor {
  const [O, Cg, kd, kh, kw] = w.shape as [number, number, number, number, number];
  const Og = O / groups, taps = kd * kh * kw;
  const out = emptyUninitialized([groups * Cg, Og, kd, kh, kw], w.dtype);
  const src = w.data, dst = out.data;
  for (let gi = 0; gi < groups; gi++)
    for (let o = 0; o < Og; o++)
      for (let c = 0; c < Cg; c++) {
        const from = w.offset + ((gi * Og + o) * Cg + c) * taps, to = ((gi * Cg + c) * Og + o) * taps;
        for (let t = 0; t < taps; t++) dst[to + taps - 1 - t] = src[from + t]!;
      }
  return out;
}
