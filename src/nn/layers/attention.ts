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
import { empty, ones, zeros } from "../../ops/factories.js";
import { cat } from "../../ops/indexing.js";
import { matmul } from "../../ops/linalg.js";
import { maskedFill, triu } from "../../ops/masking.js";
import { pad } from "../../ops/pad.js";
import { mean } from "../../ops/reduce.js";
import { softmax } from "../../ops/softmax.js";
import type { DType } from "../../tensor/dtype.js";
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
  /** Learned vectors `bias_k` and `bias_v` ([1, 1, embedDim]) appended to the projected keys and values. */
  addBiasKv?: boolean;
  /** A zero key and value appended to every head's sequence (after the projections). */
  addZeroAttn?: boolean;
  /** Feature size of `key` (default embedDim); any other size gives separate projections. */
  kdim?: number | null;
  /** Feature size of `value` (default embedDim). */
  vdim?: number | null;
  /** Inputs and output are `[N, L, E]` instead of `[L, N, E]`. */
  batchFirst?: boolean;
  dtype?: DType;
}

export interface MultiheadAttentionCallOptions {
  /** `[N, S]` (`[S]` unbatched): true (or a float added) for keys to leave out, such as padding. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights too (default true). */
  needWeights?: boolean;
  /** `[L, S]` or `[N·heads, L, S]`: true for pairs to leave out, or a float added to the scores. */
  attnMask?: Tensor | null;
  /** Average the returned weights over the heads (default true). */
  averageAttnWeights?: boolean;
  /** Without `attnMask`, a causal mask of its own (a torchlet extension); with one, only a hint, and the mask is used as given. */
  isCausal?: boolean;
}

const dims = (s: readonly number[]) => `(${s.join(", ")})`;
const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** PyTorch's _mha_shape_check: the ranks of the inputs and masks agree; returns whether the call is batched. */
function checkRanks(query: Tensor, key: Tensor, value: Tensor, keyPadding: Tensor | null, attnMask: Tensor | null, numHeads: number): boolean {
  const batched = query.dim() === 3;
  if (!batched && query.dim() !== 2) throw new Error(`query should be unbatched 2D or batched 3D tensor but received ${query.dim()}-D query tensor`);
  const what = batched ? "For batched (3-D) `query`" : "For unbatched (2-D) `query`";
  const rank = batched ? 3 : 2;
  if (key.dim() !== rank || value.dim() !== rank) {
    throw new Error(`${what}, expected \`key\` and \`value\` to be ${rank}-D but found ${key.dim()}-D and ${value.dim()}-D tensors respectively`);
  }
  if (keyPadding !== null && keyPadding.dim() !== rank - 1) {
    throw new Error(`${what}, expected \`key_padding_mask\` to be \`None\` or ${rank - 1}-D but found ${keyPadding.dim()}-D tensor instead`);
  }
  if (attnMask !== null) {
    if (attnMask.dim() !== 2 && attnMask.dim() !== 3) throw new Error(`${what}, expected \`attn_mask\` to be \`None\`, 2-D or 3-D but found ${attnMask.dim()}-D tensor instead`);
    const expected = [numHeads, query.shape[0]!, key.shape[0]!];
    if (!batched && attnMask.dim() === 3 && !sameShape(attnMask.shape, expected)) {
      throw new Error(`Expected \`attn_mask\` shape to be ${dims(expected)} but got [${attnMask.shape.join(", ")}]`);
    }
  }
  return batched;
}

/** PyTorch 2.x's _canonical_mask: a boolean mask (true: leave out) becomes -Infinity / 0 added to the scores; a float mask is added as it is. */
function additiveMask(mask: Tensor, name: string, dtype: DType): Tensor {
  if (mask.dtype === "bool") return maskedFill(zeros(mask.shape, { dtype }), mask, -Infinity);
  if (mask.dtype !== "float32" && mask.dtype !== "float64") throw new Error(`only bool and floating types of ${name} are supported`);
  return mask;
}

