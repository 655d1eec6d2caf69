/**
 * The typed-array kernels of the newer nn ops against their definitions, on
 * random inputs and both backends: gridSample's kernels against the
 * composed form they follow (src/nn/grid-sample.ts's composedGridSample,
 * which also gives the gradient when a graph is built) in every mode,
 * padding and corner rule, 2-d and 3-d, float32 and float64, with
 * non-contiguous operands, values and both gradients; maxPool3d and
 * adaptiveMaxPool3d against nested-loop definitions (ties and NaNs
 * included); maxUnpool3d's gradients by float64 gradcheck, also of its
 * backward; trilinear interpolation against bilinear then linear
 * interpolation (it is separable), and its double backward. (A
 * typed-array trilinear kernel lost to the native kernels of the
 * one-dim-at-a-time form, which stays.)
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { composedGridSample, type GridSampleMode, type GridSamplePaddingMode } from "../src/nn/grid-sample.js";
import { BACKENDS, backendSkip } from "./backends.js";

const F = torch.nn.functional;

function arr(t: Tensor): number[] {
  const c = t.contiguous();
  return Array.from(c.data.subarray(c.offset, c.offset + c.numel()), Number);
}

/** |a - b| <= atol + rtol·|b| elementwise (NaN matches NaN). */
function assertClose(actual: Tensor, expected: Tensor, rtol: number, atol: number, what: string): void {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  const a = arr(actual), b = arr(expected);
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = b[i]!;
    const ok = Number.isNaN(y) ? Number.isNaN(x) : Number.isFinite(y) ? Math.abs(x - y) <= atol + rtol * Math.abs(y) : x === y;
    if (!ok) assert.fail(`${what}: [${i}] is ${x}, the definition gives ${y}`);
  }
}

/** A grid of random positions a little past [-1, 1], with some on pixel centres and edges. */
function randomGrid(N: number, points: number[], dims: number, dtype: "float32" | "float64", sizes: number[]): Tensor {
  const g = torch.rand([N, ...points, dims], { dtype }).mul(2.6).sub(1.3);
  // every third point snapped to a multiple of a half pixel, where floors and rounding are decided
  const snapped = arr(g).map((v, i) => {
    if (Math.floor(i / dims) % 3 !== 0) return v;
    const n = sizes[i % dims]!;
    return Math.round(v * n) / n;
  });
  return torch.tensor(snapped, { dtype }).reshape(g.shape);
}

