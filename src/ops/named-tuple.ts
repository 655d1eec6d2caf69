/**
 * PyTorch's ops that return several tensors return named tuples
 * (`torch.return_types.max`, `linalg_qr`, ...), read either by field,
 * `r.values`, or by unpacking, `values, indices = x.max(1)`. torchlet's
 * results are objects with those fields, made iterable in PyTorch's field
 * order here, so both `const { Q, R } = torch.linalg.qr(a)` and
 * `const [Q, R] = torch.linalg.qr(a)` work.
 */
import type { Tensor } from "../tensor/tensor.js";

/** Yields the fields in the order they were defined: the order of the object literal given to {@link namedTuple}. */
function* fieldsInOrder(this: Record<string, Tensor>): Generator<Tensor> {
  for (const key of Object.keys(this)) yield this[key]!;
}

/**
 * Makes `fields` (tensors by name, written in PyTorch's field order) iterable
 * as a named tuple is. The iterator is a non-enumerable own property, so the
 * object still spreads, prints and compares as its plain fields.
 */
export function namedTuple<T extends Record<string, Tensor>>(fields: T): T & Iterable<Tensor> {
  Object.defineProperty(fields, Symbol.iterator, { value: fieldsInOrder, enumerable: false, writable: true, configurable: true });
  return fields as T & Iterable<Tensor>;
}
