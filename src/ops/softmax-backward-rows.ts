/**
 * The gradients of softmax and log_softmax along contiguous rows, in double
 * precision whatever the dtype (the reference backend runs this loop; the
 * native one runs native/softmax-backward.c, the same operations in the same
 * order, so the same bits):
 *
 *   softmax (y its output):         gx = y · (g - Σ g·y)
 *   log_softmax (y = exp(output)):  gx = g - y · Σ g
 *
 * each row's sum in eight-sums.ts's order.
 */
import type { TypedArray } from "../tensor/dtype.js";
import { sum8 } from "./eight-sums.js";

type Floats = Float32Array | Float64Array;

export function softmaxBackwardRows(gx: TypedArray, g: Floats, y: Floats, rows: number, n: number, log: boolean): void {
  for (let r = 0; r < rows; r++) {
    const at = r * n;
    const s = log ? sum8(n, (i) => g[at + i]!) : sum8(n, (i) => g[at + i]! * y[at + i]!);
    if (log) for (let i = 0; i < n; i++) gx[at + i] = g[at + i]! - y[at + i]! * s;
    else for (let i = 0; i < n; i++) gx[at + i] = y[at + i]! * (g[at + i]! - s);
  }
}
