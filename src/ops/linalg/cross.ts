/**
 * linalg.cross: the cross product of 3-vectors along a dim, composed of
 * differentiable ops.
 */
import { scalarTypeName } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { normalizeDim } from "../../tensor/tensor.js";
import { sub, mul } from "../elementwise.js";
import { stack } from "../indexing.js";
import { broadcastTensors } from "../rearrange.js";
import { select } from "../views.js";

/**
 * The cross product of `a` and `b` along `dim` (default -1), where both have
 * length 3; the other dims broadcast. Both must have one dtype (not bool),
 * as PyTorch's kernel. Differentiable.
 *
 * @example
 * torch.linalg.cross(torch.tensor([1, 0, 0]), torch.tensor([0, 1, 0])); // tensor([0., 0., 1.])
 */
export function cross(a: Tensor, b: Tensor, options: { dim?: number } = {}): Tensor {
  if (a.dim() !== b.dim()) throw new Error("linalg.cross: inputs must have the same number of dimensions.");
  const dim = options.dim ?? -1;
  const d = normalizeDim(dim, a.dim(), "linalg.cross", a.shape);
  if (a.shape[d] !== 3 || b.shape[d] !== 3) {
    throw new Error(`linalg.cross: inputs dimension ${dim} must have length 3. Got ${a.shape[d]} and ${b.shape[d]}`);
  }
  // PyTorch's kernel runs in the first input's dtype and has no bool version: no promotion
  if (a.dtype !== b.dtype) throw new Error(`expected scalar type ${scalarTypeName(a.dtype)} but found ${scalarTypeName(b.dtype)} (linalg.cross: inputs of one dtype)`);
  if (a.dtype === "bool") throw new Error(`"cross" not implemented for 'Bool'`);
  const [x, y] = broadcastTensors(a, b) as [Tensor, Tensor];
  const xs = [0, 1, 2].map((i) => select(x, d, i)), ys = [0, 1, 2].map((i) => select(y, d, i));
  const component = (i: number, j: number) => sub(mul(xs[i]!, ys[j]!), mul(xs[j]!, ys[i]!));
  return stack([component(1, 2), component(2, 0), component(0, 1)], d);
}
