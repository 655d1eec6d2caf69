/**
 * Questions about dtypes and tensors, as torch's utility functions answer
 * them: the default float dtype (`getDefaultDtype` / `setDefaultDtype`),
 * type promotion (`resultType`, `promoteTypes`, `canCast`) and the small
 * predicates (`isTensor`, `isFloatingPoint`, `isNonzero`, ...).
 */
import { type DType, defaultFloatDtype, isDType, isFloating, promoteTypes as promote, setDefaultFloatDtype, unsupportedDType } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import { resultType as operandResultType, toDtype } from "./elementwise.js";
import { full } from "./factories.js";

function checkDtype(dtype: unknown): DType {
  if (!isDType(dtype)) throw unsupportedDType(dtype);
  return dtype;
}

/**
 * The float dtype that factories and integer-to-float promotion use:
 * float32 unless `setDefaultDtype` changed it.
 *
 * @example
 * torch.getDefaultDtype(); // "float32"
 */
export function getDefaultDtype(): DType {
  return defaultFloatDtype();
}

/**
 * Sets the default float dtype (float32 or float64), as torch.set_default_dtype:
 * factories (`tensor` of numbers, `zeros`, `rand`, fractional `arange`, ...)
 * and integer-to-float promotion (`intTensor.exp()`, `intTensor + 0.5`) then
 * give it. Tensors already made keep their dtype.
 *
 * @example
 * torch.setDefaultDtype("float64");
 * torch.zeros([2]).dtype; // "float64"
 */
export function setDefaultDtype(dtype: DType): void {
  const d = checkDtype(dtype);
  if (d !== "float32" && d !== "float64") throw new TypeError("only floating-point types are supported as the default type");
  setDefaultFloatDtype(d);
}

/** A boolean operand as PyTorch takes a Python bool: a 0-d bool tensor. */
function operand(x: Tensor | number | boolean): Tensor | number {
  return typeof x === "boolean" ? full([], x, { dtype: "bool" }) : x;
}

/**
 * The dtype an arithmetic op gives for these operands, as torch.result_type:
 * tensors with dims decide the precision, 0-d tensors and numbers only the
 * category (bool < integer < float).
 *
 * @example
 * torch.resultType(torch.tensor([1, 2], { dtype: "int32" }), 1.5); // "float32"
 */
export function resultType(a: Tensor | number | boolean, b: Tensor | number | boolean): DType {
  return operandResultType(operand(a), operand(b));
}

/**
 * The smallest dtype both dtypes convert to without losing their category,
 * as torch.promote_types (bool < int32 < float32 < float64).
 *
 * @example
 * torch.promoteTypes("int32", "float32"); // "float32"
 */
export function promoteTypes(type1: DType, type2: DType): DType {
  return promote(checkDtype(type1), checkDtype(type2));
}

const CATEGORY: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 2 };

/**
 * Whether PyTorch's casting rules allow converting `from` to `to` in an op's
 * output (torch.can_cast): never to a lower category (a float to an integer,
 * a number to bool).
 *
 * @example
 * torch.canCast("float64", "float32"); // true
 * torch.canCast("float32", "int32"); // false
 */
export function canCast(from: DType, to: DType): boolean {
  return CATEGORY[checkDtype(from)] <= CATEGORY[checkDtype(to)];
}

/**
 * Whether `obj` is a torchlet Tensor.
 *
 * @example
 * torch.isTensor(torch.zeros([1])); // true
 */
export function isTensor(obj: unknown): obj is Tensor {
  return obj instanceof Tensor;
}

/**
 * The number of elements of `input`.
 *
 * @example
 * torch.numel(torch.zeros([2, 3])); // 6
 */
export function numel(input: Tensor): number {
  return input.numel();
}

/**
 * Whether `input` holds floats (float32 or float64).
 *
 * @example
 * torch.isFloatingPoint(torch.zeros([1])); // true
 */
export function isFloatingPoint(input: Tensor): boolean {
  return isFloating(input.dtype);
}

/** Whether `input`'s dtype is signed: every dtype but bool, as torch.is_signed. */
export function isSigned(input: Tensor): boolean {
  return input.dtype !== "bool";
}

/**
 * Whether a one-element tensor is nonzero (NaN counts), as torch.is_nonzero;
 * throws PyTorch's error for any other size.
 *
 * @example
 * torch.isNonzero(torch.tensor([0.5])); // true
 */
export function isNonzero(input: Tensor): boolean {
  const n = input.numel();
  if (n === 0) throw new Error("Boolean value of Tensor with no values is ambiguous");
  if (n > 1) throw new Error("Boolean value of Tensor with more than one value is ambiguous");
  return input.item() !== 0;
}

/** Whether two tensors have the same shape, as `Tensor.is_same_size`. */
export function isSameSize(input: Tensor, other: Tensor): boolean {
  return input.shape.length === other.shape.length && input.shape.every((d, i) => d === other.shape[i]);
}

/**
 * `input` in `other`'s dtype (itself when they match), as `Tensor.type_as`;
 * differentiable between float dtypes.
 *
 * @example
 * x.typeAs(torch.zeros([1], { dtype: "float64" })).dtype; // "float64"
 */
export function typeAs(input: Tensor, other: Tensor): Tensor {
  return toDtype(input, other.dtype);
}
