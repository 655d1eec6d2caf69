/**
 * The native kernels of adaptiveAvgPool3d (forward and its adjoint),
 * adaptiveMaxPool3d and maxUnpool3d (forward and gradient), native/
 * adaptive-pool3d.c and native/max-unpool3d.c, give bit-equal values,
 * indices and gradients to the reference backend's loops (src/ops/
 * adaptive-mean.ts, adaptive-pool3d.ts, max-unpool3d.ts), which
 * pool3d.test.ts checks against PyTorch: odd sizes, windows that do not
 * divide (overlapping), growing dims, non-contiguous and batch-less input,
 * ties, NaN and -inf, both float dtypes; with the same graph nodes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { backendSkip, onBoth } from "./backends.js";

const F = torch.nn.functional;
const skip = backendSkip("native");
/** The pool's own graph node: the result's, or the one under the reshape that gives the output its shape. */
function poolNode(y: Tensor): string {
  const fn = y.gradFn!;
  return fn.name === "ViewBackward0" ? fn.nextFunctions[0]![0]!.name : fn.name;
}
const nums = (t: Tensor) => Array.from(t.detach().contiguous().toArray() as ArrayLike<number>);

/** `shape`'s values laid out in the given memory order, seen in the logical order: a non-contiguous view with those values. */
function permutedView(base: Tensor, order: number[]): Tensor {
  const inverse = order.map((_, i) => order.indexOf(i));
  return base.permute(order).contiguous().permute(inverse);
}

interface Input {
  name: string;
  make: (dtype: "float32" | "float64") => Tensor;
}

/** Inputs for the pools: odd sizes, a strided view, a slice with an offset, batch-less, values with ties, NaN and -inf. */
const INPUTS: Input[] = [
  { name: "[2,3,7,9,5]", make: (dtype) => torch.randn([2, 3, 7, 9, 5], { dtype }) },
  { name: "[1,2,16,12,10]", make: (dtype) => torch.randn([1, 2, 16, 12, 10], { dtype }) },
  { name: "batch-less [3,5,6,7]", make: (dtype) => torch.randn([3, 5, 6, 7], { dtype }) },
  {
    name: "permuted [2,3,6,5,4] (W slowest in memory)",
    make: (dtype) => {
      const x = permutedView(torch.randn([2, 3, 6, 5, 4], { dtype }), [4, 0, 1, 2, 3]);
      assert.equal(x.isContiguous(), false);
      return x;
    },
  },
  {
    name: "sliced [2,2,5,7,6] (offset, step 2 along W)",
    make: (dtype) => {
      const { Slice } = torch.indexing;
      const x = torch.randn([3, 2, 5, 7, 12], { dtype }).index([Slice(1), Slice(), Slice(), Slice(), Slice(null, null, 2)]);
      assert.equal(x.isContiguous(), false);
      return x;
    },
  },
  {
    name: "ties, NaN and -inf [2,2,6,6,6]",
    make: (dtype) => {
      // few distinct values, so windows hold ties; NaNs and -infs in some windows
      const v = torch.randint(0, 3, [2, 2, 6, 6, 6]).to(dtype);
      const data = v.contiguous().toArray() as Float32Array | Float64Array;
      const out = Array.from(data, (value, i) => (i % 37 === 5 ? NaN : i % 41 === 7 ? NaN : i % 11 === 3 ? -Infinity : value));
      // one window of nothing but -inf
      for (const i of [0, 1, 6, 7, 36, 37, 42, 43]) out[i] = -Infinity;
      return torch.tensor(out, { dtype }).reshape([2, 2, 6, 6, 6]);
    },
  },
];

const SIZES: [number, number, number][] = [[3, 4, 2], [5, 5, 5], [2, 9, 3], [1, 1, 1], [4, 2, 7]];

function sameBits(a: number[], b: number[], what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) assert.fail(`${what}[${i}]: reference ${a[i]} vs native ${b[i]}`);
  }
}

test("adaptiveAvgPool3d: the native kernel and its adjoint equal the reference loops bit for bit", { skip }, () => {
  for (const dtype of ["float32", "float64"] as const) {
    for (const input of INPUTS.slice(0, 5)) {
      torch.manualSeed(1);
      const x0 = input.make(dtype);
      for (const size of SIZES) {
        // (where no dim changes, the pool is a clone and no kernel runs)
        const what = `${dtype} ${input.name} -> ${size.join("x")}`;
        const g = torch.randn([...x0.shape.slice(0, -3), ...size], { dtype });
        const [ref, nat] = onBoth(() => {
          const x = x0.detach().requiresGrad_();
          const y = F.adaptiveAvgPool3d(x, size);
          const name = poolNode(y);
          y.backward(g);
          return { y: nums(y), gx: nums(x.grad!), name };
        });
        assert.equal(ref.name, "AdaptiveAvgPool3DBackward0");
        assert.equal(nat.name, ref.name, `${what}: node`);
        sameBits(ref.y, nat.y, `${what}: values`);
        sameBits(ref.gx, nat.gx, `${what}: gradient`);
      }
    }
  }
});

