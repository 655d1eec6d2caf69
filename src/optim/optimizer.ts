/**
 * The optimizer base: parameter groups with their own options, per-parameter
 * state, `zeroGrad`, `stateDict`/`loadStateDict`. `step()` runs the subclass's
 * update under `noGrad` (rule 7: parameters stay leaves). Each optimizer keeps
 * its math in one small function over one parameter, so a fused native kernel
 * can replace it without touching the bookkeeping.
 */
import { enableGrad, noGrad } from "../autograd/grad-mode-api.js";
import { zeroGrads } from "../nn/module.js";
import type { FloatArray } from "../backend/native/optim.js";
import type { DType } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import { defaultFloatDtype } from "../tensor/dtype.js";
import { full } from "../ops/factories.js";

/** One entry of an optimizer's state: a tensor (a moment buffer, or a 0-d step count as in PyTorch 2.x), a number, or, for LBFGS's history, a list of them (null where PyTorch has None). */
export type StateValue = Tensor | number | null | readonly (Tensor | number | null)[];

/** Per-parameter optimizer state: tensors (moment buffers, 0-d step counts), numbers (LBFGS's counters), LBFGS's history lists. */
export type ParamState = Record<string, StateValue>;

/** A parameter group: its parameters and its options (lr, momentum, ...). */
export type ParamGroup<O extends object = Record<string, unknown>> = O & { params: Tensor[] };

/** What the constructor takes: parameters, or groups `{ params, ...options }` overriding the defaults. */
export type Params<O extends object> = Iterable<Tensor> | Iterable<Partial<O> & { params: Iterable<Tensor> }>;

export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  paramGroups: (Record<string, unknown> & { params: number[] })[];
}

export abstract class Optimizer<O extends object = Record<string, unknown>> {
  readonly defaults: O;
  readonly paramGroups: ParamGroup<O>[] = [];
  /** State per parameter (PyTorch's `optimizer.state`). */
  readonly state = new Map<Tensor, ParamState>();

  constructor(params: Params<O>, defaults: O) {
    this.defaults = defaults;
    const list = [...(params as Iterable<unknown>)];
    if (list.length === 0) throw new Error("optimizer got an empty parameter list");
    if (list[0] instanceof Tensor) this.addParamGroup({ params: list as Tensor[] } as Partial<O> & { params: Tensor[] });
    else for (const g of list as (Partial<O> & { params: Iterable<Tensor> })[]) this.addParamGroup(g);
  }

  /**
   * Adds a group; options it leaves out come from the defaults.
   *
   * @example
   * opt.addParamGroup({ params: head.parameters(), lr: 0.1 });
   */
  addParamGroup(group: Partial<O> & { params: Tensor | Iterable<Tensor> }): void {
    // a lone tensor is a group of one, as in PyTorch
    const params = group.params instanceof Tensor ? [group.params] : [...group.params];
    for (const p of params) {
      if (!(p instanceof Tensor)) throw new TypeError("optimizer can only optimize Tensors");
      if (!p.isLeaf) throw new Error("can't optimize a non-leaf Tensor");
    }
    const seen = new Set<Tensor>();
    for (const g of this.paramGroups) for (const p of g.params) seen.add(p);
    if (params.some((p) => seen.has(p))) throw new Error("some parameters appear in more than one parameter group");
    this.paramGroups.push({ ...this.defaults, ...group, params });
  }

  /** Clears the gradients of every parameter (to null by default, as PyTorch 2.x). */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    for (const g of this.paramGroups) zeroGrads(g.params, options.setToNone ?? true);
  }

  /**
   * One update of every parameter that has a gradient, under `noGrad`.
   * `closure` (optional) re-evaluates the loss with grad enabled and returns it.
   *
   * @example
   * loss.backward(); opt.step(); opt.zeroGrad();
   */
  step(closure?: () => Tensor): Tensor | undefined {
    // as PyTorch: the closure re-evaluates the loss with grad on, whatever the caller's mode
    const loss = closure === undefined ? undefined : enableGrad(closure);
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          if (p.grad === null) continue;
          let st = this.state.get(p);
          if (st === undefined) {
            st = {};
            this.state.set(p, st);
          }
          this.update(p, p.grad, st, group);
        }
      }
    });
    return loss;
  }

  /** The update of one parameter, in place, already under `noGrad`. */
  protected abstract update(param: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<O>): void;

  /**
   * `{ state, paramGroups }` with parameters numbered in group order (PyTorch's layout).
   * State tensors are shared, not copied.
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((g) => {
      const { params, ...options } = g as ParamGroup;
      return { ...options, params: params.map((p) => {
        if (!index.has(p)) index.set(p, index.size);
        return index.get(p)!;
      }) };
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      // lists are copied (LBFGS grows and shifts its own), their tensors shared
      if (i !== undefined) state[i] = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, Array.isArray(v) ? [...v] : v]));
    }
    return { state, paramGroups };
  }

  /** Restores options and state saved by `stateDict()` (state tensors are copied). */
  loadStateDict(sd: OptimizerStateDict): void {
    if (sd.paramGroups.length !== this.paramGroups.length) throw new Error("loaded state dict has a different number of parameter groups");
    const byIndex: Tensor[] = [];
    sd.paramGroups.forEach((saved, gi) => {
      const group = this.paramGroups[gi]!;
      if (saved.params.length !== group.params.length) {
        throw new Error("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
      }
      saved.params.forEach((id, k) => (byIndex[id] = group.params[k]!));
      const { params: _params, ...options } = saved;
      Object.assign(group, options);
    });
    this.state.clear();
    for (const [id, s] of Object.entries(sd.state)) {
      const p = byIndex[Number(id)];
      if (p === undefined) continue;
      const copy: ParamState = {};
      // (a float parameter's state takes its dtype, except `step`, which keeps its own, as PyTorch's _process_value_according_to_param_policy)
      const own = (v: Tensor | number | null, key: string): Tensor | number | null =>
        v instanceof Tensor ? noGrad(() => (key === "step" ? v : v.to(p.dtype)).clone()) : v;
      for (const [k, v] of Object.entries(s)) copy[k] = Array.isArray(v) ? (v as (Tensor | number | null)[]).map((x) => own(x, k)) : own(v as Tensor | number | null, k);
      this.state.set(p, copy);
    }
  }
}

