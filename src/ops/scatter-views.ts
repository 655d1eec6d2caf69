/**
 * The out-of-place forms of writing through a view: `selectScatter`,
 * `sliceScatter` and `diagonalScatter` return a copy of `input` with `src`
 * written where `select` / `slice` / `diagonal` would look. The gradient of
 * `input` is zero in that region, and `src`'s is the gradient's view there.
 */
import { runInMode, withGrad } from "../autograd/grad-mode.js";
import { isFloating } from "../tensor/dtype.js";
import { sameShape } from "../tensor/layout.js";
import type { Tensor } from "../tensor/tensor.js";
import { castData, kernels, needsGrad, record, shapeStr } from "./core.js";
import { diagonal } from "./diagonal.js";
import { zeros } from "./factories.js";
import { select, slice } from "./views.js";

/** A copy of `input` with `src` written into `view(copy)`; `name` is the node's name. */
function viewScatter(name: string, input: Tensor, src: Tensor, view: (t: Tensor) => Tensor): Tensor {
  const out = castData(input, input.dtype);
  const region = runInMode(withGrad(false), () => view(out));
  if (!sameShape(region.shape, src.shape)) {
    throw new Error(`expected src to have a size equal to the slice of self. src size = ${shapeStr(src.shape)}, slice size = ${shapeStr(region.shape)}`);
  }
  kernels().copy(region, src);
  // an integer or bool copy takes no part in the graph, even from a float src that requires grad
  if (isFloating(out.dtype) && needsGrad(input, src)) {
    const gi = input._requiresGrad, gs = src._requiresGrad, srcShape = src.shape;
    record(name, [input, src], out, ([g]) => [
      gi ? viewScatter(name, g!, zeros(srcShape, { dtype: g!.dtype }), view) : null,
      gs ? view(g!) : null,
    ]);
  }
  return out;
}

/**
 * `input` with `src` written at `index` along `dim` (where `select(dim, index)` looks).
 *
 * @example
 * torch.selectScatter(torch.zeros([2, 2]), torch.ones([2]), 0, 0); // [[1, 1], [0, 0]]
 */
export function selectScatter(input: Tensor, src: Tensor, dim: number, index: number): Tensor {
  return viewScatter("SelectScatterBackward0", input, src, (t) => select(t, dim, index));
}

/**
 * `input` with `src` written at `start`, `start + step`, ... before `end`
 * along `dim` (where `x[start:end:step]` looks on that dim; null bounds are
 * the dim's ends).
 *
 * @example
 * torch.sliceScatter(torch.zeros([6]), torch.ones([3]), 0, null, null, 2); // [1, 0, 1, 0, 1, 0]
 */
export function sliceScatter(input: Tensor, src: Tensor, dim = 0, start: number | null = null, end: number | null = null, step = 1): Tensor {
  return viewScatter("SliceScatterBackward0", input, src, (t) => slice(t, dim, start, end, step));
}

/**
 * `input` with `src` written on the `offset`-th diagonal of dims `dim1`, `dim2`.
 *
 * @example
 * torch.diagonalScatter(torch.zeros([3, 3]), torch.ones([2]), 1); // ones just above the diagonal
 */
export function diagonalScatter(input: Tensor, src: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  return viewScatter("DiagonalScatterBackward0", input, src, (t) => diagonal(t, offset, dim1, dim2));
}
