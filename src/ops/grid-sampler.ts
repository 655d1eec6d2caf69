/**
 * The grid sampler kernels behind `F.gridSample`: typed-array loops for the
 * forward and for the backward, recorded as one autograd node. They follow
 * the rules of the composed form in src/nn/grid-sample.ts step by step (the
 * same source positions in the input's precision, the same padding rules
 * and masks, the same corner weights), which stays the definition: a
 * backward that must build a graph (createGraph, for double backward) runs
 * the composed form's gradient instead, so higher derivatives come from its
 * ops.
 *
 * For a block of output points the kernel first finds their reads (flat
 * input positions, -1 where outside) and weights, then mixes them channel by
 * channel, so the inner loop is a few multiply-adds per corner.
 */
import { grad as autogradGrad } from "../autograd/engine.js";
import { isRecording } from "../autograd/grad-mode.js";
import type { Tensor } from "../tensor/tensor.js";
import { contiguousData, empty, emptyUninitialized, kernels, needsGrad, record } from "./core.js";
import { reshape } from "./views.js";

export type GridSamplerMode = "bilinear" | "nearest" | "bicubic";
export type GridSamplerPadding = "zeros" | "border" | "reflection";

/** The sampling rule of one call: mode, padding and corner rule. */
export interface GridSamplerRule {
  mode: GridSamplerMode;
  padding: GridSamplerPadding;
  alignCorners: boolean;
}

type Floats = Float32Array | Float64Array;
/**
 * `v` rounded to float32 when `f32`: each step of a position or weight is
 * rounded as the composed form's float32 ops round it. (A flag, not a
 * rounding function passed around: a call site that sees both Math.fround
 * and another function stops being inlined, and the loops get many times
 * slower.) The mixing loops over channels add in double precision and
 * round once, when they store.
 */
const rnd = (v: number, f32: boolean): number => (f32 ? Math.fround(v) : v);

/** The geometry of one call: batch, channels, input sizes (x first), output points, and whether PyTorch's 2-d (vectorized) rules apply. */
interface Geometry {
  N: number;
  C: number;
  /** Input sizes along x, y (, z). */
  sizes: number[];
  /** Input elements per channel. */
  S: number;
  /** Output points per batch item. */
  P: number;
  vectorized: boolean;
}

/**
 * d(source position)/d(grid coordinate) of the last `sourcePosition` call,
 * 0 where no gradient passes. (A typed array, not a module-level number:
 * storing a double into a module variable allocates a heap number each time.)
 */
const lastDerivative = new Float64Array(1);

/** The unnormalized position of coordinate `x` along a dim of `size`, as the composed form rounds each step; sets lastDerivative to the scale. */
function unnormalize(x: number, size: number, alignCorners: boolean, vectorized: boolean, f32: boolean): number {
  if (vectorized) {
    if (alignCorners) {
      lastDerivative[0] = (size - 1) / 2;
      return rnd(rnd(x + 1, f32) * ((size - 1) / 2), f32);
    }
    lastDerivative[0] = size / 2;
    return rnd(rnd(rnd(x + 1, f32) * (size / 2), f32) - 0.5, f32);
  }
  if (alignCorners) {
    lastDerivative[0] = 0.5 * (size - 1);
    return rnd(rnd(rnd(x + 1, f32) * 0.5, f32) * (size - 1), f32);
  }
  lastDerivative[0] = 0.5 * size;
  return rnd(rnd(rnd(rnd(x + 1, f32) * size, f32) - 1, f32) * 0.5, f32);
}

/** Clipped into [0, size - 1] (NaN to 0 in 2-d, to size - 1 in 3-d); the gradient passes only strictly inside. */
function clip(x: number, size: number, vectorized: boolean): number {
  const hi = size - 1;
  if (!(x > 0 && x < hi)) lastDerivative[0] = 0;
  if (vectorized) return x > 0 ? (x < hi ? x : hi) : 0;
  return x <= 0 ? 0 : x < hi ? x : hi;
}

