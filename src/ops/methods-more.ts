/**
 * Installs the ops of the later op files as Tensor methods (`x.newZeros`,
 * `x.unfold`, `x.scatterReduce`, ...), beside methods.ts, in the same way:
 * the Tensor class stays a plain holder of state.
 */
import type { DType } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import * as B from "./bitwise.js";
import * as DU from "./dtype-utils.js";
import * as E from "./elementwise.js";
import type { FactoryOptions, NestedArray } from "./factories.js";
import * as IF from "./index-fill.js";
import * as IR from "./index-reduce.js";
import { inplace } from "./inplace.js";
import * as IM from "./inplace-more.js";
import * as IV from "./inplace-views.js";
import * as L from "./linalg.js";
import * as Mth from "./math.js";
import * as OS from "./order-stats.js";
import * as P from "./pointwise-more.js";
import * as Pr from "./products.js";
import * as Re from "./rearrange.js";
import type { ValuesIndices } from "./reduce.js";
import * as SR from "./scatter-reduce.js";
import * as SV from "./scatter-views.js";
import * as Sel from "./selection.js";
import * as SM from "./selection-more.js";
import * as St from "./statistics.js";
import * as Sd from "./strided.js";
import * as TN from "./tensor-new.js";
import type { SlogdetResult } from "./linalg/lu.js";

type Operand = Tensor | number;

