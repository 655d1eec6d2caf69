/**
 * The summation order of the fused kernels' JS loops, the one their native
 * twins use (native/float-arrays.h, TL_SUM8): element i into running sum
 * i mod 8, the eight sums then added pairwise. C vectorizes it, and JS
 * repeats it exactly, so both give the same bits.
 */
const acc = new Float64Array(8);

/** The sum of f(i) for i in [0, n), in the eight-sum order (f must not call sum8). */
export function sum8(n: number, f: (i: number) => number): number {
  acc.fill(0);
  for (let i = 0; i < n; i++) acc[i & 7]! += f(i);
  return ((acc[0]! + acc[1]!) + (acc[2]! + acc[3]!)) + ((acc[4]! + acc[5]!) + (acc[6]! + acc[7]!));
}
