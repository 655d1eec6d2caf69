/**
 * Linear-algebra helpers on torch: products (`kron`, `tensordot`, the
 * `add*` fused forms `addmv`, `addr`, `addbmm`, `baddbmm`, `chainMatmul`,
 * `matrixPower`), constructions (`blockDiag`, `vander`), `cross` with its
 * first-size-3-dim default, `dist`, `renorm`, and the short names of
 * torch.linalg functions (`inverse`, `det`, `logdet`, `slogdet`,
 * `pinverse`). All are composed of differentiable ops, so gradients come
 * from the pieces (PyTorch's grad_fn names differ where it has fused nodes).
 */
import { isFloating, promoteTypes, scalarTypeName, type DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { normalizeDim } from "../tensor/tensor.js";
import { warn } from "../warnings.js";
import { empty, needsGrad, record, shapeStr } from "./core.js";
import { add, div, eq, gt, mul, sub, toDtype, where } from "./elementwise.js";
import { eye, ones, zeros, zerosLike } from "./factories.js";
import { cat, flip } from "./indexing.js";
import { bmm, dot, matmul, mm, mv, outer } from "./linalg.js";
import { cross as linalgCross } from "./linalg/cross.js";
import { det as linalgDet, inv, slogdet as linalgSlogdet, type SlogdetResult } from "./linalg/lu.js";
import { pinv } from "./linalg/svd.js";
import { isfinite } from "./math.js";
import { norm, sum } from "./reduce.js";
import { cumprod } from "./scan.js";
import { expand, permute, reshape, unsqueeze } from "./views.js";

/**
 * `beta * input + alpha * product`, ignoring input's values (NaN included) when beta is 0, as PyTorch's add* ops.
 * Integer tensors stay integers: `op` (addr) refuses a fractional beta or alpha with PyTorch's error, the others
 * truncate it toward zero as PyTorch converts it to the integer dtype.
 */
function scaledSum(input: Tensor, product: Tensor, scalars: number[], op: string): Tensor {
  let [beta, alpha] = scalars as [number, number];
  if (!isFloating(product.dtype) && !isFloating(input.dtype)) {
    if (op === "addr") {
      if (!Number.isInteger(beta)) throw new Error("For integral input tensors, argument beta must not be a floating point number.");
      if (!Number.isInteger(alpha)) throw new Error("For integral input tensors, argument alpha must not be a floating point number.");
    }
    beta = Math.trunc(beta);
    alpha = Math.trunc(alpha);
  }
  const scaled = alpha === 1 ? product : mul(product, alpha);
  if (beta === 0) return needsGrad(input) ? add(scaled, mul(where(isfinite(input), input, 0), 0)) : add(scaled, zerosLike(input));
  return add(beta === 1 ? input : mul(input, beta), scaled);
}

/** The `beta` / `alpha` of the add* ops. */
export interface ScaleOptions {
  beta?: number;
  alpha?: number;
}

/**
 * `beta * input + alpha * (mat @ vec)`, as torch.addmv.
 *
 * @example
 * torch.addmv(torch.ones([2]), torch.ones([2, 3]), torch.ones([3]), { alpha: 2 }); // tensor([7., 7.])
 */
export function addmv(input: Tensor, mat: Tensor, vec: Tensor, options: ScaleOptions = {}): Tensor {
  if (mat.dim() !== 2 || vec.dim() !== 1 || input.dim() > 1) throw new Error(`vector + matrix @ vector expected, got ${input.dim()}, ${mat.dim()}, ${vec.dim()}`);
  // input must have one element or one per row of mat, as PyTorch's check
  if (mat.shape[1] !== vec.shape[0] || (input.numel() !== mat.shape[0] && input.numel() !== 1)) {
    throw new Error(`size mismatch, got ${input.shape[0] ?? 1}, ${mat.shape[0]}x${mat.shape[1]},${vec.shape[0]} (addmv: input ${shapeStr(input.shape)}, mat ${shapeStr(mat.shape)}, vec ${shapeStr(vec.shape)})`);
  }
  return scaledSum(input, mv(mat, vec), [options.beta ?? 1, options.alpha ?? 1], "addmv");
}

/**
 * `beta * input + alpha * outer(vec1, vec2)`, as torch.addr.
 *
 * @example
 * torch.addr(torch.zeros([2, 2]), torch.tensor([1, 2]), torch.tensor([3, 4])); // [[3, 4], [6, 8]]
 */
export function addr(input: Tensor, vec1: Tensor, vec2: Tensor, options: ScaleOptions = {}): Tensor {
  return scaledSum(input, outer(vec1, vec2), [options.beta ?? 1, options.alpha ?? 1], "addr");
}

/**
 * `beta * input + alpha * Σ_b batch1[b] @ batch2[b]` (the batch summed), as torch.addbmm.
 *
 * @example
 * torch.addbmm(torch.zeros([2, 2]), torch.ones([3, 2, 4]), torch.ones([3, 4, 2])); // every element 12
 */
export function addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, options: ScaleOptions = {}): Tensor {
  return scaledSum(input, sum(bmm(batch1, batch2), 0), [options.beta ?? 1, options.alpha ?? 1], "addbmm");
}

