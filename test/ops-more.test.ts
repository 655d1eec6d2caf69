/**
 * The pointwise math, diagonal, rearranging, selection and einsum ops beyond
 * the op table's goldens: PyTorch 2.x's errors, unique's tuple, nonzero's
 * tuple form, and diagonal being a view that writes through.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

test("the new ops reject what PyTorch 2.x rejects, with its messages", () => {
  const m = torch.ones([2, 3]);
  assert.throws(() => torch.fmod(torch.tensor([5], { dtype: "int32" }), 0), /^Error: ZeroDivisionError/);
  assert.throws(() => torch.remainder(torch.tensor([5], { dtype: "int32" }), torch.tensor([0], { dtype: "int32" })), /ZeroDivisionError/);
  assert.throws(() => torch.lerp(torch.ones([2]), torch.ones([2], { dtype: "float64" }), 0.5), /lerp: expected dtype float32 for `end` but got dtype float64/);
  assert.throws(() => torch.addcdiv(m, torch.ones([2, 3], { dtype: "int32" }), torch.ones([2, 3], { dtype: "int32" })), /Integer division with addcdiv is no longer supported/);
  assert.throws(() => torch.frac(torch.ones([2], { dtype: "int32" })), /"frac_cpu" not implemented for 'Int'/);
  assert.throws(() => torch.diagonal(m, 0, 1, 1), /diagonal dimensions cannot be identical 1, 1/);
  assert.throws(() => torch.diag(torch.ones([2, 2, 2])), /diag\(\): Supports 1D or 2D tensors. Got 3D/);
  assert.throws(() => torch.trace(torch.ones([3])), /trace: expected a matrix, but got tensor with dim 1/);
  assert.throws(() => torch.movedim(m, [0, 1], [0]), /movedim: Invalid source or destination dims: source \(\[0, 1\] dims\) should contain the same number of dims as destination \(\[0\] dims\)/);
  assert.throws(() => torch.movedim(m, [0, 0], [0, 1]), /movedim: repeated dim in `source` \(\[0, 0\]\)/);
  assert.throws(() => torch.roll(torch.ones([3]), [1, 2]), /shifts and dimensions must align. shifts: 2, dims:0/);
  assert.throws(() => torch.repeatInterleave(torch.ones([3]), torch.tensor([1, 2], { dtype: "int32" }), 0), /repeats must have the same size as input along dim, but got repeats.size\(0\) = 2 and input.size\(0\) = 3/);
  assert.throws(() => torch.repeatInterleave(torch.ones([3]), -1), /repeats can not be negative/);
  assert.throws(() => torch.outer(m, torch.ones([3])), /outer: Expected 1-D argument self, but got 2-D/);
  assert.throws(() => torch.maskedSelect(m, torch.ones([3])), /masked_select: expected BoolTensor or ByteTensor for mask/);
  assert.throws(() => torch.einsum("ij->ik", m), /einsum\(\): output subscript k does not appear in the equation for any input operand/);
  assert.throws(() => torch.einsum("ij->ii", m), /einsum\(\): output subscript i appears more than once in the output/);
  assert.throws(() => torch.einsum("iij", m), /einsum\(\): the number of subscripts in the equation \(3\) does not match the number of dimensions \(2\) for operand 0 and no ellipsis was given/);
  assert.throws(() => torch.einsum("ij", m, m), /einsum\(\): more operands were provided than specified in the equation/);
  assert.throws(() => torch.einsum("i1", m), /einsum\(\): invalid subscript given at index 1 in the equation string, subscripts must be in \[a-zA-Z\]/);
  assert.throws(() => torch.einsum("ij,ij->ij", m, torch.ones([3, 3])), /einsum\(\): operands do not broadcast/);
});

test("unique sorts, counts and maps back; NaNs stay distinct", () => {
  const x = torch.tensor([2, 1, 2, 3, 1], { dtype: "int32" });
  assert.deepEqual(torch.unique(x).tolist(), [1, 2, 3]);
  const [values, inverse, counts] = torch.unique(x, { returnInverse: true, returnCounts: true });
  assert.deepEqual([values!.tolist(), inverse!.tolist(), counts!.tolist()], [[1, 2, 3], [1, 0, 1, 2, 0], [2, 2, 1]]);
  assert.equal(values!.dtype, "int32");
  const [v, c] = torch.unique(torch.tensor([[NaN, 1], [NaN, 1]]), { returnCounts: true });
  assert.deepEqual([v!.tolist(), c!.tolist()], [[1, NaN, NaN], [2, 1, 1]]);
});

test("nonzero gives rows of indices, or one index vector per dim", () => {
  const x = torch.tensor([[0, 1.5], [2, 0]]);
  assert.deepEqual(torch.nonzero(x).tolist(), [[0, 1], [1, 0]]);
  assert.deepEqual(torch.nonzero(x, { asTuple: true }).map((t) => t.tolist()), [[0, 1], [1, 0]]);
  assert.deepEqual(torch.nonzero(torch.tensor(5)).shape, [1, 0]);
  assert.deepEqual(torch.countNonzero(x).tolist(), 2);
});

test("diagonal is a view: writing it writes the matrix, and in-place ops on it keep gradients right", () => {
  const m = torch.zeros([3, 3]);
  m.diagonal().fill_(7);
  assert.deepEqual(m.tolist(), [[7, 0, 0], [0, 7, 0], [0, 0, 7]]);
  const w = torch.ones([2, 3], { requiresGrad: true });
  const y = w.mul(2);
  y.diagonal(1).mul_(5);
  y.sum().backward();
  assert.deepEqual(w.grad!.tolist(), [[2, 10, 2], [2, 2, 10]]);
  assert.deepEqual(torch.diag(torch.tensor([1, 2]), 1).tolist(), [[0, 1, 0], [0, 0, 2], [0, 0, 0]]);
});

test("methods match the functions; einsum takes a list of operands too", () => {
  const a = torch.randn([3, 4]), b = torch.randn([4, 2]);
  assert.ok(torch.allclose(torch.einsum("ij,jk", [a, b]), a.matmul(b), { atol: 1e-6 }));
  assert.deepEqual(a.roll(1, 0).tolist(), torch.roll(a, 1, 0).tolist());
  assert.deepEqual(a.movedim(0, 1).shape, [4, 3]);
  assert.deepEqual(a.argsort({ dim: 0 }).tolist(), torch.sort(a, { dim: 0 }).indices.tolist());
  const c = torch.randn([3, 4]);
  assert.deepEqual(a.atan2(c).tolist(), torch.atan2(a, c).tolist());
  assert.deepEqual(torch.tensor([1, 2]).repeatInterleave(2).tolist(), [1, 1, 2, 2]);
  // addmm with beta 0 ignores the input, NaNs included
  assert.deepEqual(torch.addmm(torch.full([3, 2], NaN), a, b, { beta: 0 }).tolist(), a.matmul(b).tolist());
});

test("sampling: multinomial, bernoulli and normal draw what they should, repeatably from a generator", () => {
  const g = new torch.Generator(7);
  const w = torch.tensor([0, 1, 3]);
  const draws = torch.multinomial(w, 4000, { replacement: true, generator: g });
  const counts = [0, 1, 2].map((k) => draws.eq(k).sum().item());
  assert.equal(counts[0], 0, "a zero weight is never drawn");
  assert.ok(Math.abs(counts[2]! / 4000 - 0.75) < 0.03, `class 2 drawn ${counts[2]} of 4000 times, expected ~3000`);
  const distinct = torch.multinomial(torch.ones([2, 5]), 5, { generator: g });
  for (const row of distinct.tolist() as number[][]) assert.deepEqual([...row].sort(), [0, 1, 2, 3, 4]);
  assert.deepEqual(torch.multinomial(w, 2, { generator: new torch.Generator(3) }).tolist(), torch.multinomial(w, 2, { generator: new torch.Generator(3) }).tolist());
  assert.throws(() => torch.multinomial(w, 4), /cannot sample n_sample > prob_dist.size\(-1\) samples without replacement/);
  // more samples than positive weights: PyTorch's CPU kernel (1.13 and 2.x) draws the zero-weight category last, no error
  assert.deepEqual([...(torch.multinomial(w, 3).tolist() as number[])].sort(), [0, 1, 2]);
  assert.throws(() => torch.multinomial(torch.tensor([1, -1]), 1), /probability tensor contains either `inf`, `nan` or element < 0/);
  assert.throws(() => torch.multinomial(torch.zeros([3]), 1), /invalid multinomial distribution \(sum of probabilities <= 0\)/);
  const b = torch.bernoulli(torch.tensor([0, 1, 0, 1]), { generator: g });
  assert.deepEqual(b.tolist(), [0, 1, 0, 1]);
  const mean = torch.bernoulli(torch.full([4000], 0.3), { generator: g }).mean().item();
  assert.ok(Math.abs(mean - 0.3) < 0.03, `bernoulli(0.3) mean ${mean}`);
  assert.throws(() => torch.bernoulli(torch.tensor([1.5])), /Expected p_in >= 0 && p_in <= 1/);
  const mu = torch.tensor([[0], [100]], { requiresGrad: true });
  const n = torch.normal(mu, torch.tensor([1, 2, 3]), { generator: g });
  assert.deepEqual(n.shape, [2, 3]);
  assert.ok((n.select(0, 1).min().item()) > 80, "the second row is drawn around 100");
  n.sum().backward();
  assert.deepEqual(mu.grad!.tolist(), [[0], [0]], "normal passes no gradient to its parameters, as PyTorch's");
  assert.throws(() => torch.normal(torch.zeros([2]), torch.tensor([1, -1])), /normal expects all elements of std >= 0.0/);
});

test("grids, broadcasting and the matrix-transpose properties", () => {
  const [ys, xs] = torch.meshgrid([torch.arange(3), torch.arange(2)]);
  assert.deepEqual([ys!.tolist(), xs!.tolist()], [[[0, 0], [1, 1], [2, 2]], [[0, 1], [0, 1], [0, 1]]]);
  const [xx, yy] = torch.meshgrid([torch.arange(2), torch.arange(3)], { indexing: "xy" });
  assert.deepEqual([xx!.shape, yy!.shape, xx!.tolist()], [[3, 2], [3, 2], [[0, 1], [0, 1], [0, 1]]]);
  const [p, q] = torch.broadcastTensors(torch.ones([3, 1]), torch.zeros([4]));
  assert.deepEqual([p!.shape, q!.shape], [[3, 4], [3, 4]]);
  const m = torch.arange(6).reshape([1, 2, 3]);
  assert.deepEqual(m.mT.shape, [1, 3, 2]);
  assert.deepEqual(m.T.shape, [3, 2, 1]);
  assert.deepEqual(torch.ones([6]).viewAs(torch.zeros([2, 3])).shape, [2, 3]);
  assert.equal(torch.equal(torch.tensor([1, 2]), torch.tensor([1, 2])), true);
  assert.equal(torch.equal(torch.tensor([1, 2]), torch.tensor([[1, 2]])), false);
  assert.equal(torch.tensor([NaN]).equal(torch.tensor([NaN])), false);
  assert.throws(() => torch.ones([3]).mT, /tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor./);
  assert.throws(() => torch.unflatten(torch.ones([2, 6]), 1, [4, -1]), /unflatten: Provided sizes \[4, -1\] don't multiply up to the size of dim 1 \(6\)/);
  assert.deepEqual(torch.diff(torch.tensor([1, 4]), 1, -1, { prepend: torch.tensor([0]), append: torch.tensor([9]) }).tolist(), [1, 3, 5]);
});

test("in-place forms write through, keep gradients right and follow the leaf rules", () => {
  const w = torch.ones([2, 3], { requiresGrad: true });
  assert.throws(() => w.exp_(), /a leaf Variable that requires grad is being used in an in-place operation/);
  const y = w.mul(2);
  y.scatter_(1, torch.tensor([[0], [2]], { dtype: "int32" }), 0);
  y.exp_();
  y.sum().backward();
  const e2 = 2 * Math.exp(2);
  assert.deepEqual((w.grad!.tolist() as number[][]).flat().map((v) => Math.round(v * 1e4) / 1e4), [0, e2, e2, e2, e2, 0].map((v) => Math.round(v * 1e4) / 1e4));
  const x = torch.zeros([3]);
  x.scatterAdd_(0, torch.tensor([0, 0, 2], { dtype: "int32" }), torch.tensor([1, 2, 3]));
  x.lerp_(torch.full([3], 10), 0.5).addcmul_(torch.ones([3]), torch.ones([3]), { value: 2 });
  assert.deepEqual(x.tolist(), [8.5, 7, 8.5]);
  // a src larger than its index: only the indexed corner gets a gradient
  const src = torch.ones([2, 3], { requiresGrad: true });
  torch.scatter(torch.zeros([2, 2]), 1, torch.tensor([[1], [0]], { dtype: "int32" }), src).sum().backward();
  assert.deepEqual(src.grad!.tolist(), [[1, 0, 0], [1, 0, 0]]);
});

test("order statistics and scans: errors, NaNs and zeros", () => {
  assert.throws(() => torch.kthvalue(torch.tensor([3, 1, 2]), 4), /kthvalue\(\): selected number k out of range for dimension 0/);
  assert.throws(() => torch.quantile(torch.tensor([1, 2]), 1.5), /quantile\(\) q must be in the range \[0, 1\] but got 1.5/);
  assert.throws(() => torch.median(torch.ones([2, 0]), 1), /median\(\): Expected reduction dim 1 to have non-zero size/);
  assert.ok(Number.isNaN(torch.median(torch.tensor([])).item()));
  assert.deepEqual(torch.median(torch.tensor([1, NaN, 3])).item(), NaN);
  // cumprod through zeros: exact first-order gradients, [d/dx of prod prefixes]
  const x = torch.tensor([2, 0, 3, 0], { requiresGrad: true });
  torch.cumprod(x, 0).sum().backward();
  assert.deepEqual(x.grad!.tolist(), [1, 2 + 6, 0, 0]);
  assert.throws(() => torch.searchsorted(torch.tensor([1, 2]), torch.tensor([1]), { side: "left", right: true }), /side and right can't be set to opposites/);
});

test("cumprod's second derivative through zeros is PyTorch's", () => {
  // expected values from PyTorch 1.13: g = autograd.grad(x.cumprod(dim), x, gout, create_graph=True),
  // then autograd.grad((g * [1, 2, 3, ...]).sum(), x)
  const cases: [number[] | number[][], number, number[] | number[][], unknown, unknown][] = [
    [[0, 2, 3], 0, [1, 1, 1], [9, 0, 0], [14, 4, 2]],
    [[[1, 0, 2, 0.5], [3, 4, 0, 0]], 1, [[1, -2, 0.5, 3], [2, 1, -1, 0.25]], [[1, 2, 0, 0], [6, 3, -12, 0]], [[4, 32, 4, 12], [-22, -16, -14, 21]]],
    [[[1, 0], [0, 3], [2, 5]], 0, [[1, 2], [3, 4], [5, 6]], [[1, 104], [13, 0], [0, 0]], [[39, 244], [38, 68], [15, 36]]],
  ];
  for (const [xs, dim, gout, g1, g2] of cases) {
    const x = torch.tensor(xs, { dtype: "float64", requiresGrad: true });
    const [g] = torch.autograd.grad(torch.cumprod(x, dim), [x], { gradOutputs: torch.tensor(gout, { dtype: "float64" }), createGraph: true });
    assert.deepEqual(g!.tolist(), g1);
    const weights = torch.arange(1, g!.numel() + 1, { dtype: "float64" }).reshape(g!.shape);
    const [gg] = torch.autograd.grad(g!.mul(weights).sum(), [x]);
    assert.deepEqual(gg!.tolist(), g2);
  }
  const s = torch.tensor(0, { dtype: "float64", requiresGrad: true });
  const [gs] = torch.autograd.grad(torch.cumprod(s, 0), [s], { createGraph: true });
  assert.equal(gs!.item(), 1);
  assert.equal(gs!.requiresGrad, false);
});

test("the default generator's state saves and restores a random stream", () => {
  torch.manualSeed(11);
  assert.equal(torch.initialSeed(), 11);
  torch.rand([2]);
  const state = torch.getRngState();
  const a = torch.randn([5]), b = torch.rand([3]);
  torch.setRngState(state);
  assert.deepEqual([torch.randn([5]).tolist(), torch.rand([3]).tolist()], [a.tolist(), b.tolist()]);
  const s = torch.seed();
  assert.equal(torch.initialSeed(), s);
  assert.throws(() => torch.setRngState(torch.zeros([2])), /setRngState: expected a state from torch.getRngState\(\)/);
});

test("var with no degrees of freedom left: PyTorch 2.x's var_backward (1.13 raises, so no golden)", () => {
  // full reduction: 2 / (n - correction) is infinite, NaN where x equals the mean (inf * 0)
  const x = torch.tensor([1, 2, 3, 4], { requiresGrad: true });
  const v = torch.var(x, undefined, { correction: 4 });
  assert.equal(v.item(), Infinity);
  v.backward();
  assert.deepEqual(x.grad!.tolist(), [Infinity, Infinity, Infinity, Infinity]);
  const c = torch.tensor([3, 3], { requiresGrad: true });
  torch.var(c, undefined, { correction: 2 }).backward();
  assert.ok(c.grad!.toArray().every((g) => Number.isNaN(g)));
  // along a dim: 2 / 0 times (x - mean), which is -inf / inf here
  const y = torch.tensor([[1, 2], [3, 5]], { requiresGrad: true });
  torch.var(y, 1, { correction: 2 }).sum().backward();
  assert.deepEqual(y.grad!.tolist(), [[-Infinity, Infinity], [-Infinity, Infinity]]);
  assert.throws(() => torch.std(torch.tensor([1, 2], { dtype: "int32" })), /std and var only support floating point and complex dtypes/);
  assert.throws(() => torch.logcumsumexp(torch.tensor([1, 2], { dtype: "int32" }), 0), /"logcumsumexp_out_cpu" not implemented for 'Int'/);
  assert.throws(() => torch.tensor([true, false]).neg(), /Negation, the `-` operator, on a bool tensor is not supported/);
});

test("median's tie-sharing gradient is computed in the input's dtype", () => {
  // a bool mask times a 0-d double promotes to float32: 1/3 would come back as 0.3333333432674408
  const x = torch.tensor([2, 2, 2, 5], { dtype: "float64", requiresGrad: true });
  x.median().backward();
  assert.deepEqual(x.grad!.tolist(), [1 / 3, 1 / 3, 1 / 3, 0]);
});

test("a number -0 keeps its sign as an operand (atan2(±0, -0) is ±π, as PyTorch's)", () => {
  assert.deepEqual(torch.atan2(torch.tensor([0, -0]), -0).tolist(), [Math.fround(Math.PI), -Math.fround(Math.PI)]);
  assert.ok(Object.is(torch.full([1], -0).item(), -0));
});

test("nonzero counts NaN; roll / repeat / tile always copy; scatterAdd's larger src gets zeros outside the index", () => {
  assert.deepEqual(torch.nonzero(torch.tensor([NaN, 0, 1])).tolist(), [[0], [2]]);
  const x = torch.tensor([[1, 2]]);
  for (const out of [torch.roll(x, 0, 0), torch.roll(x, 2, 1), x.repeat([1, 1]), torch.tile(x, [1])]) {
    out.mul_(5);
    assert.deepEqual(x.tolist(), [[1, 2]]);
  }
  // in place on the copy of a leaf is allowed (it is not a view): PyTorch gives [2, 6]
  const leaf = torch.tensor([1, 3], { requiresGrad: true });
  const rolled = torch.roll(leaf, 0, 0);
  rolled.mul_(torch.tensor([2, 6]));
  rolled.sum().backward();
  assert.deepEqual(leaf.grad!.tolist(), [2, 6]);
  const s = torch.ones([2, 3], { requiresGrad: true });
  torch.zeros([2, 3]).scatterAdd(1, torch.tensor([[2], [1]], { dtype: "int32" }), s).backward(torch.tensor([[1, 2, 3], [4, 5, 6]]));
  assert.deepEqual(s.grad!.tolist(), [[3, 0, 0], [5, 0, 0]]);
});

test("joining, splitting and selection edge cases as PyTorch's", () => {
  // cat skips legacy 1-d empty tensors (PyTorch: shape [4, 3], and an empty gradient for the skipped one)
  const x = torch.ones([2, 3], { requiresGrad: true }), e = torch.zeros([0], { requiresGrad: true });
  const c = torch.cat([x, e, x], 0);
  assert.deepEqual(c.shape, [4, 3]);
  c.sum().backward();
  assert.deepEqual([x.grad!.tolist(), e.grad!.shape], [[[2, 2, 2], [2, 2, 2]], [0]]);
  // split / chunk: lists of sizes, empty dims, PyTorch's errors
  assert.deepEqual(torch.split(torch.arange(5), [2, 3]).map((t) => t.tolist()), [[0, 1], [2, 3, 4]]);
  assert.deepEqual(torch.split(torch.zeros([0, 2]), 2).map((t) => t.shape), [[0, 2]]);
  assert.deepEqual(torch.chunk(torch.zeros([0]), 3).map((t) => t.shape), [[0], [0], [0]]);
  assert.throws(() => torch.split(torch.arange(5), [2, 2]), /split_with_sizes expects split_sizes to sum exactly to 5/);
  assert.throws(() => torch.chunk(torch.ones([2]), 0), /chunk expects `chunks` to be greater than 0, got: 0/);
  assert.throws(() => torch.chunk(torch.tensor(1), 1), /chunk expects at least a 1-dimensional tensor/);
  // one-argument where is nonzero as a tuple; searchsorted accepts right: false with side "right"
  assert.deepEqual(torch.where(torch.tensor([[0, 1.5], [2, 0]])).map((t) => t.tolist()), [[0, 1], [1, 0]]);
  assert.equal(torch.searchsorted(torch.tensor([1, 2, 3]), 2, { right: false, side: "right" }).item(), 2);
  // writing through an expanded view would write one element several times
  assert.throws(() => torch.tensor([1, 2]).expand([2, 2]).add_(1), /^Error: unsupported operation: more than one element of the written-to tensor refers to a single memory location/);
  // arange takes its options after any of its numbers, as PyTorch's keywords
  assert.deepEqual([torch.arange(3, { dtype: "float64" }).dtype, torch.arange(1, 3, { dtype: "float64" }).tolist()], ["float64", [1, 2]]);
});

test("autograd API edge cases as PyTorch's: addmm with beta 0, grad with no inputs, gradcheck with nothing to check", () => {
  const input = torch.tensor([[NaN, 1], [2, 3]], { requiresGrad: true });
  const m = torch.eye(2, { requiresGrad: true });
  const out = torch.addmm(input, m, m, { beta: 0 });
  assert.deepEqual(out.tolist(), [[1, 0], [0, 1]]); // the input (NaN included) is ignored
  const [gi] = torch.autograd.grad(out.sum(), [input]);
  assert.deepEqual(gi!.tolist(), [[0, 0], [0, 0]]); // PyTorch: grad * beta
  assert.throws(() => torch.autograd.grad(m.sum(), []), /^Error: grad requires non-empty inputs\.$/);
  assert.throws(() => torch.autograd.gradcheck((t) => t.mul(2), [torch.ones([2], { dtype: "float64" })]),
    /gradcheck expects at least one input tensor to require gradient/);
});

test("out-of-place maskedFill broadcasts the input with a larger mask, as PyTorch's", () => {
  // PyTorch 1.13 / 2.x: [[0, 2], [1, 2]]
  assert.deepEqual(torch.tensor([1, 2]).maskedFill(torch.tensor([[true, false], [false, false]]), 0).tolist(), [[0, 2], [1, 2]]);
});