test("adaptiveAvgPool3d: double backward goes through the native adjoint and equals the reference's", { skip }, () => {
  const x0 = torch.randn([2, 3, 7, 5, 6], { dtype: "float64" });
  const [ref, nat] = onBoth(() => {
    const x = x0.detach().requiresGrad_();
    const [g] = torch.autograd.grad(F.adaptiveAvgPool3d(x, [3, 4, 4]).pow(2).sum(), [x], { createGraph: true });
    const name = g!.gradFn!.name;
    const [gg] = torch.autograd.grad(g!.pow(3).sum(), [x]);
    return { g: nums(g!), gg: nums(gg!), name };
  });
  assert.equal(nat.name, ref.name);
  sameBits(ref.g, nat.g, "first gradient");
  sameBits(ref.gg, nat.gg, "second gradient");
  const x = x0.detach().requiresGrad_();
  assert.ok(torch.autograd.gradcheck((t: Tensor) => F.adaptiveAvgPool3d(t, [3, 4, 4]), [x]));
});

test("adaptiveMaxPool3d: the native kernel's values, indices and gradients equal the reference's (ties, NaN, -inf)", { skip }, () => {
  for (const dtype of ["float32", "float64"] as const) {
    for (const input of INPUTS) {
      torch.manualSeed(2);
      const x0 = input.make(dtype);
      for (const size of SIZES) {
        const what = `${dtype} ${input.name} -> ${size.join("x")}`;
        const g = torch.randn([...x0.shape.slice(0, -3), ...size], { dtype });
        const [ref, nat] = onBoth(() => {
          const x = x0.detach().requiresGrad_();
          const [y, i] = F.adaptiveMaxPool3d(x, size, { returnIndices: true });
          const name = poolNode(y);
          y.backward(g);
          return { y: nums(y), i: nums(i), gx: nums(x.grad!), name };
        });
        assert.equal(ref.name, "AdaptiveMaxPool3DBackward0");
        assert.equal(nat.name, ref.name, `${what}: node`);
        sameBits(ref.y, nat.y, `${what}: values`);
        assert.deepEqual(nat.i, ref.i, `${what}: indices`);
        sameBits(ref.gx, nat.gx, `${what}: gradient`);
      }
    }
  }
});

test("adaptiveMaxPool3d: hand-checked picks: the first of tied maxima in depth-row-column order, the last NaN", { skip }, () => {
  // one volume [2, 2, 2] pooled to one cell: the maximum 5 is at (0, 1, 1) = 3 and at (1, 0, 0) = 4; the first is 3
  const x = torch.tensor([1, 0, 2, 5, 5, 0, 1, 2]).reshape([1, 1, 2, 2, 2]);
  const [v, i] = F.adaptiveMaxPool3d(x, 1, { returnIndices: true });
  assert.deepEqual(nums(v), [5]);
  assert.deepEqual(nums(i), [3]);
  // NaNs at 2 and 6: the last one, 6, wins; a later larger number does not take over
  const y = torch.tensor([1, 0, NaN, 5, 5, 0, NaN, 9]).reshape([1, 1, 2, 2, 2]);
  const [vy, iy] = F.adaptiveMaxPool3d(y, 1, { returnIndices: true });
  assert.ok(Number.isNaN(nums(vy)[0]));
  assert.deepEqual(nums(iy), [6]);
});

