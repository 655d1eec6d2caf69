// conv2d with output rows a little wider than one vector (17..24 float32,
// 9..12 float64: the bench CNN's second layer, 3x3 over 26-wide maps), which
// the native conv2d computes two output rows per tile: PyTorch's values and
// gradients (test/fixtures/ops/gemm-mlp.json, scripts/gen_gemm_mlp_fixtures.py),
// and every width around that range, odd and even row counts, padding,
// stride and dilation against a float64 direct sum computed here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { describeOnBackends } from "./backends.js";
import { assertClose, decode, values, type Encoded } from "./fixture-values.js";

const F = torch.nn.functional;
type Float = "float32" | "float64";

interface ConvCase {
  name: string;
  dtype: Float;
  input: number[];
  outChannels: number;
  options: { padding?: number; stride?: number };
  outputShape: number[];
  output: Encoded[];
  grads: { inputPlaneSums: Encoded[]; weight: Encoded[]; bias: Encoded[] };
}

const fixtures = (JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "test", "fixtures", "ops", "gemm-mlp.json"), "utf8")) as { conv: ConvCase[] }).conv;

/** The generator's inputs: element i is sin(0.7071 i + 1.618 seed) cos(0.1379 i + seed), times scale. */
function formula(shape: number[], seed: number, scale: number, dtype: Float): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = Math.sin(i * 0.7071 + seed * 1.618) * Math.cos(i * 0.1379 + seed) * scale;
  return torch.tensor(dtype === "float32" ? new Float32Array(v) : v, { dtype }).reshape(shape);
}

/**
 * Gradients sum hundreds of products (a weight's over every output position),
 * so float32 ones are compared within 1e-4 of 1 + |value| (both sides round).
 */
function assertGrad(actual: number[], expected: Encoded[], dtype: Float, what: string): void {
  if (dtype === "float64") return assertClose(actual, expected, what);
  assert.equal(actual.length, expected.length, `${what}: length`);
  expected.forEach((e, i) => {
    const want = decode(e);
    if (!(Math.abs(actual[i]! - want) <= 1e-4 * (1 + Math.abs(want)))) assert.fail(`${what}: [${i}] is ${actual[i]}, PyTorch gives ${want}`);
  });
}

describeOnBackends((b) => `conv2d by row pairs against PyTorch (${b})`, () => {
  for (const c of fixtures) {
    test(`conv2d ${c.name}: values and gradients`, () => {
      const [n = 0, ch = 0] = c.input;
      const x = formula(c.input, 7, 1, c.dtype).requiresGrad_(true);
      const w = formula([c.outChannels, ch, 3, 3], 8, 0.3, c.dtype).requiresGrad_(true);
      const bias = formula([c.outChannels], 9, 0.3, c.dtype).requiresGrad_(true);
      const y = F.conv2d(x, w, bias, c.options);
      assert.deepEqual(y.shape, c.outputShape);
      assertClose(values(y), c.output, `${c.name}: output`);
      y.backward(formula(c.outputShape, 10, 1, c.dtype));
      const planes = values(x.grad!.sum([2, 3]));
      assert.equal(planes.length, n * ch);
      assertGrad(planes, c.grads.inputPlaneSums, c.dtype, `${c.name}: input gradient plane sums`);
      assertGrad(values(w.grad!), c.grads.weight, c.dtype, `${c.name}: weight gradient`);
      assertGrad(values(bias.grad!), c.grads.bias, c.dtype, `${c.name}: bias gradient`);
    });
  }
});

// ---- against a float64 direct sum ----------------------------------------------------------

interface Geo { stride: number; padding: number; dilation: number }

