/**
 * The fixture runner of the linalg-more tests (scripts/gen_linalg_more_fixtures.py):
 * a case calls one function on its inputs (those with a PyTorch gradient
 * require grad); outputs, output dtypes and input gradients must be within a
 * tolerance of PyTorch's, on every backend.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as torch from "../src/index.js";
import type { DType, Tensor } from "../src/index.js";
import { describeOnBackends } from "./backends.js";
import { decode, type Encoded, readOpsCases, values } from "./fixture-values.js";

export interface MoreCase {
  name: string;
  fn: string;
  options: Record<string, unknown>;
  dtype: "float32" | "float64";
  inputs: { shape: number[]; data: Encoded[]; dtype?: string }[];
  outputs: { shape: number[]; data: Encoded[]; dtype: string }[];
  gradOutputs: (Encoded[] | null)[];
  inputGrads: (Encoded[] | null)[] | null;
  /** a tolerance of its own (cases whose PyTorch value is less exact, or exact references) */
  tol?: number;
}

/** Within `tol`·(1 + |want|) of PyTorch's values, elementwise; NaN and the infinities must match exactly. */
export function assertNear(got: number[], want: Encoded[], tol: number, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  want.forEach((e, i) => {
    const w = decode(e), g = got[i]!;
    const ok = Number.isNaN(w) ? Number.isNaN(g) : Number.isFinite(w) ? Math.abs(g - w) <= tol * (1 + Math.abs(w)) : g === w;
    if (!ok) assert.fail(`${what}: [${i}] is ${g}, PyTorch gives ${w}`);
  });
}

export type MoreFunctions = Record<string, (xs: Tensor[], o: Record<string, unknown>) => Tensor[]>;

export const readMoreCases = (file: string): MoreCase[] => readOpsCases<MoreCase>(file);

const DTYPES: Record<string, DType> = { float32: "float32", float64: "float64", int64: "int32", int32: "int32", bool: "bool" };

/** The case's inputs: floating ones in the case's dtype, requiring grad where PyTorch gave them a gradient. */
export function caseInputs(c: MoreCase, dtype: DType = c.dtype): Tensor[] {
  return c.inputs.map((x, i) => {
    const t = torch.tensor(x.data.map(decode), { dtype: x.dtype === undefined ? dtype : DTYPES[x.dtype]! }).reshape(x.shape);
    return c.inputGrads?.[i] ? t.requiresGrad_(true) : t;
  });
}

/** Runs one case against PyTorch's values and gradients; `tol` relative to 1 + |value|. */
export function runMoreCase(c: MoreCase, fns: MoreFunctions, tol: number): void {
  const xs = caseInputs(c);
  const outs = fns[c.fn]!(xs, c.options);
  assert.equal(outs.length, c.outputs.length, `${c.name}: output count`);
  outs.forEach((o, i) => {
    const want = c.outputs[i]!;
    assert.deepEqual(o.shape, want.shape, `${c.name} output ${i} shape`);
    assert.equal(o.dtype, DTYPES[want.dtype], `${c.name} output ${i} dtype`);
    assertNear(values(o.detach()), want.data, tol, `${c.name} output ${i}`);
    if (c.gradOutputs[i] === null && c.inputGrads !== null) assert.equal(o.requiresGrad, false, `${c.name} output ${i} is outside the graph, as in PyTorch`);
  });
  if (c.inputGrads === null) return;
  const pairs = outs.map((o, i) => [o, c.gradOutputs[i]] as const).filter(([, g]) => g !== null && g !== undefined);
  torch.autograd.backward(pairs.map(([o]) => o), pairs.map(([o, g]) => torch.tensor(g!.map(decode), { dtype: o.dtype }).reshape(o.shape)));
  xs.forEach((x, i) => {
    const want = c.inputGrads![i];
    if (want === null || want === undefined) return;
    assert.ok(x.grad, `${c.name}: input ${i} has no gradient`);
    assertNear(values(x.grad), want, tol, `${c.name} input ${i} grad`);
  });
}

/** One test per function on each backend; and a check that every fixture function is covered and exported by `namespace`. */
export function testMoreCases(title: string, cases: readonly MoreCase[], fns: MoreFunctions, tol: { float32: number; float64: number }, namespace: Record<string, unknown>): void {
  describeOnBackends((backend) => `${title} (${backend})`, () => {
    for (const fn of Object.keys(fns)) {
      test(`${fn}: values and gradients match PyTorch`, () => {
        const mine = cases.filter((c) => c.fn === fn);
        assert.ok(mine.length > 0, `no fixture cases for ${fn}`);
        for (const c of mine) runMoreCase(c, fns, c.tol ?? (c.dtype === "float32" ? tol.float32 : tol.float64));
      });
    }
  });
  test(`${title}: every fixture function is checked and exported`, () => {
    assert.deepEqual([...new Set(cases.map((c) => c.fn))].filter((fn) => !(fn in fns)), []);
    for (const fn of Object.keys(fns)) assert.equal(typeof namespace[fn], "function", fn);
  });
}
