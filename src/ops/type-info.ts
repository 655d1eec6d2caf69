/**
 * `torch.finfo` and `torch.iinfo`: the numeric limits of torchlet's
 * floating and integer dtypes, with PyTorch's attribute values and repr.
 */
import { getDefaultDtype } from "./dtype-utils.js";
import type { DType } from "../tensor/dtype.js";

/** Python's `%g`: 6 significant digits, trailing zeros dropped, exponent form outside [1e-4, 1e6). */
function pyG(v: number): string {
  const exp = v.toExponential(5), e = exp.indexOf("e"), x = Number(exp.slice(e + 1));
  const strip = (s: string) => (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s);
  if (x >= -4 && x < 6) return strip(v.toFixed(5 - x));
  return `${strip(exp.slice(0, e))}e${x < 0 ? "-" : "+"}${String(Math.abs(x)).padStart(2, "0")}`;
}

/** Limits of a floating dtype, as `torch.finfo`. */
export class FInfo {
  /** Bits per element. */
  readonly bits: number;
  /** The gap between 1 and the next representable number. */
  readonly eps: number;
  /** The largest finite value. */
  readonly max: number;
  /** The most negative finite value (`-max`). */
  readonly min: number;
  /** The smallest positive normal number. */
  readonly smallestNormal: number;
  /** PyTorch's alias of `smallestNormal`. */
  readonly tiny: number;
  /** 10^-(decimal digits the dtype holds): 1e-6 for float32, 1e-15 for float64. */
  readonly resolution: number;
  readonly dtype: "float32" | "float64";

  constructor(dtype: "float32" | "float64") {
    const single = dtype === "float32";
    this.dtype = dtype;
    this.bits = single ? 32 : 64;
    this.eps = single ? 2 ** -23 : Number.EPSILON;
    this.max = single ? (2 - 2 ** -23) * 2 ** 127 : Number.MAX_VALUE;
    this.min = -this.max;
    this.smallestNormal = this.tiny = single ? 2 ** -126 : 2 ** -1022;
    this.resolution = single ? 1e-6 : 1e-15;
  }

  toString(): string {
    const f = pyG;
    return `finfo(resolution=${f(this.resolution)}, min=${f(this.min)}, max=${f(this.max)}, eps=${f(this.eps)}, smallest_normal=${f(this.smallestNormal)}, tiny=${f(this.tiny)}, dtype=${this.dtype})`;
  }
}

/** Limits of an integer dtype, as `torch.iinfo`. */
export class IInfo {
  readonly bits = 32;
  readonly max = 2 ** 31 - 1;
  readonly min = -(2 ** 31);
  readonly dtype = "int32" as const;

  toString(): string {
    return `iinfo(min=${pyG(this.min)}, max=${pyG(this.max)}, dtype=${this.dtype})`;
  }
}

/**
 * The limits of a floating dtype (the default dtype when none is given).
 *
 * @example
 * torch.finfo("float32").eps; // 1.1920928955078125e-7
 */
export function finfo(dtype: DType = getDefaultDtype()): FInfo {
  if (dtype !== "float32" && dtype !== "float64") {
    throw new TypeError(`torch.finfo() requires a floating point input type. Use torch.iinfo to handle 'torch.finfo'`);
  }
  return new FInfo(dtype);
}

/**
 * The limits of an integer dtype (int32, torchlet's one integer dtype).
 *
 * @example
 * torch.iinfo("int32").max; // 2147483647
 */
export function iinfo(dtype: DType): IInfo {
  if (dtype === "bool") throw new TypeError("torch.bool is not supported by torch.iinfo");
  if (dtype !== "int32") throw new TypeError(`torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'`);
  return new IInfo();
}
