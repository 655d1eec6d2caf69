/**
 * The native fast paths of advanced indexing against the core's own loops
 * (the reference backend): one mask alone resolved to its flat positions
 * (`x[mask]`, `x[:, mask]`, puts through it), `x[mask] = scalar` as one
 * masked-fill kernel call, and int32 indices checked, wrapped and folded in
 * one native pass (native/index-offsets.c). Every result must equal the
 * reference's exactly (dtype, shape, each value's bits: NaN and -0
 * included), on every dtype and on transposed, stepped, offset and
 * expanded inputs, at sizes past the native thresholds; gradients too; and
 * bad indices keep PyTorch's messages on both.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { loadNativeBackend } from "../src/backend/native/load.js";
import type { DType } from "../src/tensor/dtype.js";
import type { Tensor } from "../src/tensor/tensor.js";
import { onBoth } from "./backends.js";

const { Slice, None } = torch.indexing;
const loaded = loadNativeBackend();
const skip = loaded.backend === null ? `the native addon is not available (${loaded.error})` : false;

/** Pseudo-random values of `dtype` (fixed by `seed`): bools about half true; floats with NaN, -0 and ties among them. */
function values(shape: number[], dtype: DType, seed = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  let s = seed;
  const v = Array.from({ length: n }, (_, i) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    const r = s / 2147483648;
    if (dtype === "bool") return r < 0.5 ? 0 : 1;
    if (dtype !== "int32" && i % 97 === 5) return NaN;
    if (dtype !== "int32" && i % 89 === 3) return -0;
    return Math.floor(r * 200) - 100 + (dtype === "int32" ? 0 : 0.25);
  });
  return torch.tensor(v, { dtype }).reshape(shape);
}

/** Same dtype, shape and values, bit for bit (NaN equal to NaN, -0 apart from 0). */
function same(n: Tensor, r: Tensor, what: string): void {
  assert.equal(n.dtype, r.dtype, `${what}: dtype`);
  assert.deepEqual(n.shape, r.shape, `${what}: shape`);
  const a = Array.from(n.contiguous().data.subarray(n.contiguous().offset, n.contiguous().offset + n.numel()) as ArrayLike<number>);
  const b = Array.from(r.contiguous().data.subarray(r.contiguous().offset, r.contiguous().offset + r.numel()) as ArrayLike<number>);
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.fail(`${what}: element ${i} is ${a[i]} natively, ${b[i]} on the reference`);
}

/** `t` laid out differently, same values: the layouts the kernels must walk. */
const LAYOUTS: Record<string, (t: Tensor) => Tensor> = {
  contiguous: (t) => t,
  transposed: (t) => t.transpose(0, t.dim() - 1).contiguous().transpose(0, t.dim() - 1),
  offset: (t) => torch.cat([t.reshape([-1]).narrow(0, 0, 3), t.reshape([-1])]).narrow(0, 3, t.numel()).reshape(t.shape),
  stepped: (t) => torch.cat([t, t], 0).reshape([2, ...t.shape]).transpose(0, 1).select(1, 0),
};

const DTYPES = ["float32", "float64", "int32", "bool"] as const;

test("x[mask] with one mask alone equals the reference: full, leading, middle and 1-d masks, every dtype and layout", { skip }, () => {
  const cases: [string, number[], (x: Tensor, m: Tensor) => Tensor, number[]][] = [
    ["x[mask] full [37, 41]", [37, 41], (x, m) => x.index([m]), [37, 41]],
    ["x[mask] full 3-d", [6, 7, 20], (x, m) => x.index([m]), [6, 7, 20]],
    ["x[mask] leading dims", [6, 7, 20], (x, m) => x.index([m]), [6, 7]],
    ["x[:, mask] middle dims", [5, 12, 13, 3], (x, m) => x.index([Slice(), m]), [12, 13]],
    ["x[..., mask] last dim", [30, 40], (x, m) => x.index(["...", m]), [40]],
    ["x[mask] rows", [300, 9], (x, m) => x.index([m]), [300]],
    ["x[None, mask]", [40, 30], (x, m) => x.index([None, m]), [40, 30]],
  ];
  for (const dtype of DTYPES) {
    for (const [name, shape, index, maskShape] of cases) {
      const base = values(shape, dtype, 3);
      const mask = values(maskShape, "bool", 7);
      for (const [layout, lay] of Object.entries(LAYOUTS)) {
        for (const [mname, m] of [["mask", mask], [`${layout} mask`, lay(mask)], ["all true", torch.onesLike(mask)], ["all false", torch.zerosLike(mask)]] as const) {
          const x = lay(base);
          const [r, n] = onBoth(() => index(x, m));
          same(n, r, `${dtype} ${name} ${layout} x, ${mname}`);
        }
      }
    }
  }
  // an expanded mask (stride 0) and an expanded x
  const m = values([1, 200], "bool", 9).expand([300, 200]);
  const x = values([1, 200], "float32", 2).expand([300, 200]);
  // a size-1 dim inside the mask whose stride is odd (as_strided): the flat positions step by the other dims' strides
  const odd = torch.asStrided(values([1000], "float32", 6), [50, 1, 20], [20, 999, 1]);
  const mOdd = values([50, 1], "bool", 8), mOdd2 = values([50, 1, 20], "bool", 10);
  for (const [name, fn] of [
    ["expanded mask", () => values([300, 200], "float32", 4).index([m])], ["expanded x", () => x.index([m])],
    ["expanded x, full mask", () => x.index([values([300, 200], "bool", 5)])],
    ["size-1 dim with an odd stride, leading mask", () => odd.index([mOdd])], ["size-1 dim with an odd stride, full mask", () => odd.index([mOdd2])],
    ["size-1 dim with an odd stride, put", () => odd.clone().indexPut_([mOdd], values([20], "float32", 12), { accumulate: true })],
  ] as const) {
    const [r, n] = onBoth(fn);
    same(n, r, name);
  }
});

