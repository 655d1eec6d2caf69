/**
 * `torch.utils.checkpoint`: activation checkpointing, PyTorch 2.x's way.
 * A checkpointed function's forward keeps no activations for backward; the
 * first backward that needs one runs the function again (with the random
 * state its forward had) and takes the activations from there.
 *
 * Non-reentrant (the default here): forward runs under saved-tensor hooks
 * whose pack keeps a placeholder per saved tensor and whose unpack recomputes
 * the function, under hooks that collect the recomputed tensors by position,
 * stopping as soon as the last one is there. Reentrant: a custom Function
 * runs the function under noGrad, and its backward recomputes it with grad
 * and runs a backward of its own through the recomputed graph.
 */
import { currentGraphTaskId, isCheckpointValid, backward } from "../autograd/engine.js";
import { Function, type FunctionCtx, isTensor } from "../autograd/function.js";
import { isRecording, kindOf, runInMode, withGrad } from "../autograd/grad-mode.js";
import { type Node, nodeBeingPacked } from "../autograd/node.js";
import { savedTensorsHooks } from "../autograd/saved-tensor-hooks.js";
import { empty, record } from "../ops/core.js";
import { defaultGenerator } from "../ops/random.js";
import type { Tensor } from "../tensor/tensor.js";
import { warn } from "../warnings.js";

/** Options of `checkpoint` (PyTorch's keyword arguments). */
export interface CheckpointOptions {
  /**
   * The reentrant variant (a custom Function that recomputes inside its
   * backward) instead of the saved-tensor-hooks one. Default false, the
   * variant PyTorch recommends (PyTorch 2.x still defaults to true with a
   * warning when the argument is left out).
   */
  useReentrant?: boolean;
  /** Restore the random state of forward for the recomputation, so dropout draws the same (default true). */
  preserveRngState?: boolean;
  /** `"default"`: the recomputed tensors must have the shapes and dtypes forward saved; `"none"`: no check. Non-reentrant only. */
  determinismCheck?: "default" | "none";
  /** On a checkpoint error, also list the ops that saved tensors in forward and in the recomputation. Non-reentrant only. */
  debug?: boolean;
  /** Stop the recomputation once every tensor forward saved is recomputed (default true). Non-reentrant only. */
  earlyStop?: boolean;
}

const OPTION_KEYS: ReadonlySet<string> = new Set(["useReentrant", "preserveRngState", "determinismCheck", "debug", "earlyStop"]);

/** A checkpoint's own errors (PyTorch's `torch.utils.checkpoint.CheckpointError`). */
export class CheckpointError extends Error {
  override name = "CheckpointError";
}

/** A function to checkpoint, or a layer called as `layer.forward(x)`. */
export type CheckpointFunctionLike = ((input: Tensor) => Tensor) | { forward(input: Tensor): Tensor };

/** What `checkpointSequential` runs: functions or layers in order, or a container such as `nn.Sequential`. */
export type SequentialLike = readonly CheckpointFunctionLike[] | { children(): Iterable<{ forward(input: Tensor): Tensor }> };

