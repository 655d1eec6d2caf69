/**
 * `F.fractionalMaxPool3d`: fractional max pooling (see
 * fractional-max-pool.ts) over the last three dims of `[N, C, T, H, W]` or
 * `[C, T, H, W]`. Each plane's three samples place its windows along T, H
 * and W (in that order, as PyTorch's), and the gradient goes to each
 * window's maximum.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { Triple } from "./conv3d.js";
import { contiguousData, emptyUninitialized, needsGrad, record, shapeStr } from "./core.js";
import { rand } from "./factories.js";
import { allWithin, checkSamples, intervals } from "./fractional-max-pool.js";
import { maxPool2dBackward } from "./pool.js";
import type { Generator } from "./random.js";
import { reshape } from "./views.js";


export interface FractionalMaxPool3dOptions {
  /** The output's T, H and W. Give this or `outputRatio`. */
  outputSize?: Triple | null;
  /** The output size as a fraction of the input's (each in (0, 1)): `floor(T · ratio)`, ... */
  outputRatio?: number | readonly [number, number, number] | null;
  /** Also return each window's argmax as (t · H + h) · W + w in its input plane (int32; PyTorch's are int64). */
  returnIndices?: boolean;
  /** The samples [N, C, 3] in [0, 1) that place the windows along T, H and W, PyTorch's `_random_samples`; drawn when left out. */
  _randomSamples?: Tensor | null;
  /** The generator of the samples when `_randomSamples` is left out. */
  generator?: Generator;
}

function threeInts(v: Triple, name: string): [number, number, number] {
  if (typeof v === "number") return [v, v, v];
  if (v.length !== 3) throw new Error(`fractional_max_pool3d: ${name} must either be a single Int or tuple of three Ints`);
  return [v[0], v[1], v[2]];
}

/**
 * Fractional max pooling of `[N, C, T, H, W]` or `[C, T, H, W]` input with
 * `kernelSize` windows to `outputSize` (or `outputRatio` of the input's
 * size). With `returnIndices` it returns `[values, indices]`.
 *
 * @example
 * const y = F.fractionalMaxPool3d(torch.randn([1, 2, 9, 9, 9]), 2, { outputSize: 4 }); // [1, 2, 4, 4, 4]
 */
