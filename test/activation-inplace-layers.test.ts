/**
 * nn.LeakyReLU, nn.ELU and nn.SiLU take `inplace`, as PyTorch's layers do: the
 * result is the input tensor, with PyTorch's node, values, gradients and repr
 * (expected values from PyTorch 1.13: `m(w * 1).sum().backward()` for
 * w = [-1, 0.5, 2]).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as torch from "../src/index.js";

const { nn } = torch;

function close(actual: number[], expected: number[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-5, `${JSON.stringify(actual)} vs ${JSON.stringify(expected)}`));
}

const cases: [string, () => torch.nn.Module, boolean, string, number[], number[]][] = [
  ["LeakyReLU(negative_slope=0.2, inplace=True)", () => new nn.LeakyReLU(0.2, { inplace: true }), true, "LeakyReluBackward1", [-0.2, 0.5, 2], [0.2, 1, 1]],
  ["ELU(alpha=1.0, inplace=True)", () => new nn.ELU(1, { inplace: true }), true, "EluBackward1", [-0.632121, 0.5, 2], [0.367879, 1, 1]],
  ["SiLU(inplace=True)", () => new nn.SiLU({ inplace: true }), true, "SiluBackward0", [-0.268941, 0.31123, 1.761594], [0.072329, 0.739961, 1.090784]],
  ["LeakyReLU(negative_slope=0.01)", () => new nn.LeakyReLU(), false, "LeakyReluBackward0", [-0.01, 0.5, 2], [0.01, 1, 1]],
  ["ELU(alpha=0.5)", () => new nn.ELU(0.5), false, "EluBackward0", [-0.31606, 0.5, 2], [0.18394, 1, 1]],
  ["SiLU()", () => new nn.SiLU(), false, "SiluBackward0", [-0.268941, 0.31123, 1.761594], [0.072329, 0.739961, 1.090784]],
];

for (const [repr, make, inplace, node, values, grads] of cases) {
  test(`${repr}: the input itself when inplace, PyTorch's node, values and gradients`, () => {
    const m = make();
    assert.equal(String(m), repr);
    const w = torch.tensor([-1, 0.5, 2], { requiresGrad: true });
    const x = w.mul(1);
    const y = m.forward(x);
    assert.equal(y === x, inplace);
    assert.equal(y.gradFn!.name, node);
    close(y.tolist() as number[], values);
    y.sum().backward();
    close(w.grad!.tolist() as number[], grads);
  });
}
