/**
 * `nn.utils.parametrizations`, as `torch.nn.utils.parametrizations`:
 * `orthogonal`, `weightNorm` and `spectralNorm` built on
 * `nn.utils.parametrize.registerParametrization`.
 */
import { noGrad } from "../../autograd/grad-mode-api.js";
import { randn, zeros, eye } from "../../ops/factories.js";
import { cat } from "../../ops/indexing.js";
import { solve } from "../../ops/linalg/lu.js";
import { qr } from "../../ops/linalg/qr.js";
import { Tensor } from "../../tensor/tensor.js";
import { Module } from "../module.js";
import { geqrf, householderProduct, matrixExp } from "./orthogonal-maps.js";
import { NotImplementedError, registerParametrization } from "./parametrize.js";
import { checkPowerIterations, isConvTranspose, unitVector, weightToMatrix } from "./spectral-norm.js";
import { normExceptDim, weightNormOf } from "./weight-norm.js";

/** How `orthogonal` maps an unconstrained matrix to an orthogonal one. */
export type OrthogonalMap = "matrix_exp" | "cayley" | "householder";

const mT = (x: Tensor): Tensor => x.transpose(-2, -1);

function sizeText(shape: readonly number[]): string {
  return `torch.Size([${shape.join(", ")}])`;
}

/** The Q of A = QR with R's diagonal non-negative (PyTorch's `_make_orthogonal`). */
function makeOrthogonal(A: Tensor): Tensor {
  const { Q, R } = qr(A);
  return Q.mul(R.diagonal(0, -2, -1).sign().unsqueeze(-2));
}

/** Whether the columns of Q are orthonormal to within 10·n·eps of the dtype (PyTorch's `_is_orthogonal`). */
function isOrthogonal(Q: Tensor): boolean {
  const n = Q.shape[Q.dim() - 2]!, k = Q.shape[Q.dim() - 1]!;
  const eps = 10 * n * (Q.dtype === "float64" ? 2.220446049250313e-16 : 1.1920929e-7);
  return mT(Q).matmul(Q).allclose(eye(k, { dtype: Q.dtype }), { atol: eps });
}

/** `-I` of `shape` (the last two dims; batches repeat it). */
function negativeIdentity(shape: readonly number[], dtype: Tensor["dtype"]): Tensor {
  const [n, k] = shape.slice(-2) as [number, number];
  return eye(n, k, { dtype }).neg().expand(shape).contiguous();
}

/**
 * The orthogonal parametrization (PyTorch's `_Orthogonal`): the original is
 * mapped to an orthogonal matrix (orthonormal columns if tall, rows if wide);
 * with the trivialization, the result is multiplied by the buffer `base`.
 */
export class Orthogonal extends Module {
  readonly shape: readonly number[];
  readonly orthogonalMap: OrthogonalMap;

  constructor(weight: Tensor, orthogonalMap: OrthogonalMap, options: { useTrivialization?: boolean } = {}) {
    super();
    this.shape = [...weight.shape];
    this.orthogonalMap = orthogonalMap;
    if (options.useTrivialization ?? true) this.registerBuffer("base", null);
  }

  /** The trivialization's base (null until the first `rightInverse`), or undefined without trivialization. */
  get base(): Tensor | null | undefined {
    return this._buffers.has("base") ? this._buffers.get("base")! : undefined;
  }

  override forward(input: Tensor): Tensor {
    let X = input;
    let n = X.shape[X.dim() - 2]!, k = X.shape[X.dim() - 1]!;
    const transposed = n < k;
    if (transposed) {
      X = mT(X);
      [n, k] = [k, n];
    }
    let Q: Tensor;
    if (this.orthogonalMap === "matrix_exp" || this.orthogonalMap === "cayley") {
      // a skew-symmetric n×n matrix from the lower triangle (n·k − k(k−1)/2 free entries)
      X = X.tril();
      if (n !== k) X = cat([X, zeros([...X.shape.slice(0, -2), n, n - k], { dtype: X.dtype })], -1);
      const A = X.sub(mT(X));
      if (this.orthogonalMap === "matrix_exp") Q = matrixExp(A);
      else {
        // the Cayley map (I + A/2)(I − A/2)⁻¹, as PyTorch solves it
        const I = eye(n, { dtype: A.dtype });
        Q = solve(I.sub(A.mul(0.5)), I.add(A.mul(0.5)));
      }
      if (n !== k) Q = Q.narrow(-1, 0, k);
    } else {
      const A = X.tril(-1);
      const tau = A.mul(A).sum(-2).add(1).reciprocal().mul(2);
      Q = householderProduct(A, tau);
      // the diagonal of X holds ±1 (signs, cast to int as PyTorch: no gradient flows there)
      Q = Q.mul(noGrad(() => X.diagonal(0, -2, -1).trunc()).unsqueeze(-2));
    }
    const base = this.base;
    if (base !== undefined && base !== null) Q = base.matmul(Q);
    return transposed ? mT(Q) : Q;
  }

