/**
 * `torch.autograd.functional`: Jacobians, Hessians and vector products of a
 * whole function, built on `autograd.grad` as PyTorch 2.x builds them.
 *
 * PyTorch's tuples are arrays here: a single Tensor in gives a Tensor out, an
 * array in gives an array out (nested, for jacobian/hessian when both sides
 * are arrays). Results don't require grad unless `createGraph`.
 */
import type { Tensor } from "../tensor/tensor.js";
import { stack } from "../ops/indexing.js";
import { zerosLike } from "../ops/factories.js";
import { grad } from "./engine.js";
import { isTensor } from "./function.js";
import { isGradEnabled, runInMode, withGrad } from "./grad-mode.js";

export interface FunctionalOptions {
  /** Compute results differentiably (they then keep their graph). */
  createGraph?: boolean;
  /** Throw when some output is independent of some input, instead of returning zeros. */
  strict?: boolean;
}

export interface JacobianOptions extends FunctionalOptions {
  /**
   * Accepted for PyTorch compatibility and otherwise ignored: torchlet has no
   * vmap, so the Jacobian is always computed one output element at a time
   * (same values). Only its PyTorch error with `strict` is kept.
   */
  vectorize?: boolean;
  /** Only `"reverse-mode"` computes (torchlet has no forward-mode AD). */
  strategy?: "reverse-mode" | "forward-mode";
}

export interface HessianOptions extends FunctionalOptions {
  /** As in `JacobianOptions.vectorize`: ignored. */
  vectorize?: boolean;
  outerJacobianStrategy?: "reverse-mode" | "forward-mode";
}

type Fn = (...xs: Tensor[]) => Tensor | Tensor[];
type Maybe = Tensor | null;

/** PyTorch's `_as_tuple`: whether `x` was an array, and its tensors; TypeError for anything else. */
function asTuple(x: unknown, argName: string, fnName: string): [boolean, Tensor[]] {
  const isTuple = Array.isArray(x);
  const items: unknown[] = isTuple ? x : [x];
  items.forEach((el, i) => {
    if (isTensor(el)) return;
    const where = isTuple ? `the value at index ${i}` : `the given ${argName}`;
    throw new TypeError(`The ${argName} given to ${fnName} must be either a Tensor or a tuple of Tensors but ${where} has type ${typeName(el)}.`);
  });
  return [isTuple, items as Tensor[]];
}

function typeName(x: unknown): string {
  return x === null ? "null" : Array.isArray(x) ? "Array" : typeof x;
}

/**
 * New tensor objects for the inputs, so that the function's own captured
 * references to the same tensors are told apart from the arguments: a view
 * (keeping the graph) under createGraph, a detached copy otherwise.
 */
function preprocess(xs: readonly Tensor[], createGraph: boolean, needGraph: boolean): Tensor[] {
  return xs.map((x) => (createGraph && x.requiresGrad ? x.viewAs(x) : x.detach().requiresGrad_(needGraph)));
}

function postprocess<T>(res: T, createGraph: boolean): T {
  if (createGraph) return res;
  return (Array.isArray(res) ? res.map((r) => postprocess(r, false)) : (res as Tensor).detach()) as T;
}

function sizeStr(t: Tensor): string {
  return `torch.Size([${t.shape.join(", ")}])`;
}

function validateV(v: readonly Tensor[], other: readonly Tensor[], isOtherTuple: boolean): void {
  if (v.length !== other.length) {
    throw new Error(isOtherTuple ? `v is a tuple of invalid length: should be ${other.length} but got ${v.length}.` : "The given v should contain a single Tensor.");
  }
  v.forEach((el, i) => {
    const o = other[i]!;
    if (el.shape.length !== o.shape.length || el.shape.some((d, k) => d !== o.shape[k])) {
      throw new Error(`${isOtherTuple ? `Entry ${i} in ` : ""}v has invalid size: should be ${sizeStr(o)} but got ${sizeStr(el)}.`);
    }
  });
}

