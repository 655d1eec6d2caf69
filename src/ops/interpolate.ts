/**
 * `F.interpolate` for nearest, nearest-exact, linear (3-d input), bilinear
 * and bicubic (4-d input), trilinear (5-d input) and area resampling, with the source positions of PyTorch's CPU kernels: nearest
 * takes floor(i · scale) in float32, linear mixes the two neighbours of
 * (i + 0.5) · scale - 0.5 (or i · (n - 1) / (m - 1) with alignCorners), where
 * scale is 1 / scaleFactor when one is given and n / m otherwise. A dim whose
 * size does not change is copied by linear, whatever the factor. Each spatial
 * dim is resampled in turn with index_select, so gradients (summed where
 * sources repeat) come from index_select's. nearest-exact picks
 * floor((i + 0.5) · scale) (pixel centres, as Pillow); bicubic is in
 * interpolate-cubic.ts, `antialias` in interpolate-aa.ts. area is adaptive
 * average pooling to the output size.
 */
import { scalarTypeName } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { needsGrad, record, shapeStr } from "./core.js";
import { add, mul } from "./elementwise.js";
import { fromTypedArray, zeros } from "./factories.js";
import { indexAdd, indexSelect } from "./indexing.js";
import { reshape } from "./views.js";
import { cubic } from "./interpolate-cubic.js";
import { antialiased } from "./interpolate-aa.js";
import { adaptiveAvgPool1d, adaptiveAvgPool2d } from "./pool.js";
import { adaptiveAvgPool3d } from "./adaptive-pool3d.js";
import { linearAxis, trilinearByKernel } from "./upsample-trilinear.js";

export type InterpolateMode = "nearest" | "nearest-exact" | "linear" | "bilinear" | "bicubic" | "trilinear" | "area";

export interface InterpolateOptions {
  /** The output's spatial size (one number for every spatial dim). */
  size?: number | readonly number[] | null;
  /** Or a factor per spatial dim: the output size is floor(input size · factor). */
  scaleFactor?: number | readonly number[] | null;
  mode?: InterpolateMode;
  /** linear / bilinear / bicubic / trilinear only: map the corner pixels' centres onto each other. */
  alignCorners?: boolean | null;
  /** With `scaleFactor`: compute the output size from it, then resample as if that size had been given (scale n / m). */
  recomputeScaleFactor?: boolean | null;
  /** bilinear / bicubic on 4-d input: low-pass the input when downsampling (Pillow's filters; PyTorch's `antialias`). */
  antialias?: boolean;
}

/**
 * `F.interpolate(input, { size, scaleFactor, mode = "nearest", alignCorners })`.
 *
 * @example
 * const up = F.interpolate(torch.randn([1, 3, 8, 8]), { scaleFactor: 2, mode: "bilinear" }); // [1, 3, 16, 16]
 */
