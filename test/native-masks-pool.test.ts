/**
 * The native fractionalMaxPool2d forward (native/fractional-max-pool.c: the
 * window winners found column by column, then window by window) and
 * gridSample's nearest plan (native/grid-sample.c, rounding with rint)
 * against the core's loops (the reference backend), at sizes past the
 * native thresholds: values and indices bit-equal with ties, -0 against 0,
 * NaN (the last one wins), windows of -Infinity, every kernel shape, 3-d
 * and 4-d, strided inputs; nearest sampling at exact halves, NaN and
 * infinite positions, every padding and corner rule, 4-d and 5-d; and the
 * gradients of both.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { loadNativeBackend } from "../src/backend/native/load.js";
import type { Tensor } from "../src/tensor/tensor.js";
import { onBoth } from "./backends.js";

const F = torch.nn.functional;
const loaded = loadNativeBackend();
const skip = loaded.backend === null ? `the native addon is not available (${loaded.error})` : false;

/** Same dtype, shape and bits (NaN equal to NaN, -0 apart from 0). */
function same(n: Tensor, r: Tensor, what: string): void {
  assert.equal(n.dtype, r.dtype, `${what}: dtype`);
  assert.deepEqual(n.shape, r.shape, `${what}: shape`);
  const a = n.contiguous(), b = r.contiguous();
  for (let i = 0; i < n.numel(); i++) {
    const x = a.data[a.offset + i], y = b.data[b.offset + i];
    if (!Object.is(x, y)) assert.fail(`${what}: element ${i} is ${x} natively, ${y} on the reference`);
  }
}

/** Values with many ties (a few levels), -0 and 0 side by side, NaN now and then and stretches of -Infinity. */
function pooled(shape: number[], dtype: "float32" | "float64", seed: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  let s = seed;
  const v = Array.from({ length: n }, (_, i) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    const r = s / 2147483648;
    if (i % 211 === 7) return NaN;
    if (i % 173 < 12) return -Infinity;
    if (i % 13 === 4) return -0;
    if (i % 13 === 5) return 0;
    return Math.floor(r * 6) - 3 + (dtype === "float32" ? 0.1 : 0.1);
  });
  return torch.tensor(v, { dtype }).reshape(shape);
}

test("native fractionalMaxPool2d: values and indices bit-equal to the core's, with ties, -0, NaN and -Infinity windows", { skip }, () => {
  const cases: [number[], number | [number, number], [number, number]][] = [
    [[4, 6, 40, 37], 3, [20, 18]],
    [[4, 6, 40, 37], [2, 3], [39, 35]],
    [[2, 3, 50, 50], [5, 2], [12, 30]],
    [[2, 3, 50, 50], 1, [25, 25]],
    [[2, 3, 50, 50], [4, 4], [1, 1]],
    [[3, 64, 64], 3, [32, 32]],
    [[1, 2, 17, 300], [2, 7], [16, 100]],
  ];
  for (const dtype of ["float32", "float64"] as const) {
    for (const [shape, k, outputSize] of cases) {
      const x = pooled(shape, dtype, shape.length * 7 + outputSize[0]);
      const batch = shape.length === 4 ? shape[0]! : 1, channels = shape[shape.length - 3]!;
      torch.manualSeed(3);
      const samples = torch.rand([batch, channels, 2], { dtype });
      // samples at 0 and just below 1 too
      samples.data[0] = 0;
      samples.data[1] = dtype === "float32" ? Math.fround(1 - 2 ** -24) : 1 - 2 ** -53;
      for (const [layout, input] of [["contiguous", x], ["transposed", x.transpose(-1, -2).contiguous().transpose(-1, -2)], ["offset", torch.cat([x.reshape([-1]).narrow(0, 0, 5), x.reshape([-1])]).narrow(0, 5, x.numel()).reshape(x.shape)]] as const) {
        const what = `${dtype} ${JSON.stringify(shape)} k=${JSON.stringify(k)} -> ${JSON.stringify(outputSize)} ${layout}`;
        const [[rv, ri], [nv, ni]] = onBoth(() => F.fractionalMaxPool2d(input, k, { outputSize, _randomSamples: samples, returnIndices: true }));
        same(nv, rv, `${what}: values`);
        same(ni, ri, `${what}: indices`);
      }
    }
  }
});