test("maxUnpool3d: the native forward and gradient equal the reference's (duplicates, non-contiguous, batch-less, given output size)", { skip }, () => {
  for (const dtype of ["float32", "float64"] as const) {
    const cases: { name: string; make: () => [Tensor, Tensor]; kernel: number; stride?: number; outputSize?: number[] }[] = [
      { name: "k2 [2,3,8,6,10]", kernel: 2, make: () => F.maxPool3d(torch.randn([2, 3, 8, 6, 10], { dtype }), 2, { returnIndices: true }) },
      { name: "k3 s2 odd [1,2,7,9,5], output size", kernel: 3, stride: 2, outputSize: [7, 9, 5], make: () => F.maxPool3d(torch.randn([1, 2, 7, 9, 5], { dtype }), 3, { stride: 2, returnIndices: true }) },
      { name: "batch-less [3,6,6,6]", kernel: 2, make: () => F.maxPool3d(torch.randn([3, 6, 6, 6], { dtype }), 2, { returnIndices: true }) },
      {
        name: "duplicate indices (k3 s1)",
        kernel: 3,
        stride: 1,
        make: () => F.maxPool3d(torch.randint(0, 2, [2, 2, 5, 5, 5]).to(dtype), 3, { stride: 1, returnIndices: true }),
      },
      {
        name: "non-contiguous values and indices",
        kernel: 2,
        make: () => {
          const [v, i] = F.maxPool3d(torch.randn([2, 3, 6, 8, 4], { dtype }), 2, { returnIndices: true });
          // the same tensors, W slowest in memory
          return [permutedView(v, [4, 0, 1, 2, 3]), permutedView(i, [4, 0, 1, 2, 3])];
        },
      },
    ];
    for (const c of cases) {
      const [v0, idx] = c.make();
      const outSize = c.outputSize;
      const what = `${dtype} ${c.name}`;
      const [ref, nat] = onBoth(() => {
        const v = v0.detach().requiresGrad_();
        const y = F.maxUnpool3d(v, idx, c.kernel, { stride: c.stride ?? null, outputSize: outSize ?? null });
        const name = poolNode(y);
        torch.manualSeed(3);
        y.backward(torch.randn(y.shape, { dtype }));
        return { y: nums(y), gv: nums(v.grad!), name };
      });
      assert.equal(ref.name, "MaxUnpool3DBackward0");
      assert.equal(nat.name, ref.name, `${what}: node`);
      sameBits(ref.y, nat.y, `${what}: values`);
      sameBits(ref.gv, nat.gv, `${what}: gradient`);
    }
  }
});

test("maxUnpool3d: an index outside the volume gives PyTorch's error (the last one met) on both backends", { skip }, () => {
  const v = torch.ones([1, 2, 2, 2, 2]);
  const bad = torch.tensor([0, 1, 99, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, -5, 6, 7], { dtype: "int32" }).reshape([1, 2, 2, 2, 2]);
  const [ref, nat] = onBoth(() => {
    try {
      F.maxUnpool3d(v, bad, 2);
      return "no error";
    } catch (e) {
      return (e as Error).message;
    }
  });
  assert.equal(ref, "Found an invalid max index: -5 (output volumes are of size 4x4x4");
  assert.equal(nat, ref);
});

test("avgPool3d (and lpPool3d through it): the native kernel and its adjoint agree with the reference composition to rounding", { skip }, () => {
  type Opts = Parameters<typeof F.avgPool3d>[2];
  const cases: { kernel: [number, number, number] | number; options: Opts }[] = [
    { kernel: 2, options: {} },
    { kernel: [3, 2, 3], options: { stride: [2, 1, 2], padding: [1, 1, 1] } },
    { kernel: 3, options: { stride: 2, padding: 1, ceilMode: true, countIncludePad: false } },
    { kernel: [2, 3, 2], options: { stride: 2, ceilMode: true } },
    { kernel: 2, options: { stride: 1, divisorOverride: 3 } },
  ];
  for (const dtype of ["float32", "float64"] as const) {
    for (const input of INPUTS.slice(0, 5)) {
      torch.manualSeed(6);
      const x0 = input.make(dtype);
      for (const c of cases) {
        const what = `${dtype} ${input.name} k${JSON.stringify(c.kernel)} ${JSON.stringify(c.options)}`;
        const [ref, nat] = onBoth(() => {
          const x = x0.detach().requiresGrad_();
          const y = F.avgPool3d(x, c.kernel, c.options);
          torch.manualSeed(7);
          y.backward(torch.randn(y.shape, { dtype }));
          return { y: nums(y), gx: nums(x.grad!), node: poolNode(y) };
        });
        assert.equal(nat.node, "AvgPool3DBackward0", `${what}: node`);
        const tol = dtype === "float64" ? 1e-12 : 1e-6;
        assert.equal(nat.y.length, ref.y.length);
        nat.y.forEach((v, i) => assert.ok(Math.abs(v - ref.y[i]!) <= tol * Math.max(1, Math.abs(ref.y[i]!)), `${what}: value ${i}: ${ref.y[i]} vs ${v}`));
        nat.gx.forEach((v, i) => assert.ok(Math.abs(v - ref.gx[i]!) <= tol * Math.max(1, Math.abs(ref.gx[i]!)), `${what}: gradient ${i}: ${ref.gx[i]} vs ${v}`));
      }
    }
  }
  // lpPool3d composes pow, the pool and a root: the same to rounding, with gradients
  const x0 = torch.rand([2, 3, 6, 7, 5], { dtype: "float64" }).add(0.1);
  const [ref, nat] = onBoth(() => {
    const x = x0.detach().requiresGrad_();
    const y = F.lpPool3d(x, 2, [2, 3, 2], { stride: 2, ceilMode: true });
    y.sum().backward();
    return { y: nums(y), gx: nums(x.grad!) };
  });
  nat.y.forEach((v, i) => assert.ok(Math.abs(v - ref.y[i]!) <= 1e-12 * Math.abs(ref.y[i]!), `lpPool3d value ${i}`));
  nat.gx.forEach((v, i) => assert.ok(Math.abs(v - ref.gx[i]!) <= 1e-12 * Math.max(1, Math.abs(ref.gx[i]!)), `lpPool3d gradient ${i}`));
});

