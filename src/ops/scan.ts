/**
 * Scans along a dim: `diff`, `cumsum` and `cumprod` (accumulated in double, as
 * PyTorch's CPU kernels do for float32, and rounded into the result's
 * dtype), `cummax` / `cummin` and `logcumsumexp`. Gradients are built from
 * differentiable ops so higher orders work.
 */
import { isRecording } from "../autograd/grad-mode.js";
import type { Tensor } from "../tensor/tensor.js";
import { forEachLine } from "../tensor/layout.js";
import { normalizeDim } from "../tensor/tensor.js";
import { castData, emptyUninitialized, kernels, needsGrad, record } from "./core.js";
import { abs, add, div, eq, exp, gt, log, lt, mul, ne, sub, where } from "./elementwise.js";
import { cat, flip, gather } from "./indexing.js";
import { narrow } from "./views.js";
import { sum, type ValuesIndices } from "./reduce.js";
import { namedTuple } from "./named-tuple.js";

/**
 * Running sums or products of `a` along `d` (no autograd), accumulated in
 * double and rounded into the result's dtype (int32 for bool) at each step.
 * A backend with its own scan (the native one: several lines at once, over
 * threads) does the same arithmetic instead.
 */
function runningOp(a: Tensor, d: number, op: "sum" | "prod"): Tensor {
  const dtype = a.dtype === "bool" ? "int32" : a.dtype;
  const out = emptyUninitialized(a.shape, dtype);
  if (kernels().scan?.(out, a, d, op)) return out;
  const src = castData(a, dtype); // contiguous, row-major
  const x = src.data, y = out.data;
  forEachLine(a.shape, d, (start, step, n) => {
    let acc = op === "sum" ? 0 : 1;
    if (op === "sum") {
      for (let k = 0, at = start; k < n; k++, at += step) {
        acc += x[at]!;
        y[at] = acc;
      }
    } else {
      for (let k = 0, at = start; k < n; k++, at += step) {
        acc *= x[at]!;
        y[at] = acc;
      }
    }
  });
  return out;
}

/**
 * Running sums along `dim` (bool input sums as int32).
 *
 * @example
 * torch.cumsum(torch.tensor([1, 2, 3]), 0); // [1, 3, 6]
 */
export function cumsum(a: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, a.shape.length, "cumsum", a.shape);
  const out = runningOp(a, d, "sum");
  if (needsGrad(a)) record("CumsumBackward0", [a], out, ([g]) => [flip(cumsum(flip(g!, [d]), d), [d])]);
  return out;
}

/** Running sums from the far end of `d`. */
const reverseCumsum = (t: Tensor, d: number) => flip(cumsum(flip(t, [d]), d), [d]);

/**
 * Running products along `dim`.
 *
 * @example
 * torch.cumprod(torch.tensor([1, 2, 3]), 0); // [1, 2, 6]
 */
export function cumprod(a: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, a.shape.length, "cumprod", a.shape);
  const out = runningOp(a, d, "prod");
  if (needsGrad(a)) {
    record("CumprodBackward0", [a], out, ([g], [xs, r]) => {
      // at most one element, or lines of one: cumprod is the identity, its gradient g itself (PyTorch's cumprod_backward,
      // which then makes no graph through x: the gradient of the gradient is not recorded)
      if (xs!.numel() <= 1 || xs!.shape[d] === 1) return [g!];
      // d out_k / d x_i = out_k / x_i: the suffix sums of g * out, over x
      if (!eq(xs!, 0).toArray().some((v) => v !== 0)) return [div(reverseCumsum(mul(g!, r!), d), xs!)];
      if (isRecording() && (g!.requiresGrad || xs!.requiresGrad)) return [cumprodGradComposed(g!, xs!, d)];
      return [cumprodGradWithZeros(g!, xs!, d)];
    }, [a, out]);
  }
  return out;
}

/**
 * cumprod's gradient with zeros in differentiable ops, for a gradient of the
 * gradient: grad_i = sum_{k >= i} g_k * prod_{j <= k, j != i} x_j, the last
 * product being the running product of x with x_i replaced by 1. One
 * cumprod per position along d, so only used while recording.
 */
function cumprodGradComposed(g: Tensor, x: Tensor, d: number): Tensor {
  if (x.dim() === 0) return g; // a 0-d cumprod is the identity
  const n = x.shape[d]!;
  const oneShape = x.shape.map((s, k) => (k === d ? 1 : s));
  const one = emptyUninitialized(oneShape, x.dtype);
  one.data.fill(1);
  const parts: Tensor[] = [];
  for (let i = 0; i < n; i++) {
    const pieces = [narrow(x, d, 0, i), one, narrow(x, d, i + 1, n - i - 1)].filter((t) => t.shape[d]! > 0);
    const products = cumprod(cat(pieces, d), d);
    parts.push(sum(narrow(mul(g, products), d, i, n - i), d, { keepdim: true }));
  }
  return cat(parts, d);
}

/**
 * cumprod's gradient when a line may hold zeros: before the line's first
 * zero z the suffix-sum formula holds; at z it is the product before z times
 * `sum_{k >= z} g_k * prod_{z < j <= k} x_j`; after z every term holds x_z = 0.
 */
