/**
 * Max and average pooling over `[N, C, D, H, W]` (or unbatched
 * `[C, D, H, W]`) input, checked as PyTorch 2.x checks them.
 *
 * Max pooling finds each window's argmax as PyTorch's loop does (depth, then
 * rows, then columns; a larger value or any NaN takes over, so ties go to
 * the first element and the last NaN wins): the backend's 2-d max pool over
 * each depth slice, then the slices of each window in order. The values
 * are gathered at the argmax, so the gradient (summed where windows
 * overlap) and its own gradient come from gather's.
 *
 * Average pooling is separable: the window sums are 2-d window sums over
 * height and width, then over depth (avgPool2d with a divisor of 1, so ceil
 * mode's partial windows and the zero padding behave as there), divided by
 * PyTorch's divisor per window, which is a product of one count per dim.
 */
import { scalarTypeName } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { contiguousData, shapeStr } from "./core.js";
import { type Triple, triple } from "./conv3d.js";
import { div, where } from "./elementwise.js";
import { fromTypedArray } from "./factories.js";
import { gather } from "./indexing.js";
import { avgPool2d, maxPool2d } from "./pool.js";
import { avgPool3dByKernel } from "./avg-pool3d-native.js";
import { maxPool3dByKernel } from "./pool3d-native.js";
import { reshape } from "./views.js";

export interface Pool3dOptions {
  /** Defaults to the kernel size, as in PyTorch. */
  stride?: Triple | null;
  padding?: Triple;
  dilation?: Triple;
  /** Output sizes round up: a last window may start in the input and run past its padding. */
  ceilMode?: boolean;
}

export interface MaxPool3dOptions extends Pool3dOptions {
  /** Also return each window's argmax as d·H·W + h·W + w in its input volume (int32; PyTorch's are int64). */
  returnIndices?: boolean;
}

export interface AvgPool3dOptions {
  /** Defaults to the kernel size, as in PyTorch. */
  stride?: Triple | null;
  padding?: Triple;
  ceilMode?: boolean;
  /** Count the zero padding in each window's divisor (default true). */
  countIncludePad?: boolean;
  /** Divide every window's sum by this instead. */
  divisorOverride?: number | null;
}

/** The normalised geometry of a 3-d pool over a 5-d input (unbatched input gets a batch of 1). */
interface PoolGeometry3d {
  x: Tensor;
  unbatched: boolean;
  kernel: [number, number, number];
  stride: [number, number, number];
  padding: [number, number, number];
  dilation: [number, number, number];
  out: [number, number, number];
}

/** PyTorch 2.x's pooling_output_shape for one dim, with its checks. */
function poolOutputSize(size: number, kernel: number, pad: number, stride: number, dilation: number, ceilMode: boolean): number {
  if (stride === 0) throw new Error("stride should not be zero");
  if (pad < 0) throw new Error(`pad must be non-negative, but got pad: ${pad}`);
  // (C++ integer division, truncating)
  if (pad > Math.trunc(((kernel - 1) * dilation + 1) / 2)) {
    throw new Error(`pad should be at most half of effective kernel size, but got pad=${pad}, kernel_size=${kernel} and dilation=${dilation}`);
  }
  let out = Math.floor((size + 2 * pad - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0)) / stride) + 1;
  // the last window must start inside the input or its left padding
  if (ceilMode && (out - 1) * stride >= size + pad) out--;
  return out;
}

/** The input of a 3-d pool checked as 4-d or 5-d, and of a floating dtype (`kernel` names PyTorch's CPU kernel). */
function poolInput(input: Tensor, op: string, kernel: string): { x: Tensor; unbatched: boolean } {
  if (input.shape.length !== 4 && input.shape.length !== 5) {
    throw new Error(`non-empty 4D or 5D (batch mode) tensor expected for input (${op}: input of shape ${shapeStr(input.shape)})`);
  }
  if (input.dtype !== "float32" && input.dtype !== "float64") throw new Error(`"${kernel}" not implemented for '${scalarTypeName(input.dtype)}'`);
  const unbatched = input.shape.length === 4;
  return { x: unbatched ? reshape(input, [1, ...input.shape]) : input, unbatched };
}

/** A size argument as three numbers (one number, or a one-element list, for all three). */
function sized(v: Triple | readonly number[]): [number, number, number] {
  return typeof v !== "number" && v.length === 1 ? triple(v[0]!) : triple(v as Triple);
}

/**
 * PyTorch's checks of the size arguments' lengths (one or three numbers;
 * a stride may also be empty, meaning the kernel size), in its words for `op`.
 */
