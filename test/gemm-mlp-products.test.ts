// Products shaped like a layer's x @ W with a few hundred rows (the bench's
// MLP: 256 x 784 x 1024, 256 x 1024 x 1024), which the native GEMM runs with
// A read in place: PyTorch's values and gradients of small MLPs
// (test/fixtures/ops/gemm-mlp.json, scripts/gen_gemm_mlp_fixtures.py), and
// products with edge rows and columns, K across 256-deep blocks, row-strided
// and broadcast A, transposed and strided B, batches, float64 and a
// classifier head's few columns against a float64 reference computed here. The in-place path must give the bits the
// packed path gives for the same values (A stored transposed is packed).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { describeOnBackends } from "./backends.js";
import { checkProduct as check, type Float } from "./product-oracle.js";
import { assertClose, decode, values, type Encoded } from "./fixture-values.js";


// ---- PyTorch fixtures --------------------------------------------------------------

interface Sums { rows: Encoded[]; cols: Encoded[] }
interface MlpCase {
  name: string;
  dtype: Float;
  sizes: { batch: number; input: number; hidden: number; output: number };
  output: Encoded[];
  grads: { x: Sums; w1: Sums; b1: Encoded[]; w2: Encoded[]; b2: Encoded[] };
}

const fixtures = (JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "test", "fixtures", "ops", "gemm-mlp.json"), "utf8")) as { cases: MlpCase[] }).cases;

/** The generator's inputs: element i is sin(0.7071 i + 1.618 seed) cos(0.1379 i + seed), times scale. */
function formula(shape: number[], seed: number, scale: number, dtype: Float): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = Math.sin(i * 0.7071 + seed * 1.618) * Math.cos(i * 0.1379 + seed) * scale;
  return torch.tensor(dtype === "float32" ? new Float32Array(v) : v, { dtype }).reshape(shape);
}

/** Row and column sums of a 2-d gradient against PyTorch's, within 1e-5 of the sum of |values| summed. */
function assertSums(g: Tensor, want: Sums, what: string): void {
  const [R = 0, C = 0] = g.shape;
  const v = values(g);
  const rows = new Float64Array(R), cols = new Float64Array(C), rowAbs = new Float64Array(R), colAbs = new Float64Array(C);
  for (let r = 0; r < R; r++)
    for (let c = 0; c < C; c++) {
      const x = v[r * C + c]!;
      rows[r] = rows[r]! + x;
      cols[c] = cols[c]! + x;
      rowAbs[r] = rowAbs[r]! + Math.abs(x);
      colAbs[c] = colAbs[c]! + Math.abs(x);
    }
  const check = (got: Float64Array, abs: Float64Array, exp: Encoded[], kind: string) => {
    assert.equal(got.length, exp.length, `${what} ${kind}: length`);
    exp.forEach((e, i) => {
      const err = Math.abs(got[i]! - decode(e));
      if (!(err <= 1e-5 * (1 + abs[i]!))) assert.fail(`${what}: ${kind} sum ${i} is ${got[i]}, PyTorch gives ${decode(e)}`);
    });
  };
  check(rows, rowAbs, want.rows, "row");
  check(cols, colAbs, want.cols, "column");
}

describeOnBackends((b) => `MLP-shaped products against PyTorch (${b})`, () => {
  for (const c of fixtures) {
    test(`relu(x @ W1 + b1) @ W2 + b2, ${c.name}: values and gradients`, () => {
      const { batch, input, hidden, output } = c.sizes;
      const x = formula([batch, input], 1, 1, c.dtype).requiresGrad_(true);
      const w1 = formula([input, hidden], 2, 0.1, c.dtype).requiresGrad_(true);
      const b1 = formula([hidden], 3, 0.1, c.dtype).requiresGrad_(true);
      const w2 = formula([hidden, output], 4, 0.1, c.dtype).requiresGrad_(true);
      const b2 = formula([output], 5, 0.1, c.dtype).requiresGrad_(true);
      const y = x.matmul(w1).add(b1).relu().matmul(w2).add(b2);
      assert.deepEqual(y.shape, [batch, output]);
      assertClose(values(y), c.output, `${c.name}: output`);
      y.backward(formula([batch, output], 6, 1, c.dtype));
      assertSums(x.grad!, c.grads.x, `${c.name}: x.grad`);
      assertSums(w1.grad!, c.grads.w1, `${c.name}: W1.grad`);
      assertClose(values(b1.grad!), c.grads.b1, `${c.name}: b1.grad`);
      assertClose(values(w2.grad!), c.grads.w2, `${c.name}: W2.grad`);
      assertClose(values(b2.grad!), c.grads.b2, `${c.name}: b2.grad`);
    });
  }
});

