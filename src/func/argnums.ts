/** `argnums` of the differentiating transforms: which positional arguments they differentiate. */

/** A position, or several (PyTorch's tuple of ints; its order is the order of the results). */
export type Argnums = number | readonly number[];

function wrapArgnum(argnum: unknown, numArgs: number): number {
  if (typeof argnum !== "number" || !Number.isInteger(argnum)) throw new Error(`argnum must be int, got: ${typeof argnum}`);
  if (argnum >= 0 && argnum < numArgs) return argnum;
  if (argnum < 0 && argnum >= -numArgs) return argnum + numArgs;
  throw new Error(`Got argnum=${argnum}, but only ${numArgs} positional inputs`);
}

/** The argument positions `argnums` names, checked as PyTorch's `_slice_argnums` does. */
export function resolveArgnums(argnums: Argnums, numArgs: number): number | number[] {
  if (typeof argnums === "number") return wrapArgnum(argnums, numArgs);
  if (!Array.isArray(argnums)) throw new Error(`argnums must be int or Tuple[int, ...], got: ${typeof argnums}`);
  const list = (argnums as readonly unknown[]).map((a) => wrapArgnum(a, numArgs));
  if (list.length === 0) throw new Error("argnums must be non-empty");
  if (new Set(list).size !== list.length) throw new Error(`argnums elements must be unique, got (${(argnums as readonly number[]).join(", ")})`);
  return list;
}

/** The arguments at `pos` (one, or an array of them). */
export function sliceArgs(args: readonly unknown[], pos: number | readonly number[]): unknown {
  return typeof pos === "number" ? args[pos] : pos.map((i) => args[i]);
}

/** `args` with the ones at `pos` replaced by `values` (shaped as `sliceArgs` gave them). */
export function replaceArgs(args: readonly unknown[], pos: number | readonly number[], values: unknown): unknown[] {
  const out = [...args];
  if (typeof pos === "number") out[pos] = values;
  else pos.forEach((i, k) => (out[i] = (values as unknown[])[k]));
  return out;
}
