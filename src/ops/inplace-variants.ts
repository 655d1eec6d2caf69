/**
 * The in-place forms (`x.op_(...)`) of out-of-place ops: each computes the op
 * and writes it back through `inplace`, which applies PyTorch's in-place rules
 * (leaf and version checks, CopySlices for views) and keeps the graph right.
 */
import type { Tensor } from "../tensor/tensor.js";
import { abs, exp, floor, log, neg, pow, round, sigmoid, sqrt, tanh, type Operand } from "./elementwise.js";
import { inplace } from "./inplace.js";
import { checkNoOverlap } from "./mem-overlap.js";
import { maskedFillExpanded } from "./expanded-write.js";
import { hasRepeatedElements } from "../tensor/layout.js";
import { indexAdd, scatter, scatterAdd } from "./indexing.js";
import { maskedFill } from "./masking.js";
import { addcdiv, addcmul, lerp, trunc } from "./math.js";

const tensorOr = (x: Operand): Tensor | null => (typeof x === "number" ? null : x);

/** `x.op_()` for a unary op. */
const unary = (name: string, op: (t: Tensor) => Tensor) => (self: Tensor): Tensor => inplace(self, name, [], op);

export const exp_ = unary("exp_", exp);
export const log_ = unary("log_", log);
export const sqrt_ = unary("sqrt_", sqrt);
export const neg_ = unary("neg_", neg);
export const abs_ = unary("abs_", abs);
export const sigmoid_ = unary("sigmoid_", sigmoid);
export const tanh_ = unary("tanh_", tanh);
export const floor_ = unary("floor_", floor);
export const round_ = unary("round_", round);
export const trunc_ = unary("trunc_", trunc);

export const pow_ = (self: Tensor, exponent: Operand): Tensor => inplace(self, "pow_", [tensorOr(exponent)], (s) => pow(s, exponent));
export const lerp_ = (self: Tensor, end: Tensor, weight: Operand): Tensor =>
  inplace(self, "lerp_", [end, tensorOr(weight)], (s) => lerp(s, end, weight));
export const addcmul_ = (self: Tensor, t1: Tensor, t2: Tensor, options: { value?: number } = {}): Tensor =>
  inplace(self, "addcmul_", [t1, t2], (s) => addcmul(s, t1, t2, options));
export const addcdiv_ = (self: Tensor, t1: Tensor, t2: Tensor, options: { value?: number } = {}): Tensor =>
  inplace(self, "addcdiv_", [t1, t2], (s) => addcdiv(s, t1, t2, options));
export const maskedFill_ = (self: Tensor, mask: Tensor, value: number): Tensor =>
  // an expanded self is written position by position, after PyTorch's deprecation warning (recorded as PyTorch does)
  hasRepeatedElements(self)
    ? maskedFillExpanded(self, mask, value)
    : inplace(self, "masked_fill_", [], (s) => maskedFill(s, mask, value));
// (the indexing writes refuse an index or source that is self's own memory, even all of it: PyTorch's assert_no_overlap)
export const scatter_ = (self: Tensor, dim: number, index: Tensor, src: Tensor | number): Tensor =>
  inplace(self, "scatter_", [typeof src === "number" ? null : src], (s) => {
    checkNoOverlap(self, [index, typeof src === "number" ? null : src]);
    return scatter(s, dim, index, src);
  });
export const scatterAdd_ = (self: Tensor, dim: number, index: Tensor, src: Tensor): Tensor =>
  inplace(self, "scatter_add_", [src], (s) => (checkNoOverlap(self, [index, src]), scatterAdd(s, dim, index, src)));
export const indexAdd_ = (self: Tensor, dim: number, index: Tensor, src: Tensor): Tensor =>
  inplace(self, "index_add_", [src], (s) => (checkNoOverlap(self, [index, src]), indexAdd(s, dim, index, src)));
