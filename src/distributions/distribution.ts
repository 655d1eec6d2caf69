/**
 * The base class of `torch.distributions`: shapes, sampling, argument
 * validation with PyTorch's messages.
 */
import * as torch from "../index.js";
import type { Generator, Tensor } from "../index.js";
import type { Constraint } from "./constraints.js";
import { pyFormat } from "./py-format.js";

/** Options every distribution takes. */
export interface DistributionOptions {
  /** Check parameters against their constraints and values against the support (default true, like PyTorch). */
  validateArgs?: boolean;
}

/** Options of `sample` / `rsample`. */
export interface SampleOptions {
  generator?: Generator;
}

/** Python's tuple repr of a shape: `()`, `(3,)`, `(2, 3)`. */
export const pyTuple = (s: readonly number[]): string => (s.length === 1 ? `(${s[0]},)` : `(${s.join(", ")})`);
/** PyTorch's (snake_case) name of a parameter: `covarianceMatrix` → `covariance_matrix`. */
const pyName = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
/** `torch.Size([2, 3])`. */
export const pySize = (s: readonly number[]): string => `torch.Size([${s.join(", ")}])`;

/** Numbers become tensors (of the first tensor's dtype, else float32), then all broadcast to one shape. */
export function broadcastAll(...xs: (Tensor | number)[]): Tensor[] {
  const first = xs.find((x): x is Tensor => typeof x !== "number");
  const dtype = first?.dtype === "float64" ? "float64" : "float32";
  const ts = xs.map((x) => (typeof x === "number" ? torch.tensor(x, { dtype }) : x));
  return torch.broadcastTensors(...ts);
}

/** Sums the `n` rightmost dims. */
export function sumRightmost(x: Tensor, n: number): Tensor {
  return n === 0 ? x : x.sum(Array.from({ length: n }, (_, i) => -1 - i));
}

/**
 * A probability distribution (PyTorch's `torch.distributions.Distribution`).
 * `batchShape` indexes independent distributions, `eventShape` is the shape
 * of one draw; a sample has shape `sampleShape + batchShape + eventShape`.
 *
 * @example
 * const d = new torch.distributions.Normal(torch.zeros([3]), torch.ones([3]));
 * d.batchShape; // [3]
 * d.sample([5]).shape; // [5, 3]
 */
export abstract class Distribution {
  readonly batchShape: number[];
  readonly eventShape: number[];
  readonly validateArgs: boolean;
  /** Whether `rsample` is implemented (samples differentiable in the parameters). */
  get hasRsample(): boolean {
    return false;
  }

  /** The parameters' constraints, checked on construction when `validateArgs`. */
  get argConstraints(): Record<string, Constraint> {
    return {};
  }
  /** The set of values this distribution puts mass on. */
  abstract get support(): Constraint;

  constructor(batchShape: readonly number[], eventShape: readonly number[], options: DistributionOptions = {}) {
    this.batchShape = [...batchShape];
    this.eventShape = [...eventShape];
    this.validateArgs = options.validateArgs ?? true;
  }

  /** The parameters that were given (the others are derived), as PyTorch's repr lists them. */
  protected params(): Record<string, Tensor> {
    return {};
  }

  /** Subclasses call this at the end of their constructor: PyTorch's parameter checks. */
  protected validateParams(): void {
    if (!this.validateArgs) return;
    const cons = this.argConstraints;
    for (const [name, value] of Object.entries(this.params())) {
      const c = cons[name];
      if (c === undefined) continue;
      if (!torch.all(c.check(value)).item())
        throw new Error(
          `Expected parameter ${pyName(name)} (Tensor of shape ${pyTuple(value.shape)}) of distribution ${this.toString()} ` +
            `to satisfy the constraint ${c.name}, but found invalid values:\n${pyFormat(value)}`,
        );
    }
  }

  /**
   * PyTorch's repr: `Normal(loc: torch.Size([3]), scale: torch.Size([3]))`, or the value of a
   * one-element parameter (a 0-d one as a Python scalar: `Normal(loc: 0.0, scale: 1.0)`).
   */
  toString(): string {
    const args = Object.entries(this.params()).map(([k, v]) => `${pyName(k)}: ${v.numel() === 1 ? pyFormat(v) : pySize(v.shape)}`);
    return `${this.constructor.name}(${args.join(", ")})`;
  }

  /** `sampleShape + batchShape + eventShape`. */
  extendedShape(sampleShape: readonly number[] = []): number[] {
    return [...sampleShape, ...this.batchShape, ...this.eventShape];
  }

