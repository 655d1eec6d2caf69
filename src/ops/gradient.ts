/**
 * `torch.gradient`: estimates the derivative of a sampled function along
 * each requested dim, by central differences inside and one-sided ones
 * (first or second order) at the edges, for unit, scalar or coordinate
 * spacing. PyTorch 2.x's checks and formulas (ReduceOps.cpp), in tensor ops,
 * so the result is differentiable.
 */
import { normalizeDim, type Tensor } from "../tensor/tensor.js";
import { add, div, mul, neg, sub } from "./elementwise.js";
import { cat } from "./indexing.js";
import { diff } from "./scan.js";
import { reshape, select, slice } from "./views.js";

/** `torch.gradient`'s keyword arguments. */
export interface GradientOptions {
  /**
   * The sample spacing: one number for every dim, one number per dim, or per
   * dim a 1-d tensor of the sample coordinates. Default 1.
   */
  spacing?: number | readonly number[] | readonly Tensor[];
  /** The dim or dims to differentiate along (default: every dim). */
  dim?: number | readonly number[];
  /** 1 or 2: the order of the one-sided differences at the edges (default 1). */
  edgeOrder?: 1 | 2;
}

/** PyTorch's pre_check_gradient; returns the wrapped dims. */
function check(input: Tensor, spacingSize: number | null, dims: readonly number[], dimGiven: boolean, edgeOrder: number): number[] {
  if (spacingSize !== null && !dimGiven && spacingSize !== input.dim()) {
    throw new Error(
      `torch.gradient expected spacing to be unspecified, a scalar, or a list of length equal to 'self.dim() = ${input.dim()}', since dim argument was not given, but got a list of length ${spacingSize}`,
    );
  }
  if (spacingSize !== null && dimGiven && spacingSize !== dims.length) {
    throw new Error(
      `torch.gradient expected spacing to be unspecified, a scalar or it's spacing and dim arguments to have the same length, but got a spacing argument of length ${spacingSize} and a dim argument of length ${dims.length}.`,
    );
  }
  if (edgeOrder !== 1 && edgeOrder !== 2) throw new Error("torch.gradient only supports edge_order=1 and edge_order=2.");
  const wrapped = dims.map((d) => normalizeDim(d, input.dim(), "gradient", input.shape));
  const seen = new Set<number>();
  for (const d of wrapped) {
    if (seen.has(d)) throw new Error(`dim ${d} appears multiple times in the list of dims`);
    seen.add(d);
  }
  for (const d of dimGiven ? wrapped : input.shape.map((_, i) => i)) {
    if (input.shape[d]! < edgeOrder + 1) throw new Error("torch.gradient expected each dimension size to be at least edge_order+1");
  }
  return wrapped;
}

/** Along `d`: the uniform-spacing estimate (gradient_helper_float). */
function uniform(x: Tensor, d: number, h: number, edgeOrder: number): Tensor {
  const s = (start: number | null, stop: number | null) => slice(x, d, start, stop);
  const center = div(div(sub(s(2, null), s(0, -2)), h), 2);
  let first: Tensor, last: Tensor;
  if (edgeOrder === 1) {
    first = div(sub(s(1, 2), s(0, 1)), h);
    last = div(sub(s(-1, null), s(-2, -1)), h);
  } else {
    first = div(add(add(mul(s(0, 1), -1.5), mul(s(1, 2), 2)), mul(s(2, 3), -0.5)), h);
    last = div(add(add(mul(s(-3, -2), 0.5), mul(s(-2, -1), -2)), mul(s(-1, null), 1.5)), h);
  }
  return cat([first, center, last], d);
}

/** Along `d`: the estimate for samples at `coords` (gradient_helper, second-order accurate inside). */
function atCoordinates(x: Tensor, d: number, coords: Tensor, edgeOrder: number): Tensor {
  if (coords.dim() !== 1) throw new Error(`torch.gradient expected each element of spacing to have one dimension, but got an element with ${coords.dim()} dimensions!`);
  const s = (start: number | null, stop: number | null) => slice(x, d, start, stop);
  const shape = x.shape.map((_, i) => (i === d ? -1 : 1));
  const dx = diff(coords, 1, 0);
  const dx1 = slice(dx, 0, 0, -1), dx2 = slice(dx, 0, 1, null);
  const a = reshape(div(neg(dx2), mul(dx1, add(dx1, dx2))), shape);
  const b = reshape(div(sub(dx2, dx1), mul(dx1, dx2)), shape);
  const c = reshape(div(dx1, mul(dx2, add(dx1, dx2))), shape);
  const center = add(add(mul(a, s(0, -2)), mul(b, s(1, -1))), mul(c, s(2, null)));
  const at = (i: number) => select(dx, 0, i);
  let first: Tensor, last: Tensor;
  if (edgeOrder === 1) {
    first = div(sub(s(1, 2), s(0, 1)), at(0));
    last = div(sub(s(-1, null), s(-2, -1)), at(-1));
  } else {
    const [h0, h1, hm1, hm2] = [at(0), at(1), at(-1), at(-2)];
    const a0 = neg(div(add(mul(h0, 2), h1), mul(h0, add(h0, h1)))), b0 = div(add(h0, h1), mul(h0, h1)), c0 = div(neg(h0), mul(h1, add(h0, h1)));
    first = add(add(mul(a0, s(0, 1)), mul(b0, s(1, 2))), mul(c0, s(2, 3)));
    const a1 = div(hm1, mul(hm2, add(hm1, hm2))), b1 = neg(div(add(hm1, hm2), mul(hm1, hm2))), c1 = div(add(mul(hm1, 2), hm2), mul(hm1, add(hm1, hm2)));
    last = add(add(mul(a1, s(-3, -2)), mul(b1, s(-2, -1))), mul(c1, s(-1, null)));
  }
  return cat([first, center, last], d);
}

/**
 * The derivative of `input`'s samples along each dim in `options.dim` (all
 * by default), one tensor per dim, as `torch.gradient`.
 *
 * @example
 * torch.gradient(torch.tensor([1, 2, 4, 8])); // [tensor([1, 1.5, 3, 4])]
 * torch.gradient(y, { spacing: [x] });         // dy/dx at the sample points x
 */
export function gradient(input: Tensor, options: GradientOptions = {}): Tensor[] {
  const { spacing, edgeOrder = 1 } = options;
  const dimGiven = options.dim !== undefined;
  const dims = options.dim === undefined ? input.shape.map((_, i) => i) : typeof options.dim === "number" ? [options.dim] : [...options.dim];
  if (typeof spacing === "object" && spacing.length > 0 && typeof spacing[0] === "object") {
    const coords = spacing as readonly Tensor[];
    const wrapped = check(input, coords.length, dims, dimGiven, edgeOrder);
    return wrapped.map((d, i) => atCoordinates(input, d, coords[i]!, edgeOrder));
  }
  // a number (or nothing) is the spacing along every dim; a list gives one per dim
  const steps = typeof spacing === "object" ? (spacing as readonly number[]) : dims.map(() => spacing ?? 1);
  const wrapped = check(input, spacing === undefined ? null : steps.length, dims, dimGiven, edgeOrder);
  return wrapped.map((d, i) => uniform(input, d, steps[i]!, edgeOrder));
}
