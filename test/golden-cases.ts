/**
 * Running the golden cases of scripts/gen_loss2_fixtures.py (distance.json,
 * losses_more.json, norms_more.json): tensors whose numbers may be "nan",
 * "inf" or "-inf", a comparison that tells those apart, and the check of a
 * function case (values and the gradient of every input PyTorch
 * differentiates) and of a layer case (output, gradients, state afterwards).
 */
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { decode, type Encoded } from "./fixture-values.js";
import { readFixture, values } from "./nn-helpers.js";

export interface EncodedTensor {
  shape: number[];
  dtype: "float32" | "int32";
  data: Encoded[];
}

export function tensorOf(t: EncodedTensor, requiresGrad = false): torch.Tensor {
  const data = t.data.map(decode);
  const typed = t.dtype === "int32" ? Int32Array.from(data) : Float32Array.from(data);
  return torch.fromTypedArray(typed, t.shape, requiresGrad ? { requiresGrad: true } : {});
}

/**
 * |actual - expected| <= atol + rtol·|expected| elementwise; NaN only where
 * PyTorch has NaN and an infinity only where it has the same one.
 */
export function assertMatches(actual: ArrayLike<number>, expected: readonly Encoded[], what: string, rtol = 1e-4, atol = 1e-5): void {
  assert.equal(actual.length, expected.length, `${what}: ${actual.length} elements, PyTorch has ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const want = decode(expected[i]!), got = actual[i]!;
    const ok = Number.isNaN(want) ? Number.isNaN(got) : Number.isFinite(want) ? Math.abs(got - want) <= atol + rtol * Math.abs(want) : got === want;
    if (!ok) assert.fail(`${what}: [${i}] is ${got}, PyTorch gives ${want}`);
  }
}

/** A case of a function of `nn.functional`: its inputs (tensors or plain numbers) and options, PyTorch's results. */
export interface FunctionCase {
  name: string;
  fn: string;
  options: Record<string, unknown>;
  inputs: (EncodedTensor | { scalar: number })[];
  output: EncodedTensor;
  gradOutput: Encoded[];
  /** Per input: PyTorch's gradient, or null where it has none (integer targets, targets only compared). */
  grads: (Encoded[] | null)[];
}

export function readCases<T>(file: string): T[] {
  return readFixture<{ cases: T[] }>(file).cases;
}

/** Options as the script wrote them: `{ tensor }` objects and "inf" become a tensor and Infinity. */
function optionsOf(o: Record<string, unknown>): Record<string, unknown> {
  const decodeOption = (v: unknown) => (typeof v === "string" && /^-?inf$/.test(v) ? decode(v as Encoded) : v);
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v !== null && typeof v === "object" && "tensor" in v ? tensorOf(v.tensor as EncodedTensor) : decodeOption(v)]));
}

/** Calls `F[c.fn](...inputs, options)`, checks the output against PyTorch's, backpropagates gradOutput and checks each input's gradient. */
export function checkFunctionCase(c: FunctionCase): void {
  const inputs = c.inputs.map((x, i) => ("scalar" in x ? x.scalar : tensorOf(x, c.grads[i] !== null)));
  const fn = (torch.nn.functional as unknown as Record<string, (...args: unknown[]) => torch.Tensor>)[c.fn]!;
  const y = fn(...inputs, optionsOf(c.options));
  assert.deepEqual(y.shape, c.output.shape, `${c.name}: output shape`);
  assertMatches(values(y), c.output.data, `${c.name}: output`);
  y.backward(torch.tensor(c.gradOutput.map(decode)).reshape(y.shape));
  c.grads.forEach((g, i) => {
    if (g === null) return;
    const x = inputs[i] as torch.Tensor;
    assert.ok(x.grad !== null, `${c.name}: input ${i} got no gradient`);
    assertMatches(values(x.grad), g, `${c.name}: gradient of input ${i}`);
  });
}

/** A case of a layer: its constructor, state before, one forward and backward, and the state after. */
export interface LayerCase {
  name: string;
  ctor: { type: string; args: unknown[]; options: Record<string, unknown> };
  train: boolean;
  stateDict: Record<string, EncodedTensor>;
  input: EncodedTensor;
  output: EncodedTensor;
  gradOutput: Encoded[];
  inputGrad: Encoded[];
  paramGrads: Record<string, Encoded[]>;
  stateAfter: Record<string, EncodedTensor>;
}

/** Builds the layer with `make`, loads the case's state dict (whose keys must be the layer's own), and checks one step against PyTorch. */
export function checkLayerCase(c: LayerCase, make: (c: LayerCase) => torch.nn.Module): void {
  const m = make(c);
  assert.deepEqual(Object.keys(m.stateDict()), Object.keys(c.stateDict), `${c.name}: state-dict keys`);
  m.loadStateDict(Object.fromEntries(Object.entries(c.stateDict).map(([k, v]) => [k, tensorOf(v)])));
  m.train(c.train);
  const x = tensorOf(c.input, true);
  const y = m.forward(x) as torch.Tensor;
  assert.deepEqual(y.shape, c.output.shape, `${c.name}: output shape`);
  assertMatches(values(y), c.output.data, `${c.name}: output`);
  y.backward(torch.tensor(c.gradOutput.map(decode)).reshape(y.shape));
  assertMatches(values(x.grad!), c.inputGrad, `${c.name}: input gradient`);
  const params = Object.fromEntries(m.namedParameters());
  assert.deepEqual(Object.keys(params).sort(), Object.keys(c.paramGrads).sort(), `${c.name}: parameters`);
  for (const [k, g] of Object.entries(c.paramGrads)) assertMatches(values(params[k]!.grad!), g, `${c.name}: gradient of ${k}`);
  const after = m.stateDict();
  for (const [k, v] of Object.entries(c.stateAfter)) assertMatches(values(after[k]!), v.data, `${c.name}: ${k} after the step`);
}
