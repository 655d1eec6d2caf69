/**
 * `nn.MultiheadAttention` with PyTorch's parameters (`in_proj_weight`,
 * `in_proj_bias`, `out_proj`), init and call shapes, and
 * `F.scaledDotProductAttention`. Both are built from differentiable ops.
 *
 * Mask conventions follow PyTorch's, which differ between the two: in
 * scaledDotProductAttention a true element of a boolean `attnMask` takes
 * part in attention; in MultiheadAttention a true element of `attnMask` or
 * `keyPaddingMask` is left out. A float mask is added to the scores in both.
 */
import { add, logicalNot, mul } from "../../ops/elementwise.js";
import { empty, ones } from "../../ops/factories.js";
import { matmul } from "../../ops/linalg.js";
import { maskedFill, triu } from "../../ops/masking.js";
import { mean } from "../../ops/reduce.js";
import { softmax } from "../../ops/softmax.js";
import type { Tensor } from "../../tensor/tensor.js";
import { dropout, linear } from "../functional.js";
import * as init from "../init.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { Linear, NonDynamicallyQuantizableLinear } from "./linear.js";
import { fromSequenceFirst, toSequenceFirst } from "./sequence-layout.js";

export interface ScaledDotProductAttentionOptions {
  /** Boolean (true: attend) or float (added to the scores), broadcast to [..., L, S]. */
  attnMask?: Tensor | null;
  dropoutP?: number;
  /** Only key positions at or before each query position take part. */
  isCausal?: boolean;
  /** Defaults to 1 / √(embedding dim). */
  scale?: number | null;
}

/** [L, S], true above the diagonal: the key positions after each query position, which a causal mask leaves out. */
function causalMask(L: number, S: number): Tensor {
  return triu(ones([L, S], { dtype: "bool" }), 1);
}

/** `scores` with a boolean mask (true: keep) or a float mask (added) applied. */
function withMask(scores: Tensor, mask: Tensor, keepWhereTrue: boolean): Tensor {
  if (mask.dtype !== "bool") return add(scores, mask);
  return maskedFill(scores, keepWhereTrue ? logicalNot(mask) : mask, -Infinity);
}

/**
 * `softmax(q kᵀ · scale + mask) v` over the last two dims of `[..., L, E]`
 * queries and `[..., S, E]` keys and values.
 *
 * @example
 * const out = F.scaledDotProductAttention(q, k, v, { isCausal: true });
 */
export function scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, options: ScaledDotProductAttentionOptions = {}): Tensor {
  const E = query.shape[query.shape.length - 1]!;
  const L = query.shape[query.shape.length - 2]!, S = key.shape[key.shape.length - 2]!;
  if ((options.isCausal ?? false) && options.attnMask != null) throw new Error("_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True");
  let scores = mul(matmul(query, key.transpose(-2, -1)), options.scale ?? 1 / Math.sqrt(E));
  if (options.isCausal ?? false) scores = withMask(scores, causalMask(L, S), false);
  if (options.attnMask != null) scores = withMask(scores, options.attnMask, true);
  let weights = softmax(scores, -1);
  if ((options.dropoutP ?? 0) > 0) weights = dropout(weights, options.dropoutP);
  return matmul(weights, value);
}

export interface MultiheadAttentionOptions {
  dropout?: number;
  bias?: boolean;
  /** Inputs and output are `[N, L, E]` instead of `[L, N, E]`. */
  batchFirst?: boolean;
}

export interface MultiheadAttentionCallOptions {
  /** `[N, S]`: true (or a float added) for keys to leave out, such as padding. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights too (default true). */
  needWeights?: boolean;
  /** `[L, S]` or `[N·heads, L, S]`: true for pairs to leave out, or a float added to the scores. */
  attnMask?: Tensor | null;
  /** Average the returned weights over the heads (default true). */
  averageAttnWeights?: boolean;
  /** A causal mask of its own (then attnMask may be left out). */
  isCausal?: boolean;
}

/**
 * Multi-head attention, `forward(query, key, value, options)` ->
 * `[output, weights | null]` as PyTorch's, for `[L, N, E]` inputs
 * (`[N, L, E]` with `batchFirst`, or unbatched `[L, E]`).
 *
 * @example
 * const mha = new nn.MultiheadAttention(32, 4, { batchFirst: true });
 * const [out, weights] = mha.forward(x, x, x); // self-attention
 */
export class MultiheadAttention extends Module {
  readonly embedDim: number;
  readonly numHeads: number;
  readonly dropout: number;
  readonly batchFirst: boolean;

