import { runInMode, withGrad, isRecording } from "./grad-mode.js";
import type { Tensor } from "../tensor/tensor.js";
import { gradientEdge } from "./engine.js";
import { Node } from "./node.js";
import { currentSavedTensorsHooks } from "./saved-tensor-hooks.js";
import { makeView } from "../ops/core.js";
import { VIEW_IN_CUSTOM_FUNCTION, VIEW_MULTI_OUTPUT } from "../ops/view-meta.js";
import { zeros } from "../ops/factories.js";
import { isFloating } from "../tensor/dtype.js";

/** The `ctx` a custom Function's forward and backward share. */
export class FunctionCtx {
  /** For each forward argument: whether its gradient is needed. */
  needsInputGrad: boolean[] = [];
  /** @internal (null entries are kept: PyTorch lets save_for_backward take None) */
  _toSave: (Tensor | null)[] = [];
  /** @internal */
  _dirty: Tensor[] = [];
  /** @internal */
  _nonDifferentiable: Tensor[] = [];
  /** @internal set while backward runs */
  _node: Node | null = null;
  /** @internal whether backward gets zeros (not null) for outputs that got no gradient */
  _materializeGrads = true;
  /** Any other state forward wants to hand to backward. */
  [key: string]: unknown;

  /** Keeps tensors (or nulls) for backward; in-place changes to them afterwards are detected. */
  saveForBackward(...tensors: (Tensor | null)[]): void {
    this._toSave = tensors;
  }

  /** The tensors given to `saveForBackward` (nulls where null was given), checked against later in-place changes. */
  get savedTensors(): (Tensor | null)[] {
    if (this._node === null) return this._toSave;
    const unpacked = this._node.savedTensors;
    let k = 0;
    return this._savedNulls.map((isNull) => (isNull ? null : unpacked[k++]!));
  }

  /** @internal which entries of savedTensors were null (the node keeps only the tensors) */
  _savedNulls: boolean[] = [];

  /** Declares inputs that forward modified in place (and returns). */
  markDirty(...tensors: Tensor[]): void {
    this._dirty = tensors;
  }

  /**
   * Declares outputs that are not differentiable (indices, masks): they don't
   * require grad, and backward always gets zeros (or null, without
   * materialized grads) for them.
   */
  markNonDifferentiable(...outputs: Tensor[]): void {
    this._nonDifferentiable = outputs;
  }

  /** Whether backward gets zeros (the default, as PyTorch) or null for outputs that got no gradient. */
  setMaterializeGrads(value: boolean): void {
    this._materializeGrads = value;
  }
}

/** Runs a custom Function's forward without recording. */
function runForward(cls: typeof Function, ctx: FunctionCtx, args: unknown[]): Tensor | Tensor[] {
  return runInMode(withGrad(false), () => cls.forward(ctx, ...args));
}

/** @internal a tensor, told apart from other arguments without importing the Tensor class */
export function isTensor(x: unknown): x is Tensor {
  return typeof x === "object" && x !== null && "storage" in x && "shape" in x && "gradFn" in x;
}

/**
 * An input returned as it is (not marked dirty) comes back as a new alias of
 * it, as PyTorch's view_as: giving the input itself the Function's node would
 * turn a leaf into a non-leaf. Unrecorded, an input that requires grad comes
 * back detached and any other as an alias made in no_grad mode (PyTorch's
 * _wrap_outputs). (A function, not an arrow in apply: an arrow there
 * mentioning the inputs would keep them alive with the backward closure.)
 */
function aliasReturnedInputs(result: Tensor | Tensor[], inputs: readonly (Tensor | null)[], dirty: readonly Tensor[], recording: boolean): Tensor | Tensor[] {
  const alias = (o: Tensor): Tensor => {
    if (!isTensor(o) || !inputs.includes(o) || dirty.includes(o)) return o;
    if (recording) return makeView(o, o.shape, o.strides, o.offset);
    return o.requiresGrad ? o.detach() : runInMode(withGrad(false), () => makeView(o, o.shape, o.strides, o.offset));
  };
  return Array.isArray(result) ? result.map(alias) : alias(result);
}

/**
 * PyTorch's rule for the views a custom Function returns (a view made in its
 * forward, or an input's alias; not an input marked dirty): changing one in
 * place, or its base, is forbidden, since the view+inplace logic would
 * bypass the custom backward; where several outputs are differentiable, the
 * multi-output rule applies instead.
 */
function markReturnedViews(outputs: readonly unknown[], dirty: readonly Tensor[], multi: boolean): void {
  for (const o of outputs) {
    if (!isTensor(o) || o._base === null || o._inference || dirty.includes(o)) continue;
    o._creationMeta = multi ? VIEW_MULTI_OUTPUT : VIEW_IN_CUSTOM_FUNCTION;
    o._viewVersion = o.storage.version;
  }
}

