// The native max / min kernels (native/reduce.c) against the reference
// backend, bit for bit: whole-tensor max / min (four vector accumulators) and
// max / min / argmax / argmin along a dim (contiguous float lines in two
// passes: the extreme, then the first element equal to it; lines side by
// side in memory walked down the axis together, in blocks). Lines with a NaN
// (anywhere: the first one wins), ties (the first wins), signed zeros in
// either order, all -Infinity or +Infinity, the extreme in the vector tail;
// float32, float64 and int32; contiguous and strided.
import { test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { backendSkip } from "./backends.js";
import { agree } from "./native-agree.js";

const skip = backendSkip("native");

/** Rows of length n (not a multiple of 32), each with its own trap, then random ties. */
function lines(dtype: "float32" | "float64" | "int32", n: number): Tensor {
  torch.manualSeed(3);
  const rows = 40;
  const t = torch.randint(-4, 5, [rows, n]).to(dtype);
  const v = t.data, row = (r: number) => r * n;
  if (dtype !== "int32") {
    v[row(0) + 5] = NaN; // a NaN in the middle
    v[row(1) + n - 1] = NaN; // in the tail
    v[row(2) + 3] = NaN; v[row(2) + 40] = NaN; // two: the first wins
    v.fill(-Infinity, row(3), row(4)); // nothing above -Infinity
    v.fill(Infinity, row(4), row(5));
    v.fill(0, row(5), row(6)); v[row(5) + 2] = -0; // zeros: the first wins, whatever its sign
    v.fill(-0, row(6), row(7)); v[row(6) + 9] = 0;
    v[row(7) + n - 1] = 1e30; v[row(7) + n - 2] = -1e30; // extremes in the tail
    v[row(8) + 33] = Infinity; v[row(8) + 70] = -Infinity;
    v[row(9) + 0] = 1e-45; v[row(9) + 1] = -1e-45;
    for (let r = 10; r < 20; r++) v[row(r) + ((r * 37) % n)] = NaN; // NaN in each vector lane
  } else {
    v[row(0) + n - 1] = 2147483647;
    v[row(1) + 7] = -2147483648;
  }
  return t;
}

test("max, min, argmax, argmin along a dim: native equals the reference on contiguous and strided lines", { skip }, () => {
  for (const dtype of ["float32", "float64", "int32"] as const) {
    for (const n of [64, 100, 1027]) {
      const a = lines(dtype, n);
      for (const [name, x] of [["rows", a], ["columns", a.t()], ["every other row", a.unfold(0, 1, 2).squeeze(-1)]] as const) {
        agree(`${dtype} n=${n} ${name}`, () => {
          const mx = torch.max(x, -1), mn = torch.min(x, -1, { keepdim: true });
          return [mx.values, mx.indices, mn.values, mn.indices, torch.argmax(x, -1), torch.argmin(x, 0)];
        });
      }
    }
  }
});

test("along the strided dim of side-by-side lines: first NaN and first of tied signed zeros win", { skip }, () => {
  torch.manualSeed(4);
  for (const dtype of ["float32", "float64"] as const) {
    const t = torch.randint(0, 2, [50, 70]).to(dtype), v = t.data;
    for (let i = 0; i < v.length; i++) v[i] = v[i] ? -0 : 0;
    for (const [r, c] of [[3, 1], [9, 1], [0, 2], [49, 3], [20, 69], [21, 69], [7, 40]]) v[r! * 70 + c!] = NaN;
    v[5 * 70 + 4] = -Infinity; v[6 * 70 + 4] = Infinity;
    for (const [name, x] of [["rows", t], ["a view", t.narrow(1, 1, 66)]] as const) {
      agree(`${dtype} ${name}`, () => {
        const mx = torch.max(x, 0), mn = torch.min(x, 0);
        return [mx.values, mx.indices, mn.values, mn.indices, torch.argmax(x, 0, { keepdim: true }), torch.argmin(x, 0)];
      });
    }
  }
});

test("max, min, argmax, argmin over all elements: native equals the reference", { skip }, () => {
  for (const dtype of ["float32", "float64", "int32"] as const) {
    const a = lines(dtype, 1027);
    for (let r = 0; r < 40; r++) {
      const row = a.select(0, r);
      agree(`${dtype} row ${r}`, () => [torch.max(row), torch.min(row), torch.argmax(row), torch.argmin(row)]);
    }
    // rows without a NaN, then all of it (a NaN wins)
    const clean = a.narrow(0, 20, 20);
    agree(`${dtype} whole`, () => [torch.max(clean), torch.min(clean), torch.argmax(clean), torch.argmin(clean), torch.max(a), torch.argmin(a), torch.amax(a, 1)]);
  }
});

test("max's gradient along a dim and over all elements is the same on both backends", { skip }, () => {
  const x = lines("float64", 100).narrow(0, 20, 20);
  agree("gradients", () => {
    const a = x.clone().requiresGrad_(true);
    torch.max(a, 1).values.sum().add(torch.min(a)).backward();
    return [a.grad!];
  });
});
