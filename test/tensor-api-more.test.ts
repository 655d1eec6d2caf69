// More of PyTorch's tensor API (the tensor2 probe's gaps) and PyTorch's error messages.
// Expected values were printed by PyTorch 1.13 (/usr/bin/python3) unless a comment says 2.x;
// where 1.13 and 2.x differ, the 2.x behaviour is the reference and the comment says so.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";

/** Elementwise within a relative `tol` (float32 rounding), NaN where expected NaN. */
function close(actual: unknown, expected: number[], tol = 1e-6): void {
  const got = actual as number[];
  assert.equal(got.length, expected.length, `length of ${JSON.stringify(got)}`);
  expected.forEach((e, i) => {
    const ok = Number.isNaN(e) ? Number.isNaN(got[i]) : Math.abs(got[i]! - e) <= tol * Math.max(1, Math.abs(e));
    assert.ok(ok, `[${i}] is ${got[i]}, PyTorch gives ${e}`);
  });
}

const lists = (ts: Tensor[]) => ts.map((t) => t.tolist());
const grad = (t: Tensor) => t.grad!.tolist();

test("logspace: base ** evenly spaced exponents; int32 truncates the exponents' ends and each power", () => {
  const a = torch.logspace(0, 2, 5);
  assert.equal(a.dtype, "float32");
  close(a.tolist(), [1.0, 3.1622776985168457, 10.0, 31.62277603149414, 100.0]);
  close(torch.logspace(-1, 1, 4, { base: 2 }).tolist(), [0.5, 0.7937005162239075, 1.2599210739135742, 2.0]);
  close(torch.logspace(-3.3, 2.2, 7).tolist(), [0.0005011872854083776, 0.004136820789426565, 0.03414549306035042, 0.2818383276462555, 2.326305389404297, 19.2014217376709, 158.4893341064453]);
  const d = torch.logspace(0.1, 1.7, 5, { base: 3, dtype: "float64" });
  assert.equal(d.dtype, "float64");
  close(d.tolist(), [1.1161231740339044, 1.7320508075688772, 2.6878753795222865, 4.171167510947728, 6.473007839923779], 1e-14);
  const i = torch.logspace(0, 3, 4, { dtype: "int32" });
  assert.equal(i.dtype, "int32");
  assert.deepEqual(i.tolist(), [1, 10, 100, 1000]);
  assert.deepEqual(torch.logspace(0, 2.5, 4, { dtype: "int32" }).tolist(), [1, 4, 21, 100]); // end truncated to 2 first
  assert.deepEqual(torch.logspace(-1, 2, 4, { base: 2, dtype: "int32" }).tolist(), [0, 1, 2, 4]);
  assert.deepEqual(torch.logspace(1, 10, 4, { base: 2, dtype: "int32" }).tolist(), [2, 16, 128, 1024]);
  assert.deepEqual(torch.logspace(1, 2, 1, { base: 3 }).tolist(), [3]); // one step is base ** start
  assert.deepEqual(torch.logspace(0, 2, 0).shape, [0]);
  close(torch.logspace(0, 1, 3, { base: -2 }).tolist(), [1, NaN, -2]);
  assert.throws(() => torch.logspace(0, 2, 3, { dtype: "bool" }), /^Error: "logspace_cpu" not implemented for 'Bool'$/);
  assert.throws(() => torch.logspace(0, 2, -1), /^Error: number of steps must be non-negative$/);
  assert.equal(torch.logspace(0, 1, 3, { requiresGrad: true }).requiresGrad, true);
});

test("tensorSplit: sections (the first ones longer) or indices (wrapping and clamping as slices); views with SliceBackward0", () => {
  const x = torch.arange(7);
  assert.deepEqual(lists(torch.tensorSplit(x, 3)), [[0, 1, 2], [3, 4], [5, 6]]);
  assert.deepEqual(lists(torch.tensorSplit(x, [1, 5])), [[0], [1, 2, 3, 4], [5, 6]]);
  assert.deepEqual(lists(torch.tensorSplit(x, [5, 1, 9])), [[0, 1, 2, 3, 4], [], [1, 2, 3, 4, 5, 6], []]);
  assert.deepEqual(lists(torch.tensorSplit(x, [-2])), [[0, 1, 2, 3, 4], [5, 6]]);
  assert.deepEqual(lists(torch.tensorSplit(x, 9)), [[0], [1], [2], [3], [4], [5], [6], [], []]);
  assert.deepEqual(lists(torch.tensorSplit(x, torch.tensor(3, { dtype: "int32" }))), [[0, 1, 2], [3, 4], [5, 6]]);
  assert.deepEqual(lists(torch.tensorSplit(x, torch.tensor([1, 5], { dtype: "int32" }))), [[0], [1, 2, 3, 4], [5, 6]]);
  assert.deepEqual(torch.zeros([2, 5]).tensorSplit(2, 1).map((t) => t.shape), [[2, 3], [2, 2]]);
  const parts = torch.tensorSplit(x, 3);
  assert.equal(parts[1]!.storageOffset(), 3); // views of x
  assert.throws(() => torch.tensorSplit(x, 0), /^Error: number of sections must be larger than 0, got 0$/);
  assert.throws(() => torch.tensorSplit(torch.tensor(1), 2), /^Error: tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims$/);
  assert.throws(() => torch.tensorSplit(x, 2, 1), /^Error: Dimension out of range \(expected to be in range of \[-1, 0\], but got 1\)/);
  assert.throws(() => torch.tensorSplit(x, torch.tensor([[1, 5]], { dtype: "int32" })), /^Error: tensor_split expected tensor_indices_or_sections to be a zero-dimensional or one-dimensional tensor, but got a tensor with 2 dims$/);
  assert.throws(() => torch.tensorSplit(x, torch.tensor(1)), /^Error: tensor_split expected tensor_indices_or_sections to have dtype of long, but got Float/);

  const xg = torch.arange(7, { dtype: "float32" }).requiresGrad_();
  const p = torch.tensorSplit(xg, [2, 5]);
  assert.equal(p[1]!.gradFn!.name, "SliceBackward0");
  p[0]!.sum().add(p[2]!.sum().mul(3)).backward();
  assert.deepEqual(grad(xg), [1, 1, 0, 0, 0, 3, 3]);
});

