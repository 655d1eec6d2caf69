/**
 * Factories on a tensor, as PyTorch's `Tensor.new_*`: a fresh tensor of any
 * shape that takes this tensor's dtype unless told otherwise (PyTorch also
 * takes its device; torchlet has one). The result is a new leaf: it never
 * shares storage or autograd history with `self`.
 */
import type { DType } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import { warn } from "../warnings.js";
import { toDtype } from "./elementwise.js";
import { empty, type FactoryOptions, full, type NestedArray, ones, randint, type RandomOptions, tensor, zeros } from "./factories.js";
import { clone } from "./views.js";

const like = (self: Tensor, options: FactoryOptions): FactoryOptions => ({ dtype: self.dtype, ...options });

/**
 * Zeros of `shape` in `self`'s dtype (or `options.dtype`).
 *
 * @example
 * torch.ones([2], { dtype: "int32" }).newZeros([3]); // int32 zeros
 */
export function newZeros(self: Tensor, shape: readonly number[], options: FactoryOptions = {}): Tensor {
  return zeros(shape, like(self, options));
}

/** Ones of `shape` in `self`'s dtype (or `options.dtype`). */
export function newOnes(self: Tensor, shape: readonly number[], options: FactoryOptions = {}): Tensor {
  return ones(shape, like(self, options));
}

/** `fillValue` everywhere in a tensor of `shape`, `self`'s dtype (an int32 tensor truncates a fraction, as PyTorch). */
export function newFull(self: Tensor, shape: readonly number[], fillValue: number | boolean, options: FactoryOptions = {}): Tensor {
  return full(shape, fillValue, like(self, options));
}

/** A tensor of `shape` in `self`'s dtype; its contents are unspecified in PyTorch (zeros here). */
export function newEmpty(self: Tensor, shape: readonly number[], options: FactoryOptions = {}): Tensor {
  return empty(shape, like(self, options));
}

/**
 * A tensor of `data` in `self`'s dtype (or `options.dtype`), as
 * `Tensor.new_tensor`: numbers are converted to it (1.5 in an int32 tensor
 * is 1). A tensor given as data is copied without its history, with
 * PyTorch's warning.
 *
 * @example
 * torch.zeros([1], { dtype: "float64" }).newTensor([1, 2]).dtype; // "float64"
 */
export function newTensor(self: Tensor, data: NestedArray, options: FactoryOptions = {}): Tensor {
  const dtype: DType = options.dtype ?? self.dtype;
  if (data instanceof Tensor) {
    warn("To copy construct from a tensor, it is recommended to use sourceTensor.clone().detach() or sourceTensor.clone().detach().requires_grad_(True), rather than tensor.new_tensor(sourceTensor).");
    const out = toDtype(clone(data.detach()), dtype);
    if (options.requiresGrad ?? false) out.requiresGrad = true;
    return out;
  }
  return tensor(data, { ...options, dtype });
}

/**
 * A 0-d tensor holding `value` (the default float dtype unless told), as torch.scalar_tensor.
 *
 * @example
 * torch.scalarTensor(3).shape; // []
 */
export function scalarTensor(value: number | boolean, options: FactoryOptions = {}): Tensor {
  return full([], Number(value), options);
}

/**
 * Uniform random integers in [low, high) in a tensor of `input`'s shape and
 * dtype (or `options.dtype`), as torch.randint_like; `randintLike(input, high)`
 * starts at 0.
 *
 * @example
 * torch.randintLike(torch.zeros([2, 2]), 10); // float32 integers 0 … 9
 */
export function randintLike(input: Tensor, low: number, high?: number, options: RandomOptions = {}): Tensor {
  const [lo, hi] = high === undefined ? [0, low] : [low, high];
  return randint(lo, hi, input.shape, { dtype: input.dtype, ...options });
}
