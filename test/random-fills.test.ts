/**
 * The in-place samplers (random_, bernoulli_, exponential_, geometric_,
 * logNormal_, cauchy_, normal_, uniform_): PyTorch's checks, messages, result
 * dtypes and grad_fn names (test/fixtures/ops/random-fills.json, from
 * scripts/gen_random_fills_fixtures.py; cases marked v2 carry PyTorch 2.x's
 * text where 1.13's differs), and the distributions, checked statistically,
 * since the streams are torchlet's own.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { readOpsFixture } from "./fixture-values.js";
import type { DType, Tensor } from "../src/index.js";

type Arg = number | "inf" | null | { tensor: number[]; dtype: DType };
interface Case {
  method: string;
  dtype: DType;
  args: Arg[];
  graph: boolean;
  error: string | null;
  gradFn?: string | null;
  v2?: boolean;
}
const FIX = readOpsFixture<{
  cases: (Case & { dtype: DType })[];
}>("random-fills.json");
const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const arg = (a: Arg) => (a === "inf" ? Infinity : a !== null && typeof a === "object" ? torch.tensor(a.tensor, { dtype: a.dtype }) : a);

function call(c: Case): Tensor {
  const self = c.graph ? torch.zeros([3], { requiresGrad: true }).clone() : torch.zeros([3], { dtype: c.dtype });
  const fn = (self as unknown as Record<string, (...a: unknown[]) => Tensor>)[camel(c.method)]!;
  return fn.apply(self, c.args.map(arg));
}

for (const c of FIX.cases) {
  test(`${c.method}(${JSON.stringify(c.args)}) on ${c.graph ? "a float32 graph tensor" : c.dtype}${c.v2 ? " (2.x)" : ""}: as PyTorch`, () => {
    if (c.error !== null) {
      assert.throws(() => call(c), (e: Error) => e.message === c.error, c.error);
      return;
    }
    const out = call(c);
    // (the fixture's dtype is the result's, as PyTorch printed it)
    assert.equal(out.dtype, c.dtype);
    assert.equal(out.gradFn?.name ?? null, c.gradFn);
  });
}

test("samplers return this tensor, bump its version and keep its dtype", () => {
  for (const dtype of ["float32", "int32", "bool"] as const) {
    const x = torch.zeros([4], { dtype });
    const v = x.version;
    assert.equal(x.random_(), x);
    assert.equal(x.version, v + 1);
    assert.equal(x.dtype, dtype);
  }
});

test("on a leaf that requires grad: PyTorch's in-place error", () => {
  const x = torch.zeros([3], { requiresGrad: true });
  for (const f of [() => x.exponential_(), () => x.random_(), () => x.bernoulli_(), () => x.cauchy_()]) {
    assert.throws(f, /^Error: a leaf Variable that requires grad is being used in an in-place operation\.$/);
  }
  torch.noGrad(() => x.exponential_());
  assert.ok(x.min().item() >= 0);
});

test("gradients: zero to the old value and to bernoulli_'s p, through the sampler's node", () => {
  const a = torch.ones([3], { requiresGrad: true }), p = torch.full([3], 0.5, { requiresGrad: true });
  const y = a.mul(2);
  y.bernoulli_(p);
  assert.equal(y.gradFn!.name, "BernoulliBackward1");
  y.add(a).sum().backward();
  assert.deepEqual([...a.grad!.data], [1, 1, 1]);
  assert.deepEqual([...p.grad!.data], [0, 0, 0]);
});

/** n samples of `fill` on a float64 tensor, with a fixed generator. */
function sample(fill: (t: Tensor, g: torch.Generator) => Tensor, n = 200_000, dtype: DType = "float64"): number[] {
  const g = new torch.Generator().manualSeed(5);
  return [...fill(torch.empty([n], { dtype }), g).data].map(Number);
}
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const variance = (v: number[]) => {
  const m = mean(v);
  return v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length;
};
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!;
/** Within `k` standard errors of the mean of n draws with standard deviation `sd`. */
const near = (got: number, want: number, sd: number, n: number, what: string, k = 5) =>
  assert.ok(Math.abs(got - want) < (k * sd) / Math.sqrt(n), `${what}: ${got} vs ${want}`);

test("exponential_: mean and variance 1/λ and 1/λ², all positive", () => {
  const v = sample((t, generator) => t.exponential_(2.5, { generator }));
  near(mean(v), 0.4, 0.4, v.length, "mean");
  near(variance(v), 0.16, 0.4, v.length, "variance", 20);
  assert.ok(v.every((x) => x > 0 && Number.isFinite(x)));
});

test("geometric_: integers from 1, mean 1/p, variance (1-p)/p²; on int32 too", () => {
  const v = sample((t, generator) => t.geometric_(0.3, { generator }));
  assert.ok(v.every((x) => Number.isInteger(x) && x >= 1));
  near(mean(v), 1 / 0.3, Math.sqrt(0.7) / 0.3, v.length, "mean");
  near(variance(v), 0.7 / 0.09, 10, v.length, "variance", 20);
  const w = sample((t, generator) => t.geometric_(0.5, { generator }), 50_000, "int32");
  near(mean(w), 2, Math.SQRT2, w.length, "int32 mean");
  near(w.filter((x) => x === 1).length / w.length, 0.5, 0.5, w.length, "P(X = 1)");
});

test("logNormal_: log of the samples is N(mean, std²)", () => {
  const v = sample((t, generator) => t.logNormal_(0.5, 0.75, { generator })).map(Math.log);
  near(mean(v), 0.5, 0.75, v.length, "mean of log");
  near(Math.sqrt(variance(v)), 0.75, 0.75, v.length, "sd of log");
  const d = sample((t, generator) => t.logNormal_(undefined, undefined, { generator }), 50_000).map(Math.log);
  near(mean(d), 1, 2, d.length, "default mean 1");
});

