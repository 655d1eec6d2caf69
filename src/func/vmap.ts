/**
 * `torch.func.vmap`, PyTorch 2.x's vectorizing map, written as a loop: `fn`
 * runs once per index of the mapped dimension on slices of the inputs, and
 * the results are stacked. The semantics (in/out dims, nesting, composition
 * with `grad`, errors) are PyTorch's; the speed is that of the loop.
 */
import { defaultGenerator } from "../ops/random.js";
import { equal } from "../ops/elementwise.js";
import { stack } from "../ops/indexing.js";
import { Tensor } from "../tensor/tensor.js";
import { broadcastToAndFlatten, isPlainObject, pyRepr, pyType, specEquals, specString, treeFlatten, treeUnflatten, type TreeSpec } from "./pytree.js";

/** Where the mapped dimension is, per input or output: a dimension, null (not mapped), or a nest matching the arguments. */
export type InDims = number | null | readonly InDims[] | { readonly [key: string]: InDims };

export interface VmapOptions {
  /** The mapped dimension of each argument (default 0 for all): a number or null applies to a whole (nested) argument. */
  inDims?: InDims;
  /** Where the mapped dimension goes in each output (default 0); null: the output is not mapped (returned once). */
  outDims?: InDims;
  /**
   * Random ops inside `fn`: `"error"` (default) throws, `"different"` draws
   * anew for each index, `"same"` gives every index the same draws (the
   * generator is rewound before each). Detected on the default generator.
   */
  randomness?: "error" | "different" | "same";
  /** Accepted for PyTorch compatibility (checked, no effect: the loop is one index at a time). */
  chunkSize?: number | null;
}

const fnName = (fn: (...args: any[]) => unknown): string => (fn.name !== "" ? fn.name : "<lambda>");

const RANDOM_ERROR =
  "vmap: called random operation while in randomness error mode. Please either use the 'same' or 'different' randomness flags on vmap or perform the randomness operation out of vmap";

/** The flat in_dims for `args`, checked as PyTorch's `_process_batched_inputs`. */
function flatInDims(name: string, inDims: InDims, args: readonly unknown[], flatArgs: readonly unknown[], argsSpec: TreeSpec): (number | null)[] {
  const where = `vmap(${name}, in_dims=${pyRepr(inDims)}, ...)(<inputs>)`;
  if (!(inDims === null || typeof inDims === "number" || Array.isArray(inDims))) {
    throw new Error(`${where}: expected \`in_dims\` to be int or a (potentially nested) tuple matching the structure of inputs, got: ${pyType(inDims)}.`);
  }
  if (args.length === 0) {
    throw new Error(`vmap(${name})(<inputs>): got no inputs. Maybe you forgot to add inputs, or you are trying to vmap over a function with no inputs. The latter is unsupported.`);
  }
  const flat = broadcastToAndFlatten(inDims, argsSpec);
  if (flat === null) {
    const [, dimsSpec] = treeFlatten(inDims);
    throw new Error(`${where}: in_dims is not compatible with the structure of \`inputs\`. in_dims has structure ${specString(dimsSpec)} but inputs has structure ${specString(argsSpec)}.`);
  }
  return flat.map((d, i) => {
    const arg = flatArgs[i];
    if (d !== null && d !== undefined && !(typeof d === "number" && Number.isInteger(d))) {
      throw new Error(`${where}: Got in_dim=${pyRepr(d)} for an input but in_dim must be either an integer dimension or None.`);
    }
    if (d === null || d === undefined) return null;
    if (!(arg instanceof Tensor)) {
      throw new Error(`${where}: Got in_dim=${d} for an input but the input is of type ${pyType(arg)}. We cannot vmap over non-Tensor arguments, please use None as the respective in_dim`);
    }
    const n = arg.dim();
    if (d < -n || d >= n) {
      throw new Error(`${where}: Got in_dim=${d} for some input, but that input is a Tensor of dimensionality ${n} so expected in_dim to satisfy -${n} <= in_dim < ${n}.`);
    }
    return d < 0 ? d + n : d;
  });
}

function batchSizeOf(dims: readonly (number | null)[], flatArgs: readonly unknown[]): number {
  const sizes: number[] = [];
  dims.forEach((d, i) => {
    if (d !== null) sizes.push((flatArgs[i] as Tensor).shape[d]!);
  });
  if (sizes.length === 0) throw new Error("vmap: Expected at least one Tensor to vmap over");
  if (sizes.some((s) => s !== sizes[0])) throw new Error(`vmap: Expected all tensors to have the same size in the mapped dimension, got sizes [${sizes.join(", ")}] for the mapped dimension`);
  return sizes[0]!;
}

/** PyTorch's `_check_out_dims_is_int_or_int_pytree`. */
function checkOutDims(name: string, outDims: InDims): void {
  const ok = (d: unknown): boolean =>
    d === null || (typeof d === "number" && Number.isInteger(d)) || (Array.isArray(d) && d.every(ok)) || (isPlainObject(d) && Object.values(d).every(ok));
  if (!ok(outDims)) {
    throw new Error(
      `vmap(${name}, ..., out_dims=${pyRepr(outDims)}): \`out_dims\` must be an int or a python collection of ints representing where in the outputs the vmapped dimension should appear.`,
    );
  }
}

