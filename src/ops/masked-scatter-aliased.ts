/**
 * `masked_scatter_` whose source lives in self's own memory. PyTorch checks
 * no overlap there: its kernel walks self in row-major order and, at the
 * k-th true position, reads element k of `source.contiguous()` (the source
 * itself when it is contiguous) as it is at that moment, so an element an
 * earlier write has changed is read changed. This finds the values so read,
 * as a source of their own for the ordinary op.
 */
import type { Tensor } from "../tensor/tensor.js";
import { castData } from "./core.js";
import { maskedScatter } from "./index-fill.js";
import { expand } from "./views.js";

/**
 * `self.maskedScatter(mask, source)` for a `source` in self's memory (see
 * `scatterSourceAliases`), the values as PyTorch's in-place kernel leaves
 * them. Outside a graph only.
 */
export function maskedScatterAliased(self: Tensor, mask: Tensor, source: Tensor): Tensor {
  // (the ordinary op first, for its checks and errors: a mask that does not broadcast, too few source elements)
  maskedScatter(self, mask, source);
  return maskedScatter(self, mask, liveSourceValues(self, mask, source));
}

/** Whether `source` is read through self's memory by masked_scatter_ (it shares self's storage and is contiguous, so it is not copied). */
export function scatterSourceAliases(self: Tensor, source: Tensor): boolean {
  return source.storage === self.storage && source.isContiguous() && source.numel() > 0;
}

/**
 * The values PyTorch's kernel reads from `source` (contiguous, in self's
 * storage) while it writes `self` where `mask` (broadcast to self's shape)
 * is true: a tensor of source's shape and dtype.
 */
function liveSourceValues(self: Tensor, mask: Tensor, source: Tensor): Tensor {
  const m = castData(expand(mask, self.shape), "bool").data;
  const read = castData(source, source.dtype);
  const values = read.data, storage = self.data;
  // what each written storage element holds after its write (the kernel writes in place)
  const written = new Map<number, number>();
  const { shape, strides } = self;
  const index = shape.map(() => 0);
  let k = 0;
  for (let i = 0; i < m.length && k < values.length; i++) {
    if (m[i]) {
      let at = self.offset;
      for (let d = 0; d < shape.length; d++) at += index[d]! * strides[d]!;
      const from = source.offset + k;
      const v = written.get(from) ?? storage[from]!;
      values[k] = v;
      written.set(at, values[k] as number);
      k++;
    }
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d]! < shape[d]!) break;
      index[d] = 0;
    }
  }
  return read;
}
