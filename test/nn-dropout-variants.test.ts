/**
 * Dropout1d, Dropout2d and AlphaDropout (and F.dropout1d, F.dropout2d,
 * F.alphaDropout), tested by properties because the random streams differ
 * from PyTorch's: which elements or whole channels are zero, the scaling of
 * the rest, the fraction dropped, alpha dropout's values and its mean and
 * variance, the gradient, eval-mode identity, `inplace`, the generator, reprs
 * and PyTorch's errors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";

const F = torch.nn.functional;
const nn = torch.nn;
const vals = (t: Tensor) => Array.from(t.contiguous().data as Float32Array);

/**
 * Checks that each run of `len` consecutive elements (a channel) of `y` is
 * either all zero or `x * scale`; returns the fraction of zeroed channels.
 */
function channelFraction(x: Tensor, y: Tensor, len: number, scale: number): number {
  const xs = vals(x), ys = vals(y);
  let dropped = 0;
  for (let c = 0; c < xs.length / len; c++) {
    const zero = ys[c * len] === 0;
    if (zero) dropped++;
    for (let k = c * len; k < (c + 1) * len; k++) {
      const want = zero ? 0 : xs[k]! * scale;
      assert.ok(Math.abs(ys[k]! - want) <= 1e-5 * (1 + Math.abs(want)), `channel ${c}: element ${k} is ${ys[k]}, expected ${want}`);
    }
  }
  return dropped / (xs.length / len);
}

test("dropout2d zeroes whole [n, c] planes with probability p and scales the rest by 1/(1-p)", () => {
  const x = torch.rand([40, 50, 3, 2]).add(1); // no zeros of its own
  const frac = channelFraction(x, F.dropout2d(x, 0.3), 6, 1 / 0.7);
  // 2000 channels: the binomial's sd is about 0.01
  assert.ok(Math.abs(frac - 0.3) < 0.05, `dropped ${frac}`);
});

test("dropout2d of 3-d input drops [n, c] rows, as PyTorch 2.x (channel-wise 1-d dropout)", () => {
  const x = torch.rand([20, 50, 7]).add(1);
  const frac = channelFraction(x, F.dropout2d(x, 0.5), 7, 2);
  assert.ok(frac > 0.4 && frac < 0.6, `dropped ${frac}`);
});

test("dropout1d drops rows of [N, C, L] and of unbatched [C, L] input", () => {
  const x = torch.rand([20, 50, 5]).add(1);
  assert.ok(Math.abs(channelFraction(x, F.dropout1d(x, 0.25), 5, 1 / 0.75) - 0.25) < 0.05);
  const u = torch.rand([1000, 4]).add(1);
  const y = new nn.Dropout1d(0.5).forward(u);
  assert.deepEqual(y.shape, [1000, 4]);
  const frac = channelFraction(u, y, 4, 2);
  assert.ok(frac > 0.4 && frac < 0.6, `dropped ${frac}`);
});

test("the gradient of channel dropout is its mask scaled by 1/(1-p)", () => {
  const x = torch.rand([10, 30, 4]).add(1).requiresGrad_(true);
  const y = F.dropout1d(x, 0.4);
  y.sum().backward();
  const ys = vals(y.detach()), xs = vals(x.detach()), gs = vals(x.grad!);
  gs.forEach((g, i) => assert.ok(Math.abs(g - ys[i]! / xs[i]!) < 1e-5, `grad [${i}] is ${g}`));
  assert.ok(gs.some((g) => g === 0) && gs.some((g) => Math.abs(g - 1 / 0.6) < 1e-6));
});

test("eval mode, p = 0 and training: false give the input itself; p = 1 gives zeros", () => {
  const x = torch.randn([2, 3, 4, 4]);
  for (const m of [new nn.Dropout1d(), new nn.Dropout2d(), new nn.AlphaDropout()]) {
    m.eval();
    const input = m instanceof nn.Dropout1d ? x.reshape([2, 3, 16]) : x;
    assert.equal(m.forward(input), input, String(m));
  }
  assert.equal(F.dropout2d(x, 0), x);
  assert.equal(F.alphaDropout(x, 0.5, { training: false }), x);
  assert.ok(vals(F.dropout2d(x, 1)).every((v) => v === 0));
  assert.ok(vals(F.alphaDropout(x, 1)).every((v) => v === 0));
});

