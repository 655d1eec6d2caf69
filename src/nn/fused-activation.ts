import type { ActivationOp } from "../backend/backend.js";
import { emptyUninitialized, kernels } from "../ops/core.js";
import { isFloating } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";

/**
 * A piecewise-linear activation of `x` in one pass by the backend
 * (Backend.activation: the same bits as the composed definition), or null
 * where the backend leaves it to the composed ops. Not recorded: callers
 * record their own node.
 */
export function fusedActivation(x: Tensor, op: ActivationOp, p0 = 0, p1 = 0): Tensor | null {
  const backend = kernels();
  if (backend.activation === undefined || !isFloating(x.dtype)) return null;
  const out = emptyUninitialized(x.shape, x.dtype);
  return backend.activation(op, out, x, p0, p1) ? out : null;
}
