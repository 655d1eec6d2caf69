/**
 * 2-d convolution. The forward is the backend's conv2d kernel (by
 * definition im2col + matmul; natively a direct kernel that never builds the
 * columns). The backward is composed of ordinary ops: `unfold` (im2col) and
 * `fold` (col2im) are each other's adjoint, so each one's backward is the
 * other and conv2d's gradients (also higher-order ones) follow.
 */
import { type Conv2dGeometry, type Strided, windowOutputSize } from "../backend/backend.js";
import { bytesPerElement, scalarTypeName } from "../tensor/dtype.js";
import { isRecording } from "../autograd/grad-mode.js";
import type { Tensor } from "../tensor/tensor.js";
import { contiguousData, empty, emptyUninitialized, kernels, needsGrad, record, shapeStr } from "./core.js";
import { bmm, matmul } from "./linalg.js";
import { sum } from "./reduce.js";
import { narrow, reshape, transpose } from "./views.js";
import { cat } from "./indexing.js";
import { add } from "./elementwise.js";
import { pad } from "./pad.js";

export type Pair = number | readonly [number, number];

/** Expands an int-or-pair argument as PyTorch's `_pair`. */
export function pair(x: Pair): [number, number] {
  return typeof x === "number" ? [x, x] : [x[0], x[1]];
}

/** Output spatial size of a window op; PyTorch's error when it is not positive. */
export function outputSize(inShape: readonly number[], g: Conv2dGeometry, op: string): [number, number] {
  const [oh, ow] = windowOutputSize(inShape[2]!, inShape[3]!, g);
  if (oh <= 0 || ow <= 0) {
    throw new Error(`${op}: Given input size: (${inShape.slice(1).join("x")}). Calculated output size: (${inShape[1]}x${oh}x${ow}). Output size is too small`);
  }
  return [oh, ow];
}

/** im2col with autograd: NCHW `x` -> columns [N, C*kh*kw, oh*ow]. Padding reads `padValue`. */
export function unfold(x: Tensor, g: Conv2dGeometry, padValue = 0): Tensor {
  if (x.shape.length !== 4) throw new Error(`unfold: expected a 4-D NCHW input, got shape ${shapeStr(x.shape)}`);
  const [N, C] = x.shape as [number, number];
  const [oh, ow] = outputSize(x.shape, g, "unfold");
  // im2col writes every column entry (padding included), so no zero-fill
  const out = emptyUninitialized([N, C * g.kernel[0] * g.kernel[1], oh * ow], x.dtype);
  kernels().im2col(out, x, g, padValue);
  if (needsGrad(x)) {
    const shape = x.shape;
    record("Im2ColBackward0", [x], out, ([grad]) => [fold(grad!, shape, g)]);
  }
  return out;
}

/** col2im with autograd: sums columns [N, C*kh*kw, L] back into an NCHW tensor of `shape`. */
export function fold(cols: Tensor, shape: readonly number[], g: Conv2dGeometry): Tensor {
  const out = empty(shape, cols.dtype);
  kernels().col2im(out, contiguousData(cols), g);
  if (needsGrad(cols)) record("Col2ImBackward0", [cols], out, ([grad]) => [unfold(grad!, g)]);
  return out;
}


/** A convolution's padding: sizes, or PyTorch's "valid" (none) and "same" (the output keeps the input's size; stride 1). */
export type ConvPadding<P> = P | "valid" | "same";

export interface Conv2dOptions {
  stride?: Pair;
  padding?: ConvPadding<Pair>;
  dilation?: Pair;
  groups?: number;
}

/**
 * PyTorch's string paddings as sizes: "same" pads d·(k - 1) along each dim,
 * half of it (rounded down) before and the rest after; the odd element after
 * is padded onto `x` here, since the kernels pad both sides alike.
 */
