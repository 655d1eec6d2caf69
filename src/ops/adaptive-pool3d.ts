/**
 * Adaptive pooling over `[N, C, D, H, W]` (or unbatched `[C, D, H, W]`)
 * input: output cell i of a dim of size `n` covers input
 * [floor(i n / out), ceil((i + 1) n / out)), as PyTorch. The windows are
 * boxes, so the average is separable: adaptive_avg_pool2d over height and
 * width, then over depth. The max finds each window's argmax (PyTorch's
 * order and NaN rule) and gathers the values there, so the gradient flows to
 * the chosen elements (adding up where windows overlap).
 */
import { scalarTypeName } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { contiguousData, shapeStr } from "./core.js";
import { fromTypedArray } from "./factories.js";
import { gather } from "./indexing.js";
import { adaptiveAvgPool2d, type AdaptiveMaxPoolOptions, emptyOf } from "./pool.js";
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
  const planes = reshape(x, [N * C, D, H, W]);
  const rows = oH === H && oW === W ? planes : adaptiveAvgPool2d(planes, [oH, oW]);
  const depth = oD === D ? rows : adaptiveAvgPool2d(reshape(rows, [N * C, 1, D, oH * oW]), [oD, null]);
  // (a new tensor even where no dim changed, as PyTorch's)
  const out = depth === planes ? x.clone() : depth;
  return reshape(out, unbatched ? [C, oD, oH, oW] : [N, C, oD, oH, oW]);
}

/** PyTorch's adaptive window of output cell `i` (of `out`) over a dim of size `n`. */
const adaptiveWindow = (i: number, n: number, out: number): [number, number] => [Math.floor((i * n) / out), Math.ceil(((i + 1) * n) / out)];

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
  const flat = reshape(x, [planes, volume]);
  const dense = contiguousData(flat);
  const data = dense.data as Float32Array | Float64Array;
  const index = new Int32Array(planes * L);
  for (let p = 0, o = 0; p < planes; p++) {
    const base = dense.offset + p * volume;
    for (let i = 0; i < oD; i++) {
      const [d0, d1] = adaptiveWindow(i, D, oD);
      for (let j = 0; j < oH; j++) {
        const [h0, h1] = adaptiveWindow(j, H, oH);
        for (let k = 0; k < oW; k++, o++) {
          const [w0, w1] = adaptiveWindow(k, W, oW);
          let best = (d0 * H + h0) * W + w0, max = -Infinity;
          for (let z = d0; z < d1; z++) {
            for (let y = h0; y < h1; y++) {
              for (let w = w0; w < w1; w++) {
                const at = (z * H + y) * W + w, v = data[base + at]!;
                if (v > max || Number.isNaN(v)) {
                  max = v;
                  best = at;
                }
              }
            }
          }
          index[o] = best;
        }
      }
    }
  }
  const indices = fromTypedArray(index, [planes, L]);
  const outShape = unbatched ? [C, oD, oH, oW] : [N, C, oD, oH, oW];
  const values = reshape(gather(flat, 1, indices), outShape);
  return options.returnIndices === true ? [values, reshape(indices, outShape)] : values;
}