declare module "../tensor/tensor.js" {
  interface Tensor {
    /** Zeros of `shape` in this tensor's dtype (or `options.dtype`), as `Tensor.new_zeros`. */
    newZeros(shape: readonly number[], options?: FactoryOptions): Tensor;
    /** Ones of `shape` in this tensor's dtype (or `options.dtype`). */
    newOnes(shape: readonly number[], options?: FactoryOptions): Tensor;
    /** `fillValue` in a tensor of `shape`, this tensor's dtype (or `options.dtype`). */
    newFull(shape: readonly number[], fillValue: number | boolean, options?: FactoryOptions): Tensor;
    /** A tensor of `shape` in this tensor's dtype (zeros here; unspecified in PyTorch). */
    newEmpty(shape: readonly number[], options?: FactoryOptions): Tensor;
    /** `data` as a tensor of this tensor's dtype (or `options.dtype`). */
    newTensor(data: NestedArray, options?: FactoryOptions): Tensor;
    /** This tensor in `other`'s dtype. */
    typeAs(other: Tensor): Tensor;
    /** Whether the dtype is float32 or float64. */
    isFloatingPoint(): boolean;
    /** Whether the dtype is signed (all but bool). */
    isSigned(): boolean;
    /** Whether this one-element tensor is nonzero. */
    isNonzero(): boolean;
    /** Whether `other` has the same shape. */
    isSameSize(other: Tensor): boolean;
    /** This tensor itself: torchlet tensors live in CPU memory. */
    cpu(): Tensor;
    /** The number of dims, as `dim()`. */
    ndimension(): number;
    /** The number of dims, as PyTorch's `x.ndim`. */
    readonly ndim: number;
    /** `reshape(other.shape)`. */
    reshapeAs(other: Tensor): Tensor;
    /** PyTorch's type name ("torch.FloatTensor", ...) without an argument; with a dtype, this tensor in it. */
    type(): string;
    type(dtype: DType): Tensor;
    /** The elements as a 1-d tensor (a view when possible). */
    ravel(): Tensor;
    /** The windows of `size` elements every `step` along `dim`, as a view with a new last dim. */
    unfold(dim: number, size: number, step: number): Tensor;
    /** A view of this tensor's storage with these sizes, strides and storage offset. */
    asStrided(size: readonly number[], stride: readonly number[], storageOffset?: number): Tensor;
    /** This tensor summed down to `size` (which must broadcast to its shape). */
    sumToSize(...size: number[] | [readonly number[]]): Tensor;
    tan(): Tensor;
    exp2(): Tensor;
    sinc(): Tensor;
    erfc(): Tensor;
    i0(): Tensor;
    copysign(other: Operand): Tensor;
    fmax(other: Tensor): Tensor;
    fmin(other: Tensor): Tensor;
    heaviside(values: Tensor): Tensor;
    floorDivide(other: Operand): Tensor;
    trueDivide(other: Operand): Tensor;
    nanToNum(options?: P.NanToNumOptions): Tensor;
    signbit(): Tensor;
    floatPower(exponent: Operand): Tensor;
    logicalXor(other: Operand): Tensor;
    isposinf(): Tensor;
    isneginf(): Tensor;
    isreal(): Tensor;
    clampMin(min: number | Tensor): Tensor;
    clampMax(max: number | Tensor): Tensor;
    clip(min?: number | Tensor | null, max?: number | Tensor | null): Tensor;
    clip(bounds: E.ClampBounds): Tensor;
    frexp(): P.FrexpResult;
    ldexp(other: Tensor): Tensor;
    logaddexp2(other: Operand): Tensor;
    absolute(): Tensor;
    negative(): Tensor;
    positive(): Tensor;
    arcsin(): Tensor;
    arccos(): Tensor;
    arctan(): Tensor;
    arcsinh(): Tensor;
    arccosh(): Tensor;
    arctanh(): Tensor;
    arctan2(other: Operand): Tensor;
    fix(): Tensor;
    multiply(other: Operand): Tensor;
    subtract(other: Operand, options?: { alpha?: number }): Tensor;
    divide(other: Operand, options?: { roundingMode?: "trunc" | "floor" }): Tensor;
    greater(other: Operand): Tensor;
    greaterEqual(other: Operand): Tensor;
    less(other: Operand): Tensor;
    lessEqual(other: Operand): Tensor;
    notEqual(other: Operand): Tensor;
    swapdims(dim0: number, dim1: number): Tensor;
    moveaxis(source: number | readonly number[], destination: number | readonly number[]): Tensor;
    bitwiseAnd(other: Operand | boolean): Tensor;
    bitwiseOr(other: Operand | boolean): Tensor;
    bitwiseXor(other: Operand | boolean): Tensor;
    bitwiseNot(): Tensor;
    bitwiseLeftShift(other: Operand): Tensor;
    bitwiseRightShift(other: Operand): Tensor;
    gcd(other: Operand): Tensor;
    lcm(other: Operand): Tensor;
    aminmax(options?: { dim?: number; keepdim?: boolean }): St.MinMax;
    mode(dim?: number, options?: { keepdim?: boolean }): ValuesIndices;
    nanmedian(): Tensor;
    nanmedian(dim: number, options?: { keepdim?: boolean }): ValuesIndices;
    nanquantile(q: number | Tensor, dim?: number, options?: { keepdim?: boolean; interpolation?: OS.NanQuantileInterpolation }): Tensor;
    msort(): Tensor;
    cov(options?: St.CovOptions): Tensor;
    corrcoef(): Tensor;
    histc(bins?: number, min?: number, max?: number): Tensor;
    /** `torch.indexReduce(this, dim, index, source, reduce, options)`. */
    indexReduce(dim: number, index: Tensor, source: Tensor, reduce: IR.IndexReduction, options?: IR.IndexReduceOptions): Tensor;
    /** In-place `indexReduce`. */
    indexReduce_(dim: number, index: Tensor, source: Tensor, reduce: IR.IndexReduction, options?: IR.IndexReduceOptions): Tensor;
    bincount(weights?: Tensor | null, minlength?: number): Tensor;
    argwhere(): Tensor;
    unique(options?: Sel.UniqueOptions): Tensor | Tensor[];
    uniqueConsecutive(options?: SM.UniqueConsecutiveOptions): Tensor | Tensor[];
    /** `torch.where(condition, this, other)`. */
    where(condition: Tensor, other: Operand): Tensor;
    cross(other: Tensor, dim?: number | null): Tensor;
    kron(other: Tensor): Tensor;
    addmv(mat: Tensor, vec: Tensor, options?: Pr.ScaleOptions): Tensor;
    addr(vec1: Tensor, vec2: Tensor, options?: Pr.ScaleOptions): Tensor;
    addbmm(batch1: Tensor, batch2: Tensor, options?: Pr.ScaleOptions): Tensor;
    baddbmm(batch1: Tensor, batch2: Tensor, options?: Pr.ScaleOptions): Tensor;
    matrixPower(n: number): Tensor;
    inverse(): Tensor;
    pinverse(rcond?: number): Tensor;
    det(): Tensor;
    logdet(): Tensor;
    slogdet(): SlogdetResult;
    dist(other: Tensor, p?: number): Tensor;
    renorm(p: number, dim: number, maxnorm: number): Tensor;
    ger(vec2: Tensor): Tensor;
    vdot(other: Tensor): Tensor;
    indexCopy(dim: number, index: Tensor, source: Tensor): Tensor;
    indexFill(dim: number, index: Tensor, value: number | boolean | Tensor): Tensor;
    maskedScatter(mask: Tensor, source: Tensor): Tensor;
    scatterReduce(dim: number, index: Tensor, src: Tensor, reduce: SR.ScatterReduction, options?: { includeSelf?: boolean }): Tensor;
    take(index: Tensor): Tensor;
    put(index: Tensor, source: Tensor, accumulate?: boolean): Tensor;
    diagonalScatter(src: Tensor, offset?: number, dim1?: number, dim2?: number): Tensor;
    selectScatter(src: Tensor, dim: number, index: number): Tensor;
    sliceScatter(src: Tensor, dim?: number, start?: number | null, end?: number | null, step?: number): Tensor;
    unsqueeze_(dim: number): Tensor;
    squeeze_(dim?: number | readonly number[]): Tensor;
    t_(): Tensor;
    transpose_(dim0: number, dim1: number): Tensor;
    swapaxes_(axis0: number, axis1: number): Tensor;
    swapdims_(dim0: number, dim1: number): Tensor;
    indexCopy_(dim: number, index: Tensor, source: Tensor): Tensor;
    indexFill_(dim: number, index: Tensor, value: number | boolean | Tensor): Tensor;
    maskedScatter_(mask: Tensor, source: Tensor): Tensor;
    scatterReduce_(dim: number, index: Tensor, src: Tensor, reduce: SR.ScatterReduction, options?: { includeSelf?: boolean }): Tensor;
    put_(index: Tensor, source: Tensor, accumulate?: boolean): Tensor;
    fillDiagonal_(fillValue: number, wrap?: boolean): Tensor;
    triu_(diagonal?: number): Tensor;
    tril_(diagonal?: number): Tensor;
    cumsum_(dim: number): Tensor;
    cumprod_(dim: number): Tensor;
    renorm_(p: number, dim: number, maxnorm: number): Tensor;
    addmm_(m1: Tensor, m2: Tensor, options?: Pr.ScaleOptions): Tensor;
    addmv_(mat: Tensor, vec: Tensor, options?: Pr.ScaleOptions): Tensor;
    addr_(vec1: Tensor, vec2: Tensor, options?: Pr.ScaleOptions): Tensor;
    addbmm_(batch1: Tensor, batch2: Tensor, options?: Pr.ScaleOptions): Tensor;
    baddbmm_(batch1: Tensor, batch2: Tensor, options?: Pr.ScaleOptions): Tensor;
    ceil_(): Tensor;
    sin_(): Tensor;
    cos_(): Tensor;
    tan_(): Tensor;
    sinh_(): Tensor;
    cosh_(): Tensor;
    asin_(): Tensor;
    acos_(): Tensor;
    atan_(): Tensor;
    asinh_(): Tensor;
    acosh_(): Tensor;
    atanh_(): Tensor;
    arcsin_(): Tensor;
    arccos_(): Tensor;
    arctan_(): Tensor;
    arcsinh_(): Tensor;
    arccosh_(): Tensor;
    arctanh_(): Tensor;
    erf_(): Tensor;
    erfc_(): Tensor;
    erfinv_(): Tensor;
    exp2_(): Tensor;
    expm1_(): Tensor;
    log2_(): Tensor;
    log10_(): Tensor;
    log1p_(): Tensor;
    reciprocal_(): Tensor;
    rsqrt_(): Tensor;
    sign_(): Tensor;
    sgn_(): Tensor;
    square_(): Tensor;
    frac_(): Tensor;
    deg2rad_(): Tensor;
    rad2deg_(): Tensor;
    digamma_(): Tensor;
    lgamma_(): Tensor;
    polygamma_(n: number): Tensor;
    i0_(): Tensor;
    sinc_(): Tensor;
    fix_(): Tensor;
    absolute_(): Tensor;
    negative_(): Tensor;
    logit_(eps?: number | null): Tensor;
    nanToNum_(options?: P.NanToNumOptions): Tensor;
    clampMin_(min: number | Tensor): Tensor;
    clampMax_(max: number | Tensor): Tensor;
    clip_(min?: number | Tensor | null, max?: number | Tensor | null): Tensor;
    clip_(bounds: E.ClampBounds): Tensor;
    fmod_(other: Operand): Tensor;
    remainder_(other: Operand): Tensor;
    atan2_(other: Operand): Tensor;
    arctan2_(other: Operand): Tensor;
    hypot_(other: Operand): Tensor;
    xlogy_(other: Operand): Tensor;
    copysign_(other: Operand): Tensor;
    heaviside_(values: Tensor): Tensor;
    floorDivide_(other: Operand): Tensor;
    trueDivide_(other: Operand): Tensor;
    floatPower_(exponent: Operand): Tensor;
    ldexp_(other: Tensor): Tensor;
    multiply_(other: Operand): Tensor;
    subtract_(other: Operand, options?: { alpha?: number }): Tensor;
    divide_(other: Operand): Tensor;
    bitwiseAnd_(other: Operand): Tensor;
    bitwiseOr_(other: Operand): Tensor;
    bitwiseXor_(other: Operand): Tensor;
    bitwiseNot_(): Tensor;
    bitwiseLeftShift_(other: Operand): Tensor;
    bitwiseRightShift_(other: Operand): Tensor;
    gcd_(other: Operand): Tensor;
    lcm_(other: Operand): Tensor;
    eq_(other: Operand): Tensor;
    ne_(other: Operand): Tensor;
    lt_(other: Operand): Tensor;
    le_(other: Operand): Tensor;
    gt_(other: Operand): Tensor;
    ge_(other: Operand): Tensor;
    logicalAnd_(other: Operand): Tensor;
    logicalOr_(other: Operand): Tensor;
    logicalXor_(other: Operand): Tensor;
    logicalNot_(): Tensor;
  }
}

