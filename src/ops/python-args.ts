/**
 * The TypeError PyTorch's Python bindings raise for a float where an int
 * argument belongs, for ops that check their number arguments as they do.
 */
export function requireInt(op: string, name: string, position: number, v: number): void {
  if (!Number.isInteger(v)) throw new TypeError(`${op}(): argument '${name}' (position ${position}) must be int, not float`);
}
