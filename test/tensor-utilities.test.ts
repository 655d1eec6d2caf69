/**
 * The tensor utilities beyond the op table's goldens (maskedFill, tril/triu,
 * cumsum, flip, logsumexp, any/all, norm, amax/amin, sort/topk, repeat,
 * isclose and allclose): PyTorch 2.x's errors, allclose's plain boolean, sort's order for
 * ties, and methods that match the functions.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

test("the utilities reject what PyTorch 2.x rejects, with its messages", () => {
  assert.throws(() => torch.tril(torch.ones([3])), /tril: input tensor must have at least 2 dimensions/);
  assert.throws(() => torch.ones([2, 3]).maskedFill(torch.ones([2, 3]), 1), /masked_fill_ only supports boolean masks, but got mask with dtype float32/);
  assert.throws(() => torch.topk(torch.ones([3]), 4), /selected index k out of range/);
  assert.throws(() => torch.ones([2, 3]).repeat(2), /Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor/);
  assert.throws(() => torch.flip(torch.ones([2, 3]), [0, -2]), /dim 0 appears multiple times in the list of dims/);
  assert.throws(() => torch.norm(torch.ones([2], { dtype: "int32" })), /norm\(\): input dtype should be either floating point or complex/);
  // norms without an identity cannot reduce nothing; the others give 0
  assert.throws(() => torch.norm(torch.ones([2, 0]), Infinity, 1), /linalg.vector_norm cannot compute the inf norm on an empty tensor because the operation does not have an identity/);
  assert.throws(() => torch.norm(torch.ones([0]), -1), /cannot compute the -1 norm on an empty tensor/);
  assert.deepEqual(torch.norm(torch.ones([2, 0]), 3, 1).tolist(), [0, 0]);
  assert.throws(() => torch.amax(torch.ones([0])), /amax\(\): Expected reduction dim to be specified for input.numel\(\) == 0/);
  assert.throws(() => torch.amin(torch.ones([2, 0]), [0, 1]), /amin\(\): Expected reduction dim 1 to have non-zero size/);
  assert.throws(() => torch.amax(torch.ones([2, 3]), [0, 0]), /dim 0 appears multiple times in the list of dims/);
});

test("allclose is a plain boolean; sort keeps ties in order; methods match the functions", () => {
  assert.equal(torch.allclose(torch.tensor([1, 2]), torch.tensor([1, 2.0000001])), true);
  assert.equal(torch.allclose(torch.tensor([1, NaN]), torch.tensor([1, NaN])), false);
  assert.equal(torch.allclose(torch.tensor([1, NaN]), torch.tensor([1, NaN]), { equalNan: true }), true);
  assert.equal(torch.tensor([1, 2]).allclose(torch.tensor([1, 2.1]), { atol: 0.2 }), true);
  const { values, indices } = torch.tensor([2, 1, 2, 1]).sort();
  assert.deepEqual([values.tolist(), indices.tolist()], [[1, 1, 2, 2], [1, 3, 0, 2]]);
  const x = torch.randn([3, 4]);
  assert.deepEqual(x.cumsum(1).tolist(), torch.cumsum(x, 1).tolist());
  assert.deepEqual(x.tril(-1).tolist(), torch.tril(x, -1).tolist());
  assert.deepEqual(x.topk(2).values.tolist(), torch.topk(x, 2).values.tolist());
  // repeat copies, as PyTorch's: writing the result leaves the input alone (a one-element input once came back as a stride-0 view)
  const one = torch.tensor([5]), repeated = one.repeat([3]);
  repeated.fill_(1);
  assert.deepEqual([one.tolist(), repeated.tolist()], [[5], [1, 1, 1]]);
  assert.equal(x.norm().item(), torch.norm(x).item());
  assert.deepEqual(x.amax([0, 1]).tolist(), torch.max(x).tolist());
  assert.deepEqual(x.amin(1, { keepdim: true }).tolist(), torch.min(x, 1, { keepdim: true }).values.tolist());
  assert.deepEqual(torch.any(torch.tensor([0, 0, NaN])).tolist(), true);
  assert.deepEqual(torch.all(torch.tensor([[1, 0], [2, 3]]), 1).tolist(), [false, true]);
  // the 2-norm's gradient at 0 is 0, not NaN
  const z = torch.zeros([3], { requiresGrad: true });
  torch.norm(z).backward();
  assert.deepEqual(z.grad!.tolist(), [0, 0, 0]);
});
