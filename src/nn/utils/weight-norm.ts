/**
 * `nn.utils.weightNorm` / `removeWeightNorm`: the forward-pre-hook form of
 * weight normalization (PyTorch's `torch.nn.utils.weight_norm`), which
 * replaces the parameter `weight` by `weight_g` (magnitude) and `weight_v`
 * (direction) and recomputes `weight = g · v / ‖v‖` before each forward.
 * `nn.utils.parametrizations.weightNorm` is the parametrization form.
 */
import { noGrad } from "../../autograd/grad-mode-api.js";
import { vectorNorm } from "../../ops/linalg/norms.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { ownedPreHooks, registerOwnedPreHook, removePreHook } from "./owned-hooks.js";

/**
 * PyTorch's `norm_except_dim(v, pow, dim)`: the `pow`-norm over every dim
 * but `dim`, kept as size-1 dims; over the whole tensor (a 0-d result) when
 * `dim` is -1, which is how PyTorch spells `dim=None` here.
 */
export function normExceptDim(v: Tensor, pow: number, dim: number): Tensor {
  if (dim === -1) return vectorNorm(v, pow);
  const d = dim < 0 ? dim + v.dim() : dim;
  if (d < 0 || d >= v.dim()) throw new Error(`Dimension out of range (expected to be in range of [${-v.dim()}, ${v.dim() - 1}], but got ${dim})`);
  const others = v.shape.map((_, i) => i).filter((i) => i !== d);
  return others.length === 0 ? v.abs() : vectorNorm(v, pow, { dim: others, keepdim: true });
}

/** PyTorch's `_weight_norm(v, g, dim)`: `v · (g / norm_except_dim(v, 2, dim))`, differentiable in both. */
export function weightNormOf(v: Tensor, g: Tensor, dim: number): Tensor {
  return v.mul(g.div(normExceptDim(v, 2, dim)));
}

/** The weight norm a hook stands for (PyTorch's `WeightNorm` object). */
class WeightNormHook {
  constructor(readonly name: string, readonly dim: number) {}

  compute(module: Module): Tensor {
    const fields = module as unknown as Record<string, Tensor>;
    return weightNormOf(fields[`${this.name}_v`]!, fields[`${this.name}_g`]!, this.dim);
  }
}

const isWeightNorm = (owner: object): owner is WeightNormHook => owner instanceof WeightNormHook;

/** PyTorch's AttributeError for a missing attribute. */
export function noAttribute(module: Module, name: string): Error {
  return new Error(`'${module.constructor.name}' object has no attribute '${name}'`);
}

/**
 * Splits the parameter `name` of `module` into `name_g` (its norm over every
 * dim but `dim`) and `name_v` (the parameter itself), and recomputes
 * `module[name] = name_g · name_v / ‖name_v‖` before every forward (PyTorch's
 * `weight_norm`). `dim: null` (or -1) takes the norm over the whole tensor.
 * Returns the module.
 *
 * @example
 * const fc = nn.utils.weightNorm(new nn.Linear(20, 40));
 * fc.weight_g.shape; // [40, 1]
 */
export function weightNorm<M extends Module>(module: M, name = "weight", dim: number | null = 0): M {
  if (ownedPreHooks(module, isWeightNorm).some(([, h]) => h.name === name)) {
    throw new Error(`Cannot register two weight_norm hooks on the same parameter ${name}`);
  }
  const fn = new WeightNormHook(name, dim ?? -1);
  const weight = module._parameters.get(name);
  if (weight === undefined) throw name in module ? new Error(`KeyError: '${name}' (weight_norm: not a parameter)`) : noAttribute(module, name);
  if (weight === null) throw new Error(`weight_norm: the parameter '${name}' is None`);
  const fields = module as unknown as Record<string, unknown>;
  // the parameter leaves the registry; the attribute becomes the computed tensor
  module._parameters.delete(name);
  module.registerParameter(`${name}_g`, new Parameter(noGrad(() => normExceptDim(weight, 2, fn.dim))));
  module.registerParameter(`${name}_v`, new Parameter(weight.detach()));
  fields[name] = fn.compute(module);
  registerOwnedPreHook(module, fn, (m) => {
    (m as unknown as Record<string, unknown>)[name] = fn.compute(m);
  });
  return module;
}

/**
 * Undoes `weightNorm`: `module[name]` becomes a parameter again, holding the
 * current `g · v / ‖v‖`, and `name_g`, `name_v` and the hook go. Returns the module.
 *
 * @example
 * nn.utils.removeWeightNorm(fc);
 */
export function removeWeightNorm<M extends Module>(module: M, name = "weight"): M {
  const found = ownedPreHooks(module, isWeightNorm).find(([, h]) => h.name === name);
  if (found === undefined) throw new Error(`weight_norm of '${name}' not found in ${module.toString()}`);
  const [id, fn] = found;
  const weight = fn.compute(module);
  const fields = module as unknown as Record<string, unknown>;
  delete fields[name];
  delete fields[`${name}_g`];
  delete fields[`${name}_v`];
  fields[name] = new Parameter(weight.detach());
  removePreHook(module, id);
  return module;
}
