/**
 * `F.gridSample`: samples `input` at the normalized positions of `grid`
 * (spatial transformer networks). Composed from differentiable ops, so the
 * gradients with respect to both the input and the grid (and second
 * derivatives) come from theirs: the sampling positions are where the
 * corner weights come from, while which pixels are read (the floors, the
 * rounding, the masks of positions outside the input) is fixed data.
 *
 * PyTorch's exact rules, including where they differ between its 2-d
 * (vectorized) and 3-d CPU kernels: unnormalizing (`((x + 1)·size - 1) / 2`,
 * or `(x + 1)·(size - 1) / 2` with alignCorners), clipping to the border
 * (whose own positions count as outside for the gradient) and reflecting
 * about the borders, or about the pixel edges without alignCorners.
 */
import { contiguousFloats } from "../ops/core.js";
import { add, gt, le, lt, mul, rsub, sub, where } from "../ops/elementwise.js";
import { fromTypedArray, full } from "../ops/factories.js";
import { gridSampler } from "../ops/grid-sampler.js";
import { gather } from "../ops/indexing.js";
import { expand, reshape, select } from "../ops/views.js";
import { type DType, isFloating, scalarTypeName } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { warn } from "../warnings.js";

export type GridSampleMode = "bilinear" | "nearest" | "bicubic";
export type GridSamplePaddingMode = "zeros" | "border" | "reflection";

export interface GridSampleOptions {
  /** "bilinear" (trilinear for 5-d input, the default), "nearest", or "bicubic" (4-d input only). */
  mode?: GridSampleMode;
  /** What positions outside the input read: "zeros" (the default), the "border" pixels, or the "reflection" of the input. */
  paddingMode?: GridSamplePaddingMode;
  /**
   * Whether -1 and 1 are the centers of the corner pixels (true) or their
   * outer edges (false, the default). Left out, PyTorch warns that the
   * default changed in 1.3.0; so does torchlet.
   */
  alignCorners?: boolean | null;
}

/** PyTorch's warning when align_corners is left out of grid_sample or affine_grid. */
export const ALIGN_CORNERS_WARNING =
  "Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. Please specify align_corners=True if the old behavior is desired. See the documentation of grid_sample for details.";

/** How one spatial dim is sampled: its size, the padding, the corner rule, and which CPU kernel's rules apply. */
interface Axis {
  size: number;
  padding: GridSamplePaddingMode;
  alignCorners: boolean;
  /** PyTorch's 2-d kernel is vectorized, its 3-d one scalar: they unnormalize, clip NaN and bound positions differently. */
  vectorized: boolean;
}

function constant(values: ArrayLike<number>, shape: readonly number[], dtype: DType): Tensor {
  return fromTypedArray(dtype === "float64" ? Float64Array.from(values) : Float32Array.from(values), shape);
}

/** `x` mapped from [-1, 1] to pixel positions, as the axis's kernel computes it. */
function unnormalize(x: Tensor, a: Axis): Tensor {
  if (a.vectorized) return a.alignCorners ? mul(add(x, 1), (a.size - 1) / 2) : sub(mul(add(x, 1), a.size / 2), 0.5);
  return a.alignCorners ? mul(mul(add(x, 1), 0.5), a.size - 1) : mul(sub(mul(add(x, 1), a.size), 1), 0.5);
}

/**
 * Clipped into [0, size - 1]. The gradient passes only strictly inside
 * (PyTorch counts the borders as outside). NaN becomes 0 in the 2-d kernel
 * and size - 1 in the 3-d one, as their min/max orders give.
 */
function clip(x: Tensor, a: Axis): Tensor {
  const hi = a.size - 1;
  return a.vectorized ? where(gt(x, 0), where(lt(x, hi), x, hi), 0) : where(le(x, 0), 0, where(lt(x, hi), x, hi));
}

/**
 * Reflected about the borders (alignCorners) or the outer pixel edges until
 * inside. The mirror count and the side are fixed data; the gradient is ±1.
 */
function reflect(x: Tensor, a: Axis): Tensor {
  const twiceSpan = a.alignCorners ? 2 * (a.size - 1) : 2 * a.size;
  if (twiceSpan === 0) return where(full(x.shape, true, { dtype: "bool" }), 0, x);
  const shifted = a.alignCorners ? x : add(x, 0.5);
  const v = contiguousFloats(shifted);
  const sign = new Array<number>(v.length), flipped = new Array<number>(v.length);
  const round = x.dtype === "float32" ? Math.fround : (n: number) => n;
  for (let i = 0; i < v.length; i++) {
    sign[i] = v[i]! < 0 ? -1 : 1;
    const abs = Math.abs(v[i]!);
    flipped[i] = round(Math.trunc(round(abs / twiceSpan)) * twiceSpan);
  }
  const abs = mul(shifted, constant(sign, x.shape, x.dtype));
  const extra = sub(abs, constant(flipped, x.shape, x.dtype));
  const mirrored = rsub(extra, twiceSpan);
  const inside = where(gt(extra, mirrored), mirrored, extra);
  return a.alignCorners ? inside : sub(inside, 0.5);
}

