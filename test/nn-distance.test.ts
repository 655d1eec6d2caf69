/**
 * F.normalize, F.cosineSimilarity and F.pairwiseDistance against PyTorch on
 * both backends (fixtures: scripts/gen_loss2_fixtures.py): zero vectors,
 * norms below eps, equal inputs, broadcasting, p = 1, 3 and ∞; values and
 * the gradients of both inputs. Cosine similarity follows 2.x (each norm
 * clamped on its own, the clamp invisible to autograd). Also the modules,
 * PyTorch's errors and a float64 gradcheck.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { BACKENDS, backendSkip } from "./backends.js";
import { checkFunctionCase, type FunctionCase, readCases } from "./golden-cases.js";
import { values } from "./nn-helpers.js";

const { nn } = torch;
const F = nn.functional;

const CASES = readCases<FunctionCase>("distance.json");

for (const backend of BACKENDS) {
  test(`normalize, cosineSimilarity and pairwiseDistance match PyTorch (${backend})`, { skip: backendSkip(backend) }, () => {
    const previous = torch.getBackend();
    torch.setBackend(backend);
    try {
      assert.ok(CASES.length >= 15);
      for (const c of CASES) checkFunctionCase(c);
    } finally {
      torch.setBackend(previous);
    }
  });
}

test("the eps edges: a zero vector normalises to zero, cosine similarity with it is 0, equal inputs are eps·√D apart", () => {
  const zero = torch.zeros([1, 3]);
  assert.deepEqual(values(F.normalize(zero)), [0, 0, 0]);
  assert.deepEqual(values(F.cosineSimilarity(zero, torch.tensor([[1, 2, 3]]))), [0]);
  const x = torch.tensor([[1, 2, 3, 4]]);
  assert.ok(Math.abs(F.pairwiseDistance(x, x).item() - 2e-6) < 1e-9);
  assert.equal(F.pairwiseDistance(x, x, { eps: 0 }).item(), 0);
  // a cosine of parallel vectors stays within [-1, 1]
  const big = torch.tensor([[3e18, 4e18]]);
  assert.ok(Math.abs(F.cosineSimilarity(big, big).item() - 1) < 1e-6);
});

test("cosineSimilarity and pairwiseDistance pass gradcheck in float64", () => {
  const f64 = { dtype: "float64", requiresGrad: true } as const;
  const a = torch.tensor([[0.3, -1.2, 0.5], [2, 0.1, -0.4]], f64);
  const b = torch.tensor([[1.1, 0.2, -0.7]], f64);
  assert.ok(torch.autograd.gradcheck((x, y) => F.cosineSimilarity(x, y), [a, b]));
  assert.ok(torch.autograd.gradcheck((x, y) => F.pairwiseDistance(x, y, { p: 3 }), [a, b]));
  assert.ok(torch.autograd.gradcheck((x) => F.normalize(x, { dim: 0 }), [a]));
});

test("cosineSimilarity accepts integer inputs (common dtype) and names a non-float common dtype", () => {
  const i32 = { dtype: "int32" } as const;
  const sim = F.cosineSimilarity(torch.tensor([[3, 4]], i32), torch.tensor([[4, 3]]));
  assert.equal(sim.dtype, "float32");
  assert.ok(Math.abs(sim.item() - 0.96) < 1e-6);
  assert.throws(() => F.cosineSimilarity(torch.tensor([[1, 2]], i32), torch.tensor([[1, 2]], i32)), /expected common dtype to be floating point, yet common dtype is Int/);
});

test("the distance modules forward to the functions and print as PyTorch's", () => {
  const a = torch.randn([3, 4]), b = torch.randn([3, 4]);
  const cos = new nn.CosineSimilarity({ dim: 0, eps: 1e-3 });
  assert.deepEqual(values(cos.forward(a, b)), values(F.cosineSimilarity(a, b, { dim: 0, eps: 1e-3 })));
  const pd = new nn.PairwiseDistance({ p: 1, keepdim: true });
  assert.deepEqual(pd.forward(a, b).shape, [3, 1]);
  assert.deepEqual(values(pd.forward(a, b)), values(F.pairwiseDistance(a, b, { p: 1, keepdim: true })));
  assert.equal(pd.norm, 1);
  assert.equal(String(cos), "CosineSimilarity()");
  assert.equal(String(new nn.PairwiseDistance()), "PairwiseDistance()");
  assert.deepEqual(Object.keys(cos.stateDict()), []);
});

test("distances reject mismatched shapes with PyTorch's message, naming the op and the shapes", () => {
  const a = torch.ones([2, 3]), b = torch.ones([2, 4]);
  const mismatch = /The size of tensor a \(3\) must match the size of tensor b \(4\) at non-singleton dimension 1 \((cosine_similarity|pairwise_distance): shapes \[2, 3\] and \[2, 4\]\)/;
  assert.throws(() => F.cosineSimilarity(a, b), mismatch);
  assert.throws(() => F.pairwiseDistance(a, b), mismatch);
  assert.throws(() => F.normalize(torch.ones([3]), { dim: 1 }), /Dimension out of range/);
});
