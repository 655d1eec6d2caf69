// The native entry points of adaptive 3-d pooling and max unpooling
// (adaptiveAvgPool3d, adaptiveAvgPool3dBackward, adaptiveMaxPool3d,
// maxUnpool3d, maxUnpool3dBackward) check every argument in C before
// touching memory: each bad call throws an Error naming the kernel, the
// process carries on, and the outputs (filled with 7, a guard element after
// each) stay untouched.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Strided } from "../src/backend/backend.js";
import { loadNativeBackend, nativeAddon, type NativeAddon } from "../src/backend/native/load.js";
import type { TypedArray } from "../src/tensor/dtype.js";
import { S } from "./strided.js";
import { rejects } from "./native-rejects.js";

const addon = nativeAddon();
const skip = addon === null || typeof addon.adaptiveAvgPool3d !== "function" ? `the native addon (with its adaptive 3-d pools) is not available (${loadNativeBackend().error})` : false;

type Req<T> = { [K in keyof T]-?: NonNullable<T[K]> };
const c = () => addon as Req<NativeAddon>;
const n = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
/** A contiguous operand filled with 7, with one guard element after it. */
const f32 = (shape: number[]) => S(new Float32Array(n(shape) + 1).fill(7), shape);
const f64 = (shape: number[]) => S(new Float64Array(n(shape) + 1).fill(7), shape);
const i32 = (shape: number[], fill = 0) => S(new Int32Array(n(shape) + 1).fill(fill).fill(7, n(shape)), shape);
const untouched = (...ts: Strided[]) => ts.forEach((t) => assert.ok(Array.from(t.data as ArrayLike<number>).every((v) => v === 7), "the output is untouched"));

/** Runs a refused call on fresh outputs (made by `outs`) and checks they stay untouched. */
function refuses(kernel: string, what: RegExp, outs: () => Strided[], call: (...o: Strided[]) => void): void {
  const o = outs();
  rejects(kernel, what, () => call(...o));
  untouched(...o);
}

test("adaptiveAvgPool3d and its backward refuse wrong shapes, strides, dtypes and argument counts", { skip }, () => {
  const x = f32([2, 3, 5, 4, 6]);
  const ok = f32([2, 3, 2, 3, 4]);
  c().adaptiveAvgPool3d(ok, x);
  assert.equal(ok.data[ok.data.length - 1], 7, "the guard after out is untouched");
  const fwd = c().adaptiveAvgPool3d, bwd = c().adaptiveAvgPool3dBackward;
  refuses("adaptiveAvgPool3d", /must both be \[N, C, D, H, W\] of the same N and C/, () => [f32([2, 4, 2, 3, 4])], (o) => fwd(o, x));
  refuses("adaptiveAvgPool3d", /must both be \[N, C, D, H, W\]/, () => [f32([2, 3, 2, 3])], (o) => fwd(o, x));
  refuses("adaptiveAvgPool3d", /must both be \[N, C, D, H, W\]/, () => [f32([2, 3, 2, 3, 4])], (o) => fwd(o, f32([2, 3, 5, 4])));
  refuses("adaptiveAvgPool3d", /out must be contiguous/, () => [S(new Float32Array(200).fill(7), [2, 3, 2, 3, 4], [72, 24, 12, 1, 3])], (o) => fwd(o, x));
  refuses("adaptiveAvgPool3d", /dtype|float64/, () => [f64([2, 3, 2, 3, 4])], (o) => fwd(o, x));
  refuses("adaptiveAvgPool3d", /x must be float32 or float64|float/, () => [f32([2, 3, 2, 3, 4])], (o) => fwd(o, S(new Int32Array(720), [2, 3, 5, 4, 6])));
  refuses("adaptiveAvgPool3d", /x .*reaches elements .* outside its data/, () => [f32([2, 3, 2, 3, 4])], (o) => fwd(o, S(new Float32Array(100), [2, 3, 5, 4, 6])));
  refuses("adaptiveAvgPool3d", /an empty input dim 3 cannot fill cells/, () => [f32([2, 3, 2, 3, 4])], (o) => fwd(o, f32([2, 3, 5, 0, 6])));
  refuses("adaptiveAvgPool3d", /expected 2 arguments/, () => [f32([2, 3, 2, 3, 4])], (o) => (fwd as (a: Strided) => void)(o));
  refuses("adaptiveAvgPool3d", /x\.data must be/, () => [f32([2, 3, 2, 3, 4])], (o) => fwd(o, { ...x, data: [1, 2] as unknown as TypedArray }));
  const g = f32([2, 3, 2, 3, 4]);
  const gx = f32([2, 3, 5, 4, 6]);
  bwd(gx, g);
  assert.equal(gx.data[gx.data.length - 1], 7, "the guard after gx is untouched");
  refuses("adaptiveAvgPool3dBackward", /must both be \[N, C, D, H, W\] of the same N and C/, () => [f32([1, 3, 5, 4, 6])], (o) => bwd(o, g));
  refuses("adaptiveAvgPool3dBackward", /gx must be contiguous/, () => [S(new Float32Array(400).fill(7), [2, 3, 5, 4, 6], [120, 40, 1, 5, 20])], (o) => bwd(o, g));
  refuses("adaptiveAvgPool3dBackward", /dtype|float32/, () => [f32([2, 3, 5, 4, 6])], (o) => bwd(o, f64([2, 3, 2, 3, 4])));
  refuses("adaptiveAvgPool3dBackward", /an empty input dim 2 cannot fill cells/, () => [f32([2, 3, 0, 4, 6])], (o) => bwd(o, g));
  refuses("adaptiveAvgPool3dBackward", /g must be a strided object/, () => [f32([2, 3, 5, 4, 6])], (o) => bwd(o, null as unknown as Strided));
});

