/**
 * Writing an expanded tensor (one whose elements share memory): most
 * in-place ops refuse it, but index_put_ and masked_fill_ only warn, as
 * PyTorch's deprecation, and then write each selected position in turn (the
 * last write to a shared element wins).
 */
import type { Tensor } from "../tensor/tensor.js";
import { sameShape } from "../tensor/layout.js";
import { warn } from "../warnings.js";
import { indexPutInto, resolveIndices } from "./advanced-index.js";
import { tensor } from "./factories.js";
import { checkInplace } from "./inplace.js";
import { expand, reshape } from "./views.js";

/** PyTorch's warning for `op` on a tensor with internal overlap; `example` is its advanced-indexing spelling. */
export function warnExpanded(op: string, example: string): void {
  warn(`Use of ${op} on expanded tensors is deprecated. Please clone() the tensor before performing this operation. This also applies to advanced indexing e.g. ${example}`);
}

/**
 * `self.maskedFill_(mask, value)` on an expanded tensor outside any graph:
 * PyTorch's warning, then `value` written at the positions where the mask
 * (broadcast to self's shape) is true, in order.
 */
export function maskedFillExpanded(self: Tensor, mask: Tensor, value: number): Tensor {
  checkInplace(self, self.requiresGrad, true);
  if (mask.dtype !== "bool") throw new Error(`masked_fill_ only supports boolean masks, but got mask with dtype ${mask.dtype}`);
  warnExpanded("masked_fill_", "tensor[mask] = scalar");
  const full = sameShape(mask.shape, self.shape) ? mask : expand(mask, self.shape);
  const ix = resolveIndices(self.shape, [{ dim: 0, index: full }]);
  indexPutInto(self, ix, reshape(tensor([value], { dtype: self.dtype }), []), false);
  self.storage.version++;
  return self;
}
