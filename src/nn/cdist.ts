/**
 * Distance matrices: `cdist` (every row of one set against every row of
 * another, batched) and `pdist` (every pair of rows of one matrix). Both are
 * `norm`s of row differences, so their gradients are the norm's (0 at a zero
 * distance); cdist's p = 2 on many rows takes PyTorch's matmul form instead.
 */
import { add, clamp, mul, sqrt, sub } from "../ops/elementwise.js";
import { fromTypedArray } from "../ops/factories.js";
import { indexSelect } from "../ops/indexing.js";
import { matmul } from "../ops/linalg.js";
import { norm, sum } from "../ops/reduce.js";
import { transpose, unsqueeze } from "../ops/views.js";
import type { Tensor } from "../tensor/tensor.js";

export interface CdistOptions {
  /** The norm (default 2); any p >= 0, Infinity included. */
  p?: number;
  /**
   * For p = 2: whether to compute `|a|² + |b|² - 2 a·b` with a matmul (fast,
   * less exact for close rows). PyTorch's default does so when either set
   * has more than 25 rows.
   */
  computeMode?: "use_mm_for_euclid_dist_if_necessary" | "use_mm_for_euclid_dist" | "donot_use_mm_for_euclid_dist";
}

/**
 * `torch.cdist(x1, x2, p)`: `[..., P, M]` and `[..., R, M]` (batch dims
 * broadcast) to the `[..., P, R]` p-norm distances between their rows.
 *
 * @example
 * F.cdist(torch.randn([10, 3]), torch.randn([4, 3])).shape; // [10, 4]
 */
export function cdist(x1: Tensor, x2: Tensor, options: CdistOptions = {}): Tensor {
  const p = options.p ?? 2, mode = options.computeMode ?? "use_mm_for_euclid_dist_if_necessary";
  if (x1.dim() < 2) throw new Error(`cdist only supports at least 2D tensors, X1 got: ${x1.dim()}D`);
  if (x2.dim() < 2) throw new Error(`cdist only supports at least 2D tensors, X2 got: ${x2.dim()}D`);
  const m1 = x1.shape[x1.dim() - 1]!, m2 = x2.shape[x2.dim() - 1]!;
  if (m1 !== m2) throw new Error(`X1 and X2 must have the same number of columns. X1: ${m1} X2: ${m2}`);
  if (!(p >= 0)) throw new Error("cdist only supports non-negative p values");
  const rows1 = x1.shape[x1.dim() - 2]!, rows2 = x2.shape[x2.dim() - 2]!;
  if (p === 2 && (mode === "use_mm_for_euclid_dist" || (mode === "use_mm_for_euclid_dist_if_necessary" && (rows1 > 25 || rows2 > 25)))) {
    // |a - b|² = |a|² + |b|² - 2 a·b, clamped (rounding can make it negative) before the root, as PyTorch's _euclidean_dist
    const sq1 = unsqueeze(sum(mul(x1, x1), -1), -1), sq2 = unsqueeze(sum(mul(x2, x2), -1), -2);
    const cross = matmul(x1, transpose(x2, -1, -2));
    return sqrt(clamp(sub(add(sq1, sq2), mul(cross, 2)), 1e-30));
  }
  // [..., P, 1, M] - [..., 1, R, M]: every difference of rows, batch dims broadcast
  return norm(sub(unsqueeze(x1, -2), unsqueeze(x2, -3)), p, -1);
}

/**
 * `F.pdist(input, p)`: the p-norm distances between the rows of an `[N, M]`
 * matrix, pairs (i, j) with i < j in row-major order: `N (N - 1) / 2` values.
 *
 * @example
 * F.pdist(torch.randn([4, 3])).shape; // [6]
 */
export function pdist(input: Tensor, p = 2): Tensor {
  if (input.dim() !== 2) throw new Error(`pdist only supports 2D tensors, got: ${input.dim()}D`);
  if (!(p >= 0)) throw new Error("pdist only supports non-negative p values");
  const n = input.shape[0]!;
  const first: number[] = [], second: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      first.push(i);
      second.push(j);
    }
  }
  const rows = (ix: number[]) => indexSelect(input, 0, fromTypedArray(Int32Array.from(ix)));
  return norm(sub(rows(first), rows(second)), p, 1);
}