/** Reflected about the borders (alignCorners) or the outer pixel edges until inside; the gradient is ±1. */
function reflect(x: number, size: number, alignCorners: boolean, f32: boolean): number {
  const twiceSpan = alignCorners ? 2 * (size - 1) : 2 * size;
  if (twiceSpan === 0) {
    lastDerivative[0] = 0;
    return 0;
  }
  const shifted = alignCorners ? x : rnd(x + 0.5, f32);
  const sign = shifted < 0 ? -1 : 1;
  const abs = Math.abs(shifted);
  const flipped = rnd(Math.trunc(rnd(abs / twiceSpan, f32)) * twiceSpan, f32);
  const extra = rnd(abs - flipped, f32), mirrored = rnd(twiceSpan - extra, f32);
  const inside = extra > mirrored ? mirrored : extra;
  lastDerivative[0] = lastDerivative[0]! * (extra > mirrored ? -sign : sign);
  return alignCorners ? inside : rnd(inside - 0.5, f32);
}

/** The position coordinate `x` reads along a dim of `size` (unnormalized, then padded; 3-d: -100 when not an int32), with lastDerivative. */
function sourcePosition(x: number, size: number, rule: GridSamplerRule, vectorized: boolean, f32: boolean): number {
  let pos = unnormalize(x, size, rule.alignCorners, vectorized, f32);
  if (rule.padding === "border") pos = clip(pos, size, vectorized);
  else if (rule.padding === "reflection") pos = clip(reflect(pos, size, rule.alignCorners, f32), size, vectorized);
  if (!vectorized && !(Number.isFinite(pos) && pos <= 2147483646 && pos >= -2147483648)) {
    lastDerivative[0] = 0;
    return -100;
  }
  return pos;
}

/** Round half to even, as the nearest mode picks. */
function halfEven(v: number): number {
  const r = Math.round(v);
  // (Math.round takes a half up: back down to the even neighbour; positions beyond int32 are outside anyway)
  return r - v === 0.5 && (r & 1) !== 0 ? r - 1 : r;
}

/** One integer tap of the bicubic mode: clipped or reflected like a coordinate, then rounded. */
function tapPosition(v: number, size: number, rule: GridSamplerRule): number {
  if (rule.padding === "zeros") return Math.round(v);
  const hi = size - 1;
  let p = v;
  if (rule.padding === "reflection") {
    const twiceSpan = rule.alignCorners ? 2 * hi : 2 * size;
    if (twiceSpan === 0) return 0;
    const abs = Math.abs(rule.alignCorners ? p : p + 0.5);
    const extra = abs - Math.trunc(abs / twiceSpan) * twiceSpan;
    p = Math.min(extra, twiceSpan - extra) - (rule.alignCorners ? 0 : 0.5);
  }
  // clipped into [0, size - 1], then rounded as the kernel converts it to an integer
  return Math.round(p > 0 ? (p < hi ? p : hi) : 0);
}

/** Keys' cubic convolution (A = -0.75) for |x| <= 1 and 1 < |x| < 2, with the composed form's rounding, and their derivatives. */
const A = -0.75;
const near = (x: number, f32: boolean) => rnd(rnd(rnd(rnd(rnd(x * (A + 2), f32) - (A + 3), f32) * x, f32) * x, f32) + 1, f32);
const far = (x: number, f32: boolean) => rnd(rnd(rnd(rnd(rnd(rnd(x * A, f32) - 5 * A, f32) * x, f32) + 8 * A, f32) * x, f32) - 4 * A, f32);
const nearDerivative = (x: number) => (3 * (A + 2) * x - 2 * (A + 3)) * x;
const farDerivative = (x: number) => (3 * A * x - 10 * A) * x + 8 * A;

/**
 * The points are taken in blocks: first each point's reads (flat input
 * positions, -1 outside) and weights go into these scratch arrays, then
 * each channel mixes them in one pass over the block. (Looping over the
 * channels inside each point would stride by whole planes, and planes of
 * power-of-two sizes all fall into the same cache sets.) The kernels never
 * re-enter, so the scratch is shared.
 */
const BLOCK = 256;
const readAt = new Int32Array(BLOCK * 16);
/** Per read its weight; bicubic: per point the 4 x weights, the 4 y weights, then (backward) their derivatives. */
const weightOf = new Float64Array(BLOCK * 16);
/** Backward: per point what the grid's gradient needs (bilinear: the 4 axis weights; trilinear: per corner and axis ±(the other two weights)). */
const partialOf = new Float64Array(BLOCK * 24);
/** Backward: d(position)/d(grid) per point and axis (0 where no gradient passes), and the positions' gradients. */
const derivativeOf = new Float64Array(BLOCK * 3);
const gradientOf = new Float64Array(BLOCK * 3);
/** Backward, 3-d: the points PyTorch skips (a NaN coordinate, or an infinite one when reflected). */
const skip = new Uint8Array(BLOCK);
const tapsX = new Float64Array(4), tapsY = new Float64Array(4);

