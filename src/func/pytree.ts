/**
 * The pytrees of `torch.func`: arrays (PyTorch's tuples and lists) and plain
 * objects (its dicts, keys in insertion order) nest; `null` and `undefined`
 * are empty nodes (PyTorch's None); anything else is a leaf.
 */
import { Tensor } from "../tensor/tensor.js";

/** A nest of arrays and plain objects whose leaves are tensors (PyTorch's pytree of tensors). */
export type TensorTree = Tensor | readonly TensorTree[] | { readonly [key: string]: TensorTree };

/** The shape of a pytree without its leaves. */
export type TreeSpec =
  | { readonly kind: "leaf" }
  | { readonly kind: "none"; readonly value: null | undefined }
  | { readonly kind: "tuple"; readonly children: readonly TreeSpec[] }
  | { readonly kind: "dict"; readonly keys: readonly string[]; readonly children: readonly TreeSpec[] };

const LEAF: TreeSpec = { kind: "leaf" };

/** A plain object (`{...}` or `Object.create(null)`), not a class instance. */
export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== "object" || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The leaves of `x` in order, and its shape. */
export function treeFlatten(x: unknown): [unknown[], TreeSpec] {
  const leaves: unknown[] = [];
  const walk = (v: unknown): TreeSpec => {
    if (v === null || v === undefined) return { kind: "none", value: v };
    if (Array.isArray(v)) return { kind: "tuple", children: v.map(walk) };
    if (isPlainObject(v)) {
      const keys = Object.keys(v);
      return { kind: "dict", keys, children: keys.map((k) => walk(v[k])) };
    }
    leaves.push(v);
    return LEAF;
  };
  const spec = walk(x);
  return [leaves, spec];
}

/** The number of leaves a spec holds. */
export function numLeaves(spec: TreeSpec): number {
  switch (spec.kind) {
    case "leaf":
      return 1;
    case "none":
      return 0;
    default:
      return spec.children.reduce((n, c) => n + numLeaves(c), 0);
  }
}

/** Builds the tree of shape `spec` from `leaves` (the inverse of `treeFlatten`). */
export function treeUnflatten(leaves: readonly unknown[], spec: TreeSpec): unknown {
  let i = 0;
  const build = (s: TreeSpec): unknown => {
    switch (s.kind) {
      case "leaf":
        return leaves[i++];
      case "none":
        return s.value;
      case "tuple":
        return s.children.map(build);
      case "dict": {
        const out: Record<string, unknown> = {};
        s.keys.forEach((k, j) => (out[k] = build(s.children[j]!)));
        return out;
      }
    }
  };
  return build(spec);
}

/** Whether two specs have the same shape. */
export function specEquals(a: TreeSpec, b: TreeSpec): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === "leaf" || a.kind === "none") return true;
  const bc = (b as { children: readonly TreeSpec[] }).children;
  if (a.children.length !== bc.length) return false;
  if (a.kind === "dict" && a.keys.some((k, i) => k !== (b as { keys: readonly string[] }).keys[i])) return false;
  return a.children.every((c, i) => specEquals(c, bc[i]!));
}

/** PyTorch's `treespec_pprint`: `*` for a leaf, `(*, *)` for a tuple, `{'a': *}` for a dict. */
export function specString(spec: TreeSpec): string {
  switch (spec.kind) {
    case "leaf":
      return "*";
    case "none":
      return "None";
    case "tuple":
      return spec.children.length === 1 ? `(${specString(spec.children[0]!)},)` : `(${spec.children.map(specString).join(", ")})`;
    case "dict":
      return `{${spec.keys.map((k, i) => `'${k}': ${specString(spec.children[i]!)}`).join(", ")}}`;
  }
}

/** Applies `f` to every leaf of `x`, keeping its shape. */
export function treeMap(x: unknown, f: (leaf: unknown) => unknown): unknown {
  const [leaves, spec] = treeFlatten(x);
  return treeUnflatten(leaves.map(f), spec);
}

/**
 * PyTorch's `_broadcast_to_and_flatten`: `prefix` is a tree whose leaves each
 * stand for a whole subtree of `spec` (an `in_dims`/`out_dims` against the
 * inputs/outputs). Null when the structures don't fit.
 */
export function broadcastToAndFlatten(prefix: unknown, spec: TreeSpec): unknown[] | null {
  const out: unknown[] = [];
  const go = (p: unknown, s: TreeSpec): boolean => {
    if (!Array.isArray(p) && !isPlainObject(p)) {
      for (let n = numLeaves(s); n > 0; n--) out.push(p);
      return true;
    }
    if (Array.isArray(p)) {
      if (s.kind !== "tuple" || s.children.length !== p.length) return false;
      return p.every((c, i) => go(c, s.children[i]!));
    }
    if (s.kind !== "dict") return false;
    const keys = Object.keys(p);
    if (keys.length !== s.keys.length || keys.some((k) => !s.keys.includes(k))) return false;
    return s.keys.every((k, i) => go(p[k], s.children[i]!));
  };
  return go(prefix, spec) ? out : null;
}

/** Python's repr of an in_dims/out_dims value: `0`, `None`, `(0, None)`, `(0,)`, `{'a': 0}`. */
export function pyRepr(x: unknown): string {
  if (x === null || x === undefined) return "None";
  if (Array.isArray(x)) return x.length === 1 ? `(${pyRepr(x[0])},)` : `(${x.map(pyRepr).join(", ")})`;
  if (isPlainObject(x)) return `{${Object.keys(x).map((k) => `'${k}': ${pyRepr(x[k])}`).join(", ")}}`;
  if (typeof x === "string") return `'${x}'`;
  if (typeof x === "boolean") return x ? "True" : "False";
  if (typeof x === "number" || typeof x === "bigint") return String(x);
  return pyType(x);
}

/** Python's `type(x)` for messages: `<class 'int'>`, `<class 'torch.Tensor'>`. */
export function pyType(x: unknown): string {
  if (x instanceof Tensor) return "<class 'torch.Tensor'>";
  if (x === null || x === undefined) return "<class 'NoneType'>";
  if (typeof x === "number") return Number.isInteger(x) ? "<class 'int'>" : "<class 'float'>";
  if (typeof x === "boolean") return "<class 'bool'>";
  if (typeof x === "string") return "<class 'str'>";
  if (Array.isArray(x)) return "<class 'tuple'>";
  if (isPlainObject(x)) return "<class 'dict'>";
  const name = (x as { constructor?: { name?: string } }).constructor?.name;
  return `<class '${name ?? typeof x}'>`;
}
