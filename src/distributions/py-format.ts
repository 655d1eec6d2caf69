/**
 * How PyTorch's distribution reprs and messages print a value: they go
 * through Python's `format`, and a 0-d tensor formats as its Python scalar
 * (`0.0`, `0.30000001192092896`, `3`, `True`) rather than as `tensor(0.)`.
 */
import type { Tensor } from "../index.js";
import { pyFloat as moduleFloat } from "../nn/module.js";

/** Python's repr of a float, including the non-finite values and -0.0. */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (Object.is(x, -0)) return "-0.0";
  return moduleFloat(x);
}

/** `format(t)` in Python: a 0-d tensor as its scalar, any other as its repr. */
export function pyFormat(t: Tensor): string {
  if (t.dim() !== 0) return t.toString();
  const v = t.item();
  if (t.dtype === "bool") return v ? "True" : "False";
  return t.dtype === "float32" || t.dtype === "float64" ? pyFloat(Number(v)) : String(v);
}