/** The flat out_dims for an output of shape `spec` (PyTorch's `_unwrap_batched`). */
function flatOutDims(name: string, outDims: InDims, spec: TreeSpec): (number | null)[] {
  const incompatible = (): never => {
    throw new Error(
      `vmap(${name}, ..., out_dims=${pyRepr(outDims)})(<inputs>): out_dims is not compatible with the structure of \`outputs\`. ` +
        `out_dims has structure ${specString(treeFlatten(outDims)[1])} but outputs has structure ${specString(spec)}.`,
    );
  };
  if (spec.kind === "leaf") {
    if (outDims === null || typeof outDims === "number") return [outDims];
    if (Array.isArray(outDims) && outDims.length === 1 && (outDims[0] === null || typeof outDims[0] === "number")) return [outDims[0] as number | null];
    return incompatible();
  }
  const flat = broadcastToAndFlatten(outDims, spec);
  return (flat ?? incompatible()) as (number | null)[];
}

/**
 * PyTorch 2.x's `torch.func.vmap(fn, { inDims, outDims, randomness,
 * chunkSize })`: `fn` mapped over a dimension of its inputs. The main use is
 * per-sample gradients, `vmap(grad(loss), { inDims: [null, 0, 0] })(params,
 * x, y)`. Inputs and outputs may be arrays and objects of tensors; vmaps
 * nest. torchlet runs `fn` once per index and stacks the results (PyTorch
 * batches each op instead): the same values, not the same speed. An output
 * with out dim null must be the same for every index (PyTorch: must not
 * depend on the mapped inputs), and a mapped size of 0 is not supported.
 *
 * @example
 * const dot = (a: torch.Tensor, b: torch.Tensor) => a.mul(b).sum();
 * torch.func.vmap(dot)(torch.ones([3, 2]), torch.ones([3, 2])); // [2, 2, 2]
 */
export function vmap<A extends unknown[], const R>(fn: (...args: A) => R, options: VmapOptions = {}): (...args: A) => R {
  const inDims = options.inDims === undefined ? 0 : options.inDims;
  const outDims = options.outDims === undefined ? 0 : options.outDims;
  const randomness = options.randomness ?? "error";
  const name = fnName(fn);
  if (randomness !== "error" && randomness !== "different" && randomness !== "same") {
    throw new Error(`Only allowed values for randomness are 'error', 'different', or 'same'. Got ${String(randomness)}`);
  }
  const chunk = options.chunkSize;
  if (chunk !== undefined && chunk !== null && !(Number.isInteger(chunk) && chunk > 0)) throw new Error(`vmap: chunk_size should be None or greater than 0. (got ${chunk})`);
  checkOutDims(name, outDims);
  const call = fn as (...args: unknown[]) => unknown;
  const mapped = (...args: unknown[]): unknown => {
    const [flatArgs, argsSpec] = treeFlatten(args);
    const dims = flatInDims(name, inDims, args, flatArgs, argsSpec);
    const batch = batchSizeOf(dims, flatArgs);
    if (batch === 0) throw new Error(`vmap(${name}, ...): torchlet's vmap runs ${name} once per index and cannot map over a dimension of size 0`);
    const start = defaultGenerator.getState();
    const results: unknown[][] = [];
    let outSpec: TreeSpec | null = null;
    for (let b = 0; b < batch; b++) {
      if (randomness === "same") defaultGenerator.setState(start);
      const before = randomness === "error" ? defaultGenerator.getState() : null;
      const sliced = flatArgs.map((a, i) => (dims[i] === null ? a : (a as Tensor).select(dims[i]!, b)));
      const out = call(...(treeUnflatten(sliced, argsSpec) as unknown[]));
      if (before !== null && defaultGenerator.getState().some((v, i) => !Object.is(v, before[i]))) {
        defaultGenerator.setState(before);
        throw new Error(RANDOM_ERROR);
      }
      const [flat, spec] = treeFlatten(out);
      if (outSpec === null) outSpec = spec;
      else if (!specEquals(spec, outSpec)) {
        throw new Error(`vmap(${name}, ...): \`${name}\` returned outputs of different structures for different indices: ${specString(outSpec)} and ${specString(spec)}`);
      }
      results.push(flat);
    }
    const spec = outSpec!;
    const od = flatOutDims(name, outDims, spec);
    const outs = od.map((d, k) => {
      const column = results.map((r) => r[k]);
      if (d === null) {
        const first = column[0];
        if (first instanceof Tensor && column.some((c) => !(c instanceof Tensor) || c.shape.length !== first.shape.length || c.shape.some((s, j) => s !== first.shape[j]) || !equal(c, first))) {
          throw new Error(`vmap(${name}, ...): \`${name}\` can not return a BatchedTensor when out_dim is None`);
        }
        return first;
      }
      for (const c of column) {
        if (!(c instanceof Tensor)) throw new Error(`vmap(${name}, ...): \`${name}\` must only return Tensors, got type ${pyType(c)}. Did you mean to set out_dims= to None for output?`);
      }
      return stack(column as Tensor[], d);
    });
    return treeUnflatten(outs, spec);
  };
  return mapped as (...args: A) => R;
}
