/**
 * `torch.poisson` and `torch.binomial`: counts drawn per element from
 * tensors of rates, or of trial counts and success probabilities. Both use
 * exact samplers (multiplication or geometric waiting times for small
 * means, Hörmann's transformed rejection with the exact acceptance test for
 * large ones). Like PyTorch's, poisson passes a zero gradient to its rates
 * and binomial has no derivative. The streams are torchlet's own.
 */
import { isFloating, scalarTypeName } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { broadcastShapes, needsGrad, record } from "./core.js";
import { fromTypedArray, zeros } from "./factories.js";
import { lgammaScalar } from "./gamma.js";
import { denseValues } from "./js-map.js";
import { defaultGenerator, type Generator } from "./random.js";

/** A Poisson(lambda) draw (lambda >= 0). */
function poissonDraw(g: Generator, lambda: number): number {
  if (lambda === 0) return 0;
  if (!Number.isFinite(lambda)) return Infinity;
  if (lambda < 10) {
    // multiply uniforms until the product drops below e^-lambda
    const limit = Math.exp(-lambda);
    let k = 0, prod = g.randomOpen();
    while (prod > limit) {
      k++;
      prod *= g.randomOpen();
    }
    return k;
  }
  // transformed rejection (PTRS), accepting by the exact log-probability
  const root = Math.sqrt(lambda), logLambda = Math.log(lambda);
  const b = 0.931 + 2.53 * root, a = -0.059 + 0.02483 * b, invAlpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = g.randomOpen() - 0.5, v = g.randomOpen(), us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <= -lambda + k * logLambda - lgammaScalar(k + 1)) return k;
  }
}

/** A Binomial(n, p) draw, for n >= 0 whole and 0 <= p <= 0.5. */
function binomialDraw(g: Generator, n: number, p: number): number {
  if (n * p < 10) {
    // successes counted through geometric waiting times between them
    const logQ = Math.log1p(-p);
    let successes = 0, trials = 0;
    for (;;) {
      trials += Math.ceil(Math.log(g.randomOpen()) / logQ);
      if (trials > n) return successes;
      successes++;
    }
  }
  // transformed rejection (BTRS), accepting by the exact log-probability
  const spq = Math.sqrt(n * p * (1 - p));
  const b = 1.15 + 2.53 * spq, a = -0.0873 + 0.0248 * b + 0.01 * p, c = n * p + 0.5, vr = 0.92 - 4.2 / b;
  const alpha = (2.83 + 5.1 / b) * spq, logOdds = Math.log(p / (1 - p));
  const m = Math.floor((n + 1) * p), h = lgammaScalar(m + 1) + lgammaScalar(n - m + 1);
  for (;;) {
    const u = g.randomOpen() - 0.5, v = g.randomOpen(), us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + c);
    if (k < 0 || k > n) continue;
    if (us >= 0.07 && v <= vr) return k;
    if (Math.log((v * alpha) / (a / (us * us) + b)) <= h - lgammaScalar(k + 1) - lgammaScalar(n - k + 1) + (k - m) * logOdds) return k;
  }
}

/**
 * A Poisson draw for each element of `rates` (a floating tensor of
 * non-negative rates), as `torch.poisson`.
 *
 * @example
 * const counts = torch.poisson(torch.full([1000], 3)); // mean about 3
 */
export function poisson(rates: Tensor, options: { generator?: Generator } = {}): Tensor {
  if (!isFloating(rates.dtype)) throw new Error(`"poisson_cpu" not implemented for '${scalarTypeName(rates.dtype)}'`);
  const g = options.generator ?? defaultGenerator;
  const lambdas = denseValues(rates, rates.shape, "float64");
  if (lambdas.some((l) => !(l >= 0))) throw new Error("invalid Poisson rate, expected rate to be non-negative");
  const draws = lambdas.map((l) => poissonDraw(g, l));
  const out = fromTypedArray(rates.dtype === "float32" ? Float32Array.from(draws) : draws, rates.shape);
  if (needsGrad(rates)) {
    const shape = [...rates.shape], dtype = rates.dtype;
    record("PoissonBackward0", [rates], out, () => [zeros(shape, { dtype })]);
  }
  return out;
}

/**
 * A Binomial(count, prob) draw per element (the two broadcast; both of one
 * floating dtype), as `torch.binomial`. As PyTorch's: a probability above 1
 * gives `count`, one below 0 or a negative count gives 0, NaN gives NaN.
 *
 * @example
 * torch.binomial(torch.tensor([10, 100]), torch.tensor([0.5, 0.1]));
 */
export function binomial(count: Tensor, prob: Tensor, options: { generator?: Generator } = {}): Tensor {
  if (prob.dtype !== count.dtype) throw new Error(`Found dtype ${scalarTypeName(prob.dtype)} but expected ${scalarTypeName(count.dtype)}`);
  if (!isFloating(count.dtype)) throw new Error(`"binomial_cpu" not implemented for '${scalarTypeName(count.dtype)}'`);
  const g = options.generator ?? defaultGenerator;
  const shape = broadcastShapes(count.shape, prob.shape, "binomial");
  const ns = denseValues(count, shape, "float64"), ps = denseValues(prob, shape, "float64");
  const draws = new Float64Array(ns.length);
  for (let i = 0; i < ns.length; i++) {
    const n = Math.floor(ns[i]!), p = ps[i]!;
    if (Number.isNaN(p) || Number.isNaN(n)) draws[i] = NaN;
    else if (n <= 0 || p <= 0) draws[i] = 0;
    else if (p >= 1) draws[i] = n;
    else draws[i] = p <= 0.5 ? binomialDraw(g, n, p) : n - binomialDraw(g, n, 1 - p);
  }
  const out = fromTypedArray(count.dtype === "float32" ? Float32Array.from(draws) : draws, shape);
  if (needsGrad(count, prob)) {
    record("NotImplemented", [count, prob], out, () => {
      throw new Error("derivative for aten::binomial is not implemented");
    });
  }
  return out;
}
