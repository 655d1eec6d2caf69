/**
 * Reading test/fixtures/nn/nn_utils3.json (scripts/gen_nn_utils3_fixtures.py):
 * building the layers a case names, loading PyTorch's state into them, and
 * checking a forward/backward against PyTorch's output and gradients.
 */
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { assertClose, fromJson, readFixture, type TensorJson, values } from "./nn-helpers.js";

const { nn } = torch;

export type StateJson = Record<string, TensorJson>;

export interface LayerSpec {
  type: string;
  args: number[];
  options?: Record<string, unknown>;
}

/** What `run` in the script records: the output, the upstream gradient and the parameters' gradients. */
export interface RunJson {
  output: TensorJson;
  gradOutput: number[];
  grads: Record<string, number[]>;
}

/** The layer `spec` names (`new nn[type](...args, options)`). */
export function build(spec: LayerSpec): torch.nn.Module {
  const Cls = nn[spec.type as keyof typeof nn] as unknown as new (...args: unknown[]) => torch.nn.Module;
  return spec.options === undefined || Object.keys(spec.options).length === 0 ? new Cls(...spec.args) : new Cls(...spec.args, spec.options);
}

/** PyTorch's state (strict: the keys must be the module's). */
export function load(m: torch.nn.Module, state: StateJson): void {
  m.loadStateDict(Object.fromEntries(Object.entries(state).map(([k, t]) => [k, fromJson(t)])));
}

/** The module's state dict against PyTorch's: the same keys in the same order, the same values. */
export function checkState(m: torch.nn.Module, want: StateJson, what: string, rtol = 1e-4, atol = 1e-5): void {
  const got = m.stateDict();
  assert.deepEqual(Object.keys(got), Object.keys(want), `${what}: keys`);
  for (const [k, t] of Object.entries(want)) {
    assert.deepEqual(got[k]!.shape, t.shape, `${what}: ${k} shape`);
    assertClose(values(got[k]!), t.data, `${what}: ${k}`, rtol, atol);
  }
}

/** `m.forward(x)`, then backward of `(y · gradOutput).sum()`: the output and every gradient PyTorch had. */
export function checkRun(m: torch.nn.Module, x: torch.Tensor, want: RunJson, what: string, rtol = 1e-4, atol = 1e-5): torch.Tensor {
  m.zeroGrad();
  const y = m.forward(x) as torch.Tensor;
  assert.deepEqual(y.shape, want.output.shape, `${what}: output shape`);
  assertClose(values(y.detach()), want.output.data, `${what}: output`, rtol, atol);
  y.mul(torch.tensor(want.gradOutput).reshape(y.shape)).sum().backward();
  const params = new Map(m.namedParameters());
  assert.deepEqual([...params.keys()].filter((k) => params.get(k)!.grad !== null).sort(), Object.keys(want.grads).sort(), `${what}: parameters with a gradient`);
  for (const [k, g] of Object.entries(want.grads)) assertClose(values(params.get(k)!.grad!), g, `${what}: grad of ${k}`, rtol, atol);
  return y;
}

export { fromJson, assertClose, values };

export const fx = readFixture<any>("nn_utils3.json");