test("x[mask] keeps PyTorch's messages and its empty results", { skip }, () => {
  const x = torch.randn([30, 40]);
  for (const backend of ["reference", "native"] as const) {
    const previous = torch.getBackend();
    torch.setBackend(backend);
    try {
      assert.throws(() => x.index([values([30, 39], "bool")]), /^Error: The shape of the mask \[30, 39\] at index 1 does not match the shape of the indexed tensor \[30, 40\] at index 1/);
      assert.throws(() => x.indexPut_([values([31, 40], "bool")], 0), /^Error: The shape of the mask \[31, 40\] at index 0 does not match the shape of the indexed tensor \[30, 40\] at index 0/);
      assert.deepEqual(x.index([torch.zeros([30, 40], { dtype: "bool" })]).shape, [0]);
      assert.deepEqual(torch.zeros([0, 40]).index([torch.zeros([0], { dtype: "bool" })]).shape, [0, 40]);
    } finally {
      torch.setBackend(previous);
    }
  }
});

test("x[mask] = scalar (masked fill) equals the reference on every dtype, layout and mask position, and bumps the version once", { skip }, () => {
  const cases: [string, number[], number[], (x: Tensor, m: Tensor, v: number | Tensor) => Tensor][] = [
    ["full", [37, 41], [37, 41], (x, m, v) => x.indexPut_([m], v)],
    ["leading dims", [6, 7, 20], [6, 7], (x, m, v) => x.indexPut_([m], v)],
    ["middle dims", [5, 12, 13, 3], [12, 13], (x, m, v) => x.indexPut_([Slice(), m], v)],
    ["after a slice", [40, 30], [30], (x, m, v) => x.indexPut_([Slice(2, 30), m], v)],
    ["rows", [300, 9], [300], (x, m, v) => x.indexPut_([m], v)],
  ];
  const fills: Record<(typeof DTYPES)[number], (number | Tensor)[]> = {
    float32: [0, -0, 2.5, NaN, -Infinity, 0.1, torch.tensor(7, { dtype: "int32" }), torch.tensor(1.25, { dtype: "float64" })],
    float64: [0, 0.1, NaN, torch.tensor(-3.5)],
    int32: [0, -7, 2147483647, torch.tensor(9, { dtype: "int32" })],
    bool: [1, 0, torch.tensor(true)],
  };
  for (const dtype of DTYPES) {
    for (const [name, shape, maskShape, put] of cases) {
      const base = values(shape, dtype, 11), mask = values(maskShape, "bool", 13);
      for (const [layout, lay] of Object.entries(LAYOUTS)) {
        for (const v of fills[dtype]) {
          for (const [mname, m] of [["mask", mask], [`${layout} mask`, lay(mask)], ["all true", torch.onesLike(mask)], ["all false", torch.zerosLike(mask)]] as const) {
            const what = `${dtype} ${name} ${layout} x, ${mname}, value ${typeof v === "number" ? v : `${v.dtype} ${v.item()}`}`;
            const [[r, rv], [n, nv]] = onBoth(() => {
              const x = lay(base.clone());
              const before = x.version;
              const out = put(x, m, v);
              assert.equal(out, x, `${what}: returns x`);
              return [x, x.version - before] as const;
            });
            same(n, r, what);
            assert.equal(nv, 1, `${what}: one version bump`);
            assert.equal(rv, 1, `${what}: one version bump (reference)`);
          }
        }
      }
    }
  }
  // a value tensor of the indexed shape and accumulation keep the index_put path
  const x = values([37, 41], "float32", 3), m = values([37, 41], "bool", 5);
  const count = m.sum().item();
  const [r1, n1] = onBoth(() => x.clone().indexPut_([m], torch.arange(0, count).to("float32")));
  same(n1, r1, "x[mask] = values");
  const [r2, n2] = onBoth(() => x.clone().indexPut_([m], torch.tensor(1.5), { accumulate: true }));
  same(n2, r2, "x[mask] += 1.5");
});

