import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import { broadcastShapes } from "../ops/core.js";
import * as C from "./constraints.js";
import { Distribution, type DistributionOptions, type SampleOptions } from "./distribution.js";

/** Exactly one of the covariance matrix, its inverse (the precision matrix), or the covariance's lower Cholesky factor. */
export type MultivariateNormalParams =
  | { covarianceMatrix: Tensor; precisionMatrix?: undefined; scaleTril?: undefined }
  | { precisionMatrix: Tensor; covarianceMatrix?: undefined; scaleTril?: undefined }
  | { scaleTril: Tensor; covarianceMatrix?: undefined; precisionMatrix?: undefined };
type MatrixName = "covarianceMatrix" | "precisionMatrix" | "scaleTril";

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * The multivariate normal distribution `N(loc, Σ)` over vectors of size
 * `n = loc.shape[-1]`, with `Σ` given as `{ covarianceMatrix }`, as its
 * inverse `{ precisionMatrix }`, or as its lower Cholesky factor
 * `{ scaleTril }`; reparameterisable.
 *
 * @example
 * const d = new torch.distributions.MultivariateNormal(torch.zeros([2]), { covarianceMatrix: torch.tensor([[2, 1], [1, 2]]) });
 * d.eventShape; // [2]
 * d.logProb(torch.tensor([0.5, -1]));
 */
export class MultivariateNormal extends Distribution {
  readonly loc: Tensor;
  /** The lower Cholesky factor `L` of the covariance (`Σ = L Lᵀ`), broadcast to the batch. */
  readonly scaleTril: Tensor;
  override get hasRsample(): boolean {
    return true;
  }
  /** The matrix that was given, broadcast to the batch (PyTorch's repr and messages show it so). */
  private readonly given: Partial<Record<MatrixName, Tensor>>;
  /** `L` before broadcasting: the per-batch work (solves, log-determinants) is done once per distinct matrix. */
  private readonly tril: Tensor;

  constructor(loc: Tensor, params: MultivariateNormalParams, options: DistributionOptions = {}) {
    if (loc.dim() < 1) throw new Error("loc must be at least one-dimensional.");
    const names = (["covarianceMatrix", "precisionMatrix", "scaleTril"] as const).filter((k) => params[k] !== undefined);
    if (names.length !== 1) throw new Error("Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.");
    const name = names[0]!, m = params[name]!;
    if (m.dim() < 2)
      throw new Error(name === "scaleTril"
        ? "scale_tril matrix must be at least two-dimensional, with optional leading batch dimensions"
        : `${name === "covarianceMatrix" ? "covariance_matrix" : "precision_matrix"} must be at least two-dimensional, with optional leading batch dimensions`);
    const n = loc.shape[loc.shape.length - 1]!;
    const batch = [...broadcastShapes(m.shape.slice(0, -2), loc.shape.slice(0, -1), "MultivariateNormal")];
    super(batch, [n], options);
    this.loc = loc.expand([...batch, n]);
    this.given = { [name]: m.expand([...batch, n, n]) };
    this.validateParams();
    // Σ = P⁻¹, so L is the Cholesky factor of P⁻¹
    this.tril = name === "scaleTril" ? m : torch.linalg.cholesky(name === "covarianceMatrix" ? m : torch.linalg.inv(m));
    this.scaleTril = this.tril.expand([...batch, n, n]);
  }
  override get argConstraints(): Record<string, C.Constraint> {
    return { loc: C.independent(C.real, 1), covarianceMatrix: C.positiveDefinite, precisionMatrix: C.positiveDefinite, scaleTril: C.lowerCholesky };
  }
  protected override params(): Record<string, Tensor> {
    return { loc: this.loc, ...this.given };
  }
  get support(): C.Constraint {
    return C.independent(C.real, 1);
  }
  /** `Σ = L Lᵀ` (the given one, where it was given). */
  get covarianceMatrix(): Tensor {
    return this.given.covarianceMatrix ?? this.scaleTril.matmul(this.scaleTril.transpose(-2, -1));
  }
  /** `Σ⁻¹ = L⁻ᵀ L⁻¹` (the given one, where it was given). */
  get precisionMatrix(): Tensor {
    if (this.given.precisionMatrix !== undefined) return this.given.precisionMatrix;
    const n = this.eventShape[0]!;
    // (L Lᵀ)⁻¹ as a function of all of L, as PyTorch's cholesky_inverse differentiates it (unlike logProb's solve)
    const inv = torch.linalg.solve(this.tril, torch.eye(n, { dtype: this.tril.dtype }).expand(this.tril.shape));
    return inv.transpose(-2, -1).matmul(inv).expand([...this.batchShape, n, n]);
  }
  get mean(): Tensor {
    return this.loc;
  }
  override get mode(): Tensor {
    return this.loc;
  }
  override expand(batchShape: readonly number[]): this {
    const n = this.eventShape[0]!;
    const given = Object.fromEntries(Object.entries(this.given).map(([k, m]) => [k, m.expand([...batchShape, n, n])]));
    return this.withBatchShape(batchShape, { loc: this.loc.expand([...batchShape, n]), scaleTril: this.scaleTril.expand([...batchShape, n, n]), given });
  }
  get variance(): Tensor {
    return this.tril.square().sum(-1).expand(this.extendedShape());
  }
  override rsample(sampleShape: readonly number[] = [], options: SampleOptions = {}): Tensor {
    const eps = torch.randn(this.extendedShape(sampleShape), { dtype: this.loc.dtype, ...options });
    return this.loc.add(this.tril.matmul(eps.unsqueeze(-1)).squeeze(-1));
  }
  private halfLogDet(): Tensor {
    return torch.diagonal(this.tril, 0, -2, -1).log().sum(-1);
  }
  logProb(value: Tensor): Tensor {
    this.validateSample(value);
    const diff = value.sub(this.loc);
    const n = this.eventShape[0]!;
    // Mahalanobis distance ‖L⁻¹ (x - μ)‖², L broadcast to diff's batch
    const batch = diff.shape.slice(0, -1);
    // (tril: only the lower triangle is read, so the upper one gets no gradient, as in PyTorch's triangular solve)
    const z = torch.linalg.solve(torch.tril(this.tril).expand([...batch, n, n]), diff.unsqueeze(-1)).squeeze(-1);
    const maha = z.square().sum(-1);
    return maha.add(n * LOG_2PI).mul(-0.5).sub(this.halfLogDet());
  }
  entropy(): Tensor {
    const n = this.eventShape[0]!;
    return this.halfLogDet().add(0.5 * n * (1 + LOG_2PI)).expand(this.batchShape);
  }
}
