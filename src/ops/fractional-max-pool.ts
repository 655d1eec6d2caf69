/**
 * `F.fractionalMaxPool2d` (Graham's fractional max-pooling): max pooling
 * whose windows start at pseudo-random, increasing offsets chosen so that
 * an H x W plane pools to exactly the requested output size. Each plane's
 * two samples in [0, 1) (one for W, one for H) fix the offsets, as
 * PyTorch's `generate_intervals` computes them in the input's precision.
 * The gradient goes to each window's maximum (max_pool2d's backward, with
 * the same per-plane positions), so it is differentiable again.
 */
import type { Strided } from "../backend/backend.js";
import type { TypedArray } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { contiguousData, emptyUninitialized, kernels, needsGrad, record, shapeStr } from "./core.js";
import type { Pair } from "./conv.js";
import { rand } from "./factories.js";
import { maxPool2dBackward } from "./pool.js";
import type { Generator } from "./random.js";
import { reshape } from "./views.js";

export interface FractionalMaxPool2dOptions {
  /** The output's height and width (one number for both). Give this or `outputRatio`. */
  outputSize?: Pair | null;
  /** The output size as a fraction of the input's (each in (0, 1)): `floor(H · ratio)`. */
  outputRatio?: number | readonly [number, number] | null;
  /** Also return each window's argmax as h · W + w in its input plane (int32; PyTorch's are int64). */
  returnIndices?: boolean;
  /**
   * The samples [N, C, 2] in [0, 1) that place the windows (index 0 for W,
   * 1 for H), in the input's dtype, PyTorch's `_random_samples`; drawn
   * uniformly (with `generator`) when left out.
   */
  _randomSamples?: Tensor | null;
  /** The generator of the samples when `_randomSamples` is left out. */
  generator?: Generator;
}

/** A pair argument of exactly two numbers, or PyTorch's message naming it. */
function twoInts(v: Pair, name: string): [number, number] {
  if (typeof v === "number") return [v, v];
  if (v.length !== 2) throw new Error(`fractional_max_pool2d: ${name} must either be a single Int or tuple of Ints`);
  return [v[0], v[1]];
}

/**
 * The start of each of `outputSize` windows of `poolSize` over `inputSize`, PyTorch's generate_intervals in
 * `round`'s precision, written to `out` from `at` on.
 */
export function intervals(out: Int32Array, at: number, sample: number, inputSize: number, outputSize: number, poolSize: number, round: (v: number) => number): void {
  if (outputSize > 1) {
    const alpha = round((inputSize - poolSize) / (outputSize - 1));
    const first = Math.trunc(round(sample * alpha));
    for (let i = 0; i < outputSize - 1; i++) out[at + i] = Math.trunc(round(round(i + sample) * alpha)) - first;
  }
  if (outputSize > 0) out[at + outputSize - 1] = inputSize - poolSize;
}

/** Whether every start is in [0, hi]. */
export function allWithin(starts: Int32Array, hi: number): boolean {
  for (let i = 0; i < starts.length; i++) if (starts[i]! < 0 || starts[i]! > hi) return false;
  return true;
}

/** PyTorch 2.x's checks of `_random_samples` against the input: [N, C, one sample per pooled dim]. */
export function checkSamples(input: Tensor, samples: Tensor, pooledDims = 2): void {
  if (samples.dtype !== input.dtype) throw new Error(`Expect _random_samples to have the same dtype as input (input ${input.dtype}, _random_samples ${samples.dtype})`);
  if (samples.dim() !== 3) throw new Error(`Expect _random_samples to have 3 dimensions, got ${samples.dim()}`);
  const batch = input.dim() === pooledDims + 1 ? 1 : input.shape[0]!, channels = input.shape[input.dim() - pooledDims - 1]!;
  if (samples.shape[0]! < batch) throw new Error(`Expect _random_samples.size(0) no less then input batch size. (_random_samples ${shapeStr(samples.shape)}, input ${shapeStr(input.shape)})`);
  if (samples.shape[1] !== channels) throw new Error(`Expect _random_samples.size(1) equals to input channel size. (_random_samples ${shapeStr(samples.shape)}, input ${shapeStr(input.shape)})`);
  if (samples.shape[2] !== pooledDims) throw new Error(`Expect _random_samples.size(2) equals to ${pooledDims}; got ${samples.shape[2]}.`);
}

