/**
 * Visits every element position of `shape`, handing the callback the matching
 * element offsets into up to three strided operands. The last axis runs as a
 * tight inner loop inside the callback (`n` elements with steps `s0..s2`),
 * so the per-call cost is paid once per row, not once per element.
 */
export type RowVisitor = (o0: number, o1: number, o2: number, n: number, s0: number, s1: number, s2: number) => void;

export function forEachRow(
  shape: readonly number[],
  a: { strides: readonly number[]; offset: number },
  b: { strides: readonly number[]; offset: number } | null,
  c: { strides: readonly number[]; offset: number } | null,
  visit: RowVisitor,
): void {
  const nd = shape.length;
  let total = 1;
  for (const d of shape) total *= d;
  if (total === 0) return;
  if (nd === 0) {
    visit(a.offset, b?.offset ?? 0, c?.offset ?? 0, 1, 0, 0, 0);
    return;
  }
  const inner = shape[nd - 1]!;
  const sa = a.strides, sb = b?.strides, sc = c?.strides;
  const ia = sa[nd - 1]!, ib = sb ? sb[nd - 1]! : 0, ic = sc ? sc[nd - 1]! : 0;
  const rows = total / inner;
  if (rows === 1) {
    // one row (every 1-d operand): no odometer to allocate
    visit(a.offset, b?.offset ?? 0, c?.offset ?? 0, inner, ia, ib, ic);
    return;
  }
  const counter = new Array<number>(nd).fill(0);
  let oa = a.offset, ob = b?.offset ?? 0, oc = c?.offset ?? 0;
  for (let r = 0; r < rows; r++) {
    visit(oa, ob, oc, inner, ia, ib, ic);
    // advance the outer counter (odometer over axes nd-2 .. 0)
    for (let d = nd - 2; d >= 0; d--) {
      const c0 = ++counter[d]!;
      oa += sa[d]!;
      if (sb) ob += sb[d]!;
      if (sc) oc += sc[d]!;
      if (c0 < shape[d]!) break;
      counter[d] = 0;
      oa -= sa[d]! * shape[d]!;
      if (sb) ob -= sb[d]! * shape[d]!;
      if (sc) oc -= sc[d]! * shape[d]!;
    }
  }
}