test("hsplit / vsplit / dsplit split columns, rows and depth; a number of sections must divide the dim", () => {
  const m = torch.arange(12, { dtype: "float32" }).reshape(3, 4);
  assert.deepEqual(lists(torch.hsplit(m, 2)), [[[0, 1], [4, 5], [8, 9]], [[2, 3], [6, 7], [10, 11]]]);
  assert.deepEqual(lists(m.hsplit([1, 3])), [[[0], [4], [8]], [[1, 2], [5, 6], [9, 10]], [[3], [7], [11]]]);
  assert.deepEqual(lists(torch.hsplit(torch.arange(6), 3)), [[0, 1], [2, 3], [4, 5]]); // 1-d: along dim 0
  assert.deepEqual(lists(torch.vsplit(m, 3)), [[[0, 1, 2, 3]], [[4, 5, 6, 7]], [[8, 9, 10, 11]]]);
  assert.deepEqual(lists(m.vsplit([1])), [[[0, 1, 2, 3]], [[4, 5, 6, 7], [8, 9, 10, 11]]]);
  assert.deepEqual(torch.dsplit(torch.zeros([2, 2, 4]), 2).map((t) => t.shape), [[2, 2, 2], [2, 2, 2]]);
  assert.deepEqual(torch.zeros([2, 2, 4]).dsplit([3]).map((t) => t.shape), [[2, 2, 3], [2, 2, 1]]);
  assert.throws(() => torch.hsplit(m, 3), /^Error: torch\.hsplit attempted to split along dimension 1, but the size of the dimension 4 is not divisible by the split_size 3!$/);
  assert.throws(() => torch.hsplit(m, 0), /not divisible by the split_size 0!$/);
  assert.throws(() => torch.hsplit(torch.tensor(1), 1), /^Error: torch\.hsplit requires a tensor with at least 1 dimension, but got a tensor with 0 dimensions!$/);
  assert.throws(() => torch.vsplit(m, 2), /^Error: torch\.vsplit attempted to split along dimension 0, but the size of the dimension 3 is not divisible by the split_size 2!$/);
  assert.throws(() => torch.vsplit(torch.arange(6), 2), /^Error: torch\.vsplit requires a tensor with at least 2 dimension, but got a tensor with 1 dimensions!$/);
  assert.throws(() => torch.dsplit(m, 2), /^Error: torch\.dsplit requires a tensor with at least 3 dimension, but got a tensor with 2 dimensions!$/);
  assert.throws(() => torch.dsplit(torch.zeros([2, 2, 4]), 3), /^Error: torch\.dsplit attempted to split along dimension 2, but the size of the dimension 4 is not divisible by the split_size 3!$/);
  const x = torch.tensor([1, 2, 3, 4], { requiresGrad: true });
  const ps = torch.hsplit(x.reshape(2, 2), 2);
  ps[0]!.mul(10).add(ps[1]!).sum().backward();
  assert.deepEqual(grad(x), [10, 1, 10, 1]);
});

