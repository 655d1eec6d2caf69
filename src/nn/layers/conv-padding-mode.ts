/**
 * The convolution layers' `paddingMode` (PyTorch's `padding_mode`): with
 * "reflect", "replicate" or "circular" the layer pads its input with `F.pad`
 * in that mode by its own padding, then convolves with padding 0; "zeros"
 * leaves the padding to the convolution. Transposed convolutions only take
 * "zeros", as in PyTorch.
 */
import { type ConvPadding } from "../../ops/conv.js";
import { pad } from "../../ops/pad.js";
import type { Tensor } from "../../tensor/tensor.js";

/** How a convolution layer pads its input: with zeros (the default), or as `F.pad`'s reflect, replicate or circular modes. */
export type ConvPaddingMode = "zeros" | "reflect" | "replicate" | "circular";

const MODES: readonly string[] = ["zeros", "reflect", "replicate", "circular"];

/** PyTorch's checks of a layer's `paddingMode` (`layer`: the class name, for the transposed layers' error). */
export function checkPaddingMode(mode: string, transposed: boolean, layer: string): ConvPaddingMode {
  if (!MODES.includes(mode)) throw new Error(`padding_mode must be one of {'zeros', 'reflect', 'replicate', 'circular'}, but got padding_mode='${mode}'`);
  if (transposed && mode !== "zeros") throw new Error(`Only "zeros" padding mode is supported for ${layer}`);
  return mode as ConvPaddingMode;
}

/**
 * `input` padded in `mode` as PyTorch's layer pads it (its
 * `_reversed_padding_repeated_twice`): each dim's padding on both sides, or
 * for "same" `dilation·(kernel - 1)` split with the odd element after; "valid" pads nothing.
 */
export function padInput(input: Tensor, padding: ConvPadding<readonly number[]>, kernel: readonly number[], dilation: readonly number[], mode: Exclude<ConvPaddingMode, "zeros">): Tensor {
  const sides = kernel.map((k, d): [number, number] => {
    if (padding === "valid") return [0, 0];
    if (padding === "same") {
      const total = dilation[d]! * (k - 1), before = Math.floor(total / 2);
      return [before, total - before];
    }
    return [padding[d]!, padding[d]!];
  });
  // F.pad lists the last dim first
  return pad(input, sides.reverse().flat(), mode);
}
