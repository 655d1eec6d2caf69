/**
 * The elementwise transforms of `torch.distributions.transforms`: exp, power,
 * sigmoid, softplus, tanh, abs and affine maps.
 */
import * as torch from "../../index.js";
import type { Tensor } from "../../index.js";
import { broadcastShapes } from "../../ops/core.js";
import { epsOf } from "../binary-params.js";
import * as C from "../constraints.js";
import { tinyOf } from "../standard-gamma.js";
import { Transform, type TransformOptions } from "./transform.js";

const softplus = (x: Tensor): Tensor => torch.nn.functional.softplus(x);

/** A transform with no parameters: equal to every other instance of its class. */
abstract class ParameterFree extends Transform {
  override equals(other: Transform): boolean {
    return other.constructor === this.constructor;
  }
}

/**
 * `y = exp(x)`, from the reals onto the positive half line.
 *
 * @example
 * new torch.distributions.transforms.ExpTransform().call(torch.tensor([0])); // [1]
 */
export class ExpTransform extends ParameterFree {
  get domain(): C.Constraint {
    return C.real;
  }
  get codomain(): C.Constraint {
    return C.positive;
  }
  override get bijective(): boolean {
    return true;
  }
  override get sign(): number {
    return 1;
  }
  protected override forward(x: Tensor): Tensor {
    return x.exp();
  }
  protected override inverse(y: Tensor): Tensor {
    return y.log();
  }
  override logAbsDetJacobian(x: Tensor, _y: Tensor): Tensor {
    return x;
  }
}

/**
 * `y = x^exponent` on the positive half line (`exponent` a number or a tensor broadcasting with `x`).
 *
 * @example
 * new torch.distributions.transforms.PowerTransform(2).call(torch.tensor([3])); // [9]
 */
export class PowerTransform extends Transform {
  readonly exponent: Tensor;

  constructor(exponent: Tensor | number, options: TransformOptions = {}) {
    super(options);
    this.exponent = typeof exponent === "number" ? torch.tensor(exponent) : exponent;
  }
  get domain(): C.Constraint {
    return C.positive;
  }
  get codomain(): C.Constraint {
    return C.positive;
  }
  override get bijective(): boolean {
    return true;
  }
  override get sign(): number {
    return 1;
  }
  /** Equal exponents everywhere. */
  override equals(other: Transform): boolean {
    return other instanceof PowerTransform && Boolean(torch.all(torch.eq(this.exponent, other.exponent)).item());
  }
  protected override forward(x: Tensor): Tensor {
    return x.pow(this.exponent);
  }
  protected override inverse(y: Tensor): Tensor {
    return y.pow(this.exponent.reciprocal());
  }
  override logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    return this.exponent.mul(y).div(x).abs().log();
  }
  override forwardShape(shape: readonly number[]): number[] {
    return [...broadcastShapes(shape, this.exponent.shape, "PowerTransform")];
  }
  override inverseShape(shape: readonly number[]): number[] {
    return [...broadcastShapes(shape, this.exponent.shape, "PowerTransform")];
  }
}

/** sigmoid, kept in `[tiny, 1 - eps]` so that its logit stays finite (PyTorch's `_clipped_sigmoid`). */
export const clippedSigmoid = (x: Tensor): Tensor => x.sigmoid().clamp(tinyOf(x), 1 - epsOf(x));

/**
 * `y = 1 / (1 + exp(-x))`, from the reals onto the unit interval (kept one epsilon inside it), and
 * `x = logit(y)`.
 *
 * @example
 * new torch.distributions.transforms.SigmoidTransform().call(torch.tensor([0])); // [0.5]
 */
export class SigmoidTransform extends ParameterFree {
  get domain(): C.Constraint {
    return C.real;
  }
  get codomain(): C.Constraint {
    return C.unitInterval;
  }
  override get bijective(): boolean {
    return true;
  }
  override get sign(): number {
    return 1;
  }
  protected override forward(x: Tensor): Tensor {
    return clippedSigmoid(x);
  }
  protected override inverse(y: Tensor): Tensor {
    const c = y.clamp(tinyOf(y), 1 - epsOf(y));
    return c.log().sub(torch.log1p(c.neg()));
  }
  override logAbsDetJacobian(x: Tensor, _y: Tensor): Tensor {
    return softplus(x.neg()).neg().sub(softplus(x));
  }
}

/**
 * `y = log(1 + exp(x))` (linear beyond x = 20), from the reals onto the positive half line.
 *
 * @example
 * new torch.distributions.transforms.SoftplusTransform().call(torch.tensor([0])); // [log 2]
 */
export class SoftplusTransform extends ParameterFree {
  get domain(): C.Constraint {
    return C.real;
  }
  get codomain(): C.Constraint {
    return C.positive;
  }
  override get bijective(): boolean {
    return true;
  }
  override get sign(): number {
    return 1;
  }
  protected override forward(x: Tensor): Tensor {
    return softplus(x);
  }
  protected override inverse(y: Tensor): Tensor {
    // log(exp(y) - 1) = y + log(1 - exp(-y))
    return torch.expm1(y.neg()).neg().log().add(y);
  }
  override logAbsDetJacobian(x: Tensor, _y: Tensor): Tensor {
    return softplus(x.neg()).neg();
  }
}

