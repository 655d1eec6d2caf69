/**
 * The pruning methods of `nn.utils.prune` (PyTorch's classes of the same
 * names): each computes a 0/1 mask from a tensor (the importance scores)
 * and the mask already in force. `prune.ts` applies them to modules.
 *
 * An `amount` is a count when it is an integer (a Python int) and a
 * fraction of the entries otherwise (a Python float, rounded half to even):
 * JavaScript cannot tell `1` from `1.0`, so PyTorch's `1.0` (everything) is
 * spelled as the count of entries.
 */
import { noGrad } from "../../autograd/grad-mode-api.js";
import { kthvalue, topk } from "../../ops/sorting.js";
import { rand, zerosLike } from "../../ops/factories.js";
import { Slice, type TensorIndex } from "../../ops/tensor-index.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { Module } from "../module.js";

/** How a method picks entries: single entries, whole slices along `dim`, or a given mask. */
export type PruningType = "unstructured" | "structured" | "global";

/** Python's round(): halves to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** PyTorch's `_validate_pruning_amount_init`. */
function checkAmount(amount: number): void {
  if (typeof amount !== "number" || Number.isNaN(amount)) throw new TypeError(`Invalid type for amount: ${String(amount)}. Must be int or float.`);
  if ((Number.isInteger(amount) && amount < 0) || (!Number.isInteger(amount) && (amount > 1 || amount < 0))) {
    throw new Error(`amount=${amount} should either be a float in the range [0, 1] or a non-negative integer`);
  }
}

/** How many of `size` entries `amount` prunes (PyTorch's `_compute_nparams_toprune` and `_validate_pruning_amount`). */
function countToPrune(amount: number, size: number): number {
  const n = Number.isInteger(amount) ? amount : roundHalfEven(amount * size);
  if (n > size) throw new Error(`amount=${amount} should be smaller than the number of parameters to prune=${size}`);
  return n;
}

function checkStructured(t: Tensor, dim: number): number {
  if (t.dim() <= 1) {
    throw new Error(`Structured pruning can only be applied to multidimensional tensors. Found tensor of shape torch.Size([${t.shape.join(", ")}]) with ${t.dim()} dims`);
  }
  if (dim >= t.dim()) throw new Error(`Invalid index ${dim} for tensor of size torch.Size([${t.shape.join(", ")}])`);
  return dim < 0 ? dim + t.dim() : dim;
}

/** A mask of `t`'s shape that is 1 on the channels `keep` (0/1 per index of `dim`), 0 elsewhere. */
function channelMask(t: Tensor, dim: number, keep: Tensor): Tensor {
  const shape = t.shape.map((s, i) => (i === dim ? s : 1));
  return keep.to(t.dtype).reshape(shape).expand(t.shape).contiguous();
}

/**
 * A pruning method (PyTorch's `BasePruningMethod`). Applied to a module it is
 * also the forward pre-hook that recomputes `module[name] = name_orig · name_mask`.
 */
export abstract class BasePruningMethod {
  abstract readonly pruningType: PruningType;
  /** The tensor it prunes, once applied (PyTorch's `_tensor_name`). */
  tensorName: string | null = null;

  /** The new mask for `t`, given the mask in force (`defaultMask`). */
  abstract computeMask(t: Tensor, defaultMask: Tensor): Tensor;

  /** `name_orig · name_mask` of the module it was applied to. */
  applyMask(module: Module): Tensor {
    if (this.tensorName === null) throw new Error(`Module ${module.toString()} has to be pruned`);
    const fields = module as unknown as Record<string, Tensor>;
    const orig = fields[`${this.tensorName}_orig`]!;
    return fields[`${this.tensorName}_mask`]!.to(orig.dtype).mul(orig);
  }

  /** `t` pruned by this method's mask (without touching any module). */
  prune(t: Tensor, options: { defaultMask?: Tensor; importanceScores?: Tensor } = {}): Tensor {
    const scores = options.importanceScores ?? t;
    if (!sameShape(scores.shape, t.shape)) throw new Error("importance_scores should have the same shape as tensor t");
    return t.mul(this.computeMask(scores, options.defaultMask ?? onesLikeOf(t)));
  }

  /**
   * Makes the pruning permanent on `module`: `module[name]` becomes the
   * parameter `name_orig` (the same object) holding the pruned values;
   * `name_orig` and `name_mask` go. The caller removes the hook.
   */
  remove(module: Module): void {
    if (this.tensorName === null) throw new Error(`Module ${module.toString()} has to be pruned before pruning can be removed`);
    const name = this.tensorName;
    const weight = noGrad(() => this.applyMask(module));
    const fields = module as unknown as Record<string, unknown>;
    const orig = module._parameters.get(`${name}_orig`)!;
    noGrad(() => orig.copy_(weight));
    delete fields[name];
    delete fields[`${name}_orig`];
    delete fields[`${name}_mask`];
    fields[name] = orig;
  }
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

function onesLikeOf(t: Tensor): Tensor {
  return zerosLike(t).add(1);
}

/**
 * Several pruning methods applied in turn to one tensor, each on what the
 * ones before left (PyTorch's `PruningContainer`): an unstructured method
 * sees the entries still in, a structured one the channels still in.
 */
export class PruningContainer extends BasePruningMethod {
  readonly pruningType: PruningType = "unstructured";
  readonly methods: BasePruningMethod[] = [];

  constructor(...methods: BasePruningMethod[]) {
    super();
    if (methods.length > 0) this.tensorName = methods[0]!.tensorName;
    for (const m of methods) this.addPruningMethod(m);
  }

