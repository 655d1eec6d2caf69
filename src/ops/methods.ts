/**
 * Installs the ops as Tensor methods (`x.add(y)`, `x.sum(1)`, ...), so the
 * Tensor class itself stays a plain holder of state and imports point down.
 */
import { backward as runBackward, gradientEdge, type BackwardOptions } from "../autograd/engine.js";
import { AccumulateGrad } from "../autograd/node.js";
import { bytesPerElement, type DType, type TypedArray } from "../tensor/dtype.js";
import { formatTensor, readValues } from "../tensor/format.js";
import { Tensor, type TensorHook } from "../tensor/tensor.js";
import { castData } from "./core.js";
import * as E from "./elementwise.js";
import * as I from "./inplace.js";
import * as X from "./indexing.js";
import * as L from "./linalg.js";
import * as R from "./reduce.js";
import * as S from "./softmax.js";
import * as D from "./diagonal.js";
import * as J from "./joining.js";
import * as G from "./gamma.js";
import * as M from "./masking.js";
import * as Mth from "./math.js";
import * as Re from "./rearrange.js";
import * as IV from "./inplace-variants.js";
import * as Smp from "./sampling.js";
import * as Sel from "./selection.js";
import * as C from "./scan.js";
import * as O from "./sorting.js";
import * as V from "./views.js";
import * as TI from "./tensor-index.js";
import * as RF from "./random-fills.js";
import { to as toFn, type ToOptions } from "./to.js";
import { toLong } from "./to-long.js";
import type { DeviceLike } from "../tensor/device.js";
import type { Generator } from "./random.js";

type Operand = Tensor | number;