describe("gridSample's kernels agree with the composed form", () => {
  for (const backend of BACKENDS) {
    test(`every mode, padding and corner rule, 2-d and 3-d, float32 and float64 (${backend})`, { skip: backendSkip(backend) }, () => {
      const previous = torch.getBackend();
      torch.setBackend(backend);
      try {
        torch.manualSeed(7);
        for (const dtype of ["float32", "float64"] as const) {
          const [rtol, atol] = dtype === "float64" ? [1e-10, 1e-12] : [2e-5, 2e-5];
          for (const dims of [2, 3]) {
            const sizes = dims === 2 ? [5, 4] : [4, 3, 5]; // x, y (, z)
            const inShape = [2, 3, ...[...sizes].reverse()];
            const points = dims === 2 ? [4, 6] : [3, 2, 4];
            for (const mode of ["bilinear", "nearest", "bicubic"] as GridSampleMode[]) {
              if (mode === "bicubic" && dims === 3) continue;
              for (const padding of ["zeros", "border", "reflection"] as GridSamplePaddingMode[]) {
                for (const alignCorners of [false, true]) {
                  const what = `${dtype} ${dims}-d ${mode} ${padding} alignCorners=${alignCorners}`;
                  // a permuted input and a transposed grid: the kernels read non-contiguous operands
                  const x = torch.randn([inShape[0]!, inShape[2]!, inShape[1]!, ...inShape.slice(3)], { dtype }).transpose(1, 2).requiresGrad_();
                  const grid = randomGrid(2, points, dims, dtype, sizes).requiresGrad_();
                  const opts = { mode, paddingMode: padding, alignCorners };
                  const fast = F.gridSample(x, grid, opts);
                  const slow = composedGridSample(x, grid, mode, padding, alignCorners).reshape(fast.shape);
                  assertClose(fast, slow, rtol, atol, `${what}: values`);
                  assert.equal(fast.gradFn?.name, dims === 2 ? "GridSampler2DBackward0" : "GridSampler3DBackward0");
                  const up = torch.randn(fast.shape, { dtype });
                  const [gxFast, gGridFast] = torch.autograd.grad([fast], [x, grid], { gradOutputs: [up] });
                  const [gxSlow, gGridSlow] = torch.autograd.grad([slow], [x, grid], { gradOutputs: [up] });
                  assertClose(gxFast!, gxSlow!, rtol, atol, `${what}: input gradient`);
                  assertClose(gGridFast!, gGridSlow!, rtol, atol, `${what}: grid gradient`);
                  // a backward that builds a graph takes the composed form's gradient: the same first derivative
                  const [gxGraph] = torch.autograd.grad([F.gridSample(x, grid, opts)], [x], { gradOutputs: [up], createGraph: true });
                  assertClose(gxGraph!, gxFast!, rtol, atol, `${what}: input gradient with createGraph`);
                }
              }
            }
          }
        }
      } finally {
        torch.setBackend(previous);
      }
    });
  }

  test("non-finite positions: the kernels give what the composed form gives (NaN and infinite values and gradients)", () => {
    for (const dims of [2, 3]) {
      const x = torch.randn(dims === 2 ? [1, 2, 3, 4] : [1, 2, 3, 4, 2], { dtype: "float64", requiresGrad: true });
      const coords = [NaN, Infinity, -Infinity, 0.3, -0.7, 1e30];
      const grid = torch.tensor(coords.flatMap((c, i) => Array.from({ length: dims }, (_, k) => (k === i % dims ? c : 0.2 * k - 0.1))), { dtype: "float64" })
        .reshape(dims === 2 ? [1, 1, coords.length, 2] : [1, 1, coords.length, 1, 3]).requiresGrad_();
      for (const mode of ["bilinear", "nearest", "bicubic"] as GridSampleMode[]) {
        if (mode === "bicubic" && dims === 3) continue;
        for (const padding of ["zeros", "border", "reflection"] as GridSamplePaddingMode[]) {
          const what = `${dims}-d ${mode} ${padding}`;
          const fast = F.gridSample(x, grid, { mode, paddingMode: padding, alignCorners: false });
          const slow = composedGridSample(x, grid, mode, padding, false).reshape(fast.shape);
          assertClose(fast, slow, 1e-10, 1e-12, `${what}: values`);
          const up = torch.ones(fast.shape, { dtype: "float64" });
          const [a, b] = torch.autograd.grad([fast], [x, grid], { gradOutputs: [up] });
          const [c, d] = torch.autograd.grad([slow], [x, grid], { gradOutputs: [up] });
          assertClose(a!, c!, 1e-10, 1e-12, `${what}: input gradient`);
          assertClose(b!, d!, 1e-10, 1e-12, `${what}: grid gradient`);
        }
      }
    }
  });
});

/** Each window's maximum and its flat position by nested loops (PyTorch's order: a larger value or a NaN takes over). */
function naiveMaxPool3d(x: Tensor, k: number[], s: number[], p: number[], d: number[], out: number[]): { values: number[]; indices: number[] } {
  const [N, C, D, H, W] = x.shape as [number, number, number, number, number];
  const v = arr(x), values: number[] = [], indices: number[] = [];
  for (let plane = 0; plane < N * C; plane++) {
    for (let i = 0; i < out[0]!; i++) for (let j = 0; j < out[1]!; j++) for (let l = 0; l < out[2]!; l++) {
      let best = -Infinity, at = -1;
      for (let a = 0; a < k[0]!; a++) for (let b = 0; b < k[1]!; b++) for (let c = 0; c < k[2]!; c++) {
        const z = i * s[0]! - p[0]! + a * d[0]!, y = j * s[1]! - p[1]! + b * d[1]!, w = l * s[2]! - p[2]! + c * d[2]!;
        if (z < 0 || z >= D || y < 0 || y >= H || w < 0 || w >= W) continue;
        const flat = (z * H + y) * W + w, value = v[plane * D * H * W + flat]!;
        if (at < 0 || value > best || Number.isNaN(value)) {
          best = value;
          at = flat;
        }
      }
      values.push(best);
      indices.push(at);
    }
  }
  return { values, indices };
}

