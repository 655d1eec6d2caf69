/**
 * Shared part of the whole-program tests (test/training-programs-*.test.ts):
 * reading a program's fixture (scripts/gen_training_programs.py), loading
 * PyTorch's initial weights into the torchlet twin, and comparing what training
 * printed and left behind (losses, state dicts, gradients) with PyTorch's.
 * Each program runs twice: in float32 against PyTorch's float32 run, and cast to
 * float64 (from the same float32 weights and data) against PyTorch's float64
 * run (`<name>_f64.json`) at a tolerance of 1e-8, where a difference of formula
 * can't hide in rounding.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as torch from "../src/index.js";
import { assertClose, fromJson as fromJson32, values } from "./nn-helpers.js";

/** A tensor in a program fixture: float32 (9 significant digits) unless `dtype` says otherwise; float64 with all 17. */
export interface TensorJson {
  shape: number[];
  data: number[];
  dtype?: "float32" | "float64" | "int32" | "bool";
}

export type StateJson = Record<string, TensorJson>;

/** The fixture's tensor, in its dtype. */
export function fromJson(t: TensorJson): torch.Tensor {
  if (t.dtype === "float64") return torch.fromTypedArray(Float64Array.from(t.data), t.shape);
  return fromJson32({ shape: t.shape, data: t.data, ...(t.dtype === undefined ? {} : { dtype: t.dtype }) });
}

/** A program's fixture, test/fixtures/programs/`name`.json. */
export function readProgram<T>(name: string): T {
  return JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "test", "fixtures", "programs", `${name}.json`), "utf8")) as T;
}

/** The tensors of a state dict from the fixture. */
export function stateFromJson(sd: StateJson): Record<string, torch.Tensor> {
  return Object.fromEntries(Object.entries(sd).map(([k, v]) => [k, fromJson(v)]));
}

/** The dtype a program runs in. */
export type Precision = "float32" | "float64";

export const PRECISIONS: readonly Precision[] = ["float32", "float64"];

/** How close a run must come to PyTorch's: |a - e| <= atol + rtol·|e|. */
export interface Tol {
  rtol: number;
  atol: number;
}

/** The tolerance of a comparison in `dtype`: float32 rounding grows over the steps; float64 leaves room only for rounding. */
export function tolFor(dtype: Precision): Tol {
  return dtype === "float32" ? { rtol: 2e-4, atol: 2e-5 } : { rtol: 1e-8, atol: 1e-11 };
}

/** The fixture with PyTorch's results in `dtype` (the float64 one has no inputs: those are the float32 fixture's). */
export function readResults<T>(name: string, dtype: Precision): T {
  return readProgram<T>(dtype === "float32" ? name : `${name}_f64`);
}

/**
 * Runs `program` with `dtype` as the default float dtype (what `torch.ones`
 * and the other factories make), restoring the previous one afterwards.
 */
export function inPrecision<T>(dtype: Precision, program: () => T): T {
  const previous = torch.getDefaultDtype();
  torch.setDefaultDtype(dtype);
  try {
    return program();
  } finally {
    torch.setDefaultDtype(previous);
  }
}

/** A float tensor in `dtype` (others as they are). */
export function castTo(t: torch.Tensor, dtype: Precision): torch.Tensor {
  return torch.isFloatingPoint(t) ? t.to(dtype) : t;
}

/** Loads PyTorch's (float32) weights into `model`, after checking that the state-dict keys and shapes are PyTorch's, in its order; then casts it to `dtype`. */
export function loadInit<M extends torch.nn.Module>(model: M, sd: StateJson, dtype: Precision = "float32"): M {
  const mine = model.stateDict();
  assert.deepEqual(Object.keys(mine), Object.keys(sd), "state-dict keys, in PyTorch's order");
  for (const [k, t] of Object.entries(mine)) assert.deepEqual(t.shape, sd[k]!.shape, `shape of ${k}`);
  model.loadStateDict(stateFromJson(sd));
  return dtype === "float64" ? model.double() : model;
}

/** Elements of a state-dict entry left out of the comparison: `[from, to)` of the flattened entry `key`. */
export interface Unconstrained {
  key: string;
  from: number;
  to: number;
  /** The bound that both PyTorch's and torchlet's values stay within instead. */
  bound: number;
}

/**
 * Every entry of `model`'s state dict (parameters and buffers) equals PyTorch's
 * within the tolerance, except the `unconstrained` ranges (parameters whose
 * gradient is zero in exact arithmetic, so that what an optimizer makes of the
 * rounding noise is arbitrary): those only stay within their bound.
 */
export function checkState(model: torch.nn.Module, sd: StateJson, what: string, tol: Tol, unconstrained: readonly Unconstrained[] = []): void {
  const mine = model.stateDict();
  assert.deepEqual(Object.keys(mine), Object.keys(sd), `${what}: state-dict keys`);
  for (const [k, t] of Object.entries(mine)) {
    assert.deepEqual(t.shape, sd[k]!.shape, `${what}: shape of ${k}`);
    if (sd[k]!.dtype === "float64") assert.equal(t.dtype, "float64", `${what}: dtype of ${k}`);
    const got = values(t.to("float64")), want = sd[k]!.data.map(Number);
    for (const u of unconstrained) {
      if (u.key !== k) continue;
      for (let i = u.from; i < u.to; i++) {
        assert.ok(Math.abs(got[i]!) <= u.bound && Math.abs(want[i]!) <= u.bound, `${what}: ${k}[${i}] is ${got[i]} (PyTorch ${want[i]}), beyond ${u.bound}`);
        got[i] = want[i]!;
      }
    }
    assertClose(got, want, `${what}: ${k}`, tol.rtol, tol.atol);
  }
}

/** The gradients PyTorch left on the named parameters equal `model`'s. */
export function checkGrads(model: torch.nn.Module, grads: StateJson, what: string, tol: Tol): void {
  for (const [k, p] of model.namedParameters()) {
    const g = grads[k];
    if (g === undefined) continue;
    assert.ok(p.grad !== null, `${what}: ${k} has a gradient in PyTorch`);
    assertClose(values(p.grad), g.data, `${what}: grad of ${k}`, tol.rtol, tol.atol);
  }
}

/** A list of per-step numbers (losses, norms, lrs) equals PyTorch's. */
export function checkSeries(actual: readonly number[], expected: readonly number[], what: string, tol: Tol): void {
  assertClose(actual, expected, what, tol.rtol, tol.atol);
}

/** A tensor equals the fixture's (shape and values). */
export function checkTensor(actual: torch.Tensor, expected: TensorJson, what: string, tol: Tol): void {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  assertClose(values(actual), expected.data, what, tol.rtol, tol.atol);
}

/** The shipped digits as PyTorch's programs read them: pixels / 16, [n, 64] (or [n, 1, 8, 8] with `asImages`), and the labels. */
export function digits(options: { asImages?: boolean } = {}): { x: torch.Tensor; y: torch.Tensor } {
  const { images, labels } = torch.datasets.loadDigits(options);
  return { x: images.div(16), y: labels };
}