const TYPE_NAMES: Record<DType, string> = { float32: "torch.FloatTensor", float64: "torch.DoubleTensor", int32: "torch.IntTensor", bool: "torch.BoolTensor" };

const sizeArgs = (args: number[] | [readonly number[]]): readonly number[] => (Array.isArray(args[0]) ? (args[0] as readonly number[]) : (args as number[]));

const methods: Partial<Record<keyof Tensor, unknown>> & ThisType<Tensor> = {
  newZeros(shape: readonly number[], o?: FactoryOptions) { return TN.newZeros(this, shape, o); },
  newOnes(shape: readonly number[], o?: FactoryOptions) { return TN.newOnes(this, shape, o); },
  newFull(shape: readonly number[], v: number | boolean, o?: FactoryOptions) { return TN.newFull(this, shape, v, o); },
  newEmpty(shape: readonly number[], o?: FactoryOptions) { return TN.newEmpty(this, shape, o); },
  newTensor(data: NestedArray, o?: FactoryOptions) { return TN.newTensor(this, data, o); },
  typeAs(other: Tensor) { return DU.typeAs(this, other); },
  isFloatingPoint() { return DU.isFloatingPoint(this); },
  isSigned() { return DU.isSigned(this); },
  isNonzero() { return DU.isNonzero(this); },
  isSameSize(other: Tensor) { return DU.isSameSize(this, other); },
  cpu() { return this; },
  ndimension() { return this.dim(); },
  reshapeAs(other: Tensor) { return this.reshape(other.shape); },
  type(dtype?: DType) { return dtype === undefined ? TYPE_NAMES[this.dtype] : E.toDtype(this, dtype); },
  ravel() { return Sd.ravel(this); },
  unfold(dim: number, size: number, step: number) { return Sd.unfold(this, dim, size, step); },
  asStrided(size: readonly number[], stride: readonly number[], offset?: number) { return Sd.asStrided(this, size, stride, offset); },
  sumToSize(...size: number[] | [readonly number[]]) { return Sd.sumToSize(this, sizeArgs(size)); },
  tan() { return P.tan(this); },
  exp2() { return P.exp2(this); },
  sinc() { return P.sinc(this); },
  erfc() { return P.erfc(this); },
  i0() { return P.i0(this); },
  copysign(o: Operand) { return P.copysign(this, o); },
  fmax(o: Tensor) { return P.fmax(this, o); },
  fmin(o: Tensor) { return P.fmin(this, o); },
  heaviside(v: Tensor) { return P.heaviside(this, v); },
  floorDivide(o: Operand) { return P.floorDivide(this, o); },
  trueDivide(o: Operand) { return P.trueDivide(this, o); },
  nanToNum(o?: P.NanToNumOptions) { return P.nanToNum(this, o); },
  signbit() { return P.signbit(this); },
  floatPower(e: Operand) { return P.floatPower(this, e); },
  logicalXor(o: Operand) { return P.logicalXor(this, o); },
  isposinf() { return P.isposinf(this); },
  isneginf() { return P.isneginf(this); },
  isreal() { return P.isreal(this); },
  clampMin(min: number | Tensor) { return P.clampMin(this, min); },
  clampMax(max: number | Tensor) { return P.clampMax(this, max); },
  clip(min?: number | Tensor | E.ClampBounds | null, max?: number | Tensor | null) { return P.clip(this, min ?? null, max ?? null); },
  frexp() { return P.frexp(this); },
  ldexp(o: Tensor) { return P.ldexp(this, o); },
  logaddexp2(o: Operand) { return P.logaddexp2(this, o); },
  absolute() { return E.abs(this); },
  negative() { return E.neg(this); },
  positive() { return P.positive(this); },
  arcsin() { return Mth.asin(this); },
  arccos() { return Mth.acos(this); },
  arctan() { return Mth.atan(this); },
  arcsinh() { return Mth.asinh(this); },
  arccosh() { return Mth.acosh(this); },
  arctanh() { return Mth.atanh(this); },
  arctan2(o: Operand) { return Mth.atan2(this, o); },
  fix() { return Mth.trunc(this); },
  multiply(o: Operand) { return E.mul(this, o); },
  subtract(o: Operand, opt?: { alpha?: number }) { return E.sub(this, o, opt); },
  divide(o: Operand, opt?: { roundingMode?: "trunc" | "floor" }) { return E.div(this, o, opt); },
  greater(o: Operand) { return E.gt(this, o); },
  greaterEqual(o: Operand) { return E.ge(this, o); },
  less(o: Operand) { return E.lt(this, o); },
  lessEqual(o: Operand) { return E.le(this, o); },
  notEqual(o: Operand) { return E.ne(this, o); },
  swapdims(d0: number, d1: number) { return Re.swapaxes(this, d0, d1); },
  moveaxis(s: number | readonly number[], d: number | readonly number[]) { return Re.movedim(this, s, d); },
  bitwiseAnd(o: Operand | boolean) { return B.bitwiseAnd(this, o); },
  bitwiseOr(o: Operand | boolean) { return B.bitwiseOr(this, o); },
  bitwiseXor(o: Operand | boolean) { return B.bitwiseXor(this, o); },
  bitwiseNot() { return B.bitwiseNot(this); },
  bitwiseLeftShift(o: Operand) { return B.bitwiseLeftShift(this, o); },
  bitwiseRightShift(o: Operand) { return B.bitwiseRightShift(this, o); },
  gcd(o: Operand) { return B.gcd(this, o); },
  lcm(o: Operand) { return B.lcm(this, o); },
  aminmax(o?: { dim?: number; keepdim?: boolean }) { return St.aminmax(this, o); },
  mode(dim?: number, o?: { keepdim?: boolean }) { return OS.mode(this, dim, o); },
  nanmedian(dim?: number, o?: { keepdim?: boolean }) { return dim === undefined ? OS.nanmedian(this) : OS.nanmedian(this, dim, o); },
  nanquantile(q: number | Tensor, dim?: number, o?: { keepdim?: boolean; interpolation?: OS.NanQuantileInterpolation }) { return OS.nanquantile(this, q, dim, o); },
  msort() { return OS.msort(this); },
  cov(o?: St.CovOptions) { return St.cov(this, o); },
  corrcoef() { return St.corrcoef(this); },
  histc(bins?: number, min?: number, max?: number) { return St.histc(this, bins, min, max); },
  indexReduce(d: number, ix: Tensor, src: Tensor, r: IR.IndexReduction, o?: IR.IndexReduceOptions) { return IR.indexReduce(this, d, ix, src, r, o); },
  indexReduce_(d: number, ix: Tensor, src: Tensor, r: IR.IndexReduction, o?: IR.IndexReduceOptions) { return IR.indexReduce_(this, d, ix, src, r, o); },
  bincount(w?: Tensor | null, minlength?: number) { return St.bincount(this, w ?? null, minlength); },
  argwhere() { return SM.argwhere(this); },
  unique(o?: Sel.UniqueOptions) { return Sel.unique(this, o); },
  uniqueConsecutive(o?: SM.UniqueConsecutiveOptions) { return SM.uniqueConsecutive(this, o); },
  where(condition: Tensor, other: Operand) { return E.where(condition, this, other); },
  cross(o: Tensor, dim?: number | null) { return Pr.cross(this, o, dim ?? null); },
  kron(o: Tensor) { return Pr.kron(this, o); },
  addmv(mat: Tensor, vec: Tensor, o?: Pr.ScaleOptions) { return Pr.addmv(this, mat, vec, o); },
  addr(v1: Tensor, v2: Tensor, o?: Pr.ScaleOptions) { return Pr.addr(this, v1, v2, o); },
  addbmm(b1: Tensor, b2: Tensor, o?: Pr.ScaleOptions) { return Pr.addbmm(this, b1, b2, o); },
  baddbmm(b1: Tensor, b2: Tensor, o?: Pr.ScaleOptions) { return Pr.baddbmm(this, b1, b2, o); },
  matrixPower(n: number) { return Pr.matrixPower(this, n); },
  inverse() { return Pr.inverse(this); },
  pinverse(rcond?: number) { return Pr.pinverse(this, rcond); },
  det() { return Pr.det(this); },
  logdet() { return Pr.logdet(this); },
  slogdet() { return Pr.slogdet(this); },
  dist(o: Tensor, p?: number) { return Pr.dist(this, o, p); },
  renorm(p: number, dim: number, maxnorm: number) { return Pr.renorm(this, p, dim, maxnorm); },
  ger(v: Tensor) { return Pr.ger(this, v); },
  vdot(o: Tensor) { return Pr.vdot(this, o); },
  indexCopy(dim: number, index: Tensor, source: Tensor) { return IF.indexCopy(this, dim, index, source); },
  indexFill(dim: number, index: Tensor, value: number | boolean | Tensor) { return IF.indexFill(this, dim, index, value); },
  maskedScatter(mask: Tensor, source: Tensor) { return IF.maskedScatter(this, mask, source); },
  scatterReduce(dim: number, index: Tensor, src: Tensor, reduce: SR.ScatterReduction, o?: { includeSelf?: boolean }) { return SR.scatterReduce(this, dim, index, src, reduce, o); },
  take(index: Tensor) { return IF.take(this, index); },
  put(index: Tensor, source: Tensor, accumulate?: boolean) { return IF.put(this, index, source, accumulate); },
  diagonalScatter(src: Tensor, offset?: number, d1?: number, d2?: number) { return SV.diagonalScatter(this, src, offset, d1, d2); },
  selectScatter(src: Tensor, dim: number, index: number) { return SV.selectScatter(this, src, dim, index); },
  sliceScatter(src: Tensor, dim?: number, start?: number | null, end?: number | null, step?: number) { return SV.sliceScatter(this, src, dim, start ?? null, end ?? null, step); },
  unsqueeze_(dim: number) { return IV.unsqueeze_(this, dim); },
  squeeze_(dim?: number | readonly number[]) { return IV.squeeze_(this, dim); },
  t_() { return IV.t_(this); },
  transpose_(d0: number, d1: number) { return IV.transpose_(this, d0, d1); },
  swapaxes_(d0: number, d1: number) { return IV.transpose_(this, d0, d1); },
  swapdims_(d0: number, d1: number) { return IV.transpose_(this, d0, d1); },
  indexCopy_(dim: number, index: Tensor, source: Tensor) { return IM.indexCopy_(this, dim, index, source); },
  indexFill_(dim: number, index: Tensor, value: number | boolean | Tensor) { return IM.indexFill_(this, dim, index, value); },
  maskedScatter_(mask: Tensor, source: Tensor) { return IM.maskedScatter_(this, mask, source); },
  scatterReduce_(dim: number, index: Tensor, src: Tensor, reduce: SR.ScatterReduction, o?: { includeSelf?: boolean }) { return IM.scatterReduce_(this, dim, index, src, reduce, o); },
  put_(index: Tensor, source: Tensor, accumulate?: boolean) { return IM.put_(this, index, source, accumulate); },
  fillDiagonal_(v: number, wrap?: boolean) { return IM.fillDiagonal_(this, v, wrap); },
  triu_(diagonal?: number) { return IM.triu_(this, diagonal); },
  tril_(diagonal?: number) { return IM.tril_(this, diagonal); },
  cumsum_(dim: number) { return IM.cumsum_(this, dim); },
  cumprod_(dim: number) { return IM.cumprod_(this, dim); },
  renorm_(p: number, dim: number, maxnorm: number) { return IM.renorm_(this, p, dim, maxnorm); },
  addmm_(m1: Tensor, m2: Tensor, o?: Pr.ScaleOptions) { return inplace(this, "addmm_", [m1, m2], (s) => L.addmm(s, m1, m2, o)); },
  addmv_(mat: Tensor, vec: Tensor, o?: Pr.ScaleOptions) { return IM.addmv_(this, mat, vec, o); },
  addr_(v1: Tensor, v2: Tensor, o?: Pr.ScaleOptions) { return IM.addr_(this, v1, v2, o); },
  addbmm_(b1: Tensor, b2: Tensor, o?: Pr.ScaleOptions) { return IM.addbmm_(this, b1, b2, o); },
  baddbmm_(b1: Tensor, b2: Tensor, o?: Pr.ScaleOptions) { return IM.baddbmm_(this, b1, b2, o); },
  ceil_() { return IM.ceil_(this); },
  sin_() { return IM.sin_(this); },
  cos_() { return IM.cos_(this); },
  tan_() { return IM.tan_(this); },
  sinh_() { return IM.sinh_(this); },
  cosh_() { return IM.cosh_(this); },
  asin_() { return IM.asin_(this); },
  acos_() { return IM.acos_(this); },
  atan_() { return IM.atan_(this); },
  asinh_() { return IM.asinh_(this); },
  acosh_() { return IM.acosh_(this); },
  atanh_() { return IM.atanh_(this); },
  arcsin_() { return IM.asin_(this); },
  arccos_() { return IM.acos_(this); },
  arctan_() { return IM.atan_(this); },
  arcsinh_() { return IM.asinh_(this); },
  arccosh_() { return IM.acosh_(this); },
  arctanh_() { return IM.atanh_(this); },
  erf_() { return IM.erf_(this); },
  erfc_() { return IM.erfc_(this); },
  erfinv_() { return IM.erfinv_(this); },
  exp2_() { return IM.exp2_(this); },
  expm1_() { return IM.expm1_(this); },
  log2_() { return IM.log2_(this); },
  log10_() { return IM.log10_(this); },
  log1p_() { return IM.log1p_(this); },
  reciprocal_() { return IM.reciprocal_(this); },
  rsqrt_() { return IM.rsqrt_(this); },
  sign_() { return IM.sign_(this); },
  sgn_() { return IM.sgn_(this); },
  square_() { return IM.square_(this); },
  frac_() { return IM.frac_(this); },
  deg2rad_() { return IM.deg2rad_(this); },
  rad2deg_() { return IM.rad2deg_(this); },
  digamma_() { return IM.digamma_(this); },
  lgamma_() { return IM.lgamma_(this); },
  polygamma_(n: number) { return IM.polygamma_(this, n); },
  i0_() { return IM.i0_(this); },
  sinc_() { return IM.sinc_(this); },
  fix_() { return IM.fix_(this); },
  absolute_() { return this.abs_(); },
  negative_() { return this.neg_(); },
  logit_(eps?: number | null) { return IM.logit_(this, eps ?? null); },
  nanToNum_(o?: P.NanToNumOptions) { return IM.nanToNum_(this, o); },
  clampMin_(min: number | Tensor) { return IM.clampMin_(this, min); },
  clampMax_(max: number | Tensor) { return IM.clampMax_(this, max); },
  clip_(min?: number | Tensor | E.ClampBounds | null, max?: number | Tensor | null) { return IM.clip_(this, ...E.clampBounds(min ?? null, max ?? null)); },
  fmod_(o: Operand) { return IM.fmod_(this, o); },
  remainder_(o: Operand) { return IM.remainder_(this, o); },
  atan2_(o: Operand) { return IM.atan2_(this, o); },
  arctan2_(o: Operand) { return IM.atan2_(this, o); },
  hypot_(o: Operand) { return IM.hypot_(this, o); },
  xlogy_(o: Operand) { return IM.xlogy_(this, o); },
  copysign_(o: Operand) { return IM.copysign_(this, o); },
  heaviside_(v: Tensor) { return IM.heaviside_(this, v); },
  floorDivide_(o: Operand) { return IM.floorDivide_(this, o); },
  trueDivide_(o: Operand) { return IM.trueDivide_(this, o); },
  floatPower_(e: Operand) { return IM.floatPower_(this, e); },
  ldexp_(o: Tensor) { return IM.ldexp_(this, o); },
  multiply_(o: Operand) { return this.mul_(o); },
  subtract_(o: Operand, opt?: { alpha?: number }) { return this.sub_(o, opt); },
  divide_(o: Operand) { return this.div_(o); },
  bitwiseAnd_(o: Operand) { return IM.bitwiseAnd_(this, o); },
  bitwiseOr_(o: Operand) { return IM.bitwiseOr_(this, o); },
  bitwiseXor_(o: Operand) { return IM.bitwiseXor_(this, o); },
  bitwiseNot_() { return IM.bitwiseNot_(this); },
  bitwiseLeftShift_(o: Operand) { return IM.bitwiseLeftShift_(this, o); },
  bitwiseRightShift_(o: Operand) { return IM.bitwiseRightShift_(this, o); },
  gcd_(o: Operand) { return IM.gcd_(this, o); },
  lcm_(o: Operand) { return IM.lcm_(this, o); },
  eq_(o: Operand) { return IM.eq_(this, o); },
  ne_(o: Operand) { return IM.ne_(this, o); },
  lt_(o: Operand) { return IM.lt_(this, o); },
  le_(o: Operand) { return IM.le_(this, o); },
  gt_(o: Operand) { return IM.gt_(this, o); },
  ge_(o: Operand) { return IM.ge_(this, o); },
  logicalAnd_(o: Operand) { return IM.logicalAnd_(this, o); },
  logicalOr_(o: Operand) { return IM.logicalOr_(this, o); },
  logicalXor_(o: Operand) { return IM.logicalXor_(this, o); },
  logicalNot_() { return IM.logicalNot_(this); },
};

Object.defineProperty(Tensor.prototype, "ndim", {
  get(this: Tensor) {
    return this.shape.length;
  },
  configurable: true,
});

for (const [name, fn] of Object.entries(methods)) {
  Object.defineProperty(Tensor.prototype, name, { value: fn, writable: true, configurable: true });
}
