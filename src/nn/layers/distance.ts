import type { Tensor } from "../../tensor/tensor.js";
import { cosineSimilarity, pairwiseDistance, type CosineSimilarityOptions, type PairwiseDistanceOptions } from "../distance.js";
import { Module } from "../module.js";

/**
 * Cosine similarity along `dim` (default 1, eps 1e-8), as `F.cosineSimilarity`.
 *
 * @example
 * const sim = new nn.CosineSimilarity({ dim: -1 }).forward(a, b);
 */
export class CosineSimilarity extends Module {
  readonly dim: number;
  readonly eps: number;

  constructor(options: CosineSimilarityOptions = {}) {
    super();
    this.dim = options.dim ?? 1;
    this.eps = options.eps ?? 1e-8;
  }

  override forward(x1: Tensor, x2: Tensor): Tensor {
    return cosineSimilarity(x1, x2, { dim: this.dim, eps: this.eps });
  }
}

/**
 * `‖x1 - x2 + eps‖_p` over the last dim (p 2, eps 1e-6 by default), as
 * `F.pairwiseDistance`. The norm is kept as `norm`, PyTorch's attribute name.
 *
 * @example
 * const d = new nn.PairwiseDistance({ p: 1 }).forward(a, b);
 */
export class PairwiseDistance extends Module {
  readonly norm: number;
  readonly eps: number;
  readonly keepdim: boolean;

  constructor(options: PairwiseDistanceOptions = {}) {
    super();
    this.norm = options.p ?? 2;
    this.eps = options.eps ?? 1e-6;
    this.keepdim = options.keepdim ?? false;
  }

  override forward(x1: Tensor, x2: Tensor): Tensor {
    return pairwiseDistance(x1, x2, { p: this.norm, eps: this.eps, keepdim: this.keepdim });
  }
}