export function interpolate(input: Tensor, options: InterpolateOptions = {}): Tensor {
  const mode = options.mode ?? "nearest";
  const dims = input.shape.length, spatial = dims - 2;
  const antialiasRefused = options.antialias === true && !((mode === "bilinear" || mode === "bicubic") && dims === 4);
  // (PyTorch checks the antialias option before it looks for a kernel of the mode and rank)
  if (antialiasRefused && dims >= 3 && dims <= 5) throw new Error("Anti-alias option is restricted to bilinear and bicubic modes and requires a 4-D tensor as input");
  if (dims < 3 || dims > 5 || (mode === "bicubic" && dims !== 4)) {
    // PyTorch's text; bicubic on 3-d or 5-d input gets it too
    throw new Error(`Input Error: Only 3D, 4D and 5D input Tensors supported (got ${dims}D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got ${mode})`);
  }
  if (mode === "linear" && dims !== 3) throw new Error(`Got ${dims}D input, but linear mode needs 3D input`);
  if (mode === "bilinear" && dims !== 4) throw new Error(`Got ${dims}D input, but bilinear mode needs 4D input`);
  if (mode === "trilinear" && dims !== 5) throw new Error(`Got ${dims}D input, but trilinear mode needs 5D input`);
  if (!["nearest", "nearest-exact", "linear", "bilinear", "bicubic", "trilinear", "area"].includes(mode)) {
    // (no kernel for the mode: PyTorch ends on the same text as for a rank it has none for)
    throw new Error(`Input Error: Only 3D, 4D and 5D input Tensors supported (got ${dims}D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got ${String(mode)})`);
  }
  const alignCorners = options.alignCorners ?? null;
  if ((mode === "nearest" || mode === "nearest-exact" || mode === "area") && alignCorners !== null) {
    throw new Error("align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear");
  }
  const { size = null, scaleFactor = null } = options;
  if (size !== null && scaleFactor !== null) throw new Error("only one of size or scale_factor should be defined");
  if (size === null && scaleFactor === null) throw new Error("either size or scale_factor should be defined");
  const recompute = options.recomputeScaleFactor ?? false;
  if (recompute && size !== null) throw new Error("recompute_scale_factor is not meaningful with an explicit size.");
  const perDim = (v: number | readonly number[], isSize: boolean): number[] => {
    const list = typeof v === "number" ? new Array<number>(spatial).fill(v) : [...v];
    if (list.length !== spatial) {
      // PyTorch 2.x's texts (the sizes as Python prints a list)
      const dimsText = `input with spatial dimensions of ${shapeStr(input.shape.slice(2))}`;
      const given = `[${list.join(", ")}]`;
      throw new Error(isSize
        ? `Input and output must have the same number of spatial dimensions, but got ${dimsText} and output size of ${given}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.`
        : `Input and scale_factor must have the same number of spatial dimensions, but got ${dimsText} and scale_factor of shape ${given}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.`);
    }
    return list;
  };
  const given = scaleFactor === null ? null : perDim(scaleFactor, false);
  const sizes = size === null ? given!.map((f, i) => Math.floor(input.shape[2 + i]! * f)) : perDim(size, true);
  // a recomputed factor is the sizes' own ratio, as if the sizes had been given
  const factors = recompute ? null : given;
  if (!sizes.every((s) => Number.isInteger(s) && s >= 0)) {
    throw new Error(`interpolate: output size must be non-negative integers, got [${sizes.join(", ")}] (input ${shapeStr(input.shape)})`);
  }
  if (mode !== "area" && sizes.some((s) => s === 0)) {
    // PyTorch's upsample_Nd_common_check (area's adaptive pooling gives an empty output instead)
    const names = ["D", "H", "W"].slice(3 - spatial);
    const list = (v: readonly number[]) => names.map((name, i) => `${name}: ${v[i]}`).join(", ");
    const inputSizes = input.shape.slice(2);
    throw new Error(`Input and output sizes should be greater than 0, but got input (${list(inputSizes)})${spatial === 1 ? " and" : ""} output (${list(sizes)})`);
  }
  // PyTorch's channels-last nearest kernel (which 4-d input of one channel, or of 1x1 planes, also takes) picks as its backward does
  const channelsLast = dims >= 4 && channelsLastContiguous(input);
  if (input.dtype === "int32" || input.dtype === "bool") {
    // PyTorch's CPU kernels are for floating types only; the message names the kernel that refuses
    const isNearest = mode === "nearest" || mode === "nearest-exact";
    const kernel = isNearest && channelsLast && (mode === "nearest" || dims === 5) ? `upsample_nearest${spatial}d_channels_last`
      : mode === "area" ? (dims === 5 ? "adaptive_avg_pool3d_cpu" : "adaptive_avg_pool2d")
      : `compute_indices_weights_${isNearest ? "nearest" : mode === "bicubic" ? "cubic" : "linear"}`;
    throw new Error(`"${kernel}" not implemented for '${scalarTypeName(input.dtype)}'`);
  }
  if (mode === "area") {
    // adaptive average pooling to the sizes (PyTorch ignores the factors beyond the sizes they give)
    return dims === 3 ? adaptiveAvgPool1d(input, sizes[0]!) : dims === 4 ? adaptiveAvgPool2d(input, [sizes[0]!, sizes[1]!]) : adaptiveAvgPool3d(input, [sizes[0]!, sizes[1]!, sizes[2]!]);
  }
  if (options.antialias === true) {
    // width first, then height, as PyTorch's separable kernel; a dim whose size does not change is copied
    let out = input;
    for (const i of [1, 0]) {
      const n = input.shape[2 + i]!, m = sizes[i]!;
      if (m !== n) out = antialiased(out, 2 + i, m, sourceScale(n, m, factors?.[i] ?? null, alignCorners ?? false), mode as "bilinear" | "bicubic");
    }
    return out === input ? input.clone() : out;
  }
  if (mode === "bicubic" && sizes.every((m, i) => m === input.shape[2 + i])) return sameSizeBicubic(input, sizes, factors, alignCorners ?? false);
  if (mode === "trilinear") {
    // a backend with a trilinear kernel: the passes below in one op
    const scales = sizes.map((m, i) => sourceScale(input.shape[2 + i]!, m, factors?.[i] ?? null, alignCorners ?? false)) as [number, number, number];
    const y = trilinearByKernel(input, sizes, scales, alignCorners ?? false);
    if (y !== null) return y;
  }
  let out = input;
  sizes.forEach((m, i) => {
    const factor = factors?.[i] ?? null;
    if (mode === "nearest" || mode === "nearest-exact") {
      out = nearest(out, 2 + i, m, factor, channelsLast, mode === "nearest-exact");
    } else if (mode === "bicubic") {
      out = cubic(out, 2 + i, m, sourceScale(input.shape[2 + i]!, m, factor, alignCorners ?? false), alignCorners ?? false);
    } else if (m !== input.shape[2 + i]) {
      // PyTorch's linear kernels copy a dim whose size is unchanged (even for a factor such as 1.1 on 5)
      out = linear(out, 2 + i, m, sourceScale(input.shape[2 + i]!, m, factor, alignCorners ?? false), alignCorners ?? false);
    }
  });
  // a new tensor even where every dim was copied, as PyTorch's
  return out === input ? input.clone() : out;
}

