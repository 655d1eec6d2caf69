/**
 * Adaptive pooling over `[N, C, D, H, W]` (or unbatched `[C, D, H, W]`)
 * input: output cell i of a dim of size `n` covers input
 * [floor(i n / out), ceil((i + 1) n / out)), as PyTorch. The windows are
 * boxes, so the average is separable: one mean pass per dim, as one op
 * (adaptive-mean.ts). The max is one typed-array pass for each window's
 * maximum and its position (PyTorch's order and NaN rule; a backend kernel
 * where there is one, native/adaptive-pool3d.c); the gradient
 * flows to the chosen elements (adding up where windows overlap).
 */
import { scalarTypeName } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { contiguousData, emptyUninitialized, kernels, needsGrad, record, shapeStr } from "./core.js";
import { adaptiveMean3d } from "./adaptive-mean.js";
import { type AdaptiveMaxPoolOptions, emptyOf, maxPool2dBackward } from "./pool.js";
import { reshape } from "./views.js";

/** A 3-d adaptive pool's output size: one for all three dims, or [depth, height, width] where null keeps the input's. */
export type AdaptiveSize3d = number | readonly [number | null, number | null, number | null];

/** The input as 5-d (unbatched input gets a batch of 1), checked as PyTorch's `op` checks it. */
function adaptiveInput(op: string, input: Tensor, kernel: string): { x: Tensor; unbatched: boolean } {
  const dims = input.shape.length;
  if (dims !== 4 && dims !== 5) throw new Error(`${op}(): Expected 4D or 5D tensor, but got: ${shapeStr(input.shape)}`);
  const empty = input.shape.findIndex((s, i) => i > 0 && s === 0);
  if (empty > 0) {
    throw new Error(`${op}(): Expected input to have non-zero size for non-batch dimensions, but input has sizes ${shapeStr(input.shape)} with dimension ${empty} being empty`);
  }
  if (input.dtype !== "float32" && input.dtype !== "float64") throw new Error(`"${kernel}" not implemented for '${scalarTypeName(input.dtype)}'`);
  return { x: dims === 4 ? reshape(input, [1, ...input.shape]) : input, unbatched: dims === 4 };
}

/** The requested [oD, oH, oW] (null keeps the input's size), checked as three positive integers. */
function adaptiveOutput(op: string, outputSize: AdaptiveSize3d, sizes: readonly number[], inputShape: readonly number[]): [number, number, number] {
  const requested = typeof outputSize === "number" ? [outputSize, outputSize, outputSize] : outputSize;
  if (requested.length !== 3) {
    throw new Error(op === "adaptive_max_pool3d" ? "adaptive_max_pool3d(): internal error: output_size.size() must be 3" : `${op}: output_size must be 3`);
  }
  const out = requested.map((o, d) => o ?? sizes[d]!) as [number, number, number];
  if (!out.every((o) => Number.isInteger(o) && o >= 0)) {
    throw new Error(`${op}: output_size must be non-negative integers, got [${requested.join(", ")}] (input ${shapeStr(inputShape)})`);
  }
  return out;
}

/**
 * `F.adaptiveAvgPool3d(input, outputSize)`: the mean of each adaptive window.
 *
 * @example
 * const y = adaptiveAvgPool3d(torch.randn([2, 3, 7, 5, 6]), [3, 2, 1]); // [2, 3, 3, 2, 1]
 */
export function adaptiveAvgPool3d(input: Tensor, outputSize: AdaptiveSize3d): Tensor {
  const { x, unbatched } = adaptiveInput("adaptive_avg_pool3d", input, "adaptive_avg_pool3d_cpu");
  const [N, C, D, H, W] = x.shape as [number, number, number, number, number];
  const [oD, oH, oW] = adaptiveOutput("adaptive_avg_pool3d", outputSize, [D, H, W], input.shape);
  // an output size of 0 gives an empty result, as PyTorch's
  if (oD === 0 || oH === 0 || oW === 0) return emptyOf(input, unbatched ? [C, oD, oH, oW] : [N, C, oD, oH, oW]);
  // (a new tensor even where no dim changes, as PyTorch's)
  const out = oD === D && oH === H && oW === W ? x.clone() : adaptiveMean3d(x, [oD, oH, oW]);
  return reshape(out, unbatched ? [C, oD, oH, oW] : [N, C, oD, oH, oW]);
}

/** PyTorch's adaptive windows over a dim of size `n` for `out` cells: cell i covers [floor(i·n / out), ceil((i + 1)·n / out)). */
interface Windows {
  start: Int32Array;
  end: Int32Array;
}

