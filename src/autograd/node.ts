import type { DType } from "../tensor/dtype.js";
import type { Tensor, TensorHook } from "../tensor/tensor.js";
import { isAnomalyEnabled } from "./anomaly-mode.js";

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

const TYPE_NAMES: Record<DType, string> = {
  float32: "torch.FloatTensor",
  float64: "torch.DoubleTensor",
  int32: "torch.IntTensor",
  bool: "torch.BoolTensor",
};

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

  /** `owner` is the name of the node that saved this tensor. */
  unpack(owner: string): Tensor {
    const t = this.tensor;
    const now = t.storage.version;
    if (now !== this.version) {
      const which =
        this.outputOf >= 0 ? `, which is output ${this.outputOf} of ${owner},` : t.gradFn ? `, which is output ${t.outputNr} of ${t.gradFn.name},` : "";
      throw new Error(
        "one of the variables needed for gradient computation has been modified by an inplace operation: " +
          `[${TYPE_NAMES[t.dtype]} [${t.shape.join(", ")}]]${which} is at version ${now}; expected version ${this.version} instead. ` +
          (isAnomalyEnabled()
            ? "Hint: the backtrace further above shows the operation that failed to compute its gradient. The variable in question was changed in there or anywhere later. Good luck!"
            : "Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True)."),
      );
    }
    return t;
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
  private saved: SavedTensor[] | null;
  /** Tensor hooks per output, run on the incoming gradient before this node. */
  preHooks: Map<number, TensorHook[]> | null = null;
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

  /** PyTorch's `next_functions`: `[node, inputNr]` per input, `[null, 0]` where no gradient flows. */
  get nextFunctions(): [Node | null, number][] {
    return this.next.map((e) => (e ? [e.node, e.inputNr] : [null, 0]));
  }

  /** The saved tensors, checked against in-place modification since they were saved. */
  get savedTensors(): Tensor[] {
    if (this.saved === null) throw new Error(FREED_MESSAGE);
    return this.saved.map((s) => s.unpack(this.name));
  }

  /** Marks the saved tensors that are among this node's `outputs` (call once the outputs are known). */
  markSavedOutputs(outputs: readonly unknown[]): void {
    const saved = this.saved;
    if (saved === null) return;
    for (let i = 0; i < saved.length; i++) {
      const j = outputs.indexOf(saved[i]!.tensor);
      if (j >= 0) saved[i]!.outputOf = j;
    }
  }

  /**
   * An in-place op computes its value into a temporary and writes it into
   * `into`: the saved output must be `into` (at its version after the write),
   * so that a later in-place change of it is caught, as PyTorch's saved
   * `result` of `exp_` is the tensor itself.
   */
  resaveOutput(from: Tensor, into: Tensor): void {
    const saved = this.saved;
    if (saved === null) return;
    for (let i = 0; i < saved.length; i++) {
      const s = saved[i]!;
      if (s.tensor !== from) continue;
      const moved = new SavedTensor(into);
      moved.outputOf = s.outputOf;
      saved[i] = moved;
    }
  }

  /** Runs backward for this node. */
  apply(grads: (Tensor | null)[]): (Tensor | null)[] {
    return this.backwardFn(grads, this.savedTensors);
  }

  /** Frees the saved tensors once backward no longer needs them (retainGraph: false). */
  release(): void {
    if (this.saved !== null && this.saved.length > 0) this.saved = null;
  }

  addPreHook(outputNr: number, hook: TensorHook): { remove(): void } {
    this.preHooks ??= new Map();
    const list = this.preHooks.get(outputNr) ?? [];
    list.push(hook);
    this.preHooks.set(outputNr, list);
    return {
      remove: () => {
        const i = list.indexOf(hook);
        if (i >= 0) list.splice(i, 1);
      },
    };
  }

  toString(): string {
    return `<${this.name}>`;
  }
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
}
