/**
 * nn.LSTM with projSize against PyTorch (fixtures: scripts/gen_attn_fixtures2.py
 * -> attn_rnn2.json): state-dict keys (weight_hr_l{k}), repr, outputs,
 * final states, input and parameter gradients. Then the recurrent layers'
 * argument and input checks with PyTorch's messages (1.13 and 2.x agree
 * unless noted), the single-layer dropout warning, and input size 0.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { warningMessagesDuring } from "./warnings-capture.js";
import { assertClose, fromJson, type ModuleGradCase, readFixture, type TensorJson, values } from "./nn-helpers.js";

const { nn } = torch;

interface LstmCase extends ModuleGradCase {
  args: [number, number];
  options: torch.nn.RNNOptions;
  repr: string;
  states: TensorJson[] | null;
}

const { lstm } = readFixture<{ lstm: LstmCase[] }>("attn_rnn2.json");

for (const c of lstm) {
  test(`${c.name} matches PyTorch`, () => {
    const m = new nn.LSTM(...c.args, c.options);
    const sd = Object.fromEntries(Object.entries(c.stateDict).map(([k, v]) => [k, fromJson(v)]));
    assert.deepEqual(Object.keys(m.stateDict()), Object.keys(sd), "state-dict keys, in PyTorch's order");
    assert.deepEqual(Object.values(m.stateDict()).map((t) => t.shape), Object.values(sd).map((t) => t.shape), "parameter shapes");
    m.loadStateDict(sd);
    assert.equal(String(m), c.repr);
    const x = fromJson(c.inputs[0]!, { requiresGrad: true });
    const states = (c.states?.map((s) => fromJson(s)) ?? null) as [torch.Tensor, torch.Tensor] | null;
    const [out, [h, cell]] = m.forward(x, states);
    const outs = [out, h, cell];
    outs.forEach((t, i) => {
      assert.deepEqual(t.shape, c.outputs[i]!.shape, `output ${i} shape`);
      assertClose(values(t), c.outputs[i]!.data, `output ${i}`);
    });
    outs.map((t, i) => t.mul(torch.tensor(c.gradOutputs[i]!).reshape(t.shape)).sum()).reduce((a, b) => a.add(b)).backward();
    assertClose(values(x.grad!), c.inputGrads[0]!, "input grad");
    const params = Object.fromEntries(m.namedParameters());
    for (const [k, g] of Object.entries(c.paramGrads)) assertClose(values(params[k]!.grad!), g, `grad of ${k}`);
  });
}

const rejects = (f: () => unknown, message: string) => assert.throws(f, (e: Error) => e.message === message, message);

test("recurrent layers check their arguments as PyTorch", () => {
  rejects(() => new nn.GRU(3, 4, { projSize: 2 }), "proj_size argument is only supported for LSTM, not RNN or GRU");
  rejects(() => new nn.RNN(3, 4, { projSize: 0 }), "proj_size argument is only supported for LSTM, not RNN or GRU");
  rejects(() => new nn.LSTM(3, 4, { projSize: 4 }), "proj_size has to be smaller than hidden_size");
  rejects(() => new nn.LSTM(3, 4, { projSize: -1 }), "proj_size should be a positive integer or zero to disable projections");
  // PyTorch 2.x has no ", got 0" after these
  rejects(() => new nn.LSTM(3, 0), "hidden_size must be greater than zero");
  rejects(() => new nn.GRU(3, 4, { numLayers: 0 }), "num_layers must be greater than zero");
  rejects(() => new nn.GRUCell(3, 0), "hidden_size must be greater than zero");
  // input size 0 is allowed: the input weights are empty (init.uniform_ threw on them)
  assert.deepEqual(new nn.LSTM(0, 4).parameters().map((p) => p.shape), [[16, 0], [16, 4], [16], [16]]);
});

test("a single-layer recurrent layer with dropout warns, as PyTorch", async () => {
  const seen = await warningMessagesDuring(() => {
    new nn.GRU(3, 4, { dropout: 0.5 });
    new nn.GRU(3, 4, { dropout: 0.5, numLayers: 2 });
  });
  assert.deepEqual(seen, ["dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers greater than 1, but got dropout=0.5 and num_layers=1"]);
});

test("recurrent layers reject bad inputs and states with PyTorch's messages", () => {
  const lstm = new nn.LSTM(3, 4, { projSize: 2 });
  const x = torch.randn([5, 2, 3]);
  rejects(() => lstm.forward(x, [torch.zeros([1, 2, 4]), torch.zeros([1, 2, 4])]), "Expected hidden[0] size (1, 2, 2), got [1, 2, 4]");
  rejects(() => lstm.forward(x, [torch.zeros([1, 2, 2]), torch.zeros([1, 2, 2])]), "Expected hidden[1] size (1, 2, 4), got [1, 2, 2]");
  rejects(() => lstm.forward(x, [torch.zeros([2, 2]), torch.zeros([2, 2])]), "For batched 3-D input, hx and cx should also be 3-D but got (2-D, 2-D) tensors");
  rejects(() => lstm.forward(torch.randn([5, 3]), [torch.zeros([1, 1, 2]), torch.zeros([1, 1, 4])]), "For unbatched 2-D input, hx and cx should also be 2-D but got (3-D, 3-D) tensors");
  // a bare tensor for [h0, c0] (torchlet's message; it used to be an internal TypeError)
  assert.throws(() => lstm.forward(x, torch.zeros([1, 2, 2]) as unknown as [torch.Tensor, torch.Tensor]), /hx must be a pair \[h0, c0\] of tensors/);
  assert.throws(() => new nn.LSTMCell(3, 4).forward(torch.randn([3]), torch.zeros([4]) as unknown as [torch.Tensor, torch.Tensor]), /hx must be a pair \[h, c\] of tensors/);
  const gru = new nn.GRU(3, 4);
  rejects(() => gru.forward(torch.randn([5, 3]), torch.zeros([1, 1, 4])), "For unbatched 2-D input, hx should also be 2-D but got 3-D tensor");
  rejects(() => gru.forward(x, torch.zeros([2, 4])), "For batched 3-D input, hx should also be 3-D but got 2-D tensor");
  rejects(() => gru.forward(torch.randn([0, 2, 3])), "Expected sequence length to be larger than 0 in RNN");
  // PyTorch 2.x's check_input (1.13 fails later, in the matmul)
  rejects(() => gru.forward(torch.randn([5, 2, 3], { dtype: "float64" })), "input must have the type torch.float32, got type torch.float64");
  rejects(() => new nn.GRUCell(3, 4).forward(torch.randn([3]), torch.zeros([1, 4])), "hidden0 has inconsistent hidden_size: got 1, expected 4");
  rejects(() => new nn.GRUCell(3, 4).forward(torch.randn([3]), torch.zeros([4, 2])), "GRUCell: Expected hidden to be 1D for unbatched input, got 2D instead");
  rejects(() => new nn.GRUCell(3, 2).forward(torch.randn([2, 3]), torch.zeros([2])), "GRUCell: Expected hidden to be 2D for batched input, got 1D instead");
});