test("rot90: quarter turns in the plane of dims, k taken mod 4; Rot90Backward0 rotates the gradient back", () => {
  const m = torch.arange(6, { dtype: "float32" }).reshape(2, 3);
  const turns: Record<number, number[][]> = {
    1: [[2, 5], [1, 4], [0, 3]],
    2: [[5, 4, 3], [2, 1, 0]],
    3: [[3, 0], [4, 1], [5, 2]],
    4: [[0, 1, 2], [3, 4, 5]],
    0: [[0, 1, 2], [3, 4, 5]],
    [-1]: [[3, 0], [4, 1], [5, 2]],
    5: [[2, 5], [1, 4], [0, 3]],
  };
  for (const [k, want] of Object.entries(turns)) assert.deepEqual(torch.rot90(m, Number(k)).tolist(), want, `k = ${k}`);
  assert.deepEqual(m.rot90(1, [1, 0]).tolist(), [[3, 0], [4, 1], [5, 2]]);
  const t3 = torch.arange(8, { dtype: "float32" }).reshape(2, 2, 2);
  assert.deepEqual(torch.rot90(t3, 1, [1, 2]).tolist(), [[[1, 3], [0, 2]], [[5, 7], [4, 6]]]);
  assert.deepEqual(torch.rot90(t3, 1, [2, 0]).tolist(), [[[4, 0], [6, 2]], [[5, 1], [7, 3]]]);
  // a copy; k = 1 is a transposed layout, k = 2 contiguous (as PyTorch)
  assert.equal(torch.rot90(m, 1).isContiguous(), false);
  assert.equal(torch.rot90(m, 2).isContiguous(), true);
  const r0 = torch.rot90(m, 0);
  r0.add_(1);
  assert.deepEqual(m.tolist(), [[0, 1, 2], [3, 4, 5]]);
  assert.throws(() => torch.rot90(m, 1, [0]), /^Error: expected total rotation dims == 2, but got dims = 1$/);
  assert.throws(() => torch.rot90(m, 1, [0, 0]), /^Error: expected rotation dims to be different, but got dim0 = 0 and dim1 = 0$/);
  assert.throws(() => torch.rot90(m, 1, [0, -2]), /^Error: expected rotation dims to be different, but got dim0 = 0 and dim1 = -2$/);
  assert.throws(() => torch.rot90(torch.arange(3), 1), /^Error: expected total dims >= 2, but got total dims = 1$/);

  const cases: [number, number[]][] = [[1, [4, 2, 0, 5, 3, 1]], [2, [5, 4, 3, 2, 1, 0]], [3, [1, 3, 5, 0, 2, 4]], [-2, [5, 4, 3, 2, 1, 0]]];
  for (const [k, want] of cases) {
    const x = torch.arange(6, { dtype: "float32" }).requiresGrad_();
    const r = torch.rot90(x.reshape(2, 3), k);
    assert.equal(r.gradFn!.name, "Rot90Backward0");
    r.mul(torch.arange(6, { dtype: "float32" }).reshape(r.shape)).sum().backward();
    assert.deepEqual(grad(x), want, `k = ${k}`);
  }
  const t = torch.arange(24, { dtype: "float32" }).reshape(2, 3, 4).requiresGrad_();
  const r = torch.rot90(t, 1, [2, 0]);
  assert.deepEqual(r.shape, [4, 3, 2]);
  assert.deepEqual((r.flatten().tolist() as number[]).slice(0, 8), [12, 0, 16, 4, 20, 8, 13, 1]);
  r.mul(torch.arange(24, { dtype: "float32" }).reshape(r.shape)).sum().backward();
  assert.deepEqual(t.grad!.flatten().tolist(), [1, 7, 13, 19, 3, 9, 15, 21, 5, 11, 17, 23, 0, 6, 12, 18, 2, 8, 14, 20, 4, 10, 16, 22]);
});

test("flipud / fliplr reverse dim 0 / dim 1 (copies)", () => {
  const m = torch.arange(6, { dtype: "float32" }).reshape(2, 3).requiresGrad_();
  assert.deepEqual(torch.flipud(m).tolist(), [[3, 4, 5], [0, 1, 2]]);
  assert.deepEqual(m.fliplr().tolist(), [[2, 1, 0], [5, 4, 3]]);
  assert.deepEqual(torch.arange(3).flipud().tolist(), [2, 1, 0]);
  assert.throws(() => torch.flipud(torch.tensor(1)), /^Error: Input must be >= 1-d\.$/);
  assert.throws(() => torch.fliplr(torch.arange(3)), /^Error: Input must be >= 2-d\.$/);
  torch.fliplr(m).mul(torch.tensor([[1, 2, 3], [4, 5, 6]])).sum().backward();
  assert.deepEqual(grad(m), [[3, 2, 1], [6, 5, 4]]);
});

