/**
 * Recurrent layers: RNN (Elman), LSTM and GRU, with PyTorch's parameters
 * (names, shapes, gate order, init) and call shapes, built from
 * differentiable ops: the input's contribution to the gates is one matmul
 * over all time steps, then each step adds `h Wₕₕᵀ` and applies the cell
 * (the step math of rnn-cells.ts, shared with the single-step cells).
 */
import { empty, zeros } from "../../ops/factories.js";
import { cat, split, stack } from "../../ops/indexing.js";
import type { Tensor } from "../../tensor/tensor.js";
import { dropout, linear } from "../functional.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import type { LayerOptions } from "./linear.js";
import { type CellStep, checkNonlinearity, elmanStep, gruStep, lstmStep, registerRecurrentWeights, resetRecurrent } from "./rnn-cells.js";
import { fromSequenceFirst, toSequenceFirst } from "./sequence-layout.js";
import { warn } from "../../warnings.js";
import { PackedSequence } from "../utils/packed-sequence.js";

export interface RNNOptions extends LayerOptions {
  /** Stacked layers (default 1). */
  numLayers?: number;
  /** Input and output are `[N, L, features]` instead of `[L, N, features]`. */
  batchFirst?: boolean;
  /** Dropout on each layer's output except the last, in training mode. */
  dropout?: number;
  /** A second pass over the reversed sequence; outputs are concatenated. */
  bidirectional?: boolean;
  /** LSTM only: size of the hidden state h, a learned projection (`weight_hr_l{k}`) of the cell's output; 0 (default): none. */
  projSize?: number;
}

/** PyTorch's spelling of a dtype, for messages. */
const torchDtype = (dtype: string) => `torch.${dtype}`;

