/**
 * The kernel paths of advanced indexing (advanced-index.ts folds the indexed
 * dims into one axis of storage offsets and runs indexSelect / indexCopy /
 * indexAdd), the two-pass nonzero / mask positions and oneHot, on both
 * backends, at sizes that reach the native kernels. The oracle is a plain
 * element-by-element implementation of PyTorch's rules written here; the
 * PyTorch fixtures of tensor-index.test.ts cover the small cases.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { DType, Tensor } from "../src/index.js";
import { BACKENDS, backendSkip } from "./backends.js";

const { Slice } = torch.indexing;

let seed = 2024;
/** mulberry32: deterministic, so a failure reproduces */
function rand(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const randInt = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo));
const ints = (n: number, lo: number, hi: number) => Array.from({ length: n }, () => randInt(lo, hi));
const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Distinct values of each dtype (bools alternate irregularly). */
function input(shape: number[], dtype: DType): Tensor {
  const n = numel(shape);
  const data = Array.from({ length: n }, (_, i) => (dtype === "bool" ? (i * 7) % 3 === 0 : dtype === "int32" ? i * 3 - 1000 : i * 0.25 - 7));
  return torch.tensor(data, { dtype }).reshape(shape);
}
const flat = (t: Tensor) => Array.from(t.detach().contiguous().toArray()).map(Number);

/** One element of an index spec: null is a full slice, an array is an int32 index tensor (1-d, all the same length). */
type Spec = (number[] | null)[];

/** x[spec] by PyTorch's rules, element by element: the result's shape and values (row-major). */
function naiveIndex(vals: number[], shape: number[], spec: Spec): { shape: number[]; at: number[] } {
  const dims = spec.flatMap((s, d) => (s ? [d] : []));
  const n = spec[dims[0]!]!.length;
  const rest = shape.map((_, d) => d).filter((d) => !dims.includes(d));
  const adjacent = dims[dims.length - 1]! - dims[0]! === dims.length - 1;
  const order: (number | "I")[] = adjacent ? [...rest.filter((d) => d < dims[0]!), "I", ...rest.filter((d) => d > dims[0]!)] : ["I", ...rest];
  const outShape = order.map((o) => (o === "I" ? n : shape[o]!));
  const at: number[] = [];
  const pos = new Array<number>(outShape.length).fill(0);
  for (let k = 0; k < numel(outShape); k++) {
    let o = 0;
    for (let d = 0; d < shape.length; d++) {
      let c: number;
      if (spec[d]) {
        const i = spec[d]![pos[order.indexOf("I")]!]!;
        c = i < 0 ? i + shape[d]! : i;
      } else c = pos[order.indexOf(d)]!;
      o = o * shape[d]! + c;
    }
    at.push(o);
    for (let d = outShape.length - 1; d >= 0; d--) {
      if (++pos[d]! < outShape[d]!) break;
      pos[d] = 0;
    }
  }
  void vals;
  return { shape: outShape, at };
}

const toIndex = (spec: Spec) => spec.map((s) => (s === null ? Slice() : torch.tensor(s, { dtype: "int32" })));

/** x[spec] = v (accumulate: +=) in row-major order, v given for every result element. */
function naivePut(vals: number[], shape: number[], spec: Spec, v: number[], accumulate: boolean, dtype: DType): number[] {
  const out = [...vals];
  naiveIndex(vals, shape, spec).at.forEach((o, k) => {
    if (!accumulate) out[o] = v[k]!;
    else if (dtype === "bool") out[o] = out[o]! || v[k]! ? 1 : 0;
    else if (dtype === "int32") out[o] = (out[o]! + v[k]!) | 0;
    else out[o] = out[o]! + v[k]!;
  });
  return dtype === "float32" ? Array.from(Float32Array.from(out)) : out;
}

const CASES: { name: string; shape: number[]; spec: Spec; transposed?: boolean }[] = [
  { name: "x[idx] rows", shape: [700, 6], spec: [ints(300, -700, 700)] },
  { name: "x[idx] rows of a transposed tensor", shape: [700, 6], spec: [ints(300, -700, 700)], transposed: true },
  { name: "x[:, idx]", shape: [40, 50], spec: [null, ints(30, -50, 50)] },
  { name: "x[:, idx] of a transposed tensor", shape: [40, 50], spec: [null, ints(30, -50, 50)], transposed: true },
  { name: "x[idx, i2] (adjacent, all dims)", shape: [300, 20], spec: [ints(800, 0, 300), ints(800, -20, 20)] },
  { name: "x[:, idx, i2] (adjacent, inner)", shape: [6, 30, 20], spec: [null, ints(120, 0, 30), ints(120, 0, 20)] },
  { name: "x[idx, :, i2] (not adjacent)", shape: [30, 6, 20], spec: [ints(120, -30, 30), null, ints(120, 0, 20)] },
];

