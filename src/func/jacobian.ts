/**
 * `torch.func.jacrev`, `jacfwd` and `hessian`: Jacobians as functions.
 * All three are computed row by row with reverse mode (torchlet has no
 * forward-mode AD); `jacfwd` gives PyTorch's `jacfwd` values and structure.
 */
import { zeros } from "../ops/factories.js";
import { stack } from "../ops/indexing.js";
import { Tensor } from "../tensor/tensor.js";
import { resolveArgnums, replaceArgs, sliceArgs, type Argnums } from "./argnums.js";
import { gradOrZeros, splitAux } from "./grad.js";
import { Level } from "./level.js";
import { pyType, treeFlatten, treeUnflatten } from "./pytree.js";
import type { ArgnumsResult, AuxOf, JacobianOf, OutputOf } from "./types.js";

/** What `jacrev(fn, argnums)` and `jacfwd` return for `fn: (...args: A) => R`. */
export type JacobianResult<A extends unknown[], R, N extends Argnums, H extends boolean> = H extends true
  ? [JacobianOf<OutputOf<R>, ArgnumsResult<A, N>>, AuxOf<R>]
  : JacobianOf<R, ArgnumsResult<A, N>>;

export interface JacOptions<H extends boolean = boolean> {
  /** `fn` returns `[output, aux]`; the Jacobian function then returns `[jacobian, aux]`. */
  hasAux?: H;
  /** Accepted for PyTorch compatibility (rows are always computed one at a time). */
  chunkSize?: number | null;
}

export interface JacfwdOptions<H extends boolean = boolean> {
  /** `fn` returns `[output, aux]`; the Jacobian function then returns `[jacobian, aux]`. */
  hasAux?: H;
  /** Accepted for PyTorch compatibility (see `vmap`'s randomness); jacfwd runs `fn` once. */
  randomness?: "error" | "different" | "same";
}

/** One output's Jacobian with respect to each of `inputs`: shape `out.shape + input.shape`. */
function jacobianOf(out: Tensor, inputs: readonly Tensor[], createGraph: boolean): Tensor[] {
  const n = out.numel();
  if (n === 0 || !out.requiresGrad) return inputs.map((x) => zeros([...out.shape, ...x.shape], { dtype: x.dtype }));
  const rows: Tensor[][] = inputs.map(() => []);
  for (let e = 0; e < n; e++) {
    const cot = zeros([n], { dtype: out.dtype });
    cot.data[e] = 1;
    const gs = gradOrZeros([out], inputs, [cot.reshape(out.shape)], { createGraph, retainGraph: true });
    gs.forEach((g, j) => rows[j]!.push(g));
  }
  return rows.map((r, j) => stack(r).reshape([...out.shape, ...inputs[j]!.shape]));
}

function makeJac(api: string, fn: (...args: never[]) => unknown, argnums: Argnums, hasAux: boolean): (...args: unknown[]) => unknown {
  return (...args: unknown[]) => {
    const level = new Level();
    return level.run(() => {
      const pos = resolveArgnums(argnums, args.length);
      const diff = level.differentiableTree(sliceArgs(args, pos));
      const [out, aux] = splitAux((fn as (...args: unknown[]) => unknown)(...replaceArgs(args, pos, diff)), hasAux, api);
      const [flatOut, outSpec] = treeFlatten(out);
      if (flatOut.length === 0) throw new Error(`${api}: Expected f to be a function that has non-empty output (got output = ${String(out)})`);
      for (const o of flatOut) if (!(o instanceof Tensor)) throw new Error(`${api}: expected f(*primals) to return only tensors, got unsupported type ${pyType(o)}`);
      const [flatDiff, diffSpec] = treeFlatten(diff);
      const createGraph = level.anyConnected(flatOut);
      const perOutput = (flatOut as Tensor[]).map((o) => {
        const jacs = jacobianOf(o, flatDiff as Tensor[], createGraph).map((j) => level.unwrap(j));
        return treeUnflatten(jacs, diffSpec);
      });
      const jac = treeUnflatten(perOutput, outSpec);
      return hasAux ? [jac, level.unwrapTree(aux)] : jac;
    });
  };
}

/**
 * PyTorch 2.x's `torch.func.jacrev(fn, argnums)`: the Jacobian of `fn` with
 * respect to the arguments at `argnums` (default 0), as a function of the
 * same arguments. For an output of shape `O` and an input of shape `I` the
 * Jacobian has shape `O + I`; several outputs or inputs (arrays, objects)
 * give the same nesting as PyTorch: the output's structure, each leaf holding
 * the inputs' structure.
 *
 * @example
 * const J = torch.func.jacrev((x: torch.Tensor) => x.pow(2))(torch.tensor([1, 2]));
 * // [[2, 0], [0, 4]]
 */
export function jacrev<A extends unknown[], const R, const N extends Argnums = 0, H extends boolean = false>(
  fn: (...args: A) => R,
  argnums?: N,
  options: JacOptions<H> = {},
): (...args: A) => JacobianResult<A, R, N, H> {
  if (options.chunkSize !== undefined && options.chunkSize !== null && !(Number.isInteger(options.chunkSize) && options.chunkSize > 0)) {
    throw new Error("jacrev: `chunk_size` should be greater than 0.");
  }
  return makeJac("jacrev(f, ...)", fn, argnums ?? 0, options.hasAux ?? false) as (...args: A) => JacobianResult<A, R, N, H>;
}

/**
 * PyTorch 2.x's `torch.func.jacfwd(fn, argnums)`: the same Jacobian as
 * `jacrev` (PyTorch computes it with forward-mode AD; torchlet, which has
 * none, with reverse mode: the values, shapes and structure are PyTorch's).
 *
 * @example
 * const J = torch.func.jacfwd((x: torch.Tensor) => x.sin())(torch.tensor([0, 0]));
 * // [[1, 0], [0, 1]]
 */
export function jacfwd<A extends unknown[], const R, const N extends Argnums = 0, H extends boolean = false>(
  fn: (...args: A) => R,
  argnums?: N,
  options: JacfwdOptions<H> = {},
): (...args: A) => JacobianResult<A, R, N, H> {
  const r = options.randomness ?? "error";
  if (r !== "error" && r !== "different" && r !== "same") throw new Error(`Only allowed values for randomness are 'error', 'different', or 'same'. Got ${String(r)}`);
  return makeJac("jacfwd(f, ...)", fn, argnums ?? 0, options.hasAux ?? false) as (...args: A) => JacobianResult<A, R, N, H>;
}

/**
 * PyTorch 2.x's `torch.func.hessian(fn, argnums)`: `jacfwd(jacrev(fn,
 * argnums), argnums)`, the matrix of second derivatives of a scalar `fn`
 * (shape `I + I` for an input of shape `I`).
 *
 * @example
 * const H = torch.func.hessian((x: torch.Tensor) => x.pow(3).sum())(torch.tensor([1, 2]));
 * // [[6, 0], [0, 12]]
 */
export function hessian<A extends unknown[], const R, const N extends Argnums = 0>(
  fn: (...args: A) => R,
  argnums?: N,
): (...args: A) => JacobianOf<JacobianOf<R, ArgnumsResult<A, N>>, ArgnumsResult<A, N>> {
  const an: Argnums = argnums ?? 0;
  return makeJac("jacfwd(f, ...)", makeJac("jacrev(f, ...)", fn, an, false), an, false) as (
    ...args: A
  ) => JacobianOf<JacobianOf<R, ArgnumsResult<A, N>>, ArgnumsResult<A, N>>;
}