abstract class RNNBase extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  /** The projected size of h (LSTM only), 0 without projection. */
  readonly projSize: number;

  /** `gates`: 4 for LSTM (i, f, g, o), 3 for GRU (r, z, n), 1 for RNN. */
  protected constructor(inputSize: number, hiddenSize: number, options: RNNOptions, gates: number) {
    super();
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.numLayers = options.numLayers ?? 1;
    this.bias = options.bias ?? true;
    this.batchFirst = options.batchFirst ?? false;
    this.dropout = options.dropout ?? 0;
    this.bidirectional = options.bidirectional ?? false;
    this.projSize = options.projSize ?? 0;
    // PyTorch's checks, in its order
    if (this.dropout < 0 || this.dropout > 1) throw new Error("dropout should be a number in range [0, 1] representing the probability of an element being zeroed");
    if (this.dropout > 0 && this.numLayers === 1) {
      warn(`dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers greater than 1, but got dropout=${this.dropout} and num_layers=${this.numLayers}`);
    }
    if (!Number.isInteger(hiddenSize) || hiddenSize <= 0) throw new Error("hidden_size must be greater than zero");
    if (!Number.isInteger(this.numLayers) || this.numLayers <= 0) throw new Error("num_layers must be greater than zero");
    if (!Number.isInteger(this.projSize) || this.projSize < 0) throw new Error("proj_size should be a positive integer or zero to disable projections");
    if (this.projSize >= hiddenSize) throw new Error("proj_size has to be smaller than hidden_size");
    const directions = this.bidirectional ? 2 : 1, stateSize = this.projSize || hiddenSize;
    for (let layer = 0; layer < this.numLayers; layer++) {
      for (let dir = 0; dir < directions; dir++) {
        const suffix = `_l${layer}${dir === 1 ? "_reverse" : ""}`;
        const inSize = layer === 0 ? inputSize : stateSize * directions;
        registerRecurrentWeights(this, suffix, gates, inSize, hiddenSize, this.bias, options, stateSize);
        if (this.projSize > 0) this.registerParameter(`weight_hr${suffix}`, new Parameter(empty([this.projSize, hiddenSize], { dtype: options.dtype ?? "float32" })));
      }
    }
    this.resetParameters();
  }

  /** PyTorch's: every weight and bias uniform in ±1/√hiddenSize. */
  resetParameters(): void {
    resetRecurrent(this, this.hiddenSize);
  }

  private param(name: string): Tensor | null {
    return this._parameters.get(name) ?? null;
  }

  /**
   * @internal
   * Runs every layer and direction over `input` (a tensor, or a
   * PackedSequence) from the initial states `states` (each
   * [layers·directions, N, size], sizes `stateSizes`); returns the last
   * layer's outputs and the final states, in the caller's layout and batch
   * order.
   */
  protected run(input: Tensor | PackedSequence, states: Tensor[] | null, stateSizes: number[], cell: CellStep, op: string): [Tensor | PackedSequence, Tensor[]] {
    const packed = input instanceof PackedSequence ? input : null;
    const x = packed?.data ?? (input as Tensor);
    const batched = packed !== null || x.shape.length === 3;
    if (packed !== null) {
      if (x.dim() !== 2) throw new Error(`input must have 2 dimensions, got ${x.dim()}`);
    } else if (x.shape.length !== 2 && x.shape.length !== 3) {
      // PyTorch's wording: only RNN's message says "tensor"
      throw new Error(`${op}: Expected input to be 2D or 3D, got ${x.shape.length}D${op === "RNN" ? " tensor" : ""} instead`);
    }
    // a packed input's states are always batched: PyTorch only compares their shapes
    if (packed === null && states !== null && states.some((s) => s.dim() !== x.dim())) {
      const [rank, kind] = batched ? [3, "batched 3-D"] : [2, "unbatched 2-D"];
      const got = states.map((s) => `${s.dim()}-D`);
      throw new Error(states.length === 2 ? `For ${kind} input, hx and cx should also be ${rank}-D but got (${got.join(", ")}) tensors` : `For ${kind} input, hx should also be ${rank}-D but got ${got[0]} tensor`);
    }
    // PyTorch 2.x (1.13 fails later, in the matmul)
    const wDtype = this.param("weight_ih_l0")!.dtype;
    if (x.dtype !== wDtype) throw new Error(`input must have the type ${torchDtype(wDtype)}, got type ${torchDtype(x.dtype)}`);
    if (x.shape[x.shape.length - 1] !== this.inputSize) {
      throw new Error(`input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${x.shape[x.shape.length - 1]}`);
    }
    // both forms become packed rows [Σ steps' batch sizes, features] and per-step batch sizes; a tensor's steps all have N rows
    const dense = packed === null ? toSequenceFirst(x, batched, this.batchFirst) : null;
    const sizes = dense === null ? Array.from(packed!.batchSizes.toArray(), Number) : new Array<number>(dense.shape[0]!).fill(dense.shape[1]!);
    const N = dense?.shape[1] ?? sizes[0]!;
    const directions = this.bidirectional ? 2 : 1;
    const init0 = stateSizes.map((size, i) => {
      const expected = [this.numLayers * directions, N, size];
      const s = states?.[i];
      if (s === undefined) return zeros(expected, { dtype: x.dtype });
      const t = batched ? s : s.unsqueeze(1);
      if (!t.shape.every((v, j) => v === expected[j]) || t.dim() !== 3) {
        // LSTM names its two states by index
        throw new Error(`Expected hidden${states!.length === 2 ? `[${i}]` : ""} size (${expected.join(", ")}), got [${t.shape.join(", ")}]`);
      }
      // as PyTorch: the caller's states are in the caller's batch order
      return packed?.sortedIndices ? t.indexSelect(1, packed.sortedIndices) : t;
    });
    if (sizes.length === 0) throw new Error("Expected sequence length to be larger than 0 in RNN");
    const [rows, finals] = this.runPacked(dense === null ? x : dense.reshape([dense.shape[0]! * dense.shape[1]!, x.shape[x.shape.length - 1]!]), sizes, init0, cell);
    const last = finals.map((list) => {
      const s = stack(list, 0);
      return packed?.unsortedIndices ? s.indexSelect(1, packed.unsortedIndices) : batched ? s : s.squeeze(1);
    });
    if (packed !== null) return [new PackedSequence(rows, packed.batchSizes, packed.sortedIndices, packed.unsortedIndices), last];
    return [fromSequenceFirst(rows.reshape([sizes.length, N, -1]), batched, this.batchFirst), last];
  }

  /**
   * Every layer and direction over packed rows (`sizes[t]` rows for step t,
   * the longest sequences first): step t updates only the first `sizes[t]`
   * states, so each sequence's final state is the one after its own last
   * step, and the reverse direction starts each sequence from h0 at its own
   * end. Returns the last layer's rows and each layer-direction's final states.
   */
  private runPacked(data: Tensor, sizes: readonly number[], init0: Tensor[], cell: CellStep): [Tensor, Tensor[][]] {
    const T = sizes.length, N = sizes[0]!, directions = this.bidirectional ? 2 : 1;
    const finals: Tensor[][] = init0.map(() => []);
    let x = data;
    for (let layer = 0; layer < this.numLayers; layer++) {
      const outs: Tensor[] = [];
      for (let dir = 0; dir < directions; dir++) {
        const suffix = `_l${layer}${dir === 1 ? "_reverse" : ""}`;
        const k = layer * directions + dir;
        // the input's share of every step's gates at once: [rows, G·H]
        // split once into the steps' rows: one backward node that concatenates
        // the steps' gradients, where a narrow per step would give each step
        // a zero-filled gradient of all the rows (quadratic in the length)
        const xgSteps = split(linear(x, this.param(`weight_ih${suffix}`)!, this.param(`bias_ih${suffix}`)), sizes, 0);
        const wHh = this.param(`weight_hh${suffix}`)!, bHh = this.param(`bias_hh${suffix}`), wHr = this.param(`weight_hr${suffix}`);
        let state = init0.map((s) => s.select(0, k));
        const steps: Tensor[] = new Array<Tensor>(T);
        for (let s = 0; s < T; s++) {
          const t = dir === 0 ? s : T - 1 - s, n = sizes[t]!, prev = state;
          const next = cell(xgSteps[t]!, n === N ? prev : prev.map((v) => v.narrow(0, 0, n)), wHh, bHh);
          // LSTM with projSize: h is the cell's output projected by W_hr
          if (wHr !== null) next[0] = linear(next[0]!, wHr);
          steps[t] = next[0]!;
          // the sequences without a step t keep their state
          state = n === N ? next : next.map((v, i) => cat([v, prev[i]!.narrow(0, n, N - n)], 0));
        }
        outs.push(cat(steps, 0));
        state.forEach((s, i) => finals[i]!.push(s));
      }
      x = directions === 1 ? outs[0]! : cat(outs, 1);
      if (layer < this.numLayers - 1 && this.dropout > 0) x = dropout(x, this.dropout, { training: this.training });
    }
    return [x, finals];
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.projSize !== 0) s += `, proj_size=${this.projSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (!this.bias) s += ", bias=False";
    if (this.batchFirst) s += ", batch_first=True";
    if (this.dropout !== 0) s += `, dropout=${this.dropout}`;
    if (this.bidirectional) s += ", bidirectional=True";
    return s;
  }
}

/**
 * Long short-term memory over `[L, N, inputSize]` (`[N, L, ...]` with
 * `batchFirst`, or unbatched `[L, inputSize]`), or a PackedSequence
 * (`nn.utils.rnn.packPaddedSequence`). `forward(input, [h0, c0]?)` returns
 * `[output, [hN, cN]]`, as PyTorch's does; for packed input the output is
 * packed too, and hN, cN hold each sequence's state after its own last step.
 *
 * @example
 * const lstm = new nn.LSTM(8, 16, { batchFirst: true });
 * const [out, [h, c]] = lstm.forward(torch.randn([4, 10, 8])); // out [4, 10, 16]
 */
export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super(inputSize, hiddenSize, options, 4);
  }

  override forward(input: Tensor, hx?: [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]];
  override forward(input: PackedSequence, hx?: [Tensor, Tensor] | null): [PackedSequence, [Tensor, Tensor]];
  override forward(input: Tensor | PackedSequence, hx?: [Tensor, Tensor] | null): [Tensor | PackedSequence, [Tensor, Tensor]];
  override forward(input: Tensor | PackedSequence, hx: [Tensor, Tensor] | null = null): [Tensor | PackedSequence, [Tensor, Tensor]] {
    if (hx !== null && (!Array.isArray(hx) || hx.length !== 2)) throw new TypeError("LSTM: hx must be a pair [h0, c0] of tensors");
    const [output, [h, c]] = this.run(input, hx, [this.projSize || this.hiddenSize, this.hiddenSize], lstmStep, "LSTM");
    return [output, [h!, c!]];
  }
}

/** PyTorch refuses proj_size for GRU and RNN, even 0. */
function rejectProjSize(options: RNNOptions): void {
  if (options.projSize !== undefined) throw new Error("proj_size argument is only supported for LSTM, not RNN or GRU");
}

/**
 * Gated recurrent unit over `[L, N, inputSize]` (`[N, L, ...]` with
 * `batchFirst`, or unbatched `[L, inputSize]`), or a PackedSequence.
 * `forward(input, h0?)` returns `[output, hN]`, as PyTorch's does (see LSTM
 * for packed input).
 *
 * @example
 * const gru = new nn.GRU(8, 16, { numLayers: 2 });
 * const [out, h] = gru.forward(torch.randn([10, 4, 8])); // out [10, 4, 16], h [2, 4, 16]
 */
export class GRU extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    rejectProjSize(options);
    super(inputSize, hiddenSize, options, 3);
  }

  override forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor];
  override forward(input: PackedSequence, hx?: Tensor | null): [PackedSequence, Tensor];
  override forward(input: Tensor | PackedSequence, hx?: Tensor | null): [Tensor | PackedSequence, Tensor];
  override forward(input: Tensor | PackedSequence, hx: Tensor | null = null): [Tensor | PackedSequence, Tensor] {
    const [output, [h]] = this.run(input, hx === null ? null : [hx], [this.hiddenSize], gruStep, "GRU");
    return [output, h!];
  }
}

export interface ElmanRNNOptions extends RNNOptions {
  /** `"tanh"` (default) or `"relu"`. */
  nonlinearity?: "tanh" | "relu";
}

/**
 * Elman recurrent layer, hₜ = tanh(xₜ Wᵢₕᵀ + bᵢₕ + hₜ₋₁ Wₕₕᵀ + bₕₕ) (or
 * ReLU), over `[L, N, inputSize]` (`[N, L, ...]` with `batchFirst`, or
 * unbatched `[L, inputSize]`), or a PackedSequence. `forward(input, h0?)`
 * returns `[output, hN]`, as PyTorch's does (see LSTM for packed input).
 *
 * @example
 * const rnn = new nn.RNN(8, 16, { numLayers: 2, nonlinearity: "relu" });
 * const [out, h] = rnn.forward(torch.randn([10, 4, 8])); // out [10, 4, 16], h [2, 4, 16]
 */
export class RNN extends RNNBase {
  readonly nonlinearity: "tanh" | "relu";
  private readonly cell: CellStep;

  constructor(inputSize: number, hiddenSize: number, options: ElmanRNNOptions = {}) {
    rejectProjSize(options);
    const nonlinearity = checkNonlinearity(options.nonlinearity ?? "tanh");
    super(inputSize, hiddenSize, options, 1);
    this.nonlinearity = nonlinearity;
    this.cell = elmanStep(nonlinearity);
  }

  override forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor];
  override forward(input: PackedSequence, hx?: Tensor | null): [PackedSequence, Tensor];
  override forward(input: Tensor | PackedSequence, hx?: Tensor | null): [Tensor | PackedSequence, Tensor];
  override forward(input: Tensor | PackedSequence, hx: Tensor | null = null): [Tensor | PackedSequence, Tensor] {
    const [output, [h]] = this.run(input, hx === null ? null : [hx], [this.hiddenSize], this.cell, "RNN");
    return [output, h!];
  }
}