test("cauchy_: median and quartiles median ± sigma", () => {
  const v = sample((t, generator) => t.cauchy_(3, 2, { generator }));
  const sorted = [...v].sort((a, b) => a - b), q = (f: number) => sorted[Math.floor(f * sorted.length)]!;
  near(median(v), 3, 2 * 1.6, v.length, "median");
  near(q(0.25), 1, 4, v.length, "first quartile");
  near(q(0.75), 5, 4, v.length, "third quartile");
  assert.ok(v.every(Number.isFinite));
});

test("bernoulli_: 0/1 with mean p, for a number and per element for a tensor p; any dtype", () => {
  const v = sample((t, generator) => t.bernoulli_(0.3, { generator }));
  assert.ok(v.every((x) => x === 0 || x === 1));
  near(mean(v), 0.3, Math.sqrt(0.21), v.length, "mean");
  const g = new torch.Generator().manualSeed(1);
  const p = torch.tensor([0, 1, 0.5]).expand([100_000, 3]);
  const cols = torch.empty([100_000, 3]).bernoulli_(p, { generator: g }).mean(0);
  assert.deepEqual([cols.data[0], cols.data[1]], [0, 1]);
  near(cols.data[2]!, 0.5, 0.5, 100_000, "p = 0.5 column");
  const b = torch.zeros([1000], { dtype: "bool" }).bernoulli_(0.5, { generator: g });
  assert.equal(b.dtype, "bool");
  near(b.float().mean().item(), 0.5, 0.5, 1000, "bool mean");
});

test("random_: every value in range, each one drawn, per dtype", () => {
  const dice = sample((t, generator) => t.random_(1, 7, { generator }), 60_000, "int32");
  const counts = [1, 2, 3, 4, 5, 6].map((k) => dice.filter((x) => x === k).length);
  assert.equal(counts.reduce((a, b) => a + b), dice.length, "only 1..6");
  for (const c of counts) near(c / dice.length, 1 / 6, Math.sqrt(5 / 36), dice.length, "face frequency");
  const to = sample((t, generator) => t.random_(3, undefined, { generator }), 3000, "float32");
  assert.deepEqual([...new Set(to)].sort(), [0, 1, 2]);
  const f32 = sample((t, generator) => t.random_(undefined, undefined, { generator }), 100_000, "float32");
  assert.ok(f32.every((x) => Number.isInteger(x) && x >= 0 && x <= 2 ** 24));
  near(mean(f32), 2 ** 23, 2 ** 24 / Math.sqrt(12), f32.length, "float32 default mean");
  const f64 = sample((t, generator) => t.random_(undefined, undefined, { generator }), 100_000);
  assert.ok(f64.every((x) => Number.isInteger(x) && x >= 0 && x <= 2 ** 53));
  near(mean(f64), 2 ** 52, 2 ** 53 / Math.sqrt(12), f64.length, "float64 default mean");
  const i32 = sample((t, generator) => t.random_(undefined, undefined, { generator }), 100_000, "int32");
  assert.ok(i32.every((x) => x >= 0 && x <= 2 ** 31 - 1));
  near(mean(i32), 2 ** 30, 2 ** 31 / Math.sqrt(12), i32.length, "int32 default mean");
  const from = sample((t, generator) => t.random_(0, null, { generator }), 10_000, "bool");
  assert.deepEqual([...new Set(from)].sort(), [0, 1]);
  const neg = sample((t, generator) => t.random_(-(2 ** 31), 2 ** 31 - 1, { generator }), 10_000, "int32");
  assert.ok(neg.some((x) => x < 0) && neg.some((x) => x > 0));
  // float32 just below 2^25: PyTorch moves `to` down so no sample rounds up to it
  const top = sample((t, generator) => t.random_(2 ** 25 - 8, 2 ** 25 - 1, { generator }), 2000, "float32");
  assert.ok(top.every((x) => x >= 2 ** 25 - 8 && x < 2 ** 25 - 1));
});

test("random_: non-integer bounds are a TypeError naming the argument", () => {
  assert.throws(() => torch.zeros([2]).random_(1.5, 3), /^TypeError: random_\(\): argument 'from' \(position 1\) must be int, not float$/);
  assert.throws(() => torch.zeros([2]).random_(0, 2.5), /argument 'to' \(position 2\) must be int, not float/);
});

test("normal_ and uniform_: the distributions, and the generator repeats them", () => {
  const n = sample((t, generator) => t.normal_(2, 3, { generator }));
  near(mean(n), 2, 3, n.length, "normal mean");
  near(Math.sqrt(variance(n)), 3, 3, n.length, "normal sd");
  const u = sample((t, generator) => t.uniform_(-1, 3, { generator }));
  assert.ok(u.every((x) => x >= -1 && x < 3));
  near(mean(u), 1, 4 / Math.sqrt(12), u.length, "uniform mean");
  assert.deepEqual(sample((t, generator) => t.cauchy_(0, 1, { generator }), 10), sample((t, generator) => t.cauchy_(0, 1, { generator }), 10));
});

test("empty tensors: the checks still run, nothing is drawn", () => {
  const e = torch.empty([0]);
  assert.equal(e.exponential_().numel(), 0);
  assert.throws(() => e.exponential_(0), /lambda > 0\.0/);
  assert.throws(() => torch.empty([0], { dtype: "int32" }).logNormal_(), /"log_normal_cpu" not implemented for 'Int'/);
});