/**
 * `beta * input + alpha * (batch1 @ batch2)` for batches of matrices, as torch.baddbmm.
 *
 * @example
 * torch.baddbmm(torch.zeros([3, 2, 2]), torch.ones([3, 2, 4]), torch.ones([3, 4, 2])).shape; // [3, 2, 2]
 */
export function baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, options: ScaleOptions = {}): Tensor {
  return scaledSum(input, bmm(batch1, batch2), [options.beta ?? 1, options.alpha ?? 1], "baddbmm");
}

/**
 * The Kronecker product: dims padded to the same count, each of size
 * `a.size(i) * b.size(i)`, as torch.kron.
 *
 * @example
 * torch.kron(torch.eye(2), torch.tensor([[1, 2], [3, 4]])).shape; // [4, 4]
 */
export function kron(a: Tensor, b: Tensor): Tensor {
  const nd = Math.max(a.dim(), b.dim());
  const pad = (t: Tensor) => [...new Array<number>(nd - t.dim()).fill(1), ...t.shape];
  const as = pad(a), bs = pad(b);
  // a as [a0, 1, a1, 1, ...] times b as [1, b0, 1, b1, ...], then each pair merged
  const product = mul(reshape(a, as.flatMap((s) => [s, 1])), reshape(b, bs.flatMap((s) => [1, s])));
  return reshape(product, as.map((s, i) => s * bs[i]!));
}

/**
 * Sums products over the last `dims` dims of `a` and the first `dims` of
 * `b`, or over the listed dim pairs `[dimsA, dimsB]`, as torch.tensordot:
 * the result has a's other dims, then b's.
 *
 * @example
 * torch.tensordot(torch.ones([2, 3]), torch.ones([3, 4]), 1).shape; // [2, 4]
 */
export function tensordot(a: Tensor, b: Tensor, dims: number | readonly [readonly number[], readonly number[]] = 2): Tensor {
  let da: number[], db: number[];
  if (typeof dims === "number") {
    if (!Number.isInteger(dims) || dims < 0) throw new Error(`tensordot expects dims >= 0, but got dims=${dims}`);
    da = Array.from({ length: dims }, (_, i) => i - dims);
    db = Array.from({ length: dims }, (_, i) => i);
  } else {
    [da, db] = [[...dims[0]], [...dims[1]]];
    if (da.length !== db.length) throw new Error("both dimension lists should have same length");
  }
  const ca = da.map((d) => normalizeDim(d, a.dim(), "tensordot", a.shape)), cb = db.map((d) => normalizeDim(d, b.dim(), "tensordot", b.shape));
  // a contracted dim of size 1 broadcasts against the other side's, which is summed right away (as PyTorch)
  let x = a, y = b;
  ca.forEach((d, i) => {
    const sa = a.shape[d]!, sb = b.shape[cb[i]!]!;
    if (sb === 1) {
      if (sa !== 1) x = sum(x, d, { keepdim: true });
    } else if (sa === 1) y = sum(y, cb[i], { keepdim: true });
    else if (sa !== sb) throw new Error(`contracted dimensions need to match, but first has size ${sa} in dim ${da[i]} and second has size ${sb} in dim ${db[i]}`);
  });
  const freeA = [...a.shape.keys()].filter((d) => !ca.includes(d)), freeB = [...b.shape.keys()].filter((d) => !cb.includes(d));
  const size = (t: Tensor, ds: readonly number[]) => ds.reduce((p, d) => p * t.shape[d]!, 1);
  const left = reshape(permute(x, [...freeA, ...ca]), [size(x, freeA), size(x, ca)]);
  const right = reshape(permute(y, [...cb, ...freeB]), [size(y, cb), size(y, freeB)]);
  return reshape(mm(left, right), [...freeA.map((d) => a.shape[d]!), ...freeB.map((d) => b.shape[d]!)]);
}

