/**
 * The native CTC kernels (native/ctc.c: the forward alpha recursion and
 * the gradient) against the reference backend's loops in src/ops/ctc.ts,
 * which nn-ctc-loss.test.ts checks against PyTorch: the same steps in
 * double with the C library's exp and log instead of V8's, so losses and
 * gradients agree to rounding (float64 to 1e-12 relative, float32 to its
 * last bit or two). Varied shapes: padded and concatenated targets, empty
 * targets and inputs, repeated labels, a blank other than 0, non-contiguous
 * log-probabilities, impossible alignments with and without zeroInfinity,
 * the unbatched form. Then the entry points' argument checks.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import type { Strided } from "../src/backend/backend.js";
import { loadNativeBackend, nativeAddon, type NativeAddon } from "../src/backend/native/load.js";
import { backendSkip, onBoth } from "./backends.js";
import { S } from "./strided.js";
import { rejects } from "./native-rejects.js";

const F = torch.nn.functional;
const skip = backendSkip("native");
const nums = (t: Tensor) => Array.from(t.detach().contiguous().toArray() as ArrayLike<number>);
const i32 = (data: number[] | number[][]) => torch.tensor(data, { dtype: "int32" });

function close(ref: number[], nat: number[], rel: number, what: string): void {
  assert.equal(ref.length, nat.length, `${what}: length`);
  ref.forEach((r, i) => {
    const n = nat[i]!;
    if (Object.is(r, n) || (Number.isNaN(r) && Number.isNaN(n))) return;
    assert.ok(Math.abs(r - n) <= rel * Math.max(Math.abs(r), 1), `${what}[${i}]: reference ${r} vs native ${n}`);
  });
}

interface Case {
  name: string;
  lp: (dtype: "float32" | "float64") => Tensor;
  targets: Tensor;
  il: number[];
  tl: number[];
  blank?: number;
  zeroInfinity?: boolean;
}

/** Log-probabilities [T, N, C]; `transposed` lays them out [N, T, C] in memory. */
function logProbs(T: number, N: number, C: number, dtype: "float32" | "float64", transposed = false): Tensor {
  const x = (transposed ? torch.randn([N, T, C], { dtype }).transpose(0, 1) : torch.randn([T, N, C], { dtype })).logSoftmax(2);
  return transposed ? x.transpose(0, 1).contiguous().transpose(0, 1) : x;
}

const CASES: Case[] = [
  { name: "padded T50 N4 C20", lp: (d) => logProbs(50, 4, 20, d), targets: torch.randint(1, 20, [4, 12], { dtype: "int32" }), il: [50, 47, 30, 50], tl: [12, 10, 7, 1] },
  { name: "concatenated, an empty target", lp: (d) => logProbs(30, 3, 7, d), targets: i32([1, 2, 2, 3, 4, 5, 6]), il: [30, 25, 12], tl: [3, 0, 4] },
  { name: "repeated labels, blank 4", lp: (d) => logProbs(20, 2, 6, d), targets: i32([[1, 1, 1, 2], [3, 3, 0, 0]]), il: [20, 20], tl: [4, 4], blank: 4 },
  { name: "non-contiguous log-probabilities", lp: (d) => logProbs(25, 3, 9, d, true), targets: torch.randint(1, 9, [3, 8], { dtype: "int32" }), il: [25, 20, 25], tl: [8, 5, 3] },
  { name: "an input of length 0", lp: (d) => logProbs(6, 3, 5, d), targets: i32([[1, 2], [3, 0], [2, 2]]), il: [0, 0, 6], tl: [0, 2, 2] },
  { name: "impossible alignments", lp: (d) => logProbs(4, 2, 5, d), targets: i32([[1, 1, 1, 1], [1, 2, 3, 4]]), il: [4, 4], tl: [4, 4] },
  { name: "impossible alignments, zeroInfinity", lp: (d) => logProbs(4, 2, 5, d), targets: i32([[1, 1, 1, 1], [1, 2, 3, 0]]), il: [4, 4], tl: [4, 3], zeroInfinity: true },
  {
    name: "a NaN and a +inf log-probability",
    lp: (d) => {
      const x = logProbs(12, 2, 5, d).contiguous();
      const v = Array.from(x.toArray() as ArrayLike<number>);
      v[3 * 10 + 1] = NaN;
      v[7 * 10 + 5 + 2] = Infinity;
      return torch.tensor(v, { dtype: d }).reshape([12, 2, 5]);
    },
    targets: i32([[1, 2, 2], [2, 3, 1]]),
    il: [12, 12],
    tl: [3, 3],
  },
  { name: "unbatched", lp: (d) => logProbs(15, 1, 6, d).squeeze(1), targets: i32([1, 2, 3]), il: [15], tl: [3] },
];