type CheckKind = "outputs" | "grad_inputs" | "jacobian" | "hessian";

/** Strict mode's check that each tensor of `xs` depends on the inputs. */
function checkRequiresGrad(xs: readonly Maybe[], kind: CheckKind, strict: boolean): void {
  if (!strict) return;
  xs.forEach((x, i) => {
    if (x === null) throw new Error(`The output of the user-provided function is independent of input ${i}. This is not allowed in strict mode.`);
    if (x.requiresGrad) return;
    const messages: Record<CheckKind, string> = {
      hessian:
        `The hessian of the user-provided function with respect to input ${i} is independent of the input. This is not allowed in strict mode. ` +
        "You should ensure that your function is thrice differentiable and that the hessian depends on the inputs.",
      jacobian:
        `While computing the hessian, found that the jacobian of the user-provided function with respect to input ${i} is independent of the input. ` +
        "This is not allowed in strict mode. You should ensure that your function is twice differentiable and that the jacobian depends on the inputs " +
        "(this would be violated by a linear function for example).",
      grad_inputs: `The gradient with respect to input ${i} is independent of the inputs of the user-provided function. This is not allowed in strict mode.`,
      outputs:
        `Output ${i} of the user-provided function does not require gradients. ` +
        "The outputs must be computed in a differentiable manner from the input when running in strict mode.",
    };
    throw new Error(messages[kind]);
  });
}

/** `autograd.grad` that skips outputs that are null or don't require grad, and gives null for unused inputs. */
function gradOf(outputs: readonly Maybe[], inputs: readonly Tensor[], gradOutputs: readonly Maybe[] | null, createGraph: boolean, retainGraph = createGraph): Maybe[] {
  const outs: Tensor[] = [], gos: Maybe[] = [];
  outputs.forEach((o, i) => {
    if (o === null || !o.requiresGrad) return;
    outs.push(o);
    gos.push(gradOutputs?.[i] ?? null);
  });
  if (outs.length === 0) return inputs.map(() => null);
  return grad(outs, inputs, { gradOutputs: gos, allowUnused: true, createGraph, retainGraph });
}

type Stage = "back" | "back_trick" | "double_back" | "double_back_trick";

/** Zeros for null gradients (the mathematical value), or strict mode's error naming the stage that found it. */
function fillInZeros(grads: readonly Maybe[], refs: readonly Tensor[], strict: boolean, createGraph: boolean, stage: Stage): Tensor[] {
  return grads.map((g, i) => {
    if (g === null) {
      if (strict) {
        const messages: Record<Stage, string> = {
          back: `The output of the user-provided function is independent of input ${i}. This is not allowed in strict mode.`,
          back_trick:
            `The gradient with respect to the input is independent of entry ${i} in the grad_outputs when using the double backward trick to compute ` +
            "forward mode gradients. This is not allowed in strict mode.",
          double_back: `The jacobian of the user-provided function is independent of input ${i}. This is not allowed in strict mode.`,
          double_back_trick:
            `The hessian of the user-provided function is independent of entry ${i} in the grad_jacobian. This is not allowed in strict mode as it ` +
            "prevents from using the double backward trick to replace forward mode AD.",
        };
        throw new Error(messages[stage]);
      }
      return zerosLike(refs[i]!);
    }
    if (strict && createGraph && !g.requiresGrad) {
      const what = stage.startsWith("double") ? "hessian" : "jacobian";
      throw new Error(`The ${what} of the user-provided function is independent of input ${i}. This is not allowed in strict mode when create_graph=True.`);
    }
    return g;
  });
}

/** PyTorch's `_tuple_postprocess`: unwraps the levels that were single tensors. */
function unpack<T>(res: T[], isTuple: boolean): T | T[] {
  return isTuple ? res : res[0]!;
}

