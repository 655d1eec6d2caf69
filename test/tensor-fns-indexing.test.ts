/**
 * The index ops and layouts added to torch and Tensor (indexCopy,
 * indexFill, maskedScatter, scatterReduce, take / put, the view scatters,
 * fillDiagonal_, unfold, asStrided, sumToSize, ravel), the in-place view
 * ops (unsqueeze_, squeeze_, t_, transpose_), the other in-place forms and
 * the new_* factories, against PyTorch (fixtures:
 * scripts/gen_tensor_fns_fixtures.py, PyTorch 1.13).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { check, checkError, gradcheckCase } from "./tensor-fns-fixtures.js";

const long = (v: number[] | number[][]) => torch.tensor(v, { dtype: "int32" });
// PyTorch's index dtype is int64 ("long"); torchlet's is int32
const int32Index = (m: string) => m.replace("a long tensor", "an int32 tensor").replace("int64", "int32");

test("indexCopy, indexFill (number or 0-d tensor value, negative indices), maskedScatter (mask broadcast): values and gradients", () => {
  check("index_copy", (x, s) => x.indexCopy(1, long([3, 0]), s));
  check("index_fill", (x) => torch.indexFill(x, 1, long([1, -1]), -2.5));
  check("index_fill tensor value", (x, v) => x.indexFill(0, long([2, 0]), v));
  check("index_fill int", (x) => x.indexFill(1, long([0]), 1.5));
  const mask = torch.tensor([[true, false, true, false], [false, false, true, true], [true, true, true, false]]);
  check("masked_scatter broadcast", (x, s) => torch.maskedScatter(x, mask, s));
  gradcheckCase("index_copy", (x, s) => torch.indexCopy(x, 1, long([3, 0]), s));
  gradcheckCase("masked_scatter broadcast", (x, s) => x.maskedScatter(mask, s));
  assert.deepEqual(torch.tensor(1).indexCopy(0, long([0]), torch.tensor(5)).item(), 5);
  const z = () => torch.zeros([3, 2]);
  checkError("index_copy count", () => z().indexCopy(0, long([0, 1]), torch.ones([3, 2])));
  checkError("index_copy index dim", () => z().indexCopy(0, long([[0]]), torch.ones([1, 2])));
  checkError("index_copy range", () => z().indexCopy(0, long([5]), torch.ones([1, 2])));
  checkError("index_copy slice", () => z().indexCopy(0, long([1]), torch.ones([1, 3])));
  checkError("index_copy dtype", () => z().indexCopy(0, long([1]), torch.ones([1, 2], { dtype: "float64" })));
  checkError("index_fill range", () => z().indexFill(1, long([5]), 7));
  checkError("index_fill value", () => z().indexFill(1, long([0]), torch.tensor([7])));
  checkError("index_fill index dim", () => z().indexFill(1, long([[0]]), 1));
  checkError("masked_scatter count", () => torch.zeros([2, 2]).maskedScatter(torch.tensor([true, true]), torch.tensor([1, 2, 3])));
  checkError("masked_scatter dtype", () => torch.zeros([2, 2]).maskedScatter(torch.tensor([true, true]), torch.tensor([1, 2, 3, 4], { dtype: "float64" })));
  assert.throws(() => z().indexCopy(0, torch.tensor([1]), torch.ones([1, 2])), { message: int32Index("index_copy_(): Expected a long tensor for index, but got Float") });
});

test("scatterReduce: sum, prod, mean, amax, amin with and without self; prod's zeros, amax's ties, integer mean", () => {
  for (const reduce of ["sum", "prod", "mean", "amax", "amin"] as const) {
    for (const includeSelf of [true, false]) {
      check(`scatter_reduce ${reduce} include_self=${includeSelf ? "True" : "False"}`, (x, s) => x.scatterReduce(1, long([[0, 0, 2, 1], [1, 1, 1, 0]]), s, reduce, { includeSelf }));
    }
  }
  check("scatter_reduce prod zeros", (x, s) => torch.scatterReduce(x, 0, long([0, 0, 1, 1, 1]), s, "prod"));
  check("scatter_reduce amax ties", (x, s) => x.scatterReduce(0, long([0, 0, 1, 1]), s, "amax"));
  check("scatter_reduce int mean", (x, s) => x.scatterReduce(0, long([0, 0, 1]), s, "mean"));
  for (const reduce of ["sum", "prod", "mean"] as const) {
    gradcheckCase(`scatter_reduce ${reduce} include_self=False`, (x, s) => torch.scatterReduce(x, 1, long([[0, 0, 2, 1], [1, 1, 1, 0]]), s, reduce, { includeSelf: false }));
  }
  // a src larger than its index: PyTorch 1.13's backward refuses it; torchlet gives src's extra elements a zero gradient
  const x = torch.tensor([[1, 2], [3, 4]], { requiresGrad: true }), s = torch.randn([2, 3], { requiresGrad: true });
  const y = x.scatterReduce(0, long([[1, 0]]), s, "sum");
  assert.ok(torch.allclose(y.detach(), torch.tensor([[1, 2 + s.toArray()[1]!], [3 + s.toArray()[0]!, 4]])));
  y.sum().backward();
  assert.deepEqual(s.grad!.tolist(), [[1, 1, 0], [0, 0, 0]]);
  checkError("scatter_reduce reduce", () => torch.zeros([2]).scatterReduce(0, long([0]), torch.tensor([1]), "max" as "amax"));
  const t = torch.zeros([3]);
  assert.equal(t.scatterReduce_(0, long([0, 0, 2]), torch.tensor([1, 2, 3]), "amax", { includeSelf: false }), t);
  assert.deepEqual(t.tolist(), [2, 0, 3]);
});

test("take and put / put_ (negative indices, accumulate), fillDiagonal_ (wrap, n-d)", () => {
  check("take", (x) => torch.take(x, long([[0, -1], [5, 5]])));
  check("put", (x, s) => torch.put(x, long([0, -1, 5]), s));
  check("put accumulate", (x, s) => x.put(long([0, 0, 5]), s, true));
  check("put_", (x, s) => x.mul(1).put_(long([1, 2]), s));
  check("fill_diagonal_", (x) => x.mul(1).fillDiagonal_(2.5));
  check("fill_diagonal_ wrap", (x) => x.mul(1).fillDiagonal_(-1, true));
  check("fill_diagonal_ 3-d", (x) => x.mul(1).fillDiagonal_(9));
  gradcheckCase("take", (x) => x.take(long([[0, -1], [5, 5]])));
  assert.deepEqual(torch.zeros([3, 2], { dtype: "int32" }).fillDiagonal_(1.7).tolist(), [[1, 0], [0, 1], [0, 0]]);
  checkError("take range", () => torch.take(torch.zeros([2, 3]), long([6])));
  checkError("put count", () => torch.zeros([3]).put_(long([0, 1]), torch.tensor([1])));
  checkError("put dtype", () => torch.zeros([3]).put_(long([0]), torch.tensor([1], { dtype: "float64" })));
  checkError("fill_diagonal_ 1-d", () => torch.zeros([3]).fillDiagonal_(1));
  checkError("fill_diagonal_ unequal", () => torch.zeros([2, 3, 2]).fillDiagonal_(1));
});

test("selectScatter, sliceScatter, diagonalScatter: values, gradients of both inputs, double backward, PyTorch's size check", () => {
  check("diagonal_scatter", (x, s) => torch.diagonalScatter(x, s, 1));
  check("diagonal_scatter dims", (x, s) => x.diagonalScatter(s, -1, 0, 2));
  check("select_scatter", (x, s) => torch.selectScatter(x, s, 1, -1));
  check("slice_scatter", (x, s) => torch.sliceScatter(x, s, 1, 1, null, 2));
  check("slice_scatter dim 0", (x, s) => x.sliceScatter(s, 0, 0, 2, 1));
  gradcheckCase("slice_scatter", (x, s) => torch.sliceScatter(x, s, 1, 1, null, 2));
  const x = torch.randn([3, 3], { dtype: "float64", requiresGrad: true }), s = torch.randn([3], { dtype: "float64", requiresGrad: true });
  assert.equal(torch.selectScatter(x, s, 0, 1).gradFn!.name, "SelectScatterBackward0");
  // second derivatives (the gradients are themselves scatters and views)
  assert.equal(torch.autograd.gradcheck((a: Tensor, b: Tensor) => {
    const [ga, gb] = torch.autograd.grad([torch.diagonalScatter(a, b).pow(2).sum()], [a, b], { createGraph: true });
    return [ga!, gb!];
  }, [x, s]), true);
  // a src of another dtype is converted, as PyTorch's copy
  assert.equal(torch.selectScatter(torch.zeros([3, 3], { dtype: "int32" }), torch.ones([3]), 0, 0).dtype, "int32");
  checkError("select_scatter size", () => torch.zeros([3, 3]).selectScatter(torch.ones([2]), 0, 0));
  checkError("diagonal_scatter size", () => torch.zeros([3, 3]).diagonalScatter(torch.ones([3]), 1));
});

test("unfold (windows as a view, overlapping gradients add), asStrided (storage offsets, views), sumToSize, ravel", () => {
  check("unfold", (x) => x.unfold(0, 3, 2));
  check("unfold dim 1 overlap", (x) => x.unfold(1, 2, 1));
  check("unfold dim 0 size 2 step 3", (x) => x.unfold(0, 2, 3));
  check("unfold 0-d", (x) => x.unfold(0, 1, 1));
  check("as_strided", (x) => torch.asStrided(x, [3, 3], [1, 2], 1));
  check("as_strided of view", (x) => x.narrow(0, 1, 5).asStrided([2, 2], [2, 1]));
  check("sum_to_size", (x) => x.sumToSize(1, 4));
  check("sum_to_size 3-d", (x) => x.sumToSize([2, 1]));
  check("ravel", (x) => torch.ravel(x.t()));
  gradcheckCase("unfold dim 1 overlap", (x) => x.unfold(1, 2, 1));
  gradcheckCase("as_strided", (x) => torch.asStrided(x, [3, 3], [1, 2], 1));
  // unfold is a view: writing the input shows through; its node is PyTorch's
  const base = torch.arange(5).float();
  const w = base.unfold(0, 2, 1);
  base.fill_(7);
  assert.deepEqual((w.tolist() as number[][])[3], [7, 7]);
  assert.equal(torch.ones([4], { requiresGrad: true }).unfold(0, 2, 2).gradFn!.name, "UnfoldBackward0");
  assert.deepEqual(torch.arange(7).float().unfold(0, 0, 1).shape, [8, 0]);
  // an expanded input shares each storage element: as PyTorch's as_strided_backward, the gradient is split among them
  const e = torch.tensor([2], { requiresGrad: true });
  torch.asStrided(e.expand([3]), [2], [0]).sum().backward();
  assert.deepEqual(e.grad!.tolist(), [2]);
  checkError("unfold size", () => torch.arange(7).float().unfold(0, 8, 1));
  checkError("unfold step", () => torch.arange(7).float().unfold(0, 3, 0));
  checkError("as_strided bounds", () => torch.asStrided(torch.arange(6).float(), [2, 2], [1, 2], 5));
  checkError("as_strided negative", () => torch.arange(6).float().asStrided([2, 2], [-1, 2]));
  checkError("sum_to_size", () => torch.zeros([2, 3]).sumToSize(4));
  checkError("sum_to_size longer", () => torch.zeros([2, 3]).sumToSize(1, 2, 3));
});

test("unsqueeze_, squeeze_, t_, transpose_ change the tensor's own layout: version bump, grad_fn from the old layout, PyTorch's leaf and view rules", () => {
  check("unsqueeze_", (x) => x.mul(2).unsqueeze_(1));
  check("squeeze_", (x) => x.mul(2).squeeze_());
  check("t_", (x) => x.mul(2).t_());
  check("transpose_", (x) => x.mul(2).transpose_(0, 2));
  const x = torch.randn([3], { requiresGrad: true });
  const y = x.mul(2);
  const v0 = y.version;
  assert.equal(y.unsqueeze_(0), y);
  assert.deepEqual(y.shape, [1, 3]);
  assert.equal(y.version, v0 + 1);
  // PyTorch: UnsqueezeBackward1 whose next function is the MulBackward0 that made y
  assert.equal(y.gradFn!.name, "UnsqueezeBackward1");
  assert.equal(y.gradFn!.nextFunctions[0]![0]!.name, "MulBackward0");
  assert.equal(y.t_().gradFn!.name, "TBackward1");
  assert.equal(y.transpose_(0, 1).gradFn!.name, "TransposeBackward1");
  // PyTorch 2.x numbers squeeze_'s nodes after squeeze's three (1.13: SqueezeBackward2 / 3)
  assert.equal(y.squeeze_().gradFn!.name, "SqueezeBackward3");
  assert.equal(y.unsqueeze_(1).squeeze_(1).gradFn!.name, "SqueezeBackward4");
  // a view changed in place keeps its base
  const b = x.mul(1).reshape([3, 1]);
  const view = b.select(1, 0);
  view.unsqueeze_(1).swapaxes_(0, 1);
  assert.deepEqual(view.shape, [1, 3]);
  view.sum().backward();
  assert.deepEqual(x.grad!.tolist(), [1, 1, 1]);
  // a tensor that is not in a graph just changes shape; t_ leaves 1-d tensors as they are
  const plain = torch.zeros([3]);
  assert.deepEqual(plain.t_().shape, [3]);
  assert.deepEqual(plain.unsqueeze_(-1).shape, [3, 1]);
  assert.deepEqual(torch.noGrad(() => x.unsqueeze_(0)).shape, [1, 3]);
  checkError("t_ 3-d", () => torch.zeros([3, 1, 2]).t_());
  checkError("unsqueeze_ leaf", () => torch.zeros([3], { requiresGrad: true }).unsqueeze_(0));
  checkError("transpose_ view of leaf", () => torch.zeros([3, 2], { requiresGrad: true }).narrow(0, 1, 2).transpose_(0, 1));
  const inference = torch.inferenceMode(() => torch.zeros([2]));
  assert.throws(() => inference.unsqueeze_(0), { message: /^Inplace update to inference tensor outside InferenceMode is not allowed/ });
});

test("in-place forms equal their out-of-place ops (values and gradients through a non-leaf); triu_ / tril_ / indexCopy_ / maskedScatter_ against PyTorch", () => {
  check("triu_", (x) => x.mul(2).triu_(1));
  check("tril_", (x) => x.mul(2).tril_(-1));
  check("index_copy_", (x, s) => x.mul(1).indexCopy_(0, long([2]), s));
  check("masked_scatter_", (x, s) => x.mul(1).maskedScatter_(x.gt(0), s));
  const data = [0.3, -0.6, 0.9, 0.2];
  const pairs: [string, (t: Tensor) => Tensor, (t: Tensor) => Tensor][] = [
    ["sin", (t) => t.sin_(), (t) => t.sin()], ["cos", (t) => t.cos_(), (t) => t.cos()], ["tan", (t) => t.tan_(), (t) => t.tan()],
    ["asin", (t) => t.arcsin_(), (t) => t.asin()], ["acos", (t) => t.acos_(), (t) => t.acos()], ["atan", (t) => t.arctan_(), (t) => t.atan()],
    ["sinh", (t) => t.sinh_(), (t) => t.sinh()], ["cosh", (t) => t.cosh_(), (t) => t.cosh()],
    ["erf", (t) => t.erf_(), (t) => t.erf()], ["erfc", (t) => t.erfc_(), (t) => t.erfc()],
    ["erfinv", (t) => t.erfinv_(), (t) => t.erfinv()], ["exp2", (t) => t.exp2_(), (t) => t.exp2()], ["expm1", (t) => t.expm1_(), (t) => t.expm1()],
    ["log1p", (t) => t.log1p_(), (t) => t.log1p()], ["reciprocal", (t) => t.reciprocal_(), (t) => t.reciprocal()], ["square", (t) => t.square_(), (t) => t.square()],
    ["sinc", (t) => t.sinc_(), (t) => t.sinc()], ["i0", (t) => t.i0_(), (t) => t.i0()], ["frac", (t) => t.frac_(), (t) => t.frac()],
    ["deg2rad", (t) => t.deg2rad_(), (t) => t.deg2rad()], ["lgamma", (t) => t.lgamma_(), (t) => t.lgamma()], ["negative", (t) => t.negative_(), (t) => t.neg()],
    ["absolute", (t) => t.absolute_(), (t) => t.abs()], ["nanToNum", (t) => t.nanToNum_(), (t) => t.nanToNum()], ["clampMin", (t) => t.clampMin_(0), (t) => t.clampMin(0)],
    ["clip", (t) => t.clip_(-0.5, 0.5), (t) => t.clip(-0.5, 0.5)], ["fmod", (t) => t.fmod_(0.25), (t) => t.fmod(0.25)], ["atan2", (t) => t.arctan2_(0.5), (t) => t.atan2(0.5)],
    ["hypot", (t) => t.hypot_(torch.tensor(0.5)), (t) => t.hypot(torch.tensor(0.5))], ["copysign", (t) => t.copysign_(-1), (t) => t.copysign(-1)],
    ["multiply", (t) => t.multiply_(3), (t) => t.mul(3)], ["subtract", (t) => t.subtract_(1, { alpha: 2 }), (t) => t.sub(1, { alpha: 2 })],
    ["divide", (t) => t.divide_(4), (t) => t.div(4)], ["cumsum", (t) => t.cumsum_(0), (t) => t.cumsum(0)], ["cumprod", (t) => t.cumprod_(0), (t) => t.cumprod(0)],
    ["logit", (t) => t.abs().logit_(), (t) => t.abs().logit()], ["rsqrt", (t) => t.abs().rsqrt_(), (t) => t.abs().rsqrt()],
  ];
  for (const [name, inplaceOp, op] of pairs) {
    const a = torch.tensor(data, { requiresGrad: true }), b = torch.tensor(data, { requiresGrad: true });
    const ya = inplaceOp(a.mul(1)), yb = op(b.mul(1));
    assert.deepEqual(ya.tolist(), yb.tolist(), `${name}_ values`);
    ya.mul(torch.tensor([1, 2, 3, 4])).sum().backward();
    yb.mul(torch.tensor([1, 2, 3, 4])).sum().backward();
    assert.deepEqual(a.grad!.tolist(), b.grad!.tolist(), `${name}_ gradient`);
  }
  // comparisons in place keep the dtype (1 / 0) and pass a zero gradient, as PyTorch's eq_ ...
  const c = torch.tensor([1, 2, 3], { requiresGrad: true });
  const d = c.mul(1);
  d.gt_(1.5);
  assert.deepEqual(d.tolist(), [0, 1, 1]);
  assert.equal(d.gradFn!.name, "GtBackward0");
  d.sum().backward();
  assert.deepEqual(c.grad!.tolist(), [0, 0, 0]);
  const i = torch.tensor([12, 5], { dtype: "int32" });
  i.bitwiseAnd_(6).gcd_(torch.tensor([3, 5], { dtype: "int32" }));
  assert.deepEqual(i.tolist(), [1, 1]);
  const bools = torch.tensor([true, false]);
  bools.logicalNot_();
  assert.deepEqual(bools.tolist(), [false, true]);
  checkError("float_power_ float32", () => torch.ones([2]).floatPower_(2));
  checkError("sin_ int", () => torch.tensor([1, 2], { dtype: "int32" }).sin_());
  const f64 = torch.tensor([2, 3], { dtype: "float64" });
  f64.floatPower_(2);
  assert.deepEqual(f64.tolist(), [4, 9]);
});

test("newZeros / newOnes / newFull / newEmpty / newTensor take this tensor's dtype unless told, and make fresh leaves", () => {
  const x = torch.tensor([1.5, 2], { dtype: "float64", requiresGrad: true });
  const i = torch.tensor([1, 2], { dtype: "int32" });
  // PyTorch: each takes self's dtype; new_full of 1.5 in an int tensor is 1; new_tensor converts
  assert.deepEqual([x.newZeros([2, 3]).dtype, x.newZeros([2, 3]).shape], ["float64", [2, 3]]);
  assert.equal(x.newZeros([2], { dtype: "int32" }).dtype, "int32");
  assert.deepEqual(i.newOnes([2]).tolist(), [1, 1]);
  assert.deepEqual(i.newFull([2], 1.5).tolist(), [1, 1]);
  assert.deepEqual(x.newFull([2], true).tolist(), [1, 1]);
  assert.deepEqual(x.newEmpty([0, 2]).shape, [0, 2]);
  assert.deepEqual(i.newTensor([1.5, -2.7]).tolist(), [1, -2]);
  assert.equal(x.newTensor([[true]]).dtype, "float64");
  const leaf = x.newOnes([2], { requiresGrad: true });
  assert.equal(leaf.requiresGrad && leaf.isLeaf, true);
  assert.equal(x.newZeros([2]).requiresGrad, false);
  const copy = i.newTensor(x);
  assert.deepEqual([copy.dtype, copy.requiresGrad, copy.tolist()], ["int32", false, [1, 2]]);
});

test("differential-probe regressions: indexFill's value gradient (each slice once), bool and overflowing values; scatterReduce's NaN gradients; integer view scatters leave the graph", () => {
  // x.index_fill(0, tensor([1, 1, 0]), v) with v = tensor(0.5, requires_grad=True), loss (y * [[1, 2, 3], [4, 5, 6]]).sum():
  // v.grad = 21 (PyTorch sums grad.index_select(0, unique(index))); x.grad = zeros
  const x = torch.tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
  const v = torch.tensor(0.5, { requiresGrad: true });
  x.indexFill(0, long([1, 1, 0]), v).mul(torch.tensor([[1, 2, 3], [4, 5, 6]])).sum().backward();
  assert.equal(v.grad!.item(), 21);
  assert.deepEqual(x.grad!.tolist(), [[0, 0, 0], [0, 0, 0]]);
  // a 0-d input with no indices: torch.autograd.grad(z.index_fill(0, empty, v2) * 3, [z, v2]) = (3, 0)
  const z = torch.tensor(2, { requiresGrad: true }), v2 = torch.tensor(0.5, { requiresGrad: true });
  const [gz, gv] = torch.autograd.grad([z.indexFill(0, long([]), v2).mul(3)], [z, v2]);
  assert.deepEqual([gz!.item(), gv!.item()], [3, 0]);
  // torch.tensor([True, False, True]).index_fill(0, tensor([1]), True) = all True; NaN into an int tensor is refused
  assert.deepEqual(torch.tensor([true, false, true]).indexFill(0, long([1]), true).tolist(), [true, true, true]);
  assert.throws(() => long([1, 2]).indexFill(0, long([0]), NaN), { message: /^value cannot be converted to type int without overflow/ });
  // an int32 result takes no part in the graph, even when the value tensor requires grad (PyTorch 1.13 asserts internally here)
  assert.equal(long([1, 2]).indexFill(0, long([0]), torch.tensor(1.5, { requiresGrad: true })).requiresGrad, false);
  for (const t of [
    torch.selectScatter(long([1, 2]), torch.tensor(2.5, { requiresGrad: true }), 0, 0),
    torch.sliceScatter(long([1, 2]), torch.tensor([2.5], { requiresGrad: true }), 0, 0, 1),
    torch.diagonalScatter(long([[1, 2], [3, 4]]), torch.tensor([2.5, 3.5], { requiresGrad: true })),
  ]) assert.deepEqual([t.dtype, t.requiresGrad, t.gradFn], ["int32", false, null]);
  // s = tensor([nan, 1., 2.], requires_grad=True); r = s.scatter_reduce(0, tensor([1]), tensor([3.], requires_grad=True), "amax")
  // r.sum().backward(): s.grad = [nan, 0, 1], src.grad = [1] (PyTorch's mask * grad / count: 0 * (g / 0) at the NaN)
  const s = torch.tensor([NaN, 1, 2], { requiresGrad: true }), src = torch.tensor([3], { requiresGrad: true });
  s.scatterReduce(0, long([1]), src, "amax").sum().backward();
  assert.ok(Number.isNaN(s.grad!.toArray()[0]!));
  assert.deepEqual(Array.from(s.grad!.toArray()).slice(1), [0, 1]);
  assert.deepEqual(src.grad!.tolist(), [1]);
  // index_copy_ of a 0-d source needs one index; masked_scatter names the mask first in its broadcast error
  assert.throws(() => torch.zeros([3]).indexCopy(0, long([0, 1]), torch.tensor(1)), { message: /^index_copy_\(\): When source is scalar, index should have one element \(got 2\)/ });
  assert.throws(() => torch.zeros([3, 3]).maskedScatter(torch.tensor([true, false]), torch.zeros([9])), { message: /^The size of tensor a \(2\) must match the size of tensor b \(3\) at non-singleton dimension 1/ });
});

test("differential-probe regressions: in-place rules as PyTorch's (comparisons with a tensor that requires grad, logical ops outside autograd, the inverse hyperbolics' missing derivative, saved tensors, empty expanded writes)", () => {
  // a = torch.tensor([1., 2, 3]); o = torch.tensor([2., 2, 2], requires_grad=True); a.lt_(o): a requires grad through
  // LtBackward1, o gets a zero gradient; a number gives ...Backward0
  const a = torch.tensor([1, 2, 3]), o = torch.tensor([2, 2, 2], { requiresGrad: true });
  a.lt_(o);
  assert.deepEqual([a.tolist(), a.requiresGrad, a.gradFn!.name], [[1, 0, 0], true, "LtBackward1"]);
  assert.deepEqual(torch.autograd.grad([a.sum()], [o])[0]!.tolist(), [0, 0, 0]);
  assert.equal(torch.tensor([1, 2], { requiresGrad: true }).mul(1).eq_(2).gradFn!.name, "EqBackward0");
  // logical_*_ are not differentiable: no leaf check, no new grad_fn, only the write and the version bump
  // (l = torch.tensor([1., 0, 2], requires_grad=True); l.logical_not_() -> tensor([0., 1., 0.], requires_grad=True), still a leaf)
  const l = torch.tensor([1, 0, 2], { requiresGrad: true });
  const v0 = l.version;
  l.logicalNot_();
  assert.deepEqual([l.tolist(), l.isLeaf, l.gradFn, l.version - v0], [[0, 1, 0], true, null, 1]);
  // m = torch.tensor([1., 0, 2], requires_grad=True); n = m * 2; n.logical_and_(tensor([1., 1, 0])): n keeps MulBackward0, m.grad = [2, 2, 2]
  const m = torch.tensor([1, 0, 2], { requiresGrad: true });
  const n = m.mul(2);
  n.logicalAnd_(torch.tensor([1, 1, 0]));
  assert.deepEqual([n.tolist(), n.gradFn!.name], [[1, 0, 0], "MulBackward0"]);
  n.sum().backward();
  assert.deepEqual(m.grad!.tolist(), [2, 2, 2]);
  // acosh_ / asinh_ / atanh_ have no derivative in PyTorch (1.13 and 2.x): AcoshBackward1 ... whose backward throws
  for (const [op, node] of [["acosh_", "AcoshBackward1"], ["asinh_", "AsinhBackward1"], ["atanh_", "AtanhBackward1"]] as const) {
    const leaf = torch.tensor([1.5, 2], { requiresGrad: true });
    const y = leaf.mul(op === "atanh_" ? 0.25 : 1)[op]();
    assert.equal(y.gradFn!.name, node);
    assert.throws(() => y.sum().backward(), { message: `the derivative for 'inplace version of ${op.slice(0, -1)}' is not implemented.` });
  }
  // atan2 saves its inputs, not its result (as PyTorch): changing the result of atan2_ again does not fail backward
  const p = torch.tensor([-0.1, 0.4], { dtype: "float64", requiresGrad: true }), q = torch.tensor([0.7, 0.2], { dtype: "float64", requiresGrad: true });
  const r = p.mul(1);
  r.atan2_(q);
  r.mul_(2);
  r.sum().backward();
  assert.equal(p.grad!.shape[0], 2);
  // torch.tensor(True).sum_to_size([]) sums (PyTorch's sum_to of a 0-d size): tensor(1), an integer
  const st = torch.tensor(true).sumToSize([]);
  assert.deepEqual([st.dtype, st.item()], ["int32", 1]);
  // an expanded empty tensor has no repeated elements: PyTorch writes into it in place
  const empty = torch.zeros([0, 1, 4]).expand([0, 3, 4]);
  assert.deepEqual(empty.acos_().shape, [0, 3, 4]);
});
