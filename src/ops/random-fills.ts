/**
 * The in-place samplers PyTorch has beside `normal_` and `uniform_`:
 * `random_`, `bernoulli_`, `exponential_`, `geometric_`, `log_normal_` and
 * `cauchy_`, with PyTorch's argument checks, dtype rules and messages. Each
 * overwrites the tensor, so, as in PyTorch, it passes a zero gradient to the
 * old value through a node of its own name (`ExponentialBackward0`, ...).
 * `normal_` and `uniform_` live here too. The streams are torchlet's, not PyTorch's; the distributions are the same.
 */
import { cppTypeName, type DType, isFloating, scalarTypeName } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { warn } from "../warnings.js";
import { isRecording } from "../autograd/grad-mode.js";
import { contiguousStrides, kernels, pyNumber, record } from "./core.js";
import { emptyLike, zeros, zerosLike } from "./factories.js";
import { inplace } from "./inplace.js";
import { defaultGenerator, type Generator } from "./random.js";
import { requireInt } from "./python-args.js";
import { finfo, iinfo } from "./type-info.js";
import { expand } from "./views.js";

/** The optional generator every sampler takes. */
export interface GeneratorOption {
  generator?: Generator;
}

/** A double as C++'s `<<` prints it in PyTorch's messages: 6 significant digits, and pyNumber's nan / inf. */
function cppNumber(v: number): string {
  return pyNumber(Number(v.toPrecision(6)));
}

/** A filler that calls `draw` once per element, in row-major order. */
function each(draw: () => number): (values: Float64Array) => void {
  return (values) => {
    for (let i = 0; i < values.length; i++) values[i] = draw();
  };
}

/**
 * Overwrites `self` with the values `draw` writes (row-major), recorded as
 * node `name`, which passes zero gradients to the old value and to `p` (a
 * tensor of probabilities).
 */
function fill(self: Tensor, op: string, name: string, draw: (values: Float64Array) => void, p: Tensor | null = null): Tensor {
  return inplace(self, op, p === null ? [] : [p], (old) => {
    const out = emptyLike(old), n = out.numel();
    const values = new Float64Array(n);
    draw(values);
    if (n > 0) kernels().copy(out, { data: values, shape: out.shape, strides: contiguousStrides(out.shape), offset: 0 });
    if ((old._requiresGrad || p?._requiresGrad) && isRecording()) {
      // (shapes, not tensors, in the closure: it must not keep p alive)
      const pMeta = p === null ? null : { shape: [...p.shape], dtype: p.dtype };
      record(name, p === null ? [old] : [old, p], out, ([g]) => (pMeta === null ? [zerosLike(g!)] : [zerosLike(g!), zeros(pMeta.shape, { dtype: pMeta.dtype })]));
    }
    return out;
  }, true);
}

/** The mantissa digits of a float dtype: its samples are exact up to 2^digits. */
function digitsOf(dtype: DType): number {
  return dtype === "float32" ? 24 : 53;
}

/** The top of `random_()`'s range: true for bool, int32's largest, 2^digits for floats. */
function largestSample(dtype: DType): number {
  return dtype === "bool" ? 1 : dtype === "int32" ? iinfo("int32").max : 2 ** digitsOf(dtype);
}

/**
 * PyTorch's update_from and update_to for float32: move `from` up and `to`
 * down to where float32 holds `from + 1` and `to - 1` without rounding past
 * them, so no sample rounds out of [from, to).
 */
const float32Step = (v: number): number => 2 ** (Math.floor(Math.log2(Math.abs(v))) - 24 + 1);
function float32From(from: number): number {
  const plus1 = Math.fround(from + 1);
  return plus1 < from ? plus1 + float32Step(from + 1) : from;
}
function float32To(to: number): number {
  const minus1 = Math.fround(to - 1);
  return minus1 >= to ? minus1 - float32Step(to - 1) : to;
}

/** PyTorch's check_from_to_in_range: bounds per dtype, and the precision warning for floats. */
function checkRandomRange(dtype: DType, from: number, toInc: number): void {
  const name = cppTypeName(dtype);
  if (isFloating(dtype)) {
    const { max } = finfo(dtype);
    if (!(from >= -max && from <= max)) throw new Error(`from is out of bounds for ${name}`);
    if (!(toInc >= -max && toInc <= max)) throw new Error(`to - 1 is out of bounds for ${name}`);
    const digits = digitsOf(dtype), limit = 2 ** digits;
    for (const [v, what] of [[from, "from"], [toInc, "to - 1"]] as const) {
      if (v < -limit || v > limit) {
        warn(
          `${what} is out of bounds [-(2^${digits}), 2^${digits}]. Due to precision limitations ${name} can support discrete uniform distribution only within this range. ` +
            "This warning will become an error in version 1.7 release, please fix the code in advance",
        );
      }
    }
    return;
  }
  const { min, max } = dtype === "bool" ? { min: 0, max: 1 } : iinfo(dtype);
  if (from < min || from > max) throw new Error(`from is out of bounds for ${name}`);
  if (toInc < min || toInc > max) throw new Error(`to - 1 is out of bounds for ${name}`);
}

