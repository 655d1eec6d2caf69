/**
 * The transforms of `torch.distributions.transforms` that act on whole events
 * (vectors or matrices): softmax and stick-breaking onto the simplex, lower
 * Cholesky factors, positive-definite and correlation Cholesky matrices, and
 * the transform by a distribution's cdf.
 */
import * as torch from "../../index.js";
import type { Tensor } from "../../index.js";
import * as C from "../constraints.js";
import type { Distribution } from "../distribution.js";
import { epsOf } from "../binary-params.js";
import { tinyOf } from "../standard-gamma.js";
import { clippedSigmoid } from "./elementwise.js";
import { Transform, type TransformOptions } from "./transform.js";

const tooFew = (shape: readonly number[], n: number): void => {
  if (shape.length < n) throw new Error("Too few dimensions on input");
};

/** Ones along the last dim: `pad(x, [before, after], value=1)` for one element on either side. */
const padOne = (x: Tensor, side: "before" | "after"): Tensor => {
  const one = torch.ones([...x.shape.slice(0, -1), 1], { dtype: x.dtype });
  return torch.cat(side === "before" ? [one, x] : [x, one], -1);
};

/** `log(K - i)` for i = 0 … K-1: the offsets that map stick-breaking's zero onto the simplex's centre. */
const stickOffsets = (k: number, dtype: Tensor["dtype"]): Tensor => torch.arange(k, { dtype }).neg().add(k).log();

/**
 * From unconstrained vectors onto the simplex by `exp` and normalising (softmax). Not bijective
 * (adding a constant to `x` changes nothing); the inverse gives `log(y)`.
 *
 * @example
 * new torch.distributions.transforms.SoftmaxTransform().call(torch.tensor([0, 0])); // [0.5, 0.5]
 */
export class SoftmaxTransform extends Transform {
  get domain(): C.Constraint {
    return C.realVector;
  }
  get codomain(): C.Constraint {
    return C.simplex;
  }
  override equals(other: Transform): boolean {
    return other instanceof SoftmaxTransform;
  }
  protected override forward(x: Tensor): Tensor {
    return x.softmax(-1);
  }
  protected override inverse(y: Tensor): Tensor {
    return y.log();
  }
  override forwardShape(shape: readonly number[]): number[] {
    tooFew(shape, 1);
    return [...shape];
  }
  override inverseShape(shape: readonly number[]): number[] {
    tooFew(shape, 1);
    return [...shape];
  }
}

/**
 * From unconstrained vectors of size K onto the simplex of size K + 1, bijectively, by breaking
 * a stick: each coordinate's sigmoid takes that share of what is left (the construction of a
 * Dirichlet from Betas).
 *
 * @example
 * new torch.distributions.transforms.StickBreakingTransform().call(torch.zeros([2])); // [1/3, 1/3, 1/3]
 */
export class StickBreakingTransform extends Transform {
  get domain(): C.Constraint {
    return C.realVector;
  }
  get codomain(): C.Constraint {
    return C.simplex;
  }
  override get bijective(): boolean {
    return true;
  }
  override equals(other: Transform): boolean {
    return other instanceof StickBreakingTransform;
  }
  protected override forward(x: Tensor): Tensor {
    const k = x.shape[x.shape.length - 1]!;
    const z = clippedSigmoid(x.sub(stickOffsets(k, x.dtype)));
    const rest = torch.rsub(z, 1).cumprod(-1);
    return padOne(z, "after").mul(padOne(rest, "before"));
  }
  protected override inverse(y: Tensor): Tensor {
    const k = y.shape[y.shape.length - 1]! - 1;
    const crop = y.narrow(-1, 0, k);
    // what is left of the stick, kept positive where rounding takes it to 0 or below
    const sf = torch.rsub(crop.cumsum(-1), 1).clamp(tinyOf(y));
    return crop.log().sub(sf.log()).add(stickOffsets(k, y.dtype));
  }
  override logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    const k = x.shape[x.shape.length - 1]!;
    const xo = x.sub(stickOffsets(k, x.dtype));
    // with 1 - sigmoid(x) = exp(-x) sigmoid(x)
    return xo.neg().add(torch.nn.functional.logsigmoid(xo)).add(y.narrow(-1, 0, k).log()).sum(-1);
  }
  override forwardShape(shape: readonly number[]): number[] {
    tooFew(shape, 1);
    return [...shape.slice(0, -1), shape[shape.length - 1]! + 1];
  }
  override inverseShape(shape: readonly number[]): number[] {
    tooFew(shape, 1);
    return [...shape.slice(0, -1), shape[shape.length - 1]! - 1];
  }
}

