import { type DType, type TypedArray, defaultFloatDtype, dtypeOfArray, promoteTypes } from "../tensor/dtype.js";
import { type DeviceLike, requireCpu } from "../tensor/device.js";
import { Tensor } from "../tensor/tensor.js";
import { Storage } from "../tensor/storage.js";
import { isInferenceModeEnabled } from "../autograd/grad-mode.js";
import { contiguousStrides, empty as emptyData, kernels, numelOf, pyNumber, shapeStr } from "./core.js";
import { defaultGenerator, type Generator, remainder } from "./random.js";

export interface FactoryOptions {
  dtype?: DType;
  requiresGrad?: boolean;
  /** Only the CPU exists here: any other device raises PyTorch's CPU-only error. */
  device?: DeviceLike;
}

export interface RandomOptions extends FactoryOptions {
  generator?: Generator;
}

/** Nested arrays of numbers, booleans or one-element tensors, as `torch.tensor` accepts. */
export type NestedArray = number | boolean | Tensor | readonly NestedArray[];

function finish(t: Tensor, options: FactoryOptions): Tensor {
  if (options.device !== undefined) requireCpu(options.device);
  if (options.requiresGrad) t.requiresGrad = true;
  return t;
}

/**
 * The size arguments PyTorch's factories take in two forms: one list,
 * `zeros([2, 3], options)`, or the sizes themselves, `zeros(2, 3)` and
 * `zeros(2, 3, options)`.
 */
export type SizeArgs<O> = [shape: readonly number[], options?: O] | number[] | [...sizes: number[], options: O];

/** The shape and options of either form of {@link SizeArgs}; no size at all is PyTorch's TypeError. */
function sizeArgs<O extends object>(args: SizeArgs<O>, op: string): [readonly number[], O] {
  if (Array.isArray(args[0])) return [args[0], (args[1] ?? {}) as O];
  const last = args[args.length - 1];
  const hasOptions = typeof last === "object" && last !== null;
  if (args.length === (hasOptions ? 1 : 0)) {
    throw new TypeError(`${op}() received an invalid combination of arguments - got no size: pass ${op}([2, 3]) or ${op}(2, 3)`);
  }
  return hasOptions ? [args.slice(0, -1) as number[], last as O] : [args as number[], {} as O];
}

function checkShape(shape: readonly number[], op: string): void {
  if (!Array.isArray(shape)) throw new Error(`${op}: shape must be an array of integers, got ${typeof shape}`);
  for (const [i, d] of shape.entries()) {
    if (!Number.isInteger(d)) throw new TypeError(`${op}(): argument 'size' must be tuple of ints, but found element of type ${typeof d === "number" ? "float" : typeof d} at pos ${i}`);
  }
  const negative = shape.find((d) => d < 0);
  if (negative !== undefined) throw new Error(`Trying to create tensor with negative dimension ${negative}: ${shapeStr(shape)}`);
}

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let x: NestedArray = data;
  while (Array.isArray(x)) {
    shape.push(x.length);
    if (x.length === 0) break;
    x = (x as readonly NestedArray[])[0]!;
  }
  return shape;
}

/**
 * Appends the leaves of `data` to `out` and the dtype each suggests to
 * `kinds`: the default float dtype for a number (torchlet's rule, where PyTorch infers
 * int64 from an int), bool for a boolean, a tensor's own dtype.
 */
function flattenInto(data: NestedArray, shape: readonly number[], depth: number, out: number[], kinds: Set<DType>): void {
  if (depth === shape.length) {
    if (Array.isArray(data)) throw new Error(`tensor: expected a number at depth ${depth}, got a list`);
    if (data instanceof Tensor) {
      // a one-element tensor counts as its value, as Python's float(t): torch.tensor([t0, t1]) copies, without autograd history
      if (data.numel() !== 1) throw new Error("only one element tensors can be converted to Python scalars");
      kinds.add(data.dtype);
      out.push(data.data[data.offset]!);
      return;
    }
    if (typeof data !== "number" && typeof data !== "boolean") throw new Error(`tensor: could not convert ${typeof data} to a number`);
    kinds.add(typeof data === "boolean" ? "bool" : defaultFloatDtype());
    out.push(Number(data));
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[depth]) {
    throw new Error(`expected sequence of length ${shape[depth]} at dim ${depth} (got ${Array.isArray(data) ? data.length : typeof data})`);
  }
  for (const item of data as readonly NestedArray[]) flattenInto(item, shape, depth + 1, out, kinds);
}

