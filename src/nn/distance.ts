/**
 * Vector norms between and within tensors, as in `nn.functional`:
 * `normalize`, `cosineSimilarity` and `pairwiseDistance`, on `torch.norm`
 * (linalg.vector_norm, whose gradient is 0 at a zero vector).
 */
import { add, clamp, div, mul, resultType, sub, toDtype } from "../ops/elementwise.js";
import { norm, sum } from "../ops/reduce.js";
import { expand } from "../ops/views.js";
import { isFloating, scalarTypeName } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { broadcastAll, clampMinWithoutGrad } from "./loss-utils.js";

export interface NormalizeOptions {
  /** The norm (default 2). */
  p?: number;
  /** The dim of the vectors (default 1). */
  dim?: number;
  /** The smallest norm divided by (default 1e-12). */
  eps?: number;
}

/**
 * `input / max(‖input‖_p, eps)` over `dim`: unit vectors along a dim, a zero
 * vector staying zero.
 *
 * @example
 * const unit = F.normalize(embeddings, { dim: -1 });
 */
export function normalize(input: Tensor, options: NormalizeOptions = {}): Tensor {
  const n = norm(input, options.p ?? 2, options.dim ?? 1, { keepdim: true });
  return div(input, clamp(n, options.eps ?? 1e-12));
}

export interface CosineSimilarityOptions {
  /** The dim of the vectors (default 1). */
  dim?: number;
  /** The smallest norm divided by (default 1e-8). */
  eps?: number;
}


/**
 * Cosine of the angle between `x1` and `x2` along `dim`, after broadcasting
 * them: PyTorch 2.x's `sum(x1 / max(‖x1‖, eps) · x2 / max(‖x2‖, eps))`, each
 * norm clamped on its own (1.x clamped their product). As in 2.x, the clamp
 * is invisible to autograd.
 *
 * @example
 * const sim = F.cosineSimilarity(a, b, { dim: -1 }); // in [-1, 1]
 */
export function cosineSimilarity(x1: Tensor, x2: Tensor, options: CosineSimilarityOptions = {}): Tensor {
  const dim = options.dim ?? 1, eps = options.eps ?? 1e-8;
  const common = resultType(x1, x2);
  if (!isFloating(common)) throw new Error(`expected common dtype to be floating point, yet common dtype is ${scalarTypeName(common)} (cosine_similarity: ${x1.dtype} and ${x2.dtype})`);
  const shape = broadcastAll("cosine_similarity", x1.shape, x2.shape);
  // integer operands take the common dtype first (torch.norm needs floats)
  const a = expand(isFloating(x1.dtype) ? x1 : toDtype(x1, common), shape);
  const b = expand(isFloating(x2.dtype) ? x2 : toDtype(x2, common), shape);
  const normA = clampMinWithoutGrad(norm(a, 2, dim, { keepdim: true }), eps);
  const normB = clampMinWithoutGrad(norm(b, 2, dim, { keepdim: true }), eps);
  return sum(mul(div(a, normA), div(b, normB)), dim);
}

export interface PairwiseDistanceOptions {
  /** The norm (default 2). */
  p?: number;
  /** Added to every difference, as PyTorch does (default 1e-6). */
  eps?: number;
  /** Keeps the reduced last dim with size 1 (default false). */
  keepdim?: boolean;
}

/**
 * `‖x1 - x2 + eps‖_p` over the last dim (of the broadcast shape): the
 * distance between corresponding vectors. Equal vectors are `eps·D^(1/p)`
 * apart, not 0, exactly as in PyTorch.
 *
 * @example
 * const d = F.pairwiseDistance(a, b); // [N] for [N, D] inputs
 */
export function pairwiseDistance(x1: Tensor, x2: Tensor, options: PairwiseDistanceOptions = {}): Tensor {
  broadcastAll("pairwise_distance", x1.shape, x2.shape);
  const last = Math.max(x1.dim(), x2.dim()) - 1;
  return norm(add(sub(x1, x2), options.eps ?? 1e-6), options.p ?? 2, last, { keepdim: options.keepdim ?? false });
}
