/**
 * `torch.func.vjp`, `jvp` and `linearize`. torchlet has no forward-mode AD:
 * a Jacobian-vector product is computed with the double-backward trick
 * (differentiate the vjp `uᵀJ`, linear in a dummy `u`, with respect to `u`),
 * which gives PyTorch's values for every op whose backward is differentiable.
 */
import { grad as autogradGrad } from "../autograd/engine.js";
import { isGradEnabled } from "../autograd/grad-mode.js";
import { isFloatingPoint } from "../ops/dtype-utils.js";
import { zerosLike } from "../ops/factories.js";
import { Tensor } from "../tensor/tensor.js";
import { gradOrZeros, splitAux } from "./grad.js";
import { Level } from "./level.js";
import { isPlainObject, pyType, specEquals, specString, treeFlatten, treeUnflatten, type TreeSpec } from "./pytree.js";
import type { AuxOf, OutputOf } from "./types.js";

export interface VjpOptions<H extends boolean = boolean> {
  /** `fn` returns `[output, aux]`; `aux` comes back as a third element. */
  hasAux?: H;
}

export interface VjpFnOptions {
  /** Keep the graph for another call (default true: a vjp function may be called many times). */
  retainGraph?: boolean;
  /** Make the result differentiable (default: whether grad mode is on). */
  createGraph?: boolean;
}

/** The function `vjp` returns: cotangents shaped as the output `R`, to vector-Jacobian products, one per primal (shaped as the primals `A`). */
export type VjpFn<R = unknown, A extends unknown[] = unknown[]> = (cotangents: R, options?: VjpFnOptions) => A;

/** The function `linearize` returns: tangents shaped as the primals `A`, to the Jacobian-vector product, shaped as the output `R`. */
export type LinearizeFn<A extends unknown[] = unknown[], R = unknown> = (...tangents: A) => R;

function isVjpOptions(x: unknown): x is VjpOptions {
  if (!isPlainObject(x)) return false;
  const keys = Object.keys(x);
  return keys.length > 0 && keys.every((k) => k === "hasAux" && typeof x[k] === "boolean");
}

/** The output's tensors, checked as functorch's `assert_non_empty_tensor_output`. */
function outputTensors(out: unknown, api: string): [Tensor[], TreeSpec] {
  const [flat, spec] = treeFlatten(out);
  if (flat.length === 0) throw new Error(`${api}: Expected f to be a function that has non-empty output (got output = ${String(out)})`);
  for (const o of flat) if (!(o instanceof Tensor)) throw new Error(`${api}: expected f(*primals) to return only tensors, got unsupported type ${pyType(o)}`);
  return [flat as Tensor[], spec];
}

/**
 * PyTorch 2.x's `torch.func.vjp(fn, ...primals)`: `[output, vjpFn]` (and
 * `aux` third with a trailing `{ hasAux: true }`). `vjpFn(cotangents)` gives
 * one vector-Jacobian product per primal, as an array, and may be called
 * again.
 *
 * @example
 * const [y, vjpFn] = torch.func.vjp((x: torch.Tensor) => x.pow(2), torch.tensor([1, 2]));
 * const [g] = vjpFn(torch.ones([2])); // [2, 4]
 */
