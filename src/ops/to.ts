/**
 * `Tensor.to` in all of PyTorch's forms: a dtype, a device (only the CPU
 * exists here), a device and a dtype, another tensor's dtype, or keyword
 * options; `copy` forces a new tensor. Without a change it returns the
 * tensor itself, as PyTorch does.
 */
import { type DType, isDType, unsupportedDType } from "../tensor/dtype.js";
import { Device, type DeviceLike, requireCpu } from "../tensor/device.js";
import { Tensor } from "../tensor/tensor.js";
import { toDtype } from "./elementwise.js";

/** `to`'s keyword options. */
export interface ToOptions {
  dtype?: DType;
  device?: DeviceLike;
  /** A new tensor even when nothing changes (default false). */
  copy?: boolean;
}

/** PyTorch's other dtype names: a string like these means a dtype torchlet lacks, not a device. */
const OTHER_DTYPE = /^(u?int\d+|float\d+|bfloat16|complex\d+|half|long|short|double|float|int|cfloat|cdouble|chalf)$/;

/** The dtype, device and copy flag of one of `to`'s call forms. */
// (a dtype is a string too: DeviceLike covers it, and isDType tells them apart)
function parse(a: DeviceLike | Tensor | ToOptions, b?: DType | ToOptions, c?: ToOptions): ToOptions {
  if (a instanceof Tensor) return { dtype: a.dtype, copy: (b as ToOptions | undefined)?.copy ?? false };
  if (isDType(a)) return { dtype: a, copy: (b as ToOptions | undefined)?.copy ?? false };
  if (typeof a === "string" && OTHER_DTYPE.test(a)) throw unsupportedDType(a);
  if (typeof a === "string" || a instanceof Device) {
    return isDType(b) ? { device: a, dtype: b, copy: c?.copy ?? false } : { device: a, copy: b?.copy ?? false };
  }
  return a;
}

/**
 * `self` in another dtype and/or on a device, as `Tensor.to`.
 *
 * @example
 * x.to("float64");
 * x.to(torch.cuda.isAvailable() ? "cuda" : "cpu"); // the CPU here: x itself
 * x.to({ dtype: "float64", copy: true });
 */
export function to(self: Tensor, a: DeviceLike | Tensor | ToOptions, b?: DType | ToOptions, c?: ToOptions): Tensor {
  const { dtype, device, copy = false } = parse(a, b, c);
  if (device !== undefined) requireCpu(device);
  return toDtype(self, dtype ?? self.dtype, copy);
}
