// Every native kernel against the reference backend (the executable spec), on
// inputs large enough to reach C (and, for some, the thread pool): float
// results within 1e-5 relative, integers and bools exact, NaN where NaN.
// Operands come contiguous, transposed, broadcast (stride 0) and flipped.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Backend, BinaryOp, Conv2dGeometry, ReduceOp, Strided, UnaryOp } from "../src/backend/backend.js";
import { loadNativeBackend, nativeAddon } from "../src/backend/native/load.js";
import { adamStep, sgdStep } from "../src/backend/native/optim.js";
import { referenceBackend as ref } from "../src/backend/reference/index.js";
import type { TypedArray } from "../src/tensor/dtype.js";
import { S } from "./strided.js";

const loaded = loadNativeBackend();
const skip = loaded.backend === null ? `the native addon is not available (${loaded.error})` : false;
const nb = (): Backend => {
  assert.ok(loaded.backend);
  return loaded.backend;
};

// ---- data ------------------------------------------------------------------------

let seed = 12345;
/** mulberry32: deterministic, so a failure reproduces */
function rand(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

type Kind = "float32" | "float64" | "int32" | "bool";
const ARRAY = { float32: Float32Array, float64: Float64Array, int32: Int32Array, bool: Uint8Array } as const;
const SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 0.5, -0.5, 2.5, -2.5, 1e-30, 100, -100];

/** Random values for `kind`: floats in [-lo, hi] with a few specials, ints with a few extremes. */
function random(kind: Kind, n: number, opts: { lo?: number; hi?: number; specials?: boolean } = {}): TypedArray {
  const lo = opts.lo ?? -4, hi = opts.hi ?? 4, out = new ARRAY[kind](n);
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (kind === "bool") out[i] = r < 0.5 ? 1 : 0;
    else if (kind === "int32") out[i] = opts.specials !== false && r < 0.02 ? [2147483647, -2147483648, 0][i % 3]! : Math.round(lo + (hi - lo) * rand());
    else out[i] = opts.specials !== false && r < 0.04 ? SPECIALS[i % SPECIALS.length]! : lo + (hi - lo) * rand();
  }
  return out;
}

const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
/** A fresh zeroed (or given) output of `kind` and shape. */
function out(kind: Kind, shape: readonly number[], init?: TypedArray): Strided {
  return S(init ? init.slice() : new ARRAY[kind](numel(shape)), shape);
}
function clone(t: Strided): Strided {
  return { ...t, data: t.data.slice() };
}

type Layout = "contiguous" | "transposed" | "broadcast" | "flipped";
const LAYOUTS: readonly Layout[] = ["contiguous", "transposed", "broadcast", "flipped"];
/** A [r, c] operand of `kind` in the given layout. */
function operand(kind: Kind, r: number, c: number, layout: Layout, opts?: Parameters<typeof random>[2]): Strided {
  switch (layout) {
    case "contiguous": return S(random(kind, r * c, opts), [r, c]);
    case "transposed": return S(random(kind, r * c, opts), [r, c], [1, r]);
    case "broadcast": return S(random(kind, c, opts), [r, c], [0, 1]);
    case "flipped": return S(random(kind, r * c + 3, opts), [r, c], [-c, -1], r * c + 2);
  }
}

// ---- comparison ------------------------------------------------------------------------

/**
 * Exact for ints and bools; for floats NaN where NaN, equal infinities, and
 * |actual - expected| <= rtol * (|expected| + bound[i]) + atol elsewhere.
 */
function close(actual: TypedArray, expected: TypedArray, what: string, rtol = 1e-5, bound?: Float64Array, atol = 1e-37): void {
  assert.equal(actual.length, expected.length, what);
  const exact = !(expected instanceof Float32Array || expected instanceof Float64Array);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    if (exact || !Number.isFinite(e)) {
      if (Object.is(a, e) || a === e || (a !== a && e !== e)) continue;
      assert.fail(`${what}: [${i}] is ${a}, expected ${e}`);
    }
    const tol = rtol * (Math.abs(e) + (bound ? bound[i]! : 0)) + atol;
    if (!(Math.abs(a - e) <= tol)) assert.fail(`${what}: [${i}] is ${a}, expected ${e} (tolerance ${tol})`);
  }
}

/** Runs a kernel on copies of `outs` with both backends and compares every output. */
function same(what: string, outs: Strided[], run: (b: Backend, outs: Strided[]) => void, rtol = 1e-5, bound?: Float64Array): void {
  const mine = outs.map(clone), theirs = outs.map(clone);
  run(nb(), mine);
  run(ref, theirs);
  mine.forEach((m, i) => close(m.data, theirs[i]!.data, what, rtol, bound));
}

