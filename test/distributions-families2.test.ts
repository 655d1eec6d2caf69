/**
 * Weibull, Pareto, Kumaraswamy, LogisticNormal, (Logit)RelaxedBernoulli,
 * (Exp)RelaxedCategorical / RelaxedOneHotCategorical, ContinuousBernoulli,
 * Chi2, FisherSnedecor, VonMises, NegativeBinomial, Multinomial,
 * MixtureSameFamily and LowRankMultivariateNormal against PyTorch (fixtures:
 * scripts/gen_dist_fixtures5.py, PyTorch 1.13; where 2.x differs the test says
 * so): values and gradients of log_prob / cdf / icdf / entropy / moments,
 * reparameterised samples from fixed base draws, kl_divergence for the pairs
 * PyTorch registers with them, messages and reprs; and sampling by its
 * properties (moments within Monte Carlo error, fixed seeds).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { type Encoded, values } from "./fixture-values.js";
import { assertNear, checkKlCase, checkMoments, type Enc, type KlCase, tensorOf } from "./distribution-fixtures.js";
import { readFixture } from "./nn-helpers.js";

const D = torch.distributions;
type Dist = torch.distributions.Distribution;

interface Options {
  totalCount?: number;
  component?: string;
}
interface Case {
  name: string;
  dist: string;
  fn: string;
  params: Record<string, Enc>;
  options: Options | null;
  noGrad: string[];
  value: Enc | null;
  batchShape: number[];
  eventShape: number[];
  out: Enc;
  grads: Record<string, Encoded[]> | null;
}
interface RsampleCase {
  name: string;
  dist: string;
  params: Record<string, Enc>;
  options: Options | null;
  sampleShape: number[];
  base: Enc | null;
  uniforms: Encoded[] | null;
  normals: Encoded[] | null;
  out: Enc;
  grads: Record<string, Encoded[]> | null;
}
const FIX = readFixture<{ cases: Case[]; rsample: RsampleCase[]; kl: KlCase[]; errors: Record<string, string>; reprs: Record<string, string> }>("distributions5.json");
const f64 = (x: number | number[] | number[][] | number[][][]): Tensor => torch.tensor(x, { dtype: "float64" });
/** float32 where a message prints a tensor (PyTorch's repr of the fixture's float64 default shows no dtype, as torchlet's float32 one). */
const f32 = (x: number | number[] | number[][]): Tensor => torch.tensor(x);

function build(dist: string, p: Record<string, Tensor>, o: Options | null = null): Dist {
  const pl = (): { probs: Tensor } | { logits: Tensor } => (p.probs !== undefined ? { probs: p.probs } : { logits: p.logits! });
  const T = D.transforms;
  switch (dist) {
    case "Weibull": return new D.Weibull(p.scale!, p.concentration!);
    case "Pareto": return new D.Pareto(p.scale!, p.alpha!);
    case "Kumaraswamy": return new D.Kumaraswamy(p.concentration1!, p.concentration0!);
    case "LogisticNormal": return new D.LogisticNormal(p.loc!, p.scale!);
    case "RelaxedBernoulli": return new D.RelaxedBernoulli(p.temperature!, pl());
    case "LogitRelaxedBernoulli": return new D.LogitRelaxedBernoulli(p.temperature!, pl());
    case "RelaxedOneHotCategorical": return new D.RelaxedOneHotCategorical(p.temperature!, pl());
    case "ExpRelaxedCategorical": return new D.ExpRelaxedCategorical(p.temperature!, pl());
    case "ContinuousBernoulli": return new D.ContinuousBernoulli(pl());
    case "Chi2": return new D.Chi2(p.df!);
    case "FisherSnedecor": return new D.FisherSnedecor(p.df1!, p.df2!);
    case "VonMises": return new D.VonMises(p.loc!, p.concentration!);
    case "NegativeBinomial": return new D.NegativeBinomial({ totalCount: p.totalCount!, ...pl() });
    case "Multinomial": return new D.Multinomial(o!.totalCount!, pl());
    case "MixtureSameFamily": {
      const mix = new D.Categorical(p["mix.probs"] !== undefined ? { probs: p["mix.probs"] } : { logits: p["mix.logits"]! });
      const comp = o!.component === "Normal" ? new D.Normal(p["comp.loc"]!, p["comp.scale"]!)
        : o!.component === "IndependentNormal" ? new D.Independent(new D.Normal(p["comp.loc"]!, p["comp.scale"]!), 1)
          : new D.Gamma(p["comp.concentration"]!, p["comp.rate"]!);
      return new D.MixtureSameFamily(mix, comp);
    }
    case "LowRankMultivariateNormal": return new D.LowRankMultivariateNormal(p.loc!, p.covFactor!, p.covDiag!);
    case "MultivariateNormal": return new D.MultivariateNormal(p.loc!, { scaleTril: p.scaleTril! });
    case "ExpNormalTD": return new D.TransformedDistribution(new D.Normal(p.loc!, p.scale!), [new T.ExpTransform(), new T.AffineTransform(p.shift!, p.mult!)]);
    case "StickNormalTD": return new D.TransformedDistribution(new D.Normal(p.loc!, p.scale!), [new T.StickBreakingTransform()]);
    case "ReshapeNormalTD": return new D.TransformedDistribution(new D.Normal(p.loc!, p.scale!), [new T.ReshapeTransform([2, 3], [6]), new T.ExpTransform()]);
    case "Normal": return new D.Normal(p.loc!, p.scale!);
    case "Laplace": return new D.Laplace(p.loc!, p.scale!);
    case "Gumbel": return new D.Gumbel(p.loc!, p.scale!);
    case "Exponential": return new D.Exponential(p.rate!);
    case "Gamma": return new D.Gamma(p.concentration!, p.rate!);
    case "Beta": return new D.Beta(p.concentration1!, p.concentration0!);
    case "Uniform": return new D.Uniform(p.low!, p.high!);
    default: throw new Error(dist);
  }
}

