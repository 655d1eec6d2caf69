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
export { type SolveOptions } from "./ops/linalg/lu.js";
export { solveTriangular, type SolveTriangularOptions } from "./ops/linalg/triangular.js";
export { luFactor, luFactorEx, lu, luSolve, type LuOptions, type LuFactorExOptions, type LuFactorResult, type LuFactorExResult, type LuResult, type LuSolveOptions } from "./ops/linalg/lu-factor.js";
export { invEx, solveEx, choleskyEx, type CheckErrorsOptions, type InvExResult, type SolveExOptions, type SolveExResult, type CholeskyExOptions, type CholeskyExResult } from "./ops/linalg/ex.js";
export { norm, cond, type LinalgNormOptions } from "./ops/linalg/norm-cond.js";
export { vecdot, multiDot, householderProduct, vander, diagonal } from "./ops/linalg/products-more.js";
export { matrixExp } from "./ops/linalg/matrix-exp.js";
export { tensorinv, tensorsolve } from "./ops/linalg/tensor-solve.js";
export { eig, eigvals } from "./ops/linalg/eig.js";
export { matrixPower } from "./ops/products.js";
export { matmul } from "./ops/linalg.js";
export { ldlFactor, ldlFactorEx, ldlSolve, type LdlOptions, type LdlFactorExOptions, type LdlFactorResult, type LdlFactorExResult } from "./ops/linalg/ldl.js";
