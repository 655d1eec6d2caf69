/**
 * Writing an expanded tensor (one whose elements share memory): most
 * in-place ops refuse it, but index_put_ and masked_fill_ only warn, as
 * PyTorch's deprecation, and then write each selected position in turn (the
 * last write to a shared element wins). While recording (an expanded view of
 * a tensor in a graph, or a value that requires grad) PyTorch records the
 * write too: the base gets a CopySlices node and the view an
 * AsStridedBackward0 of the base; CopySlices' backward would write the
 * view's gradient through the same overlapping layout, which copy_ refuses,
 * so backward raises PyTorch's overlapping-memory error.
 */
import type { Tensor } from "../tensor/tensor.js";
import { sameShape } from "../tensor/layout.js";
import { isRecording } from "../autograd/grad-mode.js";
import { warn } from "../warnings.js";
import { record } from "./core.js";
import { indexPutInto, resolveIndices } from "./advanced-index.js";
import { tensor } from "./factories.js";
import { checkInplace, recordViewOfBase } from "./inplace.js";
import { expand, reshape } from "./views.js";

/** PyTorch's warning for `op` on a tensor with internal overlap; `example` is its advanced-indexing spelling. */
export function warnExpanded(op: string, example: string): void {
  warn(`Use of ${op} on expanded tensors is deprecated. Please clone() the tensor before performing this operation. This also applies to advanced indexing e.g. ${example}`);
}

/** PyTorch's copy_ error, raised by CopySlices' backward through an expanded view. */
const OVERLAP_MESSAGE =
  "unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.";

/**
 * Whether a write into the expanded `self` can go ahead: always outside a
 * graph; while recording only into a view (recorded by `writeExpanded`),
 * as a tensor of its own that shares memory is not handled here.
 */
export function expandedWritable(self: Tensor, recording: boolean): boolean {
  return !recording || self._base !== null;
}

/**
 * Runs `write` (which writes the expanded `self` position by position) and,
 * when `recording`, records it as PyTorch does for a view: CopySlices on the
 * base (edges to the base's old value and to `others` that require grad)
 * whose backward raises copy_'s overlap error, and the view re-made as an
 * as_strided view of the base. Bumps the version counter once.
 */
export function writeExpanded(self: Tensor, others: readonly Tensor[], recording: boolean, write: () => void): void {
  const base = self._base;
  // (the base's edge is taken before the write: it leads to the base's old value)
  if (recording && base !== null) record("CopySlices", [base, ...others], base, () => { throw new Error(OVERLAP_MESSAGE); });
  write();
  self.storage.version++;
  if (recording && base !== null) recordViewOfBase(self, base);
}

/**
 * `self.maskedFill_(mask, value)` on an expanded tensor (outside any graph, or a view while recording):
 * PyTorch's warning, then `value` written at the positions where the mask
 * (broadcast to self's shape) is true, in order.
 */
export function maskedFillExpanded(self: Tensor, mask: Tensor, value: number): Tensor {
  const recording = self.requiresGrad && isRecording();
  checkInplace(self, self.requiresGrad, expandedWritable(self, recording));
  if (mask.dtype !== "bool") throw new Error(`masked_fill_ only supports boolean masks, but got mask with dtype ${mask.dtype}`);
  warnExpanded("masked_fill_", "tensor[mask] = scalar");
  const full = sameShape(mask.shape, self.shape) ? mask : expand(mask, self.shape);
  const ix = resolveIndices(self.shape, [{ dim: 0, index: full }]);
  writeExpanded(self, [], recording, () => indexPutInto(self, ix, reshape(tensor([value], { dtype: self.dtype }), []), false));
  return self;
}
