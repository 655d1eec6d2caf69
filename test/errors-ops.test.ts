/**
 * Bad input throws an Error that starts with PyTorch's words, names the op and
 * the shapes or dtypes, and changes nothing (values and version counters of
 * every operand stay as they were).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";

interface Refusal {
  /** What the message starts with (PyTorch's words). */
  start: string;
  /** What else it must mention: the op and the shapes or dtypes. */
  mentions: string[];
  run: (xs: Tensor[]) => unknown;
  /** The operands, made fresh for each case. */
  make: () => Tensor[];
}

const f = (shape: number[]) => torch.arange(shape.reduce((p, q) => p * q, 1), undefined, 1, { dtype: "float32" }).reshape(shape);
const int = (values: number[]) => torch.tensor(values, { dtype: "int32" });

const CASES: Record<string, Refusal> = {
  "shapes that do not broadcast": {
    start: "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1",
    mentions: ["add", "[2, 3]", "[4]"],
    make: () => [f([2, 3]), f([4])],
    run: ([a, b]) => a!.add(b!),
  },
  "comparison of shapes that do not broadcast": {
    start: "The size of tensor a",
    mentions: ["lt", "[2, 3]", "[2]"],
    make: () => [f([2, 3]), f([2])],
    run: ([a, b]) => a!.lt(b!),
  },
  "in-place result does not fit self": {
    start: "output with shape [2, 3] doesn't match the broadcast shape [2, 2, 3]",
    mentions: ["mul_"],
    make: () => [f([2, 3]), f([2, 1, 3])],
    run: ([a, b]) => a!.mul_(b!),
  },
  "in-place float result into an int tensor": {
    start: "result type Float can't be cast to the desired output type Int",
    mentions: ["add_"],
    make: () => [int([1, 2]), f([2])],
    run: ([a, b]) => a!.add_(b!),
  },
  "copy_ from a shape that does not broadcast": {
    start: "The size of tensor a",
    mentions: ["copy_", "[2, 3]", "[4]"],
    make: () => [f([2, 3]), f([4])],
    run: ([a, b]) => a!.copy_(b!),
  },
  "wrong dtype: float index": {
    start: "gather(): Expected dtype int32 for index",
    mentions: ["float32"],
    make: () => [f([2, 3]), f([1, 3])],
    run: ([a, i]) => a!.gather(0, i!),
  },
  "wrong dtype: matmul of float32 and float64": {
    start: "expected m1 and m2 to have the same dtype, but got: float32 != float64",
    mentions: ["matmul", "[2, 3]", "[3, 2]"],
    make: () => [f([2, 3]), f([3, 2]).double()],
    run: ([a, b]) => a!.matmul(b!),
  },
  "wrong dtype: mean of integers": {
    start: "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: Int",
    mentions: [],
    make: () => [int([1, 2])],
    run: ([a]) => a!.mean(),
  },
  "wrong dtype: where's condition": {
    start: "where expected condition to be a boolean tensor, but got a tensor with dtype Float",
    mentions: [],
    make: () => [f([2]), f([2])],
    run: ([c, a]) => torch.where(c!, a!, 0),
  },
  "dim out of range": {
    start: "Dimension out of range (expected to be in range of [-2, 1], but got 2)",
    mentions: ["sum", "[2, 3]"],
    make: () => [f([2, 3])],
    run: ([a]) => a!.sum(2),
  },
  "negative dim out of range": {
    start: "Dimension out of range (expected to be in range of [-2, 1], but got -3)",
    mentions: ["softmax", "[2, 3]"],
    make: () => [f([2, 3])],
    run: ([a]) => a!.softmax(-3),
  },
  "non-integer dim": {
    start: "transpose(): argument 'dim' must be int, not float",
    mentions: ["0.5"],
    make: () => [f([2, 3])],
    run: ([a]) => a!.transpose(0.5, 1),
  },
  "non-integer index": {
    start: "select(): argument 'index' must be int, not float",
    mentions: ["1.5", "[2, 3]"],
    make: () => [f([2, 3])],
    run: ([a]) => a!.select(0, 1.5),
  },
  "non-integer narrow start": {
    start: "narrow(): arguments 'start' and 'length' must be int",
    mentions: ["0.5", "[2, 3]"],
    make: () => [f([2, 3])],
    run: ([a]) => a!.narrow(1, 0.5, 1),
  },
  "index out of range (gather)": {
    start: "index 3 is out of bounds for dimension 1 with size 3",
    mentions: ["gather", "[2, 3]", "[1, 2]"],
    make: () => [f([2, 3]), torch.tensor([[0, 3]], { dtype: "int32" })],
    run: ([a, i]) => a!.gather(1, i!),
  },
  "index out of range (indexSelect)": {
    start: "index out of range in self",
    mentions: ["index_select", "[2, 3]", "5"],
    make: () => [f([2, 3]), int([0, 5])],
    run: ([a, i]) => a!.indexSelect(0, i!),
  },
  "index out of range (select)": {
    start: "select(): index 3 out of range for tensor of size [2, 3] at dimension 1",
    mentions: [],
    make: () => [f([2, 3])],
    run: ([a]) => a!.select(1, 3),
  },
  "matmul shape mismatch (2-d)": {
    start: "mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)",
    mentions: ["matmul", "[2, 3]"],
    make: () => [f([2, 3]), f([2, 3])],
    run: ([a, b]) => a!.matmul(b!),
  },
  "matmul shape mismatch (batched)": {
    start: "Expected size for first two dimensions of batch2 tensor to be: [2, 3] but got: [2, 4].",
    mentions: ["matmul", "[2, 2, 3]", "[2, 4, 2]"],
    make: () => [f([2, 2, 3]), f([2, 4, 2])],
    run: ([a, b]) => a!.matmul(b!),
  },
  "matmul shape mismatch (vectors)": {
    start: "inconsistent tensor size, expected tensor [4] and src [3] to have the same number of elements",
    mentions: ["matmul", "[4]", "[3]"],
    make: () => [f([4]), f([3])],
    run: ([a, b]) => a!.matmul(b!),
  },
  "cat size mismatch": {
    start: "Sizes of tensors must match except in dimension 0. Expected size 3 but got size 4 for tensor number 1 in the list.",
    mentions: ["cat", "[2, 3]", "[2, 4]"],
    make: () => [f([2, 3]), f([2, 4])],
    run: ([a, b]) => torch.cat([a!, b!], 0),
  },
  "cat dims mismatch": {
    start: "Tensors must have same number of dimensions: got 2 and 1",
    mentions: ["cat", "[2, 3]", "[4]"],
    make: () => [f([2, 3]), f([4])],
    run: ([a, b]) => torch.cat([a!, b!]),
  },
  "stack shape mismatch": {
    start: "stack expects each tensor to be equal size, but got [2, 3] at entry 0 and [3, 2] at entry 1",
    mentions: [],
    make: () => [f([2, 3]), f([3, 2])],
    run: ([a, b]) => torch.stack([a!, b!]),
  },
  "reshape to a wrong size": {
    start: "shape '[4, 2]' is invalid for input of size 6",
    mentions: [],
    make: () => [f([2, 3])],
    run: ([a]) => a!.reshape([4, 2]),
  },
  "view of a non-viewable layout": {
    start: "view size is not compatible with input tensor's size and stride",
    mentions: [],
    make: () => [f([2, 3])],
    run: ([a]) => a!.t().view([6]),
  },
  "expand of a non-singleton dim": {
    start: "The expanded size of the tensor (3) must match the existing size (2) at non-singleton dimension 0.",
    mentions: ["[3, 3]", "[2, 3]"],
    make: () => [f([2, 3])],
    run: ([a]) => a!.expand([3, 3]),
  },
  "integer to a negative integer power": {
    start: "Integers to negative integer powers are not allowed.",
    mentions: ["pow", "int32", "[2]"],
    make: () => [int([2, 3])],
    run: ([a]) => a!.pow(-1),
  },
  "softmax of integers": {
    start: "\"softmax_lastdim_kernel_impl\" not implemented for 'Int'",
    mentions: ["softmax", "int32"],
    make: () => [int([2, 3])],
    run: ([a]) => a!.softmax(0),
  },
  "subtraction of two bool tensors": {
    start: "Subtraction, the `-` operator, with two bool tensors is not supported.",
    mentions: ["sub"],
    make: () => [torch.tensor([true, false]), torch.tensor([true, true])],
    run: ([a, b]) => a!.sub(b!),
  },
  "avgPool2d with a zero divisorOverride": {
    start: "divisor must be not zero",
    mentions: ["avg_pool2d"],
    make: () => [f([1, 1, 4, 4])],
    run: ([x]) => torch.nn.functional.avgPool2d(x!, 2, { divisorOverride: 0 }),
  },
  "crossEntropy with probability targets and a class to ignore": {
    start: "ignore_index is not supported for floating point target",
    mentions: ["cross_entropy"],
    make: () => [f([2, 3]), torch.full([2, 3], 1 / 3)],
    run: ([x, p]) => torch.nn.functional.crossEntropy(x!, p!, { ignoreIndex: 1 }),
  },
  "embedding with a paddingIdx past the table": {
    start: "Padding_idx must be within num_embeddings",
    mentions: [],
    make: () => [int([1]), f([5, 3])],
    run: ([i, w]) => torch.nn.functional.embedding(i!, w!, { paddingIdx: 5 }),
  },
  "integer division by zero with a rounding mode": {
    start: "ZeroDivisionError",
    mentions: ["div"],
    make: () => [int([1, 2])],
    run: ([a]) => torch.div(a!, 0, { roundingMode: "floor" }),
  },
  "subtraction with one bool tensor": {
    start: "Subtraction, the `-` operator, with a bool tensor is not supported",
    mentions: ["sub"],
    make: () => [torch.tensor([true, false]), int([1, 2])],
    run: ([a, b]) => b!.sub(a!),
  },
  "scatter with a src of another dtype": {
    start: "scatter(): Expected self.dtype to be equal to src.dtype",
    mentions: ["float32", "float64"],
    make: () => [f([2, 3]), int([0, 1]).reshape([2, 1]), torch.ones([2, 1], { dtype: "float64" })],
    run: ([a, i, s]) => a!.scatter(1, i!, s!),
  },
  "indexAdd with a source of another dtype": {
    start: "index_add_(): self (Float) and source (Double) must have the same scalar type",
    mentions: [],
    make: () => [f([2, 3]), int([0]), torch.ones([1, 3], { dtype: "float64" })],
    run: ([a, i, s]) => a!.indexAdd(0, i!, s!),
  },
  "indexAdd with a 2-d index": {
    start: "index_add_(): Index is supposed to be a vector, but got dim: 2",
    mentions: [],
    make: () => [f([2, 3]), int([0]).reshape([1, 1]), torch.ones([1, 3])],
    run: ([a, i, s]) => a!.indexAdd(0, i!, s!),
  },
  "requiresGrad on an integer tensor": {
    start: "only Tensors of floating point and complex dtype can require gradients",
    mentions: ["int32"],
    make: () => [int([1, 2])],
    run: ([a]) => a!.requiresGrad_(),
  },
};

