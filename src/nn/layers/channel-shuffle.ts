/**
 * Channel shuffle (ShuffleNet): the channels of `[N, C, *]` input in `g`
 * groups, interleaved, by reshape and transpose (so the gradient is the
 * inverse permutation, for free).
 */
import { shapeStr } from "../../ops/core.js";
import { reshape, transpose } from "../../ops/views.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Module } from "../module.js";

/**
 * `F.channelShuffle(input, groups)`: `[N, g·k, *]` read as `[N, g, k, *]`
 * and written as `[N, k, g, *]`.
 *
 * @example
 * F.channelShuffle(torch.arange(4).reshape([1, 4, 1]), 2); // channels 0, 2, 1, 3
 */
export function channelShuffle(input: Tensor, groups: number): Tensor {
  if (input.dim() <= 2) throw new Error(`channel_shuffle expects input with > 2 dims, but got input with sizes ${shapeStr(input.shape)}`);
  if (!(groups > 0)) throw new Error(`Number of groups to divide channels in must be positive. Value of groups:${groups}`);
  const [n, c] = input.shape as [number, number];
  if (c % groups !== 0) throw new Error(`Number of channels must be divisible by groups. Got ${c} channels and ${groups} groups.`);
  const rest = input.shape.slice(2);
  return reshape(transpose(reshape(input, [n, groups, c / groups, ...rest]), 1, 2), input.shape);
}

/** Interleaves the channels of `[N, C, *]` input in `groups` groups. @example new nn.ChannelShuffle(2).forward(x) */
export class ChannelShuffle extends Module {
  constructor(readonly groups: number) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return channelShuffle(input, this.groups);
  }

  override extraRepr(): string {
    return `groups=${this.groups}`;
  }
}