/** Marks the block's 3-d points whose backward PyTorch skips. */
function markSkipped(grid: Floats, base: number, B: number, reflection: boolean): void {
  for (let q = 0; q < B; q++) {
    let bad = 0;
    for (let k = 0; k < 3; k++) {
      const v = grid[base + 3 * q + k]!;
      if (Number.isNaN(v) || (reflection && !Number.isFinite(v))) bad = 1;
    }
    skip[q] = bad;
  }
}

/** Nearest: each point's one read. */
function planNearest(grid: Floats, base: number, B: number, geo: Geometry, rule: GridSamplerRule, f32: boolean): void {
  const sizes = geo.sizes, dims = sizes.length;
  for (let q = 0; q < B; q++) {
    let flat = 0, stride = 1;
    for (let k = 0; k < dims; k++) {
      const size = sizes[k]!;
      const v = halfEven(sourcePosition(grid[base + q * dims + k]!, size, rule, geo.vectorized, f32));
      if (!(v >= 0 && v < size)) {
        flat = -1;
        break;
      }
      flat += v * stride;
      stride *= size;
    }
    readAt[q] = flat;
  }
}

/** 2-d bilinear: the corners nw, ne, sw, se, each weighted by y's weight times x's; backward: the axis weights (x lower, x upper, y lower, y upper). */
function planBilinear(grid: Floats, base: number, B: number, geo: Geometry, rule: GridSamplerRule, f32: boolean, backward: boolean): void {
  const [W, H] = geo.sizes as [number, number];
  for (let q = 0; q < B; q++) {
    const px = sourcePosition(grid[base + 2 * q]!, W, rule, true, f32), dx = lastDerivative[0]!;
    const py = sourcePosition(grid[base + 2 * q + 1]!, H, rule, true, f32), dy = lastDerivative[0]!;
    const x0 = Math.floor(px), y0 = Math.floor(py);
    const e1 = rnd(px - x0, f32), e0 = rnd(1 - e1, f32), n1 = rnd(py - y0, f32), n0 = rnd(1 - n1, f32);
    const inX0 = x0 >= 0 && x0 < W, inX1 = x0 + 1 >= 0 && x0 + 1 < W, inY0 = y0 >= 0 && y0 < H, inY1 = y0 + 1 >= 0 && y0 + 1 < H;
    // (the flat index only where some corner is inside, so that it stays an integer)
    const at = (inX0 || inX1) && (inY0 || inY1) ? y0 * W + x0 : 0;
    const k = 4 * q;
    readAt[k] = inX0 && inY0 ? at : -1;
    readAt[k + 1] = inX1 && inY0 ? at + 1 : -1;
    readAt[k + 2] = inX0 && inY1 ? at + W : -1;
    readAt[k + 3] = inX1 && inY1 ? at + W + 1 : -1;
    weightOf[k] = rnd(n0 * e0, f32);
    weightOf[k + 1] = rnd(n0 * e1, f32);
    weightOf[k + 2] = rnd(n1 * e0, f32);
    weightOf[k + 3] = rnd(n1 * e1, f32);
    if (backward) {
      partialOf[k] = e0;
      partialOf[k + 1] = e1;
      partialOf[k + 2] = n0;
      partialOf[k + 3] = n1;
      derivativeOf[2 * q] = dx;
      derivativeOf[2 * q + 1] = dy;
    }
  }
}