function apply(d: Dist, fn: string, value: Tensor | null): Tensor {
  const lr = d as torch.distributions.LowRankMultivariateNormal;
  switch (fn) {
    case "log_prob": return d.logProb(value!);
    case "cdf": return d.cdf(value!);
    case "icdf": return d.icdf(value!);
    case "entropy": return d.entropy();
    case "mean": return d.mean;
    case "mode": return d.mode;
    case "variance": return d.variance;
    case "stddev": return d.stddev;
    case "covariance_matrix": return lr.covarianceMatrix;
    case "precision_matrix": return lr.precisionMatrix;
    case "scale_tril": return lr.scaleTril;
    default: throw new Error(fn);
  }
}

/** The gradients of `out`'s sum against PyTorch's (zero where a leaf got none). */
function checkGrads(name: string, out: Tensor, grads: Record<string, Encoded[]>, leaves: Record<string, Tensor>): void {
  out.sum().backward();
  for (const [k, g] of Object.entries(grads)) {
    const got = leaves[k]!.grad;
    assertNear(got === null ? new Array<number>(g.length).fill(0) : values(got), g, `${name}: grad ${k}`, 1e-6);
  }
}

describe("the new families against PyTorch: values and gradients", () => {
  FIX.cases.forEach((c, i) => {
    test(`${c.name} #${i}`, () => {
      const leaves = Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, c.noGrad.includes(k) ? tensorOf(v) : tensorOf(v).requiresGrad_(true)]));
      const d = build(c.dist, leaves, c.options);
      assert.deepEqual([d.batchShape, d.eventShape], [c.batchShape, c.eventShape]);
      const out = apply(d, c.fn, c.value === null ? null : tensorOf(c.value));
      assert.deepEqual(out.shape, c.out.shape, "shape");
      assertNear(values(out.detach()), c.out.data, c.name);
      if (c.grads === null) {
        assert.equal(out.requiresGrad, false, "PyTorch's result has no gradient");
        return;
      }
      checkGrads(c.name, out, c.grads, leaves);
    });
  });

  test("float32 parameters agree with float64", () => {
    const ds: [(dtype: "float32" | "float64") => Dist, number[]][] = [
      [(dtype) => new D.Weibull(torch.tensor([1, 2], { dtype }), 1.5), [0.5, 3]],
      [(dtype) => new D.Pareto(torch.tensor([1, 2], { dtype }), 3), [1.5, 3]],
      [(dtype) => new D.RelaxedBernoulli(0.5, { probs: torch.tensor([0.2, 0.9], { dtype }) }), [0.3, 0.8]],
      [(dtype) => new D.ContinuousBernoulli({ probs: torch.tensor([0.2, 0.9], { dtype }) }), [0.3, 0.8]],
      [(dtype) => new D.VonMises(torch.tensor([0, 1], { dtype }), 2), [0.3, 0.8]],
      [(dtype) => new D.NegativeBinomial({ totalCount: 3, probs: torch.tensor([0.2, 0.7], { dtype }) }), [2, 5]],
    ];
    for (const [make, x] of ds) {
      const lp32 = make("float32").logProb(torch.tensor(x)), lp64 = make("float64").logProb(f64(x));
      assert.equal(lp32.dtype, "float32");
      assertNear(values(lp32), values(lp64), make("float64").toString(), 1e-5);
    }
  });
});

