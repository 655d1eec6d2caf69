/**
 * PyTorch 1.13's own results (test/fixtures/native-masks/cases.json, from
 * scripts/gen_native_masks_fixtures.py) at sizes past the native
 * thresholds, on both backends: fractional max pooling with ties, -0, NaN
 * and -Infinity windows (values and indices exact), gridSample nearest at
 * exact halves for every padding and corner rule (exact), `x[:, mask] =
 * value` on every dtype, and `x[i, j]` with negative, broadcast indices.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as torch from "../src/index.js";
import type { DType } from "../src/tensor/dtype.js";
import type { Tensor } from "../src/tensor/tensor.js";
import { describeOnBackends } from "./backends.js";
import { decode, type Encoded } from "./fixture-values.js";

const F = torch.nn.functional;
const { Slice } = torch.indexing;

interface TensorJson {
  shape: number[];
  dtype: "float32" | "float64" | "int32";
  data: Encoded[];
}
interface Fixtures {
  fractional: { input: TensorJson; samples: TensorJson; kernel: number | [number, number]; outputSize: [number, number]; values: Encoded[]; indices: number[]; shape: number[] }[];
  gridNearest: { input: TensorJson; grid: TensorJson; outputs: { padding: "zeros" | "border" | "reflection"; alignCorners: boolean; output: Encoded[]; shape: number[] }[] }[];
  indexing: { mask: number[]; puts: { dtype: DType; value: number | boolean; result: Encoded[] }[]; i: TensorJson; j: TensorJson; gathered: Encoded[]; gatheredShape: number[] };
}

const here = dirname(fileURLToPath(import.meta.url));
const FIX = JSON.parse(readFileSync(join(here, "..", "..", "test", "fixtures", "native-masks", "cases.json"), "utf8")) as Fixtures;

const tensorOf = (t: TensorJson): Tensor => torch.tensor(t.data.map(decode), { dtype: t.dtype }).reshape(t.shape);

/** `t`'s elements equal PyTorch's exactly (in t's dtype: float32 values rounded as PyTorch printed them at 9 digits; -0 apart from 0). */
function exact(t: Tensor, expected: Encoded[], what: string): void {
  const c = t.contiguous();
  assert.equal(t.numel(), expected.length, `${what}: length`);
  expected.forEach((e, i) => {
    const want = t.dtype === "float32" ? Math.fround(decode(e)) : decode(e);
    const got = Number(c.data[c.offset + i]);
    if (!Object.is(got, want)) assert.fail(`${what}: [${i}] is ${got}, PyTorch gives ${want}`);
  });
}

describeOnBackends((b) => `native-masks paths against PyTorch (${b})`, () => {
  test("fractionalMaxPool2d: values and indices exactly PyTorch's", () => {
    assert.equal(FIX.fractional.length, 6);
    for (const c of FIX.fractional) {
      const what = `${c.input.dtype} ${JSON.stringify(c.input.shape)} k=${JSON.stringify(c.kernel)}`;
      const [v, i] = F.fractionalMaxPool2d(tensorOf(c.input), c.kernel, { outputSize: c.outputSize, _randomSamples: tensorOf(c.samples), returnIndices: true });
      assert.deepEqual(v.shape, c.shape, what);
      exact(v, c.values, `${what}: values`);
      assert.deepEqual(Array.from(i.contiguous().data), c.indices, `${what}: indices`);
    }
  });

  test("gridSample nearest at exact halves: exactly PyTorch's for every padding and corner rule", () => {
    assert.equal(FIX.gridNearest.length, 2);
    for (const c of FIX.gridNearest) {
      const x = tensorOf(c.input), grid = tensorOf(c.grid);
      for (const o of c.outputs) {
        const what = `${c.input.dtype} ${o.padding} alignCorners=${o.alignCorners}`;
        const y = F.gridSample(x, grid, { mode: "nearest", paddingMode: o.padding, alignCorners: o.alignCorners });
        assert.deepEqual(y.shape, o.shape, what);
        exact(y, o.output, what);
      }
    }
  });

  test("x[:, mask] = value on every dtype, and x[i, j] with negative broadcast indices", () => {
    const mask = torch.tensor(FIX.indexing.mask.map((b) => b === 1)).reshape([20, 30]);
    for (const p of FIX.indexing.puts) {
      const ramp = torch.arange(0, 3 * 20 * 30, { dtype: "int32" }).reshape([3, 20, 30]);
      const x = p.dtype === "bool" ? ramp.remainder(2).eq(1) : ramp.to(p.dtype);
      x.indexPut_([Slice(), mask], typeof p.value === "boolean" ? torch.tensor(p.value) : p.value);
      exact(x, p.result, `x[:, mask] = ${p.value} (${p.dtype})`);
    }
    const x = torch.arange(0, 300 * 64, { dtype: "float32" }).reshape([300, 64]);
    const y = x.index([tensorOf(FIX.indexing.i), tensorOf(FIX.indexing.j)]);
    assert.deepEqual(y.shape, FIX.indexing.gatheredShape);
    exact(y, FIX.indexing.gathered, "x[i, j]");
  });
});