/** The sizes poolPlanes walks: planes of H x W pooled by kH x kW windows to oH x oW. */
interface PoolGeometry {
  planes: number;
  H: number;
  W: number;
  oH: number;
  oW: number;
  kH: number;
  kW: number;
}

/** The max (and its h * W + w) of each window of each plane, windows placed by `startsH` [planes, oH] and `startsW` [planes, oW]. */
function poolPlanes(x: TypedArray, xOffset: number, values: TypedArray, indices: Int32Array, g: PoolGeometry, startsH: Int32Array, startsW: Int32Array): void {
  const { planes, H, W, oH, oW, kH, kW } = g;
  for (let plane = 0; plane < planes; plane++) {
    const xo = xOffset + plane * H * W, oo = plane * oH * oW;
    for (let h = 0; h < oH; h++) {
      for (let w = 0; w < oW; w++) {
        const h0 = startsH[plane * oH + h]!, w0 = startsW[plane * oW + w]!;
        let best = -Infinity, at = h0 * W + w0;
        for (let h2 = h0; h2 < h0 + kH; h2++) {
          for (let w2 = w0; w2 < w0 + kW; w2++) {
            const v = Number(x[xo + h2 * W + w2]);
            // a NaN wins (the last one), as in PyTorch
            if (v > best || Number.isNaN(v)) {
              best = v;
              at = h2 * W + w2;
            }
          }
        }
        values[oo + h * oW + w] = best;
        indices[oo + h * oW + w] = at;
      }
    }
  }
}

/**
 * Fractional max pooling of `[N, C, H, W]` or `[C, H, W]` input with
 * `kernelSize` windows to `outputSize` (or `outputRatio` of the input's
 * size). Pass `_randomSamples` for repeatable windows. With
 * `returnIndices` it returns `[values, indices]`.
 *
 * @example
 * const y = F.fractionalMaxPool2d(torch.randn([1, 3, 10, 10]), 3, { outputSize: [6, 6] }); // [1, 3, 6, 6]
 * const [v, i] = F.fractionalMaxPool2d(torch.randn([3, 10, 10]), 2, { outputRatio: 0.5, returnIndices: true });
 */
