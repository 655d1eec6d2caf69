/**
 * Max and average pooling over NCHW input. Max pooling is the backend's
 * maxPool2d kernel; with a graph it also keeps each window's argmax, and the
 * backward sends gradients there (PyTorch's max_pool2d_with_indices).
 * Average pooling is `unfold` and a mean over each window, so its backward
 * comes from those ops.
 */
import type { Conv2dGeometry } from "../backend/backend.js";
import type { Tensor } from "../tensor/tensor.js";
import { empty, emptyUninitialized, kernels, needsGrad, record, shapeStr } from "./core.js";
import { gather } from "./indexing.js";
import { pair, type Pair, outputSize, unfold } from "./conv.js";
import { mean, sum } from "./reduce.js";
import { reshape } from "./views.js";
import { div } from "./elementwise.js";
import { fromTypedArray } from "./factories.js";

export interface Pool2dOptions {
  /** Defaults to the kernel size, as in PyTorch. */
  stride?: Pair | null;
  padding?: Pair;
  dilation?: Pair;
}

export interface AvgPool2dOptions {
  stride?: Pair | null;
  padding?: Pair;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

function geometry(input: Tensor, kernelSize: Pair, stride: Pair | null | undefined, padding: Pair, dilation: Pair, op: string) {
  const unbatched = input.shape.length === 3;
  if (input.shape.length !== 3 && input.shape.length !== 4) {
    throw new Error(`${op}: Expected 3D or 4D (batch mode) tensor for input, got shape ${shapeStr(input.shape)}`);
  }
  const x = unbatched ? reshape(input, [1, ...input.shape]) : input;
  const shape = x.shape as [number, number, number, number];
  const [N, C] = shape;
  const kernel = pair(kernelSize);
  const g: Conv2dGeometry = { kernel, stride: pair(stride ?? kernelSize), padding: pair(padding), dilation: pair(dilation) };
  if (g.padding[0] * 2 > kernel[0] || g.padding[1] * 2 > kernel[1]) {
    throw new Error(`${op}: pad should be at most half of effective kernel size, but got pad=${g.padding[0]}, kernel_size=${kernel[0]}`);
  }
  const [oh, ow] = outputSize(shape, g, op);
  // finish: [N*C, L] window results back to the input's layout; unbatch: [N, C, oh, ow] back to 3-d input's
  const finish = (r: Tensor) => reshape(r, unbatched ? [C, oh, ow] : [N, C, oh, ow]);
  const unbatch = (r: Tensor) => (unbatched ? reshape(r, [C, oh, ow]) : r);
  return { x, g, finish, unbatch, shape, oh, ow };
}

function windows(input: Tensor, kernelSize: Pair, stride: Pair | null | undefined, padding: Pair, dilation: Pair, op: string, padValue: number) {
  const { x, g, finish, shape } = geometry(input, kernelSize, stride, padding, dilation, op);
  const [N, C, H, W] = shape;
  // one channel per "image" so each column is one window
  const cols = reshape(unfold(reshape(x, [N * C, 1, H, W]), g, padValue), [N * C, g.kernel[0] * g.kernel[1], -1]);
  return { cols, finish, g, x };
}

/**
 * `F.maxPool2d(input, kernelSize, { stride, padding, dilation })`: the max of each window
 * (padding never wins). Gradient goes to the first max of each window.
 *
 * @example
 * const y = maxPool2d(torch.randn([1, 1, 4, 4]), 2); // [1, 1, 2, 2]
 */
export function maxPool2d(input: Tensor, kernelSize: Pair, options: Pool2dOptions = {}): Tensor {
  const padding = options.padding ?? 0, dilation = options.dilation ?? 1;
  const { x, g, unbatch, shape, oh, ow } = geometry(input, kernelSize, options.stride, padding, dilation, "max_pool2d");
  const values = emptyUninitialized([shape[0], shape[1], oh, ow], x.dtype);
  if (!needsGrad(x)) {
    // no graph: only the maxima are needed
    kernels().maxPool2d(values, x, g);
    return unbatch(values);
  }
  // PyTorch's max_pool2d_with_indices: the backward sends each gradient to its window's maximum
  const indices = emptyUninitialized(values.shape, "int32");
  kernels().maxPool2d(values, x, g, indices);
  const inputShape = x.shape;
  record("MaxPool2DWithIndicesBackward0", [x], values, ([gr], [, ix]) => [maxPool2dBackward(gr!, ix!, inputShape)], [x, indices]);
  return unbatch(values);
}

/** The gradient of max_pool2d: `grad` added into zeros of the input's shape at `indices`; differentiable in `grad`. */
function maxPool2dBackward(grad: Tensor, indices: Tensor, inputShape: readonly number[]): Tensor {
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
 * `F.avgPool2d(input, kernelSize, { stride, padding, countIncludePad = true, divisorOverride })`.
 *
 * @example
 * const y = avgPool2d(torch.randn([1, 1, 4, 4]), 2); // [1, 1, 2, 2]
 */
export function avgPool2d(input: Tensor, kernelSize: Pair, options: AvgPool2dOptions = {}): Tensor {
  const padding = options.padding ?? 0;
  const { cols, finish, g, x } = windows(input, kernelSize, options.stride, padding, 1, "avg_pool2d", 0);
  if (options.divisorOverride != null) return finish(div(sum(cols, 1), options.divisorOverride));
  const [ph, pw] = g.padding;
  if ((options.countIncludePad ?? true) || (ph === 0 && pw === 0)) return finish(mean(cols, 1));
  // count only the real (unpadded) cells of each window
  const ones = x.shape.slice(2) as [number, number];
  const count = new Float64Array(cols.shape[2]!);
  const [oh, ow] = outputSize([1, 1, ...ones], g, "avg_pool2d");
  for (let y = 0; y < oh; y++) {
    for (let z = 0; z < ow; z++) {
      const h0 = Math.max(y * g.stride[0] - ph, 0), h1 = Math.min(y * g.stride[0] - ph + g.kernel[0], ones[0]);
      const w0 = Math.max(z * g.stride[1] - pw, 0), w1 = Math.min(z * g.stride[1] - pw + g.kernel[1], ones[1]);
      count[y * ow + z] = (h1 - h0) * (w1 - w0);
    }
  }
  const counts = fromCounts(count, x.dtype === "float64");
  return finish(div(sum(cols, 1), counts));
}

function fromCounts(c: Float64Array, f64: boolean): Tensor {
  return fromTypedArray(f64 ? c : Float32Array.from(c));
}