test("ctcLoss: the native kernels' losses and gradients equal the reference loops' to rounding", { skip }, () => {
  for (const dtype of ["float32", "float64"] as const) {
    for (const c of CASES) {
      torch.manualSeed(4);
      const lp0 = c.lp(dtype);
      const what = `${dtype} ${c.name}`;
      const [ref, nat] = onBoth(() => {
        const lp = lp0.detach().requiresGrad_();
        const loss = F.ctcLoss(lp, c.targets, c.il, c.tl, { reduction: "none", blank: c.blank ?? 0, zeroInfinity: c.zeroInfinity ?? false });
        torch.manualSeed(5);
        loss.backward(torch.rand(loss.shape, { dtype }).add(0.5));
        return { loss: nums(loss), grad: nums(lp.grad!), node: loss.gradFn?.name };
      });
      assert.equal(nat.node, ref.node, `${what}: node`);
      const rel = dtype === "float64" ? 1e-12 : 3e-7;
      close(ref.loss, nat.loss, rel, `${what}: loss`);
      close(ref.grad, nat.grad, dtype === "float64" ? 1e-10 : 1e-6, `${what}: gradient`);
    }
  }
});

const addon = nativeAddon();
const argSkip = addon === null || typeof addon.ctcLossForward !== "function" ? `the native addon (with its CTC kernels) is not available (${loadNativeBackend().error})` : false;
type Req<T> = { [K in keyof T]-?: NonNullable<T[K]> };
const c = () => addon as Req<NativeAddon>;
const n = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const f32 = (shape: number[]) => S(new Float32Array(n(shape) + 1).fill(7), shape);
const f64 = (shape: number[]) => S(new Float64Array(n(shape) + 1).fill(7), shape);
const ints = (values: number[]) => S(Int32Array.from(values), [values.length]);
const untouched = (...ts: Strided[]) => ts.forEach((t) => assert.ok(Array.from(t.data as ArrayLike<number>).every((v) => v === 7), "the output is untouched"));

