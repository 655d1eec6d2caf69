// The native addon checks every argument in C before it touches memory: each
// bad call here must throw an Error naming the kernel, and the process must
// carry on (a kernel that read or wrote out of bounds would crash it or
// corrupt neighbouring arrays, which the canaries below would notice).
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Strided } from "../src/backend/backend.js";
import { loadNativeBackend, nativeAddon, type NativeAddon } from "../src/backend/native/load.js";
import type { TypedArray } from "../src/tensor/dtype.js";
import { S } from "./strided.js";
import { rejects } from "./native-rejects.js";

const addon = nativeAddon();
const skip = addon === null ? `the native addon is not available (${loadNativeBackend().error})` : false;



const f32 = (n: number) => new Float32Array(n);

function raw(): NativeAddon {
  assert.ok(addon);
  return addon;
}

test("the addon loads and names its kernels", { skip }, () => {
  const c = raw();
  assert.ok(c.kernels.includes("matmul"));
  assert.ok(c.unaryOps.includes("exp") && c.binaryOps.includes("add") && c.reduceOps.includes("sum"));
  assert.ok(c.numThreads() >= 1);
  const { backend } = loadNativeBackend();
  assert.equal(backend?.name, "native");
});

test("operands must be strided objects over typed arrays of a supported type", { skip }, () => {
  const c = raw();
  const a = S(f32(4), [4]);
  rejects("binary", /out must be a strided object/, () => c.binary("add", 5 as unknown as Strided, a, a));
  rejects("binary", /b must be a strided object/, () => c.binary("add", a, a, null as unknown as Strided));
  rejects("copy", /a\.data must be a Float32Array/, () => c.copy(a, { ...a, data: [1, 2, 3, 4] as unknown as TypedArray }));
  rejects("copy", /a\.data must be/, () => c.copy(a, S(new Int16Array(4) as unknown as TypedArray, [4])));
  rejects("copy", /a\.data must be/, () => c.copy(a, S(new Uint8ClampedArray(4) as unknown as TypedArray, [4])));
  rejects("copy", /expected 2 arguments/, () => (c.copy as (x: Strided) => void)(a));
});

test("shape and strides must be integer arrays of one length", { skip }, () => {
  const c = raw();
  const out = S(f32(6), [2, 3]);
  const bad = (shape: unknown, strides: unknown, offset: unknown = 0) =>
    ({ data: f32(6), shape, strides, offset }) as unknown as Strided;
  rejects("copy", /a\.shape has 2 dims but a\.strides has 1/, () => c.copy(out, bad([2, 3], [3])));
  rejects("copy", /a\.shape must be an array/, () => c.copy(out, bad("2,3", [3, 1])));
  rejects("copy", /a\.shape\[1\] must be an integer/, () => c.copy(out, bad([2, 2.5], [3, 1])));
  rejects("copy", /a\.shape\[0\] = -2 is out of range/, () => c.copy(out, bad([-2, 3], [3, 1])));
  rejects("copy", /a\.shape\[0\] must be an integer, got NaN/, () => c.copy(out, bad([NaN, 3], [3, 1])));
  rejects("copy", /a\.strides\[1\] must be a number/, () => c.copy(out, bad([2, 3], [3, "1"])));
  rejects("copy", /a\.offset must be an integer/, () => c.copy(out, bad([2, 3], [3, 1], 0.5)));
  rejects("copy", /a\.offset = -1 is out of range/, () => c.copy(out, bad([2, 3], [3, 1], -1)));
  rejects("copy", /at most 16/, () => c.copy(out, bad(new Array(17).fill(1), new Array(17).fill(1))));
  rejects("copy", /a\.shape \[2,2\] and out\.shape \[2,3\] do not agree/, () => c.copy(out, S(f32(4), [2, 2])));
});

