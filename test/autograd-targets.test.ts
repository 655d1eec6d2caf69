// autograd.grad and backward({ inputs }) run only the part of the graph their
// targets need (PyTorch's exec_info), and retainGrad() follows an in-place op.
// Expected values are PyTorch's (1.13 and 2.x agree unless a comment says so).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

const T = (v: number[]) => torch.tensor(v, { requiresGrad: true });

test("autograd.grad w.r.t. a non-leaf runs nothing upstream of it: no saved-tensor check, no hook, no freeing", () => {
  const x = T([1, 2]);
  const h = x.mul(x);
  const out = h.sum();
  torch.noGrad(() => x.add_(1)); // would fail MulBackward0's saved-tensor check if it ran
  assert.deepEqual(torch.autograd.grad(out, h)[0]!.tolist(), [1, 1]);

  const y = T([1, 2]);
  let fired = 0;
  y.registerHook(() => { fired++; });
  const e = y.exp();
  assert.deepEqual(torch.autograd.grad(e.sum(), e)[0]!.tolist(), [1, 1]);
  assert.equal(fired, 0);
  e.sum().backward(); // ExpBackward0 did not run, so its saved output was not freed
  assert.deepEqual([...y.grad!.toArray()].map((v) => Number(v.toFixed(4))), [2.7183, 7.3891]);
  assert.equal(fired, 1);
});

test("backward({ inputs }) runs only what leads to the inputs: other leaves' hooks and retained grads stay untouched", () => {
  const a = T([1, 2]), b = T([3, 4]);
  let fired = 0;
  b.registerHook(() => { fired++; });
  a.mul(b).sum().backward(undefined, { inputs: [a] });
  assert.deepEqual(a.grad!.tolist(), [3, 4]);
  assert.equal(b.grad, null);
  assert.equal(fired, 0);

  const x = T([1, 2]);
  const u = x.mul(3);
  u.retainGrad();
  const h = u.mul(2);
  h.sum().backward(undefined, { inputs: [h] });
  assert.deepEqual(h.grad!.tolist(), [1, 1]);
  assert.equal(u.grad, null); // PyTorch: None
  assert.equal(x.grad, null);
});

test("retainGrad() follows an in-place op to the tensor's new gradFn (PyTorch 2.x moves the retains_grad hook)", () => {
  const a = T([1, 2]);
  const b = a.mul(1);
  b.retainGrad();
  b.mul_(2);
  b.sum().backward();
  assert.deepEqual(b.grad!.tolist(), [1, 1]); // the gradient of b's new value (it was [2, 2], the old value's)
  assert.deepEqual(a.grad!.tolist(), [2, 2]);
});

test("assigning .grad checks it as PyTorch does: a tensor of the same size and dtype, or null", () => {
  const a = T([1, 2]);
  assert.throws(() => { a.grad = torch.zeros([3]); }, /^Error: assigned grad has data of a different size$/);
  assert.throws(() => { a.grad = torch.zeros([2], { dtype: "float64" }); }, /^Error: assigned grad has data of a different type$/);
  // (PyTorch 1.13 prints "of typeint", without the space)
  assert.throws(() => { a.grad = 5 as unknown as torch.Tensor; }, /^TypeError: assigned grad expected to be a Tensor or None but got grad of type int$/);
  a.grad = torch.ones([2]);
  a.sum().backward();
  assert.deepEqual(a.grad.tolist(), [2, 2]);
  a.grad = null;
  assert.equal(a.grad, null);
});

test("autograd.grad({ materializeGrads }) gives zeros for unused inputs (PyTorch 2.1+), and refuses allowUnused false", () => {
  const x = T([1, 2]), unused = T([3, 4, 5]);
  const [gx, gu] = torch.autograd.grad(x.mul(2).sum(), [x, unused], { materializeGrads: true });
  assert.deepEqual(gx!.tolist(), [2, 2]);
  assert.deepEqual(gu!.tolist(), [0, 0, 0]);
  assert.throws(
    () => torch.autograd.grad(x.mul(2).sum(), [x, unused], { materializeGrads: true, allowUnused: false }),
    /^Error: Expected allow_unused to be True or not passed when materialize_grads=True, but got: allow_unused=False.$/,
  );
});

test("custom Functions: saveForBackward takes null, and the errors of PyTorch's Function.apply", () => {
  class KeepsNull extends torch.autograd.Function {
    static override forward(ctx: torch.autograd.FunctionCtx, x: torch.Tensor, _k: number) {
      ctx.saveForBackward(x, null);
      return x.mul(2);
    }
    static override backward(ctx: torch.autograd.FunctionCtx, g: torch.Tensor) {
      const [x, none] = ctx.savedTensors;
      assert.equal(none, null);
      assert.ok(x !== null);
      return [g.mul(2), null];
    }
  }
  const x = T([1, 1]);
  (KeepsNull.apply(x, 3) as torch.Tensor).sum().backward();
  assert.deepEqual(x.grad!.tolist(), [2, 2]);

  class GradForNumber extends torch.autograd.Function {
    static override forward(_ctx: torch.autograd.FunctionCtx, x: torch.Tensor, k: number) { return x.mul(k); }
    static override backward(_ctx: torch.autograd.FunctionCtx, g: torch.Tensor) { return [g, g]; }
  }
  assert.throws(
    () => (GradForNumber.apply(T([1, 1]), 2) as torch.Tensor).sum().backward(),
    /^Error: function GradForNumberBackward returned a gradient different than None at position 2, but the corresponding forward input was not a Variable$/,
  );

  class DirtyNotReturned extends torch.autograd.Function {
    static override forward(ctx: torch.autograd.FunctionCtx, x: torch.Tensor, y: torch.Tensor) {
      x.add_(1);
      ctx.markDirty(x);
      return y.mul(2);
    }
    static override backward(_ctx: torch.autograd.FunctionCtx, g: torch.Tensor) { return [null, g.mul(2)]; }
  }
  assert.throws(
    () => DirtyNotReturned.apply(T([1, 1]).mul(1), T([1, 1])),
    /^Error: Some elements marked as dirty during the forward method were not returned as output. The inputs that are modified inplace must all be outputs of the Function.$/,
  );
});