declare module "../tensor/tensor.js" {
  interface Tensor {
    add(other: Operand, options?: { alpha?: number }): Tensor;
    sub(other: Operand, options?: { alpha?: number }): Tensor;
    mul(other: Operand): Tensor;
    div(other: Operand, options?: { roundingMode?: "trunc" | "floor" }): Tensor;
    pow(exponent: Operand): Tensor;
    neg(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    sqrt(): Tensor;
    abs(): Tensor;
    sin(): Tensor;
    cos(): Tensor;
    tanh(): Tensor;
    sigmoid(): Tensor;
    relu(): Tensor;
    sign(): Tensor;
    erf(): Tensor;
    floor(): Tensor;
    ceil(): Tensor;
    round(): Tensor;
    reciprocal(): Tensor;
    log1p(): Tensor;
    expm1(): Tensor;
    clamp(min?: number | Tensor | null, max?: number | Tensor | null): Tensor;
    /** `x.clamp(min=..., max=...)`: either bound may be left out. */
    clamp(bounds: E.ClampBounds): Tensor;
    maximum(other: Tensor): Tensor;
    minimum(other: Tensor): Tensor;
    eq(other: Operand): Tensor;
    ne(other: Operand): Tensor;
    lt(other: Operand): Tensor;
    le(other: Operand): Tensor;
    gt(other: Operand): Tensor;
    ge(other: Operand): Tensor;
    logicalAnd(other: Operand): Tensor;
    logicalOr(other: Operand): Tensor;
    logicalNot(): Tensor;
    isnan(): Tensor;
    matmul(other: Tensor): Tensor;
    mm(other: Tensor): Tensor;
    bmm(other: Tensor): Tensor;
    dot(other: Tensor): Tensor;
    mv(vec: Tensor): Tensor;
    sum(dim?: R.Dims, options?: R.ReduceOptions): Tensor;
    mean(dim?: R.Dims, options?: R.ReduceOptions): Tensor;
    prod(dim?: number, options?: R.ReduceOptions): Tensor;
    max(): Tensor;
    max(dim: number, options?: R.ReduceOptions): R.ValuesIndices;
    min(): Tensor;
    min(dim: number, options?: R.ReduceOptions): R.ValuesIndices;
    argmax(dim?: number, options?: R.ReduceOptions): Tensor;
    argmin(dim?: number, options?: R.ReduceOptions): Tensor;
    var(dim?: R.Dims, options?: R.ReduceOptions & { correction?: number }): Tensor;
    std(dim?: R.Dims, options?: R.ReduceOptions & { correction?: number }): Tensor;
    square(): Tensor;
    rsqrt(): Tensor;
    isclose(other: Tensor, options?: E.CloseOptions): Tensor;
    allclose(other: Tensor, options?: E.CloseOptions): boolean;
    logsumexp(dim: R.Dims, options?: R.ReduceOptions): Tensor;
    any(dim?: R.Dims, options?: R.ReduceOptions): Tensor;
    all(dim?: R.Dims, options?: R.ReduceOptions): Tensor;
    norm(p?: number, dim?: R.Dims, options?: R.ReduceOptions): Tensor;
    amax(dim?: R.Dims, options?: R.ReduceOptions): Tensor;
    amin(dim?: R.Dims, options?: R.ReduceOptions): Tensor;
    log2(): Tensor;
    log10(): Tensor;
    sinh(): Tensor;
    cosh(): Tensor;
    asin(): Tensor;
    acos(): Tensor;
    atan(): Tensor;
    asinh(): Tensor;
    acosh(): Tensor;
    atanh(): Tensor;
    erfinv(): Tensor;
    lgamma(): Tensor;
    digamma(): Tensor;
    polygamma(n: number): Tensor;
    trunc(): Tensor;
    frac(): Tensor;
    sgn(): Tensor;
    logit(eps?: number | null): Tensor;
    deg2rad(): Tensor;
    rad2deg(): Tensor;
    isinf(): Tensor;
    isfinite(): Tensor;
    fmod(other: Operand): Tensor;
    remainder(other: Operand): Tensor;
    atan2(other: Operand): Tensor;
    hypot(other: Operand): Tensor;
    logaddexp(other: Operand): Tensor;
    xlogy(other: Operand): Tensor;
    lerp(end: Tensor, weight: Operand): Tensor;
    addcmul(t1: Tensor, t2: Tensor, options?: { value?: number }): Tensor;
    addcdiv(t1: Tensor, t2: Tensor, options?: { value?: number }): Tensor;
    diagonal(offset?: number, dim1?: number, dim2?: number): Tensor;
    diag(diagonal?: number): Tensor;
    diagEmbed(offset?: number, dim1?: number, dim2?: number): Tensor;
    diagflat(offset?: number): Tensor;
    trace(): Tensor;
    movedim(source: number | readonly number[], destination: number | readonly number[]): Tensor;
    swapaxes(axis0: number, axis1: number): Tensor;
    tile(...dims: number[] | [readonly number[]]): Tensor;
    repeatInterleave(repeats: number | Tensor, dim?: number): Tensor;
    roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor;
    rot90(k?: number, dims?: readonly number[]): Tensor;
    flipud(): Tensor;
    fliplr(): Tensor;
    outer(other: Tensor): Tensor;
    addmm(m1: Tensor, m2: Tensor, options?: { beta?: number; alpha?: number }): Tensor;
    argsort(options?: { dim?: number; descending?: boolean; stable?: boolean }): Tensor;
    nonzero(): Tensor;
    maskedSelect(mask: Tensor): Tensor;
    countNonzero(dim?: R.Dims): Tensor;
    scatter(dim: number, index: Tensor, src: Tensor | number): Tensor;
    scatter_(dim: number, index: Tensor, src: Tensor | number): Tensor;
    scatterAdd_(dim: number, index: Tensor, src: Tensor): Tensor;
    indexAdd_(dim: number, index: Tensor, src: Tensor): Tensor;
    maskedFill_(mask: Tensor, value: number): Tensor;
    exp_(): Tensor;
    log_(): Tensor;
    sqrt_(): Tensor;
    neg_(): Tensor;
    abs_(): Tensor;
    sigmoid_(): Tensor;
    tanh_(): Tensor;
    floor_(): Tensor;
    round_(): Tensor;
    trunc_(): Tensor;
    pow_(exponent: Operand): Tensor;
    lerp_(end: Tensor, weight: Operand): Tensor;
    addcmul_(t1: Tensor, t2: Tensor, options?: { value?: number }): Tensor;
    addcdiv_(t1: Tensor, t2: Tensor, options?: { value?: number }): Tensor;
    multinomial(numSamples: number, options?: { replacement?: boolean; generator?: Generator }): Tensor;
    bernoulli(options?: { generator?: Generator }): Tensor;
    median(): Tensor;
    median(dim: number, options?: { keepdim?: boolean }): R.ValuesIndices;
    kthvalue(k: number, dim?: number, options?: { keepdim?: boolean }): R.ValuesIndices;
    quantile(q: number | Tensor, dim?: number, options?: { keepdim?: boolean; interpolation?: O.QuantileInterpolation }): Tensor;
    cumprod(dim: number): Tensor;
    cummax(dim: number): R.ValuesIndices;
    cummin(dim: number): R.ValuesIndices;
    logcumsumexp(dim: number): Tensor;
    diff(n?: number, dim?: number, options?: { prepend?: Tensor; append?: Tensor }): Tensor;
    nansum(dim?: R.Dims, options?: R.ReduceOptions): Tensor;
    nanmean(dim?: R.Dims, options?: R.ReduceOptions): Tensor;
    equal(other: Tensor): boolean;
    unflatten(dim: number, sizes: readonly number[]): Tensor;
    broadcastTo(shape: readonly number[]): Tensor;
    takeAlongDim(indices: Tensor, dim?: number): Tensor;
    /** `view(other.shape)`. */
    viewAs(other: Tensor): Tensor;
    /** The last two dims transposed (a view), as PyTorch's `x.mT`. */
    readonly mT: Tensor;
    /** All dims reversed (a view), as PyTorch's `x.T`. */
    readonly T: Tensor;
    maskedFill(mask: Tensor, value: number): Tensor;
    tril(diagonal?: number): Tensor;
    triu(diagonal?: number): Tensor;
    cumsum(dim: number): Tensor;
    sort(options?: { dim?: number; descending?: boolean }): R.ValuesIndices;
    topk(k: number, options?: { dim?: number; largest?: boolean }): R.ValuesIndices;
    flip(...dims: number[] | [readonly number[]]): Tensor;
    repeat(...sizes: number[] | [readonly number[]]): Tensor;
    softmax(dim: number): Tensor;
    logSoftmax(dim: number): Tensor;
    gather(dim: number, index: Tensor): Tensor;
    scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor;
    indexSelect(dim: number, index: Tensor): Tensor;
    indexAdd(dim: number, index: Tensor, src: Tensor): Tensor;
    split(size: number | readonly number[], dim?: number): Tensor[];
    chunk(chunks: number, dim?: number): Tensor[];
    tensorSplit(sectionsOrIndices: number | readonly number[] | Tensor, dim?: number): Tensor[];
    hsplit(sectionsOrIndices: number | readonly number[]): Tensor[];
    vsplit(sectionsOrIndices: number | readonly number[]): Tensor[];
    dsplit(sectionsOrIndices: number | readonly number[]): Tensor[];
    unbind(dim?: number): Tensor[];
    view(...shape: number[] | [readonly number[]]): Tensor;
    reshape(...shape: number[] | [readonly number[]]): Tensor;
    contiguous(): Tensor;
    clone(): Tensor;
    transpose(dim0: number, dim1: number): Tensor;
    t(): Tensor;
    permute(...dims: number[] | [readonly number[]]): Tensor;
    unsqueeze(dim: number): Tensor;
    squeeze(dim?: number | readonly number[]): Tensor;
    flatten(startDim?: number, endDim?: number): Tensor;
    expand(...shape: number[] | [readonly number[]]): Tensor;
    expandAs(other: Tensor): Tensor;
    narrow(dim: number, start: number, length: number): Tensor;
    select(dim: number, index: number): Tensor;
    /** Python's `x[elements]` (PyTorch C++'s `x.index({...})`): a view for basic elements, a copy with index tensors or masks. */
    index(elements: readonly TI.TensorIndex[]): Tensor;
    /** Python's `x[elements] = value` in place (PyTorch C++'s `x.index_put_({...}, value)`); returns this tensor. */
    indexPut_(elements: readonly TI.TensorIndex[], value: Tensor | number, options?: { accumulate?: boolean }): Tensor;
    /** This tensor in `dtype` (itself when already so, unless `copy`), as `Tensor.to(dtype)`. */
    to(dtype: DType, options?: ToOptions): Tensor;
    /** This tensor on `device` (only the CPU exists: any other raises PyTorch's CPU-only error), optionally in `dtype`. */
    to(device: DeviceLike, dtype?: DType, options?: ToOptions): Tensor;
    /** This tensor on `device`, with options (`copy`). */
    to(device: DeviceLike, options: ToOptions): Tensor;
    /** This tensor in `other`'s dtype. */
    to(other: Tensor, options?: ToOptions): Tensor;
    /** `to(dtype=..., device=..., copy=...)`. */
    to(options: ToOptions): Tensor;
    float(): Tensor;
    double(): Tensor;
    int(): Tensor;
    /** int32, torchlet's integer dtype (PyTorch's long is int64); a value int32 cannot hold raises. */
    long(): Tensor;
    bool(): Tensor;
    add_(other: Operand, options?: { alpha?: number }): Tensor;
    sub_(other: Operand, options?: { alpha?: number }): Tensor;
    mul_(other: Operand): Tensor;
    div_(other: Operand): Tensor;
    clamp_(min?: number | Tensor | null, max?: number | Tensor | null): Tensor;
    clamp_(bounds: E.ClampBounds): Tensor;
    relu_(): Tensor;
    copy_(src: Tensor): Tensor;
    fill_(value: number | boolean): Tensor;
    zero_(): Tensor;
    normal_(mean?: number, std?: number, options?: { generator?: Generator }): Tensor;
    uniform_(from?: number, to?: number, options?: { generator?: Generator }): Tensor;
    /**
     * The value of a one-element tensor, as a JS number: a bool tensor gives
     * 1 or 0 where PyTorch gives True or False (one return type keeps
     * `loss.item() < 1e-4` typed; `tolist()` gives booleans).
     */
    item(): number;
    /** `numel()` under its older PyTorch name. */
    nelement(): number;
    /** Where this tensor's first element sits in its storage, in elements (nonzero for many views). */
    storageOffset(): number;
    /** Bytes per element: 4 for float32 and int32, 8 for float64, 1 for bool. */
    elementSize(): number;
    /** `elementSize()` as a property, as PyTorch 2.x's `x.itemsize`. */
    readonly itemsize: number;
    /** Nested JS arrays of the values (booleans for bool tensors). */
    tolist(): unknown;
    /** A contiguous typed-array copy of the values. */
    toArray(): TypedArray;
    toString(): string;
    /**
     * Computes the gradient of this tensor w.r.t. the graph's leaves (PyTorch's
     * `backward(gradient, retain_graph, create_graph, inputs)`). The options may
     * also come first when there is no gradient: `loss.backward({ createGraph: true })`.
     */
    backward(gradient?: Tensor | null, options?: BackwardOptions): void;
    backward(options: BackwardOptions): void;
    retainGrad(): void;
    /** Whether this non-leaf keeps its `.grad` after backward. */
    readonly retainsGrad: boolean;
    registerHook(hook: TensorHook): { remove(): void };
    detach(): Tensor;
    detach_(): Tensor;
    requiresGrad_(requiresGrad?: boolean): Tensor;
  }
}

function shapeArgs(args: number[] | [readonly number[]]): readonly number[] {
  return Array.isArray(args[0]) ? (args[0] as readonly number[]) : (args as number[]);
}

function detach(this: Tensor): Tensor {
  const out = new Tensor(this.storage, this.shape, this.strides, this.offset);
  out._inference = this._inference;
  return out;
}

function toNested(t: Tensor): unknown {
  const values = readValues(t);
  const conv = t.dtype === "bool" ? (v: number) => v !== 0 : (v: number) => v;
  if (t.shape.length === 0) return conv(values[0]!);
  let i = 0;
  const build = (dim: number): unknown[] =>
    Array.from({ length: t.shape[dim]! }, () => (dim === t.shape.length - 1 ? conv(values[i++]!) : build(dim + 1)));
  return build(0);
}

const methods: Partial<Record<keyof Tensor, unknown>> & ThisType<Tensor> = {
  add(o: Operand, opt?: { alpha?: number }) { return E.add(this, o, opt); },
  sub(o: Operand, opt?: { alpha?: number }) { return E.sub(this, o, opt); },
  mul(o: Operand) { return E.mul(this, o); },
  div(o: Operand, opt?: { roundingMode?: "trunc" | "floor" }) { return E.div(this, o, opt); },
  pow(o: Operand) { return E.pow(this, o); },
  neg() { return E.neg(this); },
  exp() { return E.exp(this); },
  log() { return E.log(this); },
  sqrt() { return E.sqrt(this); },
  abs() { return E.abs(this); },
  sin() { return E.sin(this); },
  cos() { return E.cos(this); },
  tanh() { return E.tanh(this); },
  sigmoid() { return E.sigmoid(this); },
  relu() { return E.relu(this); },
  sign() { return E.sign(this); },
  erf() { return E.erf(this); },
  floor() { return E.floor(this); },
  ceil() { return E.ceil(this); },
  round() { return E.round(this); },
  reciprocal() { return E.reciprocal(this); },
  log1p() { return E.log1p(this); },
  expm1() { return E.expm1(this); },
  clamp(min?: number | Tensor | E.ClampBounds | null, max?: number | Tensor | null) { return E.clamp(this, min ?? null, max ?? null); },
  maximum(o: Tensor) { return E.maximum(this, o); },
  minimum(o: Tensor) { return E.minimum(this, o); },
  eq(o: Operand) { return E.eq(this, o); },
  ne(o: Operand) { return E.ne(this, o); },
  lt(o: Operand) { return E.lt(this, o); },
  le(o: Operand) { return E.le(this, o); },
  gt(o: Operand) { return E.gt(this, o); },
  ge(o: Operand) { return E.ge(this, o); },
  logicalAnd(o: Operand) { return E.logicalAnd(this, o); },
  logicalOr(o: Operand) { return E.logicalOr(this, o); },
  logicalNot() { return E.logicalNot(this); },
  isnan() { return E.isnan(this); },
  matmul(o: Tensor) { return L.matmul(this, o); },
  mm(o: Tensor) { return L.mm(this, o); },
  bmm(o: Tensor) { return L.bmm(this, o); },
  dot(o: Tensor) { return L.dot(this, o); },
  mv(o: Tensor) { return L.mv(this, o); },
  sum(dim?: R.Dims, opt?: R.ReduceOptions) { return R.sum(this, dim, opt); },
  mean(dim?: R.Dims, opt?: R.ReduceOptions) { return R.mean(this, dim, opt); },
  prod(dim?: number, opt?: R.ReduceOptions) { return R.prod(this, dim, opt); },
  max(dim?: number, opt?: R.ReduceOptions) { return dim === undefined ? R.max(this) : R.max(this, dim, opt); },
  min(dim?: number, opt?: R.ReduceOptions) { return dim === undefined ? R.min(this) : R.min(this, dim, opt); },
  argmax(dim?: number, opt?: R.ReduceOptions) { return R.argmax(this, dim, opt); },
  argmin(dim?: number, opt?: R.ReduceOptions) { return R.argmin(this, dim, opt); },
  var(dim?: R.Dims, opt?: R.ReduceOptions & { correction?: number }) { return R.variance(this, dim, opt); },
  std(dim?: R.Dims, opt?: R.ReduceOptions & { correction?: number }) { return R.std(this, dim, opt); },
  square() { return E.square(this); },
  rsqrt() { return E.rsqrt(this); },
  isclose(o: Tensor, opt?: E.CloseOptions) { return E.isclose(this, o, opt); },
  allclose(o: Tensor, opt?: E.CloseOptions) { return E.allclose(this, o, opt); },
  logsumexp(dim: R.Dims, opt?: R.ReduceOptions) { return R.logsumexp(this, dim, opt); },
  any(dim?: R.Dims, opt?: R.ReduceOptions) { return R.any(this, dim, opt); },
  all(dim?: R.Dims, opt?: R.ReduceOptions) { return R.all(this, dim, opt); },
  norm(p?: number, dim?: R.Dims, opt?: R.ReduceOptions) { return R.norm(this, p, dim, opt); },
  amax(dim?: R.Dims, opt?: R.ReduceOptions) { return R.amax(this, dim, opt); },
  amin(dim?: R.Dims, opt?: R.ReduceOptions) { return R.amin(this, dim, opt); },
  log2() { return Mth.log2(this); },
  log10() { return Mth.log10(this); },
  sinh() { return Mth.sinh(this); },
  cosh() { return Mth.cosh(this); },
  asin() { return Mth.asin(this); },
  acos() { return Mth.acos(this); },
  atan() { return Mth.atan(this); },
  asinh() { return Mth.asinh(this); },
  acosh() { return Mth.acosh(this); },
  atanh() { return Mth.atanh(this); },
  erfinv() { return Mth.erfinv(this); },
  lgamma() { return G.lgamma(this); },
  digamma() { return G.digamma(this); },
  polygamma(n: number) { return G.polygamma(n, this); },
  trunc() { return Mth.trunc(this); },
  frac() { return Mth.frac(this); },
  sgn() { return Mth.sgn(this); },
  logit(eps?: number | null) { return Mth.logit(this, eps ?? null); },
  deg2rad() { return Mth.deg2rad(this); },
  rad2deg() { return Mth.rad2deg(this); },
  isinf() { return Mth.isinf(this); },
  isfinite() { return Mth.isfinite(this); },
  fmod(o: Operand) { return Mth.fmod(this, o); },
  remainder(o: Operand) { return Mth.remainder(this, o); },
  atan2(o: Operand) { return Mth.atan2(this, o); },
  hypot(o: Operand) { return Mth.hypot(this, o); },
  logaddexp(o: Operand) { return Mth.logaddexp(this, o); },
  xlogy(o: Operand) { return Mth.xlogy(this, o); },
  lerp(end: Tensor, weight: Operand) { return Mth.lerp(this, end, weight); },
  addcmul(t1: Tensor, t2: Tensor, opt?: { value?: number }) { return Mth.addcmul(this, t1, t2, opt); },
  addcdiv(t1: Tensor, t2: Tensor, opt?: { value?: number }) { return Mth.addcdiv(this, t1, t2, opt); },
  diagonal(offset?: number, dim1?: number, dim2?: number) { return D.diagonal(this, offset, dim1, dim2); },
  diag(diagonal?: number) { return D.diag(this, diagonal); },
  diagEmbed(offset?: number, dim1?: number, dim2?: number) { return D.diagEmbed(this, offset, dim1, dim2); },
  diagflat(offset?: number) { return D.diagflat(this, offset); },
  trace() { return D.trace(this); },
  movedim(source: number | readonly number[], destination: number | readonly number[]) { return Re.movedim(this, source, destination); },
  swapaxes(axis0: number, axis1: number) { return Re.swapaxes(this, axis0, axis1); },
  tile(...dims: number[] | [readonly number[]]) { return Re.tile(this, shapeArgs(dims)); },
  repeatInterleave(repeats: number | Tensor, dim?: number) { return Re.repeatInterleave(this, repeats, dim); },
  roll(shifts: number | readonly number[], dims?: number | readonly number[]) { return Re.roll(this, shifts, dims); },
  rot90(k?: number, dims?: readonly number[]) { return Re.rot90(this, k, dims); },
  flipud() { return Re.flipud(this); },
  fliplr() { return Re.fliplr(this); },
  outer(o: Tensor) { return L.outer(this, o); },
  addmm(m1: Tensor, m2: Tensor, opt?: { beta?: number; alpha?: number }) { return L.addmm(this, m1, m2, opt); },
  argsort(opt?: { dim?: number; descending?: boolean; stable?: boolean }) { return O.argsort(this, opt); },
  nonzero() { return Sel.nonzero(this); },
  maskedSelect(mask: Tensor) { return Sel.maskedSelect(this, mask); },
  countNonzero(dim?: R.Dims) { return Sel.countNonzero(this, dim); },
  scatter(dim: number, index: Tensor, src: Tensor | number) { return X.scatter(this, dim, index, src); },
  scatter_(dim: number, index: Tensor, src: Tensor | number) { return IV.scatter_(this, dim, index, src); },
  scatterAdd_(dim: number, index: Tensor, src: Tensor) { return IV.scatterAdd_(this, dim, index, src); },
  indexAdd_(dim: number, index: Tensor, src: Tensor) { return IV.indexAdd_(this, dim, index, src); },
  maskedFill_(mask: Tensor, value: number) { return IV.maskedFill_(this, mask, value); },
  exp_() { return IV.exp_(this); },
  log_() { return IV.log_(this); },
  sqrt_() { return IV.sqrt_(this); },
  neg_() { return IV.neg_(this); },
  abs_() { return IV.abs_(this); },
  sigmoid_() { return IV.sigmoid_(this); },
  tanh_() { return IV.tanh_(this); },
  floor_() { return IV.floor_(this); },
  round_() { return IV.round_(this); },
  trunc_() { return IV.trunc_(this); },
  pow_(exponent: Operand) { return IV.pow_(this, exponent); },
  lerp_(end: Tensor, weight: Operand) { return IV.lerp_(this, end, weight); },
  addcmul_(t1: Tensor, t2: Tensor, opt?: { value?: number }) { return IV.addcmul_(this, t1, t2, opt); },
  addcdiv_(t1: Tensor, t2: Tensor, opt?: { value?: number }) { return IV.addcdiv_(this, t1, t2, opt); },
  multinomial(numSamples: number, opt?: { replacement?: boolean; generator?: Generator }) { return Smp.multinomial(this, numSamples, opt); },
  bernoulli(opt?: { generator?: Generator }) { return Smp.bernoulli(this, opt); },
  median(dim?: number, opt?: { keepdim?: boolean }) { return dim === undefined ? O.median(this) : O.median(this, dim, opt); },
  kthvalue(k: number, dim?: number, opt?: { keepdim?: boolean }) { return O.kthvalue(this, k, dim, opt); },
  quantile(q: number | Tensor, dim?: number, opt?: { keepdim?: boolean; interpolation?: O.QuantileInterpolation }) { return O.quantile(this, q, dim, opt); },
  cumprod(dim: number) { return C.cumprod(this, dim); },
  cummax(dim: number) { return C.cummax(this, dim); },
  cummin(dim: number) { return C.cummin(this, dim); },
  logcumsumexp(dim: number) { return C.logcumsumexp(this, dim); },
  diff(n?: number, dim?: number, opt?: { prepend?: Tensor; append?: Tensor }) { return C.diff(this, n, dim, opt); },
  nansum(dim?: R.Dims, opt?: R.ReduceOptions) { return R.nansum(this, dim, opt); },
  nanmean(dim?: R.Dims, opt?: R.ReduceOptions) { return R.nanmean(this, dim, opt); },
  equal(o: Tensor) { return E.equal(this, o); },
  unflatten(dim: number, sizes: readonly number[]) { return Re.unflatten(this, dim, sizes); },
  broadcastTo(shape: readonly number[]) { return Re.broadcastTo(this, shape); },
  takeAlongDim(indices: Tensor, dim?: number) { return Sel.takeAlongDim(this, indices, dim); },
  viewAs(o: Tensor) { return V.view(this, o.shape); },
  maskedFill(mask: Tensor, value: number) { return M.maskedFill(this, mask, value); },
  tril(diagonal?: number) { return M.tril(this, diagonal); },
  triu(diagonal?: number) { return M.triu(this, diagonal); },
  cumsum(dim: number) { return C.cumsum(this, dim); },
  sort(opt?: { dim?: number; descending?: boolean }) { return O.sort(this, opt); },
  topk(k: number, opt?: { dim?: number; largest?: boolean }) { return O.topk(this, k, opt); },
  flip(...dims: number[] | [readonly number[]]) { return X.flip(this, shapeArgs(dims)); },
  repeat(...sizes: number[] | [readonly number[]]) { return V.repeat(this, shapeArgs(sizes)); },
  softmax(dim: number) { return S.softmax(this, dim); },
  logSoftmax(dim: number) { return S.logSoftmax(this, dim); },
  gather(dim: number, index: Tensor) { return X.gather(this, dim, index); },
  scatterAdd(dim: number, index: Tensor, src: Tensor) { return X.scatterAdd(this, dim, index, src); },
  indexSelect(dim: number, index: Tensor) { return X.indexSelect(this, dim, index); },
  indexAdd(dim: number, index: Tensor, src: Tensor) { return X.indexAdd(this, dim, index, src); },
  split(size: number | readonly number[], dim?: number) { return X.split(this, size, dim); },
  chunk(chunks: number, dim?: number) { return X.chunk(this, chunks, dim); },
  tensorSplit(sectionsOrIndices: number | readonly number[] | Tensor, dim?: number) { return J.tensorSplit(this, sectionsOrIndices, dim); },
  hsplit(sectionsOrIndices: number | readonly number[]) { return J.hsplit(this, sectionsOrIndices); },
  vsplit(sectionsOrIndices: number | readonly number[]) { return J.vsplit(this, sectionsOrIndices); },
  dsplit(sectionsOrIndices: number | readonly number[]) { return J.dsplit(this, sectionsOrIndices); },
  unbind(dim?: number) { return X.unbind(this, dim); },
  view(...shape: number[] | [readonly number[]]) { return V.view(this, shapeArgs(shape)); },
  reshape(...shape: number[] | [readonly number[]]) { return V.reshape(this, shapeArgs(shape)); },
  contiguous() { return V.contiguous(this); },
  clone() { return V.clone(this); },
  transpose(d0: number, d1: number) { return V.transpose(this, d0, d1); },
  t() { return V.t(this); },
  permute(...dims: number[] | [readonly number[]]) { return V.permute(this, shapeArgs(dims)); },
  unsqueeze(dim: number) { return V.unsqueeze(this, dim); },
  squeeze(dim?: number | readonly number[]) { return V.squeeze(this, dim); },
  flatten(s?: number, e?: number) { return V.flatten(this, s, e); },
  expand(...shape: number[] | [readonly number[]]) { return V.expand(this, shapeArgs(shape)); },
  expandAs(o: Tensor) { return V.expand(this, o.shape); },
  narrow(dim: number, start: number, length: number) { return V.narrow(this, dim, start, length); },
  select(dim: number, index: number) { return V.select(this, dim, index); },
  index(elements: readonly TI.TensorIndex[]) { return TI.index(this, elements); },
  indexPut_(elements: readonly TI.TensorIndex[], value: Tensor | number, opt?: { accumulate?: boolean }) { return TI.indexPut_(this, elements, value, opt); },
  to(a: DeviceLike | Tensor | ToOptions, b?: DType | ToOptions, c?: ToOptions) { return toFn(this, a, b, c); },
  float() { return E.toDtype(this, "float32"); },
  double() { return E.toDtype(this, "float64"); },
  int() { return E.toDtype(this, "int32"); },
  long() { return toLong(this); },
  bool() { return E.toDtype(this, "bool"); },
  add_(o: Operand, opt?: { alpha?: number }) { return I.add_(this, o, opt); },
  sub_(o: Operand, opt?: { alpha?: number }) { return I.sub_(this, o, opt); },
  mul_(o: Operand) { return I.mul_(this, o); },
  div_(o: Operand) { return I.div_(this, o); },
  clamp_(min?: number | Tensor | E.ClampBounds | null, max?: number | Tensor | null) { return I.clamp_(this, ...E.clampBounds(min ?? null, max ?? null)); },
  relu_() { return I.relu_(this); },
  copy_(src: Tensor) { return I.copy_(this, src); },
  fill_(v: number | boolean) { return I.fill_(this, v); },
  zero_() { return I.zero_(this); },
  normal_(mean?: number, std?: number, opt?: { generator?: Generator }) { return RF.normal_(this, mean, std, opt); },
  uniform_(from?: number, to?: number, opt?: { generator?: Generator }) { return RF.uniform_(this, from, to, opt); },
  item() {
    const n = this.numel();
    if (n !== 1) throw new Error(`only one element tensors can be converted to Python scalars (item() of a tensor with ${n} elements)`);
    return readValues(this)[0]!;
  },
  nelement() { return this.numel(); },
  storageOffset() { return this.offset; },
  elementSize() { return bytesPerElement(this.dtype); },
  tolist() { return toNested(this); },
  toArray() { return castData(this, this.dtype).data; },
  toString() { return formatTensor(this); },
  backward(gradient?: Tensor | null | BackwardOptions, options?: BackwardOptions) {
    // an options object in the gradient's place: there is no gradient
    if (gradient != null && !(gradient instanceof Tensor) && !Array.isArray(gradient) && options === undefined) runBackward(this, null, gradient);
    else runBackward(this, (gradient ?? null) as Tensor | null, options);
  },
  retainGrad() {
    if (!this.requiresGrad) throw new Error("can't retain_grad on Tensor that has requires_grad=False");
    if (this.isLeaf || this._retainsGrad) return;
    this._retainsGrad = true;
    const node = this.gradFn!;
    node.retained ??= new Map();
    node.retained.set(this.outputNr, this);
  },
  registerHook(hook: TensorHook) {
    if (!this.requiresGrad) throw new Error("cannot register a hook on a tensor that doesn't require gradient");
    const edge = gradientEdge(this);
    return edge.node.addPreHook(edge.inputNr, hook);
  },
  detach,
  detach_() {
    if (this._base !== null) {
      throw new Error("Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set as True, gradients are views of DDP buckets, and hence detach_() cannot be called on these gradients. To fix this error, please refer to the Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution.");
    }
    // PyTorch's detach_ keeps the tensor's hooks (they live on the tensor): once it requires grad again, as a
    // leaf, the hooks registered while it had a gradFn run on its gradient (the same list: a handle still removes)
    const hooks = this._gradFn?.tensorPreHooks?.get(this.outputNr);
    if (hooks !== undefined && hooks.length > 0) (((this._accumulator ??= new AccumulateGrad(this)).tensorPreHooks ??= new Map())).set(0, hooks);
    this.gradFn = null;
    this._requiresGrad = false;
    return this;
  },
  requiresGrad_(requiresGrad = true) {
    this.requiresGrad = requiresGrad;
    return this;
  },
};

Object.defineProperty(Tensor.prototype, "retainsGrad", {
  get(this: Tensor) {
    return this._retainsGrad;
  },
});
Object.defineProperty(Tensor.prototype, "itemsize", {
  get(this: Tensor) {
    return bytesPerElement(this.dtype);
  },
});
Object.defineProperty(Tensor.prototype, "mT", {
  get(this: Tensor) {
    if (this.dim() < 2) throw new Error(`tensor.mT is only supported on matrices or batches of matrices. Got ${this.dim()}-D tensor.`);
    return V.transpose(this, -2, -1);
  },
});
Object.defineProperty(Tensor.prototype, "T", {
  get(this: Tensor) {
    return V.permute(this, [...Array(this.dim()).keys()].reverse());
  },
});

for (const [name, fn] of Object.entries(methods)) {
  Object.defineProperty(Tensor.prototype, name, { value: fn, writable: true, configurable: true });
}

Object.defineProperty(Tensor.prototype, Symbol.for("nodejs.util.inspect.custom"), {
  value(this: Tensor) {
    return formatTensor(this);
  },
});
