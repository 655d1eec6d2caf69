import { type Storage, storagesCreatedSoFar } from "../tensor/storage.js";
import { Tensor } from "../tensor/tensor.js";
import { gradMath } from "./grad-math.js";
import { runInMode, withGrad } from "./grad-mode.js";
import { AccumulateGrad, type Edge, Node, tensorTypeName } from "./node.js";
import { ReadyQueue } from "./ready-queue.js";
import { isAnomalyCheckNanEnabled, isAnomalyEnabled } from "./anomaly-mode.js";
import { warn } from "../warnings.js";

export interface BackwardOptions {
  retainGraph?: boolean;
  createGraph?: boolean;
  /** Accumulate only into these tensors' `.grad`. */
  inputs?: Tensor | readonly Tensor[];
}

/** The edge that receives the gradient of `t`: its grad_fn output, or its leaf accumulator. */
export function gradientEdge(t: Tensor): Edge {
  if (t.gradFn !== null) return { node: t.gradFn, inputNr: t.outputNr };
  t._accumulator ??= new AccumulateGrad(t);
  return { node: t._accumulator, inputNr: 0 };
}

function shapeString(s: readonly number[]): string {
  return `[${s.join(", ")}]`;
}

/** Checks roots and fills in implicit gradients (ones for scalar outputs). */
function rootGradients(outputs: readonly Tensor[], grads: readonly (Tensor | null | undefined)[]): Tensor[] {
  const math = gradMath();
  return outputs.map((t, i) => {
    // a view made in no_grad mode of a tensor that requires grad requires grad too, but has neither a gradFn
    // nor a leaf accumulator of its own: PyTorch's gradient_edge has no function there, and it raises
    if (!t.requiresGrad || (t.gradFn === null && !t._requiresGrad)) {
      throw new Error(`element ${i} of tensors does not require grad and does not have a grad_fn`);
    }
    const g = grads[i];
    if (g === undefined || g === null) {
      if (t.numel() !== 1) throw new Error("grad can be implicitly created only for scalar outputs");
      return math.onesLike(t);
    }
    if (!(g instanceof Tensor)) {
      throw new TypeError(`backward(): the gradient for output ${i} must be a Tensor or null, not ${Array.isArray(g) ? "an array" : typeof g}`);
    }
    if (g.shape.length !== t.shape.length || g.shape.some((d, k) => d !== t.shape[k])) {
      throw new Error(`Mismatch in shape: grad_output[${i}] has a shape of ${shapeString(g.shape)} and output[${i}] has a shape of ${shapeString(t.shape)}.`);
    }
    return g;
  });
}

/**
 * One run of the engine (PyTorch's GraphTask), visible to code that runs
 * inside it (hooks, custom backward, saved-tensor unpacking) through the
 * functions below. Runs nest: a backward inside a backward is a task of its own.
 */
interface GraphTask {
  readonly id: number;
  /** Every node reachable from the roots. */
  readonly seen: Set<Node>;
  /** The nodes that run, or null when all of `seen` does (no targets). */
  readonly needed: Set<Node> | null;
  /** Nodes that only receive a gradient (autograd.grad's inputs). */
  readonly receivers: Set<Node>;
  /** No targets (PyTorch's empty exec_info): reentrant checkpoint works only then. */
  readonly canCheckpoint: boolean;
}

let currentTask: GraphTask | null = null;
let taskCount = 0;

/** The id of the engine run in progress (PyTorch's `torch._C._current_graph_task_id()`), -1 outside backward. */
export function currentGraphTaskId(): number {
  return currentTask === null ? -1 : currentTask.id;
}

/**
 * Whether the run in progress will execute `node` (PyTorch's
 * `torch._C._will_engine_execute_node`): it is in the graph and, when the run
 * has targets (autograd.grad, backward's `inputs`), it leads to one or is one.
 */
export function willEngineExecuteNode(node: Node): boolean {
  const task = currentTask;
  if (task === null) throw new Error("_will_engine_execute_node should only be called during the backward pass");
  if (!task.seen.has(node)) return false;
  return task.needed === null || task.needed.has(node) || task.receivers.has(node);
}

/** PyTorch's `torch.autograd._is_checkpoint_valid()`: false inside a run with targets (autograd.grad, backward's `inputs`). */
export function isCheckpointValid(): boolean {
  return currentTask === null || currentTask.canCheckpoint;
}

interface RunOptions {
  retainGraph: boolean;
  createGraph: boolean;
  /** Edges whose incoming gradient is captured and returned (autograd.grad). */
  capture: Edge[] | null;
  /** Leaves to accumulate into; null means all reachable leaves. */
  accumulateOnly: Set<Node> | null;
}

