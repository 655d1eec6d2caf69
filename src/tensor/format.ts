import { printOptions } from "./print-options.js";
import type { Tensor } from "./tensor.js";

/** Reads element values row-major from any layout. */
export function readValues(t: Pick<Tensor, "data" | "shape" | "strides" | "offset">): number[] {
  const n = t.shape.reduce((a, b) => a * b, 1);
  const out = new Array<number>(n);
  const pos = new Array<number>(t.shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    let o = t.offset;
    for (let k = 0; k < pos.length; k++) o += pos[k]! * t.strides[k]!;
    out[i] = t.data[o]!;
    for (let k = pos.length - 1; k >= 0; k--) {
      if (++pos[k]! < t.shape[k]!) break;
      pos[k] = 0;
    }
  }
  return out;
}

/** Python's `{:.Ne}` (N the print precision): a sign on negative zero and at least two exponent digits. */
function sci(x: number): string {
  const s = expHalfEven(Math.abs(x), printOptions.precision).replace(/e([+-])(\d)$/, "e$10$2");
  return (x < 0 || Object.is(x, -0) ? "-" : "") + s;
}

/** Python's `{:.Nf}`, which keeps the sign of negative zero (JS's toFixed drops it). */
function fixed(x: number, digits: number): string {
  return (Object.is(x, -0) || x < 0 ? "-" : "") + fixedHalfEven(Math.abs(x), digits);
}

/**
 * `a` (>= 0) to `digits` decimals, rounding an exact tie to even as Python
 * does: toFixed rounds it away from zero (1.03125 to 4 places is 1.0313 in
 * JS, 1.0312 in Python). toFixed(100) gives the exact decimal expansion to
 * look for the tie in.
 */
function fixedHalfEven(a: number, digits: number): string {
  const rounded = a.toFixed(digits);
  if (!Number.isFinite(a) || a >= 1e21) return rounded;
  const exact = a.toFixed(100), dot = exact.indexOf(".");
  if (!/^50*$/.test(exact.slice(dot + 1 + digits))) return rounded;
  const down = exact.slice(0, digits === 0 ? dot : dot + 1 + digits);
  return Number(down[down.length - 1]) % 2 === 0 ? down : rounded;
}

/**
 * `a` (> 0) as `toExponential(digits)`, but an exact tie rounds to even as
 * in Python (`{:.0e}` of 2.5 is 2e+00; toExponential gives 3e+0).
 * toExponential(100) gives the exact digits to look for the tie in.
 */
function expHalfEven(a: number, digits: number): string {
  const rounded = a.toExponential(digits);
  if (!Number.isFinite(a) || a === 0 || digits >= 100) return rounded;
  const exact = a.toExponential(100), e = exact.indexOf("e");
  if (!/^50*$/.test(exact.slice(2 + digits, e))) return rounded;
  const down = exact.slice(0, digits === 0 ? 1 : 2 + digits);
  return Number(down[down.length - 1]) % 2 === 0 ? down + exact.slice(e) : rounded;
}

/**
 * PyTorch's element formatter: one style and one width for the whole tensor,
 * decided by its nonzero finite values (integer-looking, fixed or scientific).
 */
class Formatter {
  private readonly floating: boolean;
  private intMode = true;
  private sciMode = false;
  private width = 1;

  constructor(values: readonly number[], floating: boolean, bool: boolean) {
    this.floating = floating;
    if (!floating) {
      for (const v of values) this.width = Math.max(this.width, this.plain(v, bool).length);
      return;
    }
    const finite = values.filter((v) => Number.isFinite(v) && v !== 0);
    if (finite.length === 0) return;
    // a loop, not Math.min(...abs): spreading hundreds of thousands of values overflows the call stack
    let min = Infinity, max = 0;
    for (const v of finite) {
      const a = Math.abs(v);
      if (a < min) min = a;
      if (a > max) max = a;
    }
    this.intMode = finite.every((v) => Number.isInteger(v));
    this.sciMode = max / min > 1000 || max > 1e8 || (!this.intMode && min < 1e-4);
    for (const v of finite) {
      const s = this.sciMode ? sci(v) : this.intMode ? `${fixed(v, 0)}.` : fixed(v, printOptions.precision);
      this.width = Math.max(this.width, s.length);
    }
    // as PyTorch, a forced mode keeps the width measured in the automatic one
    if (printOptions.sciMode !== undefined) this.sciMode = printOptions.sciMode;
  }

  private plain(v: number, bool: boolean): string {
    return bool ? (v ? "True" : "False") : String(v);
  }

  /** The width every element is padded to. */
  get elementWidth(): number {
    return this.width;
  }

