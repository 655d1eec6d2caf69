/**
 * 3-d convolution (`F.conv3d`) on the 2-d machinery. The depth taps of the
 * kernel become extra input channels: for output depth `o` and tap `a` the
 * input slice at depth `o·stride + a·dilation` is gathered (index_select), so
 * each output depth is one 2-d image with `kd·C` channels, and one conv2d
 * (the backend's kernel, groups kept apart by ordering the channels group
 * first) with the weight's depth folded into its channels does the rest.
 * Every step is a differentiable op, so gradients of every order come from
 * theirs. Memory: the gathered input is `kd / stride` times the input.
 */
import type { Tensor } from "../tensor/tensor.js";
import { shapeStr } from "./core.js";
import { checkConvOperands, conv2d, type ConvPadding } from "./conv.js";
import { conv3dByKernel } from "./conv3d-native.js";
import { fromTypedArray } from "./factories.js";
import { indexSelect } from "./indexing.js";
import { pad } from "./pad.js";
import { contiguous, permute, reshape } from "./views.js";

/** An int for all three spatial dims, or one per dim (depth, height, width), as PyTorch's `_triple`. */
export type Triple = number | readonly [number, number, number];

/** Expands an int-or-triple argument as PyTorch's `_triple`. */
export function triple(x: Triple): [number, number, number] {
  return typeof x === "number" ? [x, x, x] : [x[0], x[1], x[2]];
}

export interface Conv3dOptions {
  stride?: Triple;
  /** Sizes, or "valid" (none) or "same" (the output keeps the input's size; stride 1 only). */
  padding?: ConvPadding<Triple>;
  dilation?: Triple;
  groups?: number;
}

/** Per spatial dim: the padding before and after (PyTorch's "same" puts the odd element after). */
export function convPaddingSides(op: string, padding: ConvPadding<Triple>, kernel: readonly number[], dilation: readonly number[], stride: readonly number[]): [number, number][] {
  if (typeof padding !== "string") {
    const p = triple(padding);
    if (p.some((v) => v < 0)) throw new Error(`negative padding is not supported (${op})`);
    return p.map((v) => [v, v]);
  }
  if (padding === "valid") return kernel.map(() => [0, 0]);
  if (padding !== "same") throw new Error(`Invalid padding string: '${String(padding)}' (${op})`);
  if (stride.some((s) => s !== 1)) throw new Error(`padding='same' is not supported for strided convolutions (${op})`);
  return kernel.map((k, d) => {
    const total = dilation[d]! * (k - 1), before = Math.floor(total / 2);
    return [before, total - before];
  });
}

/** PyTorch's checks of a convolution's stride, dilation and groups (positive). */
export function checkConvArguments(op: string, stride: readonly number[], dilation: readonly number[], groups: number): void {
  if (stride.some((s) => !(s > 0))) throw new Error(`non-positive stride is not supported (${op}: stride [${stride.join(", ")}])`);
  if (dilation.some((d) => !(d > 0))) throw new Error(`dilation should be greater than zero, but got [${dilation.join(", ")}] (${op})`);
  if (!(Number.isInteger(groups) && groups > 0)) throw new Error(`non-positive groups is not supported (${op}: groups ${groups})`);
}

/**
 * `F.conv3d(input, weight, bias, { stride, padding, dilation, groups })` on
 * `[N, C, D, H, W]` or unbatched `[C, D, H, W]` input; weight
 * `[out, in / groups, kd, kh, kw]`.
 *
 * @example
 * const y = conv3d(torch.randn([1, 2, 8, 8, 8]), torch.randn([4, 2, 3, 3, 3]), null, { padding: 1 }); // [1, 4, 8, 8, 8]
 */
