// Native results against the reference backend's, bit for bit (shared by native-*.test.ts files).
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";

/** Elementwise Object.is (NaN equals NaN, 0 differs from -0). */
export function sameBits(actual: Tensor, expected: Tensor, what: string): void {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  assert.equal(actual.dtype, expected.dtype, `${what}: dtype`);
  const a = Array.from(actual.contiguous().toArray() as ArrayLike<number>), e = Array.from(expected.contiguous().toArray() as ArrayLike<number>);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], e[i])) assert.fail(`${what}: [${i}] is ${a[i]} natively, ${e[i]} on the reference`);
  }
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