/** conv2d of x [N, C, H, W] with w [O, C, kh, kw] and bias, summed in float64 per output; also each output's sum of |terms|. */
function direct(x: Tensor, w: Tensor, bias: Tensor, g: Geo): { out: Float64Array; bound: Float64Array; shape: number[] } {
  const [N = 0, C = 0, H = 0, W = 0] = x.shape, [O = 0, , kh = 0, kw = 0] = w.shape;
  const oh = Math.floor((H + 2 * g.padding - g.dilation * (kh - 1) - 1) / g.stride) + 1;
  const ow = Math.floor((W + 2 * g.padding - g.dilation * (kw - 1) - 1) / g.stride) + 1;
  const xv = values(x), wv = values(w), bv = values(bias);
  const out = new Float64Array(N * O * oh * ow), bound = new Float64Array(out.length);
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++)
      for (let y = 0; y < oh; y++)
        for (let xo = 0; xo < ow; xo++) {
          let s = bv[o]!, a = Math.abs(bv[o]!);
          for (let c = 0; c < C; c++)
            for (let i = 0; i < kh; i++)
              for (let jj = 0; jj < kw; jj++) {
                const h = y * g.stride - g.padding + i * g.dilation, ww = xo * g.stride - g.padding + jj * g.dilation;
                if (h < 0 || h >= H || ww < 0 || ww >= W) continue;
                const t = xv[((n * C + c) * H + h) * W + ww]! * wv[((o * C + c) * kh + i) * kw + jj]!;
                s += t;
                a += Math.abs(t);
              }
          const at = ((n * O + o) * oh + y) * ow + xo;
          out[at] = s;
          bound[at] = a;
        }
  return { out, bound, shape: [N, O, oh, ow] };
}

function checkConv(label: string, shape: number[], O: number, kh: number, kw: number, g: Geo, dtype: Float): void {
  const x = torch.randn(shape, { dtype }), w = torch.randn([O, shape[1]!, kh, kw], { dtype }), bias = torch.randn([O], { dtype });
  const y = F.conv2d(x, w, bias, g);
  const want = direct(x, w, bias, g);
  assert.deepEqual(y.shape, want.shape, `${label}: shape`);
  const got = values(y), tol = dtype === "float32" ? 1e-5 : 1e-13;
  got.forEach((v, i) => {
    if (!(Math.abs(v - want.out[i]!) <= tol * want.bound[i]! + 1e-300)) assert.fail(`${label}: [${i}] is ${v}, expected ${want.out[i]}`);
  });
}

describeOnBackends((b) => `conv2d output widths around one and a half vectors (${b})`, () => {
  const plain = { stride: 1, padding: 0, dilation: 1 };
  test("every output width from 15 to 26 (float32) and 7 to 14 (float64), odd and even row counts", () => {
    torch.manualSeed(21);
    for (const ow of [15, 16, 17, 18, 20, 23, 24, 25, 26])
      for (const oh of [1, 2, 5]) checkConv(`ow ${ow} oh ${oh} float32`, [2, 3, oh + 2, ow + 2], 10, 3, 3, plain, "float32");
    for (const ow of [7, 8, 9, 10, 12, 13, 14])
      for (const oh of [1, 4]) checkConv(`ow ${ow} oh ${oh} float64`, [2, 3, oh + 2, ow + 2], 10, 3, 3, plain, "float64");
  });

  test("the bench CNN's second layer, 32 -> 64 channels over 26 x 26 (a few images)", () => {
    torch.manualSeed(22);
    checkConv("[3,32,26,26] -> 64", [3, 32, 26, 26], 64, 3, 3, plain, "float32");
  });

  test("padding, stride and dilation (the phase-split copy), and a non-square kernel", () => {
    torch.manualSeed(23);
    for (const dtype of ["float32", "float64"] as const) {
      const wide = dtype === "float32" ? 24 : 12;
      checkConv(`padding 1 ${dtype}`, [2, 3, 7, wide], 9, 3, 3, { stride: 1, padding: 1, dilation: 1 }, dtype);
      checkConv(`stride 2 ${dtype}`, [2, 3, 9, 2 * wide + 1], 9, 3, 3, { stride: 2, padding: 0, dilation: 1 }, dtype);
      checkConv(`dilation 2 ${dtype}`, [2, 3, 9, wide + 4], 9, 3, 3, { stride: 1, padding: 0, dilation: 2 }, dtype);
      checkConv(`2x5 kernel ${dtype}`, [2, 2, 6, wide + 4], 9, 2, 5, plain, dtype);
    }
  });
});
