/**
 * nn.RNNCell, nn.LSTMCell, nn.GRUCell and nn.RNN against PyTorch (fixtures:
 * scripts/gen_rnn2_fixtures.py): PyTorch's state-dict keys and repr, weights
 * loaded from PyTorch, then outputs, final states, and the input's and every
 * parameter's gradient; batched and unbatched, with and without states,
 * bias-free, ReLU, stacked, bidirectional and batch-first. Also init ranges
 * and bad-input errors (PyTorch 2.x's messages where 1.13's differ).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { assertClose, fromJson, readFixture, type TensorJson, values } from "./nn-helpers.js";

const { nn } = torch;

interface CellCase {
  name: string;
  kind: "RNNCell" | "LSTMCell" | "GRUCell";
  args: [number, number];
  options: torch.nn.RNNCellOptions;
  repr: string;
  stateDict: Record<string, TensorJson>;
  input: TensorJson;
  states: TensorJson[] | null;
  outputs: TensorJson[];
  gradOutputs: number[][];
  inputGrad: number[];
  paramGrads: Record<string, number[]>;
}

interface ElmanCase {
  name: string;
  args: [number, number];
  options: torch.nn.ElmanRNNOptions;
  repr: string;
  stateDict: Record<string, TensorJson>;
  input: TensorJson;
  h0: TensorJson | null;
  outputs: TensorJson[];
  gradOutputs: number[][];
  inputGrad: number[];
  paramGrads: Record<string, number[]>;
}

/** Loads PyTorch's state dict (keys checked in order), then checks the outputs and, after backward, every gradient. */
function check(m: torch.nn.Module, c: CellCase | ElmanCase, run: (x: torch.Tensor) => torch.Tensor[]): void {
  const sd = Object.fromEntries(Object.entries(c.stateDict).map(([k, v]) => [k, fromJson(v)]));
  assert.deepEqual(Object.keys(m.stateDict()), Object.keys(sd), "state-dict keys, in PyTorch's order");
  assert.equal(String(m), c.repr, "repr");
  m.loadStateDict(sd);
  const x = fromJson(c.input, { requiresGrad: true });
  const results = run(x);
  assert.equal(results.length, c.outputs.length);
  results.forEach((t, i) => {
    assert.deepEqual(t.shape, c.outputs[i]!.shape, `output ${i} shape`);
    assertClose(values(t), c.outputs[i]!.data, `output ${i}`);
  });
  results.map((t, i) => t.mul(torch.tensor(c.gradOutputs[i]!).reshape(t.shape)).sum()).reduce((a, b) => a.add(b)).backward();
  assertClose(values(x.grad!), c.inputGrad, "input grad");
  const params = Object.fromEntries(m.namedParameters());
  assert.deepEqual(Object.keys(params).sort(), Object.keys(c.paramGrads).sort(), "parameters");
  for (const [k, g] of Object.entries(c.paramGrads)) assertClose(values(params[k]!.grad!), g, `grad of ${k}`);
}

for (const c of readFixture<{ cases: CellCase[] }>("rnn_cells.json").cases) {
  test(`${c.name} matches PyTorch (output, state, input and weight gradients)`, () => {
    const states = c.states?.map((s) => fromJson(s)) ?? null;
    if (c.kind === "LSTMCell") {
      const m = new nn.LSTMCell(...c.args, c.options);
      check(m, c, (x) => m.forward(x, states as [torch.Tensor, torch.Tensor] | null));
    } else {
      const m = c.kind === "RNNCell" ? new nn.RNNCell(...c.args, c.options) : new nn.GRUCell(...c.args, c.options);
      check(m, c, (x) => [m.forward(x, states?.[0] ?? null)]);
    }
  });
}

for (const c of readFixture<{ cases: ElmanCase[] }>("rnn_elman.json").cases) {
  test(`${c.name} matches PyTorch (outputs, final state, input and weight gradients)`, () => {
    const m = new nn.RNN(...c.args, c.options);
    check(m, c, (x) => m.forward(x, c.h0 === null ? null : fromJson(c.h0)));
  });
}

