/**
 * Module full backward hooks, PyTorch's way (torch.utils.hooks.BackwardHook):
 * the module's positional tensor inputs and its outputs each pass through an
 * identity autograd node. In backward the output node sees the gradients
 * w.r.t. the outputs first (backward pre-hooks run there); the input node
 * later sees the gradients w.r.t. the inputs, and the full backward hooks run
 * there with both.
 */
import { Function, type FunctionCtx } from "../autograd/function.js";
import { isRecording } from "../autograd/grad-mode.js";
import { Tensor } from "../tensor/tensor.js";
import type { Module } from "./module.js";

/** Gradients of a module's positional tensor inputs or outputs (null where there is none). */
export type BackwardHookGrads = (Tensor | null)[];
/** `hook(module, gradInput, gradOutput)`; may return replacement gradients w.r.t. the inputs. */
export type FullBackwardHook = (module: Module, gradInput: BackwardHookGrads, gradOutput: BackwardHookGrads) => BackwardHookGrads | null | undefined | void;
/** `hook(module, gradOutput)`; may return replacement gradients w.r.t. the outputs. */
export type FullBackwardPreHook = (module: Module, gradOutput: BackwardHookGrads) => BackwardHookGrads | null | undefined | void;

type OnBackward = (grads: BackwardHookGrads) => BackwardHookGrads;

/**
 * The identity node. Its first argument is what backward calls (a closure
 * over the hook state, never over tensors), its second whether backward
 * gets zeros for missing gradients: the input side does (PyTorch hands the
 * hooks zeros for inputs that don't require grad), the output side does not
 * (hooks see None for outputs that got no gradient).
 */
class BackwardHookFunction extends Function {
  static override forward(ctx: FunctionCtx, onBackward: OnBackward, materialize: boolean, ...tensors: Tensor[]) {
    ctx.onBackward = onBackward;
    ctx.setMaterializeGrads(materialize);
    ctx.markNonDifferentiable(...tensors.filter((t) => !t.requiresGrad));
    return tensors;
  }

  static override backward(ctx: FunctionCtx, ...grads: BackwardHookGrads) {
    return [null, null, ...(ctx.onBackward as OnBackward)(grads)];
  }
}

/** PyTorch's `_pack_with_none`: `values` at `indices` of a `size`-long list, null elsewhere. */
function packWithNone(indices: readonly number[], values: BackwardHookGrads, size: number): BackwardHookGrads {
  const out: BackwardHookGrads = new Array<Tensor | null>(size).fill(null);
  indices.forEach((idx, k) => (out[idx] = values[k] ?? null));
  return out;
}

/**
 * Wraps the tensors among `args` in one identity node when some requires
 * grad (and grad mode is on; otherwise nothing can reach a hook). Returns
 * the new args and the tensors' positions, or null positions when not wrapped.
 */
function applyOnTensors(args: readonly unknown[], onBackward: OnBackward, materialize: boolean): [unknown[], number[] | null] {
  const idx: number[] = [];
  args.forEach((a, i) => {
    if (a instanceof Tensor) idx.push(i);
  });
  const tensors = idx.map((i) => args[i] as Tensor);
  if (!tensors.some((t) => t.requiresGrad) || !isRecording()) return [[...args], null];
  const out = BackwardHookFunction.apply(onBackward, materialize, ...tensors) as Tensor[];
  const res = [...args];
  idx.forEach((i, k) => (res[i] = out[k]));
  return [res, idx];
}

/** One forward call's hook state: hooks as they were at that call, and the output gradients between the two nodes. */
export class BackwardHook {
  private gradOutputs: BackwardHookGrads | null = null;
  private nInputs = 0;
  private inputIndex: number[] | null = null;
  private nOutputs = 0;
  private outputIndex: number[] | null = null;

  constructor(
    private readonly module: Module,
    private readonly hooks: readonly FullBackwardHook[],
    private readonly preHooks: readonly FullBackwardPreHook[],
  ) {}

  setupInputHook(args: readonly unknown[]): unknown[] {
    const [res, idx] = applyOnTensors(args, (grads) => this.onInputGrads(grads), true);
    this.nInputs = args.length;
    this.inputIndex = idx;
    return res;
  }

  setupOutputHook(result: unknown): unknown {
    const isTuple = Array.isArray(result);
    const outs: unknown[] = isTuple ? result : [result];
    const [res, idx] = applyOnTensors(outs, (grads) => this.onOutputGrads(grads), false);
    this.nOutputs = outs.length;
    this.outputIndex = idx;
    return isTuple ? res : res[0];
  }

  /** Gradients w.r.t. the outputs arrive: pre-hooks may replace them; with no input requiring grad, the hooks run here. */
  private onOutputGrads(grads: BackwardHookGrads): BackwardHookGrads {
    const idx = this.outputIndex!;
    this.gradOutputs = packWithNone(idx, grads, this.nOutputs);
    for (const hook of this.preHooks) {
      const r = hook(this.module, this.gradOutputs);
      if (r === undefined || r === null) continue;
      if (r.length !== this.gradOutputs.length) {
        throw new Error(`Backward pre hook returned an invalid number of grad_output, got ${r.length}, but expected ${this.gradOutputs.length}`);
      }
      this.gradOutputs = r;
    }
    const local = this.gradOutputs;
    if (this.inputIndex === null) {
      const gradInputs = packWithNone([], [], this.nInputs);
      for (const hook of this.hooks) {
        const r = hook(this.module, gradInputs, local);
        if (r !== undefined && r !== null && !(Array.isArray(r) && r.every((g) => g === null || g === undefined))) {
          throw new Error("Backward hook for Modules where no input requires gradient should always return None or None for all gradients.");
        }
      }
      this.gradOutputs = null;
    }
    return idx.map((i) => local[i] ?? null);
  }

  /** Gradients w.r.t. the inputs arrive: the full backward hooks see them with the output gradients and may replace them. */
  private onInputGrads(grads: BackwardHookGrads): BackwardHookGrads {
    const idx = this.inputIndex!;
    // (gradients that reached the inputs without passing through the outputs)
    if (this.gradOutputs === null) return grads;
    let res = packWithNone(idx, grads, this.nInputs);
    for (const hook of this.hooks) {
      const r = hook(this.module, res, this.gradOutputs);
      if (r === undefined || r === null) continue;
      if (r.length !== res.length) throw new Error(`Backward hook returned an invalid number of grad_input, got ${r.length}, but expected ${res.length}`);
      res = r;
    }
    this.gradOutputs = null;
    return idx.map((i) => res[i] ?? null);
  }
}
