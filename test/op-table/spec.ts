/**
 * The shape of one entry of the op table (PyTorch's OpInfo idea). Entries are
 * plain data so that the same table drives both sides: the fixture script
 * (scripts/gen_op_fixtures.py) reads it as JSON (dumped by node) and runs each
 * case in PyTorch, and the tests run it in torchlet.
 */

/** A view applied to an input leaf before the op, to make non-contiguous operands. */
export type ViewStep =
  | ["transpose", number, number]
  | ["permute", number[]]
  | ["expand", number[]]
  | ["narrow", number, number, number]
  | ["select", number, number]
  /** a copy that is not a leaf, so in-place ops may write to it */
  | ["clone"];

/** A value in explicit input data; non-finite numbers are spelled as strings. */
export type FixtureNumber = number | "nan" | "inf" | "-inf";
export type NestedValues = FixtureNumber | boolean | NestedValues[];

export interface InputSpec {
  /** Shape of the leaf tensor (the one gradients are taken for). */
  shape: number[];
  /** torchlet dtype; float32 by default. int32 becomes int64 on the PyTorch side. */
  dtype?: "float32" | "float64" | "int32" | "bool";
  /**
   * How the script draws the values when `values` is absent:
   * randn (default), pos = U[0.5, 2), uniform = U[-1, 1), ties = integers in {-1, 0, 1},
   * bool, or `int:lo:hi` = integers in [lo, hi).
   */
  gen?: string;
  /** Explicit values (nested like the shape), for NaN/Inf, kinks and ties. */
  values?: NestedValues;
  /** Whether the leaf requires grad; default true for float dtypes. */
  grad?: boolean;
  /** Views applied to the leaf, in order, before it reaches the op. */
  view?: ViewStep[];
}

/** An argument: a number, a list (shape, dims or a tensor list), null, or input `t`. */
export type Arg = number | boolean | string | null | { t: number } | Arg[];

export interface OpCase {
  /** Unique id, `op/variant`. */
  id: string;
  /** The torchlet function on the torch namespace: `torch[op](...args, options)`. */
  op: string;
  /** Call as a method of the first argument instead: `args[0][op](...rest, options)` (both sides). */
  method?: boolean;
  inputs: InputSpec[];
  args: Arg[];
  /** torchlet's trailing options object; PyTorch keyword arguments (snake_cased) on the script side. */
  options?: Record<string, number | boolean | string>;
  /** A PyTorch expression over a0, a1, ... when `torch.<snake_op>(*args, **kwargs)` is not PyTorch's spelling. */
  py?: string;
  /** Field of an object result (`max(x, 1)` gives `{ values, indices }`). */
  out?: "values" | "indices";
  /** Whether float64 gradcheck applies (false at kinks, ties, NaN/Inf and for non-differentiable outputs). */
  gradcheck?: boolean;
  /** Looser tolerance, with the reason. */
  tol?: { rtol: number; atol: number; why: string };
}
