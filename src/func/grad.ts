/**
 * `torch.func.grad` and `gradAndValue` (PyTorch 2.x's torch.func, formerly
 * functorch): the gradient of a scalar function as a new function.
 */
import { grad as autogradGrad } from "../autograd/engine.js";
import { zerosLike } from "../ops/factories.js";
import { Tensor } from "../tensor/tensor.js";
import { resolveArgnums, replaceArgs, sliceArgs, type Argnums } from "./argnums.js";
import { Level } from "./level.js";
import { pyType, treeFlatten, treeUnflatten } from "./pytree.js";
import type { ArgnumsResult, AuxOf } from "./types.js";

export interface GradOptions<N extends Argnums = Argnums, H extends boolean = boolean> {
  /** Which positional arguments to differentiate (default 0); an array gives an array of gradients. */
  argnums?: N;
  /** `fn` returns `[output, aux]`; `aux` is returned beside the gradient, not differentiated. */
  hasAux?: H;
}

/**
 * PyTorch's `_autograd_grad`: gradients of `outputs` (those that require
 * grad) with respect to `inputs`, zeros where an input is not used.
 * @internal
 */
export function gradOrZeros(
  outputs: readonly Tensor[],
  inputs: readonly Tensor[],
  cotangents: readonly (Tensor | null)[] | null,
  options: { createGraph: boolean; retainGraph: boolean },
): Tensor[] {
  const outs: Tensor[] = [], cots: (Tensor | null)[] = [];
  outputs.forEach((o, i) => {
    if (!o.requiresGrad) return;
    outs.push(o);
    cots.push(cotangents?.[i] ?? null);
  });
  if (outs.length === 0 || inputs.length === 0) return inputs.map((x) => zerosLike(x));
  const gs = autogradGrad(outs, inputs, { gradOutputs: cots, allowUnused: true, createGraph: options.createGraph, retainGraph: options.retainGraph });
  return gs.map((g, i) => g ?? zerosLike(inputs[i]!));
}

/** Splits `[output, aux]` when hasAux. */
export function splitAux(out: unknown, hasAux: boolean, api: string): [unknown, unknown] {
  if (!hasAux) return [out, undefined];
  if (!Array.isArray(out) || out.length !== 2) throw new Error(`${api}: output of function f should be a tuple: (output, aux) if has_aux is True`);
  return [out[0], out[1]];
}

/**
 * The gradient of `fn` and its value, as a function of `fn`'s arguments:
 * `gradAndValue(fn)(...args)` gives `[grad, value]` (`[grad, [value, aux]]`
 * with `hasAux`). `fn` must return a scalar tensor. See `grad`.
 *
 * @example
 * const x = torch.tensor([1, 2, 3]);
 * const [g, v] = torch.func.gradAndValue((x: torch.Tensor) => x.pow(2).sum())(x);
 * // g: [2, 4, 6], v: 14
 */
export function gradAndValue<A extends unknown[], const R, const N extends Argnums = 0, H extends boolean = false>(
  fn: (...args: A) => R,
  options: GradOptions<N, H> = {},
): (...args: A) => [ArgnumsResult<A, N>, R] {
  const argnums: Argnums = options.argnums ?? 0, hasAux: boolean = options.hasAux ?? false;
  return (...args: A): [ArgnumsResult<A, N>, R] => {
    const level = new Level();
    return level.run(() => {
      const pos = resolveArgnums(argnums, args.length);
      const diffArgs = level.differentiableTree(sliceArgs(args, pos));
      const [output, aux] = splitAux(fn(...(replaceArgs(args, pos, diffArgs) as A)), hasAux, "grad_and_value(f)(*args)");
      if (!(output instanceof Tensor)) throw new Error(`grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got ${pyType(output)}`);
      if (output.dim() !== 0) {
        throw new Error(
          `grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got tensor with ${output.dim()} dims. Maybe you wanted to use the vjp or jacrev APIs instead?`,
        );
      }
      const [flatDiff, spec] = treeFlatten(diffArgs);
      const createGraph = level.connected(output);
      const retainGraph = createGraph || (hasAux && level.anyConnected(treeFlatten(aux)[0]));
      const grads = gradOrZeros([output], flatDiff as Tensor[], null, { createGraph, retainGraph });
      const gradInput = treeUnflatten(grads.map((g) => level.unwrap(g)), spec);
      const value = level.unwrap(output);
      return [gradInput as ArgnumsResult<A, N>, (hasAux ? [value, level.unwrapTree(aux)] : value) as R];
    });
  };
}

/**
 * PyTorch 2.x's `torch.func.grad`: the gradient of a scalar function, as a
 * function of the same arguments. `argnums` picks the arguments (a number:
 * the gradient has that argument's shape, which may be an array or object of
 * tensors; an array of numbers: an array of such gradients). Gradients of
 * gradients nest (`grad(grad(f))`), and the result joins the caller's graph
 * where the arguments (or tensors `fn` closes over) require grad, as in
 * PyTorch. It computes even under `torch.noGrad` (PyTorch's "case 2"), and
 * a `noGrad` inside `fn` is respected ("case 1").
 *
 * @example
 * const dsin = torch.func.grad((x: torch.Tensor) => x.sin());
 * dsin(torch.tensor(0)); // 1 (cos 0)
 * torch.func.grad(dsin)(torch.tensor(0)); // 0 (-sin 0)
 */
export function grad<A extends unknown[], const R, const N extends Argnums = 0, H extends boolean = false>(
  fn: (...args: A) => R,
  options: GradOptions<N, H> = {},
): (...args: A) => H extends true ? [ArgnumsResult<A, N>, AuxOf<R>] : ArgnumsResult<A, N> {
  const gv = gradAndValue(fn, options);
  const hasAux: boolean = options.hasAux ?? false;
  type Result = H extends true ? [ArgnumsResult<A, N>, AuxOf<R>] : ArgnumsResult<A, N>;
  return (...args: A): Result => {
    const [g, value] = gv(...args);
    return (hasAux ? [g, (value as unknown[])[1]] : g) as Result;
  };
}
