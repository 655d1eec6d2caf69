/**
 * `tril_` / `triu_`. PyTorch's in-place kernels only write zeros outside the
 * triangle, so (unlike most in-place ops) they accept a tensor whose
 * elements share memory, such as an expanded one: a shared element becomes 0
 * when any of the places it appears at lies outside the triangle. That case
 * is done here by writing the zeros; every other goes through `inplace`.
 * Recorded (a view of a tensor that requires grad), the graph is PyTorch's:
 * the base gets a CopySlices node and the view an AsStridedBackward0 of the
 * base; CopySlices' backward writes the view's gradient through the same
 * overlapping layout, which PyTorch refuses: backward raises its
 * overlapping-memory error.
 */
import { isRecording } from "../autograd/grad-mode.js";
import { hasRepeatedElements } from "../tensor/layout.js";
import type { Tensor } from "../tensor/tensor.js";
import { kernels, record } from "./core.js";
import { checkInplace, inplace, recordViewOfBase } from "./inplace.js";
import * as M from "./masking.js";

/** Keeps the lower (`lower`) or upper triangle from `diagonal` on and zeroes the rest, in place. */
export function triangle_(self: Tensor, diagonal: number, lower: boolean): Tensor {
  const op = lower ? "tril_" : "triu_";
  if (self.dim() < 2 || !hasRepeatedElements(self)) {
    return inplace(self, op, [], (s) => (lower ? M.tril(s, diagonal) : M.triu(s, diagonal)));
  }
  const recording = self.requiresGrad && isRecording();
  checkInplace(self, recording, true);
  // (the base's edge is taken before the write: it leads to the base's old value)
  const base = self._base;
  if (recording && base !== null) record("CopySlices", [base], base, () => { throw new Error(OVERLAP_MESSAGE); });
  const nd = self.dim(), rows = self.shape[nd - 2]!, cols = self.shape[nd - 1]!;
  const rowStride = self.strides[nd - 2]!, colStride = self.strides[nd - 1]!;
  const batch = self.shape.slice(0, nd - 2);
  const index = batch.map(() => 0);
  let matrices = 1;
  for (const d of batch) matrices *= d;
  const fill = kernels().fill.bind(kernels());
  for (let m = 0; m < matrices; m++) {
    let base = self.offset;
    for (let k = 0; k < batch.length; k++) base += index[k]! * self.strides[k]!;
    for (let i = 0; i < rows; i++) {
      // the columns outside the triangle in row i: j > i + diagonal (tril) or j < i + diagonal (triu)
      const from = lower ? Math.max(0, i + diagonal + 1) : 0;
      const to = lower ? cols : Math.min(cols, Math.max(0, i + diagonal));
      if (to > from) fill({ data: self.data, shape: [to - from], strides: [colStride], offset: base + i * rowStride + from * colStride }, 0);
    }
    for (let k = batch.length - 1; k >= 0; k--) {
      if (++index[k]! < batch[k]!) break;
      index[k] = 0;
    }
  }
  self.storage.version++;
  if (recording && base !== null) recordViewOfBase(self, base);
  return self;
}

const OVERLAP_MESSAGE =
  "unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.";
