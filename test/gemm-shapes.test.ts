// Matrix products of the shapes the native GEMM splits by columns or reads in
// place (wide N, a few rows, a vector times a matrix, both K-contiguous dot
// products), with edge rows and columns, K across several KC blocks,
// transposed and strided operands, batches with a broadcast B, and float64,
// against a float64 reference computed here: |out - ref| <= tol * sum |a||b|
// per element. Runs on both backends (the reference backend is the spec; the
// native one is what these shapes exercise).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { describeOnBackends } from "./backends.js";
import { checkProduct as check, type Float } from "./product-oracle.js";


/** How an operand is laid out: contiguous, transposed (the other dim unit-stride), or strided along both dims. */
type Layout = "c" | "t" | "s";

/** An [rows, cols] operand with `layout`, values from randn. */
function operand(rows: number, cols: number, layout: Layout, dtype: Float): Tensor {
  if (layout === "t") return torch.randn([cols, rows], { dtype }).t();
  if (layout === "s") return torch.randn([cols, rows, 2], { dtype }).permute([1, 0, 2]).select(2, 1); // strides [2, 2 * rows]
  return torch.randn([rows, cols], { dtype });
}

/** M x K times K x N with the given layouts, in both dtypes. */
function mm(M: number, K: number, N: number, la: Layout = "c", lb: Layout = "c"): void {
  for (const dtype of ["float32", "float64"] as const) {
    check(`${M}x${K}x${N} A:${la} B:${lb} ${dtype}`, operand(M, K, la, dtype), operand(K, N, lb, dtype));
  }
}

describeOnBackends((b) => `gemm shapes (${b})`, () => {
  test("a few rows times a row-contiguous B: full and masked column strips, every row count", () => {
    torch.manualSeed(1);
    for (const M of [1, 2, 3, 4]) {
      mm(M, 100, 300); // 4 full float32 strips of 64 + a masked one; float64 strips of 32
      mm(M, 7, 1000, "s"); // strided A
    }
    mm(1, 1024, 1024); // large enough for the threads
    mm(3, 2000, 70, "t"); // K past several KC blocks, A transposed
    mm(2, 33, 5); // fewer columns than one vector
  });

  test("a few rows times a K-contiguous B: dot products for any number of columns", () => {
    torch.manualSeed(2);
    for (const M of [1, 2, 3, 4]) mm(M, 300, 45, "c", "t");
    mm(1, 1024, 1000, "c", "t");
    mm(4, 64, 17, "c", "t");
    mm(2, 40, 70, "c", "t"); // K below the dot products' minimum: the packed GEMM
    mm(3, 90, 50, "t", "t"); // A not K-contiguous: the packed GEMM
    mm(2, 90, 50, "s", "s"); // strided both: the packed GEMM
  });

  test("wide products split by columns: edge rows 5..13, N not a multiple of 32, K across KC blocks", () => {
    torch.manualSeed(3);
    for (const M of [5, 8, 11, 12, 13]) mm(M, 300, 1000 + M);
    mm(8, 8, 20000); // very wide, shallow
    mm(32, 432, 2048);
    mm(24, 600, 130, "t", "t"); // transposed both: B packed by the 16 x 16 transposes, K % 16 != 0
    mm(9, 520, 333, "s", "s");
    mm(7, 50, 200); // small enough for one thread
    mm(40, 5000, 64); // A too big to pack whole once: packed per block of rows and K
  });

  test("large B in column mode: several row blocks per chunk", () => {
    torch.manualSeed(4);
    // B (9 MB packed) over the row mode's limit; 196 rows are two blocks of rows (the float32 code is the same macro)
    check("196x1100x1030 float64", operand(196, 1100, "t", "float64"), operand(1100, 1030, "c", "float64"));
  });

  test("row mode keeps its edge tiles right", () => {
    torch.manualSeed(5);
    mm(100, 300, 70);
    mm(150, 260, 129, "t", "s");
  });

  test("row mode reads a B with contiguous rows in place: full and partial panels, KC blocks, batches, a K-broadcast B", () => {
    torch.manualSeed(8);
    mm(200, 600, 96); // full panels only, K across three KC blocks
    mm(120, 300, 1023); // rows just under 4 KiB apart (float32): in place but the last panel
    mm(120, 300, 1024); // 4 KiB apart (float32): packed
    for (const dtype of ["float32", "float64"] as const) {
      check(`[3,60,300] @ [3,300,100] ${dtype}`, torch.randn([3, 60, 300], { dtype }), torch.randn([3, 300, 100], { dtype }));
      check(`[150,300] @ [1,100].expand(300,100) ${dtype}`, torch.randn([150, 300], { dtype }), torch.randn([1, 100], { dtype }).expand([300, 100]));
    }
  });

  test("batches: a broadcast B folded into the rows, or shared when A's items are apart; a broadcast A", () => {
    torch.manualSeed(6);
    for (const dtype of ["float32", "float64"] as const) {
      const w = torch.randn([50, 300], { dtype });
      check(`[5,7,50] @ [50,300] ${dtype}`, torch.randn([5, 7, 50], { dtype }), w); // folds into 35 rows
      check(`[6,1,50] @ [50,300] ${dtype}`, torch.randn([6, 1, 50], { dtype }), w); // folds into 6 rows
      check(`[3,2,50] @ [50,300] ${dtype}`, torch.randn([3, 50, 2], { dtype }).transpose(1, 2), w); // A's items apart: not folded
      check(`[4,9,50]^T @ [50,300] ${dtype}`, torch.randn([4, 50, 9], { dtype }).transpose(1, 2), w);
      check(`[3,3,40] @ [3,40,500] ${dtype}`, torch.randn([3, 3, 40], { dtype }), torch.randn([3, 40, 500], { dtype }));
      check(`[3,10,40] @ [3,40,500] ${dtype}`, torch.randn([3, 10, 40], { dtype }), torch.randn([3, 40, 500], { dtype }));
      check(`[10,40] @ [3,40,500] ${dtype}`, torch.randn([10, 40], { dtype }), torch.randn([3, 40, 500], { dtype }));
      check(`[2,200] @ [4,200,100]^T ${dtype}`, torch.randn([2, 200], { dtype }), torch.randn([4, 100, 200], { dtype }).transpose(1, 2));
    }
  });

  test("a vector times a matrix and a matrix times a vector", () => {
    torch.manualSeed(7);
    for (const dtype of ["float32", "float64"] as const) {
      const v = torch.randn([700], { dtype }), m = torch.randn([700, 900], { dtype });
      check(`[700] @ [700,900] ${dtype}`, v.unsqueeze(0), m);
      const viaMatmul = v.matmul(m), viaRow = v.unsqueeze(0).matmul(m).squeeze(0);
      assert.deepEqual(viaMatmul.shape, [900]);
      assert.deepEqual(Array.from(viaMatmul.toArray()), Array.from(viaRow.toArray()));
      check(`[900,700] @ [700] ${dtype}`, m.t(), v.unsqueeze(1));
    }
  });
});
