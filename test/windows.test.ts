/**
 * The window functions against PyTorch (test/fixtures/ops/windows.json, from
 * scripts/gen_windows_fixtures.py): every window at lengths 0 to 17,
 * periodic and symmetric, float32 and float64, and the error messages.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { assertClose, type Encoded, values, readOpsFixture } from "./fixture-values.js";

interface Case {
  fn: string;
  length: number;
  periodic: boolean;
  options: { alpha?: number; beta?: number };
  out: { shape: number[]; dtype: "float32" | "float64"; data: Encoded[] };
}
const FIX = readOpsFixture<{
  cases: Case[];
  errors: Record<string, string>;
}>("windows.json");
const FNS: Record<string, (n: number, o: torch.WindowOptions & { alpha?: number; beta?: number }) => torch.Tensor> = {
  hann_window: torch.hannWindow,
  hamming_window: torch.hammingWindow,
  blackman_window: torch.blackmanWindow,
  bartlett_window: torch.bartlettWindow,
  kaiser_window: torch.kaiserWindow,
};

for (const c of FIX.cases) {
  test(`${c.fn}(${c.length}, periodic=${c.periodic}, ${c.out.dtype}, ${JSON.stringify(c.options)}) as PyTorch's`, () => {
    const w = FNS[c.fn]!(c.length, { periodic: c.periodic, dtype: c.out.dtype, ...c.options });
    assert.equal(w.dtype, c.out.dtype);
    assert.deepEqual(w.shape, c.out.shape);
    assertClose(values(w), c.out.data, c.fn);
  });
}

test("windows: the default dtype, periodic by default, and requiresGrad", () => {
  const w = torch.hannWindow(4);
  assert.equal(w.dtype, "float32");
  assert.deepEqual([...w.data], [0, 0.5, 1, 0.5]);
  assert.equal(torch.hannWindow(3, { requiresGrad: true }).requiresGrad, true);
  torch.setDefaultDtype("float64");
  try {
    assert.equal(torch.bartlettWindow(5).dtype, "float64");
  } finally {
    torch.setDefaultDtype("float32");
  }
});

test("windows: PyTorch's errors", () => {
  const expect = (f: () => unknown, key: string) => assert.throws(f, (e: Error) => e.message === FIX.errors[key], key);
  expect(() => torch.hannWindow(4, { dtype: "int32" }), "hann_window int32");
  expect(() => torch.kaiserWindow(4, { dtype: "bool" }), "kaiser_window bool");
  expect(() => torch.bartlettWindow(-2), "bartlett_window -2");
  expect(() => torch.hammingWindow(2.5), "hamming_window 2.5");
});
