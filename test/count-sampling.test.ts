/**
 * torch.poisson and torch.binomial: the distributions (means, variances and
 * the exact probabilities of small counts, across both samplers' regimes),
 * PyTorch's edge values, dtype rules, errors and gradients (PyTorch 1.13
 * outputs noted inline, from /usr/bin/python3).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

const gen = (seed: number) => new torch.Generator().manualSeed(seed);
const stats = (v: number[]) => {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return { mean, variance: v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length };
};
/** |got - want| within 5 standard errors (sd of one draw `sd`, n draws). */
const near = (got: number, want: number, sd: number, n: number, what: string) =>
  assert.ok(Math.abs(got - want) < (5 * sd) / Math.sqrt(n), `${what}: ${got} vs ${want}`);
const lfact = (k: number): number => (k < 2 ? 0 : Math.log(k) + lfact(k - 1));

test("poisson: mean and variance lambda, for small rates (multiplication) and large ones (rejection)", () => {
  const n = 40_000;
  for (const lambda of [0.3, 4, 9.5, 10, 37, 2500]) {
    const v = [...torch.poisson(torch.full([n], lambda, { dtype: "float64" }), { generator: gen(Math.round(lambda * 10)) }).data];
    assert.ok(v.every((x) => Number.isInteger(x) && x >= 0), `integers, lambda ${lambda}`);
    const { mean, variance } = stats(v);
    near(mean, lambda, Math.sqrt(lambda), n, `mean, lambda ${lambda}`);
    near(variance, lambda, lambda * Math.sqrt(2 + 1 / lambda), n, `variance, lambda ${lambda}`);
  }
});

test("poisson: the frequencies of 0..4 match e^-λ λ^k / k! on both sides of the sampler switch", () => {
  const n = 60_000;
  for (const lambda of [2, 12]) {
    const v = [...torch.poisson(torch.full([n], lambda), { generator: gen(7) }).data];
    for (const k of [0, 1, 2, 3, 4, lambda]) {
      const p = Math.exp(-lambda + k * Math.log(lambda) - lfact(k));
      near(v.filter((x) => x === k).length / n, p, Math.sqrt(p * (1 - p)), n, `P(${k}), lambda ${lambda}`);
    }
  }
});

test("poisson: zero rate gives 0; shape and dtype kept; a zero gradient to the rates (PoissonBackward0)", () => {
  const rates = torch.tensor([[0, 1], [2, 3]], { dtype: "float64", requiresGrad: true });
  const out = torch.poisson(rates, { generator: gen(1) });
  assert.deepEqual(out.shape, [2, 2]);
  assert.equal(out.dtype, "float64");
  assert.equal(out.data[0], 0);
  assert.equal(out.gradFn!.name, "PoissonBackward0");
  out.sum().backward();
  assert.deepEqual([...rates.grad!.data], [0, 0, 0, 0]);
});

test("poisson: PyTorch's errors for negative or NaN rates and integer tensors", () => {
  assert.throws(() => torch.poisson(torch.tensor([1, -1])), /^Error: invalid Poisson rate, expected rate to be non-negative$/);
  assert.throws(() => torch.poisson(torch.tensor([NaN])), /invalid Poisson rate/);
  assert.throws(() => torch.poisson(torch.tensor([1], { dtype: "int32" })), /^Error: "poisson_cpu" not implemented for 'Int'$/);
});

test("binomial: mean np and variance np(1-p), inversion and rejection regimes, p on both sides of 1/2", () => {
  const n = 40_000;
  for (const [count, p] of [[5, 0.3], [20, 0.45], [40, 0.3], [1000, 0.5], [1000, 0.97], [30, 0.9]] as const) {
    const v = [...torch.binomial(torch.full([n], count, { dtype: "float64" }), torch.full([n], p, { dtype: "float64" }), { generator: gen(count) }).data];
    assert.ok(v.every((x) => Number.isInteger(x) && x >= 0 && x <= count), `range, ${count} ${p}`);
    const { mean, variance } = stats(v), q = count * p * (1 - p);
    near(mean, count * p, Math.sqrt(q), n, `mean ${count} ${p}`);
    near(variance, q, q * Math.sqrt(2), n, `variance ${count} ${p}`);
  }
});

test("binomial: the frequencies match C(n,k) p^k (1-p)^(n-k)", () => {
  const n = 60_000;
  for (const [count, p] of [[6, 0.25], [60, 0.4]] as const) {
    const v = [...torch.binomial(torch.full([n], count), torch.full([n], p), { generator: gen(9) }).data];
    for (const k of [0, 1, 2, Math.round(count * p)]) {
      const prob = Math.exp(lfact(count) - lfact(k) - lfact(count - k) + k * Math.log(p) + (count - k) * Math.log1p(-p));
      near(v.filter((x) => x === k).length / n, prob, Math.sqrt(prob * (1 - prob)), n, `P(${k}), ${count} ${p}`);
    }
  }
});

test("binomial: PyTorch's edge values, broadcasting, dtype errors and missing derivative", () => {
  // PyTorch 1.13: binomial([5, 5, -5, 5, 0], [1.5, -0.5, 0.5, nan, 0.5]) -> [5, 0, 0, nan, 0]
  const out = torch.binomial(torch.tensor([5, 5, -5, 5, 0]), torch.tensor([1.5, -0.5, 0.5, NaN, 0.5]));
  assert.deepEqual([...out.data], [5, 0, 0, NaN, 0]);
  assert.deepEqual(torch.binomial(torch.tensor([5, 4]), torch.tensor([0.5])).shape, [2]);
  assert.throws(() => torch.binomial(torch.tensor([5, 4]), torch.tensor([0.5, 0.5, 0.5])), /The size of tensor a \(2\) must match the size of tensor b \(3\) at non-singleton dimension 0/);
  assert.throws(() => torch.binomial(torch.tensor([5]), torch.tensor([0.5], { dtype: "float64" })), /^Error: Found dtype Double but expected Float$/);
  assert.throws(() => torch.binomial(torch.tensor([5], { dtype: "int32" }), torch.tensor([0.5])), /^Error: Found dtype Float but expected Int$/);
  const c = torch.tensor([5], { requiresGrad: true });
  assert.throws(() => torch.binomial(c, torch.tensor([0.5])).sum().backward(), /^Error: derivative for aten::binomial is not implemented$/);
});
