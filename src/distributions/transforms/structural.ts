/**
 * The transforms of `torch.distributions.transforms` built from others or
 * acting on shapes: composition, independence over event dims, reshaping,
 * and transforms applied piecewise along a dim (`CatTransform`, `StackTransform`).
 */
import * as torch from "../../index.js";
import type { Tensor } from "../../index.js";
import * as C from "../constraints.js";
import { pySize, pyTuple, sumRightmost } from "../distribution.js";
import { Transform, type TransformOptions } from "./transform.js";

/** `a · b` for signs that are numbers or tensors. */
const mulSign = (a: number | Tensor, b: number | Tensor): number | Tensor =>
  typeof a === "number" && typeof b === "number" ? a * b : typeof a === "number" ? (b as Tensor).mul(a) : a.mul(b);

/**
 * The composition of `parts`, applied in order (PyTorch's `ComposeTransform`); the parts do their
 * own caching. The log-Jacobian sums each part's over the dims that the composition's event
 * spans beyond the part's. With no parts it is the identity.
 *
 * @example
 * const T = torch.distributions.transforms;
 * const t = new T.ComposeTransform([new T.ExpTransform(), new T.AffineTransform(1, 2)]);
 * t.call(torch.tensor([0])); // [3]
 */
export class ComposeTransform extends Transform {
  readonly parts: Transform[];

  constructor(parts: readonly Transform[], options: TransformOptions = {}) {
    super(options);
    this.parts = this.cacheSize ? parts.map((p) => p.withCache(this.cacheSize)) : [...parts];
  }
  /** The first part's domain, made independent over as many dims as the whole chain needs. */
  get domain(): C.Constraint {
    if (this.parts.length === 0) return C.real;
    const domain = this.parts[0]!.domain;
    let eventDim = this.parts[this.parts.length - 1]!.codomain.eventDim;
    for (const part of [...this.parts].reverse()) {
      eventDim += part.domain.eventDim - part.codomain.eventDim;
      eventDim = Math.max(eventDim, part.domain.eventDim);
    }
    return eventDim > domain.eventDim ? C.independent(domain, eventDim - domain.eventDim) : domain;
  }
  /** The last part's codomain, made independent over as many dims as the whole chain needs. */
  get codomain(): C.Constraint {
    if (this.parts.length === 0) return C.real;
    const codomain = this.parts[this.parts.length - 1]!.codomain;
    let eventDim = this.parts[0]!.domain.eventDim;
    for (const part of this.parts) {
      eventDim += part.codomain.eventDim - part.domain.eventDim;
      eventDim = Math.max(eventDim, part.codomain.eventDim);
    }
    return eventDim > codomain.eventDim ? C.independent(codomain, eventDim - codomain.eventDim) : codomain;
  }
  override get bijective(): boolean {
    return this.parts.every((p) => p.bijective);
  }
  override get sign(): number | Tensor {
    return this.parts.reduce<number | Tensor>((s, p) => mulSign(s, p.sign), 1);
  }
  /** The inverses of the parts in reverse order, whose own inverse is this transform. */
  override get inv(): Transform {
    if (this.invTransform === null) {
      const inv = new ComposeTransform([...this.parts].reverse().map((p) => p.inv));
      inv.invTransform = this;
      this.invTransform = inv;
    }
    return this.invTransform;
  }
  protected override copy(options: TransformOptions): Transform {
    return new ComposeTransform(this.parts, options);
  }
  override equals(other: Transform): boolean {
    return other instanceof ComposeTransform && other.parts.length === this.parts.length && this.parts.every((p, i) => p.equals(other.parts[i]!));
  }
  override call(x: Tensor): Tensor {
    return this.parts.reduce((v, p) => p.call(v), x);
  }
  override invCall(y: Tensor): Tensor {
    return this.inv.call(y);
  }
  override logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    if (this.parts.length === 0) return torch.zerosLike(x);
    // the intermediates: free where the parts cache them
    const xs = [x];
    for (const part of this.parts.slice(0, -1)) xs.push(part.call(xs[xs.length - 1]!));
    xs.push(y);
    let eventDim = this.domain.eventDim;
    let total: Tensor | null = null;
    this.parts.forEach((part, i) => {
      const term = sumRightmost(part.logAbsDetJacobian(xs[i]!, xs[i + 1]!), eventDim - part.domain.eventDim);
      total = total === null ? term : total.add(term);
      eventDim += part.codomain.eventDim - part.domain.eventDim;
    });
    return total!;
  }
  override forwardShape(shape: readonly number[]): number[] {
    return this.parts.reduce((s, p) => p.forwardShape(s), [...shape]);
  }
  override inverseShape(shape: readonly number[]): number[] {
    return [...this.parts].reverse().reduce((s, p) => p.inverseShape(s), [...shape]);
  }
  /** PyTorch's multi-line repr, one part per line. */
  override toString(): string {
    return `ComposeTransform(\n    ${this.parts.map((p) => p.toString()).join(",\n    ")}\n)`;
  }
}

