/**
 * conv2d forward by its definition, composed from a backend's im2col, matmul
 * and elementwise kernels: the reference backend's conv2d (so the
 * specification is "unfold, then multiply each window by the weight"), and
 * the native backend's for the shapes and dtypes its C kernel does not take.
 */
import type { Backend, Conv2dGeometry, Strided } from "../backend.js";
import type { TypedArray } from "../../tensor/dtype.js";
import { contiguousStrides, isContiguous } from "../../tensor/layout.js";

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