// ---- elementwise -------------------------------------------------------------------------

test("copy casts and relayouts like the reference", { skip }, () => {
  const kinds: Kind[] = ["float32", "float64", "int32", "bool"];
  for (const from of kinds)
    for (const to of kinds)
      for (const layout of LAYOUTS) {
        const a = operand(from, 40, 37, layout, { lo: -3e9, hi: 3e9 });
        same(`copy ${from}->${to} ${layout}`, [out(to, [40, 37])], (b, [o]) => b.copy(o!, a));
      }
});

test("fill stores like a typed array", { skip }, () => {
  for (const kind of ["float32", "float64", "int32", "bool"] as const)
    for (const value of [1.5, -3.7, 5e9, NaN, 1, 0]) {
      // every other element of a larger buffer
      const o = S(new ARRAY[kind](2 * 1200).fill(7), [30, 40], [80, 2], 1);
      same(`fill ${kind} ${value}`, [o], (b, [t]) => b.fill(t!, value));
    }
});

test("unary ops match, with NaN, infinities and signed zeros", { skip }, () => {
  const c = nativeAddon()!;
  for (const op of c.unaryOps as UnaryOp[])
    for (const kind of ["float32", "float64", "int32", "bool"] as const) {
      const toBool = op === "not" || op === "isnan";
      if (kind === "bool" && !toBool) continue;
      for (const layout of LAYOUTS) {
        const a = operand(kind, 33, 31, layout);
        same(`${op} ${kind} ${layout}`, [out(toBool ? "bool" : kind, [33, 31])], (b, [o]) => b.unary(op, o!, a), 1e-6);
      }
    }
});

test("binary ops match for every layout pair", { skip }, () => {
  const c = nativeAddon()!;
  const boolOut = new Set(["eq", "ne", "lt", "le", "gt", "ge", "and", "or"]);
  for (const op of c.binaryOps as BinaryOp[])
    for (const kind of ["float32", "float64", "int32", "bool"] as const) {
      if (kind === "bool" && !boolOut.has(op)) continue;
      for (const la of LAYOUTS)
        for (const lb of LAYOUTS) {
          // int pow stays small so that both sides' pow is exact
          const opts = op === "pow" ? { lo: -3, hi: 5, specials: kind !== "int32" } : {};
          const a = operand(kind, 24, 29, la, opts), b = operand(kind, 24, 29, lb, op === "pow" ? { lo: 0, hi: 6, specials: kind !== "int32" } : {});
          same(`${op} ${kind} ${la}/${lb}`, [out(boolOut.has(op) ? "bool" : kind, [24, 29])], (be, [o]) => be.binary(op, o!, a, b));
        }
    }
});

test("clamp and where match", { skip }, () => {
  for (const kind of ["float32", "float64", "int32"] as const)
    for (const [lo, hi] of [[-1, 2], [-Infinity, 0.5], [0, Infinity], [-2.5, -2.5]] as const)
      for (const layout of LAYOUTS) {
        const a = operand(kind, 30, 41, layout);
        same(`clamp ${kind} [${lo}, ${hi}] ${layout}`, [out(kind, [30, 41])], (b, [o]) => b.clamp(o!, a, lo, hi));
      }
  for (const kind of ["float32", "float64", "int32", "bool"] as const)
    for (const layout of LAYOUTS) {
      const cond = operand("bool", 30, 41, layout === "broadcast" ? "contiguous" : "broadcast");
      const a = operand(kind, 30, 41, layout), b = operand(kind, 30, 41, "flipped");
      same(`where ${kind} ${layout}`, [out(kind, [30, 41])], (be, [o]) => be.where(o!, cond, a, b));
    }
});

test("bytes other than 0 and 1 in bool storage behave as in the reference", { skip }, () => {
  const odd = (n: number) => Uint8Array.from({ length: n }, () => [0, 1, 2, 255][Math.floor(rand() * 4)]!);
  const a = S(odd(1200), [30, 40]), b = S(odd(1200), [30, 40], [1, 30]), cond = S(odd(1200), [30, 40]);
  same("copy bool->bool", [out("bool", [30, 40])], (be, [o]) => be.copy(o!, a));
  same("copy bool->float32", [out("float32", [30, 40])], (be, [o]) => be.copy(o!, a));
  same("where bool", [out("bool", [30, 40])], (be, [o]) => be.where(o!, cond, a, b));
  for (const op of ["and", "or", "eq", "lt"] as const)
    same(`${op} bool`, [out("bool", [30, 40])], (be, [o]) => be.binary(op, o!, a, b));
  same("not bool", [out("bool", [30, 40])], (be, [o]) => be.unary("not", o!, a));
  same("sum bool", [out("int32", [30, 1])], (be, [o]) => be.reduce("sum", o!, a, [1]));
  same("max bool", [out("bool", [1, 40])], (be, [o]) => be.reduce("max", o!, a, [0]));
});

