// The native elementwise kernels' dtype-specialised loops, against the
// reference backend, bit for bit: floor/ceil/trunc (done from nearbyint and
// a fix-up), isnan and logicalNot (to bool, every input dtype), logicalAnd/Or
// (every dtype, tensor and scalar operands). Inputs mix NaN, the infinities,
// signed zeros, halves, values past the last fractional bit and random
// values; contiguous and strided, 2000+ elements (past the native cut-over).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { backendSkip } from "./backends.js";

const specials = [
  NaN, -NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-45, 5e-324, -5e-324, 0.1, -0.1, 0.5, -0.5, 0.49999997, -0.49999997,
  0.5000001, -0.5000001, 1, -1, 1.5, -1.5, 2.5, -2.5, 0.7, -0.7, 3.999, -3.999, 8388607.5, -8388607.5, 8388608, -8388609,
  16777217, 4503599627370495.5, -4503599627370495.5, 4503599627370497, -4503599627370497, 2 ** 60 + 1, 1e30, -1e30, 3.4e38,
  -3.4e38, 1.7e308, -1.7e308,
];

type Dtype = "float32" | "float64" | "int32" | "bool";

/** 2400 values: the specials, then randn * 3 (ints: randint; bools: random, about a third true). */
function input(dtype: Dtype, seed = 9): Tensor {
  torch.manualSeed(seed);
  if (dtype === "bool") return torch.rand([2400]).lt(0.35);
  if (dtype === "int32") return torch.randint(-3, 4, [2400], { dtype: "int32" });
  const x = torch.randn([2400], { dtype }).mul(3);
  x.data.set(specials);
  return x;
}

/** Every other element of a 4800-element tensor: a strided view of the same 2400 values. */
function strided(x: Tensor): Tensor {
  return torch.stack([x, x], 1).select(1, 1);
}

const values = (t: Tensor) => Array.from(t.contiguous().toArray() as ArrayLike<number | boolean>, (v) => (typeof v === "boolean" ? Number(v) : v));

/** Elementwise Object.is (NaN equals NaN, 0 differs from -0). */
function sameBits(actual: number[], expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) assert.fail(`${what}: [${i}] is ${actual[i]} natively, ${expected[i]} on the reference`);
  }
}

/** Runs `f` on both backends and compares the results' bits and dtypes. */
function bothBackends(what: string, f: () => Tensor): void {
  const results = (["native", "reference"] as const).map((backend) => {
    torch.setBackend(backend);
    try {
      const out = f();
      return { dtype: out.dtype, v: values(out) };
    } finally {
      torch.setBackend("native");
    }
  });
  assert.equal(results[0]!.dtype, results[1]!.dtype, what);
  sameBits(results[0]!.v, results[1]!.v, what);
}

test("floor, ceil, trunc, round and frac: the native kernels give the reference's bits", { skip: backendSkip("native") }, () => {
  for (const dtype of ["float32", "float64"] as const) {
    const x = input(dtype);
    for (const [name, a] of [["contiguous", x], ["strided", strided(x)]] as const) {
      bothBackends(`${dtype} ${name} floor`, () => a.floor());
      bothBackends(`${dtype} ${name} ceil`, () => a.ceil());
      bothBackends(`${dtype} ${name} trunc`, () => a.trunc());
      bothBackends(`${dtype} ${name} round`, () => a.round());
      bothBackends(`${dtype} ${name} frac`, () => a.frac());
    }
  }
});

test("isnan and logicalNot: the native kernels give the reference's bits for every dtype", { skip: backendSkip("native") }, () => {
  for (const dtype of ["float32", "float64", "int32", "bool"] as const) {
    const x = input(dtype);
    for (const [name, a] of [["contiguous", x], ["strided", strided(x)]] as const) {
      bothBackends(`${dtype} ${name} isnan`, () => a.isnan());
      bothBackends(`${dtype} ${name} logicalNot`, () => a.logicalNot());
    }
  }
});

test("logicalAnd, logicalOr and logicalXor: the native kernels give the reference's bits for every dtype", { skip: backendSkip("native") }, () => {
  for (const dtype of ["float32", "float64", "int32", "bool"] as const) {
    const x = input(dtype), y = input(dtype, 10);
    for (const [name, a, b] of [["contiguous", x, y], ["strided", strided(x), y], ["broadcast", x, y.narrow(0, 5, 1)]] as const) {
      bothBackends(`${dtype} ${name} logicalAnd`, () => a.logicalAnd(b));
      bothBackends(`${dtype} ${name} logicalOr`, () => a.logicalOr(b));
      bothBackends(`${dtype} ${name} logicalXor`, () => a.logicalXor(b));
    }
    for (const s of [0, 1, NaN, -0]) {
      bothBackends(`${dtype} logicalAnd(${s})`, () => x.logicalAnd(s));
      bothBackends(`${dtype} logicalOr(${s})`, () => x.logicalOr(s));
    }
  }
});

