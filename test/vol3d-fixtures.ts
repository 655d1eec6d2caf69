/**
 * Reading test/fixtures/ops/vol3d.json (scripts/gen_vol3d_fixtures.py),
 * which keeps one list of cases per op, and checking a case in its dtype
 * (float32 or float64): the output's shape and values, then the gradients
 * of the upstream gradient it holds.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { assertClose, decode, type Encoded, values } from "./fixture-values.js";

export interface EncodedTensor {
  shape: number[];
  data: Encoded[];
}

/** A case of an op of several tensor inputs (null where one is absent). */
export interface MultiCase<O> {
  name: string;
  options: O;
  dtype: "float32" | "float64";
  inputs: (EncodedTensor | null)[];
  output: EncodedTensor;
  gradOutput: Encoded[];
  grads: (Encoded[] | null)[];
}

/** A case of a one-input op, in its dtype; `indices` where the op returns them. */
export interface OneCase {
  name: string;
  dtype: "float32" | "float64";
  input: EncodedTensor;
  output: EncodedTensor;
  gradOutput: Encoded[];
  inputGrad: Encoded[];
  indices?: number[];
}

/** The fixture file's lists of cases, by op. */
export function readVol3d(): Record<string, unknown[]> {
  return JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "test", "fixtures", "ops", "vol3d.json"), "utf8")) as Record<string, unknown[]>;
}

/** The encoded tensor as a leaf of `dtype` that requires grad. */
export function leaf(t: EncodedTensor, dtype: "float32" | "float64"): Tensor {
  return torch.tensor(t.data.map(decode), { dtype }).reshape(t.shape).requiresGrad_(true);
}

/** Checks `y` against PyTorch's output, backpropagates the case's upstream gradient and checks each leaf's gradient. */
export function checkOutputAndGrads(name: string, y: Tensor, output: EncodedTensor, gradOutput: Encoded[], leaves: readonly (Tensor | null)[], grads: readonly (Encoded[] | null)[]): void {
  assert.deepEqual(y.shape, output.shape, `${name}: shape`);
  assertClose(values(y.detach()), output.data, `${name} output`);
  y.backward(torch.tensor(gradOutput.map(decode), { dtype: y.dtype }).reshape(output.shape));
  leaves.forEach((x, i) => {
    const want = grads[i];
    if (x === null || want === null || want === undefined) return;
    assert.ok(x.grad !== null, `${name}: input ${i} has a gradient`);
    assertClose(values(x.grad), want, `${name} grad of input ${i}`);
  });
}

/** Runs `op` on the case's inputs (leaves of its dtype) and checks output and gradients. */
export function checkMulti<O>(c: MultiCase<O>, op: (...xs: (Tensor | null)[]) => Tensor): Tensor {
  const xs = c.inputs.map((t) => (t === null ? null : leaf(t, c.dtype)));
  const y = op(...xs);
  assert.equal(y.dtype, c.dtype, c.name);
  checkOutputAndGrads(c.name, y, c.output, c.gradOutput, xs, c.grads);
  return y;
}

/** Runs a one-input `op` (returning its output, or `[output, indices]`) and checks output, gradient and indices. */
export function checkOne(c: OneCase, op: (x: Tensor) => Tensor | [Tensor, Tensor]): void {
  const x = leaf(c.input, c.dtype);
  const r = op(x);
  const [y, indices] = Array.isArray(r) ? r : [r, null];
  assert.equal(y.dtype, c.dtype, c.name);
  checkOutputAndGrads(c.name, y, c.output, c.gradOutput, [x], [c.inputGrad]);
  if (c.indices !== undefined) {
    assert.ok(indices !== null, `${c.name}: indices returned`);
    assert.equal(indices.dtype, "int32");
    assert.deepEqual(indices.shape, c.output.shape, `${c.name}: indices shape`);
    assert.deepEqual(Array.from(indices.contiguous().data as Int32Array), c.indices, `${c.name} indices`);
  }
}

/** A fixture's size argument ([d, h, w] lists, or a number) as torchlet takes it. */
export const triple = (v: number | number[]): number | [number, number, number] => (typeof v === "number" ? v : [v[0]!, v[1]!, v[2]!]);