/** 3-d trilinear: the 8 corners (x fastest), each weighted by x's weight times y's times z's; backward: per corner and axis ±(the other two weights). */
function planTrilinear(grid: Floats, base: number, B: number, geo: Geometry, rule: GridSamplerRule, f32: boolean, backward: boolean): void {
  const [W, H, D] = geo.sizes as [number, number, number];
  for (let q = 0; q < B; q++) {
    const px = sourcePosition(grid[base + 3 * q]!, W, rule, false, f32), dx = lastDerivative[0]!;
    const py = sourcePosition(grid[base + 3 * q + 1]!, H, rule, false, f32), dy = lastDerivative[0]!;
    const pz = sourcePosition(grid[base + 3 * q + 2]!, D, rule, false, f32), dz = lastDerivative[0]!;
    // (3-d positions are finite: the kernel replaced the others by -100)
    const x0 = Math.floor(px), y0 = Math.floor(py), z0 = Math.floor(pz);
    const wx0 = rnd(rnd(x0 + 1, f32) - px, f32), wx1 = rnd(px - x0, f32);
    const wy0 = rnd(rnd(y0 + 1, f32) - py, f32), wy1 = rnd(py - y0, f32);
    const wz0 = rnd(rnd(z0 + 1, f32) - pz, f32), wz1 = rnd(pz - z0, f32);
    const at = (z0 * H + y0) * W + x0;
    for (let corner = 0; corner < 8; corner++) {
      const bx = corner & 1, by = (corner >> 1) & 1, bz = corner >> 2;
      const x = x0 + bx, y = y0 + by, z = z0 + bz;
      const k = 8 * q + corner;
      readAt[k] = x >= 0 && x < W && y >= 0 && y < H && z >= 0 && z < D ? at + (bz * H + by) * W + bx : -1;
      const a = bx ? wx1 : wx0, b = by ? wy1 : wy0, c = bz ? wz1 : wz0;
      weightOf[k] = rnd(rnd(a * b, f32) * c, f32);
      if (backward) {
        partialOf[3 * k] = (bx ? 1 : -1) * b * c;
        partialOf[3 * k + 1] = (by ? 1 : -1) * a * c;
        partialOf[3 * k + 2] = (bz ? 1 : -1) * a * b;
      }
    }
    if (backward) {
      derivativeOf[3 * q] = dx;
      derivativeOf[3 * q + 1] = dy;
      derivativeOf[3 * q + 2] = dz;
    }
  }
}

/** Bicubic: the 16 taps (x fastest); per point the x weights, the y weights and (backward) their derivatives by the fractions. */
function planBicubic(grid: Floats, base: number, B: number, geo: Geometry, rule: GridSamplerRule, f32: boolean, backward: boolean): void {
  const [W, H] = geo.sizes as [number, number];
  for (let q = 0; q < B; q++) {
    const o = 16 * q;
    for (let k = 0; k < 2; k++) {
      const size = k === 0 ? W : H;
      const pos = unnormalize(grid[base + 2 * q + k]!, size, rule.alignCorners, true, f32);
      if (backward) derivativeOf[2 * q + k] = lastDerivative[0]!;
      const f = Math.floor(pos), t = rnd(pos - f, f32);
      const t0 = rnd(t + 1, f32), t2 = rnd(1 - t, f32), t3 = rnd(2 - t, f32);
      weightOf[o + 4 * k] = far(t0, f32);
      weightOf[o + 4 * k + 1] = near(t, f32);
      weightOf[o + 4 * k + 2] = near(t2, f32);
      weightOf[o + 4 * k + 3] = far(t3, f32);
      if (backward) {
        weightOf[o + 8 + 4 * k] = farDerivative(t0);
        weightOf[o + 8 + 4 * k + 1] = nearDerivative(t);
        weightOf[o + 8 + 4 * k + 2] = -nearDerivative(t2);
        weightOf[o + 8 + 4 * k + 3] = -farDerivative(t3);
      }
      const taps = k === 0 ? tapsX : tapsY;
      for (let j = 0; j < 4; j++) taps[j] = tapPosition(f - 1 + j, size, rule);
    }
    for (let i = 0; i < 4; i++) {
      const y = tapsY[i]!;
      for (let j = 0; j < 4; j++) {
        const x = tapsX[j]!;
        readAt[o + i * 4 + j] = x >= 0 && x < W && y >= 0 && y < H ? y * W + x : -1;
      }
    }
  }
}

/** Where one call reads: the input and grid data with their offsets. */
interface Data {
  x: Floats;
  xo: number;
  grid: Floats;
  go: number;
}