/**
 * Bicubic to the input's own size: the forward still resamples by the given
 * factors (1.1 on a dim of 4 keeps 4 but moves the samples), while PyTorch's
 * backward kernel copies the gradient whenever the sizes are unchanged. The
 * output takes the forward's values and the copied gradient, as PyTorch's.
 */
function sameSizeBicubic(input: Tensor, sizes: readonly number[], factors: readonly number[] | null, alignCorners: boolean): Tensor {
  let out = input.detach();
  sizes.forEach((m, i) => {
    out = cubic(out, 2 + i, m, sourceScale(m, m, factors?.[i] ?? null, alignCorners), alignCorners);
  });
  if (needsGrad(input)) record("UpsampleBicubic2DBackward0", [input], out, ([grad]) => [grad!]);
  return out;
}

/** PyTorch's area_pixel_compute_scale: source distance per output step along a dim of n -> m. */
function sourceScale(n: number, m: number, factor: number | null, alignCorners: boolean): number {
  if (alignCorners) return m > 1 ? (n - 1) / (m - 1) : 0;
  return factor !== null && factor > 0 ? 1 / factor : n / m;
}

/**
 * Nearest along `dim` (n -> m) as PyTorch's CPU kernels pick sources. The
 * forward takes floor(i · scale) with the product rounded to float32 (the
 * scale is float32 too, except for float64 input). The backward
 * (nearest_idx) always uses float32, and copies when m == n and halves i
 * when m == 2n, so for factors such as 1.1 or 2.2 it sends gradients to
 * other elements than the forward read. Where the two differ, the output
 * takes the forward's values and the backward's gradient, as PyTorch's does.
 * The channels-last forward kernel picks as the backward does.
 *
 * `exact` (nearest-exact) reads pixel centres: the forward rounds
 * (i + 0.5) · scale - 0.5 (kept >= 0, in the input's precision) with
 * floorf(v + 0.5), the backward (nearest_exact_idx, no special cases) takes
 * floorf((i + 0.5) · scale) with a float32 scale.
 */
function nearest(x: Tensor, dim: number, m: number, factor: number | null, channelsLast: boolean, exact = false): Tensor {
  const n = x.shape[dim]!;
  const scale = (precise: boolean) => {
    const s = factor !== null && factor > 0 ? 1 / factor : n / m;
    return precise ? s : Math.fround(s);
  };
  const precise = x.dtype === "float64";
  const round = (v: number) => (precise ? v : Math.fround(v));
  // (the product of two float32 values is exact in a double, so fround rounds it once, as float32 arithmetic does)
  const forwardScale = scale(precise);
  const forwardIndex = exact
    ? (i: number) => Math.floor(Math.fround(Math.max(round((i + 0.5) * forwardScale - 0.5), 0) + 0.5))
    : (i: number) => Math.floor(Math.fround(i * forwardScale));
  const forward = Int32Array.from({ length: m }, (_, i) => Math.min(forwardIndex(i), n - 1));
  const backwardScale = scale(false);
  const backward = Int32Array.from({ length: m }, (_, i) =>
    exact ? Math.min(Math.floor(Math.fround((i + 0.5) * backwardScale)), n - 1)
      : m === n ? i : m === 2 * n ? i >> 1 : Math.min(Math.floor(Math.fround(i * backwardScale)), n - 1));
  if (channelsLast || forward.every((v, i) => v === backward[i])) return indexSelect(x, dim, fromTypedArray(backward));
  const out = indexSelect(x.detach(), dim, fromTypedArray(forward));
  if (needsGrad(x)) {
    const shape = x.shape, sources = fromTypedArray(backward);
    record("UpsampleNearestBackward0", [x], out, ([grad]) => [indexAdd(zeros(shape, { dtype: grad!.dtype }), dim, sources, grad!)]);
  }
  return out;
}

function linear(x: Tensor, dim: number, m: number, scale: number, alignCorners: boolean): Tensor {
  const { lo, hi, wLo, wHi } = linearAxis(x.shape[dim]!, m, scale, alignCorners, x.dtype !== "float64");
  // the weights broadcast along `dim`: shape [m, 1, ...] for the dims after it
  const weights = (w: Float32Array | Float64Array) => reshape(fromTypedArray(w), [m, ...new Array<number>(x.shape.length - dim - 1).fill(1)]);
  return add(mul(indexSelect(x, dim, fromTypedArray(lo)), weights(wLo)), mul(indexSelect(x, dim, fromTypedArray(hi)), weights(wHi)));
}

/**
 * PyTorch's is_contiguous(channels_last) for 4-d `x` (channels_last_3d for
 * 5-d): strides growing over C, W, H, (D,) N (dims of size 1 skipped).
 */
function channelsLastContiguous(x: Tensor): boolean {
  const strides = x.stride();
  let expected = 1;
  for (const d of x.shape.length === 5 ? [1, 4, 3, 2, 0] : [1, 3, 2, 0]) {
    const size = x.shape[d]!;
    if (size === 1) continue;
    if (strides[d] !== expected) return false;
    expected *= size;
  }
  return true;
}
