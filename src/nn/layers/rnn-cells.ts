/**
 * The recurrent step math (Elman, LSTM, GRU), shared by the single-step
 * cells here (`nn.RNNCell`, `nn.LSTMCell`, `nn.GRUCell`) and the sequence
 * layers of rnn.ts, with PyTorch's parameter names, shapes, gate order and
 * init.
 */
import { add, mul, relu, rsub, sigmoid, tanh } from "../../ops/elementwise.js";
import { empty, zeros } from "../../ops/factories.js";
import { chunk } from "../../ops/indexing.js";
import type { Tensor } from "../../tensor/tensor.js";
import { linear } from "../functional.js";
import * as init from "../init.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import type { LayerOptions } from "./linear.js";

/**
 * @internal
 * One step of a cell: the input's gate contribution `xg` [N, G·H], the
 * state, the layer's Wₕₕ and bₕₕ -> the new state (hidden state first).
 */
export type CellStep = (xg: Tensor, state: Tensor[], wHh: Tensor, bHh: Tensor | null) => Tensor[];

/** @internal Elman step: h' = act(xg + Wₕₕh + bₕₕ). */
export function elmanStep(nonlinearity: "tanh" | "relu"): CellStep {
  const act = nonlinearity === "relu" ? relu : tanh;
  return (xg, [h], wHh, bHh) => [act(add(xg, linear(h!, wHh, bHh)))];
}

/** @internal LSTM's step (gates i, f, g, o): c' = f·c + i·g, h' = o·tanh(c'). */
export const lstmStep: CellStep = (xg, [h, c], wHh, bHh) => {
  const [i, f, g, o] = chunk(add(xg, linear(h!, wHh, bHh)), 4, 1) as [Tensor, Tensor, Tensor, Tensor];
  const next = add(mul(sigmoid(f), c!), mul(sigmoid(i), tanh(g)));
  return [mul(sigmoid(o), tanh(next)), next];
};

/** @internal GRU's step (gates r, z, n): n = tanh(xₙ + r·(Wₕₙh + bₕₙ)), h' = (1 - z)·n + z·h. */
export const gruStep: CellStep = (xg, [h], wHh, bHh) => {
  const [xr, xz, xn] = chunk(xg, 3, 1) as [Tensor, Tensor, Tensor];
  const [hr, hz, hn] = chunk(linear(h!, wHh, bHh), 3, 1) as [Tensor, Tensor, Tensor];
  const r = sigmoid(add(xr, hr)), z = sigmoid(add(xz, hz));
  const n = tanh(add(xn, mul(r, hn)));
  return [add(mul(rsub(z, 1), n), mul(z, h!))];
};

/** @internal Throws PyTorch's error for an unknown `nonlinearity`. */
export function checkNonlinearity(nonlinearity: string): "tanh" | "relu" {
  if (nonlinearity !== "tanh" && nonlinearity !== "relu") throw new Error(`Unknown nonlinearity '${nonlinearity}'. Select from 'tanh' or 'relu'.`);
  return nonlinearity;
}

/**
 * @internal
 * Registers `weight_ih{suffix}`, `weight_hh{suffix}` and (with bias)
 * `bias_ih{suffix}`, `bias_hh{suffix}`, uninitialised; `stateSize` is the
 * size of the h fed back (an LSTM's projSize, when it has one).
 */
export function registerRecurrentWeights(m: Module, suffix: string, gates: number, inSize: number, hiddenSize: number, bias: boolean, options: LayerOptions, stateSize = hiddenSize): void {
  const dtype = options.dtype ?? "float32";
  m.registerParameter(`weight_ih${suffix}`, new Parameter(empty([gates * hiddenSize, inSize], { dtype })));
  m.registerParameter(`weight_hh${suffix}`, new Parameter(empty([gates * hiddenSize, stateSize], { dtype })));
  if (bias) {
    m.registerParameter(`bias_ih${suffix}`, new Parameter(empty([gates * hiddenSize], { dtype })));
    m.registerParameter(`bias_hh${suffix}`, new Parameter(empty([gates * hiddenSize], { dtype })));
  }
}

/** @internal PyTorch's init of recurrent layers: every weight and bias uniform in ±1/√hiddenSize. */
export function resetRecurrent(m: Module, hiddenSize: number): void {
  const bound = 1 / Math.sqrt(hiddenSize);
  for (const p of m.parameters()) init.uniform_(p, -bound, bound);
}

export interface RNNCellOptions extends LayerOptions {
  /** `"tanh"` (default) or `"relu"`. */
  nonlinearity?: "tanh" | "relu";
}