/** The gradient with `maximize` and L2 `weightDecay` applied (a new tensor when either applies). */
export function effectiveGrad(param: Tensor, grad: Tensor, maximize: boolean, weightDecay: number): Tensor {
  let g = maximize ? grad.neg() : grad;
  if (weightDecay !== 0) g = g.add(param, { alpha: weightDecay });
  return g;
}

/**
 * The gradient an update uses, with `maximize` and weight decay applied: L2
 * decay is added to the gradient; `decoupled` decay (AdamW's, and NAdam's and
 * RAdam's `decoupledWeightDecay`) instead shrinks the parameter in place by
 * `1 − lr·weightDecay` and leaves the gradient alone.
 */
export function decayedGrad(param: Tensor, grad: Tensor, o: { lr: number; weightDecay: number; maximize: boolean }, decoupled: boolean): Tensor {
  if (decoupled && o.weightDecay !== 0) param.mul_(1 - o.lr * o.weightDecay);
  return effectiveGrad(param, grad, o.maximize, decoupled ? 0 : o.weightDecay);
}

/**
 * A scalar state entry (`step`, NAdam's `mu_product`, ASGD's `eta` and `mu`)
 * as PyTorch 2.x keeps it: a 0-d tensor of `_get_scalar_dtype()`, float64
 * while the default dtype is float64 and float32 otherwise (1.13 kept some
 * of them as Python numbers).
 */
export function scalarState(value: number): Tensor {
  return full([], value, { dtype: defaultFloatDtype() === "float64" ? "float64" : "float32" });
}

/** A scalar state entry's value: a 0-d tensor's, or a number's (a state dict saved by an older torchlet); `absent` when there is none. */
export function scalarValue(state: ParamState, key: string, absent: number): number {
  const v = state[key];
  // (read from the storage: this runs for every parameter at every step)
  if (v instanceof Tensor) return v.numel() === 1 ? (v.data[v.offset] as number) : (v.item());
  return typeof v === "number" ? v : absent;
}

/** Sets a scalar state entry: into its 0-d tensor in place (as PyTorch's `step_t += 1`), or a new one. Returns the value it holds. */
export function setScalar(state: ParamState, key: string, value: number): number {
  const v = state[key];
  if (v instanceof Tensor && v.numel() === 1 && !v.requiresGrad) {
    // straight into the storage, a version bump as an in-place write (fill_'s checks cost more than the update at this size)
    v.data[v.offset] = value;
    v.storage.version++;
  } else state[key] = scalarState(value);
  return scalarValue(state, key, value);
}

/** Counts one more step in `state.step` (a 0-d tensor, created at 0) and returns the new count, which the bias corrections use. */
export function nextStep(state: ParamState): number {
  return setScalar(state, "step", scalarValue(state, "step", 0) + 1);
}

/**
 * The elements of `t` as one flat float array (a subarray of its storage) when
 * a fused kernel can update it in place: a contiguous, non-inference tensor
 * of the float dtype `dtype`. Null otherwise (the caller then takes the
 * tensor-op path).
 */
export function fusedData(t: Tensor, dtype: DType): FloatArray | null {
  if (t.dtype !== dtype || (dtype !== "float32" && dtype !== "float64") || t._inference || !t.isContiguous()) return null;
  return (t.data as FloatArray).subarray(t.offset, t.offset + t.numel());
}

/** The gradient as a flat array for a fused step: `fusedData`, or a contiguous copy of a strided one. */
export function fusedGrad(grad: Tensor, param: Tensor): FloatArray | null {
  if (grad.dtype !== param.dtype || grad.numel() !== param.numel() || grad.shape.length !== param.shape.length) return null;
  if (!grad.shape.every((d, i) => d === param.shape[i])) return null;
  return fusedData(grad, param.dtype) ?? fusedData(grad.contiguous(), param.dtype);
}

/** Marks an in-place write by a fused kernel on `t` (the version counter every in-place op bumps). */
export function bumpVersion(t: Tensor): void {
  t.storage.version++;
}

/** The tensor state entry `key`, created by `init` on first use. */
export function stateTensor(state: ParamState, key: string, init: () => Tensor): Tensor {
  const v = state[key];
  if (v instanceof Tensor) return v;
  const t = init();
  state[key] = t;
  return t;
}
