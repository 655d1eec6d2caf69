import {
  type Backend, type Conv2dGeometry, type Conv3dGeometry, type GridSampleMode, type GridSamplePadding, isComparison, type NonzeroLayout, type Strided, type UnaryOp,
} from "../backend.js";
import { allocate } from "../../tensor/dtype.js";
import { hasRepeatedElements, numel } from "../../tensor/layout.js";
import { referenceBackend as ref } from "../reference/index.js";
import { conv2dByColumns } from "../reference/conv-by-columns.js";
import type { NativeAddon } from "./addon.js";

/*
 * Calls into C cost a fixed ~0.5 µs (argument packing and checking), so small
 * work stays in JS (the reference backend); so do dtype combinations and
 * layouts the addon does not take. Thresholds count elements (matmul:
 * multiply-adds) and were measured on a 2-core AVX-512 machine: below them
 * the two paths cost about the same.
 */
export const THRESHOLDS = {
  /** cheap elementwise ops: copy, fill, add, relu, clamp, where, ... */
  elementwise: 512,
  /** transcendental unary ops (exp, log, tanh, sigmoid, sin, erf, ...) */
  transcendental: 128,
  reduce: 512,
  softmax: 256,
  /** batch * M * N * K */
  matmul: 1024,
  index: 512,
  im2col: 512,
  /** elements of a sort or topk (the core's comparator sort costs ~100 ns per element) */
  sort: 64,
} as const;

const MAX_DIMS = 16;
const CHEAP_UNARY = new Set<UnaryOp>(["neg", "abs", "relu", "sign", "floor", "ceil", "round", "trunc", "not", "isnan"]);


function isFloat(t: Strided): boolean {
  return t.data instanceof Float32Array || t.data instanceof Float64Array;
}

function sameType(a: Strided, b: Strided): boolean {
  return a.data.constructor === b.data.constructor;
}

/** Work worth sending to C, with an output C may write in any order. */
function big(out: Strided, n: number, min: number): boolean {
  return n >= min && out.shape.length <= MAX_DIMS && !hasRepeatedElements(out);
}

