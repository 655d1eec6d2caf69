/**
 * The base of `torch.distributions.transforms`: an invertible map with its
 * log-Jacobian, domain and codomain, and PyTorch's one-entry cache of the last
 * `x ↔ y` pair; and the inverse of a transform (`t.inv`).
 */
import type { Tensor } from "../../index.js";
import type { Constraint } from "../constraints.js";

/** Options every transform takes. */
export interface TransformOptions {
  /**
   * 0 (the default): no caching. 1: the last `x ↔ y` pair is kept, so that `t.call(x)` with the same
   * tensor object `x`, or `t.inv.call(y)` with the `y` it returned, gives back the other side
   * without computing (PyTorch's `cache_size`; useful where the inverse is costly or inexact).
   */
  cacheSize?: number;
}

/**
 * An invertible (or pseudo-invertible) map with a computable log-Jacobian
 * (PyTorch's `torch.distributions.transforms.Transform`), mainly for
 * `TransformedDistribution`. Subclasses implement `forward` and/or `inverse`,
 * and bijective ones `logAbsDetJacobian`.
 *
 * @example
 * const t = new torch.distributions.transforms.ExpTransform();
 * const y = t.call(torch.tensor([0, 1])); // [1, e]
 * t.inv.call(y); // [0, 1]
 * t.logAbsDetJacobian(torch.tensor([0, 1]), y); // log |dy/dx| = x
 */
export abstract class Transform {
  /** 0 or 1: how many `x ↔ y` pairs are cached. */
  readonly cacheSize: 0 | 1;
  private cachedX: Tensor | null = null;
  private cachedY: Tensor | null = null;
  /** The inverse, made once so that `t.inv.inv === t`. */
  protected invTransform: Transform | null = null;

  constructor(options: TransformOptions = {}) {
    const c = options.cacheSize ?? 0;
    if (c !== 0 && c !== 1) throw new Error("cache_size must be 0 or 1");
    this.cacheSize = c;
  }

  /** The constraint on valid inputs. */
  abstract get domain(): Constraint;
  /** The constraint on the outputs (the inputs of the inverse). */
  abstract get codomain(): Constraint;
  /** Whether `t.inv.call(t.call(x))` is `x` on the whole domain (else only a pseudo-inverse). */
  get bijective(): boolean {
    return false;
  }
  /** The sign of the Jacobian's determinant: +1 or -1 for a monotone univariate map (a tensor where it varies). */
  get sign(): number | Tensor {
    throw new Error(`${this.constructor.name} does not implement sign`);
  }
  /** The number of rightmost dims forming one event, where domain and codomain agree on it. */
  get eventDim(): number {
    if (this.domain.eventDim === this.codomain.eventDim) return this.domain.eventDim;
    throw new Error("Please use either .domain.event_dim or .codomain.event_dim");
  }
  /** The inverse transform, with `t.inv.inv === t`. */
  get inv(): Transform {
    this.invTransform ??= new InverseTransform(this);
    return this.invTransform;
  }

  /** This transform with the given cache size (itself when it already has it). */
  withCache(cacheSize = 1): Transform {
    if (this.cacheSize === cacheSize) return this;
    return this.copy({ cacheSize });
  }

  /**
   * A copy with other options: by default every field is copied (the parameters are shared) and the
   * cache and inverse are fresh; transforms holding other transforms override it.
   */
  protected copy(options: TransformOptions): Transform {
    const c = options.cacheSize ?? 0;
    if (c !== 0 && c !== 1) throw new Error("cache_size must be 0 or 1");
    const t = Object.create(Object.getPrototypeOf(this) as object) as Transform;
    return Object.assign(t, this, { cacheSize: c, cachedX: null, cachedY: null, invTransform: null });
  }

  /** Whether `other` is the same map (PyTorch's `==`): by default only the same object is. */
  equals(other: Transform): boolean {
    return this === other;
  }

  /** `y = t(x)`, from the cache when `x` is the tensor last seen. */
  call(x: Tensor): Tensor {
    if (this.cacheSize === 0) return this.forward(x);
    if (x === this.cachedX) return this.cachedY!;
    const y = this.forward(x);
    this.cachedX = x;
    this.cachedY = y;
    return y;
  }

  /** `x = t⁻¹(y)`, from the cache when `y` is the tensor last seen (what `t.inv.call(y)` runs). */
  invCall(y: Tensor): Tensor {
    if (this.cacheSize === 0) return this.inverse(y);
    if (y === this.cachedY) return this.cachedX!;
    const x = this.inverse(y);
    this.cachedX = x;
    this.cachedY = y;
    return x;
  }

  /** The map itself, without the cache (PyTorch's `_call`). */
  protected forward(_x: Tensor): Tensor {
    throw new Error(`${this.constructor.name} does not implement the forward map`);
  }
  /** The inverse map, without the cache (PyTorch's `_inverse`). */
  protected inverse(_y: Tensor): Tensor {
    throw new Error(`${this.constructor.name} does not implement the inverse map`);
  }
  /** `log |det dy/dx|` for an input `x` and its output `y`, summed over the event dims. */
  logAbsDetJacobian(_x: Tensor, _y: Tensor): Tensor {
    throw new Error(`${this.constructor.name} does not implement log_abs_det_jacobian`);
  }
  /** The shape of `t.call(x)` for an `x` of shape `shape`. */
  forwardShape(shape: readonly number[]): number[] {
    return [...shape];
  }
  /** The shape of `t.inv.call(y)` for a `y` of shape `shape`. */
  inverseShape(shape: readonly number[]): number[] {
    return [...shape];
  }
  /** PyTorch's repr: the class name, `ExpTransform()`. */
  toString(): string {
    return `${this.constructor.name}()`;
  }
}

/**
 * The inverse of a transform (PyTorch's `_InverseTransform`): domain and codomain swapped,
 * calls go to the transform's cached inverse, and the log-Jacobian is the negated one at (y, x).
 * Made by `t.inv`.
 */
export class InverseTransform extends Transform {
  /** The transform this inverts. */
  readonly base: Transform;

  constructor(transform: Transform) {
    super({ cacheSize: transform.cacheSize });
    this.base = transform;
    this.invTransform = transform;
  }
  get domain(): Constraint {
    return this.base.codomain;
  }
  get codomain(): Constraint {
    return this.base.domain;
  }
  override get bijective(): boolean {
    return this.base.bijective;
  }
  override get sign(): number | Tensor {
    return this.base.sign;
  }
  override get inv(): Transform {
    return this.base;
  }
  override withCache(cacheSize = 1): Transform {
    return this.base.withCache(cacheSize).inv;
  }
  override equals(other: Transform): boolean {
    return other instanceof InverseTransform && this.base.equals(other.base);
  }
  override call(x: Tensor): Tensor {
    return this.base.invCall(x);
  }
  override invCall(y: Tensor): Tensor {
    return this.base.call(y);
  }
  override logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    return this.base.logAbsDetJacobian(y, x).neg();
  }
  override forwardShape(shape: readonly number[]): number[] {
    return this.base.inverseShape(shape);
  }
  override inverseShape(shape: readonly number[]): number[] {
    return this.base.forwardShape(shape);
  }
  /** `_InverseTransform(ExpTransform())`, as PyTorch prints it. */
  override toString(): string {
    return `_InverseTransform(${this.base.toString()})`;
  }
}