/** A generator replaying fixed draws: `random()` gives the uniforms, `normal()` the normals, in order. */
class Replay extends torch.Generator {
  private readonly u: number[];
  private readonly z: number[];
  constructor(u: number[], z: number[]) {
    super();
    this.u = [...u];
    this.z = [...z];
  }
  override random(): number {
    const v = this.u.shift();
    if (v === undefined) throw new Error("Replay: out of uniforms");
    return v;
  }
  override normal(): number {
    const v = this.z.shift();
    if (v === undefined) throw new Error("Replay: out of normals");
    return v;
  }
  // the tensor fills (torch.rand and friends) draw their uniforms in bulk
  override randomDoublesInto(out: Float64Array): void {
    for (let i = 0; i < out.length; i++) out[i] = this.random();
  }
  override randomFloatsInto(out: Float64Array): void {
    this.randomDoublesInto(out);
  }
}

describe("rsample from fixed base draws against PyTorch's: values and gradients in the parameters", () => {
  for (const c of FIX.rsample) {
    test(c.name, () => {
      const leaves = Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, tensorOf(v).requiresGrad_(true)]));
      const d = build(c.dist, leaves, c.options);
      if (c.base !== null) {
        // a transformed distribution: its base's draw replaced, as the fixture replaces PyTorch's
        const base = tensorOf(c.base);
        (d as torch.distributions.TransformedDistribution).baseDist.rsample = () => base;
      }
      const num = (xs: Encoded[] | null): number[] => (xs ?? []).map(Number);
      const out = d.rsample(c.sampleShape, { generator: new Replay(num(c.uniforms), num(c.normals)) });
      assert.deepEqual(out.shape, c.out.shape);
      assertNear(values(out.detach()), c.out.data, c.name);
      // (LogisticNormal's stick breaking holds no parameters: from a fixed base draw, no gradient)
      if (c.grads === null) assert.equal(out.requiresGrad, false);
      else checkGrads(c.name, out, c.grads, leaves);
    });
  }
});

function buildKl(dist: string, p: Record<string, Tensor>): Dist {
  return build(dist, p);
}

describe("kl_divergence of the new pairs against PyTorch", () => {
  // (the infinite entries: PyTorch's gradients there are 0 or NaN depending on the formula; only the finite ones are compared)
  for (const c of FIX.kl) test(c.name, () => checkKlCase(c, buildKl, true));

  test("the most specific pair wins; transforms must match; messages", () => {
    // Pareto is a TransformedDistribution: its own pair, not the transformed one (that would need equal transforms)
    const kl = D.klDivergence(new D.Pareto(1, 3), new D.Pareto(0.5, 2)).item();
    assert.ok(Number.isFinite(kl) && kl > 0);
    assert.throws(() => D.klDivergence(new D.Weibull(1, 2), new D.Weibull(1, 3)), { message: /^No KL\(p \|\| q\) is implemented for p type Weibull and q type Weibull/ });
    assert.throws(() => D.klDivergence(new D.RelaxedBernoulli(0.5, { probs: 0.3 }), new D.RelaxedBernoulli(0.5, { probs: 0.3 })),
      { message: "No KL(p || q) is implemented for p type LogitRelaxedBernoulli and q type LogitRelaxedBernoulli" });
    const squash = (s: string): string => s.replace(/\s+/g, " ");
    assert.throws(() => D.klDivergence(new D.LowRankMultivariateNormal(torch.zeros([2]), torch.ones([2, 1]), torch.ones([2])), new D.LowRankMultivariateNormal(torch.zeros([3]), torch.ones([3, 1]), torch.ones([3]))),
      { message: squash(FIX.errors["kl LowRank event shapes"]!) });
    assert.throws(() => D.klDivergence(new D.ContinuousBernoulli({ probs: 0.3 }), new D.Bernoulli({ probs: 0.3 })), { message: squash(FIX.errors["kl ContinuousBernoulli Bernoulli"]!) });
    assert.throws(() => D.klDivergence(new D.VonMises(0, 1), new D.VonMises(0, 2)), { message: "No KL(p || q) is implemented for p type VonMises and q type VonMises" });
  });
});