/**
 * Runs backward from `roots`. Nodes run once all gradients flowing into them
 * have arrived (dependency counting), later-created nodes first.
 */
function run(roots: readonly Tensor[], rootGrads: Tensor[], opts: RunOptions): (Tensor | null)[] {
  const rootEdges = roots.map(gradientEdge);

  // Count, for each node, how many edges lead into it.
  const deps = new Map<Node, number>();
  const seen = new Set<Node>();
  const stack: Node[] = [];
  for (const e of rootEdges) if (!seen.has(e.node)) { seen.add(e.node); stack.push(e.node); }
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const e of node.next) {
      if (e === null) continue;
      deps.set(e.node, (deps.get(e.node) ?? 0) + 1);
      if (!seen.has(e.node)) { seen.add(e.node); stack.push(e.node); }
    }
  }

  // With targets (autograd.grad's inputs, backward's `inputs`), only nodes that
  // lead to one run, as PyTorch's exec_info: a node whose incoming gradient is
  // captured by autograd.grad only receives it (its tensor hooks run), and
  // nothing upstream of it runs (no saved-tensor checks, no hooks, no freeing)
  // unless another target needs it. backward's non-leaf `inputs` do run their
  // own node (PyTorch sets needed_ for them), though nothing upstream.
  let needed: Set<Node> | null = null;
  let receivers = new Set<Node>();
  if (opts.capture !== null || opts.accumulateOnly !== null) {
    const targets = opts.capture !== null ? opts.capture.map((e) => e.node) : [...opts.accumulateOnly!];
    const accumulators = new Set<Node>(opts.capture !== null ? [] : targets.filter((n) => n instanceof AccumulateGrad));
    receivers = new Set(targets.filter((n) => !accumulators.has(n)));
    needed = neededNodes([...seen], accumulators, receivers);
    if (opts.capture === null) for (const r of receivers) needed.add(r);
  }
  const task: GraphTask = { id: ++taskCount, seen, needed, receivers, canCheckpoint: needed === null };

  const math = gradMath();
  const buffers = new Map<Node, (Tensor | null)[]>();
  // A leaf may take a gradient as its .grad without a copy when this run
  // computed it (a storage newer than the run) and handed its storage to that
  // leaf only: PyTorch steals a gradient whose refcount is 1. Storages the
  // caller or user code may still hold count as handed out twice.
  const firstSerial = storagesCreatedSoFar();
  const handedOut = new Map<Storage, number>();
  let mayTake = opts.capture === null && !opts.createGraph;
  const addTo = (edge: Edge, g: Tensor, trusted: boolean) => {
    let buf = buffers.get(edge.node);
    if (!buf) { buf = new Array<Tensor | null>(edge.node.numOutputs).fill(null); buffers.set(edge.node, buf); }
    const prev = buf[edge.inputNr];
    const stored = prev ? math.add(prev, g) : g;
    buf[edge.inputNr] = stored;
    if (mayTake) handedOut.set(stored.storage, trusted ? (handedOut.get(stored.storage) ?? 0) + 1 : 2);
  };
  const ownedByRun = (g: Tensor) =>
    mayTake && handedOut.get(g.storage) === 1 && g.storage.serial >= firstSerial && !g.requiresGrad &&
    g.offset === 0 && g.numel() === g.storage.data.length && g.isContiguous();
  rootEdges.forEach((e, i) => addTo(e, rootGrads[i]!, false));

  const captured = opts.capture?.map(() => null as Tensor | null) ?? [];
  const ready = new ReadyQueue();
  for (const e of rootEdges) if (!deps.get(e.node) && !ready.has(e.node)) ready.push(e.node);

  const outerTask = currentTask;
  currentTask = task;
  try {
    return runInMode(withGrad(opts.createGraph), () => {
      while (ready.size > 0) {
        const node = ready.pop();
        const grads = buffers.get(node) ?? new Array<Tensor | null>(node.numOutputs).fill(null);
        buffers.delete(node);
        const execute = needed === null || needed.has(node);
        if (execute || receivers.has(node)) {
          // a hook may keep the gradient it sees (or one it returns): from now on every .grad is a copy
          if (hasHooks(node)) mayTake = false;
          // PyTorch's order: tensor hooks, retained grads, node pre-hooks, the node, node post-hooks
          runTensorPreHooks(node, grads);
        }
        if (opts.capture !== null) {
          opts.capture.forEach((e, i) => {
            if (e.node === node) captured[i] = grads[e.inputNr] ?? null;
          });
        }
        if (execute) {
          if (node.nodePreHooks !== null) runNodePreHooks(node, grads);
          if (node instanceof AccumulateGrad) {
            const shouldAccumulate = opts.capture === null && (opts.accumulateOnly === null || opts.accumulateOnly.has(node));
            // (a leaf that stopped requiring grad since, by detach_ or requiresGrad_(false), takes none: PyTorch's AccumulateGrad::apply)
            if (shouldAccumulate && grads[0] && node.variable.requiresGrad) accumulate(node.variable, grads[0], opts.createGraph, ownedByRun(grads[0]));
            if (node.postHooks !== null) runPostHooks(node, [], grads);
          } else {
            const next = node.next;
            const applied = grads.some((g) => g !== null);
            const raw = !applied ? null : isAnomalyEnabled() ? applyChecked(node, grads) : node.apply(grads);
            if (!opts.retainGraph) node.release();
            // (PyTorch's validate_outputs: each gradient shaped and cast for its input; post-hooks see them so, null where none flows)
            const hooked = node.postHooks === null ? null : runPostHooks(node, next.map((_, i) => fitted(node, raw, i)), grads);
            for (let i = 0; i < next.length; i++) {
              const edge = next[i]!;
              // (a node that no target needs gets nothing: it will not run)
              if (edge === null || (needed !== null && !needed.has(edge.node) && !receivers.has(edge.node))) continue;
              const g = hooked !== null ? hooked[i] : fitted(node, raw, i);
              if (g !== null && g !== undefined) addTo(edge, g, !node.userCode);
            }
          }
        }
        for (const e of node.next) {
          if (e === null) continue;
          const left = deps.get(e.node)! - 1;
          deps.set(e.node, left);
          if (left === 0) ready.push(e.node);
        }
      }
      return captured;
    });
  } finally {
    currentTask = outerTask;
  }
}