test("diagEmbed puts the last dim on a diagonal of two new dims; diagflat on a matrix's; gradients as PyTorch", () => {
  const v = torch.tensor([1, 2, 3]);
  assert.deepEqual(torch.diagEmbed(v).tolist(), [[1, 0, 0], [0, 2, 0], [0, 0, 3]]);
  assert.deepEqual(v.diagEmbed(1).tolist(), [[0, 1, 0, 0], [0, 0, 2, 0], [0, 0, 0, 3], [0, 0, 0, 0]]);
  assert.deepEqual(torch.diagEmbed(v, -1).tolist(), [[0, 0, 0, 0], [1, 0, 0, 0], [0, 2, 0, 0], [0, 0, 3, 0]]);
  const a = torch.arange(6, { dtype: "float32" }).reshape(2, 3);
  assert.deepEqual(torch.diagEmbed(a).shape, [2, 3, 3]);
  const dims02 = [[[0, 0, 0, 0], [0, 3, 0, 0]], [[0, 0, 1, 0], [0, 0, 4, 0]], [[0, 0, 0, 2], [0, 0, 0, 5]], [[0, 0, 0, 0], [0, 0, 0, 0]]];
  assert.deepEqual(torch.diagEmbed(a, 1, 0, 2).tolist(), dims02);
  assert.deepEqual(torch.diagEmbed(a, -1, 2, 0).tolist(), dims02);
  const b = torch.diagEmbed(torch.tensor([true, false]));
  assert.equal(b.dtype, "bool");
  assert.deepEqual(b.tolist(), [[true, false], [false, false]]);
  assert.throws(() => torch.diagEmbed(a, 0, 0, 0), /^Error: diagonal dimensions cannot be identical 0, 0$/);
  assert.throws(() => torch.diagEmbed(a, 0, 0, 3), /^Error: Dimension out of range \(expected to be in range of \[-3, 2\], but got 3\)/);
  assert.throws(() => torch.diagEmbed(torch.tensor(2)), /^Error: Dimension out of range \(expected to be in range of \[-1, 0\], but got -2\)/);
  const ag = torch.arange(6, { dtype: "float32" }).requiresGrad_();
  const d = torch.diagEmbed(ag.reshape(2, 3), 1, 0, 2);
  assert.equal(d.gradFn!.name, "DiagEmbedBackward0");
  d.mul(torch.arange(32, { dtype: "float32" }).reshape(4, 2, 4)).sum().backward();
  assert.deepEqual(grad(ag), [1, 10, 19, 5, 14, 23]);

  assert.deepEqual(torch.diagflat(torch.tensor([[1, 2], [3, 4]])).tolist(), [[1, 0, 0, 0], [0, 2, 0, 0], [0, 0, 3, 0], [0, 0, 0, 4]]);
  assert.deepEqual(torch.tensor([1, 2]).diagflat(-1).tolist(), [[0, 0, 0], [1, 0, 0], [0, 2, 0]]);
  assert.deepEqual(torch.diagflat(torch.tensor(5)).tolist(), [[5]]);
  const di = torch.diagflat(torch.tensor([1, 2], { dtype: "int32" }), 1);
  assert.equal(di.dtype, "int32");
  assert.deepEqual(di.tolist(), [[0, 1, 0], [0, 0, 2], [0, 0, 0]]);
  assert.deepEqual(torch.diagflat(torch.zeros([0])).shape, [0, 0]);
  const dg = torch.tensor([[1, 2], [3, 4]], { requiresGrad: true });
  torch.diagflat(dg.t(), 1).mul(torch.arange(25, { dtype: "float32" }).reshape(5, 5)).sum().backward();
  assert.deepEqual(grad(dg), [[1, 13], [7, 19]]);
});

test("squeeze with a list of dims (PyTorch 2.x; 1.13 has no such overload) squeezes those of size 1, SqueezeBackward2", () => {
  const x = torch.zeros([1, 2, 1, 3]);
  assert.deepEqual(x.squeeze([0, 2]).shape, [2, 3]);
  assert.deepEqual(torch.squeeze(x, [0, 1]).shape, [2, 1, 3]); // dim 1 has size 2: kept
  assert.deepEqual(x.squeeze([-1, 0]).shape, [2, 1, 3]);
  assert.deepEqual(x.squeeze([]).shape, [1, 2, 1, 3]);
  assert.deepEqual(torch.tensor(3).squeeze([0]).shape, []);
  assert.throws(() => x.squeeze([0, 0]), /^Error: dim 0 appears multiple times in the list of dims$/);
  assert.throws(() => x.squeeze([4]), /Dimension out of range \(expected to be in range of \[-4, 3\], but got 4\)/);
  const g = torch.tensor([[[1], [2]]], { requiresGrad: true });
  const s = g.squeeze([0, 2]);
  assert.equal(s.gradFn!.name, "SqueezeBackward2");
  assert.equal(g.squeeze(0).gradFn!.name, "SqueezeBackward1");
  s.mul(torch.tensor([3, 4])).sum().backward();
  assert.deepEqual(grad(g), [[[3], [4]]]);
  // a view: writes show through
  s.detach().fill_(7);
  assert.deepEqual(g.detach().tolist(), [[[7], [7]]]);
});

test("storageOffset, elementSize, itemsize, nelement and permute's separate arguments", () => {
  const z = torch.zeros([2, 3, 4]);
  assert.equal(z.select(0, 1).storageOffset(), 12);
  assert.equal(z.select(0, 1).select(0, 2).storageOffset(), 20);
  assert.equal(z.storageOffset(), 0);
  assert.equal(z.elementSize(), 4);
  assert.equal(torch.zeros([2], { dtype: "float64" }).elementSize(), 8);
  assert.equal(torch.zeros([2], { dtype: "int32" }).elementSize(), 4);
  assert.equal(torch.zeros([2], { dtype: "bool" }).elementSize(), 1);
  assert.equal(torch.zeros([2], { dtype: "float64" }).itemsize, 8); // PyTorch 2.1's Tensor.itemsize
  assert.equal(z.nelement(), 24);
  const p = torch.zeros([2, 3, 4]).permute(2, 0, 1);
  assert.deepEqual(p.shape, [4, 2, 3]);
  assert.deepEqual(torch.zeros([2, 3]).permute([1, 0]).shape, [3, 2]);
  assert.deepEqual(torch.tensor([[1, 2, 3], [4, 5, 6]]).permute(1, 0).tolist(), [[1, 4], [2, 5], [3, 6]]);
  assert.throws(() => torch.zeros([2, 3]).permute(1, 1), /^Error: permute\(\): duplicate dims are not allowed\.$/);
  assert.throws(() => torch.zeros([2, 3]).permute(1, -1), /^Error: permute\(\): duplicate dims are not allowed\.$/);
});

