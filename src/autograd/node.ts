import type { DType } from "../tensor/dtype.js";
import { Tensor, type TensorHook } from "../tensor/tensor.js";
import { isAnomalyEnabled } from "./anomaly-mode.js";
import { NO_GRAD, runInMode } from "./grad-mode.js";
import type { SavedTensorsHookPair } from "./saved-tensor-hooks.js";

/** Where a gradient goes next: input `inputNr` of `node`. */
export interface Edge {
  readonly node: Node;
  readonly inputNr: number;
}

/** What backward needs to know about an input to shape its gradient. */
export interface InputMeta {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** Computes input gradients from output gradients; saved tensors arrive unpacked (version-checked). */
export type BackwardFn = (grads: (Tensor | null)[], saved: Tensor[]) => (Tensor | null)[];

/**
 * A node pre-hook (`node.registerPrehook`): gets the gradients w.r.t. the
 * node's outputs (null where none arrived) before the node runs, and may
 * return an array of replacements (null entries stay null).
 */
export type NodePreHook = (gradOutputs: (Tensor | null)[]) => (Tensor | null)[] | null | undefined | void;

/**
 * A node post-hook (`node.registerHook`): gets the gradients the node
 * computed w.r.t. its inputs (null where none flows) and the gradients w.r.t.
 * its outputs, after the node ran; may return replacements for `gradInputs`.
 */
export type NodePostHook = (gradInputs: (Tensor | null)[], gradOutputs: (Tensor | null)[]) => (Tensor | null)[] | null | undefined | void;

/** What registering a hook returns: `remove()` unregisters it (PyTorch's RemovableHandle). */
export interface HookHandle {
  remove(): void;
}

const TYPE_NAMES: Record<DType, string> = {
  float32: "torch.FloatTensor",
  float64: "torch.DoubleTensor",
  int32: "torch.IntTensor",
  bool: "torch.BoolTensor",
};

/** PyTorch's type string of a tensor (`torch.FloatTensor`), as its messages print it. */
export function tensorTypeName(t: Tensor): string {
  return TYPE_NAMES[t.dtype];
}

/** A tensor kept for backward with the version it had, so later in-place writes are caught. */
class SavedTensor {
  readonly tensor: Tensor;
  readonly version: number;
  /**
   * Which output of the saving node this tensor is, or -1 for a tensor saved
   * as an input. PyTorch's error names the saving node for an output (even
   * after an in-place op gave the tensor another grad_fn), and the tensor's
   * current grad_fn for anything else.
   */
  outputOf = -1;
  constructor(tensor: Tensor) {
    this.tensor = tensor;
    this.version = tensor.storage.version;
  }

  /** `owner` is the node that saved this tensor. */
  unpack(owner: Node): Tensor {
    const t = this.tensor;
    // (PyTorch's message names a bool tensor by its dispatch type, CPUBoolType, not torch.BoolTensor)
    const now = t.storage.version;
    if (now !== this.version) {
      const which =
        this.outputOf >= 0 ? `, which is output ${this.outputOf} of ${owner.name},` : t.gradFn ? `, which is output ${t.outputNr} of ${t.gradFn.name},` : "";
      throw new Error(
        "one of the variables needed for gradient computation has been modified by an inplace operation: " +
          `[${t.dtype === "bool" ? "CPUBoolType" : TYPE_NAMES[t.dtype]} [${t.shape.join(", ")}]]${which} is at version ${now}; expected version ${this.version} instead. ` +
          (isAnomalyEnabled()
            ? "Hint: the backtrace further above shows the operation that failed to compute its gradient. The variable in question was changed in there or anywhere later. Good luck!"
            : "Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True)."),
      );
    }
    return t;
  }
}

/** The node whose saved tensors are being packed right now (for checkpoint's debug log), or null. */
let packing: Node | null = null;

/** @internal the node whose saved tensors are going through a pack hook right now, or null */
export function nodeBeingPacked(): Node | null {
  return packing;
}

/**
 * A tensor saved through saved-tensor hooks: the graph keeps what `pack`
 * returned and the autograd identity the tensor had (PyTorch's
 * SavedVariable::save_metadata), not the tensor. As in PyTorch, no version
 * check: the hooks own the value.
 */
class PackedSavedTensor {
  readonly outputOf: number;
  readonly #packed: unknown;
  readonly #unpack: (packed: unknown) => unknown;
  readonly #outputNr: number;
  readonly #isLeaf: boolean;
  readonly #requiresGrad: boolean;
  /** The grad_fn of a saved non-leaf that is not an output of the saving node (an output gets the saving node). */
  readonly #gradFn: Node | null;
  readonly #accumulator: Node | null;

