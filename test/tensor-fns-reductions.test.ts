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
