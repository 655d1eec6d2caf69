/**
 * Reading the golden fixtures' numbers: the Python scripts write non-finite
 * values as "nan", "inf" and "-inf" (JSON has no literals for them).
 */
import assert from "node:assert/strict";
import type { Tensor } from "../src/index.js";

export type Encoded = number | "nan" | "inf" | "-inf";

export const decode = (v: Encoded): number => (typeof v === "number" ? v : Number(v.replace("inf", "Infinity")));

/** A tensor's elements in row-major order, as plain numbers. */
export const values = (t: Tensor): number[] => Array.from(t.contiguous().data as ArrayLike<number>);

/** `actual` equals PyTorch's `expected` within float32 rounding, NaN where it has NaN. */
export function assertClose(actual: number[], expected: Encoded[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  expected.forEach((e, i) => {
    const want = decode(e), got = actual[i]!;
    if (Number.isNaN(want) ? !Number.isNaN(got) : Math.abs(got - want) > 1e-5 * (1 + Math.abs(want)))
      assert.fail(`${what}: [${i}] is ${got}, PyTorch gives ${want}`);
  });
}
