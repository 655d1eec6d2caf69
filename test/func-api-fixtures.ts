/**
 * Reading test/fixtures/func/func-api.json (scripts/gen_func_api_fixtures.py,
 * PyTorch 1.13's functorch, whose transforms PyTorch 2.x's torch.func kept):
 * tensors are {shape, data} in float64, tuples arrays, dicts {"__dict__": ...}.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as torch from "../src/index.js";

export interface Enc { shape: number[]; data: number[] }
export type Tree = Enc | Tree[] | { __dict__: Record<string, Tree> };

export const cases = (JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "test", "fixtures", "func", "func-api.json"), "utf8")) as { cases: Record<string, any> }).cases;

const isEnc = (t: unknown): t is Enc => typeof t === "object" && t !== null && "shape" in t && "data" in t;

/** A fixture tensor (float64) or tree of them. */
export function dec(t: Tree): any {
  if (Array.isArray(t)) return t.map(dec);
  if (isEnc(t)) return torch.tensor(t.data, { dtype: "float64" }).reshape(t.shape);
  return Object.fromEntries(Object.entries(t.__dict__).map(([k, v]) => [k, dec(v)]));
}

/** `got` has PyTorch's nesting, shapes and values (within `tol`, relative). */
export function assertTree(got: unknown, want: Tree, where: string, tol = 1e-10): void {
  if (Array.isArray(want)) {
    assert.ok(Array.isArray(got), `${where}: PyTorch gives a tuple, got ${typeof got}`);
    assert.equal(got.length, want.length, `${where}: tuple length`);
    want.forEach((w, i) => assertTree(got[i], w, `${where}[${i}]`, tol));
    return;
  }
  if (!isEnc(want)) {
    assert.ok(got !== null && typeof got === "object" && !Array.isArray(got) && !(got instanceof torch.Tensor), `${where}: PyTorch gives a dict`);
    assert.deepEqual(Object.keys(got), Object.keys(want.__dict__), `${where}: keys`);
    for (const [k, v] of Object.entries(want.__dict__)) assertTree((got as Record<string, unknown>)[k], v, `${where}.${k}`, tol);
    return;
  }
  assert.ok(got instanceof torch.Tensor, `${where}: PyTorch gives a Tensor`);
  assert.deepEqual(got.shape, want.shape, `${where}: shape`);
  const vals = Array.from(got.detach().contiguous().toArray() as ArrayLike<number>);
  want.data.forEach((w, i) => assert.ok(Math.abs(vals[i]! - w) <= tol * (1 + Math.abs(w)), `${where}[${i}]: ${vals[i]} vs PyTorch ${w}`));
}