/** The cells' shared parameters (`weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`), checks and step. */
abstract class RNNCellBase extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;
  declare weight_ih: Parameter;
  declare weight_hh: Parameter;
  declare bias_ih: Parameter | null;
  declare bias_hh: Parameter | null;

  protected constructor(inputSize: number, hiddenSize: number, options: LayerOptions, gates: number) {
    super();
    if (!Number.isInteger(hiddenSize) || hiddenSize <= 0) throw new Error("hidden_size must be greater than zero");
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.bias = options.bias ?? true;
    registerRecurrentWeights(this, "", gates, inputSize, hiddenSize, this.bias, options);
    if (!this.bias) {
      this.registerParameter("bias_ih", null);
      this.registerParameter("bias_hh", null);
    }
    this.resetParameters();
  }

  /** PyTorch's: every weight and bias uniform in ±1/√hiddenSize. */
  resetParameters(): void {
    resetRecurrent(this, this.hiddenSize);
  }

  /**
   * @internal
   * Checks `input` ([N, inputSize] or unbatched [inputSize]) and the given
   * states against PyTorch's rules, runs one step from them (zeros where not
   * given) and returns the new states in the input's layout.
   */
  protected step(input: Tensor, states: Tensor[] | null, stateCount: number, step: CellStep, op: string): Tensor[] {
    if (input.shape.length !== 1 && input.shape.length !== 2) throw new Error(`${op}: Expected input to be 1D or 2D, got ${input.shape.length}D instead`);
    const batched = input.shape.length === 2;
    const x = batched ? input : input.unsqueeze(0);
    if (x.shape[1] !== this.inputSize) throw new Error(`input has inconsistent input_size: got ${x.shape[1]} expected ${this.inputSize}`);
    const N = x.shape[0]!, H = this.hiddenSize;
    const state = (states ?? new Array<null>(stateCount).fill(null)).map((s, i) => {
      if (s === null) return zeros([N, H], { dtype: input.dtype });
      if (s.shape.length !== 1 && s.shape.length !== 2) {
        // PyTorch's wording: LSTMCell names the state by index
        throw new Error(`${op}: Expected ${stateCount === 2 ? `hx[${i}]` : "hidden"} to be 1D or 2D, got ${s.shape.length}D instead`);
      }
      const label = stateCount === 2 ? `hx[${i}]` : "hidden";
      // torchlet's own message: PyTorch fails with an index error here
      if (batched && s.dim() === 1) throw new Error(`${op}: Expected ${label} to be 2D for batched input, got 1D instead`);
      // as PyTorch, unbatched input gains a batch dim on the state whatever its rank, then sizes 0 and 1 are checked
      const t = batched ? s : s.unsqueeze(0);
      if (t.shape[0] !== N) throw new Error(`Input batch size ${N} doesn't match hidden${i} batch size ${t.shape[0]}`);
      if (t.shape[1] !== H) throw new Error(`hidden${i} has inconsistent hidden_size: got ${t.shape[1]}, expected ${H}`);
      // a 2-D state [H, k] of an unbatched input passes those checks; PyTorch then broadcasts it, torchlet refuses it
      if (t.dim() !== 2) throw new Error(`${op}: Expected ${label} to be 1D for unbatched input, got 2D instead`);
      return t;
    });
    const next = step(linear(x, this.weight_ih, this.bias_ih), state, this.weight_hh, this.bias_hh);
    return batched ? next : next.map((t) => t.squeeze(0));
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias ? "" : ", bias=False"}`;
  }
}

/**
 * One Elman step, h' = tanh(x Wᵢₕᵀ + bᵢₕ + h Wₕₕᵀ + bₕₕ) (or ReLU).
 * `forward(input, h?)` takes `[N, inputSize]` or unbatched `[inputSize]`
 * and returns h' (`[N, hiddenSize]` or `[hiddenSize]`); h defaults to zeros.
 *
 * @example
 * const cell = new nn.RNNCell(8, 16, { nonlinearity: "relu" });
 * let h = torch.zeros([4, 16]);
 * for (const x of torch.randn([10, 4, 8]).unbind(0)) h = cell.forward(x, h);
 */
export class RNNCell extends RNNCellBase {
  readonly nonlinearity: "tanh" | "relu";
  private readonly cell: CellStep;

  constructor(inputSize: number, hiddenSize: number, options: RNNCellOptions = {}) {
    const nonlinearity = checkNonlinearity(options.nonlinearity ?? "tanh");
    super(inputSize, hiddenSize, options, 1);
    this.nonlinearity = nonlinearity;
    this.cell = elmanStep(nonlinearity);
  }

  override forward(input: Tensor, hx: Tensor | null = null): Tensor {
    return this.step(input, hx === null ? null : [hx], 1, this.cell, "RNNCell")[0]!;
  }

  override extraRepr(): string {
    return super.extraRepr() + (this.nonlinearity === "tanh" ? "" : `, nonlinearity=${this.nonlinearity}`);
  }
}

/**
 * One LSTM step (gates i, f, g, o, as PyTorch's). `forward(input, [h, c]?)`
 * takes `[N, inputSize]` or unbatched `[inputSize]` and returns `[h', c']`;
 * the state defaults to zeros.
 *
 * @example
 * const cell = new nn.LSTMCell(8, 16);
 * const [h, c] = cell.forward(torch.randn([4, 8])); // each [4, 16]
 */
export class LSTMCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, options: LayerOptions = {}) {
    super(inputSize, hiddenSize, options, 4);
  }

  override forward(input: Tensor, hx: [Tensor, Tensor] | null = null): [Tensor, Tensor] {
    if (hx !== null && (!Array.isArray(hx) || hx.length !== 2)) throw new TypeError("LSTMCell: hx must be a pair [h, c] of tensors");
    const [h, c] = this.step(input, hx, 2, lstmStep, "LSTMCell");
    return [h!, c!];
  }
}

/**
 * One GRU step (gates r, z, n, as PyTorch's). `forward(input, h?)` takes
 * `[N, inputSize]` or unbatched `[inputSize]` and returns h'; h defaults to
 * zeros.
 *
 * @example
 * const cell = new nn.GRUCell(8, 16);
 * const h = cell.forward(torch.randn([4, 8]), torch.zeros([4, 16])); // [4, 16]
 */
export class GRUCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, options: LayerOptions = {}) {
    super(inputSize, hiddenSize, options, 3);
  }

  override forward(input: Tensor, hx: Tensor | null = null): Tensor {
    return this.step(input, hx === null ? null : [hx], 1, gruStep, "GRUCell")[0]!;
  }
}