test("torch.tensor takes one-element tensors among numbers: their dtypes promote, the result has no history", () => {
  const check = (t: Tensor, dtype: string, values: unknown) => {
    assert.equal(t.dtype, dtype);
    assert.deepEqual(t.tolist(), values);
  };
  check(torch.tensor([torch.tensor(1), torch.tensor(2)]), "float32", [1, 2]);
  const i = (v: number) => torch.tensor(v, { dtype: "int32" });
  check(torch.tensor([i(1), i(2)]), "int32", [1, 2]);
  check(torch.tensor([i(1), 2.5]), "float32", [1, 2.5]);
  check(torch.tensor([i(1), true]), "int32", [1, 1]);
  check(torch.tensor([torch.tensor(true), true]), "bool", [true, true]);
  check(torch.tensor([torch.tensor(1, { dtype: "float64" }), 2.5]), "float64", [1, 2.5]);
  check(torch.tensor([torch.tensor(1.5, { dtype: "float64" }), i(2)]), "float64", [1.5, 2]);
  check(torch.tensor([torch.tensor(1.5), i(2)]), "float32", [1.5, 2]);
  check(torch.tensor([[torch.tensor(1), 2], [3, torch.tensor(4)]]), "float32", [[1, 2], [3, 4]]);
  check(torch.tensor([torch.tensor([1]), torch.tensor([3])]), "float32", [1, 3]); // one-element 1-d tensors too
  check(torch.tensor([i(1), i(2)], { dtype: "float64" }), "float64", [1, 2]);
  // torchlet's plain numbers are float32 (PyTorch infers int64 from Python ints), so int32 with a number is float32
  check(torch.tensor([i(1), 2]), "float32", [1, 2]);
  const leaf = torch.tensor(1, { requiresGrad: true });
  const t = torch.tensor([leaf.mul(2), 2]);
  assert.equal(t.requiresGrad, false);
  assert.equal(t.gradFn, null);
  assert.deepEqual(t.tolist(), [2, 2]);
  // the values are copied: later writes to the source don't show
  const src = torch.tensor(5);
  const copy = torch.tensor([src]);
  src.fill_(6);
  assert.deepEqual(copy.tolist(), [5]);
  // a view's element is read at its offset
  assert.deepEqual(torch.tensor([torch.arange(4).select(0, 3)]).tolist(), [3]);
  assert.throws(() => torch.tensor([torch.tensor([1, 2]), torch.tensor([3, 4])]), /^Error: only one element tensors can be converted to Python scalars$/);
});

test("atleast1d / 2d / 3d add leading (and, for 3d, trailing) size-1 dims as views", () => {
  const s = torch.tensor(5), v = torch.arange(3, { dtype: "float32" }), m = torch.zeros([2, 3]);
  const shapes = (f: (t: Tensor) => Tensor) => [s, v, m, torch.zeros([2, 3, 4]), torch.zeros([1, 2, 3, 4])].map((t) => f(t).shape);
  assert.deepEqual(shapes(torch.atleast1d), [[1], [3], [2, 3], [2, 3, 4], [1, 2, 3, 4]]);
  assert.deepEqual(shapes(torch.atleast2d), [[1, 1], [1, 3], [2, 3], [2, 3, 4], [1, 2, 3, 4]]);
  assert.deepEqual(shapes(torch.atleast3d), [[1, 1, 1], [1, 3, 1], [2, 3, 1], [2, 3, 4], [1, 2, 3, 4]]);
  assert.equal(torch.atleast2d(m), m); // returned as it is
  assert.deepEqual(torch.atleast3d(m).stride(), [3, 1, 1]);
  assert.deepEqual(torch.atleast3d(v).stride(), [3, 1, 1]);
  assert.deepEqual(torch.atleast2d(v).stride(), [3, 1]);
  const many = torch.atleast1d(s, v);
  assert.deepEqual(many.map((t) => t.tolist()), [[5], [0, 1, 2]]);
  assert.deepEqual(torch.atleast1d([s, v]).map((t) => t.shape), [[1], [3]]);
  assert.deepEqual(torch.atleast3d([]), []);
  const vg = torch.tensor([1, 2], { requiresGrad: true });
  const up = torch.atleast3d(vg);
  assert.equal(up.gradFn!.name, "UnsqueezeBackward0");
  up.mul(torch.tensor([[[3], [4]]])).sum().backward();
  assert.deepEqual(grad(vg), [3, 4]);
  // a view: writes show through
  torch.atleast2d(v).fill_(1);
  assert.deepEqual(v.tolist(), [1, 1, 1]);
});

