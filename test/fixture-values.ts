/**
 * Reading the ops golden fixtures (test/fixtures/ops, written by the
 * scripts/gen_*_fixtures.py scripts): numbers, with non-finite values as
 * "nan", "inf" and "-inf" (JSON has no literals for them), and the common
 * check of a one-input op's values and gradient.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as torch from "../src/index.js";
import type { DType, Tensor } from "../src/index.js";

export type Encoded = number | "nan" | "inf" | "-inf";

export const decode = (v: Encoded): number => (typeof v === "number" ? v : Number(v.replace("inf", "Infinity")));

/** A tensor as scripts/fixture_numbers.py's tensor_json writes it. */
export interface TensorJson {
  shape: number[];
  dtype: DType;
  data: Encoded[];
}

/** The tensor a fixture describes. */
export const tensorOf = (t: TensorJson): Tensor => torch.tensor(t.data.map(decode), { dtype: t.dtype }).reshape(t.shape);

/** test/fixtures/ops/`file`, parsed. */
export function readOpsFixture<T>(file: string): T {
  return JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "test", "fixtures", "ops", file), "utf8")) as T;
}

/** The message of what calling `f` throws, or null when it throws nothing. */
export function thrownMessage(f: () => unknown): string | null {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return null;
}

/** `f` throws an error whose message is exactly PyTorch's `expected` (null: the fixture says PyTorch raised nothing, which fails). */
export function throwsExactly(f: () => unknown, expected: string | null, what: string): void {
  assert.ok(expected !== null, `${what}: PyTorch raises`);
  assert.equal(thrownMessage(f), expected, what);
}

/** A tensor's elements in row-major order, as plain numbers. */
export const values = (t: Tensor): number[] => Array.from(t.contiguous().data as ArrayLike<number>);

/** `actual` equals PyTorch's `expected` within float32 rounding, NaN exactly where it has NaN. */
export function assertClose(actual: number[], expected: Encoded[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  expected.forEach((e, i) => {
    const want = decode(e), got = actual[i]!;
    // infinities compare exactly (|inf - x| > 1e-5 * inf is never true)
    // a NaN only matches an encoded NaN (NaN - want compares false with everything)
    const off = Number.isNaN(want) ? !Number.isNaN(got) : Number.isNaN(got) || (!Number.isFinite(want) ? got !== want : Math.abs(got - want) > 1e-5 * (1 + Math.abs(want)));
    if (off)
      assert.fail(`${what}: [${i}] is ${got}, PyTorch gives ${want}`);
  });
}

/** A case of a one-input op: its input, PyTorch's output, an upstream gradient and the input's gradient. */
export interface GoldenCase {
  name: string;
  input: { shape: number[]; data: Encoded[] };
  output: { shape: number[]; data: Encoded[] };
  gradOutput: Encoded[];
  inputGrad: Encoded[];
}

/** The cases of test/fixtures/ops/`file`. */
export function readOpsCases<T>(file: string): T[] {
  const path = join(import.meta.dirname, "..", "..", "test", "fixtures", "ops", file);
  return (JSON.parse(readFileSync(path, "utf8")) as { cases: T[] }).cases;
}

/**
 * Runs `op` on the case's input (as a leaf that requires grad), checks the
 * output's shape and values against PyTorch's, then backpropagates the case's
 * upstream gradient and checks the input's gradient. Returns the output.
 */
export function checkGolden(c: GoldenCase, op: (x: Tensor) => Tensor): Tensor {
  const x = torch.tensor(c.input.data.map(decode)).reshape(c.input.shape).requiresGrad_(true);
  const y = op(x);
  assert.deepEqual(y.shape, c.output.shape, c.name);
  assertClose(values(y.detach()), c.output.data, `${c.name} output`);
  y.backward(torch.tensor(c.gradOutput.map(decode)).reshape(c.output.shape));
  assertClose(values(x.grad!), c.inputGrad, `${c.name} input grad`);
  return y;
}
