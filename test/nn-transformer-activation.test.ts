/**
 * The Transformer layers' `activation` option: a function (here torch.tanh)
 * against PyTorch (fixtures: scripts/gen_attn_fixtures2.py -> attn_rnn2.json;
 * outputs, input and parameter gradients), PyTorch's error for an unknown
 * name (it used to become ReLU silently), and the dtype option.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { assertClose, fromJson, type ModuleGradCase, readFixture, values } from "./nn-helpers.js";

const { nn } = torch;

interface LayerCase extends ModuleGradCase {
  kind: "TransformerEncoderLayer" | "TransformerDecoderLayer";
  options: { normFirst: boolean; dimFeedforward: number; dropout: number };
}

const { transformer } = readFixture<{ transformer: LayerCase[] }>("attn_rnn2.json");

for (const c of transformer) {
  test(`${c.name} matches PyTorch`, () => {
    const options = { ...c.options, activation: (x: torch.Tensor) => torch.tanh(x) };
    const m = c.kind === "TransformerEncoderLayer" ? new nn.TransformerEncoderLayer(4, 2, options) : new nn.TransformerDecoderLayer(4, 2, options);
    m.loadStateDict(Object.fromEntries(Object.entries(c.stateDict).map(([k, v]) => [k, fromJson(v)])));
    const inputs = c.inputs.map((t) => fromJson(t, { requiresGrad: true }));
    const out = m instanceof nn.TransformerEncoderLayer ? m.forward(inputs[0]!) : m.forward(inputs[0]!, inputs[1]!);
    assertClose(values(out), c.outputs[0]!.data, "output");
    out.mul(torch.tensor(c.gradOutputs[0]!).reshape(out.shape)).sum().backward();
    c.inputGrads.forEach((g, i) => assertClose(values(inputs[i]!.grad!), g, `input ${i} grad`));
    const params = Object.fromEntries(m.namedParameters());
    for (const [k, g] of Object.entries(c.paramGrads)) assertClose(values(params[k]!.grad!), g, `grad of ${k}`);
  });
}

test("Transformer layers refuse an unknown activation, as PyTorch", () => {
  const bad = { activation: "tanh" } as unknown as torch.nn.TransformerEncoderLayerOptions;
  assert.throws(() => new nn.TransformerEncoderLayer(8, 2, bad), (e: Error) => e.message === "activation should be relu/gelu, not tanh");
  assert.throws(() => new nn.TransformerDecoderLayer(8, 2, bad), (e: Error) => e.message === "activation should be relu/gelu, not tanh");
  assert.throws(() => new nn.Transformer(8, 2, bad), (e: Error) => e.message === "activation should be relu/gelu, not tanh");
});

test("Transformer layers take a dtype; copies keep a function activation", () => {
  const layer = new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 6, dropout: 0, dtype: "float64", activation: (x) => torch.tanh(x) });
  assert.ok(layer.parameters().every((p) => p.dtype === "float64"));
  const reluLayer = new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 6, dropout: 0, dtype: "float64" });
  reluLayer.loadStateDict(layer.stateDict());
  const x = torch.randn([3, 1, 4], { dtype: "float64" });
  const y = new nn.TransformerEncoder(layer, 1).forward(x);
  assert.equal(y.dtype, "float64");
  assertClose(values(y), values(layer.forward(x)), "the encoder's copy uses tanh");
  assert.ok(values(y).some((v, i) => Math.abs(v - values(reluLayer.forward(x))[i]!) > 1e-6), "and not ReLU");
});
