/**
 * `nn.utils.spectralNorm` / `removeSpectralNorm`: the forward-pre-hook form
 * of spectral normalization (PyTorch's `torch.nn.utils.spectral_norm`).
 * The parameter `weight` moves to `weight_orig`; buffers `weight_u` and
 * `weight_v` hold the power iteration's singular-vector estimates; before
 * each forward `weight = weight_orig / σ` with `σ = uᵀ W v`, after
 * `nPowerIterations` power-iteration steps in training mode (none in eval).
 * `nn.utils.parametrizations.spectralNorm` is the parametrization form.
 */
import { noGrad } from "../../autograd/grad-mode-api.js";
import { randn } from "../../ops/factories.js";
import type { Tensor } from "../../tensor/tensor.js";
import { normalize } from "../distance.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { ownedPreHooks, registerOwnedPreHook, removePreHook } from "./owned-hooks.js";
import { noAttribute } from "./weight-norm.js";

/** `weight` as a matrix with `dim` first: `[size(dim), everything else]`. */
export function weightToMatrix(weight: Tensor, dim: number): Tensor {
  const w = dim === 0 ? weight : weight.permute([dim, ...weight.shape.map((_, i) => i).filter((i) => i !== dim)]);
  return w.reshape([w.shape[0]!, -1]);
}

/** `x / max(‖x‖, eps)` for a vector. */
export function unitVector(x: Tensor, eps: number): Tensor {
  return normalize(x, { dim: 0, eps });
}

/** Whether `module` is a ConvTranspose layer (its weight has the output channels in dim 1). */
export function isConvTranspose(module: Module): boolean {
  for (let c = module.constructor as { name: string } | null; c !== null && c !== Module; c = Object.getPrototypeOf(c) as { name: string } | null) {
    if (/^ConvTranspose[123]d$/.test(c.name)) return true;
  }
  return false;
}

/** PyTorch's check of the power iteration count. */
export function checkPowerIterations(n: number): void {
  if (!(n > 0)) throw new Error(`Expected n_power_iterations to be positive, but got n_power_iterations=${n}`);
}

/** The spectral norm a hook stands for (PyTorch's `SpectralNorm` object). */
class SpectralNormHook {
  constructor(readonly name: string, readonly nPowerIterations: number, readonly dim: number, readonly eps: number) {}

  compute(module: Module, powerIteration: boolean): Tensor {
    const fields = module as unknown as Record<string, Tensor>;
    const weight = fields[`${this.name}_orig`]!;
    let u = fields[`${this.name}_u`]!, v = fields[`${this.name}_v`]!;
    const mat = weightToMatrix(weight, this.dim);
    if (powerIteration) {
      noGrad(() => {
        for (let i = 0; i < this.nPowerIterations; i++) {
          v.copy_(unitVector(mat.t().mv(u), this.eps));
          u.copy_(unitVector(mat.mv(v), this.eps));
        }
      });
      // copies, so the next iteration's in-place writes don't touch what backward saved
      u = u.clone();
      v = v.clone();
    }
    return weight.div(u.dot(mat.mv(v)));
  }
}

const isSpectralNorm = (owner: object): owner is SpectralNormHook => owner instanceof SpectralNormHook;

/**
 * Spectral normalization of the parameter `name` of `module` (PyTorch's
 * `spectral_norm`): `module[name]` is recomputed before each forward as the
 * parameter `name_orig` divided by its largest singular value, estimated
 * by power iteration in the buffers `name_u` and `name_v` (random unit
 * vectors to start). `dim` is the output dim (default 0, 1 for ConvTranspose).
 * Returns the module.
 *
 * @example
 * const d = nn.utils.spectralNorm(new nn.Linear(20, 40));
 * Object.keys(d.stateDict()); // ["bias", "weight_orig", "weight_u", "weight_v"]
 */
export function spectralNorm<M extends Module>(module: M, name = "weight", nPowerIterations = 1, eps = 1e-12, dim: number | null = null): M {
  if (ownedPreHooks(module, isSpectralNorm).some(([, h]) => h.name === name)) {
    throw new Error(`Cannot register two spectral_norm hooks on the same parameter ${name}`);
  }
  checkPowerIterations(nPowerIterations);
  const weight = module._parameters.get(name);
  if (weight === undefined) throw name in module ? new Error(`KeyError: '${name}' (spectral_norm: not a parameter)`) : noAttribute(module, name);
  if (weight === null) throw new Error(`\`SpectralNorm\` cannot be applied as parameter \`${name}\` is None`);
  const d = dim ?? (isConvTranspose(module) ? 1 : 0);
  const fn = new SpectralNormHook(name, nPowerIterations, d < 0 ? d + weight.dim() : d, eps);
  const [u, v] = noGrad(() => {
    const [h, w] = weightToMatrix(weight, fn.dim).shape as [number, number];
    return [unitVector(randn([h], { dtype: weight.dtype }), eps), unitVector(randn([w], { dtype: weight.dtype }), eps)];
  });
  const fields = module as unknown as Record<string, unknown>;
  delete fields[name];
  module.registerParameter(`${name}_orig`, weight);
  // until the first forward, the attribute is the unnormalized weight (as in PyTorch)
  fields[name] = weight.detach();
  module.registerBuffer(`${name}_u`, u);
  module.registerBuffer(`${name}_v`, v);
  registerOwnedPreHook(module, fn, (m) => {
    (m as unknown as Record<string, unknown>)[name] = fn.compute(m, m.training);
  });
  return module;
}

/**
 * Undoes `spectralNorm`: `module[name]` becomes a parameter holding the
 * current normalized weight (no further power iteration); `name_orig`,
 * `name_u`, `name_v` and the hook go. Returns the module.
 *
 * @example
 * nn.utils.removeSpectralNorm(d);
 */
export function removeSpectralNorm<M extends Module>(module: M, name = "weight"): M {
  const found = ownedPreHooks(module, isSpectralNorm).find(([, h]) => h.name === name);
  if (found === undefined) throw new Error(`spectral_norm of '${name}' not found in ${module.toString()}`);
  const [id, fn] = found;
  const weight = noGrad(() => fn.compute(module, false));
  const fields = module as unknown as Record<string, unknown>;
  for (const suffix of ["", "_u", "_v", "_orig"]) delete fields[name + suffix];
  module.registerParameter(name, new Parameter(weight.detach()));
  removePreHook(module, id);
  return module;
}