describe("the 3-d max pools' kernels agree with nested-loop definitions", () => {
  for (const backend of BACKENDS) {
    test(`maxPool3d and adaptiveMaxPool3d: values and indices with ties and NaNs, gradients to the maxima (${backend})`, { skip: backendSkip(backend) }, () => {
      const previous = torch.getBackend();
      torch.setBackend(backend);
      try {
        torch.manualSeed(3);
        // values on a coarse grid (many ties), a few NaNs and -inf
        const x = torch.randint(-3, 4, [2, 3, 6, 7, 5]).to("float32").div(2);
        const flat = x.reshape([-1]);
        for (const at of [5, 77, 300, 301]) flat.narrow(0, at, 1).fill_(NaN);
        flat.narrow(0, 120, 1).fill_(-Infinity);
        const geometries = [
          { k: [2, 2, 2], s: [2, 2, 2], p: [0, 0, 0], d: [1, 1, 1] },
          { k: [3, 2, 3], s: [2, 1, 2], p: [1, 1, 1], d: [1, 1, 1] },
          { k: [2, 3, 2], s: [1, 2, 1], p: [0, 1, 0], d: [2, 1, 2] },
        ];
        for (const g of geometries) {
          const [values, indices] = F.maxPool3d(x, g.k as [number, number, number], { stride: g.s as [number, number, number], padding: g.p as [number, number, number], dilation: g.d as [number, number, number], returnIndices: true });
          const want = naiveMaxPool3d(x, g.k, g.s, g.p, g.d, values.shape.slice(2));
          assert.deepEqual(arr(values).map(String), want.values.map(String), `values ${JSON.stringify(g)}`);
          assert.deepEqual(arr(indices), want.indices, `indices ${JSON.stringify(g)}`);
        }
        // adaptive windows [floor(i·n/o), ceil((i+1)·n/o)) as kernel/stride-free boxes
        const [av, ai] = F.adaptiveMaxPool3d(x, [4, 3, 2], { returnIndices: true });
        const [, , D, H, W] = x.shape as [number, number, number, number, number];
        const v = arr(x), wantV: string[] = [], wantI: number[] = [];
        for (let plane = 0; plane < 6; plane++) {
          for (let i = 0; i < 4; i++) for (let j = 0; j < 3; j++) for (let l = 0; l < 2; l++) {
            let best = -Infinity, at = -1;
            for (let z = Math.floor((i * D) / 4); z < Math.ceil(((i + 1) * D) / 4); z++)
              for (let y = Math.floor((j * H) / 3); y < Math.ceil(((j + 1) * H) / 3); y++)
                for (let w = Math.floor((l * W) / 2); w < Math.ceil(((l + 1) * W) / 2); w++) {
                  const f = (z * H + y) * W + w, value = v[plane * D * H * W + f]!;
                  if (at < 0 || value > best || Number.isNaN(value)) {
                    best = value;
                    at = f;
                  }
                }
            wantV.push(String(best));
            wantI.push(at);
          }
        }
        assert.deepEqual(arr(av).map(String), wantV);
        assert.deepEqual(arr(ai), wantI);
        // the gradient of each output lands on its window's maximum, summed where windows share it
        const xl = torch.randn([1, 2, 4, 5, 3]).requiresGrad_();
        const [pv, pi] = F.maxPool3d(xl, 2, { stride: 1, returnIndices: true });
        const up = torch.randn(pv.shape);
        const [gx] = torch.autograd.grad([pv], [xl], { gradOutputs: [up] });
        const expected = torch.zeros([2, 4 * 5 * 3]).scatterAdd(1, pi.reshape([2, -1]), up.reshape([2, -1])).reshape(xl.shape);
        assertClose(gx!, expected, 1e-6, 1e-6, "maxPool3d gradient");
      } finally {
        torch.setBackend(previous);
      }
    });
  }
});