/**
 * PyTorch's 3-d kernel replaces a position that is not finite or not an
 * int32 by -100, outside every input (its `safe_downgrade_to_int_range`).
 */
function downgrade(x: Tensor): Tensor {
  const v = contiguousFloats(x);
  const bad = Array.from(v, (n) => !(Number.isFinite(n) && n <= 2147483646 && n >= -2147483648));
  if (!bad.some((b) => b)) return x;
  return where(fromTypedArray(Uint8Array.from(bad, Number), x.shape), -100, x);
}

/** The position `grid` coordinate `x` reads along axis `a`: unnormalized, then clipped or reflected by the padding. */
function sourcePosition(x: Tensor, a: Axis): Tensor {
  let pos = unnormalize(x, a);
  if (a.padding === "border") pos = clip(pos, a);
  else if (a.padding === "reflection") pos = clip(reflect(pos, a), a);
  return a.vectorized ? pos : downgrade(pos);
}

/** One integer tap position as the 2-d kernel's bicubic reads it: clipped or reflected like a coordinate, then rounded. */
function tapPosition(v: number, a: Axis): number {
  let p = v;
  const hi = a.size - 1;
  const clamp = (q: number) => (q > 0 ? (q < hi ? q : hi) : 0);
  if (a.padding === "border") p = clamp(p);
  else if (a.padding === "reflection") {
    const twiceSpan = a.alignCorners ? 2 * hi : 2 * a.size;
    if (twiceSpan === 0) p = 0;
    else {
      const abs = Math.abs(a.alignCorners ? p : p + 0.5);
      const extra = abs - Math.trunc(abs / twiceSpan) * twiceSpan;
      p = clamp(Math.min(extra, twiceSpan - extra) - (a.alignCorners ? 0 : 0.5));
    }
  }
  // the kernel converts the float position to an integer by rounding
  return Math.round(p);
}

/**
 * What one corner (or tap) reads: the flat input position of each output
 * point and whether it lies inside the input.
 */
interface Reads {
  index: Tensor;
  inside: Tensor;
}

/**
 * The reads at integer positions `pos[k][i]` (one array per axis, x first),
 * as [N, 1, P] index and mask tensors; positions outside the input (or not
 * finite) read index 0 and are masked out.
 */
function reads(pos: readonly ArrayLike<number>[], axes: readonly Axis[], N: number, P: number): Reads {
  const index = new Int32Array(N * P), inside = new Uint8Array(N * P);
  for (let i = 0; i < N * P; i++) {
    let flat = 0, stride = 1, ok = true;
    for (let k = 0; k < axes.length; k++) {
      const p = pos[k]![i]!;
      if (!(p >= 0 && p < axes[k]!.size)) {
        ok = false;
        break;
      }
      flat += p * stride;
      stride *= axes[k]!.size;
    }
    if (ok) {
      index[i] = flat;
      inside[i] = 1;
    }
  }
  return { index: fromTypedArray(index, [N, 1, P]), inside: fromTypedArray(inside, [N, 1, P]) };
}

/** The input values at `r` ([N, C, P]), 0 where the read is outside. */
function valuesAt(flatInput: Tensor, r: Reads): Tensor {
  const [N, C] = flatInput.shape as [number, number];
  const P = r.index.shape[2]!;
  return where(r.inside, gather(flatInput, 2, expand(r.index, [N, C, P])), 0);
}

/** Keys' cubic convolution weights of the four taps around a position with fraction `t` (A = -0.75, as PyTorch). */
function cubicWeights(t: Tensor): Tensor[] {
  const A = -0.75;
  const far = (x: Tensor) => sub(mul(add(mul(sub(mul(x, A), 5 * A), x), 8 * A), x), 4 * A);
  const near = (x: Tensor) => add(mul(mul(sub(mul(x, A + 2), A + 3), x), x), 1);
  return [far(add(t, 1)), near(t), near(rsub(t, 1)), far(rsub(t, 2))];
}

