/**
 * What `quantile` and `nanquantile` share: PyTorch's checks of their
 * arguments, in its order (so that a call with two faults reports the same
 * one), and the shape of their result (PyTorch's quantile_output_shape).
 */
import type { Tensor } from "../tensor/tensor.js";
import { castData } from "./core.js";
import { stack } from "./indexing.js";
import { narrow, reshape } from "./views.js";

const INTERPOLATIONS = ["linear", "lower", "higher", "midpoint", "nearest"];

/** The q values of a quantile call, after PyTorch's checks of the input, q and the interpolation. */
export function quantileValues(input: Tensor, q: number | Tensor, interpolation: string): number[] {
  if (typeof q === "number" && !(q >= 0 && q <= 1)) throw new Error(`quantile() q must be in the range [0, 1] but got ${q}`);
  if (input.numel() === 0) throw new Error("quantile() input tensor must be non-empty");
  if (typeof q !== "number" && q.dim() > 1) throw new Error(`quantile() q must be a scalar or 1D tensor (got ${q.dim()}D)`);
  if (input.dtype !== "float32" && input.dtype !== "float64") throw new Error(`quantile() input tensor must be either float or double dtype (got ${input.dtype})`);
  if (typeof q !== "number" && q.dtype !== input.dtype) {
    throw new Error(`quantile() q tensor must be same dtype as the input tensor (input ${input.dtype}, q ${q.dtype})`);
  }
  if (!INTERPOLATIONS.includes(interpolation)) {
    throw new Error(`quantile() interpolation must be one of linear, lower, higher, midpoint or nearest, but got ${interpolation}`);
  }
  if (typeof q === "number") return [q];
  const qs = Array.from(castData(q, "float64").data);
  if (!qs.every((v) => v >= 0 && v <= 1)) throw new Error("quantile() q values must be in the range [0, 1]");
  // no q values still needs one to compute (and connect to the graph) the empty result
  return qs.length === 0 ? [0] : qs;
}

/**
 * The result from one tensor per q value (each with the reduced elements'
 * count of the output's): the reduced shape (a 0-d input keeps no dim, even
 * with keepdim, as PyTorch's), and a leading dim of the q values when q is
 * a 1-d tensor (empty when q is).
 */
export function quantileOutput(input: Tensor, q: number | Tensor, d: number | undefined, keepdim: boolean, results: readonly Tensor[]): Tensor {
  let shape: number[];
  if (d !== undefined && input.dim() > 0) {
    shape = [...input.shape];
    if (keepdim) shape[d] = 1;
    else shape.splice(d, 1);
  } else shape = keepdim ? input.shape.map(() => 1) : [];
  const shaped = results.map((r) => reshape(r, shape));
  if (typeof q === "number" || q.dim() === 0) return shaped[0]!;
  const all = stack(shaped, 0);
  return q.numel() === 0 ? narrow(all, 0, 0, 0) : all;
}