test("ctcLossForward and ctcLossBackward refuse wrong shapes, dtypes, lengths and labels, leaving outputs untouched", { skip: argSkip }, () => {
  // T 5, N 2, C 4; targets [1, 2] and [3]
  const lp = S(new Float32Array(40).fill(-1.4), [5, 2, 4]);
  const labels = ints([1, 2, 3]), tl = ints([2, 1]), il = ints([5, 4]);
  const nll = f32([2]), alpha = f64([2, 5, 5]);
  c().ctcLossForward(nll, alpha, lp, labels, tl, il, 0);
  assert.equal(nll.data[2], 7, "the guard after nll is untouched");
  assert.ok(Number.isFinite(nll.data[0]!) && nll.data[0]! > 0);
  const fwd = (o: Strided, a: Strided, ...rest: [Strided, Strided, Strided, Strided, number]) => c().ctcLossForward(o, a, ...rest);
  const refusesF = (what: RegExp, args: (o: Strided, a: Strided) => [Strided, Strided, Strided, Strided, number], outs = () => [f32([2]), f64([2, 5, 5])]) => {
    const [o, a] = outs() as [Strided, Strided];
    rejects("ctcLossForward", what, () => fwd(o, a, ...args(o, a)));
    untouched(o, a);
  };
  refusesF(/labels\[1\] = 4 is out of range for 4 labels/, () => [lp, ints([1, 4, 3]), tl, il, 0]);
  refusesF(/labels\[0\] = -1 is out of range/, () => [lp, ints([-1, 2, 3]), tl, il, 0]);
  refusesF(/labels must be a contiguous int32 vector of 3 elements/, () => [lp, ints([1, 2]), tl, il, 0]);
  refusesF(/inputLengths\[1\] = 6 is out of range \[0, 5\]/, () => [lp, labels, tl, ints([5, 6]), 0]);
  refusesF(/targetLengths\[0\] = -1 is negative/, () => [lp, labels, ints([-1, 1]), il, 0]);
  refusesF(/targetLengths must be a contiguous int32 vector of 2 elements/, () => [lp, labels, ints([3]), il, 0]);
  refusesF(/blank 4 is out of range for 4 labels/, () => [lp, labels, tl, il, 4]);
  refusesF(/lp \[5,2\] must be \[T, N, C\]/, () => [S(new Float32Array(10), [5, 2]), labels, tl, il, 0]);
  refusesF(/dtype|float64/, () => [S(new Float64Array(40), [5, 2, 4]), labels, tl, il, 0]);
  refusesF(/alpha must be \[2, 5, W\] with W >= 5/, () => [lp, labels, tl, il, 0], () => [f32([2]), f64([2, 5, 4])]);
  refusesF(/alpha must be contiguous/, () => [lp, labels, tl, il, 0], () => [f32([2]), S(new Float64Array(60).fill(7), [2, 5, 5], [25, 1, 5])]);
  refusesF(/alpha.*float64|dtype/, () => [lp, labels, tl, il, 0], () => [f32([2]), f32([2, 5, 5])]);
  refusesF(/nll must be \[2\] vectors/, () => [lp, labels, tl, il, 0], () => [f32([3]), f64([2, 5, 5])]);
  refusesF(/lp .*outside its data/, () => [S(new Float32Array(39), [5, 2, 4]), labels, tl, il, 0]);
  rejects("ctcLossForward", /expected 7 arguments/, () => (c().ctcLossForward as unknown as (...a: unknown[]) => void)(nll, alpha, lp));

  const grad = f32([5, 2, 4]);
  c().ctcLossBackward(grad, S(Float32Array.from([1, 1]), [2]), lp, alpha, nll, labels, tl, il, 0, 0);
  assert.equal(grad.data[40], 7, "the guard after grad is untouched");
  const g = S(Float32Array.from([1, 1]), [2]);
  const refusesB = (what: RegExp, call: (o: Strided) => void, out = () => f32([5, 2, 4])) => {
    const o = out();
    rejects("ctcLossBackward", what, () => call(o));
    untouched(o);
  };
  refusesB(/grad \[5,2,3\] must have lp's shape \[5,2,4\]/, (o) => c().ctcLossBackward(o, g, lp, alpha, nll, labels, tl, il, 0, 0), () => f32([5, 2, 3]));
  refusesB(/grad must be contiguous/, (o) => c().ctcLossBackward(o, g, lp, alpha, nll, labels, tl, il, 0, 0), () => S(new Float32Array(41).fill(7), [5, 2, 4], [1, 20, 5]));
  refusesB(/nll and g must be \[2\] vectors/, (o) => c().ctcLossBackward(o, S(Float32Array.from([1]), [1]), lp, alpha, nll, labels, tl, il, 0, 0));
  refusesB(/zeroInfinity = 2 is out of range/, (o) => c().ctcLossBackward(o, g, lp, alpha, nll, labels, tl, il, 0, 2));
  refusesB(/labels\[2\] = 9 is out of range/, (o) => c().ctcLossBackward(o, g, lp, alpha, nll, ints([1, 2, 9]), tl, il, 0, 0));
  refusesB(/g.*lp|dtype/, (o) => c().ctcLossBackward(o, S(Float64Array.from([1, 1]), [2]), lp, alpha, nll, labels, tl, il, 0, 0));
  rejects("ctcLossBackward", /expected 10 arguments/, () => (c().ctcLossBackward as unknown as (...a: unknown[]) => void)(grad, g, lp));
});
