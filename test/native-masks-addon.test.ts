// The addon entries for masks, index offsets and fractional max pooling
// (native/masked-fill.c, index-offsets.c, fractional-max-pool.c) check every
// argument in C before they touch memory: each bad call here must throw an
// Error naming the entry, leave its output as it was, and the process must
// carry on; the good calls after them must still compute.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Strided } from "../src/backend/backend.js";
import { loadNativeBackend, nativeAddon, type NativeAddon } from "../src/backend/native/load.js";
import { S } from "./strided.js";
import { rejects } from "./native-rejects.js";

const addon = nativeAddon();
const skip = addon === null ? `the native addon is not available (${loadNativeBackend().error})` : false;

function raw(): NativeAddon {
  assert.ok(addon);
  assert.equal(typeof addon.maskedFill, "function");
  assert.equal(typeof addon.indexOffsets, "function");
  assert.equal(typeof addon.fractionalMaxPool2d, "function");
  return addon;
}

test("maskedFill checks shapes, dtypes, bounds and the value before writing", { skip }, () => {
  const c = raw(), fill = c.maskedFill!.bind(c);
  const out = S(new Float32Array(12).fill(-1), [3, 4]);
  const mask = S(Uint8Array.from({ length: 12 }, (_, i) => i % 2), [3, 4]);
  rejects("maskedFill", /mask\.shape \[4,3\] and out\.shape \[3,4\] do not agree/, () => fill(out, S(mask.data, [4, 3]), 0));
  rejects("maskedFill", /mask must be bool|mask.*bool/, () => fill(out, S(new Float32Array(12), [3, 4]), 0));
  rejects("maskedFill", /value 0\.1 is not a float32 value/, () => fill(out, mask, 0.1));
  rejects("maskedFill", /value 1\.5 is not an int32 value/, () => fill(S(new Int32Array(12), [3, 4]), mask, 1.5));
  rejects("maskedFill", /value 3e\+09 is not an int32 value/, () => fill(S(new Int32Array(12), [3, 4]), mask, 3e9));
  rejects("maskedFill", /value 2 is not a bool value/, () => fill(S(new Uint8Array(12), [3, 4]), mask, 2));
  rejects("maskedFill", /value must be a number/, () => fill(out, mask, "0" as unknown as number));
  rejects("maskedFill", /past the end|reach|outside|out of bounds/, () => fill(S(out.data, [3, 4], [4, 1], 1), mask, 0));
  rejects("maskedFill", /past the end|reach|outside|out of bounds/, () => fill(out, S(mask.data, [3, 4], [5, 1]), 0));
  rejects("maskedFill", /expected 3 arguments/, () => (fill as unknown as (o: Strided) => void)(out));
  assert.ok(Array.from(out.data).every((v) => v === -1), "nothing written");
  fill(out, mask, 0.5);
  assert.deepEqual(Array.from(out.data), Array.from({ length: 12 }, (_, i) => (i % 2 ? 0.5 : -1)));
  // a broadcast mask (stride 0 along rows) and a transposed out
  const o2 = S(new Float64Array(12), [4, 3], [1, 4]);
  fill(o2, S(Uint8Array.from([1, 0, 1]), [4, 3], [0, 1]), NaN);
  assert.deepEqual(Array.from(o2.data), [NaN, NaN, NaN, NaN, 0, 0, 0, 0, NaN, NaN, NaN, NaN]);
});

