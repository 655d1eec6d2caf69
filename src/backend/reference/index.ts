import { type ArgReduceOp, type Backend, type BinaryOp, type Conv2dGeometry, isComparison, type ReduceOp, type Strided, type UnaryOp, windowOutputSize } from "../backend.js";
import { BINARY, INT_BINARY, UNARY } from "./scalar-ops.js";
import { contiguousStrides, numel } from "../../tensor/layout.js";
import { forEachRow } from "./strided-loop.js";
import { conv2dByColumns } from "./conv-by-columns.js";
import { maxPool2d, maxPool2dBackward } from "./max-pool.js";

function isInt(t: Strided): boolean {
  return t.data instanceof Int32Array;
}

/** View of `t` with `axis` moved to the end (strides only, no copy). */
function axisLast(t: Strided, axis: number): { shape: number[]; strides: number[] } {
  const shape = [...t.shape], strides = [...t.strides];
  const [d] = shape.splice(axis, 1), [s] = strides.splice(axis, 1);
  shape.push(d!);
  strides.push(s!);
  return { shape, strides };
}

function copy(out: Strided, a: Strided): void {
  const od = out.data, ad = a.data;
  const toBool = od instanceof Uint8Array;
  const toInt = od instanceof Int32Array && !(ad instanceof Int32Array);
  forEachRow(out.shape, out, a, null, (o, i, _c, n, so, si) => {
    for (let k = 0; k < n; k++, o += so, i += si) {
      const v = ad[i]!;
      od[o] = toBool ? (v !== 0 ? 1 : 0) : toInt ? Math.trunc(v) : v;
    }
  });
}

function fill(out: Strided, value: number): void {
  const od = out.data;
  // bool storage holds 0 / 1: any nonzero value (NaN too) is true, as PyTorch's cast to bool
  if (od instanceof Uint8Array) value = value !== 0 ? 1 : 0;
  forEachRow(out.shape, out, null, null, (o, _b, _c, n, so) => {
    for (let k = 0; k < n; k++, o += so) od[o] = value;
  });
}

function unary(op: UnaryOp, out: Strided, a: Strided): void {
  const f = UNARY[op], od = out.data, ad = a.data;
  const trunc = isInt(out);
  forEachRow(out.shape, out, a, null, (o, i, _c, n, so, si) => {
    for (let k = 0; k < n; k++, o += so, i += si) od[o] = trunc ? Math.trunc(f(ad[i]!)) : f(ad[i]!);
  });
}

function binary(op: BinaryOp, out: Strided, a: Strided, b: Strided): void {
  const f = (isInt(a) && INT_BINARY[op]) || BINARY[op];
  const od = out.data, ad = a.data, bd = b.data;
  const trunc = isInt(out) && !isComparison(op);
  forEachRow(out.shape, out, a, b, (o, i, j, n, so, si, sj) => {
    for (let k = 0; k < n; k++, o += so, i += si, j += sj) {
      const v = f(ad[i]!, bd[j]!);
      od[o] = trunc ? Math.trunc(v) : v;
    }
  });
}

function clamp(out: Strided, a: Strided, lo: number, hi: number): void {
  const od = out.data, ad = a.data;
  forEachRow(out.shape, out, a, null, (o, i, _c, n, so, si) => {
    for (let k = 0; k < n; k++, o += so, i += si) {
      const v = ad[i]!;
      od[o] = v !== v ? v : v < lo ? lo : v > hi ? hi : v;
    }
  });
}

const REDUCE_INIT: Record<ReduceOp, number> = { sum: 0, prod: 1, max: -Infinity, min: Infinity };
const REDUCE_STEP: Record<ReduceOp, (acc: number, v: number) => number> = {
  sum: (acc, v) => acc + v,
  prod: (acc, v) => acc * v,
  max: (acc, v) => (v > acc || v !== v ? v : acc),
  min: (acc, v) => (v < acc || v !== v ? v : acc),
};

function reduce(op: ReduceOp, out: Strided, a: Strided, axes: readonly number[]): void {
  // Accumulate in doubles into a dense buffer of out's shape; reduced axes get stride 0.
  const acc = new Float64Array(numel(out.shape)).fill(REDUCE_INIT[op]);
  const accStrides = contiguousStrides(out.shape);
  for (const ax of axes) accStrides[ax] = 0;
  const step = REDUCE_STEP[op], ad = a.data;
  const nanSticky = op === "max" || op === "min";
  forEachRow(a.shape, a, { strides: accStrides, offset: 0 }, null, (i, j, _c, n, si, sj) => {
    for (let k = 0; k < n; k++, i += si, j += sj) {
      const prev = acc[j]!;
      acc[j] = nanSticky && prev !== prev ? prev : step(prev, ad[i]!);
    }
  });
  const dense = { data: acc, shape: out.shape, strides: contiguousStrides(out.shape), offset: 0 };
  copy(out, dense);
}

