import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import { castData } from "../ops/core.js";
import { defaultGenerator, type Generator } from "../ops/random.js";
import * as C from "./constraints.js";
import { broadcastAll, Distribution, type DistributionOptions, type SampleOptions } from "./distribution.js";

/*
 * Polynomial approximations of the modified Bessel functions I₀ and I₁ (Abramowitz and Stegun
 * 9.8.1–9.8.4, the ones PyTorch uses): in (x/3.75)² below 3.75, in 3.75/x above.
 */
const I0_SMALL = [1.0, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.360768e-1, 0.45813e-2];
const I0_LARGE = [0.39894228, 0.1328592e-1, 0.225319e-2, -0.157565e-2, 0.916281e-2, -0.2057706e-1, 0.2635537e-1, -0.1647633e-1, 0.392377e-2];
const I1_SMALL = [0.5, 0.87890594, 0.51498869, 0.15084934, 0.2658733e-1, 0.301532e-2, 0.32411e-3];
const I1_LARGE = [0.39894228, -0.3988024e-1, -0.362018e-2, 0.163801e-2, -0.1031555e-1, 0.2282967e-1, -0.2895312e-1, 0.1787654e-1, -0.420059e-2];

/** `Σ coef[i] yⁱ` by Horner's rule, in tensor ops (differentiable in y). */
function evalPoly(y: Tensor, coef: readonly number[]): Tensor {
  let result = torch.fullLike(y, coef[coef.length - 1]!);
  for (let i = coef.length - 2; i >= 0; i--) result = result.mul(y).add(coef[i]!);
  return result;
}

/** `log I_order(x)` for `x > 0`, order 0 or 1 (PyTorch's `_log_modified_bessel_fn`); differentiable in x. */
export function logModifiedBessel(x: Tensor, order: 0 | 1): Tensor {
  const ys = x.div(3.75).square();
  let small = evalPoly(ys, order === 0 ? I0_SMALL : I1_SMALL);
  if (order === 1) small = x.abs().mul(small);
  const yl = x.reciprocal().mul(3.75);
  const large = x.sub(x.log().mul(0.5)).add(evalPoly(yl, order === 0 ? I0_LARGE : I1_LARGE).log());
  return torch.where(torch.lt(x, 3.75), small.log(), large);
}

/**
 * The Best–Fisher proposal parameter r for concentration κ (in float64): `(1 + ρ²) / (2ρ)` with
 * `τ = 1 + √(1 + 4κ²)`, `ρ = (τ - √(2τ)) / (2κ)`; `1/κ + κ` below κ = 1e-5, where that cancels
 * (PyTorch 2.x; 1.13 has no such branch and can loop forever there).
 */
function proposalR(kappa: number): number {
  if (kappa < 1e-5) return 1 / kappa + kappa;
  const tau = 1 + Math.sqrt(1 + 4 * kappa * kappa);
  const rho = (tau - Math.sqrt(2 * tau)) / (2 * kappa);
  return (1 + rho * rho) / (2 * rho);
}

/** One von Mises draw about 0 by Best and Fisher's rejection (Applied Statistics, 1979), then shifted by `loc` into [-π, π). */
function drawVonMises(loc: number, kappa: number, r: number, g: Generator): number {
  let x: number;
  for (;;) {
    const u1 = g.random(), u2 = g.random(), u3 = g.random();
    const z = Math.cos(Math.PI * u1);
    const f = (1 + r * z) / (r + z);
    const c = kappa * (r - f);
    if (c * (2 - c) - u2 > 0 || Math.log(c / u2) + 1 - c >= 0) {
      x = Math.sign(u3 - 0.5) * Math.acos(f);
      break;
    }
  }
  // Python's % (the sign of the divisor)
  const t = x + Math.PI + loc, m = 2 * Math.PI;
  return ((t % m) + m) % m - Math.PI;
}

/**
 * The von Mises distribution on the circle: density `exp(κ cos(x - loc)) / (2π I₀(κ))` with
 * `κ = concentration`. `loc` and values may be any reals (angles modulo 2π); samples lie in
 * [-π, π). No `rsample` and no entropy (as PyTorch); `mean` and `variance` are the circular ones.
 *
 * @example
 * const d = new torch.distributions.VonMises(0, 2);
 * d.logProb(torch.tensor([0])); // 2 - log(2π I₀(2))
 */
export class VonMises extends Distribution {
  readonly loc: Tensor;
  readonly concentration: Tensor;

  constructor(loc: Tensor | number, concentration: Tensor | number, options: DistributionOptions = {}) {
    const [l, c] = broadcastAll(loc, concentration);
    super(l!.shape, [], options);
    this.loc = l!;
    this.concentration = c!;
    this.validateParams();
  }
  override get argConstraints(): Record<string, C.Constraint> {
    return { loc: C.real, concentration: C.positive };
  }
  protected override params(): Record<string, Tensor> {
    return { loc: this.loc, concentration: this.concentration };
  }
  get support(): C.Constraint {
    return C.real;
  }
  override expand(batchShape: readonly number[]): this {
    return this.withBatchShape(batchShape, { loc: this.loc.expand(batchShape), concentration: this.concentration.expand(batchShape) });
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return this.concentration.mul(value.sub(this.loc).cos()).sub(Math.log(2 * Math.PI)).sub(logModifiedBessel(this.concentration, 0));
  }
  /** Draws by Best and Fisher's rejection, computed in float64 whatever the dtype (as PyTorch 2.x). */
  override sample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const shape = this.extendedShape(sampleShape);
    const locs = castData(this.loc.detach().expand(shape).contiguous(), "float64").data;
    const kappas = castData(this.concentration.detach().expand(shape).contiguous(), "float64").data;
    const g = options.generator ?? defaultGenerator;
    const out = torch.zeros(shape, { dtype: this.loc.dtype });
    const o = out.data as Float32Array | Float64Array;
    for (let i = 0; i < o.length; i++) o[i] = drawVonMises(locs[i]!, kappas[i]!, proposalR(kappas[i]!), g);
    return out;
  }
  /** The circular mean: `loc`. */
  get mean(): Tensor {
    return this.loc;
  }
  override get mode(): Tensor {
    return this.loc;
  }
  /** The circular variance `1 - I₁(κ)/I₀(κ)`. */
  get variance(): Tensor {
    return torch.rsub(logModifiedBessel(this.concentration, 1).sub(logModifiedBessel(this.concentration, 0)).exp(), 1);
  }
  /** PyTorch has none. */
  entropy(): Tensor {
    throw new Error("VonMises does not implement entropy");
  }
}
