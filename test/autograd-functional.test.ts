/**
 * torch.autograd.functional against PyTorch: jacobian, hessian, vjp, jvp, vhp
 * and hvp values and shapes for elementwise, reduction, matmul and
 * multi-input/multi-output functions in float64 (fixtures:
 * scripts/gen_autograd_functional_fixtures.py), single-tensor vs array
 * packing, createGraph, and PyTorch's error messages.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";

const F = torch.autograd.functional;

interface Enc { shape: number[]; data: number[] }
type Nested = Enc | Nested[];
interface Case { api: "jacobian" | "hessian" | "vjp" | "jvp" | "vhp" | "hvp"; fn: string; inputs: Nested; v: Nested | null; result: Nested }

const fixtures = JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "test", "fixtures", "autograd", "functional.json"), "utf8")) as { cases: Case[] };

// the same functions as the generator's FNS
const FNS: Record<string, (...xs: Tensor[]) => Tensor | Tensor[]> = {
  sin_times_x: (x) => x.sin().mul(x),
  exp_sum_dim1: (x) => x.exp().sum(1),
  cube_0d: (x) => x.pow(3),
  matmul: (a, b) => a.matmul(b),
  square_and_sum: (x) => [x.pow(2), x.sum()],
  two_by_two: (x, y) => [x.mul(y.sum()), y.tanh()],
  adder: (x, y) => x.mul(2).add(y.mul(3)),
  cube_sum: (x) => x.pow(3).sum(),
  log_sum_exp: (x) => x.exp().sum().log(),
  mixed: (x, y) => x.pow(2).mul(y).sum().add(y.sin().sum()),
  mean_of_matmul: (a, b) => a.matmul(b).tanh().mean(),
};

const decode = (n: Nested): Tensor | Tensor[] =>
  Array.isArray(n) ? (n.map(decode) as Tensor[]) : torch.tensor(n.data, { dtype: "float64" }).reshape(n.shape);

/** `got` has the packing (tensor vs array, nesting), shapes and values of PyTorch's `want`. */
function assertMatches(got: unknown, want: Nested, where: string): void {
  if (Array.isArray(want)) {
    assert.ok(Array.isArray(got), `${where}: PyTorch returns a tuple`);
    assert.equal(got.length, want.length, `${where}: tuple length`);
    want.forEach((w, i) => assertMatches(got[i], w, `${where}[${i}]`));
    return;
  }
  assert.ok(got instanceof torch.Tensor, `${where}: PyTorch returns a Tensor`);
  assert.deepEqual(got.shape, want.shape, `${where}: shape`);
  assert.equal(got.dtype, "float64", `${where}: dtype`);
  assert.equal(got.requiresGrad, false, `${where}: no graph without createGraph`);
  const vals = Array.from(got.contiguous().toArray());
  want.data.forEach((w, i) => assert.ok(Math.abs(vals[i]! - w) <= 1e-12 * (1 + Math.abs(w)), `${where}[${i}]: ${vals[i]} vs PyTorch ${w}`));
}

describe("values and shapes match PyTorch", () => {
  for (const c of fixtures.cases) {
    test(`${c.api}(${c.fn})`, () => {
      const fn = FNS[c.fn]! as any;
      const inputs = decode(c.inputs) as any;
      const api = F[c.api] as (...args: any[]) => unknown;
      const result = c.api === "jacobian" || c.api === "hessian" ? api(fn, inputs) : api(fn, inputs, c.v === null ? undefined : decode(c.v));
      assertMatches(result, c.result, `${c.api}(${c.fn})`);
    });
  }
});