/**
 * PyTorch's result_type of a list of tensors: those with dims decide the precision; 0-d ones only raise the
 * category (a 0-d float64 beside a float32 matrix gives float32, beside an int32 one float64).
 */
function listResultType(tensors: readonly Tensor[]): DType {
  const dimmed = tensors.filter((t) => t.dim() > 0).map((t) => t.dtype), scalars = tensors.filter((t) => t.dim() === 0).map((t) => t.dtype);
  if (dimmed.length === 0) return scalars.reduce(promoteTypes);
  const d = dimmed.reduce(promoteTypes);
  if (scalars.length === 0) return d;
  const z = scalars.reduce(promoteTypes);
  return isFloating(d) ? d : d === "bool" || isFloating(z) ? promoteTypes(d, z) : d;
}

/**
 * The matrices on the diagonal of one matrix, zeros elsewhere (a 0-d tensor
 * counts as 1 x 1, a vector as one row), in the promoted dtype, as
 * torch.block_diag.
 *
 * @example
 * torch.blockDiag(torch.tensor([[1, 2]]), torch.tensor([[3], [4]])); // [[1, 2, 0], [0, 0, 3], [0, 0, 4]]
 */
export function blockDiag(...tensors: Tensor[]): Tensor {
  tensors.forEach((t, i) => {
    if (t.dim() > 2) throw new Error(`torch.block_diag: Input tensors must have 2 or fewer dimensions. Input ${i} has ${t.dim()} dimensions`);
  });
  if (tensors.length === 0) return empty([1, 0], "float32");
  const dtype = listResultType(tensors);
  const blocks = tensors.map((t) => toDtype(t.dim() === 2 ? t : reshape(t, [1, -1]), dtype));
  const width = blocks.reduce((w, t) => w + t.shape[1]!, 0);
  let before = 0;
  const rows = blocks.map((t) => {
    const [r, c] = t.shape as [number, number];
    const row = cat([zeros([r, before], { dtype }), t, zeros([r, width - before - c], { dtype })], 1);
    before += c;
    return row;
  });
  return cat(rows, 0);
}

/**
 * The Vandermonde matrix of a vector: columns x^(N-1), ..., x^0 (or
 * ascending powers when `increasing`), N the vector's length by default,
 * as torch.vander (a cumulative product, so differentiable).
 *
 * @example
 * torch.vander(torch.tensor([1, 2, 3])); // [[1, 1, 1], [4, 2, 1], [9, 3, 1]]
 */
export function vander(x: Tensor, N: number | null = null, options: { increasing?: boolean } = {}): Tensor {
  if (x.dim() !== 1) throw new Error("x must be a one-dimensional tensor.");
  const n = N ?? x.shape[0]!;
  if (!Number.isInteger(n) || n < 0) throw new Error("N must be non-negative.");
  const dtype: DType = x.dtype === "bool" ? "int32" : x.dtype;
  const rows = x.shape[0]!;
  if (n === 0) return empty([rows, 0], dtype);
  const xs = toDtype(x, dtype);
  const columns = n === 1 ? ones([rows, 1], { dtype }) : cat([ones([rows, 1], { dtype }), expand(unsqueeze(xs, 1), [rows, n - 1])], 1);
  const powers = cumprod(columns, 1);
  return options.increasing ?? false ? powers : flip(powers, [1]);
}

