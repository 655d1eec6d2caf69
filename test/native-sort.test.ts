// The native order of lines (native/sort.c, sortIndices) behind sort,
// argsort, msort, topk, kthvalue, median and quantile, against the reference
// backend's stable comparator sort: the same values (bit for bit) and the
// same indices, on NaN, infinities, signed zeros, denormals and many ties, in
// float32, float64, int32 and bool, contiguous and strided, along every dim,
// ascending and descending, and for each way the kernel picks a top k (a
// short running list, a candidate buffer, a full sort; insertion, merge and
// radix sorts by line length). Bad arguments are refused in C.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { loadNativeBackend, nativeAddon } from "../src/backend/native/load.js";
import { backendSkip } from "./backends.js";
import { rejects } from "./native-rejects.js";
import { agree } from "./native-agree.js";

const addon = nativeAddon();
const skip = backendSkip("native") || (typeof addon?.sortIndices !== "function" ? `the native addon (with sortIndices) is not available (${loadNativeBackend().error})` : false);

const specials = [NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-45, 1, -1, 1 + 2 ** -52, 3e38, -3e38, NaN, -0, 0];

/** Values of `dtype` with many ties (randint) and, for floats, the specials scattered through them. */
function input(shape: number[], dtype: "float32" | "float64" | "int32" | "bool", seed: number): Tensor {
  torch.manualSeed(seed);
  if (dtype === "bool") return torch.randint(0, 2, shape).to("bool");
  if (dtype === "int32") {
    const t = torch.randint(-6, 6, shape, { dtype: "int32" });
    t.data.set([2147483647, -2147483648, 0, -1], 7);
    return t;
  }
  const t = torch.randint(-6, 6, shape).to(dtype).div(2);
  const n = t.numel();
  for (let i = 0; i < specials.length * 8; i++) t.data[(i * 7919) % n] = specials[i % specials.length]!;
  return t;
}

/** Contiguous inputs and strided views of the same shapes (a transposed copy, every other line). */
function cases(dtype: "float32" | "float64" | "int32" | "bool"): [string, Tensor][] {
  const wide = input([12, 1000], dtype, 1), tall = input([1000, 12], dtype, 2), cube = input([3, 5, 70], dtype, 3);
  return [
    ["[12, 1000]", wide],
    ["[1000, 12]", tall],
    ["[3, 5, 70]", cube],
    ["transposed [1000, 12]", input([12, 1000], dtype, 4).t()],
    ["every other row [6, 1000]", wide.narrow(0, 0, 12).unfold(0, 1, 2).squeeze(-1)],
    ["[3, 70, 5] view", cube.transpose(1, 2)],
  ];
}

test("sort and argsort: native indices and values equal the reference's, every dtype, dim and direction", { skip }, () => {
  for (const dtype of ["float32", "float64", "int32", "bool"] as const) {
    for (const [name, a] of cases(dtype)) {
      for (const dim of [0, 1, -1]) {
        for (const descending of [false, true]) {
          agree(`${dtype} ${name} sort(dim ${dim}, descending ${descending})`, () => {
            const r = torch.sort(a, { dim, descending });
            return [r.values, r.indices, torch.argsort(a, { dim, descending, stable: true })];
          });
        }
      }
      agree(`${dtype} ${name} msort`, () => [torch.msort(a)]);
    }
  }
});

test("topk: native equals the reference for small k, candidate buffers and full sorts, largest and smallest", { skip }, () => {
  for (const dtype of ["float32", "float64", "int32"] as const) {
    for (const [name, a] of cases(dtype)) {
      for (const dim of [0, -1]) {
        const n = a.shape.at(dim)!;
        for (const k of [0, 1, 3, 16, 17, 40, 200, n - 1, n].filter((v) => v <= n)) {
          for (const largest of [true, false]) {
            agree(`${dtype} ${name} topk(${k}, dim ${dim}, largest ${largest})`, () => {
              const r = torch.topk(a, k, { dim, largest });
              return [r.values, r.indices];
            });
          }
        }
      }
    }
  }
});

