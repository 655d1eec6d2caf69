/** Each autograd error of API.md throws an Error whose message starts with PyTorch's. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as torch from "../src/index.js";

/** Asserts `fn` throws an Error whose message starts with `start`. */
function throwsStarting(fn: () => unknown, start: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof Error, "throws an Error");
    assert.ok(e.message.startsWith(start), `message "${e.message}" should start with "${start}"`);
    return true;
  });
}

describe("autograd errors use PyTorch's messages", () => {
  test("backward on a tensor that does not require grad", () => {
    const x = torch.ones([2]).sum();
    throwsStarting(() => x.backward(), "element 0 of tensors does not require grad and does not have a grad_fn");
    throwsStarting(() => torch.autograd.grad(x, [torch.ones([1], { requiresGrad: true })]), "element 0 of tensors does not require grad");
  });

  test("backward on a non-scalar without a gradient", () => {
    const x = torch.ones([3], { requiresGrad: true });
    throwsStarting(() => x.mul(2).backward(), "grad can be implicitly created only for scalar outputs");
    assert.equal(x.grad, null, "nothing was accumulated");
  });

  test("a second backward through freed buffers", () => {
    const x = torch.ones([3], { requiresGrad: true });
    const y = x.exp().sum();
    y.backward();
    const before = Array.from(x.grad!.toArray());
    throwsStarting(() => y.backward(), "Trying to backward through the graph a second time");
    assert.deepEqual(Array.from(x.grad!.toArray()), before, "the failed backward did not accumulate");
  });

  test("requiresGrad = false on a non-leaf", () => {
    const y = torch.ones([2], { requiresGrad: true }).mul(2);
    throwsStarting(() => {
      y.requiresGrad = false;
    }, "you can only change requires_grad flags of leaf variables.");
    assert.equal(y.requiresGrad, true);
  });

  test("a saved tensor modified in place", () => {
    const x = torch.ones([3], { requiresGrad: true });
    const h = x.mul(2);
    const y = h.exp(); // saves its output
    y.mul_(3);
    throwsStarting(() => y.sum().backward(), "one of the variables needed for gradient computation has been modified by an inplace operation");
  });

  test("in-place on a leaf that requires grad", () => {
    const w = torch.ones([2], { requiresGrad: true });
    const version = w.version;
    throwsStarting(() => w.add_(1), "a leaf Variable that requires grad is being used in an in-place operation.");
    assert.equal(w.version, version);
    assert.deepEqual(Array.from(w.toArray()), [1, 1]);
  });

  test("inference tensors in recorded ops and in-place outside inference mode", () => {
    const t = torch.inferenceMode(() => torch.ones([2]));
    const w = torch.ones([2], { requiresGrad: true });
    throwsStarting(() => w.mul(t), "Inference tensors cannot be saved for backward.");
    throwsStarting(() => t.add_(1), "Inplace update to inference tensor outside InferenceMode is not allowed.");
    assert.deepEqual(Array.from(t.toArray()), [1, 1]);
  });

  test("gradient of the wrong shape, and unused inputs without allowUnused", () => {
    const x = torch.ones([3], { requiresGrad: true });
    const unused = torch.ones([1], { requiresGrad: true });
    throwsStarting(() => x.mul(2).backward(torch.ones([2])), "Mismatch in shape: grad_output[0] has a shape of [2] and output[0] has a shape of [3]");
    throwsStarting(() => torch.autograd.grad(x.sum(), [x, unused]), "One of the differentiated Tensors appears to not have been used in the graph.");
  });
});
