/**
 * The native 3-d kernels (native/vol3d.c, maxpool3d.c, upsample3d.c) against
 * the reference backend's compositions, which are their specification:
 * conv3d values and gradients over stride, padding (also "same" with even
 * kernels), dilation, groups, odd sizes, non-contiguous input, float64,
 * unbatched input and empty batches; max_pool3d values, indices (exact) and
 * gradients with ties, NaN, ceil mode, dilation and padding; trilinear
 * values (bit-equal), gradients and double backward. Also the vol2col /
 * col2vol ops (native kernels vs the loops in src/ops/vol2col.ts) and the
 * fallback when the backend changes between a forward and its backward.
 * (PyTorch fixtures for the same ops run on both backends in conv3d.test.ts,
 * pool3d.test.ts and interpolate-3d.test.ts.)
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Conv3dGeometry } from "../src/backend/backend.js";
import type { Conv3dOptions, MaxPool3dOptions } from "../src/nn/functional.js";
import { col2vol, vol2col } from "../src/ops/vol2col.js";
import { backendSkip, onBoth } from "./backends.js";

const F = torch.nn.functional;
type Tensor = torch.Tensor;
type DType = "float32" | "float64";
const skip = backendSkip("native");

/** Elementwise |a - b| <= atol + rtol·|b|, same shapes; NaN matches NaN. */
function close(a: Tensor | null, b: Tensor | null, what: string, rtol: number, atol: number): void {
  assert.ok(a !== null && b !== null, `${what}: both present`);
  assert.deepEqual(a.shape, b.shape, `${what}: shape`);
  const x = Array.from(a.contiguous().data as ArrayLike<number>), y = Array.from(b.contiguous().data as ArrayLike<number>);
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(y[i]!)) {
      assert.ok(Number.isNaN(x[i]!), `${what}[${i}]: ${x[i]} vs NaN`);
      continue;
    }
    assert.ok(Math.abs(x[i]! - y[i]!) <= atol + rtol * Math.abs(y[i]!), `${what}[${i}]: ${x[i]} vs ${y[i]}`);
  }
}

function exact(a: Tensor, b: Tensor, what: string): void {
  assert.deepEqual(a.shape, b.shape, `${what}: shape`);
  assert.deepEqual(Array.from(a.contiguous().data as ArrayLike<number>), Array.from(b.contiguous().data as ArrayLike<number>), what);
}

const tol = (dtype: DType) => (dtype === "float32" ? { rtol: 1e-4, atol: 1e-4 } : { rtol: 1e-10, atol: 1e-10 });

/** A tensor of `shape` seeded by `seed`, optionally a non-contiguous view (the last two dims swapped back). */
function input(shape: number[], dtype: DType, seed: number, strided = false): Tensor {
  torch.manualSeed(seed);
  if (!strided) return torch.randn(shape, { dtype });
  const n = shape.length, swapped = [...shape.slice(0, n - 2), shape[n - 1]!, shape[n - 2]!];
  return torch.randn(swapped, { dtype }).transpose(n - 2, n - 1);
}

interface ConvCase { x: number[]; w: number[]; bias: boolean; options: Conv3dOptions; dtype: DType; strided?: boolean }