  /**
   * An original whose image is `Q`: with the trivialization, `base` becomes
   * `Q` (made orthogonal when it is not) and the original `−I`; without it,
   * only the Householder map can invert (from `geqrf`).
   */
  rightInverse(value: Tensor): Tensor {
    return noGrad(() => {
      if (value.shape.length !== this.shape.length || value.shape.some((d, i) => d !== this.shape[i])) {
        throw new Error(`Expected a matrix or batch of matrices of shape ${sizeText(this.shape)}. Got a tensor of shape ${sizeText(value.shape)}.`);
      }
      let Q = value;
      let n = Q.shape[Q.dim() - 2]!, k = Q.shape[Q.dim() - 1]!;
      const transpose = n < k;
      if (transpose) {
        Q = mT(Q);
        [n, k] = [k, n];
      }
      if (this.base === undefined) {
        if (this.orthogonalMap !== "householder") {
          throw new NotImplementedError("It is not possible to assign to the matrix exponential or the Cayley parametrizations when use_trivialization=False.");
        }
        const { a, tau } = geqrf(Q);
        // the diagonal keeps the signs of R, flipped where the reflector is the identity
        const d = a.diagonal(0, -2, -1);
        d.copy_(d.sign().mul(tau.eq(0).mul(-2).add(1)));
        return transpose ? mT(a).contiguous() : a;
      }
      if (n === k) Q = isOrthogonal(Q) ? Q.clone() : makeOrthogonal(Q);
      else Q = makeOrthogonal(cat([Q, randn([...Q.shape.slice(0, -2), n, n - k], { dtype: Q.dtype })], -1));
      (this as unknown as { base: Tensor }).base = Q;
      // −I: its image is the identity (for every map), so the parametrized value is base's first columns
      return negativeIdentity(value.shape, value.dtype);
    });
  }
}

export interface OrthogonalOptions {
  /** Default: "matrix_exp" for square matrices, "householder" otherwise. */
  orthogonalMap?: OrthogonalMap | null;
  /** Keep a `base` the map is applied on (the dynamic trivialization; default true). */
  useTrivialization?: boolean;
}

/**
 * Makes the matrix (or batch of matrices) `name` of `module` orthogonal:
 * orthonormal columns if it has more rows than columns, orthonormal rows
 * otherwise. The initial value is the current one orthogonalized by QR.
 * Returns the module.
 *
 * @example
 * const m = nn.utils.parametrizations.orthogonal(new nn.Linear(20, 40));
 * m.weight.t().matmul(m.weight); // ≈ eye(20)
 */
export function orthogonal<M extends Module>(module: M, name = "weight", options: OrthogonalOptions = {}): M {
  const weight = (module as unknown as Record<string, unknown>)[name];
  if (!(weight instanceof Tensor)) throw new Error(`Module '${module.toString()}' has no parameter or buffer with name '${name}'`);
  if (weight.dim() < 2) throw new Error(`Expected a matrix or batch of matrices. Got a tensor of ${weight.dim()} dimensions.`);
  const map = options.orthogonalMap ?? (weight.shape[weight.dim() - 2] === weight.shape[weight.dim() - 1] ? "matrix_exp" : "householder");
  if (map !== "matrix_exp" && map !== "cayley" && map !== "householder") {
    throw new Error(`orthogonal_map has to be one of "matrix_exp", "cayley", "householder". Got: ${String(map)}`);
  }
  const useTrivialization = options.useTrivialization ?? true;
  return registerParametrization(module, name, new Orthogonal(weight, map, { useTrivialization }), { unsafe: true });
}

/** The weight-norm parametrization (PyTorch 2.x's `_WeightNorm`): `(g, v) ↦ g · v / ‖v‖`. */
export class WeightNorm extends Module {
  readonly dim: number;

  constructor(dim: number | null = 0) {
    super();
    this.dim = dim ?? -1;
  }

