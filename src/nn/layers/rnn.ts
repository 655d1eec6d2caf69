/**
 * Recurrent layers: RNN (Elman), LSTM and GRU, with PyTorch's parameters
 * (names, shapes, gate order, init) and call shapes, built from
 * differentiable ops: the input's contribution to the gates is one matmul
 * over all time steps, then each step adds `h Wₕₕᵀ` and applies the cell
 * (the step math of rnn-cells.ts, shared with the single-step cells).
 */
import { zeros } from "../../ops/factories.js";
import { cat, stack } from "../../ops/indexing.js";
import type { Tensor } from "../../tensor/tensor.js";
import { dropout, linear } from "../functional.js";
import { Module } from "../module.js";
import type { LayerOptions } from "./linear.js";
import { type CellStep, checkNonlinearity, elmanStep, gruStep, lstmStep, registerRecurrentWeights, resetRecurrent } from "./rnn-cells.js";
import { fromSequenceFirst, toSequenceFirst } from "./sequence-layout.js";

export interface RNNOptions extends LayerOptions {
  /** Stacked layers (default 1). */
  numLayers?: number;
  /** Input and output are `[N, L, features]` instead of `[L, N, features]`. */
  batchFirst?: boolean;
  /** Dropout on each layer's output except the last, in training mode. */
  dropout?: number;
  /** A second pass over the reversed sequence; outputs are concatenated. */
  bidirectional?: boolean;
}

abstract class RNNBase extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;

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
    if (!Number.isInteger(hiddenSize) || hiddenSize <= 0) throw new Error(`hidden_size must be greater than zero, got ${hiddenSize}`);
    if (!Number.isInteger(this.numLayers) || this.numLayers <= 0) throw new Error(`num_layers must be greater than zero, got ${this.numLayers}`);
    if (this.dropout < 0 || this.dropout > 1) throw new Error("dropout should be a number in range [0, 1] representing the probability of an element being zeroed");
    const directions = this.bidirectional ? 2 : 1;
    for (let layer = 0; layer < this.numLayers; layer++) {
      for (let dir = 0; dir < directions; dir++) {
        const suffix = `_l${layer}${dir === 1 ? "_reverse" : ""}`;
        const inSize = layer === 0 ? inputSize : hiddenSize * directions;
        registerRecurrentWeights(this, suffix, gates, inSize, hiddenSize, this.bias, options);
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
   * Runs every layer and direction over `input` from the initial states
   * `states` (each [layers·directions, N, H]); returns the last layer's
   * outputs and the final states, in the caller's layout.
   */
  protected run(input: Tensor, states: Tensor[] | null, stateCount: number, cell: CellStep, op: string): [Tensor, Tensor[]] {
    const batched = input.shape.length === 3;
    if (input.shape.length !== 2 && input.shape.length !== 3) {
      // PyTorch's wording: only RNN's message says "tensor"
      throw new Error(`${op}: Expected input to be 2D or 3D, got ${input.shape.length}D${op === "RNN" ? " tensor" : ""} instead`);
    }
    if (input.shape[input.shape.length - 1] !== this.inputSize) {
      throw new Error(`input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${input.shape[input.shape.length - 1]}`);
    }
    // [L, N, features] inside
    let x = toSequenceFirst(input, batched, this.batchFirst);
    const [L, N] = x.shape as [number, number];
    const directions = this.bidirectional ? 2 : 1, H = this.hiddenSize;
    const expected = [this.numLayers * directions, N, H];
    const init0 = (states ?? new Array<null>(stateCount).fill(null)).map((s) => {
      if (s === null) return zeros(expected, { dtype: input.dtype });
      const t = batched ? s : s.unsqueeze(1);
      if (t.shape.length !== 3 || t.shape.some((v, i) => v !== expected[i])) {
        throw new Error(`Expected hidden size (${expected.join(", ")}), got [${t.shape.join(", ")}]`);
      }
      return t;
    });
    const finals: Tensor[][] = Array.from({ length: stateCount }, () => []);
    for (let layer = 0; layer < this.numLayers; layer++) {
      const outs: Tensor[] = [];
      for (let dir = 0; dir < directions; dir++) {
        const suffix = `_l${layer}${dir === 1 ? "_reverse" : ""}`;
        const k = layer * directions + dir;
        // the input's share of every step's gates at once: [L, N, G·H]
        const xg = linear(x, this.param(`weight_ih${suffix}`)!, this.param(`bias_ih${suffix}`));
        let state = init0.map((s) => s.select(0, k));
        const steps: Tensor[] = new Array<Tensor>(L);
        for (let s = 0; s < L; s++) {
          const t = dir === 0 ? s : L - 1 - s;
          state = cell(xg.select(0, t), state, this.param(`weight_hh${suffix}`)!, this.param(`bias_hh${suffix}`));
          steps[t] = state[0]!;
        }
        outs.push(stack(steps, 0));
        state.forEach((s, i) => finals[i]!.push(s));
      }
      x = directions === 1 ? outs[0]! : cat(outs, 2);
      if (layer < this.numLayers - 1 && this.dropout > 0) x = dropout(x, this.dropout, { training: this.training });
    }
    const output = fromSequenceFirst(x, batched, this.batchFirst);
    const last = finals.map((list) => (batched ? stack(list, 0) : stack(list, 0).squeeze(1)));
    return [output, last];
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
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
 * `batchFirst`, or unbatched `[L, inputSize]`). `forward(input, [h0, c0]?)`
 * returns `[output, [hN, cN]]`, as PyTorch's does.
 *
 * @example
 * const lstm = new nn.LSTM(8, 16, { batchFirst: true });
 * const [out, [h, c]] = lstm.forward(torch.randn([4, 10, 8])); // out [4, 10, 16]
 */
export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super(inputSize, hiddenSize, options, 4);
  }

  override forward(input: Tensor, hx: [Tensor, Tensor] | null = null): [Tensor, [Tensor, Tensor]] {
    const [output, [h, c]] = this.run(input, hx, 2, lstmStep, "LSTM");
    return [output, [h!, c!]];
  }
}