// ---- reductions ---------------------------------------------------------------------------

function absOf(t: Strided): Strided {
  const o = S(new Float64Array(numel(t.shape)), t.shape);
  ref.copy(o, t);
  ref.unary("abs", o, o);
  return o;
}

test("reduce matches over every axis set", { skip }, () => {
  const shape = [6, 35, 23];
  const axesSets = [[0], [1], [2], [0, 2], [1, 2], [0, 1, 2], []];
  for (const op of ["sum", "prod", "max", "min"] as ReduceOp[])
    for (const kind of ["float32", "float64", "int32", "bool"] as const)
      for (const transposed of [false, true])
        for (const axes of axesSets) {
          const opts = op === "prod" ? { lo: 0.97, hi: 1.03, specials: false } : kind === "int32" ? { lo: -1000, hi: 1000 } : {};
          const data = random(kind, numel(shape), opts);
          // the transposed operand walks its last two dims the other way round
          const a = transposed ? S(data, shape, [35 * 23, 1, 35]) : S(data, shape);
          const outShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
          const outKind = kind === "bool" && op === "sum" ? "int32" : kind;
          let bound: Float64Array | undefined;
          if (op === "sum" && kind !== "int32" && kind !== "bool") {
            const b = S(new Float64Array(numel(outShape)), outShape);
            ref.reduce("sum", b, absOf(a), axes);
            bound = b.data as Float64Array;
          }
          same(`${op} ${kind} axes [${axes.join(",")}]${transposed ? " transposed" : ""}`, [out(outKind, outShape)],
            (be, [o]) => be.reduce(op, o!, a, axes), 1e-5, bound);
        }
});

test("argReduce takes the first index at ties and NaN over numbers", { skip }, () => {
  const shape = [9, 40, 13];
  for (const op of ["max", "min"] as const)
    for (const kind of ["float32", "float64", "int32", "bool"] as const)
      for (const axis of [0, 1, 2])
        for (const withValues of [true, false]) {
          // few distinct values, so ties are everywhere
          const data = random(kind, numel(shape), { lo: -2, hi: 2 });
          if (kind === "float32" || kind === "float64") for (let i = 0; i < data.length; i++) data[i] = Math.round(data[i]! * 2) / 2;
          const a = S(data, shape);
          const rshape = shape.map((d, i) => (i === axis ? 1 : d));
          const outs = [out("int32", rshape), ...(withValues ? [out(kind, rshape)] : [])];
          same(`arg${op} ${kind} axis ${axis}`, outs, (be, [idx, val]) => be.argReduce(op, val ?? null, idx!, a, axis));
        }
});

test("softmax and logSoftmax match, with -inf, +inf and NaN rows", { skip }, () => {
  for (const kind of ["float32", "float64"] as const)
    for (const transposed of [false, true])
      for (const [log, n] of [[false, 70], [true, 70], [false, 300], [true, 300]] as const) {
        const rows = 40;
        const data = random(kind, rows * n, { lo: -30, hi: 30, specials: false });
        const at = (r: number, k: number) => (transposed ? k * rows + r : r * n + k);
        for (let k = 0; k < n; k++) {
          data[at(0, k)] = -Infinity; // all -inf
          if (k % 3 === 0) data[at(1, k)] = -Infinity; // some -inf
        }
        data[at(2, 5)] = Infinity;
        data[at(3, 7)] = NaN;
        data[at(4, n - 3)] = NaN;
        const a = transposed ? S(data, [rows, n], [1, rows]) : S(data, [rows, n]);
        same(`${log ? "log" : ""}softmax ${kind}${transposed ? " transposed" : ""}`, [out(kind, [rows, n])], (b, [o]) => b.softmax(o!, a, log));
      }
});

// ---- matmul ---------------------------------------------------------------------------------

