/**
 * Packed sequences, as `torch.nn.utils.rnn`: a batch of sequences of
 * different lengths stored without padding, time step by time step. Step t
 * holds the t-th element of every sequence longer than t, so with the
 * sequences sorted longest first, step t is the first `batchSizes[t]` rows
 * of the batch. The recurrent layers read this form directly
 * (src/nn/layers/rnn.ts), never computing on padding.
 */
import { fromTypedArray, full } from "../../ops/factories.js";
import { cat, stack } from "../../ops/indexing.js";
import { Tensor } from "../../tensor/tensor.js";
import type { DType } from "../../tensor/dtype.js";
import { padSequence } from "./pad-sequence.js";

/** `perm` as a JS array of integers (a 1-D tensor or an array). */
function toInts(v: Tensor | readonly number[]): number[] {
  return v instanceof Tensor ? Array.from(v.toArray(), Number) : [...v];
}

/** The permutation q with q[p[i]] = i, as an int32 tensor. */
function invertPermutation(perm: Tensor): Tensor {
  const p = toInts(perm), q = new Int32Array(p.length);
  p.forEach((v, i) => (q[v] = i));
  return fromTypedArray(q);
}

/**
 * Sequences packed time step by time step (see the module comment); made by
 * `packPaddedSequence` or `packSequence`, read by `nn.RNN`, `nn.LSTM` and
 * `nn.GRU`. `sortedIndices[i]` is the original batch index of packed row
 * i; `unsortedIndices` is its inverse; both are null when the input was
 * already sorted (`enforceSorted`).
 */
export class PackedSequence {
  /** `[Σ lengths, *]`: step 0's rows, then step 1's, … */
  readonly data: Tensor;
  /** int32 `[longest length]`: how many sequences are still running at each step. */
  readonly batchSizes: Tensor;
  readonly sortedIndices: Tensor | null;
  readonly unsortedIndices: Tensor | null;

  /** As PyTorch's constructor: `unsortedIndices` defaults to the inverse of `sortedIndices`. */
  constructor(data: Tensor, batchSizes: Tensor, sortedIndices: Tensor | null = null, unsortedIndices: Tensor | null = null) {
    this.data = data;
    this.batchSizes = batchSizes;
    this.sortedIndices = sortedIndices;
    this.unsortedIndices = unsortedIndices ?? (sortedIndices === null ? null : invertPermutation(sortedIndices));
  }

  /** The same sequences with `data` cast to `dtype` (this one when it already has it), as PyTorch's `.to(dtype)`. */
  to(dtype: DType): PackedSequence {
    return this.data.dtype === dtype ? this : new PackedSequence(this.data.to(dtype), this.batchSizes, this.sortedIndices, this.unsortedIndices);
  }

  float(): PackedSequence {
    return this.to("float32");
  }

  double(): PackedSequence {
    return this.to("float64");
  }
}

export interface PackPaddedOptions {
  /** The input is `[B, T, *]` instead of `[T, B, *]` (default false). */
  batchFirst?: boolean;
  /** The lengths are in decreasing order and stay so (default true); false sorts the batch and records the permutation. */
  enforceSorted?: boolean;
}

/** Lengths as integers (truncated, as PyTorch's conversion to int64). */
function lengthsOf(lengths: Tensor | readonly number[]): number[] {
  if (lengths instanceof Tensor && lengths.dim() !== 1) throw new Error(`'lengths' argument should be a 1D tensor or array, but got a ${lengths.dim()}D tensor`);
  return toInts(lengths).map(Math.trunc);
}

/** Batch indices by decreasing length; equal lengths keep their order (PyTorch's sort does not promise an order for ties). */
function sortedOrder(lengths: readonly number[]): number[] {
  return lengths.map((_, i) => i).sort((a, b) => lengths[b]! - lengths[a]! || a - b);
}

/**
 * Packs a padded batch `[T, B, *]` (`[B, T, *]` with `batchFirst`) of
 * sequences with the given lengths. Differentiable w.r.t. `input`.
 *
 * @example
 * const padded = nn.utils.rnn.padSequence([a, b, c]); // a, b, c: [Lᵢ, features]
 * const packed = nn.utils.rnn.packPaddedSequence(padded, [a.shape[0], b.shape[0], c.shape[0]], { enforceSorted: false });
 * const [out, h] = new nn.GRU(features, 16).forward(packed); // h: each sequence's state at its own last step
 * const [outPadded, lengths] = nn.utils.rnn.padPackedSequence(out); // back to [T, B, 16], in a, b, c's order
 */
