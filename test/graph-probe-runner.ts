/**
 * Replays the random autograd programs written by scripts/probe_graphs.py
 * with torchlet and lists every difference from PyTorch's record: each
 * step's results (shape, dtype, values, requiresGrad, isLeaf, gradFn name),
 * every value again at the end, errors (torchlet's message must start with
 * PyTorch's), then the backward phase (leaf grads, retained grads, what the
 * hooks saw, autograd.grad's results with createGraph and a second backward).
 */
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { decode, type Encoded } from "./fixture-values.js";

const { Slice, None, Ellipsis } = torch.indexing;

type DType = "float32" | "float64" | "int32" | "bool";
type Arg = { t: number } | Arg[] | number | boolean | null;
type IndexEl = { slice: (number | null)[] } | { none: 1 } | { ellipsis: 1 } | { t: number } | number;

/** One step of a program: an op, its arguments (earlier values as `{ t: i }`) and keyword arguments. */
export interface Step {
  op: string;
  args?: Arg[];
  kw?: Record<string, unknown>;
}

/** What PyTorch recorded of a tensor. */
export interface Snap {
  shape: number[];
  dtype: string;
  data: Encoded[];
  rg: boolean;
  leaf: boolean;
  fn: string | null;
}

/** PyTorch's record of a whole program. */
export interface ProgramResult {
  steps: Snap[][];
  error?: { step: number; msg: string };
  final?: Snap[];
  berror?: string;
  grads?: (Snap | null)[];
  second?: boolean;
  leafGrads?: Record<string, Snap | null>;
  retained?: Record<string, Snap | null>;
  hooks?: Record<string, Snap[]>;
}

/** A program and PyTorch's record of it. */
export interface Program {
  seed: number;
  steps: Step[];
  backward?: { target: number; kind: "once" | "twice" | "grad2"; grad?: Encoded[]; h?: Encoded[][] };
  result: ProgramResult;
}

/** One difference: where it is and what differs. */
export interface Difference {
  seed: number;
  where: string;
  what: string;
}

/** Options of the comparison. */
export interface CompareOptions {
  /** Also report gradFn names that differ (default true). */
  gradFnNames?: boolean;
}

const toDType = (d: string): DType => (d === "index" ? "int32" : (d as DType));

function makeTensor(data: Encoded[], shape: number[], dtype: DType): Tensor {
  const values = data.map((v) => (typeof v === "boolean" ? Number(v) : decode(v)));
  // (clone: a reshaped tensor is a view, and in-place errors name views differently)
  if (dtype === "bool") return torch.tensor(values.map((v) => v !== 0), { dtype: "bool" }).reshape(shape).clone();
  return torch.tensor(values, { dtype }).reshape(shape).clone();
}

const camel = (s: string): string => s.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

class Ctx {
  vals: Tensor[] = [];
  guards: Disposable[] = [];
  hooks = new Map<number, Tensor[]>();
}

function arg(ctx: Ctx, a: Arg): unknown {
  if (Array.isArray(a)) return a.map((x) => arg(ctx, x));
  if (a !== null && typeof a === "object") return ctx.vals[a.t]!;
  return a;
}

function indexEl(ctx: Ctx, e: IndexEl): torch.indexing.TensorIndex {
  if (typeof e === "number") return e;
  if ("slice" in e) {
    const [start, stop, step] = e.slice;
    return Slice(start ?? null, stop ?? null, step ?? null);
  }
  if ("none" in e) return None;
  if ("ellipsis" in e) return Ellipsis;
  return ctx.vals[e.t]!;
}

/** The keyword arguments of the steps (`never` where an op's call decides the type). */
interface Kw {
  data: Encoded[]; shape: number[]; dtype: string; rg: boolean; id: number; scale: number; v: never; alpha: number;
  min?: number | null; max?: number | null; dim: never; keepdim: boolean; correction?: number; eq: string; dims: number[];
  d0: number; d1: number; start: number; length: number; index: number; end: number; el: IndexEl[]; accumulate?: boolean;
  n: never; desc: boolean; k: number; largest: boolean; diag: number; approximate: "none" | "tanh";
}

