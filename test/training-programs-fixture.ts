/**
 * Shared part of the whole-program tests (test/training-programs-*.test.ts):
 * reading a program's fixture (scripts/gen_training_programs.py), loading
 * PyTorch's initial weights into the torchlet twin, and comparing what training
 * printed and left behind (losses, state dicts, gradients) with PyTorch's.
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

/** Loads PyTorch's weights into `model`, after checking that the state-dict keys and shapes are PyTorch's, in its order. */
export function loadInit(model: torch.nn.Module, sd: StateJson): void {
  const mine = model.stateDict();
  assert.deepEqual(Object.keys(mine), Object.keys(sd), "state-dict keys, in PyTorch's order");
  for (const [k, t] of Object.entries(mine)) assert.deepEqual(t.shape, sd[k]!.shape, `shape of ${k}`);
  model.loadStateDict(stateFromJson(sd));
}

/** Elements of a state-dict entry left out of the comparison: `[from, to)` of the flattened entry `key`, and why. */
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
 * rounding noise is arbitrary): those only stay within their bound. `looser`
 * gives entries that are only weakly determined their own relative tolerance.
 */
export function checkState(
  model: torch.nn.Module, sd: StateJson, what: string,
  options: { rtol?: number; atol?: number; unconstrained?: readonly Unconstrained[]; looser?: Readonly<Record<string, number>> } = {},
): void {
  const mine = model.stateDict();
  assert.deepEqual(Object.keys(mine), Object.keys(sd), `${what}: state-dict keys`);
  for (const [k, t] of Object.entries(mine)) {
    assert.deepEqual(t.shape, sd[k]!.shape, `${what}: shape of ${k}`);
    const got = values(t.to("float64")), want = sd[k]!.data.map(Number);
    for (const u of options.unconstrained ?? []) {
      if (u.key !== k) continue;
      for (let i = u.from; i < u.to; i++) {
        assert.ok(Math.abs(got[i]!) <= u.bound && Math.abs(want[i]!) <= u.bound, `${what}: ${k}[${i}] is ${got[i]} (PyTorch ${want[i]}), beyond ${u.bound}`);
        got[i] = want[i]!;
      }
    }
    const rtol = options.looser?.[k] ?? options.rtol ?? 2e-4;
    assertClose(got, want, `${what}: ${k}`, rtol, options.atol ?? 2e-5);
  }
}

/** The gradients PyTorch left on the named parameters equal `model`'s; the others have none in both. */
export function checkGrads(model: torch.nn.Module, grads: StateJson, what: string, rtol = 2e-4, atol = 2e-5): void {
  for (const [k, p] of model.namedParameters()) {
    const g = grads[k];
    if (g === undefined) continue;
    assert.ok(p.grad !== null, `${what}: ${k} has a gradient in PyTorch`);
    assertClose(values(p.grad), g.data, `${what}: grad of ${k}`, rtol, atol);
  }
}

/** A list of per-step numbers (losses, norms, lrs) equals PyTorch's. */
export function checkSeries(actual: readonly number[], expected: readonly number[], what: string, rtol = 1e-4, atol = 1e-5): void {
  assertClose(actual, expected, what, rtol, atol);
}

/** A tensor equals the fixture's (shape and values). */
export function checkTensor(actual: torch.Tensor, expected: TensorJson, what: string, rtol = 2e-4, atol = 2e-5): void {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  assertClose(values(actual), expected.data, what, rtol, atol);
}

/** The shipped digits as PyTorch's program reads them: pixels / 16, [n, 64] (or [n, 1, 8, 8] with `asImages`), and the labels. */
export function digits(options: { asImages?: boolean } = {}): { x: torch.Tensor; y: torch.Tensor } {
  const { images, labels } = torch.datasets.loadDigits(options);
  return { x: images.div(16), y: labels };
}

