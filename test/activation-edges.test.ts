/**
 * Edges of the one-node activations against PyTorch
 * (test/fixtures/nn/activation_edges.json, from
 * scripts/gen_activation_edge_fixtures.py): which dtypes their kernels take
 * (with PyTorch's errors for the others, in place too), and the elu family's
 * second derivative at 0, which PyTorch masks with x < 0 strictly.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { readFixture } from "./nn-helpers.js";

const F = torch.nn.functional;

interface DtypeCase {
  fn: string;
  dtype: "bool" | "int32";
  inplace: boolean;
  error?: string;
  result?: number[];
}
interface DerivativeCase {
  fn: string;
  inplace: boolean;
  x: number[];
  grad: number[];
  grad2: number[];
}
const FIX = readFixture<{ dtypes: DtypeCase[]; derivatives: DerivativeCase[] }>("activation_edges.json");

/** The generator's calls, with the same arguments. */
const CALLS: Record<string, (t: Tensor, inplace: boolean) => Tensor> = {
  elu: (t, inplace) => F.elu(t, 1.5, { inplace }),
  selu: (t, inplace) => F.selu(t, { inplace }),
  celu: (t, inplace) => F.celu(t, 2, { inplace }),
  leakyRelu: (t, inplace) => F.leakyRelu(t, 0.1, { inplace }),
  hardtanh: (t, inplace) => F.hardtanh(t, -1, 1, { inplace }),
  relu6: (t, inplace) => F.relu6(t, { inplace }),
  threshold: (t, inplace) => F.threshold(t, 0.5, 5, { inplace }),
};

for (const c of FIX.dtypes) {
  test(`${c.fn}${c.inplace ? " (in place)" : ""} on ${c.dtype}: ${c.error ?? "PyTorch's result"}`, () => {
    const t = torch.tensor([1, 0, 3], { dtype: c.dtype });
    const call = () => CALLS[c.fn]!(t, c.inplace);
    if (c.error !== undefined) {
      assert.throws(call, { message: c.error });
      assert.deepEqual(t.tolist(), c.dtype === "bool" ? [true, false, true] : [1, 0, 3], "the input is unchanged");
    } else {
      const r = call();
      assert.equal(r.dtype, c.dtype);
      assert.deepEqual(r.tolist(), c.result);
    }
  });
}

for (const c of FIX.derivatives) {
  test(`${c.fn}${c.inplace ? " (in place)" : ""}: first and second derivatives at 0 and either side`, () => {
    const x = torch.tensor(c.x, { dtype: "float64", requiresGrad: true });
    const y = CALLS[c.fn]!(c.inplace ? x.mul(1) : x, c.inplace);
    const [g] = torch.autograd.grad([y.sum()], [x], { createGraph: true });
    const [g2] = torch.autograd.grad([g!.sum()], [x]);
    (g!.tolist() as number[]).forEach((v, i) => assert.ok(Math.abs(v - c.grad[i]!) < 1e-12, `grad[${i}] ${v} vs ${c.grad[i]}`));
    (g2!.tolist() as number[]).forEach((v, i) => assert.ok(Math.abs(v - c.grad2[i]!) < 1e-12, `grad2[${i}] ${v} vs ${c.grad2[i]}`));
  });
}
