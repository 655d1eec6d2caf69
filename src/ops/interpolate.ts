/**
 * `F.interpolate` for nearest, linear (3-d input) and bilinear (4-d input)
 * resampling, with PyTorch's source positions: nearest takes
 * floor(i · scale), linear mixes the two neighbours of (i + 0.5) · scale - 0.5
 * (or i · (n - 1) / (m - 1) with alignCorners), where scale is
 * 1 / scaleFactor when one is given and n / m otherwise. Each spatial dim is
 * resampled in turn with index_select, so gradients (summed where sources
 * repeat) come from index_select's.
 */
import type { Tensor } from "../tensor/tensor.js";
import { shapeStr } from "./core.js";
import { add, mul } from "./elementwise.js";
import { fromTypedArray } from "./factories.js";
import { indexSelect } from "./indexing.js";
import { reshape } from "./views.js";

export type InterpolateMode = "nearest" | "linear" | "bilinear";

export interface InterpolateOptions {
  /** The output's spatial size (one number for every spatial dim). */
  size?: number | readonly number[] | null;
  /** Or a factor per spatial dim: the output size is floor(input size · factor). */
  scaleFactor?: number | readonly number[] | null;
  mode?: InterpolateMode;
  /** linear / bilinear only: map the corner pixels' centres onto each other. */
  alignCorners?: boolean | null;
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
  if (dims < 3 || dims > 4) {
    throw new Error(`Input Error: Only 3D and 4D input Tensors supported (got ${dims}D) for the modes: nearest | linear | bilinear (got ${mode})`);
  }
  if (mode === "linear" && dims !== 3) throw new Error(`Got ${dims}D input, but linear mode needs 3D input`);
  if (mode === "bilinear" && dims !== 4) throw new Error(`Got ${dims}D input, but bilinear mode needs 4D input`);
  if (mode !== "nearest" && mode !== "linear" && mode !== "bilinear") throw new Error(`interpolate: unsupported mode ${String(mode)}`);
  const alignCorners = options.alignCorners ?? null;
  if (mode === "nearest" && alignCorners !== null) {
    throw new Error("align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear");
  }
  const { size = null, scaleFactor = null } = options;
  if (size !== null && scaleFactor !== null) throw new Error("only one of size or scale_factor should be defined");
  if (size === null && scaleFactor === null) throw new Error("either size or scale_factor should be defined");
  const perDim = (v: number | readonly number[], what: string): number[] => {
    const list = typeof v === "number" ? new Array<number>(spatial).fill(v) : [...v];
    if (list.length !== spatial) {
      throw new Error(`Input and ${what} must have the same number of spatial dimensions, but got input with spatial dimensions of ${shapeStr(input.shape.slice(2))} and output size of [${list.join(", ")}]. Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.`);
    }
    return list;
  };
  const factors = scaleFactor === null ? null : perDim(scaleFactor, "scale_factor");
  const sizes = size === null ? factors!.map((f, i) => Math.floor(input.shape[2 + i]! * f)) : perDim(size, "output size");
  if (!sizes.every((s) => Number.isInteger(s) && s > 0)) {
    throw new Error(`interpolate: output size must be positive integers, got [${sizes.join(", ")}] (input ${shapeStr(input.shape)})`);
  }
  let out = input;
  sizes.forEach((m, i) => {
    const scale = sourceScale(input.shape[2 + i]!, m, factors?.[i] ?? null, alignCorners ?? false);
    out = mode === "nearest" ? nearest(out, 2 + i, m, scale) : linear(out, 2 + i, m, scale, alignCorners ?? false);
  });
  return out;
}

/** PyTorch's area_pixel_compute_scale: source distance per output step along a dim of n -> m. */
function sourceScale(n: number, m: number, factor: number | null, alignCorners: boolean): number {
  if (alignCorners) return m > 1 ? (n - 1) / (m - 1) : 0;
  return factor !== null && factor > 0 ? 1 / factor : n / m;
}

function nearest(x: Tensor, dim: number, m: number, scale: number): Tensor {
  const n = x.shape[dim]!;
  const index = Int32Array.from({ length: m }, (_, j) => Math.min(Math.floor(j * scale), n - 1));
  return indexSelect(x, dim, fromTypedArray(index));
}

function linear(x: Tensor, dim: number, m: number, scale: number, alignCorners: boolean): Tensor {
  const n = x.shape[dim]!;
  const lo = new Int32Array(m), hi = new Int32Array(m), wLo = new Float64Array(m), wHi = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const src = alignCorners ? j * scale : Math.max((j + 0.5) * scale - 0.5, 0);
    lo[j] = Math.min(Math.floor(src), n - 1);
    hi[j] = Math.min(lo[j]! + 1, n - 1);
    wHi[j] = src - lo[j]!;
    wLo[j] = 1 - wHi[j]!;
  }
  // the weights broadcast along `dim`: shape [m, 1, ...] for the dims after it
  const weights = (w: Float64Array) => reshape(fromTypedArray(x.dtype === "float64" ? w : Float32Array.from(w)), [m, ...new Array<number>(x.shape.length - dim - 1).fill(1)]);
  return add(mul(indexSelect(x, dim, fromTypedArray(lo)), weights(wLo)), mul(indexSelect(x, dim, fromTypedArray(hi)), weights(wHi)));
}
