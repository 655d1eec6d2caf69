/**
 * Draws from Gamma(α, 1) with a gradient with respect to α (PyTorch's
 * `_standard_gamma`, the sampler behind Gamma, Chi2, StudentT, Beta and
 * Dirichlet).
 */
import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import { castData, needsGrad, record } from "../ops/core.js";
import { defaultGenerator, type Generator } from "../ops/random.js";

/** The smallest positive normal number of a dtype (`torch.finfo(dtype).tiny`): samples are clamped to it, as PyTorch clamps. */
export const tinyOf = (t: Tensor): number => (t.dtype === "float64" ? 2.2250738585072014e-308 : 1.1754943508222875e-38);

/** One draw of Gamma(a, 1) by Marsaglia and Tsang's method (2000); for a < 1, the draw for a + 1 times u^(1/a). */
function drawGamma(a: number, g: Generator): number {
  if (!(a > 0)) return NaN;
  const boost = a < 1;
  const d = (boost ? a + 1 : a) - 1 / 3, c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const z = g.normal();
    const t = 1 + c * z;
    if (t <= 0) continue;
    const v = t * t * t, u = g.random();
    const z2 = z * z;
    // the cheap squeeze first, then the exact acceptance test
    if (u < 1 - 0.0331 * z2 * z2 || Math.log(u) < 0.5 * z2 + d * (1 - v + Math.log(v))) {
      if (!boost) return d * v;
      let w = 0;
      while (w === 0) w = g.random();
      // in logs: u^(1/a) underflows for small a long before the product does
      return Math.exp(Math.log(d * v) + Math.log(w) / a);
    }
  }
}

/**
 * dx/dα for x ~ Gamma(α, 1) held at the same quantile (implicit reparameterisation):
 * -(∂P/∂α) / (∂P/∂x), P the regularised lower incomplete gamma function. With
 * P(α, x) = x^α e^-x Σₙ xⁿ / Γ(α + n + 1), ∂P/∂α is that series with each term times
 * (log x - ψ(α + n + 1)), and ∂P/∂x = x^(α-1) e^-x / Γ(α); their common factor
 * x^α e^-x / Γ(α + 1) cancels, leaving -(x/α) Σₙ rₙ (log x - ψ(α + n + 1)) with
 * r₀ = 1, rₙ₊₁ = rₙ x / (α + n + 1). `psi1` is ψ(α + 1). Exact up to rounding where x is
 * not far in the upper tail (there the sum cancels; such draws have vanishing probability).
 */
function gammaSampleGrad(a: number, x: number, psi1: number): number {
  const logX = Math.log(x);
  let r = 1, psi = psi1, sum = 0, total = 0;
  for (let n = 0; n < 1e7; n++) {
    sum += r * (logX - psi);
    total += r;
    const k = a + n + 1;
    // past the peak (n > x - α) the terms fall at least geometrically
    if (n > x - a && r < 1e-17 * total) break;
    r *= x / k;
    psi += 1 / k;
  }
  return (-x / a) * sum;
}

/** The gradient of `standardGamma`'s draws `x` with respect to `alpha` (PyTorch's `_standard_gamma_grad(alpha, x)`), without a gradient of its own. */
export function standardGammaGrad(alpha: Tensor, x: Tensor): Tensor {
  const [al, xs] = torch.broadcastTensors(alpha.detach(), x.detach());
  const a = castData(al!, "float64").data, xv = castData(xs!, "float64").data;
  const psi1 = castData(torch.digamma(torch.toDtype(al!, "float64").add(1)), "float64").data;
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = gammaSampleGrad(a[i]!, xv[i]!, psi1[i]!);
  return torch.tensor(Array.from(out), { dtype: alpha.dtype }).reshape(al!.shape);
}

/**
 * Gamma(α, 1) draws, one per element of `alpha` (at least the smallest positive normal
 * number, as PyTorch clamps them); differentiable in `alpha` by implicit
 * reparameterisation (`standardGammaGrad`).
 */
export function standardGamma(alpha: Tensor, generator?: Generator): Tensor {
  const g = generator ?? defaultGenerator;
  const a = castData(alpha, "float64").data;
  const tiny = tinyOf(alpha);
  const out = torch.zeros(alpha.shape, { dtype: alpha.dtype });
  const o = out.data as Float32Array | Float64Array;
  for (let i = 0; i < a.length; i++) o[i] = Math.max(drawGamma(a[i]!, g), tiny);
  // float32 rounding may take a draw back under tiny
  if (alpha.dtype === "float32") for (let i = 0; i < o.length; i++) if (o[i]! < tiny) o[i] = tiny;
  if (needsGrad(alpha)) record("StandardGammaBackward0", [alpha], out, ([gr], [al, x]) => [gr!.mul(standardGammaGrad(al!, x!))], [alpha, out]);
  return out;
}