function checkSizeArguments(op: "max_pool3d" | "avg_pool3d", kernelSize: Triple, options: { stride?: Triple | null; padding?: Triple; dilation?: Triple }): void {
  const ok = (v: unknown, emptyOk = false) => typeof v === "number" || v === undefined || v === null || (Array.isArray(v) && (v.length === 1 || v.length === 3 || (emptyOk && v.length === 0)));
  const max = op === "max_pool3d";
  if (!ok(kernelSize)) throw new Error(max ? "max_pool3d: kernel_size must either be a single int, or a tuple of three ints" : "avg_pool3d: kernel_size must be a single int, or a tuple of three ints");
  if (!ok(options.stride, true)) throw new Error(max ? "max_pool3d: stride must either be omitted, a single int, or a tuple of three ints" : "avg_pool3d: stride must be omitted, a single number, or a tuple of three ints");
  if (!ok(options.padding)) throw new Error(max ? "max_pool3d: padding must either be a single int, or a tuple of three ints" : "avg_pool3d: padding must be a single int, or a tuple of three ints");
  if (max && !ok(options.dilation)) throw new Error("max_pool3d: dilation must be either a single int, or a tuple of three ints");
}

/** PyTorch 2.x's checks of a 3-d pool (pooling_output_shape per dim, then pool3d_shape_check) and its output size. */
function poolGeometry(input: { x: Tensor; unbatched: boolean }, kernelSize: Triple, options: Pool3dOptions, fnName: string, checkInputSize: boolean): PoolGeometry3d {
  const { x } = input;
  const kernel = sized(kernelSize), stride = sized(options.stride ?? kernelSize);
  const padding = sized(options.padding ?? 0), dilation = sized(options.dilation ?? 1);
  const sizes = x.shape.slice(2) as [number, number, number];
  const ceil = options.ceilMode ?? false;
  const out = sizes.map((n, d) => poolOutputSize(n, kernel[d]!, padding[d]!, stride[d]!, dilation[d]!, ceil)) as [number, number, number];
  const [kT, kH, kW] = kernel, [dT, dH, dW] = stride, [pT, pH, pW] = padding, [dilationT, dilationH, dilationW] = dilation;
  if (!(kT > 0 && kH > 0 && kW > 0)) throw new Error(`kernel size should be greater than zero, but got kT: ${kT} kH: ${kH} kW: ${kW}`);
  if (!(dT > 0 && dH > 0 && dW > 0)) throw new Error(`stride should be greater than zero, but got dT: ${dT} dH: ${dH} dW: ${dW}`);
  if (!(dilationT > 0 && dilationH > 0 && dilationW > 0)) {
    throw new Error(`dilation should be greater than zero, but got dilationT: ${dilationT} dilationH: ${dilationH} dilationW: ${dilationW}`);
  }
  const shape = input.unbatched ? x.shape.slice(1) : x.shape;
  const empty = shape.findIndex((s, i) => s === 0 && (input.unbatched || i > 0));
  if (empty >= 0) {
    // (PyTorch prints the size, 0, where it means the dim)
    throw new Error(`${fnName}: Expected input's non-batch dimensions to have positive length, but input has a shape of ${shapeStr(shape)} and non-batch dimension 0 has length zero!`);
  }
  const [iT, iH, iW] = sizes;
  if (checkInputSize && !(iT >= kT && iH >= kH && iW >= kW)) {
    throw new Error(`input image (T: ${iT} H: ${iH} W: ${iW}) smaller than kernel size (kT: ${kT} kH: ${kH} kW: ${kW})`);
  }
  // (PyTorch 2.x compares with half the kernel itself here, the effective one in pooling_output_shape)
  if (!(Math.trunc(kT / 2) >= pT && Math.trunc(kW / 2) >= pW && Math.trunc(kH / 2) >= pH)) {
    const e = (k: number, d: number) => (k - 1) * d + 1;
    throw new Error(`pad should be smaller than or equal to half of effective kernel size, but got padT: ${pT} padW: ${pW} padH: ${pH} effectiveKT: ${e(kT, dilationT)} effectiveKW: ${e(kW, dilationW)} effectiveKH: ${e(kH, dilationH)}`);
  }
  if (out.some((o) => o < 1)) {
    const C = x.shape[1]!;
    throw new Error(`Given input size: (${C}x${sizes.join("x")}). Calculated output size: (${C}x${out.join("x")}). Output size is too small`);
  }
  return { x, unbatched: input.unbatched, kernel, stride, padding, dilation, out };
}

