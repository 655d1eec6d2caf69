/**
 * MultivariateNormal given by its precision matrix, and the precision and
 * covariance getters, against PyTorch (fixtures: scripts/gen_dist_fixtures2.py,
 * PyTorch 1.13): values and gradients. And a batched loc with an unbatched
 * matrix, which PyTorch's repr and messages show broadcast.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { type Encoded, values } from "./fixture-values.js";
import { assertNear, type Enc, tensorOf } from "./distribution-fixtures.js";
import { readFixture } from "./nn-helpers.js";

const D = torch.distributions;

interface Case {
  name: string;
  fn: string;
  params: Record<string, Enc>;
  value: Enc | null;
  batchShape: number[];
  out: Enc;
  grads: Record<string, Encoded[]> | null;
}
const FIX = readFixture<{ precision: Case[] }>("distributions2.json");



function apply(d: torch.distributions.MultivariateNormal, fn: string, value: Tensor | null): Tensor {
  switch (fn) {
    case "log_prob": return d.logProb(value!);
    case "entropy": return d.entropy();
    case "scale_tril": return d.scaleTril;
    case "covariance_matrix": return d.covarianceMatrix;
    case "precision_matrix": return d.precisionMatrix;
    case "variance": return d.variance;
    default: throw new Error(fn);
  }
}

describe("MultivariateNormal: precision matrix against PyTorch", () => {
  for (const c of FIX.precision) {
    test(c.name, () => {
      const params = Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, tensorOf(v).requiresGrad_(true)]));
      const m = params.covarianceMatrix !== undefined ? { covarianceMatrix: params.covarianceMatrix }
        : params.precisionMatrix !== undefined ? { precisionMatrix: params.precisionMatrix } : { scaleTril: params.scaleTril! };
      const d = new D.MultivariateNormal(params.loc!, m);
      assert.deepEqual(d.batchShape, c.batchShape);
      const out = apply(d, c.fn, c.value === null ? null : tensorOf(c.value));
      assert.deepEqual(out.shape, c.out.shape, "shape");
      assertNear(values(out.detach()), c.out.data, c.name);
      assert.ok(c.grads !== null);
      out.sum().backward();
      for (const [k, g] of Object.entries(c.grads)) {
        const got = params[k]!.grad;
        assertNear(got === null ? new Array<number>(g.length).fill(0) : values(got), g, `${c.name}: grad ${k}`, 1e-6);
      }
    });
  }
});

describe("MultivariateNormal: constructor checks and repr (PyTorch 1.13's messages)", () => {
  test("exactly one matrix, at least 2-d; the precision matrix must be positive definite", () => {
    assert.throws(() => new D.MultivariateNormal(torch.zeros([2]), { precisionMatrix: torch.eye(2), scaleTril: torch.eye(2) } as never), {
      message: "Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.",
    });
    assert.throws(() => new D.MultivariateNormal(torch.zeros([2]), { precisionMatrix: torch.tensor([1, 2]) }), {
      message: "precision_matrix must be at least two-dimensional, with optional leading batch dimensions",
    });
    assert.throws(() => new D.MultivariateNormal(torch.zeros([2]), { precisionMatrix: torch.tensor([[1, 2], [2, 1]]) }), {
      message: /^Expected parameter precision_matrix \(Tensor of shape \(2, 2\)\) of distribution MultivariateNormal\(loc: torch\.Size\(\[2\]\), precision_matrix: torch\.Size\(\[2, 2\]\)\) to satisfy the constraint PositiveDefinite\(\)/,
    });
    assert.equal(new D.MultivariateNormal(torch.zeros([2]), { precisionMatrix: torch.eye(2) }).toString(), "MultivariateNormal(loc: torch.Size([2]), precision_matrix: torch.Size([2, 2]))");
  });

  test("a batched loc with an unbatched matrix: the matrix shows broadcast to the batch", () => {
    const d = new D.MultivariateNormal(torch.zeros([3, 2]), { covarianceMatrix: torch.eye(2) });
    assert.equal(d.toString(), "MultivariateNormal(loc: torch.Size([3, 2]), covariance_matrix: torch.Size([3, 2, 2]))");
    assert.deepEqual(d.covarianceMatrix.shape, [3, 2, 2]);
    // the whole message, from PyTorch 1.13
    const bad = torch.tensor([[1, 2], [2, 1]]);
    assert.throws(() => new D.MultivariateNormal(torch.zeros([3, 2]), { covarianceMatrix: bad }), {
      message: "Expected parameter covariance_matrix (Tensor of shape (3, 2, 2)) of distribution MultivariateNormal(loc: torch.Size([3, 2]), covariance_matrix: torch.Size([3, 2, 2])) " +
        "to satisfy the constraint PositiveDefinite(), but found invalid values:\n" +
        "tensor([[[1., 2.],\n         [2., 1.]],\n\n        [[1., 2.],\n         [2., 1.]],\n\n        [[1., 2.],\n         [2., 1.]]])",
    });
    assert.throws(() => new D.MultivariateNormal(torch.zeros([3, 2]), { precisionMatrix: bad }), {
      message: /^Expected parameter precision_matrix \(Tensor of shape \(3, 2, 2\)\) of distribution MultivariateNormal\(loc: torch\.Size\(\[3, 2\]\), precision_matrix: torch\.Size\(\[3, 2, 2\]\)\)/,
    });
  });

  test("the given matrix is what the getter returns (gradients reach it unchanged)", () => {
    const cov = torch.tensor([[2, 1], [1, 2]]).requiresGrad_(true);
    const d = new D.MultivariateNormal(torch.zeros([3, 2]), { covarianceMatrix: cov });
    d.covarianceMatrix.sum().backward();
    // expanded over a batch of 3: each element is counted 3 times
    assert.deepEqual(values(cov.grad!), [3, 3, 3, 3]);
  });
});
