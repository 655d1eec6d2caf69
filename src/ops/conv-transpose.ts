/**
 * `F.convTranspose2d`: the gradient of conv2d with respect to its input, as
 * a layer. Each input pixel scatters `weight`-scaled copies of itself over a
 * kernel-sized window of the output: per group, columns `Wᵀ x` (a matmul)
 * folded into the whole image with col2im, then cropped by `padding` (less
 * `outputPadding` at the bottom and right, as in PyTorch: those rows come
 * from the cropped part). Every step is a differentiable op, so gradients of
 * every order come free.
 */
import type { Conv2dGeometry } from "../backend/backend.js";
import type { Tensor } from "../tensor/tensor.js";
import { shapeStr } from "./core.js";
import { checkConvOperands, convInput, fold, pair, type Pair } from "./conv.js";
import { add } from "./elementwise.js";
import { matmul } from "./linalg.js";
import { pad } from "./pad.js";
import { reshape, transpose } from "./views.js";

export interface ConvTranspose2dOptions {
  stride?: Pair;
  padding?: Pair;
  /** Extra rows / columns at the bottom / right of the output (smaller than the stride or the dilation). */
  outputPadding?: Pair;
  groups?: number;
  dilation?: Pair;
}

/**
 * `F.convTranspose2d(input, weight, bias, { stride, padding, outputPadding, groups, dilation })`
 * on NCHW input; weight `[in, out / groups, kh, kw]`. The output's height is
 * `(H - 1)·stride - 2·padding + dilation·(kh - 1) + outputPadding + 1`.
 *
 * @example
 * const y = convTranspose2d(torch.randn([1, 4, 5, 5]), torch.randn([4, 2, 3, 3]), null, { stride: 2 }); // [1, 2, 11, 11]
 */
export function convTranspose2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvTranspose2dOptions = {}): Tensor {
  const groups = options.groups ?? 1;
  const { x, unbatched } = convInput("conv_transpose2d", input, weight);
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [Cw, Og, kh, kw] = weight.shape as [number, number, number, number];
  if (!Number.isInteger(groups) || groups < 1 || Cw !== C || C % groups !== 0) {
    throw new Error(`Given transposed=1, weight of size ${shapeStr(weight.shape)}, expected input${shapeStr(x.shape)} to have ${Cw} channels, but got ${C} channels instead (groups=${groups})`);
  }
  const O = Og * groups;
  checkConvOperands("conv_transpose2d", x, weight, bias, O);
  const g: Conv2dGeometry = {
    kernel: [kh, kw], stride: pair(options.stride ?? 1), padding: pair(options.padding ?? 0), dilation: pair(options.dilation ?? 1),
  };
  const [oph, opw] = pair(options.outputPadding ?? 0);
  const [sh, sw] = g.stride, [dh, dw] = g.dilation;
  if (!((oph < sh || oph < dh) && (opw < sw || opw < dw)) || oph < 0 || opw < 0) {
    throw new Error(`output padding must be smaller than either stride or dilation, but got output_padding_height: ${oph} output_padding_width: ${opw} stride_height: ${sh} stride_width: ${sw} dilation_height: ${dh} dilation_width: ${dw}`);
  }
  // the columns fold into the whole uncropped image (conv2d over it, unpadded, gives back H x W);
  // then `padding` comes off the top and left, and off the bottom and right less `outputPadding`
  // (rows past the image, when outputPadding > padding, are zeros)
  const fullH = (H - 1) * sh + dh * (kh - 1) + 1, fullW = (W - 1) * sw + dw * (kw - 1) + 1;
  const [ph, pw] = g.padding;
  if (fullH - 2 * ph + oph <= 0 || fullW - 2 * pw + opw <= 0) {
    throw new Error(`conv_transpose2d: Given input size per channel: (${H} x ${W}). Calculated output size per channel: (${fullH - 2 * ph + oph} x ${fullW - 2 * pw + opw}). Output size is too small`);
  }
  // per group: columns [N, groups, Og·kh·kw, H·W] = Wᵀ [groups, Og·kh·kw, C / groups] x [N, groups, C / groups, H·W]
  const wT = transpose(reshape(weight, [groups, C / groups, Og * kh * kw]), 1, 2);
  const cols = matmul(wT, reshape(x, [N, groups, C / groups, H * W]));
  const full = fold(reshape(cols, [N, O * kh * kw, H * W]), [N, O, fullH, fullW], { ...g, padding: [0, 0] });
  let out = ph === 0 && pw === 0 && oph === 0 && opw === 0 ? full : pad(full, [-pw, opw - pw, -ph, oph - ph]);
  if (bias !== null) out = add(out, reshape(bias, [O, 1, 1]));
  return unbatched ? reshape(out, out.shape.slice(1)) : out;
}

export interface ConvTranspose1dOptions {
  stride?: number;
  padding?: number;
  /** Extra positions at the end of the output (smaller than the stride or the dilation). */
  outputPadding?: number;
  groups?: number;
  dilation?: number;
}

/**
 * `F.convTranspose1d(input, weight, bias, { stride, padding, outputPadding, groups, dilation })`
 * on `[N, C, L]` or `[C, L]` input; weight `[in, out / groups, k]`: convTranspose2d over a height of 1.
 *
 * @example
 * const y = convTranspose1d(torch.randn([1, 4, 5]), torch.randn([4, 2, 3]), null, { stride: 2 }); // [1, 2, 11]
 */
export function convTranspose1d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvTranspose1dOptions = {}): Tensor {
  if (input.shape.length !== 2 && input.shape.length !== 3) {
    throw new Error(`Expected 2D (unbatched) or 3D (batched) input to conv_transpose1d, but got input of size: ${shapeStr(input.shape)}`);
  }
  if (weight.shape.length !== 3) throw new Error(`conv_transpose1d: expected a 3-D weight [in, out / groups, k], got shape ${shapeStr(weight.shape)}`);
  const rows = (t: Tensor) => reshape(t, [...t.shape.slice(0, -1), 1, t.shape[t.shape.length - 1]!]);
  const out = convTranspose2d(rows(input), rows(weight), bias, {
    stride: [1, options.stride ?? 1], padding: [0, options.padding ?? 0], outputPadding: [0, options.outputPadding ?? 0],
    dilation: [1, options.dilation ?? 1], groups: options.groups ?? 1,
  });
  return reshape(out, [...out.shape.slice(0, -2), out.shape[out.shape.length - 1]!]);
}
