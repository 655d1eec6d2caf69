/**
 * nn.MultiheadAttention and F.scaledDotProductAttention against PyTorch
 * (fixtures: scripts/gen_nn_fixtures.py): PyTorch's state-dict keys, then
 * outputs, attention weights (averaged or per head), and the gradients of the
 * inputs and every parameter; self- and cross-attention, batch-first,
 * unbatched, key padding, boolean and float masks, causal masks and scale.
 * torch 1.13 has no scaled_dot_product_attention: its cases use the
 * documented definition, softmax(q kᵀ · scale + mask) v.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { assertClose, fromJson, readFixture, type TensorJson, values } from "./nn-helpers.js";

const { nn } = torch;
const F = nn.functional;

interface AttentionCase {
  name: string;
  kind: "mha" | "sdpa";
  args?: [number, number];
  options?: torch.nn.MultiheadAttentionOptions;
  call?: Record<string, TensorJson | boolean>;
  selfAttention?: boolean;
  stateDict?: Record<string, TensorJson>;
  mask?: TensorJson | null;
  isCausal?: boolean;
  scale?: number | null;
  inputs: TensorJson[];
  outputs: TensorJson[];
  gradOutputs: number[][];
  inputGrads: (number[] | null)[];
  paramGrads?: Record<string, number[]>;
}

const { cases } = readFixture<{ cases: AttentionCase[] }>("attention.json");

function callOptions(call: Record<string, TensorJson | boolean>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(call)) {
    const name = k.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
    o[name] = typeof v === "boolean" ? v : fromJson(v);
  }
  return o;
}

for (const c of cases) {
  test(`${c.kind === "mha" ? "MultiheadAttention" : "scaledDotProductAttention"}: ${c.name} matches PyTorch`, () => {
    const inputs = c.inputs.map((t) => fromJson(t, { requiresGrad: true }));
    let outs: torch.Tensor[];
    let params: Record<string, torch.Tensor> = {};
    if (c.kind === "mha") {
      const m = new nn.MultiheadAttention(...c.args!, c.options ?? {});
      const sd = Object.fromEntries(Object.entries(c.stateDict!).map(([k, v]) => [k, fromJson(v)]));
      assert.deepEqual(Object.keys(m.stateDict()), Object.keys(sd), "state-dict keys, in PyTorch's order");
      m.loadStateDict(sd);
      const [q, k, v] = c.selfAttention ? [inputs[0]!, inputs[0]!, inputs[0]!] : (inputs as [torch.Tensor, torch.Tensor, torch.Tensor]);
      const [out, weights] = m.forward(q, k, v, callOptions(c.call ?? {}));
      outs = weights === null ? [out] : [out, weights];
      params = Object.fromEntries(m.namedParameters());
    } else {
      const [q, k, v] = inputs as [torch.Tensor, torch.Tensor, torch.Tensor];
      outs = [F.scaledDotProductAttention(q, k, v, { attnMask: c.mask ? fromJson(c.mask) : null, isCausal: c.isCausal ?? false, scale: c.scale ?? null })];
    }
    assert.equal(outs.length, c.outputs.length, "weights returned or not");
    outs.forEach((t, i) => {
      assert.deepEqual(t.shape, c.outputs[i]!.shape, `output ${i} shape`);
      assertClose(values(t), c.outputs[i]!.data, `output ${i}`);
    });
    outs.map((t, i) => t.mul(torch.tensor(c.gradOutputs[i]!).reshape(t.shape)).sum()).reduce((a, b) => a.add(b)).backward();
    c.inputGrads.forEach((g, i) => { if (g !== null) assertClose(values(inputs[i]!.grad!), g, `input ${i} grad`); });
    for (const [name, g] of Object.entries(c.paramGrads ?? {})) assertClose(values(params[name]!.grad!), g, `grad of ${name}`);
  });
}

test("MultiheadAttention: PyTorch's init and errors; isCausal equals the causal mask", () => {
  const m = new nn.MultiheadAttention(8, 2);
  assert.deepEqual(Object.keys(m.stateDict()), ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"]);
  assert.deepEqual(values(m.inProjBias!), new Array(24).fill(0));
  assert.equal(m.toString(), "MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=True)\n)");
  assert.ok(m.outProj instanceof nn.Linear);
  assert.throws(() => new nn.MultiheadAttention(8, 3), /embed_dim must be divisible by num_heads/);
  const x = torch.randn([5, 2, 8]);
  assert.throws(() => m.forward(torch.randn([5, 2, 6]), x, x), /was expecting embedding dimension of 8, but got 6/);
  const causal = torch.triu(torch.ones([5, 5]), 1).to("bool");
  const [a] = m.forward(x, x, x, { attnMask: causal }), [b] = m.forward(x, x, x, { isCausal: true });
  assertClose(values(a), values(b), "isCausal against an explicit causal mask");
  assert.throws(() => F.scaledDotProductAttention(x, x, x, { isCausal: true, attnMask: causal }), /Explicit attn_mask should not be set when is_causal=True/);
});
