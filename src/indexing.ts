/**
 * The elements of `x.index([...])` and `x.indexPut_([...], v)`, PyTorch's
 * `torch::indexing` (Python's `x[...]`): `Slice`, `None`, `Ellipsis`.
 *
 * @example
 * const { Slice, None, Ellipsis } = torch.indexing;
 * x.index([Slice(1), 0]); // x[1:, 0]
 */
export { Slice, None, Ellipsis, type IndexMarker, type TensorIndex, type IndexArray } from "./ops/tensor-index.js";