/**
 * Gated recurrent unit over `[L, N, inputSize]` (`[N, L, ...]` with
 * `batchFirst`, or unbatched `[L, inputSize]`). `forward(input, h0?)` returns
 * `[output, hN]`, as PyTorch's does.
 *
 * @example
 * const gru = new nn.GRU(8, 16, { numLayers: 2 });
 * const [out, h] = gru.forward(torch.randn([10, 4, 8])); // out [10, 4, 16], h [2, 4, 16]
 */
export class GRU extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super(inputSize, hiddenSize, options, 3);
  }

  override forward(input: Tensor, hx: Tensor | null = null): [Tensor, Tensor] {
    const [output, [h]] = this.run(input, hx === null ? null : [hx], 1, gruStep, "GRU");
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
 * unbatched `[L, inputSize]`). `forward(input, h0?)` returns `[output, hN]`,
 * as PyTorch's does.
 *
 * @example
 * const rnn = new nn.RNN(8, 16, { numLayers: 2, nonlinearity: "relu" });
 * const [out, h] = rnn.forward(torch.randn([10, 4, 8])); // out [10, 4, 16], h [2, 4, 16]
 */
export class RNN extends RNNBase {
  readonly nonlinearity: "tanh" | "relu";
  private readonly cell: CellStep;

  constructor(inputSize: number, hiddenSize: number, options: ElmanRNNOptions = {}) {
    const nonlinearity = checkNonlinearity(options.nonlinearity ?? "tanh");
    super(inputSize, hiddenSize, options, 1);
    this.nonlinearity = nonlinearity;
    this.cell = elmanStep(nonlinearity);
  }

  override forward(input: Tensor, hx: Tensor | null = null): [Tensor, Tensor] {
    const [output, [h]] = this.run(input, hx === null ? null : [hx], 1, this.cell, "RNN");
    return [output, h!];
  }
}