  /** Packs `t` (call in no-grad mode); `outputOf` as SavedTensor's. */
  constructor(t: Tensor, outputOf: number, hooks: SavedTensorsHookPair) {
    this.outputOf = outputOf;
    this.#outputNr = t.outputNr;
    const gradFn = t.gradFn;
    this.#isLeaf = gradFn === null;
    this.#requiresGrad = t.requiresGrad;
    this.#gradFn = gradFn !== null && outputOf < 0 ? gradFn : null;
    this.#accumulator = gradFn === null && t._requiresGrad ? (t._accumulator ??= new AccumulateGrad(t)) : null;
    this.#unpack = hooks.unpack;
    const version = t.storage.version;
    this.#packed = hooks.pack(t);
    if (t.storage.version !== version) {
      throw new Error(
        "A saved tensor pack hook is modifying its input in place. Tensors provided as input to pack hook can not be modified by in-place operations as this can lead to unexpected side-effects. " +
          "Please open an issue if you need to perform in-place operations on the input to a pack hook.",
      );
    }
  }

  /** Unpacks through the hook and gives the result the saved tensor's place in the graph. */
  unpack(owner: Node): Tensor {
    const data = this.#unpack(this.#packed);
    if (!(data instanceof Tensor)) {
      const type = data === null ? "null" : typeof data === "object" ? ((data.constructor as { name?: string } | undefined)?.name ?? "object") : typeof data;
      throw new TypeError(`Output of saved tensor unpack_hook expected to be a Tensor but got result of type ${type}`);
    }
    const gradFn = this.#isLeaf ? null : this.outputOf >= 0 ? owner : (this.#gradFn ?? owner);
    if (gradFn === null && !this.#requiresGrad && !data.requiresGrad) return data;
    // a new tensor on the same storage (so the same version counter), with the saved tensor's autograd identity
    const v = new Tensor(data.storage, data.shape, data.strides, data.offset);
    v._inference = data._inference;
    if (gradFn !== null) {
      v.gradFn = gradFn;
      v.outputNr = this.#outputNr;
      v._requiresGrad = true;
    } else {
      v._requiresGrad = this.#requiresGrad;
      v._accumulator = this.#accumulator;
    }
    return v;
  }
}

let nextSequenceNr = 0;

/** The sequence number the next node will get: nodes made from now on have one at least this large. */
export function nextNodeSequenceNr(): number {
  return nextSequenceNr;
}

/**
 * A node of the backward graph: PyTorch's `grad_fn`. It knows its inputs'
 * edges (`nextFunctions`), the tensors it saved, and how to turn output
 * gradients into input gradients.
 */
export class Node {
  readonly name: string;
  readonly next: readonly (Edge | null)[];
  readonly inputMeta: readonly (InputMeta | null)[];
  readonly numOutputs: number;
  /** Creation order; the engine runs later nodes first, as PyTorch does. */
  readonly sequenceNr = nextSequenceNr++;
  private readonly backwardFn: BackwardFn;
  private saved: (SavedTensor | PackedSavedTensor)[] | null;
  /** Tensor hooks per output (`t.registerHook`), run on the incoming gradient first. */
  tensorPreHooks: Map<number, TensorHook[]> | null = null;
  /** @internal node pre-hooks (`registerPrehook`), run after the tensor hooks and retained grads, before the node */
  nodePreHooks: NodePreHook[] | null = null;
  /** @internal node post-hooks (`registerHook`), run after the node */
  postHooks: NodePostHook[] | null = null;
  #metadata: Record<string, unknown> | null = null;
  /** Non-leaf tensors that asked to keep their grad, per output. */
  retained: Map<number, Tensor> | null = null;
  /** A custom Function's backward: user code, which may keep the gradients it returns. */
  userCode = false;
  /** Where forward created this node (a stack trace), kept only in anomaly mode to report a failing backward. */
  readonly forwardTrace: string | null = isAnomalyEnabled() ? (new Error().stack ?? null) : null;

  constructor(
    name: string,
    next: readonly (Edge | null)[],
    inputMeta: readonly (InputMeta | null)[],
    backwardFn: BackwardFn,
    saved: readonly Tensor[] = [],
    numOutputs = 1,
  ) {
    this.name = name;
    this.next = next;
    this.inputMeta = inputMeta;
    this.backwardFn = backwardFn;
    this.saved = saved.map((t) => new SavedTensor(t));
    this.numOutputs = numOutputs;
  }

  /** @internal the ready queue's order, highest first: the creation order (an AccumulateGrad goes before every other node) */
  get priority(): number {
    return this.sequenceNr;
  }

  /** PyTorch's `next_functions`: `[node, inputNr]` per input, `[null, 0]` where no gradient flows. */
  get nextFunctions(): [Node | null, number][] {
    return this.next.map((e) => (e ? [e.node, e.inputNr] : [null, 0]));
  }

  /** The saved tensors, checked against in-place modification since they were saved. */
  get savedTensors(): Tensor[] {
    if (this.saved === null) throw new Error(FREED_MESSAGE);
    return this.saved.map((s) => s.unpack(this));
  }