/** Wraps a typed array (not copied) as a tensor of `shape`. */
export function fromTypedArray(data: TypedArray, shape: readonly number[] = [data.length], options: FactoryOptions = {}): Tensor {
  checkShape(shape, "fromTypedArray");
  if (numelOf(shape) !== data.length) throw new Error(`fromTypedArray: shape ${shapeStr(shape)} needs ${numelOf(shape)} elements, got ${data.length}`);
  const t = new Tensor(new Storage(data), [...shape], contiguousStrides(shape), 0);
  if (isInferenceModeEnabled()) t._inference = true;
  const dtype = options.dtype ?? dtypeOfArray(data);
  return finish(dtype === t.dtype ? t : cast(t, dtype), options);
}

function cast(t: Tensor, dtype: DType): Tensor {
  const out = emptyData(t.shape, dtype);
  kernels().copy(out, t);
  return out;
}

/**
 * A tensor from (nested) numbers or booleans, or a typed array (copied).
 * Numbers give the default float dtype (float32 unless `setDefaultDtype` changed it) unless `dtype` says otherwise; booleans give bool;
 * one-element tensors among them count as their values (the result has no
 * autograd history), their dtypes promoting with the rest as PyTorch's;
 * Float32/Float64/Int32 arrays keep their dtype, other integer arrays
 * (Uint8Array included) give int32, a Uint32Array float64.
 *
 * @example
 * const x = torch.tensor([[1, 2], [3, 4]], { requiresGrad: true });
 */
export function tensor(data: NestedArray | TypedArray, options: FactoryOptions = {}): Tensor {
  if (ArrayBuffer.isView(data)) {
    // integer arrays other than Int32Array (bytes, shorts, NumPy-style uint8 data) keep their values as int32;
    // a Uint8Array counts as integers here too: bool storage is an internal layout, not what a byte array means
    const values = data as ArrayLike<number> & { length: number };
    const ints = data instanceof Int8Array || data instanceof Int16Array || data instanceof Uint16Array || data instanceof Uint8Array || data instanceof Uint8ClampedArray;
    const copy = ints ? Int32Array.from(values) : data instanceof Uint32Array ? Float64Array.from(values) : (data as TypedArray).slice();
    return fromTypedArray(copy, [values.length], options);
  }
  const shape = inferShape(data);
  const flat: number[] = [];
  const kinds = new Set<DType>();
  flattenInto(data, shape, 0, flat, kinds);
  const dtype = options.dtype ?? (kinds.size === 0 ? defaultFloatDtype() : [...kinds].reduce(promoteTypes));
  const t = emptyData(shape, dtype);
  const d = t.data;
  // to bool: any nonzero number, NaN included, is true (as PyTorch's cast)
  for (let i = 0; i < flat.length; i++) d[i] = dtype === "bool" ? (Number(flat[i]) !== 0 ? 1 : 0) : dtype === "int32" ? toInt32(flat[i]!) : flat[i]!;
  return finish(t, options);
}

/** A number stored as int32 the way PyTorch's factories store it: truncated, and an error where it does not fit. */
function toInt32(v: number): number {
  const x = Math.trunc(v);
  if (!(x >= -2147483648 && x <= 2147483647)) throw new Error("value cannot be converted to type int32 without overflow");
  return x;
}

function filled(shape: readonly number[], value: number, options: FactoryOptions, op: string): Tensor {
  checkShape(shape, op);
  const t = emptyData([...shape], options.dtype ?? defaultFloatDtype());
  // (the data starts zeroed; -0 must still be written: torch.full([], -0) keeps its sign)
  if (value !== 0 || Object.is(value, -0)) t.data.fill(options.dtype === "bool" ? (value !== 0 ? 1 : 0) : options.dtype === "int32" ? toInt32(value) : value);
  return finish(t, options);
}

export function zeros(...size: SizeArgs<FactoryOptions>): Tensor {
  const [shape, options] = sizeArgs(size, "zeros");
  return filled(shape, 0, options, "zeros");
}

export function ones(...size: SizeArgs<FactoryOptions>): Tensor {
  const [shape, options] = sizeArgs(size, "ones");
  return filled(shape, 1, options, "ones");
}

/** Uninitialised in PyTorch; zero-filled here (JS arrays start zeroed). */
export function empty(...size: SizeArgs<FactoryOptions>): Tensor {
  const [shape, options] = sizeArgs(size, "empty");
  return filled(shape, 0, options, "empty");
}

export function full(shape: readonly number[], value: number | boolean, options: FactoryOptions = {}): Tensor {
  const dtype = options.dtype ?? (typeof value === "boolean" ? "bool" : defaultFloatDtype());
  return filled(shape, Number(value), { ...options, dtype }, "full");
}

