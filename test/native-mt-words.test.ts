// The native MT19937 words (native/random.c, mtWords) against the
// generator's own JS loop: the same words from every position, the state
// left as the JS twist leaves it; and bad arguments refused in C before any
// memory is touched.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { loadNativeBackend, nativeAddon } from "../src/backend/native/load.js";
import { rejects } from "./native-rejects.js";

const addon = nativeAddon();
const skip = addon === null || typeof addon.mtWords !== "function" ? `the native addon (with mtWords) is not available (${loadNativeBackend().error})` : false;
const mtWords = (mt: Uint32Array, mti: number, out: Uint32Array, count: number) => addon!.mtWords!(mt, mti, out, count);

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

test("seeded samplers give the same values with and without the native words", { skip }, () => {
  const draw = () => {
    torch.manualSeed(3);
    return [torch.rand([3000]), torch.randint(0, 1000, [3000]), torch.randperm(3000), torch.empty([3000]).bernoulli_(0.3), torch.randn([3000])].map((t) => Array.from(t.toArray() as ArrayLike<number>));
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
