/**
 * How a view was made, PyTorch's CreationMeta: a view made in no_grad mode,
 * in inference mode, or returned by a function that returns several views
 * (split, chunk, unbind) may not be changed in place while recording, nor
 * have its base changed in place (then reading its gradFn raises). The
 * messages are PyTorch 2.x's handle_view_on_rebase.
 */
import { isInferenceModeEnabled, isRecording, viewGradMode } from "../autograd/grad-mode.js";
import type { Tensor } from "../tensor/tensor.js";

/** A view made while grad mode was on (nothing forbidden). */
export const VIEW_DEFAULT = 0;
/** Made in no_grad mode. */
export const VIEW_NO_GRAD = 1;
/** Made in inference mode (of a tensor that is not an inference tensor). */
export const VIEW_INFERENCE = 2;
/** One of several views returned by one op (split, chunk, unbind) while grad mode was on. */
export const VIEW_MULTI_OUTPUT = 3;
/** Returned by a custom autograd Function (a view made in its forward, or an input returned as it is). */
export const VIEW_IN_CUSTOM_FUNCTION = 4;

/**
 * The creation meta of a view made now from `base`: the current mode's
 * (`inGradMode` for a view made with grad mode on), and a base's
 * non-default meta carries over to its views (an inference one always).
 */
export function creationMetaOf(base: Tensor, inGradMode: number): number {
  const meta = isInferenceModeEnabled() ? VIEW_INFERENCE : viewGradMode() ? inGradMode : VIEW_NO_GRAD;
  const prev = base._base === null ? VIEW_DEFAULT : base._creationMeta;
  if (meta === VIEW_DEFAULT) return prev;
  return prev === VIEW_INFERENCE ? prev : meta;
}

/**
 * PyTorch's message for an in-place change that a view's creation meta
 * forbids: of the view itself (`indirect` false) or of its base or another
 * view of it (`indirect` true, raised when the view's gradFn is remade).
 */
export function viewRebaseError(view: Tensor, indirect: boolean): Error {
  const meta = view._creationMeta;
  const node = view._gradFn;
  const modified = indirect ? "its base or another view of its base has been" : "is being";
  let msg: string;
  if (meta === VIEW_INFERENCE || meta === VIEW_NO_GRAD || node === null) {
    const prefix = node !== null ? `Output ${view.outputNr} of ${node.name} is a view of a view which was created in` : "A view was created in";
    msg = meta === VIEW_INFERENCE
      ? `${prefix} inference mode and ${modified} modified inplace in normal mode.`
      : `${prefix} no_grad mode and ${modified} modified inplace with grad mode enabled.`;
  } else {
    msg = `Output ${view.outputNr} of ${node.name} is a view and ${modified} modified inplace.`;
  }
  if (meta === VIEW_MULTI_OUTPUT) {
    msg += " This view is the output of a function that returns multiple views. Such functions do not allow the output views to be modified inplace. You should replace the inplace operation by an out-of-place one.";
  } else if (meta === VIEW_IN_CUSTOM_FUNCTION) {
    msg +=
      " This view was created inside a custom Function (or because an input was returned as-is) and the autograd logic to handle view+inplace would override the custom backward associated with the custom Function, leading to incorrect gradients. This behavior is forbidden. You can fix this by cloning the output of the custom Function.";
  } else {
    const block = meta === VIEW_INFERENCE ? "inference_mode" : "no_grad";
    msg += ` Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view and the inplace either both inside the ${block} block (if you don't want the inplace to be tracked) or both outside (if you want the inplace to be tracked).`;
  }
  return new Error(msg);
}

/**
 * PyTorch's check_inplace, made before an in-place op on `self` runs while
 * recording (`requiresGrad`: whether self or another input requires grad):
 * a view that its creation meta forbids to change, a view of a leaf that
 * requires grad, or such a leaf itself.
 */
export function checkInplaceGraph(self: Tensor, requiresGrad: boolean): void {
  if (!requiresGrad || !isRecording()) return;
  const base = self._base;
  if (base !== null) {
    if (self._creationMeta !== VIEW_DEFAULT) throw viewRebaseError(self, false);
    if (base._requiresGrad && base.isLeaf) throw new Error("a view of a leaf Variable that requires grad is being used in an in-place operation.");
  }
  if (self._requiresGrad && self.isLeaf) throw new Error("a leaf Variable that requires grad is being used in an in-place operation.");
}