test("native fractionalMaxPool2d: the same gradients as the reference, and a window's winner gets its gradient", { skip }, () => {
  const x0 = pooled([2, 4, 30, 30], "float64", 5).nanToNum({ nan: 0, neginf: -5 });
  torch.manualSeed(7);
  const samples = torch.rand([2, 4, 2], { dtype: "float64" });
  const g = torch.randn([2, 4, 14, 14], { dtype: "float64" });
  const [r, n] = onBoth(() => {
    const x = x0.clone().requiresGrad_();
    const [y, i] = F.fractionalMaxPool2d(x, 3, { outputSize: 14, _randomSamples: samples, returnIndices: true });
    const [gx] = torch.autograd.grad([y], [x], { gradOutputs: [g] });
    return { y: y.detach(), i, gx: gx! };
  });
  same(n.y, r.y, "values");
  same(n.i, r.i, "indices");
  same(n.gx, r.gx, "gradient");
  // plainly: the gradient of each plane is g scattered (added up) at the indices
  const expect = new Float64Array(2 * 4 * 900);
  for (let p = 0; p < 8; p++) for (let o = 0; o < 196; o++) {
    const at = p * 900 + Number(n.i.data[p * 196 + o]);
    expect[at] = expect[at]! + Number(g.data[p * 196 + o]);
  }
  assert.deepEqual(Array.from(n.gx.data), Array.from(expect));
});

test("native fractionalMaxPool2d keeps PyTorch's checks and refuses samples that place a window outside", { skip }, () => {
  const x = torch.randn([2, 3, 30, 30]);
  for (const backend of ["reference", "native"] as const) {
    const previous = torch.getBackend();
    torch.setBackend(backend);
    try {
      assert.throws(() => F.fractionalMaxPool2d(x, 3, { outputSize: 29, _randomSamples: torch.rand([2, 3, 2]) }), /^Error: fractional_max_pool2d\(\): pool height 3 too large relative to input height 30/);
      // float32 samples just below 2^24: (i + sample) rounds up past the last window's start (PyTorch's casts are then undefined)
      const far = torch.full([2, 3, 2], 2 ** 24 - 1);
      assert.throws(() => F.fractionalMaxPool2d(x, 3, { outputSize: 10, _randomSamples: far }), /^Error: fractional_max_pool2d\(\): _random_samples place a window outside the input \[2, 3, 30, 30\]/);
    } finally {
      torch.setBackend(previous);
    }
  }
});

/** A grid with exact halves on both axes (each corner rule's), NaN, infinities and far positions among random ones. */
function nearestGrid(n: number, spatial: number[], dims: number, size: number, dtype: "float32" | "float64", seed: number): Tensor {
  torch.manualSeed(seed);
  const g = torch.rand([n, ...spatial, dims], { dtype }).mul(2.4).sub(1.2);
  const flat = g.data;
  for (let i = 0; i < flat.length; i += 7) flat[i] = (2 * ((i >> 3) % (size + 2)) - 1) / size - 1; // half-way, alignCorners false (and just outside)
  for (let i = 3; i < flat.length; i += 11) flat[i] = (2 * ((i >> 2) % size) + 1) / (size - 1) - 1; // half-way, alignCorners true
  for (let i = 1; i < flat.length; i += 13) flat[i] = -flat[i]!;
  flat[2] = NaN;
  flat[9] = Infinity;
  flat[16] = -Infinity;
  flat[30] = 1e12;
  flat[31] = -2.5;
  return g;
}

test("native gridSample nearest: bit-equal to the core's loops at halves, NaN and infinities, every padding and corner rule, 4-d and 5-d", { skip }, () => {
  for (const dtype of ["float32", "float64"] as const) {
    for (const [xShape, spatial] of [[[3, 4, 10, 13], [21, 19]], [[2, 3, 16, 16], [32, 32]], [[2, 2, 5, 6, 7], [6, 9, 11]]] as const) {
      const dims = spatial.length;
      torch.manualSeed(2);
      const x = torch.randn([...xShape], { dtype });
      const grid = nearestGrid(xShape[0], [...spatial], dims, xShape[xShape.length - 1]!, dtype, 4);
      for (const paddingMode of ["zeros", "border", "reflection"] as const) {
        for (const alignCorners of [false, true]) {
          const what = `${dtype} ${JSON.stringify(xShape)} ${paddingMode} alignCorners=${alignCorners}`;
          const [r, n] = onBoth(() => F.gridSample(x, grid, { mode: "nearest", paddingMode, alignCorners }));
          same(n, r, what);
          // the input's gradient (the grid's is 0 in nearest mode)
          const go = torch.randn(r.shape, { dtype });
          const [rg, ng] = onBoth(() => {
            const xi = x.clone().requiresGrad_(), gi = grid.clone().requiresGrad_();
            const y = F.gridSample(xi, gi, { mode: "nearest", paddingMode, alignCorners });
            return torch.autograd.grad([y], [xi, gi], { gradOutputs: [go] });
          });
          same(ng[0]!, rg[0]!, `${what}: input gradient`);
          same(ng[1]!, rg[1]!, `${what}: grid gradient`);
        }
      }
    }
  }
});
