/**
 * `F.convTranspose3d`: the gradient of conv3d with respect to its input, as
 * a layer, on the 2-d machinery. Each input depth slice goes through one
 * transposed 2-d convolution whose output channels are (kernel depth tap,
 * channel): the tap-`a` output of input depth `i` lands at depth
 * `i·stride + a·dilation` of the uncropped output (index_add sums the
 * overlaps), which is then cropped by the depth padding (less
 * `outputPadding` at the back, as in PyTorch). Height and width are the 2-d
 * op's. Every step is a differentiable op, so gradients of every order come
 * free.
 */
import type { Tensor } from "../tensor/tensor.js";
import { shapeStr } from "./core.js";
import { checkConvOperands } from "./conv.js";
import { convTranspose2d } from "./conv-transpose.js";
import { checkConvArguments, type Triple, triple } from "./conv3d.js";
import { add } from "./elementwise.js";
import { fromTypedArray, zeros } from "./factories.js";
import { indexAdd } from "./indexing.js";
import { pad } from "./pad.js";
import { permute, reshape } from "./views.js";

export interface ConvTranspose3dOptions {
  stride?: Triple;
  padding?: Triple;
  /** Extra positions at the back / bottom / right of the output (smaller than the stride or the dilation). */
  outputPadding?: Triple;
  groups?: number;
  dilation?: Triple;
}

/**
 * `F.convTranspose3d(input, weight, bias, { stride, padding, outputPadding, groups, dilation })`
 * on `[N, C, D, H, W]` or unbatched `[C, D, H, W]` input; weight
 * `[in, out / groups, kd, kh, kw]`. The output's depth is
 * `(D - 1)·stride - 2·padding + dilation·(kd - 1) + outputPadding + 1`, and
 * so for height and width.
 *
 * @example
 * const y = convTranspose3d(torch.randn([1, 4, 5, 5, 5]), torch.randn([4, 2, 3, 3, 3]), null, { stride: 2 }); // [1, 2, 11, 11, 11]
 */
export function convTranspose3d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvTranspose3dOptions = {}): Tensor {
  const dims = input.shape.length;
  if (dims !== 4 && dims !== 5) throw new Error(`Expected 4D (unbatched) or 5D (batched) input to conv_transpose3d, but got input of size: ${shapeStr(input.shape)}`);
  if (weight.shape.length !== 5) {
    throw new Error(`Expected 5-dimensional weight for 5-dimensional input ${shapeStr(input.shape)}, but got weight of size ${shapeStr(weight.shape)} instead (conv_transpose3d: weight [in, out / groups, kd, kh, kw])`);
  }
  const x = dims === 4 ? reshape(input, [1, ...input.shape]) : input;
  const groups = options.groups ?? 1, stride = triple(options.stride ?? 1), dilation = triple(options.dilation ?? 1);
  const padding = triple(options.padding ?? 0), outputPadding = triple(options.outputPadding ?? 0);
  checkConvArguments("conv_transpose3d", stride, dilation, groups);
  if (padding.some((p) => p < 0)) throw new Error(`negative padding is not supported (conv_transpose3d: padding [${padding.join(", ")}])`);
  const [N, C, D, H, W] = x.shape as [number, number, number, number, number];
  const [Cw, Og, kd, kh, kw] = weight.shape as [number, number, number, number, number];
  if (Cw < groups) throw new Error(`Given groups=${groups}, expected weight to be at least ${groups} at dimension 0, but got weight of size ${shapeStr(weight.shape)} instead`);
  if (Cw % groups !== 0) {
    throw new Error(`Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size [${shapeStr(weight.shape)}] instead`);
  }
  if (Cw !== C) {
    throw new Error(`Given transposed=1, weight of size ${shapeStr(weight.shape)}, expected input${shapeStr(x.shape)} to have ${Cw} channels, but got ${C} channels instead`);
  }
  const O = Og * groups;
  if (bias !== null && (bias.shape.length !== 1 || bias.shape[0] !== O)) {
    throw new Error(`Given transposed=1, weight of size ${shapeStr(weight.shape)}, expected bias to be 1-dimensional with ${O} elements, but got bias of size ${shapeStr(bias.shape)} instead`);
  }
  checkConvOperands("conv_transpose3d", x, weight, bias, O);
  if (outputPadding.some((p, d) => p < 0 || !(p < stride[d]! || p < dilation[d]!))) {
    const [opd, oph, opw] = outputPadding, [sd, sh, sw] = stride, [dd, dh, dw] = dilation;
    throw new Error(`output padding must be smaller than either stride or dilation, but got output_padding_depth: ${opd} output_padding_height: ${oph} output_padding_width: ${opw} stride_depth: ${sd} stride_height: ${sh} stride_width: ${sw} dilation_depth: ${dd} dilation_height: ${dh} dilation_width: ${dw}`);
  }
  const full = [D, H, W].map((n, d) => (n - 1) * stride[d]! + dilation[d]! * ([kd, kh, kw][d]! - 1) + 1);
  const sizes = full.map((n, d) => n - 2 * padding[d]! + outputPadding[d]!);
  if (sizes.some((s) => s <= 0)) {
    throw new Error(`Given input size per channel: (${[D, H, W].join(" x ")}). Calculated output size per channel: (${sizes.join(" x ")}). Output size is too small`);
  }
  // each input depth slice as an image; the 2-d weight's output channels per group are (tap, channel)
  const slices = reshape(permute(x, [0, 2, 1, 3, 4]), [N * D, C, H, W]);
  const kernel2d = reshape(permute(weight, [0, 2, 1, 3, 4]), [C, kd * Og, kh, kw]);
  const planes = convTranspose2d(slices, kernel2d, null, {
    stride: [stride[1], stride[2]], padding: [padding[1], padding[2]], outputPadding: [outputPadding[1], outputPadding[2]],
    dilation: [dilation[1], dilation[2]], groups,
  });
  const [oh, ow] = [planes.shape[2]!, planes.shape[3]!];
  // [N, D, groups, kd, Og, oh, ow] -> [N, O, D·kd, oh, ow], then input depth i's tap a added at depth i·stride + a·dilation
  const byTap = reshape(permute(reshape(planes, [N, D, groups, kd, Og, oh, ow]), [0, 2, 4, 1, 3, 5, 6]), [N, O, D * kd, oh, ow]);
  const depths = new Int32Array(D * kd);
  for (let i = 0; i < D; i++) for (let a = 0; a < kd; a++) depths[i * kd + a] = i * stride[0] + a * dilation[0];
  const uncropped = indexAdd(zeros([N, O, full[0]!, oh, ow], { dtype: x.dtype }), 2, fromTypedArray(depths), byTap);
  const [pd, opd] = [padding[0], outputPadding[0]];
  let out = pd === 0 && opd === 0 ? uncropped : pad(uncropped, [0, 0, 0, 0, -pd, opd - pd]);
  if (bias !== null) out = add(out, reshape(bias, [O, 1, 1, 1]));
  return dims === 4 ? reshape(out, out.shape.slice(1)) : out;
}
