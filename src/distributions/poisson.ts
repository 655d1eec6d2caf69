import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import { castData } from "../ops/core.js";
import { defaultGenerator, type Generator } from "../ops/random.js";
import * as C from "./constraints.js";
import { broadcastAll, Distribution, type DistributionOptions, type SampleOptions } from "./distribution.js";

/** log k! for an integer k >= 0: exact sums up to 30, Stirling's series beyond (error below 1e-15 there). */
export function logFactorial(k: number): number {
  if (k < 30) {
    let s = 0;
    for (let i = 2; i <= k; i++) s += Math.log(i);
    return s;
  }
  const n = k + 1, inv = 1 / n, inv2 = inv * inv;
  return (n - 0.5) * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI) + inv * (1 / 12 - inv2 * (1 / 360 - inv2 / 1260));
}

/**
 * One Poisson(λ) draw: Knuth's product of uniforms for λ < 10 (expected λ + 1 draws);
 * beyond, Hörmann's transformed rejection (PTRS, 1993), a bounded number of draws.
 */
export function drawPoisson(lam: number, g: Generator): number {
  if (!(lam >= 0)) return NaN;
  if (lam === 0) return 0;
  if (lam < 10) {
    const limit = Math.exp(-lam);
    let k = 0, p = g.random();
    while (p > limit) {
      k++;
      p *= g.random();
    }
    return k;
  }
  const slam = Math.sqrt(lam), loglam = Math.log(lam);
  const b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = g.random() - 0.5, v = g.random();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lam + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <= -lam + k * loglam - logFactorial(k)) return k;
  }
}

/**
 * The Poisson distribution with mean `rate`: `P(k) = rate^k e^(-rate) / k!` on the
 * nonnegative integers; samples are floats of the rate's dtype.
 *
 * @example
 * const d = new torch.distributions.Poisson(torch.tensor([1, 4]));
 * d.logProb(torch.tensor([0, 4]));
 */
export class Poisson extends Distribution {
  readonly rate: Tensor;

  constructor(rate: Tensor | number, options: DistributionOptions = {}) {
    const [r] = broadcastAll(rate);
    super(r!.shape, [], options);
    this.rate = r!;
    this.validateParams();
  }
  override get argConstraints(): Record<string, C.Constraint> {
    return { rate: C.nonnegative };
  }
  protected override params(): Record<string, Tensor> {
    return { rate: this.rate };
  }
  get support(): C.Constraint {
    return C.nonnegativeInteger;
  }
  get mean(): Tensor {
    return this.rate;
  }
  override get mode(): Tensor {
    return this.rate.floor();
  }
  get variance(): Tensor {
    return this.rate;
  }
  override expand(batchShape: readonly number[]): this {
    return this.withBatchShape(batchShape, { rate: this.rate.expand(batchShape) });
  }
  override sample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const shape = this.extendedShape(sampleShape);
    const rates = castData(this.rate.detach().expand(shape).contiguous(), "float64").data;
    const g = options.generator ?? defaultGenerator;
    const out = torch.zeros(shape, { dtype: this.rate.dtype });
    const o = out.data as Float32Array | Float64Array;
    for (let i = 0; i < o.length; i++) o[i] = drawPoisson(rates[i]!, g);
    return out;
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    return torch.xlogy(value, this.rate).sub(this.rate).sub(torch.lgamma(value.add(1)));
  }
  /** PyTorch has no closed form here either (its exponential-family entropy needs a carrier measure Poisson lacks). */
  entropy(): Tensor {
    throw new Error("Poisson does not implement entropy");
  }
}