for (const backend of BACKENDS) {
  const skip = backendSkip(backend);

  test(`x.index with index tensors equals the element-by-element rule: contiguous and transposed, negative indices, every dtype (${backend})`, { skip }, () => {
    torch.setBackend(backend);
    for (const dtype of ["float32", "float64", "int32", "bool"] as const) {
      for (const c of CASES) {
        // a transposed input: the same logical values, the other memory order
        const x = c.transposed === true ? input([...c.shape].reverse(), dtype).t() : input(c.shape, dtype);
        assert.equal(x.isContiguous(), c.transposed !== true, `${c.name}: test input layout`);
        const want = naiveIndex(flat(x), c.shape, c.spec);
        const y = x.index(toIndex(c.spec));
        assert.deepEqual(y.shape, want.shape, `${c.name} ${dtype}: shape`);
        const xs = flat(x);
        assert.deepEqual(flat(y), want.at.map((o) => xs[o]!), `${c.name} ${dtype}: values`);
      }
    }
  });

  test(`x.indexPut_ with index tensors: writes and accumulates (duplicates add up) as the element-by-element rule, every dtype, broadcast and strided values (${backend})`, { skip }, () => {
    torch.setBackend(backend);
    for (const dtype of ["float32", "float64", "int32", "bool"] as const) {
      for (const c of CASES) {
        for (const accumulate of [false, true]) {
          const x = c.transposed === true ? input([...c.shape].reverse(), dtype).t() : input(c.shape, dtype);
          // without accumulate a repeated position keeps one of its values: write distinct positions only
          const spec = accumulate ? c.spec : distinct(c.spec, c.shape);
          const outShape = naiveIndex([], c.shape, spec).shape;
          // the values: a transposed tensor of the indexed shape
          const v = input([...outShape].reverse(), dtype).mul(dtype === "bool" ? 1 : -1).to(dtype).permute([...outShape.keys()].reverse());
          const before = flat(x);
          const want = naivePut(before, c.shape, spec, flat(v), accumulate, dtype);
          x.indexPut_(toIndex(spec), v, { accumulate });
          assert.deepEqual(flat(x), want, `${c.name} ${dtype} accumulate=${accumulate}`);
        }
      }
    }
  });

  test(`x.indexPut_ takes a number, a broadcast row, values sharing x's storage, and an empty index (${backend})`, { skip }, () => {
    torch.setBackend(backend);
    const idx = ints(200, 0, 600);
    const x = input([600, 8], "float32");
    const want = naivePut(flat(x), [600, 8], [idx], new Array<number>(1600).fill(2.5), true, "float32");
    x.indexPut_([torch.tensor(idx, { dtype: "int32" })], 2.5, { accumulate: true });
    assert.deepEqual(flat(x), want, "a number, accumulated");
    const row = torch.arange(0, 8).to("float32");
    const d = distinct([idx], [600, 8])[0]!;
    const want2 = naivePut(flat(x), [600, 8], [d], d.flatMap(() => [0, 1, 2, 3, 4, 5, 6, 7]), false, "float32");
    x.indexPut_([torch.tensor(d, { dtype: "int32" })], row);
    assert.deepEqual(flat(x), want2, "a broadcast row");
    // the values are a view of x's own first rows: PyTorch's index_put_ refuses them (assert_no_overlap; torch 1.13:
    // x.index_put_((d,), x[:3]) raises this) and writes nothing
    const rows = x.narrow(0, 0, d.length);
    const unchanged = flat(x);
    assert.throws(() => x.indexPut_([torch.tensor(d, { dtype: "int32" })], rows), {
      message: "unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location. Please clone() the tensor before performing the operation.",
    });
    assert.deepEqual(flat(x), unchanged, "values sharing the storage: nothing written");
    const empty = torch.tensor([], { dtype: "int32" });
    const before = flat(x);
    x.indexPut_([empty], torch.zeros([0, 8]), { accumulate: true });
    x.indexPut_([empty], 1);
    assert.deepEqual(flat(x), before, "an empty index writes nothing");
    assert.deepEqual(x.index([empty]).shape, [0, 8]);
    assert.deepEqual(x.index([Slice(), torch.tensor([], { dtype: "int32" })]).shape, [600, 0]);
  });

  test(`out-of-range indices give PyTorch's messages on the kernel paths (${backend})`, { skip }, () => {
    torch.setBackend(backend);
    const x = torch.zeros([100000, 4]);
    const bad = torch.tensor([5, 100000, 2], { dtype: "int32" });
    assert.throws(() => x.index([bad]), { message: /^index 100000 is out of bounds for dimension 0 with size 100000/ });
    assert.throws(() => x.index([torch.tensor([-100001], { dtype: "int32" })]), { message: /^index -100001 is out of bounds for dimension 0 with size 100000/ });
    assert.throws(() => x.indexPut_([bad], 1), { message: /^index 100000 is out of bounds for dimension 0 with size 100000/ });
    assert.throws(() => x.index([Slice(), torch.tensor([4], { dtype: "int32" })]), { message: /^index 4 is out of bounds for dimension 0 with size 4/ });
    assert.throws(() => x.index([torch.tensor([0], { dtype: "int32" }), torch.tensor([9], { dtype: "int32" })]), { message: /^index 9 is out of bounds for dimension 1 with size 4/ });
    // nothing was written by the failed put
    assert.equal(x.abs().sum().item(), 0);
  });

  test(`masks: x[mask] and x[mask] = v on full and row masks equal the element-by-element rule (${backend})`, { skip }, () => {
    torch.setBackend(backend);
    for (const dtype of ["float32", "float64", "int32"] as const) {
      const x = input([30, 40], dtype);
      const m = Array.from({ length: 1200 }, () => rand() < 0.4);
      const mask = torch.tensor(m).reshape([30, 40]);
      const xs = flat(x);
      assert.deepEqual(flat(x.index([mask])), xs.filter((_, i) => m[i]), `${dtype}: full mask`);
      const rm = m.slice(0, 30);
      const rows = x.index([torch.tensor(rm)]);
      assert.deepEqual(rows.shape, [rm.filter(Boolean).length, 40]);
      assert.deepEqual(flat(rows), xs.filter((_, i) => rm[Math.floor(i / 40)]), `${dtype}: row mask`);
      const y = x.clone();
      y.indexPut_([mask], 3);
      assert.deepEqual(flat(y), xs.map((v, i) => (m[i] ? 3 : v)), `${dtype}: masked write`);
      // a transposed input under the mask: the mask indexes the logical positions
      const xt = input([40, 30], dtype).t();
      const xts = flat(xt);
      assert.deepEqual(flat(xt.index([mask])), xts.filter((_, i) => m[i]), `${dtype}: transposed input`);
    }
  });

  test(`gradients: x[idx] with repeated indices sums the upstream gradient, x[:, idx] and x[mask] too; double backward by gradcheck (${backend})`, { skip }, () => {
    torch.setBackend(backend);
    for (const c of CASES) {
      const x = input(c.shape, "float64").requiresGrad_();
      const y = x.index(toIndex(c.spec));
      const g = torch.randn(y.shape, { dtype: "float64" });
      y.backward(g);
      const want = naivePut(new Array<number>(numel(c.shape)).fill(0), c.shape, c.spec, flat(g), true, "float64");
      const got = flat(x.grad!);
      got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-9, `${c.name}: grad[${i}] ${v} vs ${want[i]}`));
    }
    const small = torch.randn([5, 4], { dtype: "float64" }).requiresGrad_();
    const idx = torch.tensor([3, -1, 0, 3], { dtype: "int32" });
    const second = (fn: (t: Tensor) => Tensor) => torch.autograd.gradcheck((t: Tensor) => {
      const [gx] = torch.autograd.grad(fn(t).pow(2).sum(), [t], { createGraph: true });
      return gx!.pow(2).sum();
    }, [small]);
    assert.ok(torch.autograd.gradcheck((t: Tensor) => t.index([idx]), [small]));
    assert.ok(second((t) => t.index([idx])), "x[idx]: double backward");
    assert.ok(second((t) => t.index([Slice(), torch.tensor([1, 1, -4], { dtype: "int32" })])), "x[:, idx]: double backward");
    assert.ok(second((t) => t.index([torch.tensor([[true, false, true, true], [false, false, true, false], [true, true, true, true], [false, false, false, false], [true, false, false, true]])])), "x[mask]");
    const v = torch.randn([4, 4], { dtype: "float64" }).requiresGrad_();
    assert.ok(torch.autograd.gradcheck((t: Tensor, u: Tensor) => t.mul(1).indexPut_([idx], u, { accumulate: true }), [small, v]), "index_put accumulate");
    assert.ok(torch.autograd.gradcheck((t: Tensor, u: Tensor) => t.mul(1).indexPut_([torch.tensor([2, 0, 4, 1], { dtype: "int32" })], u), [small, v]), "index_put");
  });

  test(`embedding / indexSelect gradient with repeated indices adds up into zeros, and its double backward (${backend})`, { skip }, () => {
    torch.setBackend(backend);
    const w = torch.randn([300, 8], { dtype: "float64" }).requiresGrad_();
    const ids = ints(500, 0, 300);
    const e = torch.nn.functional.embedding(torch.tensor(ids, { dtype: "int32" }).reshape([50, 10]), w);
    const g = torch.randn(e.shape, { dtype: "float64" });
    e.backward(g);
    const want = naivePut(new Array<number>(2400).fill(0), [300, 8], [ids], flat(g), true, "float64");
    flat(w.grad!).forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-9, `grad[${i}]`));
    const small = torch.randn([4, 3], { dtype: "float64" }).requiresGrad_();
    const idx = torch.tensor([2, 2, 0], { dtype: "int32" });
    assert.ok(torch.autograd.gradcheck((t: Tensor) => {
      const [gx] = torch.autograd.grad(t.indexSelect(0, idx).pow(2).sum(), [t], { createGraph: true });
      return gx!.pow(2).sum();
    }, [small]), "indexSelect: double backward");
  });

  test(`nonzero: rows and columns in row-major order, NaN counts as nonzero, 0-d and empty inputs (${backend})`, { skip }, () => {
    torch.setBackend(backend);
    const shape = [7, 9, 11];
    const vals = Array.from({ length: numel(shape) }, () => (rand() < 0.3 ? (rand() < 0.1 ? NaN : rand() + 0.5) : 0));
    const x = torch.tensor(vals).reshape(shape);
    const coords: number[][] = [];
    vals.forEach((v, i) => {
      if (v !== 0) coords.push([Math.floor(i / 99), Math.floor(i / 11) % 9, i % 11]);
    });
    const nz = torch.nonzero(x);
    assert.deepEqual(nz.shape, [coords.length, 3]);
    assert.deepEqual(flat(nz), coords.flat());
    const cols = torch.nonzero(x, { asTuple: true });
    cols.forEach((c, d) => assert.deepEqual(flat(c), coords.map((r) => r[d]!), `column ${d}`));
    // a transposed input: positions of the logical layout
    const xt = x.transpose(0, 2);
    const tc: number[][] = [];
    for (let i = 0; i < 11; i++) for (let j = 0; j < 9; j++) for (let k = 0; k < 7; k++) if (vals[k * 99 + j * 11 + i] !== 0) tc.push([i, j, k]);
    assert.deepEqual(flat(torch.nonzero(xt)), tc.flat());
    assert.deepEqual(torch.nonzero(torch.tensor(3)).shape, [1, 0]);
    assert.deepEqual(torch.nonzero(torch.tensor(0)).shape, [0, 0]);
    assert.deepEqual(torch.nonzero(torch.zeros([4, 0, 2])).shape, [0, 3]);
    assert.deepEqual(torch.nonzero(torch.zeros([5, 6])).shape, [0, 2]);
    const idx = torch.nonzero(torch.tensor([0, 2, 0, -1], { dtype: "int32" }), { asTuple: true });
    assert.deepEqual(flat(idx[0]!), [1, 3]);
  });

  test(`oneHot: a 1 at each class, the shape [...input, classes], PyTorch's errors (${backend})`, { skip }, () => {
    torch.setBackend(backend);
    const ids = ints(3000, 0, 40);
    const x = torch.tensor(ids, { dtype: "int32" }).reshape([60, 50]);
    const y = torch.nn.functional.oneHot(x.t(), 45);
    assert.deepEqual(y.shape, [50, 60, 45]);
    assert.equal(y.dtype, "int32");
    const ys = flat(y);
    for (let i = 0; i < 50; i++) {
      for (let j = 0; j < 60; j++) {
        const row = ys.slice((i * 60 + j) * 45, (i * 60 + j + 1) * 45);
        assert.equal(row.reduce((a, b) => a + b, 0), 1);
        assert.equal(row[ids[j * 50 + i]!], 1);
      }
    }
    assert.deepEqual(torch.nn.functional.oneHot(torch.tensor([1, 3], { dtype: "int32" })).shape, [2, 4]);
    assert.throws(() => torch.nn.functional.oneHot(torch.tensor([1, -1], { dtype: "int32" }), 4), { message: /^Class values must be non-negative/ });
    assert.throws(() => torch.nn.functional.oneHot(torch.tensor([1, 4], { dtype: "int32" }), 4), { message: /^Class values must be smaller than num_classes/ });
    assert.throws(() => torch.nn.functional.oneHot(torch.tensor([], { dtype: "int32" })), { message: /^Can not infer total number of classes from empty tensor/ });
  });
}

/** The spec with each index position kept only the first time its target repeats (index tensors of equal length). */
function distinct(spec: Spec, shape: number[]): Spec {
  const dims = spec.flatMap((s, d) => (s ? [d] : []));
  const n = spec[dims[0]!]!.length, seen = new Set<string>(), keep: number[] = [];
  for (let k = 0; k < n; k++) {
    const key = dims.map((d) => { const i = spec[d]![k]!; return i < 0 ? i + shape[d]! : i; }).join(",");
    if (!seen.has(key)) {
      seen.add(key);
      keep.push(k);
    }
  }
  return spec.map((s) => (s === null ? null : keep.map((k) => s[k]!)));
}