/** The identity: a composition of no transforms (PyTorch's `identity_transform`). */
export const identityTransform = new ComposeTransform([]);

/**
 * `base` with its `reinterpretedBatchNdims` rightmost dims treated as one event: the map is the
 * same, and the log-Jacobian is summed over those dims.
 *
 * @example
 * const T = torch.distributions.transforms;
 * const t = new T.IndependentTransform(new T.ExpTransform(), 1);
 * t.logAbsDetJacobian(torch.tensor([1, 2]), torch.tensor([1, 2]).exp()); // 3
 */
export class IndependentTransform extends Transform {
  readonly baseTransform: Transform;
  readonly reinterpretedBatchNdims: number;

  constructor(baseTransform: Transform, reinterpretedBatchNdims: number, options: TransformOptions = {}) {
    super(options);
    this.baseTransform = baseTransform.withCache(this.cacheSize);
    this.reinterpretedBatchNdims = reinterpretedBatchNdims;
  }
  get domain(): C.Constraint {
    return C.independent(this.baseTransform.domain, this.reinterpretedBatchNdims);
  }
  get codomain(): C.Constraint {
    return C.independent(this.baseTransform.codomain, this.reinterpretedBatchNdims);
  }
  override get bijective(): boolean {
    return this.baseTransform.bijective;
  }
  override get sign(): number | Tensor {
    return this.baseTransform.sign;
  }
  protected override copy(options: TransformOptions): Transform {
    return new IndependentTransform(this.baseTransform, this.reinterpretedBatchNdims, options);
  }
  override equals(other: Transform): boolean {
    return other instanceof IndependentTransform && other.reinterpretedBatchNdims === this.reinterpretedBatchNdims && this.baseTransform.equals(other.baseTransform);
  }
  protected override forward(x: Tensor): Tensor {
    if (x.dim() < this.domain.eventDim) throw new Error("Too few dimensions on input");
    return this.baseTransform.call(x);
  }
  protected override inverse(y: Tensor): Tensor {
    if (y.dim() < this.codomain.eventDim) throw new Error("Too few dimensions on input");
    return this.baseTransform.inv.call(y);
  }
  override logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    return sumRightmost(this.baseTransform.logAbsDetJacobian(x, y), this.reinterpretedBatchNdims);
  }
  override forwardShape(shape: readonly number[]): number[] {
    return this.baseTransform.forwardShape(shape);
  }
  override inverseShape(shape: readonly number[]): number[] {
    return this.baseTransform.inverseShape(shape);
  }
  /** `IndependentTransform(ExpTransform(), 1)`. */
  override toString(): string {
    return `IndependentTransform(${this.baseTransform.toString()}, ${this.reinterpretedBatchNdims})`;
  }
}