function checkArguments(input: Tensor, grid: Tensor, mode: GridSampleMode): void {
  const sizes = (t: Tensor) => `[${t.shape.join(", ")}]`;
  if (input.dim() < 1 || grid.dim() < 1) {
    throw new Error(`grid_sampler(): expected 4D or 5D input and grid with same number of dimensions, but got input with sizes ${sizes(input)} and grid with sizes ${sizes(grid)}`);
  }
  if (input.shape[0] !== grid.shape[0]) {
    throw new Error(`grid_sampler(): expected grid and input to have same batch size, but got input with sizes ${sizes(input)} and grid with sizes ${sizes(grid)}`);
  }
  if (grid.shape[grid.dim() - 1] !== input.dim() - 2) {
    throw new Error(`grid_sampler(): expected grid to have size ${input.dim() - 2} in last dimension, but got grid with sizes ${sizes(grid)}`);
  }
  for (let i = 2; i < input.dim(); i++) {
    if (input.shape[i] === 0) {
      throw new Error(`grid_sampler(): expected input to have non-empty spatial dimensions, but input has sizes ${sizes(input)} with dimension ${i} being empty`);
    }
  }
  const d = input.dim() === 4 ? 4 : 5;
  if (input.dim() !== d || grid.dim() !== d) {
    throw new Error(`grid_sampler(): expected ${d}D input and grid with same number of dimensions, but got input with sizes ${sizes(input)} and grid with sizes ${sizes(grid)}`);
  }
  if (d === 5 && mode === "bicubic") throw new Error("grid_sampler(): bicubic interpolation only supports 4D input");
  if (input.dtype !== grid.dtype) {
    throw new Error(`expected scalar type ${scalarTypeName(input.dtype)} but found ${scalarTypeName(grid.dtype)} (grid_sampler: input ${input.dtype}, grid ${grid.dtype})`);
  }
  if (!isFloating(input.dtype)) throw new Error(`grid_sampler_${d - 2}d_cpu not implemented for ${scalarTypeName(input.dtype)}`);
}

/**
 * Samples `input` [N, C, H, W] (or [N, C, D, H, W]) at the positions of
 * `grid` [N, Ho, Wo, 2] (or [N, Do, Ho, Wo, 3]), whose last dim holds x,
 * y (and z) normalized to [-1, 1] over the input's width, height (and
 * depth): output [N, C, Ho, Wo] (or [N, C, Do, Ho, Wo]). Differentiable
 * with respect to the input and the grid (the grid's gradient is 0 in
 * "nearest" mode, as PyTorch's).
 *
 * @example
 * const theta = torch.tensor([[[0.8, -0.2, 0.1], [0.2, 0.8, 0]]]);
 * const grid = F.affineGrid(theta, [1, 3, 16, 16], { alignCorners: false });
 * const warped = F.gridSample(torch.rand([1, 3, 32, 32]), grid, { alignCorners: false }); // [1, 3, 16, 16]
 */
export function gridSample(input: Tensor, grid: Tensor, options: GridSampleOptions = {}): Tensor {
  const mode = options.mode ?? "bilinear", padding = options.paddingMode ?? "zeros";
  if (mode !== "bilinear" && mode !== "nearest" && mode !== "bicubic") {
    throw new Error(`nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but got: '${String(mode)}'`);
  }
  if (padding !== "zeros" && padding !== "border" && padding !== "reflection") {
    throw new Error(`nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or 'reflection', but got: '${String(padding)}'`);
  }
  if (options.alignCorners == null) warn(ALIGN_CORNERS_WARNING);
  const alignCorners = options.alignCorners ?? false;
  checkArguments(input, grid, mode);
  return gridSampler(input, grid, { mode, padding, alignCorners }, (x, g) => composedGridSample(x, g, mode, padding, alignCorners));
}

/**
 * `gridSample` in differentiable tensor ops, the definition the kernels of
 * src/ops/grid-sampler.ts follow (and whose gradient their double backward
 * takes): output [N, C, P] for the grid's P points. Arguments as checked by
 * `gridSample`.
 */
export function composedGridSample(input: Tensor, grid: Tensor, mode: GridSampleMode, padding: GridSamplePaddingMode, alignCorners: boolean): Tensor {
  const dims = input.dim() - 2;
  const [N, C] = input.shape as [number, number];
  const outSpatial = grid.shape.slice(1, -1);
  const P = outSpatial.reduce((a, b) => a * b, 1);
  // axes x, y (, z): the input's last spatial dim first
  const axes: Axis[] = Array.from({ length: dims }, (_, k) => ({ size: input.shape[input.dim() - 1 - k]!, padding, alignCorners, vectorized: dims === 2 }));
  const S = axes.reduce((a, x) => a * x.size, 1);
  const flatInput = reshape(input, [N, C, S]);
  const coords = reshape(grid, [N, 1, P, dims]);
  const coordinate = (k: number) => select(coords, 3, k);
  let out: Tensor;
  if (mode === "bicubic") out = bicubic(flatInput, [coordinate(0), coordinate(1)], axes, N, P);
  else {
    const pos = axes.map((a, k) => sourcePosition(coordinate(k), a));
    out = mode === "nearest" ? nearest(flatInput, pos, axes, N, P) : linear(flatInput, pos, axes, N, P);
    // the grid gets PyTorch's zero gradient, not none
    if (mode === "nearest" && grid.requiresGrad) out = where(full([1, 1, 1], true, { dtype: "bool" }), out, coordinate(0));
    // PyTorch's 3-d backward finds no pixel at a NaN position (a NaN coordinate, or an infinite one reflected): no gradient flows from there
    if (dims === 3 && out.requiresGrad) out = withoutGradAtNaN(out, coords, padding === "reflection", N, P);
  }
  return out;
}

