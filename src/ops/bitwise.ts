/**
 * Bit operations and integer number theory on int32 and bool tensors:
 * bitwiseAnd / Or / Xor / Not, the shifts, gcd and lcm. PyTorch's dtype
 * rules: the result dtype is the operands' promoted type, and floats are
 * refused with PyTorch's "not implemented for 'Float'" errors. Shifts follow
 * PyTorch 2.x: a shift by a negative count or by 32 or more gives 0 (the
 * sign, for a right shift) instead of wrapping the count.
 */
import { type DType, isFloating, scalarTypeName } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { resultType, type Operand } from "./elementwise.js";
import { broadcastShapes } from "./core.js";
import { full } from "./factories.js";
import { mapBinary, mapUnary } from "./js-map.js";

/** The dtype an integer op computes in, after PyTorch's check ("<kernel>" not implemented for '<dtype>'). */
function integerType(kernel: string, dtype: DType, allowBool: boolean): DType {
  if (isFloating(dtype) || (!allowBool && dtype === "bool")) throw new Error(`"${kernel}" not implemented for '${scalarTypeName(dtype)}'`);
  return dtype;
}

function integerBinary(kernel: string, allowBool: boolean, f: (x: number, y: number) => number) {
  return (a: Tensor, b: Operand | boolean): Tensor => {
    const other = typeof b === "boolean" ? full([], b, { dtype: "bool" }) : b;
    // shapes are checked before dtypes, as PyTorch's TensorIterator does
    if (typeof other !== "number") broadcastShapes(a.shape, other.shape, kernel.replace(/_cpu$/, ""));
    const dtype = integerType(kernel, resultType(a, other), allowBool);
    const t = typeof other === "number" ? full([], other, { dtype }) : other;
    return mapBinary(a, t, dtype, dtype, kernel.replace(/_cpu$/, ""), f);
  };
}

/**
 * Bitwise AND of integers, logical AND of bools.
 *
 * @example
 * torch.bitwiseAnd(torch.tensor([12, 10], { dtype: "int32" }), 6); // tensor([4, 2], dtype=int32)
 */
export const bitwiseAnd = integerBinary("bitwise_and_cpu", true, (x, y) => x & y);
/** Bitwise OR of integers, logical OR of bools. */
export const bitwiseOr = integerBinary("bitwise_or_cpu", true, (x, y) => x | y);
/** Bitwise XOR of integers, logical XOR of bools. */
export const bitwiseXor = integerBinary("bitwise_xor_cpu", true, (x, y) => x ^ y);

/**
 * `a << b` (int32, wrapping as C's unsigned shift); a count below 0 or from 32 up gives 0.
 *
 * @example
 * torch.bitwiseLeftShift(torch.tensor([1, -3], { dtype: "int32" }), 2); // tensor([4, -12], dtype=int32)
 */
export const bitwiseLeftShift = integerBinary("lshift_cpu", false, (x, y) => (y < 0 || y >= 32 ? 0 : x << y));
/** `a >> b`, arithmetic (the sign fills in); a count below 0 or from 32 up gives 0 or -1 by the sign. */
export const bitwiseRightShift = integerBinary("rshift_cpu", false, (x, y) => (y < 0 || y >= 32 ? (x < 0 ? -1 : 0) : x >> y));

/**
 * `~a`: bitwise NOT of integers, logical NOT of bools.
 *
 * @example
 * torch.bitwiseNot(torch.tensor([0, 5], { dtype: "int32" })); // tensor([-1, -6], dtype=int32)
 */
export function bitwiseNot(a: Tensor): Tensor {
  const dtype = integerType("bitwise_not_cpu", a.dtype, true);
  return mapUnary(a, dtype, dtype === "bool" ? (x) => (x ? 0 : 1) : (x) => ~x);
}

function gcdOf(x: number, y: number): number {
  let p = Math.abs(x), q = Math.abs(y);
  while (q !== 0) [p, q] = [q, p % q];
  return p;
}

/**
 * The greatest common divisor of each pair (non-negative; gcd(0, 0) is 0).
 *
 * @example
 * torch.gcd(torch.tensor([4, 6, 9], { dtype: "int32" }), torch.tensor([6, 4, -3], { dtype: "int32" })); // tensor([2, 2, 3], dtype=int32)
 */
export const gcd = integerBinary("gcd_cpu", false, gcdOf);

/** The least common multiple of each pair (non-negative; 0 when either is 0). */
export const lcm = integerBinary("lcm_cpu", false, (x, y) => {
  const g = gcdOf(x, y);
  return g === 0 ? 0 : Math.abs(Math.imul((x / g) | 0, y));
});
