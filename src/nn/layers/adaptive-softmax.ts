/**
 * `nn.AdaptiveLogSoftmaxWithLoss` (Grave et al., "Efficient softmax
 * approximation for GPUs"): frequent classes in a head softmax, the rest in
 * clusters reached through one head entry each, computed only for the rows
 * whose targets fall in them. PyTorch's algorithm step for step, composed
 * from differentiable ops.
 */
import { add, ge, neg } from "../../ops/elementwise.js";
import { fromTypedArray, zeros } from "../../ops/factories.js";
import { cat, gather, indexAdd, indexSelect } from "../../ops/indexing.js";
import { argmax, mean } from "../../ops/reduce.js";
import { logSoftmax } from "../../ops/softmax.js";
import { narrow, squeeze, unsqueeze } from "../../ops/views.js";
import { shapeStr } from "../../ops/core.js";
import type { DType } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Module } from "../module.js";
import { ModuleList, Sequential } from "./container.js";
import { Linear } from "./linear.js";

/** What `AdaptiveLogSoftmaxWithLoss.forward` returns, PyTorch's `_ASMoutput`. */
export interface AdaptiveLogSoftmaxOutput {
  /** The log-probability of each row's target class ([N], or 0-d for an unbatched input). */
  output: Tensor;
  /** The mean negative log-likelihood. */
  loss: Tensor;
}

export interface AdaptiveLogSoftmaxOptions {
  /** Each cluster's hidden size is `floor(inFeatures / divValue^(i + 1))` (default 4). */
  divValue?: number;
  /** Whether the head has a bias (default false). */
  headBias?: boolean;
  dtype?: DType;
}

/** Row indices (int32) of `labels` where `keep` holds. */
function rowsWhere(labels: ArrayLike<number>, keep: (label: number) => boolean): number[] {
  const rows: number[] = [];
  for (let i = 0; i < labels.length; i++) if (keep(labels[i]!)) rows.push(i);
  return rows;
}

const int32 = (values: readonly number[]) => fromTypedArray(Int32Array.from(values));

/**
 * Adaptive softmax over `nClasses` classes split at `cutoffs` (sorted,
 * unique, in [1, nClasses - 1]): classes below the first cutoff sit in the
 * head, each later range in a cluster with a smaller projection.
 * `forward(input, target)` gives each row's target log-probability and the
 * loss; `logProb(input)` the full [N, nClasses] log-distribution;
 * `predict(input)` the most likely class.
 *
 * @example
 * const asm = new nn.AdaptiveLogSoftmaxWithLoss(16, 100, [10, 40]);
 * const { output, loss } = asm.forward(torch.randn([8, 16]), torch.randint(0, 100, [8], { dtype: "int32" }));
 * loss.backward();
 */
export class AdaptiveLogSoftmaxWithLoss extends Module {
  declare head: Linear;
  declare tail: ModuleList;
  readonly inFeatures: number;
  readonly nClasses: number;
  /** The cutoffs with `nClasses` appended, as PyTorch keeps them. */
  readonly cutoffs: readonly number[];
  readonly divValue: number;
  readonly headBias: boolean;
  readonly shortlistSize: number;
  readonly nClusters: number;
  readonly headSize: number;

  constructor(inFeatures: number, nClasses: number, cutoffs: readonly number[], options: AdaptiveLogSoftmaxOptions = {}) {
    super();
    const sorted = [...cutoffs].sort((a, b) => a - b);
    if (cutoffs.length === 0 || cutoffs.some((c, i) => c !== sorted[i]) || sorted[0]! <= 0 || sorted[sorted.length - 1]! > nClasses - 1 ||
      new Set(cutoffs).size !== cutoffs.length || cutoffs.some((c) => !Number.isInteger(c))) {
      throw new Error("cutoffs should be a sequence of unique, positive integers sorted in an increasing order, where each value is between 1 and n_classes-1");
    }
    this.inFeatures = inFeatures;
    this.nClasses = nClasses;
    this.cutoffs = [...cutoffs, nClasses];
    this.divValue = options.divValue ?? 4;
    this.headBias = options.headBias ?? false;
    this.shortlistSize = this.cutoffs[0]!;
    this.nClusters = this.cutoffs.length - 1;
    this.headSize = this.shortlistSize + this.nClusters;
    const dtype = options.dtype ?? "float32";
    this.head = new Linear(inFeatures, this.headSize, { bias: this.headBias, dtype });
    this.tail = new ModuleList();
    for (let i = 0; i < this.nClusters; i++) {
      const hidden = Math.floor(inFeatures / this.divValue ** (i + 1));
      const size = this.cutoffs[i + 1]! - this.cutoffs[i]!;
      this.tail.append(new Sequential(new Linear(inFeatures, hidden, { bias: false, dtype }), new Linear(hidden, size, { bias: false, dtype })));
    }
  }

  resetParameters(): void {
    this.head.resetParameters();
    for (const projection of this.tail) for (const layer of (projection as Sequential).children()) (layer as Linear).resetParameters();
  }

  private cluster(i: number): Sequential {
    return this.tail.at(i) as Sequential;
  }