/**
 * `y = tanh(x)`, from the reals onto (-1, 1). The inverse is `atanh`, unclamped: use `cacheSize: 1`
 * where `y` may round to ±1.
 *
 * @example
 * new torch.distributions.transforms.TanhTransform().call(torch.tensor([0])); // [0]
 */
export class TanhTransform extends ParameterFree {
  get domain(): C.Constraint {
    return C.real;
  }
  get codomain(): C.Constraint {
    return C.interval(-1, 1);
  }
  override get bijective(): boolean {
    return true;
  }
  override get sign(): number {
    return 1;
  }
  protected override forward(x: Tensor): Tensor {
    return x.tanh();
  }
  protected override inverse(y: Tensor): Tensor {
    return torch.atanh(y);
  }
  /** `log(1 - tanh²x) = 2 (log 2 - x - softplus(-2x))`, stable for large |x|. */
  override logAbsDetJacobian(x: Tensor, _y: Tensor): Tensor {
    return torch.rsub(x.add(softplus(x.mul(-2))), Math.LN2).mul(2);
  }
}

/**
 * `y = |x|`: not bijective; its "inverse" is the identity (the nonnegative preimage).
 *
 * @example
 * new torch.distributions.transforms.AbsTransform().call(torch.tensor([-2])); // [2]
 */
export class AbsTransform extends ParameterFree {
  get domain(): C.Constraint {
    return C.real;
  }
  get codomain(): C.Constraint {
    return C.positive;
  }
  protected override forward(x: Tensor): Tensor {
    return x.abs();
  }
  protected override inverse(y: Tensor): Tensor {
    return y;
  }
}

/** Options of `AffineTransform`. */
export interface AffineTransformOptions extends TransformOptions {
  /** The number of rightmost dims forming one event (0 for scalars, 1 for vectors, …): the log-Jacobian sums over them. */
  eventDim?: number;
}

/**
 * `y = loc + scale · x` elementwise, `loc` and `scale` numbers or tensors broadcasting with `x`.
 *
 * @example
 * const t = new torch.distributions.transforms.AffineTransform(1, 2);
 * t.call(torch.tensor([3])); // [7]
 * t.logAbsDetJacobian(torch.tensor([3]), torch.tensor([7])); // [log 2]
 */
export class AffineTransform extends Transform {
  readonly loc: Tensor | number;
  readonly scale: Tensor | number;
  private readonly nEvent: number;

  constructor(loc: Tensor | number, scale: Tensor | number, options: AffineTransformOptions = {}) {
    super(options);
    this.loc = loc;
    this.scale = scale;
    this.nEvent = options.eventDim ?? 0;
  }
  override get eventDim(): number {
    return this.nEvent;
  }
  get domain(): C.Constraint {
    return this.nEvent === 0 ? C.real : C.independent(C.real, this.nEvent);
  }
  get codomain(): C.Constraint {
    return this.nEvent === 0 ? C.real : C.independent(C.real, this.nEvent);
  }
  override get bijective(): boolean {
    return true;
  }
  /** The sign of `scale`: a number for a number scale, else a tensor. */
  override get sign(): number | Tensor {
    return typeof this.scale === "number" ? Math.sign(this.scale) : this.scale.sign();
  }
  /** Equal `loc` and `scale` everywhere. */
  override equals(other: Transform): boolean {
    if (!(other instanceof AffineTransform)) return false;
    const same = (a: Tensor | number, b: Tensor | number): boolean =>
      typeof a === "number" && typeof b === "number" ? a === b : Boolean(torch.all(torch.eq(torch.tensor(0).add(a), b)).item());
    return same(this.loc, other.loc) && same(this.scale, other.scale);
  }
  protected override forward(x: Tensor): Tensor {
    return x.mul(this.scale).add(this.loc);
  }
  protected override inverse(y: Tensor): Tensor {
    return y.sub(this.loc).div(this.scale);
  }
  override logAbsDetJacobian(x: Tensor, _y: Tensor): Tensor {
    let shape = x.shape;
    let result = typeof this.scale === "number" ? torch.fullLike(x, Math.log(Math.abs(this.scale))) : this.scale.abs().log();
    if (this.nEvent > 0) {
      result = result.reshape([...result.shape.slice(0, result.dim() - this.nEvent), -1]).sum(-1);
      shape = shape.slice(0, shape.length - this.nEvent);
    }
    return result.expand(shape);
  }
  override forwardShape(shape: readonly number[]): number[] {
    return [...broadcastShapes(broadcastShapes(shape, shapeOf(this.loc), "AffineTransform"), shapeOf(this.scale), "AffineTransform")];
  }
  override inverseShape(shape: readonly number[]): number[] {
    return this.forwardShape(shape);
  }
}

const shapeOf = (v: Tensor | number): readonly number[] => (typeof v === "number" ? [] : v.shape);
