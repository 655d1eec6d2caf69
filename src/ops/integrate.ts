/**
 * The trapezoidal rule along a dim: `trapezoid` (the integral) and
 * `cumulativeTrapezoid` (its running value), with samples spaced `dx`
 * apart (1 by default) or at the points `x`. Composed of differentiable
 * ops, in PyTorch's arrangement of the arithmetic.
 */
import { Tensor } from "../tensor/tensor.js";
import { normalizeDim } from "../tensor/tensor.js";
import { add, div, mul, sub } from "./elementwise.js";
import { zeros } from "./factories.js";
import { cumsum } from "./scan.js";
import { sum } from "./reduce.js";
import { narrow, reshape, select } from "./views.js";

/** Options of the trapezoid rules: the spacing of the samples (when no `x` is given) and the dim to integrate along. */
export interface TrapezoidOptions {
  dx?: number;
  dim?: number;
}

/**
 * The dim of `y` to integrate along; a 0-d `y` has none (PyTorch's messages: trapezoid names the dim, as wrapped
 * when there are points `x`; cumulative_trapezoid fails slicing it).
 */
function integrationDim(y: Tensor, dim: number, op: "trapezoid" | "cumulative_trapezoid", wrapFirst: boolean): number {
  if (y.dim() === 0) {
    if (op === "cumulative_trapezoid") throw new Error("slice() cannot be applied to a 0-dim tensor.");
    throw new Error(`Dimension specified as ${wrapFirst ? normalizeDim(dim, 0, op, y.shape) : dim} but tensor has no dimensions`);
  }
  return normalizeDim(dim, y.dim(), op, y.shape);
}

/** PyTorch refuses bool samples and points. */
function checkNotBool(op: string, y: Tensor, x: Tensor | null): void {
  if (y.dtype === "bool" || x?.dtype === "bool") {
    throw new Error(`${op}: received a bool input for ${x === null ? "`y`" : "`x` or `y`"}, but bool is not supported`);
  }
}

/** The spacings of the points `x` along `d`, broadcastable against y's pairs of neighbours. */
function spacings(y: Tensor, x: Tensor, d: number, op: string): Tensor {
  let xs = x;
  if (x.dim() === 1) {
    if (x.shape[0] !== y.shape[d]) throw new Error(`${op}: There must be one \`x\` value for each sample point`);
    xs = reshape(x, y.shape.map((s, i) => (i === d ? s : 1)));
  }
  const xd = xs.dim() - y.dim() + d, n = xs.shape[xd]!, m = Math.max(n - 1, 0);
  return sub(narrow(xs, xd, Math.min(1, n), m), narrow(xs, xd, 0, m));
}

function parse(xOrOptions: Tensor | TrapezoidOptions | null | undefined, options: TrapezoidOptions): [Tensor | null, TrapezoidOptions] {
  return xOrOptions instanceof Tensor ? [xOrOptions, options] : [null, xOrOptions ?? options];
}

/**
 * The trapezoidal-rule integral of `y` along `dim` (the last by default),
 * with samples at the points `x` or spaced `dx` apart, as torch.trapezoid.
 *
 * @example
 * torch.trapezoid(torch.tensor([1, 2, 4])); // tensor(4.5)
 * torch.trapezoid(torch.tensor([1, 2, 4]), torch.tensor([0, 1, 3])); // tensor(7.5)
 */
export function trapezoid(y: Tensor, x?: Tensor | TrapezoidOptions | null, options: TrapezoidOptions = {}): Tensor {
  const [points, opts] = parse(x, options);
  const dim = opts.dim ?? -1;
  const d = integrationDim(y, dim, "trapezoid", points !== null);
  const n = y.shape[d]!;
  // no samples integrate to zeros of y's dtype, outside the graph (PyTorch's zeros_like_except)
  if (n === 0) return zeros(y.shape.filter((_, i) => i !== d), { dtype: y.dtype });
  checkNotBool("trapezoid", y, points);
  if (points !== null) {
    const pairs = add(narrow(y, d, 1, n - 1), narrow(y, d, 0, n - 1));
    return sum(div(mul(spacings(y, points, d, "trapezoid"), pairs), 2), d);
  }
  const dx = opts.dx ?? 1;
  // (sum of y - (first + last) / 2) * dx, as PyTorch arranges it
  return mul(sub(sum(y, d), mul(add(select(y, d, 0), select(y, d, n - 1)), 0.5)), dx);
}

/**
 * The running trapezoidal-rule integral of `y` along `dim`: one value per
 * interval (one fewer than the samples), as torch.cumulative_trapezoid.
 *
 * @example
 * torch.cumulativeTrapezoid(torch.tensor([1, 2, 4])); // tensor([1.5000, 4.5000])
 */
export function cumulativeTrapezoid(y: Tensor, x?: Tensor | TrapezoidOptions | null, options: TrapezoidOptions = {}): Tensor {
  const [points, opts] = parse(x, options);
  const d = integrationDim(y, opts.dim ?? -1, "cumulative_trapezoid", true);
  checkNotBool("cumulative_trapezoid", y, points);
  const n = y.shape[d]!;
  const m = Math.max(n - 1, 0);
  const pairs = add(narrow(y, d, Math.min(1, n), m), narrow(y, d, 0, m));
  if (points !== null) return cumsum(div(mul(spacings(y, points, d, "cumulative_trapezoid"), pairs), 2), d);
  return cumsum(mul(pairs, (opts.dx ?? 1) / 2), d);
}