export function vjp<A extends unknown[], const R>(fn: (...primals: A) => R, ...primals: A): [R, VjpFn<R, A>];
/** `vjp` of a function that returns `[output, aux]`: `[output, vjpFn, aux]`. */
export function vjp<A extends unknown[], const R>(
  fn: (...primals: A) => R,
  ...primalsAndOptions: [...A, VjpOptions<true>]
): [OutputOf<R>, VjpFn<OutputOf<R>, A>, AuxOf<R>];
export function vjp(fn: (...primals: any[]) => unknown, ...primalsAndOptions: unknown[]): [unknown, VjpFn] | [unknown, VjpFn, unknown] {
  const last = primalsAndOptions[primalsAndOptions.length - 1];
  const options = isVjpOptions(last) ? last : {};
  const primals = isVjpOptions(last) ? primalsAndOptions.slice(0, -1) : primalsAndOptions;
  const hasAux = options.hasAux ?? false;
  const level = new Level();
  const [results, flatOut, outSpec, flatDiff, primalsSpec, aux] = level.run(() => {
    const diffPrimals = primals.map((p) => level.differentiableTree(p));
    const [out, aux] = splitAux(fn(...diffPrimals), hasAux, "vjp(f, *primals)");
    const [flatOut, outSpec] = outputTensors(out, "vjp(f, *primals)");
    for (const o of flatOut) {
      if (!isFloatingPoint(o)) throw new Error(`vjp(f, ...): All outputs of f must be floating-point or complex Tensors, got Tensor with dtype torch.${o.dtype}`);
    }
    const [flatDiff, primalsSpec] = treeFlatten(diffPrimals);
    return [level.unwrapTree(out), flatOut, outSpec, flatDiff as Tensor[], primalsSpec, level.unwrapTree(aux)] as const;
  });
  const vjpFn: VjpFn = (cotangents, fnOptions = {}) => {
    const createGraph = fnOptions.createGraph ?? isGradEnabled();
    const [flatCot, cotSpec] = treeFlatten(cotangents);
    if (!specEquals(cotSpec, outSpec)) {
      throw new Error(
        `Expected pytree structure of cotangents to be the same as pytree structure of outputs to the function. cotangents: ${specString(cotSpec)}, primal output: ${specString(outSpec)}`,
      );
    }
    const grads = level.run(() => gradOrZeros(flatOut, flatDiff, flatCot as Tensor[], { createGraph, retainGraph: fnOptions.retainGraph ?? true }));
    return treeUnflatten(grads.map((g) => level.unwrap(g)), primalsSpec) as unknown[];
  };
  return hasAux ? [results, vjpFn, aux] : [results, vjpFn];
}

/** The first half of the double-backward trick: `fn`'s outputs and `uᵀJ` as a function of dummies `u`. */
function firstStage(level: Level, fn: (...primals: any[]) => unknown, primals: readonly unknown[], hasAux: boolean, api: string) {
  const diffPrimals = primals.map((p) => level.differentiableTree(p));
  const [out, aux] = splitAux(fn(...diffPrimals), hasAux, api);
  const [flatOut, outSpec] = outputTensors(out, api);
  const [flatDiff] = treeFlatten(diffPrimals) as [Tensor[], TreeSpec];
  const live = flatOut.filter((o) => o.requiresGrad);
  const dummies = live.map((o) => level.differentiable(zerosLike(o)));
  const vjps = live.length === 0 ? flatDiff.map(() => null) : autogradGrad(live, flatDiff, { gradOutputs: dummies, allowUnused: true, createGraph: true });
  return { out, aux, flatOut, outSpec, flatDiff, live, dummies, vjps };
}

type Stage = ReturnType<typeof firstStage>;

/** The second half: `J t` for tangents `t` (flat, one per primal tensor), one per output tensor. */
function secondStage(level: Level, s: Stage, flatTangents: readonly Tensor[], retainGraph: boolean): Tensor[] {
  const gs: Tensor[] = [], ts: Tensor[] = [];
  s.vjps.forEach((g, i) => {
    if (g !== null && g.requiresGrad) {
      gs.push(g);
      ts.push(flatTangents[i]!);
    }
  });
  const createGraph = level.outerGrad && (level.anyConnected(s.flatOut) || flatTangents.some((t) => t.requiresGrad));
  const byDummy = gs.length === 0 || s.dummies.length === 0 ? s.dummies.map((d) => zerosLike(d)) : gradOrZeros(gs, s.dummies, ts, { createGraph, retainGraph });
  let k = 0;
  return s.flatOut.map((o) => level.unwrap(o.requiresGrad ? byDummy[k++]! : zerosLike(o)));
}

function checkTangents(flatPrimals: readonly unknown[], flatTangents: readonly unknown[], api: string): void {
  for (const [what, list] of [["primals", flatPrimals], ["tangents", flatTangents]] as const) {
    if (list.length === 0) throw new Error(`${api}: Expected ${what} to contain at least one Tensor.`);
    for (const x of list) if (!(x instanceof Tensor)) throw new Error(`${api}: Expected ${what} to only contain Tensors, got ${pyType(x)}`);
  }
  flatPrimals.forEach((p, i) => {
    const t = flatTangents[i] as Tensor, q = p as Tensor;
    if (t.shape.length !== q.shape.length || t.shape.some((d, j) => d !== q.shape[j])) {
      throw new Error(
        `Trying to set a forward gradient that has a different size than that of the original Tensor, this is not supported. Tensor is of size [${q.shape.join(", ")}] while the given forward gradient is of size [${t.shape.join(", ")}].`,
      );
    }
  });
}