export function packPaddedSequence(input: Tensor, lengths: Tensor | readonly number[], options: PackPaddedOptions = {}): PackedSequence {
  let lens = lengthsOf(lengths);
  // [T, B, *] inside, as PyTorch
  let x = options.batchFirst ?? false ? input.transpose(0, 1) : input;
  if (x.numel() === 0) throw new Error("Cannot pack empty tensors.");
  const B = x.shape[1]!;
  // PyTorch's message; for unsorted lengths it fails later, in index_select
  if (lens.length !== B) throw new Error(`Expected \`len(lengths)\` to be equal to batch_size, but got ${lens.length} (batch_size=${B})`);
  let sortedIndices: Tensor | null = null;
  if (!(options.enforceSorted ?? true)) {
    const order = sortedOrder(lens);
    sortedIndices = fromTypedArray(Int32Array.from(order));
    x = x.indexSelect(1, sortedIndices);
    const unsorted = lens;
    lens = order.map((i) => unsorted[i]!);
  }
  // PyTorch's checks, in its order: only the last length is checked for zero, then the order
  if (lens[B - 1]! <= 0) throw new Error("Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0");
  if (lens.some((l, i) => i > 0 && l > lens[i - 1]!)) {
    throw new Error("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do not need ONNX exportability.");
  }
  // torchlet's check: PyTorch builds a malformed PackedSequence (data shorter than the lengths say) here
  if (lens[0]! > x.shape[0]!) throw new Error(`pack_padded_sequence: a length of ${lens[0]} is longer than the padded input's ${x.shape[0]} steps`);
  const batchSizes = Int32Array.from({ length: lens[0]! }, (_, t) => lens.filter((l) => l > t).length);
  const data = cat(Array.from(batchSizes, (n, t) => x.select(0, t).narrow(0, 0, n)), 0);
  return new PackedSequence(data, fromTypedArray(batchSizes), sortedIndices);
}

export interface PadPackedOptions {
  /** Output `[B, T, *]` instead of `[T, B, *]` (default false). */
  batchFirst?: boolean;
  /** The value of the padding elements (default 0). */
  paddingValue?: number;
  /** Pad to this many steps instead of the longest length (which it must not be shorter than). */
  totalLength?: number;
}

/**
 * The inverse of `packPaddedSequence`: `[padded, lengths]`, the batch in its
 * original order (`lengths` int32). Differentiable w.r.t. `packed.data`.
 *
 * @example
 * const [padded, lengths] = nn.utils.rnn.padPackedSequence(packed, { batchFirst: true });
 */
export function padPackedSequence(packed: PackedSequence, options: PadPackedOptions = {}): [Tensor, Tensor] {
  const sizes = toInts(packed.batchSizes);
  let T = sizes.length;
  const total = options.totalLength;
  if (total !== undefined) {
    if (total < T) throw new Error(`Expected total_length to be at least the length of the longest sequence in input, but got total_length=${total} and max sequence length being ${T}`);
    T = total;
  }
  const { data } = packed, B = sizes[0]!, trailing = data.shape.slice(1), value = options.paddingValue ?? 0;
  const pad = (rows: number) => full([rows, ...trailing], value, { dtype: data.dtype });
  let offset = 0;
  const steps = Array.from({ length: T }, (_, t) => {
    const n = sizes[t] ?? 0, rows = data.narrow(0, offset, n);
    offset += n;
    return n === B ? rows : n === 0 ? pad(B) : cat([rows, pad(B - n)], 0);
  });
  const batchFirst = options.batchFirst ?? false, batchDim = batchFirst ? 0 : 1;
  // each step is [B, *]: stacked along the time dimension
  let padded = stack(steps, batchFirst ? 1 : 0);
  // sequence i (in packed order) runs while batchSizes[t] > i
  let lengths = Int32Array.from({ length: B }, (_, i) => sizes.filter((n) => n > i).length);
  if (packed.unsortedIndices !== null) {
    padded = padded.indexSelect(batchDim, packed.unsortedIndices);
    const back = toInts(packed.unsortedIndices), sorted = lengths;
    lengths = Int32Array.from(back, (i) => sorted[i]!);
  }
  return [padded, fromTypedArray(lengths)];
}

/**
 * Packs a list of `[Lᵢ, *]` sequences (longest first, unless
 * `enforceSorted` is false). Differentiable w.r.t. each sequence.
 *
 * @example
 * const packed = nn.utils.rnn.packSequence([torch.randn([2, 8]), torch.randn([5, 8])], { enforceSorted: false });
 */
export function packSequence(sequences: readonly Tensor[], options: { enforceSorted?: boolean } = {}): PackedSequence {
  return packPaddedSequence(padSequence(sequences), sequences.map((s) => s.shape[0]!), { enforceSorted: options.enforceSorted ?? true });
}

/**
 * The sequences of a padded batch, each cut to its length (views of
 * `padded`). PyTorch transposes a time-major `padded` in place on the way;
 * this leaves it as it is.
 *
 * @example
 * const [a, b] = nn.utils.rnn.unpadSequence(padded, [3, 1]); // [3, *], [1, *]
 */
export function unpadSequence(padded: Tensor, lengths: Tensor | readonly number[], options: { batchFirst?: boolean } = {}): Tensor[] {
  const batchDim = options.batchFirst ?? false ? 0 : 1;
  return lengthsOf(lengths).map((l, i) => padded.select(batchDim, i).narrow(0, 0, l));
}

/**
 * The sequences of a PackedSequence, in their original order: the inverse of
 * `packSequence`.
 *
 * @example
 * const [a, b] = nn.utils.rnn.unpackSequence(nn.utils.rnn.packSequence([a0, b0], { enforceSorted: false }));
 */
export function unpackSequence(packed: PackedSequence): Tensor[] {
  const [padded, lengths] = padPackedSequence(packed, { batchFirst: true });
  return unpadSequence(padded, lengths, { batchFirst: true });
}
