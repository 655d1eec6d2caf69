/** Row-major layout arithmetic shared by the core and the backends. */

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Whether two shapes are the same dims. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Strides of a contiguous (row-major) layout. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    // a size-0 dim steps as a size-1 one, as PyTorch: zeros([2, 0, 4]) has strides [4, 4, 1]
    s *= Math.max(shape[i]!, 1);
  }
  return strides;
}

/** True when the layout covers its elements densely in row-major order (size-1 dims may have any stride). */
export function isContiguous(t: { readonly shape: readonly number[]; readonly strides: readonly number[] }): boolean {
  // an empty tensor has no element out of place (PyTorch calls every one contiguous)
  if (t.shape.includes(0)) return true;
  let s = 1;
  for (let i = t.shape.length - 1; i >= 0; i--) {
    const d = t.shape[i]!;
    if (d !== 1 && t.strides[i] !== s) return false;
    s *= d;
  }
  return true;
}

/** A stride-0 dim of size > 1: several indices name one element (an expanded view), so a write there is ambiguous. */
export function hasRepeatedElements(t: { readonly shape: readonly number[]; readonly strides: readonly number[] }): boolean {
  const { shape, strides } = t;
  // an empty tensor has no elements to repeat (PyTorch writes into an expanded empty tensor in place)
  if (shape.includes(0)) return false;
  for (let i = 0; i < shape.length; i++) if (strides[i] === 0 && shape[i]! > 1) return true;
  return false;
}

/**
 * Visits each line along dim `d` of a contiguous row-major array of `shape`
 * (a 0-d shape is one line of one): `visit(start, step, n)` gets the line's
 * first index, the distance between its elements and how many there are.
 */
export function forEachLine(shape: readonly number[], d: number, visit: (start: number, step: number, n: number) => void): void {
  const n = shape.length === 0 ? 1 : shape[d]!;
  const step = numel(shape.slice(d + 1));
  const outer = n === 0 ? 0 : numel(shape) / (n * step);
  for (let o = 0; o < outer; o++) for (let i = 0; i < step; i++) visit(o * n * step + i, step, n);
}