/**
 * `A` to the integer power `n` for (batches of) square matrices: the
 * identity for 0, the inverse's power for negative n, as
 * torch.linalg.matrix_power.
 *
 * @example
 * torch.matrixPower(torch.tensor([[1, 1], [0, 1]]), 3); // [[1, 3], [0, 1]]
 */
export function matrixPower(A: Tensor, n: number): Tensor {
  if (A.dim() < 2) throw new Error("linalg.matrix_power: The input tensor A must have at least 2 dimensions.");
  const [r, c] = A.shape.slice(-2) as [number, number];
  if (r !== c) throw new Error(`linalg.matrix_power: A must be batches of square matrices, but they are ${r} by ${c} matrices`);
  if (!Number.isInteger(n)) throw new Error(`linalg.matrix_power: n must be an integer (got ${n})`);
  if (n === 0) {
    const out = expand(eye(r, { dtype: A.dtype }), A.shape).contiguous();
    // the identity does not depend on A: a zero gradient, as PyTorch's copy
    if (needsGrad(A)) record("CopyBackwards", [A], out, ([g]) => [zerosLike(g!)]);
    return out;
  }
  if (n < 0 && !isFloating(A.dtype)) throw new Error(`linalg.inv: Expected a floating point or complex tensor as input. Got ${scalarTypeName(A.dtype)}`);
  const base = n < 0 ? inv(A) : A;
  let k = Math.abs(n);
  if (k === 1) return n < 0 ? base : base.clone();
  // binary powers, as PyTorch's
  let z: Tensor | null = null, result: Tensor | null = null;
  while (k > 0) {
    z = z === null ? base : matmul(z, z);
    if (k & 1) result = result === null ? z : matmul(result, z);
    k >>= 1;
  }
  return result!;
}

/**
 * The product of matrices left to right, as the deprecated torch.chain_matmul
 * (PyTorch 2.x: use torch.linalg.multi_dot); one matrix gives a copy.
 *
 * @example
 * torch.chainMatmul(a, b, c); // a @ b @ c
 */
export function chainMatmul(...matrices: Tensor[]): Tensor {
  warn("torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use torch.linalg.multi_dot instead, which accepts a list of two or more tensors rather than multiple parameters.");
  if (matrices.length === 0) throw new Error("chain_matmul(): Expected one or more matrices");
  for (const m of matrices) if (m.dim() !== 2) throw new Error(`Tensor dimension is ${m.dim()}, expected 2 instead.`);
  if (matrices.length === 1) return matrices[0]!.clone();
  return matrices.slice(1).reduce((acc, m) => mm(acc, m), matrices[0]!);
}

/**
 * The cross product of 3-vectors along `dim`; without `dim`, along the first
 * dim of size 3 (PyTorch 2.x warns that this default is deprecated: pass
 * `dim`, or use `torch.linalg.cross`, whose default is the last dim).
 *
 * @example
 * torch.cross(torch.tensor([1, 0, 0]), torch.tensor([0, 1, 0]), 0); // tensor([0., 0., 1.])
 */
export function cross(input: Tensor, other: Tensor, dim: number | null = null): Tensor {
  if (dim !== null) return linalgCross(input, other, { dim });
  warn("Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim explicitly or simply use torch.linalg.cross.\nThe default value of dim will change to agree with that of linalg.cross in a future release.");
  if (input.dim() !== other.dim()) throw new Error("linalg.cross: inputs must have the same number of dimensions.");
  const d = input.shape.findIndex((s) => s === 3);
  if (d < 0) throw new Error(`no dimension of size 3 in input (cross: input ${shapeStr(input.shape)})`);
  return linalgCross(input, other, { dim: d });
}

