/**
 * conv2d and max_pool2d forwards by their definitions, composed from a
 * backend's im2col, matmul, argReduce and elementwise kernels: the reference
 * backend's conv2d and maxPool2d (so the specification is "unfold, then
 * multiply or reduce each window"), and the native backend's for the dtypes
 * its C kernels do not take.
 */
import type { Backend, Conv2dGeometry, Strided } from "../backend.js";
import type { TypedArray } from "../../tensor/dtype.js";
import { contiguousStrides, isContiguous, numel } from "../../tensor/layout.js";

/** Bytes of window columns built at once (a few images per chunk). */
const CHUNK_BYTES = 4 << 20;

/** A zeroed array of a's type. */
function like(a: TypedArray, n: number): TypedArray {
  return new (a.constructor as new (n: number) => TypedArray)(n);
}

/** Column buffers up to this size are kept between calls: fresh memory costs a page fault per 4 KiB. */
const KEEP_BYTES = 16 << 20;
let kept: TypedArray | null = null;

/** An array of a's type with at least n elements (contents undefined), kept for the next call when small. */
function columnsScratch(a: TypedArray, n: number): TypedArray {
  if (kept !== null && kept.constructor === a.constructor && kept.length >= n) return kept;
  const fresh = like(a, n);
  if (fresh.byteLength <= KEEP_BYTES) kept = fresh;
  return fresh;
}

/** conv2d (one group) as im2col of a chunk of images, then weight [O, K] times each image's columns, then + bias. */
export function conv2dByColumns(k: Backend, out: Strided, x: Strided, weight: Strided, bias: Strided | null, g: Conv2dGeometry): void {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [O, , kh, kw] = weight.shape as [number, number, number, number];
  const [, , oh, ow] = out.shape as [number, number, number, number];
  const K = C * kh * kw, L = oh * ow;
  if (N === 0 || O === 0 || L === 0) return;
  // the weight as a contiguous [O, K] matrix (a copy only when it is not one already)
  let w = weight;
  if (!isContiguous(weight)) {
    w = { data: like(weight.data, O * K), shape: weight.shape, strides: contiguousStrides(weight.shape), offset: 0 };
    k.copy(w, weight);
  }
  const per = Math.max(1, Math.min(N, Math.floor(CHUNK_BYTES / Math.max(1, K * L * x.data.BYTES_PER_ELEMENT))));
  const cols = columnsScratch(x.data, per * K * L);
  for (let n0 = 0; n0 < N; n0 += per) {
    const nb = Math.min(per, N - n0);
    const cs: Strided = { data: cols, shape: [nb, K, L], strides: [K * L, L, 1], offset: 0 };
    k.im2col(cs, { data: x.data, shape: [nb, C, H, W], strides: x.strides, offset: x.offset + n0 * x.strides[0]! }, g, 0);
    k.matmul(
      { data: out.data, shape: [nb, O, L], strides: [out.strides[0]!, out.strides[1]!, 1], offset: out.offset + n0 * out.strides[0]! },
      { data: w.data, shape: [nb, O, K], strides: [0, K, 1], offset: w.offset },
      cs,
    );
  }
  if (bias !== null) {
    // in place: out += bias broadcast over [N, O, L]
    const o3: Strided = { data: out.data, shape: [N, O, L], strides: [out.strides[0]!, out.strides[1]!, 1], offset: out.offset };
    k.binary("add", o3, o3, { data: bias.data, shape: [N, O, L], strides: [0, bias.strides[0]!, 0], offset: bias.offset });
  }
}

/** max_pool2d values, image by image: each channel unfolded as its own image (-Infinity padding), then an argmax per window. */
export function maxPool2dByColumns(k: Backend, out: Strided, x: Strided, g: Conv2dGeometry): void {
  if (numel(out.shape) === 0) return;
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [, , oh, ow] = out.shape as [number, number, number, number];
  const KK = g.kernel[0] * g.kernel[1], L = oh * ow;
  const cols: Strided = { data: like(x.data, C * KK * L), shape: [C, KK, L], strides: [KK * L, L, 1], offset: 0 };
  const values: Strided = { data: like(x.data, C * L), shape: [C, 1, L], strides: [L, L, 1], offset: 0 };
  const indices: Strided = { data: new Int32Array(C * L), shape: [C, 1, L], strides: [L, L, 1], offset: 0 };
  for (let n = 0; n < N; n++) {
    const [, sc, sh, sw] = x.strides as [number, number, number, number];
    k.im2col(cols, { data: x.data, shape: [C, 1, H, W], strides: [sc, 0, sh, sw], offset: x.offset + n * x.strides[0]! }, g, -Infinity);
    k.argReduce("max", values, indices, cols, 1);
    const [, oc, oy, ox] = out.strides as [number, number, number, number];
    k.copy({ data: out.data, shape: [C, oh, ow], strides: [oc, oy, ox], offset: out.offset + n * out.strides[0]! },
      { data: values.data, shape: [C, oh, ow], strides: [L, ow, 1], offset: 0 });
  }
}
