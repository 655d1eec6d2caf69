/**
 * Multi-output ops return PyTorch's named tuples: fields by name, and
 * iterable in PyTorch's field order (test/fixtures/named-tuple-fields.json,
 * from scripts/gen_named_tuple_fixtures.py), so `const [Q, R] = qr(a)` works
 * as `Q, R = torch.linalg.qr(a)` does.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";

const fixture = JSON.parse(readFileSync(new URL("../../test/fixtures/named-tuple-fields.json", import.meta.url), "utf8")) as { fields: Record<string, string[]> };

const a = torch.tensor([[4, 1], [1, 3]]);
const x = torch.tensor([[1, 5, 2], [7, 0, 3]]);
const ops: Record<string, () => Iterable<Tensor>> = {
  max: () => torch.max(x, 1), min: () => torch.min(x, 1),
  sort: () => torch.sort(x), topk: () => torch.topk(x, 2),
  kthvalue: () => torch.kthvalue(x, 2), median: () => torch.median(x, 1),
  nanmedian: () => torch.nanmedian(x, 1), mode: () => torch.mode(x, 1),
  cummax: () => torch.cummax(x, 1), cummin: () => torch.cummin(x, 1),
  aminmax: () => torch.aminmax(x), frexp: () => torch.frexp(x),
  histogram: () => torch.histogram(x, 3),
  "linalg.qr": () => torch.linalg.qr(a), "linalg.svd": () => torch.linalg.svd(a),
  "linalg.slogdet": () => torch.linalg.slogdet(a), "linalg.eigh": () => torch.linalg.eigh(a),
  "linalg.luFactor": () => torch.linalg.luFactor(a), "linalg.luFactorEx": () => torch.linalg.luFactorEx(a),
  "linalg.lu": () => torch.linalg.lu(a), "linalg.invEx": () => torch.linalg.invEx(a),
  "linalg.solveEx": () => torch.linalg.solveEx(a, a), "linalg.choleskyEx": () => torch.linalg.choleskyEx(a),
  "linalg.ldlFactor": () => torch.linalg.ldlFactor(a), "linalg.ldlFactorEx": () => torch.linalg.ldlFactorEx(a),
  triangularSolve: () => torch.triangularSolve(a, a.triu()),
};

/** PyTorch's snake_case field name as torchlet spells it. */
const camel = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

for (const [name, fields] of Object.entries(fixture.fields)) {
  test(`${name} unpacks like PyTorch's named tuple: ${fields.join(", ")}`, () => {
    const result = ops[name]!();
    const byName = result as unknown as Record<string, Tensor>;
    assert.deepEqual(Object.keys(byName), fields.map(camel));
    const unpacked = [...result];
    assert.equal(unpacked.length, fields.length);
    fields.forEach((f, i) => assert.equal(unpacked[i], byName[camel(f)], `field ${i} is ${f}`));
  });
}

test("every op of the fixture is covered, and array destructuring gives the fields", () => {
  assert.deepEqual(Object.keys(ops).sort(), Object.keys(fixture.fields).sort());
  // (this repo sets noUncheckedIndexedAccess, hence the `!`; under plain `strict` each part is a Tensor)
  const [values, indices] = x.max(1);
  assert.deepEqual(values!.tolist(), [5, 7]);
  assert.deepEqual(indices!.tolist(), [1, 0]);
  const { Q, R } = torch.linalg.qr(a);
  const [q, r] = torch.linalg.qr(a);
  assert.ok(torch.allclose(q!, Q) && torch.allclose(r!, R));
});

test("the iterator is not a field: the result spreads, compares and prints as its fields", () => {
  const result = torch.sort(torch.tensor([3, 1, 2]));
  assert.deepEqual(Object.keys({ ...result }), ["values", "indices"]);
  assert.deepStrictEqual(result, { values: result.values, indices: result.indices });
  assert.equal(JSON.stringify(Object.keys(result)), '["values","indices"]');
});