test("maxUnpool3d passes float64 gradcheck, also of its backward (a gather, differentiable again)", () => {
  const x = torch.randn([1, 2, 4, 4, 6], { dtype: "float64" });
  const [v, i] = F.maxPool3d(x, 2, { returnIndices: true });
  const leaf = v.detach().requiresGrad_();
  assert.ok(torch.autograd.gradcheck((t) => F.maxUnpool3d(t, i, 2), [leaf]));
  const up = torch.randn([1, 2, 4, 4, 6], { dtype: "float64", requiresGrad: true });
  assert.ok(torch.autograd.gradcheck((u) => {
    const l = leaf.detach().requiresGrad_();
    const [g] = torch.autograd.grad([F.maxUnpool3d(l, i, 2)], [l], { gradOutputs: [u], createGraph: true });
    return g!.pow(2).sum();
  }, [up]));
  // adaptiveMaxPool3d's backward is differentiable again too
  const a = torch.randn([1, 2, 5, 4, 3], { dtype: "float64" });
  const ua = torch.randn([1, 2, 2, 2, 2], { dtype: "float64", requiresGrad: true });
  assert.ok(torch.autograd.gradcheck((u) => {
    const l = a.detach().requiresGrad_();
    const [g] = torch.autograd.grad([F.adaptiveMaxPool3d(l, 2)], [l], { gradOutputs: [u], createGraph: true });
    return g!.mul(a).sum();
  }, [ua]));
});

describe("trilinear interpolation agrees with bilinear then linear interpolation (separability)", () => {
  for (const backend of BACKENDS) {
    test(`values and gradients, both corner rules, up and down, float32 and float64 (${backend})`, { skip: backendSkip(backend) }, () => {
      const previous = torch.getBackend();
      torch.setBackend(backend);
      try {
        torch.manualSeed(5);
        for (const dtype of ["float32", "float64"] as const) {
          const [rtol, atol] = dtype === "float64" ? [1e-10, 1e-12] : [1e-5, 1e-5];
          for (const alignCorners of [false, true]) {
            for (const size of [[7, 5, 9], [2, 6, 3], [3, 1, 4]] as const) {
              const [N, C, D, H, W] = [2, 3, 3, 4, 5];
              const x = torch.randn([N, C, D, W, H], { dtype }).transpose(3, 4).requiresGrad_();
              const [oD, oH, oW] = size;
              const fast = F.interpolate(x, { size: [oD, oH, oW], mode: "trilinear", alignCorners });
              // height and width by bilinear, then depth by linear
              const hw = F.interpolate(x.reshape([N, C * D, H, W]), { size: [oH, oW], mode: "bilinear", alignCorners });
              const deep = hw.reshape([N, C, D, oH * oW]).transpose(2, 3).reshape([N, C * oH * oW, D]);
              const slow = F.interpolate(deep, { size: oD, mode: "linear", alignCorners }).reshape([N, C, oH * oW, oD]).transpose(2, 3).reshape([N, C, oD, oH, oW]);
              const what = `${dtype} alignCorners=${alignCorners} size ${size.join("x")}`;
              assertClose(fast, slow, rtol, atol, `${what}: values`);
              const up = torch.randn(fast.shape, { dtype });
              const [a] = torch.autograd.grad([fast], [x], { gradOutputs: [up] });
              const [b] = torch.autograd.grad([slow], [x], { gradOutputs: [up] });
              assertClose(a!, b!, rtol, atol, `${what}: gradient`);
            }
          }
        }
      } finally {
        torch.setBackend(previous);
      }
    });
  }

  test("its backward is differentiable again (float64 gradcheck of the gradient)", () => {
    const x = torch.randn([1, 2, 3, 2, 4], { dtype: "float64" });
    const up = torch.randn([1, 2, 5, 3, 6], { dtype: "float64", requiresGrad: true });
    assert.ok(torch.autograd.gradcheck((u) => {
      const l = x.detach().requiresGrad_();
      const [g] = torch.autograd.grad([F.interpolate(l, { size: [5, 3, 6], mode: "trilinear", alignCorners: false })], [l], { gradOutputs: [u], createGraph: true });
      return g!.pow(2).sum();
    }, [up]));
  });
});
