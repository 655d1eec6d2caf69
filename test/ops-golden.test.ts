/**
 * Every op-table case against PyTorch: forward values (shape, dtype, values)
 * and the gradient of each input leaf for PyTorch's random upstream gradient,
 * on every backend. Fixtures: scripts/gen_op_fixtures.py.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { OP_TABLE } from "./op-table/cases.js";
import { describeOnBackends } from "./backends.js";
import { assertTensor, assertValues, type CaseFixture, fromFixture, loadFixture, runCase } from "./op-table/harness.js";

const fixtures = loadFixture<{ cases: Record<string, CaseFixture> }>("table").cases;

test("every table case has a fixture and every fixture a case", () => {
  const ids = OP_TABLE.map((c) => c.id);
  assert.equal(new Set(ids).size, ids.length, "duplicate case ids");
  assert.deepEqual(ids.filter((id) => !(id in fixtures)), [], "cases without fixtures: rerun scripts/gen_op_fixtures.py");
  assert.deepEqual(Object.keys(fixtures).filter((id) => !ids.includes(id)), [], "stale fixtures");
});

describeOnBackends((backend) => `ops against PyTorch on the ${backend} backend`, () => {
  for (const c of OP_TABLE) {
    test(c.id, () => {
      const fx = fixtures[c.id];
      assert.ok(fx, `no fixture for ${c.id}`);
      const rtol = c.tol?.rtol, atol = c.tol?.atol;
      const { leaves, out } = runCase(c, fx);
      assertTensor(out, fx.out, `${c.id} forward`, rtol, atol);
      if (fx.gradOut === null) return;
      assert.ok(out.requiresGrad, `${c.id}: PyTorch's output requires grad, torchlet's does not`);
      out.backward(fromFixture(fx.gradOut, fx.out.shape, out.dtype));
      leaves.forEach((leaf, i) => {
        const expected = fx.grads[i];
        if (expected === null || expected === undefined) {
          if (leaf.grad !== null) assertValues(leaf.grad.toArray(), new Array<number>(leaf.numel()).fill(0), `${c.id} grad of input ${i}`);
          return;
        }
        assert.ok(leaf.grad, `${c.id}: input ${i} got no gradient`);
        assert.deepEqual([...leaf.grad.shape], [...leaf.shape], `${c.id}: grad shape of input ${i}`);
        assertValues(leaf.grad.toArray(), expected, `${c.id} grad of input ${i}`, rtol, atol);
      });
    });
  }
});
