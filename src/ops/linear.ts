/**
 * `x Wᵀ + b` for 2-d input as one op (PyTorch's addmm path of F.linear): the
 * product reads W through transposed strides and the bias is added in place,
 * so the forward allocates only its output and the graph gets one node
 * instead of transpose + mm + add. Backward in tensor ops (double backward
 * works): `g W`, `gᵀ x`, `sum(g, 0)`.
 */
import type { Strided } from "../backend/backend.js";
import type { Tensor } from "../tensor/tensor.js";
import { emptyUninitialized, kernels, needsGrad, record, shapeStr } from "./core.js";
import { mm } from "./linalg.js";
import { sum } from "./reduce.js";
import { transpose } from "./views.js";

function as3d(t: Strided, rows: number, cols: number, rowStride: number, colStride: number): Strided {
  return { data: t.data, shape: [1, rows, cols], strides: [0, rowStride, colStride], offset: t.offset };
}

/**
 * `input [N, I] x weight [O, I]ᵀ (+ bias [O])` -> [N, O].
 *
 * @example
 * const y = linear2d(torch.randn([4, 3]), torch.randn([2, 3]), torch.zeros([2])); // [4, 2]
 */
export function linear2d(input: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  if (input.shape.length !== 2 || weight.shape.length !== 2 || input.shape[1] !== weight.shape[1]) {
    throw new Error(`linear2d: expected input [N, I] and weight [O, I], got ${shapeStr(input.shape)} and ${shapeStr(weight.shape)}`);
  }
  if (input.dtype !== weight.dtype || (bias !== null && bias.dtype !== input.dtype)) {
    throw new Error(`expected m1 and m2 to have the same dtype, but got: ${input.dtype} != ${weight.dtype}${bias !== null ? ` (bias ${bias.dtype})` : ""} (linear: input ${shapeStr(input.shape)}, weight ${shapeStr(weight.shape)})`);
  }
  if (input.dtype === "bool") throw new Error("linear: not implemented for 'Bool'");
  const [N, I] = input.shape as [number, number];
  const O = weight.shape[0]!;
  if (bias !== null && (bias.shape.length > 1 || (bias.shape.length === 1 && bias.shape[0] !== O && bias.shape[0] !== 1))) {
    throw new Error(`linear: bias of shape ${shapeStr(bias.shape)} does not broadcast to the output ${shapeStr([N, O])}`);
  }
  const out = emptyUninitialized([N, O], input.dtype);
  const k = kernels();
  k.matmul(as3d(out, N, O, O, 1), as3d(input, N, I, input.strides[0]!, input.strides[1]!), as3d(weight, I, O, weight.strides[1]!, weight.strides[0]!));
  if (bias !== null) {
    const bs = bias.shape.length === 1 && bias.shape[0] !== 1 ? bias.strides[0]! : 0;
    const o: Strided = { data: out.data, shape: [N, O], strides: [O, 1], offset: 0 };
    k.binary("add", o, o, { data: bias.data, shape: [N, O], strides: [0, bs], offset: bias.offset });
  }
  if (needsGrad(input, weight, bias)) {
    const gx = input._requiresGrad, gw = weight._requiresGrad, gb = bias?._requiresGrad ?? false;
    // the input is saved only for the weight's gradient, the weight only for the input's
    record(bias === null ? "MmBackward0" : "AddmmBackward0", [input, weight, bias], out, ([g], s) => {
      const xs = gw ? s[0]! : null, ws = gx ? s[gw ? 1 : 0]! : null;
      return [gx ? mm(g!, ws!) : null, gw ? mm(transpose(g!, 0, 1), xs!) : null, gb ? sum(g!, 0) : null];
    }, [...(gw ? [input] : []), ...(gx ? [weight] : [])]);
  }
  return out;
}