/**
 * Custom autograd ops, PyTorch's way: subclass, write static `forward(ctx, ...args)`
 * and `backward(ctx, ...grads)`, call `MyFn.apply(...args)`.
 *
 * @example
 * class Square extends torch.autograd.Function {
 *   static forward(ctx: torch.autograd.FunctionCtx, x: torch.Tensor) { ctx.saveForBackward(x); return x.mul(x); }
 *   static backward(ctx: torch.autograd.FunctionCtx, g: torch.Tensor) { const [x] = ctx.savedTensors; return g.mul(x!).mul(2); }
 * }
 * const y = Square.apply(x);
 */
export class Function {
  static forward(_ctx: FunctionCtx, ..._args: any[]): Tensor | Tensor[] {
    throw new Error("You must implement the forward function for custom autograd.Function.");
  }

  static backward(_ctx: FunctionCtx, ..._grads: any[]): Tensor | null | (Tensor | null)[] {
    throw new Error("You must implement either the backward or vjp method for your custom autograd.Function to use it with backward mode AD.");
  }

  static apply<T extends typeof Function>(this: T, ...args: any[]): any {
    const ctx = new FunctionCtx();
    const tensorArgs = args.map((a) => (isTensor(a) ? a : null));
    ctx.needsInputGrad = tensorArgs.map((t) => t !== null && t.requiresGrad);
    const recording = ctx.needsInputGrad.some(Boolean) && isRecording();
    // (a helper, not an arrow here: an arrow mentioning `args` would keep the inputs alive in the backward closure's context)
    let result = runForward(this, ctx, args);
    if (!recording) {
      // PyTorch bumps the version of what forward marked dirty whether or not it records
      for (const d of new Set(ctx._dirty)) d.storage.version++;
      result = aliasReturnedInputs(result, tensorArgs, ctx._dirty, false);
      markReturnedViews(Array.isArray(result) ? result : [result], ctx._dirty, false);
      return result;
    }
    // (before aliasing: ctx names the tensors forward returned)
    const nonDifferentiable = (Array.isArray(result) ? result : [result]).map((o) => ctx._nonDifferentiable.includes(o));
    ctx._nonDifferentiable = [];
    result = aliasReturnedInputs(result, tensorArgs, ctx._dirty, true);
    const outputs = Array.isArray(result) ? result : [result];
    // what backward needs to make zeros for outputs that got no gradient
    const outMeta = outputs.map((o) => (isTensor(o) ? { shape: o.shape, dtype: o.dtype } : null));

    for (const d of ctx._dirty) {
      if (!outputs.includes(d)) {
        throw new Error(
          "Some elements marked as dirty during the forward method were not returned as output. The inputs that are modified inplace must all be outputs of the Function.",
        );
      }
      if (d.isLeaf && d.requiresGrad) throw new Error("a leaf Variable that requires grad has been used in an in-place operation.");
      d.storage.version++;
    }
    const argIsTensor = tensorArgs.map((t) => t !== null);
    const cls = this;
    const nArgs = args.length; // the closure below must not hold the inputs
    const node = new Node(
      `${this.name}Backward`,
      tensorArgs.map((t) => (t !== null && t.requiresGrad ? gradientEdge(t) : null)),
      tensorArgs.map((t) => (t !== null ? { shape: t.shape, dtype: t.dtype } : null)),
      (grads) => {
        ctx._node = node;
        const given = ctx._materializeGrads ? grads.map((g, i) => g ?? (outMeta[i] ? zeros([...outMeta[i].shape], { dtype: outMeta[i].dtype }) : null)) : grads;
        const out = cls.backward(ctx, ...given);
        const list = Array.isArray(out) ? out : [out];
        if (list.length !== nArgs) {
          throw new Error(`function ${cls.name}Backward returned an incorrect number of gradients (expected ${nArgs}, got ${list.length})`);
        }
        list.forEach((g, i) => {
          if (g !== null && g !== undefined && !argIsTensor[i]) {
            throw new Error(
              `function ${cls.name}Backward returned a gradient different than None at position ${i + 1}, but the corresponding forward input was not a Variable`,
            );
          }
        });
        return list;
      },
      ctx._toSave.filter((t): t is Tensor => t !== null),
      outputs.length,
    );
    node.userCode = true;
    // from now on the node holds the saved tensors (and frees them after backward)
    ctx._node = node;
    ctx._savedNulls = ctx._toSave.map((t) => t === null);
    ctx._toSave = [];
    outputs.forEach((o, i) => {
      // integer and bool outputs are not differentiable; marked ones neither (their gradient stays null: zeros in backward)
      if (!isTensor(o) || !isFloating(o.dtype) || nonDifferentiable[i]) return;
      o.gradFn = node;
      o.outputNr = i;
      o._requiresGrad = true;
    });
    markReturnedViews(outputs, ctx._dirty, outputs.filter((o) => isTensor(o) && o._gradFn === node).length > 1);
    // a saved output (one this node now produces) is named after this node in the in-place error, as PyTorch's
    node.markSavedOutputs(outputs.map((o) => (isTensor(o) && o.gradFn === node ? o : null)));
    // saveForBackward's tensors go through the saved-tensor hooks in force, as PyTorch's save_for_backward
    const hooks = currentSavedTensorsHooks();
    if (hooks !== null) node.packSaved(hooks);
    return result;
  }
}