test("indexOffsets checks its operands, sizes and strides, and reports indices out of range", { skip }, () => {
  const c = raw(), offsets = c.indexOffsets!.bind(c);
  const out = S(new Int32Array(4).fill(-7), [4]);
  const i0 = S(Int32Array.from([0, 1, -1, 2]), [4]), i1 = S(Int32Array.from([3, -4, 0, 1]), [4]);
  rejects("indexOffsets", /sources must be an array/, () => offsets(out, i0 as unknown as Strided[], [3], [4]));
  rejects("indexOffsets", /sources must hold 1 to 16 tensors, got 0/, () => offsets(out, [], [], []));
  rejects("indexOffsets", /sources must hold 1 to 16 tensors, got 17/, () => offsets(out, Array(17).fill(i0) as Strided[], Array(17).fill(3), Array(17).fill(1)));
  rejects("indexOffsets", /sizes has 1 entries for 2 sources/, () => offsets(out, [i0, i1], [3], [4, 1]));
  rejects("indexOffsets", /strides must be an array of integers/, () => offsets(out, [i0], [3], 4 as unknown as number[]));
  rejects("indexOffsets", /strides\[0\] = -4 is out of range/, () => offsets(out, [i0], [3], [-4]));
  rejects("indexOffsets", /sizes\[0\] must be an integer, got 1\.5/, () => offsets(out, [i0], [1.5], [1]));
  rejects("indexOffsets", /offsets up to .* do not fit int32/, () => offsets(out, [i0, i1], [3, 4], [2 ** 30, 2 ** 30]));
  rejects("indexOffsets", /out must be int32|out.*int32/, () => offsets(S(new Float32Array(4), [4]), [i0], [3], [4]));
  rejects("indexOffsets", /source must be int32|source.*int32/, () => offsets(out, [S(new Float32Array(4), [4])], [3], [4]));
  rejects("indexOffsets", /out must be 1-d and contiguous/, () => offsets(S(out.data, [2, 2]), [i0], [3], [4]));
  rejects("indexOffsets", /out must be 1-d and contiguous/, () => offsets(S(out.data, [2], [2]), [S(i0.data, [2])], [3], [4]));
  rejects("indexOffsets", /sources\[1\] must be 1-d with out's 4 elements/, () => offsets(out, [i0, S(i1.data, [3])], [3, 4], [4, 1]));
  rejects("indexOffsets", /past the end|reach|outside|out of bounds/, () => offsets(out, [S(i0.data, [4], [1], 1)], [3], [4]));
  rejects("indexOffsets", /expected 4 arguments/, () => (offsets as unknown as (o: Strided) => void)(out));
  assert.ok(Array.from(out.data).every((v) => v === -7), "nothing written");
  // in range: wrapped and folded; out of range (either side): false
  assert.equal(offsets(out, [i0, i1], [3, 4], [4, 1]), true);
  assert.deepEqual(Array.from(out.data), [3, 4, 8, 9]);
  assert.equal(offsets(out, [i0, i1], [3, 3], [4, 1]), false);
  assert.equal(offsets(out, [S(Int32Array.from([0, -4, 0, 0]), [4]), i1], [3, 4], [4, 1]), false);
  // a source broadcast along the positions (stride 0)
  assert.equal(offsets(out, [S(Int32Array.from([2]), [4], [0]), i1], [3, 4], [4, 1]), true);
  assert.deepEqual(Array.from(out.data), [11, 8, 8, 9]);
});

test("fractionalMaxPool2d checks shapes, dtypes, layout, kernel and window starts before writing", { skip }, () => {
  const c = raw(), pool = c.fractionalMaxPool2d!.bind(c);
  const P = 2, H = 6, W = 5, oH = 3, oW = 2;
  const x = S(Float32Array.from({ length: P * H * W }, (_, i) => (i * 7) % 11), [P, H, W]);
  const values = S(new Float32Array(P * oH * oW).fill(-1), [P, oH, oW]), indices = S(new Int32Array(P * oH * oW).fill(-1), [P, oH, oW]);
  const sh = S(Int32Array.from([0, 2, 4, 0, 1, 4]), [P, oH]), sw = S(Int32Array.from([0, 3, 1, 3]), [P, oW]);
  rejects("fractionalMaxPool2d", /expected 7 arguments/, () => (pool as unknown as (v: Strided) => void)(values));
  rejects("fractionalMaxPool2d", /x must be float32 or float64|x.*float/, () => pool(values, indices, S(new Int32Array(60), [P, H, W]), sh, sw, 2, 2));
  rejects("fractionalMaxPool2d", /values.*float64|dtype/, () => pool(S(new Float64Array(12), [P, oH, oW]), indices, x, sh, sw, 2, 2));
  rejects("fractionalMaxPool2d", /indices.*int32|int32.*indices/, () => pool(values, S(new Float32Array(12), [P, oH, oW]), x, sh, sw, 2, 2));
  rejects("fractionalMaxPool2d", /startsH.*int32|int32.*startsH/, () => pool(values, indices, x, S(new Float32Array(6), [P, oH]), sw, 2, 2));
  rejects("fractionalMaxPool2d", /indices\.shape \[2,2,3\] and values\.shape \[2,3,2\] do not agree/, () => pool(values, S(indices.data, [P, oW, oH]), x, sh, sw, 2, 2));
  rejects("fractionalMaxPool2d", /must be 3-d/, () => pool(values, indices, S(x.data, [P * H, W]), sh, sw, 2, 2));
  rejects("fractionalMaxPool2d", /do not agree/, () => pool(values, indices, x, S(sh.data, [oH, P]), sw, 2, 2));
  rejects("fractionalMaxPool2d", /do not agree/, () => pool(values, indices, x, sh, S(sw.data, [1, oW]), 2, 2));
  rejects("fractionalMaxPool2d", /kH = 0 is out of range/, () => pool(values, indices, x, sh, sw, 0, 2));
  rejects("fractionalMaxPool2d", /kW must be an integer, got 2\.5/, () => pool(values, indices, x, sh, sw, 2, 2.5));
  rejects("fractionalMaxPool2d", /a 7x2 window does not fit x \[2,6,5\]/, () => pool(values, indices, x, sh, sw, 7, 2));
  rejects("fractionalMaxPool2d", /must be contiguous/, () => pool(values, indices, S(x.data, [P, H, W], [30, 1, 6]), sh, sw, 2, 2));
  rejects("fractionalMaxPool2d", /must be contiguous/, () => pool(values, indices, x, S(new Int32Array(12), [P, oH], [6, 2]), sw, 2, 2));
  rejects("fractionalMaxPool2d", /startsH\[2\] = 5 is outside \[0, 4\]/, () => pool(values, indices, x, S(Int32Array.from([0, 2, 5, 0, 1, 4]), [P, oH]), sw, 2, 2));
  rejects("fractionalMaxPool2d", /startsW\[1\] = -1 is outside \[0, 3\]/, () => pool(values, indices, x, sh, S(Int32Array.from([0, -1, 1, 3]), [P, oW]), 2, 2));
  rejects("fractionalMaxPool2d", /past the end|reach|outside|out of bounds/, () => pool(values, indices, S(x.data, [P, H, W], undefined, 1), sh, sw, 2, 2));
  assert.ok(Array.from(values.data).every((v) => v === -1) && Array.from(indices.data).every((v) => v === -1), "nothing written");
  pool(values, indices, x, sh, sw, 2, 2);
  // plainly: each window's first max in row-major order
  const xs = Array.from(x.data);
  for (let p = 0; p < P; p++) {
    for (let h = 0; h < oH; h++) {
      for (let w = 0; w < oW; w++) {
        const h0 = sh.data[p * oH + h]!, w0 = sw.data[p * oW + w]!;
        let best = -Infinity, at = h0 * W + w0;
        for (let i = h0; i < h0 + 2; i++) for (let j = w0; j < w0 + 2; j++) if (xs[p * H * W + i * W + j]! > best) [best, at] = [xs[p * H * W + i * W + j]!, i * W + j];
        assert.equal(values.data[(p * oH + h) * oW + w], best);
        assert.equal(indices.data[(p * oH + h) * oW + w], at);
      }
    }
  }
});