const convCases: ConvCase[] = [
  { x: [2, 4, 5, 6, 7], w: [6, 4, 3, 3, 3], bias: true, options: { padding: 1 }, dtype: "float32" },
  { x: [2, 4, 5, 6, 7], w: [6, 2, 3, 2, 3], bias: true, options: { padding: [1, 0, 2], stride: [1, 2, 1], dilation: [1, 1, 2], groups: 2 }, dtype: "float32" },
  { x: [1, 3, 9, 7, 11], w: [5, 3, 3, 3, 3], bias: false, options: { stride: 2 }, dtype: "float32", strided: true },
  { x: [3, 2, 4, 5, 6], w: [4, 2, 2, 2, 2], bias: true, options: { padding: "same" }, dtype: "float32" },
  { x: [2, 6, 5, 5, 5], w: [6, 1, 3, 1, 2], bias: true, options: { padding: "same", dilation: [1, 2, 2], groups: 6 }, dtype: "float64" },
  { x: [2, 4, 6, 7, 5], w: [3, 4, 1, 3, 3], bias: true, options: { stride: [3, 1, 2], padding: [0, 1, 1], dilation: [2, 1, 1] }, dtype: "float64", strided: true },
  { x: [3, 4, 5, 6], w: [2, 3, 2, 2, 2], bias: true, options: { padding: [1, 0, 0] }, dtype: "float32" }, // unbatched [C, D, H, W]
  { x: [0, 3, 4, 4, 4], w: [2, 3, 2, 2, 2], bias: true, options: {}, dtype: "float32" }, // empty batch
  { x: [1, 8, 3, 40, 70], w: [16, 8, 3, 3, 3], bias: true, options: { padding: [1, 1, 1] }, dtype: "float32" }, // several column chunks
  { x: [1, 2, 3, 3, 3], w: [3, 2, 3, 3, 3], bias: false, options: {}, dtype: "float64" }, // one output
  // stride 2 along contiguous rows (the vectorized gather), rows of more than 16 and 32 outputs, padded
  { x: [1, 2, 3, 5, 41], w: [3, 2, 2, 2, 3], bias: true, options: { stride: [1, 1, 2], padding: [0, 1, 1] }, dtype: "float32" },
  { x: [2, 2, 2, 3, 70], w: [2, 2, 1, 1, 4], bias: true, options: { stride: [1, 1, 2], padding: [0, 0, 2], dilation: [1, 1, 3] }, dtype: "float32" },
];

describe("conv3d: native kernel vs the reference composition", { skip }, () => {
  for (const [i, c] of convCases.entries()) {
    test(`case ${i}: x ${JSON.stringify(c.x)} w ${JSON.stringify(c.w)} ${JSON.stringify(c.options)} ${c.dtype}${c.strided ? " strided" : ""}`, () => {
      const x0 = input(c.x, c.dtype, 1 + i, c.strided), w0 = input(c.w, c.dtype, 100 + i), b0 = c.bias ? input([c.w[0]!], c.dtype, 200 + i) : null;
      const [ref, nat] = onBoth(() => {
        const x = x0.detach().requiresGrad_(), w = w0.detach().requiresGrad_(), b = b0?.detach().requiresGrad_() ?? null;
        const y = F.conv3d(x, w, b, c.options);
        // a non-uniform output gradient
        y.mul(y).sum().div(2).backward();
        return { y, gx: x.grad, gw: w.grad, gb: b?.grad ?? null };
      });
      const { rtol, atol } = tol(c.dtype);
      close(nat.y, ref.y, "values", rtol, atol);
      close(nat.gx, ref.gx, "input gradient", rtol, atol * 10);
      close(nat.gw, ref.gw, "weight gradient", rtol, atol * 10);
      if (c.bias) close(nat.gb, ref.gb, "bias gradient", rtol, atol * 10);
    });
  }

  test("double backward through the native path matches the reference (float64)", () => {
    const x0 = input([2, 4, 4, 3, 5], "float64", 7), w0 = input([4, 2, 2, 2, 3], "float64", 8);
    const o: Conv3dOptions = { padding: [1, 0, 1], stride: [1, 2, 1], groups: 2 };
    const [ref, nat] = onBoth(() => {
      const x = x0.detach().requiresGrad_(), w = w0.detach().requiresGrad_();
      const y = F.conv3d(x, w, null, o);
      const [gx, gw] = torch.autograd.grad([y.pow(2).sum()], [x, w], { createGraph: true }) as [Tensor, Tensor];
      const [ggx, ggw] = torch.autograd.grad([gx.pow(2).sum().add(gw.pow(2).sum())], [x, w]) as [Tensor, Tensor];
      return [ggx, ggw];
    });
    close(nat[0]!, ref[0]!, "x", 1e-10, 1e-10);
    close(nat[1]!, ref[1]!, "w", 1e-10, 1e-10);
    torch.setBackend("native");
    try {
      const x = x0.detach().requiresGrad_(), w = w0.detach().requiresGrad_();
      assert.ok(torch.autograd.gradcheck((a, k) => F.conv3d(a, k, null, o), [x, w]));
    } finally {
      torch.setBackend("native");
    }
  });

  test("vol2col and col2vol: the native kernels equal the loops bit for bit, and are each other's adjoint", () => {
    const g: Conv3dGeometry = { kernel: [2, 3, 2], stride: [1, 2, 3], padding: [1, 1, 0], dilation: [2, 1, 2] };
    for (const dtype of ["float32", "float64"] as const) {
      const x = input([2, 3, 5, 6, 9], dtype, 11, true);
      const [cr, cn] = onBoth(() => vol2col(x, g));
      exact(cn, cr, `vol2col ${dtype}`);
      const cols = input([...cr.shape], dtype, 12);
      const [vr, vn] = onBoth(() => col2vol(cols.transpose(1, 2).contiguous().transpose(1, 2), x.shape, g));
      exact(vn, vr, `col2vol ${dtype}`);
      // <vol2col(x), c> == <x, col2vol(c)>
      const lhs = cn.mul(cols).sum().item(), rhs = x.mul(vn).sum().item();
      assert.ok(Math.abs(lhs - rhs) <= (dtype === "float32" ? 1e-3 : 1e-9) * Math.max(1, Math.abs(lhs)), `${lhs} vs ${rhs}`);
    }
  });

  test("a backward on the other backend than the forward still works", () => {
    const x0 = input([1, 2, 4, 4, 4], "float64", 13), w0 = input([2, 2, 2, 2, 2], "float64", 14);
    const [ref] = onBoth(() => {
      const x = x0.detach().requiresGrad_();
      F.conv3d(x, w0, null, { padding: 1 }).sum().backward();
      return x.grad!;
    });
    torch.setBackend("native");
    const x = x0.detach().requiresGrad_();
    const y = F.conv3d(x, w0, null, { padding: 1 });
    torch.setBackend("reference");
    try {
      y.sum().backward();
    } finally {
      torch.setBackend("native");
    }
    close(x.grad, ref, "input gradient", 1e-12, 1e-12);
  });
});