function matmulCase(kind: "float32" | "float64", B: number, M: number, K: number, N: number, how: string): void {
  const make = (r: number, c: number, transposed: boolean, batch: number): Strided => {
    const data = random(kind, batch * r * c, { lo: -1, hi: 1, specials: false });
    return transposed ? S(data, [batch, r, c], [r * c, 1, r]) : S(data, [batch, r, c]);
  };
  const a = make(M, K, how.includes("At"), B);
  let b = make(K, N, how.includes("Bt"), how.includes("Bshared") ? 1 : B);
  if (how.includes("Bshared")) b = { ...b, shape: [B, K, N], strides: [0, b.strides[1]!, b.strides[2]!] };
  if (how.includes("nan")) {
    a.data[3] = NaN;
    a.data[a.data.length - 1] = Infinity;
  }
  const o = how.includes("Ot") ? S(new ARRAY[kind](B * M * N), [B, M, N], [M * N, 1, M]) : out(kind, [B, M, N]);
  // the tolerance scales with sum_k |a||b|
  const bound = S(new Float64Array(B * M * N), o.shape, o.strides);
  ref.matmul(bound, absOf(a), absOf(b));
  same(`matmul ${kind} ${B}x${M}x${K}x${N} ${how}`, [o], (be, [t]) => be.matmul(t!, a, b), 1e-5, bound.data as Float64Array);
}

test("matmul matches for odd sizes, batches, transposed and broadcast operands", { skip }, () => {
  for (const kind of ["float32", "float64"] as const) {
    matmulCase(kind, 1, 64, 64, 64, "");
    matmulCase(kind, 1, 37, 53, 29, "");
    matmulCase(kind, 3, 20, 30, 40, "At");
    matmulCase(kind, 2, 25, 31, 47, "Bt Ot");
    matmulCase(kind, 4, 13, 300, 17, "Bshared");
    matmulCase(kind, 1, 200, 150, 130, "At Bt");
    matmulCase(kind, 2, 40, 600, 70, "Bt"); // K over several KC slabs, each ending in a partial 16-block
    matmulCase(kind, 1, 1, 500, 300, "");
    matmulCase(kind, 1, 300, 500, 1, "nan");
    matmulCase(kind, 1, 97, 600, 70, "nan");
    // few columns, rows of A and columns of B contiguous along K (x Wᵀ of a small linear layer): dot products
    matmulCase(kind, 3, 37, 700, 10, "Bt");
    matmulCase(kind, 1, 5, 64, 16, "Bt nan");
    matmulCase(kind, 1, 66, 2311, 3, "Bt Ot");
    matmulCase(kind, 2, 1, 100, 1, "Bt Bshared");
    // the same with B stored row-major (x @ W): copied K-contiguous first, when every product shares it
    matmulCase(kind, 1, 37, 1024, 10, "nan");
    matmulCase(kind, 3, 9, 130, 16, "Bshared Ot");
    matmulCase(kind, 2, 7, 90, 5, ""); // B per product: the packed GEMM
  }
});

test("matmul of an empty sum writes zeros", { skip }, () => {
  const c = nativeAddon()!;
  const o = S(new Float32Array(6).fill(9), [1, 2, 3]);
  c.matmul(o, S(new Float32Array(0), [1, 2, 0]), S(new Float32Array(0), [1, 0, 3]));
  assert.deepEqual(Array.from(o.data), [0, 0, 0, 0, 0, 0]);
});

// ---- indexing ---------------------------------------------------------------------------------

function indices(n: number, limit: number): Int32Array {
  return Int32Array.from({ length: n }, () => Math.floor(rand() * limit));
}

test("gather, scatterAdd, indexSelect and indexAdd match, with duplicate indices", { skip }, () => {
  for (const kind of ["float32", "float64", "int32", "bool"] as const)
    for (const axis of [0, 1]) {
      const big = axis === 0 ? [50, 30] : [40, 50];
      const small = [40, 30];
      const a = operand(kind, big[0]!, big[1]!, "transposed");
      const index = S(indices(numel(small), big[axis]!), small);
      same(`gather ${kind} axis ${axis}`, [out(kind, small)], (b, [o]) => b.gather(o!, a, axis, index));
      const src = operand(kind, small[0]!, small[1]!, "flipped");
      const target = S(random(kind, numel(big)), big);
      same(`scatterAdd ${kind} axis ${axis}`, [target], (b, [o]) => b.scatterAdd(o!, axis, index, src));

      const sel = S(indices(45, big[axis]!), [45]);
      const selShape = axis === 0 ? [45, big[1]!] : [big[0]!, 45];
      same(`indexSelect ${kind} axis ${axis}`, [out(kind, selShape)], (b, [o]) => b.indexSelect(o!, a, axis, sel));
      const addSrc = S(random(kind, numel(selShape)), selShape);
      same(`indexAdd ${kind} axis ${axis}`, [target], (b, [o]) => b.indexAdd(o!, axis, sel, addSrc));
    }
});

// ---- im2col / col2im ----------------------------------------------------------------------------

