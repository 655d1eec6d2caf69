/**
 * torch.distributions against PyTorch (fixtures: scripts/gen_distribution_fixtures.py):
 * log_prob / cdf / icdf / entropy / moments and their gradients for fixed
 * parameters and values; kl_divergence; PyTorch's validation errors; and
 * sampling by its properties (shapes, moments within a few standard errors,
 * gradients through rsample and none through sample).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { decode, type Encoded, values } from "./fixture-values.js";
import { assertNear, type Enc } from "./distribution-fixtures.js";
import { readFixture } from "./nn-helpers.js";

const D = torch.distributions;

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
interface KlCase {
  name: string;
  dist: string;
  p: Record<string, Enc>;
  q: Record<string, Enc>;
  out: Enc;
  grads: Record<string, Encoded[]> | null;
}
const FIX = readFixture<{ cases: Case[]; kl: KlCase[] }>("distributions.json");

const leaf = (e: Enc): Tensor => torch.tensor(e.data.map(decode), { dtype: "float64" }).reshape(e.shape).requiresGrad_(true);

function build(dist: string, p: Record<string, Tensor>): torch.distributions.Distribution {
  switch (dist) {
    case "Normal": return new D.Normal(p.loc!, p.scale!);
    case "Uniform": return new D.Uniform(p.low!, p.high!);
    case "Exponential": return new D.Exponential(p.rate!);
    case "Laplace": return new D.Laplace(p.loc!, p.scale!);
    case "Bernoulli": return new D.Bernoulli(p.probs !== undefined ? { probs: p.probs } : { logits: p.logits! });
    case "Categorical": return new D.Categorical(p.probs !== undefined ? { probs: p.probs } : { logits: p.logits! });
    case "IndependentNormal": return new D.Independent(new D.Normal(p.loc!, p.scale!), 1);
    case "MultivariateNormal":
      return new D.MultivariateNormal(p.loc!, p.covarianceMatrix !== undefined ? { covarianceMatrix: p.covarianceMatrix } : { scaleTril: p.scaleTril! });
    default: throw new Error(dist);
  }
}


function apply(d: torch.distributions.Distribution, fn: string, value: Tensor | null): Tensor {
  switch (fn) {
    case "log_prob": return d.logProb(value!);
    case "cdf": return d.cdf(value!);
    case "icdf": return d.icdf(value!);
    case "entropy": return d.entropy();
    case "mean": return d.mean;
    case "variance": return d.variance;
    case "stddev": return d.stddev;
    default: throw new Error(fn);
  }
}

describe("distributions: values and gradients against PyTorch", () => {
  for (const c of FIX.cases) {
    test(c.name, () => {
      const params = Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, leaf(v)]));
      const d = build(c.dist, params);
      assert.deepEqual(d.batchShape, c.batchShape, "batchShape");
      assert.deepEqual(d.eventShape, c.eventShape, "eventShape");
      const value = c.value === null ? null : torch.tensor(c.value.data.map(decode), { dtype: "float64" }).reshape(c.value.shape);
      const out = apply(d, c.fn, value);
      assert.deepEqual(out.shape, c.out.shape, `${c.name}: shape`);
      assertNear(values(out.detach()), c.out.data, c.name);
      if (c.grads !== null) {
        out.sum().backward();
        for (const [k, g] of Object.entries(c.grads)) {
          const got = params[k]!.grad;
          assertNear(got === null ? new Array<number>(g.length).fill(0) : values(got), g, `${c.name}: grad ${k}`, 1e-6);
        }
      }
    });
  }
});

describe("distributions: kl_divergence against PyTorch", () => {
  for (const c of FIX.kl) {
    test(c.name, () => {
      const pp = Object.fromEntries(Object.entries(c.p).map(([k, v]) => [k, leaf(v)]));
      const qp = Object.fromEntries(Object.entries(c.q).map(([k, v]) => [k, leaf(v)]));
      const out = D.kl.klDivergence(build(c.dist, pp), build(c.dist, qp));
      assert.deepEqual(out.shape, c.out.shape);
      assertNear(values(out.detach()), c.out.data, c.name);
      if (c.grads !== null) {
        out.sum().backward();
        for (const [k, g] of Object.entries(c.grads)) {
          const [side, name] = k.split(".") as [string, string];
          const got = (side === "p" ? pp : qp)[name]!.grad;
          assertNear(got === null ? new Array<number>(g.length).fill(0) : values(got), g, `${c.name}: grad ${k}`, 1e-6);
        }
      }
    });
  }

  test("pairs without a formula throw PyTorch's NotImplementedError message", () => {
    assert.throws(() => D.kl.klDivergence(new D.Exponential(1), new D.Laplace(0, 1)), {
      message: "No KL(p || q) is implemented for p type Exponential and q type Laplace",
    });
    const ind = (n: number): torch.distributions.Distribution => new D.Independent(new D.Normal(torch.zeros([2, 3]), 1), n);
    assert.throws(() => D.klDivergence(ind(1), ind(2)), { message: "No KL(p || q) is implemented for p type Independent and q type Independent" });
    assert.throws(() => D.klDivergence(new D.Categorical({ probs: torch.ones([2]) }), new D.Bernoulli({ probs: 0.5 })), /No KL\(p \|\| q\) is implemented for p type Categorical and q type Bernoulli/);
  });
});

describe("distributions: PyTorch's argument validation", () => {
  test("parameter constraints, with PyTorch's ValueError wording", () => {
    assert.throws(() => new D.Normal(torch.zeros([3]), torch.tensor([1, -1, 1])), {
      message: /^Expected parameter scale \(Tensor of shape \(3,\)\) of distribution Normal\(loc: torch\.Size\(\[3\]\), scale: torch\.Size\(\[3\]\)\) to satisfy the constraint GreaterThan\(lower_bound=0\.0\), but found invalid values:\n/,
    });
    assert.throws(() => new D.Exponential(torch.tensor([0])), { message: /^Expected parameter rate \(Tensor of shape \(1,\)\) of distribution Exponential\(rate: tensor\(\[0\.\]\)\) to satisfy the constraint GreaterThan\(lower_bound=0\.0\)/ });
    // 0-d parameters print as Python floats, as PyTorch 1.13 formats them (whole message from it)
    assert.throws(() => new D.Laplace(0, -1), { message: "Expected parameter scale (Tensor of shape ()) of distribution Laplace(loc: 0.0, scale: -1.0) to satisfy the constraint GreaterThan(lower_bound=0.0), but found invalid values:\n-1.0" });
    assert.throws(() => new D.Normal(torch.tensor([NaN]), 1), { message: /^Expected parameter loc .* to satisfy the constraint Real\(\)/ });
    assert.throws(() => new D.Bernoulli({ probs: torch.tensor([0.5, 1.5]) }), { message: /^Expected parameter probs \(Tensor of shape \(2,\)\) of distribution Bernoulli\(probs: torch\.Size\(\[2\]\)\) to satisfy the constraint Interval\(lower_bound=0\.0, upper_bound=1\.0\)/ });
    assert.throws(() => new D.Categorical({ probs: torch.tensor([0.5, -0.1, 0.6]) }), { message: /^Expected parameter probs \(Tensor of shape \(3,\)\) of distribution Categorical\(probs: torch\.Size\(\[3\]\)\) to satisfy the constraint Simplex\(\)/ });
    assert.throws(() => new D.Uniform(torch.tensor([0, 1]), torch.tensor([1, 1])), { message: "Uniform is not defined when low>= high" });
    assert.throws(() => new D.MultivariateNormal(torch.zeros([2]), { covarianceMatrix: torch.tensor([[1, 2], [2, 1]]) }), { message: /^Expected parameter covariance_matrix \(Tensor of shape \(2, 2\)\) of distribution MultivariateNormal\(loc: torch\.Size\(\[2\]\), covariance_matrix: torch\.Size\(\[2, 2\]\)\) to satisfy the constraint PositiveDefinite\(\)/ });
    assert.throws(() => new D.MultivariateNormal(torch.zeros([2]), { scaleTril: torch.tensor([[1, 1], [0, 1]]) }), /to satisfy the constraint LowerCholesky\(\)/);
    // validateArgs: false skips the checks
    assert.doesNotThrow(() => new D.Normal(0, -1, { validateArgs: false }));
  });

  test("the other constructor errors", () => {
    assert.throws(() => new D.Categorical({ probs: torch.tensor(0.5) }), { message: "`probs` parameter must be at least one-dimensional." });
    assert.throws(() => new D.Bernoulli({} as never), { message: "Either `probs` or `logits` must be specified, but not both." });
    assert.throws(() => new D.Independent(new D.Normal(torch.zeros([3]), 1), 2), { message: "Expected reinterpreted_batch_ndims <= len(base_distribution.batch_shape), actual 2 vs 1" });
    assert.throws(() => new D.MultivariateNormal(torch.tensor(0), { scaleTril: torch.eye(1) }), { message: "loc must be at least one-dimensional." });
  });

  test("values outside the support, wrong event shape, non-broadcastable values", () => {
    assert.throws(() => new D.Exponential(torch.ones([2])).logProb(torch.tensor([1, -1])), {
      message: /^Expected value argument \(Tensor of shape \(2,\)\) to be within the support \(GreaterThanEq\(lower_bound=0\.0\)\) of the distribution Exponential\(rate: torch\.Size\(\[2\]\)\), but found invalid values:\n/,
    });
    assert.throws(() => new D.Bernoulli({ probs: 0.3 }).logProb(torch.tensor(0.5)), /within the support \(Boolean\(\)\)/);
    assert.throws(() => new D.Categorical({ logits: torch.zeros([3]) }).logProb(torch.tensor([3])), /within the support \(IntegerInterval\(lower_bound=0, upper_bound=2\)\)/);
    assert.throws(() => new D.Uniform(0, 1).logProb(torch.tensor(2)), { message: /^Expected value argument \(Tensor of shape \(\)\) to be within the support \(Interval\(/ });
    assert.throws(() => new D.Normal(torch.zeros([3]), 1).logProb(torch.zeros([2])), { message: "Value is not broadcastable with batch_shape+event_shape: torch.Size([2]) vs torch.Size([3])." });
    assert.throws(() => new D.MultivariateNormal(torch.zeros([3]), { scaleTril: torch.eye(3) }).logProb(torch.zeros([2])), { message: "The right-most size of value must match event_shape: torch.Size([2]) vs torch.Size([3])." });
    // without validation the value goes through
    assert.equal(new D.Uniform(0, 1, { validateArgs: false }).logProb(torch.tensor(2)).item(), -Infinity);
  });
});

/** Mean and (population) variance of each column of `x` ([n, k]). */
function columnMoments(x: Tensor): { mean: number[]; variance: number[] } {
  return { mean: values(x.mean(0)), variance: values(x.var(0, { correction: 0 })) };
}

