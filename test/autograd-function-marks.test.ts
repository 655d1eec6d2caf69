/**
 * Custom Function additions, against PyTorch: ctx.markNonDifferentiable
 * (outputs that don't require grad; backward gets zeros, or null without
 * materialized grads) and onceDifferentiable (backward runs without
 * recording; a double backward through its results raises PyTorch's error).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as torch from "../src/index.js";
import type { Tensor } from "../src/index.js";

describe("markNonDifferentiable", () => {
  /** Sorted values (differentiable), their indices and the max (both marked), as PyTorch's mark_non_differentiable example. */
  class Sort extends torch.autograd.Function {
    static seen: (Tensor | null)[] = [];
    static override forward(ctx: torch.autograd.FunctionCtx, x: Tensor, materialize: boolean) {
      ctx.setMaterializeGrads(materialize);
      const { values, indices } = x.sort();
      const m = x.max();
      ctx.markNonDifferentiable(indices, m);
      ctx.saveForBackward(indices);
      return [values, indices, m];
    }
    static override backward(ctx: torch.autograd.FunctionCtx, gv: Tensor, gi: Tensor | null, gm: Tensor | null) {
      Sort.seen = [gi, gm];
      const [i] = ctx.savedTensors;
      return [torch.zerosLike(gv).scatter(0, i!, gv), null];
    }
  }

  for (const materialize of [true, false]) {
    test(`marked outputs don't require grad; backward sees ${materialize ? "zeros" : "null"} for them`, () => {
      const x = torch.tensor([3, 1, 2], { requiresGrad: true });
      const [v, i, m] = Sort.apply(x, materialize) as Tensor[];
      // PyTorch: v.requires_grad True (SortBackward), i and m False, m.grad_fn None, m.is_leaf True
      assert.equal(v!.requiresGrad, true);
      assert.equal(v!.gradFn?.name, "SortBackward");
      assert.equal(i!.requiresGrad, false);
      assert.equal(m!.requiresGrad, false);
      assert.equal(m!.gradFn, null);
      assert.equal(m!.isLeaf, true);
      v!.mul(torch.tensor([1, 2, 3])).sum().backward();
      assert.deepEqual(x.grad!.tolist(), [3, 1, 2]); // PyTorch
      if (materialize) {
        // PyTorch: gi tensor([0, 0, 0]) (int64 there), gm tensor(0.)
        assert.deepEqual(Sort.seen.map((g) => g!.tolist()), [[0, 0, 0], 0]);
        assert.deepEqual(Sort.seen.map((g) => g!.shape), [[3], []]);
      } else {
        assert.deepEqual(Sort.seen, [null, null]); // PyTorch: gi None gm None
      }
      assert.throws(() => m!.backward(), { message: "element 0 of tensors does not require grad and does not have a grad_fn" });
      // used downstream, a marked output passes no gradient (PyTorch: x.grad = [1, 1, 1])
      x.grad = null;
      const [v2, , m2] = Sort.apply(x, materialize) as Tensor[];
      v2!.sum().add(m2!.mul(5)).backward();
      assert.deepEqual(x.grad!.tolist(), [1, 1, 1]);
    });
  }
});

describe("onceDifferentiable", () => {
  let gradModeInBackward: boolean | null = null;
  class Sq extends torch.autograd.Function {
    static override forward(ctx: torch.autograd.FunctionCtx, x: Tensor) {
      ctx.saveForBackward(x);
      return x.mul(x);
    }
    @torch.autograd.onceDifferentiable
    static override backward(ctx: torch.autograd.FunctionCtx, g: Tensor) {
      gradModeInBackward = torch.isGradEnabled();
      return g.mul(2).mul(ctx.savedTensors[0]!);
    }
  }

  test("backward runs with grad disabled, even under createGraph", () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const [g] = torch.autograd.grad(Sq.apply(x).sum(), x, { createGraph: true });
    assert.equal(gradModeInBackward, false); // PyTorch: False
    // the incoming gradient (ones) does not require grad: the plain result, as PyTorch (requires_grad False, grad_fn None)
    assert.deepEqual(g!.tolist(), [2, 4]);
    assert.equal(g!.requiresGrad, false);
  });

  test("a double backward through its result raises PyTorch's error", () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const w = torch.tensor([1, 1], { requiresGrad: true });
    const [g] = torch.autograd.grad(Sq.apply(x).mul(w).sum(), x, { createGraph: true });
    // PyTorch: tensor([2., 4.], grad_fn=<Error>)
    assert.deepEqual(g!.tolist(), [2, 4]);
    assert.equal(g!.gradFn?.name, "Error");
    assert.throws(() => g!.sum().backward(), { message: "trying to differentiate twice a function that was marked with @once_differentiable" });
    // its graph leads nowhere, so w is unused (PyTorch's error too)
    assert.throws(() => torch.autograd.grad(g!.sum(), w), { message: /^One of the differentiated Tensors appears to not have been used in the graph/ });
  });

  test("as a wrapper of a plain function", () => {
    const backward = torch.autograd.onceDifferentiable((_ctx: torch.autograd.FunctionCtx, g: Tensor) => g.mul(3));
    class Triple extends torch.autograd.Function {
      static override forward(_ctx: torch.autograd.FunctionCtx, x: Tensor) {
        return x.mul(3);
      }
      static override backward(ctx: torch.autograd.FunctionCtx, g: Tensor) {
        return backward(ctx, g);
      }
    }
    const x = torch.tensor([1, 2], { requiresGrad: true });
    Triple.apply(x).sum().backward();
    assert.deepEqual(x.grad!.tolist(), [3, 3]);
  });
});
