/**
 * F.conv3d's forward at the geometries of the native direct kernel
 * (native/conv3d-direct.c: at least 4 output channels per group): PyTorch
 * fixtures on both backends (scripts/gen_conv3d_direct_fixtures.py), then
 * the native backend against the reference composition over odd sizes,
 * padding 0/1/2, strides 1/2/3 per dim (stride 2 along rows of both
 * parities), dilation 2, groups, bias or none, unbatched input, input views
 * (rows with a non-unit step, permuted depth and height, offsets), float64,
 * partial weight panels and rows of several vectors; gradients too (the
 * backward kernels are not changed, but they see this forward's graph).
 * Also: values and weight gradients do not depend on the thread count, and
 * narrow rows or weights of fewer channels per group (the column path)
 * still agree.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as torch from "../src/index.js";
import type { Conv3dOptions } from "../src/nn/functional.js";
import { backendSkip, describeOnBackends, onBoth } from "./backends.js";
import { checkMulti, type MultiCase } from "./vol3d-fixtures.js";

const F = torch.nn.functional;
type Tensor = torch.Tensor;
type DType = "float32" | "float64";

const fixtures = JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "test", "fixtures", "ops", "conv3d-direct.json"), "utf8")) as {
  conv3d: MultiCase<Conv3dOptions>[];
};

describeOnBackends((b) => `conv3d at the direct kernel's geometries against PyTorch (${b})`, () => {
  test("values and input, weight and bias gradients (partial panels, row strides 2 and 3, groups, dilation, float64, unbatched)", () => {
    assert.equal(fixtures.conv3d.length, 6);
    for (const c of fixtures.conv3d) checkMulti(c, (x, w, b) => F.conv3d(x!, w!, b, c.options));
  });
});

/** Elementwise |a - b| <= atol + rtol·|b|, same shapes. */
function close(a: Tensor | null, b: Tensor | null, what: string, rtol: number, atol: number): void {
  assert.ok(a !== null && b !== null, `${what}: both present`);
  assert.deepEqual(a.shape, b.shape, `${what}: shape`);
  const x = a.contiguous().data as ArrayLike<number>, y = b.contiguous().data as ArrayLike<number>;
  for (let i = 0; i < y.length; i++)
    if (!(Math.abs(x[i]! - y[i]!) <= atol + rtol * Math.abs(y[i]!))) assert.fail(`${what}[${i}]: ${x[i]} vs ${y[i]}`);
}

/** How the input is laid out: contiguous, rows read with step 2, depth and height swapped in memory, or a slice at an offset. */
type Layout = "contiguous" | "stepped rows" | "permuted" | "offset";

/** A tensor of `shape` seeded by `seed`, laid out as `layout` (values independent of the layout). */
function input(shape: number[], dtype: DType, seed: number, layout: Layout = "contiguous"): Tensor {
  torch.manualSeed(seed);
  const n = shape.length;
  switch (layout) {
    case "contiguous":
      return torch.randn(shape, { dtype });
    case "stepped rows": // every other element of rows twice as long
      return torch.randn([...shape, 2], { dtype }).select(n, 0);
    case "permuted": // depth and height swapped in memory, rows still contiguous
      return torch.randn([...shape.slice(0, n - 3), shape[n - 2]!, shape[n - 3]!, shape[n - 1]!], { dtype }).transpose(n - 3, n - 2);
    case "offset": // a slice of a bigger volume: an offset, and row / plane pitches wider than the rows
      return torch.randn([...shape.slice(0, n - 2), shape[n - 2]! + 1, shape[n - 1]! + 3], { dtype }).narrow(n - 2, 1, shape[n - 2]!).narrow(n - 1, 2, shape[n - 1]!);
  }
}

interface Case { x: number[]; w: number[]; bias: boolean; options: Conv3dOptions; dtype: DType; layout?: Layout }