function isOptions(x: unknown): x is CheckpointOptions {
  if (typeof x !== "object" || x === null || isTensor(x) || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return (proto === Object.prototype || proto === null) && Object.keys(x).every((k) => OPTION_KEYS.has(k));
}

/**
 * PyTorch's `torch.utils.checkpoint.checkpoint(function, *args, use_reentrant=..., ...)`:
 * runs `fn(...args)` without keeping its activations for backward, and
 * recomputes them when backward needs them; gradients are those of
 * `fn(...args)`. Trades compute for memory.
 *
 * The options object, if any, comes last; a last argument is taken for it
 * when it is a plain object with only option keys (so pass `{}` after a
 * plain-object argument of `fn`).
 *
 * The non-reentrant default works with `autograd.grad`, backward's `inputs`,
 * nested checkpoints and inputs that don't require grad (parameters used
 * inside `fn` still get gradients). The reentrant variant warns when no
 * input requires grad (its outputs then don't require grad either), and its
 * backward refuses `autograd.grad` and `inputs`, as PyTorch's.
 *
 * @example
 * const y = torch.utils.checkpoint.checkpoint((x: torch.Tensor) => block.forward(x), x);
 * const z = torch.utils.checkpoint.checkpoint((a: torch.Tensor, b: torch.Tensor) => a.mul(b).tanh(), a, b, { useReentrant: true });
 */
export function checkpoint<A extends unknown[], R>(fn: (...args: A) => R, ...args: [...A] | [...A, CheckpointOptions]): R;
export function checkpoint(fn: (...args: unknown[]) => unknown, ...rest: unknown[]): unknown {
  if (typeof fn !== "function") throw new TypeError(`checkpoint: expected a function, got ${typeof fn}`);
  if (kindOf(fn) !== "sync") throw new TypeError("checkpoint: the function must be a plain synchronous function (its recomputation runs inside backward)");
  const last = rest[rest.length - 1];
  const options: CheckpointOptions = rest.length > 0 && isOptions(last) ? last : {};
  const args = options === last ? rest.slice(0, -1) : rest;
  const preserve = options.preserveRngState ?? true;
  if (options.useReentrant ?? false) {
    if (options.debug !== undefined && options.debug !== false) throw new Error("Passing `context_fn` or `debug` is only supported when use_reentrant=False.");
    return CheckpointFunction.apply(fn, preserve, ...args);
  }
  return checkpointWithoutReentrant(fn, args, preserve, options);
}

/**
 * PyTorch's `torch.utils.checkpoint.checkpoint_sequential(functions, segments, input, ...)`:
 * runs `functions` in order on `input`, split into `segments` chunks of
 * `floor(n / segments)` functions, all but the last one checkpointed (so
 * only the chunks' inputs stay alive between forward and backward).
 *
 * @example
 * const out = torch.utils.checkpoint.checkpointSequential(model, 2, x); // model: an nn.Sequential
 */
export function checkpointSequential(functions: SequentialLike, segments: number, input: Tensor, options: CheckpointOptions = {}): Tensor {
  const fns = (Array.isArray(functions) ? functions : [...(functions as { children(): Iterable<CheckpointFunctionLike> }).children()]) as readonly CheckpointFunctionLike[];
  if (!Number.isInteger(segments) || segments < 1 || (segments > fns.length && segments > 1)) {
    throw new Error(`checkpointSequential: segments must be an integer from 1 to the number of functions (${fns.length}), got ${segments}`);
  }
  const call = (f: CheckpointFunctionLike, x: Tensor): Tensor => (typeof f === "function" ? f(x) : f.forward(x));
  const run = (start: number, end: number) => (x: Tensor): Tensor => {
    for (let j = start; j <= end; j++) x = call(fns[j]!, x);
    return x;
  };
  const size = Math.floor(fns.length / segments);
  let end = -1;
  for (let start = 0; start < size * (segments - 1); start += size) {
    end = start + size - 1;
    input = checkpoint(run(start, end), input, options);
  }
  return run(end + 1, fns.length - 1)(input);
}

// ---------------------------------------------------------------------------
// Reentrant

/** PyTorch's check_backward_validity. */
function checkBackwardValidity(args: readonly unknown[]): void {
  if (!args.some((a) => isTensor(a) && a.requiresGrad)) warn("None of the inputs have requires_grad=True. Gradients will be None");
}

/** Runs `fn` with the default generator in `state`, then puts back the state it had (PyTorch's fork_rng + set_rng_state). */
function withRngState<R>(state: readonly number[] | null, fn: () => R): R {
  if (state === null) return fn();
  const outer = defaultGenerator.getState();
  defaultGenerator.setState(state);
  try {
    return fn();
  } finally {
    defaultGenerator.setState(outer);
  }
}

class CheckpointFunction extends Function {
  static override forward(ctx: FunctionCtx, run: (...args: unknown[]) => unknown, preserve: boolean, ...args: unknown[]): Tensor | Tensor[] {
    checkBackwardValidity(args);
    ctx.run = run;
    ctx.rngState = preserve ? defaultGenerator.getState() : null;
    // non-tensor arguments stay on ctx; tensors are saved (and so checked for in-place changes, and packed by outer hooks)
    ctx.inputs = args.map((a) => (isTensor(a) ? null : a));
    ctx.tensorIndices = args.flatMap((a, i) => (isTensor(a) ? [i] : []));
    ctx.saveForBackward(...args.filter(isTensor));
    // (Function.apply runs forward without recording)
    return run(...args) as Tensor | Tensor[];
  }

  static override backward(ctx: FunctionCtx, ...grads: (Tensor | null)[]): (Tensor | null)[] {
    if (!isCheckpointValid()) {
      throw new Error(
        "When use_reentrant=True, torch.utils.checkpoint is incompatible with .grad() or passing an `inputs` parameter to .backward(). " +
          "To resolve this error, you can either set use_reentrant=False, or call .backward() without passing the `inputs` argument.",
      );
    }
    const inputs = [...(ctx.inputs as unknown[])];
    const saved = ctx.savedTensors;
    (ctx.tensorIndices as number[]).forEach((idx, k) => (inputs[idx] = saved[k]));
    const detached = inputs.map((a) => {
      if (!isTensor(a)) return a;
      const d = a.detach();
      d.requiresGrad = a.requiresGrad;
      return d;
    });
    const run = ctx.run as (...args: unknown[]) => unknown;
    const result = withRngState(ctx.rngState as number[] | null, () => runInMode(withGrad(true), () => run(...detached)));
    const outputs = (Array.isArray(result) ? result : [result]) as unknown[];
    const roots: Tensor[] = [], rootGrads: Tensor[] = [];
    outputs.forEach((o, i) => {
      if (isTensor(o) && o.requiresGrad) {
        roots.push(o);
        rootGrads.push(grads[i]!);
      }
    });
    if (roots.length === 0) throw new Error("none of output has requires_grad=True, this checkpoint() is not necessary");
    backward(roots, rootGrads);
    return [null, null, ...detached.map((d) => (isTensor(d) ? d.grad : null))];
  }
}

// ---------------------------------------------------------------------------
// Non-reentrant

/** What forward's pack keeps per saved tensor: the recomputed tensor's handle per backward. */
class Holder {
  readonly handles = new Map<number, Handle | null>();
}

class Handle {}

/** Thrown by the recomputation's pack once the last needed tensor is there (PyTorch's _StopRecomputationError). */
class StopRecomputation extends Error {}

/** PyTorch's _default_meta_extractor, printed as PyTorch prints the dict. */
function defaultMetadata(x: Tensor): string {
  return `{'shape': torch.Size([${x.shape.join(", ")}]), 'dtype': torch.${x.dtype}, 'device': device(type='cpu')}`;
}

const METADATA: Record<string, (x: Tensor) => string> = { default: defaultMetadata, none: () => "None" };

function internalAssert(cond: boolean): asserts cond {
  if (!cond) throw new Error("Something went unexpectedly wrong in activation checkpoint. Please report this bug by filing an issue to PyTorch.");
}

/** One non-reentrant checkpoint call: what its backward needs to recompute (PyTorch's _CheckpointFrame). */
class CheckpointFrame {
  /** The node that saved the function's tensor arguments (behind a dummy, so there always is one). */
  inputSaver: Node | null = null;
  getArgs: (saved: Tensor[]) => unknown[] = () => [];
  readonly weakHolders: WeakRef<Holder>[] = [];
  /** Per backward: the recomputed tensors, by handle (dropped with the handle once unpacked). */
  readonly recomputed = new Map<number, WeakMap<Handle, Tensor>>();
  readonly recompCounter = new Map<number, number>();
  readonly isRecomputed = new Set<number>();
  readonly xMetadatas: string[] = [];
  forwardCompleted = false;
  ignoreSavedMismatch = false;
  /** With `debug`: the ops that saved tensors, in forward and in the latest recomputation. */
  readonly log: { forward: string[]; recompute: string[] } | null;

  constructor(
    readonly recompute: (args: unknown[]) => void,
    readonly earlyStop: boolean,
    readonly metadata: (x: Tensor) => string,
    debug: boolean,
  ) {
    this.log = debug ? { forward: [], recompute: [] } : null;
  }

  checkRecomputedTensorsMatch(gid: number): void {
    if (this.ignoreSavedMismatch) return;
    const saved = this.weakHolders.length, again = this.recompCounter.get(gid) ?? 0;
    if (saved !== again) {
      throw new CheckpointError(
        "torch.utils.checkpoint: A different number of tensors was saved during the original forward and recomputation.\n" +
          `Number of tensors saved during forward: ${saved}\nNumber of tensors saved during recomputation: ${again}`,
      );
    }
    let mismatched = "";
    this.weakHolders.forEach((ref, idx) => {
      const holder = ref.deref();
      if (holder === undefined) return;
      const handle = holder.handles.get(gid);
      internalAssert(handle !== undefined && handle !== null);
      const x = this.recomputed.get(gid)?.get(handle);
      internalAssert(x !== undefined);
      const now = this.metadata(x);
      if (now !== this.xMetadatas[idx]) mismatched += `tensor at position ${idx}:\nsaved metadata: ${this.xMetadatas[idx]}\nrecomputed metadata: ${now}\n`;
    });
    if (mismatched !== "") {
      throw new CheckpointError(`torch.utils.checkpoint: Recomputed values for the following tensors have different metadata than during the forward pass.\n${mismatched}`);
    }
  }
}

/** Ids for an unpack outside backward (e.g. reading `node.savedTensors`): each such read recomputes on its own. */
let outsideBackward = -1;

function logEntry(x: Tensor): string {
  return `${nodeBeingPacked()?.name ?? "<unknown>"} saved ${defaultMetadata(x)}`;
}

/** The pack hook of the recomputation: puts each tensor where forward's holder at the same position expects it. */
function recomputationPack(frame: CheckpointFrame, gid: number): (x: Tensor) => Tensor {
  return (x) => {
    if (x.requiresGrad) x = x.detach();
    frame.log?.recompute.push(logEntry(x));
    const idx = frame.recompCounter.get(gid) ?? 0;
    frame.recompCounter.set(gid, idx + 1);
    if (idx >= frame.weakHolders.length) {
      internalAssert(!frame.earlyStop);
      // a backward inside the checkpointed function, during its forward: nothing to match yet
      if (!frame.forwardCompleted) {
        frame.ignoreSavedMismatch = true;
        return x;
      }
      throw new CheckpointError("torch.utils.checkpoint: trying to save more tensors during recomputation than during the original forward pass.");
    }
    // (a holder already freed by an earlier backward needs nothing)
    const holder = frame.weakHolders[idx]!.deref();
    if (holder !== undefined) {
      internalAssert(holder.handles.get(gid) == null);
      const handle = new Handle();
      holder.handles.set(gid, handle);
      let map = frame.recomputed.get(gid);
      if (map === undefined) frame.recomputed.set(gid, (map = new WeakMap()));
      map.set(handle, x);
    }
    if (frame.earlyStop && idx + 1 === frame.weakHolders.length) throw new StopRecomputation();
    return x;
  };
}

function checkpointUnpack(frame: CheckpointFrame, holder: Holder): Tensor {
  let gid = currentGraphTaskId();
  if (gid === -1) gid = --outsideBackward;
  if (!frame.isRecomputed.has(gid)) {
    // the arguments come back through the saver node, which unpacks them (through an outer checkpoint, if any)
    const args = frame.getArgs(frame.inputSaver!.savedTensors);
    if (frame.log !== null) frame.log.recompute.length = 0;
    try {
      savedTensorsHooks(recomputationPack(frame, gid), (x: Tensor) => x, () => runInMode(withGrad(true), () => frame.recompute(args)));
    } catch (e) {
      if (!(e instanceof StopRecomputation)) throw e;
    }
    frame.isRecomputed.add(gid);
    frame.checkRecomputedTensorsMatch(gid);
  }
  const handle = holder.handles.get(gid);
  internalAssert(handle !== undefined);
  if (handle === null) {
    throw new CheckpointError(
      "torch.utils.checkpoint: Unpack is being triggered for a tensor that was already unpacked once. " +
        "If you are calling ctx.saved_tensors in backward, make sure to do so only once. Otherwise please open an issue with details on your use case.",
    );
  }
  const out = frame.recomputed.get(gid)?.get(handle);
  internalAssert(out !== undefined);
  holder.handles.set(gid, null);
  return out;
}

/** The error of a debug checkpoint: the ops that saved tensors in forward and in the recomputation, then the error itself. */
function debugError(frame: CheckpointFrame, e: CheckpointError): CheckpointError {
  const list = (ops: string[]) => ops.map((op, i) => `${op}   (${i + 1} of ${ops.length})`).join("\n");
  return new CheckpointError(
    "An error happened while unpacking tensors; dumping logs of latest computation because you passed `debug=True` to `torch.utils.checkpoint.checkpoint()`.\n\n" +
      `Operations that saved tensors during the original forward:\n\n${list(frame.log!.forward)}\n\n` +
      `Operations that saved tensors during recomputation:\n\n${list(frame.log!.recompute)}\n\n${e.message}`,
    { cause: e },
  );
}

function checkpointWithoutReentrant(fn: (...args: unknown[]) => unknown, args: unknown[], preserve: boolean, options: CheckpointOptions): unknown {
  const check = options.determinismCheck ?? "default";
  const metadata = METADATA[check];
  if (typeof check !== "string" || metadata === undefined) {
    throw new Error(`determinism_check should be one of ['default', 'none'], but got ${String(check)}`);
  }
  const rngState = preserve ? defaultGenerator.getState() : null;
  // with grad off nothing is saved, so there is nothing to recompute (PyTorch: the input saver has no grad_fn)
  if (!isRecording()) return fn(...args);

  const frame = new CheckpointFrame(
    (inputs) => withRngState(rngState, () => void fn(...inputs)),
    options.earlyStop ?? true,
    metadata,
    options.debug ?? false,
  );
  // The tensor arguments are saved by a node of their own (PyTorch's _NoopSaveInputs, behind a dummy that requires
  // grad): so the recomputation takes them from there, checked for in-place changes, and through an outer checkpoint's
  // hooks when nested; the frame keeps no tensor itself.
  const tensorAt = args.flatMap((a, i) => (isTensor(a) ? [i] : []));
  const others = args.map((a) => (isTensor(a) ? null : a));
  const dummy = empty([0], "float32");
  dummy.requiresGrad = true;
  frame.inputSaver = record("_NoopSaveInputsBackward", [dummy], empty([0], "float32"), () => {
    throw new Error("Did not expect to backward on this graph");
  }, [dummy, ...tensorAt.map((i) => args[i] as Tensor)]);
  frame.getArgs = (saved) => {
    const out = [...others];
    tensorAt.forEach((i, k) => (out[i] = saved[k + 1]));
    return out;
  };

  const pack = (x: Tensor): Holder => {
    const holder = new Holder();
    frame.weakHolders.push(new WeakRef(holder));
    frame.xMetadatas.push(frame.metadata(x));
    frame.log?.forward.push(logEntry(x));
    return holder;
  };
  const unpack = (holder: Holder): Tensor => {
    try {
      return checkpointUnpack(frame, holder);
    } catch (e) {
      throw frame.log !== null && e instanceof CheckpointError ? debugError(frame, e) : e;
    }
  };
  const result = savedTensorsHooks(pack, unpack, () => fn(...args));
  frame.forwardCompleted = true;
  return result;
}