describe("distributions: sampling", () => {
  const N = 20000;
  const cases: [string, () => torch.distributions.Distribution][] = [
    ["Normal", () => new D.Normal(torch.tensor([0, 2, -1], { dtype: "float64" }), torch.tensor([1, 0.5, 3], { dtype: "float64" }))],
    ["Uniform", () => new D.Uniform(torch.tensor([0, -2], { dtype: "float64" }), torch.tensor([1, 4], { dtype: "float64" }))],
    ["Exponential", () => new D.Exponential(torch.tensor([0.5, 3], { dtype: "float64" }))],
    ["Laplace", () => new D.Laplace(torch.tensor([1, -1], { dtype: "float64" }), torch.tensor([0.5, 2], { dtype: "float64" }))],
    ["Bernoulli", () => new D.Bernoulli({ probs: torch.tensor([0.1, 0.5, 0.8], { dtype: "float64" }) })],
    ["MultivariateNormal", () => new D.MultivariateNormal(torch.tensor([1, -1], { dtype: "float64" }), { covarianceMatrix: torch.tensor([[2, 0.6], [0.6, 1]], { dtype: "float64" }) })],
  ];
  for (const [name, make] of cases) {
    test(`${name}: shapes, and sample moments within 5 standard errors of mean and variance`, () => {
      const d = make();
      const g = new torch.Generator().manualSeed(1234);
      assert.deepEqual(d.sample([]).shape, d.extendedShape([]));
      assert.deepEqual(d.sample([4, 2], { generator: g }).shape, [4, 2, ...d.batchShape, ...d.eventShape]);
      const x = d.sample([N], { generator: g }).reshape([N, -1]);
      const { mean, variance } = columnMoments(x);
      const m = values(d.mean.reshape([-1])), v = values(d.variance.reshape([-1]));
      const m4 = values(x.sub(d.mean.reshape([1, -1])).pow(4).mean(0));
      m.forEach((mu, i) => {
        const seMean = Math.sqrt(v[i]! / N), seVar = Math.sqrt((m4[i]! - v[i]! * v[i]!) / N);
        assert.ok(Math.abs(mean[i]! - mu) < 5 * seMean, `${name} mean[${i}]: ${mean[i]} vs ${mu}`);
        // + the second-order term (x̄ - μ)², which is all there is for a Bernoulli(0.5)
        assert.ok(Math.abs(variance[i]! - v[i]!) < 5 * seVar + (25 * v[i]!) / N, `${name} variance[${i}]: ${variance[i]} vs ${v[i]}`);
      });
    });
  }

  test("seeded generators repeat their draws", () => {
    const d = new D.Normal(torch.zeros([5]), 1);
    const a = d.sample([3], { generator: new torch.Generator().manualSeed(7) });
    const b = d.sample([3], { generator: new torch.Generator().manualSeed(7) });
    assert.deepEqual(values(a), values(b));
  });

  test("MultivariateNormal samples have the covariance", () => {
    const cov = torch.tensor([[2, 0.6], [0.6, 1]], { dtype: "float64" });
    const x = new D.MultivariateNormal(torch.zeros([2], { dtype: "float64" }), { covarianceMatrix: cov }).sample([N], { generator: new torch.Generator().manualSeed(3) });
    const c01 = values(x.select(1, 0).mul(x.select(1, 1)).mean())[0]!;
    // the variance of a product of two correlated normals is σ0²σ1² + c², so se = sqrt(2.36 / N)
    assert.ok(Math.abs(c01 - 0.6) < 5 * Math.sqrt(2.36 / N), `covariance ${c01}`);
  });

  test("Categorical: shapes, int32 indices, frequencies within 5 standard errors", () => {
    const probs = torch.tensor([[0.1, 0.2, 0.7], [0.5, 0.5, 0]], { dtype: "float64" });
    const d = new D.Categorical({ probs });
    assert.deepEqual(d.sample().shape, [2]);
    assert.deepEqual(d.sample([4, 5]).shape, [4, 5, 2]);
    const x = d.sample([N], { generator: new torch.Generator().manualSeed(9) });
    assert.equal(x.dtype, "int32");
    const p = values(probs);
    for (let b = 0; b < 2; b++)
      for (let k = 0; k < 3; k++) {
        const f = values(torch.eq(x.select(1, b), k).float().mean())[0]!, q = p[b * 3 + k]!;
        assert.ok(Math.abs(f - q) <= 5 * Math.sqrt((q * (1 - q)) / N) + 1e-12, `freq[${b}][${k}] ${f} vs ${q}`);
      }
  });

  test("rsample carries gradients to the parameters; sample carries none", () => {
    const loc = torch.tensor([0.5, -1]).requiresGrad_(true), scale = torch.tensor([2, 0.5]).requiresGrad_(true);
    const d = new D.Normal(loc, scale);
    const g = new torch.Generator().manualSeed(5);
    const x = d.rsample([10], { generator: g });
    assert.ok(x.requiresGrad);
    x.sum().backward();
    assert.deepEqual(values(loc.grad!), [10, 10]);
    // d(loc + scale·ε)/d scale = Σ ε = Σ (x - loc) / scale
    const eps = x.detach().sub(loc.detach()).div(scale.detach()).sum(0);
    values(scale.grad!).forEach((v, i) => assert.ok(Math.abs(v - values(eps)[i]!) < 1e-4));
    assert.equal(d.sample([10]).requiresGrad, false);
    for (const dd of [new D.Uniform(torch.zeros([2]), scale), new D.Exponential(scale), new D.Laplace(loc, scale), new D.MultivariateNormal(loc, { scaleTril: torch.diag(scale) })]) {
      assert.ok(dd.hasRsample);
      assert.ok(dd.rsample([3]).requiresGrad, dd.toString());
      assert.equal(dd.sample([3]).requiresGrad, false, dd.toString());
    }
    assert.equal(new D.Bernoulli({ probs: torch.tensor([0.5]).requiresGrad_(true) }).hasRsample, false);
    assert.throws(() => new D.Bernoulli({ probs: 0.5 }).rsample(), /Bernoulli does not implement rsample/);
    assert.ok(new D.Independent(d, 1).rsample([2]).requiresGrad);
  });

  test("sample() in float32 by default for number parameters", () => {
    assert.equal(new D.Normal(0, 1).sample([2]).dtype, "float32");
    assert.equal(new D.Normal(torch.zeros([2], { dtype: "float64" }), 1).sample().dtype, "float64");
  });
});