test("topk on data that improves at every element, and on lines of one repeated value, NaN or -0", { skip }, () => {
  const ramp = torch.arange(0, 4000).reshape([4, 1000]);
  for (const dtype of ["float32", "float64", "int32"] as const) {
    const up = ramp.to(dtype), down = up.neg();
    for (const k of [1, 5, 16, 40]) {
      for (const largest of [true, false]) {
        agree(`${dtype} ramp topk(${k}, largest ${largest})`, () => [torch.topk(up, k, { largest }).indices, torch.topk(down, k, { largest }).indices]);
      }
    }
  }
  for (const fill of [0, -0, NaN, Infinity, 7]) {
    const flat = torch.full([3, 800], fill);
    agree(`lines of ${fill}`, () => [torch.topk(flat, 5).indices, torch.topk(flat, 50, { largest: false }).indices, torch.sort(flat, { descending: true }).indices]);
  }
});

test("kthvalue, median and quantile along a dim: native equals the reference", { skip }, () => {
  for (const dtype of ["float32", "float64", "int32"] as const) {
    for (const [name, a] of cases(dtype)) {
      const n = a.shape.at(-1)!;
      agree(`${dtype} ${name} kthvalue / median`, () => {
        const k = torch.kthvalue(a, Math.ceil(n / 3), -1, { keepdim: true }), m = torch.median(a, 0);
        return [k.values, k.indices, m.values, m.indices, torch.median(a)];
      });
      if (dtype !== "int32") agree(`${dtype} ${name} quantile`, () => [torch.quantile(a, 0.3, -1), torch.nanquantile(a, 0.7, 0)]);
    }
  }
});

test("sort's and topk's gradients are the same on both backends", { skip }, () => {
  const x = input([6, 500], "float64", 5);
  agree("gradients", () => {
    const a = x.clone().requiresGrad_(true);
    const w = torch.arange(0, 500, { dtype: "float64" });
    torch.sort(a, { dim: 1, descending: true }).values.mul(w).sum().add(torch.topk(a, 4, { dim: 0 }).values.mul(3).sum()).backward();
    return [a.grad!];
  });
});

test("sortIndices refuses wrong types, shapes that do not fit, dims and flags out of range", { skip }, () => {
  const raw = addon!.sortIndices as unknown as (...args: unknown[]) => void;
  const t = <D extends object>(data: D, shape: number[], strides?: number[], offset = 0) => ({
    data, shape, strides: strides ?? shape.map((_, d) => shape.slice(d + 1).reduce((p, q) => p * q, 1)), offset,
  });
  const a = t(new Float32Array(12).fill(1), [3, 4]);
  const out = () => t(new Int32Array(12).fill(-7), [3, 4]);
  const refuses = (what: RegExp, call: (o: ReturnType<typeof out>) => void) => {
    const o = out();
    rejects("sortIndices", what, () => call(o));
    assert.ok(o.data.every((v) => v === -7), "out is untouched");
  };
  refuses(/expected 4 arguments/, (o) => raw(o, a, 1));
  refuses(/out/, (o) => raw({ ...o, data: new Float32Array(12) }, a, 1, 0));
  refuses(/out has 1 dims but a has 2/, (o) => raw(t(o.data, [12]), a, 1, 0));
  refuses(/does not fit/, (o) => raw(t(o.data, [2, 4]), a, 1, 0));
  refuses(/does not fit/, (_o) => raw(t(new Int32Array(15), [3, 5]), a, 1, 0));
  refuses(/dim/, (o) => raw(o, a, 2, 0));
  refuses(/dim/, (o) => raw(o, a, -1, 0));
  refuses(/dim/, (o) => raw(o, a, 0.5, 0));
  refuses(/descending/, (o) => raw(o, a, 1, 2));
  refuses(/at least 1 dim/, (o) => raw(o, t(new Float32Array(1), []), 0, 0));
  // elements past the end of a typed array, through the shape or the offset
  refuses(/a/, (o) => raw(o, t(new Float32Array(11), [3, 4]), 1, 0));
  refuses(/out/, (o) => raw(t(o.data, [3, 4], [4, 1], 1), a, 1, 0));
  refuses(/a/, (o) => raw(o, { ...a, data: [1, 2, 3] }, 1, 0));
});
