/**
 * The parts of PyTorch's Distribution API beyond densities: mode, expand,
 * perplexity, enumerate_support; the repr and messages with 0-d parameters
 * (Python floats); and a non-tensor value. Expected values and texts are
 * PyTorch 1.13's (printed by /usr/bin/python3), inline.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as torch from "../src/index.js";
import { values } from "./fixture-values.js";

const D = torch.distributions;
const t = (x: number[] | number[][]): torch.Tensor => torch.tensor(x);
const near = (got: number[], want: number[], tol = 1e-4): void => {
  assert.equal(got.length, want.length);
  want.forEach((w, i) => assert.ok(Number.isNaN(w) ? Number.isNaN(got[i]!) : Math.abs(got[i]! - w) < tol, `[${i}] ${got[i]} vs ${w}`));
};

describe("distributions: mode (PyTorch 1.13)", () => {
  test("each distribution's mode", () => {
    near(values(new D.Normal(t([0, 1]), t([1, 2])).mode), [0, 1]);
    near(values(new D.Laplace(t([-1, 3]), 2).mode), [-1, 3]);
    near(values(new D.Exponential(t([1, 2])).mode), [0, 0]);
    near(values(new D.Uniform(t([0, 1]), t([1, 3])).mode), [NaN, NaN]);
    // NaN at exactly 0.5: both outcomes are modes
    near(values(new D.Bernoulli({ probs: t([0.2, 0.5, 0.7, 1]) }).mode), [0, NaN, 1, 1]);
    near(values(new D.Bernoulli({ logits: t([-1, 0, 2]) }).mode), [0, NaN, 1]);
    const cat = new D.Categorical({ logits: t([[0, 2, 2], [3, 1, 0]]) }).mode;
    // PyTorch gives int64 [1, 0]; torchlet's indices are int32, as its samples are
    assert.equal(cat.dtype, "int32");
    assert.deepEqual(values(cat), [1, 0]);
    near(values(new D.Independent(new D.Bernoulli({ probs: t([[0.2, 0.7]]) }), 1).mode), [0, 1]);
    const mvn = new D.MultivariateNormal(t([1, 2]), { covarianceMatrix: torch.eye(2) }).mode;
    assert.deepEqual(mvn.shape, [2]);
    near(values(mvn), [1, 2]);
  });

  test("mode has the batch shape and keeps the dtype", () => {
    assert.deepEqual(new D.Exponential(torch.ones([2, 3], { dtype: "float64" })).mode.shape, [2, 3]);
    assert.equal(new D.Bernoulli({ probs: torch.tensor([0.3], { dtype: "float64" }) }).mode.dtype, "float64");
  });
});

describe("distributions: expand (PyTorch 1.13)", () => {
  test("Normal: new batch shape, same values, the original untouched", () => {
    const d = new D.Normal(t([0, 1, 2]), 1);
    const e = d.expand([2, 3]);
    assert.ok(e instanceof D.Normal);
    assert.deepEqual(e.batchShape, [2, 3]);
    assert.deepEqual(e.loc.shape, [2, 3]);
    assert.equal(e.toString(), "Normal(loc: torch.Size([2, 3]), scale: torch.Size([2, 3]))");
    near(values(e.logProb(torch.tensor(0.5))), [-1.0439, -1.0439, -2.0439, -1.0439, -1.0439, -2.0439]);
    assert.deepEqual(e.sample([4]).shape, [4, 2, 3]);
    assert.deepEqual(d.batchShape, [3]);
    assert.deepEqual(d.loc.shape, [3]);
  });

  test("a shape the batch does not expand to: the tensor expand error", () => {
    assert.throws(() => new D.Normal(t([0, 1, 2]), 1).expand([2]), {
      message: /^The expanded size of the tensor \(2\) must match the existing size \(3\) at non-singleton dimension 0\. {2}Target sizes: \[2\]\. {2}Tensor sizes: \[3\]/,
    });
  });

  test("the other distributions", () => {
    const c = new D.Categorical({ logits: t([0, 1, 2]) }).expand([4]);
    assert.equal(c.toString(), "Categorical(logits: torch.Size([4, 3]))");
    assert.deepEqual(c.batchShape, [4]);
    near(values(c.logProb(t([0, 1, 2, 2]))), [-2.4076, -1.4076, -0.4076, -0.4076]);
    assert.deepEqual(c.sample([5]).shape, [5, 4]);
    const i = new D.Independent(new D.Normal(torch.zeros([3]), 1), 1).expand([2]);
    assert.equal(i.toString(), "Independent(Normal(loc: torch.Size([2, 3]), scale: torch.Size([2, 3])), 1)");
    assert.deepEqual([i.batchShape, i.eventShape, i.baseDist.batchShape], [[2], [3], [2, 3]]);
    assert.deepEqual(i.logProb(torch.zeros([3])).shape, [2]);
    const m = new D.MultivariateNormal(torch.zeros([2]), { covarianceMatrix: t([[2, 1], [1, 2]]) }).expand([3]);
    assert.equal(m.toString(), "MultivariateNormal(loc: torch.Size([3, 2]), covariance_matrix: torch.Size([3, 2, 2]))");
    assert.deepEqual([m.batchShape, m.covarianceMatrix.shape, m.scaleTril.shape, m.precisionMatrix.shape], [[3], [3, 2, 2], [3, 2, 2], [3, 2, 2]]);
    assert.deepEqual(m.logProb(torch.zeros([2])).shape, [3]);
    assert.deepEqual(m.entropy().shape, [3]);
    const u = new D.Uniform(0, 1).expand([2]);
    assert.equal(u.toString(), "Uniform(low: torch.Size([2]), high: torch.Size([2]))");
    assert.deepEqual(values(u.low), [0, 0]);
    assert.equal(new D.Bernoulli({ probs: 0.3 }).expand([2]).toString(), "Bernoulli(probs: torch.Size([2]))");
    const e = new D.Exponential(2).expand([2, 2]);
    assert.equal(e.toString(), "Exponential(rate: torch.Size([2, 2]))");
    near(values(e.mean), [0.5, 0.5, 0.5, 0.5]);
    near(values(new D.Laplace(0, 1).expand([2]).cdf(t([0, 1]))), [0.5, 0.8161]);
  });

  test("no validation again, and validateArgs carries over", () => {
    const bad = new D.Normal(0, -1, { validateArgs: false }).expand([2]);
    assert.equal(bad.toString(), "Normal(loc: torch.Size([2]), scale: torch.Size([2]))");
    assert.equal(bad.validateArgs, false);
    // validation still applies to values
    assert.throws(() => new D.Exponential(1).expand([2]).logProb(t([1, -1])), /within the support/);
    // expanded probabilities are not normalised again: exactly the same numbers
    const cat = new D.Categorical({ probs: t([0.1, 0.2, 0.7]) });
    assert.deepEqual(values(cat.expand([2]).probs), [...values(cat.probs), ...values(cat.probs)]);
  });

  test("gradients reach the original parameters", () => {
    const loc = t([0, 1]).requiresGrad_(true);
    new D.Normal(loc, 1).expand([3, 2]).logProb(torch.zeros([2])).sum().backward();
    // d/dloc of -(x - loc)²/2, summed over the 3 copies
    assert.deepEqual(values(loc.grad!), [0, -3]);
  });
});

describe("distributions: perplexity and enumerateSupport (PyTorch 1.13)", () => {
  test("perplexity = exp(entropy)", () => {
    near(values(new D.Categorical({ probs: t([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]]) }).perplexity()), [2.8001, 1.8946]);
    near(values(new D.Normal(t([0, 1]), t([1, 2])).perplexity()), [4.1327, 8.2655]);
  });

  test("enumerateSupport of Bernoulli and Categorical", () => {
    const b = new D.Bernoulli({ probs: t([0.2, 0.7]) });
    assert.ok(b.hasEnumerateSupport);
    const be = b.enumerateSupport();
    assert.deepEqual([be.shape, values(be), be.dtype], [[2, 2], [0, 0, 1, 1], "float32"]);
    assert.deepEqual(b.enumerateSupport({ expand: false }).shape, [2, 1]);
    assert.deepEqual(values(new D.Bernoulli({ probs: 0.3 }).enumerateSupport()), [0, 1]);
    const c = new D.Categorical({ probs: torch.ones([2, 3]) });
    const ce = c.enumerateSupport();
    // PyTorch's are int64; torchlet's int32, as its samples
    assert.deepEqual([ce.shape, values(ce), ce.dtype], [[3, 2], [0, 0, 1, 1, 2, 2], "int32"]);
    assert.deepEqual(c.enumerateSupport({ expand: false }).shape, [3, 1]);
    // every enumerated value has a log-probability (the support check passes)
    assert.deepEqual(c.logProb(ce).shape, [3, 2]);
    assert.equal(new D.Normal(0, 1).hasEnumerateSupport, false);
    assert.throws(() => new D.Normal(0, 1).enumerateSupport(), /Normal does not implement enumerate_support/);
  });
});

describe("distributions: repr and messages as PyTorch formats them", () => {
  test("0-d parameters print as Python floats, 1-element ones as tensors", () => {
    assert.equal(new D.Normal(0, 1).toString(), "Normal(loc: 0.0, scale: 1.0)");
    assert.equal(new D.Normal(torch.tensor(0, { dtype: "float64" }), 1).toString(), "Normal(loc: 0.0, scale: 1.0)");
    // the float32 value, printed as a Python float
    assert.equal(new D.Bernoulli({ probs: 0.3 }).toString(), "Bernoulli(probs: 0.30000001192092896)");
    assert.equal(new D.Bernoulli({ logits: 0.5 }).toString(), "Bernoulli(logits: 0.5)");
    assert.equal(new D.Exponential(2).toString(), "Exponential(rate: 2.0)");
    assert.equal(new D.Normal(torch.tensor(0), t([1])).toString(), "Normal(loc: tensor([0.]), scale: tensor([1.]))");
    assert.equal(new D.Categorical({ logits: t([0]) }).toString(), "Categorical(logits: tensor([0.]))");
  });

  test("validation messages, whole, from PyTorch 1.13", () => {
    assert.throws(() => new D.Uniform(0, 1).logProb(torch.tensor(2)), {
      message: "Expected value argument (Tensor of shape ()) to be within the support (Interval(lower_bound=0.0, upper_bound=1.0)) of the distribution Uniform(low: 0.0, high: 1.0), but found invalid values:\n2.0",
    });
    assert.throws(() => new D.Uniform(t([0, 0]), t([1, 1])).logProb(t([2, 0.5])), {
      message: "Expected value argument (Tensor of shape (2,)) to be within the support (Interval(lower_bound=tensor([0., 0.]), upper_bound=tensor([1., 1.]))) of the distribution Uniform(low: torch.Size([2]), high: torch.Size([2])), but found invalid values:\ntensor([2.0000, 0.5000])",
    });
    assert.throws(() => new D.Bernoulli({ probs: 1.5 }), {
      message: "Expected parameter probs (Tensor of shape ()) of distribution Bernoulli(probs: 1.5) to satisfy the constraint Interval(lower_bound=0.0, upper_bound=1.0), but found invalid values:\n1.5",
    });
    assert.throws(() => new D.Bernoulli({ probs: 0.3 }).logProb(torch.tensor(0.5)), {
      message: "Expected value argument (Tensor of shape ()) to be within the support (Boolean()) of the distribution Bernoulli(probs: 0.30000001192092896), but found invalid values:\n0.5",
    });
    assert.throws(() => new D.Exponential(1).logProb(torch.tensor(-1e-5)), {
      message: "Expected value argument (Tensor of shape ()) to be within the support (GreaterThanEq(lower_bound=0.0)) of the distribution Exponential(rate: 1.0), but found invalid values:\n-9.999999747378752e-06",
    });
    assert.throws(() => new D.Exponential(t([0])), {
      message: "Expected parameter rate (Tensor of shape (1,)) of distribution Exponential(rate: tensor([0.])) to satisfy the constraint GreaterThan(lower_bound=0.0), but found invalid values:\ntensor([0.])",
    });
  });

  test("a value that is not a tensor: PyTorch's ValueError text (from log_prob and cdf)", () => {
    const message = "The value argument to log_prob must be a Tensor";
    assert.throws(() => new D.Normal(0, 1).logProb(0.5 as never), { message });
    assert.throws(() => new D.Normal(0, 1).cdf(0.5 as never), { message });
    assert.throws(() => new D.Bernoulli({ probs: 0.3 }).logProb(1 as never), { message });
    assert.throws(() => new D.Independent(new D.Normal(torch.zeros([2]), 1), 1).logProb([0, 0] as never), { message });
    // PyTorch computes with a Python number when validation is off; torchlet's ops need tensors,
    // so it refuses with the same message rather than fail inside an op
    assert.throws(() => new D.Normal(0, 1, { validateArgs: false }).logProb(0.5 as never), { message });
  });
});
