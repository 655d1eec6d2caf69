/**
 * `torch.special`: PyTorch 2.x's special functions, elementwise, in float32
 * and float64 (integer input gives the default float dtype), with gradients
 * where PyTorch defines them.
 *
 * @module
 */
export { erf, expm1, log1p, round, sigmoid as expit } from "./ops/elementwise.js";
export { erfinv, logit, xlogy } from "./ops/math.js";
export { erfc, exp2, i0, i1, sinc } from "./ops/pointwise-more.js";
export { digamma, digamma as psi, lgamma as gammaln, polygamma } from "./ops/gamma.js";
export { logsumexp } from "./ops/reduce.js";
export { softmax, logSoftmax } from "./ops/softmax.js";
export {
  erfcx, ndtr, logNdtr, ndtri, i0e, i1e, entr, xlog1py, zeta, gammainc, gammaincc, multigammaln,
  sphericalBesselJ0, besselJ0, besselJ1, besselY0, besselY1, modifiedBesselI0, modifiedBesselI1, modifiedBesselK0, modifiedBesselK1,
  scaledModifiedBesselK0, scaledModifiedBesselK1, airyAi,
  chebyshevPolynomialT, chebyshevPolynomialU, chebyshevPolynomialV, chebyshevPolynomialW,
  shiftedChebyshevPolynomialT, shiftedChebyshevPolynomialU, shiftedChebyshevPolynomialV, shiftedChebyshevPolynomialW,
  hermitePolynomialH, hermitePolynomialHe, laguerrePolynomialL, legendrePolynomialP,
} from "./ops/special-more.js";
