/**
 * kl_divergence for the cross-family pairs of scripts/gen_dist_fixtures4.py
 * (PyTorch 1.13; the formulas are the same in 2.x): Beta, Gamma, Gumbel,
 * Uniform, Exponential and Normal against one another, Bernoulli against
 * Poisson, and the infinite pairs; values and gradients with respect to every
 * parameter, with broadcasting.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { values } from "./fixture-values.js";
import { checkKlCase, type KlCase } from "./distribution-fixtures.js";
import { readFixture } from "./nn-helpers.js";

const D = torch.distributions;
type Dist = torch.distributions.Distribution;

const FIX = readFixture<{ kl: KlCase[] }>("distributions4.json");


function build(dist: string, p: Record<string, Tensor>): Dist {
  const pl = (): { probs: Tensor } | { logits: Tensor } => (p.probs !== undefined ? { probs: p.probs } : { logits: p.logits! });
  switch (dist) {
    case "Normal": return new D.Normal(p.loc!, p.scale!);
    case "Laplace": return new D.Laplace(p.loc!, p.scale!);
    case "Gumbel": return new D.Gumbel(p.loc!, p.scale!);
    case "Uniform": return new D.Uniform(p.low!, p.high!);
    case "Exponential": return new D.Exponential(p.rate!);
    case "Poisson": return new D.Poisson(p.rate!);
    case "Gamma": return new D.Gamma(p.concentration!, p.rate!);
    case "Beta": return new D.Beta(p.concentration1!, p.concentration0!);
    case "Bernoulli": return new D.Bernoulli(pl());
    case "Binomial": return new D.Binomial({ totalCount: p.totalCount!, ...pl() });
    default: throw new Error(dist);
  }
}


describe("kl_divergence across families against PyTorch (values and gradients)", () => {
  for (const c of FIX.kl) test(c.name, () => checkKlCase(c, build));

  test("the support masks broadcast both ways (PyTorch indexes in place with one side's mask)", () => {
    // q's mask against a batch of p: PyTorch raises an IndexError here; torchlet broadcasts
    const u = D.klDivergence(new D.Beta(torch.tensor([2, 0.5]), torch.tensor([3, 1])), new D.Uniform(torch.tensor([[0], [0.5]]), 1));
    assert.deepEqual(u.shape, [2, 2]);
    const v = values(u);
    assert.ok(Number.isFinite(v[0]!) && Number.isFinite(v[1]!));
    assert.deepEqual(v.slice(2), [Infinity, Infinity]);
    const g = D.klDivergence(new D.Uniform(torch.tensor([-1, 0.5]), 2), new D.Gamma(torch.tensor([[1], [2]]), 1));
    assert.deepEqual(g.shape, [2, 2]);
    const w = values(g);
    assert.equal(w[0], Infinity);
    assert.equal(w[2], Infinity);
    assert.ok(Number.isFinite(w[1]!) && Number.isFinite(w[3]!));
  });

  test("pairs PyTorch still has no formula for throw its messages", () => {
    assert.throws(() => D.klDivergence(new D.Gamma(1, 1), new D.Laplace(0, 1)), { message: "No KL(p || q) is implemented for p type Gamma and q type Laplace" });
    assert.throws(() => D.klDivergence(new D.Gumbel(0, 1), new D.Laplace(0, 1)), { message: "No KL(p || q) is implemented for p type Gumbel and q type Laplace" });
    assert.throws(() => D.klDivergence(new D.Poisson(1), new D.Gamma(1, 1)), {
      message: "The cross KL-divergence between different exponential families cannot be computed using Bregman divergences",
    });
  });
});