function unpack2(res: Tensor[][], outerTuple: boolean, innerTuple: boolean): Tensor | Tensor[] | Tensor[][] {
  const inner = innerTuple ? res : res.map((r) => r[0]!);
  return outerTuple ? inner : inner[0]!;
}

const enabled = <R>(fn: () => R): R => runInMode(withGrad(true), fn);

/** Runs the backward half of a product in grad mode when createGraph (else in the caller's mode), as PyTorch. */
const backHalf = <R>(createGraph: boolean, fn: () => R): R => runInMode(withGrad(createGraph || isGradEnabled()), fn);

function vOrCheck(v: unknown, fnName: string, against: readonly Tensor[], isTuple: boolean, createGraph: boolean, noneMessage: string, noneOk: boolean): Tensor[] | null {
  if (v !== undefined && v !== null) {
    const [, vs] = asTuple(v, "v", fnName);
    const pre = preprocess(vs, createGraph, false);
    validateV(pre, against, isTuple);
    return pre;
  }
  if (!noneOk) throw new Error(noneMessage);
  return null;
}

const V_INPUT_NONE = "The vector v can only be None if the input to the user-provided function is a single Tensor with a single element.";

/**
 * `v` times the Jacobian of `func` at `inputs`. Returns `[func(inputs), vjp]`; vjp has the inputs' shapes.
 *
 * @example
 * const [out, g] = torch.autograd.functional.vjp((x) => x.pow(2), torch.tensor([1, 2]), torch.tensor([1, 1]));
 * g.tolist(); // [2, 4]
 */
export function vjp(func: (...xs: Tensor[]) => Tensor, inputs: Tensor, v?: Tensor | null, options?: FunctionalOptions): [Tensor, Tensor];
export function vjp(func: (...xs: Tensor[]) => Tensor[], inputs: Tensor, v?: readonly Tensor[] | null, options?: FunctionalOptions): [Tensor[], Tensor];
export function vjp(func: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], v?: Tensor | null, options?: FunctionalOptions): [Tensor, Tensor[]];
export function vjp(func: (...xs: Tensor[]) => Tensor[], inputs: readonly Tensor[], v?: readonly Tensor[] | null, options?: FunctionalOptions): [Tensor[], Tensor[]];
export function vjp(func: Fn, inputs: Tensor | readonly Tensor[], v?: Tensor | readonly Tensor[] | null, options: FunctionalOptions = {}): [unknown, unknown] {
  const createGraph = options.createGraph ?? false, strict = options.strict ?? false;
  const [isInTuple, ins, isOutTuple, outs, vs] = enabled(() => {
    const [isInTuple, raw] = asTuple(inputs, "inputs", "vjp");
    const ins = preprocess(raw, createGraph, true);
    const [isOutTuple, outs] = asTuple(func(...ins), "outputs of the user-provided function", "vjp");
    checkRequiresGrad(outs, "outputs", strict);
    const single = outs.length === 1 && outs[0]!.numel() === 1;
    const vs = vOrCheck(v, "vjp", outs, isOutTuple, createGraph,
      "The vector v can only be None if the user-provided function returns a single Tensor with a single element.", single);
    return [isInTuple, ins, isOutTuple, outs, vs] as const;
  });
  const res = backHalf(createGraph, () => fillInZeros(gradOf(outs, ins, vs, createGraph), ins, strict, createGraph, "back"));
  return [unpack(postprocess(outs, createGraph), isOutTuple), unpack(postprocess(res, createGraph), isInTuple)];
}

/**
 * The Jacobian of `func` at `inputs` times `v`, by the double-backward trick
 * (as PyTorch: the backward of the backward, no forward-mode AD). Returns
 * `[func(inputs), jvp]`; jvp has the outputs' shapes.
 *
 * @example
 * const [, t] = torch.autograd.functional.jvp((x) => x.pow(2), torch.tensor([1, 2]), torch.tensor([1, 1]));
 * t.tolist(); // [2, 4]
 */
