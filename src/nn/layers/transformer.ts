/**
 * `nn.TransformerEncoderLayer`, `nn.TransformerEncoder`,
 * `nn.TransformerDecoderLayer`, `nn.TransformerDecoder` and
 * `nn.Transformer`, with PyTorch's submodules (so state-dict keys such as
 * `layers.0.self_attn.in_proj_weight` carry over), post-norm or pre-norm
 * (`normFirst`) residual blocks, and a ReLU, GELU or custom feed-forward activation.
 */
import { full } from "../../ops/factories.js";
import { triu } from "../../ops/masking.js";
import type { DType } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { gelu, relu } from "../functional.js";
import * as init from "../init.js";
import { Module } from "../module.js";
import { Dropout } from "./activation.js";
import { MultiheadAttention } from "./attention.js";
import { ModuleList } from "./container.js";
import { Linear } from "./linear.js";
import { LayerNorm } from "./norm.js";

export interface TransformerEncoderLayerOptions {
  /** Width of the feed-forward block (default 2048). */
  dimFeedforward?: number;
  /** Dropout after attention, inside and after the feed-forward block (default 0.1). */
  dropout?: number;
  /** The feed-forward block's activation: `"relu"` (default), `"gelu"` or a function of a tensor. */
  activation?: "relu" | "gelu" | ((x: Tensor) => Tensor);
  layerNormEps?: number;
  /** `[N, L, dModel]` instead of `[L, N, dModel]`. */
  batchFirst?: boolean;
  /** Layer norm before each block (pre-norm) instead of after the residual sum. */
  normFirst?: boolean;
  bias?: boolean;
  dtype?: DType;
}

export interface TransformerEncoderCallOptions {
  /** `[L, L]` (or `[N·heads, L, L]`): true, or -Infinity added, for pairs to leave out. */
  mask?: Tensor | null;
  /** `[N, L]`: true for padding positions. */
  srcKeyPaddingMask?: Tensor | null;
  /** Apply a causal mask (when `mask` is not given). */
  isCausal?: boolean;
}

/** The parts of a layer the shared blocks below use. */
interface LayerParts {
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  options: Required<TransformerEncoderLayerOptions>;
}

/** linear2(dropout(act(linear1(x)))), then `out` (the block's own dropout). */
function feedForwardBlock(layer: LayerParts, out: Dropout, x: Tensor): Tensor {
  const a = layer.options.activation;
  const act = a === "relu" ? relu : a === "gelu" ? gelu : a;
  return out.forward(layer.linear2.forward(layer.dropout.forward(act(layer.linear1.forward(x)))));
}

/** `attn(query, kv, kv)` without weights, then `out`; `isCausal` applies only where no mask is given (a hint otherwise, as in PyTorch). */
function attentionBlock(attn: MultiheadAttention, out: Dropout, query: Tensor, kv: Tensor, mask: Tensor | null | undefined, keyPadding: Tensor | null | undefined, isCausal: boolean | undefined): Tensor {
  return out.forward(attn.forward(query, kv, kv, {
    attnMask: mask ?? null, keyPaddingMask: keyPadding ?? null, needWeights: false, isCausal: (isCausal ?? false) && mask == null,
  })[0]);
}

/** The options with PyTorch's defaults filled in. */
function layerDefaults(options: TransformerEncoderLayerOptions): Required<TransformerEncoderLayerOptions> {
  const activation = options.activation ?? "relu";
  if (typeof activation !== "function" && activation !== "relu" && activation !== "gelu") throw new Error(`activation should be relu/gelu, not ${String(activation)}`);
  return {
    dimFeedforward: options.dimFeedforward ?? 2048, dropout: options.dropout ?? 0.1, activation,
    layerNormEps: options.layerNormEps ?? 1e-5, batchFirst: options.batchFirst ?? false, normFirst: options.normFirst ?? false,
    bias: options.bias ?? true, dtype: options.dtype ?? "float32",
  };
}

/** A copy of `layer` made by `make`, with a copy of its state (PyTorch deep-copies the layer it is given). */
function twinOf<T extends Module>(layer: T, make: () => T): T {
  const twin = make();
  twin.loadStateDict(Object.fromEntries(Object.entries(layer.stateDict()).map(([k, v]) => [k, v.clone()])));
  return twin;
}