test("im2col and col2im match for strided, padded, dilated windows", { skip }, () => {
  const geoms: Conv2dGeometry[] = [
    { kernel: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1] },
    { kernel: [3, 2], stride: [2, 1], padding: [1, 2], dilation: [1, 2] },
    { kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1] },
    { kernel: [2, 3], stride: [3, 2], padding: [3, 5], dilation: [2, 1] }, // rows and columns of pure padding
  ];
  const [N, C, H, W] = [2, 3, 11, 13];
  for (const kind of ["float32", "float64", "int32"] as const)
    for (const g of geoms)
      for (const nhwc of [false, true]) {
        const data = random(kind, N * C * H * W);
        // an NHWC buffer seen as NCHW
        const a = nhwc ? S(data, [N, C, H, W], [H * W * C, 1, W * C, C]) : S(data, [N, C, H, W]);
        const oh = Math.floor((H + 2 * g.padding[0] - g.dilation[0] * (g.kernel[0] - 1) - 1) / g.stride[0]) + 1;
        const ow = Math.floor((W + 2 * g.padding[1] - g.dilation[1] * (g.kernel[1] - 1) - 1) / g.stride[1]) + 1;
        const colShape = [N, C * g.kernel[0] * g.kernel[1], oh * ow];
        for (const pad of [0, -Infinity])
          same(`im2col ${kind} ${JSON.stringify(g)} pad ${pad}`, [out(kind, colShape)], (b, [o]) => b.im2col(o!, a, g, pad));
        const cols = S(random(kind, numel(colShape)), colShape);
        const img = nhwc ? { ...S(new ARRAY[kind](N * C * H * W), [N, C, H, W], [H * W * C, 1, W * C, C]) } : out(kind, [N, C, H, W]);
        same(`col2im ${kind} ${JSON.stringify(g)}`, [img], (b, [o]) => b.col2im(o!, cols, g));
      }
});

// ---- conv2d / maxPool2d -------------------------------------------------------------------------

interface ConvCase {
  x: [number, number, number, number];
  w: [number, number, number, number];
  g: Conv2dGeometry;
  /** nhwc: an NHWC buffer seen as NCHW; flipped: negative H and W strides; wideRows: each row of a 3x wider buffer */
  layout?: "nhwc" | "flipped" | "wideRows";
  bias?: boolean;
  /** the weight through [C, O, kh, kw] storage (transposed strides), the bias every other element */
  strided?: boolean;
  /** out as one group's planes of a twice-as-wide output */
  groupOut?: boolean;
}

const geo = (kernel: [number, number], stride: [number, number] = [1, 1], padding: [number, number] = [0, 0], dilation: [number, number] = [1, 1]): Conv2dGeometry =>
  ({ kernel, stride, padding, dilation });

/** x [N, C, H, W] of `kind` in the case's layout. */
function image(kind: "float32" | "float64", [N, C, H, W]: readonly number[], layout: ConvCase["layout"], opts?: Parameters<typeof random>[2]): Strided {
  if (layout === "wideRows") return S(random(kind, N! * C! * H! * 3 * W!, opts), [N!, C!, H!, W!], [C! * H! * 3 * W!, H! * 3 * W!, 3 * W!, 1]);
  const data = random(kind, N! * C! * H! * W!, opts);
  if (layout === "nhwc") return S(data, [N!, C!, H!, W!], [H! * W! * C!, 1, W! * C!, C!]);
  if (layout === "flipped") return S(data, [N!, C!, H!, W!], [C! * H! * W!, H! * W!, -W!, -1], H! * W! - 1);
  return S(data, [N!, C!, H!, W!]);
}

function convCase(kind: "float32" | "float64", c: ConvCase): void {
  const [N, C, H, W] = c.x, [O, , kh, kw] = c.w;
  const x = image(kind, c.x, c.layout);
  const w = c.strided
    ? S(random(kind, O * C * kh * kw, { lo: -1, hi: 1 }), c.w, [kh * kw, O * kh * kw, kw, 1])
    : S(random(kind, O * C * kh * kw, { lo: -1, hi: 1 }), c.w);
  const bias = c.bias === false ? null : c.strided ? S(random(kind, 2 * O), [O], [2], 1) : S(random(kind, O), [O]);
  const oh = Math.floor((H + 2 * c.g.padding[0] - c.g.dilation[0] * (kh - 1) - 1) / c.g.stride[0]) + 1;
  const ow = Math.floor((W + 2 * c.g.padding[1] - c.g.dilation[1] * (kw - 1) - 1) / c.g.stride[1]) + 1;
  const L = oh * ow;
  const o = c.groupOut ? S(new ARRAY[kind](N * 2 * O * L), [N, O, oh, ow], [2 * O * L, L, ow, 1], O * L) : out(kind, [N, O, oh, ow]);
  // the tolerance scales with the sum of |x||w| (+ |bias|) over each window
  const bound = S(new Float64Array(o.data.length), o.shape, o.strides, o.offset);
  ref.conv2d(bound, absOf(x), absOf(w), bias === null ? null : absOf(bias), c.g);
  const what = `conv2d ${kind} x ${c.x.join("x")} w ${c.w.join("x")} ${JSON.stringify(c.g)} ${c.layout ?? ""}${c.strided ? " strided" : ""}${c.groupOut ? " groupOut" : ""}`;
  same(what, [o], (b, [t]) => b.conv2d(t!, x, w, bias, c.g), 1e-5, bound.data as Float64Array);
}

