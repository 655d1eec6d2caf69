/**
 * `nn.utils.rnn`: helpers for batching sequences of different lengths, as
 * `torch.nn.utils.rnn`: padding them into one tensor, or packing them
 * (no padding) for the recurrent layers.
 */
export { padSequence, type PadSequenceOptions } from "./pad-sequence.js";
export {
  PackedSequence, packPaddedSequence, padPackedSequence, packSequence, unpadSequence, unpackSequence,
  type PackPaddedOptions, type PadPackedOptions,
} from "./packed-sequence.js";
