/**
 * 2-d convolution as im2col + matmul. `unfold` (im2col) and `fold` (col2im)
 * are each other's adjoint, so each one's backward is the other and conv2d's
 * gradients (also higher-order ones) come from composing ordinary ops.
 */
import type { Conv2dGeometry } from "../backend/backend.js";
import type { Tensor } from "../tensor/tensor.js";
import { contiguousData, empty, kernels, needsGrad, record, shapeStr } from "./core.js";
import { add } from "./elementwise.js";
import { matmul, mm } from "./linalg.js";
import { permute, reshape } from "./views.js";

export type Pair = number | readonly [number, number];

/** Expands an int-or-pair argument as PyTorch's `_pair`. */
export function pair(x: Pair): [number, number] {
  return typeof x === "number" ? [x, x] : [x[0], x[1]];
}

/** Output spatial size of a window op; PyTorch's error when it is not positive. */
export function outputSize(inShape: readonly number[], g: Conv2dGeometry, op: string): [number, number] {
  const H = inShape[2]!, W = inShape[3]!;
  const oh = Math.floor((H + 2 * g.padding[0] - g.dilation[0] * (g.kernel[0] - 1) - 1) / g.stride[0]) + 1;
  const ow = Math.floor((W + 2 * g.padding[1] - g.dilation[1] * (g.kernel[1] - 1) - 1) / g.stride[1]) + 1;
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
  const out = empty([N, C * g.kernel[0] * g.kernel[1], oh * ow], x.dtype);
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

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
}

/**
 * `F.conv2d(input, weight, bias, { stride, padding, dilation, groups })` on NCHW input.
 *
 * @example
 * const y = conv2d(torch.randn([1, 1, 8, 8]), torch.randn([4, 1, 3, 3]), null, { padding: 1 });
 */
export function conv2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv2dOptions = {}): Tensor {
  const groups = options.groups ?? 1;
  const unbatched = input.shape.length === 3;
  const x = unbatched ? reshape(input, [1, ...input.shape]) : input;
  if (x.shape.length !== 4) throw new Error(`Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: ${shapeStr(input.shape)}`);
  if (weight.shape.length !== 4) throw new Error(`conv2d: expected a 4-D weight, got shape ${shapeStr(weight.shape)}`);
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [O, Cg, kh, kw] = weight.shape as [number, number, number, number];
  if (Cg * groups !== C || O % groups !== 0) {
    throw new Error(`Given groups=${groups}, weight of size ${shapeStr(weight.shape)}, expected input${shapeStr(x.shape)} to have ${Cg * groups} channels, but got ${C} channels instead`);
  }
  const g: Conv2dGeometry = {
    kernel: [kh, kw], stride: pair(options.stride ?? 1), padding: pair(options.padding ?? 0), dilation: pair(options.dilation ?? 1),
  };
  const [oh, ow] = outputSize([N, C, H, W], g, "conv2d");
  const cols = unfold(x, g); // [N, C*kh*kw, L]
  let out: Tensor;
  if (groups === 1) {
    // one large product [O, K] x [K, N*L] rather than N small ones: the weight
    // gradient is then one product too, instead of N products and a sum
    const colsT = reshape(permute(cols, [1, 0, 2]), [C * kh * kw, N * oh * ow]);
    out = permute(reshape(mm(reshape(weight, [O, C * kh * kw]), colsT), [O, N, oh, ow]), [1, 0, 2, 3]);
  } else {
    // groups: [N, G, Cg*k, L] against [G, O/G, Cg*k]
    const colsG = reshape(cols, [N, groups, Cg * kh * kw, oh * ow]);
    out = reshape(matmul(reshape(weight, [groups, O / groups, Cg * kh * kw]), colsG), [N, O, oh, ow]);
  }
  if (bias !== null) out = add(out, reshape(bias, [1, O, 1, 1]));
  return unbatched ? reshape(out, [O, oh, ow]) : out;
}