test("conv2d matches im2col + matmul for strided, padded, dilated windows and any layout", { skip }, () => {
  const cases: ConvCase[] = [
    { x: [2, 3, 13, 11], w: [5, 3, 3, 3], g: geo([3, 3]) },
    { x: [2, 3, 13, 11], w: [11, 3, 3, 3], g: geo([3, 3]), bias: false, groupOut: true },
    { x: [3, 4, 9, 10], w: [9, 4, 3, 2], g: geo([3, 2], [1, 1], [1, 2]) },
    { x: [2, 3, 11, 13], w: [6, 3, 3, 2], g: geo([3, 2], [2, 1], [1, 2], [1, 2]), layout: "nhwc" },
    { x: [2, 3, 11, 13], w: [7, 3, 2, 3], g: geo([2, 3], [3, 2], [3, 5], [2, 1]), strided: true }, // rows and columns of pure padding
    { x: [2, 2, 12, 12], w: [8, 2, 2, 2], g: geo([2, 2], [2, 2]), layout: "flipped" },
    { x: [1, 5, 20, 17], w: [3, 5, 1, 1], g: geo([1, 1]) },
    { x: [2, 2, 9, 9], w: [4, 2, 9, 9], g: geo([9, 9]) }, // one output position
    { x: [1, 1, 1, 40], w: [16, 1, 1, 5], g: geo([1, 5], [1, 1], [0, 0], [1, 3]) },
    { x: [1, 3, 70, 60], w: [20, 3, 3, 3], g: geo([3, 3], [1, 1], [1, 1]) }, // several tile ranges per image
    { x: [1, 2, 30, 30], w: [8, 2, 3, 3], g: geo([3, 3]) }, // one image, one panel: tiles split over threads
    { x: [4, 16, 14, 14], w: [40, 16, 3, 3], g: geo([3, 3], [1, 1], [0, 0], [2, 2]), strided: true },
    { x: [2, 3, 9, 60], w: [4, 3, 3, 40], g: geo([3, 40]) }, // few outputs per row: im2col + GEMM
    { x: [2, 3, 11, 13], w: [6, 3, 3, 3], g: geo([3, 3]), layout: "wideRows" }, // rows far apart: copied first
  ];
  for (const kind of ["float32", "float64"] as const) for (const c of cases) convCase(kind, c);
});

test("conv2d keeps NaN and infinities, and an empty K gives the bias", { skip }, () => {
  for (const kind of ["float32", "float64"] as const) {
    const x = image(kind, [2, 3, 10, 10], undefined);
    x.data[5] = NaN;
    x.data[120] = Infinity;
    x.data[121] = -Infinity;
    x.data[250] = Infinity;
    const w = S(random(kind, 6 * 3 * 9, { lo: -1, hi: 1, specials: false }), [6, 3, 3, 3]);
    w.data[13] = 0; // 0 * Inf is NaN
    const bias = S(random(kind, 6, { specials: false }), [6]);
    for (const g of [geo([3, 3]), geo([3, 3], [1, 1], [1, 1])]) {
      const oh = g.padding[0] === 1 ? 10 : 8;
      const o = out(kind, [2, 6, oh, oh]);
      const bound = S(new Float64Array(2 * 6 * oh * oh), o.shape);
      ref.conv2d(bound, absOf(x), absOf(w), absOf(bias), g);
      same(`conv2d ${kind} specials ${JSON.stringify(g.padding)}`, [o], (be, [t]) => be.conv2d(t!, x, w, bias, g), 1e-5, bound.data as Float64Array);
    }
    const empty = out(kind, [2, 4, 3, 3]);
    nb().conv2d(empty, S(new ARRAY[kind](0), [2, 0, 3, 3]), S(new ARRAY[kind](0), [4, 0, 1, 1]), S(ARRAY[kind].from([1, 2, 3, 4]), [4]), geo([1, 1]));
    assert.deepEqual(Array.from(empty.data.subarray(0, 18)), [...Array(9).fill(1), ...Array(9).fill(2)]);
  }
});