/**
 * Reshapes the rightmost dims from `inShape` to `outShape` (the same number of elements); the
 * log-Jacobian is 0.
 *
 * @example
 * new torch.distributions.transforms.ReshapeTransform([2, 3], [6]).call(torch.zeros([4, 2, 3])).shape; // [4, 6]
 */
export class ReshapeTransform extends Transform {
  readonly inShape: number[];
  readonly outShape: number[];

  constructor(inShape: readonly number[], outShape: readonly number[], options: TransformOptions = {}) {
    const numel = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
    if (numel(inShape) !== numel(outShape)) throw new Error("in_shape, out_shape have different numbers of elements");
    super(options);
    this.inShape = [...inShape];
    this.outShape = [...outShape];
  }
  get domain(): C.Constraint {
    return C.independent(C.real, this.inShape.length);
  }
  get codomain(): C.Constraint {
    return C.independent(C.real, this.outShape.length);
  }
  override get bijective(): boolean {
    return true;
  }
  protected override forward(x: Tensor): Tensor {
    return x.reshape([...x.shape.slice(0, x.dim() - this.inShape.length), ...this.outShape]);
  }
  protected override inverse(y: Tensor): Tensor {
    return y.reshape([...y.shape.slice(0, y.dim() - this.outShape.length), ...this.inShape]);
  }
  override logAbsDetJacobian(x: Tensor, _y: Tensor): Tensor {
    return torch.zeros(x.shape.slice(0, x.dim() - this.inShape.length), { dtype: x.dtype });
  }
  override forwardShape(shape: readonly number[]): number[] {
    return reshapeShape(shape, this.inShape, this.outShape);
  }
  override inverseShape(shape: readonly number[]): number[] {
    return reshapeShape(shape, this.outShape, this.inShape);
  }
}

function reshapeShape(shape: readonly number[], from: readonly number[], to: readonly number[]): number[] {
  if (shape.length < from.length) throw new Error("Too few dimensions on input");
  const cut = shape.length - from.length;
  const tail = shape.slice(cut);
  if (tail.some((d, i) => d !== from[i])) throw new Error(`Shape mismatch: expected ${pyTuple(tail)} but got ${pySize(from)}`);
  return [...shape.slice(0, cut), ...to];
}

/** PyTorch asserts these (an AssertionError without text); torchlet says what is wrong. */
function checkDim(op: string, t: Tensor, dim: number, size: number): void {
  if (dim < -t.dim() || dim >= t.dim()) throw new Error(`${op}: dim ${dim} is out of range for a tensor of ${t.dim()} dims`);
  const n = t.shape[dim < 0 ? dim + t.dim() : dim]!;
  if (n !== size) throw new Error(`${op}: expected size ${size} along dim ${dim}, got ${n}`);
}

/**
 * Applies `tseq[i]` to the i-th slice of `dim`, of length `lengths[i]` (1 by default), in the way
 * `torch.cat` joins them.
 *
 * @example
 * const T = torch.distributions.transforms;
 * const t = new T.CatTransform([new T.ExpTransform(), T.identityTransform], 0, [1, 2]);
 * t.call(torch.tensor([0, 5, 6])); // [1, 5, 6]
 */
export class CatTransform extends Transform {
  readonly transforms: Transform[];
  readonly dim: number;
  readonly lengths: number[];