/** The forward: out [N, C, P] from the input [N, C, S] at the grid's points, block by block. */
function forward(d: Data, out: Floats, geo: Geometry, rule: GridSamplerRule, f32: boolean): void {
  const { N, C, S, P } = geo, dims = geo.sizes.length;
  for (let n = 0; n < N; n++) {
    for (let p0 = 0; p0 < P; p0 += BLOCK) {
      const B = Math.min(BLOCK, P - p0), base = d.go + (n * P + p0) * dims;
      const xb = d.xo + n * C * S, ob = n * C * P + p0;
      if (rule.mode === "nearest") {
        planNearest(d.grid, base, B, geo, rule, f32);
        mixNearest(d.x, xb, out, ob, B, C, S, P);
      } else if (rule.mode === "bicubic") {
        planBicubic(d.grid, base, B, geo, rule, f32, false);
        mixBicubic(d.x, xb, out, ob, B, C, S, P);
      } else if (dims === 2) {
        planBilinear(d.grid, base, B, geo, rule, f32, false);
        mixBilinear(d.x, xb, out, ob, B, C, S, P);
      } else {
        planTrilinear(d.grid, base, B, geo, rule, f32, false);
        mixTrilinear(d.x, xb, out, ob, B, C, S, P);
      }
    }
  }
}

function mixNearest(x: Floats, xb: number, out: Floats, ob: number, B: number, C: number, S: number, P: number): void {
  const readAtL = readAt;
  for (let c = 0; c < C; c++, xb += S, ob += P) {
    for (let q = 0; q < B; q++) {
      const i = readAtL[q]!;
      out[ob + q] = i >= 0 ? x[xb + i]! : 0;
    }
  }
}

function mixBilinear(x: Floats, xb: number, out: Floats, ob: number, B: number, C: number, S: number, P: number): void {
  const readAtL = readAt, weightOfL = weightOf;
  for (let c = 0; c < C; c++, xb += S, ob += P) {
    for (let q = 0, k = 0; q < B; q++, k += 4) {
      // (a corner outside reads 0, which its weight still multiplies, as the 2-d kernel's masked loads)
      const i0 = readAtL[k]!, i1 = readAtL[k + 1]!, i2 = readAtL[k + 2]!, i3 = readAtL[k + 3]!;
      const v0 = i0 >= 0 ? x[xb + i0]! : 0, v1 = i1 >= 0 ? x[xb + i1]! : 0, v2 = i2 >= 0 ? x[xb + i2]! : 0, v3 = i3 >= 0 ? x[xb + i3]! : 0;
      out[ob + q] = v0 * weightOfL[k]! + v1 * weightOfL[k + 1]! + v2 * weightOfL[k + 2]! + v3 * weightOfL[k + 3]!;
    }
  }
}

function mixTrilinear(x: Floats, xb: number, out: Floats, ob: number, B: number, C: number, S: number, P: number): void {
  const readAtL = readAt, weightOfL = weightOf;
  for (let c = 0; c < C; c++, xb += S, ob += P) {
    for (let q = 0; q < B; q++) {
      // (the 3-d kernel skips the corners outside)
      let acc = 0;
      for (let k = 8 * q; k < 8 * q + 8; k++) {
        const i = readAtL[k]!;
        if (i >= 0) acc += x[xb + i]! * weightOfL[k]!;
      }
      out[ob + q] = acc;
    }
  }
}

function mixBicubic(x: Floats, xb: number, out: Floats, ob: number, B: number, C: number, S: number, P: number): void {
  const readAtL = readAt, weightOfL = weightOf;
  for (let c = 0; c < C; c++, xb += S, ob += P) {
    for (let q = 0; q < B; q++) {
      // along x, then along y (the 4 taps of a row unrolled)
      const o = 16 * q;
      const w0 = weightOfL[o]!, w1 = weightOfL[o + 1]!, w2 = weightOfL[o + 2]!, w3 = weightOfL[o + 3]!;
      let acc = 0;
      for (let r = 0, k = o; r < 4; r++, k += 4) {
        const i0 = readAtL[k]!, i1 = readAtL[k + 1]!, i2 = readAtL[k + 2]!, i3 = readAtL[k + 3]!;
        const row = w0 * (i0 >= 0 ? x[xb + i0]! : 0) + w1 * (i1 >= 0 ? x[xb + i1]! : 0) + w2 * (i2 >= 0 ? x[xb + i2]! : 0) + w3 * (i3 >= 0 ? x[xb + i3]! : 0);
        acc += weightOfL[o + 4 + r]! * row;
      }
      out[ob + q] = acc;
    }
  }
}

