/**
 * `F.affineGrid`: the sampling grid of a batch of affine transforms, for
 * `F.gridSample`. As PyTorch's affine_grid_generator: a base grid of
 * normalized pixel positions (x, y (, z), 1) times θᵀ, computed in one
 * typed-array pass; the gradient with respect to θ is the product's, gᵀ
 * times the base grid, a matrix product and so differentiable again.
 */
import { isInferenceModeEnabled } from "../autograd/grad-mode.js";
import { contiguousData, emptyUninitialized, needsGrad, record, shapeStr } from "../ops/core.js";
import { fromTypedArray } from "../ops/factories.js";
import { matmul } from "../ops/linalg.js";
import { expand, reshape, transpose } from "../ops/views.js";
import { type DType, isFloating } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { warn } from "../warnings.js";
import { ALIGN_CORNERS_WARNING } from "./grid-sample.js";

export interface AffineGridOptions {
  /**
   * Whether -1 and 1 are the centers of the corner pixels (true) or their
   * outer edges (false, the default; left out, PyTorch's warning is shown).
   * Use the same setting in `gridSample`.
   */
  alignCorners?: boolean | null;
}

/**
 * `n` positions from -1 to 1 as PyTorch's linspace computes them in
 * `dtype` (from both ends), scaled by (n - 1) / n without alignCorners;
 * a single position is 0.
 */
function positions(n: number, alignCorners: boolean, dtype: DType): number[] {
  if (n <= 1) return [0];
  const round = dtype === "float32" ? Math.fround : (v: number) => v;
  const step = round(2 / (n - 1)), half = Math.floor(n / 2);
  return Array.from({ length: n }, (_, i) => {
    const v = i < half ? round(-1 + round(step * i)) : round(1 - round(step * (n - 1 - i)));
    return alignCorners ? v : round(round(v * (n - 1)) / n);
  });
}

/** The base grid: (x, y (, z), 1) at every output position of `spatial`, x fastest, as a [1, P, k + 1] tensor. */
function baseGridOf(spatial: readonly number[], alignCorners: boolean, dtype: DType): Tensor {
  const k = spatial.length;
  const axes = [...spatial].reverse().map((n) => positions(n, alignCorners, dtype));
  const P = spatial.reduce((a, b) => a * b, 1);
  const base = dtype === "float64" ? new Float64Array(P * (k + 1)) : new Float32Array(P * (k + 1));
  for (let p = 0; p < P; p++) {
    let rest = p;
    for (let a = 0; a < k; a++) {
      const n = spatial[k - 1 - a]!;
      base[p * (k + 1) + a] = axes[a]![rest % n]!;
      rest = Math.floor(rest / n);
    }
    base[p * (k + 1) + k] = 1;
  }
  return fromTypedArray(base, [1, P, k + 1]);
}

/**
 * The last few base grids, by size, corner rule, dtype and inference mode:
 * a training loop asks for the same one every step. They are never written
 * (the grid is a new tensor from the product), so sharing them is safe.
 */
const baseGrids = new Map<string, Tensor>();
const BASE_GRIDS_KEPT = 8;

function cachedBaseGrid(spatial: readonly number[], alignCorners: boolean, dtype: DType): Tensor {
  const key = `${spatial.join(",")}|${alignCorners}|${dtype}|${isInferenceModeEnabled()}`;
  let grid = baseGrids.get(key);
  if (grid === undefined) {
    grid = baseGridOf(spatial, alignCorners, dtype);
    if (baseGrids.size >= BASE_GRIDS_KEPT) baseGrids.delete(baseGrids.keys().next().value!);
    baseGrids.set(key, grid);
  }
  return grid;
}

/**
 * The sampling grid [N, H, W, 2] of 2-d affine transforms `theta` [N, 2, 3]
 * for an output of `size` [N, C, H, W], or [N, D, H, W, 3] of 3-d ones
 * [N, 3, 4] for [N, C, D, H, W]: each output pixel's normalized position
 * (x, y (, z)) mapped by θ. Differentiable with respect to θ.
 *
 * @example
 * const theta = torch.tensor([[[1, 0, 0.25], [0, 1, 0]]]); // shift right by an eighth of the width
 * const grid = F.affineGrid(theta, [1, 1, 4, 4], { alignCorners: false }); // [1, 4, 4, 2]
 */