test("avgPool3d: the native op's gradients of first and second order pass gradcheck", { skip }, () => {
  const previous = torch.getBackend();
  torch.setBackend("native");
  try {
    const a = torch.randn([1, 2, 5, 4, 6], { dtype: "float64" }).requiresGrad_();
    const pool = (t: Tensor) => F.avgPool3d(t, [3, 2, 3], { stride: 2, padding: 1, ceilMode: true, countIncludePad: false });
    assert.ok(torch.autograd.gradcheck(pool, [a]));
    assert.ok(torch.autograd.gradcheck((t: Tensor) => {
      const [g] = torch.autograd.grad(pool(t).pow(2).sum(), [t], { createGraph: true });
      return g!.pow(2).sum();
    }, [a]), "double backward");
  } finally {
    torch.setBackend(previous);
  }
});

test("avgPool3d: a graph built on the native backend still differentiates (twice) after switching to the reference backend, through the loops", { skip }, () => {
  const previous = torch.getBackend();
  const x0 = torch.randn([2, 2, 5, 6, 7], { dtype: "float64" });
  const run = (backwardOn: "native" | "reference") => {
    torch.setBackend("native");
    const x = x0.detach().requiresGrad_();
    const y = F.avgPool3d(x, [3, 2, 3], { stride: 2, padding: 1, ceilMode: true, countIncludePad: false });
    torch.setBackend(backwardOn);
    const [g] = torch.autograd.grad(y.pow(2).sum(), [x], { createGraph: true });
    const [gg] = torch.autograd.grad(g!.pow(2).sum(), [x]);
    return { g: nums(g!), gg: nums(gg!) };
  };
  try {
    const nat = run("native"), mixed = run("reference");
    nat.g.forEach((v, i) => assert.ok(Math.abs(v - mixed.g[i]!) <= 1e-12 * Math.max(1, Math.abs(v)), `gradient ${i}: ${v} vs ${mixed.g[i]}`));
    nat.gg.forEach((v, i) => assert.ok(Math.abs(v - mixed.gg[i]!) <= 1e-12 * Math.max(1, Math.abs(v)), `second gradient ${i}: ${v} vs ${mixed.gg[i]}`));
    assert.ok(nat.gg.some((v) => v !== 0));
  } finally {
    torch.setBackend(previous);
  }
});

test("pow(x, 0.5) and pow(x, -0.5) are PyTorch's square root and reciprocal square root (lp pooling's root), on both backends, with pow's node", () => {
  // PyTorch 1.13 and 2.x: torch.pow(torch.tensor([-0., -inf, 4., 2., 0., inf]), 0.5) and (..., -0.5)
  const want = {
    half: [-0, NaN, 2, 1.4142135381698608, 0, Infinity],
    minusHalf: [-Infinity, NaN, 0.5, 0.7071067690849304, Infinity, 0],
  };
  for (const backend of ["reference", "native"] as const) {
    if (backendSkip(backend) !== false) continue;
    const previous = torch.getBackend();
    torch.setBackend(backend);
    try {
      const x = torch.tensor([-0, -Infinity, 4, 2, 0, Infinity]);
      sameBits(want.half, nums(torch.pow(x, 0.5)), `${backend} pow 0.5`);
      sameBits(want.minusHalf, nums(torch.pow(x, -0.5)), `${backend} pow -0.5`);
      // float64: 2 ** -0.5 to the last bit (PyTorch: 0x1.6a09e667f3bccp-1)
      assert.equal(nums(torch.pow(torch.tensor([2], { dtype: "float64" }), -0.5))[0], 0.7071067811865475);
      const t = torch.tensor([4, 9]).requiresGrad_();
      const y = torch.pow(t, 0.5);
      assert.equal(y.gradFn!.name, "PowBackward0");
      y.sum().backward();
      // d/dx x^0.5 = 0.5 x^-0.5: 0.25 and 1/6
      assert.deepEqual(nums(t.grad!), [0.25, Math.fround(0.5 * Math.fround(1 / 3))]);
    } finally {
      torch.setBackend(previous);
    }
  }
});
