/**
 * `F.maxUnpool1d` / `F.maxUnpool2d`: the partial inverse of max pooling.
 * Each value goes back to the position its index (from `maxPool2d(...,
 * { returnIndices: true })`, flat within its plane) names, zeros elsewhere:
 * a scatter into zero planes, whose gradient (a gather at the indices) comes
 * from scatter's.
 */
import type { Tensor } from "../tensor/tensor.js";
import { contiguousData, shapeStr } from "./core.js";
import { type Pair, pair } from "./conv.js";
import { zeros } from "./factories.js";
import { scatter } from "./indexing.js";
import { reshape } from "./views.js";

export interface MaxUnpool2dOptions {
  /** Defaults to the kernel size. */
  stride?: Pair | null;
  padding?: Pair;
  /** The output's spatial size (optionally with N and C first), for pools whose floor division dropped rows or columns. */
  outputSize?: readonly number[] | null;
}

export interface MaxUnpool1dOptions {
  stride?: number | null;
  padding?: number;
  outputSize?: readonly number[] | null;
}

/** PyTorch's _unpool_output_size: the default `(in - 1)·stride - 2·padding + kernel`, or `outputSize` checked against it. */
export function unpoolSize(inSizes: readonly number[], kernel: readonly number[], stride: readonly number[], padding: readonly number[], outputSize: readonly number[] | null | undefined): number[] {
  const defaults = inSizes.map((n, d) => (n - 1) * stride[d]! - 2 * padding[d]! + kernel[d]!);
  if (outputSize == null) return defaults;
  const k = kernel.length;
  const sizes = outputSize.length === k + 2 ? outputSize.slice(2) : outputSize;
  if (sizes.length !== k) throw new Error(`output_size should be a sequence containing ${k} or ${k + 2} elements, but it has a length of '${outputSize.length}'`);
  sizes.forEach((s, d) => {
    const lo = defaults[d]! - stride[d]!, hi = defaults[d]! + stride[d]!;
    if (!(lo < s && s < hi)) throw new Error(`invalid output_size "[${outputSize.join(", ")}]" (dim ${d} must be between ${lo} and ${hi})`);
  });
  return [...sizes];
}

/** The scatter itself: `input` and `indices` of `[..., h, w]` into zero planes of `oh x ow`, PyTorch's checks first. */
function unpool(input: Tensor, indices: Tensor, oh: number, ow: number): Tensor {
  if (indices.shape.length !== input.shape.length || indices.shape.some((s, i) => s !== input.shape[i])) {
    throw new Error(`Expected shape of indices to be same as that of the input tensor (${shapeStr(input.shape)}) but got indices tensor with shape: ${shapeStr(indices.shape)}`);
  }
  if (indices.dtype !== "int32") throw new Error(`max_unpool2d(): Expected indices of dtype int32 (as maxPool2d returns them), got ${indices.dtype}`);
  const index = contiguousData(indices);
  // PyTorch's kernel keeps going and reports the last invalid index it met
  let invalid: number | null = null;
  for (let i = 0; i < indices.numel(); i++) {
    const v = index.data[index.offset + i] as number;
    if (v < 0 || v >= oh * ow) invalid = v;
  }
  if (invalid !== null) throw new Error(`Found an invalid max index: ${invalid} (output volumes are of size ${oh}x${ow}`);
  const [h, w] = input.shape.slice(-2) as [number, number];
  const planes = input.numel() / (h * w);
  const flat = scatter(zeros([planes, oh * ow], { dtype: input.dtype }), 1, reshape(indices, [planes, h * w]), reshape(input, [planes, h * w]));
  return reshape(flat, [...input.shape.slice(0, -2), oh, ow]);
}

/**
 * `F.maxUnpool2d(input, indices, kernelSize, { stride, padding, outputSize })`
 * on `[N, C, H, W]` or `[C, H, W]` input.
 *
 * @example
 * const [v, i] = F.maxPool2d(x, 2, { returnIndices: true });
 * const y = F.maxUnpool2d(v, i, 2); // x's maxima in place, zeros elsewhere
 */
export function maxUnpool2d(input: Tensor, indices: Tensor, kernelSize: Pair, options: MaxUnpool2dOptions = {}): Tensor {
  if (input.dim() !== 3 && input.dim() !== 4) {
    throw new Error(`Input to max_unpooling2d should be a 3d or 4d Tensor, but got a tensor with ${input.dim()} dimensions.`);
  }
  const kernel = pair(kernelSize), stride = pair(options.stride ?? kernelSize), padding = pair(options.padding ?? 0);
  const [oh, ow] = unpoolSize(input.shape.slice(-2), kernel, stride, padding, options.outputSize) as [number, number];
  return unpool(input, indices, oh, ow);
}

/**
 * `F.maxUnpool1d(input, indices, kernelSize, { stride, padding, outputSize })`
 * on `[N, C, L]` or `[C, L]` input; as PyTorch, 2-d unpooling of planes of width 1.
 *
 * @example
 * const [v, i] = F.maxPool1d(x, 2, { returnIndices: true });
 * const y = F.maxUnpool1d(v, i, 2);
 */
export function maxUnpool1d(input: Tensor, indices: Tensor, kernelSize: number, options: MaxUnpool1dOptions = {}): Tensor {
  const [length] = unpoolSize([input.shape[input.dim() - 1]!], [kernelSize], [options.stride ?? kernelSize], [options.padding ?? 0], options.outputSize) as [number];
  const column = (t: Tensor) => reshape(t, [...t.shape, 1]);
  const out = maxUnpool2d(column(input), column(indices), [kernelSize, 1], {
    stride: [options.stride ?? kernelSize, 1], padding: [options.padding ?? 0, 0], outputSize: [length, 1],
  });
  return reshape(out, out.shape.slice(0, -1));
}