export function affineGrid(theta: Tensor, size: readonly number[], options: AffineGridOptions = {}): Tensor {
  if (options.alignCorners == null) warn(ALIGN_CORNERS_WARNING);
  const alignCorners = options.alignCorners ?? false;
  if (!isFloating(theta.dtype)) throw new Error(`Expected theta to have floating point type, but got torch.${theta.dtype}`);
  const k = size.length - 2;
  if (size.length === 4 || size.length === 5) {
    const [rows, cols] = k === 2 ? [2, 3] : [3, 4];
    if (theta.dim() !== 3 || theta.shape[1] !== rows || theta.shape[2] !== cols) {
      throw new Error(`Expected a batch of ${k}D affine matrices of shape Nx${rows}x${cols} for size ${shapeStr(size)}. Got ${shapeStr(theta.shape)}.`);
    }
  } else {
    throw new Error(`affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, respectively. Got size ${shapeStr(size)}.`);
  }
  const spatial = size.slice(2);
  if (alignCorners && Math.min(...spatial) === 1) {
    warn("Since version 1.3.0, affine_grid behavior has changed for unit-size grids when align_corners=True. This is not an intended use case of affine_grid. See the documentation of affine_grid for details.");
  } else if (Math.min(...size) <= 0) {
    throw new Error(`Expected non-zero, positive output size. Got ${shapeStr(size)}`);
  }
  const N = size[0]!;
  if (theta.shape[0] !== N) {
    throw new Error(`Expected size for first two dimensions of batch2 tensor to be: [${N}, ${k + 1}] but got: [${theta.shape[0]}, ${k + 1}]. (affine_grid: theta ${shapeStr(theta.shape)}, size ${shapeStr(size)})`);
  }
  const P = spatial.reduce((a, b) => a * b, 1);
  const baseGrid = cachedBaseGrid(spatial, alignCorners, theta.dtype);
  // the product base · θᵀ in one typed-array pass (a batched GEMM of inner size k + 1 is mostly overhead)
  const grid = emptyUninitialized([N, ...spatial, k], theta.dtype);
  const th = contiguousData(theta), t = th.data as Float32Array | Float64Array;
  const base = baseGrid.data as Float32Array | Float64Array, out = grid.data as Float32Array | Float64Array;
  for (let n = 0; n < N; n++) transformed(base, t, th.offset + n * k * (k + 1), out, n * P * k, P, k);
  if (needsGrad(theta)) {
    // dθ = gᵀ · base per batch item: a product, differentiable again
    record("AffineGridGeneratorBackward0", [theta], grid, ([g], [b]) => [
      matmul(transpose(reshape(g!, [N, P, k]), 1, 2), expand(b!, [N, P, k + 1])),
    ], [baseGrid]);
  }
  return grid;
}

/** out[p, j] = Σ_a base[p, a] · θ[j, a] for one batch item (θ at `to`, k x (k + 1); out at `oo`), written out for k = 2 and 3. */
function transformed(base: Float32Array | Float64Array, t: Float32Array | Float64Array, to: number, out: Float32Array | Float64Array, oo: number, P: number, k: number): void {
  if (k === 2) {
    const [a0, a1, a2, b0, b1, b2] = [t[to]!, t[to + 1]!, t[to + 2]!, t[to + 3]!, t[to + 4]!, t[to + 5]!];
    for (let p = 0, i = 0, o = oo; p < P; p++, i += 3, o += 2) {
      const x = base[i]!, y = base[i + 1]!;
      out[o] = a0 * x + a1 * y + a2;
      out[o + 1] = b0 * x + b1 * y + b2;
    }
    return;
  }
  const r = Array.from({ length: 12 }, (_, j) => t[to + j]!);
  const [a0, a1, a2, a3, b0, b1, b2, b3, c0, c1, c2, c3] = r as [number, number, number, number, number, number, number, number, number, number, number, number];
  for (let p = 0, i = 0, o = oo; p < P; p++, i += 4, o += 3) {
    const x = base[i]!, y = base[i + 1]!, z = base[i + 2]!;
    out[o] = a0 * x + a1 * y + a2 * z + a3;
    out[o + 1] = b0 * x + b1 * y + b2 * z + b3;
    out[o + 2] = c0 * x + c1 * y + c2 * z + c3;
  }
}