describe("distributions: constraints", () => {
  const C = D.constraints;
  const check = (c: torch.distributions.constraints.Constraint, x: Tensor): boolean[] => Array.from(c.check(x).toArray(), Boolean);
  test("what each constraint accepts", () => {
    assert.deepEqual(check(C.simplex, torch.tensor([[0.2, 0.8], [0.5, 0.6], [-0.1, 1.1]])), [true, false, false]);
    assert.deepEqual(check(C.positive, torch.tensor([1, 0, -1])), [true, false, false]);
    assert.deepEqual(check(C.nonnegative, torch.tensor([1, 0, -1])), [true, true, false]);
    assert.deepEqual(check(C.unitInterval, torch.tensor([0, 1, 1.5])), [true, true, false]);
    assert.deepEqual(check(C.integerInterval(0, 2), torch.tensor([0, 2, 1.5, 3])), [true, true, false, false]);
    assert.deepEqual(check(C.independent(C.real, 1), torch.tensor([[1, 2], [NaN, 0]])), [true, false]);
    assert.deepEqual(check(C.lowerCholesky, torch.tensor([[[1, 0], [2, 1]], [[1, 1], [0, 1]], [[1, 0], [1, -1]]])), [true, false, false]);
    assert.deepEqual(check(C.positiveDefinite, torch.tensor([[[2, 1], [1, 2]], [[1, 2], [2, 1]], [[2, 1], [0, 2]]])), [true, false, false]);
    assert.equal(C.independent(C.real, 1).name, "IndependentConstraint(Real(), 1)");
  });

  test("repr of distributions", () => {
    assert.equal(new D.Independent(new D.Normal(torch.zeros([2, 3]), 1), 1).toString(), "Independent(Normal(loc: torch.Size([2, 3]), scale: torch.Size([2, 3])), 1)");
    assert.equal(new D.Categorical({ logits: torch.zeros([3]) }).toString(), "Categorical(logits: torch.Size([3]))");
  });

  test("float32 parameters agree with float64 results", () => {
    const c = FIX.cases.find((x) => x.name === "MultivariateNormal cov log_prob")!;
    const p32 = Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, torch.tensor(v.data.map(decode)).reshape(v.shape)]));
    const out = build(c.dist, p32).logProb(torch.tensor(c.value!.data.map(decode)).reshape(c.value!.shape));
    assert.equal(out.dtype, "float32");
    assertNear(values(out), c.out.data, "float32 MVN logProb", 1e-5);
  });
});
