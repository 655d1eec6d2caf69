/**
 * Running the cases of test/fixtures/nn/nn_extra.json
 * (scripts/gen_nn_extra_fixtures.py): float32, float64 and int32 tensors
 * (non-finite numbers as "nan", "inf", "-inf"), lists and numbers as
 * inputs, and a check of one case through a table of the functions under
 * test: every output against PyTorch's, then the gradient of every float
 * input after backpropagating PyTorch's upstream gradients.
 */
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { decode, type Encoded } from "./fixture-values.js";
import { readFixture, values } from "./nn-helpers.js";

export interface ExtraTensor {
  shape: number[];
  dtype: "float32" | "float64" | "int32";
  data: Encoded[];
}

export type ExtraInput = ExtraTensor | { list: number[] } | { scalar: number };

export interface ExtraCase {
  name: string;
  fn: string;
  options: Record<string, unknown>;
  inputs: ExtraInput[];
  outputs: ExtraTensor[];
  gradOutputs: (Encoded[] | null)[];
  /** Per input: PyTorch's gradient, or null (integer tensors, lists, numbers). */
  grads: (Encoded[] | null)[];
}

export interface AdaptiveCase {
  name: string;
  cutoffs: number[];
  divValue: number;
  headBias: boolean;
  stateDict: Record<string, ExtraTensor>;
  input: ExtraTensor;
  target: ExtraTensor;
  output: ExtraTensor;
  loss: number;
  gradOutput: Encoded[];
  inputGrad: Encoded[];
  paramGrads: Record<string, Encoded[]>;
  logProb: ExtraTensor;
  predict: number[];
  single: { output: number; loss: number };
}

export const FIXTURE = readFixture<{ cases: ExtraCase[]; adaptive: AdaptiveCase[] }>("nn_extra.json");

export function tensorOf(t: ExtraTensor, requiresGrad = false): torch.Tensor {
  const data = t.data.map(decode);
  const typed = t.dtype === "int32" ? Int32Array.from(data) : t.dtype === "float64" ? Float64Array.from(data) : Float32Array.from(data);
  return torch.fromTypedArray(typed, t.shape, requiresGrad ? { requiresGrad: true } : {});
}

/**
 * Elementwise |actual - expected| <= atol + rtol·|expected| (tighter for
 * float64); NaN only where PyTorch has NaN, an infinity only where it has
 * the same one.
 */
export function assertMatches(actual: ArrayLike<number>, expected: readonly Encoded[], what: string, float64 = false): void {
  const [rtol, atol] = float64 ? [1e-9, 1e-11] : [1e-4, 2e-5];
  assert.equal(actual.length, expected.length, `${what}: ${actual.length} elements, PyTorch has ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const want = decode(expected[i]!), got = actual[i]!;
    const ok = Number.isNaN(want) ? Number.isNaN(got) : Number.isFinite(want) ? Math.abs(got - want) <= atol + rtol * Math.abs(want) : got === want;
    if (!ok) assert.fail(`${what}: [${i}] is ${got}, PyTorch gives ${want}`);
  }
}

/** A case's input as the function under test takes it: a tensor (float ones require grad), an array or a number. */
export function inputOf(x: ExtraInput): torch.Tensor | number[] | number {
  if ("list" in x) return x.list;
  if ("scalar" in x) return x.scalar;
  return tensorOf(x, x.dtype !== "int32");
}

/** Options as the script wrote them, with `{ tensor }` objects as tensors. */
export function optionsOf(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v !== null && typeof v === "object" && "tensor" in v ? tensorOf(v.tensor as ExtraTensor) : v]));
}

/** The function under test for a case: its inputs and decoded options in, one tensor or a list of outputs out. */
export type CaseFunction = (inputs: (torch.Tensor | number[] | number)[], options: Record<string, unknown>) => torch.Tensor | torch.Tensor[];

/** Runs `fn` on the case's inputs and checks each output, then each float input's gradient, against PyTorch. */
export function checkExtraCase(c: ExtraCase, fn: CaseFunction): void {
  const inputs = c.inputs.map(inputOf);
  const result = fn(inputs, optionsOf(c.options));
  const outs = Array.isArray(result) ? result : [result];
  assert.equal(outs.length, c.outputs.length, `${c.name}: number of outputs`);
  let total: torch.Tensor | null = null;
  outs.forEach((y, k) => {
    const want = c.outputs[k]!;
    assert.deepEqual(y.shape, want.shape, `${c.name}: output ${k} shape`);
    assert.equal(y.dtype, want.dtype, `${c.name}: output ${k} dtype`);
    assertMatches(values(y.detach()), want.data, `${c.name}: output ${k}`, want.dtype === "float64");
    const g = c.gradOutputs[k];
    if (g != null && y.requiresGrad) {
      const term = y.mul(torch.fromTypedArray(y.dtype === "float64" ? Float64Array.from(g.map(decode)) : Float32Array.from(g.map(decode)), y.shape)).sum();
      total = total === null ? term : total.add(term);
    }
  });
  const expectsGrad = c.grads.some((g) => g !== null);
  if (!expectsGrad) return;
  assert.ok(total !== null, `${c.name}: no output requires grad`);
  (total as torch.Tensor).backward();
  c.grads.forEach((g, i) => {
    if (g === null) return;
    const x = inputs[i] as torch.Tensor;
    assert.ok(x.grad !== null, `${c.name}: input ${i} got no gradient`);
    assertMatches(values(x.grad), g, `${c.name}: gradient of input ${i}`, x.dtype === "float64");
  });
}

/** The cases of the functions named `fns`. */
export function casesOf(...fns: string[]): ExtraCase[] {
  return FIXTURE.cases.filter((c) => fns.includes(c.fn));
}
