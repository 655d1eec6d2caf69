/**
 * The Givens rotation the Jacobi methods (eigh, svd) apply: for `count`
 * pairs (x[i + k·stride], x[j + k·stride]), x_i ← c·x_i − s·x_j and
 * x_j ← s·x_i + c·x_j, in place.
 */
export function rotatePairs(x: Float64Array, i: number, j: number, stride: number, count: number, c: number, s: number): void {
  for (let k = 0; k < count; k++) {
    const a = x[i + k * stride]!, b = x[j + k * stride]!;
    x[i + k * stride] = c * a - s * b;
    x[j + k * stride] = s * a + c * b;
  }
}
