/**
 * Reading test/fixtures/ops/tensor-fns.json (scripts/gen_tensor_fns_fixtures.py,
 * PyTorch 1.13): `check` runs a torchlet op on a case's inputs and compares
 * every output (shape, dtype, values) and every input's gradient with
 * PyTorch's; `checkError` compares an error message with PyTorch's first
 * line; `gradcheckCase` runs float64 gradcheck on a case's inputs.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { decode, type Encoded } from "./fixture-values.js";

interface EncodedTensor {
  shape: number[];
  dtype: torch.DType;
  data: Encoded[];
}

interface Case {
  requiresGrad: boolean;
  inputs: EncodedTensor[];
  outputs: EncodedTensor[];
  gradOutputs: (Encoded[] | null)[];
  grads: (Encoded[] | null)[];
  backwardError: string | null;
}

const FIXTURE = JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "test", "fixtures", "ops", "tensor-fns.json"), "utf8")) as {
  cases: Record<string, Case>;
  errors: Record<string, string>;
};

const isFloat = (d: torch.DType) => d === "float32" || d === "float64";

/** A fixture tensor (float ones requiring grad when asked). */
export function fromEncoded(e: EncodedTensor, requiresGrad = false, dtype: torch.DType = e.dtype): Tensor {
  const t = torch.tensor(e.data.map(decode), { dtype }).reshape(e.shape);
  return requiresGrad && isFloat(dtype) ? t.requiresGrad_(true) : t;
}

/** |a - e| <= atol + rtol·|e| elementwise, NaN matching NaN and infinities exactly. */
export function assertValues(actual: Tensor, expected: EncodedTensor | Encoded[], what: string, rtol = 1e-4, atol = 1e-5): void {
  const want = (Array.isArray(expected) ? expected : expected.data).map(decode);
  const got = Array.from(actual.contiguous().toArray() as ArrayLike<number>);
  assert.equal(got.length, want.length, `${what}: ${got.length} elements, PyTorch has ${want.length}`);
  want.forEach((e, i) => {
    const a = got[i]!;
    const ok = Number.isNaN(e) ? Number.isNaN(a) : !Number.isFinite(e) ? a === e : Math.abs(a - e) <= atol + rtol * Math.abs(e);
    if (!ok) assert.fail(`${what}[${i}]: got ${a}, PyTorch gives ${e}`);
  });
}

type Result = Tensor | readonly Tensor[];

/** The case named `name`. */
export function fixtureCase(name: string): Case {
  const c = FIXTURE.cases[name];
  assert.ok(c !== undefined, `no fixture case ${name}`);
  return c;
}

/** The case's inputs as torchlet tensors (float ones requiring grad where PyTorch's did, or when asked). */
export function caseInputs(name: string, dtype?: torch.DType, requiresGrad?: boolean): Tensor[] {
  const c = fixtureCase(name);
  return c.inputs.map((e) => fromEncoded(e, requiresGrad ?? c.requiresGrad, dtype !== undefined && isFloat(e.dtype) ? dtype : e.dtype));
}

/**
 * Runs `fn` on the case's inputs and checks each output's shape, dtype and
 * values, then backpropagates PyTorch's upstream gradients and checks each
 * input's gradient (or the error PyTorch's backward raises).
 */
export function check(name: string, fn: (...xs: Tensor[]) => Result, rtol = 1e-4, atol = 1e-5): Tensor[] {
  const c = fixtureCase(name);
  const xs = caseInputs(name);
  const result = fn(...xs);
  const outs = result instanceof torch.Tensor ? [result] : [...result];
  assert.equal(outs.length, c.outputs.length, `${name}: ${outs.length} outputs, PyTorch has ${c.outputs.length}`);
  outs.forEach((o, k) => {
    const e = c.outputs[k]!;
    assert.deepEqual(o.shape, e.shape, `${name}: output ${k} shape`);
    assert.equal(o.dtype, e.dtype, `${name}: output ${k} dtype`);
    assertValues(o.detach(), e, `${name} output ${k}`, rtol, atol);
  });
  const pairs = outs.flatMap((o, k) => {
    const g = c.gradOutputs[k];
    return g === null || g === undefined ? [] : [[o, torch.tensor(g.map(decode), { dtype: o.dtype }).reshape(o.shape)] as const];
  });
  if (pairs.length === 0) return outs;
  for (const [o] of pairs) assert.ok(o.requiresGrad, `${name}: PyTorch's output requires grad`);
  const loss = () => pairs.map(([o, g]) => o.mul(g).sum()).reduce((p, q) => p.add(q));
  if (c.backwardError !== null) {
    const message = c.backwardError;
    assert.throws(() => loss().backward(), (e: Error) => e.message.startsWith(message), `${name}: backward should throw "${message}"`);
    return outs;
  }
  loss().backward();
  c.grads.forEach((want, k) => {
    const got = xs[k]!.grad;
    if (want === null) return assert.ok(got === null || !xs[k]!.requiresGrad, `${name}: input ${k} has no gradient in PyTorch`);
    assert.ok(got !== null, `${name}: input ${k} got no gradient`);
    assertValues(got, want, `${name} grad of input ${k}`, rtol, atol);
  });
  return outs;
}

/** PyTorch's error message for the named bad call. */
export function pytorchError(name: string): string {
  const m = FIXTURE.errors[name];
  assert.ok(m !== undefined, `no fixture error ${name}`);
  return m;
}

/** `fn` throws an error whose message starts with PyTorch's (after `adapt`, for int64 → int32 wording). */
export function checkError(name: string, fn: () => unknown, adapt: (m: string) => string = (m) => m): void {
  const want = adapt(pytorchError(name));
  assert.throws(fn, (e: Error) => {
    assert.ok(e.message.startsWith(want), `${name}: got "${e.message}", PyTorch says "${want}"`);
    return true;
  });
}

/** float64 gradcheck of `fn` at the case's inputs. */
export function gradcheckCase(name: string, fn: (...xs: Tensor[]) => Result): void {
  const xs = caseInputs(name, "float64", true);
  const wrapped = (...ts: Tensor[]) => {
    const r = fn(...ts);
    return r instanceof torch.Tensor ? r : [...r];
  };
  assert.equal(torch.autograd.gradcheck(wrapped, xs), true, `${name}: gradcheck`);
}
