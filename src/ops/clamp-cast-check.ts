/**
 * PyTorch's check that an in-place clamp with number bounds (clamp_, clamp_min_,
 * clamp_max_, clip_) does not promote an integer or bool tensor. Its meta
 * function prints the tensor's dtype as a C++ type name ("int", "bool"),
 * where the tensor-bound path (TensorIterator) prints the ScalarType ("Int"):
 * `torch.tensor([1], dtype=torch.int32).clamp_(0.5)` raises
 * "result type Float can't be cast to the desired output type int".
 */
import { cppTypeName, isFloating } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";

/** Throws PyTorch's message when number bounds would promote `self` (an integer or bool tensor) in place. */
export function checkClampScalarCast(self: Tensor, op: string, bounds: readonly (number | Tensor | null)[]): void {
  if (isFloating(self.dtype)) return;
  const target = cppTypeName(self.dtype);
  const numbers = bounds.filter((b): b is number => typeof b === "number");
  // a tensor bound goes through the other path (and its message); no bound at all is clamp's own error
  if (numbers.length === 0 || bounds.some((b) => b !== null && typeof b !== "number")) return;
  // a number takes part in type promotion by kind: a float promotes an integer tensor, an integer a bool one
  const float = numbers.some((b) => !Number.isInteger(b));
  const result = float ? "Float" : self.dtype === "bool" ? "Long" : null;
  if (result !== null) throw new Error(`result type ${result} can't be cast to the desired output type ${target} (${op})`);
}
