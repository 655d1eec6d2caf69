/**
 * More in-place forms (`x.op_(...)`): each computes the out-of-place op and
 * writes it back through `inplace` (PyTorch's in-place rules: leaf and
 * version checks, CopySlices for views, no float result into an integer
 * tensor). Comparisons written in place keep the tensor's dtype (1 / 0) and
 * pass a zero gradient, as PyTorch's eq_ / lt_ ... do; the logical ops
 * written in place are outside autograd altogether, as in PyTorch.
 */
import { isInferenceModeEnabled, isRecording, runInMode, withGrad } from "../autograd/grad-mode.js";
import { scalarTypeName } from "../tensor/dtype.js";
import { hasRepeatedElements, sameShape } from "../tensor/layout.js";
import type { Tensor } from "../tensor/tensor.js";
import { broadcastShapes, broadcastView, kernels, record, shapeStr } from "./core.js";
import * as E from "./elementwise.js";
import type { Operand } from "./elementwise.js";
import { zeros, zerosLike } from "./factories.js";
import * as G from "./gamma.js";
import { checkClampScalarCast } from "./clamp-cast-check.js";
import { inplace } from "./inplace.js";
import { checkNoOverlap } from "./mem-overlap.js";
import { maskedScatterAliased, scatterSourceAliases } from "./masked-scatter-aliased.js";
import { triangle_ } from "./triangle-inplace.js";
import * as Mth from "./math.js";
import * as B from "./bitwise.js";
import * as IF from "./index-fill.js";
import * as P from "./pointwise-more.js";
import * as Pr from "./products.js";
import * as C from "./scan.js";
import { scatterReduce, type ScatterReduction } from "./scatter-reduce.js";

const tensorOr = (x: Operand | boolean): Tensor | null => (typeof x === "object" ? x : null);

/** `x.op_()` for a unary op. */
const unary = (name: string, op: (t: Tensor) => Tensor) => (self: Tensor): Tensor => inplace(self, name, [], op);

/** `x.op_(other)` for a binary op. */
const binary = (name: string, op: (t: Tensor, o: Operand) => Tensor) => (self: Tensor, other: Operand): Tensor =>
  inplace(self, name, [tensorOr(other)], (s) => op(s, other));

export const ceil_ = unary("ceil_", E.ceil);
export const sin_ = unary("sin_", E.sin);
export const cos_ = unary("cos_", E.cos);
export const tan_ = unary("tan_", P.tan);
export const sinh_ = unary("sinh_", Mth.sinh);
export const cosh_ = unary("cosh_", Mth.cosh);
export const asin_ = unary("asin_", Mth.asin);
export const acos_ = unary("acos_", Mth.acos);
export const atan_ = unary("atan_", Mth.atan);
/**
 * PyTorch has no derivative for the in-place inverse hyperbolic functions (1.13 and 2.x alike): the result of
 * `x.acosh_()` on a tensor that requires grad takes part in the graph through a node (AcoshBackward1, ...) whose
 * backward throws PyTorch's error.
 */
const noDerivative = (name: string, node: string, op: (t: Tensor) => Tensor) => (self: Tensor): Tensor =>
  inplace(self, name, [], (s) => {
    const out = runInMode(withGrad(false), () => op(s));
    if (s._requiresGrad && isRecording()) {
      record(node, [s], out, () => {
        throw new Error(`the derivative for 'inplace version of ${name.slice(0, -1)}' is not implemented.`);
      });
    }
    return out;
  });

export const asinh_ = noDerivative("asinh_", "AsinhBackward1", Mth.asinh);
export const acosh_ = noDerivative("acosh_", "AcoshBackward1", Mth.acosh);
export const atanh_ = noDerivative("atanh_", "AtanhBackward1", Mth.atanh);
export const erf_ = unary("erf_", E.erf);
export const erfc_ = unary("erfc_", P.erfc);
export const erfinv_ = unary("erfinv_", Mth.erfinv);
export const exp2_ = unary("exp2_", P.exp2);
export const expm1_ = unary("expm1_", E.expm1);
export const log2_ = unary("log2_", Mth.log2);
export const log10_ = unary("log10_", Mth.log10);
export const log1p_ = unary("log1p_", E.log1p);
export const reciprocal_ = unary("reciprocal_", E.reciprocal);
export const rsqrt_ = unary("rsqrt_", E.rsqrt);
export const sign_ = unary("sign_", E.sign);
export const sgn_ = unary("sgn_", Mth.sgn);
export const square_ = unary("square_", E.square);
export const frac_ = unary("frac_", Mth.frac);
export const deg2rad_ = unary("deg2rad_", Mth.deg2rad);
export const rad2deg_ = unary("rad2deg_", Mth.rad2deg);
export const digamma_ = unary("digamma_", G.digamma);
export const lgamma_ = unary("lgamma_", G.lgamma);
export const i0_ = unary("i0_", P.i0);
export const sinc_ = unary("sinc_", P.sinc);
export const fix_ = unary("fix_", Mth.trunc);
export const bitwiseNot_ = unary("bitwise_not_", B.bitwiseNot);