type AnyFn = (...a: unknown[]) => unknown;

function call(x: Tensor, name: string, ...a: unknown[]): Tensor {
  const f = (x as unknown as Record<string, AnyFn | undefined>)[name];
  if (typeof f !== "function") throw new Error(`probe runner: no method ${name}`);
  return f.apply(x, a) as Tensor;
}

const UNARY = new Set(["neg", "exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "relu", "sign", "floor", "ceil", "round",
  "reciprocal", "log1p", "expm1", "square", "rsqrt", "erf", "trunc", "frac", "logical_not", "isnan", "clone", "contiguous", "t",
  "float", "double", "int", "bool", "detach", "zero_", "exp_", "neg_", "sigmoid_", "tanh_", "relu_", "abs_", "detach_"]);
const BINARY = new Set(["add", "sub", "mul", "div", "pow", "maximum", "minimum", "eq", "ne", "lt", "le", "gt", "ge", "logical_and",
  "logical_or", "atan2", "fmod", "remainder", "add_", "sub_", "mul_", "div_"]);
const REDUCE = new Set(["sum", "mean", "prod", "amax", "amin", "std", "var", "logsumexp", "norm", "argmax", "argmin", "any", "all"]);

/** Runs one step with torchlet; returns its results. */
function runStep(ctx: Ctx, s: Step): Tensor[] {
  const op = s.op;
  // the generator writes each op's keyword arguments with the types its torchlet call takes
  const kw = (s.kw ?? {}) as unknown as Kw;
  const a = (s.args ?? []).map((x) => arg(ctx, x));
  const x = a[0] as Tensor;
  if (op === "input") {
    const t = makeTensor(kw["data"], kw["shape"], toDType(kw["dtype"]));
    if (kw["rg"]) t.requiresGrad_();
    return [t];
  }
  if (op === "nograd" || op === "enablegrad") {
    ctx.guards.push(op === "nograd" ? torch.setGradEnabled(false) : torch.setGradEnabled(true));
    return [];
  }
  if (op === "endmode") {
    ctx.guards.pop()![Symbol.dispose]();
    return [];
  }
  if (op === "retain_grad") {
    x.retainGrad();
    return [];
  }
  if (op === "hook") {
    const id: number = kw["id"], scale: number = kw["scale"];
    const seen: Tensor[] = [];
    ctx.hooks.set(id, seen);
    x.registerHook((g) => {
      seen.push(g.detach().clone());
      return scale === 1 ? undefined : g.mul(scale);
    });
    return [];
  }
  if (op === "requires_grad_") return [x.requiresGrad_(kw["v"])];
  if (op.startsWith("F.")) {
    // torch.nn.functional activations: the input only (rrelu in eval mode, gelu's approximate)
    const f = (torch.nn.functional as unknown as Record<string, AnyFn | undefined>)[camel(op.slice(2))];
    if (typeof f !== "function") throw new Error(`probe runner: no function ${op}`);
    if (op === "F.rrelu") return [f(x, { training: false }) as Tensor];
    return [("approximate" in kw ? f(x, { approximate: kw.approximate }) : f(x)) as Tensor];
  }
  if (UNARY.has(op)) return [call(x, camel(op))];
  if (BINARY.has(op)) {
    if ("alpha" in kw) return [call(x, camel(op), a[1], { alpha: kw["alpha"] })];
    return [call(x, camel(op), a[1])];
  }
  if (op === "clamp" || op === "clamp_") return [call(x, op, kw["min"] ?? null, kw["max"] ?? null)];
  if (REDUCE.has(op)) {
    if (!("dim" in kw)) return [call(x, op)];
    if (op === "norm") return [x.norm(2, kw["dim"], { keepdim: kw["keepdim"] })];
    if (op === "std" || op === "var") return [call(x, op, kw["dim"], { correction: kw["correction"] ?? 1, keepdim: kw["keepdim"] })];
    return [call(x, op, kw["dim"], { keepdim: kw["keepdim"] })];
  }
  if (op === "max" || op === "min") {
    if (!("dim" in kw)) return [op === "max" ? x.max() : x.min()];
    const r = op === "max" ? x.max(kw["dim"], { keepdim: kw["keepdim"] }) : x.min(kw["dim"], { keepdim: kw["keepdim"] });
    return [r.values, r.indices];
  }
  if (op === "matmul" || op === "mm" || op === "bmm") return [call(x, op, a[1])];
  if (op === "einsum") return [torch.einsum(kw["eq"], ...(a as Tensor[]))];
  if (op === "view" || op === "reshape") return [call(x, op, kw["shape"])];
  if (op === "expand") return [x.expand(kw["shape"])];
  if (op === "permute") return [x.permute(kw["dims"])];
  if (op === "transpose" || op === "movedim") return [call(x, op, kw["d0"], kw["d1"])];
  if (op === "narrow") return [x.narrow(kw["dim"], kw["start"], kw["length"])];
  if (op === "select") return [x.select(kw["dim"], kw["index"])];
  if (op === "unsqueeze") return [x.unsqueeze(kw["dim"])];
  if (op === "squeeze") return ["dim" in kw ? x.squeeze(kw["dim"]) : x.squeeze()];
  if (op === "flatten") return [x.flatten(kw["start"], kw["end"])];
  if (op === "index") return [x.index(kw["el"].map((e) => indexEl(ctx, e)))];
  if (op === "index_put_") {
    const el = kw["el"].map((e) => indexEl(ctx, e));
    const v = a[1] as Tensor | number;
    return [kw["accumulate"] ? x.indexPut_(el, v, { accumulate: true }) : x.indexPut_(el, v)];
  }
  if (op === "copy_") return [x.copy_(a[1] as Tensor)];
  if (op === "fill_") return [x.fill_(kw["v"])];
  if (op === "masked_fill" || op === "masked_fill_") return [call(x, camel(op), a[1], kw["v"])];
  if (op === "cat" || op === "stack") return [(op === "cat" ? torch.cat : torch.stack)(a[0] as Tensor[], kw["dim"])];
  if (op === "split") return x.split(kw["n"], kw["dim"]);
  if (op === "chunk") return x.chunk(kw["n"], kw["dim"]);
  if (op === "where") return [torch.where(x, a[1] as Tensor | number, a[2] as Tensor | number)];
  if (op === "softmax" || op === "log_softmax" || op === "cumsum" || op === "cumprod") return [call(x, camel(op), kw["dim"])];
  if (op === "gather" || op === "index_select") return [call(x, camel(op), kw["dim"], a[1])];
  if (op.startsWith("scatter")) return [call(x, camel(op), kw["dim"], a[1], a[2])];
  if (op === "sort") {
    const r = x.sort({ dim: kw["dim"], descending: kw["desc"] });
    return [r.values, r.indices];
  }
  if (op === "topk") {
    const r = x.topk(kw["k"], { dim: kw["dim"], largest: kw["largest"] });
    return [r.values, r.indices];
  }
  if (op === "tril" || op === "triu") return [call(x, op, kw["diag"])];
  if (op === "to") return [x.to(toDType(kw["dtype"]))];
  throw new Error(`probe runner: unknown op ${op}`);
}

