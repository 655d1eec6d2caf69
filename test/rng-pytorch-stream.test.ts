/**
 * The same seed gives PyTorch's random numbers (test/fixtures/rng-stream.json,
 * from scripts/gen_rng_stream_fixtures.py): torchlet's generator is PyTorch's
 * MT19937 with PyTorch's ways of drawing uniforms, integers, permutations,
 * Bernoulli masks, exponentials, multinomial samples and normals. Exact where PyTorch's kernel is scalar code;
 * float32 normals of 16 or more values within float rounding, because
 * PyTorch's AVX2 kernel uses approximate sin/cos/log there.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.js";

const { nn } = torch;
const F = nn.functional;

interface Stream {
  rand5: number[]; rand3_f64: number[]; randn5: number[]; randn20: number[]; randn37_f64: number[];
  randint6: number[]; randint_wide: number[]; randperm10: number[]; uniform8: number[]; uniform40_f64: number[];
  normal5: number[]; normal18: number[]; bernoulli12: number[]; dropout12: number[];
  linear: [number[], number[]]; conv2d: [number[], number[]]; embedding: number[]; after: number[];
  exponential6: number[]; multinomial1: number[][]; multinomial_no_replacement: number[][]; multinomial_replacement: number[][]; multinomial_f64: number[];
  bernoulli_tensor: number[]; bernoulli_tensor_f64: number[]; bernoulli__tensor: number[];
  dist_normal: number[][]; dist_uniform: number[]; dist_bernoulli: number[]; dist_categorical: number[];
}
const fixture = JSON.parse(readFileSync(new URL("../../test/fixtures/rng-stream.json", import.meta.url), "utf8")) as {
  seeds: Record<string, Stream>;
  default: { initialSeed: number; rand3: number[] };
  data: {
    loader_two_epochs: number[][][]; loader_after: number[]; sampler_num_samples: number[]; sampler_replacement: number[];
    subset_sampler: number[]; random_split: number[][]; loader_generator_two_epochs: number[][][]; after: number[];
  };
  training: { losses: number[]; weight: number[] };
  layers: Record<string, number[][]>;
};

const exact = (got: torch.Tensor, want: number[] | number[][], what: string) => assert.deepEqual(got.tolist(), want, what);
function near(got: torch.Tensor, want: number[], tol: number, what: string): void {
  const g = got.flatten().tolist() as number[];
  assert.equal(g.length, want.length, what);
  g.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) <= tol, `${what}[${i}]: ${v}, PyTorch ${want[i]}`));
}

for (const [seed, s] of Object.entries(fixture.seeds)) {
  test(`manualSeed(${seed}) then PyTorch's sequence of draws gives PyTorch's values`, () => {
    torch.manualSeed(Number(seed));
    exact(torch.rand(5), s.rand5, "rand(5)");
    exact(torch.rand(3, { dtype: "float64" }), s.rand3_f64, "rand(3) float64");
    exact(torch.randn(5), s.randn5, "randn(5)"); // fewer than 16: scalar Box–Muller, exact
    near(torch.randn(20), s.randn20, 2e-6, "randn(20)");
    near(torch.randn(37, { dtype: "float64" }), s.randn37_f64, 1e-14, "randn(37) float64");
    exact(torch.randint(0, 10, [6]), s.randint6, "randint(0, 10)");
    exact(torch.randint(-1000, 2 ** 31 - 1, [4]), s.randint_wide, "randint over nearly 2^31");
    exact(torch.randperm(10), s.randperm10, "randperm(10)");
    exact(torch.empty(8).uniform_(-0.3, 0.7), s.uniform8, "uniform_");
    exact(torch.empty(40, { dtype: "float64" }).uniform_(-2, 5), s.uniform40_f64, "uniform_ float64");
    exact(torch.empty(5).normal_(2, 3), s.normal5, "normal_(2, 3) on 5");
    near(torch.empty(18).normal_(-1, 0.5), s.normal18, 2e-6, "normal_(-1, 0.5) on 18");
    exact(torch.empty(12).bernoulli_(0.3), s.bernoulli12, "bernoulli_(0.3)");
    exact(F.dropout(torch.ones(12), 0.25), s.dropout12, "dropout(p=0.25)");
    const lin = new nn.Linear(4, 3);
    exact(lin.weight.flatten(), s.linear[0], "Linear weight");
    exact(lin.bias!, s.linear[1], "Linear bias");
    const conv = new nn.Conv2d(2, 3, 3);
    exact(conv.weight.flatten(), s.conv2d[0], "Conv2d weight");
    exact(conv.bias!, s.conv2d[1], "Conv2d bias");
    exact(new nn.Embedding(5, 3).weight.flatten(), s.embedding, "Embedding weight (15 normals)");
    exact(torch.empty(6).exponential_(2.5), s.exponential6, "exponential_(2.5)");
    const probs = torch.tensor([[0.1, 0.2, 0.3, 0.4], [0.5, 0.5, 0, 0], [1, 2, 3, 4]]);
    exact(torch.multinomial(probs, 1), s.multinomial1, "multinomial, one sample");
    exact(torch.multinomial(probs, 2), s.multinomial_no_replacement, "multinomial without replacement");
    exact(torch.multinomial(probs, 7, { replacement: true }), s.multinomial_replacement, "multinomial with replacement");
    exact(torch.multinomial(probs.select(0, 2).double(), 9, { replacement: true }), s.multinomial_f64, "multinomial float64");
    exact(torch.bernoulli(torch.full([10], 0.5)), s.bernoulli_tensor, "bernoulli of float32 probabilities");
    exact(torch.bernoulli(torch.full([10], 0.5, { dtype: "float64" })), s.bernoulli_tensor_f64, "bernoulli of float64 probabilities");
    exact(torch.zeros(10).bernoulli_(torch.full([10], 0.3)), s.bernoulli__tensor, "bernoulli_ with a tensor of probabilities");
    const D = torch.distributions;
    exact(new D.Normal(torch.zeros(3), torch.ones(3).mul(2)).sample([2]), s.dist_normal, "Normal.sample([2])");
    exact(new D.Uniform(torch.zeros(3), torch.ones(3).mul(2)).sample(), s.dist_uniform, "Uniform.sample()");
    exact(new D.Bernoulli({ probs: torch.full([5], 0.4) }).sample(), s.dist_bernoulli, "Bernoulli.sample()");
    exact(new D.Categorical({ probs: torch.tensor([0.2, 0.3, 0.5]) }).sample([6]), s.dist_categorical, "Categorical.sample([6])");
    exact(torch.rand(2), s.after, "the stream after all of them");
  });
}

test("a new Generator starts from PyTorch's default seed, 67280421310721", () => {
  const g = new torch.Generator();
  assert.equal(g.initialSeed(), fixture.default.initialSeed);
  exact(torch.rand(3, { generator: g }), fixture.default.rand3, "torch.rand(3, generator=torch.Generator())");
});

test("getRngState / setRngState replay the stream, the kept normal of a pair included", () => {
  torch.manualSeed(5);
  torch.randn(3); // leaves the second value of a Box–Muller pair kept
  const state = torch.getRngState();
  const a = [torch.randn(1).item(), torch.rand(1).item(), torch.randn(40).sum().item()];
  torch.setRngState(state);
  const b = [torch.randn(1).item(), torch.rand(1).item(), torch.randn(40).sum().item()];
  assert.deepEqual(b, a);
  // past the first 624 words the twister regenerates its state: still the same stream after a restore
  torch.setRngState(state);
  torch.rand(2000);
  const c = torch.rand(3).tolist();
  torch.setRngState(state);
  torch.rand(2000);
  assert.deepEqual(torch.rand(3).tolist(), c);
});

test("data loading draws as PyTorch's does: the same seed shuffles, samples and splits in PyTorch's order", () => {
  const d = fixture.data;
  const { data } = torch;
  torch.manualSeed(0);
  const loader = new data.DataLoader(Array.from({ length: 10 }, (_, i) => i), { batchSize: 4, shuffle: true });
  const epoch = () => [...loader].map((b) => (b as torch.Tensor).tolist());
  assert.deepEqual([epoch(), epoch()], d.loader_two_epochs);
  exact(torch.rand(1), d.loader_after, "the default stream after two shuffled epochs");
  torch.manualSeed(1);
  assert.deepEqual([...new data.RandomSampler({ length: 7 }, { numSamples: 10 })], d.sampler_num_samples);
  assert.deepEqual([...new data.RandomSampler({ length: 7 }, { replacement: true, numSamples: 40 })], d.sampler_replacement);
  assert.deepEqual([...new data.SubsetRandomSampler([10, 20, 30, 40, 50])], d.subset_sampler);
  assert.deepEqual(data.randomSplit(new data.TensorDataset(torch.arange(0, 10, 1)), [7, 3]).map((s) => [...s.indices]), d.random_split);
  const own = new data.DataLoader(Array.from({ length: 6 }, (_, i) => i), { batchSize: 6, shuffle: true, generator: new torch.Generator().manualSeed(3) });
  assert.deepEqual([0, 1].map(() => [...own].map((b) => (b as torch.Tensor).tolist())), d.loader_generator_two_epochs);
  exact(torch.rand(1), d.after, "the default stream is untouched by a loader with its own generator");
});

test("a whole seeded training run follows PyTorch's: data, init, shuffling and dropout from one seed give its losses", () => {
  torch.manualSeed(0);
  const x = torch.randn(64, 8);
  const y = torch.randint(0, 3, [64]);
  const model = new nn.Sequential(new nn.Linear(8, 16), new nn.ReLU(), new nn.Dropout(0.2), new nn.Linear(16, 3));
  const opt = new torch.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const loader = new torch.data.DataLoader(new torch.data.TensorDataset(x, y), { batchSize: 16, shuffle: true });
  const losses: number[] = [];
  for (let epoch = 0; epoch < 3; epoch++) {
    for (const [xb, yb] of loader) {
      opt.zeroGrad();
      const loss = F.crossEntropy(model.forward(xb), yb);
      loss.backward();
      opt.step();
      losses.push(loss.item());
    }
  }
  // float32 sums in another order (and randn's last bits) move the losses by ~1e-6, not by a different mask or batch
  near(torch.tensor(losses), fixture.training.losses, 1e-4, "losses");
  near((model.at(3) as torch.nn.Linear).weight, fixture.training.weight, 1e-4, "last layer's weight");
});

test("every layer's default initialisation is PyTorch's for the same seed (parameters in PyTorch's order)", () => {
  const layers: Record<string, () => torch.nn.Module> = {
    "LSTM(3, 4)": () => new nn.LSTM(3, 4),
    "GRU(3, 4, num_layers=2, bidirectional)": () => new nn.GRU(3, 4, { numLayers: 2, bidirectional: true }),
    "RNNCell(3, 4)": () => new nn.RNNCell(3, 4),
    "MultiheadAttention(4, 2)": () => new nn.MultiheadAttention(4, 2),
    "TransformerEncoderLayer(4, 2, 8)": () => new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8 }),
    "Conv1d(2, 3, 3)": () => new nn.Conv1d(2, 3, 3),
    "ConvTranspose2d(2, 3, 3)": () => new nn.ConvTranspose2d(2, 3, 3),
    "Bilinear(2, 3, 4)": () => new nn.Bilinear(2, 3, 4),
    "Embedding(10, 4)": () => new nn.Embedding(10, 4),
  };
  assert.deepEqual(Object.keys(layers), Object.keys(fixture.layers));
  for (const [name, make] of Object.entries(layers)) {
    torch.manualSeed(0);
    const params = [...make().parameters()];
    const want = fixture.layers[name]!;
    assert.equal(params.length, want.length, name);
    // exact but for Embedding's 40 normals (PyTorch's AVX2 normal kernel), hence the float-rounding tolerance
    params.forEach((p, i) => near(p.detach(), want[i]!, 1e-6, `${name} parameter ${i}`));
  }
});
