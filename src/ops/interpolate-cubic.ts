/**
 * Bicubic resampling along one dim, as PyTorch's upsample_bicubic2d: each
 * output mixes the 4 inputs around its source position (indices clamped to
 * the border) with Keys' cubic convolution weights for A = -0.75. A weighted
 * sum of index_selects, so the gradient (summed where clamped sources
 * repeat) comes from index_select's.
 */
import type { Tensor } from "../tensor/tensor.js";
import { add, mul } from "./elementwise.js";
import { fromTypedArray } from "./factories.js";
import { indexSelect } from "./indexing.js";
import { reshape } from "./views.js";

/** PyTorch's cubic convolution constant. */
const A = -0.75;

/** The kernel for |x| <= 1 and for 1 < |x| < 2. */
const near = (x: number) => ((A + 2) * x - (A + 3)) * x * x + 1;
const far = (x: number) => ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;

/**
 * `x` resampled along `dim` from n to m positions: output j reads around
 * `j · scale` (alignCorners) or `(j + 0.5) · scale - 0.5`, not clamped at 0
 * as the linear modes are (PyTorch's cubic source index).
 */
export function cubic(x: Tensor, dim: number, m: number, scale: number, alignCorners: boolean): Tensor {
  const n = x.shape[dim]!;
  const taps = [0, 1, 2, 3].map(() => ({ index: new Int32Array(m), weight: new Float64Array(m) }));
  for (let j = 0; j < m; j++) {
    const src = alignCorners ? j * scale : (j + 0.5) * scale - 0.5;
    // PyTorch 2.x's guard_index_and_lambda: the base index at most n - 1, the fraction within [0, 1]
    const base = Math.min(Math.floor(src), n - 1);
    const t = Math.min(Math.max(src - base, 0), 1);
    const weights = [far(t + 1), near(t), near(1 - t), far(2 - t)];
    taps.forEach((tap, k) => {
      tap.index[j] = Math.min(Math.max(base - 1 + k, 0), n - 1);
      tap.weight[j] = weights[k]!;
    });
  }
  // the weights broadcast along `dim`: shape [m, 1, ...] for the dims after it
  const trailing = new Array<number>(x.shape.length - dim - 1).fill(1);
  const weight = (w: Float64Array) => reshape(fromTypedArray(x.dtype === "float64" ? w : Float32Array.from(w)), [m, ...trailing]);
  return taps.map((tap) => mul(indexSelect(x, dim, fromTypedArray(tap.index)), weight(tap.weight))).reduce((a, b) => add(a, b));
}
