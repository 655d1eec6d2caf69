/**
 * nn.init.orthogonal_, truncNormal_, eye_ and dirac_ against PyTorch
 * (fixture: scripts/gen_activation_fixtures.py). torchlet's random streams
 * are not PyTorch's, so the fixture holds the standard normal (orthogonal_)
 * or uniform (truncNormal_) draws PyTorch's own init code ran on; a
 * Generator that replays them makes the outputs comparable value by value.
 * The rest checks properties: orthogonality, the sign rule, the truncated
 * normal's moments, bounds and inverse-CDF relation.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as torch from "../src/index.js";
import { assertClose, decode, type Encoded } from "./fixture-values.js";
import { readFixture, values } from "./nn-helpers.js";

const { nn } = torch;

interface InitFixture {
  orthogonal: { shape: number[]; gain: number; normals: Encoded[]; output: Encoded[] }[];
  truncNormal: {
    mean: number; std: number; a: number; b: number; uniforms: number[]; output: Encoded[];
    truncatedMean: number; truncatedVar: number; pytorchSampleMean: number; pytorchSampleVar: number;
  }[];
  eye: { shape: number[]; output: Encoded[] }[];
  dirac: { shape: number[]; groups: number; output: Encoded[] }[];
  errors: { op: "orthogonal_" | "eye_" | "dirac_"; shape: number[]; groups?: number; message: string }[];
}

const fx = readFixture<InitFixture>("init_more.json");

/** A generator that hands out the given numbers, as normals or as uniforms. */
class Replay extends torch.Generator {
  private i = 0;
  constructor(private readonly draws: readonly number[]) {
    super();
  }
  private next(): number {
    assert.ok(this.i < this.draws.length, "more draws than PyTorch made");
    return this.draws[this.i++]!;
  }
  override normal(): number {
    return this.next();
  }
  override random(): number {
    return this.next();
  }
  // the fixture's normal_ writes the draws as they are, its uniform_ scales them into [from, to) in double precision
  override normalFill(values: Float64Array, _dtype: torch.DType, mean: number, std: number): void {
    for (let i = 0; i < values.length; i++) values[i] = this.next() * std + mean;
  }
  override uniformFill(values: Float64Array, _dtype: torch.DType, from: number, to: number): void {
    for (let i = 0; i < values.length; i++) values[i] = from + (to - from) * this.next();
  }
}

test("orthogonal_ gives PyTorch's matrix for the same normal draws (sign rule included)", () => {
  for (const c of fx.orthogonal) {
    const w = nn.init.orthogonal_(torch.empty(c.shape), { gain: c.gain, generator: new Replay(c.normals.map(decode)) });
    assertClose(values(w), c.output, `orthogonal_ ${JSON.stringify(c.shape)} gain ${c.gain}`);
  }
});

/** rows·colsᵀ of the row-major `a` (r×k) and `b` (s×k). */
function gram(a: number[], b: number[], k: number): number[][] {
  const r = a.length / k, s = b.length / k;
  return Array.from({ length: r }, (_, i) => Array.from({ length: s }, (_, j) => {
    let dot = 0;
    for (let t = 0; t < k; t++) dot += a[i * k + t]! * b[j * k + t]!;
    return dot;
  }));
}

const transpose = (a: number[], rows: number, cols: number) => Array.from({ length: rows * cols }, (_, i) => a[(i % rows) * cols + Math.floor(i / rows)]!);

test("orthogonal_: orthonormal rows or columns times gain, and R = Qᵀ·A upper triangular with a positive diagonal", () => {
  for (const shape of [[6, 4], [4, 6], [5, 5], [3, 2, 4], [1, 7], [7, 1]]) {
    const rows = shape[0]!, cols = shape.slice(1).reduce((p, d) => p * d, 1);
    const gain = 1.5;
    const w = values(nn.init.orthogonal_(torch.empty(shape), { gain, generator: new torch.Generator(7) }));
    // the normal matrix it factorised: the same stream, drawn the same way
    const a = values(torch.randn([rows, cols], { generator: new torch.Generator(7) }));
    // tall: Q = W/gain (rows×cols) and A = QR; wide: Q = Wᵀ/gain and Aᵀ = QR
    const wide = rows < cols;
    const m = wide ? cols : rows, n = wide ? rows : cols;
    const q = (wide ? transpose(w, rows, cols) : w).map((v) => v / gain);
    const tall = wide ? transpose(a, rows, cols) : a;
    const qt = transpose(q, m, n), at = transpose(tall, m, n);
    const qtq = gram(qt, qt, m);
    const r = gram(qt, at, m);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        assert.ok(Math.abs(qtq[i]![j]! - (i === j ? 1 : 0)) < 1e-5, `${JSON.stringify(shape)}: QᵀQ[${i}][${j}] = ${qtq[i]![j]}`);
        if (i > j) assert.ok(Math.abs(r[i]![j]!) < 1e-4, `${JSON.stringify(shape)}: R[${i}][${j}] = ${r[i]![j]} below the diagonal`);
      }
      assert.ok(r[i]![i]! > 0, `${JSON.stringify(shape)}: R[${i}][${i}] = ${r[i]![i]} is not positive (sign rule)`);
    }
  }
});