/**
 * The p-norm of `input - other` (broadcast), as torch.dist.
 *
 * @example
 * torch.dist(torch.tensor([1, 2]), torch.tensor([4, 6])); // tensor(5.)
 */
export function dist(input: Tensor, other: Tensor, p = 2): Tensor {
  return norm(sub(input, other), p);
}

/**
 * Each slice along `dim` whose p-norm exceeds `maxnorm` scaled down to norm
 * `maxnorm` (PyTorch's factor maxnorm / (norm + 1e-7)), the others as they
 * are, as torch.renorm. Differentiable through the norm.
 *
 * @example
 * torch.renorm(torch.tensor([[3, 4], [0.3, 0.4]]), 2, 0, 1); // [[0.6, 0.8], [0.3, 0.4]]
 */
export function renorm(input: Tensor, p: number, dim: number, maxnorm: number): Tensor {
  if (input.dim() < 2) throw new Error(`renorm: input needs at least 2 dimensions, got ${input.dim()} dimensions`);
  if (!(p > 0)) throw new Error("renorm: non-positive-norm not supported");
  if (!(maxnorm >= 0)) throw new Error(`renorm: expected maxnorm to be >= 0 but got ${maxnorm}`);
  if (!isFloating(input.dtype)) throw new Error(`linalg.vector_norm: Expected a floating point or complex tensor as input. Got ${scalarTypeName(input.dtype)}`);
  const d = normalizeDim(dim, input.dim(), "renorm", input.shape);
  const others = [...input.shape.keys()].filter((i) => i !== d);
  const norms = norm(input, p, others, { keepdim: true });
  const factor = where(gt(norms, maxnorm), div(maxnorm, add(norms, 1e-7)), 1);
  return mul(input, factor);
}

/** The inverse of (batches of) square matrices: `torch.linalg.inv` under its torch name. */
export function inverse(input: Tensor): Tensor {
  return inv(input);
}

/** The determinant: `torch.linalg.det` under its torch name. */
export function det(input: Tensor): Tensor {
  return linalgDet(input);
}

/** `{ sign, logabsdet }` of the determinant: `torch.linalg.slogdet` under its torch name. */
export function slogdet(input: Tensor): SlogdetResult {
  return linalgSlogdet(input);
}

/**
 * The log of the determinant: NaN where it is negative, -Infinity where it
 * is 0 (PyTorch's logdet, from slogdet).
 *
 * @example
 * torch.logdet(torch.tensor([[2, 0], [0, 3]])); // tensor(1.7918)
 */
export function logdet(input: Tensor): Tensor {
  const { sign, logabsdet } = linalgSlogdet(input);
  return where(eq(sign, -1), NaN, logabsdet);
}

/**
 * The pseudo-inverse, singular values below `rcond` times the largest
 * counting as zero: `torch.linalg.pinv` with that relative tolerance.
 */
export function pinverse(input: Tensor, rcond = 1e-15): Tensor {
  return pinv(input, { rtol: rcond });
}

/** The outer product of two vectors under its old name (torch.ger). */
export function ger(input: Tensor, vec2: Tensor): Tensor {
  return outer(input, vec2);
}

/** The inner product of two vectors (torch.vdot: `dot`, as there are no complex dtypes to conjugate). */
export function vdot(input: Tensor, other: Tensor): Tensor {
  return dot(input, other);
}

/**
 * Sums products over the last dim of `a` and of `b`, as `torch.inner`: a
 * result with a's other dims, then b's; with a 0-d operand, the product.
 *
 * @example
 * torch.inner(torch.ones([2, 3]), torch.ones([4, 3])).shape; // [2, 4]
 */
export function inner(a: Tensor, b: Tensor): Tensor {
  if (a.dim() === 0 || b.dim() === 0) return mul(a, b);
  if (a.shape[a.dim() - 1] !== b.shape[b.dim() - 1]) {
    throw new Error(`inner() the last dimension must match on both input tensors but got shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)}`);
  }
  return tensordot(a, b, [[-1], [-1]]);
}
