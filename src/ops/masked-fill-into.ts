/**
 * `x[mask] = v` for one bool mask and a single value, when nothing is
 * recorded: PyTorch runs it as `masked_fill_`, and so does torchlet when
 * the backend has a masked-fill kernel (the native one): the value is
 * written wherever the mask is true, with no nonzero positions in between.
 */
import type { Strided } from "../backend/backend.js";
import { hasRepeatedElements } from "../tensor/layout.js";
import type { Tensor } from "../tensor/tensor.js";
import type { IndexAt } from "./advanced-index.js";
import { kernels, needsGrad, shapeStr } from "./core.js";

/**
 * Writes the 0-d `value` (of `view`'s dtype) into `view` where the one mask
 * of `advanced` is true, when the backend takes it; false (nothing done)
 * otherwise, and for anything but one mask alone or when the write must be
 * recorded. The mask's shape is checked with PyTorch's message; the caller
 * has applied the in-place checks.
 */
export function maskedFillInto(view: Tensor, advanced: readonly IndexAt[], value: Tensor): boolean {
  const fill = kernels().maskedFill;
  if (fill === undefined || advanced.length !== 1 || value.dtype !== view.dtype || needsGrad(view, value)) return false;
  const { dim, index: mask } = advanced[0]!;
  if (mask.dtype !== "bool" || mask.dim() === 0 || hasRepeatedElements(view)) return false;
  mask.shape.forEach((s, j) => {
    if (s !== view.shape[dim + j]) {
      throw new Error(`The shape of the mask ${shapeStr(mask.shape)} at index ${j} does not match the shape of the indexed tensor ${shapeStr(view.shape)} at index ${dim + j}`);
    }
  });
  // the mask over dims dim..dim+k-1 of the view, broadcast (stride 0) over the others
  const strides = view.shape.map((_, d) => (d >= dim && d < dim + mask.dim() ? mask.strides[d - dim]! : 0));
  const m: Strided = { data: mask.data, shape: view.shape, strides, offset: mask.offset };
  // (the caller has applied the in-place checks)
  if (!fill.call(kernels(), view, m, Number(value.data[value.offset]))) return false;
  view.storage.version++;
  return true;
}