test("maxPool2d matches the reference loop, with NaN, infinities and signed zeros", { skip }, () => {
  const geoms = [geo([2, 2], [2, 2]), geo([3, 3], [1, 1], [1, 1]), geo([3, 2], [2, 1], [1, 1], [2, 2]), geo([2, 3], [3, 2], [1, 1], [1, 1])];
  for (const kind of ["float32", "float64"] as const)
    for (const g of geoms)
      for (const layout of [undefined, "nhwc", "flipped"] as const) {
        const [N, C, H, W] = [2, 3, 11, 14];
        const x = image(kind, [N, C, H, W], layout);
        // signed zeros side by side, so which one wins is visible
        for (let i = 0; i < x.data.length; i += 7) x.data[i] = i % 2 ? -0 : 0;
        const oh = Math.floor((H + 2 * g.padding[0] - g.dilation[0] * (g.kernel[0] - 1) - 1) / g.stride[0]) + 1;
        const ow = Math.floor((W + 2 * g.padding[1] - g.dilation[1] * (g.kernel[1] - 1) - 1) / g.stride[1]) + 1;
        const mine = out(kind, [N, C, oh, ow]), theirs = out(kind, [N, C, oh, ow]);
        nb().maxPool2d(mine, x, g);
        ref.maxPool2d(theirs, x, g);
        for (let i = 0; i < mine.data.length; i++)
          if (!Object.is(mine.data[i], theirs.data[i]))
            assert.fail(`maxPool2d ${kind} ${JSON.stringify(g)} ${layout ?? ""}: [${i}] is ${mine.data[i]}, expected ${theirs.data[i]}`);
        // a transposed output
        const t = S(new ARRAY[kind](N * C * oh * ow), [N, C, oh, ow], [C * oh * ow, oh * ow, 1, oh]);
        nb().maxPool2d(t, x, g);
        const back = out(kind, [N, C, oh, ow]);
        ref.copy(back, t);
        assert.deepEqual(Array.from(back.data).map(String), Array.from(theirs.data).map(String));
      }
});

// ---- the thread pool ---------------------------------------------------------------------------

test("large kernels split over threads agree with the reference", { skip }, () => {
  const r = 600, c = 500;
  const a = operand("float32", r, c, "contiguous"), bcol = S(random("float32", r), [r, c], [1, 0]);
  same("add 300k broadcast column", [out("float32", [r, c])], (b, [o]) => b.binary("add", o!, a, bcol));
  same("exp 300k", [out("float32", [r, c])], (b, [o]) => b.unary("exp", o!, a));
  const at = operand("float32", r, c, "transposed");
  same("tanh 300k transposed", [out("float32", [r, c])], (b, [o]) => b.unary("tanh", o!, at));
  const a64 = operand("float64", r, c, "contiguous", { specials: false });
  for (const axes of [[0], [1], [0, 1]]) {
    const shape = [axes.includes(0) ? 1 : r, axes.includes(1) ? 1 : c];
    const bound = S(new Float64Array(numel(shape)), shape);
    ref.reduce("sum", bound, absOf(a64), axes);
    same(`sum 300k axes [${axes.join(",")}]`, [out("float64", shape)], (b, [o]) => b.reduce("sum", o!, a64, axes), 1e-9, bound.data as Float64Array);
    same(`max 300k axes [${axes.join(",")}]`, [out("float32", shape)], (b, [o]) => b.reduce("max", o!, a, axes));
  }
  same("copy 300k transposed", [out("float64", [r, c])], (b, [o]) => b.copy(o!, at));
  const logits = operand("float32", r, c, "contiguous", { specials: false });
  same("softmax 300k", [out("float32", [r, c])], (b, [o]) => b.softmax(o!, logits, false));
});

test("results do not depend on the number of threads", { skip }, () => {
  const c = nativeAddon()!;
  const before = c.numThreads();
  const a = operand("float64", 3000, 70, "contiguous", { specials: false });
  const x = S(random("float32", 300 * 200, { specials: false }), [1, 300, 200]), y = S(random("float32", 200 * 150, { specials: false }), [1, 200, 150]);
  const img = S(random("float32", 2 * 8 * 900, { specials: false }), [2, 8, 30, 30]), kernel = S(random("float32", 24 * 8 * 9, { specials: false }), [24, 8, 3, 3]);
  const run = () => {
    const outs = [[0], [1], [0, 1]].map((axes) => {
      const o = out("float64", [axes.includes(0) ? 1 : 3000, axes.includes(1) ? 1 : 70]);
      nb().reduce("sum", o, a, axes);
      return Array.from(o.data);
    });
    const m = out("float32", [1, 300, 150]);
    nb().matmul(m, x, y);
    const cv = out("float32", [2, 24, 30, 30]);
    nb().conv2d(cv, img, kernel, null, { kernel: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1] });
    return [...outs, Array.from(m.data), Array.from(cv.data)];
  };
  try {
    c.numThreads(1);
    const one = run();
    c.numThreads(Math.max(2, before));
    assert.deepEqual(run(), one);
  } finally {
    c.numThreads(before);
  }
});