const cases: Case[] = [
  // the benchmark's layer, smaller: 32 outputs (4 panels), rows of 32 (two vectors), padding 1
  { x: [2, 4, 5, 6, 32], w: [32, 4, 3, 3, 3], bias: true, options: { padding: 1 }, dtype: "float32" },
  // and its stride-2 variant (rows of 15: one vector, a lane short)
  { x: [2, 4, 6, 7, 32], w: [32, 4, 3, 3, 3], bias: true, options: { stride: 2 }, dtype: "float32" },
  // in place (no padding, unit row stride): odd sizes, 9 outputs (a partial panel), rows of 17, 33, 48
  { x: [1, 3, 5, 4, 19], w: [9, 3, 3, 2, 3], bias: true, options: {}, dtype: "float32" },
  { x: [2, 2, 3, 3, 35], w: [5, 2, 1, 2, 3], bias: false, options: {}, dtype: "float32" },
  { x: [1, 2, 2, 3, 50], w: [8, 2, 1, 1, 3], bias: true, options: {}, dtype: "float64" },
  // depth and height strides read in place, with dilation
  { x: [2, 3, 9, 8, 13], w: [6, 3, 3, 2, 3], bias: true, options: { stride: [2, 3, 1], dilation: [2, 1, 2] }, dtype: "float32" },
  // padding 2, and per-dim paddings 0/1/2
  { x: [1, 2, 4, 5, 7], w: [4, 2, 3, 3, 3], bias: true, options: { padding: 2 }, dtype: "float32" },
  { x: [2, 3, 5, 4, 9], w: [7, 3, 2, 3, 3], bias: false, options: { padding: [0, 1, 2] }, dtype: "float64" },
  // stride 2 along rows: odd and even widths and paddings
  { x: [1, 2, 5, 6, 21], w: [8, 2, 3, 3, 3], bias: true, options: { stride: 2, padding: 1 }, dtype: "float32" },
  { x: [1, 2, 4, 5, 22], w: [8, 2, 3, 2, 3], bias: true, options: { stride: [1, 1, 2], padding: [1, 0, 2] }, dtype: "float32" },
  { x: [1, 3, 4, 4, 23], w: [6, 3, 2, 2, 2], bias: true, options: { stride: 2, padding: [0, 1, 1] }, dtype: "float64" },
  // stride 3 (the general phase split), with dilation 2
  { x: [1, 2, 7, 8, 29], w: [5, 2, 3, 3, 3], bias: true, options: { stride: 3, padding: 1, dilation: 2 }, dtype: "float32" },
  { x: [2, 2, 6, 6, 16], w: [4, 2, 2, 2, 2], bias: false, options: { stride: [1, 2, 3], padding: [2, 0, 1] }, dtype: "float64" },
  // groups: 2 groups of 8 and of 4, 3 groups of 5
  { x: [2, 4, 4, 5, 18], w: [16, 2, 3, 3, 3], bias: true, options: { padding: 1, groups: 2 }, dtype: "float32" },
  { x: [1, 6, 5, 4, 11], w: [8, 3, 2, 2, 2], bias: false, options: { stride: [1, 2, 2], groups: 2 }, dtype: "float64" },
  { x: [1, 6, 3, 4, 20], w: [15, 2, 3, 1, 3], bias: true, options: { padding: [1, 0, 1], groups: 3, dilation: [1, 1, 2] }, dtype: "float32" },
  // padding "same" with an even kernel (asymmetric padding: conv3d pads the input first)
  { x: [1, 2, 4, 5, 18], w: [4, 2, 2, 3, 4], bias: true, options: { padding: "same" }, dtype: "float32" },
  // unbatched input
  { x: [3, 4, 5, 21], w: [6, 3, 3, 3, 3], bias: true, options: { padding: 1 }, dtype: "float32" },
  { x: [2, 3, 4, 40], w: [4, 2, 2, 2, 2], bias: false, options: { stride: [2, 1, 2] }, dtype: "float64" },
  // input views: stepped rows (copied), permuted depth/height and offsets (read in place), stride 2 with stepped rows
  { x: [2, 3, 4, 5, 20], w: [8, 3, 3, 3, 3], bias: true, options: { padding: 1 }, dtype: "float32", layout: "stepped rows" },
  { x: [2, 3, 6, 4, 19], w: [8, 3, 3, 2, 3], bias: true, options: {}, dtype: "float32", layout: "permuted" },
  { x: [1, 3, 5, 6, 18], w: [4, 3, 2, 2, 3], bias: true, options: { stride: [2, 1, 1] }, dtype: "float64", layout: "offset" },
  { x: [1, 2, 4, 6, 17], w: [8, 2, 3, 3, 3], bias: false, options: { stride: 2, padding: 1 }, dtype: "float32", layout: "stepped rows" },
  // many tiles per image, more tasks than threads
  { x: [3, 4, 6, 20, 40], w: [12, 4, 3, 3, 3], bias: true, options: { padding: 1 }, dtype: "float32" },
  // weight gradients from the input directly (64 or more slots of output rows per image): groups, row
  // stride 2 on stepped rows in float64, 2 outputs per group (the forward takes columns), partial blocks
  // of outputs and window elements (7 outputs, 5 elements)
  { x: [1, 4, 6, 18, 20], w: [16, 2, 3, 3, 3], bias: true, options: { padding: 1, stride: [1, 2, 1], groups: 2 }, dtype: "float32" },
  { x: [1, 2, 10, 16, 25], w: [6, 2, 3, 3, 3], bias: true, options: { stride: 2, padding: 1 }, dtype: "float64", layout: "stepped rows" },
  { x: [1, 4, 6, 12, 20], w: [4, 2, 3, 3, 3], bias: false, options: { padding: 1, groups: 2 }, dtype: "float32" },
  { x: [2, 1, 5, 14, 24], w: [7, 1, 1, 1, 5], bias: true, options: { padding: [0, 0, 2] }, dtype: "float32", layout: "permuted" },
  // fewer than 4 outputs per group: the column path
  { x: [1, 4, 4, 5, 18], w: [6, 2, 3, 3, 3], bias: true, options: { padding: 1, groups: 2 }, dtype: "float32" },
  // one output position, and an empty batch
  { x: [1, 3, 3, 3, 3], w: [8, 3, 3, 3, 3], bias: true, options: {}, dtype: "float64" },
  { x: [0, 3, 4, 4, 4], w: [8, 3, 2, 2, 2], bias: true, options: {}, dtype: "float32" },
];