export function fractionalMaxPool3d(input: Tensor, kernelSize: Triple, options: FractionalMaxPool3dOptions & { returnIndices: true }): [Tensor, Tensor];
export function fractionalMaxPool3d(input: Tensor, kernelSize: Triple, options?: FractionalMaxPool3dOptions): Tensor;
export function fractionalMaxPool3d(input: Tensor, kernelSize: Triple, options: FractionalMaxPool3dOptions = {}): Tensor | [Tensor, Tensor] {
  let size = options.outputSize ?? null;
  const ratio = options.outputRatio ?? null;
  if (size === null && ratio === null) throw new Error("fractional_max_pool3d requires specifying either an output_size or an output_ratio");
  const nd = input.dim();
  if (nd !== 4 && nd !== 5) throw new Error(`fractional_max_pool3d_out(): Expected 4D or 5D tensor, but got: ${shapeStr(input.shape)}`);
  if (size === null) {
    const [rt, rh, rw] = typeof ratio === "number" ? [ratio, ratio, ratio] : ratio!;
    size = [Math.trunc(input.shape[nd - 3]! * rt), Math.trunc(input.shape[nd - 2]! * rh), Math.trunc(input.shape[nd - 1]! * rw)];
  }
  const floating = input.dtype === "float32" || input.dtype === "float64";
  const scalarType = input.dtype === "int32" ? "Int" : "Bool";
  // (PyTorch draws the samples before its checks, and fails on the dtype there)
  if (!floating && !options._randomSamples) throw new Error(`"check_uniform_bounds" not implemented for '${scalarType}'`);
  const [kT, kH, kW] = threeInts(kernelSize, "kernel_size");
  const [oT, oH, oW] = threeInts(size, "output_size");
  for (let i = 1; i < nd; i++) {
    if (input.shape[i] === 0) {
      throw new Error(`fractional_max_pool3d_out(): Expected input to have non-zero size for non-batch dimensions, but got${shapeStr(input.shape)} with dimension ${i} being empty.`);
    }
  }
  const [T, H, W] = input.shape.slice(-3) as [number, number, number];
  if (!(kT > 0 && kH > 0 && kW > 0)) throw new Error(`fractional_max_pool3d_out(): kernel_size must be greater than zero, but got kernel_size=[${kT}, ${kH}, ${kW}]`);
  // (strictly less, unlike the 2-d op's check, as PyTorch's)
  if (!(oT + kT - 1 < T)) throw new Error(`fractional_max_pool3d_out(): pool time ${kT} too large relative to input time ${T}`);
  if (!(oH + kH - 1 < H)) throw new Error(`fractional_max_pool3d_out(): pool height ${kH} too large relative to input height ${H}`);
  if (!(oW + kW - 1 < W)) throw new Error(`fractional_max_pool3d_out(): pool width ${kW} too large relative to input width ${W}`);
  const C = input.shape[nd - 4]!;
  if (!floating) throw new Error(`"fractional_max_pool3d_out_frame" not implemented for '${scalarType}'`);
  const gen = options.generator;
  const samples = options._randomSamples ?? rand([nd === 4 ? 1 : input.shape[0]!, C, 3], { dtype: input.dtype, ...(gen !== undefined ? { generator: gen } : {}) });
  checkSamples(input, samples, 3);
  const x = contiguousData(input), u = contiguousData(samples);
  const planes = input.numel() / (T * H * W);
  const outShape = [...input.shape.slice(0, -3), oT, oH, oW];
  const values = emptyUninitialized(outShape, input.dtype), indices = emptyUninitialized(outShape, "int32");
  const round = input.dtype === "float32" ? Math.fround : (v: number) => v;
  const startsT = new Int32Array(planes * oT), startsH = new Int32Array(planes * oH), startsW = new Int32Array(planes * oW);
  for (let plane = 0; plane < planes; plane++) {
    const n = Math.floor(plane / C), c = plane % C, so = u.offset + (n * C + c) * 3;
    intervals(startsT, plane * oT, Number(u.data[so]), T, oT, kT, round);
    intervals(startsH, plane * oH, Number(u.data[so + 1]), H, oH, kH, round);
    intervals(startsW, plane * oW, Number(u.data[so + 2]), W, oW, kW, round);
  }
  if (!allWithin(startsT, T - kT) || !allWithin(startsH, H - kH) || !allWithin(startsW, W - kW)) {
    throw new Error(`fractional_max_pool3d(): _random_samples place a window outside the input ${shapeStr(input.shape)}`);
  }
  const xd = x.data, vd = values.data, id = indices.data;
  for (let plane = 0; plane < planes; plane++) {
    const xo = x.offset + plane * T * H * W, oo = plane * oT * oH * oW;
    for (let t = 0; t < oT; t++) {
      for (let h = 0; h < oH; h++) {
        for (let w = 0; w < oW; w++) {
          const t0 = startsT[plane * oT + t]!, h0 = startsH[plane * oH + h]!, w0 = startsW[plane * oW + w]!;
          let best = -Infinity, at = (t0 * H + h0) * W + w0;
          for (let t2 = t0; t2 < t0 + kT; t2++) {
            for (let h2 = h0; h2 < h0 + kH; h2++) {
              for (let w2 = w0; w2 < w0 + kW; w2++) {
                const p = (t2 * H + h2) * W + w2, v = Number(xd[xo + p]);
                // a NaN wins (the last one), as in PyTorch
                if (v > best || Number.isNaN(v)) {
                  best = v;
                  at = p;
                }
              }
            }
          }
          const o = oo + (t * oH + h) * oW + w;
          vd[o] = best;
          id[o] = at;
        }
      }
    }
  }
  if (needsGrad(input)) {
    const inputShape = input.shape, outPer = oT * oH * oW, inPer = T * H * W;
    // max_pool2d's gradient over one row per plane: each window's gradient added at its argmax
    record("FractionalMaxPool3DBackward0", [input], values, ([g], [ix]) => [
      reshape(maxPool2dBackward(reshape(g!, [1, planes, 1, outPer]), reshape(ix!, [1, planes, 1, outPer]), [1, planes, 1, inPer]), inputShape),
    ], [indices]);
  }
  return options.returnIndices ?? false ? [values, indices] : values;
}