/** One more key position (the appended bias or zero key), never masked. */
const padKey = (mask: Tensor | null) => (mask === null ? null : pad(mask, [0, 1]));

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
  readonly kdim: number;
  readonly vdim: number;
  readonly addZeroAttn: boolean;

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
    this.kdim = options.kdim ?? embedDim;
    this.vdim = options.vdim ?? embedDim;
    this.addZeroAttn = options.addZeroAttn ?? false;
    const bias = options.bias ?? true, dtype = options.dtype ?? "float32";
    // registered under PyTorch's names and in its order, so state dicts carry over; read through the camelCase getters
    if (this.kdim === embedDim && this.vdim === embedDim) {
      this.registerParameter("in_proj_weight", new Parameter(empty([3 * embedDim, embedDim], { dtype })));
    } else {
      this.registerParameter("q_proj_weight", new Parameter(empty([embedDim, embedDim], { dtype })));
      this.registerParameter("k_proj_weight", new Parameter(empty([embedDim, this.kdim], { dtype })));
      this.registerParameter("v_proj_weight", new Parameter(empty([embedDim, this.vdim], { dtype })));
    }
    this.registerParameter("in_proj_bias", bias ? new Parameter(empty([3 * embedDim], { dtype })) : null);
    this.registerModule("out_proj", new NonDynamicallyQuantizableLinear(embedDim, embedDim, { bias, dtype }));
    if (options.addBiasKv ?? false) {
      this.registerParameter("bias_k", new Parameter(empty([1, 1, embedDim], { dtype })));
      this.registerParameter("bias_v", new Parameter(empty([1, 1, embedDim], { dtype })));
    }
    this.resetParameters();
  }

  /** `[3·embedDim, embedDim]`: the query, key and value projections stacked (`in_proj_weight`); null with kdim or vdim other than embedDim. */
  get inProjWeight(): Parameter | null {
    return this._parameters.get("in_proj_weight") ?? null;
  }

  /** The separate query, key and value projections (`q_proj_weight`, `k_proj_weight`, `v_proj_weight`) when kdim or vdim differ from embedDim, else null. */
  get projWeights(): [Parameter, Parameter, Parameter] | null {
    const w = ["q", "k", "v"].map((n) => this._parameters.get(`${n}_proj_weight`));
    return w[0] ? (w as [Parameter, Parameter, Parameter]) : null;
  }

  /** `[3·embedDim]` (`in_proj_bias`), or null without bias. */
  get inProjBias(): Parameter | null {
    return this._parameters.get("in_proj_bias") ?? null;
  }

  /** `[1, 1, embedDim]` (`bias_k`, `bias_v`) with addBiasKv, else null. */
  get biasK(): Parameter | null {
    return this._parameters.get("bias_k") ?? null;
  }

  get biasV(): Parameter | null {
    return this._parameters.get("bias_v") ?? null;
  }

  /** The output projection (`out_proj`). */
  get outProj(): Linear {
    return this._modules.get("out_proj") as Linear;
  }

  /** PyTorch's: xavier-uniform in-projections, zero biases, xavier-normal bias_k / bias_v; out_proj keeps Linear's init of its weight. */
  resetParameters(): void {
    for (const w of this.projWeights ?? [this.inProjWeight!]) init.xavierUniform_(w);
    if (this.inProjBias !== null) init.zeros_(this.inProjBias);
    if (this.outProj.bias !== null) init.zeros_(this.outProj.bias);
    for (const b of [this.biasK, this.biasV]) if (b !== null) init.xavierNormal_(b);
  }

  override forward(query: Tensor, key: Tensor, value: Tensor, options: MultiheadAttentionCallOptions = {}): [Tensor, Tensor | null] {
    // as PyTorch 2.x: mask dtypes, then ranks, then sizes
    let keyPadding = options.keyPaddingMask == null ? null : additiveMask(options.keyPaddingMask, "key_padding_mask", query.dtype);
    let attnMask = options.attnMask == null ? null : additiveMask(options.attnMask, "attn_mask", query.dtype);
    const batched = checkRanks(query, key, value, keyPadding, attnMask, this.numHeads);
    const [q0, k0, v0] = [query, key, value].map((t) => toSequenceFirst(t, batched, this.batchFirst)) as [Tensor, Tensor, Tensor];
    const [L, N, E] = q0.shape as [number, number, number];
    const S = k0.shape[0]!, H = this.numHeads, hd = E / H;
    if (E !== this.embedDim) throw new Error(`was expecting embedding dimension of ${this.embedDim}, but got ${E}`);
    const separate = this.projWeights;
    if (separate !== null && !sameShape(k0.shape.slice(0, 2), v0.shape.slice(0, 2))) {
      throw new Error(`key's sequence and batch dims [${k0.shape.slice(0, 2).join(", ")}] do not match value's [${v0.shape.slice(0, 2).join(", ")}]`);
    }
    if (separate === null && !sameShape(k0.shape, v0.shape)) throw new Error(`key shape [${k0.shape.join(", ")}] does not match value shape [${v0.shape.join(", ")}]`);
    if (attnMask === null && (options.isCausal ?? false)) attnMask = additiveMask(causalMask(L, S), "attn_mask", query.dtype);
    if (attnMask !== null) {
      const expected = attnMask.dim() === 2 ? [L, S] : [N * H, L, S];
      if (!sameShape(attnMask.shape, expected)) {
        throw new Error(`The shape of the ${attnMask.dim()}D attn_mask is [${attnMask.shape.join(", ")}], but should be ${dims(expected)}.`);
      }
    }
    if (keyPadding !== null && !batched) keyPadding = keyPadding.unsqueeze(0);

    const [wq, wk, wv] = separate ?? (this.inProjWeight!.chunk(3, 0) as [Tensor, Tensor, Tensor]);
    const bias = this.inProjBias;
    const [bq, bk, bv] = bias === null ? [null, null, null] : (bias.chunk(3, 0) as [Tensor, Tensor, Tensor]);
    let k = linear(k0, wk, bk), v = linear(v0, wv, bv);
    if (this.biasK !== null && this.biasV !== null) {
      k = cat([k, this.biasK.expand([1, N, E])], 0);
      v = cat([v, this.biasV.expand([1, N, E])], 0);
      [attnMask, keyPadding] = [padKey(attnMask), padKey(keyPadding)];
    }
    // [N·H, L or S, hd]
    const heads = (t: Tensor) => t.reshape([t.shape[0]!, N * H, hd]).transpose(0, 1);
    const q = heads(linear(q0, wq, bq));
    [k, v] = [heads(k), heads(v)];
    if (this.addZeroAttn) {
      [k, v] = [k, v].map((t) => cat([t, zeros([N * H, 1, hd], { dtype: t.dtype })], 1)) as [Tensor, Tensor];
      [attnMask, keyPadding] = [padKey(attnMask), padKey(keyPadding)];
    }
    const keys = k.shape[1]!;
    if (keyPadding !== null) {
      if (!sameShape(keyPadding.shape, [N, keys])) throw new Error(`expecting key_padding_mask shape of ${dims([N, keys])}, but got [${keyPadding.shape.join(", ")}]`);
      const perHead = keyPadding.reshape([N, 1, 1, keys]).expand([N, H, 1, keys]).reshape([N * H, 1, keys]);
      attnMask = attnMask === null ? perHead : add(attnMask, perHead);
    }
    let scores = matmul(mul(q, 1 / Math.sqrt(hd)), k.transpose(1, 2)); // [N·H, L, keys]
    if (attnMask !== null) scores = add(scores, attnMask);
    // the weights are returned after dropout, as PyTorch's
    let weights = dropout(softmax(scores, -1), this.dropout, { training: this.training });
    const merged = matmul(weights, v).transpose(0, 1).reshape([L, N, E]);
    const output = fromSequenceFirst(this.outProj.forward(merged), batched, this.batchFirst);
    if (!(options.needWeights ?? true)) return [output, null];
    weights = weights.reshape([N, H, L, keys]);
    if (options.averageAttnWeights ?? true) weights = mean(weights, 1);
    return [output, batched ? weights : weights.squeeze(0)];
  }
}
