/**
 * The indexCopy kernel (native/advindex.c and its reference twin) called
 * directly: the native result equals the reference's on contiguous,
 * transposed and offset operands of every dtype, repeated indices keep the
 * last write, and bad arguments are refused before any memory is touched.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadNativeBackend, nativeAddon } from "../src/backend/native/load.js";
import { referenceBackend as ref } from "../src/backend/reference/index.js";
import type { TypedArray } from "../src/tensor/dtype.js";
import { S } from "./strided.js";

const loaded = loadNativeBackend();
const skip = loaded.backend === null ? `the native addon is not available (${loaded.error})` : false;

const ARRAY = { float32: Float32Array, float64: Float64Array, int32: Int32Array, bool: Uint8Array } as const;
type Kind = keyof typeof ARRAY;

function filled(kind: Kind, n: number, f: (i: number) => number): TypedArray {
  const out = new ARRAY[kind](n);
  for (let i = 0; i < n; i++) out[i] = kind === "bool" ? f(i) % 2 : f(i);
  return out;
}

test("reference indexCopy: src's positions in row-major order, the last of repeated indices wins", () => {
  const out = S(new Float64Array(8), [4, 2]);
  const src = S(Float64Array.from([1, 2, 3, 4, 5, 6]), [3, 2]);
  ref.indexCopy(out, 0, S(Int32Array.from([3, 0, 3]), [3]), src);
  assert.deepEqual(Array.from(out.data), [3, 4, 0, 0, 0, 0, 5, 6]);
  // along axis 1 of a transposed out
  const t = S(new Float64Array(6), [2, 3], [1, 2]);
  ref.indexCopy(t, 1, S(Int32Array.from([2, 0]), [2]), S(Float64Array.from([1, 2, 3, 4]), [2, 2]));
  assert.deepEqual(Array.from(t.data), [2, 4, 0, 0, 1, 3]);
});

test("native indexCopy equals the reference on contiguous, transposed, offset and broadcast operands of every dtype", { skip }, () => {
  const nb = loaded.backend!;
  for (const kind of ["float32", "float64", "int32", "bool"] as const) {
    for (const layout of ["contiguous", "transposed", "offset", "broadcast src"] as const) {
      const rows = 300, cols = 7, n = 500;
      const index = Int32Array.from({ length: n }, (_, i) => (i * 7919) % rows); // repeats: the last write must win
      const make = () => {
        if (layout === "transposed") return S(filled(kind, rows * cols, (i) => -i), [rows, cols], [1, rows]);
        if (layout === "offset") return S(filled(kind, rows * cols + 5, (i) => -i), [rows, cols], [cols, 1], 5);
        return S(filled(kind, rows * cols, (i) => -i), [rows, cols]);
      };
      const src = layout === "broadcast src" ? S(filled(kind, cols, (i) => i + 1), [n, cols], [0, 1]) : S(filled(kind, n * cols, (i) => i + 1), [n, cols]);
      const a = make(), b = make();
      ref.indexCopy(a, 0, S(index, [n]), src);
      nb.indexCopy(b, 0, S(index, [n]), src);
      assert.deepEqual(Array.from(b.data), Array.from(a.data), `${kind} ${layout}`);
      // and along the inner axis
      const colIndex = Int32Array.from([6, 0, 6, 3]);
      const src2 = S(filled(kind, rows * 4, (i) => i + 3), [rows, 4]);
      const c = make(), d = make();
      ref.indexCopy(c, 1, S(colIndex, [4]), src2);
      nb.indexCopy(d, 1, S(colIndex, [4]), src2);
      assert.deepEqual(Array.from(d.data), Array.from(c.data), `${kind} ${layout}: axis 1`);
    }
  }
});

test("native indexCopy refuses bad arguments with an error naming the kernel, before writing", { skip }, () => {
  const c = nativeAddon()!;
  const out = S(new Float32Array(12), [4, 3]);
  const src = S(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
  const idx = (v: number[]) => S(Int32Array.from(v), [v.length]);
  const refuse = (fn: () => void, message: RegExp) => {
    assert.throws(fn, message);
    assert.deepEqual(Array.from(out.data), new Array<number>(12).fill(0), "nothing written");
  };
  refuse(() => c.indexCopy(out, 0, idx([0, 4]), src), /^Error: native indexCopy: index 4 is out of range for axis 0 of size 4/);
  refuse(() => c.indexCopy(out, 0, idx([0, -1]), src), /^Error: native indexCopy: index -1 is out of range/);
  refuse(() => c.indexCopy(out, 0, idx([0]), src), /native indexCopy: index has 1 entries but src's axis 0 has 2/);
  refuse(() => c.indexCopy(out, 0, S(Float32Array.from([0, 1]), [2]), src), /native indexCopy: .*index.*int32/);
  refuse(() => c.indexCopy(out, 0, idx([0, 1]), S(Float64Array.from([1, 2, 3, 4, 5, 6]), [2, 3])), /native indexCopy: .*dtype|native indexCopy: .*float64/);
  refuse(() => c.indexCopy(out, 0, idx([0, 1]), S(Float32Array.from([1, 2, 3, 4]), [2, 2])), /native indexCopy: src.shape \[2,2\] and out.shape \[4,3\] do not agree outside axis 0/);
  refuse(() => c.indexCopy(out, 2, idx([0, 1]), src), /native indexCopy: axis 2 is out of range/);
  refuse(() => c.indexCopy(S(new Float32Array(12), [4, 3], [3, 1], 1), 0, idx([0, 1]), src), /native indexCopy: out/);
  refuse(() => c.indexCopy(out, 0, idx([0, 1]), S(new Float32Array(5), [2, 3])), /native indexCopy: src/);
  refuse(() => (c.indexCopy as unknown as (...a: unknown[]) => void)(out, 0, idx([0, 1])), /native indexCopy: expected 4 arguments/);
});