describe("PyTorch's messages and reprs", () => {
  const E = FIX.errors;
  test("parameter and value errors (transformed families are checked by their bases, as PyTorch)", () => {
    const cases: [string, () => unknown][] = [
      ["Weibull scale", () => new D.Weibull(f32([1, -1]), f32([1, 1]))],
      ["Pareto alpha", () => new D.Pareto(1, -1)],
      ["Pareto scale", () => new D.Pareto(-1, 1)],
      ["Pareto support", () => new D.Pareto(f32([1, 2]), 1).logProb(f32([1.5, 1.5]))],
      ["Kumaraswamy concentration0", () => new D.Kumaraswamy(1, 0)],
      ["LogisticNormal scale", () => new D.LogisticNormal(f32([0, 0]), f32([1, -1]))],
      ["LogisticNormal support", () => new D.LogisticNormal(f32([0, 0]), f32([1, 1])).logProb(f32([0.5, 0.6, 0.1]))],
      ["RelaxedBernoulli probs", () => new D.RelaxedBernoulli(0.5, { probs: f32(1.5) })],
      ["RelaxedBernoulli both", () => new D.RelaxedBernoulli(0.5, { probs: 0.5, logits: 0 } as unknown as { probs: number })],
      ["RelaxedOneHotCategorical probs", () => new D.RelaxedOneHotCategorical(0.5, { probs: f32([-0.5, 1.5]) })],
      ["ContinuousBernoulli probs validate", () => new D.ContinuousBernoulli({ probs: f32([0.5, 1.5]) }, { validateArgs: true })],
      ["ContinuousBernoulli support", () => new D.ContinuousBernoulli({ probs: f32(0.5) }).logProb(f32(1.5))],
      ["Chi2 df", () => new D.Chi2(f32(-1))],
      ["FisherSnedecor df1", () => new D.FisherSnedecor(f32([1, -1]), f32(2))],
      ["VonMises concentration", () => new D.VonMises(0, -1)],
      ["NegativeBinomial totalCount", () => new D.NegativeBinomial({ totalCount: -1, probs: f32(0.5) })],
      ["NegativeBinomial probs", () => new D.NegativeBinomial({ totalCount: 2, probs: f32(1) })],
      ["NegativeBinomial support", () => new D.NegativeBinomial({ totalCount: 2, probs: f32(0.5) }).logProb(f32(1.5))],
      ["Multinomial totalCount", () => new D.Multinomial(f32(3) as unknown as number, { probs: f32([0.5, 0.5]) })],
      ["Multinomial support", () => new D.Multinomial(3, { probs: f32([0.5, 0.5]) }).logProb(f32([3, 2]))],
      ["LowRankMultivariateNormal loc", () => new D.LowRankMultivariateNormal(f32(0), f32([[1]]), f32([1]))],
      ["LowRankMultivariateNormal cov_factor dims", () => new D.LowRankMultivariateNormal(f32([0, 0]), f32([1, 1]), f32([1, 1]))],
      ["LowRankMultivariateNormal cov_factor shape", () => new D.LowRankMultivariateNormal(f32([0, 0]), f32([[1], [1], [1]]), f32([1, 1]))],
      ["LowRankMultivariateNormal cov_diag shape", () => new D.LowRankMultivariateNormal(f32([0, 0]), f32([[1], [1]]), f32([1, 1, 1]))],
      ["LowRankMultivariateNormal batch", () => new D.LowRankMultivariateNormal(f32([[0, 0], [0, 0]]), torch.ones([3, 2, 1], { dtype: "float64" }), f32([1, 1]))],
      ["MixtureSameFamily batch", () => new D.MixtureSameFamily(new D.Categorical({ probs: torch.ones([3, 2]) }), new D.Normal(torch.zeros([4, 2]), 1))],
      ["MixtureSameFamily components", () => new D.MixtureSameFamily(new D.Categorical({ probs: torch.ones([3]) }), new D.Normal(torch.zeros([2]), 1))],
    ];
    for (const [key, f] of cases) assert.throws(f, { message: E[key] }, key);
    // PyTorch 2.x's text ("distributions"; 1.13 misspells it "distribtutions")
    assert.equal(E["MixtureSameFamily mixture"], " The Mixture distribution needs to be an  instance of torch.distribtutions.Categorical");
    assert.throws(() => new D.MixtureSameFamily(new D.Normal(0, 1) as unknown as torch.distributions.Categorical, new D.Normal(f64([0, 1]), 1)),
      { message: " The Mixture distribution needs to be an  instance of torch.distributions.Categorical" });
    // a negative cov_diag: PyTorch factorises the capacitance before it validates, and fails there (or not at all);
    // torchlet validates first, with the usual message
    assert.equal(E["LowRankMultivariateNormal cov_diag"], "linalg.cholesky: The factorization could not be completed because the input is not positive-definite (the leading minor of order 1 is not positive-definite).");
    assert.throws(() => new D.LowRankMultivariateNormal(f64([0, 0]), f64([[1], [1]]), f64([1, -0.1])),
      { message: /^Expected parameter cov_diag \(Tensor of shape \(2,\)\) of distribution LowRankMultivariateNormal\(loc: torch.Size\(\[2\]\), cov_factor: torch.Size\(\[2, 1\]\), cov_diag: torch.Size\(\[2\]\)\) to satisfy the constraint IndependentConstraint\(GreaterThan\(lower_bound=0\.0\), 1\)/ });
  });

  test("ContinuousBernoulli checks probs before clamping them only where validateArgs is given (as PyTorch)", () => {
    // by default they are clamped into (0, 1) and pass
    const d = new D.ContinuousBernoulli({ probs: f64([0.5, 1.5]) });
    assertNear(values(d.probs), [0.5, 1 - 2.220446049250313e-16], "clamped");
    assert.throws(() => new D.ContinuousBernoulli({ probs: f64([1.5]) }, { validateArgs: false }), { message: "The parameter probs has invalid values" });
  });

  test("reprs", () => {
    const r = FIX.reprs;
    const got: Record<string, string> = {
      Weibull: new D.Weibull(f64([1, 2]), 1).toString(), Pareto: new D.Pareto(1, 2).toString(), Kumaraswamy: new D.Kumaraswamy(1, f64([2, 3])).toString(),
      LogisticNormal: new D.LogisticNormal(f64([0, 0]), 1).toString(), RelaxedBernoulli: new D.RelaxedBernoulli(0.5, { probs: 0.3 }).toString(),
      LogitRelaxedBernoulli: new D.LogitRelaxedBernoulli(0.5, { logits: f64(0.3) }).toString(), RelaxedOneHotCategorical: new D.RelaxedOneHotCategorical(0.5, { probs: f64([0.5, 0.5]) }).toString(),
      ContinuousBernoulli: new D.ContinuousBernoulli({ logits: f64([0.5, 0.5]) }).toString(), Chi2: new D.Chi2(2).toString(), FisherSnedecor: new D.FisherSnedecor(2, f64([3, 4])).toString(),
      VonMises: new D.VonMises(0, 1).toString(), NegativeBinomial: new D.NegativeBinomial({ totalCount: 2, probs: f64(0.5) }).toString(),
      Multinomial: new D.Multinomial(3, { probs: f64([0.5, 0.5]) }).toString(),
      LowRankMultivariateNormal: new D.LowRankMultivariateNormal(torch.zeros([2]), torch.ones([2, 1]), torch.ones([2])).toString(),
      "Pareto support": new D.Pareto(f32([1, 2]), 1).support.name, "Multinomial support": new D.Multinomial(3, { probs: f64([0.5, 0.5]) }).support.name,
    };
    for (const [k, v] of Object.entries(got)) assert.equal(v, r[k], k);
    // PyTorch's Categorical repr also lists the lazily computed logits once something has read them (the mixture
    // reads them); torchlet's lists the parameter that was given
    assert.equal(new D.MixtureSameFamily(new D.Categorical({ probs: torch.ones([2]) }), new D.Normal(torch.zeros([2]), torch.ones([2]))).toString(),
      r.MixtureSameFamily!.replace(", logits: torch.Size([2])", ""));
  });
});

