/**
 * `F.bilinear`: `y_o = x1ᵀ A_o x2 + b_o` for each output feature o, as one
 * matmul of x1 against the weight laid out `[in1, out·in2]` and a product
 * with x2 summed over in2 (differentiable ops, so gradients come free).
 */
import { shapeStr } from "../ops/core.js";
import { add, mul } from "../ops/elementwise.js";
import { matmul } from "../ops/linalg.js";
import { sum } from "../ops/reduce.js";
import { permute, reshape, unsqueeze } from "../ops/views.js";
import type { Tensor } from "../tensor/tensor.js";

/**
 * `F.bilinear(input1, input2, weight, bias)`: `[..., in1]` and `[..., in2]`
 * (the same leading dims), weight `[out, in1, in2]`, bias `[out]`, to `[..., out]`.
 *
 * @example
 * F.bilinear(torch.randn([8, 3]), torch.randn([8, 2]), torch.randn([5, 3, 2])).shape; // [8, 5]
 */
export function bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  // PyTorch's checks, in its order
  if (input1.dim() !== input2.dim()) throw new Error(`bilinear(): input dimensions do not match: got ${input1.dim()} and ${input2.dim()}`);
  for (let d = 0; d < input1.dim() - 1; d++) {
    if (input1.shape[d] !== input2.shape[d]) throw new Error(`bilinear(): input batch dimensions do not match at dim ${d}: got ${input1.shape[d]} and ${input2.shape[d]}`);
  }
  if (weight.dim() !== 3) throw new Error(`bilinear(): expected a 3-D weight [out, in1, in2], got shape ${shapeStr(weight.shape)}`);
  const [out, in1, in2] = weight.shape as [number, number, number];
  const last = (t: Tensor) => t.shape[t.dim() - 1];
  if (last(input1) !== in1) throw new Error(`bilinear(): input1 size does not match weight size: got ${last(input1)} but expected ${in1}`);
  if (last(input2) !== in2) throw new Error(`bilinear(): input2 size does not match weight size: got ${last(input2)} but expected ${in2}`);
  if (bias !== null && (bias.dim() !== 1 || bias.shape[0] !== out)) {
    throw new Error(`bilinear(): bias size does not match weight size: got ${bias.shape[0]} but expected ${out}`);
  }
  const lead = input1.shape.slice(0, -1);
  const x1 = reshape(input1, [-1, in1]), x2 = reshape(input2, [-1, in2]);
  // [B, in1] x [in1, out·in2] -> [B, out, in2], then times x2 summed over in2
  const a = reshape(matmul(x1, reshape(permute(weight, [1, 0, 2]), [in1, out * in2])), [-1, out, in2]);
  let y = sum(mul(a, unsqueeze(x2, 1)), -1);
  if (bias !== null) y = add(y, bias);
  return reshape(y, [...lead, out]);
}