  constructor(embedDim: number, numHeads: number, options: MultiheadAttentionOptions = {}) {
    super();
    if (!Number.isInteger(embedDim) || embedDim <= 0 || !Number.isInteger(numHeads) || numHeads <= 0) {
      throw new Error(`embed_dim and num_heads must be greater than 0, got embed_dim=${embedDim} and num_heads=${numHeads} instead`);
    }
    if (embedDim % numHeads !== 0) throw new Error("embed_dim must be divisible by num_heads");
    this.embedDim = embedDim;
    this.numHeads = numHeads;
    this.dropout = options.dropout ?? 0;
    this.batchFirst = options.batchFirst ?? false;
    const bias = options.bias ?? true;
    // registered under PyTorch's names, so state dicts carry over; read through the camelCase getters
    this.registerParameter("in_proj_weight", new Parameter(empty([3 * embedDim, embedDim])));
    this.registerParameter("in_proj_bias", bias ? new Parameter(empty([3 * embedDim])) : null);
    this.registerModule("out_proj", new NonDynamicallyQuantizableLinear(embedDim, embedDim, { bias }));
    this.resetParameters();
  }

  /** `[3·embedDim, embedDim]`: the query, key and value projections stacked (`in_proj_weight`). */
  get inProjWeight(): Parameter {
    return this._parameters.get("in_proj_weight")!;
  }

  /** `[3·embedDim]` (`in_proj_bias`), or null without bias. */
  get inProjBias(): Parameter | null {
    return this._parameters.get("in_proj_bias") ?? null;
  }

  /** The output projection (`out_proj`). */
  get outProj(): Linear {
    return this._modules.get("out_proj") as Linear;
  }

  /** PyTorch's: xavier-uniform in-projection, zero biases; out_proj keeps Linear's init of its weight. */
  resetParameters(): void {
    init.xavierUniform_(this.inProjWeight);
    if (this.inProjBias !== null) init.zeros_(this.inProjBias);
    if (this.outProj.bias !== null) init.zeros_(this.outProj.bias);
  }

  override forward(query: Tensor, key: Tensor, value: Tensor, options: MultiheadAttentionCallOptions = {}): [Tensor, Tensor | null] {
    const batched = query.shape.length === 3;
    const [q0, k0, v0] = [query, key, value].map((t) => toSequenceFirst(t, batched, this.batchFirst)) as [Tensor, Tensor, Tensor];
    const [L, N, E] = q0.shape as [number, number, number];
    const S = k0.shape[0]!, H = this.numHeads, hd = E / H;
    if (E !== this.embedDim) throw new Error(`was expecting embedding dimension of ${this.embedDim}, but got ${E}`);
    const [wq, wk, wv] = this.inProjWeight.chunk(3, 0) as [Tensor, Tensor, Tensor];
    const bias = this.inProjBias;
    const [bq, bk, bv] = bias === null ? [null, null, null] : (bias.chunk(3, 0) as [Tensor, Tensor, Tensor]);
    // [N·H, L or S, hd]
    const heads = (t: Tensor, len: number) => t.reshape([len, N * H, hd]).transpose(0, 1);
    const q = heads(linear(q0, wq, bq), L), k = heads(linear(k0, wk, bk), S), v = heads(linear(v0, wv, bv), S);
    let scores = matmul(mul(q, 1 / Math.sqrt(hd)), k.transpose(1, 2)); // [N·H, L, S]
    if (options.isCausal ?? false) scores = withMask(scores, causalMask(L, S), false);
    if (options.attnMask != null) scores = withMask(scores, options.attnMask, false);
    if (options.keyPaddingMask != null) {
      const pad = options.keyPaddingMask;
      const perHead = (batched ? pad : pad.unsqueeze(0)).reshape([N, 1, 1, S]);
      scores = withMask(scores.reshape([N, H, L, S]), perHead, false).reshape([N * H, L, S]);
    }
    let weights = softmax(scores, -1);
    const attended = matmul(this.dropout > 0 ? dropout(weights, this.dropout, { training: this.training }) : weights, v); // [N·H, L, hd]
    const merged = attended.transpose(0, 1).reshape([L, N, E]);
    let output = this.outProj.forward(merged);
    output = fromSequenceFirst(output, batched, this.batchFirst);
    if (!(options.needWeights ?? true)) return [output, null];
    weights = weights.reshape([N, H, L, S]);
    if (options.averageAttnWeights ?? true) weights = mean(weights, 1);
    return [output, batched ? weights : weights.squeeze(0)];
  }

}
