import type { TypedArray } from "../tensor/dtype.js";

/**
 * The backend seam: a small set of strided, destination-passing kernels.
 * The core allocates every output, checks shapes and dtypes, broadcasts
 * operands (stride 0) and promotes types before calling; kernels only loop.
 * Views never reach a backend: they are layouts over the same storage.
 * Backends never see gradients.
 */
export interface Strided {
  readonly data: TypedArray;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

export type UnaryOp =
  | "neg" | "abs" | "exp" | "log" | "sqrt" | "sin" | "cos" | "tanh" | "sigmoid"
  | "relu" | "sign" | "erf" | "floor" | "ceil" | "round" | "reciprocal" | "not"
  | "log1p" | "expm1" | "isnan"
  | "log2" | "log10" | "trunc" | "sinh" | "cosh" | "asin" | "acos" | "atan" | "asinh" | "acosh" | "atanh" | "erfinv";

export type BinaryOp =
  | "add" | "sub" | "mul" | "div" | "pow" | "maximum" | "minimum"
  | "eq" | "ne" | "lt" | "le" | "gt" | "ge" | "and" | "or"
  | "remainder" | "atan2" | "fmod" | "hypot" | "logaddexp" | "xlogy"
  /** ReLU's gradient (PyTorch's threshold_backward at 0): b <= 0 ? 0 : a, with a the gradient and b the ReLU's result. */
  | "threshold_backward"
  /** Python's floor division (PyTorch's div_floor): computed from fmod, so 1 // 0.1 is 9 where floor(1 / 0.1) is 10. */
  | "div_floor";

/** Whether a binary op compares (its result is bool). A switch, not a Set: it runs on every op, and a Set lookup hashes the name. */
export function isComparison(op: BinaryOp): boolean {
  switch (op) {
    case "eq": case "ne": case "lt": case "le": case "gt": case "ge": case "and": case "or":
      return true;
    default:
      return false;
  }
}

export type ReduceOp = "sum" | "prod" | "max" | "min";
export type ArgReduceOp = "max" | "min";

/** Geometry of a 2-d convolution or pooling window over NCHW input. */
export interface Conv2dGeometry {
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly padding: readonly [number, number];
  readonly dilation: readonly [number, number];
}

/** Output height and width of a convolution or pooling window over an H x W input. */
export function windowOutputSize(H: number, W: number, g: Conv2dGeometry): [number, number] {
  const [kh, kw] = g.kernel, [sh, sw] = g.stride, [ph, pw] = g.padding, [dh, dw] = g.dilation;
  return [Math.floor((H + 2 * ph - dh * (kh - 1) - 1) / sh) + 1, Math.floor((W + 2 * pw - dw * (kw - 1) - 1) / sw) + 1];
}

export interface Backend {
  readonly name: "reference" | "native";

