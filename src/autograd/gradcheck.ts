import { warn } from "../warnings.js";
import type { Tensor } from "../tensor/tensor.js";
import { grad } from "./engine.js";

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Throw on mismatch (default) or return false. */
  raiseException?: boolean;
}

function outputsOf(fn: (...xs: Tensor[]) => Tensor | Tensor[], inputs: Tensor[]): Tensor[] {
  const out = fn(...inputs);
  return Array.isArray(out) ? out : [out];
}

function flatValues(t: Tensor): number[] {
  return Array.from(t.toArray());
}

/**
 * Compares analytic gradients (autograd) with central finite differences,
 * in float64, for every input that requires grad. Returns true or throws.
 *
 * @example
 * const x = torch.randn([3], { dtype: "float64", requiresGrad: true });
 * torch.autograd.gradcheck((x) => x.tanh(), [x]); // true
 */
export function gradcheck(fn: (...xs: Tensor[]) => Tensor | Tensor[], inputs: readonly Tensor[], options: GradcheckOptions = {}): boolean {
  const eps = options.eps ?? 1e-6, atol = options.atol ?? 1e-5, rtol = options.rtol ?? 1e-3;
  const xs = [...inputs];
  if (!xs.some((x) => x.requiresGrad)) {
    throw new Error("gradcheck expects at least one input tensor to require gradient, but none of the them have requires_grad=True.");
  }
  xs.forEach((x, i) => {
    if (x.requiresGrad && x.dtype !== "float64") {
      // PyTorch warns and checks anyway (it will likely fail at float32's precision)
      warn(
        `Input #${i} requires gradient and is not a double precision floating point or complex. ` +
          "This check will likely fail if all the inputs are not of double precision floating point or complex. ",
      );
    }
  });
  const outs = outputsOf(fn, xs);
  for (let o = 0; o < outs.length; o++) {
    const out = outs[o]!;
    const nOut = out.numel();
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      if (!x.requiresGrad) continue;
      const n = x.numel();
      // numerical Jacobian: column j from perturbing element j of x
      const numerical: number[][] = Array.from({ length: nOut }, () => new Array<number>(n).fill(0));
      const contiguous = x.isContiguous() && x.offset === 0;
      if (!contiguous) throw new Error("gradcheck: inputs must be contiguous");
      for (let j = 0; j < n; j++) {
        const orig = x.data[j]!;
        const f = (v: number) => {
          x.data[j] = v;
          // evaluated with grad enabled, as PyTorch does: fn may itself differentiate (gradgradcheck)
          const y = flatValues(outputsOf(fn, xs)[o]!);
          x.data[j] = orig;
          return y;
        };
        const plus = f(orig + eps), minus = f(orig - eps);
        for (let k = 0; k < nOut; k++) numerical[k]![j] = (plus[k]! - minus[k]!) / (2 * eps);
      }
      // analytical Jacobian: row k from the gradient of output element k
      const analytical: number[][] = [];
      const flatOut = out.reshape([nOut]);
      for (let k = 0; k < nOut; k++) {
        const g = grad(flatOut.select(0, k), [x], { retainGraph: true, allowUnused: true })[0];
        analytical.push(g ? flatValues(g) : new Array<number>(n).fill(0));
      }
      for (let k = 0; k < nOut; k++) {
        for (let j = 0; j < n; j++) {
          const a = analytical[k]![j]!, b = numerical[k]![j]!;
          if (!(Math.abs(a - b) <= atol + rtol * Math.abs(b))) {
            if (options.raiseException === false) return false;
            throw new Error(
              `Jacobian mismatch for output ${o} with respect to input ${i},\nnumerical:${JSON.stringify(numerical)}\nanalytical:${JSON.stringify(analytical)}\n`,
            );
          }
        }
      }
    }
  }
  return true;
}
