/**
 * `F.dropout3d`: channel-wise dropout for volumes, as PyTorch 2.x's: 5-d
 * input is `[N, C, D, H, W]`, 4-d input is unbatched `[C, D, H, W]`; any
 * other input is taken as unbatched too, with PyTorch's deprecation warning.
 */
import type { Tensor } from "../tensor/tensor.js";
import { warn } from "../warnings.js";
import { dropout2d, type DropoutVariantOptions } from "./dropout-functions.js";

/**
 * `F.dropout3d(input, p = 0.5, { training = true, inplace, generator })`:
 * zeroes whole channels `input[n, c]` of `[N, C, D, H, W]` (or `input[c]` of
 * unbatched `[C, D, H, W]`) input, each with probability `p`, and scales the
 * others by `1 / (1 - p)`.
 *
 * @example
 * const y = F.dropout3d(torch.randn([2, 4, 3, 5, 5]), 0.5); // some y[n, c] all zero, the rest doubled
 */
export function dropout3d(input: Tensor, p = 0.5, options: DropoutVariantOptions = {}): Tensor {
  if (!(p >= 0 && p <= 1)) throw new Error(`dropout probability has to be between 0 and 1, but got ${p}`);
  const d = input.dim();
  if (d !== 4 && d !== 5) {
    warn(`dropout3d: Received a ${d}-D input to dropout3d, which is deprecated and will result in an error in a future release. To retain the behavior and silence this warning, please use dropout instead. Note that dropout3d exists to provide channel-wise dropout on inputs with 3 spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 4D or 5D inputs).`);
  }
  if (d === 5) return dropout2d(input, p, options);
  // unbatched: the channels are dim 0, as PyTorch's unsqueeze(0)
  if (!(options.training ?? true) || p === 0 || input.numel() === 0) return input;
  const r = dropout2d(input.unsqueeze(0), p, options).squeeze(0);
  return options.inplace ?? false ? input : r;
}