function argReduce(op: ArgReduceOp, values: Strided | null, indices: Strided, a: Strided, axis: number): void {
  const src = axisLast(a, axis);
  const idx = axisLast(indices, axis);
  const val = values ? axisLast(values, axis) : null;
  const len = src.shape[src.shape.length - 1]!;
  const outer = src.shape.slice(0, -1);
  const better = op === "max" ? (v: number, b: number) => v > b : (v: number, b: number) => v < b;
  const ad = a.data, id = indices.data, vd = values?.data;
  const step = src.strides[src.strides.length - 1]!;
  // iterate outer positions: treat them as rows of length 1
  forEachRow(
    [...outer, 1],
    { strides: [...src.strides.slice(0, -1), 0], offset: a.offset },
    { strides: [...idx.strides.slice(0, -1), 0], offset: indices.offset },
    val ? { strides: [...val.strides.slice(0, -1), 0], offset: values!.offset } : null,
    (i, j, v) => {
      let best = ad[i]!, bestAt = 0;
      for (let k = 1; k < len && best === best; k++) {
        const x = ad[i + k * step]!;
        if (x !== x || better(x, best)) { best = x; bestAt = k; }
      }
      id[j] = bestAt;
      if (vd) vd[v] = best;
    },
  );
}

function matmul(out: Strided, a: Strided, b: Strided): void {
  const [B, M, K] = a.shape as [number, number, number];
  const N = b.shape[2]!;
  const [ab, am, ak] = a.strides as [number, number, number];
  const [bb, bk, bn] = b.strides as [number, number, number];
  const [ob, om, on] = out.strides as [number, number, number];
  const ad = a.data, bd = b.data, od = out.data;
  const row = new Float64Array(N);
  for (let p = 0; p < B; p++) {
    for (let i = 0; i < M; i++) {
      // i-k-j order walks b's rows, which are usually contiguous
      row.fill(0);
      const aRow = a.offset + p * ab + i * am;
      for (let k = 0; k < K; k++) {
        const av = ad[aRow + k * ak]!;
        let bi = b.offset + p * bb + k * bk;
        for (let j = 0; j < N; j++, bi += bn) row[j] = row[j]! + av * bd[bi]!;
      }
      let oi = out.offset + p * ob + i * om;
      for (let j = 0; j < N; j++, oi += on) od[oi] = row[j]!;
    }
  }
}

function where(out: Strided, cond: Strided, a: Strided, b: Strided): void {
  const od = out.data, cd = cond.data, bd = b.data;
  // forEachRow walks three operands; the condition rides along a second walk.
  copy(out, a);
  forEachRow(out.shape, out, cond, b, (o, c, j, n, so, sc, sj) => {
    for (let k = 0; k < n; k++, o += so, c += sc, j += sj) if (!cd[c]) od[o] = bd[j]!;
  });
}

/** Visits every multi-index of `shape` in row-major order. */
function forEachPosition(shape: readonly number[], visit: (pos: number[]) => void): void {
  const n = numel(shape);
  const pos = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    visit(pos);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++pos[d]! < shape[d]!) break;
      pos[d] = 0;
    }
  }
}

/** Offset of `t` at `pos`, with the coordinate on `axis` replaced by `at` (axis -1: none). */
function offsetOf(t: Strided, pos: readonly number[], axis: number, at: number): number {
  let o = t.offset;
  for (let d = 0; d < pos.length; d++) o += (d === axis ? at : pos[d]!) * t.strides[d]!;
  return o;
}

function gather(out: Strided, a: Strided, axis: number, index: Strided): void {
  forEachPosition(out.shape, (pos) => {
    const at = index.data[offsetOf(index, pos, -1, 0)]!;
    out.data[offsetOf(out, pos, -1, 0)] = a.data[offsetOf(a, pos, axis, at)]!;
  });
}

