/**
 * PyTorch's memory-overlap test between an in-place op's target and one of
 * its inputs (ATen's get_overlap_status / assert_no_partial_overlap): an
 * input that covers some but not all of the written elements, or the same
 * elements in another order, would be read after part of it was
 * overwritten, so the op refuses it. Layouts that are not dense (a strided
 * slice, an expanded input) are "too hard" to judge and pass, as in PyTorch.
 * The indexing writes (scatter_, index_add_, put_, ...) refuse full overlap
 * too (assert_no_overlap): their input read through the very memory being
 * written, in an order of the op's own.
 */
import type { Tensor } from "../tensor/tensor.js";

/** PyTorch's is_non_overlapping_and_dense: some order of the dims (size-1 dims aside) is contiguous. */
function nonOverlappingAndDense(t: Tensor): boolean {
  const { shape, strides } = t;
  if (shape.length === 1) return shape[0]! < 2 || strides[0] === 1;
  const dims = shape.map((_, i) => i).filter((i) => shape[i]! >= 2).sort((a, b) => strides[a]! - strides[b]!);
  if (shape.some((d) => d === 0)) return true;
  let want = 1;
  for (const d of dims) {
    if (strides[d] !== want) return false;
    want *= shape[d]!;
  }
  return true;
}

/** Whether `input` shares some but not all of `self`'s memory, or all of it in another layout (PyTorch's MemOverlapStatus::Partial). */
export function partiallyOverlaps(self: Tensor, input: Tensor): boolean {
  if (self === input || self.storage !== input.storage) return false;
  const n = self.numel(), m = input.numel();
  if (n === 0 || m === 0 || !nonOverlappingAndDense(self) || !nonOverlappingAndDense(input)) return false;
  const aBegin = self.offset, aEnd = aBegin + n, bBegin = input.offset, bEnd = bBegin + m;
  if (aBegin === bBegin && aEnd === bEnd) {
    return self.strides.length !== input.strides.length || self.strides.some((s, i) => s !== input.strides[i]);
  }
  return aBegin < bEnd && bBegin < aEnd;
}

/** Whether `input` is exactly `self`'s memory in `self`'s layout (PyTorch's MemOverlapStatus::Full). */
function fullyOverlaps(self: Tensor, input: Tensor): boolean {
  if (self === input) return true;
  if (self.storage !== input.storage || self.numel() === 0 || input.numel() === 0) return false;
  if (!nonOverlappingAndDense(self) || !nonOverlappingAndDense(input)) return false;
  return self.offset === input.offset && self.numel() === input.numel() &&
    self.strides.length === input.strides.length && self.strides.every((s, i) => s === input.strides[i]);
}

const OVERLAP_MESSAGE =
  "unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location. Please clone() the tensor before performing the operation.";

/**
 * PyTorch's assert_no_overlap, which the indexing writes (scatter_, index_add_, index_copy_, put_, index_put_, ...)
 * make for their index and source: an input that is the written tensor's memory, in full or in part, is refused.
 */
export function checkNoOverlap(self: Tensor, inputs: readonly (Tensor | null)[]): void {
  for (const input of inputs) {
    if (input !== null && (fullyOverlaps(self, input) || partiallyOverlaps(self, input))) throw new Error(OVERLAP_MESSAGE);
  }
}

/** Throws PyTorch's error when an input partially overlaps the tensor an in-place op writes. */
export function checkNoPartialOverlap(self: Tensor, inputs: readonly (Tensor | null)[]): void {
  for (const input of inputs) {
    if (input !== null && partiallyOverlaps(self, input)) {
      throw new Error(OVERLAP_MESSAGE);
    }
  }
}
