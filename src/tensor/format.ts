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

/** Chooses PyTorch's float style for a set of values: integer-looking, fixed or scientific. */
function floatFormatter(values: number[]): (x: number) => string {
  const finite = values.filter((v) => Number.isFinite(v));
  const nonzero = finite.map(Math.abs).filter((v) => v > 0);
  const intLike = finite.every((v) => Number.isInteger(v));
  const special = (x: number) => (Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf");
  if (intLike) {
    const sci = nonzero.length > 0 && Math.max(...nonzero) >= 1e8;
    return (x) => (!Number.isFinite(x) ? special(x) : sci ? x.toExponential(4).replace(/e([+-])(\d)$/, "e$10$2") : `${x.toFixed(0)}.`);
  }
  const maxAbs = Math.max(...nonzero), minAbs = Math.min(...nonzero);
  const sci = maxAbs / minAbs > 1000 || maxAbs > 1e8 || minAbs < 1e-4;
  return (x) => {
    if (!Number.isFinite(x)) return special(x);
    return sci ? x.toExponential(4).replace(/e([+-])(\d)$/, "e$10$2") : x.toFixed(4);
  };
}

const EDGE = 3;
const THRESHOLD = 1000;

/** PyTorch-style repr: `tensor([[1., 2.]], requires_grad=True)`. */
export function formatTensor(t: Tensor): string {
  const values = readValues(t);
  const summarize = values.length > THRESHOLD;
  let fmt: (x: number) => string;
  if (t.dtype === "bool") fmt = (x) => (x ? "True" : "False");
  else if (t.dtype === "int32") fmt = (x) => String(x);
  else fmt = floatFormatter(values);
  const cells = values.map(fmt);
  const width = Math.max(0, ...cells.map((c) => c.length));
  const pad = (s: string) => s.padStart(width);
  const strides: number[] = [];
  let acc = 1;
  for (let i = t.shape.length - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= t.shape[i]!;
  }
  const render = (dim: number, start: number, indent: number): string => {
    if (dim === t.shape.length) return pad(cells[start]!);
    const size = t.shape[dim]!;
    const idx = summarize && size > 2 * EDGE ? [...Array(EDGE).keys(), -1, ...Array.from({ length: EDGE }, (_, i) => size - EDGE + i)] : [...Array(size).keys()];
    const parts = idx.map((i) => (i < 0 ? "..." : render(dim + 1, start + i * strides[dim]!, indent + 1)));
    if (dim === t.shape.length - 1) return `[${parts.join(", ")}]`;
    const sep = "," + "\n".repeat(t.shape.length - dim - 1) + " ".repeat(indent + 1);
    return `[${parts.join(sep)}]`;
  };
  let body = t.shape.length === 0 ? cells[0]! : render(0, 0, 7);
  if (values.length === 0 && t.shape.length > 0) body = "[]";
  const extras: string[] = [];
  if (values.length === 0 && t.shape.length > 1) extras.push(`size=(${t.shape.join(", ")})`);
  if (t.dtype === "float64") extras.push("dtype=torch.float64");
  if (t.dtype === "int32") extras.push("dtype=torch.int32");
  if (t.gradFn) extras.push(`grad_fn=<${t.gradFn.name}>`);
  else if (t.requiresGrad) extras.push("requires_grad=True");
  return `tensor(${body}${extras.map((e) => ", " + e).join("")})`;
}
