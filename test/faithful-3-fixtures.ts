/** Reading test/fixtures/faithful-3/cases.json (scripts/gen_faithful_3.py, PyTorch 1.13) and the checks the faithful-3 tests share. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Encoded } from "./fixture-values.js";

/** The whole fixture file, untyped past the top level: each test names the shape it reads. */
export const CASES = JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "test", "fixtures", "faithful-3", "cases.json"), "utf8")) as Record<string, unknown>;

/** A section of the fixtures, as `T`. */
export const section = <T>(name: string): T => CASES[name] as T;

/** What calling `f` throws (its message), or null when it throws nothing. */
export function errorOf(f: () => unknown): string | null {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return null;
}

/** `f` throws exactly PyTorch's `expected` message, or nothing where PyTorch raises nothing (`expected` null). */
export function raisesAsPyTorch(f: () => unknown, expected: string | null, what: string): void {
  assert.equal(errorOf(f), expected, what);
}

/** A case's tensor values, or null where PyTorch has none. */
export type MaybeValues = Encoded[] | null;