function cumprodGradWithZeros(g: Tensor, x: Tensor, d: number): Tensor {
  const gs = castData(g, x.dtype).data, xs = castData(x, x.dtype).data;
  const out = emptyUninitialized(x.shape, x.dtype), o = out.data;
  forEachLine(x.shape, d, (start, step, n) => {
    const at = (k: number) => start + k * step;
    let z = 0;
    while (z < n && xs[at(z)] !== 0) z++;
    let before = 1;
    for (let k = 0; k < z; k++) before *= xs[at(k)]!;
    // suffix sums of g * out (out_k = 0 from z on)
    let suffix = 0, prefix = before;
    for (let k = n - 1; k >= 0; k--) {
      if (k < z) {
        suffix += gs[at(k)]! * prefix;
        o[at(k)] = suffix / xs[at(k)]!;
        prefix /= xs[at(k)]!;
      } else o[at(k)] = 0;
    }
    if (z < n) {
      let sum = gs[at(z)]!, run = 1;
      for (let k = z + 1; k < n; k++) {
        run *= xs[at(k)]!;
        sum += gs[at(k)]! * run;
      }
      o[at(z)] = before * sum;
    }
  });
  return out;
}

/** Running maxima (or minima) along `dim` and where each was taken; a NaN, once met, stays (at the latest NaN's index). Ties take the latest index, as PyTorch's. */
function runningExtreme(op: "cummax" | "cummin", a: Tensor, dim: number): ValuesIndices {
  const d = normalizeDim(dim, a.shape.length, op, a.shape);
  const x = castData(a, a.dtype).data;
  const indices = emptyUninitialized(a.shape, "int32"), ix = indices.data;
  const better = op === "cummax" ? (v: number, best: number) => v >= best : (v: number, best: number) => v <= best;
  forEachLine(a.shape, d, (start, step, n) => {
    let best = NaN, where = 0;
    for (let k = 0; k < n; k++) {
      const v = Number(x[start + k * step]);
      // as PyTorch's cummax_cummin_helper: each NaN takes over (so the index moves to the latest NaN)
      if (k === 0 || Number.isNaN(v) || (!Number.isNaN(best) && better(v, best))) {
        best = v;
        where = k;
      }
      ix[start + k * step] = where;
    }
  });
  return namedTuple({ values: gather(a, d, indices), indices });
}

/** The running maximum along `dim` and its indices. */
export function cummax(a: Tensor, dim: number): ValuesIndices {
  return runningExtreme("cummax", a, dim);
}

/** The running minimum along `dim` and its indices. */
export function cummin(a: Tensor, dim: number): ValuesIndices {
  return runningExtreme("cummin", a, dim);
}

/**
 * `log(cumsum(exp(a)))` along `dim`, as a running log-add-exp in double: each
 * step adds `log1p(exp(-|r - x|))` to the larger of the two, so no term
 * underflows or overflows, however far apart the values are.
 */
export function logcumsumexp(a: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, a.shape.length, "logcumsumexp", a.shape);
  if (a.dtype === "int32" || a.dtype === "bool") {
    throw new Error(`"logcumsumexp_out_cpu" not implemented for '${a.dtype === "int32" ? "Int" : "Bool"}'`);
  }
  const src = castData(a, a.dtype);
  const out = emptyUninitialized(a.shape, a.dtype);
  const x = src.data, y = out.data;
  forEachLine(a.shape, d, (start, step, n) => {
    let r = -Infinity;
    for (let k = 0, at = start; k < n; k++, at += step) {
      const v = x[at]!;
      // equal infinities stay themselves (inf - inf would give NaN)
      r = r === v && !Number.isFinite(v) ? v : Math.max(r, v) + Math.log1p(Math.exp(-Math.abs(r - v)));
      y[at] = r;
    }
  });
  if (needsGrad(a)) {
    record("LogcumsumexpBackward0", [a], out, ([g], [xs, r]) => [logcumsumexpGrad(g!, xs!, r!, d)], [a, out]);
  }
  return out;
}

/**
 * PyTorch's logcumsumexp_backward: `sum_{k >= i} g_k exp(x_i - r_k)`, with the
 * positive and negative parts of g summed separately in log space (by
 * logcumsumexp from the far end), so it stays finite where exp(x_i - r_k)
 * alone would underflow, and is differentiable again.
 */
function logcumsumexpGrad(g: Tensor, x: Tensor, r: Tensor, d: number): Tensor {
  if (g.dim() === 0 || g.numel() === 0) return g;
  const lowest = g.dtype === "float64" ? -Number.MAX_VALUE : -3.4028234663852886e38;
  const logAbs = log(abs(g));
  const fromEnd = (t: Tensor) => flip(logcumsumexp(flip(t, [d]), d), [d]);
  const part = (mask: Tensor) => exp(add(fromEnd(sub(where(mask, logAbs, lowest), r)), x));
  return sub(part(gt(g, 0)), part(lt(g, 0)));
}

/**
 * The `n`-th forward difference along `dim` (the last by default), after
 * joining `prepend` / `append` to the input along that dim.
 *
 * @example
 * torch.diff(torch.tensor([1, 4, 9, 16])); // [3, 5, 7]
 */
export function diff(a: Tensor, n = 1, dim = -1, options: { prepend?: Tensor; append?: Tensor } = {}): Tensor {
  if (a.dim() === 0) throw new Error("diff expects input to be at least one-dimensional");
  const d = normalizeDim(dim, a.dim(), "diff", a.shape);
  let x = options.prepend || options.append ? cat([...(options.prepend ? [options.prepend] : []), a, ...(options.append ? [options.append] : [])], d) : a;
  for (let k = 0; k < n && x.shape[d]! > 0; k++) {
    const len = x.shape[d]! - 1;
    x = x.dtype === "bool" ? ne(narrow(x, d, 1, len), narrow(x, d, 0, len)) : sub(narrow(x, d, 1, len), narrow(x, d, 0, len));
  }
  return x;
}