/**
 * Self-attention then a feed-forward block, each with a residual sum and a layer norm.
 *
 * @example
 * const layer = new nn.TransformerEncoderLayer(64, 4, { dimFeedforward: 128, batchFirst: true });
 * const y = layer.forward(torch.randn([8, 10, 64])); // [8, 10, 64]
 */
export class TransformerEncoderLayer extends Module {
  declare self_attn: MultiheadAttention;
  declare linear1: Linear;
  declare dropout: Dropout;
  declare linear2: Linear;
  declare norm1: LayerNorm;
  declare norm2: LayerNorm;
  declare dropout1: Dropout;
  declare dropout2: Dropout;
  readonly options: Required<TransformerEncoderLayerOptions>;

  constructor(readonly dModel: number, readonly nhead: number, options: TransformerEncoderLayerOptions = {}) {
    super();
    const o = layerDefaults(options);
    this.options = o;
    // registered in PyTorch's order, under its names
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: o.dropout, bias: o.bias, batchFirst: o.batchFirst, dtype: o.dtype });
    this.linear1 = new Linear(dModel, o.dimFeedforward, { bias: o.bias, dtype: o.dtype });
    this.dropout = new Dropout(o.dropout);
    this.linear2 = new Linear(o.dimFeedforward, dModel, { bias: o.bias, dtype: o.dtype });
    this.norm1 = new LayerNorm(dModel, { eps: o.layerNormEps, bias: o.bias, dtype: o.dtype });
    this.norm2 = new LayerNorm(dModel, { eps: o.layerNormEps, bias: o.bias, dtype: o.dtype });
    this.dropout1 = new Dropout(o.dropout);
    this.dropout2 = new Dropout(o.dropout);
  }

  override forward(src: Tensor, options: TransformerEncoderCallOptions = {}): Tensor {
    const attend = (x: Tensor) => attentionBlock(this.self_attn, this.dropout1, x, x, options.mask, options.srcKeyPaddingMask, options.isCausal);
    const feedForward = (x: Tensor) => feedForwardBlock(this, this.dropout2, x);
    if (this.options.normFirst) {
      const x = src.add(attend(this.norm1.forward(src)));
      return x.add(feedForward(this.norm2.forward(x)));
    }
    const x = this.norm1.forward(src.add(attend(src)));
    return this.norm2.forward(x.add(feedForward(x)));
  }

  /** A new layer with the same configuration and a copy of this one's state (PyTorch deep-copies the layer it is given). */
  copy(): TransformerEncoderLayer {
    return twinOf(this, () => new TransformerEncoderLayer(this.dModel, this.nhead, this.options));
  }
}

/**
 * `numLayers` copies of `encoderLayer` applied in turn, then an optional final norm.
 *
 * @example
 * const encoder = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(64, 4), 6);
 */
export class TransformerEncoder extends Module {
  declare layers: ModuleList;
  declare norm: Module | null;

  constructor(encoderLayer: TransformerEncoderLayer, readonly numLayers: number, norm: Module | null = null) {
    super();
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => encoderLayer.copy()));
    this.norm = norm; // as PyTorch: a plain attribute when null (not printed as "(norm): None"), a child module otherwise
  }

  override forward(src: Tensor, options: TransformerEncoderCallOptions = {}): Tensor {
    let x = src;
    for (const layer of this.layers) x = (layer as TransformerEncoderLayer).forward(x, options);
    return this.norm === null ? x : (this.norm.forward(x) as Tensor);
  }
}

/** Options of `nn.TransformerDecoderLayer`: those of the encoder layer. */
export type TransformerDecoderLayerOptions = TransformerEncoderLayerOptions;

export interface TransformerDecoderCallOptions {
  /** `[T, T]` (or `[N·heads, T, T]`): true, or -Infinity added, for target pairs to leave out (such as `Transformer.generateSquareSubsequentMask(T)`). */
  tgtMask?: Tensor | null;
  /** `[T, S]` (or `[N·heads, T, S]`): the same for target-to-memory pairs. */
  memoryMask?: Tensor | null;
  /** `[N, T]`: true for padding positions of the target. */
  tgtKeyPaddingMask?: Tensor | null;
  /** `[N, S]`: true for padding positions of the memory. */
  memoryKeyPaddingMask?: Tensor | null;
  /** Apply a causal mask to the self-attention when `tgtMask` is not given (a hint when it is, as in PyTorch 2.x). */
  tgtIsCausal?: boolean;
  /** The same for the cross-attention and `memoryMask`. */
  memoryIsCausal?: boolean;
}

