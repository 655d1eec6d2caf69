/**
 * The native gather-style fast paths against the core's own loops: nonzero
 * positions (native/nonzero.c: nonzero, maskedSelect, x[mask]) and
 * index_select by contiguous blocks (native/gather-rows.c: x[idx],
 * indexSelect, embedding). Each result must equal the reference backend's
 * exactly, on every dtype and on transposed, offset and expanded inputs,
 * at sizes large enough to split over threads; bad indices keep PyTorch's
 * messages.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { loadNativeBackend } from "../src/backend/native/load.js";
import type { DType } from "../src/tensor/dtype.js";
import type { Tensor } from "../src/tensor/tensor.js";
import { onBoth } from "./backends.js";

const loaded = loadNativeBackend();
const skip = loaded.backend === null ? `the native addon is not available (${loaded.error})` : false;

/** A tensor of `shape` whose values are 0 about half the time (pseudo-random, fixed), with NaN and -0 among them for floats. */
function sparse(shape: number[], dtype: DType, seed = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  let s = seed;
  const values = Array.from({ length: n }, (_, i) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    const r = s / 2147483648;
    if (dtype === "bool") return r < 0.5 ? 0 : 1;
    if (dtype !== "int32" && i % 97 === 5) return NaN;
    if (dtype !== "int32" && i % 89 === 3) return -0;
    return r < 0.5 ? 0 : Math.floor(r * 100) - 40;
  });
  return torch.tensor(values, { dtype }).reshape(shape);
}

/** Positions computed here, plainly: row-major coordinates of the values that are not 0 (NaN counts, -0 does not). */
function expectedRows(t: Tensor): number[][] {
  const c = t.contiguous();
  const values = Array.from(c.data as ArrayLike<number>).slice(c.offset, c.offset + t.numel());
  const rows: number[][] = [];
  values.forEach((v, i) => {
    if (v === 0) return;
    const coords: number[] = [];
    let rest = i;
    for (let d = t.shape.length - 1; d >= 0; d--) {
      coords.unshift(rest % t.shape[d]!);
      rest = Math.floor(rest / t.shape[d]!);
    }
    rows.push(coords);
  });
  return rows;
}

const LAYOUTS = {
  contiguous: (t: Tensor) => t,
  transposed: (t: Tensor) => t.transpose(0, t.dim() - 1).contiguous().transpose(0, t.dim() - 1),
  offset: (t: Tensor) => torch.cat([t.reshape([-1]).narrow(0, 0, 3), t.reshape([-1])]).narrow(0, 3, t.numel()).reshape(t.shape),
  "stepped (every other row)": (t: Tensor) => torch.cat([t, t], 0).reshape([2, ...t.shape]).transpose(0, 1).select(1, 0),
} as const;

test("native nonzero gives the reference's positions on every dtype and layout, rows, columns and flat", { skip }, () => {
  // 70_000 elements: several chunks per thread, chunk edges inside lines of 350
  for (const shape of [[200, 350], [40_000], [7, 50, 200], [3, 1]]) {
    for (const dtype of ["bool", "float32", "float64", "int32"] as const) {
      for (const [name, layout] of Object.entries(LAYOUTS)) {
        const t = layout(sparse(shape, dtype));
        const what = `${dtype} ${JSON.stringify(shape)} ${name}`;
        const [r, n] = onBoth(() => torch.nonzero(t));
        assert.deepEqual(n.shape, r.shape, what);
        assert.deepEqual(Array.from(n.data), Array.from(r.data), what);
        assert.deepEqual(n.tolist(), expectedRows(t), `${what}: the positions themselves`);
        const [rc, nc] = onBoth(() => torch.nonzero(t, { asTuple: true }).map((c) => Array.from(c.contiguous().data.subarray(c.offset, c.offset + c.numel()))));
        assert.deepEqual(nc, rc, `${what}: as tuple`);
      }
    }
  }
});