test("nanToNum (clamp and where, no longer a JS map): the native result is the reference's, bit for bit", { skip: backendSkip("native") }, () => {
  const options = [{}, { nan: 5 }, { posinf: 100 }, { neginf: -7.3 }, { nan: -0, posinf: 0.1, neginf: 1e300 }, { nan: Infinity },
    { posinf: NaN, neginf: Infinity }, { posinf: 3.4028234663852886e38 }, { posinf: 1e39, neginf: -1e39 }, { posinf: null, neginf: null }];
  for (const dtype of ["float32", "float64", "int32", "bool"] as const) {
    const x = input(dtype);
    for (const [name, a] of [["contiguous", x], ["strided", strided(x)]] as const) {
      for (const o of options) bothBackends(`${dtype} ${name} nanToNum(${JSON.stringify(o)})`, () => a.nanToNum(o));
    }
  }
  // a 0-d input, and the gradient (zero at the replaced elements)
  bothBackends("0-d nanToNum", () => torch.tensor(-Infinity).nanToNum());
  const g = torch.tensor([NaN, 1, Infinity, -Infinity, 2], { requiresGrad: true });
  g.nanToNum().sum().backward();
  assert.deepEqual(Array.from(g.grad!.toArray() as ArrayLike<number>), [0, 1, 0, 0, 1]);
});

test("expm1, log1p and erf (float32: vectorized in double): the native kernels give the reference's bits", { skip: backendSkip("native") }, () => {
  // around expm1's switch from the series to exp(x) - 1 (|x| = 0.35), log1p's pole and the tiny inputs where 1 + x rounds,
  // erf's switches at |x| = 1 and 4 and where it first rounds to 1 in float32 (about 3.92)
  const edges = [1, -1, 0.99999994, -0.99999994, 1.0000001, 3.9999998, -3.9999998, 4, 4.0000005, -4.0000005, 3.91, 3.92, 3.93, -3.93, 5, 26, 27,
    0.35, -0.35, 0.34999999, -0.34999999, 0.35000002, -0.35000002, -1, -0.99999994, -1.0000001, -2, 1e-10, -1e-10,
    2 ** -29, -(2 ** -29), 2 ** -30, 88.7, 88.8, -88.8, -103, -104, 200, 201, -201, 709, 710, 1e-38, -1e-38];
  // float32 only: float64 calls libm's expm1/log1p/erf, which can differ from the reference's in the last bit (as before)
  for (const dtype of ["float32"] as const) {
    torch.manualSeed(3);
    const wide = torch.randn([4000], { dtype }).mul(20), narrow = torch.rand([4000], { dtype }).mul(0.8).sub(0.4);
    const x = torch.cat([input(dtype), wide, narrow]);
    x.data.set(edges, specials.length);
    for (const [name, a] of [["contiguous", x], ["strided", strided(x)]] as const) {
      bothBackends(`${dtype} ${name} expm1`, () => a.expm1());
      bothBackends(`${dtype} ${name} log1p`, () => a.log1p());
      // + 0 turns -0 into 0: the reference's erf(-0) is 0, the native one -0 as PyTorch's (both as before; checked below)
      bothBackends(`${dtype} ${name} erf`, () => a.add(0).erf());
      bothBackends(`${dtype} ${name} erf near 0`, () => a.mul(1e-3).add(0).erf());
      bothBackends(`${dtype} ${name} log1p of 10^x`, () => torch.pow(10, a.clamp(-30, 30)).log1p());
    }
  }
  const negativeZeros = torch.zeros([3000]).neg();
  assert.ok(Object.is(negativeZeros.erf().data[0], -0), "native erf(-0) is -0");
});

test("addcmul with the default value (no multiply by 1): the native result is the reference's, every dtype", { skip: backendSkip("native") }, () => {
  for (const dtype of ["float32", "float64", "int32", "bool"] as const) {
    const x = input(dtype), y = input(dtype, 10), z = input(dtype, 11);
    for (const [name, a] of [["contiguous", x], ["strided", strided(x)]] as const) {
      bothBackends(`${dtype} ${name} addcmul`, () => a.addcmul(y, z));
      bothBackends(`${dtype} ${name} addcmul value 1`, () => torch.addcmul(a, y, z, { value: 1 }));
      if (dtype !== "bool") bothBackends(`${dtype} ${name} addcmul value 2`, () => a.addcmul(y, z, { value: 2 }));
    }
  }
  // the graph with gradients is the composed one, as before
  const a = torch.randn([3], { requiresGrad: true }), b = torch.randn([3]), c = torch.randn([3]);
  const out = torch.addcmul(a, b, c);
  out.sum().backward();
  assert.deepEqual(Array.from(a.grad!.toArray() as ArrayLike<number>), [1, 1, 1]);
});
