/**
 * nn.utils.clipGradNorm_ and clipGradValue_ against PyTorch (fixtures:
 * scripts/gen_nn_fixtures.py): the returned total norm and the clipped
 * gradients for several norm orders, parameters without a gradient skipped;
 * plus the non-finite error, the empty case and that nothing is recorded.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { assertClose, readFixture, values } from "./nn-helpers.js";

const { nn } = torch;

interface ClipCase {
  name: string;
  maxNorm: number | null;
  normType: number | "inf" | null;
  clipValue: number | null;
  shapes: number[][];
  grads: number[][];
  total: number | null;
  clipped: number[][];
}

const { cases } = readFixture<{ cases: ClipCase[] }>("clip.json");

for (const c of cases) {
  test(`clip ${c.name} matches PyTorch`, () => {
    const params = c.shapes.map((s, i) => {
      const p = torch.randn(s, { requiresGrad: true });
      p.grad = torch.tensor(c.grads[i]!).reshape(s);
      return p;
    });
    const frozen = torch.randn([2], { requiresGrad: true });
    if (c.clipValue !== null) {
      nn.utils.clipGradValue_([...params, frozen], c.clipValue);
    } else {
      const normType = c.normType === "inf" ? Infinity : c.normType!;
      const total = nn.utils.clipGradNorm_([...params, frozen], c.maxNorm!, { normType });
      assertClose([total.item()], [c.total!], "total norm");
      assert.equal(total.requiresGrad, false);
    }
    params.forEach((p, i) => assertClose(values(p.grad!), c.clipped[i]!, `${c.name}: grad ${i}`));
    assert.equal(frozen.grad, null);
  });
}

test("clipGradNorm_: one tensor, no gradients, non-finite norms, not recorded", () => {
  const p = torch.randn([3], { requiresGrad: true });
  assert.equal(nn.utils.clipGradNorm_(p, 1).item(), 0, "no gradients: a norm of 0");
  p.grad = torch.tensor([3, 4, 0]);
  assert.equal(nn.utils.clipGradNorm_(p, 1).item(), 5);
  assertClose(values(p.grad), [0.6, 0.8, 0], "a single tensor is clipped too");
  p.grad = torch.tensor([1, NaN, 0]);
  assert.throws(() => nn.utils.clipGradNorm_([p], 1, { errorIfNonfinite: true }),
    /The total norm of order 2.0 for gradients from `parameters` is non-finite, so it cannot be clipped/);
  assert.deepEqual(values(p.grad).map(String), ["1", "NaN", "0"], "the error leaves the gradients alone");
  nn.utils.clipGradNorm_([p], 1);
  assert.ok(values(p.grad).every(Number.isNaN), "without the error a NaN norm spreads, as in PyTorch");
  // any vector-norm order, as PyTorch 2.x (vector_norm of the per-gradient norms): 0 counts nonzeros, -inf takes the smallest
  const r = torch.tensor([0.2, 0, -3]), s = torch.tensor([1, 0.5]);
  r.grad = r.clone();
  s.grad = s.clone();
  assert.equal(nn.utils.clipGradNorm_([r, s], 10, { normType: 0 }).item(), 2); // PyTorch 1.13: 2.0 (the norm-0 of [2, 2])
  assert.equal(nn.utils.clipGradNorm_([r, s], 10, { normType: -Infinity }).item(), 0); // PyTorch: 0.0
  // a gradient that requires grad (create_graph) is still changed in place without recording
  const q = torch.randn([2], { requiresGrad: true });
  q.grad = torch.tensor([6, 8]).requiresGrad_(true);
  nn.utils.clipGradNorm_([q], 5);
  assert.equal(q.grad.gradFn, null);
  assertClose(values(q.grad), [3, 4], "scaled by 5 / 10");
});