test("hstack / vstack / dstack / columnStack join as PyTorch (dtype promotion and gradients from cat)", () => {
  const m = torch.arange(6, { dtype: "float32" }).reshape(2, 3), v = torch.arange(3, { dtype: "float32" }), s = torch.tensor(5);
  assert.deepEqual(torch.hstack([v, v, s]).tolist(), [0, 1, 2, 0, 1, 2, 5]);
  assert.deepEqual(torch.hstack([m, m]).tolist(), [[0, 1, 2, 0, 1, 2], [3, 4, 5, 3, 4, 5]]);
  assert.throws(() => torch.hstack([m, v]), /^Error: Tensors must have same number of dimensions: got 2 and 1/);
  assert.deepEqual(torch.vstack([v, m, s.expand([3])]).tolist(), [[0, 1, 2], [0, 1, 2], [3, 4, 5], [5, 5, 5]]);
  assert.deepEqual(torch.vstack([s, s]).tolist(), [[5], [5]]);
  assert.deepEqual(torch.dstack([v, v]).tolist(), [[[0, 0], [1, 1], [2, 2]]]);
  assert.deepEqual(torch.dstack([m, m]).shape, [2, 3, 2]);
  assert.deepEqual(torch.dstack([s, s]).tolist(), [[[5, 5]]]);
  assert.deepEqual(torch.columnStack([v, v.mul(2), m.t()]).tolist(), [[0, 0, 0, 3], [1, 2, 1, 4], [2, 4, 2, 5]]);
  assert.deepEqual(torch.columnStack([s, s]).tolist(), [[5, 5]]);
  const mixed = torch.hstack([torch.tensor([1, 2], { dtype: "int32" }), v]);
  assert.equal(mixed.dtype, "float32");
  assert.deepEqual(mixed.tolist(), [1, 2, 0, 1, 2]);
  for (const [name, f] of [["hstack", torch.hstack], ["vstack", torch.vstack], ["dstack", torch.dstack], ["column_stack", torch.columnStack]] as const) {
    assert.throws(() => f([]), new RegExp(`^Error: ${name} expects a non-empty TensorList$`));
  }

  const a = torch.tensor([1, 2], { requiresGrad: true }), b = torch.tensor([[3], [4]], { requiresGrad: true });
  const c = torch.columnStack([a, b]);
  assert.equal(c.gradFn!.name, "CatBackward0");
  assert.deepEqual(c.tolist(), [[1, 3], [2, 4]]);
  c.mul(torch.tensor([[1, 2], [3, 4]])).sum().backward();
  assert.deepEqual(grad(a), [1, 3]);
  assert.deepEqual(grad(b), [[2], [4]]);
  const x = torch.tensor([[1, 2], [3, 4], [5, 6]], { requiresGrad: true });
  const y = torch.vstack([x.select(0, 0), x, torch.tensor(7).expand([2])]);
  assert.deepEqual(y.tolist(), [[1, 2], [1, 2], [3, 4], [5, 6], [7, 7]]);
  y.mul(torch.arange(10, { dtype: "float32" }).reshape(5, 2)).sum().backward();
  assert.deepEqual(grad(x), [[2, 4], [4, 5], [6, 7]]);
  const w = torch.tensor([1, 2], { requiresGrad: true });
  const d = torch.dstack([w, w.mul(2)]);
  assert.deepEqual(d.tolist(), [[[1, 2], [2, 4]]]);
  d.mul(torch.tensor([[[1, 2], [3, 4]]])).sum().backward();
  assert.deepEqual(grad(w), [5, 11]);
});

test("cartesianProd and combinations: rows in lexicographic order, gradients summed over each element's uses", () => {
  assert.deepEqual(torch.cartesianProd(torch.tensor([1, 2]), torch.tensor([3, 4, 5])).tolist(), [[1, 3], [1, 4], [1, 5], [2, 3], [2, 4], [2, 5]]);
  assert.deepEqual(torch.cartesianProd(torch.tensor([1, 2]), torch.tensor([3]), torch.tensor([6, 7])).tolist(), [[1, 3, 6], [1, 3, 7], [2, 3, 6], [2, 3, 7]]);
  const one = torch.tensor([1, 2]);
  assert.equal(torch.cartesianProd(one), one);
  assert.deepEqual(torch.cartesianProd(torch.tensor([1, 2]), torch.zeros([0])).shape, [0, 2]);
  assert.throws(() => torch.cartesianProd(torch.tensor([[1, 2]])), /^Error: Expect a 1D vector, but got shape \[1, 2\]$/);
  assert.throws(() => torch.cartesianProd(torch.tensor([1, 2]), torch.tensor(3)), /^Error: Expect a 1D vector, but got shape \[\]$/);
  assert.throws(() => torch.cartesianProd(), /^Error: meshgrid expects a non-empty TensorList$/);
  assert.throws(() => torch.cartesianProd(torch.tensor([1, 2]), torch.tensor([1, 2], { dtype: "int32" })), /^Error: meshgrid expects all tensors to have the same dtype$/);
  const x = torch.tensor([1, 2], { requiresGrad: true }), y = torch.tensor([3, 4, 5], { requiresGrad: true });
  const p = torch.cartesianProd(x, y);
  assert.equal(p.gradFn!.name, "StackBackward0");
  p.mul(torch.arange(12, { dtype: "float32" }).reshape(6, 2)).sum().backward();
  assert.deepEqual(grad(x), [6, 24]);
  assert.deepEqual(grad(y), [8, 12, 16]);

  const c = torch.tensor([1, 2, 3, 4]);
  assert.deepEqual(torch.combinations(c).tolist(), [[1, 2], [1, 3], [1, 4], [2, 3], [2, 4], [3, 4]]);
  assert.deepEqual(torch.combinations(c, 3).tolist(), [[1, 2, 3], [1, 2, 4], [1, 3, 4], [2, 3, 4]]);
  assert.deepEqual(torch.combinations(torch.tensor([1, 2, 3]), 2, { withReplacement: true }).tolist(), [[1, 1], [1, 2], [1, 3], [2, 2], [2, 3], [3, 3]]);
  assert.deepEqual(torch.combinations(c, 1).tolist(), [[1], [2], [3], [4]]);
  const r0 = torch.combinations(c, 0);
  assert.deepEqual(r0.shape, [0]);
  assert.equal(r0.dtype, "float32");
  assert.deepEqual(torch.combinations(c, 5).shape, [0, 5]);
  assert.deepEqual(torch.combinations(torch.zeros([0])).shape, [0, 2]);
  assert.deepEqual(torch.combinations(torch.zeros([0]), 2, { withReplacement: true }).shape, [0, 2]);
  const ci = torch.combinations(torch.tensor([1, 2, 3], { dtype: "int32" }));
  assert.equal(ci.dtype, "int32");
  assert.deepEqual(ci.tolist(), [[1, 2], [1, 3], [2, 3]]);
  assert.deepEqual(torch.combinations(torch.tensor([true, false])).tolist(), [[true, false]]);
  assert.throws(() => torch.combinations(c, -1), /^Error: Expect a non-negative number, but got -1$/);
  assert.throws(() => torch.combinations(torch.zeros([2, 2])), /^Error: Expect a 1D vector, but got shape \[2, 2\]$/);
  assert.throws(() => torch.combinations(torch.tensor(1)), /^Error: Expect a 1D vector, but got shape \[\]$/);
  const xg = torch.tensor([1, 2, 3], { requiresGrad: true });
  torch.combinations(xg, 2, { withReplacement: true }).mul(torch.arange(12, { dtype: "float32" }).reshape(6, 2)).sum().backward();
  assert.deepEqual(grad(xg), [7, 24, 35]);
});

