/**
 * Runs op-table cases in torchlet: builds the inputs from a case's fixture
 * (leaves, then the case's views), calls the op, and compares tensors with
 * PyTorch's values (NaN equals NaN, infinities must match exactly).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as torch from "../../src/index.js";
import type { Arg, FixtureNumber, InputSpec, OpCase, ViewStep } from "./spec.js";

export interface Encoded {
  shape: number[];
  dtype: torch.DType;
  data: FixtureNumber[];
}

export interface CaseFixture {
  inputs: Encoded[];
  out: Encoded;
  gradOut: FixtureNumber[] | null;
  grads: (FixtureNumber[] | null)[];
}

/** Reads `test/fixtures/ops/<name>.json` (tests run from dist/test, so the path climbs to the repo). */
export function loadFixture<T>(name: string): T {
  const path = fileURLToPath(new URL(`../../../test/fixtures/ops/${name}.json`, import.meta.url));
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

export function decode(v: FixtureNumber): number {
  return v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : v;
}

/** A contiguous tensor from flat fixture values. */
export function fromFixture(data: readonly FixtureNumber[], shape: readonly number[], dtype: torch.DType, requiresGrad = false): torch.Tensor {
  const values = data.map(decode);
  const typed =
    dtype === "float64" ? Float64Array.from(values)
    : dtype === "int32" ? Int32Array.from(values)
    : dtype === "bool" ? Uint8Array.from(values)
    : Float32Array.from(values);
  return torch.fromTypedArray(typed, shape, { requiresGrad });
}

/** Whether a table input is a leaf that requires grad. */
export function wantsGrad(spec: InputSpec, dtype: torch.DType): boolean {
  return spec.grad ?? (dtype === "float32" || dtype === "float64");
}

/** The case's leaf tensors; `float64` promotes float leaves (for gradcheck). */
export function makeLeaves(c: OpCase, fx: CaseFixture, promote = false): torch.Tensor[] {
  return c.inputs.map((spec, i) => {
    const enc = fx.inputs[i]!;
    const dtype = promote && enc.dtype === "float32" ? "float64" : enc.dtype;
    return fromFixture(enc.data, enc.shape, dtype, wantsGrad(spec, enc.dtype));
  });
}

export function applyViews(t: torch.Tensor, steps: readonly ViewStep[] | undefined): torch.Tensor {
  let x = t;
  for (const step of steps ?? []) {
    switch (step[0]) {
      case "transpose": x = x.transpose(step[1], step[2]); break;
      case "permute": x = x.permute(step[1]); break;
      case "expand": x = x.expand(step[1]); break;
      case "narrow": x = x.narrow(step[1], step[2], step[3]); break;
      case "select": x = x.select(step[1], step[2]); break;
      case "clone": x = x.clone(); break;
    }
  }
  return x;
}

function resolve(arg: Arg, ts: readonly torch.Tensor[]): unknown {
  if (Array.isArray(arg)) return arg.map((a) => resolve(a, ts));
  if (arg !== null && typeof arg === "object") return ts[arg.t]!;
  return arg;
}

/** Calls `torch[c.op](...args, options)` on the already-viewed inputs. */
export function callOp(c: OpCase, ts: readonly torch.Tensor[]): torch.Tensor {
  const args = c.args.map((a) => resolve(a, ts));
  const self = c.method ? (args.shift() as Record<string, (...a: unknown[]) => unknown>) : null;
  const fn = self ? self[c.op] : (torch as unknown as Record<string, (...a: unknown[]) => unknown>)[c.op];
  if (typeof fn !== "function") throw new Error(`op table: ${self ? "Tensor.prototype" : "torch"}.${c.op} is not a function`);
  if (c.options) args.push({ ...c.options });
  const result = fn.apply(self, args);
  if (c.out !== undefined) return (result as Record<string, torch.Tensor>)[c.out]!;
  return result as torch.Tensor;
}

/** Runs a case on its fixture inputs: leaves, viewed inputs and output. */
export function runCase(c: OpCase, fx: CaseFixture, promote = false): { leaves: torch.Tensor[]; out: torch.Tensor } {
  const leaves = makeLeaves(c, fx, promote);
  const ts = leaves.map((x, i) => applyViews(x, c.inputs[i]!.view));
  return { leaves, out: callOp(c, ts) };
}

export const RTOL = 1e-4;
export const ATOL = 1e-5;

/** Asserts `actual` holds `expected` (row-major) within tolerance; NaN and ±Inf must match in place. */
export function assertValues(actual: ArrayLike<number>, expected: readonly FixtureNumber[], what: string, rtol = RTOL, atol = ATOL): void {
  assert.equal(actual.length, expected.length, `${what}: ${actual.length} values, expected ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const a = Number(actual[i]), e = decode(expected[i]!);
    const ok = Number.isNaN(e) ? Number.isNaN(a) : !Number.isFinite(e) ? a === e : Math.abs(a - e) <= atol + rtol * Math.abs(e);
    if (!ok) assert.fail(`${what}: element ${i} is ${a}, PyTorch gives ${e} (rtol ${rtol}, atol ${atol})`);
  }
}

/** Shape, dtype and values of an output against its fixture. */
export function assertTensor(actual: torch.Tensor, expected: Encoded, what: string, rtol = RTOL, atol = ATOL): void {
  assert.deepEqual([...actual.shape], expected.shape, `${what}: shape`);
  assert.equal(actual.dtype, expected.dtype, `${what}: dtype`);
  assertValues(actual.toArray(), expected.data, what, rtol, atol);
}
