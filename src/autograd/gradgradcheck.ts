/**
 * `torch.autograd.gradgradcheck`: second derivatives checked against finite
 * differences of the first, as PyTorch builds it on gradcheck.
 */
import type { Tensor } from "../tensor/tensor.js";
import { isFloatingPoint } from "../ops/dtype-utils.js";
import { rand } from "../ops/factories.js";
import { grad } from "./engine.js";
import { gradcheck, type GradcheckOptions } from "./gradcheck.js";

export type GradgradcheckOptions = GradcheckOptions;

/** The outputs that require grad (PyTorch's `_differentiable_outputs`). */
function differentiableOutputs(out: Tensor | Tensor[]): Tensor[] {
  return (Array.isArray(out) ? out : [out]).filter((o) => o.requiresGrad);
}

/**
 * Checks the gradients of the gradients of `fn` (its double backward):
 * gradcheck of `(inputs, gradOutputs) => grad(fn(inputs), inputs, gradOutputs,
 * { createGraph: true })` in float64. `gradOutputs` (one per output that
 * requires grad) default to random values in [-1, 1) that require grad, as
 * in PyTorch. Returns true, or throws (returns false with
 * `raiseException: false`) naming the mismatching Jacobian.
 *
 * @example
 * const x = torch.randn([3], { dtype: "float64", requiresGrad: true });
 * torch.autograd.gradgradcheck((x) => x.pow(3), [x]); // true
 */
export function gradgradcheck(
  fn: (...xs: Tensor[]) => Tensor | Tensor[],
  inputs: readonly Tensor[],
  gradOutputs: Tensor | readonly Tensor[] | null = null,
  options: GradgradcheckOptions = {},
): boolean {
  const xs = [...inputs];
  let gos: Tensor[];
  if (gradOutputs === null) {
    gos = differentiableOutputs(fn(...xs)).map((o) =>
      rand(o.shape, { dtype: isFloatingPoint(o) ? o.dtype : "float64" }).mul(2).sub(1).detach().requiresGrad_(true),
    );
  } else {
    gos = Array.isArray(gradOutputs) ? [...(gradOutputs as readonly Tensor[])] : [gradOutputs as Tensor];
  }
  const numOutputs = gos.length;
  const diffInputs = new Set(xs.flatMap((x, i) => (x.requiresGrad ? [i] : [])));
  const diffGradOutputs = new Set(gos.flatMap((g, i) => (g.requiresGrad ? [i] : [])));
  const newFn = (...args: Tensor[]): Tensor[] => {
    const ins = args.slice(0, args.length - numOutputs).map((x, i) => (diffInputs.has(i) ? x.requiresGrad_(true) : x));
    const outs = differentiableOutputs(fn(...ins));
    const gs = args.slice(args.length - numOutputs).map((g, i) => (diffGradOutputs.has(i) ? g.requiresGrad_(true) : g));
    const diff = ins.filter((_, i) => diffInputs.has(i));
    const grads = grad(outs, diff, { gradOutputs: gs, createGraph: true, allowUnused: true });
    return grads.filter((g): g is Tensor => g !== null);
  };
  return gradcheck(newFn, [...xs, ...gos], options);
}
