import type { Conv2dGeometry, Strided } from "../backend.js";
import type { TypedArray } from "../../tensor/dtype.js";

type Floats = Float32Array | Float64Array;

/**
 * The raw functions of build/Release/torchlet_native.node (sources in
 * native/). Every function checks its arguments in C before touching memory
 * and throws an Error naming the kernel on any violation. Ops are indexes
 * into (or names from) `unaryOps`, `binaryOps` and `reduceOps`.
 */
export interface NativeAddon {
  /** Kernel names; an index is the `kernel` argument of `call`. */
  readonly kernels: readonly string[];
  /**
   * The packed form of every kernel below, checked by the same code but
   * without reading JS objects: `meta` is [nscalars, scalars..., nops, then
   * per operand ndim (-1: absent), shape..., strides..., offset]; `data` are
   * the operands' typed arrays in order. The scalars are the plain form's
   * non-operand arguments in order (axes and geometries flattened; booleans 0/1).
   */
  call(kernel: number, meta: Float64Array, ...data: (TypedArray | null)[]): void;
  readonly unaryOps: readonly string[];
  readonly binaryOps: readonly string[];
  readonly reduceOps: readonly string[];

  copy(out: Strided, a: Strided): void;
  fill(out: Strided, value: number): void;
  unary(op: number | string, out: Strided, a: Strided): void;
  binary(op: number | string, out: Strided, a: Strided, b: Strided): void;
  clamp(out: Strided, a: Strided, lo: number, hi: number): void;
  where(out: Strided, cond: Strided, a: Strided, b: Strided): void;
  reduce(op: number | string, out: Strided, a: Strided, axes: readonly number[]): void;
  /** op: "max" | "min" (or 0 | 1) */
  argReduce(op: number | string, values: Strided | null, indices: Strided, a: Strided, axis: number): void;
  softmax(out: Strided, a: Strided, log: boolean): void;
  matmul(out: Strided, a: Strided, b: Strided): void;
  gather(out: Strided, a: Strided, axis: number, index: Strided): void;
  scatterAdd(out: Strided, axis: number, index: Strided, src: Strided): void;
  indexSelect(out: Strided, a: Strided, axis: number, index: Strided): void;
  indexAdd(out: Strided, axis: number, index: Strided, src: Strided): void;
  /** native/advindex.c: out.indexCopy_(axis, index, src), sequential (the last repeated index wins); plain form only. */
  indexCopy(out: Strided, axis: number, index: Strided, src: Strided): void;
  /** native/nonzero.c: how many elements of `a` (at least 1 dim) are nonzero; plain form only. */
  nonzeroCount?(a: Strided): number;
  /** native/nonzero.c: writes a's nonzero positions into the 1-d int32 `out` (exactly as many as they need); layout 0 rows, 1 columns, 2 flat. */
  nonzero?(out: Strided, a: Strided, layout: number): void;
  /** native/grid-sample.c: F.grid_sample's forward; mode 0 bilinear, 1 nearest, 2 bicubic; padding 0 zeros, 1 border, 2 reflection; plain form only. */
  gridSample?(out: Strided, x: Strided, grid: Strided, mode: number, padding: number, alignCorners: number): void;
  /** native/grid-sample.c: its backward into gx (zero-filled) and gg, either null when not needed; plain form only. */
  gridSampleBackward?(gx: Strided | null, gg: Strided | null, g: Strided, x: Strided, grid: Strided, mode: number, padding: number, alignCorners: number): void;
  /** native/masked-fill.c: out[p] = value where the bool mask (out's shape) is true, in place; value exact in out's dtype; plain form only. */
  maskedFill?(out: Strided, mask: Strided, value: number): void;
  /** native/index-offsets.c: out[p] = sum of wrap(sources[k][p]) * strides[k] (1-d int32 operands of out's length); false when an index is out of range. */
  indexOffsets?(out: Strided, sources: readonly Strided[], sizes: readonly number[], strides: readonly number[]): boolean;
  /** native/fractional-max-pool.c: the max (and its h * W + w) of each kH x kW window of x [P, H, W] starting at startsH [P, oH] / startsW [P, oW]. */
  fractionalMaxPool2d?(values: Strided, indices: Strided, x: Strided, startsH: Strided, startsW: Strided, kH: number, kW: number): void;
  /* 3-d kernels, plain form only; geometry: [kd, kh, kw, sd, sh, sw, pd, ph, pw, dd, dh, dw] */
  /** native/vol3d.c: x [N, C, D, H, W] -> out [N, C*kd*kh*kw, oD*oH*oW] (contiguous). */
  vol2col?(out: Strided, x: Strided, geometry: readonly number[]): void;
  /** native/vol3d.c: vol2col's adjoint into out [N, C, D, H, W] (contiguous, overwritten). */
  col2vol?(out: Strided, cols: Strided, geometry: readonly number[]): void;
  /** native/vol3d.c: conv3d forward; weight contiguous, out contiguous. */
  conv3d?(out: Strided, x: Strided, weight: Strided, bias: Strided | null, geometry: readonly number[], groups: number): void;
  /** native/vol3d.c: conv3d's input gradient into gx (contiguous, overwritten); gout and weight contiguous. */
  conv3dBackwardInput?(gx: Strided, gout: Strided, weight: Strided, geometry: readonly number[], groups: number): void;
  /** native/vol3d.c: conv3d's weight gradient into gw (contiguous, overwritten); gout contiguous. */
  conv3dBackwardWeight?(gw: Strided, gout: Strided, x: Strided, geometry: readonly number[], groups: number): void;
  /** native/maxpool3d.c: max_pool3d forward with (or without) int32 indices. */
  maxPool3d?(out: Strided, x: Strided, indices: Strided | null, geometry: readonly number[]): void;
  /** native/upsample3d.c: trilinear forward; scales are the source steps per dim. */
  upsampleTrilinear?(out: Strided, x: Strided, scales: readonly number[], alignCorners: number): void;
  /** native/upsample3d.c: its adjoint into gx (contiguous, overwritten). */
  upsampleTrilinearBackward?(gx: Strided, g: Strided, scales: readonly number[], alignCorners: number): void;
  /** native/adaptive-pool3d.c: adaptive_avg_pool3d forward (out contiguous). */
  adaptiveAvgPool3d?(out: Strided, x: Strided): void;
  /** native/adaptive-pool3d.c: its adjoint into gx (contiguous, overwritten). */
  adaptiveAvgPool3dBackward?(gx: Strided, g: Strided): void;
  /** native/adaptive-pool3d.c: adaptive_max_pool3d values and int32 indices (contiguous). */
  adaptiveMaxPool3d?(values: Strided, indices: Strided, x: Strided): void;
  /** native/max-unpool3d.c: max_unpool3d into out (contiguous, overwritten); the last invalid index or null. */
  maxUnpool3d?(out: Strided, x: Strided, indices: Strided): number | null;
  /** native/max-unpool3d.c: its gradient into gx (contiguous, overwritten); throws on an index outside the volume. */
  maxUnpool3dBackward?(gx: Strided, g: Strided, indices: Strided): void;
  /** native/ctc.c: the CTC forward recursion into nll and alpha (contiguous). */
  ctcLossForward?(nll: Strided, alpha: Strided, lp: Strided, labels: Strided, targetLengths: Strided, inputLengths: Strided, blank: number): void;
  /** native/ctc.c: the CTC gradient into grad (contiguous, overwritten). */
  ctcLossBackward?(grad: Strided, g: Strided, lp: Strided, alpha: Strided, nll: Strided, labels: Strided, targetLengths: Strided, inputLengths: Strided,
    blank: number, zeroInfinity: number): void;
  /** native/avg-pool3d.c: avg_pool3d forward with per-window divisors (float64). */
  avgPool3d?(out: Strided, x: Strided, geometry: readonly number[], divisors: Strided): void;
  /** native/avg-pool3d.c: its adjoint into gx (contiguous, overwritten). */
  avgPool3dBackward?(gx: Strided, g: Strided, geometry: readonly number[], divisors: Strided): void;
  /** native/random.c: the next `count` MT19937 words of state `mt` (624 words, updated) from position `mti` into `out`; returns the new position. */
  mtWords?(mt: Uint32Array, mti: number, out: Uint32Array, count: number): number;
  /** native/box-muller.c: normal_fill_16 in place over `values` (a multiple of 16 uniforms). */
  boxMuller16?(values: Float64Array, mean: number, std: number): void;
  /** native/layer-norm.c: layer normalisation of the rows of contiguous [M, N] arrays (src/nn/layer-norm-rows.ts's loops). */
  layerNorm?(out: Floats, x: Floats, w: Floats | null, b: Floats | null, mean: Float64Array, rstd: Float64Array, M: number, N: number, eps: number): void;
  /** native/layer-norm.c: its gradients (each output may be null). */
  layerNormBackward?(gx: Floats | null, gw: Floats | null, gb: Floats | null, g: Floats, x: Floats, w: Floats | null, mean: Float64Array, rstd: Float64Array, M: number, N: number): void;
  /** native/batch-norm.c: batch normalisation per channel of contiguous [N, C, S] arrays (src/nn/batch-norm-channels.ts's loops). */
  batchNorm?(out: Floats, x: Floats, w: Floats | null, b: Floats | null, mean: Float64Array, rstd: Float64Array, variance: Float64Array,
    N: number, C: number, S: number, eps: number, training: boolean): void;
  /** native/softmax-backward.c: softmax / log_softmax gradients along contiguous rows (src/ops/softmax-backward-rows.ts's loop). */
  softmaxBackward?(gx: Floats, g: Floats, y: Floats, rows: number, n: number, log: boolean): void;
  /** native/batch-norm.c: its gradients (each output may be null). */
  batchNormBackward?(gx: Floats | null, gw: Floats | null, gb: Floats | null, g: Floats, x: Floats, w: Floats | null, mean: Float64Array, rstd: Float64Array,
    N: number, C: number, S: number, training: boolean): void;
  /** native/sort.c: the first out.shape[dim] indices of each line of `a` along `dim` in the reference's stable order into the int32 `out`. */
  sortIndices?(out: Strided, a: Strided, dim: number, descending: number): void;
  /** native/scan.c: running sums (op 0) or products (op 1) of `a` along `dim` into `out`, in double, stored per step. */
  scan?(out: Strided, a: Strided, dim: number, op: number): void;
  im2col(out: Strided, a: Strided, g: Conv2dGeometry, padValue: number): void;
  col2im(out: Strided, cols: Strided, g: Conv2dGeometry): void;
  /** out [N, O, oh, ow] = conv of x with weight (+ bias); float32/float64; out's planes contiguous. */
  conv2d(out: Strided, x: Strided, weight: Strided, bias: Strided | null, g: Conv2dGeometry): void;
  /** out [N, C, oh, ow] = max of each window of x; float32/float64. */
  maxPool2d(out: Strided, x: Strided, g: Conv2dGeometry, indices?: Strided | null): void;
  maxPool2dBackward(gradInput: Strided, grad: Strided, indices: Strided): void;