describe("the new families: API", () => {
  test("supports, hasRsample, event shapes, expand", () => {
    const cases: [Dist, string, boolean][] = [
      [new D.Weibull(1, 2), "GreaterThan(lower_bound=0.0)", true],
      [new D.Pareto(1, 2), "GreaterThanEq(lower_bound=1.0)", true],
      [new D.Kumaraswamy(1, 2), "Interval(lower_bound=0.0, upper_bound=1.0)", true],
      [new D.LogisticNormal(torch.zeros([2]), 1), "Simplex()", true],
      // as PyTorch: the logit distribution says false although it has an rsample
      [new D.LogitRelaxedBernoulli(0.5, { probs: 0.3 }), "Real()", false],
      [new D.RelaxedBernoulli(0.5, { probs: 0.3 }), "Interval(lower_bound=0.0, upper_bound=1.0)", true],
      [new D.ExpRelaxedCategorical(0.5, { probs: torch.ones([3]) }), "IndependentConstraint(Real(), 1)", true],
      [new D.RelaxedOneHotCategorical(0.5, { probs: torch.ones([3]) }), "Simplex()", true],
      [new D.ContinuousBernoulli({ probs: 0.3 }), "Interval(lower_bound=0.0, upper_bound=1.0)", true],
      [new D.Chi2(2), "GreaterThanEq(lower_bound=0.0)", true],
      [new D.FisherSnedecor(2, 3), "GreaterThan(lower_bound=0.0)", true],
      [new D.VonMises(0, 1), "Real()", false],
      [new D.NegativeBinomial({ totalCount: 2, probs: 0.5 }), "IntegerGreaterThan(lower_bound=0)", false],
      [new D.Multinomial(3, { probs: torch.ones([2]) }), "Multinomial()", false],
      [new D.MixtureSameFamily(new D.Categorical({ probs: torch.ones([2]) }), new D.Normal(torch.zeros([2]), 1)), "Real()", false],
      [new D.LowRankMultivariateNormal(torch.zeros([2]), torch.ones([2, 1]), torch.ones([2])), "IndependentConstraint(Real(), 1)", true],
    ];
    for (const [d, support, rs] of cases) {
      assert.equal(d.support.name, support, d.constructor.name);
      assert.equal(d.hasRsample, rs, `${d.constructor.name}.hasRsample`);
      const e = d.expand([3, ...d.batchShape]);
      assert.deepEqual([e.batchShape, e.eventShape], [[3, ...d.batchShape], d.eventShape], `${d.constructor.name}.expand`);
      const s = e.sample([2]);
      assert.deepEqual(s.shape, [2, 3, ...d.batchShape, ...d.eventShape], `${d.constructor.name} sample shape`);
      assert.ok(torch.all(e.support.check(s)).item(), `${d.constructor.name}: samples in the support`);
      assert.deepEqual(e.logProb(s).shape, [2, 3, ...d.batchShape], `${d.constructor.name} logProb shape`);
    }
    assert.deepEqual(new D.LogisticNormal(0, 1).eventShape, [2]);
    assert.deepEqual(new D.Multinomial(3, { probs: torch.ones([4, 2]) }).eventShape, [2]);
    assert.throws(() => new D.VonMises(0, 1).rsample(), { message: "VonMises does not implement rsample" });
    assert.throws(() => new D.VonMises(0, 1).entropy(), { message: "VonMises does not implement entropy" });
    const w = new D.Weibull(f64([1, 2]), 1.5).expand([4, 2]);
    assert.deepEqual([w.scale.shape, w.concentration.shape, w.mean.shape], [[4, 2], [4, 2], [4, 2]]);
  });

  test("Kumaraswamy's mode maximises its density (PyTorch's formula gives NaN for every parameter: 1.13 and 2.x)", () => {
    const a = f64([2, 3, 1.5, 1]), b = f64([3, 1.5, 5, 2]);
    const d = new D.Kumaraswamy(a, b);
    const m = d.mode;
    // ((a - 1) / (ab - 1))^(1/a)
    assertNear(values(m), [Math.pow(1 / 5, 1 / 2), Math.pow(2 / 3.5, 1 / 3), Math.pow(0.5 / 6.5, 1 / 1.5), 0], "mode", 1e-12);
    const lp = values(d.logProb(m.clamp(1e-9))), h = 1e-4;
    values(d.logProb(m.add(h).clamp(1e-9, 1 - 1e-9))).forEach((v, i) => assert.ok(v <= lp[i]! + 1e-12, `above the mode [${i}]`));
    values(d.logProb(m.sub(h).clamp(1e-9))).forEach((v, i) => assert.ok(i === 3 || v <= lp[i]! + 1e-12, `below the mode [${i}]`));
    assert.ok(values(new D.Kumaraswamy(f64([0.5, 2]), f64([2, 0.5])).mode).every(Number.isNaN));
    // where there is no mode PyTorch writes NaN over the result (index_put): those parameters get a zero gradient, not NaN
    const c1 = f64([0.5, 2, 3]).requiresGrad_(true), c0 = f64([2, 0.5, 2]).requiresGrad_(true);
    new D.Kumaraswamy(c1, c0).mode.nansum().backward();
    assert.deepEqual([values(c1.grad!).slice(0, 2), values(c0.grad!).slice(0, 2)], [[0, 0], [0, 0]]);
    assert.ok([...values(c1.grad!), ...values(c0.grad!)].every(Number.isFinite));
  });
});

