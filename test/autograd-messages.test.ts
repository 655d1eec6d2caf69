// Autograd's messages and warnings, as PyTorch gives them (texts from PyTorch 1.13, or 2.x where a comment says so).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { warningMessagesDuring } from "./warnings-capture.js";

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
  const seen = await warningMessagesDuring(() => assert.equal(y.grad, null));
  assert.equal(seen.filter((m) => m.startsWith("The .grad attribute of a Tensor that is not a leaf Tensor is being accessed.")).length, 1);
  y.retainGrad();
  assert.deepEqual(await warningMessagesDuring(() => assert.equal(y.grad, null)), []);

  const f32 = torch.tensor([0.5, 1.5], { requiresGrad: true });
  const warned = await warningMessagesDuring(() => assert.equal(torch.autograd.gradcheck((t: torch.Tensor) => t.mul(3), [f32], { eps: 1e-2, atol: 1e-2, rtol: 1e-2 }), true));
  assert.ok(warned.some((m) => m.startsWith("Input #0 requires gradient and is not a double precision floating point or complex.")), String(warned));
});

/** The in-place error's text up to its hint. */
function inplaceError(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message.split(" Hint")[0]!;
  }
  throw new Error("no error");
}

const MODIFIED = "one of the variables needed for gradient computation has been modified by an inplace operation: ";

test("the in-place error names the saving node for a saved output, the current grad_fn for a saved input, nothing for a leaf", () => {
  // an output saved by its own node (exp saves its result): PyTorch names that node, not the add_ that followed
  // PyTorch: "[torch.FloatTensor [2]], which is output 0 of ExpBackward0, is at version 1; expected version 0 instead."
  const a = torch.tensor([1, 2], { requiresGrad: true });
  const b = a.exp();
  b.add_(1);
  assert.equal(
    inplaceError(() => b.sum().backward()),
    MODIFIED + "[torch.FloatTensor [2]], which is output 0 of ExpBackward0, is at version 1; expected version 0 instead.",
  );
  // an input saved (sin saves its input): PyTorch 1.13 names the tensor's grad_fn now, AddBackward0 (not MulBackward0)
  const c = a.mul(2);
  const d = c.sin();
  c.add_(1);
  assert.equal(
    inplaceError(() => d.sum().backward()),
    MODIFIED + "[torch.FloatTensor [2]], which is output 0 of AddBackward0, is at version 1; expected version 0 instead.",
  );
  // a leaf saved: no "which is output" part. PyTorch: "[torch.FloatTensor [2]] is at version 1; expected version 0 instead."
  const e = a.sin();
  torch.noGrad(() => a.add_(1));
  assert.equal(inplaceError(() => e.sum().backward()), MODIFIED + "[torch.FloatTensor [2]] is at version 1; expected version 0 instead.");
  // a saved output changed twice: still ExpBackward0 though its grad_fn is now MulBackward0
  // PyTorch: "[torch.FloatTensor [2]], which is output 0 of ExpBackward0, is at version 2; expected version 0 instead."
  const f = torch.tensor([1, 2], { requiresGrad: true }).exp();
  f.add_(1);
  f.mul_(3);
  assert.equal(f.gradFn!.name, "MulBackward0");
  assert.equal(
    inplaceError(() => f.sum().backward()),
    MODIFIED + "[torch.FloatTensor [2]], which is output 0 of ExpBackward0, is at version 2; expected version 0 instead.",
  );
});

test("a custom Function's saved output is named after its node in the in-place error", () => {
  class Ex extends torch.autograd.Function {
    static override forward(ctx: torch.autograd.FunctionCtx, x: torch.Tensor) {
      const y = x.exp();
      ctx.saveForBackward(y);
      return y;
    }
    static override backward(ctx: torch.autograd.FunctionCtx, g: torch.Tensor) {
      const [y] = ctx.savedTensors;
      return g.mul(y!);
    }
  }
  const b = Ex.apply(torch.tensor([1, 2], { requiresGrad: true })) as torch.Tensor;
  b.add_(1);
  // PyTorch: "[torch.FloatTensor [2]], which is output 0 of ExBackward, is at version 1; expected version 0 instead."
  assert.equal(
    inplaceError(() => b.sum().backward()),
    MODIFIED + "[torch.FloatTensor [2]], which is output 0 of ExBackward, is at version 1; expected version 0 instead.",
  );
});