test("inplace writes over the input and returns it", () => {
  const x = torch.rand([30, 20, 3]).add(1), before = x.clone();
  const y = new nn.Dropout2d(0.5, { inplace: true }).forward(x);
  assert.equal(y, x);
  channelFraction(before, x, 3, 2);
  assert.ok(vals(x).some((v) => v === 0));
  const u = torch.rand([200, 3]).add(1), u0 = u.clone();
  assert.equal(F.dropout1d(u, 0.5, { inplace: true }), u);
  channelFraction(u0, u, 3, 2);
  assert.ok(vals(u).some((v) => v === 0));
  const a = torch.randn([100]), a0 = a.clone();
  assert.equal(F.alphaDropout(a, 0.5, { inplace: true }), a);
  assert.notDeepEqual(vals(a), vals(a0));
});

test("a generator makes the masks reproducible", () => {
  const x = torch.randn([8, 16, 5]);
  const run = (f: (g: torch.Generator) => Tensor) => [vals(f(new torch.Generator(3))), vals(f(new torch.Generator(3)))];
  for (const f of [
    (g: torch.Generator) => F.dropout1d(x, 0.5, { generator: g }),
    (g: torch.Generator) => F.dropout2d(x, 0.5, { generator: g }),
    (g: torch.Generator) => F.alphaDropout(x, 0.5, { generator: g }),
  ]) {
    const [a, b] = run(f);
    assert.deepEqual(a, b);
  }
});

test("alpha dropout: dropped elements take one value, the others a x + b, and the mean and variance stay 0 and 1", () => {
  const p = 0.2, alpha = 1.7580993408473766;
  const a = 1 / Math.sqrt((alpha * alpha * p + 1) * (1 - p)), b = alpha * a * p;
  const x = torch.randn([200000], { generator: new torch.Generator(1) });
  const y = new nn.AlphaDropout(p).forward(x);
  const xs = vals(x), ys = vals(y), droppedValue = -alpha * a + b;
  let dropped = 0;
  ys.forEach((v, i) => {
    if (Math.abs(v - droppedValue) < 1e-6 && Math.abs(a * xs[i]! + b - droppedValue) > 1e-4) dropped++;
    else assert.ok(Math.abs(v - (a * xs[i]! + b)) < 1e-5, `[${i}] is ${v}`);
  });
  assert.ok(Math.abs(dropped / ys.length - p) < 0.01, `dropped ${dropped / ys.length}`);
  const mean = ys.reduce((s, v) => s + v, 0) / ys.length;
  const variance = ys.reduce((s, v) => s + (v - mean) ** 2, 0) / ys.length;
  assert.ok(Math.abs(mean) < 0.01, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 0.02, `variance ${variance}`);
});

test("dropout variants print and reject bad arguments as PyTorch's", () => {
  assert.equal(String(new nn.Dropout1d(0.2)), "Dropout1d(p=0.2, inplace=False)");
  assert.equal(String(new nn.Dropout2d()), "Dropout2d(p=0.5, inplace=False)");
  assert.equal(String(new nn.AlphaDropout(0.1, { inplace: true })), "AlphaDropout(p=0.1, inplace=True)");
  assert.throws(() => new nn.Dropout2d(1.5), { message: "dropout probability has to be between 0 and 1, but got 1.5" });
  assert.throws(() => F.alphaDropout(torch.randn([3]), -0.1), { message: "dropout probability has to be between 0 and 1, but got -0.1" });
  assert.throws(() => F.dropout1d(torch.randn([2, 3, 4, 5]), 0.5), /^Error: dropout1d: Expected 2D or 3D input, but received a 4D input\. Note that dropout1d exists/);
  assert.throws(() => F.dropout2d(torch.randn([5]), 0.5), { message: "Feature dropout requires at least 2 dimensions in the input" });
});
