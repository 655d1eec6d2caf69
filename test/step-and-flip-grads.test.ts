// Step functions' zero gradients and the flip / roll / rot90 nodes, against PyTorch 1.13.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";

test("step functions give zeros for an infinite or NaN incoming gradient (PyTorch's zeros_like(grad), not grad · 0)", () => {
  const cases: [string, (x: Tensor) => Tensor][] = [
    ["FloorBackward0", (x) => x.floor()],
    ["CeilBackward0", (x) => x.ceil()],
    ["RoundBackward0", (x) => x.round()],
    ["TruncBackward0", (x) => x.trunc()],
    ["DivBackward2", (x) => torch.div(x, 2, { roundingMode: "floor" })],
    ["DivBackward2", (x) => torch.div(x, torch.tensor(2), { roundingMode: "trunc" })],
    ["PowBackward0", (x) => x.pow(0)],
    ["SignBackward0", (x) => x.sign()],
  ];
  for (const [name, f] of cases) {
    const x = torch.tensor([1.5, -2.3, 0.7], { requiresGrad: true });
    const y = f(x);
    assert.equal(y.gradFn!.name, name);
    y.backward(torch.tensor([Infinity, -Infinity, NaN]));
    // PyTorch: tensor([0., 0., 0.]) for each
    assert.deepEqual(x.grad!.tolist(), [0, 0, 0], name);
  }
  // the divisor of a rounding division too. PyTorch: tensor([0., 0., 0.])
  const d = torch.tensor([2, 3, 4], { requiresGrad: true });
  torch.div(torch.tensor([1.5, -2.3, 0.7]), d, { roundingMode: "floor" }).backward(torch.tensor([Infinity, -Infinity, NaN]));
  assert.deepEqual(d.grad!.tolist(), [0, 0, 0]);
  // frac is not a step function: its gradient passes through. PyTorch: tensor([inf, -inf, nan])
  const x = torch.tensor([1.5, -2.3, 0.7], { requiresGrad: true });
  const y = x.frac();
  assert.equal(y.gradFn!.name, "FracBackward0");
  y.backward(torch.tensor([Infinity, -Infinity, NaN]));
  const g = x.grad!.tolist() as number[];
  assert.deepEqual([g[0], g[1], Number.isNaN(g[2])], [Infinity, -Infinity, true]);
});

test("flip, roll and rot90 record PyTorch's nodes, and their gradients move back", () => {
  // each: [name, op, PyTorch's result, PyTorch's x.grad for the weights arange(numel) in the result's shape]
  const cases: [string, (x: Tensor) => Tensor, number[][], number[][]][] = [
    ["FlipBackward0", (x) => x.flip([0, 1]), [[5, 4, 3], [2, 1, 0]], [[5, 4, 3], [2, 1, 0]]],
    ["FlipBackward0", (x) => x.flip([]), [[0, 1, 2], [3, 4, 5]], [[0, 1, 2], [3, 4, 5]]],
    ["FlipBackward0", (x) => torch.flipud(x), [[3, 4, 5], [0, 1, 2]], [[3, 4, 5], [0, 1, 2]]],
    ["FlipBackward0", (x) => torch.fliplr(x), [[2, 1, 0], [5, 4, 3]], [[2, 1, 0], [5, 4, 3]]],
    ["RollBackward0", (x) => x.roll(1, 1), [[2, 0, 1], [5, 3, 4]], [[1, 2, 0], [4, 5, 3]]],
    ["RollBackward0", (x) => x.roll(2), [[4, 5, 0], [1, 2, 3]], [[2, 3, 4], [5, 0, 1]]],
    ["RollBackward0", (x) => x.roll(3, 1), [[0, 1, 2], [3, 4, 5]], [[0, 1, 2], [3, 4, 5]]],
    ["RollBackward0", (x) => x.roll([1, 1], [0, 1]), [[5, 3, 4], [2, 0, 1]], [[4, 5, 3], [1, 2, 0]]],
    ["Rot90Backward0", (x) => x.rot90(), [[2, 5], [1, 4], [0, 3]], [[4, 2, 0], [5, 3, 1]]],
    ["Rot90Backward0", (x) => x.rot90(2), [[5, 4, 3], [2, 1, 0]], [[5, 4, 3], [2, 1, 0]]],
    ["Rot90Backward0", (x) => x.rot90(-1), [[3, 0], [4, 1], [5, 2]], [[1, 3, 5], [0, 2, 4]]],
  ];
  for (const [name, f, value, grad] of cases) {
    const x = torch.arange(6).reshape([2, 3]).float().requiresGrad_();
    const y = f(x);
    assert.equal(y.gradFn!.name, name);
    assert.deepEqual(y.tolist(), value, name);
    y.mul(torch.arange(y.numel()).reshape(y.shape).float()).sum().backward();
    assert.deepEqual(x.grad!.tolist(), grad, name);
  }
});

test("flip's and roll's results are fresh tensors: an in-place op on them leaves the input's gradient right", () => {
  // PyTorch: y = x.roll(2); y.mul_(2); y.sum().backward() gives x.grad = [[2., 2., 2.], [2., 2., 2.]]
  for (const f of [(x: Tensor) => x.roll(2), (x: Tensor) => x.flip([1])]) {
    const x = torch.arange(6).reshape([2, 3]).float().requiresGrad_();
    const y = f(x);
    assert.equal(y.isContiguous(), true);
    y.mul_(2);
    y.sum().backward();
    assert.deepEqual(x.grad!.tolist(), [[2, 2, 2], [2, 2, 2]]);
  }
});