export const logit_ = (self: Tensor, eps: number | null = null): Tensor => inplace(self, "logit_", [], (s) => Mth.logit(s, eps));
export const nanToNum_ = (self: Tensor, options: P.NanToNumOptions = {}): Tensor => inplace(self, "nan_to_num_", [], (s) => P.nanToNum(s, options));
export const polygamma_ = (self: Tensor, n: number): Tensor => inplace(self, "polygamma_", [], (s) => G.polygamma(n, s));
export const clampMin_ = (self: Tensor, min: number | Tensor): Tensor => {
  checkClampScalarCast(self, "clamp_min_", [min]);
  return inplace(self, "clamp_min_", [tensorOr(min)], (s) => P.clampMin(s, min));
};
export const clampMax_ = (self: Tensor, max: number | Tensor): Tensor => {
  checkClampScalarCast(self, "clamp_max_", [max]);
  return inplace(self, "clamp_max_", [tensorOr(max)], (s) => P.clampMax(s, max));
};
export const clip_ = (self: Tensor, min: number | Tensor | null = null, max: number | Tensor | null = null): Tensor => {
  checkClampScalarCast(self, "clip_", [min, max]);
  return inplace(self, "clip_", [typeof min === "object" ? min : null, typeof max === "object" ? max : null], (s) => E.clamp(s, min, max));
};

export const fmod_ = binary("fmod_", Mth.fmod);
export const remainder_ = binary("remainder_", Mth.remainder);
export const atan2_ = binary("atan2_", Mth.atan2);
export const hypot_ = binary("hypot_", Mth.hypot);
export const xlogy_ = binary("xlogy_", Mth.xlogy);
export const copysign_ = binary("copysign_", P.copysign);
export const floorDivide_ = binary("floor_divide_", P.floorDivide);
export const trueDivide_ = binary("true_divide_", P.trueDivide);
export const bitwiseAnd_ = binary("bitwise_and_", B.bitwiseAnd);
export const bitwiseOr_ = binary("bitwise_or_", B.bitwiseOr);
export const bitwiseXor_ = binary("bitwise_xor_", B.bitwiseXor);
export const bitwiseLeftShift_ = binary("bitwise_left_shift_", B.bitwiseLeftShift);
export const bitwiseRightShift_ = binary("bitwise_right_shift_", B.bitwiseRightShift);
export const gcd_ = binary("gcd_", B.gcd);
export const lcm_ = binary("lcm_", B.lcm);
export const heaviside_ = (self: Tensor, values: Tensor): Tensor => inplace(self, "heaviside_", [values], (s) => P.heaviside(s, values));
export const ldexp_ = (self: Tensor, other: Tensor): Tensor => inplace(self, "ldexp_", [other], (s) => P.ldexp(s, other));

/** `x.float_power_(e)`: PyTorch computes in float64, so self must be float64. */
export function floatPower_(self: Tensor, exponent: Operand): Tensor {
  if (self.dtype !== "float64") {
    throw new Error(`the base given to float_power_ has dtype ${scalarTypeName(self.dtype)} but the operation's result requires dtype Double`);
  }
  return inplace(self, "float_power_", [tensorOr(exponent)], (s) => P.floatPower(s, exponent));
}

/**
 * A comparison written in place: self's dtype, and zero gradients (PyTorch's EqBackward0 for a number, EqBackward1
 * for a tensor, which also gives the other tensor a zero gradient).
 */
function comparison(name: string, node: string, op: (t: Tensor, o: Operand) => Tensor) {
  return (self: Tensor, other: Operand): Tensor => inplace(self, name, [tensorOr(other)], (s) => {
    const out = op(s, other);
    const o = tensorOr(other);
    if ((s._requiresGrad || (o?._requiresGrad ?? false)) && isRecording()) {
      const gs = s._requiresGrad, go = o?._requiresGrad ?? false, oShape = o?.shape ?? [], oType = o?.dtype ?? out.dtype;
      record(o === null ? `${node}0` : `${node}1`, [s, o], out, ([g]) => [gs ? zerosLike(g!) : null, go ? zeros(oShape, { dtype: oType }) : null]);
    }
    return out;
  }, true);
}

export const eq_ = comparison("eq_", "EqBackward", E.eq);
export const ne_ = comparison("ne_", "NeBackward", E.ne);
export const lt_ = comparison("lt_", "LtBackward", E.lt);
export const le_ = comparison("le_", "LeBackward", E.le);
export const gt_ = comparison("gt_", "GtBackward", E.gt);
export const ge_ = comparison("ge_", "GeBackward", E.ge);

/**
 * A logical op written in place, as PyTorch's logical_and_ ... (not differentiable, so autograd never sees them):
 * no leaf check and no graph change (self keeps its grad_fn), only the write, in self's dtype, and the version bump.
 */