/** What the backward reads and writes: the output gradient, and the input's and the grid's gradients (null where not needed). */
interface Gradients {
  g: Floats;
  gOff: number;
  gx: Floats | null;
  gg: Floats | null;
}

/** The backward, block by block: the input's gradient added into gx, the grid's written into gg. */
function backward(d: Data, gr: Gradients, geo: Geometry, rule: GridSamplerRule, f32: boolean): void {
  const { N, C, S, P } = geo, dims = geo.sizes.length, { gg } = gr;
  const nearest = rule.mode === "nearest";
  // nearest: the grid's gradient is 0
  if (nearest && gg !== null) gg.fill(0);
  for (let n = 0; n < N; n++) {
    for (let p0 = 0; p0 < P; p0 += BLOCK) {
      const B = Math.min(BLOCK, P - p0), base = d.go + (n * P + p0) * dims;
      const xb = d.xo + n * C * S, gb = gr.gOff + n * C * P + p0, ib = n * C * S;
      const withGrid = gg !== null && !nearest;
      if (dims === 3) markSkipped(d.grid, base, B, rule.padding === "reflection");
      if (withGrid) gradientOf.fill(0, 0, B * dims);
      if (nearest) {
        if (gr.gx === null) continue;
        planNearest(d.grid, base, B, geo, rule, f32);
        if (dims === 3) for (let q = 0; q < B; q++) if (skip[q] === 1) readAt[q] = -1;
        scatterNearest(gr.g, gb, gr.gx, ib, B, C, S, P);
      } else if (rule.mode === "bicubic") {
        planBicubic(d.grid, base, B, geo, rule, f32, true);
        backBicubic(d.x, xb, gr.g, gb, gr.gx, ib, B, C, S, P, withGrid);
      } else if (dims === 2) {
        planBilinear(d.grid, base, B, geo, rule, f32, true);
        backBilinear(d.x, xb, gr.g, gb, gr.gx, ib, B, C, S, P, withGrid);
      } else {
        planTrilinear(d.grid, base, B, geo, rule, f32, true);
        backTrilinear(d.x, xb, gr.g, gb, gr.gx, ib, B, C, S, P, withGrid);
      }
      if (withGrid) {
        const o = (n * P + p0) * dims;
        for (let j = 0; j < B * dims; j++) {
          const derivative = derivativeOf[j]!;
          // (a masked position passes no gradient, not even a NaN one; nor does a skipped point)
          gg[o + j] = derivative === 0 || (dims === 3 && skip[(j / 3) | 0] === 1) ? 0 : gradientOf[j]! * derivative;
        }
      }
    }
  }
}

function scatterNearest(g: Floats, gb: number, gx: Floats, ib: number, B: number, C: number, S: number, P: number): void {
  const readAtL = readAt;
  for (let c = 0; c < C; c++, gb += P, ib += S) {
    for (let q = 0; q < B; q++) {
      const i = readAtL[q]!;
      if (i >= 0) gx[ib + i] = gx[ib + i]! + g[gb + q]!;
    }
  }
}

function backBilinear(x: Floats, xb: number, g: Floats, gb: number, gx: Floats | null, ib: number, B: number, C: number, S: number, P: number, withGrid: boolean): void {
  const readAtL = readAt, weightOfL = weightOf, partialOfL = partialOf, gradientOfL = gradientOf;
  for (let c = 0; c < C; c++, xb += S, gb += P, ib += S) {
    for (let q = 0, k = 0; q < B; q++, k += 4) {
      const gv = g[gb + q]!;
      const i0 = readAtL[k]!, i1 = readAtL[k + 1]!, i2 = readAtL[k + 2]!, i3 = readAtL[k + 3]!;
      if (gx !== null) {
        if (i0 >= 0) gx[ib + i0] = gx[ib + i0]! + gv * weightOfL[k]!;
        if (i1 >= 0) gx[ib + i1] = gx[ib + i1]! + gv * weightOfL[k + 1]!;
        if (i2 >= 0) gx[ib + i2] = gx[ib + i2]! + gv * weightOfL[k + 2]!;
        if (i3 >= 0) gx[ib + i3] = gx[ib + i3]! + gv * weightOfL[k + 3]!;
      }
      if (withGrid) {
        // d(out)/dx: the x-differences along each row, weighted by the row's y weight (and so for y)
        const v0 = i0 >= 0 ? x[xb + i0]! : 0, v1 = i1 >= 0 ? x[xb + i1]! : 0, v2 = i2 >= 0 ? x[xb + i2]! : 0, v3 = i3 >= 0 ? x[xb + i3]! : 0;
        gradientOfL[2 * q] = gradientOfL[2 * q]! + gv * ((v1 - v0) * partialOfL[k + 2]! + (v3 - v2) * partialOfL[k + 3]!);
        gradientOfL[2 * q + 1] = gradientOfL[2 * q + 1]! + gv * ((v2 - v0) * partialOfL[k]! + (v3 - v1) * partialOfL[k + 1]!);
      }
    }
  }
}

