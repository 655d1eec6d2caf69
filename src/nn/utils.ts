/**
 * `nn.utils`, as `torch.nn.utils`: gradient clipping (both work on the
 * `.grad` of each parameter in place, under `noGrad`, and skip parameters
 * without a gradient), flattening parameters to one vector and back, and
 * `nn.utils.rnn`.
 */
import { noGrad } from "../autograd/grad-mode-api.js";
import { tensor } from "../ops/factories.js";
import { cat, stack } from "../ops/indexing.js";
import { vectorNorm } from "../ops/linalg/norms.js";
import { Tensor } from "../tensor/tensor.js";

export * as rnn from "./utils/rnn.js";

function gradsOf(parameters: Tensor | Iterable<Tensor>): Tensor[] {
  const list = parameters instanceof Tensor ? [parameters] : [...parameters];
  return list.map((p) => p.grad).filter((g): g is Tensor => g !== null);
}

export interface ClipGradNormOptions {
  /** The p of the p-norm over all gradients together (default 2; `Infinity` for the largest magnitude). */
  normType?: number;
  /** Throw instead of scaling when the total norm is NaN or infinite. */
  errorIfNonfinite?: boolean;
}

/**
 * Scales all gradients together so that their joint norm is at most
 * `maxNorm` (by `maxNorm / (norm + 1e-6)` when it is larger); returns that
 * norm, as computed before clipping.
 *
 * @example
 * loss.backward();
 * nn.utils.clipGradNorm_(model.parameters(), 1.0);
 * optimizer.step();
 */
export function clipGradNorm_(parameters: Tensor | Iterable<Tensor>, maxNorm: number, options: ClipGradNormOptions = {}): Tensor {
  const p = options.normType ?? 2;
  if (Number.isNaN(p)) throw new Error(`clip_grad_norm_: normType must be a number, got ${p}`);
  return noGrad(() => {
    const grads = gradsOf(parameters);
    if (grads.length === 0) return tensor(0);
    // as PyTorch 2.x: the vector norm of the per-gradient vector norms (so any order works: 0, negative, ±inf)
    const total = vectorNorm(stack(grads.map((g) => vectorNorm(g, p))), p);
    const value = total.item();
    if ((options.errorIfNonfinite ?? false) && !Number.isFinite(value)) {
      throw new Error(`The total norm of order ${p} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set \`error_if_nonfinite=False\``);
    }
    // clamped at 1 but applied even then, as in PyTorch: a NaN norm makes every gradient NaN
    const coefficient = Math.min(maxNorm / (value + 1e-6), 1);
    for (const g of grads) g.mul_(coefficient);
    return total;
  });
}

/**
 * Clamps every gradient element to [-clipValue, clipValue].
 *
 * @example
 * nn.utils.clipGradValue_(model.parameters(), 0.5);
 */
export function clipGradValue_(parameters: Tensor | Iterable<Tensor>, clipValue: number): void {
  noGrad(() => {
    for (const g of gradsOf(parameters)) g.clamp_(-clipValue, clipValue);
  });
}

/**
 * All parameters flattened and concatenated into one 1-D tensor, in order
 * (differentiable, as PyTorch's).
 *
 * @example
 * const flat = nn.utils.parametersToVector(model.parameters());
 */
export function parametersToVector(parameters: Iterable<Tensor>): Tensor {
  return cat([...parameters].map((p) => p.reshape([-1])), 0);
}

/**
 * Copies consecutive slices of the 1-D `vec` into the parameters, in order:
 * the inverse of `parametersToVector`. PyTorch points each `param.data` at a
 * view of `vec`; here the values are copied, under `noGrad`.
 *
 * @example
 * nn.utils.vectorToParameters(flat.mul(0.5), model.parameters());
 */
export function vectorToParameters(vec: Tensor, parameters: Iterable<Tensor>): void {
  if (!(vec instanceof Tensor)) throw new TypeError(`expected torch.Tensor, but got: ${typeof vec}`);
  const total = vec.numel();
  noGrad(() => {
    let pointer = 0;
    for (const p of parameters) {
      const n = p.numel(), available = Math.max(0, Math.min(n, total - pointer));
      if (available < n) throw new Error(`shape '[${p.shape.join(", ")}]' is invalid for input of size ${available}`);
      p.copy_(vec.reshape([-1]).narrow(0, pointer, n).reshape(p.shape));
      pointer += n;
    }
  });
}