  /** See optim.ts for the formulas; flags: 1 nesterov, 2 maximize, 4 first step. */
  sgdStep(
    param: Float32Array | Float64Array, grad: Float32Array | Float64Array, buf: Float32Array | Float64Array | null,
    lr: number, momentum: number, dampening: number, weightDecay: number, flags: number,
  ): void;
  /** See optim.ts for the formulas; flags: 1 amsgrad, 2 maximize, 4 decoupled weight decay (AdamW). */
  adamStep(
    param: Float32Array | Float64Array, grad: Float32Array | Float64Array,
    m: Float32Array | Float64Array, v: Float32Array | Float64Array, vmax: Float32Array | Float64Array | null,
    lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, step: number, flags: number,
  ): void;

  /** The pool size; with an argument, sets it first (1..64). */
  numThreads(n?: number): number;

  /**
   * The caching allocator (native/alloc.cc): an ArrayBuffer of exactly
   * `byteLength` bytes (an integer >= 1), 64-byte aligned, whose block returns
   * to a size-bucketed pool when V8 frees the buffer. `zeroFill` false leaves
   * the contents undefined. `tracked`: counted by memoryCounts() while alive.
   */
  allocate(byteLength: number, zeroFill: boolean, tracked?: boolean): ArrayBuffer;
  /** `[liveBytes, liveBlocks, peakBytes]` of the tracked buffers (exact byte lengths); `resetPeak` restarts the peak first. */
  memoryCounts(resetPeak?: boolean): [number, number, number];
  /** The allocator's counters. */
  allocStats(): AllocStats;
  /** Frees every cached block (like torch.cuda.empty_cache()); returns the bytes freed. */
  emptyCache(): number;
}

/** Counters of the caching allocator; byte counts are of rounded size classes. */
export interface AllocStats {
  /** allocations served from the pool */
  readonly hits: number;
  /** allocations that went to the system allocator */
  readonly misses: number;
  /** blocks V8 gave back (its deleter ran) */
  readonly returns: number;
  /** blocks freed to the system (above the cap, or by emptyCache) */
  readonly releases: number;
  readonly cachedBytes: number;
  readonly cachedBlocks: number;
  /** bytes of blocks that ArrayBuffers still hold */
  readonly liveBytes: number;
  /** the most the pool keeps cached: min(1 GiB, RAM / 8) */
  readonly capBytes: number;
}
