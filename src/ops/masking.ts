/**
 * Masked results: `maskedFill`, and the triangles `tril` / `triu` (as
 * attention masks use them). Each is a `where` over a boolean mask, so the
 * gradient is the upstream gradient where the input was kept and 0 elsewhere.
 * `trilIndices` / `triuIndices` list a triangle's positions.
 */
import type { Tensor } from "../tensor/tensor.js";
import { broadcastShapes } from "./core.js";
import { ge, le, sub, toDtype, where } from "./elementwise.js";
import { arange, fromTypedArray } from "./factories.js";
import { reshape } from "./views.js";

/**
 * `a` with `value` where `mask` (bool, broadcast to `a`'s shape) is true; `a`'s dtype.
 *
 * @example
 * const scores = logits.maskedFill(padding, -Infinity);
 */
export function maskedFill(a: Tensor, mask: Tensor, value: number): Tensor {
  if (mask.dtype !== "bool") throw new Error(`masked_fill_ only supports boolean masks, but got mask with dtype ${mask.dtype}`);
  // out of place, the input and the mask broadcast together (a larger mask gives a larger result), as PyTorch's
  broadcastShapes(a.shape, mask.shape, "masked_fill");
  const out = where(mask, value, a);
  return out.dtype === a.dtype ? out : toDtype(out, a.dtype);
}

/** `a` where (row, col) of the last two dims has col - row <= `diagonal` (lower) or >= it (upper), 0 elsewhere. */
function triangle(a: Tensor, diagonal: number, lower: boolean, op: string): Tensor {
  if (a.shape.length < 2) throw new Error(`${op}: input tensor must have at least 2 dimensions`);
  const [m, n] = a.shape.slice(-2) as [number, number];
  const offset = sub(reshape(arange(0, n), [1, n]), reshape(arange(0, m), [m, 1]));
  const out = where(lower ? le(offset, diagonal) : ge(offset, diagonal), a, 0);
  return out.dtype === a.dtype ? out : toDtype(out, a.dtype);
}

/**
 * The lower triangle of the last two dims (elements with col - row <= `diagonal`), zeros above.
 *
 * @example
 * const causal = torch.tril(torch.ones([4, 4])); // 1 on and below the diagonal
 */
export function tril(a: Tensor, diagonal = 0): Tensor {
  return triangle(a, diagonal, true, "tril");
}

/** The upper triangle of the last two dims (col - row >= `diagonal`), zeros below. */
export function triu(a: Tensor, diagonal = 0): Tensor {
  return triangle(a, diagonal, false, "triu");
}

/** The [row, col] indices of a row x col matrix's triangle (int32 `[2, count]`, row by row). */
function triangleIndices(row: number, col: number, offset: number, lower: boolean, op: string): Tensor {
  for (const [v, name] of [[row, "row"], [col, "col"]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`${op}: ${name} must be non-negative, got ${v}`);
  }
  const rows: number[] = [], cols: number[] = [];
  for (let i = 0; i < row; i++) {
    for (let j = 0; j < col; j++) {
      if (lower ? j - i <= offset : j - i >= offset) {
        rows.push(i);
        cols.push(j);
      }
    }
  }
  return fromTypedArray(Int32Array.from([...rows, ...cols]), [2, rows.length]);
}

/** The indices of the lower triangle (col - row <= offset) of a row x col matrix, as `[rows, cols]` (int32 `[2, count]`). */
export function trilIndices(row: number, col: number, offset = 0): Tensor {
  return triangleIndices(row, col, offset, true, "tril_indices");
}

/** The indices of the upper triangle (col - row >= offset) of a row x col matrix, as `[rows, cols]` (int32 `[2, count]`). */
export function triuIndices(row: number, col: number, offset = 0): Tensor {
  return triangleIndices(row, col, offset, false, "triu_indices");
}
