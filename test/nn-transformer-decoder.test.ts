/**
 * nn.TransformerDecoderLayer, nn.TransformerDecoder and nn.Transformer
 * against PyTorch (fixtures: scripts/gen_rnn2_fixtures.py): PyTorch's
 * state-dict keys, weights loaded from PyTorch, then the output and the
 * gradients of the inputs and every parameter; post-norm and pre-norm,
 * ReLU and GELU, batch-first and unbatched, float and boolean masks, key
 * padding masks. PyTorch 1.13 has no `tgt_is_causal`: 2.x's flag is checked
 * by its property, the same result as the explicit causal mask.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { assertClose, fromJson, readFixture, type TensorJson, values } from "./nn-helpers.js";

const { nn } = torch;

interface DecoderCase {
  name: string;
  kind: "layer" | "decoder" | "transformer";
  options: torch.nn.TransformerOptions & { args: [number, number]; numLayers?: number };
  stateDict: Record<string, TensorJson>;
  inputs: TensorJson[];
  call: Record<string, TensorJson>;
  output: TensorJson;
  gradOutput: number[];
  inputGrads: number[][];
  paramGrads: Record<string, number[]>;
}

function callOptions(call: Record<string, TensorJson>): Record<string, torch.Tensor> {
  return Object.fromEntries(Object.entries(call).map(([k, v]) => [k.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()), fromJson(v)]));
}

function build(c: DecoderCase): torch.nn.Module {
  const { args, numLayers, ...options } = c.options;
  if (c.kind === "layer") return new nn.TransformerDecoderLayer(...args, options);
  if (c.kind === "decoder") return new nn.TransformerDecoder(new nn.TransformerDecoderLayer(...args, options), numLayers!, new nn.LayerNorm(args[0]));
  return new nn.Transformer(...args, options);
}

for (const c of readFixture<{ cases: DecoderCase[] }>("transformer_decoder.json").cases) {
  test(`${c.name} matches PyTorch (output, input and parameter gradients)`, () => {
    const m = build(c);
    const sd = Object.fromEntries(Object.entries(c.stateDict).map(([k, v]) => [k, fromJson(v)]));
    assert.deepEqual(Object.keys(m.stateDict()), Object.keys(sd), "state-dict keys, in PyTorch's order");
    m.loadStateDict(sd);
    const [a, b] = c.inputs.map((t) => fromJson(t, { requiresGrad: true })) as [torch.Tensor, torch.Tensor];
    const out = m.forward(a, b, callOptions(c.call)) as torch.Tensor;
    assert.deepEqual(out.shape, c.output.shape);
    assertClose(values(out), c.output.data, "output");
    out.mul(torch.tensor(c.gradOutput).reshape(out.shape)).sum().backward();
    assertClose(values(a.grad!), c.inputGrads[0]!, "grad of input 0");
    assertClose(values(b.grad!), c.inputGrads[1]!, "grad of input 1");
    const params = Object.fromEntries(m.namedParameters());
    assert.deepEqual(Object.keys(params).sort(), Object.keys(c.paramGrads).sort(), "parameters");
    for (const [k, g] of Object.entries(c.paramGrads)) assertClose(values(params[k]!.grad!), g, `grad of ${k}`);
  });
}

test("generateSquareSubsequentMask is PyTorch's float causal mask; tgtIsCausal applies it", () => {
  const mask = nn.Transformer.generateSquareSubsequentMask(3);
  assert.deepEqual(mask.shape, [3, 3]);
  assert.equal(mask.dtype, "float32");
  assert.deepEqual(values(mask), [0, -Infinity, -Infinity, 0, 0, -Infinity, 0, 0, 0]);
  const layer = new nn.TransformerDecoderLayer(8, 2, { dimFeedforward: 16, dropout: 0 });
  const tgt = torch.randn([4, 2, 8]), memory = torch.randn([5, 2, 8]);
  const explicit = layer.forward(tgt, memory, { tgtMask: nn.Transformer.generateSquareSubsequentMask(4) });
  assertClose(values(layer.forward(tgt, memory, { tgtIsCausal: true })), values(explicit), "tgtIsCausal");
  const plain = layer.forward(tgt, memory);
  assert.ok(values(plain).some((v, i) => Math.abs(v - values(explicit)[i]!) > 1e-4), "the mask changes the output");
  const decoder = new nn.TransformerDecoder(layer, 2);
  assertClose(values(decoder.forward(tgt, memory, { tgtIsCausal: true })),
    values(decoder.forward(tgt, memory, { tgtMask: nn.Transformer.generateSquareSubsequentMask(4) })), "decoder tgtIsCausal");
});

test("TransformerDecoder copies its layer; Transformer's keys, init, repr and errors", () => {
  const layer = new nn.TransformerDecoderLayer(8, 2, { dimFeedforward: 16 });
  const decoder = new nn.TransformerDecoder(layer, 2);
  assert.notEqual(decoder.layers.at(0), layer);
  assert.notEqual((decoder.layers.at(0) as torch.nn.TransformerDecoderLayer).linear1.weight, (decoder.layers.at(1) as torch.nn.TransformerDecoderLayer).linear1.weight);
  assert.deepEqual(values((decoder.layers.at(1) as torch.nn.TransformerDecoderLayer).linear1.weight), values(layer.linear1.weight), "copies of the given layer's weights");
  assert.equal(decoder.norm, null);
  assert.ok(Object.keys(decoder.stateDict()).includes("layers.1.norm3.weight"));

  const t = new nn.Transformer(8, 2, { numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 16 });
  const keys = Object.keys(t.stateDict());
  for (const k of ["encoder.layers.0.self_attn.in_proj_weight", "encoder.norm.weight", "decoder.layers.0.multihead_attn.in_proj_weight", "decoder.layers.0.norm3.bias", "decoder.norm.bias"]) {
    assert.ok(keys.includes(k), k);
  }
  // Xavier-uniform for matrices: linear1.weight [16, 8] is within ±√(6 / 24) = 0.5, beyond Linear's default ±1/√8
  const w = values((t.decoder.layers.at(0) as torch.nn.TransformerDecoderLayer).linear1.weight);
  assert.ok(w.every((v) => Math.abs(v) <= 0.5) && w.some((v) => Math.abs(v) > 1 / Math.sqrt(8)), "Xavier-uniform");
  assert.ok(String(t).startsWith("Transformer(\n  (encoder): TransformerEncoder("));
  assert.ok(String(t).includes("(multihead_attn): MultiheadAttention("));
  assert.throws(() => t.forward(torch.randn([5, 2, 8]), torch.randn([4, 3, 8])), /the batch number of src and tgt must be equal/);
  assert.throws(() => t.forward(torch.randn([5, 2, 8]), torch.randn([4, 2, 6])), /the feature number of src and tgt must be equal to d_model/);
  const out = t.forward(torch.randn([5, 2, 8]), torch.randn([4, 2, 8]), { tgtIsCausal: true });
  assert.deepEqual(out.shape, [4, 2, 8]);
});