/** `x` below the diagonal, `f(diagonal)` on it. */
const mapDiagonal = (x: Tensor, f: (d: Tensor) => Tensor): Tensor => x.tril(-1).add(torch.diagEmbed(f(torch.diagonal(x, 0, -2, -1))));

/**
 * From unconstrained square matrices onto lower-triangular ones with a positive diagonal (the
 * strict lower triangle kept, the diagonal exponentiated); the inverse takes the diagonal's log.
 *
 * @example
 * new torch.distributions.transforms.LowerCholeskyTransform().call(torch.zeros([2, 2])); // the identity
 */
export class LowerCholeskyTransform extends Transform {
  get domain(): C.Constraint {
    return C.independent(C.real, 2);
  }
  get codomain(): C.Constraint {
    return C.lowerCholesky;
  }
  override equals(other: Transform): boolean {
    return other instanceof LowerCholeskyTransform;
  }
  protected override forward(x: Tensor): Tensor {
    return mapDiagonal(x, (d) => d.exp());
  }
  protected override inverse(y: Tensor): Tensor {
    return mapDiagonal(y, (d) => d.log());
  }
}

/**
 * From unconstrained square matrices onto positive-definite ones: `L Lᵀ` for `L` the
 * `LowerCholeskyTransform` of `x` (PyTorch 2.x; 1.13 has none). The inverse goes through the
 * Cholesky factor.
 *
 * @example
 * new torch.distributions.transforms.PositiveDefiniteTransform().call(torch.zeros([2, 2])); // the identity
 */
export class PositiveDefiniteTransform extends Transform {
  get domain(): C.Constraint {
    return C.independent(C.real, 2);
  }
  get codomain(): C.Constraint {
    return C.positiveDefinite;
  }
  override equals(other: Transform): boolean {
    return other instanceof PositiveDefiniteTransform;
  }
  protected override forward(x: Tensor): Tensor {
    const l = mapDiagonal(x, (d) => d.exp());
    return l.matmul(l.transpose(-2, -1));
  }
  protected override inverse(y: Tensor): Tensor {
    return mapDiagonal(torch.linalg.cholesky(y), (d) => d.log());
  }
}

/** For each entry of a d × d matrix, its index in the row-major list of the entries below diagonal `diag`, or that list's length. */
function trilIndexMap(d: number, diag: number): { map: number[]; count: number } {
  const map = new Array<number>(d * d);
  let count = 0;
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) if (j - i <= diag) map[i * d + j] = count++;
  for (let i = 0; i < d * d; i++) map[i] ??= count;
  return { map, count };
}

/** The vector of a d × d lower triangle below `diag` (row order) as a matrix, zero elsewhere (PyTorch's `vec_to_tril_matrix`). */
function vecToTril(x: Tensor, d: number, diag: number): Tensor {
  const { map } = trilIndexMap(d, diag);
  const batch = x.shape.slice(0, -1);
  const padded = torch.cat([x, torch.zeros([...batch, 1], { dtype: x.dtype })], -1);
  const index = torch.tensor(map, { dtype: "int32" }).expand([...batch, d * d]).contiguous();
  return padded.gather(-1, index).reshape([...batch, d, d]);
}

/** The entries of a d × d matrix below `diag`, in row order (PyTorch's `tril_matrix_to_vec`). */
function trilToVec(m: Tensor, diag: number): Tensor {
  const d = m.shape[m.shape.length - 1]!;
  const batch = m.shape.slice(0, -2);
  const idx: number[] = [];
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) if (j - i <= diag) idx.push(i * d + j);
  const index = torch.tensor(idx, { dtype: "int32" }).expand([...batch, idx.length]).contiguous();
  return m.reshape([...batch, d * d]).gather(-1, index);
}