/** Fills with samples from N(mean, std²), as `Tensor.normal_` (floating tensors). */
export function normal_(self: Tensor, mean = 0, std = 1, options: GeneratorOption = {}): Tensor {
  const g = options.generator ?? defaultGenerator;
  if (!(std >= 0)) throw new Error(`normal expects std >= 0.0, but found std ${cppNumber(std)}`);
  if (!isFloating(self.dtype)) throw new Error(`"normal_kernel_cpu" not implemented for '${scalarTypeName(self.dtype)}'`);
  return fill(self, "normal_", "NormalBackward0", (values) => g.normalFill(values, self.dtype, mean, std));
}

/** Fills with samples from U[from, to), as `Tensor.uniform_` (floating tensors). */
export function uniform_(self: Tensor, from = 0, to = 1, options: GeneratorOption = {}): Tensor {
  const g = options.generator ?? defaultGenerator;
  if (!isFloating(self.dtype)) throw new Error(`"check_uniform_bounds" not implemented for '${scalarTypeName(self.dtype)}'`);
  if (!(from <= to)) throw new Error(`uniform_ expects to return a [from, to) range, but found from=${cppNumber(from)} > to=${cppNumber(to)}`);
  return fill(self, "uniform_", "UniformBackward0", (values) => g.uniformFill(values, self.dtype, from, to));
}

/**
 * Fills with integers drawn uniformly, as `Tensor.random_`: `random_()` over
 * [0, 2^mantissa] for floats (2^24 for float32), [0, 2^31 - 1] for int32 and
 * {false, true} for bool; `random_(to)` over [0, to); `random_(from, to)`
 * over [from, to); `random_(from, null)` from `from` to the dtype's largest.
 *
 * @example
 * torch.zeros([4], { dtype: "int32" }).random_(1, 7); // dice rolls
 */
export function random_(self: Tensor, fromOrTo?: number, to?: number | null, options: GeneratorOption = {}): Tensor {
  const g = options.generator ?? defaultGenerator;
  const dtype = self.dtype;
  let from = 0, toInc: number, name: string;
  if (fromOrTo === undefined) {
    name = "RandomBackward2";
    toInc = largestSample(dtype);
  } else if (to !== null) {
    // random_(to) or random_(from, to): [from, to)
    const end = to === undefined ? fromOrTo : to;
    from = to === undefined ? 0 : fromOrTo;
    name = to === undefined ? "RandomBackward1" : "RandomBackward0";
    requireInt("random_", to === undefined ? "to" : "from", 1, fromOrTo);
    if (to !== undefined) requireInt("random_", "to", 2, end);
    if (!(from < end)) throw new Error(`random_ expects 'from' to be less than 'to', but got from=${from} >= to=${end}`);
    let last = end;
    if (dtype === "float32") {
      [from, last] = [float32From(from), float32To(end)];
      if (!(from < last)) throw new Error(`random_ expects 'from' casted to dtype to be less than 'to' casted to dtype, but got from=${from} >= to=${last}`);
    }
    toInc = last - 1;
    checkRandomRange(dtype, from, toInc);
  } else {
    // random_(from, null): [from, the dtype's largest]
    requireInt("random_", "from", 1, fromOrTo);
    from = fromOrTo;
    name = "RandomBackward0";
    toInc = largestSample(dtype);
    if (dtype === "float32") from = float32From(from);
    if (isFloating(dtype) && !(from < toInc)) {
      throw new Error(`random_ expects 'from' casted to dtype to be less than or equal to 'to_inc' casted to dtype, but got from=${from} > to_inc=${toInc}`);
    }
    checkRandomRange(dtype, from, toInc);
  }
  const range = toInc - from + 1;
  return fill(self, "random_", name, (values) => g.integersInto(values, from, from + range));
}

/**
 * Fills with 1 with probability `p` and 0 otherwise, as `Tensor.bernoulli_`;
 * `p` is a number or a floating tensor that expands to this tensor's shape
 * (which gets a zero gradient, as in PyTorch). Any dtype.
 *
 * @example
 * const keep = torch.empty([3, 3]).bernoulli_(0.8);
 */
