/**
 * The window functions of signal processing (`torch.hann_window`,
 * `hamming_window`, `blackman_window`, `bartlett_window`, `kaiser_window`):
 * 1-d tensors of `windowLength` weights, periodic by default (the symmetric
 * window one longer, its last point dropped), as PyTorch's. Computed in
 * float64, then rounded to the dtype.
 */
import { getDefaultDtype } from "./dtype-utils.js";
import { type FactoryOptions, fromTypedArray } from "./factories.js";
import { i0 } from "./special-scalar.js";
import { cppTypeName, isFloating } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { requireInt } from "./python-args.js";

/** Every window's options: PyTorch's `periodic` (default true), and the factory options. */
export interface WindowOptions extends FactoryOptions {
  /** Periodic (for spectral analysis, the default) rather than symmetric (for filter design). */
  periodic?: boolean;
}

/** A window from `w(n, m)`, m = the symmetric length minus 1, over n = 0 .. length - 1. */
function window(op: string, length: number, options: WindowOptions, w: (n: number, m: number) => number): Tensor {
  requireInt(op, "window_length", 1, length);
  if (length < 0) throw new Error(`${op} requires non-negative window_length, got window_length=${length}`);
  const dtype = options.dtype ?? getDefaultDtype();
  if (!isFloating(dtype)) {
    // (PyTorch's rendering of the options; requires_grad is set after the check, so it always reads false)
    throw new Error(
      `${op} expects floating point dtypes, got: TensorOptions(dtype=${cppTypeName(dtype)}, device=cpu, layout=Strided (default), ` +
        "requires_grad=false (default), pinned_memory=false, memory_format=(nullopt))",
    );
  }
  const values = new Float64Array(length);
  if (length === 1) values[0] = 1;
  else {
    const m = (options.periodic ?? true) ? length : length - 1;
    for (let n = 0; n < length; n++) values[n] = w(n, m);
  }
  const data = dtype === "float32" ? Float32Array.from(values) : values;
  return fromTypedArray(data, [length], { requiresGrad: options.requiresGrad ?? false, ...(options.device === undefined ? {} : { device: options.device }) });
}

/**
 * The Hann window `0.5 - 0.5 cos(2πn / m)`.
 *
 * @example
 * torch.hannWindow(4); // [0, 0.5, 1, 0.5]
 */
export function hannWindow(windowLength: number, options: WindowOptions = {}): Tensor {
  return window("hann_window", windowLength, options, (n, m) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / m));
}

/** The generalized Hamming window `alpha - beta cos(2πn / m)` (defaults 0.54 and 0.46). */
export function hammingWindow(windowLength: number, options: WindowOptions & { alpha?: number; beta?: number } = {}): Tensor {
  const { alpha = 0.54, beta = 0.46 } = options;
  return window("hamming_window", windowLength, options, (n, m) => alpha - beta * Math.cos((2 * Math.PI * n) / m));
}

/** The Blackman window `0.42 - 0.5 cos(2πn / m) + 0.08 cos(4πn / m)`. */
export function blackmanWindow(windowLength: number, options: WindowOptions = {}): Tensor {
  return window("blackman_window", windowLength, options, (n, m) => 0.42 - 0.5 * Math.cos((2 * Math.PI * n) / m) + 0.08 * Math.cos((4 * Math.PI * n) / m));
}

/** The Bartlett (triangular) window `1 - |2n / m - 1|`. */
export function bartlettWindow(windowLength: number, options: WindowOptions = {}): Tensor {
  return window("bartlett_window", windowLength, options, (n, m) => 1 - Math.abs((2 * n) / m - 1));
}

/** The Kaiser window `I0(beta·sqrt(1 - (2n/m - 1)²)) / I0(beta)` (beta 12 by default). */
export function kaiserWindow(windowLength: number, options: WindowOptions & { beta?: number } = {}): Tensor {
  const { beta = 12 } = options;
  const scale = i0(beta);
  return window("kaiser_window", windowLength, options, (n, m) => i0(beta * Math.sqrt(Math.max(0, 1 - ((2 * n) / m - 1) ** 2))) / scale);
}