function logical(name: string, op: (t: Tensor, o: Operand) => Tensor) {
  return (self: Tensor, other: Operand): Tensor => {
    if (self._inference && !isInferenceModeEnabled()) {
      throw new Error("Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone to get a normal tensor before doing inplace update.See https://github.com/pytorch/rfcs/pull/17 for more details.");
    }
    if (hasRepeatedElements(self)) {
      throw new Error("unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.");
    }
    const out = runInMode(withGrad(false), () => op(self, other));
    const shape = broadcastShapes(self.shape, out.shape, name);
    if (!sameShape(shape, self.shape)) throw new Error(`output with shape ${shapeStr(self.shape)} doesn't match the broadcast shape ${shapeStr(shape)} (${name})`);
    kernels().copy(self, broadcastView(out, self.shape));
    self.storage.version++;
    return self;
  };
}

export const logicalAnd_ = logical("logical_and_", E.logicalAnd);
export const logicalOr_ = logical("logical_or_", E.logicalOr);
export const logicalXor_ = logical("logical_xor_", (t, o) => P.logicalXor(t, o));
export const logicalNot_ = (self: Tensor): Tensor => logical("logical_not_", (t) => E.logicalNot(t))(self, 0);

export const triu_ = (self: Tensor, diagonal = 0): Tensor => triangle_(self, diagonal, false);
export const tril_ = (self: Tensor, diagonal = 0): Tensor => triangle_(self, diagonal, true);
export const cumsum_ = (self: Tensor, dim: number): Tensor => inplace(self, "cumsum_", [], (s) => C.cumsum(s, dim));
export const cumprod_ = (self: Tensor, dim: number): Tensor => inplace(self, "cumprod_", [], (s) => C.cumprod(s, dim));
export const renorm_ = (self: Tensor, p: number, dim: number, maxnorm: number): Tensor => inplace(self, "renorm_", [], (s) => Pr.renorm(s, p, dim, maxnorm));

export const addmv_ = (self: Tensor, mat: Tensor, vec: Tensor, options: Pr.ScaleOptions = {}): Tensor =>
  inplace(self, "addmv_", [mat, vec], (s) => Pr.addmv(s, mat, vec, options));
export const addr_ = (self: Tensor, vec1: Tensor, vec2: Tensor, options: Pr.ScaleOptions = {}): Tensor =>
  inplace(self, "addr_", [vec1, vec2], (s) => Pr.addr(s, vec1, vec2, options));
export const addbmm_ = (self: Tensor, batch1: Tensor, batch2: Tensor, options: Pr.ScaleOptions = {}): Tensor =>
  inplace(self, "addbmm_", [batch1, batch2], (s) => Pr.addbmm(s, batch1, batch2, options));
export const baddbmm_ = (self: Tensor, batch1: Tensor, batch2: Tensor, options: Pr.ScaleOptions = {}): Tensor =>
  inplace(self, "baddbmm_", [batch1, batch2], (s) => Pr.baddbmm(s, batch1, batch2, options));

export const indexCopy_ = (self: Tensor, dim: number, index: Tensor, source: Tensor): Tensor =>
  inplace(self, "index_copy_", [source], (s) => (checkNoOverlap(self, [index, source]), IF.indexCopy(s, dim, index, source)));
export const indexFill_ = (self: Tensor, dim: number, index: Tensor, value: number | boolean | Tensor): Tensor =>
  // (a tensor value is read as a number, PyTorch's value.item(): only the index is checked for overlap)
  inplace(self, "index_fill_", [typeof value === "object" ? value : null], (s) => (checkNoOverlap(self, [index]), IF.indexFill(s, dim, index, value)));
export const maskedScatter_ = (self: Tensor, mask: Tensor, source: Tensor): Tensor =>
  // (no overlap check on the source, as PyTorch: one in self's memory is read as the kernel finds it, part of it
  // written already; outside a graph only)
  inplace(self, "masked_scatter_", [source], (s) =>
    scatterSourceAliases(self, source) && s === self
      ? maskedScatterAliased(self, mask, source)
      : IF.maskedScatter(s, mask, source));
export const put_ = (self: Tensor, index: Tensor, source: Tensor, accumulate = false): Tensor =>
  inplace(self, "put_", [source], (s) => (checkNoOverlap(self, [index, source]), IF.put(s, index, source, accumulate)));
export const fillDiagonal_ = (self: Tensor, fillValue: number, wrap = false): Tensor =>
  inplace(self, "fill_diagonal_", [], (s) => IF.fillDiagonal(s, fillValue, wrap));
export const scatterReduce_ = (self: Tensor, dim: number, index: Tensor, src: Tensor, reduce: ScatterReduction, options: { includeSelf?: boolean } = {}): Tensor =>
  inplace(self, "scatter_reduce_", [src], (s) => (checkNoOverlap(self, [index, src]), scatterReduce(s, dim, index, src, reduce, options)));