describe("sampling (fixed seeds): moments within Monte Carlo error", () => {
  test("moments of each family", () => {
    checkMoments(new D.Weibull(f64([1, 2, 0.5]), f64([2, 0.7, 5])), 20000, 21);
    checkMoments(new D.Pareto(f64([1, 2]), f64([5, 9])), 20000, 22);
    checkMoments(new D.Kumaraswamy(f64([2, 0.5]), f64([3, 2])), 20000, 23);
    checkMoments(new D.ContinuousBernoulli({ probs: f64([0.1, 0.5, 0.8]) }), 20000, 24);
    checkMoments(new D.Chi2(f64([1, 4, 30])), 20000, 25);
    checkMoments(new D.FisherSnedecor(f64([3, 10]), f64([20, 30])), 40000, 26);
    checkMoments(new D.NegativeBinomial({ totalCount: f64([3, 0.5, 20]), probs: f64([0.2, 0.7, 0.5]) }), 20000, 27);
    checkMoments(new D.Multinomial(10, { probs: f64([0.2, 0.3, 0.5]) }), 20000, 28);
    checkMoments(new D.MixtureSameFamily(new D.Categorical({ probs: f64([0.3, 0.7]) }), new D.Normal(f64([-1, 2]), f64([0.5, 1]))), 20000, 29);
    checkMoments(new D.MixtureSameFamily(new D.Categorical({ probs: f64([[0.3, 0.7], [0.5, 0.5]]) }),
      new D.Independent(new D.Normal(f64([[[0, 1], [3, -1]], [[1, 1], [-2, 0]]]), 0.5), 1)), 20000, 30);
    checkMoments(new D.LowRankMultivariateNormal(f64([0, 1, 2]), f64([[1, 0], [0.5, 1], [0, 2]]), f64([1, 2, 0.5])), 20000, 31);
  });

  test("LowRankMultivariateNormal: the sample covariance is W Wᵀ + D", () => {
    const d = new D.LowRankMultivariateNormal(f64([0, 1, 2]), f64([[1, 0], [0.5, 1], [0, 2]]), f64([1, 2, 0.5]));
    const n = 40000, s = d.sample([n], { generator: new torch.Generator(32) });
    const c = s.sub(s.mean(0)).t().matmul(s.sub(s.mean(0))).div(n - 1);
    assertNear(values(c), values(d.covarianceMatrix), "covariance", 0.05);
  });

  test("VonMises: circular moments E[cos(x - loc)] = I₁(κ)/I₀(κ), E[sin(x - loc)] = 0, draws in [-π, π)", () => {
    const loc = f64([0, 2, -3, 1]), kappa = f64([0.5, 2, 10, 1e-6]);
    const d = new D.VonMises(loc, kappa);
    const n = 20000, s = d.sample([n], { generator: new torch.Generator(33) });
    assert.ok(torch.all(torch.logicalAnd(torch.ge(s, -Math.PI), torch.lt(s, Math.PI))).item());
    const c = values(s.sub(loc).cos().mean(0)), sn = values(s.sub(loc).sin().mean(0));
    const want = values(torch.rsub(d.variance, 1));
    want.forEach((w, i) => {
      assert.ok(Math.abs(c[i]! - w) < 5 / Math.sqrt(n), `E cos [${i}]: ${c[i]} vs ${w}`);
      assert.ok(Math.abs(sn[i]!) < 5 / Math.sqrt(n), `E sin [${i}]: ${sn[i]}`);
    });
    // float32 parameters sample in float64 and return float32 (PyTorch 2.x), also for a tiny concentration
    assert.equal(new D.VonMises(0, 1e-6).sample([3]).dtype, "float32");
  });

  test("the Gumbel-max and logistic tricks: relaxed draws pick each category with its probability at any temperature", () => {
    const n = 20000, probs = f64([0.2, 0.3, 0.5]);
    const s = new D.RelaxedOneHotCategorical(f64(2), { probs }).sample([n], { generator: new torch.Generator(34) });
    const freq = values(torch.nn.functional.oneHot(torch.argmax(s, -1), 3).sum(0).div(n));
    values(probs).forEach((p, i) => assert.ok(Math.abs(freq[i]! - p) < 5 * Math.sqrt((p * (1 - p)) / n), `category ${i}: ${freq[i]} vs ${p}`));
    const p = 0.3, b = new D.RelaxedBernoulli(f64(3), { probs: f64(p) }).sample([n], { generator: new torch.Generator(35) });
    const above = torch.gt(b, 0.5).sum().item() / n;
    assert.ok(Math.abs(above - p) < 5 * Math.sqrt((p * (1 - p)) / n), `P(x > 1/2) ${above}`);
    const l = new D.LogitRelaxedBernoulli(f64(0.5), { probs: f64(p) }).sample([n], { generator: new torch.Generator(36) });
    assert.ok(Math.abs(torch.gt(l, 0).sum().item() / n - p) < 5 * Math.sqrt((p * (1 - p)) / n));
    // the simplex: the relaxed one-hot draws sum to 1
    assertNear(values(s.narrow(0, 0, 5).sum(-1)), [1, 1, 1, 1, 1], "sums", 1e-12);
  });

  test("Multinomial: counts sum to totalCount; MixtureSameFamily picks components by the mixture", () => {
    const m = new D.Multinomial(7, { logits: f64([[0, 1, 2], [1, 1, 1]]) }).sample([50], { generator: new torch.Generator(37) });
    assert.ok(torch.all(torch.eq(m.sum(-1), 7)).item());
    // components far apart: the fraction near each is its weight
    const mix = new D.MixtureSameFamily(new D.Categorical({ probs: f64([0.25, 0.75]) }), new D.Normal(f64([-100, 100]), f64([1, 1])));
    const n = 20000, s = mix.sample([n], { generator: new torch.Generator(38) });
    const left = torch.lt(s, 0).sum().item() / n;
    assert.ok(Math.abs(left - 0.25) < 5 * Math.sqrt(0.25 * 0.75 / n), `left ${left}`);
    // mixture cdf: Σ πₖ Fₖ
    assertNear([mix.cdf(f64(0)).item()], [0.25], "cdf", 1e-12);
    // a mixture whose batch is shorter than the components' aligns from the right (PyTorch pads the probabilities
    // by the difference of the batches' numbers of elements, 6 - 3 here, and misaligns them)
    const shared = new D.MixtureSameFamily(new D.Categorical({ probs: f64([[0.3, 0.7], [0.5, 0.5], [0.1, 0.9]]) }),
      new D.Normal(f64([[[-1, 2], [0, 1], [5, 6]], [[1, 2], [0, 3], [0, 0]]]), 1));
    assert.deepEqual([shared.batchShape, shared.sample([4]).shape], [[2, 3], [4, 2, 3]]);
    assertNear(values(shared.mean), [1.1, 0.5, 5.9, 1.7, 1.5, 0], "mean", 1e-12);
  });

  test("rsample gradients are unbiased: d E[x] / dθ (FisherSnedecor, Chi2)", () => {
    // E[F] = df2 / (df2 - 2): d/d df2 = -2 / (df2 - 2)², d/d df1 = 0
    const df1 = f64(5).requiresGrad_(true), df2 = f64(12).requiresGrad_(true);
    new D.FisherSnedecor(df1, df2).rsample([100000], { generator: new torch.Generator(39) }).mean().backward();
    assert.ok(Math.abs(df2.grad!.item() + 2 / 100) < 0.004, `d/d df2 ${df2.grad!.item()}`);
    assert.ok(Math.abs(df1.grad!.item()) < 0.01, `d/d df1 ${df1.grad!.item()}`);
    const df = f64(3).requiresGrad_(true);
    new D.Chi2(df).rsample([40000], { generator: new torch.Generator(40) }).mean().backward();
    assert.ok(Math.abs(df.grad!.item() - 1) < 0.03, `d E[chi2] / d df ${df.grad!.item()}`);
  });
});
