/**
 * conv2d's forward (the backend's conv2d kernel, once per group: chunked
 * im2col + matmul in the reference, a direct kernel in C) and maxPool2d's
 * no-graph path (values only) against its recorded one (with indices), checked against direct
 * nested-loop definitions on both backends: values,
 * all three gradients, chunk boundaries, non-contiguous input, scratch reuse,
 * and second-order gradients.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { BACKENDS, backendSkip } from "./backends.js";
import type { Tensor } from "../src/index.js";

const F = torch.nn.functional;


interface Geo {
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  groups: number;
}

function arr(t: Tensor): number[] {
  const c = t.contiguous();
  return Array.from(c.data.subarray(c.offset, c.offset + c.numel()), Number);
}

/** Direct definition of conv2d (NCHW, float64 math): returns [N, O, oh, ow] values and shape. */
function naiveConv(x: Tensor, w: Tensor, b: Tensor | null, g: Geo): { out: number[]; shape: number[] } {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [O, Cg, kh, kw] = w.shape as [number, number, number, number];
  const oh = Math.floor((H + 2 * g.padding[0] - g.dilation[0] * (kh - 1) - 1) / g.stride[0]) + 1;
  const ow = Math.floor((W + 2 * g.padding[1] - g.dilation[1] * (kw - 1) - 1) / g.stride[1]) + 1;
  const xv = arr(x), wv = arr(w), bv = b === null ? null : arr(b);
  const Og = O / g.groups;
  const out = new Array<number>(N * O * oh * ow).fill(0);
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++) {
      const grp = Math.floor(o / Og);
      for (let y = 0; y < oh; y++)
        for (let z = 0; z < ow; z++) {
          let s = bv === null ? 0 : bv[o]!;
          for (let c = 0; c < Cg; c++)
            for (let i = 0; i < kh; i++)
              for (let j = 0; j < kw; j++) {
                const h = y * g.stride[0] - g.padding[0] + i * g.dilation[0];
                const v = z * g.stride[1] - g.padding[1] + j * g.dilation[1];
                if (h < 0 || h >= H || v < 0 || v >= W) continue;
                s += xv[((n * C + grp * Cg + c) * H + h) * W + v]! * wv[((o * Cg + c) * kh + i) * kw + j]!;
              }
          out[((n * O + o) * oh + y) * ow + z] = s;
        }
    }
  return { out, shape: [N, O, oh, ow] };
}

function assertNear(actual: number[], expected: number[], tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    const e = expected[i]!, a = actual[i]!;
    if (!(Math.abs(a - e) <= tol * (1 + Math.abs(e)))) assert.fail(`${what}[${i}]: ${a} vs ${e}`);
  }
}

/** Numerical gradient of sum(conv(x, w, b) * r) w.r.t. one flat array, by linearity (exact up to rounding). */
function linearGrad(flat: number[], rebuild: (v: number[]) => number): number[] {
  // the loss is linear in each argument, so a unit step gives the exact partial derivative
  const base = rebuild(flat);
  return flat.map((_, i) => {
    const v = flat.slice();
    v[i] = v[i]! + 1;
    return rebuild(v) - base;
  });
}

const cases: { name: string; x: number[]; w: number[]; bias: boolean; geo: Geo }[] = [
  { name: "plain 3x3", x: [2, 3, 7, 6], w: [4, 3, 3, 3], bias: true, geo: { stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1 } },
  { name: "stride, padding, no bias", x: [2, 2, 6, 7], w: [3, 2, 3, 2], bias: false, geo: { stride: [2, 1], padding: [1, 2], dilation: [1, 1], groups: 1 } },
  { name: "dilation and groups", x: [1, 4, 7, 7], w: [6, 2, 2, 3], bias: true, geo: { stride: [1, 2], padding: [1, 0], dilation: [2, 1], groups: 2 } },
  { name: "1x1 kernel", x: [3, 5, 4, 4], w: [2, 5, 1, 1], bias: true, geo: { stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1 } },
];