const skip = backendSkip("native");

describe("conv3d's direct kernel against the reference composition", { skip }, () => {
  for (const [i, c] of cases.entries()) {
    test(`case ${i}: x ${JSON.stringify(c.x)} w ${JSON.stringify(c.w)} ${JSON.stringify(c.options)} ${c.dtype}${c.layout ? " " + c.layout : ""}`, () => {
      const x0 = input(c.x, c.dtype, 1 + i, c.layout), w0 = input(c.w, c.dtype, 100 + i).mul(0.3), b0 = c.bias ? input([c.w[0]!], c.dtype, 200 + i) : null;
      assert.deepEqual(x0.shape, c.x);
      const [ref, nat] = onBoth(() => {
        const x = x0.detach().requiresGrad_(), w = w0.detach().requiresGrad_(), b = b0?.detach().requiresGrad_() ?? null;
        const y = F.conv3d(x, w, b, c.options);
        y.mul(y).sum().div(2).backward(); // a non-uniform output gradient
        return { y, gx: x.grad, gw: w.grad, gb: b?.grad ?? null };
      });
      const [rtol, atol] = c.dtype === "float32" ? [1e-4, 1e-4] : [1e-10, 1e-10];
      close(nat.y, ref.y, "values", rtol, atol);
      close(nat.gx, ref.gx, "input gradient", rtol, atol * 10);
      close(nat.gw, ref.gw, "weight gradient", rtol, atol * 10);
      if (c.bias) close(nat.gb, ref.gb, "bias gradient", rtol, atol * 10);
    });
  }

  test("the same bits on one thread as on several (each output and weight gradient sums its terms in one order)", () => {
    const before = torch.getNumThreads();
    torch.setBackend("native");
    try {
      for (const dtype of ["float32", "float64"] as const) {
        const x = input([3, 4, 6, 20, 40], dtype, 5), w = input([12, 4, 3, 3, 3], dtype, 6), b = input([12], dtype, 7);
        for (const options of [{ padding: 1 }, { stride: 2 }, {}] as Conv3dOptions[]) {
          const run = (threads: number) => {
            torch.setNumThreads(threads);
            const wg = w.detach().requiresGrad_();
            const y = F.conv3d(x, wg, b, options);
            const [gw] = torch.autograd.grad([y], [wg], { gradOutputs: [y.detach()] });
            return [y, gw!].map((t) => Array.from(t.data as ArrayLike<number>));
          };
          const [one, many] = [run(1), run(Math.max(2, before))];
          assert.deepEqual(many[0], one[0], `values ${dtype} ${JSON.stringify(options)}`);
          assert.deepEqual(many[1], one[1], `weight gradient ${dtype} ${JSON.stringify(options)}`);
        }
      }
    } finally {
      torch.setNumThreads(before);
    }
  });
});
