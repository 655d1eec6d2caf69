// The 3-d entry points of the native addon (vol2col, col2vol, conv3d,
// conv3dBackwardInput, conv3dBackwardWeight, maxPool3d, upsampleTrilinear,
// upsampleTrilinearBackward) check every
// argument in C before touching memory: each bad call throws an Error naming
// the kernel, the process carries on, and a guard element after each output
// stays untouched.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Strided } from "../src/backend/backend.js";
import { loadNativeBackend, nativeAddon, type NativeAddon } from "../src/backend/native/load.js";
import type { TypedArray } from "../src/tensor/dtype.js";
import { S } from "./strided.js";
import { rejects } from "./native-rejects.js";

const addon = nativeAddon();
const skip = addon === null || typeof addon.conv3d !== "function" ? `the native addon (with its 3-d kernels) is not available (${loadNativeBackend().error})` : false;

type Req<T> = { [K in keyof T]-?: NonNullable<T[K]> };
const c = () => addon as Req<NativeAddon>;
const n = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
/** A contiguous float32 operand with one guard element after it. */
const f32 = (shape: number[]) => S(new Float32Array(n(shape) + 1).fill(7), shape);
const f64 = (shape: number[]) => S(new Float64Array(n(shape) + 1).fill(7), shape);
const guard = (t: Strided) => assert.equal(t.data[t.data.length - 1], 7, "the guard element is untouched");
const geom = (k = 2, s = 1, p = 0, d = 1) => [k, k, k, s, s, s, p, p, p, d, d, d];

test("vol2col and col2vol refuse wrong shapes, strides, dtypes and geometries", { skip }, () => {
  const x = f32([1, 2, 3, 3, 3]), cols = f32([1, 16, 8]);
  c().vol2col(cols, x, geom());
  guard(cols);
  rejects("vol2col", /out must have shape \[1,16,8\]/, () => c().vol2col(f32([1, 16, 9]), x, geom()));
  rejects("vol2col", /out must be contiguous/, () => c().vol2col(S(new Float32Array(400), [1, 16, 8], [128, 1, 16]), x, geom()));
  rejects("vol2col", /x must have 5 dims/, () => c().vol2col(cols, f32([2, 3, 3, 3]), geom()));
  rejects("vol2col", /out.*x|dtype/, () => c().vol2col(f64([1, 16, 8]), x, geom()));
  rejects("vol2col", /x must be float32 or float64|float/, () => c().vol2col(cols, S(new Int32Array(54), [1, 2, 3, 3, 3]), geom()));
  rejects("vol2col", /smaller than the window/, () => c().vol2col(cols, x, geom(4)));
  rejects("vol2col", /geometry must be an array of 12/, () => c().vol2col(cols, x, [2, 2, 2]));
  rejects("vol2col", /stride\[1\] = 0 is out of range/, () => c().vol2col(cols, x, [2, 2, 2, 1, 0, 1, 0, 0, 0, 1, 1, 1]));
  rejects("vol2col", /padding\[0\] = -1 is out of range/, () => c().vol2col(cols, x, geom(2, 1, -1)));
  rejects("vol2col", /kernel\[0\] must be an integer/, () => c().vol2col(cols, x, [1.5, 2, 2, 1, 1, 1, 0, 0, 0, 1, 1, 1]));
  rejects("vol2col", /x .*reaches elements .* outside its data/, () => c().vol2col(cols, S(new Float32Array(50), [1, 2, 3, 3, 3]), geom()));
  rejects("vol2col", /expected 3 arguments/, () => (c().vol2col as (a: Strided, b: Strided) => void)(cols, x));
  const out = f32([1, 2, 3, 3, 3]);
  c().col2vol(out, cols, geom());
  guard(out);
  rejects("col2vol", /cols must have shape \[1,16,8\]/, () => c().col2vol(out, f32([1, 16, 7]), geom()));
  rejects("col2vol", /out must be contiguous/, () => c().col2vol(S(new Float32Array(200), [1, 2, 3, 3, 3], [54, 27, 9, 1, 3]), cols, geom()));
  rejects("col2vol", /cols.*out|dtype/, () => c().col2vol(out, f64([1, 16, 8]), geom()));
  rejects("col2vol", /cols must have shape/, () => c().col2vol(out, cols, geom(2, 2)));
});