  format(v: number, bool = false): string {
    let s: string;
    if (!this.floating) s = this.plain(v, bool);
    else if (Number.isNaN(v)) s = "nan";
    else if (!Number.isFinite(v)) s = v > 0 ? "inf" : "-inf";
    else if (this.sciMode) s = sci(v);
    else if (this.intMode) s = `${fixed(v, 0)}.`;
    else s = fixed(v, printOptions.precision);
    return s.padStart(this.width);
  }
}

/** Row-major indices kept along a dim of `size` (the first and last `edgeitems` when summarizing). */
function kept(size: number, summarize: boolean): number[] {
  const edge = printOptions.edgeitems;
  if (!summarize || size <= 2 * edge) return [...Array(size).keys()];
  return [...Array(edge).keys(), ...Array.from({ length: edge }, (_, i) => size - edge + i)];
}

/**
 * PyTorch-style repr: `tensor([[1., 2.]], requires_grad=True)`, with PyTorch's
 * number styles, summarization and line wrapping, under `setPrintoptions`
 * (by default: 4 digits, summarized past 1000 elements, 80 columns).
 *
 * @example
 * String(torch.tensor([1.5, -2])); // "tensor([ 1.5000, -2.0000])"
 */
export function formatTensor(t: Tensor): string {
  const values = readValues(t);
  const shape = t.shape;
  const nd = shape.length;
  const { edgeitems, linewidth } = printOptions;
  const summarize = values.length > printOptions.threshold;
  const strides: number[] = [];
  let acc = 1;
  for (let i = nd - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= shape[i]!;
  }
  // the formatter sees only what is printed, as PyTorch's get_summarized_data
  // (whose `x[-0:]` shows a whole vector to it, and nothing of a matrix, at 0 edge items)
  const shown: number[] = [];
  const collect = (dim: number, start: number): void => {
    if (dim === nd) {
      shown.push(values[start]!);
      return;
    }
    for (const i of kept(shape[dim]!, summarize)) collect(dim + 1, start + i * strides[dim]!);
  };
  if (summarize && edgeitems === 0) shown.push(...(nd === 1 ? values : []));
  else if (values.length > 0) collect(0, 0);
  const bool = t.dtype === "bool";
  const fmt = new Formatter(shown, t.dtype === "float32" || t.dtype === "float64", bool);

  const vector = (start: number, indent: number): string => {
    const size = shape[nd - 1]!;
    const perLine = Math.max(1, Math.floor((linewidth - indent) / (fmt.elementWidth + 2)));
    const idx = kept(size, summarize);
    const data = idx.map((i) => fmt.format(values[start + i]!, bool));
    if (summarize && edgeitems === 0) data.splice(0, data.length, "...");
    else if (idx.length < size) data.splice(edgeitems, 0, " ...");
    const lines: string[] = [];
    for (let i = 0; i < data.length; i += perLine) lines.push(data.slice(i, i + perLine).join(", "));
    return `[${lines.join(",\n" + " ".repeat(indent + 1))}]`;
  };
  const render = (dim: number, start: number, indent: number): string => {
    if (dim === nd - 1) return vector(start, indent);
    const size = shape[dim]!;
    const idx = kept(size, summarize);
    const slices = idx.map((i) => render(dim + 1, start + i * strides[dim]!, indent + 1));
    if (idx.length < size) slices.splice(edgeitems, 0, "...");
    return `[${slices.join("," + "\n".repeat(nd - dim - 1) + " ".repeat(indent + 1))}]`;
  };

  const prefix = "tensor(";
  const suffixes: string[] = [];
  let body: string;
  if (values.length === 0) {
    body = "[]";
    if (nd !== 1) suffixes.push(`size=(${shape.join(", ")})`);
    if (t.dtype !== "float32") suffixes.push(`dtype=torch.${t.dtype}`);
  } else {
    body = nd === 0 ? fmt.format(values[0]!, bool) : render(0, 0, prefix.length);
    if (t.dtype === "float64" || t.dtype === "int32") suffixes.push(`dtype=torch.${t.dtype}`);
  }
  if (t.gradFn) suffixes.push(`grad_fn=<${t.gradFn.name}>`);
  else if (t.requiresGrad) suffixes.push("requires_grad=True");
  // suffixes go on the last line while it stays within the line width
  let out = prefix + body;
  let lastLine = out.length - out.lastIndexOf("\n") + 1;
  for (const s of suffixes) {
    if (lastLine + s.length + 2 > linewidth) {
      out += ",\n" + " ".repeat(prefix.length) + s;
      lastLine = prefix.length + s.length;
    } else {
      out += ", " + s;
      lastLine += s.length + 2;
    }
  }
  return out + ")";
}