  /**
   * The log-probability of each row's target and the mean negative
   * log-likelihood, for `input` [N, inFeatures] and int32 `target` [N] (or
   * one row [inFeatures] and a 0-d target).
   */
  override forward(input: Tensor, target: Tensor): AdaptiveLogSoftmaxOutput {
    const targetDim = target.dim();
    if (targetDim === 1) {
      if (input.shape[0] !== target.shape[0]) throw new Error(`Input and target should have the same size in the batch dimension. (input ${shapeStr(input.shape)}, target ${shapeStr(target.shape)})`);
      if (input.dim() !== 2) throw new Error(`1D target tensor expects 2D input tensors, but found inputs with size ${shapeStr(input.shape)}`);
    } else if (targetDim === 0) {
      if (input.dim() !== 1) throw new Error(`0D target tensor expects 1D input tensors, but found inputs with size ${shapeStr(input.shape)}`);
    } else {
      throw new Error(`0D or 1D target tensor expected, multi-target not supported (target ${shapeStr(target.shape)})`);
    }
    if (target.dtype !== "int32") throw new Error(`AdaptiveLogSoftmaxWithLoss: expected target of dtype int32 (class indices), got ${target.dtype}`);
    const batched = targetDim > 0;
    const x = batched ? input : unsqueeze(input, 0);
    const labels = Array.from(target.contiguous().toArray());
    const batch = labels.length;
    let output = zeros([batch], { dtype: x.dtype });
    const gatherIndex = new Int32Array(batch);
    let usedRows = 0;
    const bounds = [0, ...this.cutoffs];
    for (let i = 0; i < bounds.length - 1; i++) {
      const low = bounds[i]!, high = bounds[i + 1]!;
      const rows = rowsWhere(labels, (t) => t >= low && t < high);
      if (rows.length === 0) continue;
      if (i === 0) for (const r of rows) gatherIndex[r] = labels[r]!;
      else {
        const rowIndex = int32(rows);
        const relative = int32(rows.map((r) => labels[r]! - low));
        const clusterLogprob = logSoftmax(this.cluster(i - 1).forward(indexSelect(x, 0, rowIndex)) as Tensor, 1);
        for (const r of rows) gatherIndex[r] = this.shortlistSize + i - 1;
        output = indexAdd(output, 0, rowIndex, squeeze(gather(clusterLogprob, 1, unsqueeze(relative, 1)), 1));
      }
      usedRows += rows.length;
    }
    if (usedRows !== batch) {
      const lo = Math.min(...labels), hi = Math.max(...labels);
      throw new Error(`Target values should be in [0, ${this.nClasses - 1}], but values in range [${lo}, ${hi}] were found. `);
    }
    const headLogprob = logSoftmax(this.head.forward(x), 1);
    output = add(output, squeeze(gather(headLogprob, 1, unsqueeze(fromTypedArray(gatherIndex), 1)), 1));
    const loss = mean(neg(output));
    return { output: batched ? output : squeeze(output, 0), loss };
  }

  /** The log of the full distribution from the head's output: the shortlist, then each cluster shifted by its head entry. */
  private fullLogProb(input: Tensor, headOutput: Tensor): Tensor {
    const headLogprob = logSoftmax(headOutput, 1);
    const parts = [narrow(headLogprob, 1, 0, this.shortlistSize)];
    for (let i = 0; i < this.nClusters; i++) {
      const clusterLogprob = logSoftmax(this.cluster(i).forward(input) as Tensor, 1);
      parts.push(add(clusterLogprob, narrow(headLogprob, 1, this.shortlistSize + i, 1)));
    }
    return cat(parts, 1);
  }

  /**
   * The log-probabilities of every class, [N, nClasses], for `input` [N, inFeatures].
   *
   * @example
   * const logp = asm.logProb(torch.randn([4, 16])); // [4, 100]; each row's exp sums to 1
   */
  logProb(input: Tensor): Tensor {
    return this.fullLogProb(input, this.head.forward(input));
  }

  /**
   * The most likely class of each row (int32 [N]), as `logProb(input).argmax(1)`
   * but computing the clusters only for rows whose head prediction is a cluster.
   *
   * @example
   * const classes = asm.predict(torch.randn([4, 16])); // [4]
   */
  predict(input: Tensor): Tensor {
    const headOutput = this.head.forward(input);
    const output = argmax(headOutput, 1);
    const notInShortlist = Array.from(ge(output, this.shortlistSize).toArray());
    const rows = rowsWhere(notInShortlist, (v) => v !== 0);
    if (rows.length === 0) return output;
    if (rows.length === notInShortlist.length) return argmax(this.fullLogProb(input, headOutput), 1);
    const rowIndex = int32(rows);
    const best = argmax(this.fullLogProb(indexSelect(input, 0, rowIndex), indexSelect(headOutput, 0, rowIndex)), 1).toArray();
    const merged = Int32Array.from(output.toArray());
    rows.forEach((r, k) => {
      merged[r] = best[k]!;
    });
    return fromTypedArray(merged);
  }
}