interface PoolCase { x: number[]; k: number | [number, number, number]; options: MaxPool3dOptions; dtype: DType; strided?: boolean }

const poolCases: PoolCase[] = [
  { x: [2, 3, 8, 8, 8], k: 2, options: {}, dtype: "float32" },
  { x: [2, 3, 9, 7, 11], k: 3, options: { stride: 2, padding: 1 }, dtype: "float32", strided: true },
  { x: [1, 2, 7, 9, 8], k: [2, 3, 2], options: { stride: [1, 2, 3], padding: [1, 1, 0], dilation: [2, 1, 3] }, dtype: "float64" },
  { x: [2, 2, 7, 7, 7], k: 3, options: { stride: 2, ceilMode: true }, dtype: "float32" },
  { x: [3, 6, 5, 8], k: 2, options: { stride: 1, padding: 1, ceilMode: true }, dtype: "float64" }, // unbatched
  { x: [0, 2, 4, 4, 4], k: 2, options: {}, dtype: "float32" }, // empty batch
  { x: [1, 1, 6, 6, 6], k: 3, options: { padding: 1, dilation: 2, stride: 2, ceilMode: true }, dtype: "float32" },
];

describe("max_pool3d: native kernel vs the reference composition", { skip }, () => {
  for (const [i, c] of poolCases.entries()) {
    test(`case ${i}: x ${JSON.stringify(c.x)} k ${JSON.stringify(c.k)} ${JSON.stringify(c.options)} ${c.dtype}`, () => {
      // integers (many ties), a few NaN and -inf: indices must agree exactly
      const base = input(c.x, c.dtype, 30 + i, c.strided).mul(2).round();
      const n = base.numel();
      const special = torch.arange(n).remainder(17).eq(3).reshape(base.shape), minus = torch.arange(n).remainder(23).eq(5).reshape(base.shape);
      const x0 = torch.where(special, NaN, torch.where(minus, -Infinity, base));
      const [ref, nat] = onBoth(() => {
        const x = x0.detach().requiresGrad_();
        const [v, ix] = F.maxPool3d(x, c.k, { ...c.options, returnIndices: true });
        // NaN values carry no usable gradient check; weight the rest
        torch.where(v.isnan(), 0, v).mul(torch.arange(v.numel(), { dtype: c.dtype }).reshape(v.shape)).sum().backward();
        const plain = F.maxPool3d(x0, c.k, c.options);
        return { v, ix, gx: x.grad!, plain };
      });
      exact(nat.v, ref.v, "values");
      exact(nat.ix, ref.ix, "indices");
      exact(nat.plain, ref.plain, "values without indices");
      close(nat.gx, ref.gx, "gradient", 1e-12, 0);
    });
  }
});