/**
 * PyTorch 2.x's `torch.func.jvp(fn, primals, tangents)`: `[output, jvpOut]`
 * (and `aux` third with `hasAux`), `jvpOut` being the Jacobian of `fn` at
 * `primals` times `tangents`, shaped as the output. `primals` and
 * `tangents` are arrays of the arguments (PyTorch's tuples). Computed by the
 * double-backward trick (torchlet has no forward-mode AD); the values are
 * PyTorch's.
 *
 * @example
 * const [y, t] = torch.func.jvp((x: torch.Tensor) => x.sin(), [torch.tensor([0])], [torch.tensor([2])]);
 * // y: [0], t: [2] (cos 0 · 2)
 */
export function jvp<A extends unknown[], const R, H extends boolean = false>(
  fn: (...primals: A) => R,
  primals: NoInfer<Readonly<A>>,
  tangents: NoInfer<Readonly<A>>,
  options: VjpOptions<H> = {},
): H extends true ? [OutputOf<R>, OutputOf<R>, AuxOf<R>] : [R, R] {
  type Result = H extends true ? [OutputOf<R>, OutputOf<R>, AuxOf<R>] : [R, R];
  const api = "jvp(f, primals, tangents)";
  if (!Array.isArray(primals)) throw new Error(`${api}: Expected primals to be a tuple. E.g. it should be valid to call f(*primals).`);
  const [flatPrimals, primalsSpec] = treeFlatten(primals);
  const [flatTangents, tangentsSpec] = treeFlatten(tangents);
  if (!specEquals(primalsSpec, tangentsSpec)) {
    throw new Error(
      `${api}: Expected primals and tangents to have the same python structure. For example, if primals is a tuple of 3 tensors, tangents also must be. ` +
        `Got primals with structure ${specString(primalsSpec)} and tangents with structure ${specString(tangentsSpec)}`,
    );
  }
  checkTangents(flatPrimals, flatTangents, api);
  const hasAux: boolean = options.hasAux ?? false;
  const level = new Level();
  return level.run(() => {
    const s = firstStage(level, fn as (...primals: unknown[]) => unknown, primals, hasAux, api);
    const jvps = secondStage(level, s, flatTangents as Tensor[], false);
    const out = level.unwrapTree(s.out), tangentOut = treeUnflatten(jvps, s.outSpec);
    return (hasAux ? [out, tangentOut, level.unwrapTree(s.aux)] : [out, tangentOut]) as Result;
  });
}

/**
 * PyTorch 2.x's `torch.func.linearize(fn, ...primals)`: `[output, jvpFn]`,
 * where `jvpFn(...tangents)` is `jvp(fn, primals, tangents)[1]` without
 * running `fn` again (the graph is kept between calls).
 *
 * @example
 * const [y, jvpFn] = torch.func.linearize((x: torch.Tensor) => x.pow(2), torch.tensor([3]));
 * jvpFn(torch.tensor([1])); // [6]
 */
export function linearize<A extends unknown[], const R>(fn: (...primals: A) => R, ...primals: A): [R, LinearizeFn<A, R>] {
  const level = new Level();
  const [flatPrimals, primalsSpec] = treeFlatten(primals);
  const s = level.run(() => firstStage(level, fn as (...primals: unknown[]) => unknown, primals, false, "linearize"));
  const jvpFn: LinearizeFn<A, R> = (...tangents) => {
    const [flatTangents, tangentsSpec] = treeFlatten(tangents);
    if (!specEquals(primalsSpec, tangentsSpec)) {
      throw new Error(`linearize: Expected tangents to have the same structure as primals: ${specString(primalsSpec)}, got ${specString(tangentsSpec)}`);
    }
    checkTangents(flatPrimals, flatTangents, "linearize");
    return treeUnflatten(level.run(() => secondStage(level, s, flatTangents as Tensor[], true)), s.outSpec) as R;
  };
  return [level.unwrapTree(s.out) as R, jvpFn];
}
