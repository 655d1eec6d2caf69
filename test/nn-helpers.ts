/** Shared helpers of the nn/optim/data tests: fixture loading and tolerant comparison. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as torch from "../src/index.js";

export const NN_FIXTURES = join(import.meta.dirname, "..", "..", "test", "fixtures", "nn");

export function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(NN_FIXTURES, name), "utf8")) as T;
}

export interface TensorJson {
  shape: number[];
  /** Numbers (booleans for dtype bool, which JSON from Python spells as true / false). */
  data: number[];
  dtype?: "float32" | "int32" | "bool";
}

/** A module case from a fixture: PyTorch's weights, the inputs, and what forward and backward gave. */
export interface ModuleGradCase {
  name: string;
  stateDict: Record<string, TensorJson>;
  inputs: TensorJson[];
  outputs: TensorJson[];
  gradOutputs: number[][];
  inputGrads: number[][];
  paramGrads: Record<string, number[]>;
}

export function fromJson(t: TensorJson, options: { requiresGrad?: boolean } = {}): torch.Tensor {
  const dtype = t.dtype ?? "float32";
  const data = t.data.map(Number);
  const arr = dtype === "int32" ? Int32Array.from(data) : dtype === "bool" ? Uint8Array.from(data) : Float32Array.from(data);
  return torch.fromTypedArray(arr, t.shape, options.requiresGrad ? { requiresGrad: true } : {});
}

/** Elementwise |a - e| <= atol + rtol·|e|, naming the first offending index. */
export function assertClose(actual: ArrayLike<number>, expected: readonly number[], what: string, rtol = 1e-4, atol = 1e-5): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} != ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    assert.ok(Math.abs(a - e) <= atol + rtol * Math.abs(e), `${what}[${i}]: got ${a}, expected ${e}`);
  }
}

export function values(t: torch.Tensor): number[] {
  return Array.from(t.toArray());
}

/** One optimizer run of test/fixtures/nn/optimizers.json (scripts/gen_nn_fixtures.py): PyTorch's parameters after each step. */
export interface OptCase {
  optimizer: "SGD" | "Adam" | "AdamW" | "RMSprop";
  options: Record<string, unknown>;
  groups: boolean;
  group2: Record<string, unknown> | null;
  trajectory: { p: number[]; q: number[] }[];
}

/** optimizers.json: the starting parameters, the input, and the cases. */
export interface OptimizerFixture {
  p0: number[];
  q0: number[];
  a: number[];
  cases: OptCase[];
}

/** The optimizer fixtures' objective in p ([3, 2]) and q ([2]): quadratic plus quartic, coupled, with the fixture's A ([3, 2]). */
export function optimObjective(A: torch.Tensor): (p: torch.Tensor, q: torch.Tensor) => torch.Tensor {
  return (p, q) => A.mul(p.sub(0.5).pow(2)).sum()
    .add(p.pow(4).sum().mul(0.1))
    .add(q.sub(1).pow(2).sum())
    .add(p.sum(0).mul(q).sum().mul(0.3));
}

/** Steps `opt` on `objective` and checks p and q against PyTorch's values after each step; p must stay a leaf. */
export function checkTrajectory(
  opt: torch.optim.Optimizer<any>,
  p: torch.Tensor,
  q: torch.Tensor,
  trajectory: readonly { p: number[]; q: number[] }[],
  objective: (p: torch.Tensor, q: torch.Tensor) => torch.Tensor,
): void {
  trajectory.forEach((want, step) => {
    opt.zeroGrad();
    objective(p, q).backward();
    opt.step();
    assertClose(values(p), want.p, `p after step ${step + 1}`, 1e-4, 1e-5);
    assertClose(values(q), want.q, `q after step ${step + 1}`, 1e-4, 1e-5);
  });
  assert.ok(p.isLeaf && p.requiresGrad && p.gradFn === null, "rule 7: params stay leaves");
}