test("x[mask] = scalar on a tensor in a graph records index_put_ and gives the reference's gradients", { skip }, () => {
  const m = values([30, 40], "bool", 3), g = torch.randn([30, 40], { dtype: "float64" });
  const [r, n] = onBoth(() => {
    const leaf = torch.randn([30, 40], { dtype: "float64", generator: new torch.Generator().manualSeed(5) }).requiresGrad_();
    const y = leaf.mul(2);
    y.indexPut_([m], 3);
    const name = y.gradFn?.name;
    const [gx] = torch.autograd.grad([y], [leaf], { gradOutputs: [g] });
    return { y: y.detach(), gx: gx!, name };
  });
  same(n.y, r.y, "values");
  same(n.gx, r.gx, "gradient");
  assert.equal(n.name, r.name);
  // the written positions take no gradient
  const mv = Array.from(m.data);
  Array.from(n.gx.data).forEach((v, i) => assert.equal(v, mv[i] ? 0 : 2 * Number(g.data[i]), `gradient ${i}`));
  // a leaf that requires grad refuses the in-place write, as in PyTorch
  const leaf = torch.randn([30, 40]).requiresGrad_();
  assert.throws(() => leaf.indexPut_([m], 0), /^Error: a leaf Variable that requires grad is being used in an in-place operation/);
});

test("gradients through x[mask] and x[:, mask] equal the reference's", { skip }, () => {
  for (const [name, shape, maskShape, index] of [
    ["full", [30, 40], [30, 40], (x: Tensor, m: Tensor) => x.index([m])],
    ["middle", [4, 20, 30, 2], [20, 30], (x: Tensor, m: Tensor) => x.index([Slice(), m])],
  ] as const) {
    const m = values([...maskShape], "bool", 17);
    const x0 = torch.randn([...shape], { dtype: "float64", generator: new torch.Generator().manualSeed(1) });
    // the upstream gradient made once (the backends' sin may differ in the last bit)
    const g0 = torch.randn([m.sum().item() * x0.numel() / m.numel()], { dtype: "float64", generator: new torch.Generator().manualSeed(2) });
    const [r, n] = onBoth(() => {
      const x = x0.clone().requiresGrad_();
      const y = index(x, m);
      const g = g0.reshape(y.shape);
      const [gx] = torch.autograd.grad([y], [x], { gradOutputs: [g] });
      return { y: y.detach(), gx: gx! };
    });
    same(n.y, r.y, `${name}: values`);
    same(n.gx, r.gx, `${name}: gradient`);
  }
});

test("int32 indices folded natively equal the reference: negatives, broadcasting, split dims, layouts, every dtype", { skip }, () => {
  const idx = (vals: number[], shape?: number[]) => torch.tensor(vals, { dtype: "int32" }).reshape(shape ?? [vals.length]);
  const ramp = (n: number, mod: number, shift = 0) => Array.from({ length: n }, (_, i) => ((i * 7919) % mod) - shift);
  const cases: [string, number[], (x: Tensor) => Tensor][] = [
    ["x[i, j]", [300, 64], (x) => x.index([idx(ramp(2000, 300)), idx(ramp(2000, 64))])],
    ["x[i, j] negatives", [300, 64], (x) => x.index([idx(ramp(2000, 600, 300)), idx(ramp(2000, 128, 64))])],
    ["x[i, j] broadcast [N, 1] with [M]", [300, 64], (x) => x.index([idx(ramp(40, 300), [40, 1]), idx(ramp(30, 64))])],
    ["x[i, :, k] split dims", [50, 6, 40], (x) => x.index([idx(ramp(900, 50)), Slice(), idx(ramp(900, 80, 40))])],
    ["x[:, i, j]", [3, 50, 40], (x) => x.index([Slice(), idx(ramp(900, 50)), idx(ramp(900, 40))])],
    ["x[i] rows", [300, 64], (x) => x.index([idx(ramp(1000, 600, 300))])],
    ["x[i, j, k]", [20, 30, 10], (x) => x.index([idx(ramp(1200, 20)), idx(ramp(1200, 30)), idx(ramp(1200, 20, 10))])],
    ["x[i, j] 2-d indices", [300, 64], (x) => x.index([idx(ramp(1200, 300), [40, 30]), idx(ramp(1200, 64), [40, 30])])],
    ["size-1 dim", [1, 900], (x) => x.index([idx(ramp(900, 2, 1).map((v) => Math.min(v, 0))), idx(ramp(900, 900))])],
  ];
  for (const dtype of DTYPES) {
    for (const [name, shape, fn] of cases) {
      const base = values(shape, dtype, 21);
      for (const [layout, lay] of Object.entries(LAYOUTS)) {
        const [r, n] = onBoth(() => fn(lay(base)));
        same(n, r, `${dtype} ${name} ${layout}`);
      }
    }
  }
  // a size-1 dim with a huge stride (as_strided) adds nothing to the offsets
  const x = torch.asStrided(torch.arange(0, 1000, { dtype: "float32" }), [1, 1000], [2 ** 40, 1]);
  const [r, n] = onBoth(() => x.index([idx(new Array(800).fill(0)), idx(ramp(800, 1000))]));
  same(n, r, "huge stride on a size-1 dim");
});

