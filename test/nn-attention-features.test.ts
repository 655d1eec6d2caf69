/**
 * nn.MultiheadAttention's kdim/vdim, addBiasKv and addZeroAttn against
 * PyTorch (fixtures: scripts/gen_attn_fixtures2.py -> attn_rnn2.json):
 * state-dict keys, outputs, weights, input and parameter gradients. Then the
 * shape, rank and mask-dtype checks with PyTorch's messages (verified on
 * 1.13; torchlet prints sizes as [4, 2] where PyTorch prints torch.Size([4, 2])),
 * weights returned after dropout, and the dtype option.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { assertClose, fromJson, type ModuleGradCase, readFixture, type TensorJson, values } from "./nn-helpers.js";

const { nn } = torch;

interface MhaCase extends ModuleGradCase {
  args: [number, number];
  options: torch.nn.MultiheadAttentionOptions;
  call: Record<string, TensorJson | boolean>;
  repr: string;
}

const { mha } = readFixture<{ mha: MhaCase[] }>("attn_rnn2.json");

for (const c of mha) {
  test(`MultiheadAttention ${c.name} matches PyTorch`, () => {
    const m = new nn.MultiheadAttention(...c.args, c.options);
    const sd = Object.fromEntries(Object.entries(c.stateDict).map(([k, v]) => [k, fromJson(v)]));
    assert.deepEqual(Object.keys(m.stateDict()), Object.keys(sd), "state-dict keys, in PyTorch's order");
    m.loadStateDict(sd);
    assert.equal(String(m), c.repr);
    const inputs = c.inputs.map((t) => fromJson(t, { requiresGrad: true })) as [torch.Tensor, torch.Tensor, torch.Tensor];
    const call = Object.fromEntries(Object.entries(c.call).map(([k, v]) => [k, typeof v === "boolean" ? v : fromJson(v)]));
    const [out, weights] = m.forward(...inputs, call);
    const outs = weights === null ? [out] : [out, weights];
    assert.equal(outs.length, c.outputs.length, "weights returned or not");
    outs.forEach((t, i) => {
      assert.deepEqual(t.shape, c.outputs[i]!.shape, `output ${i} shape`);
      assertClose(values(t), c.outputs[i]!.data, `output ${i}`);
    });
    outs.map((t, i) => t.mul(torch.tensor(c.gradOutputs[i]!).reshape(t.shape)).sum()).reduce((a, b) => a.add(b)).backward();
    c.inputGrads.forEach((g, i) => assertClose(values(inputs[i]!.grad!), g, `input ${i} grad`));
    const params = Object.fromEntries(m.namedParameters());
    for (const [name, g] of Object.entries(c.paramGrads)) assertClose(values(params[name]!.grad!), g, `grad of ${name}`);
  });
}

test("MultiheadAttention: parameters and init with kdim/vdim and addBiasKv, as PyTorch's", () => {
  const m = new nn.MultiheadAttention(8, 2, { kdim: 5, vdim: 6, addBiasKv: true });
  assert.equal(m.inProjWeight, null);
  assert.deepEqual(m.projWeights!.map((p) => p.shape), [[8, 8], [8, 5], [8, 6]]);
  assert.deepEqual([m.biasK!.shape, m.biasV!.shape], [[1, 1, 8], [1, 1, 8]]);
  // bias_k / bias_v are xavier-normal, not zero
  assert.ok(values(m.biasK!).some((v) => v !== 0));
  assert.deepEqual(Object.keys(new nn.MultiheadAttention(8, 2, { kdim: 8, vdim: 8 }).stateDict())[0], "in_proj_weight");
});

test("MultiheadAttention rejects wrongly shaped inputs and masks with PyTorch's messages", () => {
  const m = new nn.MultiheadAttention(8, 2);
  const q = torch.randn([3, 2, 8]), k = torch.randn([4, 2, 8]);
  const bool = (shape: number[]) => torch.zeros(shape, { dtype: "bool" });
  const rejects = (f: () => unknown, message: string) => assert.throws(f, (e: Error) => e.message === message, message);
  // these two used to run: the mask was reshaped or broadcast onto the wrong keys
  rejects(() => m.forward(q, k, k, { keyPaddingMask: bool([4, 2]) }), "expecting key_padding_mask shape of (2, 4), but got [4, 2]");
  rejects(() => m.forward(q, k, k, { attnMask: bool([1, 4]) }), "The shape of the 2D attn_mask is [1, 4], but should be (3, 4).");
  rejects(() => m.forward(q, k, k, { keyPaddingMask: bool([2, 5]) }), "expecting key_padding_mask shape of (2, 4), but got [2, 5]");
  rejects(() => m.forward(q, k, k, { attnMask: bool([3, 3]) }), "The shape of the 2D attn_mask is [3, 3], but should be (3, 4).");
  rejects(() => m.forward(q, k, k, { attnMask: bool([2, 3, 4]) }), "The shape of the 3D attn_mask is [2, 3, 4], but should be (4, 3, 4).");
  rejects(() => m.forward(q, k, k, { attnMask: bool([1, 4, 3, 4]) }), "For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found 4-D tensor instead");
  const [q1, k1] = [q.select(1, 0), k.select(1, 0)];
  rejects(() => m.forward(q1, k1, k1, { attnMask: bool([1, 3, 4]) }), "Expected `attn_mask` shape to be (2, 3, 4) but got [1, 3, 4]");
  rejects(() => m.forward(q1, k1, k1, { keyPaddingMask: bool([1, 4]) }), "For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D but found 2-D tensor instead");
  rejects(() => m.forward(q, k, torch.randn([5, 2, 8])), "key shape [4, 2, 8] does not match value shape [5, 2, 8]");
  rejects(() => m.forward(q, k1, k1), "For batched (3-D) `query`, expected `key` and `value` to be 3-D but found 2-D and 2-D tensors respectively");
  rejects(() => m.forward(q1, k, k), "For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found 3-D and 3-D tensors respectively");
  rejects(() => m.forward(q.unsqueeze(0), k, k), "query should be unbatched 2D or batched 3D tensor but received 4-D query tensor");
  const sep = new nn.MultiheadAttention(8, 2, { kdim: 5, vdim: 6 });
  rejects(() => sep.forward(q, torch.randn([4, 2, 5]), torch.randn([5, 2, 6])), "key's sequence and batch dims [4, 2] do not match value's [5, 2]");
  // PyTorch 2.x's _canonical_mask (1.13 accepted uint8 and said "Only float, byte, and bool types are supported for attn_mask")
  rejects(() => m.forward(q, k, k, { attnMask: torch.ones([3, 4], { dtype: "int32" }) }), "only bool and floating types of attn_mask are supported");
  rejects(() => m.forward(q, k, k, { keyPaddingMask: torch.ones([2, 4], { dtype: "int32" }) }), "only bool and floating types of key_padding_mask are supported");
});

test("MultiheadAttention masks the right keys with a correctly shaped key_padding_mask", () => {
  const m = new nn.MultiheadAttention(8, 2);
  const q = torch.randn([3, 2, 8]), k = torch.randn([4, 2, 8]);
  const kpm = torch.tensor([[0, 0, 1, 0], [1, 0, 0, 0]]).to("bool");
  const [, w] = m.forward(q, k, k, { keyPaddingMask: kpm });
  const rows = values(w!); // [2, 3, 4]
  for (let l = 0; l < 3; l++) {
    assert.ok(rows[l * 4 + 2] === 0 && rows[l * 4]! > 0, "batch 0 leaves out key 2 only");
    assert.ok(rows[12 + l * 4] === 0 && rows[12 + l * 4 + 2]! > 0, "batch 1 leaves out key 0 only");
  }
});

test("MultiheadAttention in training returns the weights after dropout, as PyTorch", () => {
  const m = new nn.MultiheadAttention(8, 2, { dropout: 0.5, bias: false });
  m.train();
  torch.manualSeed(3);
  const q = torch.randn([5, 1, 8]);
  const [out, w] = m.forward(q, q, q, { averageAttnWeights: false });
  const sums = values(w!.sum(-1));
  // dropped entries are 0, kept ones scaled by 2: rows no longer sum to 1
  assert.ok(sums.some((s) => Math.abs(s - 1) > 1e-3), `row sums ${sums.join(", ")}`);
  // and they are the weights the output was made with
  const v = torch.nn.functional.linear(q.squeeze(1), m.inProjWeight!.chunk(3, 0)[2]!).reshape([5, 2, 4]).transpose(0, 1); // [H, L, hd]
  const merged = torch.matmul(w!.squeeze(0), v).transpose(0, 1).reshape([5, 8]);
  assertClose(values(out.squeeze(1)), values(m.outProj.forward(merged)), "output from the returned weights");
});

test("MultiheadAttention takes a dtype", () => {
  const m = new nn.MultiheadAttention(4, 2, { dtype: "float64", addBiasKv: true });
  assert.ok(m.parameters().every((p) => p.dtype === "float64"));
  const x = torch.randn([3, 1, 4], { dtype: "float64" });
  assert.equal(m.forward(x, x, x, { keyPaddingMask: torch.zeros([1, 3], { dtype: "bool" }) })[0].dtype, "float64");
});

test("MultiheadAttention: with attnMask, isCausal is a hint and the mask is used as given (PyTorch 2.x, need_weights=True)", () => {
  const m = new nn.MultiheadAttention(4, 2);
  const x = torch.randn([3, 1, 4]);
  const mask = torch.tensor([[0, 0, 1], [1, 0, 0], [0, 1, 0]]).to("bool"); // not causal
  const [a, wa] = m.forward(x, x, x, { attnMask: mask, isCausal: true });
  const [b, wb] = m.forward(x, x, x, { attnMask: mask });
  assertClose(values(a), values(b), "output");
  assertClose(values(wa!), values(wb!), "weights");
});