function adaptiveWindows(n: number, out: number): Windows {
  const start = new Int32Array(out), end = new Int32Array(out);
  for (let i = 0; i < out; i++) {
    start[i] = Math.floor((i * n) / out);
    end[i] = Math.ceil(((i + 1) * n) / out);
  }
  return { start, end };
}

/**
 * The max of each adaptive window of one volume (at `base` of `x`) and its
 * position d·H·W + h·W + w, written from `o` on: PyTorch's order (depth,
 * rows, columns), ties to the first element, a NaN wins (the last of
 * several). One call per volume, so V8 optimizes it early.
 */
function maxOfWindows(x: Float32Array | Float64Array, base: number, values: Float32Array | Float64Array, indices: Int32Array, o: number,
  H: number, W: number, depth: Windows, rows: Windows, cols: Windows): void {
  for (let i = 0; i < depth.start.length; i++) {
    const d0 = depth.start[i]!, d1 = depth.end[i]!;
    for (let j = 0; j < rows.start.length; j++) {
      const h0 = rows.start[j]!, h1 = rows.end[j]!;
      for (let k = 0; k < cols.start.length; k++, o++) {
        const w0 = cols.start[k]!, w1 = cols.end[k]!;
        let best = (d0 * H + h0) * W + w0, max = -Infinity;
        for (let z = d0; z < d1; z++) {
          for (let y = h0; y < h1; y++) {
            const row = (z * H + y) * W;
            for (let w = w0; w < w1; w++) {
              const v = x[base + row + w]!;
              if (v > max || v !== v) {
                max = v;
                best = row + w;
              }
            }
          }
        }
        values[o] = x[base + best]!;
        indices[o] = best;
      }
    }
  }
}

/**
 * `F.adaptiveMaxPool3d(input, outputSize, { returnIndices })`: the max of
 * each adaptive window (windows of odd sizes overlap). Ties go to the first
 * element (depth, then rows, then columns), a NaN wins (the last of
 * several), as in PyTorch. With `returnIndices` it returns
 * `[values, indices]`, the indices flat per volume (d·H·W + h·W + w, int32).
 *
 * @example
 * const y = adaptiveMaxPool3d(torch.randn([2, 3, 7, 5, 6]), 2); // [2, 3, 2, 2, 2]
 */
export function adaptiveMaxPool3d(input: Tensor, outputSize: AdaptiveSize3d, options: AdaptiveMaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool3d(input: Tensor, outputSize: AdaptiveSize3d, options?: AdaptiveMaxPoolOptions): Tensor;
export function adaptiveMaxPool3d(input: Tensor, outputSize: AdaptiveSize3d, options: AdaptiveMaxPoolOptions = {}): Tensor | [Tensor, Tensor] {
  const { x, unbatched } = adaptiveInput("adaptive_max_pool3d", input, "adaptive_max_pool3d_cpu");
  const [N, C, D, H, W] = x.shape as [number, number, number, number, number];
  const [oD, oH, oW] = adaptiveOutput("adaptive_max_pool3d", outputSize, [D, H, W], input.shape);
  const planes = N * C, volume = D * H * W, L = oD * oH * oW;
  const values = emptyUninitialized([N, C, oD, oH, oW], x.dtype), indices = emptyUninitialized([N, C, oD, oH, oW], "int32");
  if (kernels().adaptiveMaxPool3d?.(values, indices, x) !== true) {
    const dense = contiguousData(x);
    const [depth, rows, cols] = [[D, oD], [H, oH], [W, oW]].map(([n, o]) => adaptiveWindows(n!, o!)) as [Windows, Windows, Windows];
    const xd = dense.data as Float32Array | Float64Array, vd = values.data as Float32Array | Float64Array, id = indices.data as Int32Array;
    for (let p = 0; p < planes; p++) maxOfWindows(xd, dense.offset + p * volume, vd, id, p * L, H, W, depth, rows, cols);
  }
  if (needsGrad(x)) {
    const inputShape = x.shape;
    // each gradient to its window's maximum: the 2-d pool's backward over planes of D·H x W (the indices are flat per volume)
    record("AdaptiveMaxPool3DBackward0", [x], values, ([g], [ix]) => [
      reshape(maxPool2dBackward(reshape(g!, [N, C, oD * oH, oW]), reshape(ix!, [N, C, oD * oH, oW]), [N, C, D * H, W]), inputShape),
    ], [indices]);
  }
  const outShape = unbatched ? [C, oD, oH, oW] : [N, C, oD, oH, oW];
  return options.returnIndices === true ? [reshape(values, outShape), reshape(indices, outShape)] : reshape(values, outShape);
}