/** `arange(end)` or `arange(start, end, step)`; int32 when every argument is an integer. */
export function arange(end: number, options?: FactoryOptions): Tensor;
export function arange(start: number, end: number, options?: FactoryOptions): Tensor;
export function arange(start: number, end?: number, step?: number, options?: FactoryOptions): Tensor;
export function arange(start: number, endOrOptions?: number | FactoryOptions, stepOrOptions?: number | FactoryOptions, lastOptions: FactoryOptions = {}): Tensor {
  // the options object may follow any number of the numbers, as PyTorch's keywords do: arange(6, { dtype })
  const end = typeof endOrOptions === "number" ? endOrOptions : undefined;
  const step = typeof stepOrOptions === "number" ? stepOrOptions : 1;
  const options = typeof endOrOptions === "object" ? endOrOptions : typeof stepOrOptions === "object" ? stepOrOptions : lastOptions;
  const [lo, hi] = end === undefined ? [0, start] : [start, end];
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new Error(`unsupported range: ${pyNumber(lo)} -> ${pyNumber(hi)}`);
  const dtype = options.dtype ?? ([lo, hi, step].every(Number.isInteger) ? "int32" : defaultFloatDtype());
  if (dtype === "bool") throw new Error(`"arange_cpu" not implemented for 'Bool'`);
  // the length comes from the numbers as given; an integer result then steps from the truncated start by the truncated step, as PyTorch
  const [first, by] = dtype === "int32" ? [Math.trunc(lo), Math.trunc(step)] : [lo, step];
  if (step === 0 || by === 0) throw new Error("step must be nonzero");
  if ((hi - lo) / step < 0) throw new Error("upper bound and larger bound inconsistent with step sign");
  const n = Math.max(0, Math.ceil((hi - lo) / step));
  const t = emptyData([n], dtype);
  for (let i = 0; i < n; i++) t.data[i] = first + i * by;
  return finish(t, options);
}

/** `steps` evenly spaced values from start to end inclusive. */
export function linspace(start: number, end: number, steps: number, options: FactoryOptions = {}): Tensor {
  const dtype = spacedDtype(steps, options, "linspace");
  const t = emptyData([steps], dtype);
  const stepSize = steps > 1 ? (end - start) / (steps - 1) : 0;
  // fill from both ends, as PyTorch does, so the end point is exact
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) t.data[i] = i < half ? start + i * stepSize : end - (steps - 1 - i) * stepSize;
  if (steps === 1) t.data[0] = start; // one step is the start, as in PyTorch
  return finish(t, options);
}

/** The dtype of linspace / logspace, after PyTorch's checks of `steps` and the dtype. */
function spacedDtype(steps: number, options: FactoryOptions, op: string): DType {
  if (!Number.isInteger(steps) || steps < 0) throw new Error("number of steps must be non-negative");
  const dtype = options.dtype ?? defaultFloatDtype();
  if (dtype === "bool") throw new Error(`"${op}_cpu" not implemented for 'Bool'`);
  return dtype;
}

/**
 * `steps` powers of `base` (10 by default) whose exponents are evenly spaced
 * from `start` to `end` inclusive, as torch.logspace. As PyTorch, the two
 * exponents are first converted to the result dtype (an int32 logspace
 * truncates them), and an integer result truncates each power.
 *
 * @example
 * torch.logspace(0, 2, 3); // tensor([1., 10., 100.])
 */
export function logspace(start: number, end: number, steps: number, options: FactoryOptions & { base?: number } = {}): Tensor {
  const dtype = spacedDtype(steps, options, "logspace");
  const base = options.base ?? 10;
  const convert = dtype === "int32" ? Math.trunc : dtype === "float32" ? Math.fround : (v: number) => v;
  const lo = convert(start), hi = convert(end);
  const step = steps > 1 ? (hi - lo) / (steps - 1) : 0;
  // exponents from both ends, as linspace, so the last one is exactly `end`
  const half = Math.floor(steps / 2);
  const t = emptyData([steps], dtype);
  for (let i = 0; i < steps; i++) {
    const power = base ** (steps === 1 || i < half ? lo + i * step : hi - (steps - 1 - i) * step);
    t.data[i] = dtype === "int32" ? toInt32(power) : power;
  }
  return finish(t, options);
}

