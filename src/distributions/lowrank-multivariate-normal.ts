import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import { broadcastShapes } from "../ops/core.js";
import * as C from "./constraints.js";
import { Distribution, type DistributionOptions, pySize, type SampleOptions } from "./distribution.js";

const LOG_2PI = Math.log(2 * Math.PI);

/** `A⁻¹ B` for a lower-triangular `A` (only its lower triangle is read, so only it gets a gradient), batches broadcast. */
export function solveLower(a: Tensor, b: Tensor): Tensor {
  const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), "solve_triangular");
  const n = a.shape[a.shape.length - 1]!, k = b.shape[b.shape.length - 1]!;
  return torch.linalg.solve(torch.tril(a).expand([...batch, n, n]), b.expand([...batch, n, k]));
}

/** `‖L⁻¹ x‖²` over the last dim, `L` lower triangular, batches broadcast (PyTorch's `_batch_mahalanobis`). */
export function batchMahalanobis(l: Tensor, x: Tensor): Tensor {
  return solveLower(l, x.unsqueeze(-1)).squeeze(-1).square().sum(-1);
}

/** `tr(X Xᵀ)`: the sum of squares over the last two dims. */
export const traceXXT = (x: Tensor): Tensor => x.square().sum([-2, -1]);

/** The Cholesky factor of the capacitance `I + Wᵀ D⁻¹ W`. */
function capacitanceTril(w: Tensor, d: Tensor): Tensor {
  const m = w.shape[w.shape.length - 1]!;
  const k = w.transpose(-2, -1).div(d.unsqueeze(-2)).matmul(w);
  return torch.linalg.cholesky(k.add(torch.eye(m, { dtype: w.dtype })));
}

/** `log |W Wᵀ + D| = log |C| + log |D|` (the matrix determinant lemma). */
export function lowrankLogdet(w: Tensor, d: Tensor, capTril: Tensor): Tensor {
  return torch.diagonal(capTril, 0, -2, -1).log().sum(-1).mul(2).add(d.log().sum(-1));
}

/** `xᵀ (W Wᵀ + D)⁻¹ x` by the Woodbury identity, through the capacitance. */
export function lowrankMahalanobis(w: Tensor, d: Tensor, x: Tensor, capTril: Tensor): Tensor {
  const wtDinv = w.transpose(-2, -1).div(d.unsqueeze(-2));
  const wtDinvX = wtDinv.matmul(x.unsqueeze(-1)).squeeze(-1);
  return x.square().div(d).sum(-1).sub(batchMahalanobis(capTril, wtDinvX));
}

/**
 * The multivariate normal with a low-rank-plus-diagonal covariance `W Wᵀ + diag(D)`, `W = covFactor`
 * (n × m) and `D = covDiag`; log-densities and entropies cost O(n m²) through the Woodbury
 * identity and the matrix determinant lemma (only an m × m "capacitance" matrix is factorised).
 * Reparameterisable.
 *
 * @example
 * const d = new torch.distributions.LowRankMultivariateNormal(torch.zeros([3]), torch.ones([3, 1]), torch.ones([3]));
 * d.covarianceMatrix; // ones + identity
 */
export class LowRankMultivariateNormal extends Distribution {
  readonly loc: Tensor;
  /** `W`, broadcast to the batch. */
  readonly covFactor: Tensor;
  /** `D`, broadcast to the batch. */
  readonly covDiag: Tensor;
  private readonly w: Tensor;
  private readonly d: Tensor;
  private readonly capTril: Tensor;

