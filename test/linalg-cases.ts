/**
 * The fixture-case runner of the torch.linalg tests (linalg.test.ts and
 * linalg-svd.test.ts): a case calls one function on its inputs, and its
 * outputs and input gradients (for PyTorch's upstream gradients) must be
 * within a float32 / float64 tolerance of PyTorch's, on every backend.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { describeOnBackends } from "./backends.js";
import { decode, type Encoded, values } from "./fixture-values.js";

export interface LinalgCase {
  name: string;
  fn: string;
  options: Record<string, unknown>;
  dtype: "float32" | "float64";
  inputs: { shape: number[]; data: Encoded[] }[];
  outputs: { shape: number[]; data: Encoded[] }[];
  gradOutputs: (Encoded[] | null)[];
  inputGrads: (Encoded[] | null)[] | null;
}

/** Each fixture function, called as the case says, returning its outputs in PyTorch's order. */
export type CaseFunctions = Record<string, (xs: Tensor[], o: Record<string, unknown>) => Tensor[]>;

/** Within `tol`·(1 + |want|) of PyTorch's values, elementwise. */
export function assertNear(got: number[], want: Encoded[], tol: number, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  want.forEach((e, i) => {
    const w = decode(e), g = got[i]!;
    if (!(Math.abs(g - w) <= tol * (1 + Math.abs(w)))) assert.fail(`${what}: [${i}] is ${g}, PyTorch gives ${w}`);
  });
}

/** The case's inputs as leaves (requiring grad when the case has gradients), in `dtype`. */
export function leaves(c: LinalgCase, dtype = c.dtype): Tensor[] {
  return c.inputs.map((x) => torch.tensor(x.data.map(decode), { dtype }).reshape(x.shape).requiresGrad_(c.inputGrads !== null));
}

/** How the runner compares: the float32 tolerance, and the dtype an output must have (default: the case's). */
export interface RunOptions {
  float32Tol: number;
  outputDtype?: (c: LinalgCase) => string;
}

function runCase(c: LinalgCase, fns: CaseFunctions, run: RunOptions): void {
  const tol = c.dtype === "float32" ? run.float32Tol : 1e-7;
  const xs = leaves(c);
  const outs = fns[c.fn]!(xs, c.options);
  assert.equal(outs.length, c.outputs.length, c.name);
  outs.forEach((o, i) => {
    assert.deepEqual(o.shape, c.outputs[i]!.shape, `${c.name} output ${i} shape`);
    assert.equal(o.dtype, run.outputDtype?.(c) ?? c.dtype, `${c.name} output ${i} dtype`);
    assertNear(values(o.detach()), c.outputs[i]!.data, tol, `${c.name} output ${i}`);
  });
  if (c.inputGrads === null) return;
  const pairs = outs.map((o, i) => [o, c.gradOutputs[i]] as const).filter(([, g]) => g !== null);
  torch.autograd.backward(pairs.map(([o]) => o), pairs.map(([o, g]) => torch.tensor(g!.map(decode), { dtype: c.dtype }).reshape(o.shape)));
  xs.forEach((x, i) => {
    const want = c.inputGrads![i];
    if (want === null || want === undefined) return;
    assert.ok(x.grad, `${c.name}: input ${i} has no gradient`);
    assertNear(values(x.grad), want, tol, `${c.name} input ${i} grad`);
  });
}

/** One test per function on every backend, running all of its cases; plus a check that every fixture function is tested and exported. */
export function testCases(title: string, cases: readonly LinalgCase[], fns: CaseFunctions, run: RunOptions): void {
  describeOnBackends((backend) => `${title} (${backend})`, () => {
    for (const fn of Object.keys(fns)) {
      test(`${fn}: values and gradients`, () => {
        const mine = cases.filter((c) => c.fn === fn);
        assert.ok(mine.length > 0, `no fixture cases for ${fn}`);
        for (const c of mine) runCase(c, fns, run);
      });
    }
  });
  test(`${title}: every function of the fixture is checked, and torch.linalg exports each`, () => {
    assert.deepEqual([...new Set(cases.map((c) => c.fn))].filter((fn) => !(fn in fns)), []);
    for (const fn of Object.keys(fns)) assert.equal(typeof (torch.linalg as Record<string, unknown>)[fn], "function", fn);
  });
}
