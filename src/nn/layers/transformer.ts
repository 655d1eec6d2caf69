/**
 * `nn.TransformerEncoderLayer` and `nn.TransformerEncoder`, with PyTorch's
 * submodules (so state-dict keys such as `layers.0.self_attn.in_proj_weight`
 * carry over), post-norm or pre-norm (`normFirst`) residual blocks, and ReLU
 * or GELU feed-forward.
 */
import type { Tensor } from "../../tensor/tensor.js";
import { gelu, relu } from "../functional.js";
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
  activation?: "relu" | "gelu";
  layerNormEps?: number;
  /** `[N, L, dModel]` instead of `[L, N, dModel]`. */
  batchFirst?: boolean;
  /** Layer norm before each block (pre-norm) instead of after the residual sum. */
  normFirst?: boolean;
  bias?: boolean;
}

export interface TransformerEncoderCallOptions {
  /** `[L, L]` (or `[N·heads, L, L]`): true, or -Infinity added, for pairs to leave out. */
  mask?: Tensor | null;
  /** `[N, L]`: true for padding positions. */
  srcKeyPaddingMask?: Tensor | null;
  /** Apply a causal mask (when `mask` is not given). */
  isCausal?: boolean;
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
    const o = {
      dimFeedforward: options.dimFeedforward ?? 2048, dropout: options.dropout ?? 0.1, activation: options.activation ?? "relu",
      layerNormEps: options.layerNormEps ?? 1e-5, batchFirst: options.batchFirst ?? false, normFirst: options.normFirst ?? false,
      bias: options.bias ?? true,
    } as const;
    this.options = o;
    // registered in PyTorch's order, under its names
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: o.dropout, bias: o.bias, batchFirst: o.batchFirst });
    this.linear1 = new Linear(dModel, o.dimFeedforward, { bias: o.bias });
    this.dropout = new Dropout(o.dropout);
    this.linear2 = new Linear(o.dimFeedforward, dModel, { bias: o.bias });
    this.norm1 = new LayerNorm(dModel, { eps: o.layerNormEps, bias: o.bias });
    this.norm2 = new LayerNorm(dModel, { eps: o.layerNormEps, bias: o.bias });
    this.dropout1 = new Dropout(o.dropout);
    this.dropout2 = new Dropout(o.dropout);
  }

  override forward(src: Tensor, options: TransformerEncoderCallOptions = {}): Tensor {
    const attend = (x: Tensor) => this.dropout1.forward(this.self_attn.forward(x, x, x, {
      attnMask: options.mask ?? null, keyPaddingMask: options.srcKeyPaddingMask ?? null, needWeights: false,
      isCausal: (options.isCausal ?? false) && options.mask == null,
    })[0]);
    const act = this.options.activation === "gelu" ? gelu : relu;
    const feedForward = (x: Tensor) => this.dropout2.forward(this.linear2.forward(this.dropout.forward(act(this.linear1.forward(x)))));
    if (this.options.normFirst) {
      const x = src.add(attend(this.norm1.forward(src)));
      return x.add(feedForward(this.norm2.forward(x)));
    }
    const x = this.norm1.forward(src.add(attend(src)));
    return this.norm2.forward(x.add(feedForward(x)));
  }

  /** A new layer with the same configuration and a copy of this one's state (PyTorch deep-copies the layer it is given). */
  copy(): TransformerEncoderLayer {
    const twin = new TransformerEncoderLayer(this.dModel, this.nhead, this.options);
    twin.loadStateDict(Object.fromEntries(Object.entries(this.stateDict()).map(([k, v]) => [k, v.clone()])));
    return twin;
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
    this.registerModule("norm", norm);
  }

  override forward(src: Tensor, options: TransformerEncoderCallOptions = {}): Tensor {
    let x = src;
    for (const layer of this.layers) x = (layer as TransformerEncoderLayer).forward(x, options);
    return this.norm === null ? x : (this.norm.forward(x) as Tensor);
  }
}
