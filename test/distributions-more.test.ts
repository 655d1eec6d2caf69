/**
 * LogNormal, HalfNormal, Cauchy, Gumbel, StudentT, Poisson, Geometric, Binomial,
 * OneHotCategorical, Gamma, Beta and Dirichlet against PyTorch (fixtures:
 * scripts/gen_dist_fixtures3.py, PyTorch 1.13; Gamma.cdf is 2.x's, from
 * torch.special.gammainc): values and gradients of log_prob / cdf / icdf /
 * entropy / moments, kl_divergence among them, the derivative of a Gamma draw
 * in its concentration, PyTorch's messages and reprs, and sampling by its
 * properties (moments within Monte Carlo error, with fixed seeds); Gumbel's
 * cdf / icdf at the ends (probe_nn.json).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { standardGammaGrad } from "../src/distributions/standard-gamma.js";
import { type Encoded, values } from "./fixture-values.js";
import { assertNear, checkKlCase, checkMoments, type Enc, type KlCase, paramLeaf, tensorOf } from "./distribution-fixtures.js";
import { readFixture } from "./nn-helpers.js";
import { assertMatches, tensorOf as extraTensor } from "./nn-extra-cases.js";
import { PROBE } from "./probe-nn-fixtures.js";

const D = torch.distributions;
type Dist = torch.distributions.Distribution;

interface Case {
  name: string;
  dist: string;
  fn: string;
  params: Record<string, Enc>;
  value: Enc | null;
  batchShape: number[];
  eventShape: number[];
  out: Enc;
  grads: Record<string, Encoded[]> | null;
}
interface GammaGrad {
  alpha: number;
  x: number;
  torch: number;
  exact: number;
}
const FIX = readFixture<{ cases: Case[]; kl: KlCase[]; gammaGrad: GammaGrad[] }>("distributions3.json");


function build(dist: string, p: Record<string, Tensor>): Dist {
  const pl = (): { probs: Tensor } | { logits: Tensor } => (p.probs !== undefined ? { probs: p.probs } : { logits: p.logits! });
  switch (dist) {
    case "LogNormal": return new D.LogNormal(p.loc!, p.scale!);
    case "HalfNormal": return new D.HalfNormal(p.scale!);
    case "Cauchy": return new D.Cauchy(p.loc!, p.scale!);
    case "Gumbel": return new D.Gumbel(p.loc!, p.scale!);
    case "Normal": return new D.Normal(p.loc!, p.scale!);
    case "StudentT": return new D.StudentT(p.df!, p.loc, p.scale);
    case "Poisson": return new D.Poisson(p.rate!);
    case "Exponential": return new D.Exponential(p.rate!);
    case "Geometric": return new D.Geometric(pl());
    case "Binomial": return new D.Binomial({ totalCount: p.totalCount!, ...pl() });
    case "OneHotCategorical": return new D.OneHotCategorical(pl());
    case "Gamma": return new D.Gamma(p.concentration!, p.rate!);
    case "Beta": return new D.Beta(p.concentration1!, p.concentration0!);
    case "Dirichlet": return new D.Dirichlet(p.concentration!);
    default: throw new Error(dist);
  }
}


function apply(d: Dist, fn: string, value: Tensor | null): Tensor {
  switch (fn) {
    case "log_prob": return d.logProb(value!);
    case "cdf": return d.cdf(value!);
    case "icdf": return d.icdf(value!);
    case "entropy": return d.entropy();
    case "mean": return d.mean;
    case "mode": return d.mode;
    case "variance": return d.variance;
    case "stddev": return d.stddev;
    default: throw new Error(fn);
  }
}

describe("distributions (more families) against PyTorch: values and gradients", () => {
  for (const c of FIX.cases) {
    test(`${c.name} #${FIX.cases.indexOf(c)}`, () => {
      const params = Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, paramLeaf(k, v)]));
      // Gamma.cdf has no gradient in the concentration (PyTorch's igamma has no derivative there)
      if (c.dist === "Gamma" && c.fn === "cdf") params.concentration = params.concentration!.detach();
      const d = build(c.dist, params);
      assert.deepEqual([d.batchShape, d.eventShape], [c.batchShape, c.eventShape]);
      const out = apply(d, c.fn, c.value === null ? null : tensorOf(c.value));
      assert.deepEqual(out.shape, c.out.shape, "shape");
      assertNear(values(out.detach()), c.out.data, c.name);
      if (c.grads === null) {
        assert.equal(out.requiresGrad, false, "PyTorch's result has no gradient");
        return;
      }
      out.sum().backward();
      for (const [k, g] of Object.entries(c.grads)) {
        const got = params[k]!.grad;
        assertNear(got === null ? new Array<number>(g.length).fill(0) : values(got), g, `${c.name}: grad ${k}`, 1e-6);
      }
    });
  }
});

describe("kl_divergence of the new families against PyTorch", () => {
  // (Binomial's infinite entries: PyTorch's gradient there is 0, torchlet's NaN; only the finite entries are compared)
  for (const c of FIX.kl) test(c.name, () => checkKlCase(c, build, true));

  test("errors: Binomial q with more trials, different exponential families, no formula", () => {
    assert.throws(() => D.klDivergence(new D.Binomial({ totalCount: 2, probs: 0.5 }), new D.Binomial({ totalCount: 3, probs: 0.5 })), {
      message: "KL between Binomials where q.total_count > p.total_count is not implemented",
    });
    // PyTorch's text has a run of spaces after "cannot" (a line continuation in its string); one here
    assert.throws(() => D.klDivergence(new D.Gamma(1, 1), new D.Poisson(1)), {
      message: "The cross KL-divergence between different exponential families cannot be computed using Bregman divergences",
    });
    assert.throws(() => D.klDivergence(new D.Geometric({ probs: 0.5 }), new D.Poisson(1)), {
      message: "No KL(p || q) is implemented for p type Geometric and q type Poisson",
    });
  });
});

describe("the derivative of a Gamma(α, 1) draw in α (implicit reparameterisation)", () => {
  test("matches the exact derivative (mpmath, 30 digits) to 1e-9 and PyTorch's approximation to its 3e-4", () => {
    for (const c of FIX.gammaGrad) {
      const got = standardGammaGrad(torch.tensor([c.alpha], { dtype: "float64" }), torch.tensor([c.x], { dtype: "float64" })).item();
      assert.ok(Math.abs(got - c.exact) <= 1e-9 * Math.abs(c.exact), `α=${c.alpha} x=${c.x}: ${got} vs exact ${c.exact}`);
      // PyTorch's _standard_gamma_grad is a fitted approximation, about 1e-4 relative
      assert.ok(Math.abs(got - c.torch) <= 3e-4 * Math.abs(c.torch), `α=${c.alpha} x=${c.x}: ${got} vs PyTorch ${c.torch}`);
    }
  });

  test("rsample's gradient is that derivative: d(x / rate)/dconcentration and d/drate = -x / rate", () => {
    const conc = torch.tensor([0.7, 2.5, 9], { dtype: "float64" }).requiresGrad_(true);
    const rate = torch.tensor([2, 0.5, 1], { dtype: "float64" }).requiresGrad_(true);
    const x = new D.Gamma(conc, rate).rsample([], { generator: new torch.Generator(3) });
    x.sum().backward();
    const std = x.detach().mul(rate.detach());
    const want = standardGammaGrad(conc.detach(), std).div(rate.detach());
    assertNear(values(conc.grad!), values(want), "dconcentration", 1e-12);
    assertNear(values(rate.grad!), values(x.detach().neg().div(rate.detach())), "drate", 1e-12);
  });
});

describe("sampling (fixed seeds): shapes, support, moments within Monte Carlo error", () => {
  const f64 = (x: number[]): Tensor => torch.tensor(x, { dtype: "float64" });
  test("moments of each family", () => {
    checkMoments(new D.Gamma(f64([0.2, 1, 3.5, 40]), f64([1, 2, 0.5, 4])), 20000, 1);
    checkMoments(new D.LogNormal(f64([0, 1]), f64([0.5, 0.3])), 20000, 2);
    checkMoments(new D.HalfNormal(f64([1, 3])), 20000, 3);
    checkMoments(new D.Gumbel(f64([0, -2]), f64([1, 0.5])), 20000, 4);
    checkMoments(new D.StudentT(f64([5, 30]), f64([1, 0]), f64([2, 1])), 20000, 5);
    checkMoments(new D.Poisson(f64([0.3, 4, 25, 300])), 20000, 6);
    checkMoments(new D.Geometric({ probs: f64([0.2, 0.7, 1]) }), 20000, 7);
    checkMoments(new D.Binomial({ totalCount: f64([10, 40, 2000]), probs: f64([0.3, 0.9, 0.5]) }), 20000, 8);
    checkMoments(new D.Beta(f64([0.5, 2, 8]), f64([0.5, 5, 3])), 20000, 9);
    checkMoments(new D.Dirichlet(f64([0.3, 1, 2.5])), 20000, 10);
    checkMoments(new D.OneHotCategorical({ probs: f64([0.1, 0.3, 0.6]) }), 20000, 11);
  });

  test("Cauchy: the sample median and quartiles (it has no moments)", () => {
    const n = 20001;
    const s = new D.Cauchy(1, 2).sample([n], { generator: new torch.Generator(12) });
    const sorted = values(s).sort((a, b) => a - b);
    // quartiles loc ∓ scale; the standard error of a quartile is about sqrt(3/16 / n) / density there = 0.0122 · π · scale · 2
    const q = (p: number): number => sorted[Math.floor(p * (n - 1))]!;
    assert.ok(Math.abs(q(0.5) - 1) < 0.07, `median ${q(0.5)}`);
    assert.ok(Math.abs(q(0.25) + 1) < 0.2 && Math.abs(q(0.75) - 3) < 0.2, `quartiles ${q(0.25)} ${q(0.75)}`);
  });

  test("shapes, dtypes and supports", () => {
    const shapes: [Dist, number[]][] = [
      [new D.Gamma(torch.ones([3]), 1), [4, 2, 3]],
      [new D.Dirichlet(torch.ones([3, 5])), [4, 2, 3, 5]],
      [new D.OneHotCategorical({ logits: torch.zeros([3, 5]) }), [4, 2, 3, 5]],
      [new D.Binomial({ totalCount: torch.tensor([[5], [7]]), probs: torch.tensor([0.1, 0.5, 0.9]) }), [4, 2, 2, 3]],
      [new D.StudentT(torch.ones([3]), 0, 1), [4, 2, 3]],
    ];
    for (const [d, want] of shapes) {
      const s = d.sample([4, 2]);
      assert.deepEqual(s.shape, want, d.toString());
      assert.equal(s.dtype, "float32");
      assert.ok(torch.all(d.support.check(s)).item(), `${d.toString()}: samples in the support`);
    }
    assert.equal(new D.Poisson(torch.ones([2], { dtype: "float64" })).sample().dtype, "float64");
    // tiny concentrations underflow: clamped to the smallest normal float, as PyTorch
    const g = new D.Gamma(torch.full([1000], 0.01), 1).sample();
    assert.ok(torch.all(torch.gt(g, 0)).item());
  });

  test("the same seed gives the same draws; the global seed is respected", () => {
    const d = new D.Beta(2, 3);
    assert.deepEqual(values(d.sample([5], { generator: new torch.Generator(7) })), values(d.sample([5], { generator: new torch.Generator(7) })));
    torch.manualSeed(5);
    const a = values(new D.Poisson(torch.tensor([3, 30])).sample([4]));
    torch.manualSeed(5);
    assert.deepEqual(values(new D.Poisson(torch.tensor([3, 30])).sample([4])), a);
  });

  test("rsample gradients: unbiased for d E[x] / dθ (Beta, Dirichlet, StudentT), and none through sample", () => {
    // E[x] of Beta(a, b) is a / (a + b): d/da = b / (a + b)² = 0.2222 at (2, 4)... averaged over draws
    const a = torch.tensor(2, { dtype: "float64" }).requiresGrad_(true), b = torch.tensor(4, { dtype: "float64" }).requiresGrad_(true);
    new D.Beta(a, b).rsample([40000], { generator: new torch.Generator(13) }).mean().backward();
    assert.ok(Math.abs((a.grad!.item()) - 4 / 36) < 0.01, `d/da ${a.grad!.item()}`);
    assert.ok(Math.abs((b.grad!.item()) + 2 / 36) < 0.01, `d/db ${b.grad!.item()}`);
    const c = torch.tensor([1, 2, 3], { dtype: "float64" }).requiresGrad_(true);
    new D.Dirichlet(c).rsample([40000], { generator: new torch.Generator(14) }).select(-1, 2).mean().backward();
    // d(c₂ / Σc)/dc = [-3/36, -3/36, 3/36]
    near(values(c.grad!), [-1 / 12, -1 / 12, 1 / 12], 0.01);
    // StudentT: E[x²] = scale² df/(df - 2); d/dscale at scale 1.5, df 6 = 2 · 1.5 · 6/4 = 4.5
    const scale = torch.tensor(1.5, { dtype: "float64" }).requiresGrad_(true);
    new D.StudentT(torch.tensor(6, { dtype: "float64" }), 0, scale).rsample([40000], { generator: new torch.Generator(15) }).square().mean().backward();
    assert.ok(Math.abs((scale.grad!.item()) - 4.5) < 0.2, `d/dscale ${scale.grad!.item()}`);
    const r = torch.tensor(1).requiresGrad_(true);
    assert.equal(new D.Gamma(2, r).sample([3]).requiresGrad, false);
    assert.ok(new D.Gamma(2, r).hasRsample && new D.Beta(1, 1).hasRsample && !new D.Poisson(1).hasRsample);
    assert.throws(() => new D.Binomial({ probs: 0.5 }).rsample(), { message: "Binomial does not implement rsample" });
  });
});

function near(got: number[], want: number[], tol = 1e-4): void {
  assert.equal(got.length, want.length);
  want.forEach((w, i) => assert.ok(Number.isNaN(w) ? Number.isNaN(got[i]!) : Math.abs(got[i]! - w) < tol, `[${i}] ${got[i]} vs ${w}`));
}

describe("PyTorch's messages, reprs and API of the new families (PyTorch 1.13)", () => {
  test("parameter errors (transformed families are checked by their base, as PyTorch)", () => {
    const cases: [() => unknown, string][] = [
      [() => new D.LogNormal(0, -1), "Expected parameter scale (Tensor of shape ()) of distribution Normal(loc: 0.0, scale: -1.0) to satisfy the constraint GreaterThan(lower_bound=0.0), but found invalid values:\n-1.0"],
      [() => new D.HalfNormal(torch.tensor([1, -1])), "Expected parameter scale (Tensor of shape (2,)) of distribution HalfNormal() to satisfy the constraint GreaterThan(lower_bound=0.0), but found invalid values:\ntensor([ 1., -1.])"],
      [() => new D.Gamma(torch.tensor([1, 0]), 1), "Expected parameter concentration (Tensor of shape (2,)) of distribution Gamma(concentration: torch.Size([2]), rate: torch.Size([2])) to satisfy the constraint GreaterThan(lower_bound=0.0), but found invalid values:\ntensor([1., 0.])"],
      [() => new D.Beta(1, -1), "Expected parameter concentration (Tensor of shape (2,)) of distribution Dirichlet(concentration: torch.Size([2])) to satisfy the constraint IndependentConstraint(GreaterThan(lower_bound=0.0), 1), but found invalid values:\ntensor([ 1., -1.])"],
      [() => new D.Dirichlet(torch.tensor(1)), "`concentration` parameter must be at least one-dimensional."],
      [() => new D.Geometric({ probs: torch.tensor([0, 0.5]) }), "Expected parameter probs (Tensor of shape (2,)) of distribution Geometric(probs: torch.Size([2])) to be positive but found invalid values:\ntensor([0.])"],
      [() => new D.Geometric({ probs: torch.tensor([1.5]) }), "Expected parameter probs (Tensor of shape (1,)) of distribution Geometric(probs: tensor([1.5000])) to satisfy the constraint Interval(lower_bound=0.0, upper_bound=1.0), but found invalid values:\ntensor([1.5000])"],
      [() => new D.Binomial({ totalCount: 2.5, probs: 0.5 }), "Expected parameter total_count (Tensor of shape ()) of distribution Binomial(total_count: 2.5, probs: 0.5) to satisfy the constraint IntegerGreaterThan(lower_bound=0), but found invalid values:\n2.5"],
      [() => new D.Poisson(-1), "Expected parameter rate (Tensor of shape ()) of distribution Poisson(rate: -1.0) to satisfy the constraint GreaterThanEq(lower_bound=0.0), but found invalid values:\n-1.0"],
      [() => new D.OneHotCategorical({ probs: torch.tensor([-0.5, 1.5]) }), "Expected parameter probs (Tensor of shape (2,)) of distribution Categorical(probs: torch.Size([2])) to satisfy the constraint Simplex(), but found invalid values:\ntensor([-0.5000,  1.5000])"],
      // PyTorch (1.13 and 2.x) checks df through the Chi2 it builds first
      [() => new D.StudentT(-1), "Expected parameter df (Tensor of shape ()) of distribution Chi2() to satisfy the constraint GreaterThan(lower_bound=0.0), but found invalid values:\n-1.0"],
    ];
    for (const [f, message] of cases) assert.throws(f, { message });
    assert.doesNotThrow(() => new D.Gamma(-1, 1, { validateArgs: false }));
  });

  test("value errors", () => {
    const cases: [() => unknown, string][] = [
      [() => new D.Binomial({ totalCount: 3, probs: 0.5 }).logProb(torch.tensor(4)), "Expected value argument (Tensor of shape ()) to be within the support (IntegerInterval(lower_bound=0, upper_bound=3.0)) of the distribution Binomial(total_count: 3.0, probs: 0.5), but found invalid values:\n4.0"],
      [() => new D.Poisson(1).logProb(torch.tensor(1.5)), "Expected value argument (Tensor of shape ()) to be within the support (IntegerGreaterThan(lower_bound=0)) of the distribution Poisson(rate: 1.0), but found invalid values:\n1.5"],
      [() => new D.OneHotCategorical({ probs: torch.tensor([0.5, 0.5]) }).logProb(torch.tensor([1, 1])), "Expected value argument (Tensor of shape (2,)) to be within the support (OneHot()) of the distribution OneHotCategorical(), but found invalid values:\ntensor([1., 1.])"],
      [() => new D.Gamma(1, 1).logProb(torch.tensor(-1)), "Expected value argument (Tensor of shape ()) to be within the support (GreaterThanEq(lower_bound=0.0)) of the distribution Gamma(concentration: 1.0, rate: 1.0), but found invalid values:\n-1.0"],
      [() => new D.LogNormal(0, 1).logProb(torch.tensor(-1)), "Expected value argument (Tensor of shape ()) to be within the support (GreaterThan(lower_bound=0.0)) of the distribution LogNormal(), but found invalid values:\n-1.0"],
      [() => new D.Beta(1, 1).logProb(torch.tensor(1.5)), "Expected value argument (Tensor of shape ()) to be within the support (Interval(lower_bound=0.0, upper_bound=1.0)) of the distribution Beta(), but found invalid values:\n1.5"],
      [() => new D.Binomial({ totalCount: torch.tensor([2, 3]), probs: 0.5 }).entropy(), "Inhomogeneous total count not supported by `entropy`."],
    ];
    for (const [f, message] of cases) assert.throws(f, { message });
  });

  test("reprs, supports, expand", () => {
    assert.equal(new D.Gumbel(0, 1).toString(), "Gumbel(loc: 0.0, scale: 1.0)");
    assert.equal(new D.StudentT(3).toString(), "StudentT(df: 3.0, loc: 0.0, scale: 1.0)");
    assert.equal(new D.Binomial({ totalCount: 3, logits: torch.tensor(0) }).toString(), "Binomial(total_count: 3.0, logits: 0.0)");
    assert.equal(new D.Geometric({ logits: 0 }).toString(), "Geometric(logits: 0.0)");
    assert.equal(new D.Cauchy(0, 1).toString(), "Cauchy(loc: 0.0, scale: 1.0)");
    assert.equal(new D.Dirichlet(torch.ones([3])).toString(), "Dirichlet(concentration: torch.Size([3]))");
    assert.equal(new D.Binomial({ totalCount: torch.tensor([2, 3]), probs: 0.5 }).support.name, "IntegerInterval(lower_bound=0, upper_bound=tensor([2., 3.]))");
    assert.equal(new D.Gamma(1, 1).expand([2]).toString(), "Gamma(concentration: torch.Size([2]), rate: torch.Size([2]))");
    assert.equal(new D.StudentT(2).expand([2]).toString(), "StudentT(df: torch.Size([2]), loc: torch.Size([2]), scale: torch.Size([2]))");
    assert.equal(new D.Poisson(1).expand([3]).toString(), "Poisson(rate: torch.Size([3]))");
    const b = new D.Beta(2, 5).expand([2, 3]);
    assert.deepEqual([b.batchShape, b.sample().shape, b.logProb(torch.tensor(0.5)).shape], [[2, 3], [2, 3], [2, 3]]);
    const o = new D.OneHotCategorical({ probs: torch.tensor([0.2, 0.8]) }).expand([3]);
    assert.deepEqual([o.batchShape, o.eventShape, o.sample([2]).shape], [[3], [2], [2, 3, 2]]);
    assert.deepEqual(new D.LogNormal(0, 1).expand([4]).rsample().shape, [4]);
    assert.deepEqual(new D.Dirichlet(torch.ones([3])).expand([2]).sample().shape, [2, 3]);
  });

  test("modes and enumerate_support", () => {
    // every concentration < 1: PyTorch puts the mode on the first category
    near(values(new D.Dirichlet(torch.tensor([0.5, 0.3, 0.9])).mode), [1, 0, 0]);
    // item(): a 0-d select view shares the Dirichlet's storage
    near([new D.Beta(0.5, 0.5).mode.item()], [1]);
    near([new D.Beta(2, 5).mode.item()], [0.2]);
    near(values(new D.Binomial({ totalCount: 10, probs: torch.tensor([0.2, 0.5, 0.97]) }).mode), [2, 5, 10]);
    near(values(new D.Poisson(torch.tensor([2.5, 3])).mode), [2, 3]);
    assert.deepEqual(new D.OneHotCategorical({ probs: torch.tensor([[0.2, 0.8], [0.6, 0.4]]) }).enumerateSupport().shape, [2, 2, 2]);
    assert.deepEqual(values(new D.Binomial({ totalCount: 2, probs: torch.tensor([0.2, 0.8]) }).enumerateSupport()), [0, 0, 1, 1, 2, 2]);
  });

  test("Gamma.cdf (PyTorch 2.x) has no gradient in the concentration: PyTorch's error on backward", () => {
    const c = torch.tensor(2).requiresGrad_(true);
    const out = new D.Gamma(c, 1).cdf(torch.tensor(1.5));
    near([out.item()], [0.4421746]);
    assert.throws(() => out.backward(), { message: "the derivative for 'igamma: input' is not implemented." });
  });
});

test("Gumbel's cdf and icdf go through PyTorch's Uniform(tiny, 1 - eps) base: icdf(0) and icdf(1) are finite, the cdf is clamped (probe_nn.json)", () => {
  for (const c of PROBE.gumbel) {
    const f64 = c.dtype === "float64";
    const loc = extraTensor(c.loc, true), scale = extraTensor(c.scale, true);
    const d = new torch.distributions.Gumbel(loc, scale);
    const icdf = d.icdf(extraTensor(c.u));
    assertMatches(values(icdf.detach()), c.icdf.data, `${c.dtype} icdf`, f64);
    const gi = torch.autograd.grad([icdf.sum()], [loc, scale]);
    gi.forEach((g, i) => assertMatches(values(g!), c.icdfGrads[i]!.data, `${c.dtype} icdf grad ${i}`, f64));
    const cdf = d.cdf(extraTensor(c.x));
    assertMatches(values(cdf.detach()), c.cdf.data, `${c.dtype} cdf`, f64);
    const gc = torch.autograd.grad([cdf.sum()], [loc, scale]);
    gc.forEach((g, i) => assertMatches(values(g!), c.cdfGrads[i]!.data, `${c.dtype} cdf grad ${i}`, f64));
  }
});