/**
 * Self-attention over the target, attention from the target to the encoder's
 * output (`memory`), then a feed-forward block, each with a residual sum and
 * a layer norm (`norm1`, `norm2`, `norm3`), as PyTorch's.
 *
 * @example
 * const layer = new nn.TransformerDecoderLayer(64, 4, { dimFeedforward: 128 });
 * const memory = torch.randn([12, 8, 64]); // the encoder's output
 * const y = layer.forward(torch.randn([10, 8, 64]), memory, { tgtMask: nn.Transformer.generateSquareSubsequentMask(10) }); // [10, 8, 64]
 */
export class TransformerDecoderLayer extends Module {
  declare self_attn: MultiheadAttention;
  declare multihead_attn: MultiheadAttention;
  declare linear1: Linear;
  declare dropout: Dropout;
  declare linear2: Linear;
  declare norm1: LayerNorm;
  declare norm2: LayerNorm;
  declare norm3: LayerNorm;
  declare dropout1: Dropout;
  declare dropout2: Dropout;
  declare dropout3: Dropout;
  readonly options: Required<TransformerDecoderLayerOptions>;

  constructor(readonly dModel: number, readonly nhead: number, options: TransformerDecoderLayerOptions = {}) {
    super();
    const o = layerDefaults(options);
    this.options = o;
    // registered in PyTorch's order, under its names
    const attention = () => new MultiheadAttention(dModel, nhead, { dropout: o.dropout, bias: o.bias, batchFirst: o.batchFirst, dtype: o.dtype });
    this.self_attn = attention();
    this.multihead_attn = attention();
    this.linear1 = new Linear(dModel, o.dimFeedforward, { bias: o.bias, dtype: o.dtype });
    this.dropout = new Dropout(o.dropout);
    this.linear2 = new Linear(o.dimFeedforward, dModel, { bias: o.bias, dtype: o.dtype });
    this.norm1 = new LayerNorm(dModel, { eps: o.layerNormEps, bias: o.bias, dtype: o.dtype });
    this.norm2 = new LayerNorm(dModel, { eps: o.layerNormEps, bias: o.bias, dtype: o.dtype });
    this.norm3 = new LayerNorm(dModel, { eps: o.layerNormEps, bias: o.bias, dtype: o.dtype });
    this.dropout1 = new Dropout(o.dropout);
    this.dropout2 = new Dropout(o.dropout);
    this.dropout3 = new Dropout(o.dropout);
  }

  override forward(tgt: Tensor, memory: Tensor, options: TransformerDecoderCallOptions = {}): Tensor {
    const selfAttend = (x: Tensor) => attentionBlock(this.self_attn, this.dropout1, x, x, options.tgtMask, options.tgtKeyPaddingMask, options.tgtIsCausal);
    const crossAttend = (x: Tensor) => attentionBlock(this.multihead_attn, this.dropout2, x, memory, options.memoryMask, options.memoryKeyPaddingMask, options.memoryIsCausal);
    const feedForward = (x: Tensor) => feedForwardBlock(this, this.dropout3, x);
    if (this.options.normFirst) {
      let x = tgt.add(selfAttend(this.norm1.forward(tgt)));
      x = x.add(crossAttend(this.norm2.forward(x)));
      return x.add(feedForward(this.norm3.forward(x)));
    }
    let x = this.norm1.forward(tgt.add(selfAttend(tgt)));
    x = this.norm2.forward(x.add(crossAttend(x)));
    return this.norm3.forward(x.add(feedForward(x)));
  }

  /** A new layer with the same configuration and a copy of this one's state (PyTorch deep-copies the layer it is given). */
  copy(): TransformerDecoderLayer {
    return twinOf(this, () => new TransformerDecoderLayer(this.dModel, this.nhead, this.options));
  }
}

/**
 * `numLayers` copies of `decoderLayer` applied in turn to the target (each
 * attending to the same `memory`), then an optional final norm.
 *
 * @example
 * const decoder = new nn.TransformerDecoder(new nn.TransformerDecoderLayer(64, 4), 6, new nn.LayerNorm(64));
 * const out = decoder.forward(torch.randn([10, 8, 64]), torch.randn([12, 8, 64]), { tgtIsCausal: true }); // [10, 8, 64]
 */