export function makeNativeBackend(c: NativeAddon): Backend {
  const code = (names: readonly string[]) => new Map(names.map((name, i) => [name, i]));
  const unaryCode = code(c.unaryOps), binaryCode = code(c.binaryOps), reduceCode = code(c.reduceOps);
  const kernel = code(c.kernels);
  // (native/activations.c's tl_activation_names, in its order)
  const activationCode = code(["leakyRelu", "hardtanh", "threshold", "hardsigmoid", "hardswish"]), activationKernel = kernel.get("activation");
  const id = (name: string): number => {
    const k = kernel.get(name);
    if (k === undefined) throw new Error(`torchlet native: the addon has no kernel ${name}; rebuild it`);
    return k;
  };
  const K = {
    copy: id("copy"), fill: id("fill"), unary: id("unary"), binary: id("binary"), clamp: id("clamp"),
    where: id("where"), reduce: id("reduce"), argReduce: id("argReduce"), softmax: id("softmax"),
    matmul: id("matmul"), gather: id("gather"), scatterAdd: id("scatterAdd"), indexSelect: id("indexSelect"),
    indexAdd: id("indexAdd"), im2col: id("im2col"), col2im: id("col2im"), conv2d: id("conv2d"), maxPool2d: id("maxPool2d"),
    maxPool2dBackward: id("maxPool2dBackward"),
  };

  // The packed argument block: [nscalars, scalars..., nops, operands...] (see addon.ts).
  const meta = new Float64Array(256);
  let at = 0;
  const scalars = (...xs: number[]): void => {
    meta[0] = xs.length;
    at = 1;
    for (const x of xs) meta[at++] = x;
  };
  const operands = (...ts: (Strided | null)[]): void => {
    meta[at++] = ts.length;
    for (const t of ts) {
      if (t === null) {
        meta[at++] = -1;
        continue;
      }
      const { shape, strides } = t, n = shape.length;
      meta[at++] = n;
      for (let i = 0; i < n; i++) meta[at++] = shape[i]!;
      for (let i = 0; i < n; i++) meta[at++] = strides[i]!;
      meta[at++] = t.offset;
    }
  };
  const geometry = (g: Conv2dGeometry): number[] => [
    g.kernel[0], g.kernel[1], g.stride[0], g.stride[1], g.padding[0], g.padding[1], g.dilation[0], g.dilation[1],
  ];

  const geometry3 = (g: Conv3dGeometry): number[] => [...g.kernel, ...g.stride, ...g.padding, ...g.dilation];

  const layoutCode: Record<NonzeroLayout, number> = { rows: 0, columns: 1, flat: 2 };
  const modeCode: Record<GridSampleMode, number> = { bilinear: 0, nearest: 1, bicubic: 2 };
  const paddingCode: Record<GridSamplePadding, number> = { zeros: 0, border: 1, reflection: 2 };

  const backend: Backend = {
    name: "native",

    copy(out, a) {
      if (!big(out, numel(out.shape), THRESHOLDS.elementwise)) return ref.copy(out, a);
      scalars();
      operands(out, a);
      c.call(K.copy, meta, out.data, a.data);
    },

    fill(out, value) {
      if (!big(out, numel(out.shape), THRESHOLDS.elementwise)) return ref.fill(out, value);
      scalars(value);
      operands(out);
      c.call(K.fill, meta, out.data);
    },

    unary(op, out, a) {
      const n = numel(out.shape);
      // size first: small ops (the common case for tiny tensors) skip the lookups below
      if (n < THRESHOLDS.transcendental) return ref.unary(op, out, a);
      const opc = unaryCode.get(op);
      const min = CHEAP_UNARY.has(op) ? THRESHOLDS.elementwise : THRESHOLDS.transcendental;
      const typesOk = op === "not" || op === "isnan" ? out.data instanceof Uint8Array : sameType(out, a);
      if (opc === undefined || !typesOk || !big(out, n, min)) return ref.unary(op, out, a);
      scalars(opc);
      operands(out, a);
      c.call(K.unary, meta, out.data, a.data);
    },

    binary(op, out, a, b) {
      const n = numel(out.shape);
      if (n < THRESHOLDS.elementwise) return ref.binary(op, out, a, b);
      const opc = binaryCode.get(op);
      const typesOk = sameType(a, b) && (isComparison(op) ? out.data instanceof Uint8Array : sameType(out, a));
      if (opc === undefined || !typesOk || !big(out, n, THRESHOLDS.elementwise)) return ref.binary(op, out, a, b);
      scalars(opc);
      operands(out, a, b);
      c.call(K.binary, meta, out.data, a.data, b.data);
    },

    clamp(out, a, lo, hi) {
      if (!sameType(out, a) || !big(out, numel(out.shape), THRESHOLDS.elementwise)) return ref.clamp(out, a, lo, hi);
      scalars(lo, hi);
      operands(out, a);
      c.call(K.clamp, meta, out.data, a.data);
    },

    reduce(op, out, a, axes) {
      const opc = reduceCode.get(op);
      if (opc === undefined || a.shape.length > MAX_DIMS || hasRepeatedElements(out) || numel(a.shape) < THRESHOLDS.reduce)
        return ref.reduce(op, out, a, axes);
      scalars(opc, ...axes);
      operands(out, a);
      c.call(K.reduce, meta, out.data, a.data);
    },

    argReduce(op, values, indices, a, axis) {
      const ok = indices.data instanceof Int32Array && (values === null || (sameType(values, a) && !hasRepeatedElements(values)));
      if (!ok || a.shape.length > MAX_DIMS || hasRepeatedElements(indices) || numel(a.shape) < THRESHOLDS.reduce)
        return ref.argReduce(op, values, indices, a, axis);
      scalars(op === "max" ? 0 : 1, axis);
      operands(values, indices, a);
      c.call(K.argReduce, meta, values?.data ?? null, indices.data, a.data);
    },

    matmul(out, a, b) {
      const work = numel(a.shape) * (b.shape[2] ?? 0);
      if (!isFloat(a) || !sameType(a, b) || !sameType(out, a) || !big(out, work, THRESHOLDS.matmul))
        return ref.matmul(out, a, b);
      scalars();
      operands(out, a, b);
      c.call(K.matmul, meta, out.data, a.data, b.data);
    },

    where(out, cond, a, b) {
      const ok = cond.data instanceof Uint8Array && sameType(out, a) && sameType(out, b);
      if (!ok || !big(out, numel(out.shape), THRESHOLDS.elementwise)) return ref.where(out, cond, a, b);
      scalars();
      operands(out, cond, a, b);
      c.call(K.where, meta, out.data, cond.data, a.data, b.data);
    },

    gather(out, a, axis, index) {
      if (!sameType(out, a) || !(index.data instanceof Int32Array) || !big(out, numel(out.shape), THRESHOLDS.index))
        return ref.gather(out, a, axis, index);
      scalars(axis);
      operands(out, a, index);
      c.call(K.gather, meta, out.data, a.data, index.data);
    },

    scatterAdd(out, axis, index, src) {
      if (!sameType(out, src) || !(index.data instanceof Int32Array) || !big(out, numel(src.shape), THRESHOLDS.index))
        return ref.scatterAdd(out, axis, index, src);
      scalars(axis);
      operands(out, index, src);
      c.call(K.scatterAdd, meta, out.data, index.data, src.data);
    },

    indexSelect(out, a, axis, index) {
      if (!sameType(out, a) || !(index.data instanceof Int32Array) || !big(out, numel(out.shape), THRESHOLDS.index))
        return ref.indexSelect(out, a, axis, index);
      scalars(axis);
      operands(out, a, index);
      c.call(K.indexSelect, meta, out.data, a.data, index.data);
    },

    indexAdd(out, axis, index, src) {
      if (!sameType(out, src) || !(index.data instanceof Int32Array) || !big(out, numel(src.shape), THRESHOLDS.index))
        return ref.indexAdd(out, axis, index, src);
      scalars(axis);
      operands(out, index, src);
      c.call(K.indexAdd, meta, out.data, index.data, src.data);
    },

    indexCopy(out, axis, index, src) {
      // an older build of the addon lacks it: the reference kernel then
      const ok = typeof c.indexCopy === "function" && sameType(out, src) && index.data instanceof Int32Array;
      if (!ok || !big(out, numel(src.shape), THRESHOLDS.index) || src.shape.length > MAX_DIMS) return ref.indexCopy(out, axis, index, src);
      c.indexCopy(out, axis, index, src);
    },

    nonzero(a, layout) {
      // an older build of the addon lacks it: the core's loop then
      const n = numel(a.shape), nd = a.shape.length;
      if (typeof c.nonzeroCount !== "function" || typeof c.nonzero !== "function" || nd === 0 || nd > MAX_DIMS || n < THRESHOLDS.index) return null;
      const count = c.nonzeroCount(a);
      // every element is written by the second call
      const out = allocate("int32", layout === "flat" ? count : count * nd, true) as Int32Array;
      c.nonzero({ data: out, shape: [out.length], strides: [1], offset: 0 }, a, layoutCode[layout]);
      return out;
    },

    gridSample(out, x, grid, mode, padding, alignCorners) {
      // an older build of the addon lacks it: the core's loops then
      if (typeof c.gridSample !== "function" || !isFloat(x) || !sameType(grid, x) || !sameType(out, x) || numel(out.shape) < THRESHOLDS.index) return false;
      c.gridSample(out, x, grid, modeCode[mode], paddingCode[padding], alignCorners ? 1 : 0);
      return true;
    },

    // 3-d kernels (an older build of the addon lacks them: the core's loops then)
    vol2col(out, x, g) {
      if (typeof c.vol2col !== "function" || !isFloat(x) || !sameType(out, x)) return false;
      c.vol2col(out, x, geometry3(g));
      return true;
    },

    col2vol(out, cols, g) {
      if (typeof c.col2vol !== "function" || !isFloat(cols) || !sameType(out, cols)) return false;
      c.col2vol(out, cols, geometry3(g));
      return true;
    },

    conv3d(out, x, weight, bias, g, groups) {
      const ok = isFloat(x) && sameType(weight, x) && sameType(out, x) && (bias === null || sameType(bias, x));
      if (typeof c.conv3d !== "function" || !ok) return false;
      c.conv3d(out, x, weight, bias, geometry3(g), groups);
      return true;
    },

    conv3dBackwardInput(gx, gout, weight, g, groups) {
      const ok = isFloat(gout) && sameType(gx, gout) && sameType(weight, gout);
      if (typeof c.conv3dBackwardInput !== "function" || !ok) return false;
      c.conv3dBackwardInput(gx, gout, weight, geometry3(g), groups);
      return true;
    },

    conv3dBackwardWeight(gw, gout, x, g, groups) {
      const ok = isFloat(gout) && sameType(gw, gout) && sameType(x, gout);
      if (typeof c.conv3dBackwardWeight !== "function" || !ok) return false;
      c.conv3dBackwardWeight(gw, gout, x, geometry3(g), groups);
      return true;
    },

    maxPool3d(out, x, g, indices) {
      const ok = isFloat(x) && sameType(out, x) && (indices === null || indices.data instanceof Int32Array);
      if (typeof c.maxPool3d !== "function" || !ok) return false;
      c.maxPool3d(out, x, indices, geometry3(g));
      return true;
    },

    upsampleTrilinear(out, x, scales, alignCorners) {
      if (typeof c.upsampleTrilinear !== "function" || !isFloat(x) || !sameType(out, x)) return false;
      c.upsampleTrilinear(out, x, scales, alignCorners ? 1 : 0);
      return true;
    },

    upsampleTrilinearBackward(gx, g, scales, alignCorners) {
      if (typeof c.upsampleTrilinearBackward !== "function" || !isFloat(g) || !sameType(gx, g)) return false;
      c.upsampleTrilinearBackward(gx, g, scales, alignCorners ? 1 : 0);
      return true;
    },

    adaptiveAvgPool3d(out, x) {
      if (typeof c.adaptiveAvgPool3d !== "function" || !isFloat(x) || !sameType(out, x)) return false;
      c.adaptiveAvgPool3d(out, x);
      return true;
    },

    adaptiveAvgPool3dBackward(gx, g) {
      if (typeof c.adaptiveAvgPool3dBackward !== "function" || !isFloat(g) || !sameType(gx, g)) return false;
      c.adaptiveAvgPool3dBackward(gx, g);
      return true;
    },

    adaptiveMaxPool3d(values, indices, x) {
      if (typeof c.adaptiveMaxPool3d !== "function" || !isFloat(x) || !sameType(values, x) || !(indices.data instanceof Int32Array)) return false;
      c.adaptiveMaxPool3d(values, indices, x);
      return true;
    },

    maxUnpool3d(out, x, indices) {
      if (typeof c.maxUnpool3d !== "function" || !isFloat(x) || !sameType(out, x) || !(indices.data instanceof Int32Array)) return false;
      return c.maxUnpool3d(out, x, indices);
    },

    maxUnpool3dBackward(gx, g, indices) {
      if (typeof c.maxUnpool3dBackward !== "function" || !isFloat(g) || !sameType(gx, g) || !(indices.data instanceof Int32Array)) return false;
      c.maxUnpool3dBackward(gx, g, indices);
      return true;
    },

    ctcLossForward(nll, alpha, lp, labels, targetLengths, inputLengths, blank) {
      if (typeof c.ctcLossForward !== "function" || !isFloat(lp) || !sameType(nll, lp)) return false;
      c.ctcLossForward(nll, alpha, lp, labels, targetLengths, inputLengths, blank);
      return true;
    },

    ctcLossBackward(grad, g, lp, alpha, nll, labels, targetLengths, inputLengths, blank, zeroInfinity) {
      if (typeof c.ctcLossBackward !== "function" || !isFloat(lp) || !sameType(grad, lp) || !sameType(g, lp) || !sameType(nll, lp)) return false;
      c.ctcLossBackward(grad, g, lp, alpha, nll, labels, targetLengths, inputLengths, blank, zeroInfinity ? 1 : 0);
      return true;
    },

    avgPool3d(out, x, g, divisors) {
      if (typeof c.avgPool3d !== "function" || !isFloat(x) || !sameType(out, x)) return false;
      c.avgPool3d(out, x, geometry3(g), divisors);
      return true;
    },

    avgPool3dBackward(gx, g, geometry, divisors) {
      if (typeof c.avgPool3dBackward !== "function" || !isFloat(g) || !sameType(gx, g)) return false;
      c.avgPool3dBackward(gx, g, geometry3(geometry), divisors);
      return true;
    },

    mtWords(mt, mti, out, count) {
      return typeof c.mtWords === "function" ? c.mtWords(mt, mti, out, count) : null;
    },

    activation(op, out, a, p0, p1) {
      const opc = activationCode.get(op), n = numel(out.shape);
      if (activationKernel === undefined || opc === undefined || !isFloat(a) || !sameType(out, a) || !big(out, n, THRESHOLDS.elementwise)) return false;
      scalars(opc, p0, p1);
      operands(out, a);
      c.call(activationKernel, meta, out.data, a.data);
      return true;
    },

    layerNorm(out, x, w, b, mean, rstd, M, N, eps) {
      if (typeof c.layerNorm !== "function" || M * N < THRESHOLDS.elementwise) return false;
      c.layerNorm(out, x, w, b, mean, rstd, M, N, eps);
      return true;
    },

    layerNormBackward(gx, gw, gb, g, x, w, mean, rstd, M, N) {
      if (typeof c.layerNormBackward !== "function" || M * N < THRESHOLDS.elementwise) return false;
      c.layerNormBackward(gx, gw, gb, g, x, w, mean, rstd, M, N);
      return true;
    },

    batchNorm(out, x, w, b, mean, rstd, variance, N, C, S, eps, training) {
      if (typeof c.batchNorm !== "function" || N * C * S < THRESHOLDS.elementwise) return false;
      c.batchNorm(out, x, w, b, mean, rstd, variance, N, C, S, eps, training);
      return true;
    },

    batchNormBackward(gx, gw, gb, g, x, w, mean, rstd, N, C, S, training) {
      if (typeof c.batchNormBackward !== "function" || N * C * S < THRESHOLDS.elementwise) return false;
      c.batchNormBackward(gx, gw, gb, g, x, w, mean, rstd, N, C, S, training);
      return true;
    },

    sortIndices(out, a, dim, descending) {
      // an older build of the addon lacks it: the core's comparator sort then
      if (typeof c.sortIndices !== "function" || !(out.data instanceof Int32Array) || a.shape.length > MAX_DIMS || numel(a.shape) < THRESHOLDS.sort) return false;
      c.sortIndices(out, a, dim, descending ? 1 : 0);
      return true;
    },

    scan(out, a, dim, op) {
      // an older build of the addon lacks it: the core's loop then
      if (typeof c.scan !== "function" || a.shape.length === 0 || a.shape.length > MAX_DIMS || numel(a.shape) < THRESHOLDS.elementwise) return false;
      c.scan(out, a, dim, op === "prod" ? 1 : 0);
      return true;
    },

    softmaxBackward(gx, g, y, rows, n, log) {
      if (typeof c.softmaxBackward !== "function" || rows * n < THRESHOLDS.elementwise) return false;
      c.softmaxBackward(gx, g, y, rows, n, log);
      return true;
    },

    boxMuller16(values, mean, std) {
      if (typeof c.boxMuller16 !== "function") return false;
      c.boxMuller16(values, mean, std);
      return true;
    },

    gridSampleBackward(gx, gg, g, x, grid, mode, padding, alignCorners) {
      const typesOk = isFloat(x) && sameType(grid, x) && sameType(g, x) && (gx === null || sameType(gx, x)) && (gg === null || sameType(gg, x));
      if (typeof c.gridSampleBackward !== "function" || !typesOk || numel(g.shape) < THRESHOLDS.index) return false;
      c.gridSampleBackward(gx, gg, g, x, grid, modeCode[mode], paddingCode[padding], alignCorners ? 1 : 0);
      return true;
    },

    maskedFill(out, mask, value) {
      // an older build of the addon lacks it: the core's where then
      if (typeof c.maskedFill !== "function" || !(mask.data instanceof Uint8Array) || !big(out, numel(out.shape), THRESHOLDS.elementwise)) return false;
      c.maskedFill(out, mask, value);
      return true;
    },

    indexOffsets(out, sources, sizes, strides) {
      if (typeof c.indexOffsets !== "function" || out.length < THRESHOLDS.index || sources.length > MAX_DIMS) return null;
      return c.indexOffsets({ data: out, shape: [out.length], strides: [1], offset: 0 }, sources, sizes, strides);
    },

    fractionalMaxPool2d(values, indices, x, startsH, startsW, kH, kW) {
      const ok = isFloat(x) && sameType(values, x) && indices.data instanceof Int32Array;
      if (typeof c.fractionalMaxPool2d !== "function" || !ok || numel(x.shape) < THRESHOLDS.reduce) return false;
      c.fractionalMaxPool2d(values, indices, x, startsH, startsW, kH, kW);
      return true;
    },

    softmax(out, a, log) {
      if (!isFloat(a) || !sameType(out, a) || !big(out, numel(a.shape), THRESHOLDS.softmax))
        return ref.softmax(out, a, log);
      scalars(log ? 1 : 0);
      operands(out, a);
      c.call(K.softmax, meta, out.data, a.data);
    },

    im2col(out, a, g, padValue) {
      if (!sameType(out, a) || !big(out, numel(out.shape), THRESHOLDS.im2col)) return ref.im2col(out, a, g, padValue);
      scalars(...geometry(g), padValue);
      operands(out, a);
      c.call(K.im2col, meta, out.data, a.data);
    },

    col2im(out, cols, g) {
      if (!sameType(out, cols) || !big(out, numel(cols.shape), THRESHOLDS.im2col)) return ref.col2im(out, cols, g);
      scalars(...geometry(g));
      operands(out, cols);
      c.call(K.col2im, meta, out.data, cols.data);
    },

    conv2d(out, x, weight, bias, g) {
      const [O = 0] = weight.shape;
      const work = numel(out.shape) * (O > 0 ? numel(weight.shape) / O : 0); // multiply-adds
      const ok = isFloat(x) && sameType(weight, x) && sameType(out, x) && (bias === null || sameType(bias, x));
      if (!ok || work < THRESHOLDS.matmul) return ref.conv2d(out, x, weight, bias, g);
      // The C kernel computes each padded input row's width (over the stride) of positions for the
      // ow it keeps; when a wide window leaves few outputs per row, im2col + GEMM does less work.
      const rowWidth = Math.ceil((x.shape[3]! + 2 * g.padding[1]) / g.stride[1]);
      if (rowWidth > 2 * out.shape[3]! + 16) return conv2dByColumns(backend, out, x, weight, bias, g);
      scalars(...geometry(g));
      operands(out, x, weight, bias);
      c.call(K.conv2d, meta, out.data, x.data, weight.data, bias?.data ?? null);
    },

    maxPool2d(out, x, g, indices = null) {
      const ok = isFloat(x) && sameType(out, x) && (indices === null || indices.data instanceof Int32Array);
      if (!ok || !big(out, numel(x.shape), THRESHOLDS.reduce)) return ref.maxPool2d(out, x, g, indices);
      scalars(...geometry(g));
      operands(out, x, indices);
      c.call(K.maxPool2d, meta, out.data, x.data, indices?.data ?? null);
    },

    maxPool2dBackward(gradInput, grad, indices) {
      const ok = isFloat(grad) && sameType(gradInput, grad) && indices.data instanceof Int32Array;
      if (!ok || numel(grad.shape) < THRESHOLDS.index) return ref.maxPool2dBackward(gradInput, grad, indices);
      scalars();
      operands(gradInput, grad, indices);
      c.call(K.maxPool2dBackward, meta, gradInput.data, grad.data, indices.data);
    },
  };
  return backend;
}