  constructor(tseq: readonly Transform[], dim = 0, lengths?: readonly number[], options: TransformOptions = {}) {
    super(options);
    this.transforms = this.cacheSize ? tseq.map((t) => t.withCache(this.cacheSize)) : [...tseq];
    this.lengths = lengths === undefined ? tseq.map(() => 1) : [...lengths];
    if (this.lengths.length !== this.transforms.length) throw new Error("CatTransform: expected as many lengths as transforms");
    this.dim = dim;
  }
  /** The largest of the parts' event dims. */
  override get eventDim(): number {
    return Math.max(...this.transforms.map((t) => t.eventDim));
  }
  /** The total length along `dim`. */
  get length(): number {
    return this.lengths.reduce((a, b) => a + b, 0);
  }
  get domain(): C.Constraint {
    return C.cat(this.transforms.map((t) => t.domain), this.dim, this.lengths);
  }
  get codomain(): C.Constraint {
    return C.cat(this.transforms.map((t) => t.codomain), this.dim, this.lengths);
  }
  override get bijective(): boolean {
    return this.transforms.every((t) => t.bijective);
  }
  protected override copy(options: TransformOptions): Transform {
    return new CatTransform(this.transforms, this.dim, this.lengths, options);
  }
  private pieces(t: Tensor, f: (tr: Transform, slice: Tensor, start: number, length: number) => Tensor): Tensor[] {
    checkDim("CatTransform", t, this.dim, this.length);
    let start = 0;
    return this.transforms.map((tr, i) => {
      const len = this.lengths[i]!;
      const out = f(tr, t.narrow(this.dim, start, len), start, len);
      start += len;
      return out;
    });
  }
  protected override forward(x: Tensor): Tensor {
    return torch.cat(this.pieces(x, (tr, s) => tr.call(s)), this.dim);
  }
  protected override inverse(y: Tensor): Tensor {
    return torch.cat(this.pieces(y, (tr, s) => tr.inv.call(s)), this.dim);
  }
  /** Concatenated along `dim` where it is a batch dim, summed where the event spans it. */
  override logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    checkDim("CatTransform", y, this.dim, this.length);
    const ev = this.eventDim;
    const terms = this.pieces(x, (tr, xs, start, len) => {
      const j = tr.logAbsDetJacobian(xs, y.narrow(this.dim, start, len));
      return tr.eventDim < ev ? sumRightmost(j, ev - tr.eventDim) : j;
    });
    const dim = (this.dim >= 0 ? this.dim - x.dim() : this.dim) + ev;
    return dim < 0 ? torch.cat(terms, dim) : terms.reduce((a, b) => a.add(b));
  }
}

/**
 * Applies `tseq[i]` to the i-th slice (`select`) of `dim`, in the way `torch.stack` joins them.
 *
 * @example
 * const T = torch.distributions.transforms;
 * const t = new T.StackTransform([new T.ExpTransform(), T.identityTransform], 1);
 * t.call(torch.tensor([[0, 5]])); // [[1, 5]]
 */
export class StackTransform extends Transform {
  readonly transforms: Transform[];
  readonly dim: number;

  constructor(tseq: readonly Transform[], dim = 0, options: TransformOptions = {}) {
    super(options);
    this.transforms = this.cacheSize ? tseq.map((t) => t.withCache(this.cacheSize)) : [...tseq];
    this.dim = dim;
  }
  get domain(): C.Constraint {
    return C.stack(this.transforms.map((t) => t.domain), this.dim);
  }
  get codomain(): C.Constraint {
    return C.stack(this.transforms.map((t) => t.codomain), this.dim);
  }
  override get bijective(): boolean {
    return this.transforms.every((t) => t.bijective);
  }
  protected override copy(options: TransformOptions): Transform {
    return new StackTransform(this.transforms, this.dim, options);
  }
  private slices(t: Tensor): Tensor[] {
    checkDim("StackTransform", t, this.dim, this.transforms.length);
    return this.transforms.map((_, i) => t.select(this.dim, i));
  }
  protected override forward(x: Tensor): Tensor {
    const xs = this.slices(x);
    return torch.stack(this.transforms.map((t, i) => t.call(xs[i]!)), this.dim);
  }
  protected override inverse(y: Tensor): Tensor {
    const ys = this.slices(y);
    return torch.stack(this.transforms.map((t, i) => t.inv.call(ys[i]!)), this.dim);
  }
  override logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    const xs = this.slices(x), ys = this.slices(y);
    return torch.stack(this.transforms.map((t, i) => t.logAbsDetJacobian(xs[i]!, ys[i]!)), this.dim);
  }
}
