/** `nn.utils.rnn.padSequence`: sequences of different lengths stacked into one padded batch. */
import { full } from "../../ops/factories.js";
import { cat, stack } from "../../ops/indexing.js";
import type { Tensor } from "../../tensor/tensor.js";

export interface PadSequenceOptions {
  /** Output `[B, T, *]` instead of `[T, B, *]` (default false). */
  batchFirst?: boolean;
  /** The value of the padding elements (default 0). */
  paddingValue?: number;
  /** Pad after each sequence (`"right"`, the default) or before it (`"left"`), as PyTorch 2.x's `padding_side`. */
  paddingSide?: "right" | "left";
}

/**
 * Stacks sequences of shape `[Lᵢ, *]` into one `[T, B, *]` tensor (T the
 * longest Lᵢ; `[B, T, *]` with `batchFirst`), filling the rest with
 * `paddingValue`. Differentiable: each sequence gets its part of the gradient.
 *
 * @example
 * const batch = nn.utils.rnn.padSequence([torch.ones([3, 2]), torch.ones([1, 2])], { batchFirst: true }); // [2, 3, 2]
 */
export function padSequence(sequences: readonly Tensor[], options: PadSequenceOptions = {}): Tensor {
  const side = options.paddingSide ?? "right", value = options.paddingValue ?? 0;
  if (side !== "right" && side !== "left") throw new Error(`Expected padding_side to be one of left or right, but got ${String(side)}.`);
  if (sequences.length === 0) throw new Error("received an empty list of sequences");
  const trailing = sequences[0]!.shape.slice(1);
  const T = Math.max(...sequences.map((s) => s.shape[0] ?? 1));
  const padded = sequences.map((s, i) => {
    if (s.shape.length === 0 || s.shape.length - 1 !== trailing.length || s.shape.some((v, d) => d > 0 && v !== trailing[d - 1])) {
      throw new Error(`pad_sequence: expected every sequence to have shape [L, ${trailing.join(", ")}] like sequence 0, but sequence ${i} has shape [${s.shape.join(", ")}]`);
    }
    const missing = T - s.shape[0]!;
    if (missing === 0) return s;
    const fill = full([missing, ...trailing], value, { dtype: s.dtype });
    return side === "right" ? cat([s, fill], 0) : cat([fill, s], 0);
  });
  return stack(padded, options.batchFirst ?? false ? 0 : 1);
}