describe("bad input throws PyTorch's error naming the op, and changes nothing", () => {
  for (const [name, c] of Object.entries(CASES)) {
    test(name, () => {
      const xs = c.make();
      const before = xs.map((x) => ({ version: x.version, values: Array.from(x.toArray()), requiresGrad: x.requiresGrad }));
      assert.throws(() => c.run(xs), (e: unknown) => {
        assert.ok(e instanceof Error, "an Error");
        assert.ok(e.message.startsWith(c.start), `message "${e.message}" should start with "${c.start}"`);
        for (const m of c.mentions) assert.ok(e.message.includes(m), `message "${e.message}" should mention "${m}"`);
        return true;
      });
      xs.forEach((x, i) => {
        assert.equal(x.version, before[i]!.version, `operand ${i}: version counter unchanged`);
        assert.deepEqual(Array.from(x.toArray()), before[i]!.values, `operand ${i}: values unchanged`);
        assert.equal(x.requiresGrad, before[i]!.requiresGrad, `operand ${i}: requiresGrad unchanged`);
      });
    });
  }

  test("a failed in-place op on a tensor in a graph leaves its grad_fn alone", () => {
    const w = torch.ones([3], { requiresGrad: true });
    const h = w.mul(2);
    const fn = h.gradFn;
    assert.throws(() => h.add_(torch.ones([2])), /The size of tensor a/);
    assert.equal(h.gradFn, fn);
    h.sum().backward();
    assert.deepEqual(Array.from(w.grad!.toArray()), [2, 2, 2]);
  });
});