function close(got: number, want: number, dtype: string): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (!Number.isFinite(want)) return got === want;
  // (a float64 result may hold values computed in float32 earlier in the program)
  if (dtype === "float64") return Math.abs(got - want) <= 1e-7 + 1e-6 * Math.abs(want);
  if (dtype === "float32") return Math.abs(got - want) <= 2e-5 + 2e-4 * Math.abs(want);
  return got === want;
}

/** Differences between torchlet's tensor and PyTorch's snapshot of it. */
function compareSnap(t: unknown, s: Snap, where: string, out: string[], opts: Required<CompareOptions>, props = true): void {
  if (!(t instanceof torch.Tensor)) {
    out.push(`${where}: not a tensor`);
    return;
  }
  if (JSON.stringify(t.shape) !== JSON.stringify(s.shape)) {
    out.push(`${where}: shape ${JSON.stringify(t.shape)}, PyTorch ${JSON.stringify(s.shape)}`);
    return;
  }
  if (t.dtype !== s.dtype) out.push(`${where}: dtype ${t.dtype}, PyTorch ${s.dtype}`);
  if (props) {
    if (t.requiresGrad !== s.rg) out.push(`${where}: requiresGrad ${t.requiresGrad}, PyTorch ${s.rg}`);
    if (t.isLeaf !== s.leaf) out.push(`${where}: isLeaf ${t.isLeaf}, PyTorch ${s.leaf}`);
    const fn = t.gradFn?.name ?? null;
    if (opts.gradFnNames && fn !== s.fn) out.push(`${where}: gradFn ${fn}, PyTorch ${s.fn}`);
  }
  const got = Array.from(t.detach().contiguous().toArray() as ArrayLike<number>, Number);
  const bad = s.data.findIndex((w, i) => !close(got[i]!, decode(w), s.dtype));
  if (bad >= 0) out.push(`${where}: value [${bad}] ${got[bad]}, PyTorch ${decode(s.data[bad]!)}`);
}