/** Per output position along one dim: the first input position its window reads and the end of its reach (PyTorch's clipped start and end). */
function windowBounds(out: number, size: number, kernel: number, stride: number, pad: number, dilation: number): { start: Int32Array; end: Int32Array } {
  const start = new Int32Array(out), end = new Int32Array(out);
  for (let o = 0; o < out; o++) {
    let s = o * stride - pad;
    end[o] = Math.min(s + (kernel - 1) * dilation + 1, size);
    while (s < 0) s += dilation;
    start[o] = s;
  }
  return { start, end };
}

/**
 * `F.maxPool3d(input, kernelSize, { stride, padding, dilation, ceilMode, returnIndices })`:
 * the max of each window (padding never wins). Gradient goes to each window's
 * maximum (the first of equal ones; a NaN wins). With `returnIndices` it
 * returns `[values, indices]`.
 *
 * @example
 * const y = maxPool3d(torch.randn([1, 2, 4, 4, 4]), 2); // [1, 2, 2, 2, 2]
 */
export function maxPool3d(input: Tensor, kernelSize: Triple, options: MaxPool3dOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool3d(input: Tensor, kernelSize: Triple, options?: MaxPool3dOptions): Tensor;
export function maxPool3d(input: Tensor, kernelSize: Triple, options: MaxPool3dOptions = {}): Tensor | [Tensor, Tensor] {
  checkSizeArguments("max_pool3d", kernelSize, options);
  if (Array.isArray(options.stride) && options.stride.length === 0) options = { ...options, stride: null };
  const g = poolGeometry(poolInput(input, "max_pool3d", "max_pool3d_with_indices_cpu"), kernelSize, options, "max_pool3d_with_indices_out_cpu_template()", false);
  const [N, C, D, H, W] = g.x.shape as [number, number, number, number, number];
  const [oD, oH, oW] = g.out, [kd, kh, kw] = g.kernel, [sd, sh, sw] = g.stride, [pd, ph, pw] = g.padding, [dd, dh, dw] = g.dilation;
  const depth = windowBounds(oD, D, kd, sd, pd, dd), rows = windowBounds(oH, H, kh, sh, ph, dh), cols = windowBounds(oW, W, kw, sw, pw, dw);
  const noEmptyWindow = [depth, rows, cols].every((b) => b.start.every((v, i) => v < b.end[i]!));
  if (noEmptyWindow) {
    // a backend with a max_pool3d kernel
    const r = maxPool3dByKernel(g.x, { kernel: g.kernel, stride: g.stride, padding: g.padding, dilation: g.dilation }, g.out, options.returnIndices === true);
    if (r !== null) {
      const outShape = g.unbatched ? [C, oD, oH, oW] : [N, C, oD, oH, oW];
      return options.returnIndices === true ? [reshape(r[0], outShape), reshape(r[1]!, outShape)] : reshape(r[0], outShape);
    }
  }
  const planes = N * C, L2 = oH * oW;
  // each depth slice's 2-d window maxima and their positions h·W + w (the backend's kernel; no graph)
  const [maxima, at2d] = maxPool2d(reshape(g.x.detach(), [planes, D, H, W]), [kh, kw], {
    stride: [sh, sw], padding: [ph, pw], dilation: [dh, dw], ceilMode: options.ceilMode ?? false, returnIndices: true,
  });
  const values2d = contiguousData(maxima), index2d = contiguousData(at2d);
  const v = values2d.data as Float32Array | Float64Array, ix = index2d.data as Int32Array;
  // then over each window's depth slices in order: a larger value or a NaN takes over, which picks as
  // PyTorch's loop over depth, rows and columns does (the first maximum, the last NaN; the first element when all are -inf)
  const index = new Int32Array(planes * oD * L2), read = new Int32Array(planes * oD * L2);
  // a dilated window can lie wholly in the padding: PyTorch gives -inf there, with the index of its
  // (clipped) first position, which need not be in the input; it gets no gradient here
  let empty: Uint8Array | null = null;
  for (let p = 0, o = 0; p < planes; p++) {
    for (let i = 0; i < oD; i++) {
      for (let j = 0; j < L2; j++, o++) {
        const h = Math.floor(j / oW), w = j % oW;
        if (depth.start[i]! >= depth.end[i]! || rows.start[h]! >= rows.end[h]! || cols.start[w]! >= cols.end[w]!) {
          empty ??= new Uint8Array(planes * oD * L2);
          empty[o] = 1;
          index[o] = (depth.start[i]! * H + rows.start[h]!) * W + cols.start[w]!;
          continue;
        }
        let best = 0, at = -1;
        for (let z = depth.start[i]!; z < depth.end[i]!; z += dd) {
          const k = (p * D + z) * L2 + j, value = v[values2d.offset + k]!;
          if (at < 0 || value > best || Number.isNaN(value)) {
            best = value;
            at = z * H * W + ix[index2d.offset + k]!;
          }
        }
        index[o] = read[o] = at;
      }
    }
  }
  const indices = fromTypedArray(index, [planes, oD * L2]);
  const outShape = g.unbatched ? [C, oD, oH, oW] : [N, C, oD, oH, oW];
  let gathered = gather(reshape(g.x, [planes, D * H * W]), 1, fromTypedArray(read, [planes, oD * L2]));
  if (empty !== null) gathered = where(fromTypedArray(empty, [planes, oD * L2], { dtype: "bool" }), -Infinity, gathered);
  const values = reshape(gathered, outShape);
  return options.returnIndices === true ? [values, reshape(indices, outShape)] : values;
}

/** PyTorch's avg_pool3d divisors along one dim: each window's extent within the padded input, or within the input itself without `countIncludePad`. */
function windowCounts(out: number, size: number, kernel: number, stride: number, pad: number, includePad: boolean): number[] {
  return Array.from({ length: out }, (_, o) => {
    const start = o * stride - pad, end = Math.min(start + kernel, size + pad);
    return includePad ? end - start : Math.min(end, size) - Math.max(start, 0);
  });
}

/**
 * `F.avgPool3d(input, kernelSize, { stride, padding, ceilMode, countIncludePad = true, divisorOverride })`:
 * the mean of each window, the divisor counted as PyTorch counts it.
 *
 * @example
 * const y = avgPool3d(torch.randn([1, 2, 4, 4, 4]), 2); // [1, 2, 2, 2, 2]
 */
export function avgPool3d(input: Tensor, kernelSize: Triple, options: AvgPool3dOptions = {}): Tensor {
  checkSizeArguments("avg_pool3d", kernelSize, options);
  if (Array.isArray(options.stride) && options.stride.length === 0) options = { ...options, stride: null };
  const checked = poolInput(input, "avg_pool3d", "avg_pool3d_out_frame");
  if (options.divisorOverride === 0) throw new Error("divisor must be not zero (avg_pool3d)");
  const g = poolGeometry(checked, kernelSize, { stride: options.stride ?? null, padding: options.padding ?? 0, ceilMode: options.ceilMode ?? false }, "avg_pool3d()", true);
  const [N, C, D, H, W] = g.x.shape as [number, number, number, number, number];
  const [oD, oH, oW] = g.out, [kd, kh, kw] = g.kernel, [sd, sh, sw] = g.stride, [pd, ph, pw] = g.padding;
  const ceilMode = options.ceilMode ?? false;
  const outShape = g.unbatched ? [C, oD, oH, oW] : [N, C, oD, oH, oW];
  const includePad = options.countIncludePad ?? true;
  const [cd, ch, cw] = [[D, kd, sd, pd], [H, kh, sh, ph], [W, kw, sw, pw]].map(([n, k, s, p], d) => windowCounts(g.out[d]!, n!, k!, s!, p!, includePad)) as [number[], number[], number[]];
  const count = new Float64Array(oD * oH * oW);
  const override = options.divisorOverride;
  for (let i = 0, o = 0; i < oD; i++) for (let j = 0; j < oH; j++) for (let k = 0; k < oW; k++) count[o++] = override ?? cd[i]! * ch[j]! * cw[k]!;
  // one op where the backend has a kernel for it
  const pooled = avgPool3dByKernel(g.x, { kernel: g.kernel, stride: g.stride, padding: g.padding, dilation: [1, 1, 1] }, g.out, count);
  if (pooled !== null) return reshape(pooled, outShape);
  // window sums over height and width, then over depth
  const rows = avgPool2d(reshape(g.x, [N * C, D, H, W]), [kh, kw], { stride: [sh, sw], padding: [ph, pw], ceilMode, divisorOverride: 1 });
  const sums = avgPool2d(reshape(rows, [N * C, 1, D, oH * oW]), [kd, 1], { stride: [sd, 1], padding: [pd, 0], ceilMode, divisorOverride: 1 });
  if (override != null) return reshape(div(sums, override), outShape);
  const divisor = reshape(fromTypedArray(g.x.dtype === "float64" ? count : Float32Array.from(count)), [oD, oH * oW]);
  return reshape(div(sums, divisor), outShape);
}