test("puts through int32 indices equal the reference (overwrite, accumulate, broadcast values)", { skip }, () => {
  const i = torch.tensor(Array.from({ length: 3000 }, (_, k) => ((k * 7919) % 600) - 300), { dtype: "int32" });
  const j = torch.tensor(Array.from({ length: 3000 }, (_, k) => (k * 31) % 64), { dtype: "int32" });
  for (const dtype of ["float32", "float64", "int32"] as const) {
    const base = values([300, 64], dtype, 5);
    for (const [layout, lay] of Object.entries(LAYOUTS)) {
      const v = values([3000], dtype, 9);
      const [r1, n1] = onBoth(() => lay(base.clone()).indexPut_([i, j], v, { accumulate: true }));
      same(n1, r1, `${dtype} ${layout} accumulate`);
      const [r2, n2] = onBoth(() => lay(base.clone()).indexPut_([i, j], torch.tensor(4, { dtype })));
      same(n2, r2, `${dtype} ${layout} scalar`);
      const [r3, n3] = onBoth(() => lay(base.clone()).indexPut_([i], values([64], dtype, 4), { accumulate: true }));
      same(n3, r3, `${dtype} ${layout} rows accumulate`);
    }
  }
});

test("int32 indices out of range keep PyTorch's message (the first bad one, in PyTorch's order) on both backends", { skip }, () => {
  const x = torch.randn([300, 64]);
  const ok0 = torch.tensor(Array.from({ length: 1000 }, (_, k) => k % 300), { dtype: "int32" });
  const ok1 = torch.tensor(Array.from({ length: 1000 }, (_, k) => k % 64), { dtype: "int32" });
  const bad0 = ok0.clone().indexPut_([torch.tensor([700], { dtype: "int32" })], torch.tensor(-301, { dtype: "int32" }));
  const bad1 = ok1.clone().indexPut_([torch.tensor([600], { dtype: "int32" })], torch.tensor(64, { dtype: "int32" }));
  for (const backend of ["reference", "native"] as const) {
    const previous = torch.getBackend();
    torch.setBackend(backend);
    try {
      assert.throws(() => x.index([bad0, ok1]), /^Error: index -301 is out of bounds for dimension 0 with size 300$/);
      assert.throws(() => x.index([ok0, bad1]), /^Error: index 64 is out of bounds for dimension 1 with size 64$/);
      // both bad: dimension 0's is reported, as PyTorch checks the index tensors in order
      assert.throws(() => x.index([bad0, bad1]), /^Error: index -301 is out of bounds for dimension 0 with size 300$/);
      const y = x.clone();
      assert.throws(() => y.indexPut_([ok0, bad1], torch.tensor(1)), /^Error: index 64 is out of bounds for dimension 1 with size 64$/);
      assert.deepEqual(Array.from(y.data), Array.from(x.data), "nothing written");
      // an empty result checks nothing
      assert.deepEqual(x.index([Slice(0, 0), bad1.narrow(0, 0, 0)]).shape, [0, 0]);
    } finally {
      torch.setBackend(previous);
    }
  }
});

test("gradients through x[i, j] equal the reference's", { skip }, () => {
  const i = torch.tensor(Array.from({ length: 2000 }, (_, k) => ((k * 7919) % 600) - 300), { dtype: "int32" });
  const j = torch.tensor(Array.from({ length: 2000 }, (_, k) => (k * 31) % 64), { dtype: "int32" });
  const x0 = torch.randn([300, 64], { dtype: "float64", generator: new torch.Generator().manualSeed(3) });
  const g = torch.randn([2000], { dtype: "float64", generator: new torch.Generator().manualSeed(4) });
  const [r, n] = onBoth(() => {
    const x = x0.clone().requiresGrad_();
    const y = x.index([i, j]);
    const [gx] = torch.autograd.grad([y], [x], { gradOutputs: [g] });
    return { y: y.detach(), gx: gx! };
  });
  same(n.y, r.y, "values");
  same(n.gx, r.gx, "gradient");
});