describe("trilinear: native kernel vs the reference passes", { skip }, () => {
  const cases: { x: number[]; o: Parameters<typeof F.interpolate>[1]; dtype: DType; strided?: boolean }[] = [
    { x: [2, 3, 4, 5, 6], o: { scaleFactor: 2, mode: "trilinear", alignCorners: false }, dtype: "float32" },
    { x: [1, 2, 5, 7, 3], o: { scaleFactor: [1.7, 0.6, 2.5], mode: "trilinear", alignCorners: false }, dtype: "float32", strided: true },
    { x: [2, 2, 5, 4, 6], o: { size: [9, 4, 11], mode: "trilinear", alignCorners: true }, dtype: "float64" },
    { x: [1, 3, 1, 6, 5], o: { size: [3, 2, 5], mode: "trilinear", alignCorners: true }, dtype: "float32" },
    { x: [2, 2, 3, 3, 3], o: { size: [3, 3, 3], mode: "trilinear" }, dtype: "float64" }, // nothing resampled: a copy
    { x: [1, 1, 4, 4, 4], o: { scaleFactor: 1.5, mode: "trilinear", recomputeScaleFactor: true }, dtype: "float32" },
    { x: [0, 2, 3, 3, 3], o: { scaleFactor: 2, mode: "trilinear" }, dtype: "float32" }, // empty batch
  ];
  for (const [i, c] of cases.entries()) {
    test(`case ${i}: x ${JSON.stringify(c.x)} ${JSON.stringify(c.o)} ${c.dtype}`, () => {
      const x0 = input(c.x, c.dtype, 50 + i, c.strided);
      const [ref, nat] = onBoth(() => {
        const x = x0.detach().requiresGrad_();
        const y = F.interpolate(x, c.o);
        y.mul(y).sum().backward();
        return { y, gx: x.grad! };
      });
      exact(nat.y, ref.y, "values (bit-equal)");
      const { rtol, atol } = tol(c.dtype);
      close(nat.gx, ref.gx, "gradient", rtol, atol);
    });
  }

  test("double backward: gradcheck of the backward in float64, and the gradient of the gradient vs the reference", () => {
    const x0 = input([1, 2, 3, 4, 3], "float64", 60);
    const o = { scaleFactor: [2, 1.5, 1] as const, mode: "trilinear" as const, alignCorners: false };
    const [ref, nat] = onBoth(() => {
      const x = x0.detach().requiresGrad_();
      const [g] = torch.autograd.grad([F.interpolate(x, o).pow(3).sum()], [x], { createGraph: true }) as [Tensor];
      const [gg] = torch.autograd.grad([g.pow(2).sum()], [x]) as [Tensor];
      return gg;
    });
    close(nat, ref, "second gradient", 1e-10, 1e-10);
    const x = x0.detach().requiresGrad_();
    const g = torch.randn([1, 2, 6, 6, 3], { dtype: "float64" }).requiresGrad_();
    assert.ok(torch.autograd.gradcheck((a) => F.interpolate(a, o), [x]));
    assert.ok(torch.autograd.gradcheck((a, b) => torch.autograd.grad([F.interpolate(a, o)], [a], { gradOutputs: [b], createGraph: true })[0]!, [x, g]));
  });

  test("a forward on the native backend and its (double) backward on the reference one: the loops in upsample-trilinear.ts", () => {
    const x0 = input([2, 2, 3, 4, 5], "float32", 61);
    const o = { scaleFactor: [2, 0.5, 1.4] as const, mode: "trilinear" as const, alignCorners: true };
    const [ref] = onBoth(() => {
      const x = x0.detach().requiresGrad_();
      const [g] = torch.autograd.grad([F.interpolate(x, o).pow(2).sum()], [x], { createGraph: true }) as [Tensor];
      const [gg] = torch.autograd.grad([g.pow(2).sum()], [x]) as [Tensor];
      return { g, gg };
    });
    torch.setBackend("native");
    const x = x0.detach().requiresGrad_();
    const y = F.interpolate(x, o);
    torch.setBackend("reference");
    try {
      const [g] = torch.autograd.grad([y.pow(2).sum()], [x], { createGraph: true }) as [Tensor];
      close(g, ref.g, "gradient", 1e-5, 1e-5);
      const [gg] = torch.autograd.grad([g.pow(2).sum()], [x]) as [Tensor];
      close(gg, ref.gg, "second gradient", 1e-4, 1e-4);
    } finally {
      torch.setBackend("native");
    }
  });
});
