/**
 * F.embeddingBag / nn.EmbeddingBag against PyTorch on both backends
 * (fixtures: scripts/gen_pool2_fixtures.py): sum, mean and max bags from
 * offsets (with an empty bag) and from 2-d input, paddingIdx,
 * includeLastOffset, perSampleWeights, max ties; outputs and the gradients
 * of weight and perSampleWeights. Also the module and PyTorch's errors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { describeOnBackends } from "./backends.js";
import { assertClose, decode, type Encoded, values } from "./fixture-values.js";
import { readPool2 } from "./pool2-fixtures.js";

const F = torch.nn.functional;
const nn = torch.nn;

interface BagCase {
  name: string;
  mode: "sum" | "mean" | "max";
  paddingIdx: number | null;
  includeLastOffset: boolean;
  weight: { shape: number[]; data: Encoded[] };
  indices: { shape: number[]; data: number[] };
  offsets: number[] | null;
  perSampleWeights: number[] | null;
  output: { shape: number[]; data: Encoded[] };
  gradOutput: Encoded[];
  weightGrad: Encoded[];
  perSampleWeightsGrad?: Encoded[];
}

const CASES = readPool2().embeddingBag as BagCase[];
const i32 = (v: number[], shape?: number[]) => {
  const t = torch.tensor(v, { dtype: "int32" });
  return shape ? t.reshape(shape) : t;
};

describeOnBackends((b) => `embedding_bag against PyTorch (${b})`, () => {
  test("outputs and gradients of weight and per-sample weights", () => {
    assert.ok(CASES.length >= 14);
    for (const c of CASES) {
      const weight = torch.tensor(c.weight.data.map(decode)).reshape(c.weight.shape).requiresGrad_(true);
      const psw = c.perSampleWeights ? torch.tensor(c.perSampleWeights).requiresGrad_(true) : null;
      const y = F.embeddingBag(i32(c.indices.data, c.indices.shape), weight, {
        offsets: c.offsets ? i32(c.offsets) : null, mode: c.mode, perSampleWeights: psw, includeLastOffset: c.includeLastOffset, paddingIdx: c.paddingIdx,
      });
      assert.deepEqual(y.shape, c.output.shape, c.name);
      assertClose(values(y.detach()), c.output.data, `${c.name} output`);
      y.backward(torch.tensor(c.gradOutput.map(decode)).reshape(c.output.shape));
      assertClose(values(weight.grad!), c.weightGrad, `${c.name} weight grad`);
      if (psw) assertClose(values(psw.grad!), c.perSampleWeightsGrad!, `${c.name} per_sample_weights grad`);
    }
  });
});

test("nn.EmbeddingBag: weight parameter, padding row zeroed, forward as F.embeddingBag, repr", () => {
  const bag = new nn.EmbeddingBag(10, 3, { mode: "max", paddingIdx: -1 });
  assert.deepEqual([...bag.namedParameters()].map(([n]) => n), ["weight"]);
  assert.deepEqual(bag.weight.shape, [10, 3]);
  assert.deepEqual(values(bag.weight.detach().select(0, 9).clone()), [0, 0, 0]);
  const input = i32([1, 2, 4, 5, 4, 3]), offsets = i32([0, 2]);
  assert.deepEqual(values(bag.forward(input, offsets)), values(F.embeddingBag(input, bag.weight, { offsets, mode: "max", paddingIdx: 9 })));
  assert.equal(String(bag), "EmbeddingBag(10, 3, mode=max, padding_idx=9)");
  assert.equal(String(new nn.EmbeddingBag(10, 3)), "EmbeddingBag(10, 3, mode=mean)");
  const rows = new nn.EmbeddingBag(5, 2, { mode: "sum" }).forward(i32([0, 1, 2, 3], [2, 2]));
  assert.deepEqual(rows.shape, [2, 2]);
});

test("embedding_bag rejects bad arguments with PyTorch's messages", () => {
  const w = torch.randn([10, 3]);
  assert.throws(() => F.embeddingBag(i32([1, 2]), w), { message: "offsets has to be a 1D Tensor but got None" });
  assert.throws(() => F.embeddingBag(i32([1, 2], [1, 2]), w, { offsets: i32([0]) }), /^Error: if input is 2D, then offsets has to be None/);
  assert.throws(() => F.embeddingBag(i32([1, 2]), w, { offsets: i32([0], [1, 1]) }), { message: "offsets has to be a 1D Tensor" });
  assert.throws(() => F.embeddingBag(i32([1, 2], [1, 1, 2]), w), { message: "input has to be 1D or 2D Tensor, but got Tensor of dimension 3" });
  assert.throws(() => F.embeddingBag(i32([1, 2]), w, { offsets: i32([0]), mode: "foo" as "sum" }), { message: "mode has to be one of sum, mean or max" });
  assert.throws(() => F.embeddingBag(i32([1, 2]), w, { offsets: i32([0]), mode: "mean", perSampleWeights: torch.ones([2]) }), {
    message: "embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='mean'). Please open a feature request on GitHub.",
  });
  assert.throws(() => F.embeddingBag(i32([1, 2]), w, { offsets: i32([0]), mode: "sum", perSampleWeights: torch.ones([3]) }), {
    message: "embedding_bag: If per_sample_weights ([3]) is not None, then it must have the same shape as the input ([2])",
  });
  assert.throws(() => F.embeddingBag(i32([1, 2]), w, { offsets: i32([1]) }), {
    message: "offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from position 0. However, got 1",
  });
  assert.throws(() => F.embeddingBag(i32([1, 2]), w, { offsets: i32([0, 3]) }), { message: "offsets[-1] can not be greater than input's length 2 but got offsets[-1] of 3" });
  assert.throws(() => F.embeddingBag(i32([1, 2]), w, { offsets: i32([0]), paddingIdx: 10 }), { message: "padding_idx must be within the number of embeddings, -10 through 9, but got 10" });
  assert.throws(() => F.embeddingBag(torch.tensor([1, 2]), w, { offsets: i32([0]) }), /^Error: Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int/);
  assert.throws(() => F.embeddingBag(i32([1, 12]), w, { offsets: i32([0]), mode: "max" }), /out of bounds/);
  assert.throws(() => F.embeddingBag(i32([1, 12]), w, { offsets: i32([0]), mode: "sum" }), /out of (bounds|range)/);
});
