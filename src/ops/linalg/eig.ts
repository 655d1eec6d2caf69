/**
 * linalg.eig and linalg.eigvals: the eigen-decomposition of a general square
 * matrix is complex, and torchlet has no complex dtypes, so both say so.
 */
import type { Tensor } from "../../tensor/tensor.js";

function noComplex(op: string): never {
  throw new Error(
    `${op}: the eigenvalues and eigenvectors of a general matrix are complex, and torchlet has no complex dtypes, so complex results are not supported. ` +
    "For symmetric (Hermitian) matrices use torch.linalg.eigh / torch.linalg.eigvalsh, whose results are real.",
  );
}

/**
 * Not supported: PyTorch's torch.linalg.eig returns complex tensors, which
 * torchlet does not have. Throws an error pointing at linalg.eigh (for
 * symmetric matrices).
 */
export function eig(A: Tensor): never {
  void A;
  return noComplex("linalg.eig");
}

/**
 * Not supported: PyTorch's torch.linalg.eigvals returns a complex tensor.
 * Throws an error pointing at linalg.eigvalsh (for symmetric matrices).
 */
export function eigvals(A: Tensor): never {
  void A;
  return noComplex("linalg.eigvals");
}