/**
 * `out` [N, C, P] with its values, but no gradient, at the output points
 * with a NaN grid coordinate (or an infinite one, when `infinityIsNaN`).
 */
function withoutGradAtNaN(out: Tensor, coords: Tensor, infinityIsNaN: boolean, N: number, P: number): Tensor {
  const g = contiguousFloats(coords), k = coords.shape[3]!;
  const bad = new Uint8Array(N * P);
  for (let i = 0; i < N * P; i++) {
    for (let j = 0; j < k; j++) {
      const v = g[i * k + j]!;
      if (Number.isNaN(v) || (infinityIsNaN && !Number.isFinite(v))) bad[i] = 1;
    }
  }
  return bad.includes(1) ? where(fromTypedArray(bad, [N, 1, P]), out.detach(), out) : out;
}

/** Bilinear (trilinear) sampling at positions `pos` (x first): the 2^dims corners around each, weighted by their opposite volumes. */
function linear(flatInput: Tensor, pos: readonly Tensor[], axes: readonly Axis[], N: number, P: number): Tensor {
  const dtype = flatInput.dtype;
  const floors = pos.map((p) => Array.from(contiguousFloats(p), Math.floor));
  const lower = floors.map((f, k) => constant(f, pos[k]!.shape, dtype));
  // the weight of the upper and the lower corner along each axis
  const upperW = pos.map((p, k) => sub(p, lower[k]!));
  const lowerW = axes[0]!.vectorized ? upperW.map((w) => rsub(w, 1)) : pos.map((p, k) => sub(add(lower[k]!, 1), p));
  let out: Tensor | null = null;
  for (let corner = 0; corner < 1 << axes.length; corner++) {
    const upper = axes.map((_, k) => ((corner >> k) & 1) === 1);
    const r = reads(floors.map((f, k) => (upper[k] ? f.map((v) => v + 1) : f)), axes, N, P);
    const w = axes.map((_, k) => (upper[k] ? upperW[k]! : lowerW[k]!));
    let term: Tensor;
    if (axes[0]!.vectorized) {
      // the 2-d kernel multiplies the (masked) values by y's weight times x's
      term = mul(valuesAt(flatInput, r), mul(w[1]!, w[0]!));
    } else {
      // the 3-d one skips the corners outside the input altogether
      const weight = w.reduce((a, b) => mul(a, b));
      term = where(r.inside, mul(gather(flatInput, 2, expand(r.index, [N, flatInput.shape[1]!, P])), weight), 0);
    }
    out = out === null ? term : add(out, term);
  }
  return out!;
}

/** Nearest-neighbour sampling: each position rounded half to even. */
function nearest(flatInput: Tensor, pos: readonly Tensor[], axes: readonly Axis[], N: number, P: number): Tensor {
  const halfEven = (v: number) => {
    const r = Math.round(v);
    return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  };
  return valuesAt(flatInput, reads(pos.map((p) => Array.from(contiguousFloats(p), halfEven)), axes, N, P));
}

/**
 * Bicubic sampling (2-d only): the 4 x 4 pixels around each unnormalized
 * position, each tap clipped or reflected by the padding, mixed along x and
 * then along y with the cubic convolution weights of the position's
 * fractions.
 */
function bicubic(flatInput: Tensor, grid: readonly [Tensor, Tensor], axes: readonly Axis[], N: number, P: number): Tensor {
  const dtype = flatInput.dtype;
  const pos = grid.map((g, k) => unnormalize(g, axes[k]!));
  const floors = pos.map((p) => Array.from(contiguousFloats(p), Math.floor));
  const weights = pos.map((p, k) => cubicWeights(sub(p, constant(floors[k]!, p.shape, dtype))));
  const tap = (k: number, j: number) => floors[k]!.map((f) => tapPosition(f - 1 + j, axes[k]!));
  let out: Tensor | null = null;
  for (let i = 0; i < 4; i++) {
    let row: Tensor | null = null;
    const ys = tap(1, i);
    for (let j = 0; j < 4; j++) {
      const term = mul(weights[0]![j]!, valuesAt(flatInput, reads([tap(0, j), ys], axes, N, P)));
      row = row === null ? term : add(row, term);
    }
    const term = mul(weights[1]![i]!, row!);
    out = out === null ? term : add(out, term);
  }
  return out!;
}
