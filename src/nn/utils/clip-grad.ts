/**
 * Gradient clipping, as `torch.nn.utils.clip_grad`: each function works on
 * the `.grad` of each parameter in place, under `noGrad`, and skips
 * parameters without a gradient. `clipGradNorm_` is 2.6's composition of
 * `getTotalNorm` and `clipGradsWithNorm_`. The `foreach` options are
 * accepted and ignored (PyTorch's choice of kernel, not of result).
 */
import { noGrad } from "../../autograd/grad-mode-api.js";
import { tensor } from "../../ops/factories.js";
import { stack } from "../../ops/indexing.js";
import { vectorNorm } from "../../ops/linalg/norms.js";
import { Tensor } from "../../tensor/tensor.js";

function asList(tensors: Tensor | Iterable<Tensor>): Tensor[] {
  return tensors instanceof Tensor ? [tensors] : [...tensors];
}

function gradsOf(parameters: Tensor | Iterable<Tensor>): Tensor[] {
  return asList(parameters).map((p) => p.grad).filter((g): g is Tensor => g !== null);
}

/** A norm order as Python prints the float PyTorch makes of it (`2.0`, `inf`, `0.5`). */
function pyOrder(p: number): string {
  if (!Number.isFinite(p)) return Number.isNaN(p) ? "nan" : p > 0 ? "inf" : "-inf";
  return Number.isInteger(p) ? `${p}.0` : String(p);
}

export interface GetTotalNormOptions {
  /** Throw instead of returning a NaN or infinite norm. */
  errorIfNonfinite?: boolean;
  /** Accepted for PyTorch's signature; ignored. */
  foreach?: boolean | null;
}

export interface ClipGradNormOptions extends GetTotalNormOptions {
  /** The p of the p-norm over all gradients together (default 2; `Infinity` for the largest magnitude). */
  normType?: number;
}

/**
 * The `normType`-norm of `tensors` taken together, as if concatenated into
 * one vector (PyTorch 2.6's `get_total_norm`; 0 for none).
 *
 * @example
 * const norm = nn.utils.getTotalNorm(model.parameters().map((p) => p.grad!));
 */
export function getTotalNorm(tensors: Tensor | Iterable<Tensor>, normType = 2, options: GetTotalNormOptions = {}): Tensor {
  if (Number.isNaN(normType)) throw new Error(`get_total_norm: normType must be a number, got ${normType}`);
  return noGrad(() => {
    const list = asList(tensors);
    if (list.length === 0) return tensor(0);
    // the vector norm of the per-tensor vector norms, so any order works (0, negative, ±inf)
    const total = vectorNorm(stack(list.map((g) => vectorNorm(g, normType))), normType);
    if ((options.errorIfNonfinite ?? false) && !Number.isFinite(total.item())) {
      throw new Error(`The total norm of order ${pyOrder(normType)} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set \`error_if_nonfinite=False\``);
    }
    return total;
  });
}

/**
 * Scales the gradients of `parameters` by `maxNorm / (totalNorm + 1e-6)`,
 * clamped at 1 (PyTorch 2.6's `clip_grads_with_norm_`): the second half of
 * `clipGradNorm_`, for a norm computed elsewhere (say, over several groups).
 *
 * @example
 * const norm = nn.utils.getTotalNorm(grads);
 * nn.utils.clipGradsWithNorm_(model.parameters(), 1.0, norm);
 */
export function clipGradsWithNorm_(parameters: Tensor | Iterable<Tensor>, maxNorm: number, totalNorm: Tensor | number, _options: { foreach?: boolean | null } = {}): void {
  noGrad(() => {
    const grads = gradsOf(parameters);
    if (grads.length === 0) return;
    const norm = totalNorm instanceof Tensor ? totalNorm.item() : totalNorm;
    // clamped at 1 but applied even then, as in PyTorch: a NaN norm makes every gradient NaN
    const coefficient = Math.min(maxNorm / (norm + 1e-6), 1);
    for (const g of grads) g.mul_(coefficient);
  });
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
  const normType = options.normType ?? 2;
  if (Number.isNaN(normType)) throw new Error(`clip_grad_norm_: normType must be a number, got ${normType}`);
  const list = asList(parameters);
  const total = getTotalNorm(gradsOf(list), normType, options);
  clipGradsWithNorm_(list, maxNorm, total);
  return total;
}

/**
 * Clamps every gradient element to [-clipValue, clipValue].
 *
 * @example
 * nn.utils.clipGradValue_(model.parameters(), 0.5);
 */
export function clipGradValue_(parameters: Tensor | Iterable<Tensor>, clipValue: number, _options: { foreach?: boolean | null } = {}): void {
  noGrad(() => {
    for (const g of gradsOf(parameters)) g.clamp_(-clipValue, clipValue);
  });
}
