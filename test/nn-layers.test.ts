/**
 * Golden tests of every layer against PyTorch (fixtures: scripts/gen_nn_fixtures.py):
 * weights loaded with loadStateDict, then output, input gradient, parameter
 * gradients and the state after one forward (BatchNorm running statistics).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { assertClose, fromJson, readFixture, type TensorJson, values } from "./nn-helpers.js";
import { backendSkip } from "./backends.js";

const { nn } = torch;

interface Ctor {
  type: string;
  args: unknown[];
  options?: Record<string, unknown>;
}

interface LayerCase {
  name: string;
  ctor: Ctor;
  train: boolean;
  stateDict: Record<string, TensorJson>;
  input: TensorJson;
  output: TensorJson;
  gradOutput: number[];
  inputGrad: number[] | null;
  paramGrads: Record<string, number[]>;
  stateAfter: Record<string, TensorJson>;
}

function build(c: Ctor): torch.nn.Module {
  const a = c.args as any[];
  const o = (c.options ?? {}) as any;
  switch (c.type) {
    case "Linear": return new nn.Linear(a[0], a[1], o);
    case "Conv1d": return new nn.Conv1d(a[0], a[1], a[2], o);
    case "Conv2d": return new nn.Conv2d(a[0], a[1], a[2], o);
    case "ConvTranspose2d": return new nn.ConvTranspose2d(a[0], a[1], a[2], o);
    case "MaxPool1d": return new nn.MaxPool1d(a[0], o);
    case "AvgPool1d": return new nn.AvgPool1d(a[0], o);
    case "MaxPool2d": return new nn.MaxPool2d(a[0], o);
    case "AvgPool2d": return new nn.AvgPool2d(a[0], o);
    case "BatchNorm1d": return new nn.BatchNorm1d(a[0], o);
    case "BatchNorm2d": return new nn.BatchNorm2d(a[0], o);
    case "LayerNorm": return new nn.LayerNorm(a[0], o);
    case "GroupNorm": return new nn.GroupNorm(a[0], a[1], o);
    case "TransformerEncoderLayer": return new nn.TransformerEncoderLayer(a[0], a[1], o);
    case "TransformerEncoder":
      return new nn.TransformerEncoder(new nn.TransformerEncoderLayer(a[0], a[1], { dimFeedforward: a[2], dropout: 0 }), a[3], new nn.LayerNorm(a[0]));
    case "Embedding": return new nn.Embedding(a[0], a[1], o);
    case "ReLU": return new nn.ReLU();
    case "LeakyReLU": return new nn.LeakyReLU(...(a as [number?]));
    case "SiLU": return new nn.SiLU();
    case "ELU": return new nn.ELU(...(a as [number?]));
    case "Softplus": return new nn.Softplus(a[0] ?? {});
    case "AdaptiveAvgPool2d": return new nn.AdaptiveAvgPool2d(a[0]);
    case "GELU": return new nn.GELU(a[0] ?? {});
    case "Tanh": return new nn.Tanh();
    case "Sigmoid": return new nn.Sigmoid();
    case "Softmax": return new nn.Softmax(a[0]);
    case "Flatten": return new nn.Flatten();
    case "MLP": return new nn.Sequential(new nn.Linear(4, 5), new nn.GELU(), new nn.Linear(5, 2));
    case "CNN":
      return new nn.Sequential(new nn.Conv2d(1, 2, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(8, 3));
    default: throw new Error(`unknown layer ${c.type}`);
  }
}

const { cases } = readFixture<{ cases: LayerCase[] }>("layers.json");

for (const c of cases) {
  test(`${c.name} matches PyTorch (output, input and weight gradients, state)`, () => {
    const m = build(c.ctor);
    const sd = Object.fromEntries(Object.entries(c.stateDict).map(([k, v]) => [k, fromJson(v)]));
    assert.deepEqual(Object.keys(m.stateDict()), Object.keys(sd), "state-dict keys");
    m.loadStateDict(sd);
    m.train(c.train);
    const x = fromJson(c.input, { requiresGrad: c.input.dtype !== "int32" });
    const y = m.forward(x) as torch.Tensor;
    assert.deepEqual(y.shape, c.output.shape);
    assertClose(values(y), c.output.data, "output");
    const gy = torch.tensor(c.gradOutput).reshape(y.shape);
    y.mul(gy).sum().backward();
    if (c.inputGrad !== null) assertClose(values(x.grad!), c.inputGrad, "input grad");
    const params = Object.fromEntries(m.namedParameters());
    assert.deepEqual(Object.keys(c.paramGrads).sort(), Object.keys(params).filter((k) => params[k]!.grad !== null).sort());
    for (const [k, g] of Object.entries(c.paramGrads)) assertClose(values(params[k]!.grad!), g, `grad of ${k}`);
    const after = m.stateDict();
    for (const [k, v] of Object.entries(c.stateAfter)) assertClose(values(after[k]!), v.data, `state ${k} after forward`);
  });
}

test("layers initialise like PyTorch: kaiming_uniform(a=√5) weights and U(±1/√fanIn) biases", () => {
  torch.manualSeed(1);
  const fc = new nn.Linear(100, 50);
  const bound = 1 / Math.sqrt(100);
  const w = values(fc.weight), b = values(fc.bias!);
  assert.ok(w.every((v) => Math.abs(v) <= bound) && Math.max(...w.map(Math.abs)) > 0.9 * bound);
  assert.ok(b.every((v) => Math.abs(v) <= bound));
  // the variance of U(-b, b) is b²/3
  const variance = w.reduce((s, v) => s + v * v, 0) / w.length;
  assert.ok(Math.abs(variance - (bound * bound) / 3) < 0.1 * (bound * bound) / 3);
  const conv = new nn.Conv2d(3, 4, 3);
  const cb = 1 / Math.sqrt(27);
  assert.ok(values(conv.weight).every((v) => Math.abs(v) <= cb) && values(conv.bias!).every((v) => Math.abs(v) <= cb));
  const bn = new nn.BatchNorm1d(3);
  assert.deepEqual(values(bn.weight!), [1, 1, 1]);
  assert.deepEqual(values(bn.runningVar!), [1, 1, 1]);
  const emb = new nn.Embedding(4, 5, { paddingIdx: 2 });
  assert.deepEqual(values(emb.weight.select(0, 2)), [0, 0, 0, 0, 0]);
  assert.ok(fc.weight.isLeaf && fc.weight.requiresGrad, "parameters stay leaves after init");
});

test("nn.init functions return their tensor, work on parameters and follow their formulas", () => {
  const p = new nn.Parameter(torch.empty([200, 100]));
  assert.equal(nn.init.zeros_(p), p);
  assert.deepEqual(new Set(values(p)), new Set([0]));
  assert.equal(nn.init.ones_(p), p);
  assert.equal(nn.init.constant_(p, 0.5), p);
  assert.ok(values(p).every((v) => v === 0.5));
  const a = Math.sqrt(6 / 300);
  nn.init.xavierUniform_(p);
  assert.ok(values(p).every((v) => Math.abs(v) <= a));
  const std = (t: torch.Tensor) => Math.sqrt(values(t).reduce((s, v) => s + v * v, 0) / t.numel());
  nn.init.xavierNormal_(p);
  assert.ok(Math.abs(std(p) - Math.sqrt(2 / 300)) < 0.05 * Math.sqrt(2 / 300));
  nn.init.kaimingNormal_(p, { nonlinearity: "relu" });
  assert.ok(Math.abs(std(p) - Math.sqrt(2 / 100)) < 0.05 * Math.sqrt(2 / 100));
  nn.init.kaimingUniform_(p, { mode: "fan_out", nonlinearity: "relu" });
  assert.ok(values(p).every((v) => Math.abs(v) <= Math.sqrt(6 / 200)));
  nn.init.normal_(p, 3, 0.5);
  assert.ok(Math.abs(values(p).reduce((s, v) => s + v, 0) / p.numel() - 3) < 0.02);
  nn.init.uniform_(p, -2, -1);
  assert.ok(values(p).every((v) => v >= -2 && v < -1));
  assert.ok(p.isLeaf && p.requiresGrad && p.grad === null);
  assert.equal(nn.init.calculateGain("tanh"), 5 / 3);
});

test("F.conv2d and pooling take unbatched input and reject bad shapes with PyTorch's messages", () => {
  const F = nn.functional;
  const x = torch.randn([2, 5, 5]);
  const w = torch.randn([3, 2, 3, 3]);
  assert.deepEqual(F.conv2d(x, w).shape, [3, 3, 3]);
  assert.deepEqual(F.maxPool2d(x, 2).shape, [2, 2, 2]);
  assert.throws(() => F.conv2d(torch.randn([1, 3, 5, 5]), w), /expected input\[1, 3, 5, 5\] to have 2 channels, but got 3 channels instead/);
  assert.throws(() => F.conv2d(torch.randn([1, 2, 2, 2]), w), /Calculated padded input size per channel: \(2 x 2\). Kernel size: \(3 x 3\). Kernel size can't be greater than actual input size/);
  assert.throws(() => F.linear(torch.randn([2, 3]), torch.randn([4, 5])), /mat1 and mat2 shapes cannot be multiplied \(2x3 and 5x4\)/);
});

test("conv2d and pooling gradients pass gradcheck in float64", () => {
  const F = nn.functional;
  const x = torch.randn([1, 2, 4, 4], { dtype: "float64", requiresGrad: true });
  const w = torch.randn([2, 1, 2, 2], { dtype: "float64", requiresGrad: true });
  const b = torch.randn([2], { dtype: "float64", requiresGrad: true });
  assert.ok(torch.autograd.gradcheck((a, k, c) => F.conv2d(a, k, c, { padding: 1, groups: 2, stride: 2 }), [x, w, b]));
  assert.ok(torch.autograd.gradcheck((a) => F.avgPool2d(a, 3, { stride: 1, padding: 1, countIncludePad: false }), [x]));
  assert.ok(torch.autograd.gradcheck((a) => F.maxPool2d(a, 2, { stride: 1 }), [x]));
});

test("LeakyReLU, SiLU and AdaptiveAvgPool2d print like PyTorch; adaptive pooling rejects bad sizes", () => {
  assert.equal(String(new nn.LeakyReLU()), "LeakyReLU(negative_slope=0.01)");
  assert.equal(String(new nn.LeakyReLU(0.2)), "LeakyReLU(negative_slope=0.2)");
  assert.equal(String(new nn.SiLU()), "SiLU()");
  assert.equal(String(new nn.ELU(0.5)), "ELU(alpha=0.5)");
  assert.equal(String(new nn.Softplus()), "Softplus(beta=1.0, threshold=20.0)");
  assert.equal(String(new nn.AdaptiveAvgPool2d([1, 1])), "AdaptiveAvgPool2d(output_size=(1, 1))");
  assert.equal(String(new nn.AdaptiveAvgPool2d(3)), "AdaptiveAvgPool2d(output_size=3)");
  assert.equal(String(new nn.AdaptiveAvgPool2d([4, null])), "AdaptiveAvgPool2d(output_size=(4, None))");
  const F = torch.nn.functional;
  assert.throws(() => F.adaptiveAvgPool2d(torch.ones([4, 4]), 2), /adaptive_avg_pool2d\(\): Expected 3D or 4D tensor .* got \[4, 4\]/);
  assert.throws(() => F.adaptiveAvgPool2d(torch.ones([1, 0, 4]), 2), /non-zero sizes/);
  // an output size of 0 gives an empty result (F.adaptive_avg_pool2d(torch.ones(1, 4, 4), (0, 2)).shape == (1, 0, 2))
  assert.deepEqual(F.adaptiveAvgPool2d(torch.ones([1, 4, 4]), [0, 2]).shape, [1, 0, 2]);
  assert.throws(() => F.adaptiveAvgPool2d(torch.ones([1, 4, 4]), [-1, 2]), /output_size must be non-negative integers, got \[-1, 2\]/);
  // an Infinity stays in the windows that hold it (PyTorch: inf, 7, 8.5 / 15.5, ...)
  const x = torch.arange(0, 35).to("float32").reshape([1, 1, 7, 5]);
  x.data[0] = Infinity;
  assert.deepEqual(F.adaptiveAvgPool2d(x, 3).reshape([9]).tolist(), [Infinity, 7, 8.5, 15.5, 17, 18.5, 25.5, 27, 28.5]);
  // larger than the input: windows overlap and repeat, still PyTorch's rule
  const up = F.adaptiveAvgPool2d(torch.tensor([[[1, 2], [3, 4]]]), 3);
  assert.deepEqual(up.tolist(), [[[1, 1.5, 2], [2, 2.5, 3], [3, 3.5, 4]]]);
});

test("ReLU({ inplace: true }) writes over its input, records like relu_ and prints like PyTorch", () => {
  const act = new nn.ReLU({ inplace: true });
  assert.equal(String(act), "ReLU(inplace=True)");
  assert.equal(String(new nn.ReLU()), "ReLU()");
  const x = torch.tensor([-1, 2, -3, 4], { requiresGrad: true });
  const h = x.mul(2);
  const y = act.forward(h);
  assert.equal(y, h, "the same tensor comes back");
  assert.deepEqual(h.tolist(), [0, 4, 0, 8]);
  assert.equal(h.gradFn?.name, "ReluBackward0");
  y.sum().backward();
  assert.deepEqual(x.grad!.tolist(), [0, 2, 0, 2]);
  assert.throws(() => act.forward(torch.ones([2], { requiresGrad: true })), /a leaf Variable that requires grad is being used in an in-place operation/);
  // without a graph it runs straight on the input's memory: views see it, the version moves
  const previous = torch.getBackend();
  for (const backend of ["reference", "native"] as const) {
    if (backendSkip(backend)) continue;
    torch.setBackend(backend);
    const base = torch.linspace(-2, 2, 2000).reshape([40, 50]);
    const view = base.t();
    const before = base.version;
    torch.noGrad(() => act.forward(view));
    assert.ok(base.version > before);
    assert.ok(base.min().item() === 0 && base.max().item() === 2, backend);
  }
  torch.setBackend(previous);
});

test("string paddings print and fail as PyTorch's", () => {
  assert.equal(String(new nn.Conv2d(1, 8, 3, { padding: "same" })), "Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1), padding=same)");
  assert.equal(String(new nn.Conv1d(2, 3, 4, { padding: "valid" })), "Conv1d(2, 3, kernel_size=(4,), stride=(1,), padding=valid)");
  assert.throws(() => new nn.Conv2d(1, 8, 3, { padding: "same", stride: 2 }), /^Error: padding='same' is not supported for strided convolutions$/);
  assert.throws(() => new nn.Conv2d(1, 8, 3, { padding: "full" as "same" }), /^Error: Invalid padding string 'full', should be one of \{'same', 'valid'\}$/);
  const F = torch.nn.functional;
  const x = torch.randn([1, 1, 5, 5]), w = torch.randn([1, 1, 3, 3]);
  assert.throws(() => F.conv2d(x, w, null, { padding: "same", stride: 2 }), /padding='same' is not supported for strided convolutions \(conv2d\)/);
  assert.throws(() => F.conv2d(x, w, null, { padding: "full" as "same" }), /Invalid padding string: 'full' \(conv2d\)/);
  // unbatched input keeps its shape through "same"
  assert.deepEqual(F.conv2d(torch.randn([1, 4, 6]), torch.randn([2, 1, 2, 3]), null, { padding: "same" }).shape, [2, 4, 6]);
});

test("Conv1d and ConvTranspose2d print like PyTorch; ConvTranspose2d rejects PyTorch's bad arguments and undoes a Conv2d's shape", () => {
  assert.equal(String(new nn.Conv1d(4, 6, 2, { stride: 2, padding: 1, groups: 2 })), "Conv1d(4, 6, kernel_size=(2,), stride=(2,), padding=(1,), groups=2)");
  assert.deepEqual(new nn.Conv1d(4, 6, 2, { groups: 2 }).weight.shape, [6, 2, 2]);
  assert.equal(String(new nn.ConvTranspose2d(4, 6, [3, 2], { stride: [2, 1], padding: 1, outputPadding: [1, 0], groups: 2 })),
    "ConvTranspose2d(4, 6, kernel_size=(3, 2), stride=(2, 1), padding=(1, 1), output_padding=(1, 0), groups=2)");
  assert.equal(String(new nn.ConvTranspose2d(2, 3, 2, { dilation: 2, outputPadding: 1, bias: false })),
    "ConvTranspose2d(2, 3, kernel_size=(2, 2), stride=(1, 1), dilation=(2, 2), output_padding=(1, 1), bias=False)");
  const F = torch.nn.functional;
  assert.throws(() => F.convTranspose2d(torch.ones([1, 2, 3, 3]), torch.ones([2, 1, 3, 3]), null, { stride: 2, outputPadding: 2 }),
    /output padding must be smaller than either stride or dilation, but got output_padding_height: 2 output_padding_width: 2 stride_height: 2 stride_width: 2 dilation_height: 1 dilation_width: 1/);
  assert.throws(() => F.convTranspose2d(torch.ones([1, 3, 3, 3]), torch.ones([2, 1, 3, 3])),
    /Given transposed=1, weight of size \[2, 1, 3, 3\], expected input\[1, 3, 3, 3\] to have 2 channels, but got 3 channels instead/);
  // dtypes are checked as conv2d checks them (a float64 bias was silently promoted)
  assert.throws(() => F.convTranspose2d(torch.ones([1, 2, 3, 3]), torch.ones([2, 1, 3, 3]), torch.ones([1], { dtype: "float64" })),
    /Input type \(float\) and bias type \(double\) should be the same \(conv_transpose2d\)/);
  assert.throws(() => F.convTranspose2d(torch.ones([1, 2, 3, 3]), torch.ones([2, 1, 3, 3], { dtype: "float64" })),
    /expected scalar type Float but found Double \(conv_transpose2d: input/);
  // with outputPadding a stride-2 ConvTranspose2d maps a stride-2 Conv2d's output back to its input's size
  const down = new nn.Conv2d(3, 8, 3, { stride: 2, padding: 1 }), up = new nn.ConvTranspose2d(8, 3, 3, { stride: 2, padding: 1, outputPadding: 1 });
  assert.deepEqual(up.forward(down.forward(torch.randn([2, 3, 16, 16]))).shape, [2, 3, 16, 16]);
  assert.deepEqual(up.weight.shape, [8, 3, 3, 3]);
});

test("MaxPool1d, AvgPool1d and GroupNorm print like PyTorch; maxPool1d's indices are positions along L", () => {
  assert.equal(String(new nn.MaxPool1d(3, { stride: 2, padding: 1, ceilMode: true })), "MaxPool1d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=True)");
  assert.equal(String(new nn.AvgPool1d(3, { stride: 2 })), "AvgPool1d(kernel_size=(3,), stride=(2,), padding=(0,))");
  assert.equal(String(new nn.GroupNorm(2, 4)), "GroupNorm(2, 4, eps=1e-05, affine=True)");
  // pairs print as tuples, as PyTorch prints them (they printed as "2,3")
  assert.equal(String(new nn.MaxPool2d([2, 3])), "MaxPool2d(kernel_size=(2, 3), stride=(2, 3), padding=0, dilation=1, ceil_mode=False)");
  assert.equal(String(new nn.MaxPool2d(2, { stride: [1, 2], padding: [1, 0] })), "MaxPool2d(kernel_size=2, stride=(1, 2), padding=(1, 0), dilation=1, ceil_mode=False)");
  assert.equal(String(new nn.AvgPool2d([2, 3], { padding: [1, 0] })), "AvgPool2d(kernel_size=(2, 3), stride=(2, 3), padding=(1, 0))");
  const F = torch.nn.functional;
  const [v, i] = F.maxPool1d(torch.tensor([[[1, 5, 2, 2, 7, 0, 3]]]), 2, { returnIndices: true, ceilMode: true });
  assert.deepEqual(v.tolist(), [[[5, 2, 7, 3]]]);
  assert.deepEqual(i.tolist(), [[[1, 2, 4, 6]]]);
  assert.deepEqual(new nn.MaxPool1d(2, { returnIndices: true }).forward(torch.ones([2, 4]))[1].shape, [2, 2]);
  assert.throws(() => F.maxPool1d(torch.ones([5]), 2), /max_pool1d: Expected 2D or 3D \(batch mode\) tensor for input, but got: \[5\]/);
});

test("TransformerEncoder copies its layer (independent parameters, PyTorch's keys); isCausal equals the causal mask", () => {
  const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0 });
  const encoder = new nn.TransformerEncoder(layer, 2);
  const keys = Object.keys(encoder.stateDict());
  assert.ok(keys.includes("layers.1.self_attn.in_proj_weight") && keys.includes("layers.0.norm2.bias"));
  const [first, second] = [...encoder.layers] as torch.nn.TransformerEncoderLayer[];
  assert.deepEqual(values(first!.linear1.weight), values(layer.linear1.weight), "a copy of the given layer");
  torch.noGrad(() => first!.linear1.weight.add_(1));
  assert.notDeepEqual(values(first!.linear1.weight), values(second!.linear1.weight), "not shared");
  const x = torch.randn([5, 2, 8]);
  const causal = torch.triu(torch.ones([5, 5]), 1).to("bool");
  assertClose(values(encoder.forward(x, { isCausal: true })), values(encoder.forward(x, { mask: causal })), "isCausal");
});

test("ELU and Softplus keep finite gradients far from 0 (the unused branch cannot overflow)", () => {
  const x = torch.tensor([-200, -1, 0, 1, 200], { requiresGrad: true });
  const F = torch.nn.functional;
  F.elu(x).sum().add(F.softplus(x).sum()).backward();
  assert.ok(values(x.grad!).every(Number.isFinite), `got ${values(x.grad!).join(", ")}`);
  assertClose(values(x.grad!), [0 + 0, Math.exp(-1) + 1 / (1 + Math.E), 1 + 0.5, 1 + 1 / (1 + Math.exp(-1)), 1 + 1], "d/dx (elu + softplus)");
});
