// The native helpers of the random samplers against the generator's own JS
// loops: the MT19937 words (native/random.c, mtWords) are the same from every
// position and leave the same state; the Box–Muller blocks
// (native/box-muller.c, boxMuller16) agree to the ulp, and to the bit once
// rounded to float32. Bad arguments are refused in C before any memory is
// touched.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { loadNativeBackend, nativeAddon } from "../src/backend/native/load.js";
import { rejects } from "./native-rejects.js";

const addon = nativeAddon();
const skip = addon === null || typeof addon.mtWords !== "function" ? `the native addon (with mtWords) is not available (${loadNativeBackend().error})` : false;
const mtWords = (mt: Uint32Array, mti: number, out: Uint32Array, count: number) => addon!.mtWords!(mt, mti, out, count);
const boxMullerSkip = addon === null || typeof addon.boxMuller16 !== "function" ? "the native addon (with boxMuller16) is not available" : false;

/** The generator's state as [mt words, mti]. */
function stateOf(g: torch.Generator): [Uint32Array, number] {
  const s = g.getState();
  return [Uint32Array.from(s.slice(3)), s[1]!];
}

test("mtWords gives the JS generator's words and leaves its state, across twists and from any position", { skip }, () => {
  for (const [seed, skipWords, count] of [[0, 0, 5000], [42, 623, 1], [42, 623, 2], [-1, 17, 624 * 3 + 5], [2 ** 40 + 7, 624, 700]] as const) {
    const js = new torch.Generator(seed);
    for (let i = 0; i < skipWords; i++) js.nextUint32();
    const [mt, mti] = stateOf(js);
    const out = new Uint32Array(count + 1).fill(7);
    const next = mtWords(mt, mti, out, count);
    const expected = Array.from({ length: count }, () => js.nextUint32());
    assert.deepEqual(Array.from(out.subarray(0, count)), expected, `seed ${seed}, after ${skipWords} words`);
    assert.equal(out[count], 7, "nothing written past count");
    const [jsMt, jsMti] = stateOf(js);
    assert.equal(next, jsMti);
    assert.deepEqual(Array.from(mt), Array.from(jsMt));
  }
});

test("seeded samplers give the same values on either backend (float32 and float64 normals too)", { skip }, () => {
  const draw = () => {
    torch.manualSeed(3);
    return [torch.rand([3000]), torch.randint(0, 1000, [3000]), torch.randperm(3000), torch.empty([3000]).bernoulli_(0.3), torch.randn([3000]), torch.randn([3000], { dtype: "float64" })].map((t) => Array.from(t.toArray() as ArrayLike<number>));
  };
  const withNative = draw();
  torch.setBackend("reference");
  try {
    assert.deepEqual(draw(), withNative);
  } finally {
    torch.setBackend("native");
  }
});

test("mtWords refuses wrong types, a state of the wrong size, positions and counts out of range", { skip }, () => {
  const mt = new torch.Generator(1).getState().slice(3);
  const state = () => Uint32Array.from(mt);
  const out = () => new Uint32Array(10).fill(7);
  const refuses = (what: RegExp, call: (s: Uint32Array, o: Uint32Array) => void) => {
    const s = state(), o = out();
    rejects("mtWords", what, () => call(s, o));
    assert.deepEqual(Array.from(s), mt, "the state is untouched");
    assert.ok(o.every((v) => v === 7), "out is untouched");
  };
  const raw = addon!.mtWords as unknown as (...args: unknown[]) => number;
  refuses(/mt must be a Uint32Array/, (_s, o) => raw(new Int32Array(624), 0, o, 1));
  refuses(/mt must be a Uint32Array/, (_s, o) => raw(Array.from(mt), 0, o, 1));
  refuses(/out must be a Uint32Array/, (s) => raw(s, 0, new Float32Array(10), 1));
  refuses(/mt must hold 624 words, got 623/, (_s, o) => raw(new Uint32Array(623), 0, o, 1));
  refuses(/mti/, (s, o) => raw(s, 625, o, 1));
  refuses(/mti/, (s, o) => raw(s, -1, o, 1));
  refuses(/mti/, (s, o) => raw(s, 1.5, o, 1));
  refuses(/count/, (s, o) => raw(s, 0, o, 11));
  refuses(/count/, (s, o) => raw(s, 0, o, -1));
  refuses(/count must be a number/, (s, o) => raw(s, 0, o, "3"));
  refuses(/expected \(mt, mti, out, count\), got 3 arguments/, (s, o) => raw(s, 0, o));
});

