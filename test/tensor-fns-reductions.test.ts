/**
 * The statistics and order statistics added to torch (stdMean / varMean,
 * aminmax, mode, nanmedian, nanquantile, msort, cov / corrcoef, histc,
 * bincount, trapezoid, argwhere, uniqueConsecutive), against PyTorch
 * (fixtures: scripts/gen_tensor_fns_fixtures.py, PyTorch 1.13): values,
 * indices, dtypes, gradients and PyTorch's errors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { check, checkError, gradcheckCase } from "./tensor-fns-fixtures.js";
import { warningMessagesDuring } from "./warnings-capture.js";

const long = (v: number[]) => torch.tensor(v, { dtype: "int32" });

test("stdMean / varMean give [std or var, mean] with gradients through both", () => {
  check("std_mean dim keepdim", (x) => torch.stdMean(x, 1, { keepdim: true }));
  check("var_mean all correction 0", (x) => torch.varMean(x, [0, 1], { correction: 0 }));
  gradcheckCase("std_mean dim keepdim", (x) => torch.stdMean(x, 1, { keepdim: true }));
});

test("aminmax: values over all and along a dim; PyTorch's errors for empty input; each part has amin's / amax's gradient", () => {
  check("aminmax dim", (x) => {
    const { min, max } = torch.aminmax(x, { dim: 1 });
    return [min, max];
  });
  check("aminmax all", (x) => {
    const { min, max } = x.aminmax();
    return [min, max];
  });
  checkError("aminmax empty", () => torch.aminmax(torch.zeros([0])));
  checkError("aminmax empty dim", () => torch.aminmax(torch.zeros([2, 0]), { dim: 1 }));
  // PyTorch 1.13 has no derivative for aminmax; the newest PyTorch gives amin's and amax's (ties share it)
  const x = torch.tensor([[1, 5, 5], [3, 2, 3]], { requiresGrad: true });
  const { min, max } = torch.aminmax(x, { dim: 1, keepdim: true });
  assert.deepEqual(min.shape, [2, 1]);
  min.sum().add(max.sum()).backward();
  assert.deepEqual(x.grad!.tolist(), [[1, 0.5, 0.5], [0.5, 1, 0.5]]);
});

test("mode: the smallest most frequent value and its last index, along a dim; its gradient goes to that index", () => {
  check("mode dim 0", (x) => {
    const { values, indices } = torch.mode(x, 0);
    return [values, indices];
  });
  check("mode last keepdim", (x) => {
    const { values, indices } = x.mode(-1, { keepdim: true });
    return [values, indices];
  });
  check("mode int", (x) => {
    const { values, indices } = torch.mode(x);
    return [values, indices];
  });
  check("mode 0-d", (x) => {
    const { values, indices } = torch.mode(x);
    return [values, indices];
  });
  checkError("mode empty", () => torch.mode(torch.zeros([0])));
});

test("nanmedian and nanquantile skip NaN (NaN only for an all-NaN line); msort", () => {
  check("nanmedian all", (x) => torch.nanmedian(x));
  check("nanmedian all nan", (x) => x.nanmedian());
  check("nanmedian dim", (x) => {
    const { values, indices } = torch.nanmedian(x, 1);
    return [values, indices];
  });
  check("nanmedian dim 0 keepdim", (x) => {
    const { values, indices } = x.nanmedian(0, { keepdim: true });
    return [values, indices];
  });
  check("nanmedian int", (x) => torch.nanmedian(x));
  assert.ok(Number.isNaN(torch.nanmedian(torch.zeros([0])).item()));
  check("nanquantile", (x) => torch.nanquantile(x, 0.3));
  check("nanquantile dim tensor q keepdim", (x) => torch.nanquantile(x, torch.tensor([0.25, 0.5, 0.9]), 1, { keepdim: true }));
  for (const mode of ["lower", "higher", "midpoint", "nearest"] as const) check(`nanquantile ${mode}`, (x) => x.nanquantile(0.4, 1, { interpolation: mode }));
  check("msort", (x) => torch.msort(x));
  checkError("nanquantile int", () => torch.nanquantile(long([1, 2]), 0.5));
  checkError("nanquantile q", () => torch.nanquantile(torch.tensor([1, 2]), 1.5));
  checkError("nanquantile empty", () => torch.nanquantile(torch.zeros([0]), 0.5));
  gradcheckCase("nanquantile", (x) => torch.nanquantile(x, 0.3));
});

test("cov (weights, correction) and corrcoef, differentiable; PyTorch's checks of the weights", async () => {
  check("cov", (x) => torch.cov(x));
  check("cov 1-d", (x) => x.cov());
  check("cov weights correction 0", (x) => torch.cov(x, { correction: 0, fweights: long([1, 2, 1, 3]), aweights: torch.tensor([0.5, 2, 1, 1]) }));
  check("cov aweights", (x) => torch.cov(x, { aweights: torch.tensor([0.5, 2, 1, 1]) }));
  check("cov int", (x) => torch.cov(x));
  check("corrcoef", (x) => torch.corrcoef(x));
  gradcheckCase("cov aweights", (x) => torch.cov(x, { aweights: torch.tensor([0.5, 2, 1, 1], { dtype: "float64" }) }));
  gradcheckCase("corrcoef", (x) => x.corrcoef());
  const obs = torch.ones([3, 4]);
  checkError("cov 3-d", () => torch.cov(torch.ones([2, 2, 2])));
  checkError("cov fweights float", () => torch.cov(obs, { fweights: torch.tensor([1, 2, 1, 1]) }));
  checkError("cov fweights negative", () => torch.cov(obs, { fweights: long([1, -2, 1, 1]) }));
  checkError("cov aweights int", () => torch.cov(obs, { aweights: long([1, 2, 1, 1]) }));
  checkError("cov aweights numel", () => torch.cov(obs, { aweights: torch.tensor([1, 2]) }));
  // one observation: PyTorch warns and divides by 0
  const warned = await warningMessagesDuring(() => assert.ok(Number.isNaN(torch.cov(torch.tensor([1])).item())));
  assert.ok(warned.some((m) => m.startsWith("cov(): degrees of freedom is <= 0")));
});

test("histc and bincount: counts (not differentiable), dtypes and PyTorch's errors", () => {
  check("histc", (x) => torch.histc(x));
  check("histc range", (x) => x.histc(4, 0, 3));
  check("histc one value", (x) => torch.histc(x, 4));
  check("histc float64 edges", (x) => torch.histc(x, 5, 0, 1));
  check("bincount", (x) => torch.bincount(x));
  check("bincount weights", (x, w) => x.bincount(w, 8));
  check("bincount int weights", (x, w) => torch.bincount(x, w));
  assert.deepEqual(torch.histc(torch.zeros([0]), 3).tolist(), [0, 0, 0]);
  checkError("histc int", () => torch.histc(long([1])));
  checkError("histc bins", () => torch.histc(torch.tensor([1]), 0));
  checkError("histc order", () => torch.histc(torch.tensor([1]), 3, 2, 1));
  checkError("histc inf", () => torch.histc(torch.tensor([1, Infinity])));
  checkError("bincount negative", () => torch.bincount(long([-1])));
  checkError("bincount float", () => torch.bincount(torch.tensor([1])));
  checkError("bincount weights", () => torch.bincount(long([1, 1]), torch.tensor([1])));
  // PyTorch: backward through weighted bincount is not implemented
  const w = torch.tensor([1, 2], { requiresGrad: true });
  assert.throws(() => torch.bincount(long([0, 1]), w).sum().backward(), { message: /^derivative for aten::bincount is not implemented/ });
});

test("trapezoid and cumulativeTrapezoid: dx, points x (1-d and broadcast), dims; gradients", () => {
  check("trapezoid", (y) => torch.trapezoid(y));
  check("trapezoid dx dim 0", (y) => torch.trapezoid(y, { dx: 2.5, dim: 0 }));
  check("trapezoid x", (y, x) => torch.trapezoid(y, x));
  check("trapezoid x 2-d", (y, x) => torch.trapz(y, x));
  check("trapezoid int", (y) => torch.trapezoid(y));
  check("cumulative_trapezoid", (y) => torch.cumulativeTrapezoid(y));
  check("cumulative_trapezoid x", (y, x) => torch.cumulativeTrapezoid(y, x));
  check("cumulative_trapezoid dx", (y) => torch.cumulativeTrapezoid(y, null, { dx: 0.5, dim: 0 }));
  // PyTorch: trapezoid of one sample or none is 0; cumulative_trapezoid of one sample is empty
  assert.equal(torch.trapezoid(torch.tensor([1])).item(), 0);
  assert.equal(torch.trapezoid(torch.zeros([0])).item(), 0);
  assert.deepEqual(torch.cumulativeTrapezoid(torch.tensor([1])).shape, [0]);
  checkError("trapezoid x length", () => torch.trapezoid(torch.tensor([1, 2, 4]), torch.tensor([0, 1])));
  checkError("trapezoid 0-d", () => torch.trapezoid(torch.tensor(1)));
  gradcheckCase("trapezoid x 2-d", (y, x) => torch.trapezoid(y, x));
  gradcheckCase("cumulative_trapezoid x", (y, x) => torch.cumulativeTrapezoid(y, x));
});

test("argwhere and uniqueConsecutive (flattened and along a dim, with inverse and counts)", () => {
  check("argwhere", (x) => torch.argwhere(x));
  assert.deepEqual(torch.argwhere(torch.tensor(3)).shape, [1, 0]);
  assert.deepEqual(torch.tensor(0).argwhere().shape, [0, 0]);
  check("unique_consecutive", (x) => torch.uniqueConsecutive(x, { returnInverse: true, returnCounts: true }));
  check("unique_consecutive dim 1", (x) => x.uniqueConsecutive({ returnInverse: true, returnCounts: true, dim: 1 }));
  check("unique_consecutive dim 0", (x) => torch.uniqueConsecutive(x, { dim: 0 }));
  // NaN never equals NaN; 0-d input gives one value and a 0-d inverse, as PyTorch
  assert.equal(torch.uniqueConsecutive(torch.tensor([NaN, NaN])).shape[0], 2);
  const [v, inv] = torch.uniqueConsecutive(torch.tensor(3), { returnInverse: true });
  assert.deepEqual([v!.shape, inv!.shape], [[1], []]);
  assert.throws(() => torch.uniqueConsecutive(torch.tensor([1, 1], { requiresGrad: true })).sum().backward(), { message: "the derivative for 'unique_consecutive' is not implemented." });
});

test("differential-probe regressions: cov's weights in the graph and its dtypes, histc's edge rounding, empty bincount, quantile shapes and checks, 0-d and empty cases", () => {
  // x = torch.tensor([[1., 2, 4], [0, 1, 1]], dtype=torch.float64, requires_grad=True); aw = torch.tensor([1., 2, .5], dtype=torch.float64, requires_grad=True)
  // c = torch.cov(x, fweights=torch.tensor([1, 2, 1]), aweights=aw); (c * torch.tensor([[1., 2], [3, 4]], dtype=torch.float64)).sum().backward()
  const x = torch.tensor([[1, 2, 4], [0, 1, 1]], { dtype: "float64", requiresGrad: true });
  const aw = torch.tensor([1, 2, 0.5], { dtype: "float64", requiresGrad: true });
  const c = torch.cov(x, { fweights: long([1, 2, 1]), aweights: aw });
  const near = (got: number[], want: number[]) => got.forEach((g, i) => assert.ok(Math.abs(g - want[i]!) < 1e-12, `${g} vs ${want[i]}`));
  near(Array.from(c.toArray()), [0.7857142857142857, 0.2619047619047619, 0.2619047619047619, 0.21428571428571427]);
  c.mul(torch.tensor([[1, 2], [3, 4]], { dtype: "float64" })).sum().backward();
  near(Array.from(x.grad!.toArray()), [-1.5952380952380953, 0.9523809523809524, 0.6428571428571428, -3.023809523809524, 1.523809523809524, 1.5]);
  // the weights' gradient flows through their sum and the normalization too (it used to be dropped there)
  near(Array.from(aw.grad!.toArray()), [1.3061224489795917, -0.8253968253968254, 0.6893424036281179]);
  // dtypes as PyTorch's arithmetic gives them: int input -> float32; float64 weights -> float64
  const xi = torch.tensor([[1, 2, 4], [0, 1, 1]], { dtype: "int32" });
  assert.equal(torch.cov(xi).dtype, "float32");
  assert.equal(torch.cov(xi, { aweights: torch.tensor([1, 2, 1], { dtype: "float64" }) }).dtype, "float64");
  assert.equal(torch.cov(torch.tensor([[1, 2, 4]]), { aweights: torch.tensor([1, 2, 1], { dtype: "float64" }) }).dtype, "float64");
  assert.throws(() => torch.cov(torch.tensor([1, 2]), { fweights: long([0, 0]) }), { message: /^cov\(\): weights sum to zero, can't be normalized/ });
  assert.throws(() => torch.cov(torch.tensor([true, false])), { message: /^cov\(\): bool dtype is not supported for input/ });
  assert.throws(() => torch.corrcoef(torch.ones([2, 2, 2])), { message: /^corrcoef\(\): expected input to have two or fewer dimensions/ });
  // torch.histc(torch.tensor([-1.1104007959365845]), 100).nonzero() -> [[49]] in float32, [[50]] in float64:
  // the one value sits on the middle edge of [v - 1, v + 1] and PyTorch's float32 arithmetic rounds it down
  const one = [-1.1104007959365845];
  assert.equal(Array.from(torch.histc(torch.tensor(one), 100).toArray()).indexOf(1), 49);
  assert.equal(Array.from(torch.histc(torch.tensor(one, { dtype: "float64" }), 100).toArray()).indexOf(1), 50);
  // torch.histc(torch.tensor([-1.2066031694412231]), 10).nonzero() -> [[4]] ((x - left) / width * bins, in float32)
  assert.equal(Array.from(torch.histc(torch.tensor([-1.2066031694412231]), 10).toArray()).indexOf(1), 4);
  // torch.histc(torch.tensor([0.1, 0.2, 0.3, 0.7]), 10, 0, 1) = [0, 1, 1, 1, 0, 0, 0, 1, 0, 0]
  assert.deepEqual(torch.histc(torch.tensor([0.1, 0.2, 0.3, 0.7]), 10, 0, 1).tolist(), [0, 1, 1, 1, 0, 0, 0, 1, 0, 0]);
  // torch.bincount(torch.tensor([], dtype=torch.long), torch.tensor([], dtype=torch.float64), 2) = tensor([0, 0]) (int64, whatever the weights)
  const e = torch.bincount(long([]), torch.zeros([0], { dtype: "float64" }), 2);
  assert.deepEqual([e.dtype, e.tolist()], ["int32", [0, 0]]);
  // ... before the weights are looked at: torch.bincount(torch.tensor([], dtype=torch.long), torch.tensor([1.])) = tensor([], dtype=torch.int64)
  assert.deepEqual(torch.bincount(long([]), torch.tensor([1])).shape, [0]);
  // quantile / nanquantile: a 0-d input keeps no dim even with keepdim; an empty q gives an empty leading dim;
  // q must have the input's dtype; PyTorch's order of checks
  assert.deepEqual(torch.nanquantile(torch.tensor(2), 0.5, 0, { keepdim: true }).shape, []);
  assert.deepEqual(torch.nanquantile(torch.tensor(2), torch.tensor([0.2, 0.7]), 0, { keepdim: true }).shape, [2]);
  const m = torch.tensor([[1, 2], [3, 4]], { requiresGrad: true });
  const none = torch.nanquantile(m, torch.zeros([0]), 1);
  assert.deepEqual([none.shape, none.requiresGrad], [[0, 2], true]);
  assert.deepEqual(torch.quantile(m, torch.zeros([0]), 1, { keepdim: true }).shape, [0, 2, 1]);
  assert.throws(() => torch.nanquantile(m, torch.tensor([0.5], { dtype: "float64" })), { message: /^quantile\(\) q tensor must be same dtype as the input tensor/ });
  assert.throws(() => torch.quantile(long([1, 2]), 1.5), { message: /^quantile\(\) q must be in the range \[0, 1\] but got 1.5/ });
  assert.throws(() => torch.quantile(m, torch.tensor([1.5])), { message: /^quantile\(\) q values must be in the range \[0, 1\]/ });
  assert.throws(() => torch.nanmedian(torch.zeros([2, 0]), 1), { message: /^median\(\): Expected reduction dim 1 to have non-zero size/ });
  assert.throws(() => torch.stdMean(long([1, 2])), { message: /^std_mean only support floating point and complex dtypes/ });
  // trapezoid over no samples: zeros of y's dtype outside the graph (torch.trapezoid(torch.zeros(2, 0, 3, requires_grad=True), dim=1))
  const y = torch.zeros([2, 0, 3], { requiresGrad: true });
  for (const t of [torch.trapezoid(y, { dim: 1 }), torch.trapezoid(y, torch.zeros([0]), { dim: 1 })]) assert.deepEqual([t.shape, t.requiresGrad], [[2, 3], false]);
  assert.equal(torch.trapezoid(torch.zeros([2, 0], { dtype: "int32" }), { dx: 0.5 }).dtype, "int32");
  const ct = torch.cumulativeTrapezoid(y, torch.zeros([0]), { dim: 1 });
  assert.deepEqual([ct.shape, ct.requiresGrad], [[2, 0, 3], true]);
  assert.throws(() => torch.trapezoid(torch.tensor([true, false])), { message: /^trapezoid: received a bool input for `y`, but bool is not supported/ });
  assert.throws(() => torch.cumulativeTrapezoid(torch.tensor([true, false]), torch.tensor([1, 2])), { message: /^cumulative_trapezoid: received a bool input for `x` or `y`/ });
  assert.throws(() => torch.cumulativeTrapezoid(torch.tensor(1)), { message: /^slice\(\) cannot be applied to a 0-dim tensor\./ });
  // unique_consecutive along a dim: not of a 0-d tensor, and not with another empty dim (PyTorch's messages)
  assert.throws(() => torch.uniqueConsecutive(torch.tensor(1), { dim: -1 }), { message: /^Dimension specified as -1 but tensor has no dimensions/ });
  assert.throws(() => torch.uniqueConsecutive(torch.zeros([2, 0]), { dim: 0 }), { message: /^There are 0 sized dimensions, and they aren't selected/ });
  assert.throws(() => torch.uniqueConsecutive(torch.zeros([0, 0]), { dim: 0 }), { message: /^Number of zero sized dimensions is more than one/ });
  assert.deepEqual(torch.uniqueConsecutive(torch.zeros([0, 3]), { dim: 0, returnCounts: true }).map((t) => t.shape), [[0, 3], [0]]);
  // mode orders NaN after the numbers (a consistent sort): torch.mode(torch.tensor([-0., 1.3767287731170654, nan, -1.6292210817337036]))
  // = (-1.6292210817337036, 3)
  const md = torch.mode(torch.tensor([-0, 1.3767287731170654, NaN, -1.6292210817337036]));
  assert.deepEqual([md.values.item(), md.indices.item()], [Math.fround(-1.6292210817337036), 3]);
});