export function jvp(func: (...xs: Tensor[]) => Tensor, inputs: Tensor, v?: Tensor | null, options?: FunctionalOptions): [Tensor, Tensor];
export function jvp(func: (...xs: Tensor[]) => Tensor[], inputs: Tensor, v?: Tensor | null, options?: FunctionalOptions): [Tensor[], Tensor[]];
export function jvp(func: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], v?: readonly Tensor[] | null, options?: FunctionalOptions): [Tensor, Tensor];
export function jvp(func: (...xs: Tensor[]) => Tensor[], inputs: readonly Tensor[], v?: readonly Tensor[] | null, options?: FunctionalOptions): [Tensor[], Tensor[]];
export function jvp(func: Fn, inputs: Tensor | readonly Tensor[], v?: Tensor | readonly Tensor[] | null, options: FunctionalOptions = {}): [unknown, unknown] {
  const createGraph = options.createGraph ?? false, strict = options.strict ?? false;
  const [isOutTuple, outs, vs, gradInputs, gradOutputs] = enabled(() => {
    const [isInTuple, raw] = asTuple(inputs, "inputs", "jvp");
    const ins = preprocess(raw, createGraph, true);
    const vs = vOrCheck(v, "jvp", ins, isInTuple, createGraph, V_INPUT_NONE, ins.length === 1 && ins[0]!.numel() === 1);
    const [isOutTuple, outs] = asTuple(func(...ins), "outputs of the user-provided function", "jvp");
    checkRequiresGrad(outs, "outputs", strict);
    // backward is linear in its incoming gradient: its value never shows in the
    // double-backward graph (zeros: anything finite would do)
    const gradOutputs = outs.map((o) => zerosLike(o, { requiresGrad: true }));
    const gradInputs = gradOf(outs, ins, gradOutputs, true);
    checkRequiresGrad(gradInputs, "grad_inputs", strict);
    return [isOutTuple, outs, vs, gradInputs, gradOutputs] as const;
  });
  const run = () => fillInZeros(gradOf(gradInputs, gradOutputs, vs, createGraph), outs, strict, createGraph, "back_trick");
  const res = createGraph ? enabled(run) : run();
  return [unpack(postprocess(outs, createGraph), isOutTuple), unpack(postprocess(res, createGraph), isOutTuple)];
}

/**
 * The Jacobian of `func` at `inputs`: for output shape O and input shape I a
 * tensor of shape O ++ I. With arrays of inputs and/or outputs the result is
 * an array (per input or per output), or an array of arrays `[output][input]`.
 *
 * @example
 * const J = torch.autograd.functional.jacobian((x) => x.pow(2), torch.tensor([1, 2, 3]));
 * J.tolist(); // [[2, 0, 0], [0, 4, 0], [0, 0, 6]]
 */
