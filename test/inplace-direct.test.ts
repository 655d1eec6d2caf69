/**
 * add_/sub_/mul_/div_ write straight into self when nothing is recorded and
 * the operand fits (src/ops/inplace.ts binaryDirect). These cases check that
 * the result is always the out-of-place op's result, whether the direct path
 * or the general one ran: aliasing operands, broadcasting, scalars, versions.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { BACKENDS, backendSkip } from "./backends.js";

type Op = "add" | "sub" | "mul" | "div";
const OPS: Op[] = ["add", "sub", "mul", "div"];

function outOfPlace(op: Op, a: Tensor, b: Tensor | number): Tensor {
  return a[op](b);
}

function inPlace(op: Op, a: Tensor, b: Tensor | number): Tensor {
  switch (op) {
    case "add": return a.add_(b);
    case "sub": return a.sub_(b);
    case "mul": return a.mul_(b);
    case "div": return a.div_(b);
  }
}

for (const backend of BACKENDS) {
  const skip = backendSkip(backend);
  const on = (fn: () => void) => () => {
    const previous = torch.getBackend();
    torch.setBackend(backend);
    try { fn(); } finally { torch.setBackend(previous); }
  };

  test(`in-place arithmetic equals the out-of-place op for every operand kind (${backend})`, { skip }, on(() => {
    for (const n of [6, 3000]) {
      for (const op of OPS) {
        const base = torch.randn([2, n]).add(3); // away from zero, for div
        const operands: [string, () => Tensor | number][] = [
          ["same shape", () => torch.randn([2, n])],
          ["broadcast row", () => torch.randn([n])],
          ["scalar", () => 1.5],
          ["0-d tensor", () => torch.tensor(2.5)],
        ];
        for (const [what, make] of operands) {
          const b = make();
          const want = outOfPlace(op, base, b);
          const self = base.clone();
          const version = self.version;
          assert.equal(inPlace(op, self, b), self, `${op}_ returns self (${what})`);
          assert.deepEqual(Array.from(self.data), Array.from(want.data), `${op}_ ${what} n=${n}`);
          assert.equal(self.version, version + 1, `${op}_ bumps the version once (${what})`);
        }
      }
    }
  }));

  test(`in-place arithmetic with an operand that shares self's memory (${backend})`, { skip }, on(() => {
    for (const n of [4, 64]) {
      const square = () => torch.arange(0, n * n).reshape([n, n]).float().add(1);
      // the very same elements: x += x
      const x = square(), want = x.add(x);
      x.add_(x);
      assert.deepEqual(Array.from(x.data), Array.from(want.data), `x.add_(x) n=${n}`);
      // its own transpose, or shifted rows of one storage: PyTorch refuses a partial overlap (1.13 and 2.x alike),
      // and leaves self as it was
      const overlap = /unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location/;
      const y = square(), before = Array.from(y.data);
      assert.throws(() => y.add_(y.t()), overlap);
      assert.deepEqual(Array.from(y.data), before, `y.add_(y.t()) n=${n}`);
      const z = square();
      assert.throws(() => z.narrow(0, 1, n - 1).mul_(z.narrow(0, 0, n - 1)), overlap);
      // an expanded (not dense) operand is too hard to judge: allowed, as PyTorch's x[2:5].add_(x[:1].expand(3))
      const w = torch.arange(0, 6).float().add(1);
      w.narrow(0, 2, 3).add_(w.narrow(0, 0, 1).expand([3]));
      assert.deepEqual(Array.from(w.data), [1, 2, 4, 5, 6, 6]);
    }
  }));

  test(`in-place arithmetic keeps PyTorch's errors and recording (${backend})`, { skip }, on(() => {
    const ints = torch.tensor([1, 2, 3], { dtype: "int32" });
    assert.throws(() => ints.div_(2), /result type Float can't be cast to the desired output type Int/);
    assert.throws(() => ints.add_(torch.tensor([0.5, 0.5, 0.5])), /result type Float can't be cast to the desired output type Int/);
    const leaf = torch.ones([3], { requiresGrad: true });
    assert.throws(() => leaf.mul_(2), /a leaf Variable that requires grad is being used in an in-place operation/);
    const inference = torch.inferenceMode(() => torch.ones([3]));
    assert.throws(() => inference.add_(1), /Inplace update to inference tensor outside InferenceMode is not allowed/);
    assert.throws(() => torch.ones([3]).add_(torch.ones([2, 3])), /doesn't match the broadcast shape/);
    // a non-leaf that requires grad is recorded, so its gradient sees the op
    const w = torch.ones([3], { requiresGrad: true });
    const h = w.mul(1);
    h.mul_(3);
    assert.equal(h.gradFn?.name, "MulBackward0");
    h.sum().backward();
    assert.deepEqual(Array.from(w.grad!.data), [3, 3, 3]);
    // an operand that requires grad is recorded too
    const a = torch.ones([3]), g = torch.full([3], 2, { requiresGrad: true });
    a.mul_(g);
    a.sum().backward();
    assert.deepEqual(Array.from(g.grad!.data), [1, 1, 1]);
  }));
}
