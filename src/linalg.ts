/**
 * `torch.linalg`: dense linear algebra on batches of matrices `[..., m, n]`
 * in float32 and float64, with gradients, following PyTorch 2.x.
 *
 * @module
 */
export { solve, inv, det, slogdet, type SlogdetResult } from "./ops/linalg/lu.js";
export { cholesky, type CholeskyOptions } from "./ops/linalg/cholesky.js";
export { qr, type QrOptions, type QrResult } from "./ops/linalg/qr.js";
export { eigh, eigvalsh, type EighOptions, type EighResult } from "./ops/linalg/eigh.js";
export { vectorNorm, matrixNorm, type MatrixNormOrd, type NormOptions } from "./ops/linalg/norms.js";
export { cross } from "./ops/linalg/cross.js";
export { svd, svdvals, pinv, matrixRank, lstsq, type SvdOptions, type SvdResult, type RankOptions, type LstsqResult } from "./ops/linalg/svd.js";
