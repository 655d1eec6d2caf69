/**
 * `cumsum`: running sums along a dim, accumulated in double (as PyTorch's CPU
 * kernel does for float32) and rounded into the result's dtype. Its gradient
 * is the running sum from the other end, `flip(cumsum(flip(g)))`, built from
 * differentiable ops so higher orders work.
 */
import type { Tensor } from "../tensor/tensor.js";
import { forEachLine } from "../tensor/layout.js";
import { normalizeDim } from "../tensor/tensor.js";
import { castData, emptyUninitialized, needsGrad, record } from "./core.js";
import { flip } from "./indexing.js";

/**
 * Running sums along `dim` (bool input sums as int32).
 *
 * @example
 * torch.cumsum(torch.tensor([1, 2, 3]), 0); // [1, 3, 6]
 */
export function cumsum(a: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, a.shape.length, "cumsum", a.shape);
  const dtype = a.dtype === "bool" ? "int32" : a.dtype;
  const src = castData(a, dtype); // contiguous, row-major
  const out = emptyUninitialized(a.shape, dtype);
  const x = src.data, y = out.data;
  forEachLine(a.shape, d, (start, step, n) => {
    let acc = 0;
    for (let k = 0, at = start; k < n; k++, at += step) {
      acc += x[at]!;
      y[at] = acc;
    }
  });
  if (needsGrad(a)) record("CumsumBackward0", [a], out, ([g]) => [flip(cumsum(flip(g!, [d]), d), [d])]);
  return out;
}