/**
 * A node's backward in anomaly mode: a failure first warns where forward made
 * the node, and (with checkNan) NaN gradients throw PyTorch's error.
 */
function applyChecked(node: Node, grads: (Tensor | null)[]): (Tensor | null)[] {
  try {
    const out = node.apply(grads);
    if (isAnomalyCheckNanEnabled()) {
      out.forEach((g, i) => {
        if (g && Array.from(g.toArray()).some(Number.isNaN)) throw new Error(`Function '${node.name}' returned nan values in its ${i}th output.`);
      });
    }
    return out;
  } catch (e) {
    const trace = node.forwardTrace?.split("\n").slice(1).join("\n") ?? "";
    warn(`Error detected in ${node.name}. Traceback of forward call that caused the error:\n${trace}`);
    throw e;
  }
}

/** The nodes that must run: `accumulators` themselves, and every node with an edge into a receiver or into a node that must run. */
function neededNodes(nodes: Node[], accumulators: Set<Node>, receivers: Set<Node>): Set<Node> {
  const memo = new Map<Node, boolean>();
  const visit = (root: Node): boolean => {
    // iterative post-order to survive deep graphs
    const stack: [Node, number][] = [[root, 0]];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [node, i] = top;
      if (memo.has(node)) { stack.pop(); continue; }
      if (i < node.next.length) {
        top[1]++;
        const e = node.next[i];
        if (e && !memo.has(e.node)) stack.push([e.node, 0]);
        continue;
      }
      stack.pop();
      memo.set(node, accumulators.has(node) || node.next.some((e) => e !== null && (receivers.has(e.node) || memo.get(e.node) === true)));
    }
    return memo.get(root)!;
  };
  const out = new Set<Node>();
  for (const n of nodes) if (visit(n)) out.add(n);
  return out;
}

function hasHooks(node: Node): boolean {
  return (node.tensorPreHooks !== null && node.tensorPreHooks.size > 0) ||
    (node.nodePreHooks !== null && node.nodePreHooks.length > 0) || (node.postHooks !== null && node.postHooks.length > 0);
}

/** The tensors' own hooks (`t.registerHook`), then the retained grads (PyTorch's call_tensor_pre_hooks). */
function runTensorPreHooks(node: Node, grads: (Tensor | null)[]): void {
  if (node.tensorPreHooks) {
    for (const [nr, hooks] of node.tensorPreHooks) {
      for (const hook of [...hooks]) {
        const g = grads[nr];
        if (!g) continue;
        const replaced = hook(g);
        if (replaced) grads[nr] = checkHookResult(hook, g, replaced);
      }
    }
  }
  if (node.retained) {
    for (const [nr, t] of node.retained) {
      const g = grads[nr];
      if (!g) continue;
      const math = gradMath();
      t.grad = t._grad ? math.add(t._grad, g) : math.detach(math.clone(g));
    }
  }
}