/** The JS loop of the generator (src/ops/random.ts boxMuller16), for one block of 16. */
function jsBlock(u: Float64Array, mean: number, std: number): Float64Array {
  const v = Float64Array.from(u);
  for (let j = 0; j < 8; j++) {
    const radius = Math.sqrt(-2 * Math.log(1 - v[j]!)), theta = 2 * Math.PI * v[j + 8]!;
    v[j] = radius * Math.cos(theta) * std + mean;
    v[j + 8] = radius * Math.sin(theta) * std + mean;
  }
  return v;
}

test("boxMuller16 agrees with the JS loop to an ulp in float64 and exactly in float32, edge uniforms included", { skip: boxMullerSkip }, () => {
  const g = new torch.Generator(11);
  const u = new Float64Array(16 * 4096);
  g.randomDoublesInto(u.subarray(0, 16 * 2048));
  g.randomFloatsInto(u.subarray(16 * 2048));
  // 0 (radius 0), the largest uniforms below 1, and angles at multiples of pi/2
  u.set([0, 1 - 2 ** -53, 1 - 2 ** -24, 2 ** -53, 0.5, 0.25, 0.75, 1e-300, 0, 0.25, 0.5, 0.75, 1 - 2 ** -24, 2 ** -24, 0.125, 0.375]);
  let worst = 0;
  for (const [mean, std] of [[0, 1], [0.5, 2]] as const) {
    const native = Float64Array.from(u);
    addon!.boxMuller16!(native, mean, std);
    for (let b = 0; b < u.length; b += 16) {
      const js = jsBlock(u.subarray(b, b + 16), mean, std);
      for (let j = 0; j < 16; j++) {
        const a = native[b + j]!, e = js[j]!;
        assert.equal(Math.fround(a), Math.fround(e), `float32 of value ${b + j} (mean ${mean}, std ${std})`);
        // (relative to the normal itself: with a mean, a sum near 0 magnifies an ulp of its terms)
        if (mean === 0) worst = Math.max(worst, Math.abs(a - e) / Math.max(Math.abs(e), 1e-300));
      }
    }
  }
  assert.ok(worst <= 2 ** -51, `float64 within two ulps (worst relative difference ${worst})`);
});

test("boxMuller16 refuses anything but a Float64Array of whole blocks, and non-number parameters", { skip: boxMullerSkip }, () => {
  const raw = addon!.boxMuller16 as unknown as (...args: unknown[]) => void;
  const values = () => new Float64Array(32).fill(0.25);
  const refuses = (what: RegExp, make: () => unknown, ...rest: unknown[]) => {
    const v = make();
    rejects("boxMuller16", what, () => raw(v, ...rest));
    if (v instanceof Float64Array) assert.ok(v.every((x) => x === 0.25), "values are untouched");
  };
  refuses(/values must be a Float64Array/, () => new Float32Array(32), 0, 1);
  refuses(/values must be a Float64Array/, () => Array.from(values()), 0, 1);
  refuses(/values must hold a multiple of 16 numbers, got 17/, () => new Float64Array(17).fill(0.25), 0, 1);
  refuses(/mean must be a number/, values, "0", 1);
  refuses(/std must be a number/, values, 0, null);
  refuses(/expected \(values, mean, std\), got 2 arguments/, values, 0);
});