for (const backend of BACKENDS) {
  for (const c of cases) {
    test(`conv2d ${c.name} matches the direct definition, with all gradients (${backend})`, { skip: backendSkip(backend) }, () => {
      torch.setBackend(backend);
      torch.manualSeed(7);
      const x = torch.randn(c.x, { dtype: "float64", requiresGrad: true });
      const w = torch.randn(c.w, { dtype: "float64", requiresGrad: true });
      const b = c.bias ? torch.randn([c.w[0]!], { dtype: "float64", requiresGrad: true }) : null;
      const y = F.conv2d(x, w, b, c.geo);
      const ref = naiveConv(x.detach(), w.detach(), b?.detach() ?? null, c.geo);
      assert.deepEqual(y.shape, ref.shape);
      assertNear(arr(y), ref.out, 1e-12, "output");
      const r = torch.randn(y.shape, { dtype: "float64" });
      y.mul(r).sum().backward();
      const rv = arr(r);
      const loss = (xv: number[], wv: number[], bv: number[] | null) => {
        const o = naiveConv(torch.tensor(xv, { dtype: "float64" }).reshape(c.x), torch.tensor(wv, { dtype: "float64" }).reshape(c.w),
          bv === null ? null : torch.tensor(bv, { dtype: "float64" }), c.geo).out;
        return o.reduce((s, v, i) => s + v * rv[i]!, 0);
      };
      const xv = arr(x.detach()), wv = arr(w.detach()), bv = b === null ? null : arr(b.detach());
      assertNear(arr(x.grad!), linearGrad(xv, (v) => loss(v, wv, bv)), 1e-9, "input grad");
      assertNear(arr(w.grad!), linearGrad(wv, (v) => loss(xv, v, bv)), 1e-9, "weight grad");
      if (b !== null) assertNear(arr(b.grad!), linearGrad(bv!, (v) => loss(xv, wv, v)), 1e-9, "bias grad");
    });
  }

  test(`conv2d over several im2col chunks and a permuted input equals the unchunked result (${backend})`, { skip: backendSkip(backend) }, () => {
    torch.setBackend(backend);
    torch.manualSeed(3);
    // one image's columns (288 x 1024 doubles, 2.4 MB) exceed half a chunk, so each image is its own chunk
    const x = torch.randn([3, 34, 34, 32], { dtype: "float64" }).permute([0, 3, 1, 2]);
    const w = torch.randn([4, 32, 3, 3], { dtype: "float64" });
    const b = torch.randn([4], { dtype: "float64" });
    const y = F.conv2d(x, w, b);
    assert.deepEqual(y.shape, [3, 4, 32, 32]);
    for (let n = 0; n < 3; n++) {
      const one = F.conv2d(x.narrow(0, n, 1).contiguous(), w, b);
      assertNear(arr(y.narrow(0, n, 1)), arr(one), 1e-12, `image ${n}`);
    }
    // spot-check one output element against the definition
    const xs = x.narrow(0, 2, 1).narrow(2, 5, 3).narrow(3, 9, 3).contiguous();
    const direct = xs.mul(w.narrow(0, 1, 1)).sum().item() + b.data[1]!;
    assertNear([y.data[((2 * 4 + 1) * 32 + 5) * 32 + 9]!], [direct], 1e-12, "element");
  });

  test(`conv2d outputs never alias the reused column scratch (${backend})`, { skip: backendSkip(backend) }, () => {
    torch.setBackend(backend);
    const w = torch.randn([2, 1, 3, 3]);
    const y1 = F.conv2d(torch.randn([2, 1, 6, 6]), w);
    const before = arr(y1);
    F.conv2d(torch.randn([2, 1, 6, 6]), w);
    F.maxPool2d(torch.randn([2, 3, 6, 6]), 2);
    assert.deepEqual(arr(y1), before);
  });

  test(`maxPool2d without a graph equals the recorded path, NaN and padding included (${backend})`, { skip: backendSkip(backend) }, () => {
    torch.setBackend(backend);
    torch.manualSeed(5);
    const x = torch.randn([2, 3, 9, 8]);
    x.data[17] = NaN;
    for (const opts of [{}, { stride: 1, padding: 1 }, { stride: [2, 1] as [number, number], dilation: 2 }]) {
      const fast = torch.noGrad(() => F.maxPool2d(x, 3, opts));
      const xg = x.clone().requiresGrad_(true);
      const slow = F.maxPool2d(xg, 3, opts);
      assert.ok(slow.requiresGrad && !fast.requiresGrad);
      assert.deepEqual(fast.shape, slow.shape);
      assert.deepEqual(arr(fast).map(String), arr(slow.detach()).map(String));
    }
    assert.deepEqual(F.maxPool2d(torch.tensor([[[1, 5], [7, 2]]]), 2).shape, [1, 1, 1]);
    assert.equal(F.maxPool2d(torch.tensor([[[1, 5], [7, 2]]]), 2).item(), 7);
  });

  test(`conv2d second-order gradients pass gradcheck (${backend})`, { skip: backendSkip(backend) }, () => {
    torch.setBackend(backend);
    const x = torch.randn([1, 2, 4, 4], { dtype: "float64", requiresGrad: true });
    const w = torch.randn([2, 1, 2, 2], { dtype: "float64", requiresGrad: true });
    const opts = { padding: 1, groups: 2, stride: 2 };
    // d/d(x, w) of <grad_x conv, v>: exercises the backward's own backward
    const v = torch.randn([1, 2, 4, 4], { dtype: "float64" });
    assert.ok(torch.autograd.gradcheck((a, k) => {
      const y = F.conv2d(a, k, null, opts);
      const [gx, gw] = torch.autograd.grad(y.pow(2).sum(), [a, k], { createGraph: true });
      return gx!.mul(v).sum().add(gw!.sum());
    }, [x, w]));
  });
}

test("conv2d rejects mismatched dtypes with PyTorch's messages", () => {
  const x = torch.randn([1, 1, 4, 4]);
  assert.throws(() => F.conv2d(x, torch.randn([1, 1, 2, 2], { dtype: "float64" })), /expected scalar type Float but found Double/);
  assert.throws(() => F.conv2d(x, torch.randn([1, 1, 2, 2]), torch.randn([1], { dtype: "float64" })), /Input type \(float\) and bias type \(double\) should be the same/);
});