export class TransformerDecoder extends Module {
  declare layers: ModuleList;
  declare norm: Module | null;

  constructor(decoderLayer: TransformerDecoderLayer, readonly numLayers: number, norm: Module | null = null) {
    super();
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => decoderLayer.copy()));
    this.norm = norm; // as PyTorch: a plain attribute when null (not printed as "(norm): None"), a child module otherwise
  }

  override forward(tgt: Tensor, memory: Tensor, options: TransformerDecoderCallOptions = {}): Tensor {
    let x = tgt;
    for (const layer of this.layers) x = (layer as TransformerDecoderLayer).forward(x, memory, options);
    return this.norm === null ? x : (this.norm.forward(x) as Tensor);
  }
}

export interface TransformerOptions extends TransformerEncoderLayerOptions {
  /** Encoder layers (default 6). */
  numEncoderLayers?: number;
  /** Decoder layers (default 6). */
  numDecoderLayers?: number;
}

export interface TransformerCallOptions extends TransformerDecoderCallOptions {
  /** The encoder's `mask` (`[S, S]`). */
  srcMask?: Tensor | null;
  /** `[N, S]`: true for padding positions of the source. */
  srcKeyPaddingMask?: Tensor | null;
  /** Apply a causal mask in the encoder when `srcMask` is not given. */
  srcIsCausal?: boolean;
}

/**
 * The encoder-decoder model of "Attention Is All You Need", as PyTorch's
 * `nn.Transformer`: a `TransformerEncoder` and a `TransformerDecoder`, each
 * with a final LayerNorm; matrices initialised Xavier-uniform.
 * `forward(src, tgt, options)` returns the decoder's output, `[T, N, dModel]`
 * (`[N, T, dModel]` with `batchFirst`).
 *
 * @example
 * const model = new nn.Transformer(32, 4, { numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 64 });
 * const out = model.forward(torch.randn([12, 8, 32]), torch.randn([10, 8, 32]), { tgtMask: nn.Transformer.generateSquareSubsequentMask(10) });
 */
export class Transformer extends Module {
  declare encoder: TransformerEncoder;
  declare decoder: TransformerDecoder;
  readonly batchFirst: boolean;

  constructor(readonly dModel = 512, readonly nhead = 8, options: TransformerOptions = {}) {
    super();
    const o = layerDefaults(options);
    this.batchFirst = o.batchFirst;
    const norm = () => new LayerNorm(dModel, { eps: o.layerNormEps, bias: o.bias, dtype: o.dtype });
    this.encoder = new TransformerEncoder(new TransformerEncoderLayer(dModel, nhead, o), options.numEncoderLayers ?? 6, norm());
    this.decoder = new TransformerDecoder(new TransformerDecoderLayer(dModel, nhead, o), options.numDecoderLayers ?? 6, norm());
    this.resetParameters();
  }

  /** PyTorch's: Xavier-uniform for every parameter with more than one dimension. */
  resetParameters(): void {
    for (const p of this.parameters()) if (p.shape.length > 1) init.xavierUniform_(p);
  }

  override forward(src: Tensor, tgt: Tensor, options: TransformerCallOptions = {}): Tensor {
    const batched = src.shape.length === 3, b = this.batchFirst ? 0 : 1;
    if (batched && src.shape[b] !== tgt.shape[b]) throw new Error("the batch number of src and tgt must be equal");
    if (src.shape[src.shape.length - 1] !== this.dModel || tgt.shape[tgt.shape.length - 1] !== this.dModel) {
      throw new Error("the feature number of src and tgt must be equal to d_model");
    }
    const memory = this.encoder.forward(src, { mask: options.srcMask ?? null, srcKeyPaddingMask: options.srcKeyPaddingMask ?? null, isCausal: options.srcIsCausal ?? false });
    return this.decoder.forward(tgt, memory, options);
  }

  /**
   * The `[n, n]` float causal mask: 0 on and below the diagonal, -Infinity
   * above it (position i attends to positions ≤ i).
   *
   * @example
   * nn.Transformer.generateSquareSubsequentMask(3); // [[0, -inf, -inf], [0, 0, -inf], [0, 0, 0]]
   */
  static generateSquareSubsequentMask(n: number): Tensor {
    return triu(full([n, n], -Infinity), 1);
  }
}