export function jacobian(func: (...xs: Tensor[]) => Tensor, inputs: Tensor, options?: JacobianOptions): Tensor;
export function jacobian(func: (...xs: Tensor[]) => Tensor[], inputs: Tensor, options?: JacobianOptions): Tensor[];
export function jacobian(func: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], options?: JacobianOptions): Tensor[];
export function jacobian(func: (...xs: Tensor[]) => Tensor[], inputs: readonly Tensor[], options?: JacobianOptions): Tensor[][];
export function jacobian(func: Fn, inputs: Tensor | readonly Tensor[], options: JacobianOptions = {}): Tensor | Tensor[] | Tensor[][] {
  const createGraph = options.createGraph ?? false, strict = options.strict ?? false;
  const strategy = options.strategy ?? "reverse-mode";
  if (strategy !== "reverse-mode" && strategy !== "forward-mode") {
    throw new Error(
      'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your function has more outputs than inputs, ' +
        '"forward-mode" tends to be more performant. Otherwise, prefer to use "reverse-mode".',
    );
  }
  if (strategy === "forward-mode") {
    throw new Error('torchlet: jacobian with strategy "forward-mode" is not supported (torchlet has no forward-mode AD); use "reverse-mode", which gives the same values.');
  }
  return enabled(() => {
    const [isInTuple, raw] = asTuple(inputs, "inputs", "jacobian");
    const ins = preprocess(raw, createGraph, true);
    const [isOutTuple, outs] = asTuple(func(...ins), "outputs of the user-provided function", "jacobian");
    checkRequiresGrad(outs, "outputs", strict);
    if (options.vectorize && strict) {
      throw new Error("torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not supported together. Please either set `strict=False` or `vectorize=False`.");
    }
    const jac = outs.map((out, i) => {
      const n = out.numel();
      const flat = out.reshape([n]);
      // rows[k][j]: d out[j] / d ins[k], one backward per output element
      const rows: Tensor[][] = ins.map(() => []);
      for (let j = 0; j < n; j++) {
        const vj = gradOf([flat.select(0, j)], ins, null, createGraph, true);
        vj.forEach((g, k) => {
          if (g === null) {
            if (strict) throw new Error(`Output ${i} of the user-provided function is independent of input ${k}. This is not allowed in strict mode.`);
            rows[k]!.push(zerosLike(ins[k]!));
            return;
          }
          if (strict && createGraph && !g.requiresGrad) {
            // (PyTorch names the output's index here)
            throw new Error(`The jacobian of the user-provided function is independent of input ${i}. This is not allowed in strict mode when create_graph=True.`);
          }
          rows[k]!.push(g);
        });
      }
      return rows.map((r, k) => stack(r, 0).view([...out.shape, ...ins[k]!.shape]));
    });
    return unpack2(postprocess(jac, createGraph), isOutTuple, isInTuple);
  });
}

/**
 * The Hessian of a function returning one element: for one input of shape I a
 * tensor of shape I ++ I; for an array of inputs an array of arrays `[i][j]`.
 *
 * @example
 * const H = torch.autograd.functional.hessian((x) => x.pow(3).sum(), torch.tensor([1, 2]));
 * H.tolist(); // [[6, 0], [0, 12]]
 */
export function hessian(func: (...xs: Tensor[]) => Tensor, inputs: Tensor, options?: HessianOptions): Tensor;
export function hessian(func: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], options?: HessianOptions): Tensor[][];
export function hessian(func: (...xs: Tensor[]) => Tensor, inputs: Tensor | readonly Tensor[], options: HessianOptions = {}): Tensor | Tensor[][] {
  const strict = options.strict ?? false;
  const [isInTuple, ins] = asTuple(inputs, "inputs", "hessian");
  const singleOutput = (...xs: Tensor[]): Tensor => {
    const out: unknown = func(...xs);
    const [isOutTuple, outs] = asTuple(out, "outputs of the user-provided function", "hessian");
    checkRequiresGrad(outs, "outputs", strict);
    if (isOutTuple) throw new Error("The function given to hessian should return a single Tensor");
    if (outs[0]!.numel() !== 1) throw new Error("The Tensor returned by the function given to hessian should contain a single element");
    return outs[0]!.squeeze();
  };
  // the Hessian is the Jacobian of the (differentiably computed) gradient
  const gradient = (...xs: Tensor[]): Tensor[] => {
    const g = jacobian(singleOutput, xs, { createGraph: true });
    checkRequiresGrad(g, "jacobian", strict);
    return g;
  };
  const res = jacobian(gradient, ins, {
    createGraph: options.createGraph ?? false, strict, vectorize: options.vectorize ?? false, strategy: options.outerJacobianStrategy ?? "reverse-mode",
  });
  return isInTuple ? res : res[0]![0]!;
}