  /**
   * PyTorch's `node.metadata`: a plain object for the user's own notes about
   * this node (empty until written), kept as long as the node.
   */
  get metadata(): Record<string, unknown> {
    return (this.#metadata ??= {});
  }

  /**
   * Registers a pre-hook, PyTorch's `node.register_prehook`: each time this
   * node is about to run in backward, `hook(gradOutputs)` gets the gradients
   * w.r.t. its outputs (after the tensors' own hooks and retained grads) and
   * may return an array of replacements. Runs only when the node runs.
   *
   * @example
   * const h = y.gradFn!.registerPrehook((gradOutputs) => gradOutputs.map((g) => g && g.mul(2)));
   * h.remove();
   */
  registerPrehook(hook: NodePreHook): HookHandle {
    if (typeof hook !== "function") throw new TypeError(`registerPrehook: expected a function, got ${typeof hook}`);
    return addTo((this.nodePreHooks ??= []), hook);
  }

  /**
   * Registers a post-hook, PyTorch's `node.register_hook`: each time this
   * node has run in backward, `hook(gradInputs, gradOutputs)` gets the
   * gradients it computed w.r.t. its inputs (null where none flows) and the
   * gradients it was given, and may return replacements for `gradInputs`.
   * Runs only when the node runs.
   *
   * @example
   * const h = y.gradFn!.registerHook((gradInputs, gradOutputs) => gradInputs.map((g) => g && g.clamp(-1, 1)));
   */
  registerHook(hook: NodePostHook): HookHandle {
    if (typeof hook !== "function") throw new TypeError(`registerHook: expected a function, got ${typeof hook}`);
    return addTo((this.postHooks ??= []), hook);
  }

  /**
   * Hands the saved tensors to saved-tensor hooks (call once the outputs have
   * this node as their gradFn, as PyTorch packs after set_history): from now
   * on the node keeps what `pack` returned instead of the tensors.
   */
  packSaved(hooks: SavedTensorsHookPair): void {
    const saved = this.saved;
    if (saved === null || saved.length === 0) return;
    const outer = packing;
    packing = this;
    try {
      runInMode(NO_GRAD, () => {
        for (let i = 0; i < saved.length; i++) {
          const s = saved[i]!;
          if (s instanceof SavedTensor) saved[i] = new PackedSavedTensor(s.tensor, s.outputOf, hooks);
        }
      });
    } finally {
      packing = outer;
    }
  }

  /** Marks the saved tensors that are among this node's `outputs` (call once the outputs are known). */
  markSavedOutputs(outputs: readonly unknown[]): void {
    const saved = this.saved;
    if (saved === null) return;
    for (const s of saved) {
      if (!(s instanceof SavedTensor)) continue;
      const j = outputs.indexOf(s.tensor);
      if (j >= 0) s.outputOf = j;
    }
  }

  /**
   * An in-place op computes its value into a temporary and writes it into
   * `into`: the saved output must be `into` (at its version after the write),
   * so that a later in-place change of it is caught, as PyTorch's saved
   * `result` of `exp_` is the tensor itself. (A tensor packed by
   * saved-tensor hooks stays as packed: its values are the same, and it has
   * no version check to keep right.)
   */
  resaveOutput(from: Tensor, into: Tensor): void {
    const saved = this.saved;
    if (saved === null) return;
    for (let i = 0; i < saved.length; i++) {
      const s = saved[i]!;
      if (!(s instanceof SavedTensor) || s.tensor !== from) continue;
      const moved = new SavedTensor(into);
      moved.outputOf = s.outputOf;
      saved[i] = moved;
    }
  }

  /**
   * Runs backward for this node. A custom Function's backward reads
   * `ctx.savedTensors` itself, so its saved tensors are unpacked then, once
   * per read, as PyTorch's (not here as well).
   */
  apply(grads: (Tensor | null)[]): (Tensor | null)[] {
    return this.backwardFn(grads, this.userCode ? [] : this.savedTensors);
  }

  /** Frees the saved tensors once backward no longer needs them (retainGraph: false). */
  release(): void {
    if (this.saved !== null && this.saved.length > 0) this.saved = null;
  }

  /** Adds a tensor hook for output `outputNr` (what `t.registerHook` does). */
  addPreHook(outputNr: number, hook: TensorHook): HookHandle {
    this.tensorPreHooks ??= new Map();
    const list = this.tensorPreHooks.get(outputNr) ?? [];
    this.tensorPreHooks.set(outputNr, list);
    return addTo(list, hook);
  }

  toString(): string {
    return `<${this.name}>`;
  }
}

function addTo<H>(list: H[], hook: H): HookHandle {
  list.push(hook);
  return {
    remove: () => {
      const i = list.indexOf(hook);
      if (i >= 0) list.splice(i, 1);
    },
  };
}

export const FREED_MESSAGE =
  "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). " +
  "Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). " +
  "Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.";

/** The sink of a leaf's gradient: adds it into `variable.grad`. */
export class AccumulateGrad extends Node {
  readonly variable: Tensor;
  constructor(variable: Tensor) {
    super("AccumulateGrad", [], [], () => []);
    this.variable = variable;
  }

  /**
   * Ahead of every other node, as PyTorch's AccumulateGrad (sequence number
   * UINT64_MAX): a leaf takes its gradient as soon as it arrives, so a
   * backward that fails in a later node leaves the .grad filled so far.
   */
  override get priority(): number {
    return this.sequenceNr + 2 ** 52;
  }
}