function stringPadding(op: string, x: Tensor, padding: "valid" | "same", kernel: [number, number], dilation: [number, number], stride: [number, number]): { x: Tensor; padding: [number, number] } {
  if (padding === "valid") return { x, padding: [0, 0] };
  if (padding !== "same") throw new Error(`Invalid padding string: '${String(padding)}' (${op})`);
  if (stride[0] !== 1 || stride[1] !== 1) throw new Error(`padding='same' is not supported for strided convolutions (${op})`);
  const total = [dilation[0] * (kernel[0] - 1), dilation[1] * (kernel[1] - 1)];
  const before: [number, number] = [Math.floor(total[0]! / 2), Math.floor(total[1]! / 2)];
  const extraH = total[0]! - 2 * before[0], extraW = total[1]! - 2 * before[1];
  return { x: extraH || extraW ? pad(x, [0, extraW, 0, extraH]) : x, padding: before };
}

/** `t` narrowed to [start, start + length) along `axis` (a layout only). */
function narrowed(t: Strided, axis: number, start: number, length: number): Strided {
  const shape = [...t.shape];
  shape[axis] = length;
  return { data: t.data, shape, strides: t.strides, offset: t.offset + start * t.strides[axis]! };
}

/** The forward, no autograd: the backend's conv2d kernel once per group, on channel slices of each operand. */
function convForward(x: Tensor, weight: Tensor, bias: Tensor | null, g: Conv2dGeometry, groups: number, oh: number, ow: number): Tensor {
  const [N, C] = x.shape as [number, number];
  const O = weight.shape[0]!;
  if (N === 0 || O === 0 || oh * ow === 0) return empty([N, O, oh, ow], x.dtype);
  // every element is written by the kernel
  const out = emptyUninitialized([N, O, oh, ow], x.dtype);
  const k = kernels();
  if (groups === 1) {
    k.conv2d(out, x, weight, bias, g);
    return out;
  }
  const Cg = C / groups, Og = O / groups;
  for (let gi = 0; gi < groups; gi++) {
    k.conv2d(narrowed(out, 1, gi * Og, Og), narrowed(x, 1, gi * Cg, Cg), narrowed(weight, 0, gi * Og, Og),
      bias === null ? null : narrowed(bias, 0, gi * Og, Og), g);
  }
  return out;
}

/** The most bytes of im2col columns conv2d's backward builds at once when it builds no graph (about L2's size:
 * in alternated runs 2 MB beat 4, 8 and 16 MB by 5-10% on [32, 64, 32, 32], 3x3) */
const CHUNK_BYTES = 2 << 20;

/**
 * conv2d's backward in differentiable ops (so double backward works): the
 * input gradient is W^T times each image's output gradient, folded back
 * (col2im); the weight gradient is the output gradient times the
 * recomputed columns, summed over the batch.
 */
function convBackward(gout: Tensor, x: Tensor | null, weight: Tensor | null, xShape: readonly number[], wShape: readonly number[],
  g: Conv2dGeometry, groups: number, needs: readonly boolean[]): (Tensor | null)[] {
  const [N] = xShape as [number];
  const [O, Cg, kh, kw] = wShape as [number, number, number, number];
  const Kg = Cg * kh * kw, Og = O / groups;
  const L = gout.shape[2]! * gout.shape[3]!;
  // Without a graph to build, an image or a few at a time: all N images' columns at once (75 MB for
  // [32, 64, 32, 32], 3x3) went through memory twice each way; a chunk's stay in cache.
  const perChunk = Math.max(1, Math.floor(CHUNK_BYTES / (groups * Kg * L * bytesPerElement(gout.dtype))));
  if (N > perChunk && !isRecording()) {
    const parts: (Tensor | null)[][] = [];
    for (let n0 = 0; n0 < N; n0 += perChunk) {
      const b = Math.min(perChunk, N - n0);
      parts.push(convBackward(narrow(gout, 0, n0, b), x === null ? null : narrow(x, 0, n0, b), weight, [b, ...xShape.slice(1)], wShape, g, groups, [needs[0]!, needs[1]!, false]));
    }
    return [
      needs[0] ? cat(parts.map((p) => p[0]!), 0) : null,
      needs[1] ? parts.map((p) => p[1]!).reduce((a, b) => add(a, b)) : null,
      needs[2] ? sum(gout, [0, 2, 3]) : null,
    ];
  }
  const go = reshape(gout, [N, groups, Og, L]);
  let gx: Tensor | null = null, gw: Tensor | null = null, gb: Tensor | null = null;
  if (needs[0]) {
    const wT = transpose(reshape(weight!, [groups, Og, Kg]), 1, 2); // [G, Kg, Og]
    const cols = groups === 1 ? matmul(reshape(wT, [Kg, Og]), reshape(gout, [N, O, L])) : matmul(wT, go);
    gx = fold(reshape(cols, [N, groups * Kg, L]), xShape, g);
  }
  if (needs[1]) {
    const cols = unfold(x!, g); // [N, C*k, L]
    const prod = groups === 1
      ? bmm(reshape(gout, [N, O, L]), transpose(cols, 1, 2))
      : matmul(go, transpose(reshape(cols, [N, groups, Kg, L]), 2, 3));
    gw = reshape(sum(prod, 0), wShape);
  }
  if (needs[2]) gb = sum(gout, [0, 2, 3]);
  return [gx, gw, gb];
}

