/**
 * kl_divergence for the pairs beyond test/distributions.test.ts (fixtures:
 * scripts/gen_dist_fixtures2.py, PyTorch 1.13): Exponential, Laplace and
 * MultivariateNormal against themselves, the cross-family pairs, the
 * infinite ones, with broadcasting; values and gradients. And the errors for
 * pairs PyTorch has no formula for.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { values } from "./fixture-values.js";
import { checkKlCase, type KlCase } from "./distribution-fixtures.js";
import { readFixture } from "./nn-helpers.js";

const D = torch.distributions;

const FIX = readFixture<{ kl: KlCase[] }>("distributions2.json");

function build(dist: string, p: Record<string, Tensor>): torch.distributions.Distribution {
  switch (dist) {
    case "Normal": return new D.Normal(p.loc!, p.scale!);
    case "Laplace": return new D.Laplace(p.loc!, p.scale!);
    case "Uniform": return new D.Uniform(p.low!, p.high!);
    case "Exponential": return new D.Exponential(p.rate!);
    case "MultivariateNormal":
      return new D.MultivariateNormal(p.loc!, p.covarianceMatrix !== undefined ? { covarianceMatrix: p.covarianceMatrix }
        : p.precisionMatrix !== undefined ? { precisionMatrix: p.precisionMatrix } : { scaleTril: p.scaleTril! });
    default: throw new Error(dist);
  }
}


describe("distributions: more kl_divergence pairs against PyTorch", () => {
  for (const c of FIX.kl) test(c.name, () => checkKlCase(c, build));

  test("the probe's values (PyTorch 1.13), and float32 parameters", () => {
    const kl = (p: torch.distributions.Distribution, q: torch.distributions.Distribution): number[] => values(D.klDivergence(p, q));
    const near = (got: number[], want: number[]): void => want.forEach((w, i) => assert.ok(Math.abs(got[i]! - w) < 1e-5, `${got[i]} vs ${w}`));
    near(kl(new D.Exponential(torch.tensor([0.5, 2])), new D.Exponential(torch.tensor([1, 3]))), [0.30685, 0.09453]);
    near(kl(new D.Laplace(torch.tensor([0, 1]), torch.tensor([1, 2])), new D.Laplace(torch.tensor([1, -1]), torch.tensor([2, 0.5]))), [0.37709, 3.08522]);
    const mvn = D.klDivergence(
      new D.MultivariateNormal(torch.tensor([1, 2]), { covarianceMatrix: torch.tensor([[2, 1], [1, 2]]) }),
      new D.MultivariateNormal(torch.zeros([2]), { covarianceMatrix: torch.tensor([[1, 0.3], [0.3, 0.5]]) }),
    );
    assert.equal(mvn.dtype, "float32");
    near(values(mvn), [4.956114]);
    assert.deepEqual(kl(new D.Normal(0, 1), new D.Uniform(0, 1)), [Infinity]);
    assert.equal(D.klDivergence(new D.Normal(torch.zeros([2], { dtype: "float64" }), 1), new D.Exponential(1)).dtype, "float64");
  });
});

describe("distributions: kl_divergence errors", () => {
  test("two different exponential families: PyTorch's NotImplementedError message", () => {
    // PyTorch's text has a run of 29 spaces after "cannot" (a line continuation inside its string
    // literal, in 1.13 and 2.x); torchlet's has one
    const message = "The cross KL-divergence between different exponential families cannot be computed using Bregman divergences";
    const bern = new D.Bernoulli({ probs: 0.3 });
    assert.throws(() => D.klDivergence(bern, new D.Normal(0, 1)), { message });
    assert.throws(() => D.klDivergence(new D.Normal(0, 1), bern), { message });
    assert.throws(() => D.klDivergence(bern, new D.Exponential(1)), { message });
    assert.throws(() => D.klDivergence(new D.Exponential(1), bern), { message });
  });

  test("pairs without a formula", () => {
    assert.throws(() => D.klDivergence(new D.Laplace(0, 1), new D.Bernoulli({ probs: 0.3 })), { message: "No KL(p || q) is implemented for p type Laplace and q type Bernoulli" });
    assert.throws(() => D.klDivergence(new D.Exponential(1), new D.Laplace(0, 1)), { message: "No KL(p || q) is implemented for p type Exponential and q type Laplace" });
    assert.throws(() => D.klDivergence(new D.Uniform(0, 1), new D.Laplace(0, 1)), { message: "No KL(p || q) is implemented for p type Uniform and q type Laplace" });
    const mvn = new D.MultivariateNormal(torch.zeros([2]), { scaleTril: torch.eye(2) });
    assert.throws(() => D.klDivergence(mvn, new D.Normal(0, 1)), { message: "No KL(p || q) is implemented for p type MultivariateNormal and q type Normal" });
  });

  test("MultivariateNormals of different sizes: PyTorch's ValueError", () => {
    // PyTorch's text has a run of spaces after "with" (a line continuation in its string); one here
    const p = new D.MultivariateNormal(torch.zeros([2]), { scaleTril: torch.eye(2) });
    const q = new D.MultivariateNormal(torch.zeros([3]), { scaleTril: torch.eye(3) });
    assert.throws(() => D.klDivergence(p, q), { message: "KL-divergence between two Multivariate Normals with different event shapes cannot be computed" });
  });
});