function scatterAdd(out: Strided, axis: number, index: Strided, src: Strided): void {
  forEachPosition(src.shape, (pos) => {
    const at = index.data[offsetOf(index, pos, -1, 0)]!;
    const o = offsetOf(out, pos, axis, at);
    out.data[o] = out.data[o]! + src.data[offsetOf(src, pos, -1, 0)]!;
  });
}

function indexSelect(out: Strided, a: Strided, axis: number, index: Strided): void {
  forEachPosition(out.shape, (pos) => {
    const at = index.data[index.offset + pos[axis]! * index.strides[0]!]!;
    out.data[offsetOf(out, pos, -1, 0)] = a.data[offsetOf(a, pos, axis, at)]!;
  });
}

function indexAdd(out: Strided, axis: number, index: Strided, src: Strided): void {
  forEachPosition(src.shape, (pos) => {
    const at = index.data[index.offset + pos[axis]! * index.strides[0]!]!;
    const o = offsetOf(out, pos, axis, at);
    out.data[o] = out.data[o]! + src.data[offsetOf(src, pos, -1, 0)]!;
  });
}

function indexCopy(out: Strided, axis: number, index: Strided, src: Strided): void {
  forEachPosition(src.shape, (pos) => {
    const at = index.data[index.offset + pos[axis]! * index.strides[0]!]!;
    out.data[offsetOf(out, pos, axis, at)] = src.data[offsetOf(src, pos, -1, 0)]!;
  });
}

function softmax(out: Strided, a: Strided, log: boolean): void {
  const [rows, n] = a.shape as [number, number];
  const ad = a.data, od = out.data;
  for (let r = 0; r < rows; r++) {
    const ai = a.offset + r * a.strides[0]!, oi = out.offset + r * out.strides[0]!;
    const sa = a.strides[1]!, so = out.strides[1]!;
    let max = -Infinity;
    for (let k = 0; k < n; k++) { const v = ad[ai + k * sa]!; if (v > max || v !== v) max = v; }
    if (max === -Infinity) max = 0; // all -inf rows give NaN like PyTorch via exp(-inf - -inf)? keep finite shift
    let sum = 0;
    for (let k = 0; k < n; k++) sum += Math.exp(ad[ai + k * sa]! - max);
    const logSum = Math.log(sum);
    for (let k = 0; k < n; k++) {
      const z = ad[ai + k * sa]! - max;
      od[oi + k * so] = log ? z - logSum : Math.exp(z) / sum;
    }
  }
}

/**
 * Walks every (image, channel, kernel row, kernel column, output row, output
 * column) position in im2col's column order, handing `visit` the column
 * index and the image element it reads (-1 inside the padding).
 */
function walkWindows(img: Strided, g: Conv2dGeometry, visit: (col: number, at: number) => void): void {
  const [N, C, H, W] = img.shape as [number, number, number, number];
  const [kh, kw] = g.kernel, [sh, sw] = g.stride, [ph, pw] = g.padding, [dh, dw] = g.dilation;
  const [oh, ow] = windowOutputSize(H, W, g);
  const [sn, sc, sy, sx] = img.strides as [number, number, number, number];
  let col = 0;
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let i = 0; i < kh; i++)
        for (let j = 0; j < kw; j++)
          for (let y = 0; y < oh; y++) {
            const h = y * sh - ph + i * dh;
            for (let x = 0; x < ow; x++, col++) {
              const w = x * sw - pw + j * dw;
              visit(col, h >= 0 && h < H && w >= 0 && w < W ? img.offset + n * sn + c * sc + h * sy + w * sx : -1);
            }
          }
}

function im2col(out: Strided, a: Strided, g: Conv2dGeometry, padValue: number): void {
  const od = out.data, ad = a.data;
  walkWindows(a, g, (col, at) => {
    od[out.offset + col] = at < 0 ? padValue : ad[at]!;
  });
}

function col2im(out: Strided, cols: Strided, g: Conv2dGeometry): void {
  const od = out.data, cd = cols.data;
  walkWindows(out, g, (col, at) => {
    if (at >= 0) od[at] = od[at]! + cd[cols.offset + col]!;
  });
}

/** The pure-TypeScript backend: the executable specification of every kernel. */
export const referenceBackend: Backend = {
  name: "reference",
  copy, fill, unary, binary, clamp, reduce, argReduce, matmul, where,
  gather, scatterAdd, indexSelect, indexAdd, indexCopy, softmax, im2col, col2im,
  conv2d: (out, x, weight, bias, g) => conv2dByColumns(referenceBackend, out, x, weight, bias, g),
  maxPool2d,
  maxPool2dBackward,
};
