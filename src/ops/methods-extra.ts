/**
 * Installs the in-place samplers of random-fills.ts (`x.random_`,
 * `x.bernoulli_`, `x.exponential_`, ...), `x.histogram`, and the methods
 * PyTorch has for functions torchlet had only as `torch.*` or `F.*`
 * (`x.inner`, `x.nextafter`, `x.igamma`, `x.prelu`, `x.indexPut`, ...), in
 * the way methods.ts does.
 */
import { hardshrink as hardshrinkFn } from "../nn/shrink-functions.js";
import { prelu as preluFn } from "../nn/functional.js";
import { CPU, type Device, requireCpu } from "../tensor/device.js";
import { Tensor } from "../tensor/tensor.js";
import { histogram, type HistogramOptions, type HistogramResult } from "./histogram.js";
import { inplace } from "./inplace.js";
import { split } from "./indexing.js";
import { matrixExp as matrixExpFn } from "./linalg/matrix-exp.js";
import { nextafter as nextafterFn } from "./nextafter.js";
import { inner as innerFn } from "./products.js";
import { clone } from "./views.js";
import * as R from "./random-fills.js";
import { gammainc, gammaincc, multigammaln } from "./special-more.js";
import type { TensorIndex } from "./tensor-index.js";

type Operand = Tensor | number;

declare module "../tensor/tensor.js" {
  interface Tensor {
    /** Uniform integers in place: `random_()` over the dtype's exact range, `random_(to)` over [0, to), `random_(from, to)` over [from, to), `random_(from, null)` from `from` up. */
    random_(fromOrTo?: number, to?: number | null, options?: R.GeneratorOption): Tensor;
    /** 1 with probability `p` (a number or a tensor that expands to this shape), else 0, in place. */
    bernoulli_(p?: number | Tensor, options?: R.GeneratorOption): Tensor;
    /** Exponential samples of rate `lambd` in place. */
    exponential_(lambd?: number, options?: R.GeneratorOption): Tensor;
    /** Geometric samples (trials up to the first success, success probability `p`) in place. */
    geometric_(p: number, options?: R.GeneratorOption): Tensor;
    /** `exp(N(mean, std²))` samples in place (PyTorch's `log_normal_`). */
    logNormal_(mean?: number, std?: number, options?: R.GeneratorOption): Tensor;
    /** Cauchy samples of the given median and scale in place. */
    cauchy_(median?: number, sigma?: number, options?: R.GeneratorOption): Tensor;
    /** `torch.histogram(this, bins = 100, options)`. */
    histogram(bins?: number | Tensor, options?: HistogramOptions): HistogramResult;
    /** `torch.inner(this, other)`. */
    inner(other: Tensor): Tensor;
    /** `torch.nextafter(this, other)`. */
    nextafter(other: Tensor): Tensor;
    /** In-place `nextafter`. */
    nextafter_(other: Tensor): Tensor;
    /** `torch.matrixExp(this)`. */
    matrixExp(): Tensor;
    /** `torch.mvlgamma(this, p)`. */
    mvlgamma(p: number): Tensor;
    /** `torch.igamma(this, other)`: the regularized lower incomplete gamma function. */
    igamma(other: Tensor): Tensor;
    /** `torch.igammac(this, other)`: the regularized upper incomplete gamma function. */
    igammac(other: Tensor): Tensor;
    /** `F.hardshrink(this, lambd)`. */
    hardshrink(lambd?: number): Tensor;
    /** `F.prelu(this, weight)`. */
    prelu(weight: Tensor): Tensor;
    /** `this.split(sizes, dim)` with a list of sizes, as `Tensor.split_with_sizes`. */
    splitWithSizes(splitSizes: readonly number[], dim?: number): Tensor[];
    /** Out of place `indexPut_`: a copy of this tensor with `elements` set to (or, accumulating, added) `value`. */
    indexPut(elements: readonly TensorIndex[], value: Tensor | number, options?: { accumulate?: boolean }): Tensor;
    /** In-place `greater` (PyTorch's alias of `gt_`). */
    greater_(other: Operand): Tensor;
    /** In-place `greaterEqual` (alias of `ge_`). */
    greaterEqual_(other: Operand): Tensor;
    /** In-place `less` (alias of `lt_`). */
    less_(other: Operand): Tensor;
    /** In-place `lessEqual` (alias of `le_`). */
    lessEqual_(other: Operand): Tensor;
    /** In-place `notEqual` (alias of `ne_`). */
    notEqual_(other: Operand): Tensor;
    /** The device the tensor lives on: always the CPU here. */
    readonly device: Device;
    /** True: every torchlet tensor is on the CPU. */
    readonly isCpu: boolean;
    /** False: torchlet has no CUDA. */
    readonly isCuda: boolean;
    /** -1, PyTorch's answer for a CPU tensor. */
    getDevice(): number;
    /** Raises PyTorch's CPU-only error ("Torch not compiled with CUDA enabled"). */
    cuda(): Tensor;
  }
}

const methods: Partial<Record<keyof Tensor, unknown>> & ThisType<Tensor> = {
  random_(fromOrTo?: number, to?: number | null, o?: R.GeneratorOption) { return R.random_(this, fromOrTo, to, o); },
  bernoulli_(p?: number | Tensor, o?: R.GeneratorOption) { return R.bernoulli_(this, p, o); },
  exponential_(lambd?: number, o?: R.GeneratorOption) { return R.exponential_(this, lambd, o); },
  geometric_(p: number, o?: R.GeneratorOption) { return R.geometric_(this, p, o); },
  logNormal_(mean?: number, std?: number, o?: R.GeneratorOption) { return R.logNormal_(this, mean, std, o); },
  cauchy_(median?: number, sigma?: number, o?: R.GeneratorOption) { return R.cauchy_(this, median, sigma, o); },
  histogram(bins: number | Tensor = 100, o?: HistogramOptions) { return histogram(this, bins, o); },
  inner(o: Tensor) { return innerFn(this, o); },
  nextafter(o: Tensor) { return nextafterFn(this, o); },
  nextafter_(o: Tensor) { return inplace(this, "nextafter_", [o], (old) => nextafterFn(old, o)); },
  matrixExp() { return matrixExpFn(this); },
  mvlgamma(p: number) { return multigammaln(this, p); },
  igamma(o: Tensor) { return gammainc(this, o); },
  igammac(o: Tensor) { return gammaincc(this, o); },
  hardshrink(lambd?: number) { return hardshrinkFn(this, lambd); },
  prelu(w: Tensor) { return preluFn(this, w); },
  splitWithSizes(sizes: readonly number[], dim?: number) { return split(this, sizes, dim); },
  indexPut(el: readonly TensorIndex[], v: Tensor | number, o?: { accumulate?: boolean }) { return clone(this).indexPut_(el, v, o); },
  greater_(o: Operand) { return this.gt_(o); },
  greaterEqual_(o: Operand) { return this.ge_(o); },
  less_(o: Operand) { return this.lt_(o); },
  lessEqual_(o: Operand) { return this.le_(o); },
  notEqual_(o: Operand) { return this.ne_(o); },
  getDevice() { return -1; },
  cuda() {
    requireCpu("cuda");
    return this;
  },
};

for (const [name, fn] of Object.entries(methods)) {
  Object.defineProperty(Tensor.prototype, name, { value: fn, writable: true, configurable: true });
}
Object.defineProperty(Tensor.prototype, "device", { get: () => CPU, configurable: true });
Object.defineProperty(Tensor.prototype, "isCpu", { get: () => true, configurable: true });
Object.defineProperty(Tensor.prototype, "isCuda", { get: () => false, configurable: true });
