import type { Tensor } from "../tensor/tensor.js";
import { isGradEnabled, runInMode, withGrad } from "./grad-mode.js";
import { isTensor, type FunctionCtx } from "./function.js";
import { Node } from "./node.js";

/** A custom Function's `backward(ctx, ...grads)`. */
export type Backward = (ctx: FunctionCtx, ...grads: any[]) => Tensor | null | (Tensor | null)[];

const TWICE = "trying to differentiate twice a function that was marked with @once_differentiable";

/**
 * Gives the gradients a backward computed without recording a node that
 * throws when reached: differentiating them again (a double backward through
 * a createGraph result) raises PyTorch's error instead of silently
 * giving a wrong (missing) second derivative.
 */
function poison(out: Tensor | null | (Tensor | null)[]): Tensor | null | (Tensor | null)[] {
  const list = Array.isArray(out) ? out : [out];
  const node = new Node(
    "Error",
    list.map(() => null),
    list.map(() => null),
    () => {
      throw new Error(TWICE);
    },
    [],
    list.length,
  );
  const marked = list.map((g, i) => {
    if (!isTensor(g)) return g;
    const alias = g.detach();
    alias.gradFn = node;
    alias.outputNr = i;
    alias._requiresGrad = true;
    return alias;
  });
  return Array.isArray(out) ? marked : marked[0]!;
}

/**
 * PyTorch's `@once_differentiable` for a custom Function's backward: it runs
 * without recording (so it may use any non-differentiable code), and when a
 * double backward (createGraph with incoming gradients that require grad)
 * would need its graph, using its results throws "trying to differentiate
 * twice a function that was marked with @once_differentiable".
 * Use it as a TC39 method decorator or wrap the function.
 *
 * @example
 * class Cube extends torch.autograd.Function {
 *   static override forward(ctx: torch.autograd.FunctionCtx, x: torch.Tensor) { ctx.saveForBackward(x); return x.pow(3); }
 *   @torch.autograd.onceDifferentiable
 *   static override backward(ctx: torch.autograd.FunctionCtx, g: torch.Tensor) { return g.mul(ctx.savedTensors[0]!.pow(2)).mul(3); }
 * }
 */
export function onceDifferentiable<F extends Backward>(backward: F, _context?: ClassMethodDecoratorContext): F {
  if (typeof backward !== "function") throw new TypeError(`onceDifferentiable: expected a function, got ${typeof backward}`);
  const wrapped = function (this: unknown, ctx: FunctionCtx, ...grads: unknown[]) {
    const out = runInMode(withGrad(false), () => backward.call(this, ctx, ...grads));
    if (!isGradEnabled() || !grads.some((g) => isTensor(g) && g.requiresGrad)) return out;
    return poison(out);
  };
  Object.defineProperty(wrapped, "name", { value: backward.name });
  return wrapped as F;
}