test("messages start with PyTorch's text, without torchlet-only prefixes", () => {
  const x = torch.zeros([6]);
  assert.throws(() => x.reshape(-1, -1), /^Error: only one dimension can be inferred$/);
  assert.throws(() => x.view(-1, -1), /^Error: only one dimension can be inferred$/);
  assert.throws(() => x.reshape(2, -2), /^Error: invalid shape dimension -2$/);
  assert.throws(() => x.reshape(0, -1), /^Error: shape '\[0, -1\]' is invalid for input of size 6$/);
  assert.throws(() => torch.zeros([2, 0]).reshape(0, -1), /^Error: cannot reshape tensor of 0 elements into shape \[0, -1\] because the unspecified dimension size -1 can be any value and is ambiguous$/);
  assert.throws(() => torch.zeros([0, 3]).view(-1, 0), /^Error: cannot reshape tensor of 0 elements into shape \[-1, 0\] because the unspecified dimension size -1 can be any value and is ambiguous$/);
  assert.deepEqual(torch.zeros([0, 3]).reshape(-1, 3).shape, [0, 3]);
  assert.deepEqual(torch.zeros([0]).reshape(3, -1).shape, [3, 0]);
  assert.deepEqual(torch.zeros([2, 0]).reshape(-1).shape, [0]);

  assert.throws(() => torch.zeros([2, -1]), /^Error: Trying to create tensor with negative dimension -1: \[2, -1\]$/);
  assert.throws(() => torch.zeros([2, -1, -2]), /^Error: Trying to create tensor with negative dimension -1: \[2, -1, -2\]$/);
  assert.throws(() => torch.ones([-3]), /^Error: Trying to create tensor with negative dimension -3: \[-3\]$/);
  assert.throws(() => torch.full([-1], 2), /^Error: Trying to create tensor with negative dimension -1: \[-1\]$/);
  assert.throws(() => torch.randperm(-1), /^Error: Trying to create tensor with negative dimension -1: \[-1\]$/);
  assert.throws(() => torch.zeros([2, 1.5]), /^TypeError: zeros\(\): argument 'size' must be tuple of ints, but found element of type float at pos 1$/);
  assert.throws(() => torch.eye(-1), /^Error: n must be greater or equal to 0, got -1$/);
  assert.throws(() => torch.eye(2, -1), /^Error: m must be greater or equal to 0, got -1$/);
  assert.throws(() => torch.linspace(0, 1, -2), /^Error: number of steps must be non-negative$/);
  assert.throws(() => torch.linspace(0, 2, 3, { dtype: "bool" }), /^Error: "linspace_cpu" not implemented for 'Bool'$/);
  assert.throws(() => torch.arange(0, 1, 0), /^Error: step must be nonzero$/);
  assert.throws(() => torch.roll(torch.zeros([3]), [1, 2], [0]), /^Error: shifts and dimensions must align\. shifts: 2, dims:1$/);
  assert.throws(() => torch.roll(torch.zeros([3]), [1, 2]), /^Error: shifts and dimensions must align\. shifts: 2, dims:0$/);
  assert.throws(() => torch.tensor([[1, 2], [3]]), /^Error: expected sequence of length 2 at dim 1 \(got 1\)$/);
  assert.throws(() => torch.where(torch.tensor([1, 0]), torch.ones([2]), torch.zeros([2])), /^Error: where expected condition to be a boolean tensor, but got a tensor with dtype Float$/);
  assert.throws(() => torch.where(torch.tensor([1, 0], { dtype: "int32" }), 1, 0), /^Error: where expected condition to be a boolean tensor, but got a tensor with dtype Int$/);
  assert.throws(() => torch.tensor([1, 2]).item(), /^Error: only one element tensors can be converted to Python scalars/);
  assert.throws(() => torch.zeros([0]).item(), /^Error: only one element tensors can be converted to Python scalars/);
  assert.throws(() => torch.meshgrid([]), /^Error: meshgrid expects a non-empty TensorList$/);

  // unflatten names the dim wrapped; PyTorch 2.x passes the inner shape errors through (1.13 prefixes
  // "unflatten got an unexpected error:"), and 2.x finds [0, -1] of an empty dim ambiguous
  const u = torch.zeros([2, 3, 4]);
  assert.throws(() => torch.unflatten(u, -1, [3, -1]), /^Error: unflatten: Provided sizes \[3, -1\] don't multiply up to the size of dim 2 \(4\) in the input tensor$/);
  assert.throws(() => torch.unflatten(u, -2, [3, 2]), /^Error: unflatten: Provided sizes \[3, 2\] don't multiply up to the size of dim 1 \(3\) in the input tensor$/);
  assert.throws(() => torch.unflatten(u, -1, [-1, -1]), /^Error: only one dimension can be inferred$/);
  assert.throws(() => torch.unflatten(torch.zeros([2, 0]), 1, [0, -1]), /^Error: cannot reshape tensor of 0 elements into shape \[0, -1\] because the unspecified dimension size -1 can be any value and is ambiguous$/);
  assert.deepEqual(torch.unflatten(u, -1, [2, -1]).shape, [2, 3, 2, 2]);
});

test("bool operands PyTorch refuses: pow of bools, rounding division of bools; bool to a number power is integer", () => {
  const b = torch.tensor([true, false]), t = true as unknown as number;
  assert.throws(() => torch.pow(b, b), /^Error: "pow" not implemented for 'Bool'$/);
  assert.throws(() => torch.pow(b, t), /^Error: "pow" not implemented for 'Bool'$/);
  assert.throws(() => torch.pow(t, b), /^Error: "pow" not implemented for 'Bool'$/);
  const p = torch.pow(b, 2); // PyTorch: int64 [1, 0]; torchlet's integer dtype is int32
  assert.equal(p.dtype, "int32");
  assert.deepEqual(p.tolist(), [1, 0]);
  assert.deepEqual(torch.pow(2, b).tolist(), [2, 1]);
  assert.throws(() => torch.div(b, torch.tensor([true, true]), { roundingMode: "trunc" }), /^Error: "div_trunc_cpu" not implemented for 'Bool'$/);
  assert.throws(() => torch.div(b, torch.tensor(true), { roundingMode: "floor" }), /^Error: "div_floor_cpu" not implemented for 'Bool'$/);
  assert.throws(() => torch.div(b, t, { roundingMode: "floor" }), /^Error: "div_floor_cpu" not implemented for 'Bool'$/);
  const q = torch.div(b, torch.tensor([true, true]));
  assert.equal(q.dtype, "float32");
  assert.deepEqual(q.tolist(), [1, 0]);
  const f = torch.div(b, 2, { roundingMode: "floor" });
  assert.equal(f.dtype, "int32");
  assert.deepEqual(f.tolist(), [0, 0]);
  assert.deepEqual(torch.div(b, torch.tensor([1, 2], { dtype: "int32" }), { roundingMode: "trunc" }).tolist(), [1, 0]);
});

test("clamp's result dtype promotes with its bounds: bool with ints is integer, an infinity or fraction makes ints float", () => {
  const check = (r: Tensor, dtype: string, values: number[]) => {
    assert.equal(r.dtype, dtype);
    assert.deepEqual(r.tolist(), values);
  };
  const b = torch.tensor([true, false]), i = torch.tensor([1, 5], { dtype: "int32" });
  check(torch.clamp(b, 0, 1), "int32", [1, 0]); // PyTorch: int64
  check(torch.clamp(b, null, 0), "int32", [0, 0]);
  check(torch.clamp(b, -2.5, 0.5), "float32", [0.5, 0]);
  check(torch.clamp(i, -Infinity, 3), "float32", [1, 3]);
  check(torch.clamp(i, null, Infinity), "float32", [1, 5]);
  check(i.clamp(2.5), "float32", [2.5, 5]);
  check(torch.clamp(i, 2), "int32", [2, 5]);
  check(torch.clamp(i, 2, 3), "int32", [2, 3]);
  check(torch.clamp(torch.tensor([1, 5], { dtype: "float64" }), -Infinity, 3), "float64", [1, 3]);
  // in place, the promoted result can't be written back (PyTorch's clamp names the tensor's C++ type: bool, int)
  assert.throws(() => torch.tensor([true, false]).clamp_(0, 1), /^Error: result type Long can't be cast to the desired output type bool/);
  assert.throws(() => torch.tensor([1, 5], { dtype: "int32" }).clamp_(2.5), /^Error: result type Float can't be cast to the desired output type int/);
  assert.throws(() => torch.tensor([true, false]).add_(1), /^Error: result type Int can't be cast to the desired output type Bool/); // PyTorch: Long
  assert.deepEqual(torch.tensor([true, false]).add_(true as unknown as number).tolist(), [true, true]);
  const x = torch.tensor([-1, 0.5, 2], { requiresGrad: true });
  torch.clamp(x, -Infinity, 1).sum().backward();
  assert.deepEqual(grad(x), [1, 1, 0]);
});
