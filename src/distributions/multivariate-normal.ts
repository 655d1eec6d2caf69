import * as torch from "../index.js";
import type { Tensor } from "../index.js";
import { broadcastShapes } from "../ops/core.js";
import * as C from "./constraints.js";
import { Distribution, type DistributionOptions, type SampleOptions } from "./distribution.js";

/** Exactly one of the covariance matrix or its lower Cholesky factor. */
export type MultivariateNormalParams = { covarianceMatrix: Tensor; scaleTril?: undefined } | { scaleTril: Tensor; covarianceMatrix?: undefined };

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * The multivariate normal distribution `N(loc, Σ)` over vectors of size
 * `n = loc.shape[-1]`, with `Σ` given as `{ covarianceMatrix }` or as its
 * lower Cholesky factor `{ scaleTril }`; reparameterisable.
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
  private readonly given: { covarianceMatrix?: Tensor; scaleTril?: Tensor };
  private readonly tril: Tensor;

  constructor(loc: Tensor, params: MultivariateNormalParams, options: DistributionOptions = {}) {
    if (loc.dim() < 1) throw new Error("loc must be at least one-dimensional.");
    if ((params.covarianceMatrix === undefined) === (params.scaleTril === undefined))
      throw new Error("Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.");
    const m = (params.covarianceMatrix ?? params.scaleTril);
    if (m.dim() < 2)
      throw new Error(params.scaleTril !== undefined
        ? "scale_tril matrix must be at least two-dimensional, with optional leading batch dimensions"
        : "covariance_matrix must be at least two-dimensional, with optional leading batch dimensions");
    const n = loc.shape[loc.shape.length - 1]!;
    const batch = [...broadcastShapes(m.shape.slice(0, -2), loc.shape.slice(0, -1), "MultivariateNormal")];
    super(batch, [n], options);
    this.loc = loc.expand([...batch, n]);
    this.given = params.scaleTril !== undefined ? { scaleTril: m } : { covarianceMatrix: m };
    this.validateParams();
    this.tril = params.scaleTril !== undefined ? m : torch.linalg.cholesky(m);
    this.scaleTril = this.tril.expand([...batch, n, n]);
  }
  override get argConstraints(): Record<string, C.Constraint> {
    return { loc: C.independent(C.real, 1), covarianceMatrix: C.positiveDefinite, scaleTril: C.lowerCholesky };
  }
  protected override params(): Record<string, Tensor> {
    return { loc: this.loc, ...this.given };
  }
  get support(): C.Constraint {
    return C.independent(C.real, 1);
  }
  /** `Σ = L Lᵀ`. */
  get covarianceMatrix(): Tensor {
    return this.scaleTril.matmul(this.scaleTril.transpose(-2, -1));
  }
  get mean(): Tensor {
    return this.loc;
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