/** PyTorch's message as torchlet's should start: up to PyTorch-only details (int64 type names). */
export function messagePrefix(msg: string): string {
  // 2.x's wording where 1.13's differs
  const m = msg.replace("only Tensors of floating point dtype can require gradients", "only Tensors of floating point and complex dtype can require gradients");
  const cut = m.search(/\[torch\.|torch\.|\[CPU|Long|int64/);
  return (cut >= 0 ? m.slice(0, cut) : m).trimEnd();
}

function checkError(e: unknown, want: string, where: string, out: string[]): void {
  const msg = e instanceof Error ? e.message : String(e);
  if (msg.startsWith("probe runner:")) out.push(`${where}: ${msg}`);
  else if (!msg.startsWith(messagePrefix(want))) out.push(`${where}: message "${msg.slice(0, 160)}", PyTorch "${want.slice(0, 160)}"`);
}

/** Runs program `p` with torchlet and returns how it differs from PyTorch's record. */
export function runProgram(p: Program, options: CompareOptions = {}): Difference[] {
  const opts: Required<CompareOptions> = { gradFnNames: options.gradFnNames ?? true };
  const out: string[] = [];
  const ctx = new Ctx();
  const res = p.result;
  try {
    for (let i = 0; i < p.steps.length; i++) {
      const s = p.steps[i]!;
      let outs: Tensor[];
      try {
        outs = runStep(ctx, s);
      } catch (e) {
        if (res.error?.step === i) checkError(e, res.error.msg, `step ${i} ${s.op}`, out);
        else out.push(`step ${i} ${s.op}: throws "${(e instanceof Error ? e.message : String(e)).slice(0, 200)}", PyTorch does not`);
        return out.map((what) => ({ seed: p.seed, where: what.split(":")[0]!, what }));
      }
      if (res.error?.step === i) {
        out.push(`step ${i} ${s.op}: does not throw, PyTorch "${res.error.msg.slice(0, 200)}"`);
        break;
      }
      const snaps = res.steps[i]!;
      if (snaps.length !== outs.length) out.push(`step ${i} ${s.op}: ${outs.length} results, PyTorch ${snaps.length}`);
      outs.forEach((o, k) => {
        ctx.vals.push(o);
        if (snaps[k]) compareSnap(o, snaps[k], `step ${i} ${s.op}#${k}`, out, opts);
      });
    }
  } finally {
    while (ctx.guards.length) ctx.guards.pop()![Symbol.dispose]();
  }
  if (res.final && !res.error) res.final.forEach((s, i) => compareSnap(ctx.vals[i], s, `final v${i}`, out, opts));
  if (p.backward && !res.error) backwardPhase(p, ctx, out, opts);
  return out.map((what) => ({ seed: p.seed, where: what.split(":")[0]!, what }));
}

function backwardPhase(p: Program, ctx: Ctx, out: string[], opts: Required<CompareOptions>): void {
  const b = p.backward!, res = p.result;
  const leaves = ctx.vals.map((v, i) => [v, i] as const).filter(([v]) => v.isLeaf && v.requiresGrad).map(([, i]) => i);
  const target = ctx.vals[b.target]!;
  const g = b.grad ? makeTensor(b.grad, target.shape.slice(), target.dtype).to(target.dtype) : null;
  let err: unknown = null;
  try {
    if (b.kind === "grad2") {
      const gs = torch.autograd.grad(target, leaves.map((i) => ctx.vals[i]!), { gradOutputs: g, createGraph: true, allowUnused: true });
      gs.forEach((x, k) => {
        const want = res.grads?.[k];
        if ((x === null) !== (want === null || want === undefined)) out.push(`grad2 input ${k}: ${x === null ? "null" : "a tensor"}, PyTorch ${want ? "a tensor" : "None"}`);
        else if (x && want) compareSnap(x, want, `grad2 input ${k}`, out, opts);
      });
      let second: Tensor | null = null;
      gs.forEach((x, k) => {
        if (x && x.requiresGrad) {
          const term = x.mul(makeTensor(b.h![k]!, x.shape.slice(), x.dtype).to(x.dtype)).sum();
          second = second === null ? term : second.add(term);
        }
      });
      if (second !== null) (second as Tensor).backward();
      if ((second !== null) !== res.second) out.push(`grad2: second backward ${second !== null}, PyTorch ${res.second}`);
    } else {
      target.backward(g, { retainGraph: b.kind === "twice" });
      if (b.kind === "twice") target.backward(g);
    }
  } catch (e) {
    err = e;
  }
  if (err !== null && res.berror === undefined) out.push(`backward: throws "${(err instanceof Error ? err.message : "a non-Error").slice(0, 200)}", PyTorch does not`);
  else if (err === null && res.berror !== undefined) out.push(`backward: does not throw, PyTorch "${res.berror.slice(0, 200)}"`);
  else if (err !== null) checkError(err, res.berror!, "backward", out);
  const grads = res.leafGrads ?? {};
  for (const i of leaves) {
    const want = grads[String(i)];
    const got = ctx.vals[i]!.grad;
    if (want === undefined) out.push(`leaf v${i}: not a leaf requiring grad in PyTorch`);
    else if ((got === null) !== (want === null)) out.push(`leaf v${i}: grad ${got === null ? "null" : "set"}, PyTorch ${want === null ? "None" : "set"}`);
    else if (got && want) compareSnap(got, want, `leaf v${i} grad`, out, opts, false);
  }
  for (const [k, want] of Object.entries(res.retained ?? {})) {
    const got = ctx.vals[Number(k)]!.grad;
    if ((got === null) !== (want === null)) out.push(`retained v${k}: grad ${got === null ? "null" : "set"}, PyTorch ${want === null ? "None" : "set"}`);
    else if (got && want) compareSnap(got, want, `retained v${k} grad`, out, opts, false);
  }
  for (const [k, want] of Object.entries(res.hooks ?? {})) {
    const got = ctx.hooks.get(Number(k)) ?? [];
    if (got.length !== want.length) out.push(`hook ${k}: called ${got.length} times, PyTorch ${want.length}`);
    else want.forEach((w, j) => compareSnap(got[j], w, `hook ${k} call ${j}`, out, opts, false));
  }
}