  /** out[i] = a[i], converting dtype where they differ (bool: x != 0). */
  copy(out: Strided, a: Strided): void;
  fill(out: Strided, value: number): void;
  /** Same dtype in and out; `isnan` and `not` write bool. */
  unary(op: UnaryOp, out: Strided, a: Strided): void;
  /** a and b have out's shape (broadcast dims have stride 0) and one dtype; comparisons write bool. */
  binary(op: BinaryOp, out: Strided, a: Strided, b: Strided): void;
  /** out[i] = min(max(a[i], lo), hi); NaN bounds are skipped by the caller passing ±Infinity. */
  clamp(out: Strided, a: Strided, lo: number, hi: number): void;
  /** out has a's shape with each reduced axis of size 1. */
  reduce(op: ReduceOp, out: Strided, a: Strided, axes: readonly number[]): void;
  /** values/indices have a's shape with `axis` of size 1; first index wins at ties, NaN wins over numbers. */
  argReduce(op: ArgReduceOp, values: Strided | null, indices: Strided, a: Strided, axis: number): void;
  /** Batched matrix product: a [B, M, K] x b [B, K, N] -> out [B, M, N], any strides. */
  matmul(out: Strided, a: Strided, b: Strided): void;
  /** out = cond ? a : b; cond is bool; all of out's shape. */
  where(out: Strided, cond: Strided, a: Strided, b: Strided): void;
  /** out[..i..] = a[..index[..i..]..] along `axis`; index is int32 of out's shape. */
  gather(out: Strided, a: Strided, axis: number, index: Strided): void;
  /** out[..index[..i..]..] += src[..i..] along `axis`. */
  scatterAdd(out: Strided, axis: number, index: Strided, src: Strided): void;
  /** out = a.indexSelect(axis, index) for a 1-d int32 index. */
  indexSelect(out: Strided, a: Strided, axis: number, index: Strided): void;
  /** out.indexAdd_(axis, index, src) for a 1-d int32 index. */
  indexAdd(out: Strided, axis: number, index: Strided, src: Strided): void;
  /**
   * out.indexCopy_(axis, index, src) for a 1-d int32 index: src's positions
   * in row-major order, so where an index repeats the last write wins. `out`
   * may reach one element from several positions (advanced indexing folds
   * dims into one axis that way); the walk is sequential.
   */
  indexCopy(out: Strided, axis: number, index: Strided, src: Strided): void;
  /** Softmax (or logSoftmax) along the last axis of a contiguous [rows, n] view. */
  softmax(out: Strided, a: Strided, log: boolean): void;
  /** Unfold NCHW input into columns [N, C*kh*kw, oh*ow] (contiguous out); padding reads `padValue`. */
  im2col(out: Strided, a: Strided, g: Conv2dGeometry, padValue: number): void;
  /** The adjoint of im2col: adds columns back into a zeroed NCHW out. */
  col2im(out: Strided, cols: Strided, g: Conv2dGeometry): void;
  /**
   * conv2d forward with one group: out [N, O, oh, ow] = the product of
   * weight [O, C, kh, kw] with each zero-padded window of x [N, C, H, W],
   * plus bias [O] when given. All one dtype; any input strides; out's planes
   * are contiguous rows (strides [., ., ow, 1]) and disjoint.
   */
  conv2d(out: Strided, x: Strided, weight: Strided, bias: Strided | null, g: Conv2dGeometry): void;
  /**
   * max_pool2d forward: out [N, C, oh, ow] holds the max of each window of
   * x [N, C, H, W], padding never winning and NaN winning over numbers.
   * With `indices` (int32, out's shape) it is PyTorch's
   * max_pool2d_with_indices: each window is scanned in row-major order from
   * its first real element (the index when nothing beats -Infinity), a larger
   * value or a NaN takes over, and the index is h * W + w in the input plane.
   */
  maxPool2d(out: Strided, x: Strided, g: Conv2dGeometry, indices?: Strided | null): void;
  /**
   * max_pool2d backward: adds each element of grad [N, C, oh, ow] into
   * gradInput [N, C, H, W] (contiguous, zero-filled by the caller) at its
   * plane position from `indices` (int32, grad's shape, each in [0, H*W)).
   */
  maxPool2dBackward(gradInput: Strided, grad: Strided, indices: Strided): void;
  /**
   * Optional accelerator: the positions of `a`'s nonzero elements (NaN
   * counts, -0 does not) in row-major order, as a new int32 array laid out
   * by `layout`; null where the backend leaves the work to the core. `a`
   * has at least 1 dim.
   */
  nonzero?(a: Strided, layout: NonzeroLayout): Int32Array | null;
  /**
   * Optional accelerator: F.grid_sample's forward, out [N, C, ...] from
   * x [N, C, H, W] (or 5-d) at grid [N, ..., 2] (or 3), all contiguous and
   * of one float dtype, bit-equal to the core's loops (src/ops/grid-sampler.ts);
   * false where the backend leaves the work to them.
   */
  gridSample?(out: Strided, x: Strided, grid: Strided, mode: GridSampleMode, padding: GridSamplePadding, alignCorners: boolean): boolean;
  /**
   * Optional accelerator: gridSample's backward: adds the input's gradient
   * into `gx` (zero-filled; null when not needed) and writes the grid's into
   * `gg` (null when not needed) from the output gradient `g`, bit-equal to
   * the core's loops; false where the backend leaves the work to them.
   */
  gridSampleBackward?(
    gx: Strided | null, gg: Strided | null, g: Strided, x: Strided, grid: Strided,
    mode: GridSampleMode, padding: GridSamplePadding, alignCorners: boolean,
  ): boolean;
  /**
   * Optional accelerator: `out[p] = value` wherever the bool `mask` (out's
   * shape; a broadcast mask has 0 strides) is true, in place (masked_fill_,
   * and `x[mask] = scalar`). `value` is one out's dtype holds exactly; no
   * two elements of `out` share memory. false where the backend leaves the
   * work to the core.
   */
  maskedFill?(out: Strided, mask: Strided, value: number): boolean;
  /**
   * Optional accelerator: the storage offsets of an advanced index,
   * `out[p] = sum over k of wrap(sources[k][p]) * strides[k]` (wrap adds
   * sizes[k] to a negative index) for 1-d int32 sources of out's length.
   * true when done; false when some index is outside [-sizes[k], sizes[k])
   * (out is then unspecified); null where the backend leaves the work to the
   * core. The caller makes sure every offset fits an int32.
   */
  indexOffsets?(out: Int32Array, sources: readonly Strided[], sizes: readonly number[], strides: readonly number[]): boolean | null;
  /**
   * Optional accelerator: F.fractional_max_pool2d's forward once the windows
   * are placed: values and int32 indices [P, oH, oW] get the max of each
   * kH x kW window of x [P, H, W] (row-major scan, a larger value or a NaN
   * taking over) and its position h * W + w; window (h, w) of plane p starts
   * at startsH [P, oH] and startsW [P, oW] (int32). All contiguous, x and
   * values of one float dtype. false where the backend leaves the work to
   * the core.
   */
  fractionalMaxPool2d?(values: Strided, indices: Strided, x: Strided, startsH: Strided, startsW: Strided, kH: number, kW: number): boolean;
  /*
   * Optional 3-d accelerators (the core's loops and compositions in
   * src/ops/conv3d.ts, vol2col.ts, pool3d.ts and upsample-trilinear.ts are
   * their specification); each returns false where the backend leaves the
   * work to the core.
   */
  /** vol2col: x [N, C, D, H, W] -> out [N, C*kd*kh*kw, oD*oH*oW] (contiguous), zero padding. */
  vol2col?(out: Strided, x: Strided, g: Conv3dGeometry): boolean;
  /** col2vol, vol2col's adjoint: out [N, C, D, H, W] (contiguous, overwritten) = the columns summed back. */
  col2vol?(out: Strided, cols: Strided, g: Conv3dGeometry): boolean;
  /**
   * conv3d forward: out [N, O, oD, oH, oW] (contiguous) = weight
   * [O, C / groups, kd, kh, kw] times each zero-padded window of x, per group,
   * plus bias [O] when given; all one float dtype.
   */
  conv3d?(out: Strided, x: Strided, weight: Strided, bias: Strided | null, g: Conv3dGeometry, groups: number): boolean;
  /** conv3d's input gradient: gx [N, C, D, H, W] (contiguous, overwritten) = col2vol(weightᵀ · gout) per group; gout contiguous. */
  conv3dBackwardInput?(gx: Strided, gout: Strided, weight: Strided, g: Conv3dGeometry, groups: number): boolean;
  /** conv3d's weight gradient: gw [O, C / groups, kd, kh, kw] (contiguous, overwritten) = Σₙ gout · vol2col(x)ᵀ per group; gout contiguous. */
  conv3dBackwardWeight?(gw: Strided, gout: Strided, x: Strided, g: Conv3dGeometry, groups: number): boolean;
  /**
   * max_pool3d forward: out [N, C, oD, oH, oW] (contiguous; ceil mode's sizes
   * allowed) and, when given, indices (int32, out's shape) as PyTorch's
   * max_pool3d_with_indices finds them, (d·H + h)·W + w in each volume. No
   * window may lie wholly in the padding.
   */
  maxPool3d?(out: Strided, x: Strided, g: Conv3dGeometry, indices: Strided | null): boolean;
  /** F.interpolate(mode="trilinear") forward: x [N, C, D, H, W] -> out [N, C, ...] (contiguous), one source step per dim. */
  upsampleTrilinear?(out: Strided, x: Strided, scales: readonly [number, number, number], alignCorners: boolean): boolean;
  /** Its adjoint: g [N, C, mD, mH, mW] -> gx [N, C, D, H, W] (contiguous, overwritten). */
  upsampleTrilinearBackward?(gx: Strided, g: Strided, scales: readonly [number, number, number], alignCorners: boolean): boolean;
  /*
   * Adaptive 3-d pooling and max unpooling (the core's loops in
   * src/ops/adaptive-mean.ts, adaptive-pool3d.ts and max-unpool3d.ts are
   * their specification); each returns false where the backend leaves the
   * work to the core.
   */
  /** adaptive_avg_pool3d: x [N, C, D, H, W] -> out [N, C, oD, oH, oW] (contiguous), one mean pass per changed dim, rounded between passes. */
  adaptiveAvgPool3d?(out: Strided, x: Strided): boolean;
  /** Its adjoint: g [N, C, oD, oH, oW] -> gx [N, C, D, H, W] (contiguous, overwritten), the passes in reverse order. */
  adaptiveAvgPool3dBackward?(gx: Strided, g: Strided): boolean;
  /** adaptive_max_pool3d: values and int32 indices [N, C, oD, oH, oW] (contiguous) = each window's max of x and its d·H·W + h·W + w. */
  adaptiveMaxPool3d?(values: Strided, indices: Strided, x: Strided): boolean;
  /**
   * max_unpool3d: out [N, C, oD, oH, oW] (contiguous, overwritten) = zeros
   * with each x [N, C, d, h, w] value at its int32 index (indices: x's shape);
   * false where the backend leaves it to the core, else the last index outside
   * the volume (skipped), or null.
   */
  maxUnpool3d?(out: Strided, x: Strided, indices: Strided): false | number | null;
  /** Its gradient: gx [N, C, d, h, w] (contiguous, overwritten) = g [N, C, oD, oH, oW] read at indices (all valid). */
  maxUnpool3dBackward?(gx: Strided, g: Strided, indices: Strided): boolean;
  /**
   * The CTC loss's forward recursion (src/ops/ctc.ts's loops are its
   * specification): nll [N] and log α float64 [N, T, W] (both contiguous,
   * overwritten) for log-probabilities lp [T, N, C]; labels int32, the
   * targets' labels one item after another; targetLengths and inputLengths
   * int32 [N]. false where the backend leaves the work to the core.
   */
  ctcLossForward?(nll: Strided, alpha: Strided, lp: Strided, labels: Strided, targetLengths: Strided, inputLengths: Strided, blank: number): boolean;
  /** Its gradient: grad [T, N, C] (contiguous, overwritten) from the beta recursion times g [N]; zero past each input's length. */
  ctcLossBackward?(grad: Strided, g: Strided, lp: Strided, alpha: Strided, nll: Strided, labels: Strided, targetLengths: Strided, inputLengths: Strided,
    blank: number, zeroInfinity: boolean): boolean;
  /**
   * avg_pool3d: out [N, C, oD, oH, oW] (contiguous) = each window's sum over
   * the input's elements (zero padding) divided by divisors[o] (float64
   * [oD·oH·oW]); the geometry's dilation is 1. false where the backend
   * leaves the work to the core.
   */
  avgPool3d?(out: Strided, x: Strided, g: Conv3dGeometry, divisors: Strided): boolean;
  /** Its adjoint: gx [N, C, D, H, W] (contiguous, overwritten) = Σ over the windows holding each element of g[o] / divisors[o]. */
  avgPool3dBackward?(gx: Strided, g: Strided, geometry: Conv3dGeometry, divisors: Strided): boolean;
  /**
   * Optional accelerator: a generator's MT19937 words (src/ops/random.ts):
   * continues the 624-word state `mt` (updated in place) from position
   * `mti` (0..624), writes the next `count` tempered words into `out`, and
   * returns the position after them; null where the backend leaves the work
   * to the generator.
   */
  mtWords?(mt: Uint32Array, mti: number, out: Uint32Array, count: number): number | null;
  /**
   * Optional accelerator: PyTorch's normal_fill_16 in place over `values`
   * (a multiple of 16 uniforms): in each block of 16, for j < 8, radius =
   * sqrt(-2 log(1 - u[j])), theta = 2 pi u[j + 8], u[j] = radius cos(theta)
   * std + mean, u[j + 8] = radius sin(theta) std + mean; false where the
   * backend leaves the work to the generator. Within an ulp of the JS loop.
   */
  boxMuller16?(values: Float64Array, mean: number, std: number): boolean;
  /**
   * Optional accelerator: a piecewise-linear activation in one pass, out =
   * act(a) (same shape, one float dtype), the same bits as its composed
   * definition in src/nn/activation-nodes.ts / functional.ts (see
   * native/activations.c): leakyRelu(slope), hardtanh(lo, hi),
   * threshold(threshold, value), hardsigmoid, hardswish (p0, p1 unused
   * where not named). false where the backend leaves the work to the
   * composed ops.
   */
  activation?(op: ActivationOp, out: Strided, a: Strided, p0: number, p1: number): boolean;
  /**
   * Optional accelerator: layer normalisation of the rows of contiguous
   * [M, N] float arrays (src/nn/layer-norm-rows.ts's layerNormRows, the
   * same bits); false where the backend leaves the work to those loops.
   */
  layerNorm?(out: Float32Array | Float64Array, x: Float32Array | Float64Array, w: Float32Array | Float64Array | null, b: Float32Array | Float64Array | null,
    mean: Float64Array, rstd: Float64Array, M: number, N: number, eps: number): boolean;
  /** Its gradients (layerNormBackwardRows, the same bits); false where the backend leaves them to those loops. */
  layerNormBackward?(gx: Float32Array | Float64Array | null, gw: Float32Array | Float64Array | null, gb: Float32Array | Float64Array | null,
    g: Float32Array | Float64Array, x: Float32Array | Float64Array, w: Float32Array | Float64Array | null, mean: Float64Array, rstd: Float64Array, M: number, N: number): boolean;
  /**
   * Optional accelerator: batch normalisation per channel of contiguous
   * [N, C, S] float arrays (src/nn/batch-norm-channels.ts's
   * batchNormChannels, the same bits); false where the backend leaves the
   * work to those loops.
   */
  batchNorm?(out: Float32Array | Float64Array, x: Float32Array | Float64Array, w: Float32Array | Float64Array | null, b: Float32Array | Float64Array | null,
    mean: Float64Array, rstd: Float64Array, variance: Float64Array, N: number, C: number, S: number, eps: number, training: boolean): boolean;
  /**
   * Optional accelerator: softmax (y its output) or log_softmax (log, y =
   * exp(output)) gradients along contiguous [rows, n] float arrays
   * (src/ops/softmax-backward-rows.ts, the same bits); false where the
   * backend leaves the work to that loop.
   */
  softmaxBackward?(gx: Float32Array | Float64Array, g: Float32Array | Float64Array, y: Float32Array | Float64Array, rows: number, n: number, log: boolean): boolean;
  /** Its gradients (batchNormBackwardChannels, the same bits); false where the backend leaves them to those loops. */
  batchNormBackward?(gx: Float32Array | Float64Array | null, gw: Float32Array | Float64Array | null, gb: Float32Array | Float64Array | null,
    g: Float32Array | Float64Array, x: Float32Array | Float64Array, w: Float32Array | Float64Array | null, mean: Float64Array, rstd: Float64Array,
    N: number, C: number, S: number, training: boolean): boolean;
  /**
   * Optional accelerator: the order of each line of `a` (1..16 dims, any
   * dtype and strides) along `dim`, as the reference's stable sort gives it:
   * NaN above everything, -0 equal to 0, equal values in index order (also
   * when descending). Writes the first `out.shape[dim]` (<= a's) indices of
   * each line into the int32 `out` (a's shape otherwise); false where the
   * backend leaves the work to the core's comparator sort.
   */
  sortIndices?(out: Strided, a: Strided, dim: number, descending: boolean): boolean;
  /**
   * Optional accelerator: cumsum / cumprod of `a` (1..16 dims, any strides;
   * bool read as 0/1) along `dim` into `out` (a's shape; a's dtype, int32
   * for bool), accumulated in double and stored into out's dtype at each
   * step, as the core's loop does; false where the backend leaves the work
   * to that loop.
   */
  scan?(out: Strided, a: Strided, dim: number, op: "sum" | "prod"): boolean;
}

/** The activations Backend.activation computes in one pass. */
export type ActivationOp = "leakyRelu" | "hardtanh" | "threshold" | "hardsigmoid" | "hardswish";

/** gridSample's interpolation: bilinear (trilinear in 3-d), nearest or bicubic (2-d). */
export type GridSampleMode = "bilinear" | "nearest" | "bicubic";
/** gridSample's rule for positions outside the input. */
export type GridSamplePadding = "zeros" | "border" | "reflection";

/** How nonzero positions are laid out: "rows" [count, ndim] (nonzero()), "columns" [ndim, count] (as_tuple), "flat" row-major positions [count]. */
export type NonzeroLayout = "rows" | "columns" | "flat";

/** Geometry of a 3-d convolution or pooling window over NCDHW input, per dim (depth, height, width). */
export interface Conv3dGeometry {
  readonly kernel: readonly [number, number, number];
  readonly stride: readonly [number, number, number];
  readonly padding: readonly [number, number, number];
  readonly dilation: readonly [number, number, number];
}