describe("packing, grad modes and createGraph", () => {
  const x = () => torch.tensor([1, 2], { dtype: "float64" });

  test("jacobian of output shape O w.r.t. input shape I is O ++ I; arrays give (nested) arrays", () => {
    const a = torch.ones([2, 3], { dtype: "float64" }), b = torch.ones([4], { dtype: "float64" });
    assert.deepEqual(F.jacobian((p) => p.sum(0), a).shape, [3, 2, 3]);
    const perInput = F.jacobian((p, q) => p.sum().mul(q), [a, b]);
    assert.deepEqual(perInput.map((t) => t.shape), [[4, 2, 3], [4, 4]]);
    const nested = F.jacobian((p, q) => [p.sum().mul(q), p.t()], [a, b]);
    assert.deepEqual(nested.map((row) => row.map((t) => t.shape)), [[[4, 2, 3], [4, 4]], [[3, 2, 2, 3], [3, 2, 4]]]);
    // an input the output does not depend on gets zeros (not strict)
    assert.deepEqual(nested[1]![1]!.sum().item(), 0);
  });

  test("inputs are not modified; results of a noGrad caller still compute", () => {
    const xs = x();
    const J = torch.noGrad(() => F.jacobian((p) => p.pow(3), xs));
    assert.deepEqual(J.tolist(), [[3, 0], [0, 12]]);
    assert.equal(xs.requiresGrad, false);
  });

  test("createGraph: the jacobian is differentiable w.r.t. an input requiring grad (PyTorch: x.grad = [6, 12])", () => {
    const xr = x().requiresGrad_();
    const J = F.jacobian((p) => p.pow(3), xr, { createGraph: true });
    assert.equal(J.requiresGrad, true);
    J.sum().backward();
    assert.deepEqual(xr.grad!.tolist(), [6, 12]);
    assert.equal(F.jacobian((p) => p.pow(3), xr).requiresGrad, false);
  });

  test("createGraph: vjp's output and product require grad; jvp's product differentiates (PyTorch: [3, 12], grad [6, 12])", () => {
    const xr = x().requiresGrad_();
    const [o, v] = F.vjp((p) => p.pow(3), xr, torch.ones([2], { dtype: "float64" }), { createGraph: true });
    assert.equal(o.requiresGrad, true);
    assert.equal(v.requiresGrad, true);
    const [, t] = F.jvp((p) => p.pow(3), xr, torch.ones([2], { dtype: "float64" }), { createGraph: true });
    assert.deepEqual(t.tolist(), [3, 12]);
    assert.deepEqual(torch.autograd.grad(t.sum(), xr)[0]!.tolist(), [6, 12]);
  });

  test("hessian with createGraph differentiates a third time", () => {
    const xr = x().requiresGrad_();
    const H = F.hessian((p) => p.pow(4).sum(), xr, { createGraph: true });
    assert.deepEqual(H.tolist(), [[12, 0], [0, 48]]); // 12 x^2 on the diagonal
    assert.deepEqual(torch.autograd.grad(H.sum(), xr)[0]!.tolist(), [24, 48]); // 24 x
  });
});

describe("errors as PyTorch", () => {
  const x = torch.tensor([1, 2], { dtype: "float64" });
  const y = torch.tensor([3, 4, 5], { dtype: "float64" });
  const ones = (n: number) => torch.ones([n], { dtype: "float64" });

  test("strict mode", () => {
    assert.throws(() => F.jacobian((a, b) => [a.mul(2), b.sum()], [x, y], { strict: true }), {
      message: "Output 0 of the user-provided function is independent of input 1. This is not allowed in strict mode.",
    });
    assert.throws(() => F.jacobian(() => torch.ones([2]), x, { strict: true }), {
      message: "Output 0 of the user-provided function does not require gradients. The outputs must be computed in a differentiable manner from the input when running in strict mode.",
    });
    assert.throws(() => F.vjp((a) => a.mul(2).sum(), [x, y], ones(1).sum(), { strict: true }), {
      message: "The output of the user-provided function is independent of input 1. This is not allowed in strict mode.",
    });
    assert.throws(() => F.hessian((a) => a.mul(2).sum().mul(2), x, { strict: true }), {
      message:
        "While computing the hessian, found that the jacobian of the user-provided function with respect to input 0 is independent of the input. " +
        "This is not allowed in strict mode. You should ensure that your function is twice differentiable and that the jacobian depends on the inputs " +
        "(this would be violated by a linear function for example).",
    });
    // without strict, the mathematical value: zeros
    assert.deepEqual(F.hessian((a) => a.mul(2).sum(), x).tolist(), [[0, 0], [0, 0]]);
  });

  test("v checks", () => {
    assert.throws(() => F.vjp((a) => a.mul(2), x), {
      message: "The vector v can only be None if the user-provided function returns a single Tensor with a single element.",
    });
    assert.throws(() => F.jvp((a) => a.mul(2), x), {
      message: "The vector v can only be None if the input to the user-provided function is a single Tensor with a single element.",
    });
    assert.throws(() => F.vjp((a) => a.mul(2), x, ones(3)), { message: "v has invalid size: should be torch.Size([2]) but got torch.Size([3])." });
    assert.throws(() => F.vjp((a) => [a.mul(2), a], x, [ones(2)]), { message: "v is a tuple of invalid length: should be 2 but got 1." });
    assert.throws(() => F.vjp((a, b) => [a.mul(2), b], [x, y], [ones(2), ones(2)]), {
      message: "Entry 1 in v has invalid size: should be torch.Size([3]) but got torch.Size([2]).",
    });
  });

  test("single-element outputs, argument types and strategy", () => {
    assert.throws(() => F.hessian((a) => a.mul(2), x), { message: "The Tensor returned by the function given to hessian should contain a single element" });
    // PyTorch names Python's type: "... has type <class 'int'>."
    assert.throws(() => F.jacobian((a) => a, 3 as unknown as Tensor), {
      name: "TypeError",
      message: "The inputs given to jacobian must be either a Tensor or a tuple of Tensors but the given inputs has type number.",
    });
    assert.throws(() => F.jacobian((a) => a, x, { strategy: "sideways" as "reverse-mode" }), {
      message:
        'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your function has more outputs than inputs, "forward-mode" tends to be more performant. Otherwise, prefer to use "reverse-mode".',
    });
  });
});