// ---- products against a float64 reference --------------------------------------------

/** A [rows, cols] operand: contiguous, row-strided (a narrow of wider rows), transposed, or strided both ways. */
type Layout = "c" | "r" | "t" | "s";
function operand(rows: number, cols: number, layout: Layout, dtype: Float): Tensor {
  if (layout === "r") return torch.randn([rows, cols + 5], { dtype }).narrow(1, 2, cols);
  if (layout === "t") return torch.randn([cols, rows], { dtype }).t();
  if (layout === "s") return torch.randn([cols, rows, 2], { dtype }).permute([1, 0, 2]).select(2, 0);
  return torch.randn([rows, cols], { dtype });
}

function mm(M: number, K: number, N: number, la: Layout, lb: Layout, dtype: Float): Tensor {
  return check(`${M}x${K}x${N} A:${la} B:${lb} ${dtype}`, operand(M, K, la, dtype), operand(K, N, lb, dtype));
}

describeOnBackends((b) => `products with A read in place (${b})`, () => {
  test("the bench's first layer, 256 x 784 x 1024 (K: three 256-deep blocks and 16)", () => {
    torch.manualSeed(11);
    mm(256, 784, 1024, "c", "c", "float32");
  });

  test("edge rows (1, 4, 11 past whole panels), edge columns, K across blocks, both dtypes", () => {
    torch.manualSeed(12);
    for (const dtype of ["float32", "float64"] as const) {
      mm(97, 300, 200, "c", "c", dtype); // one row past 8 panels
      mm(100, 270, 72, "c", "c", dtype); // 4 rows, 8 columns past whole panels
      mm(119, 513, 33, "c", "c", dtype); // 11 rows; K = 2 blocks + 1
      mm(300, 64, 1000, "c", "c", dtype); // two row blocks; N ends in a part panel
      mm(512, 40, 130, "c", "c", dtype); // the most rows this path takes (A small)
      mm(150, 1000, 300, "c", "c", dtype); // A past 512 KB (float64), N >= 2 M
    }
  });

  test("row-strided A, transposed and strided B", () => {
    torch.manualSeed(13);
    for (const dtype of ["float32", "float64"] as const) {
      mm(150, 260, 129, "r", "c", dtype);
      mm(150, 260, 129, "c", "t", dtype); // B packed by 16 x 16 transposes (float32)
      mm(101, 300, 77, "r", "s", dtype);
    }
  });

  test("batches: own B per item, a broadcast A, a broadcast B with A's items apart", () => {
    torch.manualSeed(14);
    for (const dtype of ["float32", "float64"] as const) {
      check(`[3,100,70] @ [3,70,130] ${dtype}`, torch.randn([3, 100, 70], { dtype }), torch.randn([3, 70, 130], { dtype }));
      check(`[100,70] @ [3,70,130] ${dtype}`, torch.randn([100, 70], { dtype }), torch.randn([3, 70, 130], { dtype }));
      const w = torch.randn([70, 130], { dtype });
      check(`[2,100,70] (rows apart) @ [70,130] ${dtype}`, torch.randn([2, 100, 75], { dtype }).narrow(2, 0, 70), w);
    }
  });

  test("a classifier head (N <= 16: dot products in blocks of 4 or 5 columns), B either way round", () => {
    torch.manualSeed(16);
    for (const dtype of ["float32", "float64"] as const)
      for (const N of [5, 9, 10, 15, 16]) {
        mm(70, 300, N, "c", "c", dtype); // x @ W, W [K, N] copied K-contiguous first
        mm(70, 300, N, "c", "t", dtype); // x Wᵀ
      }
    mm(64, 9216, 10, "c", "t", "float32"); // the bench CNN's last layer
  });

  test("the same bits as the packed path, and on every run", () => {
    torch.manualSeed(15);
    for (const dtype of ["float32", "float64"] as const) {
      const a = torch.randn([200, 600], { dtype }), w = torch.randn([600, 420], { dtype }); // N >= 2 M: in place for float64 too
      const inPlace = a.matmul(w);
      // A stored transposed (rows not contiguous along K) is packed first
      const packed = a.t().contiguous().t().matmul(w);
      assert.deepEqual(values(inPlace), values(packed), `${dtype}: in place against packed`);
      for (let run = 0; run < 3; run++) assert.deepEqual(values(a.matmul(w)), values(inPlace), `${dtype}: run ${run}`);
    }
  });
});
