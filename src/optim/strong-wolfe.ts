/**
 * The strong-Wolfe line search LBFGS uses (`lineSearchFn: "strong_wolfe"`),
 * PyTorch's algorithm (after minFunc and torch7's lswolfe): bracket a step
 * length along the direction `d`, then zoom into the bracket with safeguarded
 * cubic interpolation until the sufficient-decrease (c1) and curvature (c2)
 * conditions hold. Scalars are numbers; the gradients are flat tensors.
 */
import type { Tensor } from "../tensor/tensor.js";

/** Evaluates the objective at `x + t·d` (then puts the parameters back to `x`): the loss and the flat gradient there. */
export type DirectionalEvaluate = (t: number, d: Tensor) => [number, Tensor];

export interface StrongWolfeResult {
  loss: number;
  flatGrad: Tensor;
  t: number;
  evals: number;
}

/**
 * The minimiser of the cubic through (x1, f1) and (x2, f2) with slopes g1 and
 * g2, clamped to `bounds` (default: between x1 and x2); the bounds' midpoint
 * when the cubic has no real minimiser.
 */
export function cubicInterpolate(x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, bounds?: [number, number]): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 * d1 - g1 * g2;
  if (!(d2Square >= 0)) return (lo + hi) / 2;
  const d2 = Math.sqrt(d2Square);
  const minPos = x1 <= x2
    ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
  return Math.min(Math.max(minPos, lo), hi);
}

/** One end of a bracket: step length, loss, gradient and directional derivative there. */
interface Point {
  t: number;
  f: number;
  g: Tensor;
  gtd: number;
}

export interface StrongWolfeOptions {
  c1?: number;
  c2?: number;
  toleranceChange?: number;
  maxLs?: number;
}

/**
 * Searches along `d` from the current point (loss `f`, flat gradient `g`,
 * directional derivative `gtd < 0`) starting at step `t`.
 */
export function strongWolfe(evaluate: DirectionalEvaluate, t: number, d: Tensor, f: number, g: Tensor, gtd: number, options: StrongWolfeOptions = {}): StrongWolfeResult {
  const c1 = options.c1 ?? 1e-4, c2 = options.c2 ?? 0.9, toleranceChange = options.toleranceChange ?? 1e-9, maxLs = options.maxLs ?? 25;
  const dNorm = d.abs().max().item();
  const start: Point = { t: 0, f, g: g.clone(), gtd };
  const at = (step: number): Point => {
    const [fNew, gNew] = evaluate(step, d);
    return { t: step, f: fNew, g: gNew, gtd: gNew.dot(d).item() };
  };
  const sufficientDecrease = (p: Point): boolean => !(p.f > f + c1 * p.t * gtd);
  const curvature = (p: Point): boolean => Math.abs(p.gtd) <= -c2 * gtd;

  let cur = at(t);
  let evals = 1;
  let prev = start;
  let iter = 0;
  let done = false;
  let bracket: Point[] | null = null;
  // bracketing: grow the step until an interval surely holds a point meeting both conditions
  while (iter < maxLs) {
    if (!sufficientDecrease(cur) || (iter > 1 && cur.f >= prev.f)) {
      bracket = [prev, cur];
      break;
    }
    if (curvature(cur)) {
      bracket = [cur];
      done = true;
      break;
    }
    if (cur.gtd >= 0) {
      bracket = [prev, cur];
      break;
    }
    const next = cubicInterpolate(prev.t, prev.f, prev.gtd, cur.t, cur.f, cur.gtd, [cur.t + 0.01 * (cur.t - prev.t), cur.t * 10]);
    prev = cur;
    cur = at(next);
    evals++;
    iter++;
  }
  // out of evaluations: the bracket from the start to the last point (no zoom follows)
  bracket ??= [start, cur];

  // zoom: shrink the bracket, keeping `low` the end with the lower loss
  let insufficientProgress = false;
  let low = bracket[0]!.f <= bracket[bracket.length - 1]!.f ? 0 : 1;
  while (!done && iter < maxLs) {
    const [a, b] = bracket as [Point, Point];
    if (Math.abs(b.t - a.t) * dNorm < toleranceChange) break;
    let step = cubicInterpolate(a.t, a.f, a.gtd, b.t, b.f, b.gtd);
    const hi = Math.max(a.t, b.t), lo = Math.min(a.t, b.t);
    const eps = 0.1 * (hi - lo);
    if (Math.min(hi - step, step - lo) < eps) {
      // too close to an end: after a second such try (or at an end), move 10% of the bracket inside
      if (insufficientProgress || step >= hi || step <= lo) {
        step = Math.abs(step - hi) < Math.abs(step - lo) ? hi - eps : lo + eps;
        insufficientProgress = false;
      } else insufficientProgress = true;
    } else insufficientProgress = false;
    cur = at(step);
    evals++;
    iter++;
    const high = 1 - low;
    if (!sufficientDecrease(cur) || cur.f >= bracket[low]!.f) {
      bracket[high] = cur;
      low = bracket[0]!.f <= bracket[1]!.f ? 0 : 1;
    } else {
      if (curvature(cur)) done = true;
      else if (cur.gtd * (bracket[high]!.t - bracket[low]!.t) >= 0) bracket[high] = bracket[low]!;
      bracket[low] = cur;
    }
  }
  const best = bracket[low]!;
  return { loss: best.f, flatGrad: best.g, t: best.t, evals };
}