/** The common first half of vhp and hvp: outputs checked to be one element, and the gradient with a graph. */
function scalarGradient(func: Fn, inputs: Tensor | readonly Tensor[], v: unknown, fnName: string, createGraph: boolean, strict: boolean) {
  const [isInTuple, raw] = asTuple(inputs, "inputs", fnName);
  const ins = preprocess(raw, createGraph, true);
  const vs = vOrCheck(v, fnName, ins, isInTuple, createGraph, V_INPUT_NONE, ins.length === 1 && ins[0]!.numel() === 1);
  const [isOutTuple, outs] = asTuple(func(...ins), "outputs of the user-provided function", fnName);
  checkRequiresGrad(outs, "outputs", strict);
  if (isOutTuple) throw new Error(`The function given to ${fnName} should return a single Tensor`);
  if (outs[0]!.numel() !== 1) throw new Error(`The Tensor returned by the function given to ${fnName} should contain a single element`);
  const jac = gradOf(outs, ins, null, true);
  checkRequiresGrad(jac, "jacobian", strict);
  return { isInTuple, ins, vs, out: outs[0]!, jac };
}

/**
 * `v` times the Hessian of a one-element function. Returns `[func(inputs), vhp]`.
 *
 * @example
 * const [, r] = torch.autograd.functional.vhp((x) => x.pow(3).sum(), torch.tensor([1, 2]), torch.tensor([1, 1]));
 * r.tolist(); // [6, 12]
 */
export function vhp(func: (...xs: Tensor[]) => Tensor, inputs: Tensor, v?: Tensor | null, options?: FunctionalOptions): [Tensor, Tensor];
export function vhp(func: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], v?: readonly Tensor[] | null, options?: FunctionalOptions): [Tensor, Tensor[]];
export function vhp(func: Fn, inputs: Tensor | readonly Tensor[], v?: Tensor | readonly Tensor[] | null, options: FunctionalOptions = {}): [Tensor, Tensor | Tensor[]] {
  const createGraph = options.createGraph ?? false, strict = options.strict ?? false;
  const { isInTuple, ins, vs, out, jac } = enabled(() => scalarGradient(func, inputs, v, "vhp", createGraph, strict));
  const res = backHalf(createGraph, () => fillInZeros(gradOf(jac, ins, vs, createGraph), ins, strict, createGraph, "double_back"));
  return [postprocess(out, createGraph), unpack(postprocess(res, createGraph), isInTuple)];
}

/**
 * The Hessian of a one-element function times `v`, by the double-backward
 * trick (slower than vhp; equal to it for twice continuously differentiable
 * functions). Returns `[func(inputs), hvp]`.
 *
 * @example
 * const [, r] = torch.autograd.functional.hvp((x) => x.pow(3).sum(), torch.tensor([1, 2]), torch.tensor([1, 0]));
 * r.tolist(); // [6, 0]
 */
export function hvp(func: (...xs: Tensor[]) => Tensor, inputs: Tensor, v?: Tensor | null, options?: FunctionalOptions): [Tensor, Tensor];
export function hvp(func: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], v?: readonly Tensor[] | null, options?: FunctionalOptions): [Tensor, Tensor[]];
export function hvp(func: Fn, inputs: Tensor | readonly Tensor[], v?: Tensor | readonly Tensor[] | null, options: FunctionalOptions = {}): [Tensor, Tensor | Tensor[]] {
  const createGraph = options.createGraph ?? false, strict = options.strict ?? false;
  const { isInTuple, ins, vs, out, gradJac, doubleBack } = enabled(() => {
    const s = scalarGradient(func, inputs, v, "hvp", createGraph, strict);
    const gradJac = s.ins.map((x) => zerosLike(x, { requiresGrad: true }));
    const doubleBack = gradOf(s.jac, s.ins, gradJac, true);
    // (PyTorch checks the jacobian again here, not doubleBack)
    checkRequiresGrad(s.jac, "hessian", strict);
    return { ...s, gradJac, doubleBack };
  });
  const res = backHalf(createGraph, () => fillInZeros(gradOf(doubleBack, gradJac, vs, createGraph), ins, strict, createGraph, "double_back_trick"));
  return [postprocess(out, createGraph), unpack(postprocess(res, createGraph), isInTuple)];
}