export interface Conv1dOptions {
  stride?: number;
  padding?: ConvPadding<number>;
  dilation?: number;
  groups?: number;
}

/**
 * `F.conv1d(input, weight, bias, { stride, padding, dilation, groups })` on
 * `[N, C, L]` or `[C, L]` input, weight `[out, in / groups, k]`: conv2d over
 * a height of 1.
 *
 * @example
 * const y = conv1d(torch.randn([2, 4, 10]), torch.randn([8, 4, 3]), null, { padding: 1 }); // [2, 8, 10]
 */
export function conv1d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv1dOptions = {}): Tensor {
  if (input.shape.length !== 2 && input.shape.length !== 3) {
    throw new Error(`Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: ${shapeStr(input.shape)}`);
  }
  if (weight.shape.length !== 3) throw new Error(`conv1d: expected a 3-D weight [out, in / groups, k], got shape ${shapeStr(weight.shape)}`);
  const rows = (t: Tensor) => reshape(t, [...t.shape.slice(0, -1), 1, t.shape[t.shape.length - 1]!]);
  const out = convolution(rows(input), rows(weight), bias, {
    stride: [1, options.stride ?? 1], padding: typeof options.padding === "string" ? options.padding : [0, options.padding ?? 0],
    dilation: [1, options.dilation ?? 1], groups: options.groups ?? 1,
  }, 1);
  return reshape(out, [...out.shape.slice(0, -2), out.shape[out.shape.length - 1]!]);
}

/**
 * `F.conv2d(input, weight, bias, { stride, padding, dilation, groups })` on NCHW input.
 *
 * @example
 * const y = conv2d(torch.randn([1, 1, 8, 8]), torch.randn([4, 1, 3, 3]), null, { padding: 1 });
 */
/** NCHW input as 4-d (3-d unbatched input gets a batch of 1) and a 4-d weight, or PyTorch's errors naming `op`. */
export function convInput(op: string, input: Tensor, weight: Tensor): { x: Tensor; unbatched: boolean } {
  const unbatched = input.shape.length === 3;
  const x = unbatched ? reshape(input, [1, ...input.shape]) : input;
  if (x.shape.length !== 4) throw new Error(`Expected 3D (unbatched) or 4D (batched) input to ${op}, but got input of size: ${shapeStr(input.shape)}`);
  if (weight.shape.length !== 4) throw new Error(`${op}: expected a 4-D weight, got shape ${shapeStr(weight.shape)}`);
  return { x, unbatched };
}

/** The three gradients of a convolution from the upstream one, the saved input / weight (null when not saved) and which inputs need one. */
export type ConvolutionBackward = (
  gout: Tensor, xs: Tensor | null, ws: Tensor | null, xShape: readonly number[], wShape: readonly number[], needs: readonly boolean[],
) => (Tensor | null)[];

/**
 * Records PyTorch's ConvolutionBackward0 for `out` when a gradient is needed:
 * x is saved only for the weight gradient, the weight only for the input's.
 */
