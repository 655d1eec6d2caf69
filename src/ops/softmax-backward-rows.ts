/**
 * The gradients of softmax and log_softmax along contiguous rows, in double
 * precision whatever the dtype (the reference backend runs this loop; the
 * native one runs native/softmax-backward.c, the same operations in the same
 * order, so the same bits):
 *
 *   softmax (y its output):         gx = y · (g - Σ g·y)
 *   log_softmax (y = exp(output)):  gx = g - y · Σ g
 *
 * each row's sum in eight running sums (element i into sum i mod 8) added
 * pairwise.
 */
import type { TypedArray } from "../tensor/dtype.js";

type Floats = Float32Array | Float64Array;

const acc = new Float64Array(8);

export function softmaxBackwardRows(gx: TypedArray, g: Floats, y: Floats, rows: number, n: number, log: boolean): void {
  for (let r = 0; r < rows; r++) {
    const at = r * n;
    acc.fill(0);
    for (let i = 0; i < n; i++) acc[i & 7]! += log ? g[at + i]! : g[at + i]! * y[at + i]!;
    const s = ((acc[0]! + acc[1]!) + (acc[2]! + acc[3]!)) + ((acc[4]! + acc[5]!) + (acc[6]! + acc[7]!));
    if (log) for (let i = 0; i < n; i++) gx[at + i] = g[at + i]! - y[at + i]! * s;
    else for (let i = 0; i < n; i++) gx[at + i] = y[at + i]! * (g[at + i]! - s);
  }
}