/** A hook may replace a gradient, but not change its shape or dtype (PyTorch's check_variable_result). */
function checkHookResult(hook: (...args: any[]) => unknown, g: Tensor, replaced: unknown): Tensor {
  const name = hook.name || "<lambda>";
  if (!(replaced instanceof Tensor)) throw new TypeError(`expected Variable, but hook returned '${typeName(replaced)}'`);
  if (replaced.dtype !== g.dtype) throw new Error(`hook '${name}' has changed the type of value (was ${tensorTypeName(g)} got ${tensorTypeName(replaced)})`);
  if (replaced.shape.length !== g.shape.length || replaced.shape.some((d, k) => d !== g.shape[k])) {
    throw new Error(`hook '${name}' has changed the size of value (was [${g.shape.join(", ")}] got [${replaced.shape.join(", ")}])`);
  }
  return replaced;
}

/** How PyTorch's messages name the type of a value a hook returned. */
function typeName(x: unknown): string {
  if (x === null || x === undefined) return "NoneType";
  if (typeof x !== "object") return typeof x;
  return (x.constructor as { name?: string } | undefined)?.name ?? "object";
}

/**
 * A node hook's result (PyTorch's check_result): null/undefined keeps the
 * values; otherwise an array of the same length whose entries are null (no
 * gradient) or a tensor of the same shape and dtype as the one it replaces.
 */
function checkNodeHookResult(hook: (...args: any[]) => unknown, values: readonly (Tensor | null)[], result: unknown): (Tensor | null)[] | null {
  if (result === null || result === undefined) return null;
  if (!Array.isArray(result)) throw new TypeError(`expected tuple, but hook returned '${typeName(result)}' (return an array of gradients)`);
  if (result.length !== values.length) {
    throw new Error(`hook '${hook.name || "<lambda>"}' has returned an incorrect number of values (got ${result.length}, but expected ${values.length})`);
  }
  return result.map((r: unknown, i) => {
    if (r === null || r === undefined) return null;
    const g = values[i];
    if (g === null || g === undefined) throw new Error("can't replace a None gradient with a non-None value");
    return checkHookResult(hook, g, r);
  });
}

/** `node.registerPrehook` hooks, on the gradients w.r.t. the node's outputs (replaced in `grads`). */
function runNodePreHooks(node: Node, grads: (Tensor | null)[]): void {
  for (const hook of [...node.nodePreHooks!]) {
    const replaced = checkNodeHookResult(hook, grads, hook([...grads]));
    if (replaced !== null) replaced.forEach((g, i) => (grads[i] = g));
  }
}

/** `node.registerHook` hooks, after the node ran: they see (and may replace) its input gradients. */
function runPostHooks(node: Node, gradInputs: (Tensor | null)[], gradOutputs: (Tensor | null)[]): (Tensor | null)[] {
  let current = gradInputs;
  for (const hook of [...node.postHooks!]) {
    const replaced = checkNodeHookResult(hook, current, hook([...current], [...gradOutputs]));
    if (replaced !== null) current = replaced;
  }
  return current;
}

/** Whether `shape` broadcasts to `target` (so a gradient of `target`'s shape can be summed back to it). */
function expandableTo(shape: readonly number[], target: readonly number[]): boolean {
  if (shape.length > target.length) return false;
  const lead = target.length - shape.length;
  return shape.every((d, k) => d === 1 || d === target[lead + k]);
}

/** The gradient node computed for input `i` (`raw`, null if it did not run), fitted to that input; null where none flows. */
function fitted(node: Node, raw: readonly (Tensor | null | undefined)[] | null, i: number): Tensor | null {
  const g = raw === null ? null : raw[i];
  return node.next[i] === null || g === null || g === undefined ? null : fitToInput(g, node, i);
}

/** Casts and sums a gradient to the shape and dtype of the input it flows to. */
function fitToInput(g: Tensor, node: Node, i: number): Tensor {
  const meta = node.inputMeta[i];
  if (!meta) return g;
  const math = gradMath();
  let out = g;
  const same = out.shape.length === meta.shape.length && out.shape.every((d, k) => d === meta.shape[k]);
  if (!same && !expandableTo(meta.shape, out.shape)) {
    throw new Error(`Function ${node.name} returned an invalid gradient at index ${i} - got [${out.shape.join(", ")}] but expected shape compatible with [${meta.shape.join(", ")}]`);
  }
  if (!same) out = math.sumToShape(out, meta.shape);
  if (out.dtype !== meta.dtype) out = math.cast(out, meta.dtype);
  return out;
}