/**
 * From unconstrained vectors of size D(D-1)/2 onto the Cholesky factors of D × D correlation
 * matrices (lower triangular, positive diagonal, rows of unit norm): each row is a signed stick
 * breaking of `tanh` of its entries.
 *
 * @example
 * new torch.distributions.transforms.CorrCholeskyTransform().call(torch.zeros([3])); // the 3 × 3 identity
 */
export class CorrCholeskyTransform extends Transform {
  get domain(): C.Constraint {
    return C.realVector;
  }
  get codomain(): C.Constraint {
    return C.corrCholesky;
  }
  override get bijective(): boolean {
    return true;
  }
  override equals(other: Transform): boolean {
    return other instanceof CorrCholeskyTransform;
  }
  protected override forward(x: Tensor): Tensor {
    const e = epsOf(x);
    const t = x.tanh().clamp(-1 + e, 1 - e);
    const d = this.forwardShape(x.shape)[x.dim()]!;
    const r = vecToTril(t, d, -1);
    const z1mCumprodSqrt = torch.rsub(r.square(), 1).sqrt().cumprod(-1);
    const withDiagonal = r.add(torch.eye(d, { dtype: x.dtype }));
    return withDiagonal.mul(padOne(z1mCumprodSqrt.narrow(-1, 0, d - 1), "before"));
  }
  protected override inverse(y: Tensor): Tensor {
    const d = y.shape[y.shape.length - 1]!;
    const cumsum = torch.rsub(y.square().cumsum(-1), 1);
    const shifted = padOne(cumsum.narrow(-1, 0, d - 1), "before");
    const t = trilToVec(y, -1).div(trilToVec(shifted, -1).sqrt());
    // atanh
    return t.add(1).div(torch.rsub(t, 1)).log().div(2);
  }
  /** Of `x` and the flattened strict lower triangle of `y` (the two spaces have different dimensions). */
  override logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    const y1mCumsum = torch.rsub(y.square().cumsum(-1), 1);
    const stick = trilToVec(y1mCumsum, -2).log().sum(-1).mul(0.5);
    const tanhLogdet = x.add(torch.nn.functional.softplus(x.mul(-2))).sub(Math.LN2).sum(-1).mul(-2);
    return stick.add(tanhLogdet);
  }
  override forwardShape(shape: readonly number[]): number[] {
    tooFew(shape, 1);
    const n = shape[shape.length - 1]!;
    const d = Math.round(Math.sqrt(0.25 + 2 * n) + 0.5);
    if ((d * (d - 1)) / 2 !== n) throw new Error("Input is not a flattend lower-diagonal number");
    return [...shape.slice(0, -1), d, d];
  }
  override inverseShape(shape: readonly number[]): number[] {
    tooFew(shape, 2);
    if (shape[shape.length - 2] !== shape[shape.length - 1]) throw new Error("Input is not square");
    const d = shape[shape.length - 1]!;
    return [...shape.slice(0, -2), (d * (d - 1)) / 2];
  }
}

/**
 * The transform by a distribution's cdf: from its support onto the unit interval, with the
 * density as the Jacobian (the inverse is the icdf). A Gaussian copula is a
 * `TransformedDistribution` of a multivariate normal by `CumulativeDistributionTransform(Normal(0, 1))`.
 *
 * @example
 * const t = new torch.distributions.transforms.CumulativeDistributionTransform(new torch.distributions.Normal(0, 1));
 * t.call(torch.tensor([0])); // [0.5]
 */
export class CumulativeDistributionTransform extends Transform {
  readonly distribution: Distribution;

  constructor(distribution: Distribution, options: TransformOptions = {}) {
    super(options);
    this.distribution = distribution;
  }
  get domain(): C.Constraint {
    return this.distribution.support;
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
    return this.distribution.cdf(x);
  }
  protected override inverse(y: Tensor): Tensor {
    return this.distribution.icdf(y);
  }
  override logAbsDetJacobian(x: Tensor, _y: Tensor): Tensor {
    return this.distribution.logProb(x);
  }
}