test("adaptiveMaxPool3d refuses wrong shapes, strides and dtypes of values, indices and x", { skip }, () => {
  const x = f64([1, 2, 5, 4, 6]);
  const v = f64([1, 2, 2, 2, 2]), ix = i32([1, 2, 2, 2, 2], 7);
  c().adaptiveMaxPool3d(v, ix, x);
  assert.equal(v.data[v.data.length - 1], 7);
  assert.equal(ix.data[ix.data.length - 1], 7);
  const mp = c().adaptiveMaxPool3d;
  const outs = () => [f64([1, 2, 2, 2, 2]), i32([1, 2, 2, 2, 2], 7)];
  refuses("adaptiveMaxPool3d", /indices must have shape|indices.*shape/, () => [f64([1, 2, 2, 2, 2]), i32([1, 2, 2, 2, 3], 7)], (a, b) => mp(a, b, x));
  refuses("adaptiveMaxPool3d", /indices.*int32|dtype/, () => [f64([1, 2, 2, 2, 2]), f64([1, 2, 2, 2, 2])], (a, b) => mp(a, b, x));
  refuses("adaptiveMaxPool3d", /values and indices must be contiguous/, () => [S(new Float64Array(40).fill(7), [1, 2, 2, 2, 2], [8, 4, 1, 2, 4]), i32([1, 2, 2, 2, 2], 7)], (a, b) => mp(a, b, x));
  refuses("adaptiveMaxPool3d", /values and indices must be contiguous/, () => [f64([1, 2, 2, 2, 2]), S(new Int32Array(40).fill(7), [1, 2, 2, 2, 2], [8, 4, 1, 2, 4])], (a, b) => mp(a, b, x));
  refuses("adaptiveMaxPool3d", /must both be \[N, C, D, H, W\] of the same N and C/, outs, (a, b) => mp(a, b, f64([1, 3, 5, 4, 6])));
  refuses("adaptiveMaxPool3d", /dtype|float32/, outs, (a, b) => mp(a, b, f32([1, 2, 5, 4, 6])));
  refuses("adaptiveMaxPool3d", /expected 3 arguments \(values, indices, x\)/, outs, (a, b) => (mp as (p: Strided, q: Strided) => void)(a, b));
  refuses("adaptiveMaxPool3d", /x .*outside its data/, outs, (a, b) => mp(a, b, S(new Float64Array(239), [1, 2, 5, 4, 6])));
});

test("maxUnpool3d and its backward refuse wrong shapes, strides, dtypes and (backward) indices outside the volume", { skip }, () => {
  const x = f32([1, 2, 2, 2, 2]), idx = i32([1, 2, 2, 2, 2], 3);
  const out = f32([1, 2, 4, 4, 4]);
  assert.equal(c().maxUnpool3d(out, x, idx), null);
  assert.equal(out.data[out.data.length - 1], 7);
  const fwd = c().maxUnpool3d, bwd = c().maxUnpool3dBackward;
  const outs = () => [f32([1, 2, 4, 4, 4])];
  refuses("maxUnpool3d", /indices must have shape|indices.*shape/, outs, (o) => fwd(o, x, i32([1, 2, 2, 2, 3])));
  refuses("maxUnpool3d", /indices.*int32|dtype/, outs, (o) => fwd(o, x, f32([1, 2, 2, 2, 2])));
  refuses("maxUnpool3d", /must both be \[N, C, D, H, W\] of the same N and C/, () => [f32([1, 3, 4, 4, 4])], (o) => fwd(o, x, idx));
  refuses("maxUnpool3d", /out must be contiguous/, () => [S(new Float32Array(200).fill(7), [1, 2, 4, 4, 4], [128, 64, 1, 4, 16])], (o) => fwd(o, x, idx));
  refuses("maxUnpool3d", /dtype|float64/, () => [f64([1, 2, 4, 4, 4])], (o) => fwd(o, x, idx));
  refuses("maxUnpool3d", /indices .*outside its data/, outs, (o) => fwd(o, x, S(new Int32Array(10), [1, 2, 2, 2, 2])));
  refuses("maxUnpool3d", /expected 3 arguments/, outs, (o) => (fwd as unknown as (a: Strided, b: Strided) => void)(o, x));
  // an index outside the volume is data, not an argument: reported back (the op throws PyTorch's error)
  const o2 = f32([1, 2, 4, 4, 4]);
  const bad = i32([1, 2, 2, 2, 2], 1);
  bad.data[5] = 64;
  bad.data[9] = -2;
  assert.equal(c().maxUnpool3d(o2, x, bad), -2);
  const g = f32([1, 2, 4, 4, 4]);
  const gx = f32([1, 2, 2, 2, 2]);
  bwd(gx, g, idx);
  assert.equal(gx.data[gx.data.length - 1], 7);
  const gouts = () => [f32([1, 2, 2, 2, 2])];
  refuses("maxUnpool3dBackward", /index 64 is outside the output volume of 64 elements/, gouts, (o) => bwd(o, g, bad));
  refuses("maxUnpool3dBackward", /indices must have shape|indices.*shape/, gouts, (o) => bwd(o, g, i32([1, 2, 2, 2, 1])));
  refuses("maxUnpool3dBackward", /gx must be contiguous/, () => [S(new Float32Array(40).fill(7), [1, 2, 2, 2, 2], [16, 8, 1, 2, 4])], (o) => bwd(o, g, idx));
  refuses("maxUnpool3dBackward", /must both be \[N, C, D, H, W\]/, gouts, (o) => bwd(o, f32([1, 2, 64]), idx));
  refuses("maxUnpool3dBackward", /dtype|float32/, gouts, (o) => bwd(o, f64([1, 2, 4, 4, 4]), idx));
});

