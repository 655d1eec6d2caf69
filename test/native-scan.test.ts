// The native running sums and products (native/scan.c, scan) behind cumsum
// and cumprod, against the reference backend's loop, bit for bit: NaN,
// infinities, signed zeros and zeros in the input, float32 rounding at each
// step, int32 wrap-around, bool read as int32; along every dim, over lines
// side by side in memory (blocks, with a partial last one) and strided lines
// (groups of lines, with a partial last group). Gradients agree too. Bad
// arguments are refused in C.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { loadNativeBackend, nativeAddon } from "../src/backend/native/load.js";
import { backendSkip } from "./backends.js";
import { rejects } from "./native-rejects.js";
import { agree } from "./native-agree.js";

const addon = nativeAddon();
const skip = backendSkip("native") || (typeof addon?.scan !== "function" ? `the native addon (with scan) is not available (${loadNativeBackend().error})` : false);

const specials = [NaN, Infinity, -Infinity, 0, -0, 1e-45, 3e38, -3e38, 0.1, 1 / 3];

function input(shape: number[], dtype: "float32" | "float64" | "int32" | "bool", seed: number): Tensor {
  torch.manualSeed(seed);
  if (dtype === "bool") return torch.randint(0, 2, shape).to("bool");
  if (dtype === "int32") {
    const t = torch.randint(-3, 4, shape, { dtype: "int32" });
    // sums past 2^31 wrap in the store, not in the accumulator
    t.data.set([2147483647, 2147483647, 2147483647, -2147483648], 5);
    return t;
  }
  // values near 1 keep products finite; the specials scattered through the lines
  const t = torch.rand(shape, { dtype }).add(0.55);
  const n = t.numel();
  for (let i = 0; i < specials.length * 3; i++) t.data[(i * 4001) % n] = specials[i % specials.length]!;
  return t;
}

function cases(dtype: "float32" | "float64" | "int32" | "bool"): [string, Tensor][] {
  const wide = input([13, 300], dtype, 1);
  return [
    ["[13, 300]", wide],
    ["[4, 30, 70]", input([4, 30, 70], dtype, 2)],
    ["[700]", input([700], dtype, 3)],
    ["transposed [300, 13]", wide.t()],
    ["[4, 70, 30] view", input([4, 30, 70], dtype, 4).transpose(1, 2)],
    ["every other column [13, 150]", wide.narrow(1, 0, 300).unfold(1, 1, 2).squeeze(-1)],
  ];
}

test("cumsum and cumprod: native values equal the reference's along every dim, every dtype", { skip }, () => {
  for (const dtype of ["float32", "float64", "int32", "bool"] as const) {
    for (const [name, a] of cases(dtype)) {
      for (let dim = -1; dim < a.dim(); dim++) {
        agree(`${dtype} ${name} dim ${dim}`, () => [torch.cumsum(a, dim), torch.cumprod(a, dim)]);
      }
    }
  }
});

test("cumsum's and cumprod's gradients are the same on both backends", { skip }, () => {
  const x = input([6, 200], "float64", 5).nanToNum();
  agree("gradients", () => {
    const a = x.clone().requiresGrad_(true);
    const w = torch.arange(0, 200, { dtype: "float64" });
    torch.cumsum(a, 1).mul(w).sum().add(torch.cumprod(a, 0).sum()).backward();
    return [a.grad!];
  });
});

test("scan refuses wrong types, shapes that differ, dims and ops out of range", { skip }, () => {
  const raw = addon!.scan as unknown as (...args: unknown[]) => void;
  const t = <D extends object>(data: D, shape: number[], strides?: number[], offset = 0) => ({
    data, shape, strides: strides ?? shape.map((_, d) => shape.slice(d + 1).reduce((p, q) => p * q, 1)), offset,
  });
  const a = t(new Float32Array(12).fill(1), [3, 4]);
  const out = () => t(new Float32Array(12).fill(-7), [3, 4]);
  const refuses = (what: RegExp, call: (o: ReturnType<typeof out>) => void) => {
    const o = out();
    rejects("scan", what, () => call(o));
    assert.ok(o.data.every((v) => v === -7), "out is untouched");
  };
  refuses(/expected 4 arguments/, (o) => raw(o, a, 1));
  refuses(/out/, (o) => raw({ ...o, data: new Float64Array(12) }, a, 1, 0));
  refuses(/out/, () => raw(t(new Uint8Array(12), [3, 4]), t(new Uint8Array(12), [3, 4]), 1, 0));
  refuses(/shape/, (o) => raw(t(o.data, [4, 3]), a, 1, 0));
  refuses(/shape/, (o) => raw(t(o.data, [12]), a, 0, 0));
  refuses(/dim/, (o) => raw(o, a, 2, 0));
  refuses(/dim/, (o) => raw(o, a, -1, 0));
  refuses(/op/, (o) => raw(o, a, 1, 2));
  refuses(/at least 1 dim/, (o) => raw(t(o.data, []), t(new Float32Array(1), []), 0, 0));
  refuses(/a/, (o) => raw(o, t(new Float32Array(11), [3, 4]), 1, 0));
  refuses(/out/, (o) => raw(t(o.data, [3, 4], [4, 1], 1), a, 1, 0));
});
