/**
 * Max and average pooling over NCHW input. Max pooling is the backend's
 * maxPool2d kernel; with a graph (or when asked for them) it also keeps each
 * window's argmax, and the backward sends gradients there (PyTorch's
 * max_pool2d_with_indices). Average pooling is `unfold` and a sum over each
 * window, so its backward comes from those ops.
 *
 * ceilMode: PyTorch adds a last, partial window where floor division would
 * drop input rows or columns. The kernels work in floor mode, so the input is
 * extended at the bottom and right with a value that cannot change a result
 * (-Infinity for max, 0 for the sums of avg, whose divisors count the window
 * as PyTorch does).
 */
import type { Conv2dGeometry } from "../backend/backend.js";
import type { Tensor } from "../tensor/tensor.js";
import { isFloating } from "../tensor/dtype.js";
import { contiguousData, empty, emptyUninitialized, kernels, needsGrad, record, shapeStr } from "./core.js";
import { gather, indexSelect } from "./indexing.js";
import { pair, type Pair, unfold } from "./conv.js";
import { mean, sum } from "./reduce.js";
import { reshape } from "./views.js";
import { div, where } from "./elementwise.js";
import { fromTypedArray } from "./factories.js";
import { pad } from "./pad.js";

export interface Pool2dOptions {
  /** Defaults to the kernel size, as in PyTorch. */
  stride?: Pair | null;
  padding?: Pair;
  dilation?: Pair;
  /** Output sizes round up: a last window may start in the input and run past its padding. */
  ceilMode?: boolean;
}

export interface MaxPool2dOptions extends Pool2dOptions {
  /** Also return each window's argmax as h * W + w in its input plane (int32; PyTorch's are int64). */
  returnIndices?: boolean;
}

