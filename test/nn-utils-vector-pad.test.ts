/**
 * nn.utils.rnn.padSequence, nn.utils.parametersToVector and
 * nn.utils.vectorToParameters against PyTorch (fixtures:
 * scripts/gen_rnn2_fixtures.py): padded values and each sequence's
 * gradient; the flat vector of a model's parameters and its inverse.
 * `paddingSide` is PyTorch 2.x only (1.13 has no such argument), so the
 * left-padded case is checked by its properties: the right-padded result
 * with each sequence moved to the end.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { assertClose, fromJson, readFixture, type TensorJson, values } from "./nn-helpers.js";

const { nn } = torch;

interface PadCase {
  name: string;
  sequences: TensorJson[];
  batchFirst: boolean;
  paddingValue: number;
  output: TensorJson;
  gradOutput: number[];
  grads: number[][];
}

const fixture = readFixture<{ padSequence: PadCase[]; parametersToVector: { stateDict: Record<string, TensorJson>; vector: number[] } }>("nn_utils2.json");

for (const c of fixture.padSequence) {
  test(`padSequence: ${c.name} matches PyTorch (values and gradients)`, () => {
    const seqs = c.sequences.map((s) => fromJson(s, { requiresGrad: true }));
    const out = nn.utils.rnn.padSequence(seqs, { batchFirst: c.batchFirst, paddingValue: c.paddingValue });
    assert.deepEqual(out.shape, c.output.shape);
    assertClose(values(out), c.output.data, "padded");
    out.mul(torch.tensor(c.gradOutput).reshape(out.shape)).sum().backward();
    seqs.forEach((s, i) => assertClose(values(s.grad!), c.grads[i]!, `grad of sequence ${i}`));
  });
}

test("padSequence paddingSide 'left' (2.x) puts each sequence at the end", () => {
  const seqs = [torch.tensor([[1, 2]]), torch.tensor([[3, 4], [5, 6], [7, 8]]), torch.tensor([[9, 10], [11, 12]])];
  const left = nn.utils.rnn.padSequence(seqs, { batchFirst: true, paddingSide: "left", paddingValue: -1 });
  assert.deepEqual(left.shape, [3, 3, 2]);
  assert.deepEqual(values(left), [-1, -1, -1, -1, 1, 2, 3, 4, 5, 6, 7, 8, -1, -1, 9, 10, 11, 12]);
  const right = nn.utils.rnn.padSequence(seqs, { paddingValue: -1 });
  assert.deepEqual(right.shape, [3, 3, 2], "time-major");
  assert.deepEqual(values(right.select(1, 0)), [1, 2, -1, -1, -1, -1]);
  assert.deepEqual(values(nn.utils.rnn.padSequence(seqs, { paddingSide: "left" }).select(1, 0)), [0, 0, 0, 0, 1, 2]);
  assert.throws(() => nn.utils.rnn.padSequence(seqs, { paddingSide: "up" as "left" }), /Expected padding_side to be one of left or right, but got up./);
  assert.throws(() => nn.utils.rnn.padSequence([]), /received an empty list of sequences/);
  assert.throws(() => nn.utils.rnn.padSequence([torch.ones([2, 3]), torch.ones([2, 4])]), /sequence 1 has shape \[2, 4\]/);
});

test("parametersToVector matches PyTorch; vectorToParameters inverts it", () => {
  const m = new nn.Sequential(new nn.Linear(3, 2), new nn.ReLU(), new nn.Linear(2, 1, { bias: false }));
  m.loadStateDict(Object.fromEntries(Object.entries(fixture.parametersToVector.stateDict).map(([k, v]) => [k, fromJson(v)])));
  const vec = nn.utils.parametersToVector(m.parameters());
  assert.deepEqual(vec.shape, [10]);
  assertClose(values(vec), fixture.parametersToVector.vector, "vector");
  // differentiable, as PyTorch's
  vec.mul(torch.arange(10).to("float32")).sum().backward();
  assert.deepEqual(values(m.parameters()[0]!.grad!), [0, 1, 2, 3, 4, 5]);

  const other = new nn.Sequential(new nn.Linear(3, 2), new nn.ReLU(), new nn.Linear(2, 1, { bias: false }));
  nn.utils.vectorToParameters(vec.detach().mul(2), other.parameters());
  assertClose(values(nn.utils.parametersToVector(other.parameters())), fixture.parametersToVector.vector.map((v) => 2 * v), "round trip");
  assert.ok(other.parameters()[0]!.isLeaf && other.parameters()[0]!.grad === null, "parameters stay leaves, nothing recorded");
  assert.equal(other.parameters()[0]!.shape.join(), "2,3");
  assert.throws(() => nn.utils.vectorToParameters(torch.zeros([8]), other.parameters()), /shape '\[1, 2\]' is invalid for input of size 0/);
  assert.throws(() => nn.utils.vectorToParameters([1, 2] as unknown as torch.Tensor, other.parameters()), /expected torch.Tensor, but got: object/);
});
