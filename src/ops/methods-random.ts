/**
 * Installs the in-place samplers of random-fills.ts (`x.random_`,
 * `x.bernoulli_`, `x.exponential_`, ...) and `x.histogram` as Tensor
 * methods, in the way methods.ts does.
 */
import { Tensor } from "../tensor/tensor.js";
import { histogram, type HistogramOptions, type HistogramResult } from "./histogram.js";
import * as R from "./random-fills.js";

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
    /** `torch.histogram(this, bins, options)`. */
    histogram(bins: number | Tensor, options?: HistogramOptions): HistogramResult;
  }
}

const methods: Partial<Record<keyof Tensor, unknown>> & ThisType<Tensor> = {
  random_(fromOrTo?: number, to?: number | null, o?: R.GeneratorOption) { return R.random_(this, fromOrTo, to, o); },
  bernoulli_(p?: number | Tensor, o?: R.GeneratorOption) { return R.bernoulli_(this, p, o); },
  exponential_(lambd?: number, o?: R.GeneratorOption) { return R.exponential_(this, lambd, o); },
  geometric_(p: number, o?: R.GeneratorOption) { return R.geometric_(this, p, o); },
  logNormal_(mean?: number, std?: number, o?: R.GeneratorOption) { return R.logNormal_(this, mean, std, o); },
  cauchy_(median?: number, sigma?: number, o?: R.GeneratorOption) { return R.cauchy_(this, median, sigma, o); },
  histogram(bins: number | Tensor, o?: HistogramOptions) { return histogram(this, bins, o); },
};

for (const [name, fn] of Object.entries(methods)) {
  Object.defineProperty(Tensor.prototype, name, { value: fn, writable: true, configurable: true });
}