export interface AvgPool2dOptions {
  stride?: Pair | null;
  padding?: Pair;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

/** PyTorch's pooling_output_shape for one spatial dim. */
function poolOutputSize(size: number, kernel: number, stride: number, padding: number, dilation: number, ceilMode: boolean): number {
  const span = size + 2 * padding - dilation * (kernel - 1) - 1;
  let out = Math.floor((span + (ceilMode ? stride - 1 : 0)) / stride) + 1;
  // the last window must start inside the input or its left padding
  if (ceilMode && (out - 1) * stride >= size + padding) out--;
  return out;
}

/**
 * PyTorch 2.x's checks of a pool's geometry, in its order: per dim the
 * stride and padding (pooling_output_shape), then the kernel, stride and
 * dilation of both dims (pool2d_shape_check).
 */
function checkPoolGeometry(g: Conv2dGeometry): void {
  for (const d of [0, 1] as const) {
    const k = g.kernel[d], pad = g.padding[d], dilation = g.dilation[d];
    if (g.stride[d] === 0) throw new Error("stride should not be zero");
    if (pad < 0) throw new Error(`pad must be non-negative, but got pad: ${pad}`);
    // (C++ integer division, truncating)
    if (pad > Math.trunc(((k - 1) * dilation + 1) / 2)) {
      throw new Error(`pad should be at most half of effective kernel size, but got pad=${pad}, kernel_size=${k} and dilation=${dilation}`);
    }
  }
  const [kH, kW] = g.kernel, [dH, dW] = g.stride, [dilationH, dilationW] = g.dilation;
  if (!(kH > 0 && kW > 0)) throw new Error(`kernel size should be greater than zero, but got kH: ${kH} kW: ${kW}`);
  if (!(dH > 0 && dW > 0)) throw new Error(`stride should be greater than zero, but got dH: ${dH} dW: ${dW}`);
  if (!(dilationH > 0 && dilationW > 0)) throw new Error(`dilation should be greater than zero, but got dilationH: ${dilationH} dilationW: ${dilationW}`);
}

/**
 * The 4-d input (extended for ceil mode with `fill`), its geometry and output
 * size; `finish` takes [N*C, L] or [N, C, oh, ow] results to the input's
 * batched or unbatched layout (a 4-d result of 4-d input as it is).
 */
function geometry(input: Tensor, kernelSize: Pair, options: Pool2dOptions, op: string, fill: number) {
  const unbatched = input.shape.length === 3;
  if (input.shape.length !== 3 && input.shape.length !== 4) {
    throw new Error(`${op}: Expected 3D or 4D (batch mode) tensor for input, got shape ${shapeStr(input.shape)}`);
  }
  const x = unbatched ? reshape(input, [1, ...input.shape]) : input;
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const kernel = pair(kernelSize);
  const g: Conv2dGeometry = {
    kernel, stride: pair(options.stride ?? kernelSize), padding: pair(options.padding ?? 0), dilation: pair(options.dilation ?? 1),
  };
  checkPoolGeometry(g);
  const ceil = options.ceilMode ?? false;
  const oh = poolOutputSize(H, kernel[0], g.stride[0], g.padding[0], g.dilation[0], ceil);
  const ow = poolOutputSize(W, kernel[1], g.stride[1], g.padding[1], g.dilation[1], ceil);
  if (oh <= 0 || ow <= 0) {
    throw new Error(`${op}: Given input size: (${C}x${H}x${W}). Calculated output size: (${C}x${oh}x${ow}). Output size is too small`);
  }
  // rows and columns the last windows reach past the padded input (ceil mode only)
  const extraH = Math.max(0, (oh - 1) * g.stride[0] + g.dilation[0] * (kernel[0] - 1) + 1 - (H + 2 * g.padding[0]));
  const extraW = Math.max(0, (ow - 1) * g.stride[1] + g.dilation[1] * (kernel[1] - 1) + 1 - (W + 2 * g.padding[1]));
  const xp = extraH > 0 || extraW > 0 ? pad(x, [0, extraW, 0, extraH], "constant", fill) : x;
  const finish = (r: Tensor) => (unbatched ? reshape(r, [C, oh, ow]) : r.shape.length === 4 ? r : reshape(r, [N, C, oh, ow]));
  return { x: xp, g, finish, shape: [N, C, H, W] as const, oh, ow, extraW };
}

/**
 * `F.maxPool2d(input, kernelSize, { stride, padding, dilation, ceilMode, returnIndices })`:
 * the max of each window (padding never wins). Gradient goes to each window's
 * maximum (the first of equal ones; a NaN wins). With `returnIndices` it
 * returns `[values, indices]`.
 *
 * @example
 * const y = maxPool2d(torch.randn([1, 1, 4, 4]), 2); // [1, 1, 2, 2]
 * const [v, i] = maxPool2d(torch.randn([1, 1, 5, 5]), 2, { ceilMode: true, returnIndices: true }); // [1, 1, 3, 3] each
 */
export function maxPool2d(input: Tensor, kernelSize: Pair, options: MaxPool2dOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool2d(input: Tensor, kernelSize: Pair, options?: MaxPool2dOptions): Tensor;
export function maxPool2d(input: Tensor, kernelSize: Pair, options: MaxPool2dOptions = {}): Tensor | [Tensor, Tensor] {
  const { x, g, finish, shape, oh, ow, extraW } = geometry(input, kernelSize, options, "max_pool2d", -Infinity);
  const values = emptyUninitialized([shape[0], shape[1], oh, ow], x.dtype);
  const returnIndices = options.returnIndices ?? false;
  if (!needsGrad(x) && !returnIndices) {
    // no graph: only the maxima are needed
    kernels().maxPool2d(values, x, g);
    return finish(values);
  }
  // PyTorch's max_pool2d_with_indices: the backward sends each gradient to its window's maximum
  const indices = emptyUninitialized(values.shape, "int32");
  kernels().maxPool2d(values, x, g, indices);
  if (needsGrad(x)) {
    const inputShape = x.shape;
    record("MaxPool2DWithIndicesBackward0", [x], values, ([gr], [, ix]) => [maxPool2dBackward(gr!, ix!, inputShape)], [x, indices]);
  }
  if (!returnIndices) return finish(values);
  return [finish(values), finish(extraW > 0 ? unextendedIndices(indices, shape[3], extraW) : indices)];
}

/** Indices into planes `extraW` columns wider than W (ceil mode's extension) as indices into the input's W-wide planes. */
function unextendedIndices(indices: Tensor, W: number, extraW: number): Tensor {
  const wide = W + extraW;
  const src = indices.data as Int32Array, out = new Int32Array(src.length);
  // a window's maximum is never in the extension: it starts inside the input and -Infinity loses every tie there
  for (let i = 0; i < src.length; i++) out[i] = src[i]! - Math.floor(src[i]! / wide) * extraW;
  return reshape(fromTypedArray(out), indices.shape);
}

/** The gradient of max_pool2d: `grad` added into zeros of the input's shape at `indices`; differentiable in `grad`. */
export function maxPool2dBackward(grad: Tensor, indices: Tensor, inputShape: readonly number[]): Tensor {
  const gradInput = empty(inputShape, grad.dtype);
  kernels().maxPool2dBackward(gradInput, grad, indices);
  if (needsGrad(grad)) {
    // its own gradient picks each window's maximum back out (PyTorch's max_pool_double_backward)
    const [N, C, H, W] = inputShape as [number, number, number, number];
    const [, , oh, ow] = grad.shape as [number, number, number, number];
    record("MaxPool2DWithIndicesBackwardBackward0", [grad], gradInput, ([gg], [ix]) => [
      reshape(gather(reshape(gg!, [N, C, H * W]), 2, reshape(ix!, [N, C, oh * ow])), [N, C, oh, ow]),
    ], [indices]);
  }
  return gradInput;
}

/**
 * `F.avgPool2d(input, kernelSize, { stride, padding, ceilMode, countIncludePad = true, divisorOverride })`.
 *
 * @example
 * const y = avgPool2d(torch.randn([1, 1, 4, 4]), 2); // [1, 1, 2, 2]
 */
export function avgPool2d(input: Tensor, kernelSize: Pair, options: AvgPool2dOptions = {}): Tensor {
  if (options.divisorOverride === 0) throw new Error("divisor must be not zero (avg_pool2d)");
  const { x, g, finish, shape, oh, ow } = geometry(input, kernelSize, options, "avg_pool2d", 0);
  const [N, C, H, W] = shape;
  // one channel per "image" so each column is one window
  const planes = reshape(x, [N * C, 1, x.shape[2]!, x.shape[3]!]);
  const sums = sum(reshape(unfold(planes, g, 0), [N * C, g.kernel[0] * g.kernel[1], oh * ow]), 1);
  if (options.divisorOverride != null) return finish(div(sums, options.divisorOverride));
  const includePad = options.countIncludePad ?? true;
  // PyTorch's divisor per window: its extent clipped to the padded input, or to the input itself without countIncludePad
  const count = new Float64Array(oh * ow);
  const extent = (o: number, d: 0 | 1, size: number) => {
    const start = o * g.stride[d] - g.padding[d], end = Math.min(start + g.kernel[d], size + g.padding[d]);
    return includePad ? end - start : Math.min(end, size) - Math.max(start, 0);
  };
  for (let y = 0; y < oh; y++) for (let z = 0; z < ow; z++) count[y * ow + z] = extent(y, 0, H) * extent(z, 1, W);
  return finish(div(sums, fromTypedArray(x.dtype === "float64" ? count : Float32Array.from(count))));
}

/** An adaptive pool's output size: one for both dims, or [height, width] where null keeps the input's. */
export type AdaptiveSize = number | readonly [number | null, number | null];

/**
 * `F.adaptiveAvgPool2d(input, outputSize)`: output cell i of a dim of size
 * `n` averages input [floor(i n / out), ceil((i + 1) n / out)), as PyTorch.
 * The windows are rectangles, so each spatial dim is pooled in turn (an
 * avg_pool2d when the sizes divide evenly). Each window's elements are
 * gathered into a padded row and the padding masked out with `where`, not
 * multiplied by 0, so an Infinity stays in its own windows.
 *
 * @example
 * const y = adaptiveAvgPool2d(torch.randn([2, 3, 7, 5]), [3, 2]); // [2, 3, 3, 2]
 */
export function adaptiveAvgPool2d(input: Tensor, outputSize: AdaptiveSize): Tensor {
  const dims = input.shape.length;
  if ((dims !== 3 && dims !== 4) || input.shape.slice(1).some((s) => s === 0)) {
    throw new Error(`adaptive_avg_pool2d(): Expected 3D or 4D tensor with non-zero sizes for non-batch dimensions, but got ${shapeStr(input.shape)}`);
  }
  const [H, W] = input.shape.slice(-2) as [number, number];
  const requested = typeof outputSize === "number" ? [outputSize, outputSize] : outputSize;
  if (requested.length !== 2) throw new Error(`adaptive_avg_pool2d: output_size must be 2, got [${requested.join(", ")}]`);
  const [oh, ow] = [requested[0] ?? H, requested[1] ?? W];
  if (![oh, ow].every((o) => Number.isInteger(o) && o >= 0)) {
    throw new Error(`adaptive_avg_pool2d: output_size must be non-negative integers, got [${requested.join(", ")}] (input ${shapeStr(input.shape)})`);
  }
  // an output size of 0 gives an empty result, as PyTorch's
  if (oh === 0 || ow === 0) return emptyOf(input, [...input.shape.slice(0, -2), oh, ow]);
  // a 1 x 1 output is the mean over H and W, as PyTorch computes it (its node is MeanBackward1), one fast reduction
  if (oh === 1 && ow === 1 && isFloating(input.dtype)) return mean(input, [dims - 2, dims - 1], { keepdim: true });
  if (H % oh === 0 && W % ow === 0) return avgPool2d(input, [H / oh, W / ow]);
  return adaptiveMean(adaptiveMean(input, dims - 2, oh), dims - 1, ow);
}

/** The adaptive windows' means along `dim` (out of them). */
function adaptiveMean(x: Tensor, dim: number, out: number): Tensor {
  const n = x.shape[dim]!;
  if (n === out) return x;
  const bounds = Array.from({ length: out }, (_, i) => [Math.floor((i * n) / out), Math.ceil(((i + 1) * n) / out)] as const);
  const width = Math.max(...bounds.map(([a, b]) => b - a));
  // window i's elements in row i, padded to `width` by repeating its last one (masked out below)
  const index = new Int32Array(out * width), inside = new Uint8Array(out * width), length = new Float64Array(out);
  bounds.forEach(([a, b], i) => {
    length[i] = b - a;
    for (let k = 0; k < width; k++) {
      index[i * width + k] = Math.min(a + k, b - 1);
      inside[i * width + k] = a + k < b ? 1 : 0;
    }
  });
  const windowShape = [...x.shape.slice(0, dim), out, width, ...x.shape.slice(dim + 1)];
  const gathered = reshape(indexSelect(x, dim, fromTypedArray(index)), windowShape);
  const trailing = new Array<number>(x.shape.length - dim - 1).fill(1); // broadcast over the dims after `dim`
  const mask = reshape(fromTypedArray(inside).to("bool"), [out, width, ...trailing]);
  const sums = sum(where(mask, gathered, 0), dim + 1);
  const counts = reshape(fromTypedArray(x.dtype === "float64" ? length : Float32Array.from(length)), [out, ...trailing]);
  return div(sums, counts);
}

export interface MaxPool1dOptions {
  /** Defaults to the kernel size, as in PyTorch. */
  stride?: number | null;
  padding?: number;
  dilation?: number;
  ceilMode?: boolean;
  /** Also return each window's argmax (a position along L; int32). */
  returnIndices?: boolean;
}

export interface AvgPool1dOptions {
  stride?: number | null;
  padding?: number;
  ceilMode?: boolean;
  countIncludePad?: boolean;
}

/** `[N, C, L]` or `[C, L]` input as 2-d pooling's input of height 1 (and back), named for the 1-d op in errors. */
function asRows(input: Tensor, op: string): [Tensor, (t: Tensor) => Tensor] {
  if (input.shape.length !== 2 && input.shape.length !== 3) {
    throw new Error(`${op}: Expected 2D or 3D (batch mode) tensor for input, but got: ${shapeStr(input.shape)}`);
  }
  const rows = reshape(input, [...input.shape.slice(0, -1), 1, input.shape[input.shape.length - 1]!]);
  return [rows, (t) => reshape(t, [...t.shape.slice(0, -2), t.shape[t.shape.length - 1]!])];
}

/**
 * `F.maxPool1d(input, kernelSize, { stride, padding, dilation, ceilMode, returnIndices })`
 * over the last dim of `[N, C, L]` or `[C, L]` input.
 *
 * @example
 * const y = maxPool1d(torch.randn([2, 4, 10]), 2); // [2, 4, 5]
 */
export function maxPool1d(input: Tensor, kernelSize: number, options: MaxPool1dOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool1d(input: Tensor, kernelSize: number, options?: MaxPool1dOptions): Tensor;
export function maxPool1d(input: Tensor, kernelSize: number, options: MaxPool1dOptions = {}): Tensor | [Tensor, Tensor] {
  const [rows, back] = asRows(input, "max_pool1d");
  const o = {
    stride: [1, options.stride ?? kernelSize] as const, padding: [0, options.padding ?? 0] as const,
    dilation: [1, options.dilation ?? 1] as const, ceilMode: options.ceilMode ?? false,
  };
  if (options.returnIndices === true) {
    const [values, indices] = maxPool2d(rows, [1, kernelSize], { ...o, returnIndices: true });
    return [back(values), back(indices)]; // in a plane of height 1, h * W + w is w
  }
  return back(maxPool2d(rows, [1, kernelSize], o));
}

/**
 * `F.avgPool1d(input, kernelSize, { stride, padding, ceilMode, countIncludePad = true })`
 * over the last dim of `[N, C, L]` or `[C, L]` input.
 *
 * @example
 * const y = avgPool1d(torch.randn([2, 4, 10]), 3, { stride: 1, padding: 1 }); // [2, 4, 10]
 */
export function avgPool1d(input: Tensor, kernelSize: number, options: AvgPool1dOptions = {}): Tensor {
  const [rows, back] = asRows(input, "avg_pool1d");
  return back(avgPool2d(rows, [1, kernelSize], {
    stride: [1, options.stride ?? kernelSize], padding: [0, options.padding ?? 0],
    ceilMode: options.ceilMode ?? false, countIncludePad: options.countIncludePad ?? true,
  }));
}

export interface AdaptiveMaxPoolOptions {
  /** Also return each window's argmax as h * W + w in its input plane (int32; PyTorch's are int64). */
  returnIndices?: boolean;
}

/** PyTorch's adaptive window of output cell `i` (of `out`) over a dim of size `n`: [floor(i n / out), ceil((i + 1) n / out)). */
const adaptiveWindow = (i: number, n: number, out: number): [number, number] => [Math.floor((i * n) / out), Math.ceil(((i + 1) * n) / out)];

/** An adaptive pool's requested [oh, ow] (null keeps the input's size), checked positive. */
function adaptiveOutput(op: string, outputSize: AdaptiveSize, H: number, W: number, inputShape: readonly number[]): [number, number] {
  const requested = typeof outputSize === "number" ? [outputSize, outputSize] : outputSize;
  if (requested.length !== 2) throw new Error(`${op}: output_size must be 2, got [${requested.join(", ")}]`);
  const out: [number, number] = [requested[0] ?? H, requested[1] ?? W];
  if (!out.every((o) => Number.isInteger(o) && o >= 0)) {
    throw new Error(`${op}: output_size must be non-negative integers, got [${requested.join(", ")}] (input ${shapeStr(inputShape)})`);
  }
  return out;
}

/** An empty tensor of `shape` (which holds a 0) taken from `input`, so that it is part of `input`'s graph. */
export function emptyOf(input: Tensor, shape: readonly number[]): Tensor {
  return reshape(indexSelect(reshape(input, [-1]), 0, fromTypedArray(new Int32Array(0))), shape);
}

/**
 * `F.adaptiveMaxPool2d(input, outputSize, { returnIndices })`: the max of
 * each adaptive window (output cell i of a dim of size `n` covers input
 * [floor(i n / out), ceil((i + 1) n / out)), so windows may overlap). Ties
 * go to the first element in row-major order, a NaN wins (the last one of
 * several), as in PyTorch. The argmax of each window is found here and the
 * values are a `gather` of the input at it, so the gradient flows to the
 * chosen elements (and adds up where windows overlap). With `returnIndices`
 * it returns `[values, indices]`, the indices flat per plane (h * W + w, int32).
 *
 * @example
 * const y = adaptiveMaxPool2d(torch.randn([2, 3, 7, 5]), [3, 2]); // [2, 3, 3, 2]
 * const [v, i] = adaptiveMaxPool2d(torch.randn([3, 5, 5]), 2, { returnIndices: true }); // [3, 2, 2] each
 */
export function adaptiveMaxPool2d(input: Tensor, outputSize: AdaptiveSize, options: AdaptiveMaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool2d(input: Tensor, outputSize: AdaptiveSize, options?: AdaptiveMaxPoolOptions): Tensor;
export function adaptiveMaxPool2d(input: Tensor, outputSize: AdaptiveSize, options: AdaptiveMaxPoolOptions = {}): Tensor | [Tensor, Tensor] {
  return adaptiveMax(input, outputSize, options.returnIndices ?? false, "adaptive_max_pool2d");
}

/** adaptive_max_pool2d, named `op` in the output size's errors (the 1-d op passes its own). */
function adaptiveMax(input: Tensor, outputSize: AdaptiveSize, returnIndices: boolean, op: string): Tensor | [Tensor, Tensor] {
  const dims = input.shape.length;
  if (dims !== 3 && dims !== 4) throw new Error(`adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: ${shapeStr(input.shape)}`);
  const empty = input.shape.findIndex((s, i) => i > 0 && s === 0);
  if (empty > 0) {
    throw new Error(`adaptive_max_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes ${shapeStr(input.shape)} with dimension ${empty} being empty`);
  }
  const [H, W] = input.shape.slice(-2) as [number, number];
  const [oh, ow] = adaptiveOutput(op, outputSize, H, W, input.shape);
  const planes = input.numel() / (H * W);
  const flat = reshape(input, [planes, H * W]);
  const dense = contiguousData(flat);
  const data = dense.data as Float32Array | Float64Array;
  const index = new Int32Array(planes * oh * ow);
  for (let p = 0, o = 0; p < planes; p++) {
    const base = dense.offset + p * H * W;
    for (let i = 0; i < oh; i++) {
      const [h0, h1] = adaptiveWindow(i, H, oh);
      for (let j = 0; j < ow; j++, o++) {
        const [w0, w1] = adaptiveWindow(j, W, ow);
        // PyTorch's loop: starts at the window's first element and -inf, takes a larger value or any NaN
        let best = h0 * W + w0, max = -Infinity;
        for (let h = h0; h < h1; h++) {
          for (let w = w0; w < w1; w++) {
            const v = data[base + h * W + w]!;
            if (v > max || Number.isNaN(v)) {
              max = v;
              best = h * W + w;
            }
          }
        }
        index[o] = best;
      }
    }
  }
  const outShape = [...input.shape.slice(0, -2), oh, ow];
  const indices = reshape(fromTypedArray(index), [planes, oh * ow]);
  const values = reshape(gather(flat, 1, indices), outShape);
  return returnIndices ? [values, reshape(indices, outShape)] : values;
}

/** `[N, C, L]` or `[C, L]` input of an adaptive 1-d pool as rows of height 1, checked as PyTorch's `op` checks it. */
function adaptiveRows(input: Tensor, op: string): Tensor {
  if (input.shape.length !== 2 && input.shape.length !== 3) {
    throw new Error(`Expected 2 to 3 dimensions, but got ${input.shape.length}-dimensional tensor for argument #1 'self' (while checking arguments for ${op})`);
  }
  return reshape(input, [...input.shape.slice(0, -1), 1, input.shape[input.shape.length - 1]!]);
}

/** The last dim of an adaptive pool's output size (an int, or a one-element list as PyTorch's `_single` takes it). */
const single = (outputSize: number | readonly [number]): number => (typeof outputSize === "number" ? outputSize : outputSize[0]);

/**
 * `F.adaptiveAvgPool1d(input, outputSize)` over the last dim of `[N, C, L]`
 * or `[C, L]` input: cell i averages [floor(i L / out), ceil((i + 1) L / out)).
 *
 * @example
 * const y = adaptiveAvgPool1d(torch.randn([2, 4, 10]), 3); // [2, 4, 3]
 */
export function adaptiveAvgPool1d(input: Tensor, outputSize: number | readonly [number]): Tensor {
  const rows = adaptiveRows(input, "adaptive_avg_pool1d");
  return squeezeRows(adaptiveAvgPool2d(rows, [1, single(outputSize)]));
}

/**
 * `F.adaptiveMaxPool1d(input, outputSize, { returnIndices })` over the last
 * dim of `[N, C, L]` or `[C, L]` input; indices are positions along L (int32).
 *
 * @example
 * const y = adaptiveMaxPool1d(torch.randn([2, 4, 10]), 3); // [2, 4, 3]
 */
export function adaptiveMaxPool1d(input: Tensor, outputSize: number | readonly [number], options: AdaptiveMaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool1d(input: Tensor, outputSize: number | readonly [number], options?: AdaptiveMaxPoolOptions): Tensor;
export function adaptiveMaxPool1d(input: Tensor, outputSize: number | readonly [number], options: AdaptiveMaxPoolOptions = {}): Tensor | [Tensor, Tensor] {
  const rows = adaptiveRows(input, "adaptive_max_pool1d");
  const r = adaptiveMax(rows, [1, single(outputSize)], options.returnIndices ?? false, "adaptive_max_pool1d");
  // in a plane of height 1, h * W + w is w
  return Array.isArray(r) ? [squeezeRows(r[0]), squeezeRows(r[1])] : squeezeRows(r);
}

/** Drops the height-1 dim that `adaptiveRows` added. */
const squeezeRows = (t: Tensor): Tensor => reshape(t, [...t.shape.slice(0, -2), t.shape[t.shape.length - 1]!]);