  override forward(weightG: Tensor, weightV: Tensor): Tensor {
    return weightNormOf(weightV, weightG, this.dim);
  }

  /** `[g, v]`: the norm over every dim but `dim`, and the weight itself. */
  rightInverse(weight: Tensor): Tensor[] {
    return [normExceptDim(weight, 2, this.dim), weight];
  }
}

/**
 * Weight normalization as a parametrization (PyTorch 2.1+): `name` is
 * computed from `parametrizations.weight.original0` (the magnitude g) and
 * `original1` (the direction v). `dim: null` (or -1) takes one norm over the
 * whole tensor. Returns the module. (PyTorch also loads old `weight_g` /
 * `weight_v` checkpoints into it; torchlet does not.)
 *
 * @example
 * const m = nn.utils.parametrizations.weightNorm(new nn.Linear(20, 40));
 * Object.keys(m.stateDict()); // ["bias", "parametrizations.weight.original0", "parametrizations.weight.original1"]
 */
export function weightNorm<M extends Module>(module: M, name = "weight", dim: number | null = 0): M {
  return registerParametrization(module, name, new WeightNorm(dim), { unsafe: true });
}

/**
 * The spectral-norm parametrization (PyTorch's `_SpectralNorm`): the weight
 * over its largest singular value, estimated by power iteration in the
 * buffers `_u` and `_v` (15 iterations at registration, `nPowerIterations`
 * per read in training mode, none in eval). A vector is just normalized.
 */
export class SpectralNorm extends Module {
  readonly dim: number;
  readonly eps: number;
  readonly nPowerIterations: number;

  constructor(weight: Tensor, nPowerIterations = 1, dim = 0, eps = 1e-12) {
    super();
    const ndim = weight.dim();
    if (dim >= ndim || dim < -ndim) throw new Error(`Dimension out of range (expected to be in range of [-${ndim}, ${ndim - 1}] but got ${dim})`);
    checkPowerIterations(nPowerIterations);
    this.dim = dim >= 0 ? dim : dim + ndim;
    this.eps = eps;
    this.nPowerIterations = nPowerIterations;
    if (ndim > 1) {
      const mat = weightToMatrix(weight, this.dim);
      const [h, w] = mat.shape as [number, number];
      noGrad(() => {
        this.registerBuffer("_u", unitVector(randn([h], { dtype: weight.dtype }), eps));
        this.registerBuffer("_v", unitVector(randn([w], { dtype: weight.dtype }), eps));
      });
      this.powerMethod(mat, 15);
    }
  }

  /** `n` power-iteration steps on the buffers, in place (u first, then v). */
  private powerMethod(mat: Tensor, n: number): void {
    noGrad(() => {
      const u = this._buffers.get("_u")!, v = this._buffers.get("_v")!;
      for (let i = 0; i < n; i++) {
        u.copy_(unitVector(mat.mv(v), this.eps));
        v.copy_(unitVector(mat.t().mv(u), this.eps));
      }
    });
  }

  override forward(weight: Tensor): Tensor {
    if (weight.dim() === 1) return unitVector(weight, this.eps);
    const mat = weightToMatrix(weight, this.dim);
    if (this.training) this.powerMethod(mat, this.nPowerIterations);
    // copies, so a later power iteration doesn't change what backward saved
    const u = this._buffers.get("_u")!.clone(), v = this._buffers.get("_v")!.clone();
    return weight.div(u.dot(mat.mv(v)));
  }

  rightInverse(value: Tensor): Tensor {
    return value;
  }
}

/**
 * Spectral normalization as a parametrization: `name` reads as the original
 * divided by its estimated largest singular value. `dim` is the output dim
 * (default 0, 1 for ConvTranspose). Returns the module.
 *
 * @example
 * const d = nn.utils.parametrizations.spectralNorm(new nn.Linear(20, 40));
 * Object.keys(d.stateDict()); // ["bias", "parametrizations.weight.original", "parametrizations.weight.0._u", "parametrizations.weight.0._v"]
 */
export function spectralNorm<M extends Module>(module: M, name = "weight", nPowerIterations = 1, eps = 1e-12, dim: number | null = null): M {
  const weight = (module as unknown as Record<string, unknown>)[name];
  if (!(weight instanceof Tensor)) throw new Error(`Module '${module.toString()}' has no parameter or buffer with name '${name}'`);
  const d = dim ?? (isConvTranspose(module) ? 1 : 0);
  return registerParametrization(module, name, new SpectralNorm(weight, nPowerIterations, d, eps));
}