  constructor(loc: Tensor, covFactor: Tensor, covDiag: Tensor, options: DistributionOptions = {}) {
    if (loc.dim() < 1) throw new Error("loc must be at least one-dimensional.");
    const n = loc.shape[loc.dim() - 1]!;
    if (covFactor.dim() < 2) throw new Error("cov_factor must be at least two-dimensional, with optional leading batch dimensions");
    if (covFactor.shape[covFactor.dim() - 2] !== n) throw new Error(`cov_factor must be a batch of matrices with shape ${n} x m`);
    if (covDiag.dim() < 1 || covDiag.shape[covDiag.dim() - 1] !== n) throw new Error(`cov_diag must be a batch of vectors with shape ${pySize([n])}`);
    let l: Tensor, f: Tensor, dg: Tensor;
    try {
      [l, f, dg] = torch.broadcastTensors(loc.unsqueeze(-1), covFactor, covDiag.unsqueeze(-1)) as [Tensor, Tensor, Tensor];
    } catch {
      throw new Error(`Incompatible batch shapes: loc ${pySize(loc.shape)}, cov_factor ${pySize(covFactor.shape)}, cov_diag ${pySize(covDiag.shape)}`);
    }
    super(l.shape.slice(0, -2), [n], options);
    this.loc = l.select(-1, 0);
    this.covFactor = f;
    this.covDiag = dg.select(-1, 0);
    this.w = covFactor;
    this.d = covDiag;
    this.validateParams();
    this.capTril = capacitanceTril(covFactor, covDiag);
  }
  override get hasRsample(): boolean {
    return true;
  }
  override get argConstraints(): Record<string, C.Constraint> {
    return { loc: C.realVector, covFactor: C.independent(C.real, 2), covDiag: C.independent(C.positive, 1) };
  }
  protected override params(): Record<string, Tensor> {
    return { loc: this.loc, covFactor: this.covFactor, covDiag: this.covDiag };
  }
  get support(): C.Constraint {
    return C.realVector;
  }
  /** The unbroadcast factor `W`, diagonal `D` and capacitance factor, for the KL divergences. @internal */
  get lowRankParts(): { w: Tensor; d: Tensor; capTril: Tensor } {
    return { w: this.w, d: this.d, capTril: this.capTril };
  }
  override expand(batchShape: readonly number[]): this {
    const n = this.eventShape[0]!, m = this.covFactor.shape[this.covFactor.dim() - 1]!;
    return this.withBatchShape(batchShape, {
      loc: this.loc.expand([...batchShape, n]), covDiag: this.covDiag.expand([...batchShape, n]),
      covFactor: this.covFactor.expand([...batchShape, n, m]),
    });
  }
  get mean(): Tensor {
    return this.loc;
  }
  override get mode(): Tensor {
    return this.loc;
  }
  /** The covariance's diagonal: `Σⱼ W²ᵢⱼ + Dᵢ`. */
  get variance(): Tensor {
    return this.w.square().sum(-1).add(this.d).expand(this.extendedShape());
  }
  /**
   * The Cholesky factor of the covariance, as `D^½ chol(I + D^-½ W Wᵀ D^-½)`: the matrix inside has
   * eigenvalues of at least 1, so the factorisation is well conditioned.
   */
  get scaleTril(): Tensor {
    const n = this.eventShape[0]!;
    const dSqrt = this.d.sqrt().unsqueeze(-1);
    const dw = this.w.div(dSqrt);
    const k = dw.matmul(dw.transpose(-2, -1)).add(torch.eye(n, { dtype: this.w.dtype }));
    return dSqrt.mul(torch.linalg.cholesky(k)).expand([...this.batchShape, n, n]);
  }
  /** `W Wᵀ + diag(D)`. */
  get covarianceMatrix(): Tensor {
    const n = this.eventShape[0]!;
    return this.w.matmul(this.w.transpose(-2, -1)).add(torch.diagEmbed(this.d)).expand([...this.batchShape, n, n]);
  }
  /** By Woodbury: `D⁻¹ - D⁻¹ W C⁻¹ Wᵀ D⁻¹ = diag(1/D) - AᵀA`, `A = L_C⁻¹ Wᵀ D⁻¹`. */
  get precisionMatrix(): Tensor {
    const n = this.eventShape[0]!;
    const a = solveLower(this.capTril, this.w.transpose(-2, -1).div(this.d.unsqueeze(-2)));
    return torch.diagEmbed(this.d.reciprocal()).sub(a.transpose(-2, -1).matmul(a)).expand([...this.batchShape, n, n]);
  }
  /** `loc + W ε_W + √D ε_D`, with `ε_W` (of size m) drawn before `ε_D` (of size n). */
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const shape = this.extendedShape(sampleShape);
    const m = this.covFactor.shape[this.covFactor.dim() - 1]!;
    const epsW = torch.randn([...shape.slice(0, -1), m], { dtype: this.loc.dtype, ...options });
    const epsD = torch.randn(shape, { dtype: this.loc.dtype, ...options });
    return this.loc.add(this.w.matmul(epsW.unsqueeze(-1)).squeeze(-1)).add(this.d.sqrt().mul(epsD));
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    const diff = value.sub(this.loc);
    const maha = lowrankMahalanobis(this.w, this.d, diff, this.capTril);
    const logDet = lowrankLogdet(this.w, this.d, this.capTril);
    return maha.add(logDet).add(this.eventShape[0]! * LOG_2PI).mul(-0.5);
  }
  entropy(): Tensor {
    const logDet = lowrankLogdet(this.w, this.d, this.capTril);
    return logDet.add(this.eventShape[0]! * (1 + LOG_2PI)).mul(0.5).expand(this.batchShape);
  }
}