export function conv3d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv3dOptions = {}): Tensor {
  const dims = input.shape.length;
  if (dims !== 4 && dims !== 5) throw new Error(`Expected 4D (unbatched) or 5D (batched) input to conv3d, but got input of size: ${shapeStr(input.shape)}`);
  if (weight.shape.length !== 5) {
    throw new Error(`Expected 5-dimensional weight for 5-dimensional input ${shapeStr(input.shape)}, but got weight of size ${shapeStr(weight.shape)} instead (conv3d: weight [out, in / groups, kd, kh, kw])`);
  }
  const x = dims === 4 ? reshape(input, [1, ...input.shape]) : input;
  const groups = options.groups ?? 1, stride = triple(options.stride ?? 1), dilation = triple(options.dilation ?? 1);
  checkConvArguments("conv3d", stride, dilation, groups);
  const [N, C, D, H, W] = x.shape as [number, number, number, number, number];
  const [O, Cg, kd, kh, kw] = weight.shape as [number, number, number, number, number];
  const sides = convPaddingSides("conv3d", options.padding ?? 0, [kd, kh, kw], dilation, stride);
  if (O < groups) throw new Error(`Given groups=${groups}, expected weight to be at least ${groups} at dimension 0, but got weight of size ${shapeStr(weight.shape)} instead`);
  // (the doubled brackets are PyTorch's)
  if (O % groups !== 0) throw new Error(`Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size [${shapeStr(weight.shape)}] instead`);
  if (Cg * groups !== C) {
    throw new Error(`Given groups=${groups}, weight of size ${shapeStr(weight.shape)}, expected input${shapeStr(x.shape)} to have ${Cg * groups} channels, but got ${C} channels instead`);
  }
  if (bias !== null && (bias.shape.length !== 1 || bias.shape[0] !== O)) {
    throw new Error(`Given weight of size ${shapeStr(weight.shape)}, expected bias to be 1-dimensional with ${O} elements, but got bias of size ${shapeStr(bias.shape)} instead`);
  }
  checkConvOperands("conv3d", x, weight, bias, O);
  const padded = [D, H, W].map((n, d) => n + sides[d]![0] + sides[d]![1]);
  const extent = [kd, kh, kw].map((k, d) => dilation[d]! * (k - 1) + 1);
  if (padded.some((n, d) => n < extent[d]!)) {
    throw new Error(`Calculated padded input size per channel: (${padded.join(" x ")}). Kernel size: (${extent.join(" x ")}). Kernel size can't be greater than actual input size`);
  }
  const oD = Math.floor((padded[0]! - extent[0]!) / stride[0]) + 1;
  {
    // a backend with a conv3d kernel: the odd element of "same" goes on x, the rest to the kernel
    const [[pd0, pd1], [ph0, ph1], [pw0, pw1]] = sides as [[number, number], [number, number], [number, number]];
    const odd = [0, pw1 - pw0, 0, ph1 - ph0, 0, pd1 - pd0];
    const xk = odd.some((v) => v !== 0) ? pad(x, odd) : x;
    const y = conv3dByKernel(xk, weight, bias, { kernel: [kd, kh, kw], stride, padding: [pd0, ph0, pw0], dilation }, groups);
    if (y !== null) return dims === 4 ? reshape(y, y.shape.slice(1)) : y;
  }
  // depth padding, and the odd element of "same" after each dim, go on x itself; the rest of H and W's goes to conv2d
  const [[pdBefore, pdAfter], [ph, phAfter], [pw, pwAfter]] = sides as [[number, number], [number, number], [number, number]];
  const extra = [0, pwAfter - pw, 0, phAfter - ph, pdBefore, pdAfter];
  const xp = extra.some((v) => v !== 0) ? pad(x, extra) : x;
  // output depth o, tap a reads input depth o·stride + a·dilation (of the padded input)
  const depths = new Int32Array(oD * kd);
  for (let o = 0; o < oD; o++) for (let a = 0; a < kd; a++) depths[o * kd + a] = o * stride[0] + a * dilation[0];
  const [Hp, Wp] = [xp.shape[3]!, xp.shape[4]!];
  const taps = reshape(indexSelect(xp, 2, fromTypedArray(depths)), [N, groups, C / groups, oD, kd, Hp, Wp]);
  // one image per output depth, channels ordered (group, tap, channel) as conv2d's groups need them
  const images = reshape(permute(taps, [0, 3, 1, 4, 2, 5, 6]), [N * oD, kd * C, Hp, Wp]);
  const kernel2d = reshape(permute(weight, [0, 2, 1, 3, 4]), [O, kd * Cg, kh, kw]);
  const y = conv2d(images, kernel2d, bias, { stride: [stride[1], stride[2]], padding: [ph, pw], dilation: [dilation[1], dilation[2]], groups });
  const [oh, ow] = [y.shape[2]!, y.shape[3]!];
  const out = contiguous(permute(reshape(y, [N, oD, O, oh, ow]), [0, 2, 1, 3, 4]));
  return dims === 4 ? reshape(out, [O, oD, oh, ow]) : out;
}