// ---- fused optimizer steps ---------------------------------------------------------------------

/** The formulas of optim.ts, written out once more, plainly, in doubles. */
function sgdSpec(p: number, g: number, buf: number, first: boolean, o: { lr: number; momentum: number; dampening: number; wd: number; nesterov: boolean; maximize: boolean }, f32: boolean): [number, number] {
  if (o.maximize) g = -g;
  g += o.wd * p;
  if (o.momentum !== 0) {
    buf = first ? g : o.momentum * buf + (1 - o.dampening) * g;
    if (f32) buf = Math.fround(buf);
    g = o.nesterov ? g + o.momentum * buf : buf;
  }
  return [p - o.lr * g, buf];
}

test("sgdStep (native and JS) follows PyTorch's SGD", { skip }, () => {
  for (const n of [100, 5000])
    for (const f32 of [true, false])
      for (const o of [
        { lr: 0.1, momentum: 0, dampening: 0, wd: 0, nesterov: false, maximize: false },
        { lr: 0.05, momentum: 0.9, dampening: 0.1, wd: 1e-2, nesterov: false, maximize: true },
        { lr: 0.05, momentum: 0.8, dampening: 0, wd: 0, nesterov: true, maximize: false },
      ]) {
        const T = f32 ? Float32Array : Float64Array;
        const p = new T(random("float64", n, { specials: false })), buf = new T(n);
        const want = Array.from(p), wantBuf = Array.from(buf);
        for (let step = 1; step <= 3; step++) {
          const g = new T(random("float64", n, { specials: false }));
          for (let i = 0; i < n; i++) {
            const [pp, bb] = sgdSpec(want[i]!, g[i]!, wantBuf[i]!, step === 1, o, f32);
            want[i] = f32 ? Math.fround(pp) : pp;
            wantBuf[i] = f32 ? Math.fround(bb) : bb;
          }
          sgdStep(p, g, buf, step === 1, { lr: o.lr, momentum: o.momentum, dampening: o.dampening, weightDecay: o.wd, nesterov: o.nesterov, maximize: o.maximize });
        }
        close(p, new T(want), `sgd n=${n} ${JSON.stringify(o)}`, f32 ? 1e-6 : 1e-12);
      }
});

test("adamStep (native and JS) follows PyTorch's Adam and AdamW", { skip }, () => {
  for (const n of [100, 5000])
    for (const f32 of [true, false])
      for (const o of [
        { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, decoupled: false },
        { lr: 1e-2, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1, amsgrad: true, maximize: true, decoupled: false },
        { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, amsgrad: false, maximize: false, decoupled: true },
      ]) {
        const T = f32 ? Float32Array : Float64Array;
        const round = (x: number) => (f32 ? Math.fround(x) : x);
        const p = new T(random("float64", n, { specials: false })), m = new T(n), v = new T(n), vmax = new T(n);
        const P = Array.from(p), M = new Array<number>(n).fill(0), V = new Array<number>(n).fill(0), VM = new Array<number>(n).fill(0);
        for (let step = 1; step <= 3; step++) {
          const g = new T(random("float64", n, { specials: false }));
          const stepSize = o.lr / (1 - o.beta1 ** step), bc2 = Math.sqrt(1 - o.beta2 ** step);
          for (let i = 0; i < n; i++) {
            let gi = o.maximize ? -g[i]! : g[i]!, pi = P[i]!;
            if (o.decoupled) pi = round(pi * (1 - o.lr * o.weightDecay));
            else gi += o.weightDecay * pi;
            M[i] = round(M[i]! + (1 - o.beta1) * (gi - M[i]!));
            V[i] = round(o.beta2 * V[i]! + (1 - o.beta2) * gi * gi);
            VM[i] = Math.max(VM[i]!, V[i]!);
            const vv = o.amsgrad ? VM[i]! : V[i]!;
            P[i] = round(pi - (stepSize * M[i]!) / (Math.sqrt(vv) / bc2 + o.eps));
          }
          adamStep(p, g, m, v, o.amsgrad ? vmax : null, step, o);
        }
        close(p, new T(P), `adam n=${n} ${JSON.stringify(o)}`, f32 ? 1e-6 : 1e-12);
        close(m, new T(M), `adam m n=${n}`, f32 ? 1e-6 : 1e-12);
      }
});
