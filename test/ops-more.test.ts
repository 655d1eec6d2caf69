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