  addPruningMethod(method: BasePruningMethod): void {
    if (!(method instanceof BasePruningMethod)) throw new TypeError(`${typeof method} is not a BasePruningMethod subclass`);
    if (this.tensorName !== method.tensorName) {
      throw new Error(`Can only add pruning methods acting on the parameter named '${this.tensorName}' to PruningContainer. Found '${method.tensorName}'`);
    }
    this.methods.push(method);
  }

  get length(): number {
    return this.methods.length;
  }

  /** The last method's mask, computed on the part of `t` the mask in force keeps. */
  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    const method = this.methods.at(-1)!;
    const newMask = defaultMask.to(t.dtype).clone();
    let slc: TensorIndex[];
    if (method.pruningType === "unstructured") slc = [defaultMask.eq(1)];
    else if (method.pruningType === "structured") {
      const raw = (method as { dim?: number }).dim;
      if (raw === undefined) throw new Error('Pruning methods of PRUNING_TYPE "structured" need to have the attribute `dim` defined.');
      const n = t.dim();
      const dim = raw < 0 ? raw + n : raw;
      if (dim < 0) throw new Error(`Index is out of bounds for tensor with dimensions ${n}`);
      const others = t.shape.map((_, i) => i).filter((i) => i !== dim);
      const keepChannel = defaultMask.sum(others).ne(0);
      slc = t.shape.map((_, i) => (i === dim ? keepChannel : Slice()));
    } else slc = t.shape.map(() => Slice());
    const partial = method.computeMask(t.index(slc), defaultMask.index(slc));
    newMask.indexPut_(slc, partial.to(newMask.dtype));
    return newMask;
  }
}

/** Prunes nothing: the mask stays as it is (with a mask of ones, as `prune.identity`). */
export class Identity extends BasePruningMethod {
  readonly pruningType: PruningType = "unstructured";

  computeMask(_t: Tensor, defaultMask: Tensor): Tensor {
    return defaultMask;
  }
}

/** Prunes `amount` entries chosen at random. */
export class RandomUnstructured extends BasePruningMethod {
  readonly pruningType: PruningType = "unstructured";

  constructor(readonly amount: number) {
    super();
    checkAmount(amount);
  }

  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    const k = countToPrune(this.amount, t.numel());
    const mask = defaultMask.clone();
    if (k !== 0) {
      const { indices } = topk(rand(t.shape).reshape([-1]), k);
      mask.reshape([-1]).indexPut_([indices], 0);
    }
    return mask;
  }
}

/** Prunes the `amount` entries of smallest magnitude. */
export class L1Unstructured extends BasePruningMethod {
  readonly pruningType: PruningType = "unstructured";

  constructor(readonly amount: number) {
    super();
    checkAmount(amount);
  }

  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    const k = countToPrune(this.amount, t.numel());
    const mask = defaultMask.clone();
    if (k !== 0) {
      const { indices } = topk(t.abs().reshape([-1]), k, { largest: false });
      mask.reshape([-1]).indexPut_([indices], 0);
    }
    return mask;
  }
}

/** Prunes `amount` whole channels along `dim`, chosen at random. */
export class RandomStructured extends BasePruningMethod {
  readonly pruningType: PruningType = "structured";

  constructor(readonly amount: number, readonly dim = -1) {
    super();
    checkAmount(amount);
  }

  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    const dim = checkStructured(t, this.dim);
    const size = t.shape[dim]!;
    const k = countToPrune(this.amount, size);
    if (k === 0) return defaultMask;
    const prob = rand([size]);
    const threshold = kthvalue(prob, k).values.item();
    return channelMask(t, dim, prob.gt(threshold)).mul(defaultMask.to(t.dtype));
  }
}

/** The norm orders `LnStructured` takes: a number (Infinity for the max) or "fro" (2). */
export type PruningNorm = number | "fro";

/** Prunes the `amount` channels along `dim` of smallest `n`-norm. */
export class LnStructured extends BasePruningMethod {
  readonly pruningType: PruningType = "structured";

  constructor(readonly amount: number, readonly n: PruningNorm, readonly dim = -1) {
    super();
    checkAmount(amount);
  }

  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    const dim = checkStructured(t, this.dim);
    const size = t.shape[dim]!;
    const k = countToPrune(this.amount, size);
    const others = t.shape.map((_, i) => i).filter((i) => i !== dim);
    // PyTorch 2.x's torch.norm takes "fro" over more than two dims to linalg.matrix_norm, which refuses them (even when nothing is pruned)
    if (this.n === "fro" && others.length > 2) throw new Error(`linalg.matrix_norm: dim must be a 2-tuple. Got ${others.join(" ")}`);
    if (k === 0) return defaultMask;
    const norms = t.norm(this.n === "fro" ? 2 : this.n, others);
    const { indices } = topk(norms, size - k);
    const keep = zerosLike(norms).indexPut_([indices], 1);
    return channelMask(t, dim, keep).mul(defaultMask.to(t.dtype));
  }
}

/** Prunes where `mask` is 0 (on top of the mask in force). */
export class CustomFromMask extends BasePruningMethod {
  readonly pruningType: PruningType = "global";

  constructor(readonly mask: Tensor) {
    super();
  }

  computeMask(_t: Tensor, defaultMask: Tensor): Tensor {
    if (!sameShape(defaultMask.shape, this.mask.shape)) throw new Error(`CustomFromMask: the mask has shape [${this.mask.shape.join(", ")}], the tensor [${defaultMask.shape.join(", ")}]`);
    return defaultMask.mul(this.mask.to(defaultMask.dtype));
  }
}

