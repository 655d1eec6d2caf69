/**
 * `torch.nextafter(a, b)`: the next representable value after each element
 * of `a` toward `b`, in the (promoted floating) dtype's own precision, as
 * C's nextafter. Like PyTorch's, it has no derivative.
 */
import { isFloating, scalarTypeName } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { needsGrad, record } from "./core.js";
import { resultType } from "./elementwise.js";
import { mapBinary } from "./js-map.js";

const f64 = new Float64Array(1), i64 = new BigInt64Array(f64.buffer);
const f32 = new Float32Array(1), i32 = new Int32Array(f32.buffer);

/** The next float64 after x toward y. */
function next64(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x === y) return y;
  if (x === 0) return y > 0 ? Number.MIN_VALUE : -Number.MIN_VALUE;
  f64[0] = x;
  // away from zero when moving outward, toward zero otherwise: the bits of a float order like its magnitude
  i64[0]! += (y > x) === (x > 0) ? 1n : -1n;
  return f64[0];
}

/** The next float32 after x (a float32 value) toward y. */
function next32(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x === y) return y;
  if (x === 0) return y > 0 ? 2 ** -149 : -(2 ** -149);
  f32[0] = x;
  i32[0]! += (y > x) === (x > 0) ? 1 : -1;
  return f32[0];
}

/**
 * The floating-point value after each element of `a` toward `b`
 * (broadcast), as `torch.nextafter`.
 *
 * @example
 * torch.nextafter(torch.tensor([1]), torch.tensor([2])); // 1 + 2^-23 in float32
 */
export function nextafter(a: Tensor, b: Tensor): Tensor {
  const dtype = resultType(a, b);
  if (!isFloating(dtype)) throw new Error(`"nextafter_cpu" not implemented for '${scalarTypeName(dtype)}'`);
  // (y compared in float64: for float32 results both inputs are already float32 values)
  const out = mapBinary(a, b, "float64", dtype, "nextafter", dtype === "float32" ? next32 : next64);
  if (needsGrad(a, b)) {
    record("NextafterBackward0", [a, b], out, () => {
      throw new Error("the derivative for 'nextafter' is not implemented.");
    });
  }
  return out;
}