test("cells print like PyTorch, initialise in ±1/√hidden and have PyTorch's parameter shapes", () => {
  assert.equal(String(new nn.RNNCell(3, 4, { nonlinearity: "relu" })), "RNNCell(3, 4, nonlinearity=relu)");
  assert.equal(String(new nn.RNNCell(3, 4, { bias: false })), "RNNCell(3, 4, bias=False)");
  assert.equal(String(new nn.LSTMCell(3, 4)), "LSTMCell(3, 4)");
  assert.equal(String(new nn.GRUCell(3, 4, { bias: false })), "GRUCell(3, 4, bias=False)");
  for (const [m, gates] of [[new nn.RNNCell(3, 16), 1], [new nn.LSTMCell(3, 16), 4], [new nn.GRUCell(3, 16), 3]] as const) {
    assert.deepEqual(m.namedParameters().map(([k, p]) => [k, p.shape]), [
      ["weight_ih", [gates * 16, 3]], ["weight_hh", [gates * 16, 16]], ["bias_ih", [gates * 16]], ["bias_hh", [gates * 16]],
    ]);
    const all = m.parameters().flatMap(values);
    assert.ok(all.every((v) => Math.abs(v) <= 0.25), "within ±1/√16");
    assert.ok(Math.max(...all) > 0.2 && Math.min(...all) < -0.2, "spread over the range");
  }
  assert.equal(new nn.LSTMCell(3, 4, { bias: false }).bias_ih, null);
  assert.deepEqual(Object.keys(new nn.GRUCell(3, 4, { bias: false }).stateDict()), ["weight_ih", "weight_hh"]);
  const rnn = new nn.RNN(3, 16, { numLayers: 2 });
  assert.ok(rnn.parameters().every((p) => values(p).every((v) => Math.abs(v) <= 0.25)));
  assert.deepEqual(rnn.parameters().map((p) => p.shape), [[16, 3], [16, 16], [16], [16], [16, 16], [16, 16], [16], [16]]);
});

test("cells with no state start from zeros; nn.RNN's relu differs from tanh", () => {
  const cell = new nn.LSTMCell(3, 4);
  const x = torch.randn([2, 3]);
  const [h1, c1] = cell.forward(x);
  const [h2, c2] = cell.forward(x, [torch.zeros([2, 4]), torch.zeros([2, 4])]);
  assertClose(values(h1), values(h2), "h");
  assertClose(values(c1), values(c2), "c");
  const relu = new nn.RNNCell(3, 4, { nonlinearity: "relu" });
  assert.ok(values(relu.forward(torch.randn([5, 3]).mul(10))).every((v) => v >= 0));
});

test("cells and nn.RNN reject bad input with PyTorch's messages", () => {
  const cell = new nn.RNNCell(3, 4);
  // PyTorch 2.x's wording; 1.13 raises "RNNCell: Expected input to be 1-D or 2-D but received 3-D tensor"
  assert.throws(() => cell.forward(torch.randn([1, 2, 3])), /RNNCell: Expected input to be 1D or 2D, got 3D instead/);
  assert.throws(() => cell.forward(torch.randn([2, 3]), torch.randn([1, 2, 4])), /RNNCell: Expected hidden to be 1D or 2D, got 3D instead/);
  assert.throws(() => cell.forward(torch.randn([2, 5])), /input has inconsistent input_size: got 5 expected 3/);
  assert.throws(() => cell.forward(torch.randn([2, 3]), torch.randn([3, 4])), /Input batch size 2 doesn't match hidden0 batch size 3/);
  assert.throws(() => cell.forward(torch.randn([2, 3]), torch.randn([2, 5])), /hidden0 has inconsistent hidden_size: got 5, expected 4/);
  assert.throws(() => new nn.LSTMCell(3, 4).forward(torch.randn([2, 3]), [torch.randn([2, 4]), torch.randn([3, 4])]), /Input batch size 2 doesn't match hidden1 batch size 3/);
  assert.throws(() => new nn.LSTMCell(3, 4).forward(torch.randn([2, 3]), [torch.randn([2, 4]), torch.randn([1, 2, 4])]), /LSTMCell: Expected hx\[1\] to be 1D or 2D, got 3D instead/);
  assert.throws(() => new nn.GRUCell(3, 4).forward(torch.randn([1, 2, 3])), /GRUCell: Expected input to be 1D or 2D, got 3D instead/);
  assert.throws(() => new nn.GRUCell(3, 0), /hidden_size must be greater than zero/);
  // 2.x's message ("Select from ..."); 1.13 says only "Unknown nonlinearity 'x'", and its RNNCell fails only in forward
  assert.throws(() => new nn.RNN(3, 4, { nonlinearity: "x" as "tanh" }), /Unknown nonlinearity 'x'. Select from 'tanh' or 'relu'./);
  assert.throws(() => new nn.RNNCell(3, 4, { nonlinearity: "x" as "tanh" }), /Unknown nonlinearity 'x'/);
  const rnn = new nn.RNN(3, 4);
  assert.throws(() => rnn.forward(torch.randn([5])), /RNN: Expected input to be 2D or 3D, got 1D tensor instead/);
  assert.throws(() => new nn.GRU(3, 4).forward(torch.randn([5])), /GRU: Expected input to be 2D or 3D, got 1D instead/);
  assert.throws(() => new nn.LSTM(3, 4).forward(torch.randn([1, 5, 2, 3])), /LSTM: Expected input to be 2D or 3D, got 4D instead/);
  assert.throws(() => rnn.forward(torch.randn([5, 2, 3]), torch.randn([2, 2, 4])), /Expected hidden size \(1, 2, 4\), got \[2, 2, 4\]/);
});
