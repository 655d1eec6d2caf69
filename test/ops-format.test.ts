/** `String(tensor)` matches PyTorch's repr (fixtures: scripts/gen_op_fixtures.py). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type Encoded, fromFixture, loadFixture } from "./op-table/harness.js";

interface ReprCase {
  value: Encoded;
  repr: string;
  requiresGrad?: boolean;
  mul2?: boolean;
}

const { reprs } = loadFixture<{ reprs: Record<string, ReprCase> }>("repr");

for (const [name, c] of Object.entries(reprs)) {
  test(`repr: ${name}`, () => {
    let t = fromFixture(c.value.data, c.value.shape, c.value.dtype, c.requiresGrad ?? false);
    if (c.mul2) t = t.mul(2);
    assert.equal(String(t), c.repr);
  });
}