function backTrilinear(x: Floats, xb: number, g: Floats, gb: number, gx: Floats | null, ib: number, B: number, C: number, S: number, P: number, withGrid: boolean): void {
  const readAtL = readAt, weightOfL = weightOf, partialOfL = partialOf, gradientOfL = gradientOf, skipL = skip;
  for (let c = 0; c < C; c++, xb += S, gb += P, ib += S) {
    for (let q = 0; q < B; q++) {
      if (skipL[q] === 1) continue;
      const gv = g[gb + q]!;
      let gpx = 0, gpy = 0, gpz = 0;
      for (let k = 8 * q; k < 8 * q + 8; k++) {
        const i = readAtL[k]!;
        if (i < 0) continue;
        if (gx !== null) gx[ib + i] = gx[ib + i]! + gv * weightOfL[k]!;
        if (withGrid) {
          const gw = gv * x[xb + i]!;
          gpx += gw * partialOfL[3 * k]!;
          gpy += gw * partialOfL[3 * k + 1]!;
          gpz += gw * partialOfL[3 * k + 2]!;
        }
      }
      if (withGrid) {
        gradientOfL[3 * q] = gradientOfL[3 * q]! + gpx;
        gradientOfL[3 * q + 1] = gradientOfL[3 * q + 1]! + gpy;
        gradientOfL[3 * q + 2] = gradientOfL[3 * q + 2]! + gpz;
      }
    }
  }
}

function backBicubic(x: Floats, xb: number, g: Floats, gb: number, gx: Floats | null, ib: number, B: number, C: number, S: number, P: number, withGrid: boolean): void {
  const readAtL = readAt, weightOfL = weightOf, gradientOfL = gradientOf;
  for (let c = 0; c < C; c++, xb += S, gb += P, ib += S) {
    for (let q = 0; q < B; q++) {
      const gv = g[gb + q]!, o = 16 * q;
      const w0 = weightOfL[o]!, w1 = weightOfL[o + 1]!, w2 = weightOfL[o + 2]!, w3 = weightOfL[o + 3]!;
      if (gx !== null) {
        // each tap gets g times its y weight times its x weight
        for (let r = 0, k = o; r < 4; r++, k += 4) {
          const grow = gv * weightOfL[o + 4 + r]!;
          const i0 = readAtL[k]!, i1 = readAtL[k + 1]!, i2 = readAtL[k + 2]!, i3 = readAtL[k + 3]!;
          if (i0 >= 0) gx[ib + i0] = gx[ib + i0]! + grow * w0;
          if (i1 >= 0) gx[ib + i1] = gx[ib + i1]! + grow * w1;
          if (i2 >= 0) gx[ib + i2] = gx[ib + i2]! + grow * w2;
          if (i3 >= 0) gx[ib + i3] = gx[ib + i3]! + grow * w3;
        }
      }
      if (withGrid) {
        // d/dtx: each row mixed with the x weights' derivatives, then the y weights; d/dty: the rows mixed as in the forward, then the y weights' derivatives
        // (a tap outside reads 0, which its weights still multiply: a NaN weight gives a NaN gradient, as PyTorch's)
        const d0 = weightOfL[o + 8]!, d1 = weightOfL[o + 9]!, d2 = weightOfL[o + 10]!, d3 = weightOfL[o + 11]!;
        let gtx = 0, gty = 0;
        for (let r = 0, k = o; r < 4; r++, k += 4) {
          const i0 = readAtL[k]!, i1 = readAtL[k + 1]!, i2 = readAtL[k + 2]!, i3 = readAtL[k + 3]!;
          const v0 = i0 >= 0 ? x[xb + i0]! : 0, v1 = i1 >= 0 ? x[xb + i1]! : 0, v2 = i2 >= 0 ? x[xb + i2]! : 0, v3 = i3 >= 0 ? x[xb + i3]! : 0;
          gtx += weightOfL[o + 4 + r]! * (d0 * v0 + d1 * v1 + d2 * v2 + d3 * v3);
          gty += weightOfL[o + 12 + r]! * (w0 * v0 + w1 * v1 + w2 * v2 + w3 * v3);
        }
        gradientOfL[2 * q] = gradientOfL[2 * q]! + gv * gtx;
        gradientOfL[2 * q + 1] = gradientOfL[2 * q + 1]! + gv * gty;
      }
    }
  }
}

