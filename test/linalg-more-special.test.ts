/**
 * torch.special against PyTorch (fixtures: scripts/gen_linalg_more_fixtures.py,
 * PyTorch 1.13, whose torch.special already has 2.x's functions and
 * gradients): values in float64 and float32, gradients where PyTorch defines
 * them, results outside the graph where it marks a function
 * non-differentiable, its errors where it has no derivative; float64
 * gradcheck of every differentiable function.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { caseInputs, type MoreFunctions, readMoreCases, testMoreCases } from "./linalg-more-cases.js";

const S = torch.special;
const CASES = readMoreCases("special-more.json");

const unary = (f: (x: Tensor) => Tensor) => (xs: Tensor[]) => [f(xs[0]!)];
const binary = (f: (x: Tensor, y: Tensor) => Tensor) => (xs: Tensor[]) => [f(xs[0]!, xs[1]!)];

const FNS: MoreFunctions = {
  erfcx: unary(S.erfcx), ndtr: unary(S.ndtr), logNdtr: unary(S.logNdtr), ndtri: unary(S.ndtri),
  i0e: unary(S.i0e), i1: unary(S.i1), i1e: unary(S.i1e), entr: unary(S.entr),
  sphericalBesselJ0: unary(S.sphericalBesselJ0), besselJ0: unary(S.besselJ0), besselJ1: unary(S.besselJ1),
  besselY0: unary(S.besselY0), besselY1: unary(S.besselY1),
  modifiedBesselI0: unary(S.modifiedBesselI0), modifiedBesselI1: unary(S.modifiedBesselI1),
  modifiedBesselK0: unary(S.modifiedBesselK0), modifiedBesselK1: unary(S.modifiedBesselK1),
  scaledModifiedBesselK0: unary(S.scaledModifiedBesselK0), scaledModifiedBesselK1: unary(S.scaledModifiedBesselK1),
  airyAi: unary(S.airyAi),
  gammaln: unary(S.gammaln), psi: unary(S.psi), expit: unary(S.expit), logit: unary((x) => S.logit(x)), sinc: unary(S.sinc),
  multigammaln: ([x], o) => [S.multigammaln(x!, o.p as number)],
  polygamma: ([x], o) => [S.polygamma(o.n as number, x!)],
  softmax: ([x], o) => [S.softmax(x!, o.dim as number)],
  logSoftmax: ([x], o) => [S.logSoftmax(x!, o.dim as number)],
  xlog1py: binary(S.xlog1py), zeta: binary(S.zeta), gammainc: binary(S.gammainc), gammaincc: binary(S.gammaincc),
  chebyshevPolynomialT: binary(S.chebyshevPolynomialT), chebyshevPolynomialU: binary(S.chebyshevPolynomialU),
  chebyshevPolynomialV: binary(S.chebyshevPolynomialV), chebyshevPolynomialW: binary(S.chebyshevPolynomialW),
  shiftedChebyshevPolynomialT: binary(S.shiftedChebyshevPolynomialT), shiftedChebyshevPolynomialU: binary(S.shiftedChebyshevPolynomialU),
  shiftedChebyshevPolynomialV: binary(S.shiftedChebyshevPolynomialV), shiftedChebyshevPolynomialW: binary(S.shiftedChebyshevPolynomialW),
  hermitePolynomialH: binary(S.hermitePolynomialH), hermitePolynomialHe: binary(S.hermitePolynomialHe),
  laguerrePolynomialL: binary(S.laguerrePolynomialL), legendrePolynomialP: binary(S.legendrePolynomialP),
};

testMoreCases("torch.special matches PyTorch", CASES, FNS, { float32: 2e-5, float64: 2e-8 }, S);

test("gradcheck (float64) of every differentiable torch.special function", () => {
  for (const c of CASES.filter((k) => k.dtype === "float64" && k.inputGrads !== null)) {
    // away from kinks and infinities: gradcheck's finite differences need a smooth neighbourhood
    const xs = caseInputs(c, "float64").map((x) => x.detach().requiresGrad_(false));
    const inputs = xs.map((x, i) => {
      const finite = torch.where(torch.isfinite(x), x, 0.5);
      return c.inputGrads![i] ? finite.requiresGrad_(true) : finite;
    });
    let fn = (...ts: Tensor[]) => FNS[c.fn]!(ts, c.options);
    if (c.fn === "entr" || c.fn === "logit" || c.fn === "ndtri") fn = (...ts: Tensor[]) => FNS[c.fn]!(ts.map((t) => t.clamp(0.05, 0.95)), c.options);
    if (c.fn === "erfcx" || c.fn === "i0e" || c.fn === "i1e" || c.fn === "ndtr" || c.fn === "i1") {
      fn = (...ts: Tensor[]) => FNS[c.fn]!(ts.map((t) => t.clamp(-5, 5).add(0.01)), c.options);
    }
    if (c.fn === "gammainc" || c.fn === "gammaincc" || c.fn === "zeta") fn = (...ts: Tensor[]) => FNS[c.fn]!([ts[0]!.clamp(1.5, 50), ts[1]!.clamp(0.45, 50)], c.options);
    if (c.fn === "xlog1py") fn = (...ts: Tensor[]) => FNS[c.fn]!([ts[0]!, ts[1]!.clamp(-0.45, 5)], c.options);
    assert.equal(torch.autograd.gradcheck(fn, inputs), true, c.name);
  }
});

test("torch.special: PyTorch's errors and edges", () => {
  const x = torch.tensor([2.5], { dtype: "float64", requiresGrad: true });
  const q = torch.tensor([1.5], { dtype: "float64", requiresGrad: true });
  // PyTorch defines no derivative of zeta in x, nor of igamma in a
  assert.throws(() => S.zeta(x, q).sum().backward(), /^Error: the derivative for 'zeta' is not implemented\.$/);
  assert.throws(() => S.gammainc(x, q).sum().backward(), /^Error: the derivative for 'igamma: input' is not implemented\.$/);
  assert.throws(() => S.gammaincc(x, q).sum().backward(), /^Error: the derivative for 'igammac: input' is not implemented\.$/);
  // the Bessel functions and polynomials are non_differentiable: the result is outside the graph
  assert.equal(S.besselJ0(x).requiresGrad, false);
  assert.equal(S.chebyshevPolynomialT(x, 3).requiresGrad, false);
  assert.throws(() => S.multigammaln(torch.tensor([0.5, 2]), 2), /^Error: All elements must be greater than \(p-1\)\/2$/);
  assert.throws(() => S.multigammaln(torch.tensor([2.0]), 0), /^Error: p has to be greater than or equal to 1$/);
  assert.equal(torch.mvlgamma, S.multigammaln);
  assert.equal(torch.igamma, S.gammainc);
  // numbers as either operand, and integer input gives the default float
  assert.deepEqual(S.zeta(2, torch.tensor([1.0])).shape, [1]);
  assert.ok(Math.abs(S.zeta(2, torch.tensor([1.0])).item() - Math.PI ** 2 / 6) < 1e-6);
  assert.equal(S.ndtr(torch.tensor([0, 1], { dtype: "int32" })).dtype, "float32");
  assert.equal(S.xlog1py(2, torch.tensor([0.5], { dtype: "float64" })).dtype, "float64");
});