test("native mask indexing, maskedSelect and mask puts equal the reference", { skip }, () => {
  const x = torch.randn([300, 200]);
  const full = sparse([300, 200], "bool", 3), rows = sparse([300], "bool", 5), expanded = sparse([1, 200], "bool", 7).expand([300, 200]);
  for (const [name, mask] of [["full", full], ["rows", rows], ["expanded", expanded], ["transposed", full.t().contiguous().t()]] as const) {
    const [r, n] = onBoth(() => x.index([mask]));
    assert.deepEqual(n.shape, r.shape, name);
    assert.deepEqual(Array.from(n.data), Array.from(r.data), `x[mask] ${name}`);
    if (mask.dim() === 2) {
      const [rs, ns] = onBoth(() => torch.maskedSelect(x, mask));
      assert.deepEqual(Array.from(ns.data), Array.from(rs.data), `maskedSelect ${name}`);
    }
    const [rp, np] = onBoth(() => x.clone().indexPut_([mask], torch.tensor(2.5)));
    assert.deepEqual(Array.from(np.data), Array.from(rp.data), `x[mask] = 2.5 ${name}`);
  }
  // a mask of another size keeps PyTorch's message
  assert.throws(() => x.index([sparse([300, 199], "bool")]), /^Error: The shape of the mask \[300, 199\] at index 1 does not match the shape of the indexed tensor \[300, 200\] at index 1/);
});

test("native indexSelect by blocks equals the reference on rows, inner axes, dtypes and strided inputs", { skip }, () => {
  const index = torch.tensor(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 2000), { dtype: "int32" });
  for (const dtype of ["float32", "float64", "int32", "bool"] as const) {
    const base = sparse([2000, 48], dtype, 11);
    const cases: [string, () => Tensor][] = [
      ["rows", () => base.indexSelect(0, index)],
      ["x[idx]", () => base.index([index])],
      ["x[idx] of a row window", () => base.narrow(1, 8, 32).index([index])],
      ["rows of a transposed input (element walk)", () => base.t().contiguous().t().indexSelect(0, index)],
      ["middle axis with dims before", () => base.reshape([4, 500, 48]).indexSelect(1, index.narrow(0, 0, 700).remainder(500))],
      ["middle axis, dims before strided", () => base.reshape([4, 500, 48]).narrow(0, 1, 2).indexSelect(1, index.narrow(0, 0, 700).remainder(500))],
      ["dims before that do not collapse", () => base.reshape([2, 2, 500, 48]).transpose(0, 1).indexSelect(2, index.narrow(0, 0, 600).remainder(500))],
      ["a strided index", () => base.indexSelect(0, index.reshape([1500, 2]).select(1, 1))],
      ["small blocks (element walk)", () => base.reshape([12000, 8]).indexSelect(0, index)],
    ];
    for (const [name, fn] of cases) {
      const [r, n] = onBoth(fn);
      assert.deepEqual(n.shape, r.shape, `${dtype} ${name}`);
      assert.deepEqual(Array.from(n.contiguous().data), Array.from(r.contiguous().data), `${dtype} ${name}`);
    }
  }
});

test("indexSelect and x[idx] keep PyTorch's out-of-range messages on the block path", { skip }, () => {
  const x = torch.randn([2000, 48]);
  const bad = torch.tensor([0, 5, 2000, 1], { dtype: "int32" });
  for (const backend of ["reference", "native"] as const) {
    const previous = torch.getBackend();
    torch.setBackend(backend);
    try {
      assert.throws(() => x.indexSelect(0, bad), /^Error: index out of range in self/);
      assert.throws(() => x.index([bad]), /^Error: index 2000 is out of bounds for dimension 0 with size 2000/);
      assert.throws(() => x.index([torch.tensor([-2001], { dtype: "int32" })]), /^Error: index -2001 is out of bounds for dimension 0 with size 2000/);
    } finally {
      torch.setBackend(previous);
    }
  }
});

test("gradients through the block path equal the reference's (index_add back into the rows)", { skip }, () => {
  const index = torch.tensor(Array.from({ length: 900 }, (_, i) => (i * 31) % 400), { dtype: "int32" });
  const x0 = torch.randn([400, 32], { dtype: "float64" });
  const g = torch.randn([900, 32], { dtype: "float64" });
  const [r, n] = onBoth(() => {
    const x = x0.clone().requiresGrad_();
    const [gx] = torch.autograd.grad(x.index([index]), [x], { gradOutputs: g });
    return Array.from(gx!.data);
  });
  assert.deepEqual(n, r);
});