export function bernoulli_(self: Tensor, p: number | Tensor = 0.5, options: GeneratorOption = {}): Tensor {
  const g = options.generator ?? defaultGenerator;
  if (typeof p === "number") {
    if (!(p >= 0 && p <= 1)) throw new Error(`bernoulli_ expects p to be in [0, 1], but got p=${cppNumber(p)}`);
    return fill(self, "bernoulli_", "BernoulliBackward2", (values) => {
      g.randomDoublesInto(values);
      // (+bool, not `? 1 : 0`: V8 compiles that to a branch, mispredicted at random, ~7x slower here)
      for (let i = 0; i < values.length; i++) values[i] = +(values[i]! < p);
    });
  }
  if (!isFloating(p.dtype)) throw new Error(`"bernoulli_tensor_cpu_p_" not implemented for '${scalarTypeName(p.dtype)}'`);
  const probs = Array.from(expand(p.detach(), self.shape).contiguous().data as Float32Array | Float64Array);
  if (probs.some((q) => !(q >= 0 && q <= 1))) {
    throw new Error("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message be improved?  If so, please report an enhancement request to PyTorch.)");
  }
  let i = 0;
  // PyTorch's kernel draws a float uniform against float32 probabilities, a double against float64 ones
  const uniform = p.dtype === "float32" ? () => g.randomFloat() : () => g.random();
  return fill(self, "bernoulli_", "BernoulliBackward1", each(() => +(uniform() < probs[i++]!)), p);
}

/**
 * Fills with samples of the exponential distribution of rate `lambd`, as
 * `Tensor.exponential_` (floating tensors).
 */
export function exponential_(self: Tensor, lambd = 1, options: GeneratorOption = {}): Tensor {
  const g = options.generator ?? defaultGenerator;
  if (!(lambd > 0)) throw new Error(`exponential_ expects lambda > 0.0, but found lambda=${cppNumber(lambd)}`);
  if (!isFloating(self.dtype)) {
    throw new Error(`Exponential distribution is a continuous probability distribution. dtype must be a floating point but you specified ${scalarTypeName(self.dtype)}`);
  }
  return fill(self, "exponential_", "ExponentialBackward0", each(() => -Math.log1p(-g.random()) / lambd));
}

/**
 * Fills with the number of Bernoulli(`p`) trials up to the first success
 * (1, 2, ...), as `Tensor.geometric_` (floating and int32 tensors).
 */
export function geometric_(self: Tensor, p: number, options: GeneratorOption = {}): Tensor {
  const g = options.generator ?? defaultGenerator;
  if (!(p > 0 && p < 1)) throw new Error(`geometric_ expects p to be in (0, 1), but got p=${cppNumber(p)}`);
  if (self.dtype === "bool") throw new Error(`"geometric_cpu" not implemented for 'Bool'`);
  return fill(self, "geometric_", "GeometricBackward0", each(() => Math.ceil(Math.log(g.randomOpen()) / Math.log1p(-p))));
}

/**
 * Fills with `exp(N(mean, std²))` samples, as `Tensor.log_normal_`
 * (floating tensors).
 */
export function logNormal_(self: Tensor, mean = 1, std = 2, options: GeneratorOption = {}): Tensor {
  const g = options.generator ?? defaultGenerator;
  if (!(std > 0)) throw new Error(`log_normal_ expects std > 0.0, but found std=${cppNumber(std)}`);
  if (!isFloating(self.dtype)) throw new Error(`"log_normal_cpu" not implemented for '${scalarTypeName(self.dtype)}'`);
  return fill(self, "log_normal_", "LogNormalBackward0", each(() => Math.exp(mean + std * g.normal())));
}

/**
 * Fills with samples of the Cauchy distribution `median + sigma·tan(π(u − ½))`,
 * as `Tensor.cauchy_` (floating tensors).
 */
export function cauchy_(self: Tensor, median = 0, sigma = 1, options: GeneratorOption = {}): Tensor {
  const g = options.generator ?? defaultGenerator;
  if (!(sigma > 0)) throw new Error(`cauchy_ expects sigma > 0.0, but found sigma=${cppNumber(sigma)}`);
  if (!isFloating(self.dtype)) {
    throw new Error(`Cauchy distribution is a continuous probability distribution. dtype must be a floating point but you specified ${cppTypeName(self.dtype)}`);
  }
  return fill(self, "cauchy_", "CauchyBackward0", each(() => median + sigma * Math.tan(Math.PI * (g.randomOpen() - 0.5))));
}