export function recordConvolution(x: Tensor, weight: Tensor, bias: Tensor | null, out: Tensor, backward: ConvolutionBackward): void {
  if (!needsGrad(x, weight, bias)) return;
  const needs = [x._requiresGrad, weight._requiresGrad, bias?._requiresGrad ?? false];
  const xShape = x.shape, wShape = weight.shape;
  record("ConvolutionBackward0", [x, weight, bias], out, ([gout], s) => {
    let i = 0;
    const xs = needs[1] ? s[i++]! : null, ws = needs[0] ? s[i++]! : null;
    return backward(gout!, xs, ws, xShape, wShape, needs);
  }, [...(needs[1] ? [x] : []), ...(needs[0] ? [weight] : [])]);
}

/** PyTorch's dtype checks between a convolution's input, weight and bias, and the bias's shape `[outChannels]`. */
export function checkConvOperands(op: string, x: Tensor, weight: Tensor, bias: Tensor | null, outChannels: number): void {
  if (x.dtype !== weight.dtype) throw new Error(`expected scalar type ${scalarTypeName(x.dtype)} but found ${scalarTypeName(weight.dtype)} (${op}: input ${shapeStr(x.shape)} ${x.dtype}, weight ${shapeStr(weight.shape)} ${weight.dtype})`);
  if (bias !== null && bias.dtype !== x.dtype) throw new Error(`Input type (${scalarTypeName(x.dtype).toLowerCase()}) and bias type (${scalarTypeName(bias.dtype).toLowerCase()}) should be the same (${op})`);
  if (x.dtype === "bool") throw new Error(`${op}: not implemented for 'Bool'`);
  if (bias !== null && (bias.shape.length !== 1 || bias.shape[0] !== outChannels)) {
    throw new Error(`${op}: expected bias of shape [${outChannels}], got ${shapeStr(bias.shape)}`);
  }
}

export function conv2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv2dOptions = {}): Tensor {
  return convolution(input, weight, bias, options, 2);
}

/** conv2d, checked as PyTorch checks a convolution of `spatial` dims (conv1d's arrive with a height of 1). */
function convolution(input: Tensor, weight: Tensor, bias: Tensor | null, options: Conv2dOptions, spatial: 1 | 2): Tensor {
  const groups = options.groups ?? 1;
  const shaped = convInput("conv2d", input, weight);
  const unbatched = shaped.unbatched, stride = pair(options.stride ?? 1), dilation = pair(options.dilation ?? 1);
  const { x, padding } = typeof options.padding === "string"
    ? stringPadding("conv2d", shaped.x, options.padding, [weight.shape[2]!, weight.shape[3]!], dilation, stride)
    : { x: shaped.x, padding: pair(options.padding ?? 0) };
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [O, Cg, kh, kw] = weight.shape as [number, number, number, number];
  if (O < groups) throw new Error(`Given groups=${groups}, expected weight to be at least ${groups} at dimension 0, but got weight of size ${shapeStr(weight.shape)} instead`);
  // (the doubled brackets are PyTorch's)
  if (O % groups !== 0) throw new Error(`Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size [${shapeStr(weight.shape)}] instead`);
  if (Cg * groups !== C) {
    throw new Error(`Given groups=${groups}, weight of size ${shapeStr(weight.shape)}, expected input${shapeStr(x.shape)} to have ${Cg * groups} channels, but got ${C} channels instead`);
  }
  checkConvOperands("conv2d", x, weight, bias, O);
  const padded = [H + 2 * padding[0], W + 2 * padding[1]].slice(2 - spatial);
  const extent = [dilation[0] * (kh - 1) + 1, dilation[1] * (kw - 1) + 1].slice(2 - spatial);
  if (padded.some((n, i) => n < extent[i]!)) {
    throw new Error(`Calculated padded input size per channel: (${padded.join(" x ")}). Kernel size: (${extent.join(" x ")}). Kernel size can't be greater than actual input size`);
  }
  const g: Conv2dGeometry = {
    kernel: [kh, kw], stride, padding, dilation,
  };
  const [oh, ow] = outputSize([N, C, H, W], g, "conv2d");
  const out = convForward(x, weight, bias, g, groups, oh, ow);
  recordConvolution(x, weight, bias, out, (gout, xs, ws, xShape, wShape, needs) => convBackward(gout, xs, ws, xShape, wShape, g, groups, needs));
  return unbatched ? reshape(out, [O, oh, ow]) : out;
}