test("avgPool3d and its backward refuse wrong shapes, strides, dtypes, geometries and divisors", { skip }, () => {
  const geom = (k = 2, s = 2, p = 0, d = 1) => [k, k, k, s, s, s, p, p, p, d, d, d];
  const x = f32([1, 2, 4, 4, 4]), div = S(new Float64Array(8).fill(8), [8]);
  const ok = f32([1, 2, 2, 2, 2]);
  c().avgPool3d(ok, x, geom(), div);
  assert.equal(ok.data[16], 7, "the guard after out is untouched");
  assert.equal(ok.data[0], 7 * 8 / 8);
  const fwd = c().avgPool3d, bwd = c().avgPool3dBackward;
  const outs = () => [f32([1, 2, 2, 2, 2])];
  refuses("avgPool3d", /does not fit input .* along dim 2/, () => [f32([1, 2, 3, 2, 2])], (o) => fwd(o, x, geom(), S(new Float64Array(12), [12])));
  refuses("avgPool3d", /divisors must be a contiguous float64 vector of 8 elements/, outs, (o) => fwd(o, x, geom(), S(new Float64Array(7), [7])));
  refuses("avgPool3d", /divisors.*float64|dtype/, outs, (o) => fwd(o, x, geom(), S(new Float32Array(8), [8])));
  refuses("avgPool3d", /dilation must be 1/, outs, (o) => fwd(o, x, geom(2, 2, 0, 2), div));
  refuses("avgPool3d", /stride\[0\] = 0 is out of range/, outs, (o) => fwd(o, x, geom(2, 0), div));
  refuses("avgPool3d", /out must be contiguous/, () => [S(new Float32Array(40).fill(7), [1, 2, 2, 2, 2], [8, 4, 1, 2, 4])], (o) => fwd(o, x, geom(), div));
  refuses("avgPool3d", /must be \[N, C, D, H, W\] and \[N, C, oD, oH, oW\]/, () => [f32([1, 3, 2, 2, 2])], (o) => fwd(o, x, geom(), div));
  refuses("avgPool3d", /dtype|float64/, () => [f64([1, 2, 2, 2, 2])], (o) => fwd(o, x, geom(), div));
  refuses("avgPool3d", /geometry must be an array of 12/, outs, (o) => fwd(o, x, [2, 2, 2], div));
  refuses("avgPool3d", /expected 4 arguments/, outs, (o) => (fwd as unknown as (a: Strided, b: Strided) => void)(o, x));
  const gx = f32([1, 2, 4, 4, 4]);
  bwd(gx, ok, geom(), div);
  assert.equal(gx.data[128], 7, "the guard after gx is untouched");
  const gouts = () => [f32([1, 2, 4, 4, 4])];
  refuses("avgPool3dBackward", /gx must be contiguous/, () => [S(new Float32Array(200).fill(7), [1, 2, 4, 4, 4], [128, 64, 1, 4, 16])], (o) => bwd(o, ok, geom(), div));
  refuses("avgPool3dBackward", /does not fit input/, gouts, (o) => bwd(o, f32([1, 2, 1, 2, 2]), geom(), S(new Float64Array(4), [4])));
  refuses("avgPool3dBackward", /g .*outside its data/, gouts, (o) => bwd(o, S(new Float32Array(3), [1, 2, 2, 2, 2]), geom(), div));
});
