/**
 * `Tensor.long()`. PyTorch's long is int64; torchlet's integer dtype is
 * int32, which is what labels and indices need. A value int32 cannot hold
 * raises instead of wrapping around, so code ported from PyTorch fails loudly
 * where it would need 64 bits.
 */
import type { Tensor } from "../tensor/tensor.js";
import { toDtype } from "./elementwise.js";
import { amax, amin } from "./reduce.js";

const INT32_MIN = -(2 ** 31), INT32_MAX = 2 ** 31 - 1;

export function toLong(a: Tensor): Tensor {
  if ((a.dtype === "float32" || a.dtype === "float64") && a.numel() > 0) {
    // conversion truncates toward zero: (-2^31 - 1, 2^31) is what fits
    const lo = amin(a).item(), hi = amax(a).item();
    if (lo <= INT32_MIN - 1 || hi >= INT32_MAX + 1) {
      throw new RangeError(
        `long(): value ${lo <= INT32_MIN - 1 ? lo : hi} does not fit int32, torchlet's integer dtype (PyTorch's long is int64, which torchlet does not have)`,
      );
    }
  }
  return toDtype(a, "int32");
}