export function fractionalMaxPool2d(input: Tensor, kernelSize: Pair, options: FractionalMaxPool2dOptions & { returnIndices: true }): [Tensor, Tensor];
export function fractionalMaxPool2d(input: Tensor, kernelSize: Pair, options?: FractionalMaxPool2dOptions): Tensor;
export function fractionalMaxPool2d(input: Tensor, kernelSize: Pair, options: FractionalMaxPool2dOptions = {}): Tensor | [Tensor, Tensor] {
  let size = options.outputSize ?? null;
  const ratio = options.outputRatio ?? null;
  if (size === null && ratio === null) throw new Error("fractional_max_pool2d requires specifying either an output_size or an output_ratio");
  const nd = input.dim();
  if (size === null) {
    if (nd < 2) throw new Error(`fractional_max_pool2d(): Expected 3D or 4D tensor, but got: ${shapeStr(input.shape)}`);
    const [rh, rw] = typeof ratio === "number" ? [ratio, ratio] : ratio!;
    size = [Math.trunc(input.shape[nd - 2]! * rh), Math.trunc(input.shape[nd - 1]! * rw)];
  }
  let samples = options._randomSamples ?? null;
  if (samples === null) {
    if (nd < 3) throw new Error(`fractional_max_pool2d(): Expected 3D or 4D tensor, but got: ${shapeStr(input.shape)}`);
    const batch = nd === 3 ? 1 : input.shape[0]!;
    samples = rand([batch, input.shape[nd - 3]!, 2], { dtype: input.dtype, ...(options.generator !== undefined ? { generator: options.generator } : {}) });
  }
  const [kH, kW] = twoInts(kernelSize, "kernel_size");
  const [oH, oW] = twoInts(size, "output_size");
  if (nd !== 3 && nd !== 4) throw new Error(`fractional_max_pool2d(): Expected 3D or 4D tensor, but got: ${shapeStr(input.shape)}`);
  for (let i = 1; i < nd; i++) {
    if (input.shape[i] === 0) {
      throw new Error(`fractional_max_pool2d(): Expected input to have non-zero size for non-batch dimensions, but got${shapeStr(input.shape)} with dimension ${i} being empty.`);
    }
  }
  const [H, W] = input.shape.slice(-2) as [number, number];
  // (PyTorch 1.13 pools nothing with a kernel of 0, giving -inf: an error here)
  if (!(kH > 0 && kW > 0)) throw new Error(`fractional_max_pool2d(): kernel_size must be greater than zero, but got kernel_size=[${kH}, ${kW}]`);
  if (oH + kH - 1 > H) throw new Error(`fractional_max_pool2d(): pool height ${kH} too large relative to input height ${H}`);
  if (oW + kW - 1 > W) throw new Error(`fractional_max_pool2d(): pool width ${kW} too large relative to input width ${W}`);
  const outShape = [...input.shape.slice(0, -2), oH, oW];
  if (oH < 0 || oW < 0) throw new Error(`Trying to create tensor with negative dimension ${Math.min(oH, oW)}: ${shapeStr(outShape)}`);
  checkSamples(input, samples);
  if (input.dtype !== "float32" && input.dtype !== "float64") {
    throw new Error(`"fractional_max_pool2d_out_frame" not implemented for '${input.dtype === "int32" ? "Int" : "Bool"}'`);
  }
  const x = contiguousData(input), u = contiguousData(samples);
  const planes = input.numel() / (H * W), C = input.shape[nd - 3]!;
  // every element is written below
  const values = emptyUninitialized(outShape, input.dtype), indices = emptyUninitialized(outShape, "int32");
  const round = input.dtype === "float32" ? Math.fround : (v: number) => v;
  // each plane's window starts, rows [planes, oH] and columns [planes, oW]
  const startsH = new Int32Array(planes * oH), startsW = new Int32Array(planes * oW);
  for (let plane = 0; plane < planes; plane++) {
    // the samples of batch item n, channel c: [n, c, 0] for W, [n, c, 1] for H
    const n = Math.floor(plane / C), c = plane % C, so = u.offset + (n * C + c) * 2;
    intervals(startsW, plane * oW, Number(u.data[so]), W, oW, kW, round);
    intervals(startsH, plane * oH, Number(u.data[so + 1]), H, oH, kH, round);
  }
  // samples far outside [0, 1) can place a window outside the input (PyTorch's int casts are then undefined)
  if (!allWithin(startsH, H - kH) || !allWithin(startsW, W - kW)) {
    throw new Error(`fractional_max_pool2d(): _random_samples place a window outside the input ${shapeStr(input.shape)}`);
  }
  const plain = (data: Int32Array, o: number): Strided => ({ data, shape: [planes, o], strides: [o, 1], offset: 0 });
  const xs: Strided = { data: x.data, shape: [planes, H, W], strides: [H * W, W, 1], offset: x.offset };
  const flat = (t: Tensor): Strided => ({ data: t.data, shape: [planes, oH, oW], strides: [oH * oW, oW, 1], offset: t.offset });
  // a backend with its own kernel (the native one, multi-threaded) computes the same values and positions
  if (kernels().fractionalMaxPool2d?.(flat(values), flat(indices), xs, plain(startsH, oH), plain(startsW, oW), kH, kW) !== true) {
    poolPlanes(x.data, x.offset, values.data, indices.data as Int32Array, { planes, H, W, oH, oW, kH, kW }, startsH, startsW);
  }
  if (needsGrad(input)) {
    const inputShape = input.shape;
    // max_pool2d's gradient, one plane per (batch, channel): each window's gradient added at its argmax
    record("FractionalMaxPool2DBackward0", [input], values, ([g], [ix]) => [
      reshape(maxPool2dBackward(reshape(g!, [1, planes, oH, oW]), reshape(ix!, [1, planes, oH, oW]), [1, planes, H, W]), inputShape),
    ], [indices]);
  }
  return options.returnIndices ?? false ? [values, indices] : values;
}