test("orthogonal_ works on a parameter, returns it, and leaves an empty tensor alone", () => {
  const p = new nn.Parameter(torch.empty([3, 3]));
  assert.equal(nn.init.orthogonal_(p), p);
  assert.ok(p.isLeaf && p.requiresGrad && p.grad === null);
  const e = torch.empty([0, 3]);
  assert.equal(nn.init.orthogonal_(e), e);
});

test("truncNormal_ gives PyTorch's values for the same uniform draws", () => {
  for (const c of fx.truncNormal) {
    const w = nn.init.truncNormal_(torch.empty([5, 8]), { mean: c.mean, std: c.std, a: c.a, b: c.b, generator: new Replay(c.uniforms) });
    assertClose(values(w), c.output, `truncNormal_ mean ${c.mean} std ${c.std} [${c.a}, ${c.b}]`);
  }
});

test("truncNormal_: within [a, b], the truncated normal's mean and variance, and Φ of each value is its uniform draw", () => {
  for (const c of fx.truncNormal) {
    const n = 100000;
    const x = values(nn.init.truncNormal_(torch.empty([n]), { mean: c.mean, std: c.std, a: c.a, b: c.b, generator: new torch.Generator(3) }));
    assert.ok(x.every((v) => v >= c.a && v <= c.b), "outside [a, b]");
    const mean = x.reduce((s, v) => s + v, 0) / n;
    const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
    // 5 standard errors of the sample mean and variance; PyTorch's own sample lands as close
    const se = Math.sqrt(c.truncatedVar / n);
    assert.ok(Math.abs(mean - c.truncatedMean) < 5 * se, `mean ${mean}, expected ${c.truncatedMean}`);
    assert.ok(Math.abs(c.pytorchSampleMean - c.truncatedMean) < 5 * se);
    assert.ok(Math.abs(variance - c.truncatedVar) < 0.02 * c.truncatedVar, `variance ${variance}, expected ${c.truncatedVar}`);
    // inverse CDF: Φ((x - mean) / std), by torch.erf, is the uniform draw scaled into [Φ(a), Φ(b)]
    const cdf = (t: number[]) => values(torch.erf(torch.tensor(t.map((v) => (v - c.mean) / c.std / Math.SQRT2), { dtype: "float64" }))).map((e) => (1 + e) / 2);
    const [lo, hi] = cdf([c.a, c.b]) as [number, number];
    // the same draws: float32 uniforms, 24 bits each, as the float32 tensor x drew them
    const u = values(torch.rand([50], { generator: new torch.Generator(3) }));
    const got = cdf(x.slice(0, 50));
    u.forEach((ui, i) => assert.ok(Math.abs(got[i]! - (lo + (hi - lo) * ui)) < 1e-6, `Φ(x[${i}]) = ${got[i]}, draw ${lo + (hi - lo) * ui}`));
  }
});

test("eye_ and dirac_ fill PyTorch's values", () => {
  for (const c of fx.eye) assertClose(values(nn.init.eye_(torch.full(c.shape, 7))), c.output, `eye_ ${JSON.stringify(c.shape)}`);
  for (const c of fx.dirac) {
    assertClose(values(nn.init.dirac_(torch.full(c.shape, 7), c.groups)), c.output, `dirac_ ${JSON.stringify(c.shape)} groups ${c.groups}`);
  }
  // dirac_ makes a convolution the identity on its channels
  const conv = new nn.Conv2d(3, 3, 3, { padding: 1, bias: false });
  nn.init.dirac_(conv.weight);
  const x = torch.randn([1, 3, 5, 5]);
  assertClose(values(conv.forward(x)), values(x), "conv with dirac_ weight");
});

test("bad shapes get PyTorch's errors", () => {
  for (const e of fx.errors) {
    const t = torch.empty(e.shape);
    const call = e.op === "orthogonal_" ? () => nn.init.orthogonal_(t) : e.op === "eye_" ? () => nn.init.eye_(t) : () => nn.init.dirac_(t, e.groups);
    assert.throws(call, { message: e.message });
  }
});