/** Identity matrix n x m (m defaults to n). */
export function eye(n: number, options?: FactoryOptions): Tensor;
export function eye(n: number, m: number, options?: FactoryOptions): Tensor;
export function eye(n: number, mOrOptions?: number | FactoryOptions, lastOptions: FactoryOptions = {}): Tensor {
  // as arange: the options may come right after n (PyTorch's eye(n, dtype=...))
  const m = typeof mOrOptions === "number" ? mOrOptions : n;
  const options = typeof mOrOptions === "object" ? mOrOptions : lastOptions;
  if (n < 0) throw new Error(`n must be greater or equal to 0, got ${n}`);
  if (m < 0) throw new Error(`m must be greater or equal to 0, got ${m}`);
  const t = filled([n, m], 0, options, "eye");
  for (let i = 0; i < Math.min(n, m); i++) t.data[i * m + i] = 1;
  return t;
}

/** A new float tensor filled by `fill` (one of the generator's fills, so PyTorch's values for a seed). */
function random(shape: readonly number[], options: RandomOptions, op: string, fill: (values: Float64Array, dtype: DType, g: Generator) => void): Tensor {
  checkShape(shape, op);
  const dtype = options.dtype ?? defaultFloatDtype();
  if (dtype !== "float32" && dtype !== "float64") throw new Error(`${op}: expected a floating point dtype, got ${dtype}`);
  const t = emptyData([...shape], dtype);
  // float64 storage takes the values as they are drawn; float32 through a float64 buffer, rounded on copy
  const values = dtype === "float64" ? (t.data as Float64Array) : new Float64Array(t.data.length);
  fill(values, dtype, options.generator ?? defaultGenerator);
  if (values !== t.data) t.data.set(values);
  return finish(t, options);
}

/** Uniform in [0, 1). */
export function rand(...size: SizeArgs<RandomOptions>): Tensor {
  const [shape, options] = sizeArgs(size, "rand");
  return random(shape, options, "rand", (values, dtype, g) => g.uniformFill(values, dtype, 0, 1));
}

/** Standard normal. */
export function randn(...size: SizeArgs<RandomOptions>): Tensor {
  const [shape, options] = sizeArgs(size, "randn");
  return random(shape, options, "randn", (values, dtype, g) => g.normalFill(values, dtype, 0, 1));
}

/** Uniform integers in [low, high); int32 by default. */
export function randint(low: number, high: number, shape: readonly number[], options: RandomOptions = {}): Tensor {
  checkShape(shape, "randint");
  if (!(low < high)) throw new Error(`random_ expects 'from' to be less than 'to', but got from=${low} >= to=${high}`);
  const t = emptyData([...shape], options.dtype ?? "int32");
  (options.generator ?? defaultGenerator).integersInto(t.data, low, high);
  return finish(t, options);
}

/** A random permutation of 0..n-1 (int32), PyTorch's for the same seed: a forward Fisher–Yates shuffle. */
export function randperm(n: number, options: RandomOptions = {}): Tensor {
  checkShape([n], "randperm");
  const t = emptyData([n], options.dtype ?? "int32");
  const g = options.generator ?? defaultGenerator;
  const d = t.data;
  for (let i = 0; i < n; i++) d[i] = i;
  // step i swaps with a uniform j in [i, n): PyTorch's random() % (n - i), one word a step
  const words = new Float64Array(Math.min(n, 4096));
  for (let i0 = 0; i0 < n - 1; i0 += words.length) {
    const steps = words.subarray(0, Math.min(words.length, n - 1 - i0));
    g.integersInto(steps, 0, 4294967296);
    for (let s = 0; s < steps.length; s++) {
      const i = i0 + s, j = i + remainder(steps[s]!, n - i);
      const tmp = d[i]!;
      d[i] = d[j]!;
      d[j] = tmp;
    }
  }
  return finish(t, options);
}

const like = (t: Tensor, options: FactoryOptions) => ({ dtype: t.dtype, ...options });

export function zerosLike(t: Tensor, options: FactoryOptions = {}): Tensor {
  return zeros(t.shape, like(t, options));
}
export function onesLike(t: Tensor, options: FactoryOptions = {}): Tensor {
  return ones(t.shape, like(t, options));
}
export function fullLike(t: Tensor, value: number, options: FactoryOptions = {}): Tensor {
  return full(t.shape, value, like(t, options));
}
export function emptyLike(t: Tensor, options: FactoryOptions = {}): Tensor {
  return empty(t.shape, like(t, options));
}
export function randLike(t: Tensor, options: RandomOptions = {}): Tensor {
  return rand(t.shape, like(t, options));
}
export function randnLike(t: Tensor, options: RandomOptions = {}): Tensor {
  return randn(t.shape, like(t, options));
}
