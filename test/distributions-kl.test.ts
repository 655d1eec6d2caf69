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
import { decode, type Encoded, values } from "./fixture-values.js";
import { readFixture } from "./nn-helpers.js";

const D = torch.distributions;

interface Enc {
  shape: number[];
  data: Encoded[];
}
interface Side {
  dist: string;
  params: Record<string, Enc>;
}
interface KlCase {
  name: string;
  p: Side;
  q: Side;
  out: Enc;
  grads: Record<string, Encoded[]> | null;
}
const FIX = readFixture<{ kl: KlCase[] }>("distributions2.json");

const leaf = (e: Enc): Tensor => torch.tensor(e.data.map(decode), { dtype: "float64" }).reshape(e.shape).requiresGrad_(true);

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

function assertNear(got: number[], want: Encoded[], what: string, tol = 1e-7): void {
  assert.equal(got.length, want.length, `${what}: length`);
  want.forEach((e, i) => {
    const w = decode(e), g = got[i]!;
    const ok = Number.isNaN(w) ? Number.isNaN(g) : !Number.isFinite(w) ? g === w : Math.abs(g - w) <= tol * (1 + Math.abs(w));
    if (!ok) assert.fail(`${what}: [${i}] is ${g}, PyTorch gives ${w}`);
  });
}

describe("distributions: more kl_divergence pairs against PyTorch", () => {
  for (const c of FIX.kl) {
    test(c.name, () => {
      const pp = Object.fromEntries(Object.entries(c.p.params).map(([k, v]) => [k, leaf(v)]));
      const qp = Object.fromEntries(Object.entries(c.q.params).map(([k, v]) => [k, leaf(v)]));
      const out = D.klDivergence(build(c.p.dist, pp), build(c.q.dist, qp));
      assert.deepEqual(out.shape, c.out.shape, "shape");
      assertNear(values(out.detach()), c.out.data, c.name);
      if (c.grads === null) {
        // PyTorch's infinite KLs are constants
        assert.equal(out.requiresGrad, false);
        return;
      }
      out.sum().backward();
      for (const [k, g] of Object.entries(c.grads)) {
        const [side, name] = k.split(".") as [string, string];
        const got = (side === "p" ? pp : qp)[name]!.grad;
        assertNear(got === null ? new Array<number>(g.length).fill(0) : values(got), g, `${c.name}: grad ${k}`, 1e-6);
      }
    });
  }

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