test("every reachable element must lie inside the typed array", { skip }, () => {
  const c = raw();
  const out = S(f32(6), [2, 3]);
  // offset past the end, strides that walk off either end, a shape too big for the data
  rejects("copy", /reaches elements 1\.\.6 outside its data \(length 6\)/, () => c.copy(out, S(f32(6), [2, 3], [3, 1], 1)));
  rejects("copy", /outside its data/, () => c.copy(out, S(f32(6), [2, 3], [4, 1])));
  rejects("copy", /reaches elements -3\.\.2/, () => c.copy(out, S(f32(6), [2, 3], [-3, 1])));
  rejects("copy", /outside its data/, () => c.copy(out, S(f32(5), [2, 3])));
  rejects("fill", /out \(shape \[2,3\]/, () => c.fill(S(f32(6), [2, 3], [3, 1], 6), 1));
  // strides whose reach overflows 64-bit arithmetic, and absurd extents
  rejects("copy", /a's strides reach beyond any typed array/, () => c.copy(S(f32(4), [4]), S(f32(4), [2 ** 39], [2 ** 40])));
  rejects("copy", /a\.shape\[0\] = .* is out of range/, () => c.copy(S(f32(4), [4]), S(f32(4), [2 ** 41], [1])));
  rejects("copy", /a\.shape is too large/, () => c.copy(S(f32(4), [4]), S(f32(4), [2 ** 30, 2 ** 30], [0, 0])));
  // negative strides that stay inside are fine: a flipped view
  const src = S(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3], [-3, -1], 5);
  c.copy(out, src);
  assert.deepEqual(Array.from(out.data), [6, 5, 4, 3, 2, 1]);
  // an empty tensor reaches nothing, but its offset still has to be sane
  c.copy(S(f32(0), [0, 3]), S(f32(0), [0, 3], [3, 1], 0));
  rejects("copy", /offset 7 is past the end/, () => c.copy(S(f32(0), [0]), S(f32(2), [0], [1], 7)));
});

test("dtypes must be the ones each kernel expects", { skip }, () => {
  const c = raw();
  const a = S(f32(4), [4]), i = S(new Int32Array(4), [4]), b = S(new Uint8Array(4), [4]);
  rejects("binary", /a \(float32\) and b \(int32\) must have one dtype/, () => c.binary("add", a, a, i));
  rejects("binary", /out must be bool, got float32/, () => c.binary("lt", a, a, a));
  rejects("binary", /out \(int32\) and a \(float32\)/, () => c.binary("add", i, a, a));
  rejects("unary", /out must be bool/, () => c.unary("isnan", a, a));
  rejects("unary", /out \(bool\) and a \(float32\)/, () => c.unary("exp", b, a));
  rejects("where", /cond must be bool, got float32/, () => c.where(a, a, a, a));
  rejects("matmul", /a must be float32 or float64, got int32/, () =>
    c.matmul(S(new Int32Array(4), [1, 2, 2]), S(new Int32Array(4), [1, 2, 2]), S(new Int32Array(4), [1, 2, 2])));
  rejects("matmul", /b \(float64\) and a \(float32\)/, () =>
    c.matmul(S(f32(4), [1, 2, 2]), S(f32(4), [1, 2, 2]), S(new Float64Array(4), [1, 2, 2])));
  rejects("gather", /index must be int32, got float32/, () => c.gather(a, a, 0, a));
  rejects("argReduce", /indices must be int32/, () => c.argReduce("max", null, S(f32(1), [1]), a, 0));
  rejects("softmax", /a must be float32 or float64/, () => c.softmax(S(new Int32Array(4), [2, 2]), S(new Int32Array(4), [2, 2]), false));
});

test("shapes must agree as each kernel requires", { skip }, () => {
  const c = raw();
  rejects("matmul", /^native matmul: a\.shape \[2,3,4\] and b\.shape \[2,5,6\] do not agree$/, () =>
    c.matmul(S(f32(36), [2, 3, 6]), S(f32(24), [2, 3, 4]), S(f32(60), [2, 5, 6])));
  rejects("matmul", /out\.shape \[1,2,3\] does not match/, () =>
    c.matmul(S(f32(6), [1, 2, 3]), S(f32(4), [1, 2, 2]), S(f32(4), [1, 2, 2])));
  rejects("matmul", /must be 3-d/, () => c.matmul(S(f32(4), [2, 2]), S(f32(4), [2, 2]), S(f32(4), [2, 2])));
  rejects("binary", /b\.shape \[3\] and out\.shape \[4\]/, () => c.binary("add", S(f32(4), [4]), S(f32(4), [4]), S(f32(3), [3])));
  rejects("reduce", /out\.shape \[2,3\] is not a\.shape \[2,3\] with the reduced axes set to 1/, () =>
    c.reduce("sum", S(f32(6), [2, 3]), S(f32(6), [2, 3]), [1]));
  rejects("argReduce", /indices\.shape \[2,3\] is not a\.shape/, () =>
    c.argReduce("max", null, S(new Int32Array(6), [2, 3]), S(f32(6), [2, 3]), 1));
  rejects("softmax", /a must be 2-d/, () => c.softmax(S(f32(8), [2, 2, 2]), S(f32(8), [2, 2, 2]), true));
  rejects("indexSelect", /index has 2 entries but the selected axis has 3/, () =>
    c.indexSelect(S(f32(6), [3, 2]), S(f32(8), [4, 2]), 0, S(new Int32Array(2), [2])));
  rejects("gather", /out\.shape \[2,4\] does not fit a\.shape \[2,3\] outside axis 0/, () =>
    c.gather(S(f32(8), [2, 4]), S(f32(6), [2, 3]), 0, S(new Int32Array(8), [2, 4])));
});

test("axes must be in range", { skip }, () => {
  const c = raw();
  const a = S(f32(6), [2, 3]);
  rejects("reduce", /axis 2 is out of range for 2 dims/, () => c.reduce("sum", S(f32(2), [2, 1]), a, [2]));
  rejects("reduce", /axis -1 is out of range/, () => c.reduce("sum", S(f32(2), [2, 1]), a, [-1]));
  rejects("reduce", /axes must be an array/, () => c.reduce("sum", S(f32(2), [2, 1]), a, 1 as unknown as number[]));
  rejects("argReduce", /axis 5 is out of range/, () => c.argReduce("min", null, S(new Int32Array(2), [2, 1]), a, 5));
  rejects("gather", /axis must be an integer/, () => c.gather(a, a, 0.5, S(new Int32Array(6), [2, 3])));
  rejects("scatterAdd", /axis -1 is out of range/, () => c.scatterAdd(a, -1, S(new Int32Array(6), [2, 3]), a));
  rejects("indexAdd", /axis 2 is out of range/, () => c.indexAdd(a, 2, S(new Int32Array(2), [2]), a));
});

test("index values are checked before anything is written", { skip }, () => {
  const c = raw();
  const a = S(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
  const idx = (...v: number[]) => S(Int32Array.from(v), [v.length]);
  rejects("indexSelect", /index 2 is out of range for axis 0 of size 2/, () => c.indexSelect(S(f32(6), [2, 3]), a, 0, idx(0, 2)));
  rejects("indexSelect", /index -1 is out of range/, () => c.indexSelect(S(f32(6), [2, 3]), a, 0, idx(-1, 0)));
  rejects("gather", /index 3 is out of range for axis 1 of size 3/, () =>
    c.gather(S(f32(6), [2, 3]), a, 1, S(Int32Array.from([0, 1, 2, 2, 1, 3]), [2, 3])));
  // a scatter that fails leaves its output untouched (the bad index is the last one)
  const out = S(Float32Array.from([10, 20, 30, 40, 50, 60]), [2, 3]);
  rejects("scatterAdd", /index 2 is out of range for axis 0 of size 2/, () =>
    c.scatterAdd(out, 0, S(Int32Array.from([0, 1, 0, 1, 0, 2]), [2, 3]), a));
  rejects("indexAdd", /index 5 is out of range for axis 1 of size 3/, () => c.indexAdd(out, 1, idx(0, 1, 5), a));
  assert.deepEqual(Array.from(out.data), [10, 20, 30, 40, 50, 60]);
});

test("ops must be known", { skip }, () => {
  const c = raw();
  const a = S(f32(4), [4]);
  rejects("unary", /unknown op/, () => c.unary("frobnicate", a, a));
  rejects("binary", /op = 99 is out of range/, () => c.binary(99, a, a, a));
  rejects("reduce", /op must be an integer/, () => c.reduce(0.5, S(f32(1), [1]), a, [0]));
  rejects("argReduce", /unknown op/, () => c.argReduce("mean", null, S(new Int32Array(1), [1]), a, 0));
});

test("im2col and col2im check their geometry", { skip }, () => {
  const c = raw();
  const img = S(f32(2 * 3 * 5 * 5), [2, 3, 5, 5]);
  const g = { kernel: [3, 3], stride: [1, 1], padding: [0, 0], dilation: [1, 1] } as const;
  const cols = S(f32(2 * 27 * 9), [2, 27, 9]);
  c.im2col(cols, img, g, 0);
  rejects("im2col", /kernel\[0\] = 0 is out of range/, () => c.im2col(cols, img, { ...g, kernel: [0, 3] }, 0));
  rejects("im2col", /padding\[1\] = -1 is out of range/, () => c.im2col(cols, img, { ...g, padding: [0, -1] }, 0));
  rejects("im2col", /geometry\.stride must be an array of 2 integers/, () => c.im2col(cols, img, { ...g, stride: [1] as unknown as [number, number] }, 0));
  rejects("im2col", /out\.shape \[2,27,9\] should be \[2,27,4\]/, () => c.im2col(cols, img, { ...g, stride: [2, 2] }, 0));
  rejects("im2col", /the window does not fit/, () => c.im2col(cols, img, { ...g, kernel: [7, 7] }, 0));
  rejects("im2col", /out must be contiguous/, () => c.im2col(S(f32(2 * 27 * 9), [2, 27, 9], [243, 1, 27]), img, g, 0));
  rejects("im2col", /a must be 4-d/, () => c.im2col(cols, S(f32(75), [3, 5, 5]), g, 0));
  rejects("col2im", /cols\.shape \[2,27,9\] should be \[2,12,16\]/, () => c.col2im(img, cols, { ...g, kernel: [2, 2] }));
  rejects("col2im", /geometry must be an object/, () => c.col2im(img, cols, null as unknown as typeof g));
});

test("conv2d and maxPool2d check shapes, dtypes and the output's layout", { skip }, () => {
  const c = raw();
  const g = { kernel: [3, 3], stride: [1, 1], padding: [0, 0], dilation: [1, 1] } as const;
  const x = S(f32(2 * 3 * 6 * 5), [2, 3, 6, 5]), w = S(f32(4 * 3 * 9), [4, 3, 3, 3]), b = S(f32(4), [4]);
  const out = S(f32(2 * 4 * 4 * 3), [2, 4, 4, 3]);
  c.conv2d(out, x, w, b, g);
  c.conv2d(out, x, w, null, g);
  rejects("conv2d", /x must be 4-d/, () => c.conv2d(out, S(f32(90), [3, 6, 5]), w, b, g));
  rejects("conv2d", /x must be float32 or float64, got int32/, () => c.conv2d(out, S(new Int32Array(180), [2, 3, 6, 5]), w, b, g));
  rejects("conv2d", /weight \(float64\) and x \(float32\) must have one dtype/, () => c.conv2d(out, x, S(new Float64Array(108), [4, 3, 3, 3]), b, g));
  rejects("conv2d", /bias \(float64\) and x \(float32\) must have one dtype/, () => c.conv2d(out, x, w, S(new Float64Array(4), [4]), g));
  rejects("conv2d", /out \(float64\) and x \(float32\) must have one dtype/, () => c.conv2d(S(new Float64Array(96), [2, 4, 4, 3]), x, w, b, g));
  rejects("conv2d", /weight\.shape \[4,2,3,3\] should be \[O,3,3,3\]/, () => c.conv2d(out, x, S(f32(72), [4, 2, 3, 3]), b, g));
  rejects("conv2d", /weight\.shape \[4,3,3,3\] should be \[O,3,2,2\]/, () => c.conv2d(out, x, w, b, { ...g, kernel: [2, 2] }));
  rejects("conv2d", /weight\.shape \[4,3,9\]/, () => c.conv2d(out, x, S(f32(108), [4, 3, 9]), b, g));
  rejects("conv2d", /out\.shape \[2,4,4,3\] should be \[2,4,2,3\]/, () => c.conv2d(out, x, w, b, { ...g, stride: [2, 1] }));
  rejects("conv2d", /out\.shape \[2,5,4,3\] should be \[2,4,4,3\]/, () => c.conv2d(S(f32(120), [2, 5, 4, 3]), x, w, b, g));
  rejects("conv2d", /bias\.shape \[5\] should be \[4\]/, () => c.conv2d(out, x, w, S(f32(5), [5]), g));
  rejects("conv2d", /bias\.shape \[4,1\] should be \[4\]/, () => c.conv2d(out, x, w, S(f32(4), [4, 1]), g));
  rejects("conv2d", /the window does not fit/, () => c.conv2d(out, x, w, b, { ...g, kernel: [7, 7] }));
  rejects("conv2d", /dilation\[0\] = 0 is out of range/, () => c.conv2d(out, x, w, b, { ...g, dilation: [0, 1] }));
  rejects("conv2d", /planes must be contiguous/, () => c.conv2d(S(f32(96), [2, 4, 4, 3], [48, 12, 1, 4]), x, w, b, g));
  rejects("conv2d", /planes must not overlap/, () => c.conv2d(S(f32(96), [2, 4, 4, 3], [12, 12, 3, 1]), x, w, b, g));
  rejects("conv2d", /planes must not overlap/, () => c.conv2d(S(f32(96), [2, 4, 4, 3], [48, 6, 3, 1]), x, w, b, g));
  rejects("conv2d", /x \(shape \[2,3,6,5\].*outside its data \(length 179\)/, () => c.conv2d(out, S(f32(179), [2, 3, 6, 5]), w, b, g));
  rejects("conv2d", /expected 5 arguments, got 4/, () => (c.conv2d as unknown as (...a: unknown[]) => void)(out, x, w, b));
  // the packed form: an absent bias is fine, an absent weight is not
  const K = c.kernels.indexOf("conv2d");
  const dims = (t: Strided) => [t.shape.length, ...t.shape, ...t.strides, t.offset];
  const meta = Float64Array.from([8, 3, 3, 1, 1, 0, 0, 1, 1, 4, ...dims(out), ...dims(x), ...dims(w), -1]);
  c.call(K, meta, out.data, x.data, w.data, null);
  rejects("conv2d", /operand weight is required/, () => c.call(K, Float64Array.from([8, 3, 3, 1, 1, 0, 0, 1, 1, 4, ...dims(out), ...dims(x), -1, -1]), out.data, x.data, null, null));

  const pg = { kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1] } as const;
  const pooled = S(f32(2 * 3 * 3 * 2), [2, 3, 3, 2]);
  c.maxPool2d(pooled, x, pg);
  rejects("maxPool2d", /x must be 4-d/, () => c.maxPool2d(pooled, S(f32(90), [3, 6, 5]), pg));
  rejects("maxPool2d", /x must be float32 or float64, got int32/, () => c.maxPool2d(S(new Int32Array(36), [2, 3, 3, 2]), S(new Int32Array(180), [2, 3, 6, 5]), pg));
  rejects("maxPool2d", /out \(float64\) and x \(float32\) must have one dtype/, () => c.maxPool2d(S(new Float64Array(36), [2, 3, 3, 2]), x, pg));
  rejects("maxPool2d", /out\.shape \[2,3,3,2\] should be \[2,3,5,4\]/, () => c.maxPool2d(pooled, x, { ...pg, stride: [1, 1] }));
  rejects("maxPool2d", /out\.shape \[3,2,3,2\] should be \[2,3,3,2\]/, () => c.maxPool2d(S(f32(36), [3, 2, 3, 2]), x, pg));
  rejects("maxPool2d", /stride-0/, () => c.maxPool2d(S(f32(18), [2, 3, 3, 2], [0, 6, 2, 1]), x, pg));
  rejects("maxPool2d", /the window does not fit/, () => c.maxPool2d(pooled, x, { ...pg, kernel: [9, 2] }));
  rejects("maxPool2d", /stride\[1\] = 0 is out of range/, () => c.maxPool2d(pooled, x, { ...pg, stride: [2, 0] }));
  rejects("maxPool2d", /out \(shape \[2,3,3,2\].*outside its data \(length 17\)/, () => c.maxPool2d(S(f32(17), [2, 3, 3, 2]), x, pg));
});

test("the packed form checks its metadata as strictly", { skip }, () => {
  const c = raw();
  const K = (name: string) => c.kernels.indexOf(name);
  const d = f32(4);
  const meta = (...xs: number[]) => Float64Array.from(xs);
  // binary add over [4]: scalars [op], 3 operands
  const good = meta(1, 0, 3, 1, 4, 1, 0, 1, 4, 1, 0, 1, 4, 1, 0);
  c.call(K("binary"), good, d, d, d);
  rejects("call", /kernel = 99 is out of range/, () => c.call(99, good, d, d, d));
  rejects("binary", /metadata must be a Float64Array/, () => c.call(K("binary"), new Float32Array(good) as unknown as Float64Array, d, d, d));
  rejects("binary", /metadata is too short/, () => c.call(K("binary"), good.subarray(0, 10), d, d, d));
  rejects("binary", /operand count = 2 is out of range \[3, 3\]/, () => c.call(K("binary"), meta(1, 0, 2), d, d, d));
  rejects("binary", /expected 3 typed arrays, got 2/, () => c.call(K("binary"), good, d, d));
  rejects("binary", /a's dim count = 17 is out of range/, () => c.call(K("binary"), meta(1, 0, 3, 1, 4, 1, 0, 17), d, d, d));
  rejects("binary", /b \(shape \[4\], strides \[1\], offset 1\) reaches elements 1\.\.4 outside its data/, () =>
    c.call(K("binary"), meta(1, 0, 3, 1, 4, 1, 0, 1, 4, 1, 0, 1, 4, 1, 1), d, d, d));
  rejects("binary", /operand b is required/, () =>
    c.call(K("binary"), meta(1, 0, 3, 1, 4, 1, 0, 1, 4, 1, 0, -1), d, d, d));
  rejects("binary", /b\.data must be a Float32Array/, () => c.call(K("binary"), good, d, d, null));
  rejects("binary", /op = 40 is out of range/, () => c.call(K("binary"), meta(1, 40, 3, 1, 4, 1, 0, 1, 4, 1, 0, 1, 4, 1, 0), d, d, d));
});

test("a getter that throws propagates its own error", { skip }, () => {
  const c = raw();
  const a = S(f32(4), [4]);
  const trap = { data: a.data, strides: [1], offset: 0, get shape(): number[] { throw new Error("boom"); } };
  assert.throws(() => c.copy(a, trap), { message: "boom" });
});

test("the fused optimizer steps check their arrays", { skip }, () => {
  const c = raw();
  const p = f32(8), g = f32(8);
  rejects("sgdStep", /grad has 4 elements but param has 8/, () => c.sgdStep(p, f32(4), null, 0.1, 0, 0, 0, 0));
  rejects("sgdStep", /momentum needs a buffer/, () => c.sgdStep(p, g, null, 0.1, 0.9, 0, 0, 0));
  rejects("sgdStep", /grad must have param's dtype/, () => c.sgdStep(p, new Float64Array(8), null, 0.1, 0, 0, 0, 0));
  rejects("sgdStep", /param must be a Float32Array or Float64Array/, () =>
    c.sgdStep(new Int32Array(8) as unknown as Float32Array, g, null, 0.1, 0, 0, 0, 0));
  rejects("adamStep", /amsgrad needs a vmax buffer/, () => c.adamStep(p, g, f32(8), f32(8), null, 1e-3, 0.9, 0.999, 1e-8, 0, 1, 1));
  rejects("adamStep", /step = 0 is out of range/, () => c.adamStep(p, g, f32(8), f32(8), null, 1e-3, 0.9, 0.999, 1e-8, 0, 0, 0));
  rejects("adamStep", /v has 7 elements/, () => c.adamStep(p, g, f32(8), f32(7), null, 1e-3, 0.9, 0.999, 1e-8, 0, 1, 0));
});

test("nonzeroCount and nonzero check their operands and the size of out before writing", { skip }, () => {
  const c = raw();
  const mask = S(Uint8Array.from([0, 1, 1, 0, 1, 0]), [2, 3]);
  assert.equal(c.nonzeroCount!(mask), 3);
  const out = new Int32Array(6).fill(-9);
  rejects("nonzero", /out has 6 elements but a's 3 nonzero positions need 3/, () => c.nonzero!(S(out, [6]), mask, 2));
  rejects("nonzero", /out has 3 elements but a's 3 nonzero positions need 6/, () => c.nonzero!(S(out, [3]), mask, 0));
  rejects("nonzero", /out must be int32/, () => c.nonzero!(S(new Float32Array(6), [6]), mask, 0));
  rejects("nonzero", /out must be 1-d and contiguous/, () => c.nonzero!(S(out, [3], [2]), mask, 2));
  rejects("nonzero", /layout = 3 is out of range/, () => c.nonzero!(S(out, [6]), mask, 3));
  rejects("nonzero", /a must have at least 1 dim/, () => c.nonzero!(S(out, [0]), S(Uint8Array.from([1]), []), 0));
  rejects("nonzeroCount", /a must have at least 1 dim/, () => c.nonzeroCount!(S(Uint8Array.from([1]), [])));
  rejects("nonzeroCount", /a\.offset .* past the end|reaches past|out of bounds|outside/, () => c.nonzeroCount!(S(Uint8Array.from([1, 0]), [2], [1], 1)));
  rejects("nonzero", /expected 3 arguments/, () => (c.nonzero as unknown as (o: Strided) => void)(S(out, [6])));
  assert.deepEqual(Array.from(out), [-9, -9, -9, -9, -9, -9], "nothing written");
  c.nonzero!(S(out, [6]), mask, 0);
  assert.deepEqual(Array.from(out), [0, 1, 0, 2, 1, 1]);
});

test("indexSelect by blocks refuses an index out of range before writing", { skip }, () => {
  const c = raw();
  const a = S(Float32Array.from({ length: 64 }, (_, i) => i), [4, 16]);
  const out = S(new Float32Array(32).fill(-1), [2, 16]);
  rejects("indexSelect", /index 4 is out of range for axis 0 of size 4/, () => c.indexSelect(out, a, 0, S(Int32Array.from([1, 4]), [2])));
  rejects("indexSelect", /index -1 is out of range/, () => c.indexSelect(out, a, 0, S(Int32Array.from([-1, 0]), [2])));
  assert.ok(Array.from(out.data).every((v) => v === -1), "nothing written");
  c.indexSelect(out, a, 0, S(Int32Array.from([3, 0]), [2]));
  assert.deepEqual(Array.from(out.data).slice(0, 3), [48, 49, 50]);
});

test("gridSample and gridSampleBackward check shapes, dtypes, layout and codes before writing", { skip }, () => {
  const c = raw();
  const x = S(f32(2 * 3 * 4 * 5), [2, 3, 4, 5]), grid = S(f32(2 * 6 * 7 * 2), [2, 6, 7, 2]);
  const out = S(new Float32Array(2 * 3 * 6 * 7).fill(-1), [2, 3, 6, 7]);
  rejects("gridSample", /x \[2,3,4,5\], grid \[2,6,7,2\] and out \[2,3,7,6\] do not agree/, () => c.gridSample!(S(out.data, [2, 3, 7, 6]), x, grid, 0, 0, 0));
  rejects("gridSample", /do not agree/, () => c.gridSample!(out, x, S(f32(2 * 6 * 7 * 3), [2, 6, 7, 3]), 0, 0, 0));
  rejects("gridSample", /do not agree/, () => c.gridSample!(out, x, S(f32(6 * 7 * 2), [1, 6, 7, 2]), 0, 0, 0));
  rejects("gridSample", /grid.*float64|dtype/, () => c.gridSample!(out, x, S(new Float64Array(2 * 6 * 7 * 2), [2, 6, 7, 2]), 0, 0, 0));
  rejects("gridSample", /x must be float32 or float64|x.*float/, () => c.gridSample!(out, S(new Int32Array(120), [2, 3, 4, 5]), grid, 0, 0, 0));
  rejects("gridSample", /must be contiguous/, () => c.gridSample!(out, S(x.data, [2, 3, 4, 5], [60, 1, 15, 3]), grid, 0, 0, 0));
  rejects("gridSample", /x must have 4 or 5 dims/, () => c.gridSample!(S(out.data, [6, 6, 7]), S(x.data, [6, 4, 5]), S(grid.data, [6, 7, 2]), 0, 0, 0));
  rejects("gridSample", /bicubic takes a 4-d x/, () =>
    c.gridSample!(S(f32(2 * 3 * 8), [2, 3, 2, 2, 2]), S(f32(2 * 3 * 8), [2, 3, 2, 2, 2]), S(f32(2 * 8 * 3), [2, 2, 2, 2, 3]), 2, 0, 0));
  rejects("gridSample", /mode = 3 is out of range/, () => c.gridSample!(out, x, grid, 3, 0, 0));
  rejects("gridSample", /padding = -1 is out of range/, () => c.gridSample!(out, x, grid, 0, -1, 0));
  rejects("gridSample", /alignCorners = 2 is out of range/, () => c.gridSample!(out, x, grid, 0, 0, 2));
  rejects("gridSample", /out\.offset .* past the end|reach|outside|out of bounds/, () => c.gridSample!(S(out.data, [2, 3, 6, 7], undefined, 1), x, grid, 0, 0, 0));
  rejects("gridSample", /expected 6 arguments/, () => (c.gridSample as unknown as (o: Strided) => void)(out));
  assert.ok(Array.from(out.data).every((v) => v === -1), "nothing written");
  const gx = S(f32(120), [2, 3, 4, 5]), gg = S(f32(2 * 6 * 7 * 2), [2, 6, 7, 2]);
  rejects("gridSampleBackward", /gx.*shape|shape.*gx/, () => c.gridSampleBackward!(S(f32(120), [2, 3, 5, 4]), gg, out, x, grid, 0, 0, 0));
  rejects("gridSampleBackward", /gg.*shape|shape.*gg/, () => c.gridSampleBackward!(gx, S(f32(2 * 6 * 7 * 2), [2, 7, 6, 2]), out, x, grid, 0, 0, 0));
  rejects("gridSampleBackward", /gg.*float64|dtype/, () => c.gridSampleBackward!(gx, S(new Float64Array(168), [2, 6, 7, 2]), out, x, grid, 0, 0, 0));
  rejects("gridSampleBackward", /do not agree/, () => c.gridSampleBackward!(gx, null, S(out.data, [2, 3, 7, 6]), x, grid, 0, 0, 0));
  rejects("gridSampleBackward", /expected 8 arguments/, () => (c.gridSampleBackward as unknown as (a: null) => void)(null));
  assert.ok(Array.from(gx.data).every((v) => v === 0) && Array.from(gg.data).every((v) => v === 0), "nothing written");
});

test("after all the rejected calls the addon still computes, and nothing outside was touched", { skip }, () => {
  const c = raw();
  // canaries on both sides of a view inside a larger buffer
  const buf = new Float32Array(10).fill(-7);
  const out = S(buf, [2, 4], [4, 1], 1);
  c.binary("add", out, S(Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]), [2, 4]), S(Float32Array.from([10, 20, 30, 40]), [2, 4], [0, 1]));
  assert.deepEqual(Array.from(buf), [-7, 11, 22, 33, 44, 15, 26, 37, 48, -7]);
  const C = S(f32(4), [1, 2, 2]);
  c.matmul(C, S(Float32Array.from([1, 2, 3, 4]), [1, 2, 2]), S(Float32Array.from([5, 6, 7, 8]), [1, 2, 2]));
  assert.deepEqual(Array.from(C.data), [19, 22, 43, 50]);
});
