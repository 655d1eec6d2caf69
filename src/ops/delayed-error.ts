/**
 * PyTorch's DelayedError node: a gradient that is right as a value but whose
 * own derivative is not supported. The value passes through unchanged, and
 * a double backward that reaches it raises `message` (instead of giving a
 * wrong second derivative).
 */
import { isRecording } from "../autograd/grad-mode.js";
import type { Tensor } from "../tensor/tensor.js";
import { record } from "./core.js";

/**
 * `t` behind an "Error" node (the name PyTorch's Python side shows for it)
 * whose backward throws `message`; `t` itself when nothing records it (grad
 * mode off, or `t` outside any graph), as PyTorch.
 */
export function delayedError(t: Tensor, message: string): Tensor {
  if (!isRecording() || !t.requiresGrad) return t;
  const out = t.detach();
  record("Error", [t], out, () => {
    throw new Error(message);
  });
  return out;
}