test("conv3d refuses wrong shapes, strides, dtypes and groups", { skip }, () => {
  const x = f32([2, 4, 4, 4, 4]), w = f32([6, 2, 3, 3, 3]), b = f32([6]), out = f32([2, 6, 2, 2, 2]);
  c().conv3d(out, x, w, b, geom(3), 2);
  guard(out);
  c().conv3d(out, x, w, null, geom(3), 2);
  rejects("conv3d", /groups = 0 is out of range/, () => c().conv3d(out, x, w, b, geom(3), 0));
  rejects("conv3d", /does not fit x's 4 channels in 3 groups/, () => c().conv3d(out, x, f32([6, 2, 3, 3, 3]), null, geom(3), 3));
  rejects("conv3d", /does not fit/, () => c().conv3d(out, x, w, b, geom(3), 1));
  rejects("conv3d", /weight must be \[O, C \/ groups, 2, 2, 2\]/, () => c().conv3d(out, x, w, b, geom(2), 2));
  rejects("conv3d", /weight must be contiguous/, () => c().conv3d(out, x, S(new Float32Array(400), [6, 2, 3, 3, 3], [54, 27, 1, 3, 9]), b, geom(3), 2));
  rejects("conv3d", /bias must have shape \[6\]/, () => c().conv3d(out, x, w, f32([5]), geom(3), 2));
  rejects("conv3d", /out must have shape \[2,6,2,2,2\]/, () => c().conv3d(f32([2, 6, 3, 2, 2]), x, w, b, geom(3), 2));
  rejects("conv3d", /out must be contiguous/, () => c().conv3d(S(new Float32Array(200), [2, 6, 2, 2, 2], [48, 8, 4, 1, 2]), x, w, b, geom(3), 2));
  rejects("conv3d", /weight.*x|dtype/, () => c().conv3d(out, x, f64([6, 2, 3, 3, 3]), b, geom(3), 2));
  rejects("conv3d", /bias.*x|dtype/, () => c().conv3d(out, x, w, f64([6]), geom(3), 2));
  rejects("conv3d", /weight must be a tensor, got null/, () => c().conv3d(out, x, null as unknown as Strided, b, geom(3), 2));
  rejects("conv3d", /weight .*outside its data/, () => c().conv3d(out, x, S(new Float32Array(10), [6, 2, 3, 3, 3]), b, geom(3), 2));
  rejects("conv3d", /x\.data must be/, () => c().conv3d(out, { ...x, data: [1, 2] as unknown as TypedArray }, w, b, geom(3), 2));
});

test("conv3dBackwardInput and conv3dBackwardWeight refuse wrong shapes, strides, dtypes and groups", { skip }, () => {
  const x = f32([2, 4, 4, 4, 4]), w = f32([6, 2, 3, 3, 3]), gout = f32([2, 6, 2, 2, 2]), gx = f32([2, 4, 4, 4, 4]), gw = f32([6, 2, 3, 3, 3]);
  c().conv3dBackwardInput(gx, gout, w, geom(3), 2);
  guard(gx);
  c().conv3dBackwardWeight(gw, gout, x, geom(3), 2);
  guard(gw);
  const bi = c().conv3dBackwardInput, bw = c().conv3dBackwardWeight;
  rejects("conv3dBackwardInput", /gout must have shape \[2,6,2,2,2\]/, () => bi(gx, f32([2, 6, 2, 2, 3]), w, geom(3), 2));
  rejects("conv3dBackwardInput", /gout must be contiguous/, () => bi(gx, S(new Float32Array(200), [2, 6, 2, 2, 2], [48, 8, 4, 1, 2]), w, geom(3), 2));
  rejects("conv3dBackwardInput", /gx must be contiguous/, () => bi(S(new Float32Array(600), [2, 4, 4, 4, 4], [256, 64, 16, 1, 4]), gout, w, geom(3), 2));
  rejects("conv3dBackwardInput", /weight must be \[O, C \/ groups, 2, 2, 2\]/, () => bi(gx, gout, w, geom(2), 2));
  rejects("conv3dBackwardInput", /does not fit 4 channels in 1 groups/, () => bi(gx, gout, w, geom(3), 1));
  rejects("conv3dBackwardInput", /groups = 0 is out of range/, () => bi(gx, gout, w, geom(3), 0));
  rejects("conv3dBackwardInput", /weight must be contiguous/, () => bi(gx, gout, S(new Float32Array(400), [6, 2, 3, 3, 3], [54, 27, 1, 3, 9]), geom(3), 2));
  rejects("conv3dBackwardInput", /gout.*gx|weight.*x|dtype/, () => bi(gx, f64([2, 6, 2, 2, 2]), w, geom(3), 2));
  rejects("conv3dBackwardInput", /x must have 5 dims/, () => bi(f32([4, 4, 4, 4]), gout, w, geom(3), 2));
  rejects("conv3dBackwardInput", /smaller than the window/, () => bi(f32([2, 4, 2, 4, 4]), gout, w, geom(3), 2));
  rejects("conv3dBackwardInput", /outside its data/, () => bi(gx, { ...gout, offset: 2 }, w, geom(3), 2));
  rejects("conv3dBackwardWeight", /gw must be \[O, C \/ groups, 3, 3, 3\]|gw .* does not fit/, () => bw(f32([6, 2, 3, 3, 2]), gout, x, geom(3), 2));
  rejects("conv3dBackwardWeight", /gw must be contiguous/, () => bw(S(new Float32Array(400), [6, 2, 3, 3, 3], [54, 27, 1, 3, 9]), gout, x, geom(3), 2));
  rejects("conv3dBackwardWeight", /gout must have shape/, () => bw(gw, f32([2, 5, 2, 2, 2]), x, geom(3), 2));
  rejects("conv3dBackwardWeight", /dtype|gw.*x|gout.*x/, () => bw(gw, gout, f64([2, 4, 4, 4, 4]), geom(3), 2));
  rejects("conv3dBackwardWeight", /x must be float32 or float64|float/, () => bw(gw, gout, S(new Int32Array(512), [2, 4, 4, 4, 4]), geom(3), 2));
  rejects("conv3dBackwardWeight", /geometry must be an array of 12/, () => bw(gw, gout, x, [3, 3, 3], 2));
  rejects("conv3dBackwardWeight", /expected 5 arguments/, () => (bw as (a: Strided, b: Strided, x: Strided) => void)(gw, gout, x));
});

test("maxPool3d refuses wrong shapes, strides, dtypes and sizes", { skip }, () => {
  const x = f32([1, 2, 4, 4, 4]), out = f32([1, 2, 2, 2, 2]), ix = S(new Int32Array(17).fill(7), [1, 2, 2, 2, 2]);
  c().maxPool3d(out, x, ix, geom(2, 2));
  guard(out);
  guard(ix);
  c().maxPool3d(out, x, null, geom(2, 2));
  rejects("maxPool3d", /indices must be int32|int32/, () => c().maxPool3d(out, x, f32([1, 2, 2, 2, 2]), geom(2, 2)));
  rejects("maxPool3d", /indices.*shape|shape/, () => c().maxPool3d(out, x, S(new Int32Array(8), [1, 1, 2, 2, 2]), geom(2, 2)));
  rejects("maxPool3d", /out .* does not fit x/, () => c().maxPool3d(f32([1, 2, 4, 2, 2]), x, null, geom(2, 2)));
  rejects("maxPool3d", /does not fit/, () => c().maxPool3d(out, x, null, geom(5, 1)));
  rejects("maxPool3d", /must be \[N, C, D, H, W\]/, () => c().maxPool3d(f32([1, 3, 2, 2, 2]), x, null, geom(2, 2)));
  rejects("maxPool3d", /contiguous/, () => c().maxPool3d(S(new Float32Array(40), [1, 2, 2, 2, 2], [8, 1, 4, 2, 16]), x, null, geom(2, 2)));
  rejects("maxPool3d", /out.*x|dtype/, () => c().maxPool3d(f64([1, 2, 2, 2, 2]), x, null, geom(2, 2)));
  rejects("maxPool3d", /x must be float32 or float64|float/, () => c().maxPool3d(out, S(new Int32Array(128), [1, 2, 4, 4, 4]), null, geom(2, 2)));
  rejects("maxPool3d", /dilation\[2\] = 0 is out of range/, () => c().maxPool3d(out, x, null, [2, 2, 2, 2, 2, 2, 0, 0, 0, 1, 1, 0]));
  // (dilation 3 with padding 1 over 2 columns: the only window reads none of them)
  rejects("maxPool3d", /lies wholly in the padding/, () => c().maxPool3d(f32([1, 1, 1, 1, 1]), f32([1, 1, 1, 1, 2]), null, [1, 1, 2, 1, 1, 1, 0, 0, 1, 1, 1, 3]));
  rejects("maxPool3d", /expected 4 arguments/, () => (c().maxPool3d as (a: Strided, b: Strided) => void)(out, x));
});

test("upsampleTrilinear and its backward refuse wrong shapes, dtypes and scales", { skip }, () => {
  const x = f32([1, 2, 2, 3, 4]), out = f32([1, 2, 4, 6, 8]);
  c().upsampleTrilinear(out, x, [0.5, 0.5, 0.5], 0);
  guard(out);
  const gx = f32([1, 2, 2, 3, 4]);
  c().upsampleTrilinearBackward(gx, out, [0.5, 0.5, 0.5], 0);
  guard(gx);
  for (const [k, fn] of [["upsampleTrilinear", c().upsampleTrilinear], ["upsampleTrilinearBackward", c().upsampleTrilinearBackward]] as const) {
    const [d, s] = k === "upsampleTrilinear" ? [out, x] : [gx, out];
    rejects(k, /scales must be an array of 3/, () => fn(d, s, [0.5, 0.5], 0));
    rejects(k, /scales\[1\] = -1 must be finite/, () => fn(d, s, [0.5, -1, 0.5], 0));
    rejects(k, /scales\[0\] = nan must be finite|must be finite/, () => fn(d, s, [NaN, 0.5, 0.5], 0));
    rejects(k, /alignCorners = 2 is out of range/, () => fn(d, s, [0.5, 0.5, 0.5], 2));
    rejects(k, /must both be \[N, C, D, H, W\]/, () => fn(d, f32([1, 3, 2, 3, 4]), [0.5, 0.5, 0.5], 0));
    rejects(k, /must both be/, () => fn(f32([2, 3, 4]), s, [0.5, 0.5, 0.5], 0));
    rejects(k, /must be contiguous/, () => fn({ ...d, data: new Float32Array(4000), strides: [...d.strides].reverse() }, s, [0.5, 0.5, 0.5], 0));
    rejects(k, /dtype|float/, () => fn(k === "upsampleTrilinear" ? f64([1, 2, 4, 6, 8]) : f64([1, 2, 2, 3, 4]), s, [0.5, 0.5, 0.5], 0));
    rejects(k, /a size of 0 must be 0 on both sides/, () => fn(k === "upsampleTrilinear" ? f32([1, 2, 0, 6, 8]) : f32([1, 2, 0, 3, 4]), s, [0.5, 0.5, 0.5], 0));
    rejects(k, /outside its data/, () => fn(d, { ...s, offset: 3 }, [0.5, 0.5, 0.5], 0));
  }
});
