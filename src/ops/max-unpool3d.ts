/**
 * `F.maxUnpool3d`: the partial inverse of `F.maxPool3d`. Each value goes
 * back to the position its index (flat within its volume, as
 * `maxPool3d(..., { returnIndices: true })` gives it) names, zeros elsewhere:
 * one typed-array pass (a scatter into zero volumes), whose gradient is the
 * output gradient read at the indices (another pass); a backend kernel for
 * each where there is one (native/max-unpool3d.c).
 */
import type { Tensor } from "../tensor/tensor.js";
import { contiguousData, emptyUninitialized, kernels, needsGrad, record, shapeStr } from "./core.js";
import { type Triple, triple } from "./conv3d.js";
import { zeros } from "./factories.js";
import { scatterAdd } from "./indexing.js";
import { unpoolSize } from "./max-unpool.js";
import { reshape } from "./views.js";

export interface MaxUnpool3dOptions {
  /** Defaults to the kernel size. */
  stride?: Triple | null;
  padding?: Triple;
  /** The output's spatial size (optionally with N and C first), for pools whose floor division dropped positions. */
  outputSize?: readonly number[] | null;
}

/**
 * `F.maxUnpool3d(input, indices, kernelSize, { stride, padding, outputSize })`
 * on `[N, C, D, H, W]` or `[C, D, H, W]` input. The default output size per
 * dim is `(in - 1)·stride - 2·padding + kernel`.
 *
 * @example
 * const [v, i] = F.maxPool3d(x, 2, { returnIndices: true });
 * const y = F.maxUnpool3d(v, i, 2); // x's maxima in place, zeros elsewhere
 */
export function maxUnpool3d(input: Tensor, indices: Tensor, kernelSize: Triple, options: MaxUnpool3dOptions = {}): Tensor {
  if (input.dim() !== 4 && input.dim() !== 5) {
    throw new Error(`Input to max_unpooling3d should be a 4d or 5d Tensor, but got a tensor with ${input.dim()} dimensions.`);
  }
  const kernel = triple(kernelSize), stride = triple(options.stride ?? kernelSize), padding = triple(options.padding ?? 0);
  const [oD, oH, oW] = unpoolSize(input.shape.slice(-3), kernel, stride, padding, options.outputSize) as [number, number, number];
  if (indices.dtype !== "int32") throw new Error(`elements in indices should be type int32 (as maxPool3d returns them) but got: ${indices.dtype} (max_unpool3d)`);
  if (indices.shape.length !== input.shape.length || indices.shape.some((s, i) => s !== input.shape[i])) {
    throw new Error(`Expected shape of indices to be same as that of the input tensor (${shapeStr(input.shape)}) but got indices tensor with shape: ${shapeStr(indices.shape)}`);
  }
  const emptyDim = input.shape.findIndex((s, i) => i > 0 && s === 0);
  if (emptyDim > 0) {
    throw new Error(`max_unpooling3d_forward_out(): Expected input to have non-zero size for non-batch dimensions, but got ${shapeStr(input.shape)} with dimension ${emptyDim} being empty.`);
  }
  if (stride.some((s) => !(s > 0))) throw new Error(`strides should be greater than zero, but got stride: [${stride.join(", ")}]`);
  const [d, h, w] = input.shape.slice(-3) as [number, number, number];
  const planes = input.numel() / (d * h * w), inVolume = d * h * w, volume = oD * oH * oW;
  // one pass: each value to its position in its plane's output volume (a later duplicate wins, as PyTorch's loop), zeros elsewhere
  const out = emptyUninitialized([...input.shape.slice(0, -3), oD, oH, oW], input.dtype);
  const as5d = (t: Tensor) => (t.dim() === 4 ? reshape(t, [1, ...t.shape]) : t);
  // (the kernel's answer: false where it leaves the work here, else the last invalid index or null)
  const backend = kernels();
  const fromKernel = out.numel() === 0 || backend.maxUnpool3d === undefined ? false : backend.maxUnpool3d(as5d(out), as5d(input), as5d(indices));
  // PyTorch's kernel keeps going past an invalid index and reports the last one it met
  let invalid: number | null = null;
  if (fromKernel !== false) invalid = fromKernel;
  else {
    const index = contiguousData(indices), values = contiguousData(input);
    const ix = index.data as Int32Array, v = values.data, o = out.data;
    o.fill(0);
    for (let p = 0; p < planes; p++) {
      const io = index.offset + p * inVolume, vo = values.offset + p * inVolume, oo = p * volume;
      for (let i = 0; i < inVolume; i++) {
        const at = ix[io + i]!;
        if (at >= 0 && at < volume) o[oo + at] = v[vo + i]!;
        else invalid = at;
      }
    }
  }
  // (PyTorch's text has no closing parenthesis)
  if (invalid !== null) throw new Error(`Found an invalid max index: ${invalid} (output volumes are of size ${oD}x${oH}x${oW}`);
  if (needsGrad(input)) {
    const shape = input.shape;
    // the gradient is the output gradient at the indices (PyTorch's max_pool_double_backward, a gather)
    record("MaxUnpool3DBackward0", [input], out, ([g], [idx]) => [gradientAtIndices(g!, idx!, shape, planes, volume)], [indices]);
  }
  return out;
}

/**
 * `grad` (planes of `volume`) read at `indices` (checked by the forward),
 * shaped as the unpool's input: one typed-array pass. Its own gradient adds
 * back at the indices (gather's), so it is differentiable again.
 */
function gradientAtIndices(grad: Tensor, indices: Tensor, shape: readonly number[], planes: number, volume: number): Tensor {
  const out = emptyUninitialized(shape, grad.dtype);
  const per = out.numel() / Math.max(planes, 1);
  const as5d = (t: Tensor) => (t.dim() === 4 ? reshape(t, [1, ...t.shape]) : t);
  if (out.numel() === 0 || kernels().maxUnpool3dBackward?.(as5d(out), as5d(grad), as5d(indices)) !== true) {
    const g = contiguousData(grad), ix = contiguousData(indices);
    const gd = g.data, id = ix.data as Int32Array, o = out.data;
    for (let p = 0; p < planes; p++) {
      const go = g.offset + p * volume, io = ix.offset + p * per, oo = p * per;
      for (let i = 0; i < per; i++) o[oo + i] = gd[go + id[io + i]!]!;
    }
  }
  if (needsGrad(grad)) {
    const gradShape = grad.shape;
    record("MaxPoolDoubleBackwardBackward0", [grad], out, ([gg], [idx]) => [
      reshape(scatterAdd(zeros([planes, volume], { dtype: gg!.dtype }), 1, reshape(idx!, [planes, per]), reshape(gg!, [planes, per])), gradShape),
    ], [indices]);
  }
  return out;
}
