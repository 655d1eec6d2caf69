// Autograd's messages and warnings, as PyTorch gives them (texts from PyTorch 1.13, or 2.x where a comment says so).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

/** The UserWarnings `fn` emits (Node emits them on the next tick). */
async function warningsOf(fn: () => void): Promise<string[]> {
  const seen: string[] = [];
  const listener = (w: Error) => seen.push(w.message);
  process.on("warning", listener);
  try {
    fn();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off("warning", listener);
  }
  return seen;
}

test("a saved tensor changed in place: PyTorch's message, with its hint for when anomaly detection is off", () => {
  const x = torch.tensor([1, 2], { requiresGrad: true });
  const y = x.exp();
  const s = y.sum();
  torch.noGrad(() => y.add_(1));
  assert.throws(
    () => s.backward(),
    /one of the variables needed for gradient computation has been modified by an inplace operation: \[torch.FloatTensor \[2\]\].* is at version 1; expected version 0 instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly\(True\).$/,
  );
});

test("detach_() refuses every view, as PyTorch (not only views of tensors that require grad)", () => {
  const v = torch.zeros([3]).narrow(0, 0, 2);
  assert.throws(() => v.detach_(), /^Error: Can't detach views in-place. Use detach\(\) instead./);
});

test("reading .grad of a non-leaf warns once, as PyTorch; gradcheck on float32 warns and still checks", async () => {
  const x = torch.tensor([1, 2], { requiresGrad: true });
  const y = x.mul(2);
  const seen = await warningsOf(() => assert.equal(y.grad, null));
  assert.equal(seen.filter((m) => m.startsWith("The .grad attribute of a Tensor that is not a leaf Tensor is being accessed.")).length, 1);
  y.retainGrad();
  assert.deepEqual(await warningsOf(() => assert.equal(y.grad, null)), []);

  const f32 = torch.tensor([0.5, 1.5], { requiresGrad: true });
  const warned = await warningsOf(() => assert.equal(torch.autograd.gradcheck((t: torch.Tensor) => t.mul(3), [f32], { eps: 1e-2, atol: 1e-2, rtol: 1e-2 }), true));
  assert.ok(warned.some((m) => m.startsWith("Input #0 requires gradient and is not a double precision floating point or complex.")), String(warned));
});