function geometry(input: Tensor, grid: Tensor): Geometry {
  const dims = input.dim() - 2;
  const [N, C] = input.shape as [number, number];
  const sizes = Array.from({ length: dims }, (_, k) => input.shape[input.dim() - 1 - k]!);
  const P = grid.shape.slice(1, -1).reduce((a, b) => a * b, 1);
  return { N, C, sizes, S: sizes.reduce((a, b) => a * b, 1), P, vectorized: dims === 2 };
}

/**
 * `input` [N, C, H, W] (or [N, C, D, H, W]) sampled at `grid` [N, ..., 2]
 * (or 3), checked by the caller: output [N, C, ...] with the grid's
 * spatial dims. `composed(input, grid)` is the same op in differentiable
 * tensor ops (any shape of as many elements), whose gradient a backward that
 * builds a graph uses.
 *
 * @example
 * const y = gridSampler(x, grid, { mode: "bilinear", padding: "zeros", alignCorners: false }, (a, g) => composedGridSample(a, g, "bilinear", "zeros", false));
 */
export function gridSampler(input: Tensor, grid: Tensor, rule: GridSamplerRule, composed: (input: Tensor, grid: Tensor) => Tensor): Tensor {
  const geo = geometry(input, grid);
  const f32 = input.dtype === "float32";
  const out = emptyUninitialized([geo.N, geo.C, ...grid.shape.slice(1, -1)], input.dtype);
  const x = contiguousData(input), gr = contiguousData(grid);
  // a backend with its own kernel (the native one, multi-threaded) computes the same values
  if (kernels().gridSample?.(out, x, gr, rule.mode, rule.padding, rule.alignCorners) !== true)
    forward({ x: x.data as Floats, xo: x.offset, grid: gr.data as Floats, go: gr.offset }, out.data as Floats, geo, rule, f32);
  if (needsGrad(input, grid)) {
    const needs = [input._requiresGrad, grid._requiresGrad];
    record(geo.vectorized ? "GridSampler2DBackward0" : "GridSampler3DBackward0", [input, grid], out, ([g], [xs, gs]) => {
      const go = g!, xt = xs!, gt = gs!;
      // building a graph (double backward): the composed form's gradient, whose ops are differentiable again
      if (isRecording() && (go.requiresGrad || xt.requiresGrad || gt.requiresGrad)) {
        const targets = [needs[0] ? xt : null, needs[1] ? gt : null];
        const present = targets.filter((t): t is Tensor => t !== null);
        const grads = autogradGrad([reshape(composed(xt, gt), go.shape)], present, { gradOutputs: [go], createGraph: true, allowUnused: true });
        let j = 0;
        return targets.map((t) => (t === null ? null : grads[j++] ?? null));
      }
      const gc = contiguousData(go), xc = contiguousData(xt), gridc = contiguousData(gt);
      const gx = needs[0] ? empty(xt.shape, xt.dtype) : null;
      const gg = needs[1] ? empty(gt.shape, gt.dtype) : null;
      if (kernels().gridSampleBackward?.(gx, gg, gc, xc, gridc, rule.mode, rule.padding, rule.alignCorners) !== true) {
        backward({ x: xc.data as Floats, xo: xc.offset, grid: gridc.data as Floats, go: gridc.offset },
          { g: gc.data as Floats, gOff: gc.offset, gx: gx === null ? null : (gx.data as Floats), gg: gg === null ? null : (gg.data as Floats) }, geo, rule, f32);
      }
      return [gx, gg];
    }, [input, grid]);
  }
  return out;
}
