/**
 * The result types of the `torch.func` transforms, computed from the
 * function's argument and return types, so that `grad(f)(x)` is a `Tensor`
 * when `x` is one (PyTorch's gradients have their inputs' structure).
 */
import type { Tensor } from "../tensor/tensor.js";
import type { Argnums } from "./argnums.js";

/**
 * The type of argument `N` of `A`. A negative position counts from the end,
 * which a type cannot always resolve: it is then any of `A`'s types.
 */
export type ArgAt<A extends readonly unknown[], N extends number> = number extends N
  ? A[number]
  : `${N}` extends `-${string}`
    ? A[number]
    : A[N];

/** The arguments `argnums` selects: one argument's type, or an array of them. */
export type ArgnumsResult<A extends readonly unknown[], N extends Argnums> = N extends number
  ? ArgAt<A, N>
  : { -readonly [K in keyof N]: N[K] extends number ? ArgAt<A, N[K]> : never };

/** With `hasAux`, `fn` returns `[output, aux]`: the output's type. */
export type OutputOf<R> = R extends readonly [infer O, unknown] ? O : unknown;

/** With `hasAux`, `fn` returns `[output, aux]`: the aux's type. */
export type AuxOf<R> = R extends readonly [unknown, infer X] ? X : unknown;

/**
 * A Jacobian's type: the output's structure, each tensor of it replaced by
 * the structure of the differentiated arguments `G`.
 */
export type JacobianOf<R, G> = R extends Tensor
  ? G
  : R extends readonly unknown[]
    ? { -readonly [K in keyof R]: JacobianOf<R[K], G> }
    : R extends object
      ? { -readonly [K in keyof R]: JacobianOf<R[K], G> }
      : unknown;
