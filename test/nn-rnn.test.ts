/**
 * nn.LSTM and nn.GRU against PyTorch (fixtures: scripts/gen_nn_fixtures.py):
 * PyTorch's state-dict keys and shapes, weights loaded from PyTorch, then
 * outputs, final states, and the input's and every parameter's gradient, for
 * stacked, bidirectional, batch-first, bias-free and unbatched layers, with
 * and without initial states. Also the repr and bad-input errors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { assertClose, fromJson, readFixture, type TensorJson, values } from "./nn-helpers.js";

const { nn } = torch;

interface RnnCase {
  name: string;
  kind: "LSTM" | "GRU";
  args: [number, number];
  options: { numLayers: number; batchFirst: boolean; bidirectional: boolean; bias: boolean };
  stateDict: Record<string, TensorJson>;
  input: TensorJson;
  states: TensorJson[] | null;
  outputs: TensorJson[];
  gradOutputs: number[][];
  inputGrad: number[];
  paramGrads: Record<string, number[]>;
}

const { cases } = readFixture<{ cases: RnnCase[] }>("rnn.json");

for (const c of cases) {
  test(`${c.name} matches PyTorch (outputs, final states, input and weight gradients)`, () => {
    const m = c.kind === "LSTM" ? new nn.LSTM(...c.args, c.options) : new nn.GRU(...c.args, c.options);
    const sd = Object.fromEntries(Object.entries(c.stateDict).map(([k, v]) => [k, fromJson(v)]));
    assert.deepEqual(Object.keys(m.stateDict()), Object.keys(sd), "state-dict keys, in PyTorch's order");
    m.loadStateDict(sd);
    const x = fromJson(c.input, { requiresGrad: true });
    const states = c.states?.map((s) => fromJson(s)) ?? null;
    const results = m instanceof nn.LSTM
      ? (([out, [h, cell]]) => [out, h, cell])(m.forward(x, states as [torch.Tensor, torch.Tensor] | null))
      : (([out, h]) => [out, h])(m.forward(x, states?.[0] ?? null));
    results.forEach((t, i) => {
      assert.deepEqual(t.shape, c.outputs[i]!.shape, `output ${i} shape`);
      assertClose(values(t), c.outputs[i]!.data, `output ${i}`);
    });
    results.map((t, i) => t.mul(torch.tensor(c.gradOutputs[i]!).reshape(t.shape)).sum()).reduce((a, b) => a.add(b)).backward();
    assertClose(values(x.grad!), c.inputGrad, "input grad");
    const params = Object.fromEntries(m.namedParameters());
    for (const [k, g] of Object.entries(c.paramGrads)) assertClose(values(params[k]!.grad!), g, `grad of ${k}`);
  });
}

test("LSTM and GRU print like PyTorch, initialise in ±1/√hidden and reject bad input", () => {
  assert.equal(String(new nn.LSTM(3, 4, { numLayers: 2, batchFirst: true, bidirectional: true })), "LSTM(3, 4, num_layers=2, batch_first=True, bidirectional=True)");
  assert.equal(String(new nn.GRU(3, 4)), "GRU(3, 4)");
  const gru = new nn.GRU(3, 16);
  assert.ok(gru.parameters().every((p) => values(p).every((v) => Math.abs(v) <= 0.25)));
  assert.deepEqual(gru.parameters().map((p) => p.shape), [[48, 3], [48, 16], [48], [48]]);
  assert.throws(() => gru.forward(torch.randn([5, 2, 4])), /input.size\(-1\) must be equal to input_size. Expected 3, got 4/);
  assert.throws(() => gru.forward(torch.randn([5, 2, 3]), torch.randn([2, 2, 16])), /Expected hidden size \(1, 2, 16\), got \[2, 2, 16\]/);
  assert.throws(() => new nn.LSTM(3, 0), /hidden_size must be greater than zero/);
});