/** Adds `g` into `leaf.grad`; `owned`: nobody else holds g's storage, so it may become the grad as it is. */
function accumulate(leaf: Tensor, g: Tensor, createGraph: boolean, owned: boolean): void {
  const math = gradMath();
  if (leaf.grad === null) {
    // otherwise a fresh copy: the incoming tensor may be shared with other leaves or the caller
    leaf.grad = createGraph || owned ? g : math.clone(g);
  } else if (createGraph) {
    leaf.grad = math.add(leaf.grad, g);
  } else {
    // in place even when the grad has a graph of its own (from an earlier createGraph backward), as PyTorch's
    // AccumulateGrad outside grad mode: the same tensor, one version later
    math.addInPlace(leaf.grad, g);
  }
}

function asArray<T>(x: T | readonly T[]): T[] {
  return Array.isArray(x) ? [...(x as readonly T[])] : [x as T];
}

/** `tensor.backward(gradient, options)` / `torch.autograd.backward`. */
export function backward(
  tensors: Tensor | readonly Tensor[],
  gradTensors?: Tensor | null | readonly (Tensor | null)[],
  options: BackwardOptions = {},
): void {
  const outputs = asArray(tensors);
  const grads = gradTensors === undefined || gradTensors === null ? [] : asArray(gradTensors);
  const rootGrads = rootGradients(outputs, grads);
  const createGraph = options.createGraph ?? false;
  let accumulateOnly: Set<Node> | null = null;
  // non-leaf inputs get their .grad the way retainGrad() does, for this run only
  const temporarilyRetained: Tensor[] = [];
  if (options.inputs !== undefined) {
    const inputs = asArray(options.inputs);
    if (inputs.length === 0) throw new Error("backward: 'inputs' argument to backward() cannot be empty.");
    accumulateOnly = new Set(inputs.map((t, i) => {
      if (!t.requiresGrad) throw new Error(`One of the differentiated Tensors does not require grad (backward inputs[${i}])`);
      if (t.gradFn !== null && !t._retainsGrad) {
        t.gradFn.retained ??= new Map();
        t.gradFn.retained.set(t.outputNr, t);
        temporarilyRetained.push(t);
      }
      return gradientEdge(t).node;
    }));
  }
  try {
    run(outputs, rootGrads, { retainGraph: options.retainGraph ?? createGraph, createGraph, capture: null, accumulateOnly });
  } finally {
    for (const t of temporarilyRetained) t.gradFn?.retained?.delete(t.outputNr);
  }
}

export interface GradOptions {
  gradOutputs?: Tensor | readonly (Tensor | null)[] | null;
  retainGraph?: boolean;
  createGraph?: boolean;
  allowUnused?: boolean;
  /** Zeros instead of null for inputs the outputs don't depend on (PyTorch 2.1's materialize_grads; implies allowUnused). */
  materializeGrads?: boolean;
}

/** `torch.autograd.grad`: gradients of `outputs` w.r.t. `inputs`, without touching `.grad`. */
export function grad(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor | readonly Tensor[],
  options: GradOptions = {},
): (Tensor | null)[] {
  const outs = asArray(outputs);
  const ins = asArray(inputs);
  if (ins.length === 0) throw new Error("grad requires non-empty inputs.");
  const gradOutputs = options.gradOutputs === undefined || options.gradOutputs === null ? [] : asArray(options.gradOutputs);
  const rootGrads = rootGradients(outs, gradOutputs);
  ins.forEach((t, i) => {
    if (!t.requiresGrad) throw new Error(`One of the differentiated Tensors does not require grad (input ${i})`);
  });
  const createGraph = options.createGraph ?? false;
  if (options.materializeGrads && options.allowUnused === false) {
    throw new Error("Expected allow_unused to be True or not passed when materialize_grads=True, but got: allow_unused=False.");
  }
  const result = run(outs, rootGrads, {
    retainGraph: options.retainGraph ?? createGraph,
    createGraph,
    capture: ins.map(gradientEdge),
    accumulateOnly: null,
  });
  return result.map((g, i) => {
    if (g === null) {
      if (options.materializeGrads) return gradMath().zerosLike(ins[i]!);
      if (!options.allowUnused) {
        throw new Error(
          `One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior. (input ${i})`,
        );
      }
      return null;
    }
    return createGraph ? g : gradMath().detach(g);
  });
}

export { Node };
