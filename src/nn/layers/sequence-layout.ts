/**
 * The `[L, N, features]` layout the sequence layers (LSTM, GRU,
 * MultiheadAttention) compute in, from and to their callers' layouts:
 * batch-first `[N, L, features]`, or unbatched `[L, features]`.
 */
import type { Tensor } from "../../tensor/tensor.js";

/** `t` as `[L, N, features]`: unbatched input gains N = 1, batch-first input is transposed. */
export function toSequenceFirst(t: Tensor, batched: boolean, batchFirst: boolean): Tensor {
  return !batched ? t.unsqueeze(1) : batchFirst ? t.transpose(0, 1) : t;
}

/** The inverse of toSequenceFirst, for a layer's output. */
export function fromSequenceFirst(t: Tensor, batched: boolean, batchFirst: boolean): Tensor {
  return !batched ? t.squeeze(1) : batchFirst ? t.transpose(0, 1) : t;
}