  /**
   * PyTorch's `_validate_sample`: a tensor, event shape, broadcastability, support. A value that is
   * not a tensor is refused even without `validateArgs`, where PyTorch would compute with a Python
   * number: torchlet's ops take tensors, and PyTorch's message says more than a failed method call.
   * Public because a distribution built on another checks values against it (a transformed
   * distribution's cdf checks the base distribution's support).
   */
  validateSample(value: Tensor): void {
    if (!((value as unknown) instanceof torch.Tensor)) throw new Error("The value argument to log_prob must be a Tensor");
    if (!this.validateArgs) return;
    const ev = this.eventShape, vs = value.shape;
    const evStart = vs.length - ev.length;
    if (evStart < 0 || ev.some((d, i) => vs[evStart + i] !== d))
      throw new Error(`The right-most size of value must match event_shape: ${pySize(vs)} vs ${pySize(ev)}.`);
    const expected = [...this.batchShape, ...ev];
    for (let i = 1; i <= Math.min(vs.length, expected.length); i++) {
      const a = vs[vs.length - i]!, b = expected[expected.length - i]!;
      if (a !== 1 && b !== 1 && a !== b)
        throw new Error(`Value is not broadcastable with batch_shape+event_shape: ${pySize(vs)} vs ${pySize(expected)}.`);
    }
    const s = this.support;
    if (!torch.all(s.check(value)).item())
      throw new Error(
        `Expected value argument (Tensor of shape ${pyTuple(vs)}) to be within the support (${s.name}) ` +
          `of the distribution ${this.toString()}, but found invalid values:\n${pyFormat(value)}`,
      );
  }

  /** A reparameterised sample: differentiable in the parameters. Throws where the distribution has none. */
  rsample(_sampleShape: readonly number[] = [], _options: SampleOptions = {}): Tensor {
    throw new Error(`${this.constructor.name} does not implement rsample`);
  }

  /** A sample of shape `sampleShape + batchShape + eventShape`, without gradient. */
  sample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    return torch.noGrad(() => this.rsample(sampleShape, options));
  }

  /**
   * The same distribution over a larger batch: `batchShape` must be one that the current batch
   * shape expands to (as `Tensor.expand`). The parameters are expanded views, and are neither
   * validated again nor recomputed (PyTorch's `expand`).
   *
   * @example
   * new torch.distributions.Normal(torch.zeros([3]), 1).expand([2, 3]).batchShape; // [2, 3]
   */
  expand(_batchShape: readonly number[]): this {
    throw new Error(`${this.constructor.name} does not implement expand`);
  }

  /**
   * A new instance of this class with `batchShape` and the given fields replaced, made without
   * running the constructor: `expand` must neither validate nor recompute derived parameters
   * (normalising expanded probabilities again would change them by a rounding error).
   */
  protected withBatchShape(batchShape: readonly number[], fields: Record<string, unknown>): this {
    const d = Object.create(Object.getPrototypeOf(this) as object) as this;
    return Object.assign(d, this, { batchShape: [...batchShape] }, fields);
  }

  /** Whether `enumerateSupport` is implemented (distributions over a finite set). */
  get hasEnumerateSupport(): boolean {
    return false;
  }
  /**
   * Every value of the support, along a new leading dim: shape `[k, ...batchShape]` with
   * `expand` (the default), else `[k, 1, ..., 1]`.
   */
  enumerateSupport(_options: { expand?: boolean } = {}): Tensor {
    throw new Error(`${this.constructor.name} does not implement enumerate_support`);
  }

  /** The log of the density (or mass) at `value`. */
  abstract logProb(value: Tensor): Tensor;
  /** The entropy, of shape `batchShape`. */
  abstract entropy(): Tensor;
  abstract get mean(): Tensor;
  abstract get variance(): Tensor;
  /** The most likely value (NaN where there is none, e.g. a uniform distribution's), of shape `batchShape + eventShape`. */
  get mode(): Tensor {
    throw new Error(`${this.constructor.name} does not implement mode`);
  }
  /** `exp(entropy)`, of shape `batchShape`. */
  perplexity(): Tensor {
    return this.entropy().exp();
  }
  /** The standard deviation, `sqrt(variance)`. */
  get stddev(): Tensor {
    return this.variance.sqrt();
  }
  /** The cumulative distribution function at `value`. */
  cdf(_value: Tensor): Tensor {
    throw new Error(`${this.constructor.name} does not implement cdf`);
  }
  /** The inverse of `cdf`. */
  icdf(_value: Tensor): Tensor {
    throw new Error(`${this.constructor.name} does not implement icdf`);
  }
}
