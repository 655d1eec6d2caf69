import { noGrad } from "../../autograd/grad-mode-api.js";
import { empty } from "../../ops/factories.js";
import type { DType } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { embedding, embeddingBag } from "../functional.js";
import * as init from "../init.js";
import { Module, pyFloat } from "../module.js";
import { Parameter } from "../parameter.js";

/**
 * What Embedding and EmbeddingBag share: the `weight` table, initialised
 * N(0, 1), and an optional padding row (negative counts from the end) that
 * starts zeroed.
 */
abstract class EmbeddingTable extends Module {
  declare weight: Parameter;
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  /** Rows looked up are first rescaled in place to this norm where theirs is larger (see `F.embedding`). */
  readonly maxNorm: number | null;
  readonly normType: number;

  /** `padMessage`: PyTorch's error for a padding index out of range (its two classes word it differently). */
  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingTableOptions, padMessage: string) {
    super();
    const paddingIdx = options.paddingIdx ?? null;
    this.maxNorm = options.maxNorm ?? null;
    this.normType = options.normType ?? 2;
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    if (paddingIdx !== null && (paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings)) throw new Error(padMessage);
    this.paddingIdx = paddingIdx !== null && paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx;
    this.weight = new Parameter(empty([numEmbeddings, embeddingDim], { dtype: options.dtype ?? "float32" }));
    this.resetParameters();
  }

  resetParameters(): void {
    init.normal_(this.weight);
    if (this.paddingIdx !== null) noGrad(() => this.weight.select(0, this.paddingIdx!).fill_(0));
  }

  /** PyTorch's repr of max_norm and norm_type, each where it is not the default. */
  protected normRepr(): string {
    return `${this.maxNorm !== null ? `, max_norm=${pyFloat(this.maxNorm)}` : ""}${this.normType !== 2 ? `, norm_type=${pyFloat(this.normType)}` : ""}`;
  }
}

/** The options both layers take. */
export interface EmbeddingTableOptions {
  /** Its row starts zeroed and gets no gradient; negative counts from the end. */
  paddingIdx?: number | null;
  /** Rows looked up are first rescaled in place to this norm where theirs is larger. */
  maxNorm?: number | null;
  /** The p of the `maxNorm` norm (default 2). */
  normType?: number;
  dtype?: DType;
}

/**
 * A lookup table: int32 indices to rows of `weight` `[numEmbeddings, embeddingDim]`,
 * initialised N(0, 1) with the `paddingIdx` row zeroed.
 *
 * @example
 * const emb = new nn.Embedding(10, 3);
 * emb.forward(torch.tensor([[1, 2]], { dtype: "int32" })).shape; // [1, 2, 3]
 */
export class Embedding extends EmbeddingTable {
  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingTableOptions = {}) {
    super(numEmbeddings, embeddingDim, options, "Padding_idx must be within num_embeddings");
  }

  override forward(input: Tensor): Tensor {
    return embedding(input, this.weight, { paddingIdx: this.paddingIdx, maxNorm: this.maxNorm, normType: this.normType });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, padding_idx=${this.paddingIdx}` : ""}${this.normRepr()}`;
  }
}

export interface EmbeddingBagLayerOptions extends EmbeddingTableOptions {
  /** How a bag's rows are reduced (default "mean"). */
  mode?: "sum" | "mean" | "max";
  /** `offsets` has one more entry, the end of the last bag. */
  includeLastOffset?: boolean;
}

/**
 * Sums, means or maxima of bags of embeddings (see `F.embeddingBag`):
 * `weight` `[numEmbeddings, embeddingDim]`, initialised N(0, 1) with the
 * `paddingIdx` row zeroed.
 *
 * @example
 * const bag = new nn.EmbeddingBag(10, 3, { mode: "sum" });
 * const input = torch.tensor([1, 2, 4, 5, 4, 3, 2, 9], { dtype: "int32" });
 * bag.forward(input, torch.tensor([0, 4], { dtype: "int32" })).shape; // [2, 3]
 */
export class EmbeddingBag extends EmbeddingTable {
  readonly mode: "sum" | "mean" | "max";
  readonly includeLastOffset: boolean;

  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingBagLayerOptions = {}) {
    super(numEmbeddings, embeddingDim, options, "padding_idx must be within num_embeddings");
    this.mode = options.mode ?? "mean";
    this.includeLastOffset = options.includeLastOffset ?? false;
  }

  /** One row per bag: the rows of 2-d `input`, or the runs of 1-d `input` starting at each of `offsets`. */
  override forward(input: Tensor, offsets: Tensor | null = null, perSampleWeights: Tensor | null = null): Tensor {
    return embeddingBag(input, this.weight, {
      offsets, mode: this.mode, perSampleWeights, includeLastOffset: this.includeLastOffset, paddingIdx: this.paddingIdx, maxNorm: this.maxNorm, normType: this.normType,
    });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.normRepr()}, mode=${this.mode}${this.paddingIdx !== null ? `, padding_idx=${this.paddingIdx}` : ""}`;
  }
}
