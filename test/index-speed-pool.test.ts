/**
 * adaptiveAvgPool3d as one adaptive mean per dim (src/ops/adaptive-mean.ts):
 * values and gradients against a window-by-window oracle written here
 * (PyTorch's windows [floor(i n / o), ceil((i + 1) n / o))), on shrinking,
 * growing and unchanged dims, transposed input, float32 and float64; double
 * backward by gradcheck. pool3d.test.ts holds the PyTorch fixtures.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";

const F = torch.nn.functional;
const win = (n: number, o: number, i: number): [number, number] => [Math.floor((i * n) / o), Math.ceil(((i + 1) * n) / o)];

/** The pooled values of a contiguous [P, D, H, W] (as numbers), and the input gradient for upstream g. */
function oracle(x: number[], [P, D, H, W]: [number, number, number, number], [oD, oH, oW]: [number, number, number], g: number[]): { y: number[]; gx: number[] } {
  const y: number[] = [], gx = new Array<number>(x.length).fill(0);
  let o = 0;
  for (let p = 0; p < P; p++) {
    for (let a = 0; a < oD; a++) {
      for (let b = 0; b < oH; b++) {
        for (let c = 0; c < oW; c++, o++) {
          const [d0, d1] = win(D, oD, a), [h0, h1] = win(H, oH, b), [w0, w1] = win(W, oW, c);
          const count = (d1 - d0) * (h1 - h0) * (w1 - w0);
          let s = 0;
          for (let d = d0; d < d1; d++) for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) s += x[((p * D + d) * H + h) * W + w]!;
          y.push(s / count);
          for (let d = d0; d < d1; d++) for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) gx[((p * D + d) * H + h) * W + w]! += g[o]! / count;
        }
      }
    }
  }
  return { y, gx };
}

const nums = (t: Tensor) => Array.from(t.detach().contiguous().toArray()).map(Number);
const close = (got: number[], want: number[], tol: number, what: string) => {
  assert.equal(got.length, want.length, `${what}: length`);
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) <= tol * (1 + Math.abs(want[i]!)), `${what}[${i}]: ${v} vs ${want[i]}`));
};

test("adaptiveAvgPool3d: values and input gradient equal the window-by-window rule (shrinking, growing, unchanged dims; transposed input; both float dtypes)", () => {
  const cases: { shape: number[]; out: [number, number, number]; transposed?: boolean }[] = [
    { shape: [2, 3, 16, 12, 10], out: [5, 5, 3] },
    { shape: [2, 3, 7, 9, 5], out: [3, 9, 2] },
    { shape: [1, 2, 3, 4, 5], out: [5, 6, 7] },
    { shape: [3, 4, 6, 6], out: [4, 3, 5] },
    { shape: [2, 2, 8, 6, 10], out: [3, 4, 4], transposed: true },
  ];
  for (const dtype of ["float32", "float64"] as const) {
    for (const c of cases) {
      const base = torch.randn(c.shape, { dtype });
      // the same logical values in the other memory order: W and H swapped in memory
      const x = (c.transposed === true ? base.transpose(-1, -2).contiguous().transpose(-1, -2) : base).detach().requiresGrad_();
      if (c.transposed === true) assert.equal(x.isContiguous(), false);
      const y = F.adaptiveAvgPool3d(x, c.out);
      const five = c.shape.length === 5 ? c.shape : [1, ...c.shape];
      assert.deepEqual(y.shape, [...c.shape.slice(0, -3), ...c.out]);
      const g = torch.randn(y.shape, { dtype });
      y.backward(g);
      const want = oracle(nums(x), [five[0]! * five[1]!, five[2]!, five[3]!, five[4]!], c.out, nums(g));
      const tol = dtype === "float32" ? 1e-5 : 1e-12;
      close(nums(y), want.y, tol, `${dtype} ${c.shape.join("x")} -> ${c.out.join("x")}: values`);
      close(nums(x.grad!), want.gx, tol, `${dtype} ${c.shape.join("x")} -> ${c.out.join("x")}: gradient`);
    }
  }
});

test("adaptiveAvgPool3d: gradcheck and double backward in float64, a new tensor when no dim changes", () => {
  const a = torch.randn([1, 2, 5, 4, 3], { dtype: "float64" }).requiresGrad_();
  assert.ok(torch.autograd.gradcheck((t: Tensor) => F.adaptiveAvgPool3d(t, [3, 3, 2]), [a]));
  assert.ok(torch.autograd.gradcheck((t: Tensor) => F.adaptiveAvgPool3d(t, [7, 2, 4]), [a]));
  assert.ok(torch.autograd.gradcheck((t: Tensor) => {
    const [g] = torch.autograd.grad(F.adaptiveAvgPool3d(t, [3, 3, 2]).pow(2).sum(), [t], { createGraph: true });
    return g!.pow(2).sum();
  }, [a]), "double backward");
  const same = F.adaptiveAvgPool3d(a, [5, 4, 3]);
  assert.notEqual(same.storage, a.storage);
  assert.deepEqual(nums(same), nums(a));
});
