/**
 * `F.unfold` (im2col) and `F.fold` (col2im) with PyTorch's arguments and
 * shape checks, over the backend's im2col/col2im kernels that the
 * convolutions use (ops/conv.ts: each is the other's adjoint, so each one's
 * backward is the other). Both take batched or unbatched input.
 */
import type { Conv2dGeometry } from "../backend/backend.js";
import type { Tensor } from "../tensor/tensor.js";
import { shapeStr } from "./core.js";
import { fold as col2im, pair, type Pair, unfold as im2col } from "./conv.js";
import { reshape } from "./views.js";

export interface UnfoldOptions {
  dilation?: Pair;
  padding?: Pair;
  stride?: Pair;
}

const tuple = (p: readonly [number, number]) => `(${p[0]}, ${p[1]})`;

/** The geometry from PyTorch's arguments, checked as its im2col/col2im shape checks do. */
function checkedGeometry(kernelSize: Pair, options: UnfoldOptions): Conv2dGeometry {
  const g: Conv2dGeometry = {
    kernel: pair(kernelSize), dilation: pair(options.dilation ?? 1), padding: pair(options.padding ?? 0), stride: pair(options.stride ?? 1),
  };
  if (!(g.kernel[0] > 0 && g.kernel[1] > 0)) throw new Error(`kernel size should be greater than zero, but got kernel_height: ${g.kernel[0]} kernel_width: ${g.kernel[1]}`);
  if (!(g.dilation[0] > 0 && g.dilation[1] > 0)) throw new Error(`dilation should be greater than zero, but got dilation_height: ${g.dilation[0]} dilation_width: ${g.dilation[1]}`);
  if (!(g.padding[0] >= 0 && g.padding[1] >= 0)) throw new Error(`padding should be non-negative, but got pad_height: ${g.padding[0]} pad_width: ${g.padding[1]}`);
  if (!(g.stride[0] > 0 && g.stride[1] > 0)) throw new Error(`stride should be greater than zero, but got stride_height: ${g.stride[0]} stride_width: ${g.stride[1]}`);
  return g;
}

/** Sliding blocks along one dim (PyTorch rounds the division down, also for negative spans). */
const blocks = (size: number, g: Conv2dGeometry, d: 0 | 1) => Math.floor((size + 2 * g.padding[d] - g.dilation[d] * (g.kernel[d] - 1) - 1) / g.stride[d]) + 1;

/**
 * `F.unfold(input, kernelSize, { dilation = 1, padding = 0, stride = 1 })`
 * (im2col): the sliding blocks of `[N, C, H, W]` (or `[C, H, W]`) input as
 * columns, `[N, C * kh * kw, L]` with L blocks (zero padding). `F.fold` is
 * its adjoint.
 *
 * @example
 * const cols = unfold(torch.randn([1, 3, 5, 5]), 3, { padding: 1 }); // [1, 27, 25]
 */
export function unfold(input: Tensor, kernelSize: Pair, options: UnfoldOptions = {}): Tensor {
  const g = checkedGeometry(kernelSize, options);
  const dims = input.shape.length;
  if ((dims !== 3 && dims !== 4) || input.shape.slice(dims - 3).some((s) => s === 0)) {
    throw new Error(`Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: ${shapeStr(input.shape)}`);
  }
  const [H, W] = input.shape.slice(-2) as [number, number];
  const [bh, bw] = [blocks(H, g, 0), blocks(W, g, 1)];
  if (bh < 1 || bw < 1) {
    throw new Error(`Given input with spatial size ${tuple([H, W])}, kernel_size=${tuple(g.kernel)}, dilation=${tuple(g.dilation)}, padding=${tuple(g.padding)}, calculated shape of the array of sliding blocks as ${tuple([bh, bw])}, but its components must be at least one.`);
  }
  const x = dims === 3 ? reshape(input, [1, ...input.shape]) : input;
  const cols = im2col(x, g);
  return dims === 3 ? reshape(cols, cols.shape.slice(1)) : cols;
}

/**
 * `F.fold(input, outputSize, kernelSize, { dilation = 1, padding = 0, stride = 1 })`
 * (col2im): columns `[N, C * kh * kw, L]` (or `[C * kh * kw, L]`) summed back
 * into `[N, C, outputSize[0], outputSize[1]]`, overlapping entries adding up.
 * L must be the number of sliding blocks over `outputSize`. `F.unfold` is
 * its adjoint.
 *
 * @example
 * const img = fold(torch.ones([1, 4, 9]), [4, 4], 2); // [1, 1, 4, 4]: each pixel counts the blocks covering it
 */
export function fold(input: Tensor, outputSize: Pair, kernelSize: Pair, options: UnfoldOptions = {}): Tensor {
  const g = checkedGeometry(kernelSize, options);
  const [H, W] = pair(outputSize);
  const dims = input.shape.length;
  if ((dims !== 2 && dims !== 3) || input.shape.slice(dims - 2).some((s) => s === 0)) {
    throw new Error(`Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions for input, but got: ${shapeStr(input.shape)}`);
  }
  const [planes, length] = input.shape.slice(-2) as [number, number];
  const perBlock = g.kernel[0] * g.kernel[1];
  if (planes % perBlock !== 0) {
    throw new Error(`Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=${planes} and kernel_size=${tuple(g.kernel)}.`);
  }
  const [bh, bw] = [blocks(H, g, 0), blocks(W, g, 1)];
  const where = `Given output_size=${tuple([H, W])}, kernel_size=${tuple(g.kernel)}, dilation=${tuple(g.dilation)}, padding=${tuple(g.padding)}, stride=${tuple(g.stride)}`;
  if (length !== bh * bw) {
    throw new Error(`${where}, expected size of input's dimension 2 to match the calculated number of sliding blocks ${bh} * ${bw} = ${bh * bw}, but got input.size(2)=${length}.`);
  }
  if (bh < 1 || bw < 1) throw new Error(`${where}, calculated shape of the array of sliding blocks as ${tuple([bh, bw])}, which is too small (non-positive)`);
  const cols = dims === 2 ? reshape(input, [1, ...input.shape]) : input;
  const N = cols.shape[0]!;
  const out = col2im(cols, [N, planes / perBlock, H, W], g);
  return dims === 2 ? reshape(out, out.shape.slice(1)) : out;
}
