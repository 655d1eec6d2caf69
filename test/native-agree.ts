// Native results against the reference backend's, bit for bit (shared by native-*.test.ts files).
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";

/** A tensor's values in row-major order (none for null). */
export function valuesOf(t: Tensor | null): number[] {
  return t === null ? [] : Array.from(t.contiguous().toArray() as ArrayLike<number>);
}

/** Elementwise Object.is of two value lists (NaN equals NaN, 0 differs from -0). */
export function sameValues(actual: readonly number[], expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) assert.fail(`${what}: [${i}] is ${actual[i]} natively, ${expected[i]} on the reference`);
  }
}

/** Elementwise Object.is of two tensors of one shape and dtype. */
export function sameBits(actual: Tensor, expected: Tensor, what: string): void {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  assert.equal(actual.dtype, expected.dtype, `${what}: dtype`);
  sameValues(valuesOf(actual), valuesOf(expected), what);
}

/** `f` on each backend (native stays active afterwards); its tensors must agree bit for bit. */
export function agree(what: string, f: () => Tensor[]): void {
  const results = (["native", "reference"] as const).map((backend) => {
    torch.setBackend(backend);
    try {
      return f();
    } finally {
      torch.setBackend("native");
    }
  });
  results[0]!.forEach((t, i) => sameBits(t, results[1]![i]!, `${what} #${i}`));
}
